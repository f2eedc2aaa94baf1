#pragma once
// haku-indexer's command line: the options of every command in one struct, parsed from flags (the
// index directory also from HAKU_INDEX_DIR), and the usage text. Plain values (thread-compatible).
#include <string>
#include <vector>

#include "api/index_writer.h"

namespace haku::indexer {

// Exit codes: 0 ok (published, or nothing to do), 1 failure, 2 usage, 3 refused by the publish gate.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRefused = 3;

struct Options {
  std::string command;
  std::vector<std::string> sources;      // files and folders
  std::vector<std::string> mappings;     // one per source: the --mapping given after it ("" = none)
  std::vector<std::string> source_cmds;  // commands whose stdout is JSON Lines
  std::vector<std::string> ids;
  std::string index_dir;
  std::string rejects;
  std::string queries;
  std::string data_dir;
  std::string to;  // rollback --to GEN
  bool wait = false;
  bool strict = false;  // any rejected record refuses the publish (--max-reject-rate 0)
  bool keyword_only = false;
  bool no_semantic = false;
  bool in_place = false;
  bool quiet = false;
  bool incremental = false;  // build --incremental (= sync)
  bool force = false;
  unsigned retention = 2;
  unsigned threads = 0;
  unsigned shards = 1;
  double max_shrink = PublishGate{}.max_shrink;
  double max_reject_rate = PublishGate{}.max_reject_rate;

  bool has_sources() const { return !sources.empty() || !source_cmds.empty(); }
};

const char* usage_text();
// Prints "haku-indexer: MESSAGE" and a hint to stderr; returns kExitUsage.
int usage_error(const std::string& message);
// False with *error set when the command line is wrong.
bool parse_args(int argc, char** argv, Options* o, std::string* error);
// The writer's options for a command's Options.
WriterOptions writer_options(const Options& o);

}  // namespace haku::indexer
