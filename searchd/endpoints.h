#pragma once
// The API's operations as decode -> engine -> encode over one Searcher: what the HTTP handlers and the
// CLI's local mode both run, so the two give byte-identical JSON. Thread-compatible (the Searcher is not
// thread-safe: one caller per Searcher at a time).
#include <string>

#include "api/searcher.h"
#include "searchd/json_codec.h"

namespace haku {

ApiReply search_projects(Searcher& searcher, const QueryParams& params, const RequestLimits& limits = {});
ApiReply get_project(Searcher& searcher, const std::string& id, const QueryParams& params);
ApiReply similar_projects(Searcher& searcher, const std::string& id, const QueryParams& params,
                          const RequestLimits& limits = {});
ApiReply suggest(Searcher& searcher, const QueryParams& params, const RequestLimits& limits = {});
ApiReply list_facets(Searcher& searcher, const QueryParams& params);
ApiReply index_status(Searcher& searcher);
ApiReply index_status(const IndexInfo& info);

// A reply for an engine failure (also used when no Searcher can be opened).
ApiReply error_reply(const Status& status);

}  // namespace haku
