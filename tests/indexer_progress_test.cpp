// haku-indexer's build progress (indexer/progress.h): a rewritten line on a terminal, plain log lines
// otherwise, records/s always, share and ETA only when the input size is known.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <thread>

#include "indexer/progress.h"

using haku::indexer::BuildProgress;

namespace {

// Everything written to a FILE*, read back.
struct Capture {
  std::FILE* f = std::tmpfile();
  ~Capture() { std::fclose(f); }
  std::string text() {
    std::fflush(f);
    std::string out;
    std::rewind(f);
    char buf[512];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    return out;
  }
};

}  // namespace

TEST_CASE("progress text: rate always, share and ETA when the total is known") {
  const std::string known = BuildProgress::format(5000, 10.0, 250, 1000);
  CHECK(known.find("5000 records") != std::string::npos);
  CHECK(known.find("500 records/s") != std::string::npos);
  CHECK(known.find("25 % of the input") != std::string::npos);
  CHECK(known.find("ETA 30 s") != std::string::npos);  // a quarter in 10 s: 30 s to go

  const std::string unknown = BuildProgress::format(5000, 10.0, 250, 0);
  CHECK(unknown.find("500 records/s") != std::string::npos);
  CHECK(unknown.find("ETA") == std::string::npos);
  CHECK(unknown.find("%") == std::string::npos);

  // The byte count is an estimate: past the end it says 99 %, never done or a negative ETA.
  const std::string over = BuildProgress::format(10, 1.0, 5000, 1000);
  CHECK(over.find("99 % of the input") != std::string::npos);
  CHECK(over.find("ETA -") == std::string::npos);
}

TEST_CASE("log line: key=value, share and ETA only with a known total") {
  CHECK(BuildProgress::log_line(5000, 10.0, 250, 1000) ==
        "event=progress records=5000 records_per_s=500 seconds=10 input_percent=25 eta_s=30");
  CHECK(BuildProgress::log_line(5000, 10.0, 250, 0) == "event=progress records=5000 records_per_s=500 seconds=10");
}

TEST_CASE("off a terminal: whole log lines, no carriage returns or escapes") {
  Capture out;
  BuildProgress p(out.f, BuildProgress::Mode::log, 1000, std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  p.update(10, 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  p.update(20, 200);
  p.finish();
  const std::string text = out.text();
  CHECK(text.find("event=progress records=10 ") != std::string::npos);
  CHECK(text.find("event=progress records=20 ") != std::string::npos);
  CHECK(text.find("input_percent=") != std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("on a terminal: one rewritten line, cleared at the end") {
  Capture out;
  BuildProgress p(out.f, BuildProgress::Mode::terminal, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(260));  // the terminal line is redrawn 4 times a second
  p.update(7, 70);
  p.finish();
  const std::string text = out.text();
  CHECK(text.find("\r\x1b[K  7 records") != std::string::npos);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.substr(text.size() - 4) == "\r\x1b[K");
}

TEST_CASE("quiet: nothing at all") {
  Capture out;
  BuildProgress p(out.f, BuildProgress::Mode::off, 1000, std::chrono::milliseconds(0));
  p.update(1, 1);
  p.finish();
  CHECK(out.text().empty());
}
