#include "searchd/json_codec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace haku {
namespace {

using nlohmann::json;

Status bad(const std::string& param, const std::string& message) {
  return Status::error(StatusCode::invalid_argument, message, param);
}

// Rejects parameters outside `allowed` and repeats of any parameter except `repeatable`.
Status check_names(const QueryParams& params, const std::set<std::string>& allowed,
                   const std::set<std::string>& repeatable = {}) {
  for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
    if (!allowed.count(it->first)) return bad(it->first, "unknown query parameter '" + it->first + "'");
    if (params.count(it->first) > 1 && !repeatable.count(it->first))
      return bad(it->first, "parameter '" + it->first + "' is given more than once");
  }
  return Status::ok();
}

const std::string* get(const QueryParams& params, const std::string& name) {
  const auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

Status parse_uint(const QueryParams& params, const std::string& name, uint32_t lo, uint32_t hi, uint32_t* out) {
  const std::string* v = get(params, name);
  if (!v) return Status::ok();
  uint64_t n = 0;
  const auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || p != v->data() + v->size())
    return bad(name, name + " must be an integer, got '" + *v + "'");
  if (n < lo || n > hi)
    return bad(name, name + " must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + *v);
  *out = static_cast<uint32_t>(n);
  return Status::ok();
}

Status parse_amount(const QueryParams& params, const std::string& name, std::optional<double>* out) {
  const std::string* v = get(params, name);
  if (!v) return Status::ok();
  double d = 0;
  const auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
  if (v->empty() || ec != std::errc() || p != v->data() + v->size() || !std::isfinite(d))
    return bad(name, name + " must be a number of euros, got '" + *v + "'");
  if (d < 0) return bad(name, name + " must not be negative");
  *out = d;
  return Status::ok();
}

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

Status parse_date(const QueryParams& params, const std::string& name, std::string* out) {
  const std::string* v = get(params, name);
  if (!v) return Status::ok();
  if (!is_iso_date(*v)) return bad(name, name + " must be a date yyyy-mm-dd, got '" + *v + "'");
  *out = *v;
  return Status::ok();
}

Status parse_bool(const QueryParams& params, const std::string& name, bool* out) {
  const std::string* v = get(params, name);
  if (!v) return Status::ok();
  if (*v == "true") {
    *out = true;
  } else if (*v == "false") {
    *out = false;
  } else {
    return bad(name, name + " must be true or false, got '" + *v + "'");
  }
  return Status::ok();
}

Status parse_lang(const QueryParams& params, std::string* out) {
  const std::string* v = get(params, "lang");
  if (!v || v->empty()) return Status::ok();
  if (*v != "fi" && *v != "sv" && *v != "en" && *v != "auto")
    return bad("lang", "lang must be one of fi, sv, en, auto, got '" + *v + "'");
  *out = *v;
  return Status::ok();
}

// ui_lang: the interface language facet labels are given in.
Status parse_ui_lang(const QueryParams& params, std::string* out) {
  const std::string* v = get(params, "ui_lang");
  if (!v) return Status::ok();
  if (*v != "fi" && *v != "sv" && *v != "en") return bad("ui_lang", "ui_lang must be one of fi, sv, en, got '" + *v + "'");
  *out = *v;
  return Status::ok();
}

Status parse_filters(const QueryParams& params, SearchRequest* out) {
  const auto [b, e] = params.equal_range("filter");
  for (auto it = b; it != e; ++it) {
    const std::string& f = it->second;
    const auto colon = f.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == f.size())
      return bad("filter", "filter must be facet:value, got '" + f + "'");
    const std::string facet = f.substr(0, colon);
    if (!is_facet(facet)) return bad("filter", "unknown facet '" + facet + "' in filter");
    out->filters.emplace_back(facet, f.substr(colon + 1));
  }
  return Status::ok();
}

Status parse_facet_list(const QueryParams& params, SearchRequest* out) {
  const std::string* v = get(params, "facets");
  if (!v) return Status::ok();
  size_t pos = 0;
  while (pos <= v->size() && !v->empty()) {
    const auto comma = v->find(',', pos);
    const std::string name = v->substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!is_facet(name)) return bad("facets", "unknown facet '" + name + "'");
    if (std::find(out->facets.begin(), out->facets.end(), name) == out->facets.end())
      out->facets.push_back(name);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return Status::ok();
}

Status parse_range_order(const std::string& lo, const std::string& hi, const std::string& hi_name) {
  if (!lo.empty() && !hi.empty() && hi < lo) return bad(hi_name, hi_name + " is before the lower bound");
  return Status::ok();
}

Status parse_amount_order(const std::optional<double>& lo, const std::optional<double>& hi,
                          const std::string& hi_name) {
  if (lo && hi && *hi < *lo) return bad(hi_name, hi_name + " is below the lower bound");
  return Status::ok();
}

// Runs the parsers in order and stops at the first failure.
template <class... Steps>
Status first_error(Steps&&... steps) {
  Status result;
  (void)((result = steps(), result.is_ok()) && ...);
  return result;
}

Status parse_common(const QueryParams& p, SearchRequest* r, const RequestLimits& limits) {
  const uint32_t max_per_page = std::min(limits.max_per_page, kMaxPerPage);
  Status s = first_error([&] { return parse_lang(p, &r->lang); }, [&] { return parse_ui_lang(p, &r->ui_lang); },
                         [&] { return parse_filters(p, r); },
                         [&] { return parse_facet_list(p, r); },
                         [&] { return parse_uint(p, "page", 1, kMaxPage, &r->page); },
                         [&] { return parse_uint(p, "per_page", 1, max_per_page, &r->per_page); });
  if (!s) return s;
  if (uint64_t{r->page} * r->per_page > limits.max_result_window)
    return bad("page", "page x per_page must be at most " + std::to_string(limits.max_result_window) + ", got " +
                           std::to_string(r->page) + " x " + std::to_string(r->per_page));
  r->max_result_window = limits.max_result_window;  // the engine holds cursors to it too
  return Status::ok();
}

// q: at most max_query_bytes bytes and max_query_words words.
Status parse_query_text(const QueryParams& p, const RequestLimits& limits, std::string* out) {
  const std::string* q = get(p, "q");
  if (!q) return Status::ok();
  if (q->size() > limits.max_query_bytes)
    return bad("q", "q is longer than " + std::to_string(limits.max_query_bytes) + " bytes");
  size_t words = 0;
  bool in_word = false;
  for (const char c : *q) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  if (words > limits.max_query_words)
    return bad("q", "q has " + std::to_string(words) + " words; at most " + std::to_string(limits.max_query_words) +
                        " are searched");
  *out = *q;
  return Status::ok();
}

json nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json nullable(const std::optional<double>& d) { return d ? json(*d) : json(nullptr); }

json encode_facet_counts(const std::vector<FacetCount>& counts) {
  json out = json::array();
  for (const auto& c : counts) {
    json item = {{"value", c.value}, {"count", c.count}, {"selected", c.selected}};
    if (!c.label.empty()) item["label"] = c.label;
    out.push_back(std::move(item));
  }
  return out;
}

json encode_explain(const Explain& e) {
  json terms = json::array();
  for (const auto& t : e.terms)
    terms.push_back({{"word", t.word}, {"lang", t.lang}, {"kind", t.kind}, {"term", t.term}});
  return {{"parsed_query", e.parsed_query}, {"languages", e.languages}, {"detected", e.detected},
          {"terms", terms}, {"notes", e.notes}};
}

}  // namespace

Status decode_search_request(const QueryParams& p, SearchRequest* r, const RequestLimits& limits) {
  static const std::set<std::string> kAllowed = {
      "q",        "lang",   "ui_lang", "filter", "budget_min", "budget_max", "eu_min",  "eu_max", "start_from",
      "start_to", "end_from", "end_to", "ongoing",  "facets",     "sort",    "order",  "page",
      "per_page", "cursor", "explain", "mode",      "expand"};
  if (Status s = check_names(p, kAllowed, {"filter"}); !s) return s;
  if (Status s = parse_query_text(p, limits, &r->q); !s) return s;
  if (Status s = parse_common(p, r, limits); !s) return s;
  Status s = first_error(
      [&] { return parse_amount(p, "budget_min", &r->budget_min); },
      [&] { return parse_amount(p, "budget_max", &r->budget_max); },
      [&] { return parse_amount_order(r->budget_min, r->budget_max, "budget_max"); },
      [&] { return parse_amount(p, "eu_min", &r->eu_min); },
      [&] { return parse_amount(p, "eu_max", &r->eu_max); },
      [&] { return parse_amount_order(r->eu_min, r->eu_max, "eu_max"); },
      [&] { return parse_date(p, "start_from", &r->start_from); },
      [&] { return parse_date(p, "start_to", &r->start_to); },
      [&] { return parse_range_order(r->start_from, r->start_to, "start_to"); },
      [&] { return parse_date(p, "end_from", &r->end_from); },
      [&] { return parse_date(p, "end_to", &r->end_to); },
      [&] { return parse_range_order(r->end_from, r->end_to, "end_to"); },
      [&] { return parse_bool(p, "ongoing", &r->ongoing); },
      [&] { return parse_bool(p, "explain", &r->explain); },
      [&] { return parse_bool(p, "expand", &r->expand); });
  if (!s) return s;
  if (const std::string* v = get(p, "sort")) {
    static const std::map<std::string, SortBy> kSorts = {{"relevance", SortBy::relevance},
                                                         {"start_date", SortBy::start_date},
                                                         {"end_date", SortBy::end_date},
                                                         {"budget", SortBy::budget},
                                                         {"eu_contribution", SortBy::eu_contribution}};
    const auto it = kSorts.find(*v);
    if (it == kSorts.end())
      return bad("sort", "sort must be one of relevance, start_date, end_date, budget, eu_contribution");
    r->sort = it->second;
  }
  if (const std::string* v = get(p, "order")) {
    if (*v != "asc" && *v != "desc") return bad("order", "order must be asc or desc, got '" + *v + "'");
    r->descending = (*v == "desc");
  }
  if (const std::string* v = get(p, "mode")) {
    static const std::map<std::string, SearchMode> kModes = {
        {"keyword", SearchMode::keyword}, {"semantic", SearchMode::semantic}, {"hybrid", SearchMode::hybrid}};
    const auto it = kModes.find(*v);
    if (it == kModes.end()) return bad("mode", "mode must be keyword, semantic or hybrid, got '" + *v + "'");
    r->mode = it->second;
  }
  if (const std::string* v = get(p, "cursor")) {
    // Cursors are opaque tokens the engine wrote: URL-safe characters, bounded length.
    const bool ok = !v->empty() && v->size() <= 512 &&
                    v->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~=") ==
                        std::string::npos;
    if (!ok) return bad("cursor", "cursor is not a value this server returned");
    r->cursor = *v;
  }
  return Status::ok();
}

Status decode_similar_request(const QueryParams& p, SearchRequest* r, const RequestLimits& limits) {
  if (Status s = check_names(p, {"filter", "lang", "ui_lang", "facets", "page", "per_page"}, {"filter"}); !s) return s;
  return parse_common(p, r, limits);
}

Status decode_suggest_request(const QueryParams& p, SuggestRequest* r, const RequestLimits& limits) {
  if (Status s = check_names(p, {"q", "lang", "limit"}); !s) return s;
  const std::string* q = get(p, "q");
  if (!q) return bad("q", "q (the prefix to complete) is required");
  if (q->size() > limits.max_query_bytes)
    return bad("q", "q is longer than " + std::to_string(limits.max_query_bytes) + " bytes");
  r->prefix = *q;
  if (Status s = parse_lang(p, &r->lang); !s) return s;
  return parse_uint(p, "limit", 1, kMaxSuggestLimit, &r->limit);
}

Status decode_no_params(const QueryParams& p) { return check_names(p, {}); }

Status decode_facets_request(const QueryParams& p, std::string* ui_lang) {
  if (Status s = check_names(p, {"ui_lang"}); !s) return s;
  return parse_ui_lang(p, ui_lang);
}

nlohmann::json encode_search_result(const SearchResult& r) {
  json hits = json::array();
  for (const auto& h : r.hits) {
    const Project& p = h.project;
    hits.push_back({{"id", h.id},
                    {"score", h.score},
                    {"title", p.title},
                    {"implementer", nullable(p.implementer)},
                    {"fund", nullable(p.fund)},
                    {"start_date", nullable(p.start_date)},
                    {"end_date", nullable(p.end_date)},
                    {"eu_contribution_eur", nullable(p.eu_contribution_eur)},
                    {"lang", nullable(h.matched_lang.empty() ? p.lang : h.matched_lang)},
                    {"snippet", h.snippet}});
  }
  json out = {{"total", {{"value", r.total}, {"relation", r.total_exact ? "eq" : "gte"}}},
              {"took_ms", std::round(r.took_ms * 1000.0) / 1000.0},
              {"hits", hits},
              {"facets", encode_facets(r.facets)},
              {"did_you_mean", r.did_you_mean ? json(*r.did_you_mean) : json(nullptr)},
              {"also_matching", r.also_matching},
              {"next_cursor", nullable(r.next_cursor)}};
  if (r.explain) out["explain"] = encode_explain(*r.explain);
  if (!r.partial.empty()) {
    out["partial"] = true;
    out["partial_stages"] = r.partial;
  }
  if (!r.missing_shards.empty()) out["missing_shards"] = r.missing_shards;
  return out;
}

nlohmann::json encode_project(const Project& project) {
  // project_to_json is the record's one JSON definition (the corpus's canonical form).
  return json::parse(project_to_json(project));
}

nlohmann::json encode_suggestions(const std::vector<Suggestion>& suggestions) {
  json items = json::array();
  for (const auto& s : suggestions) {
    json item = {{"text", s.text}, {"kind", s.kind}};
    if (!s.id.empty()) item["id"] = s.id;
    items.push_back(std::move(item));
  }
  return {{"suggestions", items}};
}

nlohmann::json encode_facets(const std::vector<std::pair<std::string, std::vector<FacetCount>>>& facets) {
  json out = json::object();
  for (const auto& [name, counts] : facets) out[name] = encode_facet_counts(counts);
  return out;
}

nlohmann::json encode_index_info(const IndexInfo& info) {
  json out = {{"status", info.status},   {"generation", info.generation}, {"documents", info.documents},
              {"terms", info.terms},     {"size_bytes", info.size_bytes}, {"per_language", info.per_language},
              {"features", info.features}, {"notes", info.notes}};
  json shards = json::array();
  for (const auto& sh : info.shards) {
    json j = {{"name", sh.name}, {"remote", sh.remote}, {"up", sh.up}, {"documents", sh.documents}};
    if (!sh.error.empty()) j["error"] = sh.error;
    shards.push_back(std::move(j));
  }
  out["shards"] = std::move(shards);
  if (info.status != "ready")
    out["degraded"] = {{"published", info.published}, {"refused", info.refused}, {"reason", info.reason},
                       {"since_unix", info.since_unix}};
  return out;
}

nlohmann::json encode_generation_state(const GenerationState& s) {
  const char* status = !s.serving ? "failing" : s.degraded ? "degraded" : "ready";
  json out = {{"status", status},   {"served", s.served},     {"published", s.published},
              {"loads", s.loads},   {"refusals", s.refusals}};
  if (s.degraded || !s.serving)
    out["degraded"] = {{"refused", s.refused}, {"damaged", s.damaged}, {"reason", s.reason}, {"since_unix", s.since_unix}};
  return out;
}

int http_status_for(StatusCode code) {
  switch (code) {
    case StatusCode::ok: return 200;
    case StatusCode::invalid_argument: return 400;
    case StatusCode::not_found: return 404;
    case StatusCode::unavailable: return 503;
    case StatusCode::busy: return 503;
    case StatusCode::overloaded: return 503;
    case StatusCode::corrupt: return 500;
    case StatusCode::io_error: return 500;
    case StatusCode::internal: return 500;
  }
  return 500;
}

int retry_after_seconds(StatusCode code) {
  switch (code) {
    case StatusCode::overloaded: return 1;
    case StatusCode::unavailable:
    case StatusCode::busy: return 5;
    default: return 0;
  }
}

const char* api_error_code(StatusCode code) {
  switch (code) {
    case StatusCode::ok: return "ok";
    case StatusCode::invalid_argument: return "invalid_parameter";
    case StatusCode::not_found: return "not_found";
    case StatusCode::unavailable: return "index_unavailable";
    case StatusCode::busy: return "busy";
    case StatusCode::overloaded: return "overloaded";
    case StatusCode::corrupt: return "index_corrupt";
    case StatusCode::io_error: return "io_error";
    case StatusCode::internal: return "internal";
  }
  return "internal";
}

nlohmann::json encode_error(const Status& status) {
  // Server-side failures get a fixed message: engine messages may carry file paths.
  std::string message = status.message();
  switch (status.code()) {
    case StatusCode::ok:
    case StatusCode::invalid_argument:
    case StatusCode::not_found:
      break;
    case StatusCode::unavailable:
      // Shards by their names in the generation's shards.conf (shard-K, HOST:PORT): no file paths.
      if (message.rfind(kShardsDown, 0) != 0) message = "no index is loaded yet; try again later";
      break;
    case StatusCode::busy: message = "the index is busy; try again later"; break;
    case StatusCode::overloaded: message = "the server is overloaded; try again later"; break;
    case StatusCode::corrupt: message = "the index is damaged"; break;
    case StatusCode::io_error: message = "the server could not read the index"; break;
    case StatusCode::internal: message = "internal error"; break;
  }
  json err = {{"code", api_error_code(status.code())}, {"message", message}};
  if (!status.param().empty()) err["param"] = status.param();
  return {{"error", err}};
}

std::string dump_json(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string url_encode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

nlohmann::json encode_http_error(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

}  // namespace haku
