#pragma once
// Snippets: a window of a record's text with the words that matched marked as written
// (<mark>..</mark>), also when the match came through a stem, a lemma, a compound part or the folded
// form. Not thread-safe (uses the caller's Analyzer).
#include <set>
#include <string>
#include <vector>

#include "stemmers/analyzer.h"

namespace haku {

// The index terms a word of `text` produces (surface, folded, derived in `langs`) are looked up in
// `query_terms`; the best window of about `max_bytes` is returned, HTML-escaped, with marks.
std::string make_snippet(Analyzer& analyzer, const std::string& text, const std::vector<Lang>& langs,
                         const std::set<std::string>& query_terms, size_t max_bytes);

// Escapes & < > " for HTML.
std::string html_escape(std::string_view text);

}  // namespace haku
