#pragma once
// CrossLingual: a query word's translations into the other languages (stemmers/translation.h), each
// as a weighted Xapian query in its own language, for the query builder to group with the word's own
// forms. Multi-word terms of the query translated as units (university of applied sciences ->
// ammattikorkeakoulu), dictionary translations of the word or its lemmas, compounds composed part by
// part in every direction (vanhus + hoito -> äldreomsorg, immigrant women -> invandrarkvinna), the
// known head of an unknown word. One instance per query; not thread-safe (uses the caller's
// Analyzer); the table is only read.
#include <xapian.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "api/search.h"
#include "stemmers/analyzer.h"
#include "stemmers/translation.h"

namespace haku {

class CrossLingual {
 public:
  // By Lang: whether translations go into that language.
  using Targets = std::array<bool, 3>;
  static constexpr Targets kEveryLanguage = {true, true, true};

  // The languages an index has records in, as translation targets: over English records alone a
  // Swedish translation finds nothing of its own language, only English words spelt the same
  // (information management -> dataadministration, data). Records of no known language keep every
  // language; so does an empty index. A few term frequencies: read once per generation.
  static Targets languages_held(const Xapian::Database& index);

  // All must outlive this object. `index`: the database searched, where compounds composed from
  // several English words are looked up (nullptr: none are composed). `into`: the languages
  // translations go into (languages_held() of the index).
  CrossLingual(Analyzer& analyzer, const TranslationTable& table, const Xapian::Database* index = nullptr,
               Targets into = kEveryLanguage);

  // Finds the query's multi-word terms: the longest runs of consecutive plain words (at most four, no
  // operator, quote or field between them; neither end a stopword) that the table knows as a key,
  // each word as written or in a dictionary form; then pairs of English words left over that Finnish
  // or Swedish write as one compound the index holds. Call before translate() with the query's text
  // and languages.
  void find_units(const std::string& text, const std::vector<Lang>& langs);

  // The translations of one normalised query word, analysed in `langs`: weighted alternatives (below
  // the word as typed), bounded in number; what each is goes to `explain` (kind "translation").
  // A word of a multi-word term found by find_units() gets the term's translations (each word of
  // the term, in query order, once). The caller puts them in one group with the word's own forms.
  std::vector<Xapian::Query> translate(const std::string& word, const std::vector<Lang>& langs,
                                       std::vector<ExplainTerm>& explain);

  // The translations of a phrase whose words are exactly a multi-word term found by find_units(): a
  // name written with hyphens (Itä-Uusimaa, Päijät-Häme), which the query parser reads as a phrase,
  // or a quoted term. Weighted and bounded as translate()'s; empty when the words are no such term.
  // The caller puts them in one group with the phrase.
  std::vector<Xapian::Query> phrase_translations(const std::vector<std::string>& words,
                                                 std::vector<ExplainTerm>& explain);

  // A translation as a query in its own language: the word's forms, or a phrase of several words.
  Xapian::Query translation_query(const TranslatedTerm& t);

 private:
  struct Unit {
    Lang from = Lang::en;
    std::vector<std::string> words;  // normalised, as in the query
    std::string key;                 // the form found in the table
    std::vector<TranslatedTerm> translations;
    bool covers[3] = {false, false, false};    // by Lang: the table translates the term into it
    uint32_t seen = 0;                         // bit k: words[k] has been translated
  };
  // The word and its dictionary forms in `l`: lemmas, and English singulars.
  std::vector<std::string> lookup_keys(const std::string& word, Lang l);
  static std::vector<std::string> english_singulars(const std::string& word);
  // Compounds of one option per part that the target language's analysis accepts, at most a few.
  std::vector<std::string> compose(const std::vector<std::vector<std::string>>& options, Lang to);
  // The word occurs in the index, as a lemma or as written (false without an index).
  bool in_index(const std::string& word, Lang l) const;
  bool match_unit(Unit& u);
  bool compose_unit(Unit& u);
  // The unit the word is the next untranslated word of, and the word's place in it (nullptr: none).
  const Unit* unit_of(const std::string& word, size_t& at);
  // Where the term is translated as one compound of a part per content word (work permit ->
  // arbetstillstånd = arbete + tillstånd), the part that stands for words[at] (tillstånd).
  std::vector<TranslatedTerm> unit_parts(const Unit& u, size_t at);
  // English abstract nouns in -hood and -ship as Swedish -skap and Finnish -uus / -yys words built
  // on the base's translation (neighbourhood -> granne -> grannskap), those the target analysis
  // knows as a word and the index holds.
  std::vector<TranslatedTerm> abstract_nouns(const std::string& key);

  Analyzer& analyzer_;
  const TranslationTable& table_;
  const Xapian::Database* index_;
  std::vector<Unit> units_;
  Targets into_;
};

}  // namespace haku
