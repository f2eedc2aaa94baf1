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
  size_t max_uri_bytes = 4096;               // a longer request target is answered 413
  size_t max_body_bytes = 64 * 1024;         // a longer request body is answered 413
  unsigned read_timeout_s = 5;
  unsigned write_timeout_s = 5;
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
