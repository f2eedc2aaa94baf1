#include "searchd/endpoints.h"

namespace haku {

ApiReply error_reply(const Status& status) { return {http_status_for(status.code()), encode_error(status)}; }

ApiReply search_projects(Searcher& searcher, const QueryParams& params, const RequestLimits& limits,
                         const FacetFilters& scope) {
  SearchRequest request;
  if (Status s = decode_search_request(params, &request, limits); !s) return error_reply(s);
  request.scope = scope;
  auto result = searcher.search(request);
  if (!result) return error_reply(result.status());
  return {200, encode_search_result(*result)};
}

ApiReply get_project(Searcher& searcher, const std::string& id, const QueryParams& params,
                     const FacetFilters& scope) {
  if (Status s = decode_no_params(params); !s) return error_reply(s);
  auto project = searcher.get(id, scope);
  if (!project) return error_reply(project.status());
  return {200, encode_project(*project)};
}

ApiReply similar_projects(Searcher& searcher, const std::string& id, const QueryParams& params,
                          const RequestLimits& limits, const FacetFilters& scope) {
  SearchRequest request;
  if (Status s = decode_similar_request(params, &request, limits); !s) return error_reply(s);
  request.scope = scope;
  auto result = searcher.similar(id, request);
  if (!result) return error_reply(result.status());
  return {200, encode_search_result(*result)};
}

ApiReply suggest(Searcher& searcher, const QueryParams& params, const RequestLimits& limits,
                 const FacetFilters& scope) {
  SuggestRequest request;
  if (Status s = decode_suggest_request(params, &request, limits); !s) return error_reply(s);
  auto result = searcher.suggest(request.prefix, request.lang, request.limit, scope);
  if (!result) return error_reply(result.status());
  return {200, encode_suggestions(*result)};
}

ApiReply list_facets(Searcher& searcher, const QueryParams& params, const FacetFilters& scope) {
  std::string ui_lang;
  if (Status s = decode_facets_request(params, &ui_lang); !s) return error_reply(s);
  auto result = searcher.all_facets(ui_lang, scope);
  if (!result) return error_reply(result.status());
  return {200, {{"facets", encode_facets(*result)}}};
}

ApiReply index_status(Searcher& searcher) { return index_status(searcher.info()); }

ApiReply reload_index(GenerationSet& generations) {
  auto state = generations.reload();
  if (!state) return error_reply(state.status());
  return {200, encode_generation_state(*state)};
}

// 200 while searches can be answered, also when degraded (an older generation is served: the body
// says so); 503 when the served generation is damaged and nothing else could be loaded.
ApiReply index_status(const IndexInfo& info) {
  return {info.status == "failing" ? 503 : 200, encode_index_info(info)};
}

}  // namespace haku
