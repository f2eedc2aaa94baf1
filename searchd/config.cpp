#include "searchd/config.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

namespace haku {
namespace {

using Setter = std::function<std::string(ServerConfig&, const std::string&)>;

struct OptionSpec {
  const char* key;   // flag --key, file key "key" (dashes or underscores), env HAKU_KEY
  const char* env;
  const char* help;
  bool is_switch;    // a flag without a value (sets "true")
  Setter set;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

template <class Int>
Setter set_int(Int ServerConfig::*field, long long lo, long long hi) {
  return [field, lo, hi](ServerConfig& c, const std::string& v) -> std::string {
    long long n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi)
      return "expects an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + v + "'";
    c.*field = static_cast<Int>(n);
    return {};
  };
}

Setter set_string(std::string ServerConfig::*field) {
  return [field](ServerConfig& c, const std::string& v) -> std::string {
    c.*field = v;
    return {};
  };
}

Setter set_bool(bool ServerConfig::*field) {
  return [field](ServerConfig& c, const std::string& v) -> std::string {
    if (v == "true" || v == "1" || v == "yes" || v == "on") {
      c.*field = true;
    } else if (v == "false" || v == "0" || v == "no" || v == "off") {
      c.*field = false;
    } else {
      return "expects true or false, got '" + v + "'";
    }
    return {};
  };
}

std::string set_origins(ServerConfig& c, const std::string& v) {
  c.cors_origins.clear();
  std::stringstream in(v);
  std::string item;
  while (std::getline(in, item, ',')) {
    item = trim(item);
    if (!item.empty()) c.cors_origins.push_back(item);
  }
  return {};
}

// The one table: every option, its environment variable and its flag.
const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> kOptions = {
      {"index-dir", "HAKU_INDEX_DIR", "index directory (holds `current`)", false,
       set_string(&ServerConfig::index_dir)},
      {"data-dir", "HAKU_DATA_DIR", "analysis data directory (default: built-in)", false,
       set_string(&ServerConfig::data_dir)},
      {"host", "HAKU_HOST", "address to listen on", false, set_string(&ServerConfig::host)},
      {"port", "HAKU_PORT", "TCP port; 0 picks a free one", false, set_int(&ServerConfig::port, 0, 65535)},
      {"threads", "HAKU_THREADS", "worker threads", false, set_int(&ServerConfig::threads, 1, 256)},
      {"cors-origins", "HAKU_CORS_ORIGINS", "comma-separated allowed origins, or *", false, set_origins},
      {"access-log", "HAKU_ACCESS_LOG", "log one line per request to stderr", true,
       set_bool(&ServerConfig::access_log)},
      {"max-uri-bytes", "HAKU_MAX_URI_BYTES", "longest request target (else 413)", false,
       set_int(&ServerConfig::max_uri_bytes, 256, 8000)},
      {"max-body-bytes", "HAKU_MAX_BODY_BYTES", "largest request body (else 413)", false,
       set_int(&ServerConfig::max_body_bytes, 0, 16 * 1024 * 1024)},
      {"read-timeout", "HAKU_READ_TIMEOUT", "seconds to wait for a request", false,
       set_int(&ServerConfig::read_timeout_s, 1, 600)},
      {"write-timeout", "HAKU_WRITE_TIMEOUT", "seconds to wait while sending a response", false,
       set_int(&ServerConfig::write_timeout_s, 1, 600)},
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
  const std::string err = o.set(c, value);
  return err.empty() ? err : where + ": " + o.key + " " + err;
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
  for (const auto& origin : c.cors_origins) {
    if (origin != "*" && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0)
      return "cors-origins: '" + origin + "' is not * or an http(s):// origin";
  }
  return {};
}

std::string config_help() {
  std::ostringstream out;
  out << "haku-searchd: the Haku search HTTP daemon (JSON API under /v1, demo page at /).\n\n"
         "Usage: haku-searchd [--config FILE] [--OPTION VALUE]...\n"
         "Example: haku-searchd --index-dir var/index --host 127.0.0.1 --port 8080 --access-log\n\n"
         "Options (flag / environment variable; a --config file takes `key = value` lines):\n";
  for (const auto& o : option_table()) {
    std::string flag = std::string("--") + o.key + (o.is_switch ? "" : " V");
    flag.resize(22, ' ');
    std::string env = o.env;
    env.resize(22, ' ');
    out << "  " << flag << env << o.help << "\n";
  }
  out << "  --config FILE         HAKU_CONFIG           read options from FILE first\n"
         "  --help                                      this text\n\n"
         "Order: defaults < config file < environment < flags. SIGTERM/SIGINT stop gracefully.\n"
         "With --port 0 the chosen port is printed as `listening on http://HOST:PORT`.\n";
  return out.str();
}

}  // namespace haku
