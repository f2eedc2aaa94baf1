#pragma once
// Who a request comes from: IP addresses and CIDR ranges (IPv4 and IPv6), and the client address of
// a request that came through trusted reverse proxies (X-Forwarded-For). Value types and pure
// functions; thread-safe once built.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haku {

// An address as 16 bytes (IPv4 as IPv4-mapped IPv6, ::ffff:a.b.c.d) plus a prefix length.
struct AddressRange {
  std::array<uint8_t, 16> bytes{};
  unsigned prefix = 128;  // bits that must match
  bool contains(const std::array<uint8_t, 16>& address) const;
};

// "192.0.2.7", "2001:db8::1", "::ffff:192.0.2.7" -> 16 bytes; nullopt when not an address.
std::optional<std::array<uint8_t, 16>> parse_address(std::string_view text);
// The canonical text of an address: dotted quad for IPv4 (also when it came IPv4-mapped), else RFC 5952.
std::string format_address(const std::array<uint8_t, 16>& address);
// The canonical text of an address given as text, or the text itself when it does not parse.
std::string canonical_address(std::string_view text);

// A list of addresses and ranges: "127.0.0.1, 10.0.0.0/8, fd00::/8".
class AddressSet {
 public:
  // Parses a comma-separated list; on error returns nullopt and sets `*error` (naming the item).
  static std::optional<AddressSet> parse(std::string_view list, std::string* error);
  bool contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<AddressRange> ranges_;
};

// The client a request stands for. `peer` is the TCP peer. When the peer is a trusted proxy, the
// X-Forwarded-For values (every such header, in order) are read from the right: the first address
// that is not itself a trusted proxy is the client. A malformed entry stops the walk there (the
// address to its right is taken), so a client cannot choose its identity by sending junk.
std::string client_address(std::string_view peer, const std::vector<std::string>& forwarded_for,
                           const AddressSet& trusted_proxies);

}  // namespace haku
