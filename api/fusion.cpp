// Similar words, hybrid and semantic search (see fusion.h).
#include "api/fusion.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "api/cursor.h"
#include "api/facets_filters.h"
#include "api/hits.h"
#include "api/keyword_search.h"
#include "api/ranking.h"
#include "api/request_budget.h"
#include "api/schema.h"
#include "api/semantic.h"

namespace haku {

namespace {

// Semantic layer at query time (how search uses it: api/semantic.h).
constexpr size_t kSemanticK = 100;          // vector candidates per query (independent of the page: stable pages)
constexpr float kMinSimilarity = 0.30f;     // cosine floor of a vector candidate
constexpr float kSimilarityBand = 0.50f;    // ... and at most this far below the best candidate
constexpr double kRrfK = 60;                // a rank r scores 1 / (kRrfK + r), as in reciprocal rank fusion
constexpr double kKeywordWeight = 1.0;      // scale of the fused scores
constexpr Xapian::doccount kFuseDepth = 1000;  // keyword ranks fused exactly; deeper ones keep keyword order
constexpr size_t kSimilarPerWord = 3;       // similar words added per query word
constexpr float kSimilarWordMin = 0.75f;    // their cosine floor
constexpr double kSimilarWeight = 0.3;      // their weight relative to the word itself

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::string id_term_of(Xapian::Database& d, Xapian::docid id) {
  try {
    Xapian::TermIterator t = d.termlist_begin(id);
    t.skip_to(std::string(schema::kId));
    if (t != d.termlist_end(id) && (*t).rfind(schema::kId, 0) == 0) return *t;
  } catch (const Xapian::DocNotFoundError&) {
  }
  return {};
}

struct SemanticCandidates {
  std::vector<SemanticHit> hits;      // above the similarity floor, best first (filters not applied)
  std::vector<std::string> id_terms;  // Q terms of `hits`
  float floor = 0;
  float confident = 0;  // hybrid: the lowest confident similarity over the query's vectors (0: none)
};

// The query and its translation into each language are embedded separately (a record written in one
// language is near the words of that language); a record's similarity is its best over those vectors.
// `confident_only` (hybrid): a record is a candidate only where one of the vectors singles it out
// (SemanticIndex::confident_similarity), so the vector side adds evidence, never padding.
SemanticCandidates semantic_candidates(SearchContext& ctx, const SemanticIndex& sem, const std::string& q,
                                       const std::map<std::string, std::vector<std::string>>& translations,
                                       bool confident_only) {
  SemanticCandidates out;
  auto content = [&](const std::vector<std::string>& texts) {
    std::vector<std::string> words;
    for (const auto& t : texts)
      for (auto& w : semantic_words(ctx.analyzer, t))
        if (content_word(ctx.analyzer, w)) words.push_back(std::move(w));
    return words;
  };
  std::vector<std::vector<float>> vectors;
  vectors.push_back(sem.embed(content({q})));
  for (const auto& [lang, texts] : translations) vectors.push_back(sem.embed(content(texts)));
  std::unordered_map<uint32_t, float> best;
  for (const auto& v : vectors) {
    if (v.empty()) continue;
    float threshold = -1;
    if (confident_only) {
      threshold = sem.confident_similarity(v);
      out.confident = out.confident == 0 ? threshold : std::min(out.confident, threshold);
    }
    for (const SemanticHit& h : sem.nearest_records(v, kSemanticK)) {
      if (h.similarity < threshold) break;  // best first
      auto [it, inserted] = best.emplace(h.docid, h.similarity);
      if (!inserted) it->second = std::max(it->second, h.similarity);
    }
  }
  std::vector<SemanticHit> hits;
  for (const auto& [id, sim] : best) hits.push_back({id, sim});
  std::sort(hits.begin(), hits.end(), [](const SemanticHit& a, const SemanticHit& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.docid < b.docid;
  });
  if (hits.size() > kSemanticK) hits.resize(kSemanticK);
  if (hits.empty()) return out;
  out.floor = std::max(kMinSimilarity, hits[0].similarity - kSimilarityBand);
  for (const auto& h : hits) {
    if (h.similarity < out.floor) break;
    std::string t = id_term_of(ctx.db, h.docid);
    if (t.empty()) continue;
    out.hits.push_back(h);
    out.id_terms.push_back(std::move(t));
  }
  return out;
}

// Records whose title or implementer is the query (normalised), or whose id is the query.
std::vector<std::string> exact_match_terms(Xapian::Database& d, const std::string& q) {
  std::vector<std::string> out;
  const std::string norm = normalize(q);
  if (norm.empty()) return out;
  for (std::string_view prefix : {schema::kTitleSuggest, schema::kImplementerSuggest}) {
    std::string t = std::string(prefix) + norm;
    if (t.size() > 240) t.resize(240);
    if (d.term_exists(t)) out.push_back(t);
  }
  std::string id = std::string(schema::kId) + trim(q);
  if (d.term_exists(id)) out.push_back(id);
  return out;
}

}  // namespace

bool content_word(Analyzer& analyzer, const std::string& w) {
  for (Lang l : kAllLangs)
    if (analyzer.is_stopword(w, l)) return false;
  return true;
}

SimilarWords similar_words(SearchContext& ctx, const SemanticIndex& sem, const std::vector<std::string>& words,
                           const std::set<std::string>& query_terms, std::vector<ExplainTerm>* explain,
                           std::vector<std::string>* also) {
  std::vector<Xapian::Query> confident, weak;
  std::set<std::string> seen(words.begin(), words.end());
  for (const auto& w : words) {
    if (w.size() < 4 || !content_word(ctx.analyzer, w) || w.find_first_not_of("0123456789") == std::string::npos)
      continue;
    if (!sem.knows(w)) continue;  // nonsense gets neighbours too, from its subword n-grams
    size_t added = 0;
    for (const auto& sw : sem.similar_words(w, kSimilarPerWord * 3, kSimilarWordMin)) {
      if (added >= kSimilarPerWord) break;
      if (seen.count(sw.word) || query_terms.count(sw.word) || !content_word(ctx.analyzer, sw.word) ||
          !ctx.db.term_exists(sw.word))
        continue;
      seen.insert(sw.word);
      ++added;
      (sw.confident ? confident : weak).emplace_back(sw.word);
      explain->push_back({w, "", sw.confident ? "similar" : "similar_weight", sw.word});
      if (sw.confident) also->push_back(sw.word);
    }
  }
  auto scaled = [](const std::vector<Xapian::Query>& alts) {
    if (alts.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end()),
                         kSimilarWeight);
  };
  return {scaled(confident), scaled(weak)};
}

Result<SearchResult> fused_search(SearchContext& ctx, const Xapian::Query& keyword_query, const SearchRequest& r,
                                  std::optional<Explain> explain, const Xapian::Query& marks,
                                  uint64_t offset, const SemanticIndex& sem,
                                  const std::map<std::string, std::vector<std::string>>& translations) {
  Xapian::Database& d = ctx.db;
  const bool hybrid = r.mode == SearchMode::hybrid;
  const std::vector<Xapian::Query> filters = filter_queries(r, "");
  // Past the deadline the vector side is left out: the keyword ranking alone.
  SemanticCandidates sc =
      ctx.may_run("semantic") ? semantic_candidates(ctx, sem, r.q, translations, hybrid) : SemanticCandidates{};
  std::vector<std::string> exact_terms = hybrid ? exact_match_terms(d, r.q) : std::vector<std::string>{};
  std::vector<Xapian::Query> extra;
  for (const auto& t : sc.id_terms) extra.emplace_back(t);
  for (const auto& t : exact_terms) extra.emplace_back(t);
  Xapian::Query extra_q = extra.empty() ? Xapian::Query::MatchNothing
                                        : Xapian::Query(Xapian::Query::OP_OR, extra.begin(), extra.end());
  // The fused set, before filters: facets count over it (multi-select), totals over it filtered.
  Xapian::Query base = !hybrid         ? extra_q
                       : extra.empty() ? keyword_query
                                       : Xapian::Query(Xapian::Query::OP_OR, keyword_query, extra_q);
  if (explain) {
    explain->notes.push_back(
        std::string(hybrid ? "hybrid: keyword matches in keyword order, then the confident vector matches the words missed"
                           : "semantic: records ranked by vector similarity to the query") +
        "; " + std::to_string(sc.hits.size()) + " vector candidates with similarity >= " +
        std::to_string(sc.floor).substr(0, 4) +
        (hybrid ? " (confident: >= " + std::to_string(sc.confident).substr(0, 4) +
                      ", above what the best of this generation's records unrelated to the query would reach)" +
                      "; exact title, implementer or id matches first"
                : std::string()));
  }
  if (r.sort != SortBy::relevance) return keyword_search(ctx, base, false, r, std::move(explain), marks, offset);

  // Which vector candidates and exact matches pass the filters.
  std::set<Xapian::docid> allowed;
  if (!extra.empty()) {
    Xapian::Enquire enq(d);
    enq.set_query(with_filters(extra_q, filters));
    enq.set_weighting_scheme(counting_weighting());
    Xapian::MSet m = bounded_mset(enq, ctx.deadline, 0, d.get_doccount());
    for (auto it = m.begin(); it != m.end(); ++it) allowed.insert(*it);
  }
  std::unordered_map<Xapian::docid, size_t> srank;
  std::unordered_map<Xapian::docid, float> ssim;
  for (const auto& h : sc.hits) {
    if (!allowed.count(h.docid)) continue;
    srank.emplace(h.docid, srank.size());
    ssim.emplace(h.docid, h.similarity);
  }
  std::set<Xapian::docid> exact;
  for (const auto& t : exact_terms)
    for (auto p = d.postlist_begin(t); p != d.postlist_end(t); ++p)
      if (allowed.count(*p)) exact.insert(*p);

  // Keyword ranking, to kFuseDepth.
  std::unordered_map<Xapian::docid, size_t> krank;
  std::vector<Xapian::docid> klist;
  std::optional<Xapian::Enquire> kenq;
  bool keyword_tail = false;
  if (hybrid) {
    kenq.emplace(d);
    kenq->set_query(with_filters(keyword_query, filters));
    kenq->set_weighting_scheme(keyword_weighting(d));
    Xapian::MSet m;
    try {
      m = bounded_mset(*kenq, ctx.deadline, 0, kFuseDepth, kFuseDepth + 1);
    } catch (const DeadlinePassed&) {
      ctx.cut.insert("match");  // the vector candidates alone
    }
    for (auto it = m.begin(); it != m.end(); ++it) {
      krank.emplace(*it, klist.size());
      klist.push_back(*it);
    }
    keyword_tail = m.get_matches_lower_bound() > kFuseDepth;
  }

  struct Fused {
    Xapian::docid id;
    double score;
    bool exact;
  };
  std::vector<Fused> head;
  std::set<Xapian::docid> in_head;
  auto add = [&](Xapian::docid id) {
    if (!in_head.insert(id).second) return;
    double score = 0;
    if (!hybrid) {
      score = ssim[id];
    } else {
      // The words' order stands: measured on the judged sets, letting the vector rank reorder the
      // keyword matches (reciprocal rank fusion, even of confident candidates only) cost MRR@10
      // (sample 0.811 -> 0.782). A confident candidate the words missed follows the keyword matches,
      // by similarity, as if it ranked next in the keyword list.
      if (auto k = krank.find(id); k != krank.end())
        score = kKeywordWeight / (kRrfK + double(k->second) + 1);
      else if (auto s = srank.find(id); s != srank.end())
        score = kKeywordWeight / (kRrfK + double(klist.size() + s->second) + 1);
    }
    head.push_back({id, score, exact.count(id) > 0});
  };
  for (auto id : klist) add(id);
  for (const auto& [id, rank] : srank) add(id);
  for (auto id : exact) add(id);
  std::sort(head.begin(), head.end(), [&](const Fused& a, const Fused& b) {
    if (a.exact != b.exact) return a.exact;
    if (a.exact) {
      auto ka = krank.find(a.id), kb = krank.find(b.id);
      size_t ra = ka == krank.end() ? SIZE_MAX : ka->second, rb = kb == krank.end() ? SIZE_MAX : kb->second;
      if (ra != rb) return ra < rb;
      return a.id < b.id;
    }
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });

  SearchResult res;
  // With facets, one pass over the filtered fused set gives the exact total and the facets nobody
  // filters on.
  std::unique_ptr<FacetCounter> counter;
  if (r.facets.empty()) {
    auto [total, exact_total] = count_matches(d, with_filters(base, filters), false);
    res.total = total;
    res.total_exact = exact_total;
  } else {
    counter = facet_counter(ctx.gen(), plain_facets(r));
    Xapian::Enquire enq(d);
    enq.set_query(with_filters(base, filters));
    enq.set_weighting_scheme(counting_weighting());
    counter->attach(enq);
    try {
      Xapian::MSet m = bounded_mset(enq, ctx.deadline, 0, 0, d.get_doccount());
      res.total = m.get_matches_estimated();
      res.total_exact = m.get_matches_lower_bound() == m.get_matches_upper_bound();
    } catch (const DeadlinePassed&) {
      res.total = head.size();
      res.total_exact = false;
    }
    if (ctx.deadline.passed()) ctx.cut.insert("facets");
  }

  // The page: from the fused head, then (deep pages) from the keyword ranking below kFuseDepth, in
  // keyword order, leaving out what the head already holds.
  std::vector<std::pair<Xapian::docid, double>> page;
  const uint64_t end = offset + r.per_page;
  for (uint64_t pos = offset; pos < end && pos < head.size(); ++pos)
    page.emplace_back(head[pos].id, head[pos].exact ? -1.0 : head[pos].score);
  if (end > head.size() && keyword_tail && kenq) {
    const uint64_t skip = offset > head.size() ? offset - head.size() : 0;
    const uint64_t need = end - std::max<uint64_t>(offset, head.size());
    Xapian::MSet m = bounded_mset(*kenq, ctx.deadline, kFuseDepth, static_cast<Xapian::doccount>(skip + need + in_head.size()));
    uint64_t tail_pos = 0;
    for (auto it = m.begin(); it != m.end() && page.size() < r.per_page; ++it) {
      if (in_head.count(*it)) continue;
      if (tail_pos++ < skip) continue;
      page.emplace_back(*it, kKeywordWeight / (kRrfK + double(kFuseDepth + tail_pos)));
    }
  }
  double top = 0;  // the best fused score of a record that is not an exact match
  for (const auto& f : head)
    if (!f.exact) {
      top = f.score;
      break;
    }
  if (top <= 0) top = 1;
  for (const auto& [id, score] : page)
    res.hits.push_back(make_hit(ctx, d.get_document(id), id, score < 0 ? 1.0 : std::min(1.0, score / top), marks,
                                r.snippet_bytes));
  if (offset + res.hits.size() < res.total && res.hits.size() == r.per_page)
    res.next_cursor = make_cursor(ctx.gen().name(), offset + r.per_page, r, ctx.gen().cursor_key());
  res.facets = count_facets(ctx, base, r, counter.get());
  if (explain) {
    explain->parsed_query = with_filters(base, filters).get_description();
    res.explain = std::move(explain);
  }
  return res;
}

}  // namespace haku
