#include "bench/query_mix.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>

#include "searchd/json_codec.h"

namespace haku::bench {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (true) {
    const size_t next = text.find(sep, pos);
    parts.push_back(text.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return parts;
}

}  // namespace

bool read_mix(const std::string& path, std::vector<MixQuery>* out, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot be read";
    return false;
  }
  std::string line;
  unsigned lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    MixQuery query;
    query.line = lineno;
    const size_t tab = line.find('\t');
    query.q = line.substr(0, tab);
    if (tab != std::string::npos) query.params = parse_url_params(line.substr(tab + 1));
    if (query.q.empty() || query.params.count("q") > 0) {
      *error = path + ":" + std::to_string(lineno) + ": expected \"query<TAB>params\" with a non-empty query";
      return false;
    }
    out->push_back(std::move(query));
  }
  if (out->empty()) {
    *error = path + ": no queries";
    return false;
  }
  return true;
}

Params parse_url_params(const std::string& text) {
  Params params;
  if (text.empty()) return params;
  for (const std::string& pair : split(text, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string key = url_decode(pair.substr(0, eq));
    const std::string value = eq == std::string::npos ? std::string() : url_decode(pair.substr(eq + 1));
    params.emplace(key, value);
  }
  return params;
}

Params request_params(const MixQuery& query, const MixOverrides& overrides) {
  Params params = query.params;
  params.emplace("q", query.q);
  if (!overrides.mode.empty()) {
    params.erase("mode");
    params.emplace("mode", overrides.mode);
  }
  if (!overrides.facets.empty()) {
    params.erase("facets");
    if (overrides.facets != "none") params.emplace("facets", overrides.facets);
  }
  return params;
}

std::string search_path(const MixQuery& query, const MixOverrides& overrides) {
  const Params params = request_params(query, overrides);
  std::string path = "/v1/search?q=" + url_encode(query.q);
  for (const auto& [key, value] : params) {
    if (key == "q") continue;
    path += '&';
    path += url_encode(key);
    path += '=';
    path += url_encode(value);
  }
  return path;
}

std::map<std::string, std::vector<std::string>> filters_by_facet(const Params& params) {
  std::map<std::string, std::vector<std::string>> out;
  const auto [begin, end] = params.equal_range("filter");
  for (auto it = begin; it != end; ++it) {
    const size_t colon = it->second.find(':');
    if (colon == std::string::npos) continue;
    out[it->second.substr(0, colon)].push_back(it->second.substr(colon + 1));
  }
  return out;
}

std::vector<std::string> facet_list(const Params& params) {
  const auto it = params.find("facets");
  if (it == params.end() || it->second.empty()) return {};
  return split(it->second, ',');
}

double LatencyStats::percentile(double p) const {
  if (samples_.empty()) return 0;
  std::vector<double> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  // Nearest rank: the smallest sample with at least p percent of the samples at or below it.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t index = static_cast<size_t>(std::max(rank, 1.0)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

std::string LatencyStats::summary(const std::string& label, double wall_seconds) const {
  const double sum = std::accumulate(samples_.begin(), samples_.end(), 0.0);
  const double mean = samples_.empty() ? 0 : sum / static_cast<double>(samples_.size());
  const double max = samples_.empty() ? 0 : *std::max_element(samples_.begin(), samples_.end());
  const double qps = wall_seconds > 0 ? static_cast<double>(samples_.size()) / wall_seconds : 0;
  const double hits_mean = hit_counts_ == 0 ? 0 : static_cast<double>(hits_) / static_cast<double>(hit_counts_);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s n=%zu errors=%llu p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f mean_ms=%.3f max_ms=%.3f qps=%.1f "
                "hits_mean=%.1f",
                label.c_str(), samples_.size(), static_cast<unsigned long long>(errors_), percentile(50),
                percentile(95), percentile(99), mean, max, qps, hits_mean);
  return buf;
}

}  // namespace haku::bench
