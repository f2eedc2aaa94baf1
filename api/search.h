#pragma once
// The engine's request and result types for search, suggest, facets and status: plain structs, no JSON
// and no Xapian types. Value types, thread-compatible.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "corpus/project.h"

namespace haku {

// Facet names (also the `filter` keys): fund, programme, period, country, region, places, implementer,
// implementer_type, lang, themes, year, budget_band, status.
const std::vector<std::string>& facet_names();
bool is_facet(const std::string& name);

enum class SortBy { relevance, start_date, end_date, budget, eu_contribution };
enum class SearchMode { keyword, semantic, hybrid };

// (facet, value) pairs: filters, or an API key's fixed filters.
using FacetFilters = std::vector<std::pair<std::string, std::string>>;

struct SearchRequest {
  std::string q;                 // Xapian query syntax; empty = browse everything
  std::string lang = "auto";     // fi | sv | en | auto
  std::string ui_lang;           // fi | sv | en: the language of facet labels; empty = lang, else en
  std::vector<std::pair<std::string, std::string>> filters;  // (facet, value); same facet OR-ed
  // Fixed filters (an API key's scope, set by the server, never by the client): (facet, value), same
  // facet OR-ed, AND-ed with everything else and never lifted, not even to count a facet's other
  // values, so `filters` can only narrow what the scope lets through.
  FacetFilters scope;
  std::optional<double> budget_min, budget_max, eu_min, eu_max;
  std::string start_from, start_to, end_from, end_to;  // ISO dates, inclusive
  bool ongoing = false;          // start <= today <= end
  std::string today;             // ISO date for `ongoing`; empty = the system's date (UTC)
  std::vector<std::string> facets;  // which facets to count
  SortBy sort = SortBy::relevance;
  std::optional<bool> descending;   // default: desc for relevance and dates/amounts
  uint32_t page = 1;             // 1-based
  uint32_t per_page = 10;        // 1..100
  std::string cursor;            // opaque, from SearchResult::next_cursor; overrides page
  // How deep a result list may be read, by page or cursor: a page may end at most this far (0: 1,000,000).
  uint64_t max_result_window = 0;
  bool explain = false;
  SearchMode mode = SearchMode::hybrid;
  bool expand = true;            // similar-word expansion (semantic layer)
  uint32_t snippet_bytes = 240;
};

struct Hit {
  std::string id;
  double score = 0;    // 0..1, relative to the best hit of the query (1 for browse)
  Project project;     // the stored record
  std::string snippet; // HTML-escaped text with <mark>..</mark> around matched words
  std::string matched_lang;  // lang of the record
};

struct FacetCount {
  std::string value;
  uint64_t count = 0;
  bool selected = false;
  std::string label;  // the value as the interface language shows it (fund ERDF: "EAKR" in fi); "" = value
};

struct ExplainTerm {
  std::string word;                // as the user typed it (normalised)
  std::string lang;                // analysis language ("" for language-free forms)
  std::string kind;                // surface | folded | stem | lemma | part | translation | similar
  std::string term;                // the derived form
};

struct Explain {
  std::string parsed_query;        // Xapian's description of the final query
  std::vector<std::string> languages;  // languages the query was analysed in
  bool detected = false;           // language detected rather than given
  std::vector<ExplainTerm> terms;
  std::vector<std::string> notes;  // e.g. "query syntax error: ...; searched as plain words"
};

struct SearchResult {
  uint64_t total = 0;
  bool total_exact = true;      // "eq" vs "gte"
  double took_ms = 0;
  std::vector<Hit> hits;
  std::vector<std::pair<std::string, std::vector<FacetCount>>> facets;  // in the requested order
  std::optional<std::string> did_you_mean;
  std::vector<std::string> also_matching;  // similar words the query was expanded with (expand=true)
  std::string next_cursor;      // empty when there is no further page
  std::optional<Explain> explain;
  // The request's time budget ran out: the stages it cut short (match, facets, semantic, snippets,
  // similar_words, did_you_mean). Hits, totals or facets may then be incomplete.
  std::vector<std::string> partial;
  // Shards that did not answer (down or slower than their timeout) with on_failure partial: the
  // answer is the other shards' (partial has "shards").
  std::vector<std::string> missing_shards;
};

// How an `unavailable` status for shards that do not answer begins: "shards not answering: NAME, ...".
inline constexpr const char* kShardsDown = "shards not answering: ";

struct Suggestion {
  std::string text;
  std::string kind;   // title | implementer | term
  std::string id;     // for titles: the project id
};

struct IndexInfo {
  // Serving state: "ready"; "degraded" (the published generation was refused or found damaged, and an
  // older one is served); "failing" (the served generation is damaged and nothing else could be
  // loaded: searches may fail).
  std::string status = "ready";
  std::string published;       // what DIR/current names (may differ from `generation` when degraded)
  std::string refused;         // not ready: the generation refused or found damaged
  std::string reason;          // ... and why, in words for the public (the log has the details)
  int64_t since_unix = 0;      // not ready: since when
  std::string generation;      // e.g. "gen-20261126T001500Z-0001"
  uint64_t documents = 0;
  uint64_t terms = 0;
  uint64_t size_bytes = 0;
  std::map<std::string, uint64_t> per_language;
  std::vector<std::string> features;  // analysis features in use
  std::vector<std::string> notes;     // degraded features
  struct Shard {
    std::string name;  // shard-0, or HOST:PORT of a xapian-tcpsrv
    bool remote = false;
    bool up = false;
    uint64_t documents = 0;
    std::string error;  // why it is not up
  };
  std::vector<Shard> shards;  // of the served generation, each tried alone
};

}  // namespace haku
