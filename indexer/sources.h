#pragma once
// Reading a command's sources in order: files and folders through the CorpusReader, and exporter
// commands (--source-cmd, run with /bin/sh) whose stdout is read as JSON Lines while their stderr passes
// through. Logs event=source_cmd per command and event=read / event=rejected at the end. Not thread-safe.
#include <functional>
#include <string>

#include "api/status.h"
#include "corpus/project.h"
#include "corpus/reader.h"
#include "indexer/options.h"

namespace haku::indexer {

struct SourceResult {
  ReadStats stats;
  std::string description;  // what was read: paths and "cmd: ..." joined by "; "
  // The source itself failed (unreadable path, a command's non-zero exit or signal, a command that
  // printed nothing): the publish gate refuses.
  std::string failure;
  // The writer refused a record (an I/O error): nothing may be published.
  std::string error;
  double seconds = 0;
};

// Reads every --source and --source-cmd of `o`, handing each accepted record to `add` (stops at the
// first error it returns). `added` gives the count for the progress line (a terminal only).
SourceResult read_sources(const Options& o, const std::function<Status(const Project&)>& add,
                          const std::function<uint64_t()>& added);

}  // namespace haku::indexer
