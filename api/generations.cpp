// Index generations: publishing by symlink + rename, pruning, and the writer's directory lock.
#include "api/generations.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace haku::generations {

namespace {
Status errno_status(const std::string& what) {
  return Status::error(StatusCode::io_error, what + ": " + std::strerror(errno));
}

Status fsync_path(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status("open " + path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return errno_status("fsync " + path);
  return Status::ok();
}
}  // namespace

std::string current(const std::string& index_dir) {
  std::error_code ec;
  fs::path target = fs::read_symlink(fs::path(index_dir) / "current", ec);
  if (ec) return {};
  std::string name = target.filename().string();
  if (name.rfind("gen-", 0) != 0) return {};
  if (!fs::exists(fs::path(index_dir) / name / "xapian", ec)) return {};
  return name;
}

std::string database_path(const std::string& index_dir, const std::string& gen) {
  return (fs::path(index_dir) / gen / "xapian").string();
}

std::string new_name() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "gen-%04d%02d%02dT%02d%02d%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return buf;
}

std::vector<std::string> list(const std::string& index_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(index_dir, ec)) {
    std::string n = e.path().filename().string();
    if (n.rfind("gen-", 0) == 0 && e.is_directory(ec)) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status publish(const std::string& index_dir, const std::string& gen) {
  std::string tmp = (fs::path(index_dir) / (".current." + std::to_string(::getpid()))).string();
  std::string link = (fs::path(index_dir) / "current").string();
  ::unlink(tmp.c_str());
  if (::symlink(gen.c_str(), tmp.c_str()) != 0) return errno_status("symlink " + tmp);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    Status s = errno_status("rename " + tmp + " -> " + link);
    ::unlink(tmp.c_str());
    return s;
  }
  return fsync_path(index_dir, true);
}

void prune(const std::string& index_dir, unsigned retention) {
  std::string cur = current(index_dir);
  std::vector<std::string> gens = list(index_dir);
  // Keep the published one and the newest older ones, up to `retention` in all; anything newer than the
  // published one was abandoned by a failed build (the caller holds the lock, so no build is running).
  std::vector<std::string> keep;
  if (!cur.empty()) keep.push_back(cur);
  for (auto it = gens.rbegin(); it != gens.rend() && keep.size() < std::max(1u, retention); ++it)
    if (*it < cur) keep.push_back(*it);
  for (const auto& g : gens) {
    if (std::find(keep.begin(), keep.end(), g) != keep.end()) continue;
    std::error_code ec;
    fs::remove_all(fs::path(index_dir) / g, ec);
  }
}

uint64_t disk_size(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

Status sync_tree(const std::string& path) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      if (Status s = fsync_path(it->path().string(), false); !s) return s;
    } else if (it->is_directory(ec)) {
      if (Status s = fsync_path(it->path().string(), true); !s) return s;
    }
  }
  if (ec) return Status::error(StatusCode::io_error, "walk " + path + ": " + ec.message());
  return fsync_path(path, true);
}

Status DirLock::acquire(const std::string& index_dir, bool wait, DirLock* out) {
  std::error_code ec;
  fs::create_directories(index_dir, ec);
  if (ec) return Status::error(StatusCode::io_error, "cannot create " + index_dir + ": " + ec.message());
  std::string path = (fs::path(index_dir) / ".lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status("open " + path);
  if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    int err = errno;
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("unknown");
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      return Status::error(StatusCode::busy,
                           "index directory " + index_dir + " is locked by another writer (pid " + holder + ")");
    }
    errno = err;
    return errno_status("flock " + path);
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    ::close(fd);
    return errno_status("write " + path);
  }
  *out = DirLock();
  out->fd_ = fd;
  return Status::ok();
}

DirLock::DirLock(DirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
DirLock& DirLock::operator=(DirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}
DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace haku::generations
