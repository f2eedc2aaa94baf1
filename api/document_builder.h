#pragma once
// Turns a Project into a Xapian document following the schema (api/schema.h): analysed text terms with
// positions (each word's terms from api/term_analysis.h), boolean facet terms, value slots and the
// record as compact JSON. Not thread-safe (it uses the caller's Analyzer).
#include <xapian.h>

#include <string>
#include <vector>

#include "api/term_analysis.h"
#include "corpus/project.h"
#include "stemmers/analyzer.h"

namespace haku {

class DocumentBuilder {
 public:
  DocumentBuilder(Analyzer& analyzer, bool full_analysis) : analyzer_(analyzer), terms_(analyzer, full_analysis) {}

  // Fills `doc` for `p`. Sets p.lang to the detected language when the record gave none and detection
  // was confident. `spellings` receives words for the spelling table.
  Xapian::Document build(Project& p, std::vector<std::string>* spellings);

  // The words build() gives the spelling table for `p` (with repeats), without building a document: what
  // a writer takes back out of the table when it deletes or replaces the record. `p` as stored (its
  // document data), so the detected language is the one the build used.
  std::vector<std::string> spelling_words(const Project& p) const;

  // The languages a field is analysed in: the record's (or detected) language, else all three.
  std::vector<Lang> field_languages(const std::string& text, const std::string& record_lang) const;

 private:
  Xapian::termpos index_text(Xapian::Document& doc, const std::string& text, const std::vector<Lang>& langs,
                             unsigned boost, std::string_view field_prefix, Xapian::termpos base,
                             std::vector<std::string>* spellings);

  void add_spelling_words(const std::string& text, const std::vector<Lang>& langs,
                          std::vector<std::string>* spellings) const;
  // A word the spelling table takes: 3-40 bytes, no digit, a stopword in none of the languages.
  bool spelling_word(const Word& w, const std::vector<Lang>& langs) const;

  Analyzer& analyzer_;
  TermAnalysis terms_;             // word -> index terms (api/term_analysis.h)
  std::vector<IndexTerm> scratch_;  // one word's terms
};

}  // namespace haku
