#pragma once
// CrossLingual: a query word's translations into the other languages (stemmers/translation.h), each
// as a weighted Xapian query in its own language, for the query builder to group with the word's own
// forms. Dictionary translations of the word or its lemmas, compounds composed part by part, the
// known head of an unknown word. Not thread-safe (uses the caller's Analyzer); the table is only read.
#include <xapian.h>

#include <string>
#include <vector>

#include "api/search.h"
#include "stemmers/analyzer.h"
#include "stemmers/translation.h"

namespace haku {

class CrossLingual {
 public:
  // Both must outlive this object.
  CrossLingual(Analyzer& analyzer, const TranslationTable& table);

  // The translations of one normalised query word, analysed in `langs`: weighted alternatives (below
  // the word as typed), bounded in number; what each is goes to `explain` (kind "translation").
  // The caller puts them in one group with the word's own forms.
  std::vector<Xapian::Query> translate(const std::string& word, const std::vector<Lang>& langs,
                                       std::vector<ExplainTerm>& explain);

  // A translation as a query in its own language: the word's forms, or a phrase of several words.
  Xapian::Query translation_query(const TranslatedTerm& t);

 private:
  Analyzer& analyzer_;
  const TranslationTable& table_;
};

}  // namespace haku
