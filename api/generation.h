#pragma once
// Generation: one index generation loaded as a whole — its shard databases, translation table,
// semantic layer, facet columns and metadata — immutable once open (a revision of it: an update made in
// place is another Generation object) and shared read-only by every Searcher of a process through
// std::shared_ptr<const Generation>, so it is released when its last reader is done (LevelDB's Version).
// Thread-safe, except that a database handle from open_database() belongs to the thread that uses it:
// Xapian::Database objects are not safe to share between threads.
#include <xapian.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/facet_columns.h"
#include "api/semantic.h"
#include "api/status.h"
#include "stemmers/translation.h"

namespace haku {

class Generation {
 public:
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
  // A new database handle over every shard, for the caller's thread. Throws Xapian::Error.
  Xapian::Database open_database() const;

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
  mutable std::once_flag term_count_once_;
  mutable uint64_t term_count_ = 0;
};

}  // namespace haku
