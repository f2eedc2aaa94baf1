#pragma once
// Snippets: a window of a record's text with the words that matched marked as written
// (<mark>..</mark>), also when the match came through a stem, a lemma, a compound part or the folded
// form. Not thread-safe (uses the caller's Analyzer).
#include <xapian.h>

#include <array>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "stemmers/analyzer.h"

namespace haku {

// A query's terms prepared once for the snippets of all its hits. A word is marked when one of its
// index terms (api/term_analysis.h, the indexer's own mapping) is a query term. Its derived terms are
// computed in a language only when the query holds derived terms of that language and the word
// contains the first two bytes of one of their texts; stems, lemmas and compound parts nearly always
// share those with the word they come from, so the marks stay as a full analysis would set them while
// most words skip the analyser.
class SnippetTerms {
 public:
  explicit SnippetTerms(const std::set<std::string>& query_terms);
  bool empty() const { return all_.empty(); }
  // Whether `w` is marked in a text of the languages `langs`.
  bool matches(Analyzer& analyzer, const Word& w, const std::vector<Lang>& langs) const;

 private:
  std::unordered_set<std::string> all_;     // every query term (the surface form is the term itself)
  std::array<std::vector<std::string>, 3> keys_;  // [lang]: the first two bytes of each derived text
};

// The terms through which `query` matches `doc`, the ones its snippet marks: terms the record holds,
// except those under a phrase, NEAR or an AND inside one word's alternatives (a compound's parts) that
// the record does not match as a whole, under the left side of an AND_NOT, FILTER or AND_MAYBE the
// record fails, or on their right side (AND_NOT, FILTER).
std::set<std::string> matched_terms(const Xapian::Query& query, const Xapian::Document& doc);

// As below, with the query's terms prepared once (SnippetTerms).
std::string make_snippet(Analyzer& analyzer, const std::string& text, const std::vector<Lang>& langs,
                         const SnippetTerms& query_terms, size_t max_bytes);

// The index terms a word of `text` produces (surface, folded, derived in `langs`) are looked up in
// `query_terms`; the best window of about `max_bytes` is returned, HTML-escaped, with marks.
std::string make_snippet(Analyzer& analyzer, const std::string& text, const std::vector<Lang>& langs,
                         const std::set<std::string>& query_terms, size_t max_bytes);

// Escapes & < > " for HTML.
std::string html_escape(std::string_view text);

}  // namespace haku
