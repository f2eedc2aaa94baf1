// libFuzzer target: what haku-searchd decodes from a client before any engine work. The input is
// taken as (1) a URL query string, parsed as cpp-httplib does and decoded for every route, (2) the
// start of a connection's input for the request framing, (3) X-Forwarded-For values, (4) an
// Authorization header and (5) an API key file.
#include <httplib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "searchd/api_keys.h"
#include "searchd/client_address.h"
#include "searchd/json_codec.h"
#include "searchd/request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);

  httplib::Params params;
  httplib::detail::parse_query_text(input, params);
  haku::RequestLimits limits;
  haku::SearchRequest search;
  if (haku::decode_search_request(params, &search, limits).is_ok()) {
    if (search.q.size() > limits.max_query_bytes || search.per_page > limits.max_per_page) std::abort();
    if (uint64_t{search.page} * search.per_page > limits.max_result_window) std::abort();
  }
  haku::SearchRequest similar;
  haku::decode_similar_request(params, &similar, limits);
  haku::SuggestRequest suggest;
  haku::decode_suggest_request(params, &suggest, limits);
  haku::decode_no_params(params);

  haku::HeadLimits head_limits;
  head_limits.max_head_bytes = 4096;
  head_limits.max_line_bytes = 1024;
  const haku::HeadScan scan = haku::scan_request_head(input, head_limits);
  if (scan.state == haku::HeadState::complete) {
    if (scan.skip + scan.head_bytes > input.size() || scan.head_bytes > head_limits.max_head_bytes) std::abort();
    if (scan.body_bytes > head_limits.max_body_bytes || scan.method.empty()) std::abort();
  }
  if (scan.state == haku::HeadState::rejected && scan.status < 400) std::abort();

  std::string error;
  const auto proxies = haku::AddressSet::parse("127.0.0.1, 10.0.0.0/8, fd00::/8", &error);
  const std::string client = haku::client_address("127.0.0.1", {input}, *proxies);
  if (client.empty()) std::abort();
  haku::AddressSet::parse(input, &error);
  haku::canonical_address(input);

  if (const auto token = haku::bearer_token(input)) {
    if (token->empty()) std::abort();
  }
  if (const auto keys = haku::ApiKeys::parse(input, "fuzz", &error)) {
    keys->find(input);
  } else if (error.rfind("fuzz:", 0) != 0) {
    std::abort();  // errors name the file and line
  }
  return 0;
}
