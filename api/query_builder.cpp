// Query text -> Xapian query over the schema (see query_builder.h).
#include "api/query_builder.h"

#include <algorithm>

#include "api/cross_lingual.h"
#include "api/min_should_match.h"
#include "api/request_budget.h"
#include "api/schema.h"

namespace haku {

namespace {
// A long query's records share at least a quarter of its words, and never only one: a single word in
// common with a question of four or more says little about its subject, while the records relevant to
// a long natural-language question often share only a few of its words (CISI: requiring a third cost
// 0.01 MRR@10, half 0.01 nDCG@10; a quarter costs nothing measurable and drops the one-word matches).
constexpr size_t kMinWordsMatched = 2;
constexpr size_t kMinWordsDivisor = 4;
// A long query's "most words" filter in Xapian's own operators has at most this many branches.
constexpr size_t kMaxSubsets = 64;

// The text a query's language is told from: its words, without the operators (AND, OR, NOT, XOR, NEAR)
// and the field or filter words (title:..., fund:AMIF), which are no words of any language. Joined by
// spaces; `words` receives their count.
std::string language_text(const std::string& text, size_t* words) {
  std::string out;
  *words = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(" \t\r\n", start);
    if (end == std::string::npos) end = text.size();
    std::string w = text.substr(start, end - start);
    start = end + 1;
    while (!w.empty() && (w[0] == '+' || w[0] == '-' || w[0] == '"' || w[0] == '(')) w.erase(0, 1);
    if (w.empty() || w == "AND" || w == "OR" || w == "NOT" || w == "XOR" || w == "NEAR") continue;
    if (w.find(':') != std::string::npos) continue;
    if (!out.empty()) out += ' ';
    out += w;
    ++*words;
  }
  return out;
}
}  // namespace

size_t min_words(size_t words) {
  if (words < kLongQueryWords) return words;
  return std::max<size_t>(kMinWordsMatched, (words + kMinWordsDivisor - 1) / kMinWordsDivisor);
}

std::vector<Lang> query_languages(Analyzer& analyzer, const std::string& text, const std::string& lang,
                                  bool* detected) {
  *detected = false;
  if (auto l = parse_lang(lang)) return {*l};
  size_t words = 0;
  const std::string plain = language_text(text, &words);
  if (words >= 3) {
    if (auto l = analyzer.detect(plain)) {
      *detected = true;
      return {*l};
    }
  }
  return {Lang::fi, Lang::sv, Lang::en};
}

QueryBuilder::QueryBuilder(Analyzer& analyzer, const Xapian::Database& db, const TranslationTable* translations)
    : analyzer_(analyzer), terms_(analyzer), db_(db), translations_(translations) {}

Xapian::Query QueryBuilder::expand_word(const std::string& raw, bool positional, BuiltQuery& out,
                                        bool droppable) {
  // Field-prefixed words (title:, implementer:, place:, theme:) and boolean filters match as written.
  size_t p = 0;
  while (p < raw.size() && raw[p] >= 'A' && raw[p] <= 'Z') ++p;
  if (p > 0) {
    std::string prefix = raw.substr(0, p);
    if (p < raw.size() && raw[p] == ':') prefix += ':', ++p;
    std::string term = prefix == schema::kId ? raw : prefix + normalize(raw.substr(p));
    // A facet filter in the query syntax (fund:EAKR) names its value as the filter parameter does.
    for (const auto& f : schema::facets())
      if (f.prefix == prefix) term = schema::facet_term(f, raw.substr(p));
    out.explain.push_back({raw.substr(p), "", "field", term});
    return Xapian::Query(term);
  }
  const std::string word = normalize(raw);
  if (word.empty()) return Xapian::Query();
  out.words.push_back(word);
  if (droppable && terms_.stopword_everywhere(word, out.langs)) {
    out.explain.push_back({word, "", "stopword", word});
    return Xapian::Query();
  }
  // The word's forms as the indexer writes them (api/term_analysis.h); inside a phrase, without the
  // compound's own parts, which have no single position.
  std::vector<Xapian::Query> alts;
  for (const QueryAlternative& a : terms_.query_alternatives(word, out.langs, !positional)) {
    out.explain.push_back({word, a.lang ? std::string(lang_code(*a.lang)) : std::string(),
                           form_kind_name(a.kind), a.kind == FormKind::folded ? a.terms[0] : a.text});
    if (a.terms.size() == 1)
      alts.emplace_back(a.terms[0]);
    else
      alts.emplace_back(Xapian::Query::OP_AND, a.terms.begin(), a.terms.end());
  }
  // Translations join the word's alternatives, except inside a phrase, whose word order is the
  // query language's.
  if (cross_ && !positional)
    for (Xapian::Query& t : cross_->translate(word, out.langs, out.explain)) alts.push_back(std::move(t));
  if (positional) {
    // Phrase and NEAR take plain terms (or OR of terms) only.
    std::vector<Xapian::Query> terms;
    for (const auto& a : alts)
      for (auto t = a.get_unique_terms_begin(); t != a.get_unique_terms_end(); ++t) terms.emplace_back(*t);
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }
  // One synonym group: BM25 sees the word once, with the within-document frequencies of all its forms
  // in the record added up, however many forms and translations it was expanded to.
  return Xapian::Query(Xapian::Query::OP_SYNONYM, alts.begin(), alts.end());
}

Xapian::Query QueryBuilder::rebuild(const Xapian::Query& q, bool positional, BuiltQuery& out, bool top) {
  const auto type = q.get_type();
  switch (type) {
    case Xapian::Query::LEAF_TERM: {
      auto t = q.get_terms_begin();
      if (t == q.get_terms_end()) return q;
      return expand_word(*t, positional, out, !top && !positional);
    }
    case Xapian::Query::LEAF_MATCH_ALL:
    case Xapian::Query::LEAF_MATCH_NOTHING:
    case Xapian::Query::LEAF_POSTING_SOURCE:
    case Xapian::Query::OP_WILDCARD:
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE:
      return q;
    default:
      break;
  }
  if (type == Xapian::Query::OP_PHRASE && !positional && cross_) {
    // A hyphenated name (Itä-Uusimaa) or a quoted term that the table translates as a whole: the
    // phrase and its translations form one group, as a word and its translations do.
    std::vector<std::string> words;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
      const Xapian::Query& sub = q.get_subquery(i);
      if (sub.get_type() != Xapian::Query::LEAF_TERM || sub.get_terms_begin() == sub.get_terms_end()) {
        words.clear();
        break;
      }
      words.push_back(normalize(*sub.get_terms_begin()));
    }
    std::vector<Xapian::Query> translations = cross_->phrase_translations(words, out.explain);
    if (!translations.empty()) {
      translations.insert(translations.begin(), rebuild(q, true, out, false));
      return Xapian::Query(Xapian::Query::OP_SYNONYM, translations.begin(), translations.end());
    }
  }
  const bool pos = positional || type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR;
  std::vector<Xapian::Query> subs;
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
    const Xapian::Query& sub = q.get_subquery(i);
    // Only the subqueries that add to the match can be dropped as stopwords.
    bool sub_top = top && (type == Xapian::Query::OP_AND || type == Xapian::Query::OP_OR) && q.get_num_subqueries() == 1;
    Xapian::Query r = rebuild(sub, pos, out, sub_top);
    // A dropped stopword leaves an empty query, which Xapian reads as MatchNothing: in an AND it would
    // match nothing at all (and every query with a stopword fell back to OR). It is left out instead.
    if (r.empty() && !pos && (type == Xapian::Query::OP_AND || i > 0)) continue;
    subs.push_back(std::move(r));
  }
  if (subs.empty()) return Xapian::Query();
  switch (type) {
    case Xapian::Query::OP_PHRASE: return Xapian::Query(Xapian::Query::OP_PHRASE, subs.begin(), subs.end());
    case Xapian::Query::OP_NEAR: return Xapian::Query(Xapian::Query::OP_NEAR, subs.begin(), subs.end(), 10);
    case Xapian::Query::OP_SCALE_WEIGHT: return subs.empty() ? Xapian::Query() : subs[0];
    default: return Xapian::Query(static_cast<Xapian::Query::op>(type), subs.begin(), subs.end());
  }
}

BuiltQuery QueryBuilder::build(const std::string& text, const std::string& lang, bool all_words) {
  BuiltQuery out;
  out.langs = query_languages(analyzer_, text, lang, &out.detected);
  Xapian::QueryParser qp;
  qp.set_database(db_);
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
  // A wildcard searches its most frequent terms only (api/request_budget.h).
  qp.set_max_expansion(kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  qp.set_default_op(all_words ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
  qp.add_prefix("title", std::string(schema::kTitle));
  qp.add_prefix("implementer", std::string(schema::kImplementer));
  qp.add_prefix("place", std::string(schema::kPlace));
  qp.add_prefix("places", std::string(schema::kPlace));
  qp.add_prefix("theme", std::string(schema::kTheme));
  qp.add_prefix("themes", std::string(schema::kTheme));
  // Facets are filters in the query too (fund:AMIF), except where the name is a free-text field.
  for (const auto& f : schema::facets())
    if (f.name != "implementer" && f.name != "places" && f.name != "themes") qp.add_boolean_prefix(f.name, f.prefix);
  qp.add_boolean_prefix("id", std::string(schema::kId));
  const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                         Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_PURE_NOT;
  Xapian::Query parsed;
  try {
    parsed = qp.parse_query(text, flags);
  } catch (const Xapian::QueryParserError& e) {
    out.fell_back = true;
    out.parse_error = e.get_msg();
    // Plain words: our own tokenizer, combined like the parser would have.
    std::vector<Xapian::Query> words;
    for (const Word& w : analyzer_.tokenize(text)) words.emplace_back(w.norm);
    parsed = Xapian::Query(all_words ? Xapian::Query::OP_AND : Xapian::Query::OP_OR, words.begin(), words.end());
  }
  cross_.reset();
  if (translations_) {
    cross_.emplace(analyzer_, *translations_, &db_, into_);
    cross_->find_units(text, out.langs);
  }
  out.query = rebuild(parsed, false, out, true);
  if (all_words) out.query = min_should_match(parsed, out.query);
  return out;
}

Xapian::Query QueryBuilder::min_should_match(const Xapian::Query& parsed, const Xapian::Query& built) {
  // Plain words only (the parser's AND of unprefixed terms): operators, phrases and fields keep their
  // exact meaning.
  if (parsed.get_type() != Xapian::Query::OP_AND || built.get_type() != Xapian::Query::OP_AND) return built;
  for (size_t i = 0; i < parsed.get_num_subqueries(); ++i) {
    const Xapian::Query& sub = parsed.get_subquery(i);
    if (sub.get_type() != Xapian::Query::LEAF_TERM) return built;
    const std::string t = *sub.get_terms_begin();
    if (t.empty() || (t[0] >= 'A' && t[0] <= 'Z')) return built;
  }
  std::vector<Xapian::Query> words;
  std::vector<WordClause> clauses;
  for (size_t i = 0; i < built.get_num_subqueries(); ++i) {
    const Xapian::Query& w = built.get_subquery(i);
    if (w.empty()) continue;
    WordClause c;
    if (!clause_of(w, &c) || c.empty()) return built;
    words.push_back(w);
    clauses.push_back(std::move(c));
  }
  if (words.size() < kLongQueryWords) return built;
  const size_t m = min_words(words.size());
  Xapian::Query any(Xapian::Query::OP_OR, words.begin(), words.end());
  if (xapian_only_) {
    // The same filter as an OR over every m-word subset of the words, each an AND; where that has more
    // than kMaxSubsets branches, the words stay combined as built (all of them).
    std::vector<Xapian::Query> subsets;
    std::vector<size_t> pick(m);
    for (size_t i = 0; i < m; ++i) pick[i] = i;
    while (true) {
      if (subsets.size() == kMaxSubsets) return built;
      std::vector<Xapian::Query> all;
      for (size_t i : pick) all.push_back(words[i]);
      subsets.emplace_back(Xapian::Query::OP_AND, all.begin(), all.end());
      size_t k = m;  // the next subset in lexicographic order
      while (k > 0 && pick[k - 1] == words.size() - m + k - 1) --k;
      if (k == 0) break;
      ++pick[k - 1];
      for (size_t i = k; i < m; ++i) pick[i] = pick[i - 1] + 1;
    }
    return Xapian::Query(Xapian::Query::OP_FILTER, any, Xapian::Query(Xapian::Query::OP_OR, subsets.begin(), subsets.end()));
  }
  auto* source = new MinShouldMatch(std::move(clauses), m);
  return Xapian::Query(Xapian::Query::OP_FILTER, any, Xapian::Query(source->release()));
}

}  // namespace haku
