#pragma once
// The API's operations as decode -> engine -> encode over one Searcher: what the HTTP handlers and the
// CLI's local mode both run, so the two give byte-identical JSON. Thread-compatible (the Searcher is not
// thread-safe: one caller per Searcher at a time).
#include <string>

#include "api/generation_set.h"
#include "api/searcher.h"
#include "searchd/json_codec.h"

namespace haku {

// `scope`: the fixed filters of the API key the request presented (SearchRequest::scope); each
// operation answers as if the records outside it did not exist.
ApiReply search_projects(Searcher& searcher, const QueryParams& params, const RequestLimits& limits = {},
                         const FacetFilters& scope = {});
ApiReply get_project(Searcher& searcher, const std::string& id, const QueryParams& params,
                     const FacetFilters& scope = {});
ApiReply similar_projects(Searcher& searcher, const std::string& id, const QueryParams& params,
                          const RequestLimits& limits = {}, const FacetFilters& scope = {});
ApiReply suggest(Searcher& searcher, const QueryParams& params, const RequestLimits& limits = {},
                 const FacetFilters& scope = {});
ApiReply list_facets(Searcher& searcher, const QueryParams& params, const FacetFilters& scope = {});
ApiReply index_status(Searcher& searcher);
ApiReply index_status(const IndexInfo& info);
// POST /v1/admin/reload: checks DIR/current now, trying again a generation refused before, and answers
// what is served afterwards (GenerationSet::reload). Thread-safe (the set is).
ApiReply reload_index(GenerationSet& generations);

// A reply for an engine failure (also used when no Searcher can be opened).
ApiReply error_reply(const Status& status);

}  // namespace haku
