// Snippet windows with matched words marked.
#include "api/snippet.h"

#include <algorithm>

#include "api/schema.h"
#include "api/term_analysis.h"

namespace haku {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {
// Moves a byte offset back (or forward) to the start of a UTF-8 character.
size_t utf8_floor(const std::string& s, size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}
}  // namespace

SnippetTerms::SnippetTerms(const std::set<std::string>& query_terms) : all_(query_terms.begin(), query_terms.end()) {
  for (const std::string& t : query_terms) {
    for (Lang l : kAllLangs) {
      for (TermKind k : {TermKind::stem, TermKind::lemma, TermKind::part}) {
        const std::string prefix = schema::derived_prefix(k, l);
        if (t.size() < prefix.size() || t.compare(0, prefix.size(), prefix) != 0) continue;
        std::string text = t.substr(prefix.size());
        std::vector<std::string>& keys = keys_[static_cast<size_t>(l)];
        std::string key = text.substr(0, 2);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
      }
    }
  }
}

bool SnippetTerms::matches(Analyzer& analyzer, const Word& w, const std::vector<Lang>& langs) const {
  if (all_.count(w.norm) || (!w.folded.empty() && all_.count(std::string(schema::kFolded) + w.folded))) return true;
  // The derived terms, only in the languages where the query has some that could come from this word.
  std::vector<Lang> worth;
  for (Lang l : langs) {
    const auto& keys = keys_[static_cast<size_t>(l)];
    if (std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return w.norm.find(k) != std::string::npos; }))
      worth.push_back(l);
  }
  if (worth.empty()) return false;
  // The word's index terms exactly as the indexer writes them (api/term_analysis.h).
  std::vector<IndexTerm> terms;
  TermAnalysis(analyzer).index_terms(w, worth, &terms);
  return std::any_of(terms.begin(), terms.end(), [&](const IndexTerm& t) { return all_.count(t.term) > 0; });
}

namespace {
// The record's terms, read once: a query tests each of its terms against them, and over a remote
// shard each termlist_begin() is a round trip carrying the whole list. Xapian gives a termlist in
// byte order, the order binary_search compares in.
using RecordTerms = std::vector<std::string>;

bool holds(const RecordTerms& terms, const std::string& term) {
  return std::binary_search(terms.begin(), terms.end(), term);
}

// `whole`: the query matches only as a whole (inside one word's alternatives, a phrase or NEAR).
// Returns false where the record fails `q`; a query without terms (a range, a posting source) passes.
bool collect(const Xapian::Query& q, const RecordTerms& doc, bool whole, std::set<std::string>* out) {
  switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
      const std::string t = *q.get_terms_begin();
      if (!holds(doc, t)) return false;
      out->insert(t);
      return true;
    }
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR: {
      const bool strict = whole || q.get_type() != Xapian::Query::OP_AND;
      std::set<std::string> mine;
      bool all = true, any = false;
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
        const bool ok = collect(q.get_subquery(i), doc, strict, &mine);
        all = all && ok;
        any = any || ok;
      }
      if (strict ? !all : !any) return false;
      out->insert(mine.begin(), mine.end());
      return true;
    }
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SCALE_WEIGHT:
      return q.get_num_subqueries() > 0 && collect(q.get_subquery(0), doc, whole, out);
    case Xapian::Query::OP_AND_MAYBE: {
      if (q.get_num_subqueries() == 0 || !collect(q.get_subquery(0), doc, whole, out)) return false;
      for (size_t i = 1; i < q.get_num_subqueries(); ++i) collect(q.get_subquery(i), doc, whole, out);
      return true;
    }
    default: {
      if (q.get_num_subqueries() == 0) return q.get_terms_begin() == q.get_terms_end();
      // OR, SYNONYM, XOR, MAX, ELITE_SET: any part; a word's alternatives each match as a whole.
      const bool inner = whole || q.get_type() == Xapian::Query::OP_SYNONYM;
      bool any = false;
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) any = collect(q.get_subquery(i), doc, inner, out) || any;
      return any;
    }
  }
}
}  // namespace

std::set<std::string> matched_terms(const Xapian::Query& query, const Xapian::Document& doc) {
  RecordTerms terms;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) terms.push_back(*t);
  std::set<std::string> out;
  collect(query, terms, false, &out);
  return out;
}

std::string make_snippet(Analyzer& analyzer, const std::string& text, const std::vector<Lang>& langs,
                         const std::set<std::string>& query_terms, size_t max_bytes) {
  return make_snippet(analyzer, text, langs, SnippetTerms(query_terms), max_bytes);
}

std::string make_snippet(Analyzer& analyzer, const std::string& text, const std::vector<Lang>& langs,
                         const SnippetTerms& query_terms, size_t max_bytes) {
  if (text.empty()) return {};
  std::vector<Word> words = analyzer.tokenize(text);
  std::vector<bool> hit(words.size(), false);
  if (!query_terms.empty())
    for (size_t i = 0; i < words.size(); ++i) hit[i] = query_terms.matches(analyzer, words[i], langs);
  // The window start (a word) that covers the most marked words within max_bytes.
  size_t best_start = 0, best_count = 0;
  size_t j = 0, count = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    if (j < i) j = i, count = 0;
    while (j < words.size() && words[j].end - words[i].begin <= max_bytes) count += hit[j++];
    if (count > best_count) best_count = count, best_start = i;
    if (hit[i] && j > i) --count;
  }
  size_t from = 0;
  if (best_count > 0 && text.size() > max_bytes) {
    // Start a little before the first marked word so it has some context.
    size_t first = best_start;
    size_t back = first;
    while (back > 0 && words[first].begin - words[back - 1].begin < max_bytes / 4) --back;
    from = words[back].begin;
    if (back > 0) {
      // Prefer a sentence start when one is near.
      size_t dot = text.rfind(". ", from);
      if (dot != std::string::npos && from - dot < max_bytes / 4) from = dot + 2;
    }
  }
  size_t to = std::min(text.size(), from + max_bytes);
  if (to < text.size()) {
    // End at a word boundary.
    size_t last_end = from;
    for (const Word& w : words)
      if (w.begin >= from && w.end <= to) last_end = w.end;
    to = last_end > from ? last_end : utf8_floor(text, to);
  }
  std::string out;
  if (from > 0) out += "… ";
  size_t cursor = from;
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    if (!hit[i] || w.begin < from || w.end > to) continue;
    out += html_escape(std::string_view(text).substr(cursor, w.begin - cursor));
    out += "<mark>";
    out += html_escape(std::string_view(text).substr(w.begin, w.end - w.begin));
    out += "</mark>";
    cursor = w.end;
  }
  out += html_escape(std::string_view(text).substr(cursor, to - cursor));
  if (to < text.size()) out += " …";
  // Newlines and tabs read as spaces in a one-line snippet.
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

}  // namespace haku
