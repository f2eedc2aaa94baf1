#pragma once
// haku-indexer's log: one key=value line per event on stderr (api/log_event.h), written whole with one
// fwrite, so lines from the writer's callbacks and the main thread never interleave (thread-safe).
#include <cstdio>

#include "api/log_event.h"

namespace haku::indexer {

inline void log_event(const LogEvent& e) {
  std::string line = e.line();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace haku::indexer
