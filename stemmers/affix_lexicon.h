#pragma once
// A Hunspell dictionary (.dic word list with affix flags, .aff suffix rules) read as data and applied
// backwards: which lexicon words an inflected form derives from, by which rule. Read-only after
// construction: safe to share between threads.
//
// Why not libhunspell: Hunspell::analyze() dereferences a null pointer inside its compound analysis on
// some Swedish words (`indexjusteringsbestämmelser`, `fixpunktsmaterial`, and the part-word
// `xpunktsmaterial` even in plain libhunspell 1.7.1), which took down the indexer and the daemon. Haku
// only needs its suffix stripping, which over hunspell-sv's rules (suffixes with conditions, no twofold
// suffixes, no prefixes) is a few lines of bounded string work on the same data.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace haku {

class AffixLexicon {
 public:
  // One way to read a word form: `stem` is a lexicon word, `flag` the suffix class that derives the
  // form from it.
  struct Derivation {
    std::string stem;
    char flag;
    bool operator==(const Derivation&) const = default;
  };

  // Loads both files; check ok() / error() afterwards. Lexicon entries that are not lower-case as
  // written (proper names, abbreviations) are left out when `lower_case_only`.
  AffixLexicon(const std::string& aff_path, const std::string& dic_path, bool lower_case_only = true);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // The affix flags of a lexicon word (every line of the word merged); nullptr when it is not one.
  const std::string* flags(const std::string& word) const;
  bool has_flag(const std::string& word, char flag) const;
  bool contains(const std::string& word) const { return flags(word) != nullptr; }

  // Every (stem, flag) that derives `form` by one suffix rule whose stem is a lexicon word carrying the
  // rule's flag. Rules that make compound-only forms (continuation flag `only_in_compound`) are left
  // out. Deterministic order: the .aff file's rule order.
  std::vector<Derivation> derivations(std::string_view form) const;

  // The form is a lexicon word or derives from one (what a spelling checker accepts without compounding).
  bool accepts(std::string_view form) const;

  size_t size() const { return flags_.size(); }

 private:
  // A Hunspell condition: a sequence of elements, each "." or a literal code point or a bracket set
  // "[abc]" / "[^abc]", matched against the end of the stem.
  struct CondElement {
    bool any = false;
    bool negated = false;
    std::vector<std::string> chars;  // code points (UTF-8)
  };
  struct SuffixRule {
    char flag;
    std::string strip;        // removed from the stem
    std::string affix;        // appended instead
    bool compound_only;       // its continuation classes include ONLYINCOMPOUND
    std::vector<CondElement> condition;
  };

  bool condition_holds(const SuffixRule& rule, std::string_view stem) const;
  std::string load_aff(const std::string& path);
  std::string load_dic(const std::string& path, bool lower_case_only);

  std::unordered_map<std::string, std::string> flags_;
  std::vector<SuffixRule> suffixes_;
  char only_in_compound_ = '\0';
  std::string need_affix_;  // flags of words that are not words without a suffix (hunspell-sv: "¤")
  std::string forbidden_;   // flags of forbidden forms (hunspell-sv: "%")
  std::string error_;
};

}  // namespace haku
