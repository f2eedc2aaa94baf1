// Generations in a reading process: a generation is loaded as one unit (database, translations,
// semantic layer, facet columns), shared by every Searcher of a GenerationSet, released when its last
// reader is done; a generation that fails to open or to answer is refused and the previous one stays
// served; one found damaged while served gives way to the newest other retained generation.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/generation.h"
#include "api/generation_set.h"
#include "api/generations.h"
#include "api/schema.h"
#include "stemmers/translation.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace haku;
using namespace haku::testing;

namespace {

// Log lines a set wrote, for the tests to read.
struct Log {
  std::mutex mu;
  std::vector<std::string> lines;
  bool has(const std::string& words) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& l : lines)
      if (l.find(words) != std::string::npos) return true;
    return false;
  }
};

std::shared_ptr<GenerationSet> make_set(const std::string& dir, const std::shared_ptr<Log>& log,
                                        std::chrono::seconds hold = std::chrono::seconds(600)) {
  GenerationSetOptions o;
  o.index_dir = dir;
  o.log = [log](const std::string& line) {
    std::lock_guard<std::mutex> lock(log->mu);
    log->lines.push_back(line);
  };
  o.previous_hold = hold;
  return std::make_shared<GenerationSet>(o);
}

std::vector<Project> small_corpus(const std::string& marker) {
  std::vector<Project> records = sample_corpus();
  records.push_back(record("gen-marker", "Marker " + marker, "The generation marker " + marker + ".", "en"));
  return records;
}

std::string published(const std::string& dir) { return generations::current(dir); }

// Cuts a generation's postlist table in half, as a failing disk or an interrupted copy would.
void truncate_postlist(const std::string& dir, const std::string& gen) {
  const fs::path p = fs::path(dir) / gen / "xapian" / "postlist.glass";
  REQUIRE(fs::exists(p));
  const auto size = fs::file_size(p);
  REQUIRE(::truncate(p.c_str(), static_cast<off_t>(size / 2)) == 0);
}

// A translation table where the Swedish word `word` translates to the English `to`.
void write_translations(const std::string& gen_dir, const std::string& word, const std::string& to) {
  TranslationEntry e;
  e.from = Lang::sv;
  e.key = word;
  e.terms.push_back({Lang::en, to, false, false});
  std::ofstream out(gen_dir + "/translations.bin", std::ios::binary | std::ios::trunc);
  out << serialize_translations({e});
  REQUIRE(out.good());
}

std::vector<std::string> translations_of(Searcher& s, const std::string& word) {
  SearchRequest r;
  r.q = word;
  r.lang = "sv";
  r.mode = SearchMode::keyword;
  r.explain = true;
  std::vector<std::string> out;
  const SearchResult res = must_search(s, r);  // held: a loop over a temporary's member would dangle
  for (const auto& t : res.explain->terms)
    if (t.kind == "translation") out.push_back(t.term);
  return out;
}

SearchRequest marker_query(const std::string& marker) {
  SearchRequest r;
  r.q = marker;
  r.mode = SearchMode::keyword;
  r.expand = false;
  return r;
}

}  // namespace

TEST_CASE("a hot reload serves the new generation's translation table, not the first one's") {
  TempDir dir;
  build_index(dir.path, small_corpus("alpha"));
  write_translations(dir.path + "/" + published(dir.path), "zzkorv", "alphaword");
  auto s = open_searcher(dir.path);
  CHECK(translations_of(*s, "zzkorv") == std::vector<std::string>{"alphaword"});
  build_index(dir.path, small_corpus("beta"));
  write_translations(dir.path + "/" + published(dir.path), "zzkorv", "betaword");
  CHECK(s->refresh());
  CHECK(translations_of(*s, "zzkorv") == std::vector<std::string>{"betaword"});
}

TEST_CASE("Searchers of one set share one loaded generation; an old one is released with its last reader") {
  TempDir dir;
  build_index(dir.path, small_corpus("alpha"));
  auto log = std::make_shared<Log>();
  auto set = make_set(dir.path, log, std::chrono::seconds(0));
  auto s1 = open_searcher(dir.path, set);
  auto s2 = open_searcher(dir.path, set);
  CHECK(must_search(*s2, marker_query("alpha")).total == 1);
  CHECK(set->state().loads == 1);
  std::weak_ptr<const Generation> first = set->current();
  REQUIRE(!first.expired());

  build_index(dir.path, small_corpus("beta"));
  CHECK(s1->refresh());
  CHECK(set->state().loads == 2);
  // s2 served the first generation and has not refreshed: it holds it only weakly, between requests.
  CHECK(first.expired());
  CHECK(must_search(*s2, marker_query("beta")).total == 1);  // every request runs on the served generation
  CHECK(log->has("event=generation_loaded generation=" + published(dir.path)));
}

TEST_CASE("the generation replaced last stays loaded for its cursors while it is held") {
  TempDir dir;
  build_index(dir.path, small_corpus("alpha"));
  auto log = std::make_shared<Log>();
  auto set = make_set(dir.path, log, std::chrono::seconds(600));
  auto s = open_searcher(dir.path, set);
  SearchRequest r;
  r.per_page = 3;
  SearchResult first_page = must_search(*s, r);
  REQUIRE(!first_page.next_cursor.empty());
  std::weak_ptr<const Generation> first = set->current();
  build_index(dir.path, small_corpus("beta"));
  CHECK(s->refresh());
  CHECK(!first.expired());
  r.cursor = first_page.next_cursor;
  SearchResult second = must_search(*s, r);
  CHECK(second.hits.size() == 3);
  CHECK(set->state().loads == 2);  // the cursor's generation was still loaded: no third load
}

TEST_CASE("a generation whose postlist is truncated is refused; the previous one stays served and it is logged") {
  TempDir dir;
  build_index(dir.path, small_corpus("alpha"));
  const std::string good = published(dir.path);
  auto log = std::make_shared<Log>();
  auto set = make_set(dir.path, log);
  auto s = open_searcher(dir.path, set);

  build_index(dir.path, small_corpus("beta"));
  const std::string bad = published(dir.path);
  truncate_postlist(dir.path, bad);
  CHECK_FALSE(s->refresh());
  CHECK(must_search(*s, marker_query("alpha")).total == 1);
  GenerationState st = set->state();
  CHECK(st.served == good);
  CHECK(st.published == bad);
  CHECK(st.degraded);
  CHECK(st.serving);
  CHECK(st.refused == bad);
  CHECK_FALSE(st.damaged);
  CHECK(log->has("level=error event=generation_refused generation=" + bad));
  IndexInfo info = s->info();
  CHECK(info.status == "degraded");
  CHECK(info.generation == good);
  CHECK(info.refused == bad);

  // Not tried again on every request; a forced reload tries again.
  CHECK_FALSE(s->refresh());
  CHECK(set->state().refusals == 1);
  auto again = set->reload();
  REQUIRE(again.is_ok());
  CHECK(again->served == good);
  CHECK(set->state().refusals == 2);

  // A good generation published after it is served, and the degraded state ends.
  build_index(dir.path, small_corpus("gamma"));
  CHECK(s->refresh());
  CHECK(must_search(*s, marker_query("gamma")).total == 1);
  CHECK_FALSE(set->state().degraded);
  CHECK(s->info().status == "ready");
}

TEST_CASE("a lone generation that fails to open is corrupt for Searcher::open, not a crash") {
  TempDir dir;
  build_index(dir.path, small_corpus("alpha"));
  truncate_postlist(dir.path, published(dir.path));
  SearcherOptions so;
  so.index_dir = dir.path;
  auto s = Searcher::open(so);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.status().code() == StatusCode::corrupt);
}

TEST_CASE("a generation damaged while served gives way to the newest other retained generation") {
  TempDir dir;
  build_index(dir.path, small_corpus("alpha"));
  const std::string older = published(dir.path);
  build_index(dir.path, small_corpus("beta"));
  const std::string served = published(dir.path);
  auto log = std::make_shared<Log>();
  auto set = make_set(dir.path, log);
  auto s = open_searcher(dir.path, set);
  CHECK(must_search(*s, marker_query("beta")).total == 1);

  truncate_postlist(dir.path, served);
  // Searches that reach the lost blocks fail as `corrupt`; the set then stops serving the generation.
  bool failed = false;
  for (const char* q : {"marker", "rasism", "kotoutuminen", "integration", "zyxw"}) {
    auto res = s->search(marker_query(q));
    if (!res.is_ok()) {
      CHECK(res.status().code() == StatusCode::corrupt);
      failed = true;
      break;
    }
  }
  if (!failed) s->info();  // reads the postlist table too
  GenerationState st = set->state();
  CHECK(st.served == older);
  CHECK(st.degraded);
  CHECK(st.damaged);
  CHECK(st.refused == served);
  CHECK(log->has("level=error event=generation_failed generation=" + served));
  CHECK(log->has("event=generation_fallback generation=" + older));
  CHECK(must_search(*s, marker_query("alpha")).total == 1);
  CHECK(s->info().status == "degraded");
}

TEST_CASE("a damaged generation with nothing to fall back on is reported as failing") {
  TempDir dir;
  WriterOptions wo;
  wo.retention = 1;
  build_index(dir.path, small_corpus("alpha"), wo);
  auto log = std::make_shared<Log>();
  auto set = make_set(dir.path, log);
  auto s = open_searcher(dir.path, set);
  truncate_postlist(dir.path, published(dir.path));
  for (const char* q : {"marker", "rasism", "kotoutuminen", "integration"}) (void)s->search(marker_query(q));
  IndexInfo info = s->info();
  CHECK(info.status == "failing");
  CHECK_FALSE(set->state().serving);
}

TEST_CASE("info() counts the terms of an update made in place, not the count read before it") {
  TempDir dir;
  build_index(dir.path, {record("t1", "Bridges over rivers", "Old text about bridges.", "en"),
                         record("t2", "Roads", "Text about roads.", "en")});
  auto s = open_searcher(dir.path);
  const IndexInfo before = s->info();
  REQUIRE(before.terms > 0);
  {
    WriterOptions wo;
    wo.index_dir = dir.path;
    wo.new_generation = false;
    auto w = IndexWriter::open(wo);
    REQUIRE(w.is_ok());
    REQUIRE(w.value()->begin_update().is_ok());
    REQUIRE(w.value()->add(record("t3", "Zebrafinch quokkaland", "Wombatry and platypodes nest here.", "en")).is_ok());
    REQUIRE(w.value()->publish().is_ok());
  }
  CHECK(generations::current(dir.path) == before.generation);  // the same generation, a newer revision
  CHECK(s->refresh());
  const IndexInfo after = s->info();
  CHECK(after.documents == 3);
  Xapian::Database db(generations::database_path(dir.path, after.generation));
  uint64_t terms = 0;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) ++terms;
  CHECK(after.terms == terms);
  CHECK(after.terms > before.terms);
}

namespace {

// The id of each record of a shard database, by its docid there.
std::map<Xapian::docid, std::string> ids_by_docid(const std::string& path) {
  Xapian::Database db(path);
  std::map<Xapian::docid, std::string> out;
  const std::string prefix(schema::kId);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t)
    out[*db.postlist_begin(*t)] = (*t).substr(prefix.size());
  return out;
}

// Every record lies in the shard its id hashes to, at the docid it has in the one-database build.
// A stored record whole: its data, values, and terms with their wdf and positions.
std::string record_content(const Xapian::Database& db, Xapian::docid did) {
  const Xapian::Document d = db.get_document(did);
  std::string out = d.get_data() + "\n";
  for (auto v = d.values_begin(); v != d.values_end(); ++v) out += std::to_string(v.get_valueno()) + "=" + *v + "\n";
  for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
    out += *t + ":" + std::to_string(t.get_wdf());
    for (auto p = db.positionlist_begin(did, *t); p != db.positionlist_end(did, *t); ++p) out += " " + std::to_string(*p);
    out += "\n";
  }
  return out;
}

// Each record of one_dir is in the shard of two_dir its id hashes to, at its one-database docid; the
// spelling table and the metadata are in the first shard only, as one database's.
void check_partition(const std::string& one_dir, const std::string& two_dir, unsigned n_shards = 2) {
  const auto one = ids_by_docid(generations::database_path(one_dir, published(one_dir)));
  const std::vector<std::string> shards = generations::shard_paths(two_dir, published(two_dir));
  REQUIRE(shards.size() == n_shards);
  auto spellings = [](const Xapian::Database& db) {
    std::vector<std::pair<std::string, Xapian::doccount>> out;
    for (auto w = db.spellings_begin(); w != db.spellings_end(); ++w) out.emplace_back(*w, w.get_termfreq());
    return out;
  };
  auto metadata_keys = [](const Xapian::Database& db) {
    std::vector<std::string> out;
    for (auto t = db.metadata_keys_begin(); t != db.metadata_keys_end(); ++t) out.push_back(*t);
    return out;
  };
  const Xapian::Database whole(generations::database_path(one_dir, published(one_dir)));
  REQUIRE(!spellings(whole).empty());
  size_t n = 0;
  for (unsigned k = 0; k < n_shards; ++k) {
    const Xapian::Database shard(shards[k]);
    if (k == 0) {
      CHECK(spellings(shard) == spellings(whole));
      CHECK(metadata_keys(shard) == metadata_keys(whole));
    } else {
      CHECK(spellings(shard).empty());
      CHECK(metadata_keys(shard).empty());
    }
    for (const auto& [docid, id] : ids_by_docid(shards[k])) {
      ++n;
      CHECK_MESSAGE(generations::shard_of(id, n_shards) == k, id);
      auto it = one.find(docid);
      REQUIRE_MESSAGE(it != one.end(), id << " at docid " << docid);
      CHECK(it->second == id);
      CHECK_MESSAGE(record_content(shard, docid) == record_content(whole, docid), id);
    }
  }
  CHECK(n == one.size());
}

// What a search answers, without timings and signed cursors.
std::string answer(Searcher& s, SearchRequest r) {
  SearchResult res = must_search(s, r);
  std::string out = std::to_string(res.total) + (res.total_exact ? "=" : ">");
  for (const auto& h : res.hits) out += " " + h.id + ":" + std::to_string(h.score).substr(0, 8) + ":" + h.snippet;
  for (const auto& [name, values] : res.facets)
    for (const auto& v : values) out += " " + name + "/" + v.value + "=" + std::to_string(v.count);
  return out;
}

}  // namespace

TEST_CASE("a sharded build, update and delete route records by id hash; searches answer as one database") {
  TempDir one, two;
  std::vector<Project> records = sample_corpus();
  for (int i = 0; i < 40; ++i)
    records.push_back(record("extra-" + std::to_string(i), "Koulutus hanke " + std::to_string(i % 7),
                             "Hanke kehittää koulutusta ja energiaa alueella " + std::to_string(i % 5) + ".", "fi"));
  // A repeated id, its first record in a segment closed by then: replaced there in every layout.
  records.push_back(record("extra-2", "Koulutus korvattu", "Korvattu hanke, uusi teksti.", "fi"));
  WriterOptions o;
  o.semantic_layer = false;
  o.threads = 2;
  o.segment_records = 7;  // many segments per thread, each a block of docids
  build_index(one.path, records, o);
  o.shards = 2;
  build_index(two.path, records, o);
  check_partition(one.path, two.path);
  {
    auto s = open_searcher(two.path);
    REQUIRE(s->get("extra-2").is_ok());
    CHECK(s->get("extra-2").value().title == "Koulutus korvattu");
  }
  {
    // Four shards.
    TempDir four;
    o.shards = 4;
    build_index(four.path, records, o);
    check_partition(one.path, four.path, 4);
    o.shards = 2;
  }
  {
    // compact --shards 2 on a one-database generation gives the generation a --shards 2 build gives.
    TempDir later;
    o.shards = 1;
    build_index(later.path, records, o);
    WriterOptions c;
    c.index_dir = later.path;
    c.shards = 2;
    c.partition_batch = 7;  // many batches, the last one short
    REQUIRE(compact_index(c).is_ok());
    check_partition(one.path, later.path);
    auto a = open_searcher(two.path);
    auto b = open_searcher(later.path);
    SearchRequest r;
    r.q = "koulutus";
    r.facets = {"lang", "fund"};
    CHECK(answer(*a, r) == answer(*b, r));
    // A sharded generation keeps its number of shards.
    c.shards = 3;
    const Status refused = compact_index(c);
    CHECK(!refused.is_ok());
    CHECK(refused.message().find("has 2 shards") != std::string::npos);
    o.shards = 2;
  }
  generations::Manifest m;
  REQUIRE(generations::read_manifest(two.path, published(two.path), &m));
  CHECK(m.shards.rfind("shard-0:", 0) == 0);
  CHECK(m.shards.find(",shard-1:") != std::string::npos);

  const std::vector<Project> added = {record("new-a", "Uusi koulutus", "Koulutus uusi hanke.", "fi"),
                                      record("new-b", "Ny utbildning", "Utbildning ny.", "sv"),
                                      record("extra-3", "Koulutus muutettu", "Muutettu hanke energiaa.", "fi")};
  for (const auto& dir : {one.path, two.path}) update_index(dir, added, {"extra-5", records[0].id});
  check_partition(one.path, two.path);

  auto s1 = open_searcher(one.path);
  auto s2 = open_searcher(two.path);
  CHECK(s2->info().shards.size() == 2);
  std::vector<SearchRequest> requests(6);
  requests[0].q = "koulutus";
  requests[0].facets = {"lang", "fund", "themes"};
  requests[1].facets = {"lang", "country"};
  requests[1].per_page = 5;
  requests[1].page = 3;
  requests[2].q = "hanke energiaa";
  requests[2].sort = SortBy::start_date;
  requests[3].filters = {{"lang", "fi"}};
  requests[3].facets = {"lang", "fund"};
  requests[4].q = "utbildning OR koulutus";
  requests[4].mode = SearchMode::keyword;
  requests[5].q = "extra";
  for (auto& r : requests) CHECK(answer(*s1, r) == answer(*s2, r));
  auto sim1 = s1->similar("extra-3", requests[1]);
  auto sim2 = s2->similar("extra-3", requests[1]);
  REQUIRE(sim1.is_ok());
  REQUIRE(sim2.is_ok());
  CHECK(ids_of(sim1.value()) == ids_of(sim2.value()));
  CHECK(sim1->total == sim2->total);
  CHECK(!s2->get("extra-5").is_ok());
  REQUIRE(s2->get("new-b").is_ok());
}

TEST_CASE("a generation's shards.conf with a bad line is refused naming the file and the line") {
  TempDir dir;
  WriterOptions o;
  o.semantic_layer = false;
  o.shards = 2;
  build_index(dir.path, sample_corpus(), o);
  const std::string conf = dir.path + "/" + published(dir.path) + "/shards.conf";
  std::ofstream(conf) << "timeout_ms 500\nremote 127.0.0.1\n";
  auto g = Generation::open(dir.path, published(dir.path));
  REQUIRE(!g.is_ok());
  CHECK(g.status().message() == conf + ":2: remote wants HOST:PORT, not '127.0.0.1'");
  std::ofstream(conf) << "on_failure maybe\n";
  g = Generation::open(dir.path, published(dir.path));
  REQUIRE(!g.is_ok());
  CHECK(g.status().message().find(":1: on_failure is `partial` or `unavailable`") != std::string::npos);
  std::ofstream(conf) << "local shard-0\nlocal shard-1\non_failure partial\n";
  g = Generation::open(dir.path, published(dir.path));
  REQUIRE_MESSAGE(g.is_ok(), g.status().message());
  CHECK(g.value()->shards().shards.size() == 2);
  CHECK(g.value()->shards().partial_on_failure);
  CHECK(g.value()->all_local());
}
