#pragma once
// Suggestions: completions of what a user is typing (titles, implementers, frequent words) and "did you
// mean" from Xapian's spelling table. Not thread-safe (one request, one thread).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/search.h"
#include "api/search_context.h"
#include "api/status.h"

namespace haku {

// Completions of `prefix` (validated by the caller): titles first (in `lang` when given), then
// implementers, then frequent words completing the last word typed; at most `limit`. With a `scope`
// (an API key's fixed filters) only from records inside it.
Result<std::vector<Suggestion>> suggest(SearchContext& ctx, const std::string& prefix, const std::string& lang,
                                        uint32_t limit, const FacetFilters& scope = {});

// The query's words with the spelling table's corrections; nullopt when none changes.
std::optional<std::string> spelling(Xapian::Database& d, const std::vector<std::string>& words);

}  // namespace haku
