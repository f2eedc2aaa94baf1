#include "searchd/api_keys.h"

#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/schema.h"

namespace haku {
namespace {

// Characters a key may hold: RFC 6750's b64token alphabet, so any key can travel in a Bearer header.
bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~+/=").find(c) != std::string_view::npos;
}

std::string check_secret(std::string_view secret) {
  if (secret.size() < kMinKeyBytes) return "a key must be at least " + std::to_string(kMinKeyBytes) + " characters";
  for (char c : secret)
    if (!is_key_char(c)) return "a key may hold only A-Z a-z 0-9 - . _ ~ + / =";
  return {};
}

// "facet:value" as a fixed filter; "" when fine, else why not.
std::string parse_filter(const nlohmann::json& value, std::pair<std::string, std::string>* out) {
  if (!value.is_string()) return "expected strings FACET:VALUE";
  const std::string text = value.get<std::string>();
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return "'" + text + "' is not FACET:VALUE";
  out->first = text.substr(0, colon);
  out->second = text.substr(colon + 1);
  if (!schema::find_facet(out->first)) return "unknown facet '" + out->first + "'";
  return {};
}

}  // namespace

std::string check_origin(std::string_view origin) {
  const size_t sep = origin.find("://");
  if (sep == std::string_view::npos || (origin.substr(0, sep) != "http" && origin.substr(0, sep) != "https"))
    return "'" + std::string(origin) + "' is not an origin (http://host or https://host[:port])";
  const std::string_view rest = origin.substr(sep + 3);
  if (rest.empty()) return "'" + std::string(origin) + "' has no host";
  for (char c : rest)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '[' ||
          c == ']'))
      return "'" + std::string(origin) + "' is not an origin: lower-case host[:port] only, no path";
  return {};
}

std::string generate_secret() {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device random;  // the system's random source (getrandom)
  std::string secret;
  for (int i = 0; i < 32; ++i) secret += kAlphabet[random() % kAlphabet.size()];
  return secret;
}

std::string key_line(const ApiKey& key) {
  nlohmann::ordered_json line = {{"name", key.name}, {"role", key.role == KeyRole::admin ? "admin" : "search"},
                                 {"key", key.secret}};
  if (!key.filters.empty()) {
    line["filters"] = nlohmann::ordered_json::array();
    for (const auto& [facet, value] : key.filters) line["filters"].push_back(facet + ":" + value);
  }
  if (!key.origins.empty()) line["origins"] = key.origins;
  return line.dump();
}

bool constant_time_equals(std::string_view presented, std::string_view secret) {
  // The loop runs over the presented value only; bytes past the secret's end compare against 0 and
  // the length difference is folded in, so no early exit depends on the secret.
  unsigned diff = presented.size() == secret.size() ? 0u : 1u;
  const size_t n = secret.size();
  for (size_t i = 0; i < presented.size(); ++i) {
    const unsigned char s = n == 0 ? 0 : static_cast<unsigned char>(secret[i < n ? i : 0]) & (i < n ? 0xffu : 0u);
    diff |= static_cast<unsigned char>(presented[i]) ^ s;
  }
  return diff == 0;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() + 1) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != kScheme[i]) return std::nullopt;
  }
  if (authorization[kScheme.size()] != ' ') return std::nullopt;
  std::string_view token = authorization.substr(kScheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<ApiKeys> ApiKeys::parse(std::string_view text, const std::string& where, std::string* error) {
  ApiKeys keys;
  std::set<std::string> names;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  auto fail = [&](const std::string& reason) {
    *error = where + ":" + std::to_string(lineno) + ": " + reason;
    return std::nullopt;
  };
  while (std::getline(in, line)) {
    ++lineno;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    // Parse errors are reported by position only: nlohmann's message may quote the line (the key).
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_discarded() || !entry.is_object()) return fail("expected one JSON object per line");
    ApiKey key;
    for (const auto& [field, value] : entry.items()) {
      if (field == "name") {
        if (!value.is_string() || value.get<std::string>().empty()) return fail("name: expected a non-empty string");
        key.name = value.get<std::string>();
      } else if (field == "role") {
        if (value == "admin") {
          key.role = KeyRole::admin;
        } else if (value == "search") {
          key.role = KeyRole::search;
        } else {
          return fail("role: expected \"admin\" or \"search\"");
        }
      } else if (field == "key") {
        if (!value.is_string()) return fail("key: expected a string");
        key.secret = value.get<std::string>();
        if (auto why = check_secret(key.secret); !why.empty()) return fail("key: " + why);
      } else if (field == "filters") {
        if (!value.is_array()) return fail("filters: expected an array of FACET:VALUE strings");
        for (const auto& f : value) {
          std::pair<std::string, std::string> filter;
          if (auto why = parse_filter(f, &filter); !why.empty()) return fail("filters: " + why);
          key.filters.push_back(std::move(filter));
        }
      } else if (field == "origins") {
        if (!value.is_array()) return fail("origins: expected an array of origins");
        for (const auto& o : value) {
          if (!o.is_string()) return fail("origins: expected strings");
          if (auto why = check_origin(o.get<std::string>()); !why.empty()) return fail("origins: " + why);
          key.origins.push_back(o.get<std::string>());
        }
      } else {
        return fail("field '" + field + "' is not supported (known: name, role, key, filters, origins)");
      }
    }
    if (key.role == KeyRole::admin && (!key.filters.empty() || !key.origins.empty()))
      return fail("an admin key cannot be scoped (filters, origins): use a search key");
    if (key.secret.empty()) return fail("key: missing");
    if (!entry.contains("role")) return fail("role: missing");
    if (key.name.empty()) key.name = "line-" + std::to_string(lineno);
    if (!names.insert(key.name).second) return fail("name '" + key.name + "' is used twice");
    for (const auto& other : keys.keys_)
      if (other.secret == key.secret) return fail("the same key is listed twice");
    keys.keys_.push_back(std::move(key));
  }
  return keys;
}

std::optional<ApiKeys> ApiKeys::load(const std::string& path, const std::string& env_admin_key, std::string* error) {
  ApiKeys keys;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      *error = path + ": cannot read the API key file";
      return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parse(text.str(), path, error);
    if (!parsed) return std::nullopt;
    keys = std::move(*parsed);
  }
  if (!env_admin_key.empty()) {
    if (auto why = check_secret(env_admin_key); !why.empty()) {
      *error = "HAKU_ADMIN_KEY: " + why;
      return std::nullopt;
    }
    for (const auto& other : keys.keys_) {
      if (other.name == "env") {
        *error = path + ": the name 'env' is reserved for HAKU_ADMIN_KEY";
        return std::nullopt;
      }
    }
    keys.keys_.push_back({"env", KeyRole::admin, env_admin_key, {}, {}});
  }
  return keys;
}

std::vector<std::string> ApiKeys::describe() const {
  std::vector<std::string> out;
  for (const auto& k : keys_) {
    std::string line = k.name + "\t" + (k.role == KeyRole::admin ? "admin" : "search");
    std::string filters, origins;
    for (const auto& [facet, value] : k.filters) filters += (filters.empty() ? "" : ",") + facet + ":" + value;
    for (const auto& o : k.origins) origins += (origins.empty() ? "" : ",") + o;
    line += "\tfilters=" + (filters.empty() ? std::string("-") : filters);
    line += "\torigins=" + (origins.empty() ? std::string("-") : origins);
    out.push_back(std::move(line));
  }
  return out;
}

bool ApiKeys::origin_listed(std::string_view origin) const {
  for (const auto& k : keys_)
    for (const auto& o : k.origins)
      if (o == origin) return true;
  return false;
}

const ApiKey* ApiKeys::find(std::string_view presented) const {
  const ApiKey* found = nullptr;
  for (const auto& k : keys_) {
    const bool match = constant_time_equals(presented, k.secret);
    if (match && !found) found = &k;
  }
  return found;
}

}  // namespace haku
