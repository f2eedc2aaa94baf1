// haku: the command-line client. Runs the engine in-process (--index DIR) or asks a running haku-searchd
// (--server URL); both produce the HTTP API's JSON (the same codec), which --json prints as is and the
// default output renders as a table. Exit codes: 0 success (also no results), 1 failure, 2 usage.
#include <httplib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <fstream>

#include "api/searcher.h"
#include "searchd/api_keys.h"
#include "searchd/endpoints.h"
#include "searchd/json_codec.h"

namespace haku {
namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

enum class Command { search, show, similar, suggest, facets, stats };

struct CommandSpec {
  const char* name;
  Command command;
  const char* usage;
  const char* summary;
  const char* example;
  const char* flags;  // the flags this subcommand takes besides the common ones
};

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> kCommands = {
      {"search", Command::search, "haku search QUERY [flags]", "search projects (empty QUERY browses)",
       "haku search \"antirasism yrkeshögskola\" --filter fund:AMIF --facets fund,region",
       "  --filter FACET:VALUE   restrict to a facet value (repeatable; same facet OR-ed)\n"
       "  --facets LIST          facet counts to show (table default: fund,programme,region,year)\n"
       "  --lang fi|sv|en|auto   query language (default auto)\n"
       "  --ui-lang fi|sv|en     language of facet labels (fund EAKR / ERUF / ERDF; default: --lang, else en)\n"
       "  --mode MODE            keyword | semantic | hybrid (default hybrid)\n"
       "  --sort FIELD           relevance | start_date | end_date | budget | eu_contribution\n"
       "  --order asc|desc\n"
       "  --limit N              results per page, 1..100 (default 10)\n"
       "  --page N               page number (default 1)\n"
       "  --explain              show how the query was analysed\n"},
      {"show", Command::show, "haku show ID", "print one project record", "haku show amif-sv-2021-varava", ""},
      {"similar", Command::similar, "haku similar ID [flags]", "projects similar to a project",
       "haku similar amif-sv-2021-varava --limit 5",
       "  --filter FACET:VALUE   restrict to a facet value (repeatable)\n"
       "  --ui-lang fi|sv|en     language of facet labels\n"
       "  --limit N              results per page, 1..100 (default 10)\n"
       "  --page N               page number\n"},
      {"suggest", Command::suggest, "haku suggest PREFIX [flags]", "completions for a prefix", "haku suggest yrkes",
       "  --lang fi|sv|en|auto\n  --limit N              1..50 (default 10)\n"},
      {"facets", Command::facets, "haku facets [flags]", "every facet's values and counts", "haku facets --ui-lang fi",
       "  --ui-lang fi|sv|en     language of the labels (fund EAKR / ERUF / ERDF, status)\n"},
      {"stats", Command::stats, "haku stats", "the loaded index: generation, documents, features", "haku stats",
       ""},
  };
  return kCommands;
}

const char* kCommonFlags =
    "  --index DIR            search the index in DIR in-process (default $HAKU_INDEX_DIR or ./var/index)\n"
    "  --server URL           ask a running haku-searchd instead, e.g. http://127.0.0.1:8080\n"
    "  --json                 print the HTTP API's JSON\n"
    "  --help                 this text\n";

std::string main_help() {
  std::ostringstream out;
  out << "haku: search EU-funded project descriptions (fi / sv / en).\n\nUsage: haku COMMAND [ARGS] [flags]\n\n"
         "Commands:\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    name.resize(10, ' ');
    out << "  " << name << c.summary << "\n";
  }
  out << "  keys      add or list the keys of an API key file (haku keys --help)\n";
  out << "\nCommon flags:\n" << kCommonFlags
      << "\nExample: haku search \"antirasism yrkeshögskola\" --lang sv --limit 5\n"
         "Run `haku COMMAND --help` for a command's flags, `haku --version` for the version.\n"
         "Exit codes: 0 ok, 1 failure, 2 usage.\n";
  return out.str();
}

std::string command_help(const CommandSpec& c) {
  return std::string("haku ") + c.name + ": " + c.summary + "\n\nUsage: " + c.usage + "\n\n" +
         (std::string(c.flags).empty() ? "" : std::string("Flags:\n") + c.flags) + kCommonFlags +
         "\nExample: " + c.example + "\n";
}

// ---- Invocation -------------------------------------------------------------------------------------

struct Invocation {
  const CommandSpec* spec = nullptr;
  std::string argument;   // QUERY, ID or PREFIX
  QueryParams params;     // the API's query parameters
  std::string index_dir;
  std::string server;
  bool json_output = false;
  bool help = false;
};

// Flags that become API parameters: flag -> parameter name, and which commands take them.
struct ParamFlag {
  const char* flag;
  const char* param;
  std::vector<Command> commands;
  bool is_switch;
};

const std::vector<ParamFlag>& param_flags() {
  static const std::vector<ParamFlag> kFlags = {
      {"--filter", "filter", {Command::search, Command::similar}, false},
      {"--facets", "facets", {Command::search}, false},
      {"--lang", "lang", {Command::search, Command::suggest}, false},
      {"--ui-lang", "ui_lang", {Command::search, Command::similar, Command::facets}, false},
      {"--mode", "mode", {Command::search}, false},
      {"--sort", "sort", {Command::search}, false},
      {"--order", "order", {Command::search}, false},
      {"--page", "page", {Command::search, Command::similar}, false},
      {"--cursor", "cursor", {Command::search}, false},
      {"--explain", "explain", {Command::search}, true},
  };
  return kFlags;
}

// The flag a parameter came from, for error messages.
std::string flag_for_param(const std::string& param) {
  if (param == "per_page" || param == "limit") return "--limit";
  if (param == "q") return "the query";
  for (const auto& f : param_flags())
    if (param == f.param) return f.flag;
  return param;
}

std::string parse_invocation(int argc, char** argv, Invocation* inv) {
  if (argc < 2) return "missing command (see haku --help)";
  const std::string name = argv[1];
  for (const auto& c : commands())
    if (name == c.name) inv->spec = &c;
  if (!inv->spec) return "unknown command '" + name + "' (see haku --help)";
  const Command cmd = inv->spec->command;
  std::vector<std::string> positional;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_value = true;
      }
    }
    auto take = [&](std::string* out) -> bool {
      if (has_value) {
        *out = value;
        return true;
      }
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      inv->help = true;
      return {};
    }
    if (arg == "--json") {
      inv->json_output = true;
    } else if (arg == "--index") {
      if (!take(&inv->index_dir)) return "--index needs a directory";
    } else if (arg == "--server") {
      if (!take(&inv->server)) return "--server needs a URL";
    } else if (arg == "--limit" &&
               (cmd == Command::search || cmd == Command::similar || cmd == Command::suggest)) {
      if (!take(&value)) return "--limit needs a number";
      inv->params.emplace(cmd == Command::suggest ? "limit" : "per_page", value);
    } else if (arg == "--") {
      for (++i; i < argc; ++i) positional.push_back(argv[i]);
    } else if (arg.rfind("--", 0) == 0) {
      const ParamFlag* flag = nullptr;
      for (const auto& f : param_flags())
        if (arg == f.flag && std::find(f.commands.begin(), f.commands.end(), cmd) != f.commands.end()) flag = &f;
      if (!flag) return "unknown flag '" + arg + "' for haku " + inv->spec->name + " (see --help)";
      if (flag->is_switch) {
        inv->params.emplace(flag->param, has_value ? value : "true");
      } else {
        if (!take(&value)) return arg + " needs a value";
        inv->params.emplace(flag->param, value);
      }
    } else {
      positional.push_back(arg);
    }
  }
  if (!inv->server.empty() && !inv->index_dir.empty()) return "give either --index or --server, not both";
  if (inv->server.empty() && inv->index_dir.empty()) {
    const char* env = std::getenv("HAKU_INDEX_DIR");
    inv->index_dir = env && *env ? env : "./var/index";
  }
  switch (cmd) {
    case Command::search: {
      std::string q;
      for (const auto& p : positional) q += (q.empty() ? "" : " ") + p;
      inv->params.emplace("q", q);
      return {};
    }
    case Command::show:
    case Command::similar:
    case Command::suggest:
      if (positional.size() != 1)
        return std::string("expected exactly one ") + (cmd == Command::suggest ? "PREFIX" : "ID") +
               " (see haku " + inv->spec->name + " --help)";
      inv->argument = positional[0];
      if (cmd == Command::suggest) inv->params.emplace("q", inv->argument);
      return {};
    case Command::facets:
    case Command::stats:
      if (!positional.empty()) return "unexpected argument '" + positional[0] + "'";
      return {};
  }
  return {};
}

// ---- Backends: the engine in-process, or haku-searchd over HTTP -----------------------------------------

// What to do when there is nothing to search: the first-run messages name the commands that fix it.
std::string no_local_index_hint(const std::string& index_dir) {
  return "no index published in " + index_dir + "; build one with\n"
         "  haku-indexer build --source corpus/sample --index-dir " + index_dir + "\n"
         "(or run scripts/serve), or point haku at another one with --index DIR or --server URL";
}

std::string no_server_index_hint(const std::string& server) {
  return "the server at " + server + " has no index published yet; build one into the directory it serves with\n"
         "  haku-indexer build --source corpus/sample --index-dir DIR   (DIR: haku-searchd's --index-dir)\n"
         "and it is picked up without a restart";
}

std::string server_down_hint(const std::string& server, httplib::Error error) {
  const std::string why = error == httplib::Error::Connection ? "connection refused or host unreachable"
                                                                : httplib::to_string(error);
  return "cannot reach haku-searchd at " + server + " (" + why + "); start it with\n"
         "  scripts/serve                                  (builds, indexes corpus/sample, serves :8080)\n"
         "or\n"
         "  haku-searchd --index-dir var/index --port 8080\n"
         "or search an index in-process with --index DIR instead of --server";
}

ApiReply call_local(const Invocation& inv) {
  auto searcher = Searcher::open(SearcherOptions{inv.index_dir, ""});
  if (!searcher) {
    // In-process, the engine's own message (with its paths) is the useful one; the HTTP codec would
    // replace it with the server's fixed text.
    ApiReply reply = error_reply(searcher.status());
    reply.body["error"]["message"] = searcher.status().code() == StatusCode::unavailable
                                         ? no_local_index_hint(inv.index_dir)
                                         : searcher.status().message();
    return reply;
  }
  Searcher& s = **searcher;
  switch (inv.spec->command) {
    case Command::search: return search_projects(s, inv.params);
    case Command::show: return get_project(s, inv.argument, inv.params);
    case Command::similar: return similar_projects(s, inv.argument, inv.params);
    case Command::suggest: return suggest(s, inv.params);
    case Command::facets: return list_facets(s, inv.params);
    case Command::stats: return index_status(s);
  }
  return error_reply(Status::error(StatusCode::internal, "unknown command"));
}

ApiReply call_server(const Invocation& inv, std::string* transport_error) {
  std::string path;
  switch (inv.spec->command) {
    case Command::search: path = "/v1/search"; break;
    case Command::show: path = "/v1/projects/" + url_encode(inv.argument); break;
    case Command::similar: path = "/v1/projects/" + url_encode(inv.argument) + "/similar"; break;
    case Command::suggest: path = "/v1/suggest"; break;
    case Command::facets: path = "/v1/facets"; break;
    case Command::stats: path = "/readyz"; break;
  }
  std::string query;
  for (const auto& [k, v] : inv.params) query += (query.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
  std::string base = inv.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  httplib::Client client(base);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(30, 0);
  client.set_write_timeout(10, 0);
  auto res = client.Get(path + query);
  if (!res) {
    *transport_error = server_down_hint(inv.server, res.error());
    return {};
  }
  json body = json::parse(res->body, nullptr, false);
  if (body.is_discarded()) {
    *transport_error = inv.server + " answered " + std::to_string(res->status) + " without JSON";
    return {};
  }
  return {res->status, std::move(body)};
}

// ---- Terminal rendering -------------------------------------------------------------------------------

struct Style {
  bool color = false;
  std::string on(const char* code) const { return color ? std::string("\x1b[") + code + "m" : ""; }
  std::string off() const { return color ? "\x1b[0m" : ""; }
};

// Display width of UTF-8 text: one column per code point (continuation bytes do not count).
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// At most `width` columns, ending in … when cut; never splits a code point.
std::string truncate(const std::string& s, size_t width) {
  if (display_width(s) <= width) return s;
  std::string out;
  size_t cols = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if ((c & 0xC0) != 0x80) {
      if (cols + 1 >= width) break;
      ++cols;
    }
    out += s[i];
  }
  return out + "…";
}

std::string pad(const std::string& s, size_t width, bool right = false) {
  const std::string t = truncate(s, width);
  const std::string fill(width - display_width(t), ' ');
  return right ? fill + t : t + fill;
}

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string money(const json& v) {
  if (!v.is_number()) return "";
  const long long euros = std::llround(v.get<double>());
  std::string digits = std::to_string(euros), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u00a0";
    out += digits[i];
  }
  return out + " €";
}

std::string period(const json& h) {
  const std::string a = str(h, "start_date"), b = str(h, "end_date");
  if (a.empty() && b.empty()) return "";
  return (a.empty() ? "…" : a) + "–" + (b.empty() ? "…" : b);
}

// The API's snippet is HTML-escaped with <mark>: plain text with the marks as colour (or *word*).
std::string render_snippet(const std::string& html, const Style& style) {
  static const std::vector<std::pair<std::string, std::string>> kEntities = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#x27;", "'"}};
  std::string out;
  for (size_t i = 0; i < html.size();) {
    if (html.compare(i, 6, "<mark>") == 0) {
      out += style.color ? style.on("1;33") : "*";
      i += 6;
    } else if (html.compare(i, 7, "</mark>") == 0) {
      out += style.color ? style.off() : "*";
      i += 7;
    } else if (html[i] == '&') {
      bool matched = false;
      for (const auto& [entity, text] : kEntities) {
        if (html.compare(i, entity.size(), entity) == 0) {
          out += text;
          i += entity.size();
          matched = true;
          break;
        }
      }
      if (!matched) out += html[i++];
    } else if (html[i] == '\n' || html[i] == '\r' || html[i] == '\t') {
      out += ' ';
      ++i;
    } else {
      out += html[i++];
    }
  }
  return out;
}

// Word-wraps text (which may hold colour escapes) to `width` columns, indenting every line.
std::string wrap(const std::string& text, size_t width, const std::string& indent, size_t max_lines) {
  std::istringstream words(text);
  std::string word, line, out;
  size_t lines = 0;
  auto visible = [](const std::string& w) {
    size_t n = 0;
    bool esc = false;
    for (unsigned char c : w) {
      if (c == 0x1b) esc = true;
      else if (esc && c == 'm') esc = false;
      else if (!esc && (c & 0xC0) != 0x80) ++n;
    }
    return n;
  };
  size_t cols = 0;
  while (words >> word) {
    if (cols > 0 && cols + 1 + visible(word) > width) {
      out += indent + line + "\n";
      line.clear();
      cols = 0;
      if (++lines == max_lines) return out;
    }
    line += (cols ? " " : "") + word;
    cols += (cols ? 1 : 0) + visible(word);
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

size_t terminal_width() {
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60) return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS")) {
    const int n = std::atoi(cols);
    if (n >= 60) return static_cast<size_t>(n);
  }
  return 100;
}

void print_facets(const json& facets, const Style& style, size_t width) {
  if (!facets.is_object() || facets.empty()) return;
  std::cout << "\n" << style.on("1") << "Facets" << style.off() << "\n";
  for (const auto& [name, values] : facets.items()) {
    std::string line;
    for (const auto& v : values) {
      std::string item = (v.contains("label") ? str(v, "label") : str(v, "value")) + " " + std::to_string(v.value("count", 0ULL));
      if (v.value("selected", false)) item = "[x] " + item;
      line += (line.empty() ? "" : " · ") + item;
    }
    std::cout << "  " << style.on("36") << pad(name, 16) << style.off()
              << truncate(line.empty() ? "-" : line, width > 20 ? width - 20 : 40) << "\n";
  }
}

void print_results(const json& r, const Style& style, size_t first_rank) {
  const size_t width = terminal_width();
  const json& total = r["total"];
  const uint64_t n = total.value("value", 0ULL);
  std::cout << style.on("1") << n << (total.value("relation", "eq") == "gte" ? "+" : "") << " result"
            << (n == 1 ? "" : "s") << style.off() << " (" << r.value("took_ms", 0.0) << " ms)";
  if (r.contains("did_you_mean") && r["did_you_mean"].is_string())
    std::cout << " · did you mean: " << style.on("1") << r["did_you_mean"].get<std::string>() << style.off() << "?";
  std::cout << "\n";
  constexpr size_t kRank = 4, kImpl = 26, kPeriod = 21, kEu = 15;
  const size_t title_w = width > kRank + kImpl + kPeriod + kEu + 4 + 24 ? width - (kRank + kImpl + kPeriod + kEu + 4)
                                                                         : 24;
  if (!r["hits"].empty()) {
    std::cout << style.on("2") << pad("#", kRank) << pad("Title", title_w) << " " << pad("Implementer", kImpl) << " "
              << pad("Period", kPeriod) << " " << pad("EU contribution", kEu, true) << style.off() << "\n";
  }
  size_t rank = first_rank - 1;
  for (const auto& h : r["hits"]) {
    ++rank;
    std::cout << pad(std::to_string(rank), kRank) << style.on("1") << pad(str(h, "title"), title_w) << style.off()
              << " " << pad(str(h, "implementer"), kImpl) << " " << pad(period(h), kPeriod) << " "
              << pad(money(h["eu_contribution_eur"]), kEu, true) << "\n";
    const std::string snippet = render_snippet(str(h, "snippet"), style);
    if (!snippet.empty()) std::cout << wrap(snippet, width - kRank - 2, std::string(kRank, ' '), 2);
  }
  print_facets(r["facets"], style, width);
  if (r.contains("explain")) std::cout << "\nExplain\n" << r["explain"].dump(2) << "\n";
}

void print_project(const json& p, const Style& style) {
  const size_t width = terminal_width();
  std::cout << style.on("1") << str(p, "title") << style.off() << "\n";
  for (const auto& [key, value] : p.items()) {
    if (key == "title" || key == "description" || key == "translations") continue;
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_array()) {
      for (const auto& v : value) text += (text.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
    } else if (key.find("_eur") != std::string::npos) {
      text = money(value);
    } else {
      text = value.dump();
    }
    std::cout << "  " << style.on("36") << pad(key, 20) << style.off() << text << "\n";
  }
  if (p.contains("description")) std::cout << "\n" << wrap(str(p, "description"), width - 4, "  ", 1000);
  if (p.contains("translations")) {
    for (const auto& [lang, t] : p["translations"].items())
      std::cout << "\n  [" << lang << "] " << style.on("1") << str(t, "title") << style.off() << "\n";
  }
}

void print_suggestions(const json& r, const Style& style) {
  for (const auto& s : r["suggestions"])
    std::cout << pad(str(s, "text"), 50) << " " << style.on("2") << str(s, "kind")
              << (s.contains("id") ? " " + str(s, "id") : "") << style.off() << "\n";
}

void print_all_facets(const json& r, const Style& style) {
  for (const auto& [name, values] : r["facets"].items()) {
    std::cout << style.on("1") << name << style.off() << " (" << values.size() << ")\n";
    for (const auto& v : values)
      std::cout << "  " << pad(str(v, "value") + (v.contains("label") ? " (" + str(v, "label") + ")" : ""), 56) << " "
                << pad(std::to_string(v.value("count", 0ULL)), 7, true) << "\n";
  }
}

void print_stats(const json& r, const Style& style) {
  for (const auto& [key, value] : r.items()) {
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_array()) {
      for (const auto& v : value) text += (text.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
    } else if (value.is_object()) {
      for (const auto& [k, v] : value.items()) text += (text.empty() ? "" : ", ") + k + " " + v.dump();
    } else {
      text = value.dump();
    }
    std::cout << style.on("36") << pad(key, 14) << style.off() << text << "\n";
  }
}

// ---- haku keys ----------------------------------------------------------------------------------

const char* kKeysHelp =
    "haku keys: the API key file of haku-searchd (--api-keys-file FILE; docs/OPERATIONS.md)\n\n"
    "Usage: haku keys add FILE --name NAME [--role search|admin] [--filter FACET:VALUE]... [--origin ORIGIN]...\n"
    "       haku keys list FILE\n\n"
    "add appends a key with a new random secret (the file is created readable by its owner only) and\n"
    "prints the secret. A search key's --filter values are applied to every request made with it (same\n"
    "facet OR-ed, facets AND-ed; a client's filters can only narrow them); --origin lists the browser\n"
    "origins that may use it (CORS). list prints every key's name, role and scope, never a secret.\n"
    "Send haku-searchd SIGHUP to take a changed file.\n\n"
    "Example: haku keys add /etc/haku/keys.jsonl --name portal-amif --filter fund:AMIF "
    "--origin https://portal.example\n";

std::string read_text(const std::string& path, bool* exists) {
  std::ifstream in(path, std::ios::binary);
  *exists = static_cast<bool>(in);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

int run_keys(int argc, char** argv) {
  std::vector<std::string> args(argv + 2, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kKeysHelp;
    return args.empty() ? kExitUsage : kExitOk;
  }
  auto usage = [](const std::string& why) {
    std::cerr << "haku keys: " << why << " (see haku keys --help)\n";
    return kExitUsage;
  };
  const std::string action = args[0];
  if (action != "add" && action != "list") return usage("unknown action '" + action + "': add or list");
  if (args.size() < 2 || args[1].rfind("--", 0) == 0) return usage("missing FILE");
  const std::string path = args[1];
  bool exists = false;
  std::string text = read_text(path, &exists);
  std::string error;
  if (action == "list") {
    if (args.size() > 2) return usage("list takes only FILE");
    if (!exists) {
      std::cerr << "haku keys: " << path << ": cannot read the API key file\n";
      return kExitFailure;
    }
    const auto keys = ApiKeys::parse(text, path, &error);
    if (!keys) {
      std::cerr << "haku keys: " << error << "\n";
      return kExitFailure;
    }
    for (const std::string& line : keys->describe()) std::cout << line << "\n";
    return kExitOk;
  }
  ApiKey key;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (i + 1 >= args.size()) return usage(flag + " needs a value");
    const std::string& value = args[++i];
    if (flag == "--name") {
      key.name = value;
    } else if (flag == "--role") {
      if (value != "search" && value != "admin") return usage("--role: search or admin");
      key.role = value == "admin" ? KeyRole::admin : KeyRole::search;
    } else if (flag == "--filter") {
      const size_t colon = value.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == value.size())
        return usage("--filter: expected FACET:VALUE, not '" + value + "'");
      key.filters.emplace_back(value.substr(0, colon), value.substr(colon + 1));
    } else if (flag == "--origin") {
      key.origins.push_back(value);
    } else {
      return usage("unknown flag '" + flag + "'");
    }
  }
  if (key.name.empty()) return usage("--name is required");
  key.secret = generate_secret();
  const std::string line = key_line(key) + "\n";
  const bool needs_newline = !text.empty() && text.back() != '\n';
  if (needs_newline) text += '\n';
  // The file with the new line must load as haku-searchd will load it (names unique, facets known, ...).
  if (!ApiKeys::parse(text + line, path, &error)) {
    std::cerr << "haku keys: " << error << "\n";
    return kExitFailure;
  }
  const mode_t old_mask = umask(077);
  std::ofstream out(path, std::ios::binary | std::ios::app);
  umask(old_mask);
  if (needs_newline) out << '\n';
  out << line;
  out.flush();
  if (!out) {
    std::cerr << "haku keys: " << path << ": cannot write the API key file\n";
    return kExitFailure;
  }
  std::cerr << "haku keys: added " << (key.role == KeyRole::admin ? "admin" : "search") << " key '" << key.name
            << "' to " << path << "\n";
  std::cout << key.secret << "\n";
  return kExitOk;
}

int run(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "keys") return run_keys(argc, argv);
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << "haku " << HAKU_VERSION << "\n";
    return kExitOk;
  }
  if (argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
                    std::string(argv[1]) == "help")) {
    std::cout << main_help();
    return kExitOk;
  }
  Invocation inv;
  if (const std::string err = parse_invocation(argc, argv, &inv); !err.empty()) {
    std::cerr << "haku: " << err << "\n";
    return kExitUsage;
  }
  if (inv.help) {
    std::cout << command_help(*inv.spec);
    return kExitOk;
  }
  // The table shows facet counts underneath; --json mirrors the API's own default (none).
  if (inv.spec->command == Command::search && !inv.json_output && !inv.params.count("facets"))
    inv.params.emplace("facets", "fund,programme,region,year");
  std::string transport_error;
  const ApiReply reply = inv.server.empty() ? call_local(inv) : call_server(inv, &transport_error);
  if (!transport_error.empty()) {
    std::cerr << "haku: " << transport_error << "\n";
    return kExitFailure;
  }
  if (reply.http_status != 200) {
    const json& e = reply.body.contains("error") ? reply.body["error"] : json::object();
    std::string message = str(e, "message");
    if (!inv.server.empty() && str(e, "code") == "index_unavailable") message = no_server_index_hint(inv.server);
    if (const std::string param = str(e, "param"); !param.empty()) message += " (" + flag_for_param(param) + ")";
    std::cerr << "haku: " << (message.empty() ? "request failed" : message) << "\n";
    return reply.http_status == 400 ? kExitUsage : kExitFailure;
  }
  if (inv.json_output) {
    std::cout << dump_json(reply.body) << "\n";
    return kExitOk;
  }
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  Style style;
  style.color = isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && std::string(term) == "dumb");
  switch (inv.spec->command) {
    case Command::search:
    case Command::similar: {
      auto number = [&](const char* key, size_t fallback) {
        const auto it = inv.params.find(key);
        return it == inv.params.end() ? fallback : static_cast<size_t>(std::stoul(it->second));
      };
      print_results(reply.body, style, (number("page", 1) - 1) * number("per_page", 10) + 1);
      break;
    }
    case Command::show: print_project(reply.body, style); break;
    case Command::suggest: print_suggestions(reply.body, style); break;
    case Command::facets: print_all_facets(reply.body, style); break;
    case Command::stats: print_stats(reply.body, style); break;
  }
  return kExitOk;
}

}  // namespace
}  // namespace haku

int main(int argc, char** argv) {
  try {
    return haku::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "haku: " << e.what() << "\n";
    return 1;
  }
}
