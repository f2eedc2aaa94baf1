#pragma once
// haku-searchd's configuration: one struct, filled from one option table in the order
// defaults < --config FILE (key = value lines) < HAKU_* environment variables < flags. Value type.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace haku {

struct ServerConfig {
  std::string index_dir = "./var/index";
  std::string data_dir;                      // analysis data; empty = the engine's default
  std::string host = "127.0.0.1";
  int port = 8080;                           // 0 = an ephemeral port
  unsigned threads = 4;                      // worker threads (each with its own Searcher)
  std::vector<std::string> cors_origins;     // allowed Origin values; "*" allows any; none by default
  bool access_log = false;                   // one key=value line per request on stderr

  // Connections (searchd/http_listener.h). Every limit is listed in docs/OPERATIONS.md.
  size_t max_connections = 4096;             // open connections in total
  size_t max_connections_per_client = 256;   // open connections from one address (trusted proxies exempt)
  unsigned read_timeout_s = 5;               // a request (head and body) must arrive within this
  unsigned keep_alive_timeout_s = 5;         // a keep-alive connection may idle this long
  unsigned write_timeout_s = 5;              // a response must be taken within this
  unsigned drain_timeout_s = 10;             // SIGTERM: requests in flight get this long
  size_t max_requests_per_connection = 1000;
  size_t max_header_bytes = 16 * 1024;       // request line + headers; more is answered 431
  size_t max_uri_bytes = 4096;               // a longer request target is answered 413
  size_t max_body_bytes = 64 * 1024;         // a longer request body is answered 413
  unsigned http_threads = 0;                 // threads running requests; 0 = 2 x threads, at least 8

  // Admission and fairness.
  unsigned admission_wait_ms = 2000;         // longest wait for a free Searcher (then 503 + Retry-After)
  unsigned max_searches_per_client = 0;      // concurrent Searcher requests per client; 0 = threads - 1, >= 1
  unsigned rate_limit = 50;                  // requests a second per client (token bucket); 0 = off
  unsigned rate_burst = 200;                 // bucket size
  std::string exempt_clients;                // addresses / CIDRs free of rate limit and search cap
  std::string trusted_proxies;               // addresses / CIDRs whose X-Forwarded-For is believed

  // API keys (searchd/api_keys.h).
  std::string api_keys_file;                 // JSON Lines key file; empty = none
  std::string admin_key;                     // one admin key (HAKU_ADMIN_KEY or the config file only)
  bool search_requires_key = false;          // the search routes need a search or admin key
  bool metrics_public = false;               // /metrics without a key

  // Query limits (answered 400 naming the parameter).
  size_t max_query_bytes = 1024;
  unsigned max_query_words = 64;
  unsigned max_per_page = 100;
  unsigned max_result_window = 10000;        // page x per_page
};

// What the command line asked for.
struct ConfigLoad {
  ServerConfig config;
  bool help = false;      // --help: print config_help() and exit 0
  std::string error;      // non-empty: a usage error (exit 2)
};

// Reads the layers in order. `environ_lookup` returns the value of an environment variable or nullptr
// (std::getenv in production; tests pass their own).
using EnvironmentLookup = std::function<const char*(const char*)>;
ConfigLoad load_config(int argc, const char* const* argv, const EnvironmentLookup& environ_lookup);

// Checks ranges and combinations; returns a message naming the option, or empty when valid.
std::string validate_config(const ServerConfig& config);

std::string config_help();

}  // namespace haku
