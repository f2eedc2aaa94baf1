#include "searchd/endpoints.h"

namespace haku {

ApiReply error_reply(const Status& status) { return {http_status_for(status.code()), encode_error(status)}; }

ApiReply search_projects(Searcher& searcher, const QueryParams& params, const RequestLimits& limits) {
  SearchRequest request;
  if (Status s = decode_search_request(params, &request, limits); !s) return error_reply(s);
  auto result = searcher.search(request);
  if (!result) return error_reply(result.status());
  return {200, encode_search_result(*result)};
}

ApiReply get_project(Searcher& searcher, const std::string& id, const QueryParams& params) {
  if (Status s = decode_no_params(params); !s) return error_reply(s);
  auto project = searcher.get(id);
  if (!project) return error_reply(project.status());
  return {200, encode_project(*project)};
}

ApiReply similar_projects(Searcher& searcher, const std::string& id, const QueryParams& params,
                          const RequestLimits& limits) {
  SearchRequest request;
  if (Status s = decode_similar_request(params, &request, limits); !s) return error_reply(s);
  auto result = searcher.similar(id, request);
  if (!result) return error_reply(result.status());
  return {200, encode_search_result(*result)};
}

ApiReply suggest(Searcher& searcher, const QueryParams& params, const RequestLimits& limits) {
  SuggestRequest request;
  if (Status s = decode_suggest_request(params, &request, limits); !s) return error_reply(s);
  auto result = searcher.suggest(request.prefix, request.lang, request.limit);
  if (!result) return error_reply(result.status());
  return {200, encode_suggestions(*result)};
}

ApiReply list_facets(Searcher& searcher, const QueryParams& params) {
  std::string ui_lang;
  if (Status s = decode_facets_request(params, &ui_lang); !s) return error_reply(s);
  auto result = searcher.all_facets(ui_lang);
  if (!result) return error_reply(result.status());
  return {200, {{"facets", encode_facets(*result)}}};
}

ApiReply index_status(Searcher& searcher) { return index_status(searcher.info()); }

ApiReply index_status(const IndexInfo& info) { return {200, encode_index_info(info)}; }

}  // namespace haku
