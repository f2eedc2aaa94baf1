// Query text -> Xapian query over the schema (see query_builder.h).
#include "api/query_builder.h"

#include <algorithm>

#include "api/min_should_match.h"
#include "api/schema.h"

namespace haku {

namespace {
// Weights of the alternatives of one word, relative to the word as typed.
constexpr double kWeightFolded = 0.4;
constexpr double kWeightStem = 0.7;
constexpr double kWeightLemma = 0.8;
constexpr double kWeightPartOfDoc = 0.35;   // the word is a compound part in the record
// Translations, relative to the word as typed (each then expanded like a word of its language).
constexpr double kWeightTranslation = 0.5;      // a dictionary translation of the word or its lemma
constexpr double kWeightPlaceName = 0.8;        // the other official name of a place (Åbo / Turku)
constexpr double kWeightPartTranslation = 0.3;  // translated compound parts / the compound's head
constexpr size_t kMaxTranslations = 8;          // per query word, all languages together
constexpr size_t kMaxTranslationsPerLang = 4;
constexpr size_t kMaxPartsTranslated = 3;       // compounds with more parts are not composed
constexpr size_t kPartAlternatives = 2;         // translations tried per compound part
constexpr size_t kMinHeadBytes = 5;             // head of an unknown compound: antirasism -> rasism
// A long query's records share at least a quarter of its words, and never only one: a single word in
// common with a question of four or more says little about its subject, while the records relevant to
// a long natural-language question often share only a few of its words (CISI: requiring a third cost
// 0.01 MRR@10, half 0.01 nDCG@10; a quarter costs nothing measurable and drops the one-word matches).
constexpr size_t kMinWordsMatched = 2;
constexpr size_t kMinWordsDivisor = 4;

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

Xapian::Query QueryBuilder::translation_query(const TranslatedTerm& t) {
  const Lang l = t.to;
  if (t.phrase) {
    // Each word as its surface form or lemma (lemmas share the surface word's position).
    std::vector<Xapian::Query> words;
    for (const Word& w : analyzer_.tokenize(t.text)) {
      std::vector<Xapian::Query> forms{Xapian::Query(w.norm)};
      if (!analyzer_.is_stopword(w.norm, l)) {
        forms.emplace_back(schema::derived_term(TermKind::lemma, l, w.norm));
        for (const Derived& d : analyzer_.derive(w.norm, l))
          if (d.kind != TermKind::part) forms.emplace_back(schema::derived_term(d.kind, l, d.text));
      }
      words.emplace_back(Xapian::Query::OP_OR, forms.begin(), forms.end());
    }
    if (words.empty()) return Xapian::Query();
    if (words.size() == 1) return words[0];
    return Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end(), words.size());
  }
  // One word in its dictionary form: as written, folded, stems, lemmas (itself included, since a
  // record's inflected forms are indexed under it) and as a compound part of the record.
  std::vector<Xapian::Query> alts;
  alts.emplace_back(t.text);
  alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(std::string(schema::kFolded) + fold_diacritics(t.text)),
                    kWeightFolded);
  alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                    Xapian::Query(schema::derived_term(TermKind::lemma, l, t.text)), kWeightLemma);
  alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                    Xapian::Query(schema::derived_term(TermKind::part, l, t.text)), kWeightPartOfDoc);
  const std::vector<Derived> derived = analyzer_.derive(t.text, l);
  for (const Derived& d : derived) {
    if (d.kind == TermKind::stem)
      alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(schema::derived_term(d.kind, l, d.text)),
                        kWeightStem);
    else if (d.kind == TermKind::lemma)
      alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(schema::derived_term(d.kind, l, d.text)),
                        kWeightLemma);
  }
  return Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
}

void QueryBuilder::add_translations(const std::string& word, BuiltQuery& out, std::vector<Xapian::Query>& alts) {
  struct Candidate {
    TranslatedTerm term;
    double weight;
  };
  std::vector<Candidate> found;
  auto add = [&](TranslatedTerm t, double weight) {
    if (t.text == word) return;
    for (Candidate& c : found)
      if (c.term.to == t.to && c.term.text == t.text) {
        c.weight = std::max(c.weight, weight);
        return;
      }
    found.push_back({std::move(t), weight});
  };
  std::vector<Xapian::Query> part_queries;  // translated compound parts, all required
  std::vector<std::pair<Lang, std::string>> part_explain;

  for (Lang l : out.langs) {
    if (analyzer_.is_stopword(word, l)) continue;
    const std::vector<Derived> derived = analyzer_.derive(word, l);
    std::vector<std::string> keys{word};
    std::vector<std::string> parts;
    for (const Derived& d : derived) {
      if (d.kind == TermKind::lemma) keys.push_back(d.text);
      if (d.kind == TermKind::part) parts.push_back(d.text);
    }
    bool direct = false;
    for (const std::string& k : keys)
      for (TranslatedTerm& t : translations_->lookup(l, k)) {
        if (t.to == l) continue;
        const double w = t.place ? kWeightPlaceName : kWeightTranslation;
        add(std::move(t), w);
        direct = true;
      }
    if (direct) continue;

    if (parts.size() >= 2 && parts.size() <= kMaxPartsTranslated) {
      // A compound the dictionaries lack: translate its parts. Finnish and Swedish write compounds as
      // one word (yrke + högskola -> ammatti + korkeakoulu -> ammattikorkeakoulu); a joined form is
      // kept when the target language's analysis knows it. Every language also gets the parts'
      // translations as required words (profession AND college).
      for (Lang to : kAllLangs) {
        if (to == l) continue;
        std::vector<std::vector<std::string>> options;
        for (const std::string& p : parts) {
          std::vector<std::string> o;
          for (const TranslatedTerm& t : translations_->lookup(l, p))
            if (t.to == to && !t.phrase && o.size() < kPartAlternatives) o.push_back(t.text);
          if (o.empty()) break;
          options.push_back(std::move(o));
        }
        if (options.size() != parts.size()) continue;
        if (to != Lang::en) {
          std::vector<std::string> joined{""};
          for (size_t i = 0; i < options.size(); ++i) {
            std::vector<std::string> next;
            for (const std::string& head : joined)
              for (const std::string& o : options[i]) {
                next.push_back(head + o);
                if (to == Lang::sv && i > 0 && !head.empty() && head.back() != 's') next.push_back(head + "s" + o);
              }
            joined = std::move(next);
          }
          size_t accepted = 0;
          for (const std::string& j : joined) {
            if (accepted == kPartAlternatives) break;
            const std::vector<Derived>& d = analyzer_.derive(j, to);
            const bool known = std::any_of(d.begin(), d.end(),
                                           [](const Derived& x) { return x.kind != TermKind::stem; });
            if (known) add({to, j, false, false}, kWeightTranslation), ++accepted;
          }
        }
        std::vector<Xapian::Query> each;
        std::string shown;
        for (const auto& o : options) {
          std::vector<Xapian::Query> forms;
          for (const std::string& text : o) {
            forms.emplace_back(schema::derived_term(TermKind::lemma, to, text));
            forms.emplace_back(schema::derived_term(TermKind::part, to, text));
            forms.emplace_back(text);
          }
          each.emplace_back(Xapian::Query::OP_OR, forms.begin(), forms.end());
          shown += (shown.empty() ? "" : " + ") + o.front();
        }
        part_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                                  Xapian::Query(Xapian::Query::OP_AND, each.begin(), each.end()),
                                  kWeightPartTranslation);
        part_explain.emplace_back(to, shown);
      }
      continue;
    }
    if (parts.empty()) {
      // An unknown word whose head is known: antirasism -> rasism (-> rasismi, racism).
      bool head_found = false;
      for (const std::string& k : keys) {
        for (size_t i = 3; !head_found && i + kMinHeadBytes <= k.size(); ++i) {
          if ((static_cast<unsigned char>(k[i]) & 0xC0) == 0x80) continue;
          const std::string_view head = std::string_view(k).substr(i);
          if (!translations_->contains(l, head)) continue;
          for (TranslatedTerm& t : translations_->lookup(l, head))
            if (t.to != l && !t.place) add(std::move(t), kWeightPartTranslation);
          head_found = true;
        }
        if (head_found) break;
      }
    }
  }

  // Bounded: the best-weighted first, a few per language.
  std::stable_sort(found.begin(), found.end(),
                   [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; });
  size_t kept = 0;
  size_t per_lang[3] = {};
  for (const Candidate& c : found) {
    if (kept == kMaxTranslations) break;
    size_t& n = per_lang[static_cast<int>(c.term.to)];
    if (n == kMaxTranslationsPerLang) continue;
    Xapian::Query q = translation_query(c.term);
    if (q.empty()) continue;
    ++n;
    ++kept;
    alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, q, c.weight);
    out.explain.push_back({word, std::string(lang_code(c.term.to)), "translation", c.term.text});
  }
  for (size_t i = 0; i < part_queries.size(); ++i) {
    alts.push_back(part_queries[i]);
    out.explain.push_back({word, std::string(lang_code(part_explain[i].first)), "translation", part_explain[i].second});
  }
}

Xapian::Query QueryBuilder::expand_word(const std::string& raw, bool positional, BuiltQuery& out,
                                        bool droppable) {
  // Field-prefixed words (title:, implementer:, place:, theme:) and boolean filters match as written.
  size_t p = 0;
  while (p < raw.size() && raw[p] >= 'A' && raw[p] <= 'Z') ++p;
  if (p > 0) {
    std::string prefix = raw.substr(0, p);
    if (p < raw.size() && raw[p] == ':') prefix += ':', ++p;
    std::string term = prefix == schema::kId ? raw : prefix + normalize(raw.substr(p));
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
  if (translations_ && !positional) add_translations(word, out, alts);
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
  auto* source = new MinShouldMatch(std::move(clauses), m);
  return Xapian::Query(Xapian::Query::OP_FILTER, any, Xapian::Query(source->release()));
}

}  // namespace haku
