// Query text -> Xapian query over the schema (see query_builder.h).
#include "api/query_builder.h"

#include <algorithm>

#include "api/cross_lingual.h"
#include "api/schema.h"

namespace haku {

namespace {
// Weights of the alternatives of one word, relative to the word as typed.
constexpr double kWeightFolded = 0.4;
constexpr double kWeightStem = 0.7;
constexpr double kWeightLemma = 0.8;
constexpr double kWeightPartOfDoc = 0.35;   // the word is a compound part in the record
constexpr double kWeightOwnParts = 0.3;     // all parts of the query's compound, anywhere in the record

const char* kind_name(TermKind k) {
  switch (k) {
    case TermKind::stem: return "stem";
    case TermKind::lemma: return "lemma";
    case TermKind::part: return "part";
  }
  return "stem";
}

size_t count_words(const std::string& text) {
  size_t n = 0;
  bool in = false;
  for (unsigned char c : text) {
    bool sp = c == ' ' || c == '\t' || c == '\n';
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}
}  // namespace

std::vector<Lang> query_languages(Analyzer& analyzer, const std::string& text, const std::string& lang,
                                  bool* detected) {
  *detected = false;
  if (auto l = parse_lang(lang)) return {*l};
  if (count_words(text) >= 3) {
    if (auto l = analyzer.detect(text)) {
      *detected = true;
      return {*l};
    }
  }
  return {Lang::fi, Lang::sv, Lang::en};
}

QueryBuilder::QueryBuilder(Analyzer& analyzer, const Xapian::Database& db, const TranslationTable* translations)
    : analyzer_(analyzer), db_(db), translations_(translations) {}

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
  bool stop_everywhere = true;
  for (Lang l : out.langs) stop_everywhere = stop_everywhere && analyzer_.is_stopword(word, l);
  if (stop_everywhere && droppable) {
    out.explain.push_back({word, "", "stopword", word});
    return Xapian::Query();
  }
  std::vector<Xapian::Query> alts;
  alts.emplace_back(word);
  out.explain.push_back({word, "", "surface", word});
  // Folded forms are indexed only for words with diacritics: F+fold(word) reaches "yrkeshögskola" from
  // "yrkeshogskola"; the plain fold(word) reaches a record that was itself written without them.
  const std::string plain_folded = fold_diacritics(word);
  const std::string folded = std::string(schema::kFolded) + plain_folded;
  alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(folded), kWeightFolded);
  out.explain.push_back({word, "", "folded", folded});
  if (plain_folded != word) alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(plain_folded), kWeightFolded);
  for (Lang l : out.langs) {
    std::vector<Derived> derived = analyzer_.derive(word, l);  // copy: derive() may be called again
    std::vector<Xapian::Query> own_parts;
    bool has_lemma = false;
    for (const Derived& d : derived) {
      std::string t = schema::derived_term(d.kind, l, d.text);
      out.explain.push_back({word, std::string(lang_code(l)), kind_name(d.kind), d.text});
      switch (d.kind) {
        case TermKind::stem:
          alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t), kWeightStem);
          break;
        case TermKind::lemma:
          has_lemma = true;
          alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t), kWeightLemma);
          alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                            Xapian::Query(schema::derived_term(TermKind::part, l, d.text)), kWeightPartOfDoc);
          break;
        case TermKind::part:
          own_parts.emplace_back(t);
          break;
      }
    }
    if (!has_lemma)
      alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                        Xapian::Query(schema::derived_term(TermKind::part, l, word)), kWeightPartOfDoc);
    if (own_parts.size() >= 2 && !positional)
      alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                        Xapian::Query(Xapian::Query::OP_AND, own_parts.begin(), own_parts.end()), kWeightOwnParts);
  }
  // Translations join the word's alternatives, except inside a phrase, whose word order is the
  // query language's.
  if (cross_ && !positional)
    for (Xapian::Query& t : cross_->translate(word, out.langs, out.explain)) alts.push_back(std::move(t));
  if (positional) {
    // Phrase and NEAR take plain terms (or OR of terms) only: drop the weight scaling.
    std::vector<Xapian::Query> terms;
    for (const auto& a : alts)
      for (auto t = a.get_unique_terms_begin(); t != a.get_unique_terms_end(); ++t) terms.emplace_back(*t);
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }
  return Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
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
  const bool pos = positional || type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR;
  std::vector<Xapian::Query> subs;
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
    const Xapian::Query& sub = q.get_subquery(i);
    // Only the subqueries that add to the match can be dropped as stopwords.
    bool sub_top = top && (type == Xapian::Query::OP_AND || type == Xapian::Query::OP_OR) && q.get_num_subqueries() == 1;
    Xapian::Query r = rebuild(sub, pos, out, sub_top);
    if (type == Xapian::Query::OP_AND_NOT && i > 0 && r.empty()) continue;
    subs.push_back(std::move(r));
  }
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
    cross_.emplace(analyzer_, *translations_, &db_);
    cross_->find_units(text, out.langs);
  }
  out.query = rebuild(parsed, false, out, true);
  return out;
}

}  // namespace haku
