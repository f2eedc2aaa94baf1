// haku-eval: ranking quality of every judged set in one run. For each set it indexes the set's records
// with Haku and with a bare Xapian BM25 baseline (api/bm25_baseline.h), or reuses both indexes from an
// earlier run when the records and the analysis are unchanged, and prints MRR@10, nDCG@10, recall@10
// and success@3 per search mode (keyword, semantic, hybrid = the default) and query language beside
// the baseline. Sets whose files are absent are skipped, visibly.
// Exit codes: 0 ok (skipped sets included), 1 failure, 2 usage.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "api/bm25_baseline.h"
#include "api/document_builder.h"
#include "api/index_writer.h"
#include "api/ranking_eval.h"
#include "api/schema.h"
#include "api/searcher.h"
#include "corpus/reader.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage =
    R"(usage: haku-eval [--set NAME]... [--mode NAME]... [--no-expand] [--misses] [--data-dir DIR] [--index-dir DIR]
                 [--rebuild] [--build-only]

Evaluates every judged set (or those named) in one run, each beside a bare Xapian BM25 baseline:
  sample   tests/relevance/queries.tsv over corpus/sample (per query language, success@3)
  cisi     CISI: DATA/eval/cisi_corpus.jsonl, cisi_queries.tsv (English)
  finlex   the Statute Book cross-lingual titles: DATA/eval/finlex_crosslingual_titles.tsv over all
           records of DATA/finlex_statutes_2005-2018_fi_sv.cap2000.jsonl.gz (fi->sv and sv->fi)

  --set NAME       evaluate this set (repeatable; default: all three)
  --mode NAME      keyword, semantic or hybrid (repeatable; default: all three)
  --no-expand      search with expand=false (no similar words)
  --misses         list, per mode, the queries with no relevant record in their top 3
  --data-dir DIR   the shared data folder (default: ../shared/data beside the source tree)
  --index-dir DIR  where the indexes of each set are kept between runs, keyed by the set's files and
                   the analysis (default: var/eval in the source tree)
  --rebuild        index again even when a kept index matches
  --build-only     build (or check) the indexes, no evaluation

Baseline: Xapian TermGenerator (title + description) with the record language's Snowball stemmer,
QueryParser with the query language's stemmer (STEM_SOME, default OR), BM25Weight() defaults.
)";

int fail(const std::string& message) {
  std::cerr << "haku-eval: " << message << "\n";
  return 1;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// FNV-1a, 64 bits.
struct Hash {
  uint64_t h = 1469598103934665603ull;
  void add(std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // field separator
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

using RecordSink = std::function<bool(haku::Project&&)>;  // false: no more records wanted

struct EvalSet {
  std::string name;
  std::string title;
  std::vector<std::string> files;  // records and queries: all must exist, else the set is skipped
  std::function<haku::Status(const RecordSink&)> read_records;
  std::function<haku::Result<std::vector<haku::JudgedQuery>>()> read_queries;
  std::string group_title;                     // what the per-language rows mean
  std::map<std::string, std::string> groups;  // query language -> row label
};

// Reads corpus files with the CorpusReader; any rejected record fails the read (nothing is lost).
haku::Status read_corpus(const std::string& path, const RecordSink& sink) {
  haku::CorpusReader reader;
  std::string error;
  reader.read(
      path, [&, more = true](haku::Project&& p, const haku::SourceLocation&) mutable {
        if (more) more = sink(std::move(p));
      },
      [&](const haku::Diagnostic& d) {
        if (d.kind == haku::DiagnosticKind::rejected && error.empty()) error = d.to_string();
      });
  if (!error.empty()) return haku::Status::error(haku::StatusCode::invalid_argument, error);
  return haku::Status::ok();
}

// The files' identity: path, size and modification time (a folder: every file in it).
void hash_files(const std::vector<std::string>& paths, Hash* h) {
  for (const auto& p : paths) {
    std::vector<fs::path> files;
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(p);
    }
    for (const auto& f : files) {
      struct stat st {};
      ::stat(f.c_str(), &st);
      h->add(fs::absolute(f).string());
      h->add(std::to_string(st.st_size));
      h->add(std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
    }
  }
}

// What the analysis makes of the set's first records: every term, its within-document frequency and
// positions as DocumentBuilder writes them, with the schema version. A change to the analysis shows
// here, so a kept index is never evaluated with a different one.
haku::Result<std::string> analysis_fingerprint(const EvalSet& set) {
  constexpr size_t kProbeRecords = 200;
  std::vector<haku::Project> probe;
  haku::Status s = set.read_records([&](haku::Project&& p) {
    probe.push_back(std::move(p));
    return probe.size() < kProbeRecords;
  });
  if (!s) return s;
  haku::Analyzer analyzer;
  haku::DocumentBuilder builder(analyzer, true);
  Hash h;
  h.add(std::to_string(haku::schema::kSchemaVersion));
  for (auto& p : probe) {
    Xapian::Document doc = builder.build(p, nullptr);
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      h.add(*t);
      h.add(std::to_string(t.get_wdf()));
      for (auto pos = t.positionlist_begin(); pos != t.positionlist_end(); ++pos) h.add(std::to_string(*pos));
    }
  }
  return h.hex();
}

struct Indexes {
  std::string haku_dir;
  std::string bm25_dir;
  bool reused = false;
  uint64_t records = 0;
  double build_seconds = 0;
  std::vector<std::string> report;
};

bool same_file(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  if (!fa || !fb) return false;
  return std::equal(std::istreambuf_iterator<char>(fa), std::istreambuf_iterator<char>(),
                    std::istreambuf_iterator<char>(fb), std::istreambuf_iterator<char>());
}

// The translation table is read at query time only, from the generation's copy: a kept index gets
// this build's table, so a change to the table is measured without indexing again.
haku::Status refresh_translations(const std::string& haku_dir, std::vector<std::string>* report) {
  const std::string ours = HAKU_DEFAULT_TRANSLATIONS;
  const std::string kept = (fs::path(haku_dir) / "current" / "translations.bin").string();
  std::error_code ec;
  if (!fs::exists(ours, ec) || same_file(ours, kept)) return haku::Status::ok();
  fs::copy_file(ours, kept, fs::copy_options::overwrite_existing, ec);
  if (ec) return haku::Status::error(haku::StatusCode::io_error, "cannot copy " + ours + " to " + kept + ": " + ec.message());
  report->push_back("translation table: this build's (" + ours + "), copied into the kept index");
  return haku::Status::ok();
}

// Builds both indexes of a set under `root`, or reuses those a previous run left for the same key.
haku::Result<Indexes> prepare(const EvalSet& set, const std::string& root, bool rebuild) {
  Hash key;
  hash_files(set.files, &key);
  auto fp = analysis_fingerprint(set);
  if (!fp) return fp.status();
  key.add(*fp);
  const fs::path dir = fs::path(root) / (set.name + "-" + key.hex());
  Indexes ix;
  ix.haku_dir = (dir / "haku").string();
  ix.bm25_dir = (dir / "bm25").string();
  const fs::path done = dir / "complete";
  if (!rebuild && fs::exists(done)) {
    std::ifstream in(done);
    in >> ix.records >> ix.build_seconds;
    ix.reused = true;
    if (auto r = refresh_translations(ix.haku_dir, &ix.report); !r) return r;
    return ix;
  }
  std::error_code ec;
  if (fs::is_directory(root))
    for (const auto& e : fs::directory_iterator(root))
      if (e.path().filename().string().rfind(set.name + "-", 0) == 0) fs::remove_all(e.path(), ec);
  fs::create_directories(dir, ec);
  if (ec) return haku::Status::error(haku::StatusCode::io_error, "cannot create " + dir.string() + ": " + ec.message());

  const auto t0 = std::chrono::steady_clock::now();
  haku::WriterOptions wo;
  wo.index_dir = ix.haku_dir;
  auto w = haku::IndexWriter::open(wo);
  if (!w) return w.status();
  if (auto s = w.value()->begin_build(); !s) return s;
  auto base = haku::Bm25Baseline::create(ix.bm25_dir);
  if (!base) return base.status();
  haku::Status add_error = haku::Status::ok();
  haku::Status s = set.read_records([&](haku::Project&& p) {
    if (auto a = base.value()->add(p); !a) add_error = a;
    if (auto a = w.value()->add(p); !a) add_error = a;
    return add_error.is_ok();
  });
  if (!s) return s;
  if (!add_error) return add_error;
  if (auto c = base.value()->commit(); !c) return c;
  if (auto p = w.value()->publish(); !p) return p;
  ix.records = w.value()->added();
  ix.build_seconds = seconds_since(t0);
  ix.report = w.value()->report_lines();
  std::ofstream(done) << ix.records << " " << ix.build_seconds << "\n";
  return ix;
}

struct Row {
  std::string system;
  std::map<std::string, haku::RankingScores> scores;
  double ms_per_query = 0;
};

void print_rows(const EvalSet& set, const std::vector<Row>& rows) {
  std::printf("%-9s %-9s %7s %7s %8s %9s %9s %8s\n", "system", set.group_title.c_str(), "queries", "MRR@10",
              "nDCG@10", "recall@10", "success@3", "ms/query");
  std::vector<std::string> keys;
  for (const auto& [lang, label] : set.groups) keys.push_back(lang);
  keys.push_back("all");
  for (const auto& key : keys) {
    for (const Row& r : rows) {
      auto it = r.scores.find(key);
      if (it == r.scores.end()) continue;
      const haku::RankingScores& s = it->second;
      const std::string label = key == "all" ? "all" : set.groups.at(key);
      std::printf("%-9s %-9s %7zu %7.3f %8.3f %9.3f %8.1f%% %8.1f\n", r.system.c_str(), label.c_str(), s.queries,
                  s.mrr10, s.ndcg10, s.recall10, 100 * s.success3, r.ms_per_query);
    }
    if (keys.size() > 1) std::printf("\n");
  }
}

struct Options {
  std::string index_root;
  bool rebuild = false;
  bool build_only = false;
  bool expand = true;
  bool misses = false;
  std::vector<std::string> modes;
};

int evaluate(const EvalSet& set, const Options& o) {
  std::printf("== %s\n", set.title.c_str());
  for (const auto& f : set.files) {
    if (!fs::exists(f)) {
      std::printf("SKIPPED: %s is absent\n\n", f.c_str());
      return 0;
    }
  }
  auto queries = set.read_queries();
  if (!queries) return fail(set.name + ": " + queries.status().message());
  auto ix = prepare(set, o.index_root, o.rebuild);
  if (!ix) return fail(set.name + ": " + ix.status().message());
  std::printf("%llu records, %zu queries; index %s %s (built in %.1f s)\n",
              static_cast<unsigned long long>(ix->records), queries->size(), ix->reused ? "reused from" : "built in",
              fs::path(ix->haku_dir).parent_path().c_str(), ix->build_seconds);
  for (const auto& line : ix->report) std::printf("  %s\n", line.c_str());
  if (o.build_only) {
    std::printf("\n");
    return 0;
  }

  std::vector<Row> rows;
  {
    auto base = haku::Bm25Baseline::open(ix->bm25_dir);
    if (!base) return fail(set.name + ": " + base.status().message());
    haku::RankingTally tally;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& q : *queries) {
      auto ids = base.value()->search(q.query, q.lang, q.filters, 10);
      if (!ids) return fail(set.name + ": " + ids.status().message());
      tally.add(q, *ids);
    }
    rows.push_back({"bm25", tally.scores(), 1000 * seconds_since(t0) / double(queries->size())});
  }
  auto opened = haku::Searcher::open({ix->haku_dir, ""});
  if (!opened) return fail(set.name + ": " + opened.status().message());
  struct Mode {
    const char* name;
    haku::SearchMode mode;
  };
  for (const Mode& m : {Mode{"keyword", haku::SearchMode::keyword}, Mode{"semantic", haku::SearchMode::semantic},
                        Mode{"hybrid", haku::SearchMode::hybrid}}) {
    if (std::find(o.modes.begin(), o.modes.end(), m.name) == o.modes.end()) continue;
    haku::SearchRequest base;
    base.mode = m.mode;
    base.expand = o.expand;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<haku::QueryOutcome> outcomes;
    auto scores = haku::evaluate_ranking(*opened.value(), *queries, base, &outcomes);
    if (!scores) return fail(set.name + ": " + scores.status().message());
    rows.push_back({m.name, *scores, 1000 * seconds_since(t0) / double(queries->size())});
    if (!o.misses) continue;
    for (const auto& out : outcomes) {
      bool hit = false;
      for (size_t i = 0; i < out.top.size() && i < 3; ++i) hit = hit || out.query->grades.count(out.top[i]) > 0;
      if (hit) continue;
      std::string top;
      for (size_t i = 0; i < out.top.size() && i < 3; ++i) top += (i ? " " : "") + out.top[i];
      std::printf("miss %-8s %s %s [%s]: %s\n", m.name, out.query->qid.c_str(), out.query->lang.c_str(),
                  out.query->query.c_str(), top.empty() ? "nothing" : top.c_str());
    }
  }
  print_rows(set, rows);
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> names;
  std::string data_dir = std::string(HAKU_SOURCE_DIR) + "/../shared/data";
  Options o;
  o.index_root = std::string(HAKU_SOURCE_DIR) + "/var/eval";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--set" && value(&v)) {
      if (v != "sample" && v != "cisi" && v != "finlex") {
        std::cerr << "haku-eval: unknown set '" << v << "'\n" << kUsage;
        return 2;
      }
      names.push_back(v);
    } else if (a == "--mode" && value(&v)) {
      if (v != "keyword" && v != "semantic" && v != "hybrid") {
        std::cerr << "haku-eval: unknown mode '" << v << "'\n" << kUsage;
        return 2;
      }
      o.modes.push_back(v);
    } else if (a == "--no-expand") {
      o.expand = false;
    } else if (a == "--misses") {
      o.misses = true;
    } else if (a == "--data-dir" && value(&data_dir)) {
    } else if (a == "--index-dir" && value(&o.index_root)) {
    } else if (a == "--rebuild") {
      o.rebuild = true;
    } else if (a == "--build-only") {
      o.build_only = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "haku-eval: bad argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (names.empty()) names = {"sample", "cisi", "finlex"};
  if (o.modes.empty()) o.modes = {"keyword", "semantic", "hybrid"};
  data_dir = fs::weakly_canonical(data_dir).string();

  const std::string sample_dir = std::string(HAKU_SOURCE_DIR) + "/corpus/sample";
  const std::string sample_queries = std::string(HAKU_SOURCE_DIR) + "/tests/relevance/queries.tsv";
  const std::string cisi_corpus = data_dir + "/eval/cisi_corpus.jsonl";
  const std::string cisi_queries = data_dir + "/eval/cisi_queries.tsv";
  const std::string statutes = data_dir + "/finlex_statutes_2005-2018_fi_sv.cap2000.jsonl.gz";
  const std::string titles = data_dir + "/eval/finlex_crosslingual_titles.tsv";
  const std::map<std::string, EvalSet> sets = {
      {"sample",
       {"sample", "sample: judged queries " + sample_queries + " over " + sample_dir,
        {sample_dir, sample_queries},
        [&](const RecordSink& sink) { return read_corpus(sample_dir, sink); },
        [&] { return haku::load_judged_queries(sample_queries); },
        "lang",
        {{"fi", "fi"}, {"sv", "sv"}, {"en", "en"}}}},
      {"cisi",
       {"cisi", "CISI: " + cisi_queries + " over " + cisi_corpus,
        {cisi_corpus, cisi_queries},
        [&](const RecordSink& sink) { return read_corpus(cisi_corpus, sink); },
        [&] { return haku::load_cisi_queries(cisi_queries); },
        "lang",
        {}}},
      {"finlex",
       {"finlex", "Statute Book cross-lingual titles: " + titles + " over " + statutes,
        {statutes, titles},
        [&](const RecordSink& sink) { return haku::read_statutes(statutes, sink); },
        [&] { return haku::load_crosslingual_titles(titles); },
        "direction",
        {{"fi", "fi->sv"}, {"sv", "sv->fi"}}}},
  };
  std::printf("haku-eval: data %s, indexes kept in %s%s\n\n", data_dir.c_str(), o.index_root.c_str(),
              o.expand ? "" : "; expand=false");
  for (const auto& n : names)
    if (int rc = evaluate(sets.at(n), o); rc != 0) return rc;
  return 0;
}
