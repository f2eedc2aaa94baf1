// Completions and spelling corrections (see suggestions.h).
#include "api/suggestions.h"

#include <algorithm>
#include <set>
#include <utility>

#include "api/facets_filters.h"
#include "api/hits.h"
#include "api/keyword_search.h"
#include "api/schema.h"

namespace haku {

Result<std::vector<Suggestion>> suggest(SearchContext& ctx, const std::string& prefix, const std::string& lang,
                                        uint32_t limit, const FacetFilters& scope) {
  Xapian::Database& d = ctx.db;
  const Xapian::Query scope_q = scope_query(scope);
  // Whether a term occurs in a record inside the scope.
  auto in_scope = [&](const std::string& term) {
    return scope.empty() || any_match(d, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), scope_q));
  };
  const std::string norm = normalize(prefix);
  std::vector<Suggestion> out;
  std::set<std::string> seen;
  auto from_prefix = [&](std::string_view kind_prefix, const char* kind, bool titles) {
    const std::string start = std::string(kind_prefix) + norm;
    size_t looked = 0;
    for (auto t = d.allterms_begin(start); t != d.allterms_end(start) && looked < limit * 4u; ++t) {
      ++looked;
      auto pl = d.postlist_begin(*t);
      if (pl == d.postlist_end(*t)) continue;
      Project p = load_project(d.get_document(*pl));
      if (!in_scope(*t) || (titles && !in_scope(std::string(schema::kId) + p.id))) continue;
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
      for (auto t = d.allterms_begin(last); t != d.allterms_end(last); ++t) {
        words.emplace_back(t.get_termfreq(), *t);
        if (words.size() > 2000) break;
      }
    }
    std::stable_sort(words.begin(), words.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (const auto& [freq, w] : words) {
      if (out.size() >= limit) break;
      std::string text = head + w;
      if (!scope.empty() && seen.count("term" + text) == 0 && !in_scope(w)) continue;
      if (seen.insert("term" + text).second) out.push_back({text, "term", ""});
    }
  }
  return out;
}

std::optional<std::string> spelling(Xapian::Database& d, const std::vector<std::string>& words) {
  bool changed = false;
  std::string out;
  for (const auto& w : words) {
    std::string s = d.get_spelling_suggestion(w, w.size() > 6 ? 2 : 1);
    if (!s.empty() && s != w) changed = true;
    if (!out.empty()) out += ' ';
    out += s.empty() ? w : s;
  }
  if (!changed) return std::nullopt;
  return out;
}

}  // namespace haku
