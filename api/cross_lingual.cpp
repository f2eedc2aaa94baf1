// A query word's translations as weighted alternatives (see cross_lingual.h).
#include "api/cross_lingual.h"

#include <algorithm>

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
constexpr size_t kMaxTranslations = 8;          // per query word, all languages together
constexpr size_t kMaxTranslationsPerLang = 4;
constexpr size_t kMaxPartsTranslated = 3;       // compounds with more parts are not composed
constexpr size_t kPartAlternatives = 2;         // translations tried per compound part
constexpr size_t kMinHeadBytes = 5;             // head of an unknown compound: antirasism -> rasism
}  // namespace

CrossLingual::CrossLingual(Analyzer& analyzer, const TranslationTable& table) : analyzer_(analyzer), table_(table) {}

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

  for (Lang l : langs) {
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
      for (TranslatedTerm& t : table_.lookup(l, k)) {
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
          for (const TranslatedTerm& t : table_.lookup(l, p))
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
          if (!table_.contains(l, head)) continue;
          for (TranslatedTerm& t : table_.lookup(l, head))
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
    explain.push_back({word, std::string(lang_code(c.term.to)), "translation", c.term.text});
  }
  for (size_t i = 0; i < part_queries.size(); ++i) {
    alts.push_back(part_queries[i]);
    explain.push_back({word, std::string(lang_code(part_explain[i].first)), "translation", part_explain[i].second});
  }
  return alts;
}

}  // namespace haku
