// Reading sources: files, folders and exporter commands (see sources.h).
#include "indexer/sources.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <istream>
#include <memory>
#include <iostream>
#include <streambuf>

#include "corpus/mapping.h"
#include "indexer/log.h"

extern char** environ;

namespace haku::indexer {

namespace {

// An istream's buffer over a pipe's read end; counts the bytes that came through.
class PipeBuffer : public std::streambuf {
 public:
  explicit PipeBuffer(int fd) : fd_(fd) {}
  uint64_t bytes() const { return bytes_; }
  const std::string& error() const { return error_; }

 protected:
  int_type underflow() override {
    ssize_t n;
    do n = ::read(fd_, buf_, sizeof buf_);
    while (n < 0 && errno == EINTR);
    if (n < 0) error_ = std::strerror(errno);
    if (n <= 0) return traits_type::eof();
    bytes_ += static_cast<uint64_t>(n);
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  int fd_;
  char buf_[1 << 16];
  uint64_t bytes_ = 0;
  std::string error_;
};

// `/bin/sh -c COMMAND` with stdin from /dev/null, stdout into a pipe, stderr inherited.
class Exporter {
 public:
  ~Exporter() {
    if (pid_ > 0) {
      close_pipe();
      ::kill(pid_, SIGTERM);  // we stopped reading early
      wait();
    }
  }

  Status start(const std::string& command) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      return Status::error(StatusCode::io_error, std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
    int rc = ::posix_spawn(&pid_, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      pid_ = -1;
      return Status::error(StatusCode::io_error, "cannot run /bin/sh: " + std::string(std::strerror(rc)));
    }
    fd_ = fds[0];
    return Status::ok();
  }

  int fd() const { return fd_; }

  void close_pipe() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Waits for the command; "" when it exited with status 0, else what happened.
  std::string wait() {
    close_pipe();
    if (pid_ <= 0) return "not started";
    int status = 0;
    pid_t r;
    do r = ::waitpid(pid_, &status, 0);
    while (r < 0 && errno == EINTR);
    pid_ = -1;
    exit_status_ = -1;
    if (r < 0) return std::string("cannot wait for it: ") + std::strerror(errno);
    if (WIFEXITED(status)) {
      exit_status_ = WEXITSTATUS(status);
      return exit_status_ == 0 ? "" : "exited with status " + std::to_string(exit_status_);
    }
    if (WIFSIGNALED(status)) {
      signal_ = WTERMSIG(status);
      return "was killed by signal " + std::to_string(signal_) + " (" + sigabbrev(signal_) + ")";
    }
    return "ended with wait status " + std::to_string(status);
  }

  int exit_status() const { return exit_status_; }
  int signal() const { return signal_; }

 private:
  static std::string sigabbrev(int sig) {
    const char* name = ::sigabbrev_np(sig);
    return name ? std::string("SIG") + name : "unknown";
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  int exit_status_ = -1;
  int signal_ = 0;
};

uint64_t source_bytes(const std::vector<std::string>& sources) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& s : sources) {
    if (fs::is_directory(s, ec)) {
      for (auto it = fs::recursive_directory_iterator(s, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    } else if (fs::is_regular_file(s, ec)) {
      total += fs::file_size(s, ec);
    }
  }
  return total;
}

std::string shorten(const std::string& s, size_t max) {
  return s.size() <= max ? s : s.substr(0, max) + "...";
}

}  // namespace

SourceResult read_sources(const Options& o, const std::function<Status(const Project&)>& add,
                          const std::function<uint64_t()>& added) {
  SourceResult result;
  ReaderOptions ro;
  ro.rejects_path = o.rejects.empty() ? o.index_dir + "/rejects.txt" : o.rejects;
  std::error_code ec;
  std::filesystem::remove(ro.rejects_path, ec);
  CorpusReader reader(ro);
  const bool tty = !o.quiet && ::isatty(STDERR_FILENO);
  const uint64_t total_bytes = source_bytes(o.sources);
  uint64_t done_bytes = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto last = t0;
  bool stopped = false;
  auto on_record = [&](Project&& p, const SourceLocation& where) {
    if (stopped) return;
    done_bytes += p.title.size() + p.description.size() + 400;
    if (Status s = add(p); !s) {
      stopped = true;
      result.error = where.file + ":" + std::to_string(where.line) + ": " + s.message();
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (tty && now - last > std::chrono::milliseconds(250)) {
      last = now;
      double secs = std::chrono::duration<double>(now - t0).count();
      double rate = added() / std::max(secs, 1e-9);
      double frac = total_bytes ? std::min(0.99, double(done_bytes) / double(total_bytes)) : 0;
      double eta = frac > 0 ? secs / frac - secs : 0;
      std::fprintf(stderr, "\r  %llu records  %.0f records/s  ETA %.0f s   ",
                   static_cast<unsigned long long>(added()), rate, eta);
    }
  };
  auto on_diag = [&](const Diagnostic& d) {
    if (tty) std::fprintf(stderr, "\r%*s\r", 60, "");
    std::cerr << d.to_string() << "\n";
  };
  auto describe = [&](const std::string& what) {
    if (!result.description.empty()) result.description += "; ";
    result.description += what;
  };
  // Each source's mapping is loaded before anything is read: a wrong mapping reads nothing.
  std::vector<std::shared_ptr<const Mapping>> mappings;
  for (size_t i = 0; i < o.sources.size(); ++i) {
    const std::string name = i < o.mappings.size() ? o.mappings[i] : "";
    std::string error;
    mappings.push_back(name.empty() ? nullptr : Mapping::load(name, "", &error));
    if (!name.empty() && !mappings.back()) {
      result.error = "--mapping " + name + ": " + error;  // a wrong command line, not a bad night's feed
      return result;
    }
  }
  size_t files_shown = 0;
  for (size_t i = 0; i < o.sources.size(); ++i) {
    const std::string& s = o.sources[i];
    describe(mappings[i] ? s + " (mapping " + o.mappings[i] + ")" : s);
    if (!reader.read(s, on_record, on_diag, mappings[i].get()) && result.failure.empty())
      result.failure = "cannot read " + s;
    if (tty) std::fprintf(stderr, "\r%*s\r", 60, "");
    for (; files_shown < reader.file_stats().size(); ++files_shown)
      std::printf("%s\n", format_counts(reader.file_stats()[files_shown]).c_str());
    if (stopped || !result.failure.empty()) break;
  }
  for (size_t k = 0; k < o.source_cmds.size() && !stopped && result.failure.empty(); ++k) {
    const std::string& cmd = o.source_cmds[k];
    const std::string name = o.source_cmds.size() == 1 ? "source-cmd" : "source-cmd#" + std::to_string(k + 1);
    describe("cmd: " + cmd);
    const auto c0 = std::chrono::steady_clock::now();
    const uint64_t read_before = reader.stats().read;
    Exporter exporter;
    if (Status s = exporter.start(cmd); !s) {
      result.failure = name + " '" + shorten(cmd, 80) + "': " + s.message();
      break;
    }
    PipeBuffer buf(exporter.fd());
    std::istream in(&buf);
    reader.read_stream(in, name, on_record, on_diag);
    std::string how = exporter.wait();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
    if (how.empty() && !buf.error().empty()) how = "its output could not be read: " + buf.error();
    if (how.empty() && buf.bytes() == 0) how = "printed nothing";
    LogEvent e("source_cmd");
    e.add("name", name).add("cmd", cmd).add("records", reader.stats().read - read_before).add("bytes", buf.bytes());
    if (exporter.exit_status() >= 0) e.add("exit_status", uint64_t(exporter.exit_status()));
    if (exporter.signal() > 0) e.add("signal", uint64_t(exporter.signal()));
    e.add("seconds", secs).add("ok", how.empty() ? "1" : "0");
    if (!stopped) log_event(e);
    if (!how.empty() && !stopped) result.failure = name + " '" + shorten(cmd, 80) + "' " + how;
  }
  if (tty) std::fprintf(stderr, "\r%*s\r", 60, "");
  result.stats = reader.stats();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  LogEvent read("read");
  read.add("read", result.stats.read)
      .add("accepted", result.stats.accepted)
      .add("rejected", result.stats.rejected)
      .add("warnings", result.stats.warnings)
      .add("duplicates", result.stats.duplicates)
      .add("seconds", result.seconds)
      .add("records_per_s", double(result.stats.read) / std::max(result.seconds, 1e-9));
  if (!result.failure.empty()) read.add("failure", result.failure);
  log_event(read);
  if (result.stats.rejected > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.4f", double(result.stats.rejected) / double(std::max<uint64_t>(result.stats.read, 1)));
    log_event(LogEvent("rejected").add("count", result.stats.rejected).add("rate", rate).add("rejects", ro.rejects_path));
  }
  return result;
}

}  // namespace haku::indexer
