#pragma once
// IndexWriter: the write side of the engine. Builds a new index generation DIR/gen-<stamp>/ and publishes
// it atomically (DIR/current is a symlink switched by rename after fsync), or updates the published one.
// Holds an exclusive lock on DIR while it lives. Not thread-safe (its builds use threads of their own).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/search.h"
#include "api/status.h"
#include "corpus/project.h"

namespace haku {

struct WriterOptions {
  std::string index_dir;
  std::string data_dir;          // analysis data; empty = default
  bool wait_for_lock = false;    // wait for another writer instead of failing at once
  bool full_analysis = true;     // false: surface words and Snowball stems only (keyword-only build)
  bool semantic_layer = true;    // false: no semantic layer even with full analysis (quick builds, tests)
  unsigned retention = 2;        // generations kept after publishing (the published one included)
  bool new_generation = true;    // update/delete: copy into a new generation (true) or edit in place
  // A build analyses and inverts records on this many threads, each into its own shard, and merges the
  // shards into the generation's database at publish (Xapian compaction). 0 = one per core (at most 8).
  // Updates run on one thread.
  unsigned threads = 0;
  // Each build thread starts a new segment database every so many records (smaller B-trees to merge
  // batches into); publish() merges them all.
  unsigned segment_records = 10000;
};

class IndexWriter {
 public:
  // Takes the lock. `busy` (with the holder's pid) if another writer has it and !wait_for_lock.
  static Result<std::unique_ptr<IndexWriter>> open(const WriterOptions& options);
  ~IndexWriter();  // abandons an unpublished generation (removes it)

  // Starts an empty generation (build) or a copy of the current one (update/delete).
  Status begin_build();
  Status begin_update();
  // Adds or replaces a record by id in the generation being written.
  Status add(const Project& project);
  // Removes a record by id; not_found if absent.
  Status remove(const std::string& id);
  // Commits, fsyncs, switches `current` to the new generation, prunes old generations.
  Status publish();
  // The generation's name ("gen-...") while building; empty before begin_*.
  std::string generation() const;
  uint64_t added() const;
  std::vector<std::string> analysis_notes() const;
  // After publish(): what the semantic layer cost (training time, model and vector index sizes) or why
  // there is none.
  std::vector<std::string> report_lines() const;

 private:
  struct Impl;
  explicit IndexWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Compacts the published generation into a new generation and publishes it.
Status compact_index(const WriterOptions& options);

}  // namespace haku
