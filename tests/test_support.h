#pragma once
// Fixtures shared by the engine's unit tests: temporary folders, the sample corpus, index builds and
// searches that fail the test with the engine's own message.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/generation_set.h"
#include "api/index_writer.h"
#include "api/searcher.h"
#include "corpus/reader.h"

namespace haku::testing {

// A fresh folder under the system's temporary directory, removed with everything in it.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string& prefix = "haku-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline std::vector<Project> sample_corpus() {
  std::vector<Project> out;
  CorpusReader reader;
  reader.read(std::string(HAKU_SOURCE_DIR) + "/corpus/sample",
              [&](Project&& p, const SourceLocation&) { out.push_back(std::move(p)); },
              [](const Diagnostic& d) { FAIL("sample corpus diagnostic: " << d.to_string()); });
  return out;
}

inline Project record(const std::string& id, const std::string& title, const std::string& description,
                      const std::string& lang) {
  Project p;
  p.id = id;
  p.title = title;
  p.description = description;
  p.lang = lang;
  return p;
}

// Builds and publishes a generation of `records` in `dir` (full analysis unless `options` says not);
// returns what the writer reported about the build.
inline std::vector<std::string> build_index(const std::string& dir, const std::vector<Project>& records,
                                            WriterOptions options = {}) {
  options.index_dir = dir;
  auto w = IndexWriter::open(options);
  REQUIRE_MESSAGE(w.is_ok(), w.status().message());
  REQUIRE(w.value()->begin_build().is_ok());
  for (const auto& p : records) REQUIRE(w.value()->add(p).is_ok());
  auto s = w.value()->publish();
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return w.value()->report_lines();
}

// Adds (or replaces) `add` and removes `remove` in one update of the generation published in `dir`,
// without a semantic layer, and publishes it.
inline void update_index(const std::string& dir, const std::vector<Project>& add, const std::vector<std::string>& remove) {
  WriterOptions o;
  o.index_dir = dir;
  o.semantic_layer = false;
  auto w = IndexWriter::open(o);
  REQUIRE(w.is_ok());
  REQUIRE(w.value()->begin_update().is_ok());
  for (const auto& p : add) REQUIRE(w.value()->add(p).is_ok());
  for (const auto& id : remove) REQUIRE(w.value()->remove(id).is_ok());
  Status s = w.value()->publish();
  REQUIRE_MESSAGE(s.is_ok(), s.message());
}

inline std::unique_ptr<Searcher> open_searcher(const std::string& dir, std::shared_ptr<GenerationSet> set = nullptr) {
  SearcherOptions so;
  so.index_dir = dir;
  so.generations = std::move(set);
  auto s = Searcher::open(so);
  REQUIRE_MESSAGE(s.is_ok(), s.status().message());
  return std::move(s.value());
}

inline SearchResult must_search(Searcher& s, const SearchRequest& r) {
  auto res = s.search(r);
  REQUIRE_MESSAGE(res.is_ok(), res.status().message());
  return std::move(res.value());
}

inline std::vector<std::string> ids_of(const SearchResult& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

}  // namespace haku::testing
