// Cursors: making, reading and checking them (see cursor.h).
#include "api/cursor.h"

#include <cstdio>
#include <cstring>
#include <optional>
#include <random>

namespace haku {

namespace {

// Everything of a request that defines its result list (not the page).
std::string request_fingerprint(const SearchRequest& r) {
  std::string f = r.q + '\x1e' + r.lang + '\x1e';
  for (const auto& [k, v] : r.filters) f += k + ':' + v + '\x1f';
  for (const auto& [k, v] : r.scope) f += "scope " + k + ':' + v + '\x1f';
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

std::string tag_of(const std::string& generation, uint64_t offset, const SearchRequest& r, const CursorKey& key) {
  return hex(siphash24(key, generation + '\x1d' + std::to_string(offset) + '\x1d' + request_fingerprint(r)));
}

uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

uint64_t load_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

Status malformed() {
  return Status::error(StatusCode::invalid_argument, "cursor is malformed or belongs to another query", "cursor");
}

}  // namespace

uint64_t siphash24(const CursorKey& key, std::string_view message) {
  const uint64_t k0 = load_le64(key.data()), k1 = load_le64(key.data() + 8);
  uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
  uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
  auto round = [&] {
    v0 += v1;
    v1 = rotl(v1, 13) ^ v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16) ^ v2;
    v0 += v3;
    v3 = rotl(v3, 21) ^ v0;
    v2 += v1;
    v1 = rotl(v1, 17) ^ v2;
    v2 = rotl(v2, 32);
  };
  const auto* p = reinterpret_cast<const uint8_t*>(message.data());
  const size_t n = message.size();
  const size_t whole = n - n % 8;
  for (size_t i = 0; i < whole; i += 8) {
    const uint64_t m = load_le64(p + i);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  uint64_t last = static_cast<uint64_t>(n & 0xff) << 56;
  for (size_t i = 0; i < n % 8; ++i) last |= static_cast<uint64_t>(p[whole + i]) << (8 * i);
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

bool cursor_key_from_hex(std::string_view h, CursorKey* key) {
  if (h.size() != 32) return false;
  for (size_t i = 0; i < 16; ++i) {
    unsigned byte = 0;
    for (char c : h.substr(2 * i, 2)) {
      byte <<= 4;
      if (c >= '0' && c <= '9') byte |= c - '0';
      else if (c >= 'a' && c <= 'f') byte |= c - 'a' + 10;
      else return false;
    }
    (*key)[i] = static_cast<uint8_t>(byte);
  }
  return true;
}

std::string new_cursor_secret() {
  std::random_device rd;  // /dev/urandom on Linux
  std::string out;
  for (int i = 0; i < 4; ++i) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
    out += buf;
  }
  return out;
}

std::string make_cursor(const std::string& generation, uint64_t offset, const SearchRequest& r, const CursorKey& key) {
  return generation + "~" + std::to_string(offset) + "~" + tag_of(generation, offset, r, key);
}

Result<CursorPosition> parse_cursor(const std::string& c) {
  size_t a = c.find('~');
  size_t b = a == std::string::npos ? a : c.find('~', a + 1);
  if (b == std::string::npos) return malformed();
  CursorPosition pos;
  pos.generation = c.substr(0, a);
  if (pos.generation.rfind("gen-", 0) != 0 || pos.generation.find('/') != std::string::npos) return malformed();
  std::string off = c.substr(a + 1, b - a - 1);
  if (off.empty() || off.size() > 12 || off.find_first_not_of("0123456789") != std::string::npos) return malformed();
  pos.offset = std::stoull(off);
  pos.tag = c.substr(b + 1);
  if (pos.tag.size() != 16) return malformed();
  return pos;
}

Status verify_cursor(const CursorPosition& pos, const SearchRequest& r, const CursorKey& key) {
  const std::string want = tag_of(pos.generation, pos.offset, r, key);
  if (pos.tag.size() != want.size()) return malformed();
  // Constant time: how much of a guessed tag is right must not show in the answer's timing.
  unsigned diff = 0;
  for (size_t i = 0; i < want.size(); ++i) diff |= static_cast<unsigned char>(want[i] ^ pos.tag[i]);
  return diff == 0 ? Status::ok() : malformed();
}

}  // namespace haku
