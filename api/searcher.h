#pragma once
// Searcher: read side of the engine over the published index generation of an index directory.
// Not thread-safe: one Searcher per thread (each holds its own Analyzer; each request borrows a Xapian
// database handle of its own from the generation it runs on).
// What it searches comes from a GenerationSet (api/generation_set.h): each generation's databases,
// translations, semantic layer and facet columns are loaded once per process and shared by every
// Searcher given the same set. A newly published generation is picked up by refresh().
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/search.h"
#include "api/status.h"

namespace haku {

class GenerationSet;

struct SearcherOptions {
  std::string index_dir;   // the directory holding `current` and gen-* folders
  std::string data_dir;    // analysis data; empty = default
  // The generations the process serves, shared by its Searchers (searchd gives one to all its workers);
  // nullptr = this Searcher makes its own over index_dir.
  std::shared_ptr<GenerationSet> generations = nullptr;
  // The time budget of one search (0: none). Past it the optional stages (semantic layer, snippets,
  // similar words, spelling, counting beyond the page) are skipped and the result is marked partial;
  // past twice it a match still running is abandoned (api/request_budget.h).
  std::chrono::nanoseconds request_budget = std::chrono::seconds(5);
};

class Searcher {
 public:
  // Fails with `unavailable` when no generation is published yet (call again later).
  static Result<std::unique_ptr<Searcher>> open(const SearcherOptions& options);
  ~Searcher();

  Result<SearchResult> search(const SearchRequest& request);
  // `scope` (SearchRequest::scope): a record outside it is not_found, as if it did not exist.
  Result<Project> get(const std::string& id, const FacetFilters& scope = {});
  // More like this: relevance feedback from the record's own terms. Filters and scope of `request`
  // apply; a record outside the scope is not_found.
  Result<SearchResult> similar(const std::string& id, const SearchRequest& request);
  // Titles and implementers come only from records inside `scope`, words only from words such records hold.
  Result<std::vector<Suggestion>> suggest(const std::string& prefix, const std::string& lang, uint32_t limit,
                                          const FacetFilters& scope = {});
  // Every facet's values and counts over the whole index (inside `scope`), labelled in `ui_lang`
  // (fi | sv | en; "" = en).
  Result<std::vector<std::pair<std::string, std::vector<FacetCount>>>> all_facets(const std::string& ui_lang = "",
                                                                                const FacetFilters& scope = {});
  IndexInfo info();
  // Checks for a newly published generation (GenerationSet::check) and serves what the set serves; true
  // if this Searcher now serves another generation (or revision) than before.
  bool refresh();

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace haku
