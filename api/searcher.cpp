// Searcher: queries, facets, paging, snippets, suggestions and more-like-this over the published
// generation (see searcher.h).
#include "api/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>
#include <unordered_map>

#include "api/facet_columns.h"
#include "api/generations.h"
#include "api/query_builder.h"
#include "api/schema.h"
#include "api/semantic.h"
#include "api/snippet.h"

namespace haku {

namespace {

constexpr uint32_t kMaxPerPage = 100;
constexpr Xapian::doccount kExactBelow = 10000;  // totals are exact at least up to this many matches

// Semantic layer at query time (how search uses it: api/semantic.h).
constexpr size_t kSemanticK = 100;          // vector candidates per query (independent of the page: stable pages)
constexpr float kMinSimilarity = 0.30f;     // cosine floor of a vector candidate
constexpr float kSimilarityBand = 0.50f;    // ... and at most this far below the best candidate
constexpr double kRrfK = 60;                // reciprocal rank fusion constant
constexpr double kKeywordWeight = 1.0;      // weights of the two rankings in the fusion
constexpr double kSemanticWeight = 1.0;
constexpr Xapian::doccount kFuseDepth = 1000;  // keyword ranks fused exactly; deeper ones keep keyword order
constexpr size_t kSimilarPerWord = 3;       // similar words added per query word
constexpr float kSimilarWordMin = 0.75f;    // their cosine floor
constexpr double kSimilarWeight = 0.3;      // their weight relative to the word itself

// Query syntax beyond plain words (phrases, operators, fields, wildcards): ranked by keywords only, so
// the syntax keeps its exact meaning.
bool is_structured(const std::string& q) {
  if (q.find_first_of("\"*:()") != std::string::npos) return true;
  size_t start = 0;
  while (start < q.size()) {
    size_t end = q.find_first_of(" \t\r\n", start);
    std::string w = q.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!w.empty() && (w[0] == '-' || w[0] == '+')) return true;
    if (w == "AND" || w == "OR" || w == "NOT" || w == "NEAR" || w == "XOR") return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

bool is_iso_date(const std::string& s) { return !schema::date_key(s).empty(); }

std::string today_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

// FNV-1a, stable across builds (cursors outlive a process).
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Everything of a request that defines its result list (not the page).
std::string request_fingerprint(const SearchRequest& r) {
  std::string f = r.q + '\x1e' + r.lang + '\x1e';
  for (const auto& [k, v] : r.filters) f += k + ':' + v + '\x1f';
  auto num = [](const std::optional<double>& d) { return d ? std::to_string(*d) : std::string("-"); };
  f += num(r.budget_min) + num(r.budget_max) + num(r.eu_min) + num(r.eu_max);
  f += r.start_from + r.start_to + r.end_from + r.end_to + (r.ongoing ? "o" + r.today : "");
  f += std::to_string(static_cast<int>(r.sort)) + (r.descending ? (*r.descending ? "d" : "a") : "-");
  f += std::to_string(r.per_page) + std::to_string(static_cast<int>(r.mode)) + (r.expand ? "e" : "");
  return f;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Cursor: "<generation>~<offset>~<fingerprint hash>".
std::string make_cursor(const std::string& gen, uint64_t offset, const SearchRequest& r) {
  return gen + "~" + std::to_string(offset) + "~" + hex(fnv1a(request_fingerprint(r)));
}

bool parse_cursor(const std::string& c, const SearchRequest& r, std::string* gen, uint64_t* offset) {
  size_t a = c.find('~');
  size_t b = a == std::string::npos ? a : c.find('~', a + 1);
  if (b == std::string::npos) return false;
  *gen = c.substr(0, a);
  if (gen->rfind("gen-", 0) != 0 || gen->find('/') != std::string::npos) return false;
  std::string off = c.substr(a + 1, b - a - 1);
  if (off.empty() || off.size() > 12 || off.find_first_not_of("0123456789") != std::string::npos) return false;
  *offset = std::stoull(off);
  return c.substr(b + 1) == hex(fnv1a(request_fingerprint(r)));
}

Status invalid(const std::string& param, const std::string& message) {
  return Status::error(StatusCode::invalid_argument, message, param);
}

Status validate(const SearchRequest& r) {
  if (r.lang != "auto" && !parse_lang(r.lang)) return invalid("lang", "lang must be fi, sv, en or auto");
  if (r.per_page < 1 || r.per_page > kMaxPerPage) return invalid("per_page", "per_page must be 1..100");
  if (r.page < 1) return invalid("page", "page must be 1 or more");
  if (static_cast<uint64_t>(r.page) * r.per_page > 1'000'000)
    return invalid("page", "page is too deep: use cursor for deep paging");
  for (const auto& [facet, value] : r.filters) {
    if (!schema::find_facet(facet)) return invalid("filter", "unknown facet '" + facet + "' in filter");
    if (value.empty()) return invalid("filter", "filter '" + facet + "' has no value");
  }
  for (const auto& f : r.facets)
    if (!schema::find_facet(f)) return invalid("facets", "unknown facet '" + f + "'");
  const std::pair<const char*, const std::string*> dates[] = {
      {"start_from", &r.start_from}, {"start_to", &r.start_to}, {"end_from", &r.end_from}, {"end_to", &r.end_to}};
  for (const auto& [name, v] : dates)
    if (!v->empty() && !is_iso_date(*v)) return invalid(name, std::string(name) + " must be an ISO date (YYYY-MM-DD)");
  if (!r.today.empty() && !is_iso_date(r.today)) return invalid("today", "today must be an ISO date");
  if (r.q.size() > 4096) return invalid("q", "q is longer than 4096 bytes");
  return Status::ok();
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

// All filters of a request, except the facet named `skip` (for multi-select facet counts).
std::vector<Xapian::Query> filter_queries(const SearchRequest& r, const std::string& skip) {
  std::vector<Xapian::Query> out;
  std::vector<std::pair<std::string, std::vector<Xapian::Query>>> by_facet;
  for (const auto& [facet, value] : r.filters) {
    if (facet == skip) continue;
    const schema::FacetSpec* spec = schema::find_facet(facet);
    auto it = std::find_if(by_facet.begin(), by_facet.end(), [&](auto& e) { return e.first == facet; });
    if (it == by_facet.end()) it = by_facet.insert(by_facet.end(), {facet, {}});
    it->second.emplace_back(schema::facet_term(*spec, value));
  }
  for (auto& [facet, terms] : by_facet) out.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
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

}  // namespace

struct Searcher::Impl {
  SearcherOptions options;
  std::string gen;
  Xapian::Database db;
  std::optional<std::pair<std::string, Xapian::Database>> pinned;  // an older generation a cursor names
  std::unique_ptr<Analyzer> analyzer;
  std::shared_ptr<const TranslationTable> translations;  // nullptr: no cross-lingual expansion
  std::optional<uint64_t> term_count;  // cached for info()
  std::shared_ptr<const SemanticIndex> semantic;  // of `gen`; nullptr: keyword ranking only
  std::optional<std::pair<std::string, std::shared_ptr<const SemanticIndex>>> pinned_semantic;
  // Facet columns of the revisions in use (current and a cursor's older generation), by key.
  std::vector<std::pair<std::string, std::shared_ptr<FacetColumns>>> facet_columns;

  std::shared_ptr<const SemanticIndex> load_semantic(const std::string& g) {
    const std::string gen_dir = options.index_dir + "/" + g;
    if (options.semantic_cache) return options.semantic_cache->get(gen_dir);
    auto loaded = SemanticIndex::load(gen_dir);
    return loaded ? loaded.value() : nullptr;
  }

  // The semantic layer of the generation a cursor refers to.
  std::shared_ptr<const SemanticIndex> semantic_for(const std::string& cursor_gen) {
    if (cursor_gen.empty() || cursor_gen == gen) return semantic;
    if (!pinned_semantic || pinned_semantic->first != cursor_gen)
      pinned_semantic.emplace(cursor_gen, load_semantic(cursor_gen));
    return pinned_semantic->second;
  }

  Status open_current() {
    std::string cur = generations::current(options.index_dir);
    if (cur.empty()) return Status::error(StatusCode::unavailable, "no index is published yet");
    try {
      db = Xapian::Database(generations::database_path(options.index_dir, cur));
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::corrupt, "cannot open index generation " + cur + ": " + e.get_description());
    }
    gen = cur;
    term_count.reset();
    semantic = load_semantic(cur);
    return Status::ok();
  }

  // The database a cursor refers to: the current one, or a retained older generation.
  Result<Xapian::Database*> database_for(const std::string& cursor_gen) {
    if (cursor_gen.empty() || cursor_gen == gen) return &db;
    if (pinned && pinned->first == cursor_gen) return &pinned->second;
    try {
      Xapian::Database old(generations::database_path(options.index_dir, cursor_gen));
      pinned.emplace(cursor_gen, old);
      return &pinned->second;
    } catch (const Xapian::Error&) {
      return invalid("cursor", "the cursor's index generation is gone: start again from page 1");
    }
  }

  Project load(const Xapian::Document& doc) {
    Project p;
    std::string err;
    project_from_json(doc.get_data(), &p, &err);
    return p;
  }

  std::vector<Lang> record_langs(const Project& p) {
    if (auto l = parse_lang(p.lang)) return {*l};
    return {Lang::fi, Lang::sv, Lang::en};
  }

  std::string snippet_for(const Project& p, const SnippetTerms& terms, size_t bytes) {
    std::string best;
    auto consider = [&](const std::string& text, std::vector<Lang> langs) {
      if (text.empty()) return;
      std::string s = make_snippet(*analyzer, text, langs, terms, bytes);
      if (best.empty() || (best.find("<mark>") == std::string::npos && s.find("<mark>") != std::string::npos))
        best = std::move(s);
    };
    consider(p.description, record_langs(p));
    for (const auto& [code, tr] : p.translations) {
      if (best.find("<mark>") != std::string::npos) break;
      auto l = parse_lang(code);
      consider(tr.description, l ? std::vector<Lang>{*l} : record_langs(p));
    }
    if (best.find("<mark>") == std::string::npos) {
      std::string t = make_snippet(*analyzer, p.title, record_langs(p), terms, bytes);
      if (t.find("<mark>") != std::string::npos && p.description.empty()) best = t;
    }
    return best;
  }

  // The facet columns of the revision `d` has open (shared with the process's other Searchers).
  FacetColumns& columns_for(Xapian::Database& d) {
    const std::string& g = (pinned && &d == &pinned->second) ? pinned->first : gen;
    const std::string dir = options.index_dir + "/" + g;
    const std::string key = FacetColumns::key_of(dir, d);
    for (const auto& [k, c] : facet_columns)
      if (k == key) return *c;
    if (facet_columns.size() >= 2) facet_columns.erase(facet_columns.begin());
    facet_columns.emplace_back(key, FacetColumns::shared(dir, d));
    return *facet_columns.back().second;
  }

  // A counter of the named facets over the matches of one pass.
  std::unique_ptr<FacetCounter> facet_counter(Xapian::Database& d, const std::vector<std::string>& names) {
    FacetColumns& columns = columns_for(d);
    std::vector<const FacetColumn*> cols;
    for (const auto& n : names) cols.push_back(&columns.column(schema::facet_slot(*schema::find_facet(n)), d));
    return std::make_unique<FacetCounter>(std::move(cols));
  }

  // The requested facets nobody filters on (counted over the request's own match, so the ranked pass
  // can count them), and those filtered on (each counted without its own filter: multi-select).
  static std::vector<std::string> plain_facets(const SearchRequest& r) {
    std::vector<std::string> plain;
    for (const auto& f : r.facets)
      if (std::none_of(r.filters.begin(), r.filters.end(), [&](auto& kv) { return kv.first == f; }))
        plain.push_back(f);
    return plain;
  }

  // `plain_counted`: the plain facets (plain_facets(r), in that order) already counted over the whole
  // filtered match by the caller's pass; nullptr counts them here.
  std::vector<std::pair<std::string, std::vector<FacetCount>>> count_facets(Xapian::Database& d,
                                                                            const Xapian::Query& base,
                                                                            const SearchRequest& r,
                                                                            const FacetCounter* plain_counted = nullptr) {
    std::vector<std::pair<std::string, std::vector<FacetCount>>> out;
    if (r.facets.empty()) return out;
    const std::vector<std::string> plain = plain_facets(r);
    std::map<std::string, std::unordered_map<std::string, uint64_t>> counts;
    auto run = [&](const std::vector<std::string>& names, const std::string& skip) {
      std::unique_ptr<FacetCounter> counter = facet_counter(d, names);
      Xapian::Enquire enq(d);
      enq.set_query(with_filters(base, filter_queries(r, skip)));
      enq.set_weighting_scheme(Xapian::BoolWeight());
      enq.add_matchspy(counter.get());
      enq.get_mset(0, 0, d.get_doccount());
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

  // One search over `base` (already the text query, or MatchAll for browsing).
  Result<SearchResult> run(const Xapian::Query& text_query, bool browse, const SearchRequest& r,
                           std::optional<Explain> explain, const std::set<std::string>& terms) {
    std::string cursor_gen;
    uint64_t offset = static_cast<uint64_t>(r.page - 1) * r.per_page;
    if (!r.cursor.empty() && !parse_cursor(r.cursor, r, &cursor_gen, &offset))
      return invalid("cursor", "cursor is malformed or belongs to another query");
    auto dbr = database_for(cursor_gen);
    if (!dbr) return dbr.status();
    Xapian::Database& d = *dbr.value();
    const std::string& used_gen = cursor_gen.empty() ? gen : cursor_gen;

    SearchResult res;
    Xapian::Query q = with_filters(text_query, filter_queries(r, ""));
    Xapian::Enquire enq(d);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
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
      counter = facet_counter(d, plain_facets(r));
      enq.add_matchspy(counter.get());
      check_at_least = std::max(check_at_least, d.get_doccount());
    }
    Xapian::MSet mset = enq.get_mset(static_cast<Xapian::doccount>(offset), r.per_page, check_at_least);
    res.total = mset.get_matches_estimated();
    res.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    if (!res.total_exact) res.total = mset.get_matches_lower_bound();
    const double max_w = mset.get_max_attained() > 0 ? mset.get_max_attained() : 1.0;
    const SnippetTerms snippet_terms(terms);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Hit h;
      Xapian::Document doc = it.get_document();
      h.project = load(doc);
      h.id = h.project.id;
      h.score = browse ? 1.0 : it.get_weight() / max_w;
      h.matched_lang = h.project.lang;
      h.snippet = terms.empty() ? std::string() : snippet_for(h.project, snippet_terms, r.snippet_bytes);
      if (h.snippet.empty() && !h.project.description.empty())
        h.snippet = make_snippet(*analyzer, h.project.description, record_langs(h.project), SnippetTerms({}),
                                 r.snippet_bytes);
      res.hits.push_back(std::move(h));
    }
    if (offset + mset.size() < res.total && mset.size() == r.per_page)
      res.next_cursor = make_cursor(used_gen, offset + r.per_page, r);
    res.facets = count_facets(d, text_query, r, counter.get());
    if (!r.facets.empty() && !res.total_exact) {
      // Not expected (the pass above checked every match); counted exactly as the API promises.
      Xapian::Enquire e2(d);
      e2.set_query(q);
      e2.set_weighting_scheme(Xapian::BoolWeight());
      Xapian::MSet all = e2.get_mset(0, 0, d.get_doccount());
      res.total = all.get_matches_estimated();
      res.total_exact = true;
    }
    if (explain) {
      explain->parsed_query = q.get_description();
      res.explain = std::move(explain);
    }
    return res;
  }

  bool content_word(const std::string& w) const {
    for (Lang l : kAllLangs)
      if (analyzer->is_stopword(w, l)) return false;
    return true;
  }

  static bool any_match(Xapian::Database& d, const Xapian::Query& q) {
    Xapian::Enquire enq(d);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    return enq.get_mset(0, 1).size() > 0;
  }

  // Matches of `q`, counted exactly up to kExactBelow (or always, when `exact`).
  static std::pair<uint64_t, bool> count(Xapian::Database& d, const Xapian::Query& q, bool exact) {
    Xapian::Enquire enq(d);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    Xapian::MSet m = enq.get_mset(0, 0, exact ? d.get_doccount() : kExactBelow);
    bool is_exact = m.get_matches_lower_bound() == m.get_matches_upper_bound();
    return {is_exact ? m.get_matches_estimated() : m.get_matches_lower_bound(), is_exact};
  }

  static std::string id_term_of(Xapian::Database& d, Xapian::docid id) {
    try {
      Xapian::TermIterator t = d.termlist_begin(id);
      t.skip_to(std::string(schema::kId));
      if (t != d.termlist_end(id) && (*t).rfind(schema::kId, 0) == 0) return *t;
    } catch (const Xapian::DocNotFoundError&) {
    }
    return {};
  }

  // Similar words of the query's words ("also matching"): corpus words near each word in the vector
  // space that are also index terms. Returned as one query of scaled surface terms.
  Xapian::Query similar_words(const SemanticIndex& sem, Xapian::Database& d, const std::vector<std::string>& words,
                              const std::set<std::string>& query_terms, std::vector<ExplainTerm>* explain,
                              std::vector<std::string>* also) {
    std::vector<Xapian::Query> alts;
    std::set<std::string> seen(words.begin(), words.end());
    for (const auto& w : words) {
      if (w.size() < 4 || !content_word(w) || w.find_first_not_of("0123456789") == std::string::npos) continue;
      if (!sem.knows(w)) continue;  // nonsense gets neighbours too, from its subword n-grams
      size_t added = 0;
      for (const auto& sw : sem.similar_words(w, kSimilarPerWord * 3, kSimilarWordMin)) {
        if (added >= kSimilarPerWord) break;
        if (seen.count(sw.word) || query_terms.count(sw.word) || !content_word(sw.word) || !d.term_exists(sw.word))
          continue;
        seen.insert(sw.word);
        ++added;
        alts.emplace_back(sw.word);
        explain->push_back({w, "", "similar", sw.word});
        also->push_back(sw.word);
      }
    }
    if (alts.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end()),
                         kSimilarWeight);
  }

  struct SemanticCandidates {
    std::vector<SemanticHit> hits;      // above the similarity floor, best first (filters not applied)
    std::vector<std::string> id_terms;  // Q terms of `hits`
    float floor = 0;
  };

  // `translations`: the query words' translations (from the keyword query) by language. The query and
  // its translation into each language are embedded separately (a record written in one language is
  // near the words of that language); a record's similarity is its best over those vectors.
  SemanticCandidates semantic_candidates(Xapian::Database& d, const SemanticIndex& sem, const std::string& q,
                                         const std::map<std::string, std::vector<std::string>>& translations) {
    SemanticCandidates out;
    auto content = [&](const std::vector<std::string>& texts) {
      std::vector<std::string> words;
      for (const auto& t : texts)
        for (auto& w : semantic_words(*analyzer, t))
          if (content_word(w)) words.push_back(std::move(w));
      return words;
    };
    std::vector<std::vector<float>> vectors;
    vectors.push_back(sem.embed(content({q})));
    for (const auto& [lang, texts] : translations) vectors.push_back(sem.embed(content(texts)));
    std::unordered_map<uint32_t, float> best;
    for (const auto& v : vectors) {
      if (v.empty()) continue;
      for (const SemanticHit& h : sem.nearest_records(v, kSemanticK)) {
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
      std::string t = id_term_of(d, h.docid);
      if (t.empty()) continue;
      out.hits.push_back(h);
      out.id_terms.push_back(std::move(t));
    }
    return out;
  }

  // Records whose title or implementer is the query (normalised), or whose id is the query.
  static std::vector<std::string> exact_match_terms(Xapian::Database& d, const std::string& q) {
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

  // Hybrid (keyword and vector rankings fused) or semantic (vector ranking only) search.
  Result<SearchResult> run_fused(const Xapian::Query& keyword_query, const SearchRequest& r,
                                 std::optional<Explain> explain, const std::set<std::string>& terms,
                                 const std::string& cursor_gen, uint64_t offset, Xapian::Database& d,
                                 const SemanticIndex& sem,
                                 const std::map<std::string, std::vector<std::string>>& translations) {
    const bool hybrid = r.mode == SearchMode::hybrid;
    const std::string& used_gen = cursor_gen.empty() ? gen : cursor_gen;
    const std::vector<Xapian::Query> filters = filter_queries(r, "");
    SemanticCandidates sc = semantic_candidates(d, sem, r.q, translations);
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
          std::string(hybrid ? "hybrid: keyword and vector rankings fused by reciprocal rank fusion (k=60)"
                             : "semantic: records ranked by vector similarity to the query") +
          "; " + std::to_string(sc.hits.size()) + " vector candidates with similarity >= " +
          std::to_string(sc.floor).substr(0, 4) + (hybrid ? "; exact title, implementer or id matches first" : ""));
    }
    if (r.sort != SortBy::relevance) return run(base, false, r, std::move(explain), terms);

    // Which vector candidates and exact matches pass the filters.
    std::set<Xapian::docid> allowed;
    if (!extra.empty()) {
      Xapian::Enquire enq(d);
      enq.set_query(with_filters(extra_q, filters));
      enq.set_weighting_scheme(Xapian::BoolWeight());
      Xapian::MSet m = enq.get_mset(0, d.get_doccount());
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
      kenq->set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
      Xapian::MSet m = kenq->get_mset(0, kFuseDepth, kFuseDepth + 1);
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
        if (auto k = krank.find(id); k != krank.end()) score += kKeywordWeight / (kRrfK + double(k->second) + 1);
        if (auto s = srank.find(id); s != srank.end()) score += kSemanticWeight / (kRrfK + double(s->second) + 1);
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
      auto [total, exact_total] = count(d, with_filters(base, filters), false);
      res.total = total;
      res.total_exact = exact_total;
    } else {
      counter = facet_counter(d, plain_facets(r));
      Xapian::Enquire enq(d);
      enq.set_query(with_filters(base, filters));
      enq.set_weighting_scheme(Xapian::BoolWeight());
      enq.add_matchspy(counter.get());
      Xapian::MSet m = enq.get_mset(0, 0, d.get_doccount());
      res.total = m.get_matches_estimated();
      res.total_exact = true;
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
      Xapian::MSet m = kenq->get_mset(kFuseDepth, static_cast<Xapian::doccount>(skip + need + in_head.size()));
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
    const SnippetTerms snippet_terms(terms);
    for (const auto& [id, score] : page) {
      Hit h;
      h.project = load(d.get_document(id));
      h.id = h.project.id;
      h.score = score < 0 ? 1.0 : std::min(1.0, score / top);
      h.matched_lang = h.project.lang;
      h.snippet = terms.empty() ? std::string() : snippet_for(h.project, snippet_terms, r.snippet_bytes);
      if (h.snippet.empty() && !h.project.description.empty())
        h.snippet = make_snippet(*analyzer, h.project.description, record_langs(h.project), SnippetTerms({}),
                                 r.snippet_bytes);
      res.hits.push_back(std::move(h));
    }
    if (offset + res.hits.size() < res.total && res.hits.size() == r.per_page)
      res.next_cursor = make_cursor(used_gen, offset + r.per_page, r);
    res.facets = count_facets(d, base, r, counter.get());
    if (explain) {
      explain->parsed_query = with_filters(base, filters).get_description();
      res.explain = std::move(explain);
    }
    return res;
  }

  std::optional<std::string> spelling(const std::vector<std::string>& words) {
    bool changed = false;
    std::string out;
    for (const auto& w : words) {
      std::string s = db.get_spelling_suggestion(w, w.size() > 6 ? 2 : 1);
      if (!s.empty() && s != w) changed = true;
      if (!out.empty()) out += ' ';
      out += s.empty() ? w : s;
    }
    if (!changed) return std::nullopt;
    return out;
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const SearcherOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (Status s = impl->open_current(); !s) return s;
  AnalyzerOptions ao;
  ao.data_dir = options.data_dir;
  impl->analyzer = std::make_unique<Analyzer>(ao);
  // The generation's own translation table, else the one this build compiled.
  std::string tr_error;
  impl->translations = TranslationTable::load(options.index_dir + "/" + impl->gen + "/translations.bin", &tr_error);
  if (!impl->translations) impl->translations = TranslationTable::load(HAKU_DEFAULT_TRANSLATIONS, &tr_error);
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

bool Searcher::refresh() {
  std::string cur = generations::current(impl_->options.index_dir);
  if (!cur.empty() && cur != impl_->gen) {
    std::string old = impl_->gen;
    Xapian::Database old_db = impl_->db;
    std::shared_ptr<const SemanticIndex> old_semantic = impl_->semantic;
    if (impl_->open_current()) {
      impl_->pinned.emplace(old, old_db);  // pages of a cursor from the old generation stay stable
      impl_->pinned_semantic.emplace(old, std::move(old_semantic));
      return true;
    }
    return false;
  }
  try {
    bool changed = impl_->db.reopen();  // an update made in place
    if (changed) {
      std::string stamp = semantic_stamp(impl_->options.index_dir + "/" + impl_->gen);
      if (!impl_->semantic || impl_->semantic->stamp() != stamp) impl_->semantic = impl_->load_semantic(impl_->gen);
    }
    return changed;
  } catch (const Xapian::Error&) {
    return false;
  }
}

Result<SearchResult> Searcher::search(const SearchRequest& r) {
  const auto t0 = std::chrono::steady_clock::now();
  if (Status s = validate(r); !s) return s;
  try {
    Result<SearchResult> res = Status();
    bool browse = r.q.find_first_not_of(" \t\r\n") == std::string::npos;
    if (browse) {
      std::optional<Explain> ex;
      if (r.explain) ex = Explain{"", {}, false, {}, {"empty query: browsing every record, newest start first"}};
      res = impl_->run(Xapian::Query::MatchAll, true, r, ex, {});
    } else {
      QueryBuilder qb(*impl_->analyzer, impl_->db, impl_->translations.get());
      BuiltQuery bq = qb.build(r.q, r.lang, true);
      std::vector<std::string> notes;
      if (bq.fell_back) notes.push_back("query syntax error (" + bq.parse_error + "): searched as plain words");
      if (bq.query.empty()) {
        bq = qb.build(r.q, r.lang, false);
      }
      // The generation a cursor names: its database and its semantic layer.
      std::string cursor_gen;
      uint64_t offset = static_cast<uint64_t>(r.page - 1) * r.per_page;
      if (!r.cursor.empty() && !parse_cursor(r.cursor, r, &cursor_gen, &offset))
        return invalid("cursor", "cursor is malformed or belongs to another query");
      auto dbr = impl_->database_for(cursor_gen);
      if (!dbr) return dbr.status();
      Xapian::Database& d = *dbr.value();
      std::shared_ptr<const SemanticIndex> sem = impl_->semantic_for(cursor_gen);
      const std::vector<Xapian::Query> filters = filter_queries(r, "");
      // Words combine with AND; when no record has every word, the records that have any of them.
      // Ranked by keywords alone, the search itself tells whether the AND query matched (a total of 0),
      // so it runs first and again with OR only then; fused searches check before they run.
      const bool may_widen = bq.words.size() > 1 && !bq.fell_back;
      auto will_fuse = [&](const BuiltQuery& b) {
        const bool structured = b.fell_back || is_structured(r.q);
        return sem && r.mode != SearchMode::keyword && !(structured && r.mode == SearchMode::hybrid);
      };
      auto widen = [&] {
        bq = qb.build(r.q, r.lang, false);
        notes.push_back("no record matched every word: showing records that match any of them");
      };
      bool any_words = false;
      if (may_widen && will_fuse(bq) && !Impl::any_match(d, with_filters(bq.query, filters))) {
        widen();
        any_words = true;
      }
      // One search of `bq`; `last`: no OR search may follow (so "did you mean" is worth looking up).
      auto attempt = [&](bool last) -> Result<SearchResult> {
        std::vector<std::string> notes_here = notes;
        std::set<std::string> terms(bq.query.get_unique_terms_begin(), bq.query.get_unique_terms_end());
        const bool structured = bq.fell_back || is_structured(r.q);
        // Similar words: where every word must match they only add weight (the vector side brings
        // records that match by meaning); for one word, or words already OR-ed, they widen the match.
        Xapian::Query kq = bq.query;
        std::vector<ExplainTerm> similar_explain;
        std::vector<std::string> also;
        if (r.expand && sem && r.mode != SearchMode::semantic) {
          Xapian::Query sim = impl_->similar_words(*sem, d, bq.words, terms, &similar_explain, &also);
          if (!sim.empty()) {
            terms.insert(sim.get_unique_terms_begin(), sim.get_unique_terms_end());
            const bool widen_sim = !structured && (any_words || bq.words.size() == 1);
            kq = Xapian::Query(widen_sim ? Xapian::Query::OP_OR : Xapian::Query::OP_AND_MAYBE, kq, sim);
          }
        }
        const bool fused = will_fuse(bq);
        if (!sem && r.mode != SearchMode::keyword)
          notes_here.push_back("no semantic layer in this index generation: keyword ranking only");
        else if (sem && structured && r.mode == SearchMode::hybrid)
          notes_here.push_back("query syntax (phrases, operators, fields): keyword ranking only");
        auto make_explain = [&](const BuiltQuery& b) -> std::optional<Explain> {
          if (!r.explain) return std::nullopt;
          Explain e;
          for (Lang l : b.langs) e.languages.emplace_back(lang_code(l));
          e.detected = b.detected;
          e.terms = b.explain;
          e.terms.insert(e.terms.end(), similar_explain.begin(), similar_explain.end());
          e.notes = notes_here;
          return e;
        };
        std::map<std::string, std::vector<std::string>> translations;  // by language
        for (const auto& t : bq.explain)
          if (t.kind == "translation") translations[t.lang].push_back(t.term);
        Result<SearchResult> out = Status();
        if (fused)
          out = impl_->run_fused(kq, r, make_explain(bq), terms, cursor_gen, offset, d, *sem, translations);
        else
          out = impl_->run(kq, false, r, make_explain(bq), terms);
        if (out) {
          out->also_matching = std::move(also);
          const bool keyword_empty = fused ? !Impl::any_match(d, with_filters(kq, filters)) : out->total == 0;
          if (keyword_empty && last) out->did_you_mean = impl_->spelling(bq.words);
        }
        return out;
      };
      const bool retry = may_widen && !any_words;
      res = attempt(!retry);
      // Not fused (else the check above ran): a total of 0 means no record has every word, the
      // similar words only adding weight there.
      if (retry && res && res->total == 0) {
        widen();
        any_words = true;
        res = attempt(true);
      }
    }
    if (res)
      res->took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return res;
  } catch (const Xapian::DatabaseModifiedError&) {
    impl_->db.reopen();
    return Status::error(StatusCode::unavailable, "the index changed during the query; try again");
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::internal, "search failed: " + e.get_description());
  }
}

Result<Project> Searcher::get(const std::string& id) {
  try {
    Xapian::PostingIterator p = impl_->db.postlist_begin(std::string(schema::kId) + id);
    if (p == impl_->db.postlist_end(std::string(schema::kId) + id))
      return Status::error(StatusCode::not_found, "no project with id '" + id + "'", "id");
    return impl_->load(impl_->db.get_document(*p));
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::internal, "lookup failed: " + e.get_description());
  }
}

namespace {
// Expansion terms for more-like-this: words and stems, not ids, filters or folded forms.
class SimilarDecider : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.empty()) return false;
    unsigned char c = static_cast<unsigned char>(term[0]);
    if (c >= 'A' && c <= 'Z') return term[0] == 'Z' || term[0] == 'L';
    return term.size() > 2 && !(c >= '0' && c <= '9');
  }
};
}  // namespace

Result<SearchResult> Searcher::similar(const std::string& id, const SearchRequest& request) {
  if (Status s = validate(request); !s) return s;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    const std::string idterm = std::string(schema::kId) + id;
    Xapian::PostingIterator p = impl_->db.postlist_begin(idterm);
    if (p == impl_->db.postlist_end(idterm))
      return Status::error(StatusCode::not_found, "no project with id '" + id + "'", "id");
    Xapian::RSet rset;
    rset.add_document(*p);
    Xapian::Enquire enq(impl_->db);
    enq.set_query(Xapian::Query(idterm));
    SimilarDecider decider;
    Xapian::ESet eset = enq.get_eset(40, rset, &decider);
    std::vector<Xapian::Query> terms;
    for (auto t = eset.begin(); t != eset.end(); ++t) terms.emplace_back(*t);
    Xapian::Query q(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                    Xapian::Query(idterm));
    std::set<std::string> tset(q.get_unique_terms_begin(), q.get_unique_terms_end());
    std::optional<Explain> ex;
    if (request.explain) ex = Explain{"", {}, false, {}, {"more like " + id + ": relevance feedback terms"}};
    Result<SearchResult> res = impl_->run(q, false, request, ex, tset);
    if (res)
      res->took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return res;
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::internal, "similar failed: " + e.get_description());
  }
}

Result<std::vector<Suggestion>> Searcher::suggest(const std::string& prefix, const std::string& lang,
                                                  uint32_t limit) {
  if (limit < 1 || limit > 50) return invalid("limit", "limit must be 1..50");
  if (!lang.empty() && lang != "auto" && !parse_lang(lang)) return invalid("lang", "lang must be fi, sv, en or auto");
  const std::string norm = normalize(prefix);
  if (norm.empty()) return invalid("q", "q must hold at least one letter or digit");
  std::vector<Suggestion> out;
  std::set<std::string> seen;
  try {
    auto from_prefix = [&](std::string_view kind_prefix, const char* kind, bool titles) {
      const std::string start = std::string(kind_prefix) + norm;
      size_t looked = 0;
      for (auto t = impl_->db.allterms_begin(start); t != impl_->db.allterms_end(start) && looked < limit * 4u; ++t) {
        ++looked;
        auto pl = impl_->db.postlist_begin(*t);
        if (pl == impl_->db.postlist_end(*t)) continue;
        Project p = impl_->load(impl_->db.get_document(*pl));
        if (titles && !lang.empty() && lang != "auto" && p.lang != lang) continue;
        std::string text = titles ? p.title : p.implementer;
        if (titles && normalize(text).rfind(norm, 0) != 0) {
          for (const auto& [code, tr] : p.translations)
            if (normalize(tr.title).rfind(norm, 0) == 0) text = tr.title;
        }
        if (!seen.insert(std::string(kind) + normalize(text)).second) continue;
        out.push_back({text, kind, titles ? p.id : std::string()});
        if (out.size() >= limit) return;
      }
    };
    from_prefix(schema::kTitleSuggest, "title", true);
    if (out.size() < limit) from_prefix(schema::kImplementerSuggest, "implementer", false);
    if (out.size() < limit) {
      // Frequent words starting with the last word typed, completing the query.
      size_t sp = norm.find_last_of(' ');
      std::string head = sp == std::string::npos ? "" : norm.substr(0, sp + 1);
      std::string last = sp == std::string::npos ? norm : norm.substr(sp + 1);
      std::vector<std::pair<Xapian::doccount, std::string>> words;
      if (!last.empty()) {
        for (auto t = impl_->db.allterms_begin(last); t != impl_->db.allterms_end(last); ++t) {
          words.emplace_back(t.get_termfreq(), *t);
          if (words.size() > 2000) break;
        }
      }
      std::stable_sort(words.begin(), words.end(), [](auto& a, auto& b) { return a.first > b.first; });
      for (const auto& [freq, w] : words) {
        if (out.size() >= limit) break;
        std::string text = head + w;
        if (seen.insert("term" + text).second) out.push_back({text, "term", ""});
      }
    }
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::internal, "suggest failed: " + e.get_description());
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::vector<FacetCount>>>> Searcher::all_facets(const std::string& ui_lang) {
  try {
    SearchRequest r;
    r.facets = facet_names();
    r.ui_lang = ui_lang;
    return impl_->count_facets(impl_->db, Xapian::Query::MatchAll, r);
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::internal, "facets failed: " + e.get_description());
  }
}

IndexInfo Searcher::info() {
  IndexInfo info;
  info.generation = impl_->gen;
  try {
    info.documents = impl_->db.get_doccount();
    if (!impl_->term_count) {
      uint64_t n = 0;
      for (auto t = impl_->db.allterms_begin(); t != impl_->db.allterms_end(); ++t) ++n;
      impl_->term_count = n;
    }
    info.terms = *impl_->term_count;
    for (Lang l : kAllLangs) {
      std::string code(lang_code(l));
      info.per_language[code] = impl_->db.get_termfreq(schema::facet_term(*schema::find_facet("lang"), code));
    }
    if (auto und = impl_->db.get_termfreq(schema::facet_term(*schema::find_facet("lang"), "und")))
      info.per_language["und"] = und;
    std::string features = impl_->db.get_metadata(std::string(schema::kMetaFeatures));
    size_t start = 0;
    while (start < features.size()) {
      size_t comma = features.find(',', start);
      info.features.push_back(features.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    std::string notes = impl_->db.get_metadata(std::string(schema::kMetaNotes));
    start = 0;
    while (start < notes.size()) {
      size_t nl = notes.find('\n', start);
      info.notes.push_back(notes.substr(start, nl == std::string::npos ? nl : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  } catch (const Xapian::Error&) {
  }
  info.size_bytes = generations::disk_size(impl_->options.index_dir + "/" + impl_->gen);
  return info;
}

std::shared_ptr<SemanticCache> make_semantic_cache() { return std::make_shared<SemanticCache>(); }

}  // namespace haku
