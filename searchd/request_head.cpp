#include "searchd/request_head.h"

#include <algorithm>

namespace haku {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

HeadScan reject(HeadScan scan, int status, const char* code, const char* message) {
  scan.state = HeadState::rejected;
  scan.status = status;
  scan.code = code;
  scan.message = message;
  return scan;
}

HeadScan bad(HeadScan scan, const char* message) { return reject(scan, 400, "bad_request", message); }

}  // namespace

std::string_view target_path(std::string_view target) { return target.substr(0, target.find_first_of("?#")); }

HeadScan scan_request_head(std::string_view buffer, const HeadLimits& limits) {
  HeadScan scan;
  // Empty lines before a request (some clients send CRLF after a body) are skipped, within the limit.
  while (true) {
    if (buffer.substr(scan.skip, 2) == "\r\n") {
      scan.skip += 2;
    } else if (buffer.substr(scan.skip, 1) == "\n") {
      scan.skip += 1;
    } else {
      break;
    }
    if (scan.skip > limits.max_head_bytes) return reject(scan, 431, "header_too_large", "the request head is too large");
  }
  const std::string_view head = buffer.substr(scan.skip);

  // The request line: METHOD SP TARGET SP HTTP-VERSION CRLF.
  const size_t line_end = head.find('\n');
  if (line_end == std::string_view::npos) {
    if (head.size() > limits.max_head_bytes)
      return reject(scan, 413, "request_too_large", "the request line is too long");
    return scan;
  }
  if (line_end + 1 > limits.max_head_bytes)
    return reject(scan, 413, "request_too_large", "the request line is too long");
  if (line_end == 0 || head[line_end - 1] != '\r') return bad(scan, "request lines must end with CRLF");
  const std::string_view request_line = head.substr(0, line_end - 1);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp1 == 0 || sp2 == std::string_view::npos || sp2 == sp1 + 1 ||
      request_line.substr(sp2 + 1).rfind("HTTP/", 0) != 0)
    return bad(scan, "the request line is malformed");
  for (size_t i = 0; i < sp1; ++i)
    if (!is_tchar(request_line[i])) return bad(scan, "the request method is malformed");
  scan.method = request_line.substr(0, sp1);
  scan.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);

  // Header lines up to the blank line.
  bool has_length = false, has_transfer_encoding = false;
  uint64_t length = 0;
  size_t pos = line_end + 1;
  while (true) {
    const size_t end = head.find('\n', pos);
    if (end == std::string_view::npos) {
      if (head.size() - pos > limits.max_line_bytes)
        return reject(scan, 431, "header_too_large", "a header line is too long");
      if (head.size() > limits.max_head_bytes)
        return reject(scan, 431, "header_too_large", "the request head is too large");
      return scan;  // incomplete
    }
    if (end + 1 > limits.max_head_bytes) return reject(scan, 431, "header_too_large", "the request head is too large");
    if (end - pos > limits.max_line_bytes) return reject(scan, 431, "header_too_large", "a header line is too long");
    if (end == pos || head[end - 1] != '\r') return bad(scan, "header lines must end with CRLF");
    const std::string_view line = head.substr(pos, end - 1 - pos);
    pos = end + 1;
    if (line.empty()) break;  // the blank line: the head is complete
    if (line.front() == ' ' || line.front() == '\t') return bad(scan, "folded header lines are not accepted");
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return bad(scan, "a header line has no name");
    const std::string_view name = line.substr(0, colon);
    for (char c : name)
      if (!is_tchar(c)) return bad(scan, "a header name is malformed");
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string_view::npos)
        return bad(scan, "Content-Length is malformed");
      uint64_t n = 0;
      for (char c : value) n = n * 10 + static_cast<uint64_t>(c - '0');
      if (has_length && n != length) return bad(scan, "Content-Length is given twice with different values");
      has_length = true;
      length = n;
    } else if (iequals(name, "transfer-encoding")) {
      has_transfer_encoding = true;
    }
  }
  scan.head_bytes = pos;
  if (has_transfer_encoding) {
    if (has_length) return bad(scan, "Content-Length and Transfer-Encoding together");
    return reject(scan, 411, "length_required", "a request body needs Content-Length");
  }
  if (length > limits.max_body_bytes) return reject(scan, 413, "request_too_large", "the request body is too large");
  scan.body_bytes = length;
  scan.state = HeadState::complete;
  return scan;
}

}  // namespace haku
