#pragma once
// QueryBuilder: turns the user's query text into a Xapian query over Haku's schema. Xapian's QueryParser
// reads the syntax (phrases, AND / OR / NOT, -word, field:word, word*); every word it yields is then
// expanded with the same analysis as at index time (surface, folded form, stems, lemmas and compound
// parts per language), weighted below the word itself, and with its translations into the other
// languages (api/cross_lingual.h), weighted below the user's own forms. Not thread-safe (uses the
// caller's Analyzer); the TranslationTable is only read.
#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "api/cross_lingual.h"
#include "api/search.h"
#include "api/term_analysis.h"
#include "stemmers/analyzer.h"
#include "stemmers/translation.h"

namespace haku {

struct BuiltQuery {
  Xapian::Query query;
  std::vector<Lang> langs;
  bool detected = false;
  bool fell_back = false;            // the parser rejected the syntax; searched as plain words
  std::vector<std::string> words;    // the user's words, normalised (for spelling suggestions)
  std::vector<ExplainTerm> explain;  // what each word was expanded to
  std::string parse_error;
};

class QueryBuilder {
 public:
  // `translations`: nullptr = no cross-lingual expansion. Must outlive the builder.
  QueryBuilder(Analyzer& analyzer, const Xapian::Database& db, const TranslationTable* translations = nullptr);
  // `all_words`: words combine with AND (true) or OR (false) where the query gives no operator.
  BuiltQuery build(const std::string& text, const std::string& lang, bool all_words);
  // Queries made of Xapian's own operators only: a remote shard (xapian-tcpsrv) cannot run the
  // engine's posting sources, so a long query's "most words" filter is spelt as an OR of ANDs.
  void set_xapian_operators_only(bool only) { xapian_only_ = only; }
  // The languages translations go into (CrossLingual::languages_held of the index; default all).
  void set_translation_targets(CrossLingual::Targets into) { into_ = into; }

 private:
  Xapian::Query rebuild(const Xapian::Query& q, bool positional, BuiltQuery& out, bool top);
  Xapian::Query expand_word(const std::string& term, bool positional, BuiltQuery& out, bool droppable);
  // A query of kLongQueryWords plain words or more: the OR of the words, filtered to the records that
  // hold min_words() of them. Anything else is returned as built.
  Xapian::Query min_should_match(const Xapian::Query& parsed, const Xapian::Query& built);

  Analyzer& analyzer_;
  TermAnalysis terms_;  // word -> query alternatives, as the indexer maps words to terms
  const Xapian::Database& db_;
  const TranslationTable* translations_;
  std::optional<CrossLingual> cross_;  // per build(): the query's multi-word terms
  bool xapian_only_ = false;
  CrossLingual::Targets into_ = CrossLingual::kEveryLanguage;
};

// From this many words (stopwords left out) a query of plain words matches on most of them, not all.
inline constexpr size_t kLongQueryWords = 4;
// How many of a long query's `words` a record must hold.
size_t min_words(size_t words);

// The languages a query is analysed in: the given one, the one detected from its words (3 or more,
// operators and field:value words left out), or all three.
std::vector<Lang> query_languages(Analyzer& analyzer, const std::string& text, const std::string& lang,
                                  bool* detected);

}  // namespace haku
