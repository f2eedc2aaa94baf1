// Searcher: validates a request, takes the generation it runs on (the served one, or the one its cursor
// names) and a database handle the generation lends it, and hands both to the part that answers it:
// keyword_search, fusion, facets_filters, suggestions, more_like_this (see searcher.h).
#include "api/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include "api/cursor.h"
#include "api/facets_filters.h"
#include "api/fusion.h"
#include "api/generation.h"
#include "api/generation_set.h"
#include "api/hits.h"
#include "api/keyword_search.h"
#include "api/more_like_this.h"
#include "api/query_builder.h"
#include "api/request_budget.h"
#include "api/schema.h"
#include "api/search_context.h"
#include "api/suggestions.h"

namespace haku {

namespace {

constexpr uint32_t kMaxPerPage = 100;

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

bool is_iso_date(const std::string& s) { return !schema::date_key(s).empty(); }

constexpr uint64_t kMaxResultWindow = 1'000'000;

// How far into the result list a page of `r` may end.
uint64_t result_window(const SearchRequest& r) {
  return r.max_result_window > 0 ? std::min(r.max_result_window, kMaxResultWindow) : kMaxResultWindow;
}

Status invalid(const std::string& param, const std::string& message) {
  return Status::error(StatusCode::invalid_argument, message, param);
}

// A scope comes from the server's key file, which checked it already: a bad one is an internal error.
Status validate_scope(const FacetFilters& scope) {
  for (const auto& [facet, value] : scope)
    if (!schema::find_facet(facet) || value.empty())
      return Status::error(StatusCode::internal, "the key's fixed filter '" + facet + ":" + value + "' is invalid");
  return Status::ok();
}

// Whether the record with id term `idterm` lies inside `scope`.
bool in_scope(Xapian::Database& d, const std::string& idterm, const FacetFilters& scope) {
  return scope.empty() || any_match(d, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(idterm), scope_query(scope)));
}

// Whether every word of `text` occurs in a record inside `scope`: the words a scoped answer may show
// (did you mean, similar words) come from its slice only.
bool words_in_scope(Xapian::Database& d, const std::string& text, const FacetFilters& scope) {
  if (scope.empty()) return true;
  const Xapian::Query scope_q = scope_query(scope);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = normalize(std::string_view(text).substr(start, end - start));
    if (!word.empty() && !any_match(d, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(word), scope_q)))
      return false;
    start = end + 1;
  }
  return true;
}

Status validate(const SearchRequest& r) {
  if (r.lang != "auto" && !parse_lang(r.lang)) return invalid("lang", "lang must be fi, sv, en or auto");
  if (r.per_page < 1 || r.per_page > kMaxPerPage) return invalid("per_page", "per_page must be 1..100");
  if (r.page < 1) return invalid("page", "page must be 1 or more");
  if (static_cast<uint64_t>(r.page) * r.per_page > result_window(r))
    return invalid("page", "page x per_page must be at most " + std::to_string(result_window(r)));
  for (const auto& [facet, value] : r.filters) {
    if (!schema::find_facet(facet)) return invalid("filter", "unknown facet '" + facet + "' in filter");
    if (value.empty()) return invalid("filter", "filter '" + facet + "' has no value");
  }
  if (Status s = validate_scope(r.scope); !s) return s;
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

// Where a page starts: the request's page, or its cursor's generation and offset. A cursor is held to
// the result window as pages are.
Result<CursorPosition> position_of(const SearchRequest& r) {
  if (!r.cursor.empty()) {
    auto pos = parse_cursor(r.cursor);
    if (pos && pos->offset + r.per_page > result_window(r))
      return invalid("cursor", "the cursor's page ends beyond result " + std::to_string(result_window(r)) +
                                   " (the deepest a result list may be read): narrow the query");
    return pos;
  }
  CursorPosition pos;
  pos.offset = static_cast<uint64_t>(r.page - 1) * r.per_page;
  return pos;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Explain says which path counted the facets (FacetCounter).
void note_facet_path(const SearchContext& ctx, const SearchRequest& r, Result<SearchResult>& out) {
  if (!out || !out->explain || r.facets.empty()) return;
  out->explain->notes.push_back(ctx.gen().all_local()
                                    ? "facets: counted over in-memory columns (every shard local)"
                                    : "facets: counted by value-count spies on each shard (remote shards)");
}

}  // namespace

struct Searcher::Impl {
  SearcherOptions options;
  std::shared_ptr<GenerationSet> set;
  std::unique_ptr<Analyzer> analyzer;
  std::weak_ptr<const Generation> served;  // what the last refresh() served

  // The generation a request runs on: the served one, or the one its cursor names.
  Result<std::shared_ptr<const Generation>> generation_for(const std::string& cursor_generation) {
    if (!cursor_generation.empty()) return set->find(cursor_generation);
    auto g = set->current();
    if (!g) return Status::error(StatusCode::unavailable, "no index is published yet");
    return g;
  }

  // Runs `body` on a SearchContext for the generation `cursor_generation` names (empty: the served
  // one). Xapian errors become statuses: an update made in place during the request is `unavailable`
  // (try again); a damaged database is reported to the set (which stops serving it) and is `corrupt`.
  template <class T, class F>
  Result<T> run(const std::string& cursor_generation, const char* what, F&& body) {
    auto g = generation_for(cursor_generation);
    if (!g) return g.status();
    std::optional<SearchContext> ctx;
    try {
      ctx.emplace(g.value()->lend(), *analyzer, Deadline(options.request_budget, g.value()->all_local()));
      Result<T> out = body(*ctx);
      if constexpr (std::is_same_v<T, SearchResult>) {
        if (out) out->partial.assign(ctx->cut.begin(), ctx->cut.end());
      }
      return out;
    } catch (const DeadlinePassed&) {
      return Status::error(StatusCode::overloaded, std::string(what) + " ran out of its time budget; try a narrower query");
    } catch (const Xapian::DatabaseModifiedError&) {
      try {
        if (ctx) ctx->db.reopen();
      } catch (const Xapian::Error&) {
        if (ctx) ctx->handle.discard();
      }
      return Status::error(StatusCode::unavailable, "the index changed during the query; try again");
    } catch (const Xapian::DatabaseError& e) {
      set->report_failure(*g.value(), e.get_description());
      if (ctx) ctx->handle.discard();
      return Status::error(StatusCode::corrupt, std::string(what) + " failed: " + e.get_description());
    } catch (const Xapian::NetworkError& e) {
      if (ctx) ctx->handle.discard();
      return without_missing_shards<T>(*g.value(), what, e, body);
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::internal, std::string(what) + " failed: " + e.get_description());
    }
  }

  // A shard did not answer (down, or slower than its timeout): `unavailable` (503) naming the shards
  // that do not answer now, or, with on_failure partial, the other shards' answer flagged partial.
  template <class T, class F>
  Result<T> without_missing_shards(const Generation& g, const char* what, const Xapian::Error& e, F& body) {
    const std::vector<std::string> missing = g.unreachable_shards();
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    const std::string why = missing.empty() ? std::string(what) + " failed: " + e.get_description()
                                            : kShardsDown + names + " (" + what + ")";
    if (missing.empty() || !g.shards().partial_on_failure || missing.size() == g.shards().shards.size())
      return Status::error(StatusCode::unavailable, why);
    try {
      SearchContext ctx(g.lend_without(missing), *analyzer, Deadline(options.request_budget, g.all_local()));
      Result<T> out = body(ctx);
      if constexpr (std::is_same_v<T, SearchResult>) {
        if (out) {
          out->partial.assign(ctx.cut.begin(), ctx.cut.end());
          out->partial.push_back("shards");
          out->missing_shards = missing;
        }
      }
      return out;
    } catch (const DeadlinePassed&) {
      return Status::error(StatusCode::overloaded, std::string(what) + " ran out of its time budget; try a narrower query");
    } catch (const Xapian::Error& again) {
      return Status::error(StatusCode::unavailable, why + "; without them: " + again.get_description());
    }
  }

  Result<SearchResult> search(SearchContext& ctx, const SearchRequest& r, uint64_t offset);
};

// Words combine with AND; when no record has every word, the records that have any of them. Ranked by
// keywords alone, the search itself tells whether the AND query matched (a total of 0), so it runs
// first and again with OR only then; fused searches check before they run.
Result<SearchResult> Searcher::Impl::search(SearchContext& ctx, const SearchRequest& r, uint64_t offset) {
  Xapian::Database& d = ctx.db;
  const bool browse = r.q.find_first_not_of(" \t\r\n") == std::string::npos;
  if (browse) {
    std::optional<Explain> ex;
    if (r.explain) ex = Explain{"", {}, false, {}, {"empty query: browsing every record, newest start first"}};
    return keyword_search(ctx, Xapian::Query::MatchAll, true, r, ex, Xapian::Query(), offset);
  }
  QueryBuilder qb(ctx.analyzer, d, ctx.gen().translations());
  qb.set_xapian_operators_only(!ctx.gen().all_local());
  qb.set_translation_targets(ctx.gen().translation_targets());
  BuiltQuery bq = qb.build(r.q, r.lang, true);
  std::vector<std::string> notes;
  if (bq.fell_back) notes.push_back("query syntax error (" + bq.parse_error + "): searched as plain words");
  if (bq.query.empty()) bq = qb.build(r.q, r.lang, false);
  // Before any match: what the query expands to is bounded (its OR form has the same terms).
  if (const QueryTerms qt = count_query_terms(bq.query, d, kMaxQueryTerms); qt.terms > kMaxQueryTerms)
    return invalid("q", "too many terms after expansion: q expands to more than " + std::to_string(kMaxQueryTerms) +
                            " index terms (the forms and translations of its words, and up to " +
                            std::to_string(kMaxWildcardTerms) + " per wildcard); use fewer words or longer wildcard prefixes");
  const SemanticIndex* sem = ctx.gen().semantic();
  const std::vector<Xapian::Query> filters = filter_queries(r, "");
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
  if (may_widen && will_fuse(bq) && !any_match(d, with_filters(bq.query, filters))) {
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
    // Only the confident ones widen, and only they are marked in the snippets (`marks`).
    Xapian::Query kq = bq.query;
    std::vector<ExplainTerm> similar_explain;
    std::vector<std::string> also;
    Xapian::Query marks = kq;
    if (r.expand && sem && r.mode != SearchMode::semantic && ctx.may_run("similar_words")) {
      SimilarWords sim = similar_words(ctx, *sem, bq.words, terms, &similar_explain, &also);
      if (!sim.confident.empty()) {
        const bool widen_sim = !structured && (any_words || bq.words.size() == 1);
        kq = Xapian::Query(widen_sim ? Xapian::Query::OP_OR : Xapian::Query::OP_AND_MAYBE, kq, sim.confident);
        marks = kq;
      }
      if (!sim.weak.empty()) kq = Xapian::Query(Xapian::Query::OP_AND_MAYBE, kq, sim.weak);
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
      out = fused_search(ctx, kq, r, make_explain(bq), marks, offset, *sem, translations);
    else
      out = keyword_search(ctx, kq, false, r, make_explain(bq), marks, offset);
    if (out) {
      std::erase_if(also, [&](const std::string& w) { return !words_in_scope(d, w, r.scope); });
      out->also_matching = std::move(also);
      const bool keyword_empty = fused ? !any_match(d, with_filters(kq, filters)) : out->total == 0;
      if (keyword_empty && last && ctx.may_run("did_you_mean")) out->did_you_mean = spelling(d, bq.words);
      if (out->did_you_mean && !words_in_scope(d, *out->did_you_mean, r.scope)) out->did_you_mean.reset();
    }
    return out;
  };
  const bool retry = may_widen && !any_words;
  Result<SearchResult> res = attempt(!retry);
  // Not fused (else the check above ran): a total of 0 means no record has every word, the similar
  // words only adding weight there.
  if (retry && res && res->total == 0) {
    widen();
    any_words = true;
    res = attempt(true);
  }
  return res;
}

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const SearcherOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->set = options.generations;
  if (!impl->set) {
    // A Searcher of its own (the CLI, tools): it reports refused and damaged generations only.
    GenerationSetOptions so;
    so.index_dir = options.index_dir;
    so.log = [](const std::string& line) {
      if (line.rfind("level=", 0) == 0) std::fprintf(stderr, "%s\n", line.c_str());
    };
    impl->set = std::make_shared<GenerationSet>(std::move(so));
  }
  if (auto checked = impl->set->check(); !checked) return checked.status();
  impl->served = impl->set->current();
  AnalyzerOptions ao;
  ao.data_dir = options.data_dir;
  impl->analyzer = std::make_unique<Analyzer>(ao);
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

bool Searcher::refresh() {
  (void)impl_->set->check();  // a failure keeps what is served
  std::shared_ptr<const Generation> g = impl_->set->current();
  const bool switched = g && impl_->served.lock() != g;
  impl_->served = g;
  return switched;
}

Result<SearchResult> Searcher::search(const SearchRequest& r) {
  const auto t0 = std::chrono::steady_clock::now();
  if (Status s = validate(r); !s) return s;
  auto pos = position_of(r);
  if (!pos) return pos.status();
  Result<SearchResult> res = impl_->run<SearchResult>(
      pos->generation, "search", [&](SearchContext& ctx) -> Result<SearchResult> {
        // The cursor is checked with the key of the generation it names.
        if (!r.cursor.empty())
          if (Status s = verify_cursor(pos.value(), r, ctx.gen().cursor_key()); !s) return s;
        Result<SearchResult> out = impl_->search(ctx, r, pos->offset);
        note_facet_path(ctx, r, out);
        return out;
      });
  if (res && pos->offset + 2ull * r.per_page > result_window(r)) res->next_cursor.clear();  // the next page is out of reach
  if (res) res->took_ms = ms_since(t0);
  return res;
}

Result<Project> Searcher::get(const std::string& id, const FacetFilters& scope) {
  if (Status s = validate_scope(scope); !s) return s;
  return impl_->run<Project>("", "lookup", [&](SearchContext& ctx) -> Result<Project> {
    const std::string idterm = std::string(schema::kId) + id;
    Xapian::PostingIterator p = ctx.db.postlist_begin(idterm);
    if (p == ctx.db.postlist_end(idterm) || !in_scope(ctx.db, idterm, scope))
      return Status::error(StatusCode::not_found, "no project with id '" + id + "'", "id");
    return load_project(ctx.db.get_document(*p));
  });
}

Result<SearchResult> Searcher::similar(const std::string& id, const SearchRequest& request) {
  if (Status s = validate(request); !s) return s;
  const auto t0 = std::chrono::steady_clock::now();
  Result<SearchResult> res = impl_->run<SearchResult>("", "similar", [&](SearchContext& ctx) -> Result<SearchResult> {
    if (!in_scope(ctx.db, std::string(schema::kId) + id, request.scope))
      return Status::error(StatusCode::not_found, "no project with id '" + id + "'", "id");
    Result<SearchResult> out = more_like_this(ctx, id, request);
    note_facet_path(ctx, request, out);
    return out;
  });
  if (res) res->took_ms = ms_since(t0);
  return res;
}

Result<std::vector<Suggestion>> Searcher::suggest(const std::string& prefix, const std::string& lang,
                                                  uint32_t limit, const FacetFilters& scope) {
  if (Status s = validate_scope(scope); !s) return s;
  if (limit < 1 || limit > 50) return invalid("limit", "limit must be 1..50");
  if (!lang.empty() && lang != "auto" && !parse_lang(lang)) return invalid("lang", "lang must be fi, sv, en or auto");
  if (normalize(prefix).empty()) return invalid("q", "q must hold at least one letter or digit");
  return impl_->run<std::vector<Suggestion>>(
      "", "suggest", [&](SearchContext& ctx) { return haku::suggest(ctx, prefix, lang, limit, scope); });
}

Result<std::vector<std::pair<std::string, std::vector<FacetCount>>>> Searcher::all_facets(const std::string& ui_lang,
                                                                                        const FacetFilters& scope) {
  if (Status s = validate_scope(scope); !s) return s;
  return impl_->run<FacetList>("", "facets", [&](SearchContext& ctx) -> Result<FacetList> {
    SearchRequest r;
    r.scope = scope;
    r.facets = facet_names();
    r.ui_lang = ui_lang;
    return count_facets(ctx, Xapian::Query::MatchAll, r);
  });
}

IndexInfo Searcher::info() {
  IndexInfo info;
  std::shared_ptr<const Generation> g = impl_->set->current();
  if (!g) return info;
  info.generation = g->name();
  std::optional<Generation::Handle> handle;
  try {
    handle.emplace(g->lend());
    Xapian::Database& d = handle->db();
    info.documents = d.get_doccount();
    info.terms = g->term_count(d);
    for (Lang l : kAllLangs) {
      std::string code(lang_code(l));
      info.per_language[code] = d.get_termfreq(schema::facet_term(*schema::find_facet("lang"), code));
    }
    if (auto und = d.get_termfreq(schema::facet_term(*schema::find_facet("lang"), "und")))
      info.per_language["und"] = und;
  } catch (const Xapian::DatabaseModifiedError&) {
  } catch (const Xapian::DatabaseError& e) {
    impl_->set->report_failure(*g, e.get_description());
    if (handle) handle->discard();
  } catch (const Xapian::Error&) {
  }
  handle.reset();
  std::string down;
  for (auto& st : g->shard_states()) {
    if (!st.up) down += (down.empty() ? "" : ", ") + st.name;
    info.shards.push_back({st.name, st.remote, st.up, st.documents, st.error});
  }
  info.features = g->features();
  info.notes = g->notes();
  info.size_bytes = g->size_bytes();
  const GenerationState state = impl_->set->state();
  info.published = state.published;
  if (!state.serving || state.degraded) {
    info.status = state.serving ? "degraded" : "failing";
    info.refused = state.refused;
    // Not the engine's message, which may name files: the daemon's log has it.
    info.reason = state.damaged ? "a search found this generation damaged (see the log)"
                                : "this generation failed to open or to answer the probe query (see the log)";
    info.since_unix = state.since_unix;
  } else if (!down.empty()) {
    // Searches answer 503, or (on_failure partial) from the other shards.
    info.status = g->shards().partial_on_failure ? "degraded" : "failing";
    info.refused = g->name();
    info.reason = kShardsDown + down;
  }
  return info;
}

}  // namespace haku
