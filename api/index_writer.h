#pragma once
// IndexWriter: the write side of the engine. Builds a new index generation DIR/gen-<stamp>/ (from scratch,
// or incrementally from the published one), verifies it (the publish gate) and only then publishes it
// atomically (DIR/current is a symlink switched by rename after fsync), or updates the published one.
// Holds an exclusive lock on DIR while it lives. Not thread-safe (its builds use threads of their own).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/log_event.h"
#include "api/search.h"
#include "api/status.h"
#include "corpus/project.h"

namespace haku {

// The publish gate: a generation is verified before `current` moves to it. A refusal leaves the served
// generation and the retained ones untouched and removes the refused one.
struct PublishGate {
  // Refuse a build or sync with fewer documents than (1 - max_shrink) x the published generation's.
  double max_shrink = 0.2;
  // Refuse when more than this fraction of the records read was rejected.
  double max_reject_rate = 0.1;
  // Reference queries (api/reference_queries.h): each must find its ids on the first page.
  std::string queries_path;
  // Publish even when refused; the manifest and the log record what was overridden.
  bool force = false;
};

// Where the records came from, for the gate and the manifest (the indexer's reader counts).
struct SourceReport {
  std::string description;  // paths and commands, "; "-separated
  uint64_t read = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::string failure;  // why the source itself failed (a command's exit status); empty: it did not
};

// What the last publish() decided and did.
struct PublishReport {
  std::string generation;  // the new generation (empty when unchanged)
  std::string previous;    // the generation published before
  std::string verdict;     // published | refused | unchanged
  std::string reason;      // the refusal, one line; with `forced`, what --force overrode
  bool forced = false;
  uint64_t documents = 0;
  uint64_t previous_documents = 0;
  uint64_t added = 0;  // against the previous generation (sync, update, delete)
  uint64_t changed = 0;
  uint64_t deleted = 0;
  uint64_t unchanged = 0;
  uint64_t queries = 0;  // reference queries run, and how many missed
  uint64_t queries_missed = 0;
  double build_seconds = 0;   // from begin_* to the verdict
  double verify_seconds = 0;  // the gate's own checks
  std::vector<std::string> pruned;
};

struct WriterOptions {
  std::string index_dir;
  std::string data_dir;          // analysis data; empty = default
  bool wait_for_lock = false;    // wait for another writer instead of failing at once
  bool full_analysis = true;     // false: surface words and Snowball stems only (keyword-only build)
  bool semantic_layer = true;    // false: no semantic layer even with full analysis (quick builds, tests)
  // Published generations kept after publishing, the served one included; never fewer than the served
  // one and the one before it (the rollback target).
  unsigned retention = 2;
  bool new_generation = true;    // update/delete: copy into a new generation (true) or edit in place
  // A build analyses and inverts records on this many threads, each into its own shard, and merges the
  // shards into the generation's database at publish (Xapian compaction). 0 = one per core (at most 8).
  // Updates run on one thread.
  unsigned threads = 0;
  // Each build thread starts a new segment database every so many records (smaller B-trees to merge
  // batches into); publish() merges them all.
  unsigned segment_records = 10000;
  // A build partitions its records by the hash of their ids into this many shard databases of one
  // generation (generations::database_path; 0 counts as 1), each build thread writing every shard's
  // segments; updates, deletes and syncs keep the published generation's; compact_index partitions a
  // one-database generation into more than 1.
  unsigned shards = 1;
  // Records compact_index's partition takes at a time, their terms and positions held in memory (about
  // 10 KB a record of the generated corpus): the docids of a batch, read term by term, then written.
  unsigned partition_batch = 20000;
  PublishGate gate;
  EventSink on_event;  // verified, refused, forced, published, unchanged, pruned; nullptr = silent
};

class IndexWriter {
 public:
  // Takes the lock. `busy` (with the holder's pid) if another writer has it and !wait_for_lock.
  static Result<std::unique_ptr<IndexWriter>> open(const WriterOptions& options);
  ~IndexWriter();  // abandons an unpublished generation (removes it)

  // Starts an empty generation (build) or a copy of the current one (update/delete).
  Status begin_build();
  Status begin_update();
  // Starts an incremental build: the source's records are compared with the published generation's by
  // id and content hash (schema::content_hash), and only additions, changes and, at publish, deletions
  // (published ids the source no longer has) are applied to a copy of it. Nothing changed: publish()
  // publishes nothing. Falls back to a full build (mode() says why) when nothing is published or the
  // published generation was analysed differently (schema, analysis features, keyword-only).
  Status begin_sync();
  // Adds or replaces a record by id in the generation being written.
  Status add(const Project& project);
  // Removes a record by id; not_found if absent.
  Status remove(const std::string& id);
  // The source's counts, for the gate (reject rate, nothing accepted, a failed source) and the manifest.
  void set_source(const SourceReport& source);
  // Commits, fsyncs and verifies the generation (the publish gate), then switches `current` to it and
  // prunes old generations. A refusal returns invalid_argument ("refused: <why>", param() the gate
  // option at fault), removes the refused generation and leaves `current` as it was.
  Status publish();
  const PublishReport& report() const;
  // "build", "sync", "update", "delete"; after begin_sync(), "build" plus `fallback` when it fell back.
  std::string mode(std::string* fallback = nullptr) const;
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

// Compacts the published generation into a new generation and publishes it: shard by shard, or, with
// options.shards > 1 and a one-database generation, partitioned into that many shards as a build with
// --shards would (a sharded generation keeps its number of shards: another is refused).
Status compact_index(const WriterOptions& options);

// Fault injection for the crash tests: when the environment variable HAKU_KILL_AT names `point`, the
// process kills itself with SIGKILL there (points: read, merge, semantic, switch, published).
void kill_point(const char* point);

}  // namespace haku
