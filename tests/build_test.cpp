// Index builds on several threads: each thread inverts its own shard and publish() merges them. The
// result must not depend on the number of threads or on their timing.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "api/generations.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace haku;
using namespace haku::testing;

namespace {

// The sample corpus plus generated records with shared words, so that queries match many records
// spread over every shard.
std::vector<Project> corpus() {
  std::vector<Project> out = sample_corpus();
  const char* topics[] = {"integration of migrants", "youth employment", "language courses", "digital skills"};
  const char* langs[] = {"en", "sv", "fi"};
  for (int i = 0; i < 70; ++i)  // all of them fit on one page of 100
    out.push_back(record("gen-" + std::to_string(i), "Project " + std::to_string(i) + " on " + topics[i % 4],
                         std::string("A project on ") + topics[(i + 1) % 4] + " and " + topics[i % 4] +
                             " in the region, number " + std::to_string(i),
                         langs[i % 3]));
  return out;
}

WriterOptions keyword_only(unsigned threads, unsigned segment_records = 10000) {
  WriterOptions o;
  o.full_analysis = false;  // no semantic layer to train: the tests are about the keyword index
  o.threads = threads;
  o.segment_records = segment_records;
  return o;
}

SearchRequest keyword(const std::string& q) {
  SearchRequest r;
  r.q = q;
  r.mode = SearchMode::keyword;
  r.per_page = 100;
  return r;
}

std::set<std::string> id_set(const SearchResult& r) {
  auto ids = ids_of(r);
  return {ids.begin(), ids.end()};
}

const char* kQueries[] = {"integration",          "youth employment", "language", "\"digital skills\"",
                          "antirasism yrkeshögskola", "project -youth",   "title:project", ""};

}  // namespace

TEST_CASE("a build on several threads finds what a build on one thread finds") {
  const auto records = corpus();
  TempDir one, three;
  build_index(one.path, records, keyword_only(1));
  build_index(three.path, records, keyword_only(3, 7));  // many small segments per thread
  auto s1 = open_searcher(one.path);
  auto s3 = open_searcher(three.path);
  CHECK(s1->info().documents == records.size());
  CHECK(s3->info().documents == records.size());
  for (const char* q : kQueries) {
    CAPTURE(std::string(q));
    SearchResult a = must_search(*s1, keyword(q));
    SearchResult b = must_search(*s3, keyword(q));
    CHECK(a.total == b.total);
    CHECK(id_set(a) == id_set(b));
    CHECK(a.total > 0);
  }
  // Every shard's words reach the merged spelling table.
  SearchResult a = must_search(*s1, keyword("integratoin"));
  SearchResult b = must_search(*s3, keyword("integratoin"));
  REQUIRE(a.did_you_mean.has_value());
  REQUIRE(b.did_you_mean.has_value());
  CHECK(*a.did_you_mean == *b.did_you_mean);
  // The shards are gone once merged.
  CHECK(!fs::exists(fs::path(three.path) / generations::current(three.path) / "shards"));
}

TEST_CASE("two builds on the same threads rank ties in the same order") {
  const auto records = corpus();
  TempDir a, b;
  build_index(a.path, records, keyword_only(2));
  build_index(b.path, records, keyword_only(2));
  auto sa = open_searcher(a.path);
  auto sb = open_searcher(b.path);
  for (const char* q : kQueries) {
    CAPTURE(std::string(q));
    CHECK(ids_of(must_search(*sa, keyword(q))) == ids_of(must_search(*sb, keyword(q))));
  }
}

TEST_CASE("a repeated id replaces the earlier record whichever thread indexed it") {
  std::vector<Project> records;
  records.push_back(record("dup", "Harbour cranes", "Old harbour cranes are renovated", "en"));
  for (int i = 0; i < 7; ++i)
    records.push_back(record("other-" + std::to_string(i), "Forest roads", "Forest roads are mapped", "en"));
  records.push_back(record("dup", "Lighthouse keepers", "Lighthouse keepers tell their stories", "en"));
  TempDir dir;
  build_index(dir.path, records, keyword_only(3));
  auto s = open_searcher(dir.path);
  CHECK(s->info().documents == 8);
  CHECK(ids_of(must_search(*s, keyword("lighthouse"))) == std::vector<std::string>{"dup"});
  CHECK(must_search(*s, keyword("cranes")).total == 0);
}

TEST_CASE("a repeated id replaces a record in a segment that is already closed") {
  std::vector<Project> records;
  records.push_back(record("dup", "Harbour cranes", "Old harbour cranes are renovated", "en"));
  records.push_back(record("twice", "Bridge paint", "The bridge is painted", "en"));
  for (int i = 0; i < 30; ++i)
    records.push_back(record("other-" + std::to_string(i), "Forest roads", "Forest roads are mapped", "en"));
  records.push_back(record("dup", "Lighthouse keepers", "Lighthouse keepers tell their stories", "en"));
  records.push_back(record("twice", "Bridge lights", "The bridge gets new lights", "en"));
  records.push_back(record("twice", "Bridge benches", "The bridge gets benches", "en"));
  TempDir dir;
  build_index(dir.path, records, keyword_only(2, 4));
  auto s = open_searcher(dir.path);
  CHECK(s->info().documents == 32);
  CHECK(ids_of(must_search(*s, keyword("lighthouse"))) == std::vector<std::string>{"dup"});
  CHECK(must_search(*s, keyword("cranes")).total == 0);
  CHECK(ids_of(must_search(*s, keyword("benches"))) == std::vector<std::string>{"twice"});
  CHECK(must_search(*s, keyword("lights")).total == 0);
  CHECK(must_search(*s, keyword("painted")).total == 0);
  CHECK(must_search(*s, keyword("forest")).total == 30);
}

TEST_CASE("an abandoned threaded build leaves the published generation alone") {
  const auto records = corpus();
  TempDir dir;
  build_index(dir.path, records, keyword_only(2));
  const std::string published = generations::current(dir.path);
  {
    WriterOptions o = keyword_only(2);
    o.index_dir = dir.path;
    auto w = IndexWriter::open(o);
    REQUIRE(w.is_ok());
    REQUIRE(w.value()->begin_build().is_ok());
    for (const auto& p : records) REQUIRE(w.value()->add(p).is_ok());
    // Destroyed without publish(): the threads stop and the half-built generation is removed.
  }
  CHECK(generations::current(dir.path) == published);
  CHECK(generations::list(dir.path) == std::vector<std::string>{published});
  auto s = open_searcher(dir.path);
  CHECK(must_search(*s, keyword("integration")).total > 0);
}

TEST_CASE("a threaded build with no records is refused and publishes nothing") {
  TempDir dir;
  WriterOptions o = keyword_only(2);
  o.index_dir = dir.path;
  auto w = IndexWriter::open(o);
  REQUIRE(w.is_ok());
  REQUIRE(w.value()->begin_build().is_ok());
  Status s = w.value()->publish();
  CHECK(s.code() == StatusCode::invalid_argument);
  CHECK(s.message() == "refused: the new generation is empty");
  CHECK(generations::current(dir.path).empty());
  CHECK(generations::list(dir.path).empty());
  SearcherOptions so;
  so.index_dir = dir.path;
  CHECK(Searcher::open(so).status().code() == StatusCode::unavailable);
}
