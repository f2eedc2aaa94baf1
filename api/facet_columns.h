#pragma once
// Facet columns: the facet value slots of one index revision held in memory as docid -> value ids, so
// counting facets over a match costs an array lookup per document instead of reading value slots
// through Xapian. A Generation reads its FacetColumns once, when it is loaded, and shares them
// read-only with every Searcher of the process (thread-safe once built). FacetCounter counts while a
// match runs (a MatchSpy), so the ranked pass itself can count the facets.
#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace haku {

// One value slot: every distinct value (split at schema::kFacetSeparator) and, per docid, the ids of
// its values in the order they appear (repeats kept, as a document's slot holds them).
struct FacetColumn {
  std::vector<std::string> values;  // value id -> value
  // Every document holds at most one value: single[docid] = value id + 1, 0 = none.
  bool multi = false;
  std::vector<uint32_t> single;
  // Otherwise: the value ids of docid are ids[offsets[docid] .. offsets[docid + 1]).
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> ids;

  template <class F>
  void for_each(Xapian::docid did, F&& f) const {
    if (!multi) {
      if (did < single.size() && single[did] != 0) f(single[did] - 1);
      return;
    }
    if (did + 1 >= offsets.size()) return;
    for (uint32_t i = offsets[did]; i < offsets[did + 1]; ++i) f(ids[i]);
  }
};

// Keyed by the docid within a record's shard, which is what a MatchSpy sees (Document::get_docid()
// over shards searched as one): a sharded generation holds the g-th record at docid g of its shard
// (generations::sharded_docid), so these docids are distinct across shards, one database's docids.
class FacetColumns {
 public:
  static constexpr unsigned kMaxSlots = 64;

  FacetColumns() = default;
  // Reads the columns of `slots` through `d`. Throws Xapian::Error.
  static FacetColumns read(Xapian::Database& d, const std::vector<unsigned>& slots);

  // The column of `slot`; an empty column for a slot that was not read.
  const FacetColumn& column(unsigned slot) const;
  // Memory held by the columns.
  uint64_t bytes() const;

 private:
  std::vector<FacetColumn> columns_;  // by slot
};

// Counts the values of some facet slots over every document a match visits, the same counts by
// either of two paths: over in-memory columns (local shards: an array lookup per document, the
// counter runs as a MatchSpy in this process), or with one Xapian::ValueCountMatchSpy per slot, which
// xapian-tcpsrv knows, runs on each remote shard and merges; a multi-valued slot's joined values are
// split after the merge (each value counted as often as the column path counts it). Used within one
// Enquire; not thread-safe.
class FacetCounter : public Xapian::MatchSpy {
 public:
  // Column path: the columns of the facets, in order.
  explicit FacetCounter(std::vector<const FacetColumn*> columns);
  // Value-count path: the facets' value slots, in order.
  explicit FacetCounter(const std::vector<unsigned>& slots);
  // Adds what counts to a match (itself, or its value-count spies).
  void attach(Xapian::Enquire& enq);
  void operator()(const Xapian::Document& doc, double wt) override;
  std::string name() const override { return "haku::FacetCounter"; }
  // The counts of the i-th facet given to the constructor, by value (values counted at least once).
  std::unordered_map<std::string, uint64_t> counts(size_t i) const;

 private:
  std::vector<const FacetColumn*> columns_;
  std::vector<std::vector<uint64_t>> counts_;
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies_;
};

}  // namespace haku
