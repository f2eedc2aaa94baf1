#pragma once
// Fusion: what the semantic layer adds to a search (api/semantic.h has the design) — similar words
// that widen or weight the keyword query, and the hybrid (keyword and vector rankings fused by
// reciprocal rank fusion) and semantic (vector ranking only) searches. Not thread-safe (one request,
// one thread).
#include <xapian.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/search.h"
#include "api/search_context.h"
#include "api/status.h"

namespace haku {

// Whether a word carries meaning in some language (not a stopword of any).
bool content_word(Analyzer& analyzer, const std::string& w);

// Similar words of the query's words: corpus words near each word in the vector space that are also
// index terms, as queries of scaled surface terms (empty: none). `confident`: those the model singles
// out (SimilarWord::confident), which may widen the match and are listed in *also ("also matching");
// `weak`: the others, which may only add weight.
struct SimilarWords {
  Xapian::Query confident;
  Xapian::Query weak;
};
SimilarWords similar_words(SearchContext& ctx, const SemanticIndex& sem, const std::vector<std::string>& words,
                           const std::set<std::string>& query_terms, std::vector<ExplainTerm>* explain,
                           std::vector<std::string>* also);

// Hybrid or semantic search (r.mode) of `keyword_query` on the generation's semantic layer: the page at
// `offset`. `marks`: what snippets mark (keyword_search). `translations`: the query words' translations
// (from the keyword query) by language.
Result<SearchResult> fused_search(SearchContext& ctx, const Xapian::Query& keyword_query, const SearchRequest& r,
                                  std::optional<Explain> explain, const Xapian::Query& marks,
                                  uint64_t offset, const SemanticIndex& sem,
                                  const std::map<std::string, std::vector<std::string>>& translations);

}  // namespace haku
