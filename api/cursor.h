#pragma once
// Cursors for deep paging: "<generation>~<offset>~<fingerprint hash>". A cursor names the generation it
// was made on, so the pages it leads to come from that generation while it is retained, and holds a
// hash of everything of the request that defines its result list. Stateless functions; thread-safe.
#include <cstdint>
#include <string>

#include "api/search.h"
#include "api/status.h"

namespace haku {

struct CursorPosition {
  std::string generation;
  uint64_t offset = 0;
};

// The cursor of the page at `offset` of request `r` on `generation`.
std::string make_cursor(const std::string& generation, uint64_t offset, const SearchRequest& r);
// The generation and offset of a cursor made for request `r`; invalid_argument (param "cursor") when
// it is malformed or belongs to another query.
Result<CursorPosition> parse_cursor(const std::string& cursor, const SearchRequest& r);

}  // namespace haku
