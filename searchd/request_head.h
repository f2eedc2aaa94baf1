#pragma once
// Framing of HTTP/1.1 requests on a connection's input buffer, before any parsing proper: where the
// head ends, how long the body is, and whether the head is within the limits. The listener uses it to
// hold a request back until it has fully arrived (so no thread waits on a slow client) and to find
// where the next pipelined request starts. Pure functions; thread-safe.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace haku {

struct HeadLimits {
  size_t max_head_bytes = 16 * 1024;  // request line + header lines + the blank line
  size_t max_line_bytes = 8 * 1024;   // one header line (cpp-httplib's own limit is 8192)
  uint64_t max_body_bytes = 64 * 1024;
};

enum class HeadState {
  incomplete,  // more bytes are needed
  complete,    // a head within the limits; body_bytes follow it
  rejected,    // answer `status` with `code` / `message` and close the connection
};

struct HeadScan {
  HeadState state = HeadState::incomplete;
  size_t skip = 0;          // empty lines before the request line (RFC 9112 2.2: ignored)
  size_t head_bytes = 0;    // from the request line through the blank line
  uint64_t body_bytes = 0;  // Content-Length (0 when absent)
  std::string_view method;  // views into the scanned buffer
  std::string_view target;
  // For rejected: the HTTP status and the API error code and message.
  int status = 0;
  const char* code = "";
  const char* message = "";

  // The request's bytes on the wire, leading empty lines included.
  uint64_t frame_bytes() const { return skip + head_bytes + body_bytes; }
};

// Scans the start of `buffer` for one request head. A request with Transfer-Encoding is rejected
// with 411 (no route takes a body; Content-Length is required for one), conflicting or malformed
// Content-Length with 400, a body over the limit with 413, a head or header line over its limit with
// 431, a request line over it with 413.
HeadScan scan_request_head(std::string_view buffer, const HeadLimits& limits);

// The path of a request target: up to '?' or '#'.
std::string_view target_path(std::string_view target);

}  // namespace haku
