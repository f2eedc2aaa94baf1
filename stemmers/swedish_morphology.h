#pragma once
// Swedish lemmas and compound parts: a splitter over the hunspell-sv lexicon, whose suffix rules also
// lemmatise inflected forms (stemmers/affix_lexicon.h). Read-only after construction.
#include <string>
#include <string_view>
#include <vector>

#include "stemmers/affix_lexicon.h"

namespace haku {

struct SwedishAnalysis {
  std::vector<std::string> lemmas;  // base form of a word or compound, the word itself if it is one (at most 1)
  std::vector<std::string> parts;   // a compound's modifier and head, each in its base form
};

class SwedishMorphology {
 public:
  struct Paths {
    std::string aff = "/usr/share/hunspell/sv_SE.aff";
    std::string dic = "/usr/share/hunspell/sv_SE.dic";
  };

  explicit SwedishMorphology(const Paths& paths);  // check ok() / error() afterwards
  ~SwedishMorphology();
  SwedishMorphology(const SwedishMorphology&) = delete;
  SwedishMorphology& operator=(const SwedishMorphology&) = delete;

  bool ok() const { return lexicon_.ok(); }
  const std::string& error() const { return lexicon_.error(); }

  SwedishAnalysis analyze(std::string_view norm) const;

 private:
  // The base form of a non-compound word when it can be told from the lexicon; empty otherwise.
  std::string lemma_of(const std::string& word) const;
  // The dictionary form of a compound's first part as it appears in the word (linking -s-, a dropped
  // or changed final vowel); empty when no form of it is a lexicon word. strict: only the forms
  // joined as they are or with -s-.
  std::string modifier_of(const std::string& head, bool strict) const;
  bool is_lemma(const std::string& w) const;
  bool has_flag(const std::string& w, char flag) const;

  // Lexicon entries with their affix flags (all lines of a word merged) and the suffix rules. Flags
  // used here, from sv_SE.aff: X COMPOUNDBEGIN, Y COMPOUNDEND, Z ONLYINCOMPOUND ("anti", "arbets",
  // "läro"), T derivations ("arbetare" from "arbeta").
  AffixLexicon lexicon_;
};

}  // namespace haku
