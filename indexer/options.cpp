// haku-indexer's command line (see options.h).
#include "indexer/options.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace haku::indexer {

namespace {
constexpr const char* kUsage = R"(usage: haku-indexer COMMAND [options]

Commands:
  build    --source PATH... --index-dir DIR   read corpus files or folders, build a new generation, verify it,
                                              publish it (--incremental: as sync)
  sync     --source PATH... --index-dir DIR   incremental build: compare the source with the published
                                              generation by id and content hash, apply only additions, changes
                                              and deletions; publishes nothing when nothing changed
  update   --source PATH... --index-dir DIR   add or replace records by id (a new generation unless --in-place)
  delete   --id ID... --index-dir DIR         remove records by id (a new generation unless --in-place)
  generations --index-dir DIR                 list the generations: verdict, documents, rejects, age, source
  rollback --index-dir DIR [--to GEN]         republish the previous good generation (or GEN)
  stats    --index-dir DIR                    documents, terms, languages, size, analysis features
  verify   --index-dir DIR [--source PATH...] [--queries FILE]
                                              the generation opens, every accepted source record is present,
                                              reference queries find their ids
  compact  --index-dir DIR [--shards N]       compact the published generation into a new one (with
                                              --shards, a one-database generation in N shards)

Sources (build, sync, update; several of each: files and folders are read first, then commands):
  --source PATH       a file (JSON Lines, a JSON array, CSV; plain or .gz) or a folder of them
  --mapping M         read the --source before it through the mapping M: a NAME from corpus/mappings
                      (fi-eura-2014-2020, se-tillvaxtverket-eruf-2014-2020, ...) or a mapping file's path
  --source-cmd 'CMD'  run CMD with /bin/sh; its stdout is read as JSON Lines, its stderr passed through;
                      a command that fails (non-zero exit, signal) or prints nothing refuses the publish

Publish gate (a refused generation is removed; the served one and the retained ones stay as they are):
  --max-shrink F        refuse a build or sync with fewer documents than (1 - F) x the published ones
                        (default 0.2; a fraction or a percentage: 0.2, 20%)
  --max-reject-rate F   refuse when more than F of the records read were rejected (default 0.1)
  --strict              refuse when any record was rejected (--max-reject-rate 0)
  --queries FILE        reference queries, lines "query<TAB>id[<TAB>id...]": each must find its ids on
                        the first page
  --force               publish even when refused; the log and the manifest say what was overridden

Options:
  --config FILE     options as `key = value` lines (keys are the long options: source = PATH,
                    source-cmd = CMD, max-shrink = 0.2, force = yes, ...); flags given after it override
  --wait            wait for another writer on DIR instead of failing at once
  --rejects FILE    where rejected raw lines go (default: DIR/rejects.txt)
  --keyword-only    surface words and Snowball stems only (no lemmas, no compound parts)
  --no-semantic     full analysis without the semantic layer (no model training: quick builds)
  --retention N     published generations to keep, the served one included (default 2); the previous
                    good generation is always kept, so rollback has somewhere to go
  --threads N       build threads, each inverting into its own segments before the merge (default: one per core)
  --shards N        build: partition the records by the hash of their ids into N shard databases of
                    one generation, searched as one (default 1); update, delete and sync keep the
                    published generation's shards; compact: partition a one-database generation into N
  --in-place        update/delete the published generation in place (no gate: nothing to refuse)
  --to GEN          rollback: the generation to republish (default: the previous good one)
  --data-dir DIR    language data (stop lists, translation table); default: the compiled-in folder
  --version         print the version (alone)
  -q, --quiet       no progress (a rewritten line on a terminal, else an event=progress line every 10 s)

Logs: one key=value line per event on stderr (event=start, read, rejected, source_cmd, verified, refused,
forced, published, unchanged, pruned, rolled_back, failed).
Exit codes: 0 ok, 1 failure, 2 usage, 3 refused by the publish gate.

Example:
  haku-indexer build --source corpus/sample --index-dir var/index
)";

// Options that take no value (in a --config file: `key = yes|no|true|false|1|0`).
constexpr const char* kSwitches[] = {"wait",  "strict", "keyword-only", "no-semantic", "in-place",
                                     "quiet", "incremental", "force"};

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return {};
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// A --config file's `key = value` lines as the flags they stand for; `where` gets each flag's file:line.
bool config_args(const std::string& path, std::vector<std::string>* args, std::vector<std::string>* where,
                 std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read --config " + path;
    return false;
  }
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); ++n) {
    const std::string at = path + ":" + std::to_string(n);
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      *error = at + ": expected key = value";
      return false;
    }
    std::string key = trim(line.substr(0, eq));
    std::replace(key.begin(), key.end(), '_', '-');
    const std::string value = trim(line.substr(eq + 1));
    if (key == "config") {
      *error = at + ": a config file cannot name another";
      return false;
    }
    if (std::find(std::begin(kSwitches), std::end(kSwitches), key) != std::end(kSwitches)) {
      if (value == "yes" || value == "true" || value == "1") {
        args->push_back("--" + key);
        where->push_back(at);
      } else if (value != "no" && value != "false" && value != "0") {
        *error = at + ": " + key + " takes yes or no, got '" + value + "'";
        return false;
      }
      continue;
    }
    args->push_back("--" + key);
    args->push_back(value);
    where->push_back(at);
    where->push_back(at);
  }
  return true;
}

// "0.2", "20%" -> 0.2, within 0..1.
bool parse_fraction(const std::string& v, double* out) {
  if (v.empty()) return false;
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (end == v.c_str()) return false;
  if (*end == '%') {
    x /= 100.0;
    ++end;
  }
  if (*end || !(x >= 0.0 && x <= 1.0)) return false;
  *out = x;
  return true;
}
}  // namespace

const char* usage_text() { return kUsage; }

int usage_error(const std::string& message) {
  std::cerr << "haku-indexer: " << message << "\n(see haku-indexer --help)\n";
  return kExitUsage;
}

bool parse_args(int argc, char** argv, Options* o, std::string* error) {
  std::vector<std::string> given(argv + 1, argv + argc);
  if (given.empty()) {
    *error = "no command given";
    return false;
  }
  // The command, then a --config file's options, then the other flags (which override the file's).
  std::vector<std::string> args = {given[0]};
  std::vector<std::string> where = {""};
  for (size_t i = 1; i < given.size(); ++i) {
    if (given[i] != "--config") continue;
    if (i + 1 >= given.size()) {
      *error = "--config needs a value";
      return false;
    }
    if (!config_args(given[i + 1], &args, &where, error)) return false;
    given.erase(given.begin() + static_cast<long>(i), given.begin() + static_cast<long>(i) + 2);
    --i;
  }
  for (size_t i = 1; i < given.size(); ++i) {
    args.push_back(given[i]);
    where.push_back("");
  }
  o->command = args[0];
  size_t i = 1;
  bool index_dir_from_file = false;
  auto located = [&](bool ok) {
    if (!ok && i < where.size() && !where[i].empty()) *error = where[i] + ": " + *error;
    return ok;
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        *error = a + " needs a value";
        return false;
      }
      *out = args[++i];
      return true;
    };
    std::string v;
    auto number = [&](long lo, long hi, unsigned* out) {
      if (!value(&v)) return false;
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < lo || n > hi) {
        *error = a + " must be a number " + std::to_string(lo) + ".." + std::to_string(hi);
        return false;
      }
      *out = static_cast<unsigned>(n);
      return true;
    };
    auto fraction = [&](double* out) {
      if (!value(&v)) return false;
      if (!parse_fraction(v, out)) {
        *error = a + " must be a fraction 0..1 or a percentage 0%..100%, got '" + v + "'";
        return false;
      }
      return true;
    };
    if (a == "--source") {
      if (!value(&v)) return located(false);
      o->sources.push_back(v);
      o->mappings.emplace_back();
    } else if (a == "--mapping") {
      if (!value(&v)) return located(false);
      if (o->sources.empty() || !o->mappings.back().empty()) {
        *error = o->sources.empty() ? "--mapping applies to the --source before it; give the --source first"
                                    : "two --mapping options for --source " + o->sources.back();
        return located(false);
      }
      o->mappings.back() = v;
    } else if (a == "--source-cmd") {
      if (!value(&v)) return located(false);
      if (v.find_first_not_of(" \t") == std::string::npos) {
        *error = "--source-cmd needs a command";
        return located(false);
      }
      o->source_cmds.push_back(v);
    } else if (a == "--id") {
      if (!value(&v)) return located(false);
      o->ids.push_back(v);
    } else if (a == "--index-dir") {
      index_dir_from_file = !where[i].empty();
      if (!value(&o->index_dir)) return located(false);
    } else if (a == "--rejects") {
      if (!value(&o->rejects)) return located(false);
    } else if (a == "--queries") {
      if (!value(&o->queries)) return located(false);
    } else if (a == "--data-dir") {
      if (!value(&o->data_dir)) return located(false);
    } else if (a == "--to") {
      if (!value(&o->to)) return located(false);
    } else if (a == "--retention") {
      if (!number(1, 100, &o->retention)) return located(false);
    } else if (a == "--threads") {
      if (!number(1, 64, &o->threads)) return located(false);
    } else if (a == "--shards") {
      if (!number(1, 64, &o->shards)) return located(false);
    } else if (a == "--max-shrink") {
      if (!fraction(&o->max_shrink)) return located(false);
    } else if (a == "--max-reject-rate") {
      if (!fraction(&o->max_reject_rate)) return located(false);
    } else if (a == "--wait") {
      o->wait = true;
    } else if (a == "--strict") {
      o->strict = true;
    } else if (a == "--keyword-only") {
      o->keyword_only = true;
    } else if (a == "--no-semantic") {
      o->no_semantic = true;
    } else if (a == "--in-place") {
      o->in_place = true;
    } else if (a == "--incremental") {
      o->incremental = true;
    } else if (a == "--force") {
      o->force = true;
    } else if (a == "-q" || a == "--quiet") {
      o->quiet = true;
    } else {
      *error = "unknown option '" + a + "'";
      return located(false);
    }
  }
  // defaults < config file < environment < flags
  if (o->index_dir.empty() || index_dir_from_file) {
    if (const char* env = std::getenv("HAKU_INDEX_DIR"); env && *env) o->index_dir = env;
  }
  if (o->index_dir.empty()) {
    *error = "--index-dir is required";
    return false;
  }
  return true;
}

WriterOptions writer_options(const Options& o) {
  WriterOptions w;
  w.index_dir = o.index_dir;
  w.data_dir = o.data_dir;
  w.wait_for_lock = o.wait;
  w.full_analysis = !o.keyword_only;
  w.semantic_layer = !o.no_semantic;
  w.retention = o.retention;
  w.threads = o.threads;
  w.shards = o.shards;
  w.new_generation = !o.in_place;
  w.gate.max_shrink = o.max_shrink;
  w.gate.max_reject_rate = o.strict ? 0.0 : o.max_reject_rate;
  w.gate.queries_path = o.queries;
  w.gate.force = o.force;
  return w;
}

}  // namespace haku::indexer
