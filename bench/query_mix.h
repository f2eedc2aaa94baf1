#pragma once
// The benchmark's fixed query mix (bench/queries/*.txt: `query<TAB>url-params` lines), its mapping to
// search requests and URLs, and latency statistics. Plain functions and value types; thread-compatible.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace haku::bench {

// URL query parameters, repeated keys allowed (same shape as httplib::Params and haku::QueryParams).
using Params = std::multimap<std::string, std::string>;

struct MixQuery {
  std::string q;     // the query text as a user types it
  Params params;     // facets, filter, mode, lang ... as in GET /v1/search
  unsigned line = 0; // line in the file, for messages
};

// What the command line asks to change in every query of the mix.
struct MixOverrides {
  std::string mode;    // "" = as in the file; else keyword | semantic | hybrid
  std::string facets;  // "" = as in the file; "none" = count no facets; else a comma list
};

// Reads the mix; '#' lines and blank lines are skipped. Returns false and sets *error on a bad line.
bool read_mix(const std::string& path, std::vector<MixQuery>* out, std::string* error);
// Decodes "a=1&b=x%20y" (with '+' as space).
Params parse_url_params(const std::string& text);
// The query's parameters with q added and the overrides applied.
Params request_params(const MixQuery& query, const MixOverrides& overrides);
// "/v1/search?q=...&..." for a query.
std::string search_path(const MixQuery& query, const MixOverrides& overrides);
// Filter values of a query grouped by facet ("fund" -> {"ESF", "ERDF"}), from its `filter` params.
std::map<std::string, std::vector<std::string>> filters_by_facet(const Params& params);
// The `facets` parameter as a list.
std::vector<std::string> facet_list(const Params& params);

// Latency samples in milliseconds and the summary the scripts parse.
class LatencyStats {
 public:
  void add(double ms) { samples_.push_back(ms); }
  void add_error() { ++errors_; }
  void add_hits(uint64_t hits) { hits_ += hits; ++hit_counts_; }
  // "label n=.. errors=.. p50_ms=.. p95_ms=.. p99_ms=.. mean_ms=.. max_ms=.. qps=.. hits_mean=.."
  std::string summary(const std::string& label, double wall_seconds) const;
  double percentile(double p) const;

 private:
  std::vector<double> samples_;
  uint64_t errors_ = 0;
  uint64_t hits_ = 0;
  uint64_t hit_counts_ = 0;
};

}  // namespace haku::bench
