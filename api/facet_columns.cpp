// Facet columns of a generation, read when it is loaded, and the MatchSpy that counts over them.
#include "api/facet_columns.h"

#include <algorithm>
#include <stdexcept>

#include "api/schema.h"

namespace haku {

namespace {

FacetColumn read_column(Xapian::Database& d, unsigned slot, unsigned shards) {
  FacetColumn c;
  std::unordered_map<std::string, uint32_t> id_of;
  auto intern = [&](std::string_view v) {
    auto [it, inserted] = id_of.try_emplace(std::string(v), static_cast<uint32_t>(c.values.size()));
    if (inserted) c.values.emplace_back(v);
    return it->second;
  };
  // First as docid-ordered (docid, ids) runs; laid out as a single or multi column at the end.
  std::vector<Xapian::docid> docs;
  std::vector<uint32_t> run_start, ids;
  for (auto it = d.valuestream_begin(slot); it != d.valuestream_end(slot); ++it) {
    const std::string v = *it;
    if (v.empty()) continue;
    docs.push_back((it.get_docid() - 1) / shards + 1);  // the docid within its shard
    run_start.push_back(static_cast<uint32_t>(ids.size()));
    size_t start = 0;
    while (true) {
      size_t sep = v.find(schema::kFacetSeparator, start);
      ids.push_back(intern(std::string_view(v).substr(start, sep == std::string::npos ? std::string::npos : sep - start)));
      if (sep == std::string::npos) break;
      start = sep + 1;
    }
  }
  run_start.push_back(static_cast<uint32_t>(ids.size()));
  const Xapian::docid last = docs.empty() ? 0 : docs.back();
  c.multi = ids.size() != docs.size();
  if (!c.multi) {
    c.single.assign(last + 1, 0);
    for (size_t i = 0; i < docs.size(); ++i) c.single[docs[i]] = ids[i] + 1;
    return c;
  }
  c.offsets.assign(last + 2, 0);
  for (size_t i = 0; i < docs.size(); ++i) c.offsets[docs[i] + 1] = run_start[i + 1] - run_start[i];
  for (size_t i = 1; i < c.offsets.size(); ++i) c.offsets[i] += c.offsets[i - 1];
  c.ids = std::move(ids);  // runs are in docid order, so the prefix sums index them directly
  return c;
}

}  // namespace

FacetColumns FacetColumns::read(Xapian::Database& d, const std::vector<unsigned>& slots) {
  const unsigned shards = std::max<unsigned>(1, static_cast<unsigned>(d.size()));
  FacetColumns out;
  for (unsigned slot : slots) {
    if (slot >= kMaxSlots) throw std::out_of_range("facet slot out of range");
    if (out.columns_.size() <= slot) out.columns_.resize(slot + 1);
    out.columns_[slot] = read_column(d, slot, shards);
  }
  return out;
}

const FacetColumn& FacetColumns::column(unsigned slot) const {
  static const FacetColumn kEmpty;
  return slot < columns_.size() ? columns_[slot] : kEmpty;
}

uint64_t FacetColumns::bytes() const {
  uint64_t n = 0;
  for (const FacetColumn& c : columns_) {
    n += (c.single.capacity() + c.offsets.capacity() + c.ids.capacity()) * sizeof(uint32_t);
    for (const auto& v : c.values) n += v.capacity() + sizeof v;
  }
  return n;
}

FacetCounter::FacetCounter(std::vector<const FacetColumn*> columns) : columns_(std::move(columns)) {
  for (const FacetColumn* c : columns_) counts_.emplace_back(c->values.size(), 0);
}

FacetCounter::FacetCounter(const std::vector<unsigned>& slots) {
  for (unsigned slot : slots) spies_.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(slot));
}

void FacetCounter::attach(Xapian::Enquire& enq) {
  if (spies_.empty()) {
    enq.add_matchspy(this);
    return;
  }
  for (auto& spy : spies_) enq.add_matchspy(spy.get());
}

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  const Xapian::docid did = doc.get_docid();
  for (size_t i = 0; i < columns_.size(); ++i) {
    uint64_t* counts = counts_[i].data();
    columns_[i]->for_each(did, [counts](uint32_t id) { ++counts[id]; });
  }
}

std::unordered_map<std::string, uint64_t> FacetCounter::counts(size_t i) const {
  std::unordered_map<std::string, uint64_t> out;
  if (!spies_.empty()) {
    for (auto v = spies_[i]->values_begin(); v != spies_[i]->values_end(); ++v) {
      const std::string joined = *v;
      size_t start = 0;
      while (true) {
        size_t sep = joined.find(schema::kFacetSeparator, start);
        out[joined.substr(start, sep == std::string::npos ? std::string::npos : sep - start)] += v.get_termfreq();
        if (sep == std::string::npos) break;
        start = sep + 1;
      }
    }
    return out;
  }
  for (size_t id = 0; id < counts_[i].size(); ++id)
    if (counts_[i][id] != 0) out.emplace(columns_[i]->values[id], counts_[i][id]);
  return out;
}

}  // namespace haku
