// The keyword run (see keyword_search.h).
#include "api/keyword_search.h"

#include <algorithm>
#include <memory>

#include "api/cursor.h"
#include "api/facets_filters.h"
#include "api/hits.h"
#include "api/request_budget.h"
#include "api/ranking.h"
#include "api/schema.h"

namespace haku {

Result<SearchResult> keyword_search(SearchContext& ctx, const Xapian::Query& text_query, bool browse,
                                    const SearchRequest& r, std::optional<Explain> explain,
                                    const Xapian::Query& marks, uint64_t offset) {
  Xapian::Database& d = ctx.db;
  SearchResult res;
  Xapian::Query q = with_filters(text_query, filter_queries(r, ""));
  Xapian::Enquire enq(d);
  enq.set_query(q);
  enq.set_weighting_scheme(keyword_weighting(d));
  bool desc = r.descending.value_or(true);
  SortBy sort = r.sort;
  if (browse && sort == SortBy::relevance) sort = SortBy::start_date;
  switch (sort) {
    case SortBy::relevance:
      if (!desc) enq.set_docid_order(Xapian::Enquire::DESCENDING);
      break;
    case SortBy::start_date: enq.set_sort_by_value_then_relevance(schema::kSlotStart, desc); break;
    case SortBy::end_date: enq.set_sort_by_value_then_relevance(schema::kSlotEnd, desc); break;
    case SortBy::budget: enq.set_sort_by_value_then_relevance(schema::kSlotBudget, desc); break;
    case SortBy::eu_contribution: enq.set_sort_by_value_then_relevance(schema::kSlotEu, desc); break;
  }
  // With facets, the ranked pass visits every match: it counts the facets nobody filters on and
  // makes the total exact, instead of a second pass for each.
  std::unique_ptr<FacetCounter> counter;
  Xapian::doccount check_at_least = kExactBelow;
  if (!r.facets.empty()) {
    // Not over remote shards: with a sort by value, xapian-tcpsrv's spies (1.4.22) count some matches
    // twice; count_facets counts them in a pass of its own, unsorted.
    if (ctx.gen().all_local()) {
      counter = facet_counter(ctx.gen(), plain_facets(r));
      counter->attach(enq);
    }
    check_at_least = std::max(check_at_least, d.get_doccount());
  }
  Xapian::MSet mset;
  try {
    mset = bounded_mset(enq, ctx.deadline, static_cast<Xapian::doccount>(offset), r.per_page, check_at_least);
  } catch (const DeadlinePassed&) {
    // Abandoned at the hard deadline: no page, no facets; the total is unknown.
    ctx.cut.insert("match");
    res.total = 0;
    res.total_exact = false;
    if (explain) {
      explain->parsed_query = q.get_description();
      res.explain = std::move(explain);
    }
    return res;
  }
  // The time limit stopped the matcher counting beyond the page: totals and facets are short.
  if (ctx.deadline.passed()) ctx.cut.insert(r.facets.empty() ? "match" : "facets");
  res.total = mset.get_matches_estimated();
  res.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
  if (!res.total_exact) res.total = mset.get_matches_lower_bound();
  const double max_w = mset.get_max_attained() > 0 ? mset.get_max_attained() : 1.0;
  for (auto it = mset.begin(); it != mset.end(); ++it)
    res.hits.push_back(make_hit(ctx, it.get_document(), *it, browse ? 1.0 : it.get_weight() / max_w, marks, r.snippet_bytes));
  if (offset + mset.size() < res.total && mset.size() == r.per_page)
    res.next_cursor = make_cursor(ctx.gen().name(), offset + r.per_page, r, ctx.gen().cursor_key());
  res.facets = count_facets(ctx, text_query, r, counter.get());
  if (!r.facets.empty() && !res.total_exact && ctx.may_run("match")) {
    // Not expected (the pass above checked every match); counted exactly as the API promises.
    Xapian::Enquire e2(d);
    e2.set_query(q);
    e2.set_weighting_scheme(counting_weighting());
    Xapian::MSet all = bounded_mset(e2, ctx.deadline, 0, 0, d.get_doccount());
    res.total = all.get_matches_estimated();
    res.total_exact = true;
  }
  if (explain) {
    explain->parsed_query = q.get_description();
    res.explain = std::move(explain);
  }
  return res;
}

bool any_match(Xapian::Database& d, const Xapian::Query& q) {
  Xapian::Enquire enq(d);
  enq.set_query(q);
  enq.set_weighting_scheme(counting_weighting());
  return enq.get_mset(0, 1).size() > 0;
}

std::pair<uint64_t, bool> count_matches(Xapian::Database& d, const Xapian::Query& q, bool exact) {
  Xapian::Enquire enq(d);
  enq.set_query(q);
  enq.set_weighting_scheme(counting_weighting());
  Xapian::MSet m = enq.get_mset(0, 0, exact ? d.get_doccount() : kExactBelow);
  bool is_exact = m.get_matches_lower_bound() == m.get_matches_upper_bound();
  return {is_exact ? m.get_matches_estimated() : m.get_matches_lower_bound(), is_exact};
}

}  // namespace haku
