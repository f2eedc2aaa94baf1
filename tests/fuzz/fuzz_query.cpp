// libFuzzer target: the query pipeline through the engine's public entry points. At start-up a small
// index is built from corpus/sample in a temporary folder (full analysis); each input is a query
// (language detection, analysis, Xapian query parsing, expansion, ranking, snippets, facets) and a
// suggest prefix. The first byte picks the language, the mode and the options.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "api/index_writer.h"
#include "api/searcher.h"
#include "corpus/reader.h"

namespace {

std::string g_dir;
std::unique_ptr<haku::Searcher> g_searcher;

void remove_index() {
  std::error_code ec;
  std::filesystem::remove_all(g_dir, ec);
}

void build_index() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "haku-fuzz-query-XXXXXX").string();
  g_dir = ::mkdtemp(tmpl.data());
  std::atexit(remove_index);
  haku::WriterOptions options;
  options.index_dir = g_dir;
  options.threads = 1;
  auto writer = haku::IndexWriter::open(options);
  if (!writer.is_ok() || !(*writer)->begin_build().is_ok()) std::abort();
  haku::CorpusReader reader;
  reader.read(
      HAKU_SOURCE_DIR "/corpus/sample", [&](haku::Project&& p, const haku::SourceLocation&) { (*writer)->add(p); },
      [](const haku::Diagnostic&) {});
  if (!(*writer)->publish().is_ok()) std::abort();
  haku::SearcherOptions so;
  so.index_dir = g_dir;
  auto searcher = haku::Searcher::open(so);
  if (!searcher.is_ok()) std::abort();
  g_searcher = std::move(searcher.value());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  build_index();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kLangs[] = {"auto", "fi", "sv", "en"};
  static const haku::SearchMode kModes[] = {haku::SearchMode::keyword, haku::SearchMode::hybrid,
                                            haku::SearchMode::semantic};
  const uint8_t pick = data[0];
  // The HTTP layer lets at most 1024 bytes of q through (json_codec.h kMaxQueryBytes).
  const std::string text(reinterpret_cast<const char*>(data + 1), std::min<size_t>(size - 1, 1024));
  haku::SearchRequest request;
  request.q = text;
  request.lang = kLangs[pick & 3];
  request.mode = kModes[(pick >> 2) % 3];
  request.expand = (pick & 0x10) != 0;
  request.explain = (pick & 0x20) != 0;
  if (pick & 0x40) request.facets = {"fund", "lang", "region"};
  request.per_page = (pick & 0x80) ? 100 : 10;
  auto result = g_searcher->search(request);
  if (result.is_ok()) {
    for (const auto& hit : result->hits) {
      if (hit.id.empty()) std::abort();  // every hit is a stored record
    }
  }
  g_searcher->suggest(text.substr(0, 64), request.lang, 10);
  return 0;
}
