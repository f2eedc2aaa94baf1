// haku-eval: builds an index of a corpus in a temporary directory and prints ranking quality per search
// mode and query language over a judged query set, plus what the semantic layer cost to build.
// Exit codes: 0 ok, 1 failure, 2 usage.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "api/index_writer.h"
#include "api/searcher.h"
#include "api/semantic_eval.h"
#include "corpus/reader.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage =
    R"(usage: haku-eval [--source PATH]... [--queries FILE] [--index-dir DIR] [--build-only | --no-build]

  --source PATH    corpus files or folders to index (default: corpus/sample of the source tree)
  --queries FILE   judged queries (default: tests/relevance/queries.tsv of the source tree)
  --index-dir DIR  build there and keep it (default: a temporary directory, removed afterwards)
  --build-only     build and print the build's costs, no evaluation
  --no-build       evaluate the index already published in --index-dir
)";

int fail(const std::string& message) {
  std::cerr << "haku-eval: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> sources;
  std::string queries = std::string(HAKU_SOURCE_DIR) + "/tests/relevance/queries.tsv";
  std::string index_dir;
  bool build_only = false;
  bool no_build = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--source" && value(&v)) {
      sources.push_back(v);
    } else if (a == "--queries" && value(&queries)) {
    } else if (a == "--index-dir" && value(&index_dir)) {
    } else if (a == "--build-only") {
      build_only = true;
    } else if (a == "--no-build") {
      no_build = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "haku-eval: bad argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (no_build && index_dir.empty()) {
    std::cerr << "haku-eval: --no-build needs --index-dir\n" << kUsage;
    return 2;
  }
  if (sources.empty()) sources.push_back(std::string(HAKU_SOURCE_DIR) + "/corpus/sample");
  bool temporary = index_dir.empty();
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "haku-eval-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return fail("cannot create a temporary directory");
    index_dir = tmpl;
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{temporary ? index_dir : std::string()};

  // Build.
  const auto t0 = std::chrono::steady_clock::now();
  if (!no_build) {
    haku::WriterOptions wo;
    wo.index_dir = index_dir;
    auto w = haku::IndexWriter::open(wo);
    if (!w) return fail(w.status().message());
    if (auto s = w.value()->begin_build(); !s) return fail(s.message());
    haku::CorpusReader reader;
    std::string error;
    for (const auto& src : sources) {
      reader.read(
          src,
          [&](haku::Project&& p, const haku::SourceLocation&) {
            if (auto s = w.value()->add(p); !s && error.empty()) error = s.message();
          },
          [](const haku::Diagnostic&) {});
    }
    if (!error.empty()) return fail(error);
    if (auto s = w.value()->publish(); !s) return fail(s.message());
    std::printf("built %llu records in %.2f s\n", static_cast<unsigned long long>(w.value()->added()),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    for (const auto& line : w.value()->report_lines()) std::printf("%s\n", line.c_str());
  }
  if (build_only) return 0;

  auto judged = haku::load_judged_queries(queries);
  if (!judged) return fail(judged.status().message());
  auto opened = haku::Searcher::open({index_dir, ""});
  if (!opened) return fail(opened.status().message());
  haku::Searcher& searcher = *opened.value();

  struct Config {
    const char* name;
    haku::SearchMode mode;
    bool expand;
  };
  const Config configs[] = {{"keyword (expand=false)", haku::SearchMode::keyword, false},
                            {"keyword", haku::SearchMode::keyword, true},
                            {"semantic", haku::SearchMode::semantic, true},
                            {"hybrid", haku::SearchMode::hybrid, true}};
  std::printf("\n%zu judged queries from %s\n\n", judged->size(), queries.c_str());
  std::printf("%-24s %-4s %7s %8s %10s %7s\n", "mode", "lang", "queries", "nDCG@10", "recall@10", "MRR@10");
  for (const auto& c : configs) {
    haku::SearchRequest base;
    base.mode = c.mode;
    base.expand = c.expand;
    auto scores = haku::evaluate_ranking(searcher, *judged, base);
    if (!scores) return fail(scores.status().message());
    for (const char* lang : {"fi", "sv", "en", "all"}) {
      auto it = scores->find(lang);
      if (it == scores->end()) continue;
      const auto& s = it->second;
      std::printf("%-24s %-4s %7zu %8.3f %10.3f %7.3f\n", c.name, lang, s.queries, s.ndcg10, s.recall10,
                  s.mrr10);
    }
  }
  return 0;
}
