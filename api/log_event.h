#pragma once
// LogEvent: one line per event, key=value (event=published gen=... documents=251 seconds=1.20), so an
// operator finds a failed night with one grep. The engine reports events through an EventSink; the
// binaries print them. Value type (thread-compatible).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haku {

struct LogEvent {
  std::string name;  // start, read, rejected, verified, refused, published, pruned, rolled_back, ...
  std::vector<std::pair<std::string, std::string>> fields;

  explicit LogEvent(std::string event_name) : name(std::move(event_name)) {}
  LogEvent& add(std::string key, std::string value);
  LogEvent& add(std::string key, const char* value) { return add(std::move(key), std::string(value)); }
  LogEvent& add(std::string key, uint64_t value);
  LogEvent& add(std::string key, double value);  // two decimals
  // The value of a field, empty when absent.
  std::string get(const std::string& key) const;
  // "event=NAME key=value ...": values with spaces, quotes or '=' are double-quoted, control
  // characters become spaces, so an event is always one line.
  std::string line() const;
};

// A value as it goes into a key=value line: as is, or double-quoted (quotes and backslashes escaped,
// control characters made spaces) when it holds spaces, quotes, '=' or control characters.
std::string log_value(std::string_view v);

using EventSink = std::function<void(const LogEvent&)>;

}  // namespace haku
