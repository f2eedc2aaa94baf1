#pragma once
// BuildProgress: what haku-indexer shows while a build or update reads its sources. On a terminal, one
// line rewritten at most four times a second (records, records/s, share of the input read, ETA); off a
// terminal, a key=value log line (event=progress ...) every few seconds, so logs of scheduled runs show
// that work goes on.
// Not thread-safe: the thread that reads the sources owns it.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace haku::indexer {

class BuildProgress {
 public:
  enum class Mode { off, terminal, log };
  // `total_bytes`: the sources' size (0 = unknown: no share, no ETA).
  BuildProgress(std::FILE* out, Mode mode, uint64_t total_bytes,
                std::chrono::milliseconds log_interval = std::chrono::seconds(10));
  // `records` so far, `done_bytes` of the input consumed (an estimate is fine). Cheap between prints.
  void update(uint64_t records, uint64_t done_bytes);
  // Clears the terminal line (the final report follows).
  void finish();

  // One report: the terminal's text, and the log's key=value line (event=progress records=... ).
  static std::string format(uint64_t records, double seconds, uint64_t done_bytes, uint64_t total_bytes);
  static std::string log_line(uint64_t records, double seconds, uint64_t done_bytes, uint64_t total_bytes);

 private:
  std::FILE* out_;
  Mode mode_;
  uint64_t total_bytes_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  bool shown_ = false;
};

}  // namespace haku::indexer
