#pragma once
// FacetSpy: counts the values of several facet slots over every document of a match (multi-valued
// facets hold their values joined by schema::kFacetSeparator). Used within one Enquire; not thread-safe.
#include <xapian.h>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace haku {

class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(std::vector<unsigned> slots) : slots_(std::move(slots)), counts_(slots_.size()) {}
  void operator()(const Xapian::Document& doc, double wt) override;
  // Counts of the i-th slot given to the constructor.
  const std::unordered_map<std::string, uint64_t>& counts(size_t i) const { return counts_[i]; }
  std::string name() const override { return "haku::FacetSpy"; }

 private:
  std::vector<unsigned> slots_;
  std::vector<std::unordered_map<std::string, uint64_t>> counts_;
};

}  // namespace haku
