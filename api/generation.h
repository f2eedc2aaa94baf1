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

#include "api/cursor.h"
#include "api/facet_columns.h"
#include "api/semantic.h"
#include "api/status.h"
#include "stemmers/translation.h"

namespace haku {

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
  // The shard databases searched as one (Xapian::Database::add_database); today one: DIR/gen-.../xapian.
  const std::vector<std::string>& shards() const { return shards_; }
  // The revision of the shards when opened (an update in place makes a newer revision).
  uint64_t revision() const { return revision_; }
  // A new database handle over every shard. Throws Xapian::Error.
  Xapian::Database open_database() const;
  // A handle for one request: a free one, else a new one. The handles keep the shard files open, so a
  // generation whose folder was removed while it is served (a prune, a rollback) keeps answering:
  // when no new handle can be opened, the request waits for one in use. Throws Xapian::Error.
  Handle lend() const;

  // nullptr: no table, no cross-lingual expansion.
  const TranslationTable* translations() const { return translations_.get(); }
  // nullptr: no semantic layer (keyword ranking only).
  const SemanticIndex* semantic() const { return semantic_.get(); }
  const std::string& semantic_note() const { return semantic_note_; }
  // The facet columns of this revision (every facet slot, read when the generation was opened).
  const FacetColumns& facet_columns() const { return facet_columns_; }

  uint64_t documents() const { return documents_; }
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
  std::vector<std::string> shards_;
  uint64_t revision_ = 0;
  std::unique_ptr<const TranslationTable> translations_;
  std::shared_ptr<const SemanticIndex> semantic_;
  std::string semantic_note_;
  FacetColumns facet_columns_;
  uint64_t documents_ = 0;
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
