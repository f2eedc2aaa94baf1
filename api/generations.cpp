// Index generations: manifests and verdicts, publishing by symlink + rename, pruning, rollback, and the
// writer's directory lock.
#include "api/generations.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

#include <xapian.h>

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

std::string shard_list(const std::string& index_dir, const std::string& gen) {
  std::string out;
  for (const auto& path : shard_paths(index_dir, gen)) {
    uint64_t docs = 0;
    try {
      docs = Xapian::Database(path).get_doccount();
    } catch (const Xapian::Error&) {
      continue;  // not listed: the gate refuses a generation whose database does not open
    }
    out += (out.empty() ? "" : ",") + fs::path(path).filename().string() + ":" + std::to_string(docs);
  }
  return out;
}

std::vector<std::string> shard_paths(const std::string& index_dir, const std::string& gen) {
  const fs::path db = database_path(index_dir, gen);
  std::error_code ec;
  if (!fs::is_regular_file(db, ec)) return {db.string()};
  std::vector<std::string> out;
  std::ifstream in(db);
  std::string line;
  while (std::getline(in, line)) {
    // "auto shard-K" lines, relative to the generation's folder (a Xapian DB_BACKEND_STUB file).
    if (line.rfind("auto ", 0) == 0) out.push_back((db.parent_path() / line.substr(5)).string());
  }
  return out;
}

Status write_shards_file(const std::string& index_dir, const std::string& gen, unsigned n) {
  const fs::path db = database_path(index_dir, gen);
  const fs::path tmp = db.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (unsigned k = 0; k < n; ++k) out << "auto shard-" << k << "\n";
    out.flush();
    if (!out) return Status::error(StatusCode::io_error, "cannot write " + tmp.string());
  }
  if (Status s = fsync_path(tmp.string(), false); !s) return s;
  std::error_code ec;
  fs::rename(tmp, db, ec);
  if (ec) return Status::error(StatusCode::io_error, "cannot write " + db.string() + ": " + ec.message());
  return fsync_path(db.parent_path().string(), true);
}

int backend_flag(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) ? Xapian::DB_BACKEND_STUB : Xapian::DB_BACKEND_GLASS;
}

Status copy_database(const std::string& index_dir, const std::string& from, const std::string& to) {
  const std::string db = database_path(index_dir, from);
  if (Status s = copy_tree(db, database_path(index_dir, to)); !s) return s;
  std::error_code ec;
  if (!fs::is_regular_file(db, ec)) return Status::ok();
  for (const auto& shard : shard_paths(index_dir, from))
    if (Status s = copy_tree(shard, (fs::path(index_dir) / to / fs::path(shard).filename()).string()); !s) return s;
  return Status::ok();
}

unsigned shard_of(std::string_view id, unsigned n) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return n <= 1 ? 0 : static_cast<unsigned>(h % n);
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

namespace {
Status clone_or_copy(const fs::path& from, const fs::path& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno_status("open " + from.string());
  struct stat st {};
  if (::fstat(in, &st) != 0) {
    Status s = errno_status("stat " + from.string());
    ::close(in);
    return s;
  }
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
  if (out < 0) {
    Status s = errno_status("create " + to.string());
    ::close(in);
    return s;
  }
  Status result = Status::ok();
  if (::ioctl(out, FICLONE, in) != 0) {  // no shared blocks here: copy in the kernel
    bool in_kernel = true;
    off_t left = st.st_size;
    while (left > 0) {
      ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0);
      if (n > 0) {
        left -= n;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && left == st.st_size && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        in_kernel = false;
        break;
      } else {
        if (n < 0) result = errno_status("copy " + from.string() + " -> " + to.string());
        break;  // n == 0: the file shrank while being copied
      }
    }
    if (!in_kernel) {
      char buf[1 << 16];
      for (;;) {
        ssize_t r = ::read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) result = errno_status("read " + from.string());
        if (r <= 0) break;
        if (::write(out, buf, static_cast<size_t>(r)) != r) {
          result = errno_status("write " + to.string());
          break;
        }
      }
    }
  }
  ::close(in);
  if (::close(out) != 0 && result) result = errno_status("close " + to.string());
  return result;
}
}  // namespace

Status copy_tree(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (fs::is_regular_file(from, ec)) return clone_or_copy(from, to);
  fs::create_directory(to, ec);
  if (ec) return Status::error(StatusCode::io_error, "cannot create " + to + ": " + ec.message());
  for (const auto& e : fs::directory_iterator(from, ec)) {
    const fs::path target = fs::path(to) / e.path().filename();
    if (e.is_symlink(ec)) {
      fs::copy_symlink(e.path(), target, ec);
      if (ec) return Status::error(StatusCode::io_error, "cannot copy " + e.path().string() + ": " + ec.message());
    } else if (e.is_directory(ec)) {
      if (Status s = copy_tree(e.path().string(), target.string()); !s) return s;
    } else if (Status s = clone_or_copy(e.path(), target); !s) {
      return s;
    }
  }
  if (ec) return Status::error(StatusCode::io_error, "cannot list " + from + ": " + ec.message());
  return Status::ok();
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t parse_utc(const std::string& iso) {
  std::tm tm{};
  const char* end = ::strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end) return -1;
  return static_cast<int64_t>(::timegm(&tm));
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::building: return "building";
    case Verdict::verified: return "verified";
    case Verdict::published: return "published";
    case Verdict::rolled_back: return "rolled_back";
    case Verdict::legacy: return "legacy";
  }
  return "building";
}

namespace {
std::string manifest_path(const std::string& index_dir, const std::string& gen) {
  return (fs::path(index_dir) / gen / "manifest.txt").string();
}

std::string one_line(std::string v) {
  for (char& c : v)
    if (c == '\n' || c == '\r') c = ' ';
  return v;
}

uint64_t to_u64(const std::string& v) { return std::strtoull(v.c_str(), nullptr, 10); }
}  // namespace

bool read_manifest(const std::string& index_dir, const std::string& gen, Manifest* out) {
  std::ifstream in(manifest_path(index_dir, gen));
  if (!in) return false;
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (!kv.count("verdict")) return false;  // torn or foreign: the writer renames a complete file into place
  Manifest m;
  const std::string& v = kv["verdict"];
  if (v == "verified") m.verdict = Verdict::verified;
  else if (v == "published") m.verdict = Verdict::published;
  else if (v == "rolled_back") m.verdict = Verdict::rolled_back;
  else m.verdict = Verdict::building;
  m.kind = kv["kind"];
  m.created = kv["created"];
  m.published = kv["published"];
  m.previous = kv["previous"];
  m.source = kv["source"];
  m.documents = to_u64(kv["documents"]);
  m.read = to_u64(kv["read"]);
  m.accepted = to_u64(kv["accepted"]);
  m.rejected = to_u64(kv["rejected"]);
  m.added = to_u64(kv["added"]);
  m.changed = to_u64(kv["changed"]);
  m.deleted = to_u64(kv["deleted"]);
  m.unchanged = to_u64(kv["unchanged"]);
  m.build_seconds = std::strtod(kv["build_seconds"].c_str(), nullptr);
  m.verify_seconds = std::strtod(kv["verify_seconds"].c_str(), nullptr);
  m.forced = kv["forced"] == "1";
  m.overridden = kv["overridden"];
  m.rolled_back = kv["rolled_back"];
  m.shards = kv["shards"];
  *out = std::move(m);
  return true;
}

Status write_manifest(const std::string& index_dir, const std::string& gen, const Manifest& m) {
  const std::string path = manifest_path(index_dir, gen);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return errno_status("write " + tmp);
    char secs[64];
    std::snprintf(secs, sizeof secs, "build_seconds=%.2f\nverify_seconds=%.2f\n", m.build_seconds, m.verify_seconds);
    out << "# haku generation manifest (api/README.md)\n"
        << "verdict=" << verdict_name(m.verdict) << "\n"
        << "kind=" << one_line(m.kind) << "\n"
        << "created=" << m.created << "\n"
        << "published=" << m.published << "\n"
        << "previous=" << m.previous << "\n"
        << "source=" << one_line(m.source) << "\n"
        << "documents=" << m.documents << "\n"
        << "read=" << m.read << "\naccepted=" << m.accepted << "\nrejected=" << m.rejected << "\n"
        << "added=" << m.added << "\nchanged=" << m.changed << "\ndeleted=" << m.deleted
        << "\nunchanged=" << m.unchanged << "\n"
        << secs << "forced=" << (m.forced ? 1 : 0) << "\n"
        << "overridden=" << one_line(m.overridden) << "\n"
        << "rolled_back=" << m.rolled_back << "\n"
        << "shards=" << m.shards << "\n";
    out.flush();
    if (!out) return errno_status("write " + tmp);
  }
  if (Status s = fsync_path(tmp, false); !s) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return errno_status("rename " + tmp);
  return fsync_path((fs::path(index_dir) / gen).string(), true);
}

bool GenerationInfo::good() const {
  return manifest.verdict == Verdict::published || manifest.verdict == Verdict::legacy;
}

std::vector<GenerationInfo> describe(const std::string& index_dir) {
  const std::string cur = current(index_dir);
  std::vector<GenerationInfo> out;
  for (const auto& name : list(index_dir)) {
    GenerationInfo g;
    g.name = name;
    g.current = name == cur;
    g.has_manifest = read_manifest(index_dir, name, &g.manifest);
    std::error_code ec;
    const fs::path dir = fs::path(index_dir) / name;
    if (!g.has_manifest) {
      // Written before manifests existed. Complete when its database is there and no build shards are
      // left; older than the published one means it was published once (builds publish in name order).
      const bool complete = fs::exists(dir / "xapian", ec) && !fs::exists(dir / "shards", ec);
      g.manifest.verdict = (g.current || (!cur.empty() && name < cur && complete)) ? Verdict::legacy : Verdict::building;
    } else if (g.current && g.manifest.verdict != Verdict::published) {
      // Killed between the switch and the manifest's last write: it is served, so it was verified.
      g.manifest.verdict = Verdict::published;
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::string previous_good(const std::string& index_dir) {
  const std::string cur = current(index_dir);
  auto gens = describe(index_dir);
  for (auto it = gens.rbegin(); it != gens.rend(); ++it)
    if (!it->current && it->good() && (cur.empty() || it->name < cur)) return it->name;
  return {};
}

Status settle(const std::string& index_dir) {
  const std::string cur = current(index_dir);
  Manifest m;
  if (cur.empty() || !read_manifest(index_dir, cur, &m) || m.verdict == Verdict::published) return Status::ok();
  m.verdict = Verdict::published;
  if (m.published.empty()) m.published = utc_now();
  return write_manifest(index_dir, cur, m);
}

std::vector<std::string> prune(const std::string& index_dir, unsigned retention) {
  const std::vector<GenerationInfo> gens = describe(index_dir);
  std::vector<std::string> keep;
  for (const auto& g : gens)
    if (g.current) keep.push_back(g.name);
  // The newest good ones other than the published one: by name, newest first. A good generation newer
  // than the published one exists after `rollback --to` an older one; it stays a candidate.
  const size_t others = std::max(1u, retention) - 1;
  size_t kept = 0;
  for (auto it = gens.rbegin(); it != gens.rend() && kept < std::max<size_t>(others, 1); ++it) {
    if (it->current || !it->good()) continue;
    keep.push_back(it->name);
    ++kept;
  }
  std::vector<std::string> removed;
  for (const auto& g : gens) {
    if (std::find(keep.begin(), keep.end(), g.name) != keep.end()) continue;
    std::error_code ec;
    fs::remove_all(fs::path(index_dir) / g.name, ec);
    if (!ec) removed.push_back(g.name);
  }
  // Leftovers of killed writers: temporary `current` links and verification folders.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(index_dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(".current.", 0) == 0 || n.rfind(".verify.", 0) == 0) fs::remove_all(e.path(), ec);
  }
  return removed;
}

Status rollback(const std::string& index_dir, const std::string& target, uint64_t* documents) {
  if (Status s = settle(index_dir); !s) return s;
  const std::string cur = current(index_dir);
  if (target.empty()) return Status::error(StatusCode::not_found, "no earlier good generation is retained in " + index_dir);
  if (target == cur) return Status::error(StatusCode::invalid_argument, target + " is already published", "to");
  GenerationInfo info;
  bool found = false;
  for (auto& g : describe(index_dir))
    if (g.name == target) {
      info = std::move(g);
      found = true;
    }
  if (!found) return Status::error(StatusCode::not_found, "no generation " + target + " in " + index_dir, "to");
  if (!info.good() && info.manifest.verdict != Verdict::rolled_back)
    return Status::error(StatusCode::invalid_argument,
                         target + " was never published (verdict " + verdict_name(info.manifest.verdict) + ")", "to");
  uint64_t docs = 0;
  try {
    Xapian::Database db(database_path(index_dir, target));
    docs = db.get_doccount();
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::corrupt, "cannot open " + target + ": " + e.get_description());
  }
  if (Status s = publish(index_dir, target); !s) return s;
  const std::string now = utc_now();
  if (!cur.empty()) {
    Manifest old;
    if (!read_manifest(index_dir, cur, &old)) old.kind = "legacy";
    old.verdict = Verdict::rolled_back;
    old.rolled_back = now;
    if (Status s = write_manifest(index_dir, cur, old); !s) return s;
  }
  Manifest m = info.manifest;
  m.verdict = Verdict::published;
  m.published = now;
  if (!info.has_manifest) {
    m.kind = "legacy";
    m.documents = docs;
  }
  if (Status s = write_manifest(index_dir, target, m); !s) return s;
  if (documents) *documents = docs;
  return Status::ok();
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
