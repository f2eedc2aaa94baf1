#pragma once
// Index generations on disk: DIR/gen-<stamp>/ folders, each holding a Xapian database in xapian/, and
// DIR/current, a symlink to the published one, switched by an atomic rename. Stateless functions
// (thread-safe); the writer's lock is the DirLock object.
#include <string>
#include <vector>

#include "api/status.h"

namespace haku::generations {

// The published generation's name ("gen-..."), or empty when none is published.
std::string current(const std::string& index_dir);
// DIR/<gen>/xapian
std::string database_path(const std::string& index_dir, const std::string& gen);
// A fresh, unique generation name, later names sorting after earlier ones.
std::string new_name();
// All gen-* folders, oldest first.
std::vector<std::string> list(const std::string& index_dir);
// Points DIR/current at `gen` (symlink + rename, directory fsynced).
Status publish(const std::string& index_dir, const std::string& gen);
// Removes generations other than the published one, keeping the `retention` newest (published included).
void prune(const std::string& index_dir, unsigned retention);
// Total size of the files under a path.
uint64_t disk_size(const std::string& path);
// fsyncs every file under a folder and the folder itself.
Status sync_tree(const std::string& path);

// An exclusive lock on an index directory (flock on DIR/.lock, holding the owner's pid).
class DirLock {
 public:
  // busy (naming the holder's pid) when another process holds it and !wait.
  static Status acquire(const std::string& index_dir, bool wait, DirLock* out);
  DirLock() = default;
  DirLock(DirLock&& other) noexcept;
  DirLock& operator=(DirLock&& other) noexcept;
  ~DirLock();

 private:
  int fd_ = -1;
};

}  // namespace haku::generations
