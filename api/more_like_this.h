#pragma once
// More like this: records similar to one record, by relevance feedback from its own terms (Xapian's
// ESet over the record, words and stems only), under the request's filters. Not thread-safe (one
// request, one thread).
#include <string>

#include "api/search.h"
#include "api/search_context.h"
#include "api/status.h"

namespace haku {

// not_found (param "id") when there is no record `id`.
Result<SearchResult> more_like_this(SearchContext& ctx, const std::string& id, const SearchRequest& request);

}  // namespace haku
