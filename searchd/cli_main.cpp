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

#include "api/searcher.h"
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
      {"show", Command::show, "haku show ID", "print one project record", "haku show fi-esr-S21234", ""},
      {"similar", Command::similar, "haku similar ID [flags]", "projects similar to a project",
       "haku similar fi-esr-S21234 --limit 5",
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
  out << "\nCommon flags:\n" << kCommonFlags
      << "\nExample: haku search \"antirasism yrkeshögskola\" --lang sv --limit 5\n"
         "Run `haku COMMAND --help` for a command's flags. Exit codes: 0 ok, 1 failure, 2 usage.\n";
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

ApiReply call_local(const Invocation& inv) {
  auto searcher = Searcher::open(SearcherOptions{inv.index_dir, ""});
  if (!searcher) {
    if (searcher.status().code() == StatusCode::unavailable)
      return error_reply(Status::error(StatusCode::unavailable,
                                       "no index published in " + inv.index_dir + " (run haku-indexer build)"));
    return error_reply(searcher.status());
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
    *transport_error = "cannot reach " + inv.server + ": " + httplib::to_string(res.error());
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

int run(int argc, char** argv) {
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
