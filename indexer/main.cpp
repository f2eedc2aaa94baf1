// haku-indexer: builds, updates and publishes Haku's index generations from corpus files.
// Exit codes: 0 ok, 1 failure, 2 usage.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "api/index_writer.h"
#include "api/searcher.h"
#include "corpus/reader.h"
#include "indexer/progress.h"

namespace {

constexpr const char* kUsage = R"(usage: haku-indexer COMMAND [options]

Commands:
  build    --source PATH... --index-dir DIR   read corpus files or folders, build a new generation, publish it
  update   --source PATH... --index-dir DIR   add or replace records by id (a new generation unless --in-place)
  delete   --id ID... --index-dir DIR         remove records by id (a new generation unless --in-place)
  stats    --index-dir DIR                    documents, terms, languages, size, analysis features
  verify   --index-dir DIR [--source PATH...] [--queries FILE]
                                              the generation opens, every accepted source record is present,
                                              reference queries (lines "query<TAB>expected-id") find their id
  compact  --index-dir DIR                    compact the published generation into a new one

Options:
  --wait            wait for another writer on DIR instead of failing at once
  --strict          exit 1 when any record was rejected
  --rejects FILE    where rejected raw lines go (default: DIR/rejects.txt)
  --keyword-only    surface words and Snowball stems only (no lemmas, no compound parts)
  --retention N     generations to keep, the published one included (default 2)
  --threads N       build threads, each inverting its own shard before the merge (default: one per core)
  --in-place        update/delete the published generation in place
  --data-dir DIR    language data (stopwords); default: the compiled-in folder
  --version         print the version (alone)
  -q, --quiet       no progress (a rewritten line on a terminal, else a log line every 10 s)

Example:
  haku-indexer build --source corpus/sample --index-dir var/index
)";

struct Options {
  std::string command;
  std::vector<std::string> sources;
  std::vector<std::string> ids;
  std::string index_dir;
  std::string rejects;
  std::string queries;
  std::string data_dir;
  bool wait = false;
  bool strict = false;
  bool keyword_only = false;
  bool in_place = false;
  bool quiet = false;
  unsigned retention = 2;
  unsigned threads = 0;
};

int usage_error(const std::string& message) {
  std::cerr << "haku-indexer: " << message << "\n(see haku-indexer --help)\n";
  return 2;
}

bool parse_args(int argc, char** argv, Options* o, std::string* error) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    *error = "no command given";
    return false;
  }
  o->command = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        *error = a + " needs a value";
        return false;
      }
      *out = args[++i];
      return true;
    };
    std::string v;
    auto number = [&](long lo, long hi, unsigned* out) {
      if (!value(&v)) return false;
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < lo || n > hi) {
        *error = a + " must be a number " + std::to_string(lo) + ".." + std::to_string(hi);
        return false;
      }
      *out = static_cast<unsigned>(n);
      return true;
    };
    if (a == "--source") {
      if (!value(&v)) return false;
      o->sources.push_back(v);
    } else if (a == "--id") {
      if (!value(&v)) return false;
      o->ids.push_back(v);
    } else if (a == "--index-dir") {
      if (!value(&o->index_dir)) return false;
    } else if (a == "--rejects") {
      if (!value(&o->rejects)) return false;
    } else if (a == "--queries") {
      if (!value(&o->queries)) return false;
    } else if (a == "--data-dir") {
      if (!value(&o->data_dir)) return false;
    } else if (a == "--retention") {
      if (!number(1, 100, &o->retention)) return false;
    } else if (a == "--threads") {
      if (!number(1, 64, &o->threads)) return false;
    } else if (a == "--wait") {
      o->wait = true;
    } else if (a == "--strict") {
      o->strict = true;
    } else if (a == "--keyword-only") {
      o->keyword_only = true;
    } else if (a == "--in-place") {
      o->in_place = true;
    } else if (a == "-q" || a == "--quiet") {
      o->quiet = true;
    } else {
      *error = "unknown option '" + a + "'";
      return false;
    }
  }
  if (o->index_dir.empty()) {
    if (const char* env = std::getenv("HAKU_INDEX_DIR")) o->index_dir = env;
  }
  if (o->index_dir.empty()) {
    *error = "--index-dir is required";
    return false;
  }
  return true;
}

uint64_t source_bytes(const std::vector<std::string>& sources) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& s : sources) {
    if (fs::is_directory(s, ec)) {
      for (auto it = fs::recursive_directory_iterator(s, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    } else if (fs::is_regular_file(s, ec)) {
      total += fs::file_size(s, ec);
    }
  }
  return total;
}

// Reads every source into the writer; returns the reader's counts.
struct IngestResult {
  haku::ReadStats stats;
  bool failed = false;
  std::string error;
};

IngestResult ingest(const Options& o, haku::IndexWriter& writer) {
  IngestResult result;
  haku::ReaderOptions ro;
  ro.rejects_path = o.rejects.empty() ? o.index_dir + "/rejects.txt" : o.rejects;
  std::filesystem::remove(ro.rejects_path);
  haku::CorpusReader reader(ro);
  using Progress = haku_indexer::BuildProgress;
  Progress progress(stderr,
                    o.quiet ? Progress::Mode::off
                            : ::isatty(STDERR_FILENO) ? Progress::Mode::terminal : Progress::Mode::log,
                    source_bytes(o.sources));
  uint64_t done_bytes = 0;
  auto on_record = [&](haku::Project&& p, const haku::SourceLocation& where) {
    if (result.failed) return;
    done_bytes += p.title.size() + p.description.size() + 400;
    if (haku::Status s = writer.add(p); !s) {
      result.failed = true;
      result.error = where.file + ":" + std::to_string(where.line) + ": " + s.message();
      return;
    }
    progress.update(writer.added(), done_bytes);
  };
  auto on_diag = [&](const haku::Diagnostic& d) { std::cerr << d.to_string() << "\n"; };
  for (const auto& s : o.sources) {
    if (!reader.read(s, on_record, on_diag)) {
      result.failed = true;
      if (result.error.empty()) result.error = "cannot read " + s;
    }
    if (result.failed) break;
  }
  progress.finish();
  result.stats = reader.stats();
  return result;
}

haku::WriterOptions writer_options(const Options& o) {
  haku::WriterOptions w;
  w.index_dir = o.index_dir;
  w.data_dir = o.data_dir;
  w.wait_for_lock = o.wait;
  w.full_analysis = !o.keyword_only;
  w.retention = o.retention;
  w.threads = o.threads;
  w.new_generation = !o.in_place;
  return w;
}

int fail(const haku::Status& s) {
  std::cerr << "haku-indexer: " << s.message() << "\n";
  return 1;
}

int run_build_or_update(const Options& o) {
  if (o.sources.empty()) return usage_error(o.command + " needs at least one --source");
  const auto t0 = std::chrono::steady_clock::now();
  auto w = haku::IndexWriter::open(writer_options(o));
  if (!w) return fail(w.status());
  haku::IndexWriter& writer = *w.value();
  haku::Status s = o.command == "build" ? writer.begin_build() : writer.begin_update();
  if (!s) return fail(s);
  for (const auto& note : writer.analysis_notes()) std::cerr << "haku-indexer: analysis: " << note << "\n";
  IngestResult r = ingest(o, writer);
  if (r.failed) {
    std::cerr << "haku-indexer: " << r.error << "\nhaku-indexer: nothing published; the index is unchanged\n";
    return 1;
  }
  if (s = writer.publish(); !s) return fail(s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: read %llu, accepted %llu, rejected %llu, warnings %llu; published %s (%llu records in %.2f s, %.0f records/s)\n",
              o.command.c_str(), static_cast<unsigned long long>(r.stats.read),
              static_cast<unsigned long long>(r.stats.accepted), static_cast<unsigned long long>(r.stats.rejected),
              static_cast<unsigned long long>(r.stats.warnings), writer.generation().c_str(),
              static_cast<unsigned long long>(writer.added()), secs, writer.added() / std::max(secs, 1e-9));
  for (const auto& line : writer.report_lines()) std::printf("%s\n", line.c_str());
  if (r.stats.rejected > 0)
    std::printf("rejected records are in %s\n", (o.rejects.empty() ? o.index_dir + "/rejects.txt" : o.rejects).c_str());
  return (o.strict && r.stats.rejected > 0) ? 1 : 0;
}

int run_delete(const Options& o) {
  if (o.ids.empty()) return usage_error("delete needs at least one --id");
  auto w = haku::IndexWriter::open(writer_options(o));
  if (!w) return fail(w.status());
  haku::IndexWriter& writer = *w.value();
  if (haku::Status s = writer.begin_update(); !s) return fail(s);
  for (const auto& id : o.ids)
    if (haku::Status s = writer.remove(id); !s) return fail(s);
  if (haku::Status s = writer.publish(); !s) return fail(s);
  std::printf("delete: removed %zu record(s); published %s\n", o.ids.size(), writer.generation().c_str());
  return 0;
}

int run_stats(const Options& o) {
  haku::SearcherOptions so{o.index_dir, o.data_dir};
  auto s = haku::Searcher::open(so);
  if (!s) return fail(s.status());
  haku::IndexInfo info = s.value()->info();
  std::printf("generation: %s\ndocuments: %llu\nterms: %llu\nsize_bytes: %llu\n", info.generation.c_str(),
              static_cast<unsigned long long>(info.documents), static_cast<unsigned long long>(info.terms),
              static_cast<unsigned long long>(info.size_bytes));
  for (const auto& [lang, n] : info.per_language)
    std::printf("lang.%s: %llu\n", lang.c_str(), static_cast<unsigned long long>(n));
  std::string features;
  for (const auto& f : info.features) features += (features.empty() ? "" : ",") + f;
  std::printf("features: %s\n", features.c_str());
  for (const auto& n : info.notes) std::printf("degraded: %s\n", n.c_str());
  return 0;
}

int run_verify(const Options& o) {
  haku::SearcherOptions so{o.index_dir, o.data_dir};
  auto opened = haku::Searcher::open(so);
  if (!opened) return fail(opened.status());
  haku::Searcher& searcher = *opened.value();
  haku::IndexInfo info = searcher.info();
  int problems = 0;
  uint64_t checked = 0;
  if (!o.sources.empty()) {
    haku::ReaderOptions ro;
    haku::CorpusReader reader(ro);
    for (const auto& src : o.sources) {
      reader.read(
          src,
          [&](haku::Project&& p, const haku::SourceLocation& where) {
            ++checked;
            if (!searcher.get(p.id)) {
              ++problems;
              std::cerr << where.file << ":" << where.line << ": id: record '" << p.id << "' is not in the index\n";
            }
          },
          [](const haku::Diagnostic&) {});
    }
  }
  uint64_t queries = 0;
  if (!o.queries.empty()) {
    std::ifstream in(o.queries);
    if (!in) return fail(haku::Status::error(haku::StatusCode::io_error, "cannot read " + o.queries));
    std::string line;
    uint64_t lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      if (line.empty() || line[0] == '#') continue;
      size_t tab = line.find('\t');
      if (tab == std::string::npos) {
        std::cerr << o.queries << ":" << lineno << ": expected \"query<TAB>expected-id\"\n";
        ++problems;
        continue;
      }
      ++queries;
      haku::SearchRequest r;
      r.q = line.substr(0, tab);
      std::string expected = line.substr(tab + 1);
      auto res = searcher.search(r);
      bool found = false;
      if (res)
        for (const auto& h : res->hits) found = found || h.id == expected;
      if (!found) {
        ++problems;
        std::cerr << o.queries << ":" << lineno << ": query '" << r.q << "' does not find " << expected
                  << " in its first page\n";
      }
    }
  }
  std::printf("verify: generation %s opens with %llu documents; %llu source records checked, %llu queries; %d problem(s)\n",
              info.generation.c_str(), static_cast<unsigned long long>(info.documents),
              static_cast<unsigned long long>(checked), static_cast<unsigned long long>(queries), problems);
  return problems == 0 ? 0 : 1;
}

int run_compact(const Options& o) {
  if (haku::Status s = haku::compact_index(writer_options(o)); !s) return fail(s);
  std::printf("compact: done\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--version") == 0) return std::printf("haku-indexer %s\n", HAKU_VERSION) < 0;
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
                    std::strcmp(argv[1], "help") == 0)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Options o;
  std::string error;
  if (!parse_args(argc, argv, &o, &error)) return usage_error(error);
  try {
    if (o.command == "build" || o.command == "update") return run_build_or_update(o);
    if (o.command == "delete") return run_delete(o);
    if (o.command == "stats") return run_stats(o);
    if (o.command == "verify") return run_verify(o);
    if (o.command == "compact") return run_compact(o);
  } catch (const std::exception& e) {
    std::cerr << "haku-indexer: unexpected error: " << e.what() << "\n";
    return 1;
  }
  return usage_error("unknown command '" + o.command + "'");
}
