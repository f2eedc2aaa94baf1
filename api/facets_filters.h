#pragma once
// Filters and facet counts of a request: the boolean filter queries (facet values, amount and date
// ranges, ongoing) and the multi-select facet counts over the generation's in-memory facet columns.
// Stateless functions over the request's SearchContext; not thread-safe (one request, one thread).
#include <xapian.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/facet_columns.h"
#include "api/search.h"
#include "api/search_context.h"

namespace haku {

using FacetList = std::vector<std::pair<std::string, std::vector<FacetCount>>>;

// All filters of a request, except the facet named `skip` (for multi-select facet counts); the scope's
// filters are never skipped.
std::vector<Xapian::Query> filter_queries(const SearchRequest& r, const std::string& skip);
// The scope's filters (SearchRequest::scope) AND-ed; MatchAll for an empty scope.
Xapian::Query scope_query(const std::vector<std::pair<std::string, std::string>>& scope);
// `base` filtered by every query of `filters` (AND-ed).
Xapian::Query with_filters(const Xapian::Query& base, const std::vector<Xapian::Query>& filters);

// The requested facets nobody filters on (counted over the request's own match, so the ranked pass can
// count them), in request order. Those filtered on are each counted without their own filter.
std::vector<std::string> plain_facets(const SearchRequest& r);
// A counter of the named facets over the matches of one pass, from the generation's columns.
std::unique_ptr<FacetCounter> facet_counter(const Generation& gen, const std::vector<std::string>& names);

// The requested facets over the matches of `base` under the request's filters (a facet that is filtered
// on without its own filter), in request order, most frequent value first. `plain_counted`: the plain
// facets (plain_facets(r), in that order) already counted over the whole filtered match by the caller's
// pass; nullptr counts them here.
FacetList count_facets(SearchContext& ctx, const Xapian::Query& base, const SearchRequest& r,
                       const FacetCounter* plain_counted = nullptr);

}  // namespace haku
