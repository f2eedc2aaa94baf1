#pragma once
// The one mapping from a word to terms, written once: the index terms a word of a record is stored
// under (with their within-document weights) and the query alternatives a query word is searched under,
// both from the same analysis (stemmers/analyzer.h) and the same schema
// (api/schema.h). DocumentBuilder indexes with it, QueryBuilder expands with it and SnippetTerms marks
// with it, so what is indexed, what is searched and what is highlighted cannot drift apart. A query
// word reaches a record's word when one of its alternatives is one of that word's index terms: the
// same word, its folded form, a shared Snowball stem, a shared lemma (a base form is its own lemma), or
// the query word's lemma as a compound part of the record's word. Not thread-safe (uses the caller's
// Analyzer).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stemmers/analyzer.h"

namespace haku {

// Bumped whenever the index terms of a word change, so kept indexes are rebuilt (haku-eval).
inline constexpr int kAnalysisVersion = 2;

enum class FormKind : uint8_t {
  surface,  // the word as written (normalised)
  folded,   // without diacritics
  stem,     // Snowball stem in one language
  lemma,    // base form in one language (a base form is its own lemma)
  part,     // the query word (or its lemma) as a compound part of the record's word
  parts,    // all the query compound's own parts, anywhere in the record
};
const char* form_kind_name(FormKind kind);  // "surface", "folded", ...

struct IndexTerm {
  std::string term;  // no field prefix
  unsigned wdf = 0;  // within-document frequency increment, before the field's boost
};

struct QueryAlternative {
  FormKind kind;
  std::optional<Lang> lang;        // none for the surface and folded forms
  std::string text;                // the form (explain shows it)
  std::vector<std::string> terms;  // one term; for `parts` every part's term, all required
  // No query weight: a query word's alternatives form one synonym group (api/query_builder.h), and in
  // it the record's within-document weights rank the forms (the word as typed counts its surface,
  // stem and lemma; a sibling form only the stem and lemma; a compound part only the part).
};

class TermAnalysis {
 public:
  // `full_analysis`: false = surface, folded and Snowball stems only (keyword-only builds).
  explicit TermAnalysis(Analyzer& analyzer, bool full_analysis = true) : analyzer_(analyzer), full_(full_analysis) {}

  Analyzer& analyzer() { return analyzer_; }

  // Whether `norm` is a stopword in every language of `langs` (it then has no derived terms).
  bool stopword_everywhere(std::string_view norm, const std::vector<Lang>& langs) const;

  // The terms one word of a text analysed in `langs` is indexed under, appended to *out: the word, its
  // folded form where it differs, and per language where it is no stopword its stem, lemmas and
  // compound parts.
  void index_terms(const Word& w, const std::vector<Lang>& langs, std::vector<IndexTerm>* out);

  // The alternatives a query word (normalised, as Word::norm) is searched under in `langs`, the word
  // as typed first. `own_parts`: include the query compound's own parts (not inside a phrase).
  std::vector<QueryAlternative> query_alternatives(const std::string& word, const std::vector<Lang>& langs,
                                                   bool own_parts = true);

 private:
  Analyzer& analyzer_;
  bool full_;
};

}  // namespace haku
