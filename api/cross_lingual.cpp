// A query word's translations as weighted alternatives (see cross_lingual.h).
#include "api/cross_lingual.h"

#include <algorithm>
#include <iterator>

#include "api/schema.h"

namespace haku {

namespace {
// The forms of a translation, relative to the translation itself (as for the user's own words in
// query_builder.cpp).
constexpr double kWeightFolded = 0.4;
constexpr double kWeightStem = 0.7;
constexpr double kWeightLemma = 0.8;
constexpr double kWeightPartOfDoc = 0.35;  // the word is a compound part in the record
// Translations, relative to the word as typed (each then expanded like a word of its language).
constexpr double kWeightTranslation = 0.5;      // a dictionary translation of the word or its lemma
constexpr double kWeightPlaceName = 0.8;        // the other official name of a place (Åbo / Turku)
constexpr double kWeightPartTranslation = 0.3;  // translated compound parts / the compound's head
// An abstract noun built on the base word's translation (neighbour -> granne -> grannskap): below the
// dictionary's first translation, above its later senses, since both the target language's lexicon
// and the index attest the word (neighbourhood -> kortteli, then naapuruus before majoitus).
constexpr double kWeightAbstractNoun = 0.45;
constexpr double kRankDecay[] = {1.0, 0.85, 0.7, 0.6};  // the 1st, 2nd, 3rd, later translation into a language
constexpr size_t kMaxTranslations = 8;          // per query word, all languages together
constexpr size_t kMaxTranslationsPerLang = 4;
constexpr size_t kMaxPartsTranslated = 3;       // compounds with more parts are not composed
constexpr size_t kPartAlternatives = 2;         // translations tried per compound part
constexpr size_t kMinHeadBytes = 5;             // head of an unknown compound: antirasism -> rasism
constexpr size_t kMaxUnitWords = 4;             // multi-word terms, as the table's keys
constexpr size_t kMaxUnitKeys = 16;             // forms of a multi-word term looked up

bool has_key(const std::vector<std::string>& keys, const std::string& k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// A compound-part option as a word: a modifier as compounds write it ends with a hyphen (boende-).
std::string as_word(const std::string& option) {
  return !option.empty() && option.back() == '-' ? option.substr(0, option.size() - 1) : option;
}
}  // namespace

CrossLingual::Targets CrossLingual::languages_held(const Xapian::Database& index) {
  if (index.get_doccount() == 0) return kEveryLanguage;
  const std::string prefix = schema::find_facet("lang")->prefix;
  if (index.get_termfreq(prefix + "und") > 0) return kEveryLanguage;
  Targets held{};
  for (Lang l : kAllLangs) held[static_cast<int>(l)] = index.get_termfreq(prefix + std::string(lang_code(l))) > 0;
  return held;
}

CrossLingual::CrossLingual(Analyzer& analyzer, const TranslationTable& table, const Xapian::Database* index,
                           Targets into)
    : analyzer_(analyzer), table_(table), index_(index), into_(into) {}

Xapian::Query CrossLingual::translation_query(const TranslatedTerm& t) {
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

std::vector<std::string> CrossLingual::lookup_keys(const std::string& word, Lang l) {
  std::vector<std::string> keys{word};
  auto add = [&](std::string k) {
    if (!k.empty() && std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  for (const Derived& d : analyzer_.derive(word, l))
    if (d.kind == TermKind::lemma) add(d.text);
  if (l == Lang::en)
    for (std::string& s : english_singulars(word)) add(std::move(s));
  return keys;
}

std::vector<std::string> CrossLingual::english_singulars(const std::string& w) {
  // Dictionaries list nouns in the singular; English analysis here is a stemmer, which gives no
  // dictionary form (women -> women, sciences -> scienc).
  std::vector<std::string> out;
  auto ends = [&](std::string_view suffix) {
    return w.size() > suffix.size() + 1 && std::string_view(w).substr(w.size() - suffix.size()) == suffix;
  };
  const std::string stem2 = w.size() > 2 ? w.substr(0, w.size() - 2) : std::string();
  if (ends("men")) out.push_back(w.substr(0, w.size() - 3) + "man");  // women, chairmen
  else if (ends("ies")) out.push_back(w.substr(0, w.size() - 3) + "y");  // communities
  else if (ends("ches") || ends("shes") || ends("sses") || ends("xes")) out.push_back(stem2);  // businesses
  if (ends("s") && !ends("ss") && !ends("us") && !ends("is") && !ends("ies")) out.push_back(w.substr(0, w.size() - 1));
  if (w == "children") out.push_back("child");
  if (w == "people") out.push_back("person");
  return out;
}

std::vector<std::string> CrossLingual::compose(const std::vector<std::vector<std::string>>& options, Lang to) {
  // A modifier as the target language writes it in compounds (boende-) is joined as it is. Otherwise
  // Finnish joins parts as they are (maahanmuuttaja + nainen); Swedish also with a linking -s-, an
  // agent noun's -e dropped (invandrare + kvinna -> invandrarkvinna) and a final -a dropped or made -o
  // (skola -> skolbarn, kvinna -> kvinnoorganisation).
  std::vector<std::string> joined{""};
  for (size_t i = 0; i < options.size(); ++i) {
    std::vector<std::string> next;
    for (const std::string& head : joined)
      for (const std::string& o : options[i]) {
        if (!head.empty() && head.back() == '-') {
          next.push_back(head.substr(0, head.size() - 1) + o);
          continue;
        }
        if (i == 0 || to != Lang::sv) {
          next.push_back(head + o);
          continue;
        }
        const char last = head.back();
        if (last == 'e' && head.size() > 3 && head.compare(head.size() - 3, 3, "are") == 0)
          next.push_back(head.substr(0, head.size() - 1) + o);
        next.push_back(head + o);
        if (last != 's') next.push_back(head + "s" + o);
        if (last == 'a') {
          next.push_back(head.substr(0, head.size() - 1) + o);
          next.push_back(head.substr(0, head.size() - 1) + "o" + o);
        }
      }
    joined = std::move(next);
  }
  // Kept when the target language's analysis reads the joined word as a word it knows, or as a
  // compound whose head is the head translated.
  std::vector<std::string> out;
  for (const std::string& j : joined) {
    if (out.size() == kPartAlternatives) break;
    const std::vector<Derived>& d = analyzer_.derive(j, to);
    bool lemma = false, head = false, parts = false;
    for (const Derived& x : d) {
      lemma = lemma || x.kind == TermKind::lemma;
      parts = parts || x.kind == TermKind::part;
      if (x.kind == TermKind::part)
        for (const std::string& h : options.back()) head = head || x.text == h;
    }
    if ((parts && head) || (lemma && !parts)) out.push_back(j);
  }
  return out;
}

namespace {
// Words the query parser reads as operators, and characters that end a run of plain words.
bool is_operator(std::string_view raw) {
  return raw == "AND" || raw == "OR" || raw == "NOT" || raw == "XOR" || raw == "NEAR" || raw == "ADJ";
}
bool breaks_run(std::string_view gap) {
  return gap.find_first_of("\"()+:") != std::string_view::npos || gap.find(" -") != std::string_view::npos ||
         (!gap.empty() && gap.front() == '-' && gap.size() > 1);
}
}  // namespace

void CrossLingual::find_units(const std::string& text, const std::vector<Lang>& langs) {
  units_.clear();
  const std::vector<Word> words = analyzer_.tokenize(text);
  // Runs of plain consecutive words: no operator, quote, bracket, field or +/- between them.
  std::vector<std::vector<const Word*>> runs(1);
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    const std::string_view raw = std::string_view(text).substr(w.begin, w.end - w.begin);
    const std::string_view gap =
        i == 0 ? std::string_view() : std::string_view(text).substr(words[i - 1].end, w.begin - words[i - 1].end);
    if (is_operator(raw) || breaks_run(gap) || (w.end < text.size() && text[w.end] == ':')) runs.emplace_back();
    if (!is_operator(raw)) runs.back().push_back(&w);
  }
  for (const auto& run : runs) {
    // The table's terms first, longest first; then, over two English words left between them, a
    // compound composed from their translations.
    std::vector<bool> covered(run.size(), false);
    auto make = [&](size_t i, size_t len, Lang l) {
      Unit u;
      u.from = l;
      for (size_t k = 0; k < len; ++k) u.words.push_back(run[i + k]->norm);
      return u;
    };
    auto edges_ok = [&](size_t i, size_t len, Lang l) {
      return !analyzer_.is_stopword(run[i]->norm, l) && !analyzer_.is_stopword(run[i + len - 1]->norm, l);
    };
    for (size_t i = 0; i + 1 < run.size();) {
      bool matched = false;
      for (size_t len = std::min(kMaxUnitWords, run.size() - i); len >= 2 && !matched; --len)
        for (Lang l : langs) {
          if (!edges_ok(i, len, l)) continue;
          Unit u = make(i, len, l);
          if (!match_unit(u)) continue;
          if (l == Lang::en) compose_unit(u);  // the languages the term lacks
          for (size_t k = 0; k < len; ++k) covered[i + k] = true;
          units_.push_back(std::move(u));
          matched = true;
          i += len;
          break;
        }
      if (!matched) ++i;
    }
    if (std::find(langs.begin(), langs.end(), Lang::en) == langs.end()) continue;
    for (size_t i = 0; i + 1 < run.size(); ++i) {
      if (covered[i] || covered[i + 1] || !edges_ok(i, 2, Lang::en)) continue;
      Unit u = make(i, 2, Lang::en);
      if (!compose_unit(u)) continue;
      covered[i] = covered[i + 1] = true;
      units_.push_back(std::move(u));
    }
  }
}

bool CrossLingual::match_unit(Unit& u) {
  // Every combination of each word as written or as one of its dictionary forms (universities of
  // applied sciences -> university of applied science). An English modifier (a word before another
  // content word) only as written: English compounds do not inflect it, so "children support" is not
  // the term "child support" but children + support.
  std::vector<std::vector<std::string>> forms;
  for (size_t k = 0; k < u.words.size(); ++k) {
    const std::string& w = u.words[k];
    const bool modifier =
        u.from == Lang::en && k + 1 < u.words.size() && !analyzer_.is_stopword(u.words[k + 1], u.from);
    forms.push_back(analyzer_.is_stopword(w, u.from) || modifier ? std::vector<std::string>{w} : lookup_keys(w, u.from));
  }
  std::vector<size_t> at(forms.size(), 0);
  for (size_t tried = 0; tried < kMaxUnitKeys; ++tried) {
    std::string key;
    for (size_t k = 0; k < forms.size(); ++k) key += (k ? " " : "") + forms[k][at[k]];
    for (TranslatedTerm& t : table_.lookup(u.from, key))
      if (t.to != u.from) u.covers[static_cast<int>(t.to)] = true, u.translations.push_back(std::move(t));
    if (!u.translations.empty()) {
      u.key = key;
      return true;
    }
    size_t k = 0;
    while (k < at.size() && ++at[k] == forms[k].size()) at[k++] = 0;
    if (k == at.size()) break;
  }
  return false;
}

bool CrossLingual::compose_unit(Unit& u) {
  // Two English words that Finnish and Swedish write as one compound: immigrant women ->
  // maahanmuuttajanainen, invandrarkvinna. Only plain content words, each with a translation, and
  // only compounds that the index holds: the analysis accepts almost any join of two nouns
  // (synnytys + markkina), so the records are the evidence that the compound is a word.
  if (u.words.size() != 2 || index_ == nullptr) return false;
  for (const std::string& w : u.words)
    if (analyzer_.is_stopword(w, Lang::en)) return false;
  bool added = false;
  for (Lang to : {Lang::fi, Lang::sv}) {
    if (u.covers[static_cast<int>(to)]) continue;
    std::vector<std::vector<std::string>> options;
    for (const std::string& w : u.words) {
      std::vector<std::string> o;
      for (const std::string& k : lookup_keys(w, Lang::en))
        for (const TranslatedTerm& t : table_.lookup(Lang::en, k))
          if (t.to == to && !t.phrase && !t.place && o.size() < kPartAlternatives &&
              std::find(o.begin(), o.end(), t.text) == o.end())
            o.push_back(t.text);
      if (o.empty()) break;
      options.push_back(std::move(o));
    }
    if (options.size() != u.words.size()) continue;
    for (std::string& j : compose(options, to)) {
      if (!in_index(j, to)) continue;
      u.translations.push_back({to, std::move(j), false, false});
      added = true;
    }
  }
  if (!added) return false;
  if (u.key.empty())
    for (const std::string& w : u.words) u.key += (u.key.empty() ? "" : " ") + w;
  return true;
}

std::vector<TranslatedTerm> CrossLingual::abstract_nouns(const std::string& key) {
  // The suffixes correspond across the three languages (membership, medlemskap, jäsenyys;
  // leadership, ledarskap, johtajuus), and the dictionaries often give the base word but not the
  // abstract noun (neighbourhood -> kvarter, neighbour -> granne). Swedish adds -skap, an -e
  // dropped (granne -> grannskap, ledare -> ledarskap); Finnish -uus or -yys by vowel harmony, a
  // final vowel dropped or kept (naapuri -> naapuruus, äiti -> äitiys) and -inen made -is-
  // (kansalainen -> kansalaisuus). Most joins are no word: only those the target language's
  // analysis reads as a word it knows, and that the index holds (as a word or a compound part).
  std::vector<TranslatedTerm> out;
  if (index_ == nullptr) return out;
  std::string base;
  for (std::string_view suffix : {std::string_view("hood"), std::string_view("ship")})
    if (key.size() >= suffix.size() + 3 && std::string_view(key).substr(key.size() - suffix.size()) == suffix)
      base = key.substr(0, key.size() - suffix.size());
  if (base.empty()) return out;
  size_t tried[3] = {};
  for (const TranslatedTerm& t : table_.lookup(Lang::en, base)) {
    if (t.phrase || t.place || t.to == Lang::en || tried[static_cast<int>(t.to)]++ >= kPartAlternatives) continue;
    const std::string& w = t.text;
    std::vector<std::string> joined;
    if (t.to == Lang::sv) {
      joined.push_back(w + "skap");
      if (w.back() == 'e') joined.push_back(w.substr(0, w.size() - 1) + "skap");
    } else {
      const bool back = w.find_first_of("aou") != std::string::npos;
      const std::string suffix = back ? "uus" : "yys";
      if (w.size() > 4 && w.compare(w.size() - 4, 4, "inen") == 0) {
        joined.push_back(w.substr(0, w.size() - 3) + "s" + suffix);
      } else if (std::string_view("aeiouy").find(w.back()) != std::string_view::npos ||
                 (w.size() >= 2 && (w.compare(w.size() - 2, 2, "ä") == 0 || w.compare(w.size() - 2, 2, "ö") == 0))) {
        const size_t last = (static_cast<unsigned char>(w.back()) & 0x80) ? 2 : 1;
        joined.push_back(w.substr(0, w.size() - last) + suffix);
        joined.push_back(w + suffix.substr(1));
      } else {
        joined.push_back(w + suffix);
      }
    }
    for (std::string& j : joined) {
      bool word = false, parts = false;
      for (const Derived& d : analyzer_.derive(j, t.to)) {
        word = word || d.kind == TermKind::lemma;
        parts = parts || d.kind == TermKind::part;
      }
      if (!word || parts) continue;
      if (!in_index(j, t.to) && index_->get_termfreq(schema::derived_term(TermKind::part, t.to, j)) == 0) continue;
      TranslatedTerm found{t.to, std::move(j), false, false};
      if (std::find(out.begin(), out.end(), found) == out.end()) out.push_back(std::move(found));
    }
  }
  return out;
}

bool CrossLingual::in_index(const std::string& word, Lang l) const {
  return index_ &&
         (index_->get_termfreq(schema::derived_term(TermKind::lemma, l, word)) > 0 || index_->get_termfreq(word) > 0);
}

const CrossLingual::Unit* CrossLingual::unit_of(const std::string& word, size_t& at) {
  for (Unit& u : units_)
    for (size_t k = 0; k < u.words.size(); ++k)
      if (u.words[k] == word && !(u.seen & (1u << k))) {
        u.seen |= 1u << k;
        at = k;
        return &u;
      }
  return nullptr;
}

std::vector<TranslatedTerm> CrossLingual::unit_parts(const Unit& u, size_t at) {
  // Finnish and Swedish compounds put their parts in the English words' order (work permit ->
  // työ + lupa), so in a compound with one part per content word, whose other parts translate the
  // other words (work -> arbete), the remaining part translates the remaining word in the term's
  // sense: permit -> tillstånd, where the word alone gives lov and tillåtelse. The other parts are
  // the anchor: scientific research -> undersökning is no such compound (under + sökning). Only
  // parts that are not the word's own translations are given.
  std::vector<TranslatedTerm> out;
  std::vector<size_t> content;  // the term's words that are no stopword (of)
  size_t position = 0;
  for (size_t k = 0; k < u.words.size(); ++k) {
    if (analyzer_.is_stopword(u.words[k], u.from)) continue;
    if (k == at) position = content.size();
    content.push_back(k);
  }
  if (content.size() < 2 || analyzer_.is_stopword(u.words[at], u.from)) return out;
  // Whether `part` is the word itself or one of its translations into `to` (or that one's lemma).
  auto translates = [&](const std::string& word, const std::string& part, Lang to) {
    for (const std::string& k : lookup_keys(word, u.from)) {
      if (k == part) return true;
      for (const TranslatedTerm& t : table_.lookup(u.from, k)) {
        if (t.to != to || t.phrase) continue;
        if (t.text == part) return true;
        for (const Derived& d : analyzer_.derive(t.text, to))
          if (d.kind == TermKind::lemma && d.text == part) return true;
      }
    }
    return false;
  };
  // A part spelt as the word itself is no translation (information systems -> informationssystem:
  // system for systems); in a record of the word's language it would count the word twice.
  const std::vector<std::string> own = lookup_keys(u.words[at], u.from);
  for (const TranslatedTerm& t : u.translations) {
    if (t.phrase || t.place || t.to == Lang::en) continue;
    std::vector<std::string> parts;
    for (const Derived& d : analyzer_.derive(t.text, t.to))
      if (d.kind == TermKind::part) parts.push_back(d.text);
    if (parts.size() != content.size()) continue;
    const std::string& mine = parts[position];
    // The word's own translation stays out, as the term meant (labour market is työmarkkinat, not
    // any record saying työ): the part is wanted where it gives the term's sense of the word.
    if (has_key(own, mine) || analyzer_.is_stopword(mine, t.to) || translates(u.words[at], mine, t.to)) continue;
    bool anchored = true;
    for (size_t j = 0; j < parts.size() && anchored; ++j)
      if (j != position) anchored = translates(u.words[content[j]], parts[j], t.to);
    TranslatedTerm part{t.to, mine, false, false};
    if (anchored && std::find(out.begin(), out.end(), part) == out.end()) out.push_back(std::move(part));
  }
  return out;
}

std::vector<Xapian::Query> CrossLingual::phrase_translations(const std::vector<std::string>& words,
                                                             std::vector<ExplainTerm>& explain) {
  std::vector<Xapian::Query> alts;
  for (Unit& u : units_) {
    if (u.words != words || u.seen != 0) continue;
    u.seen = ~0u;
    std::string shown;
    for (const std::string& w : words) shown += (shown.empty() ? "" : " ") + w;
    size_t rank[3] = {};
    for (const TranslatedTerm& t : u.translations) {
      size_t& n = rank[static_cast<int>(t.to)];
      if (n == kMaxTranslationsPerLang || alts.size() == kMaxTranslations || !into_[static_cast<int>(t.to)]) continue;
      Xapian::Query q = translation_query(t);
      if (q.empty()) continue;
      const double w = t.place ? kWeightPlaceName : kWeightTranslation * kRankDecay[std::min(n, std::size(kRankDecay) - 1)];
      ++n;
      alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, q, w);
      explain.push_back({shown, std::string(lang_code(t.to)), "translation", t.text});
    }
    break;
  }
  return alts;
}

std::vector<Xapian::Query> CrossLingual::translate(const std::string& word, const std::vector<Lang>& langs,
                                                   std::vector<ExplainTerm>& explain) {
  std::vector<Xapian::Query> alts;
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

  // A word of a multi-word term: the term's translations, in the group of each of its words. A term
  // from the dictionaries replaces its words' own translations into the languages it covers
  // (university of applied sciences is not yliopisto + soveltaa + tiede); a compound composed here
  // is added to them.
  size_t unit_word = 0;
  const Unit* unit = unit_of(word, unit_word);
  if (unit) {
    for (const TranslatedTerm& t : unit->translations) add(t, t.place ? kWeightPlaceName : kWeightTranslation);
    for (TranslatedTerm& t : unit_parts(*unit, unit_word)) add(std::move(t), kWeightPartTranslation);
  }
  auto covered = [&](Lang to) { return unit && unit->covers[static_cast<int>(to)]; };
  const size_t from_unit = found.size();

  for (Lang l : langs) {
    if (analyzer_.is_stopword(word, l)) continue;
    std::vector<std::string> keys = lookup_keys(word, l);
    std::vector<std::string> parts;
    for (const Derived& d : analyzer_.derive(word, l))
      if (d.kind == TermKind::part) parts.push_back(d.text);
    bool direct[3] = {false, false, false};  // by target language
    for (const std::string& k : keys)
      for (TranslatedTerm& t : table_.lookup(l, k)) {
        if (t.to == l) continue;
        direct[static_cast<int>(t.to)] = true;
        const double w = t.place ? kWeightPlaceName : kWeightTranslation;
        add(std::move(t), w);
      }
    const bool any_direct = direct[0] || direct[1] || direct[2];
    if (l == Lang::en)
      for (const std::string& k : keys)
        for (TranslatedTerm& t : abstract_nouns(k)) add(std::move(t), kWeightAbstractNoun);

    if (parts.size() >= 2 && parts.size() <= kMaxPartsTranslated) {
      // A compound the dictionaries do not translate into some language: translate its parts.
      // Finnish and Swedish write compounds as one word (yrke + högskola -> ammatti + korkeakoulu ->
      // ammattikorkeakoulu; vanhus + hoito -> äldre + omsorg -> äldreomsorg), English as words
      // (oleskelu + lupa -> residence permit, matched as a phrase); every language also gets the
      // parts' translations as required words (profession AND college).
      for (Lang to : kAllLangs) {
        if (to == l) continue;
        std::vector<std::vector<std::string>> options;
        for (size_t i = 0; i < parts.size(); ++i) {
          const std::string& p = parts[i];
          std::vector<std::string> o;
          // A part before the head: first as the other language writes it in compounds (asukas- ->
          // boende-, in boendegemenskap; the word alone is invånare), then as a word.
          if (i + 1 < parts.size() && to != Lang::en)
            for (const TranslatedTerm& t : table_.lookup(l, p + "-"))
              if (t.to == to && o.size() < kPartAlternatives) o.push_back(t.text);
          for (const TranslatedTerm& t : table_.lookup(l, p))
            if (t.to == to && !t.phrase && !t.place && o.size() < kPartAlternatives) o.push_back(t.text);
          if (o.empty()) break;
          options.push_back(std::move(o));
        }
        if (options.size() != parts.size()) {
          // A part without a translation (åtkomst + rättighet): the head's translations, weighted
          // as a part (rättighet -> oikeus, which also matches the record's käyttöoikeus).
          if (!direct[static_cast<int>(to)]) {
            size_t taken = 0;
            for (TranslatedTerm& t : table_.lookup(l, parts.back()))
              if (t.to == to && !t.place && taken < kPartAlternatives) add(std::move(t), kWeightPartTranslation), ++taken;
          }
          continue;
        }
        if (direct[static_cast<int>(to)]) {
          // The table translates the compound itself, perhaps in another sense (painesäiliö ->
          // batteri): the joined parts too where the index holds them (tryck + kärl -> tryckkärl).
          if (to != Lang::en && index_)
            for (std::string& j : compose(options, to))
              if (in_index(j, to)) add({to, std::move(j), false, false}, kWeightTranslation);
          continue;
        }
        if (to != Lang::en) {
          for (std::string& j : compose(options, to)) add({to, std::move(j), false, false}, kWeightTranslation);
        } else {
          std::vector<std::string> phrases{""};
          for (const auto& o : options) {
            std::vector<std::string> next;
            for (const std::string& head : phrases)
              for (const std::string& text : o) next.push_back(head.empty() ? text : head + " " + text);
            phrases = std::move(next);
          }
          for (size_t i = 0; i < phrases.size() && i < kPartAlternatives * kPartAlternatives; ++i)
            add({to, phrases[i], true, false}, kWeightPartTranslation);
        }
        std::vector<Xapian::Query> each;
        std::string shown;
        for (const auto& o : options) {
          std::vector<Xapian::Query> forms;
          for (const std::string& option : o) {
            const std::string text = as_word(option);
            forms.emplace_back(schema::derived_term(TermKind::lemma, to, text));
            forms.emplace_back(schema::derived_term(TermKind::part, to, text));
            forms.emplace_back(text);
          }
          each.emplace_back(Xapian::Query::OP_OR, forms.begin(), forms.end());
          if (!shown.empty()) shown += " + ";
          shown += as_word(o.front());
        }
        part_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                                  Xapian::Query(Xapian::Query::OP_AND, each.begin(), each.end()),
                                  kWeightPartTranslation);
        part_explain.emplace_back(to, shown);
      }
      continue;
    }
    if (parts.empty() && !any_direct) {
      // An unknown word whose head is known: antirasism -> rasism (-> rasismi, racism).
      bool head_found = false;
      for (const std::string& k : keys) {
        for (size_t i = 3; !head_found && i + kMinHeadBytes <= k.size(); ++i) {
          if ((static_cast<unsigned char>(k[i]) & 0xC0) == 0x80) continue;
          const std::string_view head = std::string_view(k).substr(i);
          if (!table_.contains(l, head)) continue;
          for (TranslatedTerm& t : table_.lookup(l, head))
            if (t.to != l && !t.place) add(std::move(t), kWeightPartTranslation);
          head_found = true;
        }
        if (head_found) break;
      }
    }
  }

  if (unit) {
    found.erase(std::remove_if(found.begin() + static_cast<std::ptrdiff_t>(from_unit), found.end(),
                               [&](const Candidate& c) { return covered(c.term.to); }),
                found.end());
    std::vector<size_t> drop;
    for (size_t i = 0; i < part_queries.size(); ++i)
      if (covered(part_explain[i].first)) drop.push_back(i);
    for (size_t k = drop.size(); k-- > 0;) {
      part_queries.erase(part_queries.begin() + static_cast<std::ptrdiff_t>(drop[k]));
      part_explain.erase(part_explain.begin() + static_cast<std::ptrdiff_t>(drop[k]));
    }
  }

  // The table lists each word's translations best first (the statute-book lexicon by alignment
  // score, the dictionaries by confirmation and sense order): later ones weigh less.
  {
    size_t rank[3] = {};
    for (Candidate& c : found)
      if (c.weight == kWeightTranslation)
        c.weight *= kRankDecay[std::min(rank[static_cast<int>(c.term.to)]++, std::size(kRankDecay) - 1)];
  }

  // Bounded: the best-weighted first, a few per language.
  std::stable_sort(found.begin(), found.end(),
                   [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; });
  size_t kept = 0;
  size_t per_lang[3] = {};
  for (const Candidate& c : found) {
    if (kept == kMaxTranslations) break;
    size_t& n = per_lang[static_cast<int>(c.term.to)];
    if (n == kMaxTranslationsPerLang || !into_[static_cast<int>(c.term.to)]) continue;
    Xapian::Query q = translation_query(c.term);
    if (q.empty()) continue;
    ++n;
    ++kept;
    alts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, q, c.weight);
    explain.push_back({word, std::string(lang_code(c.term.to)), "translation", c.term.text});
  }
  for (size_t i = 0; i < part_queries.size(); ++i) {
    if (!into_[static_cast<int>(part_explain[i].first)]) continue;
    alts.push_back(part_queries[i]);
    explain.push_back({word, std::string(lang_code(part_explain[i].first)), "translation", part_explain[i].second});
  }
  return alts;
}

}  // namespace haku
