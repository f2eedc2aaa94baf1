#include "searchd/client_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace haku {
namespace {

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_mapped_v4(const std::array<uint8_t, 16>& a) { return std::memcmp(a.data(), kMappedPrefix.data(), 12) == 0; }

}  // namespace

bool AddressRange::contains(const std::array<uint8_t, 16>& address) const {
  const unsigned full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(bytes.data(), address.data(), full) != 0) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (address[full] & mask);
}

std::optional<std::array<uint8_t, 16>> parse_address(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    std::memcpy(out.data(), kMappedPrefix.data(), 12);
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buf, &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::string format_address(const std::array<uint8_t, 16>& address) {
  char buf[INET6_ADDRSTRLEN];
  if (is_mapped_v4(address)) {
    inet_ntop(AF_INET, address.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, address.data(), buf, sizeof buf);
  }
  return buf;
}

std::string canonical_address(std::string_view text) {
  const auto a = parse_address(text);
  return a ? format_address(*a) : std::string(text);
}

std::optional<AddressSet> AddressSet::parse(std::string_view list, std::string* error) {
  AddressSet set;
  size_t pos = 0;
  while (pos <= list.size()) {
    const size_t comma = list.find(',', pos);
    const std::string_view item = trim(list.substr(pos, comma == std::string_view::npos ? comma : comma - pos));
    pos = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    if (item.empty()) continue;
    const size_t slash = item.find('/');
    const auto address = parse_address(item.substr(0, slash));
    if (!address) {
      *error = "'" + std::string(item) + "' is not an IP address or CIDR range";
      return std::nullopt;
    }
    AddressRange range;
    range.bytes = *address;
    const bool v4 = is_mapped_v4(*address);
    if (slash != std::string_view::npos) {
      const std::string_view bits = item.substr(slash + 1);
      unsigned n = 0;
      const auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
      if (bits.empty() || ec != std::errc() || p != bits.data() + bits.size() || n > (v4 ? 32u : 128u)) {
        *error = "'" + std::string(item) + "' has a bad prefix length";
        return std::nullopt;
      }
      range.prefix = v4 ? 96 + n : n;
    }
    set.ranges_.push_back(range);
  }
  return set;
}

bool AddressSet::contains(std::string_view address) const {
  if (ranges_.empty()) return false;
  const auto a = parse_address(address);
  if (!a) return false;
  for (const auto& r : ranges_)
    if (r.contains(*a)) return true;
  return false;
}

std::string client_address(std::string_view peer, const std::vector<std::string>& forwarded_for,
                           const AddressSet& trusted_proxies) {
  std::string client = canonical_address(peer);
  if (!trusted_proxies.contains(client)) return client;
  // Every hop listed, in order; the rightmost was added by the nearest proxy.
  std::vector<std::string_view> hops;
  for (const auto& header : forwarded_for) {
    size_t pos = 0;
    while (pos <= header.size()) {
      const size_t comma = header.find(',', pos);
      hops.push_back(trim(std::string_view(header).substr(pos, comma == std::string::npos ? comma : comma - pos)));
      pos = comma == std::string::npos ? header.size() + 1 : comma + 1;
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    const auto a = parse_address(*it);
    if (!a) break;
    client = format_address(*a);
    if (!trusted_proxies.contains(client)) break;
  }
  return client;
}

}  // namespace haku
