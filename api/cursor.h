#pragma once
// Cursors for deep paging: "<generation>~<offset>~<tag>". A cursor names the generation it was made on,
// so the pages it leads to come from that generation while it is retained. The tag is a SipHash-2-4 MAC,
// keyed with the generation's cursor secret, over the generation, the offset and everything of the
// request that defines its result list: a cursor whose offset or generation was edited, or that is
// used for another query, is refused. Stateless functions; thread-safe.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/search.h"
#include "api/status.h"

namespace haku {

using CursorKey = std::array<uint8_t, 16>;

struct CursorPosition {
  std::string generation;
  uint64_t offset = 0;
  std::string tag;  // as the cursor carries it
};

// The cursor of the page at `offset` of request `r` on `generation`, signed with `key`.
std::string make_cursor(const std::string& generation, uint64_t offset, const SearchRequest& r, const CursorKey& key);
// The generation and offset a cursor names, read without its key (the key belongs to that generation);
// invalid_argument (param "cursor") when it is malformed.
Result<CursorPosition> parse_cursor(const std::string& cursor);
// ok when `pos` was made by make_cursor for request `r` with `key`; else invalid_argument ("cursor").
Status verify_cursor(const CursorPosition& pos, const SearchRequest& r, const CursorKey& key);

// SipHash-2-4 of `message` under `key` (Aumasson and Bernstein's reference definition).
uint64_t siphash24(const CursorKey& key, std::string_view message);
// A key from a generation's stored secret (32 hex digits); false when it is not one.
bool cursor_key_from_hex(std::string_view hex, CursorKey* key);
// 32 hex digits from the system's random source: a new generation's secret.
std::string new_cursor_secret();

}  // namespace haku
