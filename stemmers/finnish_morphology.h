#pragma once
// Finnish lemmas and compound parts from Voikko (libvoikko, morphology dictionary "mor-standard").
// Owns one Voikko handle: not thread-safe, one instance per Analyzer.
#include <string>
#include <string_view>
#include <vector>

struct VoikkoHandle;

namespace haku {

struct FinnishAnalysis {
  std::vector<std::string> lemmas;  // distinct base forms, lower-case, at most 3
  std::vector<std::string> parts;   // base forms of the compound's components (empty if not a compound)
};

class FinnishMorphology {
 public:
  FinnishMorphology();  // check ok() / error() afterwards
  ~FinnishMorphology();
  FinnishMorphology(const FinnishMorphology&) = delete;
  FinnishMorphology& operator=(const FinnishMorphology&) = delete;

  bool ok() const { return handle_ != nullptr; }
  const std::string& error() const { return error_; }

  // Analyses one normalised word; an empty result when Voikko does not know the word.
  FinnishAnalysis analyze(std::string_view norm) const;

 private:
  VoikkoHandle* handle_ = nullptr;
  std::string error_;
};

// Parses Voikko's WORDBASES attribute ("+ammatti(ammatti)+korkea(korkea)+koulujen(koulu)") into the
// components' base forms. A segment whose base starts with '+' is a derivational suffix and is
// merged into the component before it; the last component's base is taken from the word's
// BASEFORM (so "+kotoutumis(kotoutua)+koulut(kouluttaa)+us(+us)" gives kotoutua, koulutus).
// Exposed for tests.
std::vector<std::string> parse_wordbases(std::string_view wordbases, std::string_view baseform);

}  // namespace haku
