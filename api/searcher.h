#pragma once
// Searcher: read side of the engine over the published index generation of an index directory.
// Not thread-safe: one Searcher per thread (each holds its own Xapian::Database and Analyzer).
// Picks up a newly published generation on the next call after it appears (refresh()). The semantic
// layer (model and vector index) can be shared between Searchers through a SemanticCache.
#include <memory>
#include <string>
#include <vector>

#include "api/search.h"
#include "api/status.h"

namespace haku {

class SemanticCache;

struct SearcherOptions {
  std::string index_dir;   // the directory holding `current` and gen-* folders
  std::string data_dir;    // analysis data; empty = default
  // Loaded semantic layers shared by several Searchers (one per worker thread); nullptr = this
  // Searcher loads its own.
  std::shared_ptr<SemanticCache> semantic_cache = nullptr;
};

// A cache to share between the Searchers of one process (thread-safe), so each generation's model and
// vector index are loaded once, not once per worker.
std::shared_ptr<SemanticCache> make_semantic_cache();

class Searcher {
 public:
  // Fails with `unavailable` when no generation is published yet (call again later).
  static Result<std::unique_ptr<Searcher>> open(const SearcherOptions& options);
  ~Searcher();

  Result<SearchResult> search(const SearchRequest& request);
  Result<Project> get(const std::string& id);
  // More like this: relevance feedback from the record's own terms. Filters of `request` apply.
  Result<SearchResult> similar(const std::string& id, const SearchRequest& request);
  Result<std::vector<Suggestion>> suggest(const std::string& prefix, const std::string& lang, uint32_t limit);
  // Every facet's values and counts over the whole index, labelled in `ui_lang` (fi | sv | en; "" = en).
  Result<std::vector<std::pair<std::string, std::vector<FacetCount>>>> all_facets(const std::string& ui_lang = "");
  IndexInfo info();
  // Switches to a newer published generation if there is one; true if it switched.
  bool refresh();

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace haku
