#pragma once
// Index generations on disk: DIR/gen-<stamp>/ folders, each holding a Xapian database in xapian/ and a
// manifest (manifest.txt: what it holds and its verdict), and DIR/current, a symlink to the published one,
// switched by an atomic rename. Stateless functions (thread-safe); prune and rollback expect the caller
// to hold the writer's lock (DirLock).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace haku::generations {

// Where a generation stands (GEN/manifest.txt, key "verdict"):
enum class Verdict {
  building,     // being written; still so when no writer holds the lock: abandoned (killed or failed)
  verified,     // passed the publish gate, `current` about to move to it; not current: never published
  published,    // has been served: the current one, or retained for rollback and for cursors naming it
  rolled_back,  // was served, then rolled back from; kept until the next prune (`rollback --to` returns)
  legacy,       // no manifest (written before manifests): good when it is current, or older than current
                // and complete (a xapian/ database, no build shards left)
};
const char* verdict_name(Verdict v);

// What a generation holds and how it came to be. Written as key=value lines (api/README.md).
struct Manifest {
  Verdict verdict = Verdict::building;
  std::string kind;       // build | sync | update | delete | compact
  std::string created;    // UTC, ISO 8601 (2026-03-01T03:00:00Z)
  std::string published;  // UTC: when `current` last moved to it
  std::string previous;   // the generation it replaced
  std::string source;     // what was read: paths and commands, "; "-separated
  uint64_t documents = 0;
  uint64_t read = 0;  // source records seen, accepted and rejected by the readers
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t added = 0;  // against the previous generation (sync, update, delete)
  uint64_t changed = 0;
  uint64_t deleted = 0;
  uint64_t unchanged = 0;
  double build_seconds = 0;  // from the start to the verdict
  double verify_seconds = 0;
  bool forced = false;      // published over a refusal (--force)
  std::string overridden;   // the refusal --force overrode
  std::string rolled_back;  // UTC: when it was rolled back from
  // Its shard databases with their record counts, "shard-0:512,shard-1:488" (one shard: "xapian:1000").
  std::string shards;

  bool operator==(const Manifest&) const = default;
};

// The published generation's name ("gen-..."), or empty when none is published.
std::string current(const std::string& index_dir);
// DIR/<gen>/xapian: the generation's database. One shard: a Xapian database folder. Built with
// --shards N: a Xapian shard list (a DB_BACKEND_STUB file) naming DIR/<gen>/shard-0 .. shard-(N-1),
// which Xapian opens as one database (for writing too), each record in the shard its id hashes to
// (shard_of).
std::string database_path(const std::string& index_dir, const std::string& gen);
// The shard databases of a generation, in the order of the shard list: {DIR/<gen>/xapian} for one shard.
std::vector<std::string> shard_paths(const std::string& index_dir, const std::string& gen);
// The manifest's `shards` value for a generation (Manifest::shards).
std::string shard_list(const std::string& index_dir, const std::string& gen);
// Makes DIR/<gen>/xapian the file listing the n shard folders DIR/<gen>/shard-K, which Xapian opens as
// one database (its "stub database" format; written atomically).
Status write_shards_file(const std::string& index_dir, const std::string& gen, unsigned n);
// Xapian's backend flag to open `database_path()` with: DB_BACKEND_STUB for a shard list, else DB_BACKEND_GLASS.
int backend_flag(const std::string& path);
// Copies a generation's database (the shard list and its shards, or the one folder) into another
// generation.
Status copy_database(const std::string& index_dir, const std::string& from, const std::string& to);
// The shard (of n) a record belongs to: FNV-1a of its id, so the same on every build and machine.
unsigned shard_of(std::string_view id, unsigned n);
// The docid of the record that is the g-th of the generation (its docid in one database) when it lies
// in shard s of n: (g - 1) * n + s + 1, the docid Xapian gives it when the shards are searched as one
// (they interleave). Docids so given keep the records in the order one database would, so rankings,
// sorts and their ties are those of one database. Each shard holds its records at docid g.
inline uint64_t sharded_docid(uint64_t g, unsigned s, unsigned n) { return (g - 1) * n + s + 1; }
// A fresh, unique generation name, later names sorting after earlier ones.
std::string new_name();
// All gen-* folders, oldest first.
std::vector<std::string> list(const std::string& index_dir);
// Points DIR/current at `gen` (symlink + rename, directory fsynced).
Status publish(const std::string& index_dir, const std::string& gen);
// Total size of the files under a path.
uint64_t disk_size(const std::string& path);
// fsyncs every file under a folder and the folder itself.
Status sync_tree(const std::string& path);

// Copies a file or a folder tree to `to` (which must not exist): each file is cloned where the file
// system can share its blocks (btrfs, XFS: FICLONE), else copied in the kernel (copy_file_range).
Status copy_tree(const std::string& from, const std::string& to);

// UTC now as ISO 8601, and back to seconds since the epoch (-1 when not such a time).
std::string utc_now();
int64_t parse_utc(const std::string& iso);

// Reads GEN/manifest.txt; false when it is absent or unreadable.
bool read_manifest(const std::string& index_dir, const std::string& gen, Manifest* out);
// Writes GEN/manifest.txt atomically (temporary file, fsync, rename, folder fsync).
Status write_manifest(const std::string& index_dir, const std::string& gen, const Manifest& manifest);

struct GenerationInfo {
  std::string name;
  bool current = false;
  bool has_manifest = false;
  Manifest manifest;  // verdict normalised: the current one reads `published` even if the writer was
                      // killed between the switch and its last manifest write
  // Counts for retention and is a rollback target: published or legacy.
  bool good() const;
};
// Every gen-* folder with its verdict, oldest first (name order is creation order).
std::vector<GenerationInfo> describe(const std::string& index_dir);
// The newest good generation older than the published one: what `rollback` republishes. Empty if none.
std::string previous_good(const std::string& index_dir);

// Repairs what a writer killed between the `current` switch and its manifest's last write leaves: the
// published generation's manifest is made to say `published` (it has been served). Writers call it
// under the lock before anything else, so prune() never mistakes it for an abandoned build.
Status settle(const std::string& index_dir);

// Keeps the published generation and the newest good ones before it, `retention` in all but never
// fewer than one before it (the rollback target); removes everything else: abandoned, refused,
// verified-but-never-published and rolled-back folders, and leftovers of killed writers. Returns the
// names removed. The caller holds the lock (no build is running).
std::vector<std::string> prune(const std::string& index_dir, unsigned retention);

// Republishes `target` (a retained good or rolled-back generation whose database opens) and marks the
// generation it replaces rolled_back. `documents` receives the target's count. The caller holds the lock.
Status rollback(const std::string& index_dir, const std::string& target, uint64_t* documents = nullptr);

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
