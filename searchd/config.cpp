#include "searchd/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "searchd/client_address.h"

namespace haku {
namespace {

// An option's field: how a value is set (an error message, or empty) and how it reads back (--help
// prints each default from a default-constructed ServerConfig, so the text cannot drift).
struct Field {
  std::function<std::string(ServerConfig&, const std::string&)> set;
  std::function<std::string(const ServerConfig&)> show;
};

struct OptionSpec {
  const char* key;   // flag --key, file key "key" (dashes or underscores), env HAKU_KEY
  const char* env;
  const char* help;
  bool is_switch;    // a flag without a value (sets "true")
  Field field;
  bool secret = false;  // not taken as a flag (it would show in `ps`), never echoed in errors
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

template <class Int>
Field set_int(Int ServerConfig::*field, long long lo, long long hi) {
  return {[field, lo, hi](ServerConfig& c, const std::string& v) -> std::string {
            long long n = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi)
              return "expects an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + v + "'";
            c.*field = static_cast<Int>(n);
            return {};
          },
          [field](const ServerConfig& c) { return std::to_string(c.*field); }};
}

Field set_string(std::string ServerConfig::*field) {
  return {[field](ServerConfig& c, const std::string& v) -> std::string {
            c.*field = v;
            return {};
          },
          [field](const ServerConfig& c) { return c.*field; }};
}

Field set_bool(bool ServerConfig::*field) {
  return {[field](ServerConfig& c, const std::string& v) -> std::string {
            if (v == "true" || v == "1" || v == "yes" || v == "on") {
              c.*field = true;
            } else if (v == "false" || v == "0" || v == "no" || v == "off") {
              c.*field = false;
            } else {
              return "expects true or false, got '" + v + "'";
            }
            return {};
          },
          [field](const ServerConfig& c) { return std::string(c.*field ? "true" : "false"); }};
}

const Field set_origins = {
    [](ServerConfig& c, const std::string& v) -> std::string {
      c.cors_origins.clear();
      std::stringstream in(v);
      std::string item;
      while (std::getline(in, item, ',')) {
        item = trim(item);
        if (!item.empty()) c.cors_origins.push_back(item);
      }
      return {};
    },
    [](const ServerConfig& c) {
      std::string out;
      for (const auto& o : c.cors_origins) out += (out.empty() ? "" : ",") + o;
      return out;
    }};

// A comma-separated list of addresses and CIDR ranges, checked here so a typo fails at start.
Field set_addresses(std::string ServerConfig::*field) {
  return {[field](ServerConfig& c, const std::string& v) -> std::string {
            std::string error;
            if (!AddressSet::parse(v, &error)) return "expects addresses or CIDR ranges: " + error;
            c.*field = v;
            return {};
          },
          [field](const ServerConfig& c) { return c.*field; }};
}

// The one table: every option, its environment variable and its flag.
const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> kOptions = {
      {"index-dir", "HAKU_INDEX_DIR", "index directory (holds `current`)", false,
       set_string(&ServerConfig::index_dir)},
      {"data-dir", "HAKU_DATA_DIR", "analysis data directory (stop lists)", false,
       {set_string(&ServerConfig::data_dir).set,
        [](const ServerConfig& c) { return c.data_dir.empty() ? std::string(HAKU_DATA_DIR_DEFAULT) : c.data_dir; }}},
      {"host", "HAKU_HOST", "address to listen on", false, set_string(&ServerConfig::host)},
      {"port", "HAKU_PORT", "TCP port; 0 picks a free one", false, set_int(&ServerConfig::port, 0, 65535)},
      {"threads", "HAKU_THREADS", "Searchers (search work at once), one per core", false, set_int(&ServerConfig::threads, 1, 256)},
      {"cors-origins", "HAKU_CORS_ORIGINS", "comma-separated allowed origins, or *", false, set_origins},
      {"access-log", "HAKU_ACCESS_LOG", "log one line per request to stderr", true,
       set_bool(&ServerConfig::access_log)},
      {"max-connections", "HAKU_MAX_CONNECTIONS", "open connections in total", false,
       set_int(&ServerConfig::max_connections, 16, 1000000)},
      {"max-connections-per-client", "HAKU_MAX_CONNECTIONS_PER_CLIENT", "open connections per address (else 429)",
       false, set_int(&ServerConfig::max_connections_per_client, 1, 1000000)},
      {"read-timeout", "HAKU_READ_TIMEOUT", "seconds for a whole request to arrive (else 408)", false,
       set_int(&ServerConfig::read_timeout_s, 1, 600)},
      {"keep-alive-timeout", "HAKU_KEEP_ALIVE_TIMEOUT", "seconds an idle keep-alive connection is kept", false,
       set_int(&ServerConfig::keep_alive_timeout_s, 1, 600)},
      {"write-timeout", "HAKU_WRITE_TIMEOUT", "seconds for a client to take a response", false,
       set_int(&ServerConfig::write_timeout_s, 1, 600)},
      {"drain-timeout", "HAKU_DRAIN_TIMEOUT", "seconds SIGTERM waits for requests in flight", false,
       set_int(&ServerConfig::drain_timeout_s, 0, 600)},
      {"max-requests-per-connection", "HAKU_MAX_REQUESTS_PER_CONNECTION", "requests on one connection", false,
       set_int(&ServerConfig::max_requests_per_connection, 1, 1000000)},
      {"max-header-bytes", "HAKU_MAX_HEADER_BYTES", "request line and headers (else 431)", false,
       set_int(&ServerConfig::max_header_bytes, 1024, 1024 * 1024)},
      {"max-uri-bytes", "HAKU_MAX_URI_BYTES", "longest request target (else 413)", false,
       set_int(&ServerConfig::max_uri_bytes, 256, 8000)},
      {"max-body-bytes", "HAKU_MAX_BODY_BYTES", "largest request body (else 413)", false,
       set_int(&ServerConfig::max_body_bytes, 0, 16 * 1024 * 1024)},
      {"http-threads", "HAKU_HTTP_THREADS", "threads running requests; 0 = 2 x threads, >= 8", false,
       set_int(&ServerConfig::http_threads, 0, 1024)},
      {"search-budget-ms", "HAKU_SEARCH_BUDGET_MS",
       "time budget of one search (then partial); 0 = none", false,
       set_int(&ServerConfig::search_budget_ms, 0, 600000)},
      {"admission-wait-ms", "HAKU_ADMISSION_WAIT_MS", "longest wait for a free Searcher (else 503)", false,
       set_int(&ServerConfig::admission_wait_ms, 0, 60000)},
      {"max-searches-per-client", "HAKU_MAX_SEARCHES_PER_CLIENT",
       "concurrent search requests per client (twice as many more wait their turn, then 429); 0 = threads - 1", false,
       set_int(&ServerConfig::max_searches_per_client, 0, 1024)},
      {"rate-limit", "HAKU_RATE_LIMIT", "requests a second per client (else 429); 0 = off", false,
       set_int(&ServerConfig::rate_limit, 0, 1000000)},
      {"rate-burst", "HAKU_RATE_BURST", "requests a client may send at once", false,
       set_int(&ServerConfig::rate_burst, 1, 1000000)},
      {"exempt-clients", "HAKU_EXEMPT_CLIENTS", "addresses/CIDRs free of rate limit and search cap", false,
       set_addresses(&ServerConfig::exempt_clients)},
      {"trusted-proxies", "HAKU_TRUSTED_PROXIES", "addresses/CIDRs whose X-Forwarded-For is used", false,
       set_addresses(&ServerConfig::trusted_proxies)},
      {"api-keys-file", "HAKU_API_KEYS_FILE", "API key file (JSON Lines; see docs/OPERATIONS.md)", false,
       set_string(&ServerConfig::api_keys_file)},
      {"admin-key", "HAKU_ADMIN_KEY", "an admin API key (environment or config file only)", false,
       set_string(&ServerConfig::admin_key), true},
      {"search-requires-key", "HAKU_SEARCH_REQUIRES_KEY", "search routes need an API key", true,
       set_bool(&ServerConfig::search_requires_key)},
      {"metrics-public", "HAKU_METRICS_PUBLIC", "serve /metrics without a key", true,
       set_bool(&ServerConfig::metrics_public)},
      {"max-query-bytes", "HAKU_MAX_QUERY_BYTES", "longest q (else 400)", false,
       set_int(&ServerConfig::max_query_bytes, 16, 8000)},
      {"max-query-words", "HAKU_MAX_QUERY_WORDS", "most words in q (else 400)", false,
       set_int(&ServerConfig::max_query_words, 1, 1000)},
      {"max-per-page", "HAKU_MAX_PER_PAGE", "largest per_page (else 400)", false,
       set_int(&ServerConfig::max_per_page, 1, 100)},
      {"max-result-window", "HAKU_MAX_RESULT_WINDOW", "largest page x per_page (else 400)", false,
       set_int(&ServerConfig::max_result_window, 1, 100000)},
  };
  return kOptions;
}

const OptionSpec* find_option(std::string key) {
  for (auto& ch : key)
    if (ch == '_') ch = '-';
  for (const auto& o : option_table())
    if (key == o.key) return &o;
  return nullptr;
}

std::string apply(ServerConfig& c, const OptionSpec& o, const std::string& value, const std::string& where) {
  const std::string err = o.field.set(c, value);
  return err.empty() ? err : where + ": " + o.key + " " + (o.secret ? "is invalid" : err);
}

std::string apply_file(ServerConfig& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) return "--config: cannot read " + path;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    const std::string where = path + ":" + std::to_string(lineno);
    if (eq == std::string::npos) return where + ": expected key = value";
    const OptionSpec* o = find_option(trim(line.substr(0, eq)));
    if (!o) return where + ": unknown key '" + trim(line.substr(0, eq)) + "'";
    if (auto err = apply(c, *o, trim(line.substr(eq + 1)), where); !err.empty()) return err;
  }
  return {};
}

}  // namespace

unsigned default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

ConfigLoad load_config(int argc, const char* const* argv, const EnvironmentLookup& environ_lookup) {
  ConfigLoad out;
  // Pass 1: --help and --config (the file layer sits below the environment and the other flags).
  std::string config_file;
  if (const char* env = environ_lookup("HAKU_CONFIG")) config_file = env;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      return out;
    }
    if (arg == "--config") {
      if (i + 1 >= argc) {
        out.error = "--config needs a value";
        return out;
      }
      config_file = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_file = arg.substr(9);
    }
  }
  if (!config_file.empty()) {
    if (out.error = apply_file(out.config, config_file); !out.error.empty()) return out;
  }
  for (const auto& o : option_table()) {
    if (const char* env = environ_lookup(o.env)) {
      if (out.error = apply(out.config, o, env, o.env); !out.error.empty()) return out;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config") {
      ++i;
      continue;
    }
    if (arg.rfind("--config=", 0) == 0) continue;
    if (arg.rfind("--", 0) != 0) {
      out.error = "unexpected argument '" + arg + "' (see --help)";
      return out;
    }
    std::string value;
    bool has_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    const OptionSpec* o = find_option(arg.substr(2));
    if (!o) {
      out.error = "unknown option '" + arg + "' (see --help)";
      return out;
    }
    if (o->secret) {
      out.error = arg + " is not taken on the command line (it would show in the process list); use " +
                  o->env + " or the config file";
      return out;
    }
    if (!has_value) {
      if (o->is_switch) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        out.error = arg + " needs a value";
        return out;
      }
    }
    if (out.error = apply(out.config, *o, value, "flag"); !out.error.empty()) return out;
  }
  out.error = validate_config(out.config);
  return out;
}

std::string validate_config(const ServerConfig& c) {
  if (c.index_dir.empty()) return "index-dir must not be empty";
  if (c.host.empty()) return "host must not be empty";
  if (c.port < 0 || c.port > 65535) return "port must be in 0..65535";
  if (c.threads < 1) return "threads must be at least 1";
  if (c.max_uri_bytes >= c.max_header_bytes) return "max-uri-bytes must be below max-header-bytes";
  if (c.rate_limit > 0 && c.rate_burst < 1) return "rate-burst must be at least 1";
  for (const auto& origin : c.cors_origins) {
    if (origin != "*" && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0)
      return "cors-origins: '" + origin + "' is not * or an http(s):// origin";
  }
  return {};
}

namespace {

std::string default_text(const OptionSpec& o) {
  if (o.secret) return "";
  const std::string v = o.field.show(ServerConfig{});
  return v.empty() ? " (default: none)" : " (default: " + v + ")";
}

}  // namespace

std::string config_help() {
  std::ostringstream out;
  out << "haku-searchd: the Haku search HTTP daemon (JSON API under /v1, demo page at /).\n\n"
         "Usage: haku-searchd [--config FILE] [--OPTION VALUE]...\n"
         "Example: haku-searchd --index-dir var/index --host 127.0.0.1 --port 8080 --access-log\n\n"
         "Options (flag / environment variable; a --config file takes `key = value` lines):\n";
  for (const auto& o : option_table()) {
    std::string flag = o.secret ? std::string("(no flag)") : std::string("--") + o.key + (o.is_switch ? "" : " V");
    flag.resize(30, ' ');
    std::string env = o.env;
    env.resize(34, ' ');
    out << "  " << flag << env << o.help << default_text(o) << "\n";
  }
  out << "  --config FILE                 HAKU_CONFIG                       read options from FILE first\n"
         "  --help                                                          this text\n"
         "  --version                                                       print the version\n\n"
         "Order: defaults < config file < environment < flags. Limits: docs/OPERATIONS.md.\n"
         "SIGTERM/SIGINT: stop accepting, finish requests in flight (drain-timeout), exit.\n"
         "SIGHUP: reload the API key file (a failed reload keeps the keys in use).\n"
         "With --port 0 the chosen port is printed as `listening on http://HOST:PORT`.\n";
  return out.str();
}

}  // namespace haku
