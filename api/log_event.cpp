// LogEvent: key=value event lines (see log_event.h).
#include "api/log_event.h"

#include <cstdio>

namespace haku {

std::string log_value(std::string_view v) {
  if (!v.empty() && v.find_first_of(" \"=\\\n\r\t") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

LogEvent& LogEvent::add(std::string key, std::string value) {
  fields.emplace_back(std::move(key), std::move(value));
  return *this;
}

LogEvent& LogEvent::add(std::string key, uint64_t value) { return add(std::move(key), std::to_string(value)); }

LogEvent& LogEvent::add(std::string key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  return add(std::move(key), std::string(buf));
}

std::string LogEvent::get(const std::string& key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return {};
}

std::string LogEvent::line() const {
  std::string out = "event=" + log_value(name);
  for (const auto& [k, v] : fields) {
    out += ' ';
    out += k;
    out += '=';
    out += log_value(v);
  }
  return out;
}

}  // namespace haku
