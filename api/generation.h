#pragma once
// Generation: one index generation loaded as a whole — its shard databases, translation table,
// semantic layer, facet columns and metadata — immutable once open (a revision of it: an update made in
// place is another Generation object) and shared read-only by every Searcher of a process through
// std::shared_ptr<const Generation>, so it is released when its last reader is done (LevelDB's Version).
// Thread-safe. Xapian::Database objects are not: the generation lends each request a handle of its own
// (Handle), which goes back to the generation's free handles when the request is done.
#include <xapian.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/cross_lingual.h"
#include "api/cursor.h"
#include "api/facet_columns.h"
#include "api/semantic.h"
#include "api/status.h"
#include "stemmers/translation.h"

namespace haku {

// Where a generation's shards are searched: GEN/shards.conf when present, else its own databases
// (generations::shard_paths). shards.conf, one setting or shard a line (# starts a comment):
//   timeout_ms 2000          remote shards: bound on each network operation (Xapian::Remote::open)
//   connect_timeout_ms 500   remote shards: bound on connecting
//   on_failure partial       a shard down or slow: answer from the others, flagged partial, naming it;
//                            `unavailable` (the default): answer 503
//   local shard-0            a shard database folder (relative to the generation's folder), or
//   remote HOST:PORT         a xapian-tcpsrv serving it
// The shards are listed in the order the generation was built (shard-0 first): docids interleave.
struct ShardSpec {
  std::string name;  // "shard-0" (local), "HOST:PORT" (remote)
  std::string path;  // local: the database folder
  std::string host;  // remote
  unsigned port = 0;
  bool remote() const { return !host.empty(); }
};
struct ShardConfig {
  std::vector<ShardSpec> shards;
  unsigned timeout_ms = 10000;
  unsigned connect_timeout_ms = 10000;
  bool partial_on_failure = false;
  // Reads GEN_DIR/shards.conf (invalid_argument naming file:line), else lists the generation's own
  // databases.
  static Result<ShardConfig> read(const std::string& index_dir, const std::string& name);
};
// One shard's state, for /readyz.
struct ShardState {
  std::string name;
  bool remote = false;
  bool up = false;
  uint64_t documents = 0;
  std::string error;  // why it is not up
};

class Generation : public std::enable_shared_from_this<Generation> {
 public:
  // A database handle over every shard, lent to one request: it holds the generation while it lives and
  // gives the database back to it when destroyed. Not thread-safe (one request, one thread).
  class Handle {
   public:
    Handle(Handle&& other) noexcept = default;
    Handle& operator=(Handle&&) = delete;
    ~Handle();
    Xapian::Database& db() { return *db_; }
    // The shards this handle searches without (down or slow; see Generation::lend_without).
    const std::vector<std::string>& missing() const { return missing_; }
    const Generation& generation() const { return *generation_; }
    const std::shared_ptr<const Generation>& shared() const { return generation_; }
    // Drops the database instead of giving it back (after a database error).
    void discard() { db_.reset(); }

   private:
    friend class Generation;
    Handle(std::shared_ptr<const Generation> g, std::unique_ptr<Xapian::Database> db)
        : generation_(std::move(g)), db_(std::move(db)) {}
    std::shared_ptr<const Generation> generation_;
    std::unique_ptr<Xapian::Database> db_;
    std::vector<std::string> missing_;  // not empty: not given back (a partial handle)
  };

  // Opens DIR/<name>: its shards, translation table (the generation's own, else the one this build
  // compiled), semantic layer, metadata, and runs a probe query through every table it reads. corrupt
  // when a shard does not open or the probe fails; the semantic layer failing to load leaves the
  // generation keyword-only (semantic_note() says why).
  static Result<std::shared_ptr<const Generation>> open(const std::string& index_dir, const std::string& name);
  ~Generation();
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  const std::string& name() const { return name_; }  // "gen-..."
  const std::string& dir() const { return dir_; }    // DIR/gen-...
  // The shard databases searched as one (Xapian::Database::add_database): local folders or xapian-tcpsrv
  // servers (ShardConfig).
  const ShardConfig& shards() const { return config_; }
  // Every shard is local: facets are counted over the in-memory columns and the engine's own match
  // spies run; with a remote shard, only Xapian's spies do (facets by ValueCountMatchSpy).
  bool all_local() const { return all_local_; }
  // The revision of the shards when opened (an update in place makes a newer revision).
  uint64_t revision() const { return revision_; }
  // A new database handle over every shard, the `missing` ones stood in for by empty databases (so
  // the others keep their docids). Throws Xapian::Error (NetworkError: a remote shard is down or slow).
  Xapian::Database open_database(const std::vector<std::string>& missing = {}) const;
  // Each local shard opened alone, and their revision: the sum of the shards' (it changes when any of
  // them changes); revision_of reopens them first. Remote shards are left out: the remote protocol has
  // no revisions, and reopening one is a round trip (up to its timeout when the shard is slow) that
  // every request would wait for. Throw Xapian::Error.
  std::vector<Xapian::Database> open_local_shards() const;
  static uint64_t revision_of(std::vector<Xapian::Database>& shards);
  // The shards that do not answer now, each tried alone within the configured timeouts.
  std::vector<std::string> unreachable_shards() const;
  // Each shard tried alone, with its document count.
  std::vector<ShardState> shard_states() const;
  // A handle that searches every shard but `missing`, used for one request and then dropped.
  Handle lend_without(const std::vector<std::string>& missing) const;
  // A handle for one request: a free one, else a new one. The handles keep the shard files open, so a
  // generation whose folder was removed while it is served (a prune, a rollback) keeps answering:
  // when no new handle can be opened, the request waits for one in use. Throws Xapian::Error.
  Handle lend() const;

  // nullptr: no table, no cross-lingual expansion.
  const TranslationTable* translations() const { return translations_.get(); }
  // The languages its records are in, where translations go (CrossLingual::languages_held).
  CrossLingual::Targets translation_targets() const { return translation_targets_; }
  // nullptr: no semantic layer (keyword ranking only).
  const SemanticIndex* semantic() const { return semantic_.get(); }
  const std::string& semantic_note() const { return semantic_note_; }
  // The facet columns of this revision (every facet slot, read when the generation was opened).
  const FacetColumns& facet_columns() const { return facet_columns_; }

  // The documents of the shards that answered when the generation was loaded.
  uint64_t documents() const { return documents_; }
  // The shards that did not answer when the generation was loaded (on_failure partial only; loading
  // fails otherwise): its searches try them again each time and answer partial while they are down.
  const std::vector<std::string>& missing_at_load() const { return missing_at_load_; }
  uint64_t size_bytes() const { return size_bytes_; }
  const std::vector<std::string>& features() const { return features_; }
  const std::vector<std::string>& notes() const { return notes_; }
  // The key its cursors are signed with: the generation's stored secret, or, for a generation written
  // before cursors were signed, one drawn at random when it was opened (its cursors end with the process).
  const CursorKey& cursor_key() const { return cursor_key_; }
  // Distinct terms, counted once through the caller's handle `d` on this generation.
  uint64_t term_count(Xapian::Database& d) const;

 private:
  Generation() = default;

  std::string name_;
  std::string dir_;
  ShardConfig config_;
  bool all_local_ = true;
  uint64_t revision_ = 0;
  std::unique_ptr<const TranslationTable> translations_;
  CrossLingual::Targets translation_targets_ = CrossLingual::kEveryLanguage;
  std::shared_ptr<const SemanticIndex> semantic_;
  std::string semantic_note_;
  FacetColumns facet_columns_;
  uint64_t documents_ = 0;
  std::vector<std::string> missing_at_load_;
  uint64_t size_bytes_ = 0;
  std::vector<std::string> features_;
  std::vector<std::string> notes_;
  CursorKey cursor_key_{};
  mutable std::once_flag term_count_once_;
  mutable uint64_t term_count_ = 0;

  void give_back(std::unique_ptr<Xapian::Database> db) const;
  mutable std::mutex handles_mu_;
  mutable std::condition_variable handle_returned_;
  mutable std::vector<std::unique_ptr<Xapian::Database>> free_handles_;
  mutable size_t lent_ = 0;
};

}  // namespace haku
