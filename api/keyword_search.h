#pragma once
// The keyword run: one ranked Xapian search of a query under the request's filters (BM25, or a sort by
// value), one page of hits with snippets, the total, the facets, and the cursor of the next page. Also
// the small match helpers the other rankings use. Not thread-safe (one request, one thread).
#include <xapian.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "api/search.h"
#include "api/search_context.h"
#include "api/status.h"

namespace haku {

// Totals are exact at least up to this many matches.
inline constexpr Xapian::doccount kExactBelow = 10000;

// The page at `offset` of `text_query` (the text query, or MatchAll when `browse`) under the request's
// filters; the words through which `marks` matches a record are marked in its snippet (empty: none).
Result<SearchResult> keyword_search(SearchContext& ctx, const Xapian::Query& text_query, bool browse,
                                    const SearchRequest& r, std::optional<Explain> explain,
                                    const Xapian::Query& marks, uint64_t offset);

// Whether any document matches `q`.
bool any_match(Xapian::Database& d, const Xapian::Query& q);
// Matches of `q`, counted exactly up to kExactBelow (or always, when `exact`): (count, exact).
std::pair<uint64_t, bool> count_matches(Xapian::Database& d, const Xapian::Query& q, bool exact);

}  // namespace haku
