// Unattended reindexing: the publish gate, retention that cannot lose the good index, rollback,
// incremental builds (sync) and the spelling table after deletions. The real binaries and signals are
// exercised in tests/e2e/reindex.sh.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "api/generations.h"
#include "api/log_event.h"
#include "api/schema.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace haku;
using namespace haku::testing;
using generations::Verdict;

namespace {

WriterOptions keyword_only(const std::string& dir) {
  WriterOptions o;
  o.index_dir = dir;
  o.full_analysis = false;  // no semantic layer: these tests are about publishing
  o.threads = 2;
  return o;
}

std::vector<Project> numbered(int n, const std::string& prefix = "r") {
  std::vector<Project> out;
  for (int i = 0; i < n; ++i)
    out.push_back(record(prefix + std::to_string(i), "Harbour project " + std::to_string(i),
                         "Cranes and ferries in the harbour, number " + std::to_string(i), "en"));
  return out;
}

SourceReport accepted_all(const std::vector<Project>& records) {
  SourceReport s;
  s.description = "test records";
  s.read = s.accepted = records.size();
  return s;
}

enum class Mode { build, sync, update };

// Writes `records` through a writer in `mode` with the given source counts; returns publish()'s status
// and the writer's report.
Status write(const WriterOptions& o, const std::vector<Project>& records, const SourceReport& source,
             PublishReport* report = nullptr, Mode mode = Mode::build, std::vector<LogEvent>* events = nullptr) {
  WriterOptions wo = o;
  if (events) wo.on_event = [events](const LogEvent& e) { events->push_back(e); };
  auto w = IndexWriter::open(wo);
  REQUIRE_MESSAGE(w.is_ok(), w.status().message());
  Status begun = mode == Mode::build ? w.value()->begin_build()
                 : mode == Mode::sync ? w.value()->begin_sync()
                                      : w.value()->begin_update();
  REQUIRE_MESSAGE(begun.is_ok(), begun.message());
  for (const auto& p : records) REQUIRE(w.value()->add(p).is_ok());
  w.value()->set_source(source);
  Status s = w.value()->publish();
  if (report) *report = w.value()->report();
  return s;
}

void publish_ok(const WriterOptions& o, const std::vector<Project>& records, Mode mode = Mode::build,
                PublishReport* report = nullptr) {
  Status s = write(o, records, accepted_all(records), report, mode);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
}

SearchRequest keyword(const std::string& q) {
  SearchRequest r;
  r.q = q;
  r.mode = SearchMode::keyword;
  r.per_page = 100;
  return r;
}

std::optional<std::string> did_you_mean(const std::string& dir, const std::string& q) {
  auto s = open_searcher(dir);
  return must_search(*s, keyword(q)).did_you_mean;
}

generations::Manifest manifest_of(const std::string& dir, const std::string& gen) {
  generations::Manifest m;
  REQUIRE_MESSAGE(generations::read_manifest(dir, gen, &m), "no manifest in " << gen);
  return m;
}

// A generation folder as a writer leaves it, with a manifest of the given verdict (none: nullptr).
void fake_generation(const std::string& dir, const std::string& gen, const Verdict* verdict) {
  fs::create_directories(fs::path(dir) / gen / "xapian");
  Xapian::WritableDatabase(generations::database_path(dir, gen), Xapian::DB_CREATE_OR_OPEN).commit();
  if (verdict) {
    generations::Manifest m;
    m.verdict = *verdict;
    m.kind = "build";
    REQUIRE(generations::write_manifest(dir, gen, m).is_ok());
  }
}

}  // namespace

// ---- the publish gate ------------------------------------------------------------------------------

TEST_CASE("a source whose every record was rejected is refused, and the good generation stays served") {
  TempDir dir;
  const WriterOptions o = keyword_only(dir.path);
  publish_ok(o, numbered(20));
  const std::string good = generations::current(dir.path);
  SourceReport all_rejected;
  all_rejected.read = all_rejected.rejected = 251;
  PublishReport rep;
  std::vector<LogEvent> events;
  Status s = write(o, {}, all_rejected, &rep, Mode::build, &events);
  CHECK(s.code() == StatusCode::invalid_argument);
  CHECK(s.param() == "source");
  CHECK(s.message().find("refused: nothing accepted from the source (read 251, rejected 251)") == 0);
  CHECK(rep.verdict == "refused");
  CHECK(generations::current(dir.path) == good);
  CHECK(generations::list(dir.path) == std::vector<std::string>{good});  // the refused one is gone
  CHECK(open_searcher(dir.path)->info().documents == 20);
  REQUIRE(!events.empty());
  CHECK(events.back().name == "refused");
  CHECK(events.back().get("previous") == good);
  CHECK(events.back().get("reason").find("nothing accepted") == 0);
}

TEST_CASE("an empty build is refused even when nothing was published before") {
  TempDir dir;
  Status s = write(keyword_only(dir.path), {}, SourceReport{});
  CHECK(s.code() == StatusCode::invalid_argument);
  CHECK(generations::current(dir.path).empty());
  CHECK(generations::list(dir.path).empty());
}

TEST_CASE("a source 90 % smaller than the published generation is refused; a 10 % smaller one is published") {
  TempDir dir;
  const WriterOptions o = keyword_only(dir.path);
  publish_ok(o, numbered(200));
  const std::string good = generations::current(dir.path);
  publish_ok(o, numbered(200));  // a second good one, retained for rollback
  const std::string second = generations::current(dir.path);
  const auto retained = generations::list(dir.path);
  auto shrunk = numbered(20);
  PublishReport rep;
  Status s = write(o, shrunk, accepted_all(shrunk), &rep);
  CHECK(s.param() == "max-shrink");
  CHECK(rep.reason.find("20 documents, 90.0 % fewer than the 200 of " + second) == 0);
  CHECK(rep.documents == 20);
  CHECK(rep.previous_documents == 200);
  CHECK(generations::current(dir.path) == second);
  CHECK(generations::list(dir.path) == retained);
  auto fewer = numbered(180);
  CHECK(write(o, fewer, accepted_all(fewer), &rep).is_ok());
  CHECK(rep.verdict == "published");
  CHECK(open_searcher(dir.path)->info().documents == 180);
  // A looser gate lets the shrunk one through.
  WriterOptions loose = o;
  loose.gate.max_shrink = 0.95;
  CHECK(write(loose, shrunk, accepted_all(shrunk)).is_ok());
}

TEST_CASE("a reject rate above the threshold is refused") {
  TempDir dir;
  const WriterOptions o = keyword_only(dir.path);
  auto records = numbered(30);
  SourceReport src = accepted_all(records);
  src.read = 40;
  src.rejected = 10;  // 25 %
  Status s = write(o, records, src);
  CHECK(s.param() == "max-reject-rate");
  CHECK(s.message().find("rejected 10 of 40 records (25.0 %, more than --max-reject-rate 10.0 %)") != std::string::npos);
  CHECK(generations::current(dir.path).empty());
  WriterOptions tolerant = o;
  tolerant.gate.max_reject_rate = 0.3;
  CHECK(write(tolerant, records, src).is_ok());
}

TEST_CASE("a source that failed is refused even if its records look fine") {
  TempDir dir;
  const WriterOptions o = keyword_only(dir.path);
  publish_ok(o, numbered(10));
  const std::string good = generations::current(dir.path);
  auto records = numbered(10, "x");
  SourceReport src = accepted_all(records);
  src.failure = "source-cmd 'export.sh' exited with status 3";
  Status s = write(o, records, src);
  CHECK(s.message() == "refused: source-cmd 'export.sh' exited with status 3");
  CHECK(generations::current(dir.path) == good);
  CHECK(open_searcher(dir.path)->get("x1").status().code() == StatusCode::not_found);
}

TEST_CASE("--force publishes over a refusal, and the manifest and the log say what it overrode") {
  TempDir dir;
  WriterOptions o = keyword_only(dir.path);
  publish_ok(o, numbered(100));
  o.gate.force = true;
  auto shrunk = numbered(5);
  PublishReport rep;
  std::vector<LogEvent> events;
  REQUIRE(write(o, shrunk, accepted_all(shrunk), &rep, Mode::build, &events).is_ok());
  CHECK(rep.forced);
  CHECK(rep.verdict == "published");
  const auto m = manifest_of(dir.path, generations::current(dir.path));
  CHECK(m.forced);
  CHECK(m.overridden.find("5 documents, 95.0 % fewer") == 0);
  auto forced = std::find_if(events.begin(), events.end(), [](const LogEvent& e) { return e.name == "forced"; });
  REQUIRE(forced != events.end());
  CHECK(forced->get("overridden") == m.overridden);
  CHECK(events.back().name == "published");
  CHECK(events.back().get("forced") == "1");
}

TEST_CASE("reference queries: a miss refuses the generation, a hit lets it through") {
  TempDir dir;
  WriterOptions o = keyword_only(dir.path);
  auto records = numbered(12);
  records.push_back(record("lighthouse", "Lighthouse keepers", "Stories of lighthouse keepers", "en"));
  const std::string queries = dir.path + "/queries.tsv";
  std::ofstream(queries) << "# reference queries\nlighthouse keepers\tlighthouse\nharbour\tr3\tr4\n";
  o.gate.queries_path = queries;
  PublishReport rep;
  REQUIRE(write(o, records, accepted_all(records), &rep).is_ok());
  CHECK(rep.queries == 2);
  CHECK(rep.queries_missed == 0);
  const std::string good = generations::current(dir.path);
  records.pop_back();  // the lighthouse record is gone from the feed
  Status s = write(o, records, accepted_all(records), &rep);
  CHECK(s.param() == "queries");
  CHECK(rep.reason == "1 reference query misses: " + queries + ":2: query 'lighthouse keepers' does not find lighthouse on its first page");
  CHECK(generations::current(dir.path) == good);
  std::ofstream(queries) << "a line without a tab\n";
  s = write(o, records, accepted_all(records), &rep);
  CHECK(s.param() == "queries");
  CHECK(rep.reason == queries + ":1: expected \"query<TAB>expected-id\"");
}

// ---- retention and crashes -------------------------------------------------------------------------

TEST_CASE("regression: after a killed build, the next good build keeps the previous good generation") {
  // What a build killed half-way leaves: a generation folder with its unmerged shards (written before
  // the good build that follows). generations::prune used to keep it by name order and delete the last
  // good generation.
  TempDir dir;
  build_index(dir.path, numbered(10), keyword_only(dir.path));
  const std::string good = generations::current(dir.path);
  const std::string partial = generations::new_name();
  fs::create_directories(fs::path(dir.path) / partial / "shards" / "0");
  build_index(dir.path, numbered(10), keyword_only(dir.path));
  const std::string next = generations::current(dir.path);
  CHECK(next > partial);
  CHECK(generations::list(dir.path) == std::vector<std::string>{good, next});
}

TEST_CASE("a writer killed with SIGKILL at each point of a build never costs the previous good generation") {
  for (const char* point : {"read", "merge", "semantic", "switch", "published"}) {
    CAPTURE(std::string(point));
    TempDir dir;
    const WriterOptions o = keyword_only(dir.path);
    publish_ok(o, numbered(30));
    const std::string first = generations::current(dir.path);
    publish_ok(o, numbered(30));
    const std::string good = generations::current(dir.path);
    REQUIRE(first != good);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::setenv("HAKU_KILL_AT", point, 1);
      auto w = IndexWriter::open(o);
      if (!w || !w.value()->begin_build()) ::_exit(3);
      for (const auto& p : numbered(30, "k")) (void)w.value()->add(p);
      w.value()->set_source(accepted_all(numbered(30)));
      (void)w.value()->publish();
      ::_exit(4);  // not reached: the kill point stops the process
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    const std::string after_kill = generations::current(dir.path);
    const bool switched = std::string(point) == "published";
    CHECK((after_kill != good) == switched);
    CHECK(generations::list(dir.path).size() == 3);  // the killed build's folder is still there
    publish_ok(o, numbered(30));
    const std::string last = generations::current(dir.path);
    // The generation served before the good build is retained, and nothing else but the new one.
    CHECK(generations::list(dir.path) == std::vector<std::string>{after_kill, last});
    CHECK(manifest_of(dir.path, after_kill).verdict == Verdict::published);
    CHECK(generations::previous_good(dir.path) == after_kill);
  }
}

TEST_CASE("prune keeps the published generation and the newest good ones; the rest goes") {
  TempDir dir;
  const Verdict published = Verdict::published, building = Verdict::building, verified = Verdict::verified,
                rolled_back = Verdict::rolled_back;
  // Oldest first: a legacy one (no manifest), good ones, one abandoned, one verified but never
  // published, one rolled back, the current one and an abandoned one after it.
  std::vector<std::string> g;
  for (int i = 0; i < 8; ++i) g.push_back("gen-2026010" + std::to_string(i) + "T000000.000000Z");
  fake_generation(dir.path, g[0], nullptr);
  fake_generation(dir.path, g[1], &published);
  fake_generation(dir.path, g[2], &published);
  fake_generation(dir.path, g[3], &building);
  fake_generation(dir.path, g[4], &verified);
  fake_generation(dir.path, g[5], &rolled_back);
  fake_generation(dir.path, g[6], &published);
  fake_generation(dir.path, g[7], &building);
  REQUIRE(generations::publish(dir.path, g[6]).is_ok());
  auto infos = generations::describe(dir.path);
  REQUIRE(infos.size() == 8);
  CHECK(infos[0].manifest.verdict == Verdict::legacy);
  CHECK(infos[0].good());
  CHECK(!infos[4].good());
  CHECK(generations::previous_good(dir.path) == g[2]);
  SUBCASE("retention 3") {
    auto removed = generations::prune(dir.path, 3);
    CHECK(generations::list(dir.path) == std::vector<std::string>{g[1], g[2], g[6]});
    CHECK(removed == std::vector<std::string>{g[0], g[3], g[4], g[5], g[7]});
  }
  SUBCASE("retention 1 still keeps the previous good one") {
    generations::prune(dir.path, 1);
    CHECK(generations::list(dir.path) == std::vector<std::string>{g[2], g[6]});
  }
  SUBCASE("a legacy generation counts as good") {
    generations::prune(dir.path, 5);
    CHECK(generations::list(dir.path) == std::vector<std::string>{g[0], g[1], g[2], g[6]});
  }
}

TEST_CASE("rollback republishes the previous good generation and marks the one it left") {
  TempDir dir;
  const WriterOptions o = keyword_only(dir.path);
  publish_ok(o, numbered(10, "a"));
  const std::string a = generations::current(dir.path);
  publish_ok(o, numbered(10, "b"));
  const std::string b = generations::current(dir.path);
  auto s = open_searcher(dir.path);
  CHECK(s->get("b1").is_ok());
  CHECK(generations::previous_good(dir.path) == a);
  uint64_t docs = 0;
  {
    generations::DirLock lock;
    REQUIRE(generations::DirLock::acquire(dir.path, false, &lock).is_ok());
    REQUIRE(generations::rollback(dir.path, generations::previous_good(dir.path), &docs).is_ok());
  }
  CHECK(docs == 10);
  CHECK(generations::current(dir.path) == a);
  CHECK(s->refresh());
  CHECK(s->get("a1").is_ok());
  CHECK(s->get("b1").status().code() == StatusCode::not_found);
  CHECK(manifest_of(dir.path, b).verdict == Verdict::rolled_back);
  CHECK(!manifest_of(dir.path, b).rolled_back.empty());
  CHECK(manifest_of(dir.path, a).verdict == Verdict::published);
  // Nothing older to go back to; a generation that never passed the gate is no target.
  CHECK(generations::previous_good(dir.path).empty());
  CHECK(generations::rollback(dir.path, "", &docs).code() == StatusCode::not_found);
  CHECK(generations::rollback(dir.path, a, &docs).code() == StatusCode::invalid_argument);
  const Verdict verified = Verdict::verified;
  fake_generation(dir.path, "gen-20000101T000000.000000Z", &verified);
  CHECK(generations::rollback(dir.path, "gen-20000101T000000.000000Z", &docs).code() == StatusCode::invalid_argument);
  // Forward again, to the rolled-back one.
  REQUIRE(generations::rollback(dir.path, b, &docs).is_ok());
  CHECK(generations::current(dir.path) == b);
  // The next publish prunes what was rolled back from.
  publish_ok(o, numbered(10, "c"));
  CHECK(generations::list(dir.path) == std::vector<std::string>{b, generations::current(dir.path)});
}

TEST_CASE("manifests round-trip and are written at each step") {
  TempDir dir;
  generations::Manifest m;
  m.verdict = Verdict::published;
  m.kind = "sync";
  m.created = "2026-03-01T03:00:00Z";
  m.published = "2026-03-01T03:02:00Z";
  m.previous = "gen-20260228T030000.000000Z";
  m.source = "/var/lib/haku/export; cmd: export.sh --all\nsecond line";
  m.documents = 19940;
  m.read = 19950;
  m.accepted = 19940;
  m.rejected = 10;
  m.added = 3;
  m.changed = 4;
  m.deleted = 5;
  m.unchanged = 19933;
  m.build_seconds = 12.5;
  m.verify_seconds = 0.25;
  m.forced = true;
  m.overridden = "why";
  fs::create_directories(fs::path(dir.path) / "gen-x");
  REQUIRE(generations::write_manifest(dir.path, "gen-x", m).is_ok());
  generations::Manifest back = manifest_of(dir.path, "gen-x");
  m.source = "/var/lib/haku/export; cmd: export.sh --all second line";  // one line
  CHECK(back == m);
  CHECK(generations::parse_utc(m.created) == 1772334000);
  CHECK(generations::parse_utc("yesterday") == -1);

  auto records = numbered(12);
  SourceReport src = accepted_all(records);
  src.read = 13;
  src.rejected = 1;
  src.description = "a.jsonl";
  REQUIRE(write(keyword_only(dir.path), records, src).is_ok());
  const auto pub = manifest_of(dir.path, generations::current(dir.path));
  CHECK(pub.verdict == Verdict::published);
  CHECK(pub.kind == "build");
  CHECK(pub.documents == 12);
  CHECK(pub.read == 13);
  CHECK(pub.rejected == 1);
  CHECK(pub.source == "a.jsonl");
  CHECK(generations::parse_utc(pub.created) > 0);
  CHECK(generations::parse_utc(pub.published) >= generations::parse_utc(pub.created));
}

// ---- incremental builds -------------------------------------------------------------------------------

TEST_CASE("the content hash is of the record as read, before language detection") {
  Project p = record("id1", "Nuorten työllisyys", "Hanke tukee nuorten työllistymistä.", "");
  const std::string h = schema::content_hash(p);
  CHECK(h.size() == 16);
  CHECK(schema::content_hash(p) == h);
  Project q = p;
  q.places.push_back("Oulu");
  CHECK(schema::content_hash(q) != h);
  TempDir dir;
  build_index(dir.path, {p}, keyword_only(dir.path));
  Xapian::Database db(generations::database_path(dir.path, generations::current(dir.path)));
  auto post = db.postlist_begin("Qid1");
  REQUIRE(post != db.postlist_end("Qid1"));
  CHECK(db.get_document(*post).get_value(schema::kSlotContentHash) == h);
}

TEST_CASE("sync applies only additions, changes and deletions, and finds what a full build finds") {
  TempDir synced, full;
  auto records = numbered(40);
  publish_ok(keyword_only(synced.path), records);
  const std::string base = generations::current(synced.path);
  records[3].title = "Lighthouse keepers";
  records.erase(records.begin() + 5);
  records.push_back(record("new", "Quokka observatory", "Quokkas are counted", "en"));
  PublishReport rep;
  publish_ok(keyword_only(synced.path), records, Mode::sync, &rep);
  CHECK(rep.added == 1);
  CHECK(rep.changed == 1);
  CHECK(rep.deleted == 1);
  CHECK(rep.unchanged == 38);
  CHECK(rep.previous == base);
  CHECK(generations::current(synced.path) != base);
  CHECK(manifest_of(synced.path, generations::current(synced.path)).kind == "sync");
  publish_ok(keyword_only(full.path), records);
  auto a = open_searcher(synced.path);
  auto b = open_searcher(full.path);
  CHECK(a->info().documents == 40);
  for (const char* q : {"lighthouse", "quokka", "harbour", "\"number 5\"", "cranes -ferries", ""}) {
    CAPTURE(std::string(q));
    auto ra = must_search(*a, keyword(q));
    auto rb = must_search(*b, keyword(q));
    CHECK(ra.total == rb.total);
    auto ia = ids_of(ra), ib = ids_of(rb);
    std::sort(ia.begin(), ia.end());
    std::sort(ib.begin(), ib.end());
    CHECK(ia == ib);
  }
  CHECK(a->get("r5").status().code() == StatusCode::not_found);
  CHECK(a->get("r3")->title == "Lighthouse keepers");
}

TEST_CASE("sync of an unchanged source publishes nothing") {
  TempDir dir;
  auto records = numbered(25);
  publish_ok(keyword_only(dir.path), records);
  const auto before = generations::list(dir.path);
  PublishReport rep;
  std::vector<LogEvent> events;
  REQUIRE(write(keyword_only(dir.path), records, accepted_all(records), &rep, Mode::sync, &events).is_ok());
  CHECK(rep.verdict == "unchanged");
  CHECK(rep.unchanged == 25);
  CHECK(generations::list(dir.path) == before);
  REQUIRE(!events.empty());
  CHECK(events.back().name == "unchanged");
}

TEST_CASE("sync of a shrunk or failed source is refused like a build") {
  TempDir dir;
  publish_ok(keyword_only(dir.path), numbered(100));
  const std::string good = generations::current(dir.path);
  auto shrunk = numbered(10);
  PublishReport rep;
  CHECK(write(keyword_only(dir.path), shrunk, accepted_all(shrunk), &rep, Mode::sync).param() == "max-shrink");
  CHECK(rep.documents == 10);
  CHECK(rep.deleted == 0);  // refused before deleting anything
  SourceReport failed = accepted_all(numbered(100));
  failed.failure = "source-cmd 'x' was killed by signal 9 (SIGKILL)";
  CHECK(write(keyword_only(dir.path), numbered(100), failed, &rep, Mode::sync).param() == "source");
  CHECK(generations::current(dir.path) == good);
  CHECK(generations::list(dir.path) == std::vector<std::string>{good});
}

TEST_CASE("sync falls back to a full build when the published generation was analysed differently") {
  TempDir dir;
  publish_ok(keyword_only(dir.path), numbered(5));
  WriterOptions full;
  full.index_dir = dir.path;
  full.threads = 1;
  auto w = IndexWriter::open(full);
  REQUIRE(w.is_ok());
  REQUIRE(w.value()->begin_sync().is_ok());
  std::string why;
  CHECK(w.value()->mode(&why) == "build");
  CHECK(why == "the published generation is keyword-only");
}

TEST_CASE("a sync keeps the previous semantic model while few records changed, and retrains past the bound") {
  TempDir dir;
  WriterOptions full;
  full.index_dir = dir.path;
  full.threads = 1;
  std::vector<Project> records;
  const char* topics[] = {"youth employment and training", "migrant integration courses", "digital skills for seniors",
                          "harbour cranes and logistics"};
  for (int i = 0; i < 40; ++i)
    records.push_back(record("s" + std::to_string(i), std::string("Project on ") + topics[i % 4],
                             std::string("The project supports ") + topics[(i + 1) % 4] + " in the region, part " +
                                 std::to_string(i),
                             "en"));
  auto lines_of = [&](Mode mode) {
    auto w = IndexWriter::open(full);
    REQUIRE(w.is_ok());
    REQUIRE((mode == Mode::build ? w.value()->begin_build() : w.value()->begin_sync()).is_ok());
    for (const auto& p : records) REQUIRE(w.value()->add(p).is_ok());
    w.value()->set_source(accepted_all(records));
    Status s = w.value()->publish();
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    std::string all;
    for (const auto& l : w.value()->report_lines()) all += l + "\n";
    return all;
  };
  CHECK(lines_of(Mode::build).find("trained in") != std::string::npos);
  records[0].description = "The project now supports beekeeping";
  const std::string kept = lines_of(Mode::sync);
  CHECK_MESSAGE(kept.find("model of the previous generation kept (1 records changed") != std::string::npos, kept);
  // The generation answers on both sides: the changed record by its new word, records by meaning.
  auto s = open_searcher(dir.path);
  SearchRequest r;
  r.q = "beekeeping";
  CHECK(ids_of(must_search(*s, r)) == std::vector<std::string>{"s0"});
  r.q = "migrant integration";
  r.mode = SearchMode::semantic;
  CHECK(!must_search(*s, r).hits.empty());
  for (int i = 0; i < 5; ++i) records[i + 1].title += " revised";  // 5 more: 6 of 40 since training
  const std::string retrained = lines_of(Mode::sync);
  CHECK_MESSAGE(retrained.find("trained in") != std::string::npos, retrained);
}

// ---- the spelling table --------------------------------------------------------------------------

TEST_CASE("regression: deleted and replaced records' words leave the spelling suggestions") {
  auto records = numbered(10);
  records.push_back(record("x", "Xylophonist guild", "The xylophonist guild meets weekly", "en"));
  records.push_back(record("y", "Marimba makers", "Marimba makers and one xylophonist", "en"));
  SUBCASE("delete") {
    TempDir dir;
    build_index(dir.path, records, keyword_only(dir.path));
    CHECK(did_you_mean(dir.path, "xylophonsit") == std::optional<std::string>("xylophonist"));
    for (const char* id : {"x", "y"}) {
      auto w = IndexWriter::open(keyword_only(dir.path));
      REQUIRE(w.value()->begin_update().is_ok());
      REQUIRE(w.value()->remove(id).is_ok());
      REQUIRE(w.value()->publish().is_ok());
      // After "x" one record still has the word; after "y" none.
      CHECK(did_you_mean(dir.path, "xylophonsit").has_value() == (std::string(id) == "x"));
    }
    CHECK(did_you_mean(dir.path, "harbuor") == std::optional<std::string>("harbour"));  // the rest stays
  }
  SUBCASE("replace by update") {
    TempDir dir;
    build_index(dir.path, records, keyword_only(dir.path));
    records[10].title = "Drummer guild";
    records[10].description = "The drummer guild meets weekly";
    records[11].description = "Marimba makers";
    publish_ok(keyword_only(dir.path), {records[10], records[11]}, Mode::update);
    CHECK(!did_you_mean(dir.path, "xylophonsit"));
    CHECK(did_you_mean(dir.path, "drummre") == std::optional<std::string>("drummer"));
  }
  SUBCASE("sync") {
    TempDir dir;
    build_index(dir.path, records, keyword_only(dir.path));
    records.erase(records.begin() + 10, records.end());
    PublishReport rep;
    publish_ok(keyword_only(dir.path), records, Mode::sync, &rep);
    CHECK(rep.deleted == 2);
    CHECK(!did_you_mean(dir.path, "xylophonsit"));
  }
  SUBCASE("a repeated id within one build, in the open segment and in a closed one") {
    for (unsigned segment : {1000u, 2u}) {
      CAPTURE(segment);
      TempDir dir;
      auto twice = records;
      twice.push_back(record("x", "Drummer guild", "The drummer guild", "en"));
      twice.push_back(record("y", "Marimba makers", "Marimba makers", "en"));
      WriterOptions o = keyword_only(dir.path);
      o.segment_records = segment;
      build_index(dir.path, twice, o);
      CHECK(!did_you_mean(dir.path, "xylophonsit"));
      CHECK(did_you_mean(dir.path, "drummre") == std::optional<std::string>("drummer"));
    }
  }
}

// ---- log lines ------------------------------------------------------------------------------------

TEST_CASE("an event is one key=value line, quoted where it must be") {
  LogEvent e("refused");
  e.add("gen", "gen-1").add("documents", uint64_t(20)).add("seconds", 1.5).add("reason", "20 documents, \"90 %\" fewer\nsecond");
  CHECK(e.line() == "event=refused gen=gen-1 documents=20 seconds=1.50 reason=\"20 documents, \\\"90 %\\\" fewer second\"");
  CHECK(e.get("documents") == "20");
  CHECK(e.get("absent").empty());
  CHECK(LogEvent("x").add("empty", "").line() == "event=x empty=\"\"");
}
