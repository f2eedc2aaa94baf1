#pragma once
// API keys: who may call the admin routes (/metrics and any later admin route) and, when so
// configured, the search routes. Keys come from a key file (JSON Lines, one key per line) and/or
// one admin key in the environment; a presented key is compared with every key in constant time.
// Keys are never logged: a key's `name` stands for it. Immutable once loaded; thread-safe.
//
// Key file (docs/OPERATIONS.md):
//   # comment lines and blank lines are ignored
//   {"name": "prometheus", "role": "admin",  "key": "<at least 16 characters>"}
//   {"name": "portal-a",   "role": "search", "key": "...",
//    "filters": ["fund:AMIF"], "origins": ["https://portal-a.example"]}
// A search key may be scoped: `filters` (FACET:VALUE, same facet OR-ed, facets AND-ed) are applied to
// every request made with it whatever the client asks (SearchRequest::scope), and `origins` are the
// only browser origins that may use it (CORS is answered for them). Unknown fields are refused, so a
// field a later version adds is never silently ignored.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haku {

enum class KeyRole {
  search,  // the search routes, when the server requires a key for them
  admin,   // everything: admin routes and search
};

struct ApiKey {
  std::string name;  // what logs and metrics show
  KeyRole role = KeyRole::search;
  std::string secret;
  std::vector<std::pair<std::string, std::string>> filters;  // fixed filters (facet, value); search keys only
  std::vector<std::string> origins;  // browser origins allowed to use the key ("https://host[:port]"); empty = any
};

// The key file line for `key` (JSON, no newline).
std::string key_line(const ApiKey& key);
// A new secret: 32 characters from a 64-character alphabet (192 bits from the system's random source).
std::string generate_secret();
// Checks an origin as a key may list it: scheme://host[:port], no path; "" when fine, else why not.
std::string check_origin(std::string_view origin);

constexpr size_t kMinKeyBytes = 16;

class ApiKeys {
 public:
  // Reads `path` (empty: no file) and adds `env_admin_key` (empty: none) as an admin key named "env".
  // On a malformed file returns nullopt and sets `*error` to "file:line: reason" (never the key).
  static std::optional<ApiKeys> load(const std::string& path, const std::string& env_admin_key, std::string* error);
  // Parses key file text; `where` names it in errors.
  static std::optional<ApiKeys> parse(std::string_view text, const std::string& where, std::string* error);

  // The key whose secret equals `presented`, or nullptr. Every key is compared, each in time that
  // depends only on the length of `presented`.
  const ApiKey* find(std::string_view presented) const;
  // Whether any key lists `origin` (answering a CORS preflight, which carries no key).
  bool origin_listed(std::string_view origin) const;
  // One line per key: name, role, fixed filters and origins (never the secret).
  std::vector<std::string> describe() const;
  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }

 private:
  std::vector<ApiKey> keys_;
};

// The token of an "Authorization: Bearer TOKEN" header value; nullopt for other schemes.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// a == b in time that depends only on a.size() (b is the secret).
bool constant_time_equals(std::string_view presented, std::string_view secret);

}  // namespace haku
