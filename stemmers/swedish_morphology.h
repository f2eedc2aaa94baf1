#pragma once
// Swedish lemmas and compound parts: a splitter over the hunspell-sv lexicon, with Hunspell itself
// lemmatising inflected forms. Owns a Hunspell instance: not thread-safe, one per Analyzer.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

class Hunspell;

namespace haku {

struct SwedishAnalysis {
  std::vector<std::string> lemmas;  // base form of an inflected word or compound (at most 1 today)
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

  bool ok() const { return hunspell_ != nullptr; }
  const std::string& error() const { return error_; }

  SwedishAnalysis analyze(std::string_view norm) const;

 private:
  // The base form of a non-compound word when it can be told from the lexicon; empty otherwise.
  std::string lemma_of(const std::string& word) const;
  // The dictionary form of a compound's first part as it appears in the word (linking -s-, a dropped
  // or changed final vowel); empty when no form of it is a lexicon word.
  std::string modifier_of(const std::string& head) const;
  bool is_lemma(const std::string& w) const { return lemmas_.count(w) != 0; }

  std::unique_ptr<Hunspell> hunspell_;
  std::unordered_set<std::string> lemmas_;          // entries usable as words of their own
  std::unordered_set<std::string> compound_only_;   // entries that exist only inside compounds ("anti")
  std::string error_;
};

}  // namespace haku
