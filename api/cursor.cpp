// Cursors: making and checking them (see cursor.h).
#include "api/cursor.h"

#include <cstdio>
#include <optional>
#include <string_view>

namespace haku {

namespace {

// FNV-1a, stable across builds (cursors outlive a process).
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Everything of a request that defines its result list (not the page).
std::string request_fingerprint(const SearchRequest& r) {
  std::string f = r.q + '\x1e' + r.lang + '\x1e';
  for (const auto& [k, v] : r.filters) f += k + ':' + v + '\x1f';
  auto num = [](const std::optional<double>& d) { return d ? std::to_string(*d) : std::string("-"); };
  f += num(r.budget_min) + num(r.budget_max) + num(r.eu_min) + num(r.eu_max);
  f += r.start_from + r.start_to + r.end_from + r.end_to + (r.ongoing ? "o" + r.today : "");
  f += std::to_string(static_cast<int>(r.sort)) + (r.descending ? (*r.descending ? "d" : "a") : "-");
  f += std::to_string(r.per_page) + std::to_string(static_cast<int>(r.mode)) + (r.expand ? "e" : "");
  return f;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string make_cursor(const std::string& generation, uint64_t offset, const SearchRequest& r) {
  return generation + "~" + std::to_string(offset) + "~" + hex(fnv1a(request_fingerprint(r)));
}

Result<CursorPosition> parse_cursor(const std::string& c, const SearchRequest& r) {
  const Status bad = Status::error(StatusCode::invalid_argument, "cursor is malformed or belongs to another query",
                                   "cursor");
  size_t a = c.find('~');
  size_t b = a == std::string::npos ? a : c.find('~', a + 1);
  if (b == std::string::npos) return bad;
  CursorPosition pos;
  pos.generation = c.substr(0, a);
  if (pos.generation.rfind("gen-", 0) != 0 || pos.generation.find('/') != std::string::npos) return bad;
  std::string off = c.substr(a + 1, b - a - 1);
  if (off.empty() || off.size() > 12 || off.find_first_not_of("0123456789") != std::string::npos) return bad;
  pos.offset = std::stoull(off);
  if (c.substr(b + 1) != hex(fnv1a(request_fingerprint(r)))) return bad;
  return pos;
}

}  // namespace haku
