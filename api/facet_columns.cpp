// Facet columns shared per generation and revision, and the MatchSpy that counts over them.
#include "api/facet_columns.h"

#include <map>
#include <stdexcept>

#include "api/schema.h"

namespace haku {

namespace {

std::mutex registry_mu;
std::map<std::string, std::weak_ptr<FacetColumns>>& registry() {
  static std::map<std::string, std::weak_ptr<FacetColumns>> r;
  return r;
}

FacetColumn read_column(Xapian::Database& d, unsigned slot) {
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
    docs.push_back(it.get_docid());
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

std::string FacetColumns::key_of(const std::string& gen_dir, Xapian::Database& d) {
  return gen_dir + '\x1f' + std::to_string(d.get_revision());
}

std::shared_ptr<FacetColumns> FacetColumns::shared(const std::string& gen_dir, Xapian::Database& d) {
  const std::string key = key_of(gen_dir, d);
  std::lock_guard<std::mutex> lock(registry_mu);
  auto& r = registry();
  for (auto it = r.begin(); it != r.end();) it = it->second.expired() ? r.erase(it) : std::next(it);
  if (auto it = r.find(key); it != r.end())
    if (auto held = it->second.lock()) return held;
  auto made = std::make_shared<FacetColumns>();
  r[key] = made;
  return made;
}

const FacetColumn& FacetColumns::column(unsigned slot, Xapian::Database& d) {
  if (slot >= kMaxSlots) throw std::out_of_range("facet slot out of range");
  std::call_once(once_[slot], [&] { columns_[slot] = read_column(d, slot); });
  return columns_[slot];
}

FacetCounter::FacetCounter(std::vector<const FacetColumn*> columns) : columns_(std::move(columns)) {
  for (const FacetColumn* c : columns_) counts_.emplace_back(c->values.size(), 0);
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
  for (size_t id = 0; id < counts_[i].size(); ++id)
    if (counts_[i][id] != 0) out.emplace(columns_[i]->values[id], counts_[i][id]);
  return out;
}

}  // namespace haku
