// Filters and multi-select facet counts (see facets_filters.h).
#include "api/facets_filters.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "api/ranking.h"
#include "api/request_budget.h"
#include "api/schema.h"

namespace haku {

namespace {

std::string today_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

Xapian::Query date_range(unsigned slot, const std::string& from, const std::string& to) {
  std::string lo = schema::date_key(from), hi = schema::date_key(to);
  if (!lo.empty() && !hi.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
  if (!lo.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
  return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
}

Xapian::Query amount_range(unsigned slot, const std::optional<double>& lo, const std::optional<double>& hi) {
  if (lo && hi)
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, Xapian::sortable_serialise(*lo),
                         Xapian::sortable_serialise(*hi));
  if (lo) return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, Xapian::sortable_serialise(*lo));
  return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, Xapian::sortable_serialise(*hi));
}

}  // namespace

namespace {

// One query per facet: its values OR-ed.
void facet_filters(const std::vector<std::pair<std::string, std::string>>& filters, const std::string& skip,
                   std::vector<Xapian::Query>* out) {
  std::vector<std::pair<std::string, std::vector<Xapian::Query>>> by_facet;
  for (const auto& [facet, value] : filters) {
    if (facet == skip) continue;
    const schema::FacetSpec* spec = schema::find_facet(facet);
    auto it = std::find_if(by_facet.begin(), by_facet.end(), [&](auto& e) { return e.first == facet; });
    if (it == by_facet.end()) it = by_facet.insert(by_facet.end(), {facet, {}});
    it->second.emplace_back(schema::facet_term(*spec, value));
  }
  for (auto& [facet, terms] : by_facet) out->emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

}  // namespace

Xapian::Query scope_query(const std::vector<std::pair<std::string, std::string>>& scope) {
  std::vector<Xapian::Query> parts;
  facet_filters(scope, "", &parts);
  if (parts.empty()) return Xapian::Query::MatchAll;
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

std::vector<Xapian::Query> filter_queries(const SearchRequest& r, const std::string& skip) {
  std::vector<Xapian::Query> out;
  facet_filters(r.scope, "", &out);
  facet_filters(r.filters, skip, &out);
  if (r.budget_min || r.budget_max) out.push_back(amount_range(schema::kSlotBudget, r.budget_min, r.budget_max));
  if (r.eu_min || r.eu_max) out.push_back(amount_range(schema::kSlotEu, r.eu_min, r.eu_max));
  if (!r.start_from.empty() || !r.start_to.empty())
    out.push_back(date_range(schema::kSlotStart, r.start_from, r.start_to));
  if (!r.end_from.empty() || !r.end_to.empty()) out.push_back(date_range(schema::kSlotEnd, r.end_from, r.end_to));
  if (r.ongoing) {
    std::string today = r.today.empty() ? today_iso() : r.today;
    out.push_back(date_range(schema::kSlotStart, "", today));
    out.push_back(date_range(schema::kSlotEnd, today, ""));
  }
  return out;
}

Xapian::Query with_filters(const Xapian::Query& base, const std::vector<Xapian::Query>& filters) {
  if (filters.empty()) return base;
  Xapian::Query f(Xapian::Query::OP_AND, filters.begin(), filters.end());
  return Xapian::Query(Xapian::Query::OP_FILTER, base, f);
}

std::vector<std::string> plain_facets(const SearchRequest& r) {
  std::vector<std::string> plain;
  for (const auto& f : r.facets)
    if (std::none_of(r.filters.begin(), r.filters.end(), [&](auto& kv) { return kv.first == f; }))
      plain.push_back(f);
  return plain;
}

std::unique_ptr<FacetCounter> facet_counter(const Generation& gen, const std::vector<std::string>& names) {
  std::vector<unsigned> slots;
  for (const auto& n : names) slots.push_back(schema::facet_slot(*schema::find_facet(n)));
  if (!gen.all_local()) return std::make_unique<FacetCounter>(slots);
  std::vector<const FacetColumn*> cols;
  for (unsigned slot : slots) cols.push_back(&gen.facet_columns().column(slot));
  return std::make_unique<FacetCounter>(std::move(cols));
}

FacetList count_facets(SearchContext& ctx, const Xapian::Query& base, const SearchRequest& r,
                       const FacetCounter* plain_counted) {
  FacetList out;
  if (r.facets.empty()) return out;
  Xapian::Database& d = ctx.db;
  const std::vector<std::string> plain = plain_facets(r);
  std::map<std::string, std::unordered_map<std::string, uint64_t>> counts;
  auto run = [&](const std::vector<std::string>& names, const std::string& skip) {
    std::unique_ptr<FacetCounter> counter = facet_counter(ctx.gen(), names);
    Xapian::Enquire enq(d);
    enq.set_query(with_filters(base, filter_queries(r, skip)));
    enq.set_weighting_scheme(counting_weighting());
    counter->attach(enq);
    // Past the deadline the counts are over the matches seen until then.
    try {
      bounded_mset(enq, ctx.deadline, 0, 0, d.get_doccount());
    } catch (const DeadlinePassed&) {
      ctx.cut.insert("facets");
    }
    if (ctx.deadline.passed()) ctx.cut.insert("facets");
    for (size_t i = 0; i < names.size(); ++i) counts[names[i]] = counter->counts(i);
  };
  if (plain_counted) {
    for (size_t i = 0; i < plain.size(); ++i) counts[plain[i]] = plain_counted->counts(i);
  } else if (!plain.empty()) {
    run(plain, "");
  }
  for (const auto& f : r.facets)
    if (std::find(plain.begin(), plain.end(), f) == plain.end()) run({f}, f);
  for (const auto& name : r.facets) {
    std::vector<FacetCount> values;
    std::set<std::string> selected;
    // Filter values compare as their terms do (fund:EAKR selects ERDF).
    const schema::FacetSpec& spec = *schema::find_facet(name);
    auto same = [&](const std::string& v) { return schema::facet_term(spec, v); };
    for (const auto& [k, v] : r.filters)
      if (k == name) selected.insert(same(v));
    for (const auto& [value, n] : counts[name]) values.push_back({value, n, selected.count(same(value)) > 0, {}});
    for (const auto& [k, v] : r.filters) {
      if (k != name) continue;
      bool present = std::any_of(values.begin(), values.end(), [&](auto& fc) { return same(fc.value) == same(v); });
      if (!present) values.push_back({v, 0, true, {}});
    }
    std::sort(values.begin(), values.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    // Labels in the interface language (fund ERDF: EAKR / ERUF / ERDF; status).
    for (auto& fc : values) fc.label = schema::facet_label(spec, fc.value, schema::label_language(r.ui_lang, r.lang));
    out.emplace_back(name, std::move(values));
  }
  return out;
}

}  // namespace haku
