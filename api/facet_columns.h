#pragma once
// Facet columns: the facet value slots of one index revision held in memory as docid -> value ids, so
// counting facets over a match costs an array lookup per document instead of reading value slots
// through Xapian. One FacetColumns per (generation, revision) is shared by every Searcher of the
// process (FacetColumns::shared); each slot's column is read once, on first use, through the calling
// Searcher's own Database handle. FacetCounter counts while a match runs (a MatchSpy), so the ranked
// pass itself can count the facets.
#include <xapian.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
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

class FacetColumns {
 public:
  static constexpr unsigned kMaxSlots = 64;

  // The columns of the database revision `d` has open, read from the generation `gen_dir`; the same
  // object for every caller asking for the same generation and revision while anyone holds it.
  // Thread-safe.
  static std::shared_ptr<FacetColumns> shared(const std::string& gen_dir, Xapian::Database& d);

  // A key naming the generation and revision `d` has open.
  static std::string key_of(const std::string& gen_dir, Xapian::Database& d);

  // The column of `slot`, read through `d` (a handle on this object's revision) the first time.
  // Thread-safe; `d` is only used by the caller's thread.
  const FacetColumn& column(unsigned slot, Xapian::Database& d);

 private:
  std::array<std::once_flag, kMaxSlots> once_;
  std::array<FacetColumn, kMaxSlots> columns_;
};

// Counts the values of some facet columns over every document a match visits. Used within one
// Enquire; not thread-safe.
class FacetCounter : public Xapian::MatchSpy {
 public:
  explicit FacetCounter(std::vector<const FacetColumn*> columns);
  void operator()(const Xapian::Document& doc, double wt) override;
  std::string name() const override { return "haku::FacetCounter"; }
  // The counts of the i-th column given to the constructor, by value (values counted at least once).
  std::unordered_map<std::string, uint64_t> counts(size_t i) const;

 private:
  std::vector<const FacetColumn*> columns_;
  std::vector<std::vector<uint64_t>> counts_;
};

}  // namespace haku
