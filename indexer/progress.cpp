#include "indexer/progress.h"

#include <algorithm>
#include <string>

namespace haku::indexer {

BuildProgress::BuildProgress(std::FILE* out, Mode mode, uint64_t total_bytes, std::chrono::milliseconds log_interval)
    : out_(out),
      mode_(mode),
      total_bytes_(total_bytes),
      interval_(mode == Mode::terminal ? std::chrono::milliseconds(250) : log_interval),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

std::string BuildProgress::format(uint64_t records, double seconds, uint64_t done_bytes, uint64_t total_bytes) {
  const double rate = seconds > 0 ? records / seconds : 0;
  char buf[160];
  int n = std::snprintf(buf, sizeof buf, "%llu records  %.0f records/s  %.0f s", static_cast<unsigned long long>(records),
                        rate, seconds);
  std::string text(buf, static_cast<size_t>(std::max(n, 0)));
  if (total_bytes > 0) {
    // The byte count is an estimate: never claim to be done before publish.
    const double frac = std::min(0.99, static_cast<double>(done_bytes) / static_cast<double>(total_bytes));
    n = std::snprintf(buf, sizeof buf, "  %2.0f %% of the input", frac * 100);
    text.append(buf, static_cast<size_t>(std::max(n, 0)));
    if (frac > 0.005) {
      n = std::snprintf(buf, sizeof buf, "  ETA %.0f s", seconds / frac - seconds);
      text.append(buf, static_cast<size_t>(std::max(n, 0)));
    }
  }
  return text;
}

std::string BuildProgress::log_line(uint64_t records, double seconds, uint64_t done_bytes, uint64_t total_bytes) {
  char buf[200];
  int n = std::snprintf(buf, sizeof buf, "event=progress records=%llu records_per_s=%.0f seconds=%.0f",
                        static_cast<unsigned long long>(records), seconds > 0 ? records / seconds : 0, seconds);
  std::string line(buf, static_cast<size_t>(std::max(n, 0)));
  if (total_bytes > 0) {
    const double frac = std::min(0.99, static_cast<double>(done_bytes) / static_cast<double>(total_bytes));
    n = std::snprintf(buf, sizeof buf, " input_percent=%.0f", frac * 100);
    line.append(buf, static_cast<size_t>(std::max(n, 0)));
    if (frac > 0.005) {
      n = std::snprintf(buf, sizeof buf, " eta_s=%.0f", seconds / frac - seconds);
      line.append(buf, static_cast<size_t>(std::max(n, 0)));
    }
  }
  return line;
}

void BuildProgress::update(uint64_t records, uint64_t done_bytes) {
  if (mode_ == Mode::off) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return;
  last_ = now;
  const std::string text =
      format(records, std::chrono::duration<double>(now - start_).count(), done_bytes, total_bytes_);
  if (mode_ == Mode::terminal) {
    std::fprintf(out_, "\r\033[K  %s", text.c_str());
    shown_ = true;
  } else {
    std::fprintf(out_, "%s\n", log_line(records, std::chrono::duration<double>(now - start_).count(), done_bytes,
                                        total_bytes_).c_str());
  }
  std::fflush(out_);
}

void BuildProgress::finish() {
  if (mode_ == Mode::terminal && shown_) std::fprintf(out_, "\r\033[K");
  shown_ = false;
  std::fflush(out_);
}

}  // namespace haku::indexer
