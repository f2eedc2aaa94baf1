#pragma once
// The HTTP API's codec: query parameters -> engine requests (every parameter validated, errors name it),
// engine results -> the JSON of api/openapi.yaml, and the one table StatusCode -> HTTP status + error body.
// Stateless free functions; thread-safe.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/search.h"
#include "api/status.h"
#include "corpus/project.h"

namespace haku {

// Query parameters as parsed from a URL (same type as httplib::Params): repeated keys allowed.
using QueryParams = std::multimap<std::string, std::string>;

constexpr uint32_t kMaxPerPage = 100;
constexpr uint32_t kMaxPage = 1000;
constexpr uint32_t kMaxSuggestLimit = 50;
constexpr size_t kMaxQueryBytes = 1024;

// Limits on what one request may ask for (haku-searchd's max-query-bytes, ... options); a request
// over one is invalid_argument naming the parameter.
struct RequestLimits {
  size_t max_query_bytes = kMaxQueryBytes;  // q (search and suggest)
  uint32_t max_query_words = 64;            // whitespace-separated words in q, operators included
  uint32_t max_per_page = kMaxPerPage;      // at most kMaxPerPage
  uint32_t max_result_window = 10000;       // page x per_page: how deep a result list may be read
};

// GET /v1/search. Unknown, repeated (except `filter`) or malformed parameters give invalid_argument with
// param() naming the parameter.
Status decode_search_request(const QueryParams& params, SearchRequest* out, const RequestLimits& limits = {});
// GET /v1/projects/{id}/similar: filter, lang, facets, page, per_page.
Status decode_similar_request(const QueryParams& params, SearchRequest* out, const RequestLimits& limits = {});

struct SuggestRequest {
  std::string prefix;
  std::string lang = "auto";
  uint32_t limit = 10;
};
// GET /v1/suggest: q (required), lang, limit (1..50).
Status decode_suggest_request(const QueryParams& params, SuggestRequest* out, const RequestLimits& limits = {});
// Routes that take no parameters: any parameter is unknown.
Status decode_no_params(const QueryParams& params);
// GET /v1/facets: ui_lang (fi | sv | en), the language of the labels.
Status decode_facets_request(const QueryParams& params, std::string* ui_lang);

nlohmann::json encode_search_result(const SearchResult& result);
nlohmann::json encode_project(const Project& project);
nlohmann::json encode_suggestions(const std::vector<Suggestion>& suggestions);
nlohmann::json encode_facets(const std::vector<std::pair<std::string, std::vector<FacetCount>>>& facets);
nlohmann::json encode_index_info(const IndexInfo& info);

// Errors: the one table. Every engine code maps to an HTTP status and a stable API error code.
int http_status_for(StatusCode code);
const char* api_error_code(StatusCode code);
// Seconds for a Retry-After header on the error's response; 0 = none.
int retry_after_seconds(StatusCode code);
// {"error": {"code": ..., "message": ..., "param": ...}}; "param" only when set.
nlohmann::json encode_error(const Status& status);
// Errors the HTTP layer itself raises (no engine involved): route_not_found, request_too_large, ...
nlohmann::json encode_http_error(const std::string& code, const std::string& message);

// The API's JSON text (compact, invalid UTF-8 replaced): the server's body and the CLI's --json output.
std::string dump_json(const nlohmann::json& body);

// Percent-encodes all but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~), for query parameters
// and path segments of the API's URLs (the CLI's server mode, the benchmark's paths, the tests).
std::string url_encode(std::string_view text);

// A reply: HTTP status and JSON body. What both the server and the CLI's local mode produce.
struct ApiReply {
  int http_status = 200;
  nlohmann::json body;
};

}  // namespace haku
