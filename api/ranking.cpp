// Keyword ranking parameters (see ranking.h).
#include "api/ranking.h"

#include "api/schema.h"

namespace haku {

namespace {
// BM25's usual k1 and b (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and
// Beyond"), k1 counting occurrences of a word.
constexpr double kK1PerOccurrence = 1.2;
constexpr double kB = 0.75;
constexpr double kMinNormLen = 0.5;
}  // namespace

Xapian::BM25Weight keyword_weighting(const Xapian::Database&) {
  // A query word is one synonym group whose within-document frequency adds up the record's forms of it:
  // one occurrence of the word as typed counts schema::kWdfPerOccurrence (surface, stem and lemma), so
  // k1 is scaled by that to saturate after the same number of occurrences as BM25 over plain words.
  // Unscaled, k1 = 1.2 gave a single occurrence 83-87% of the word's maximum weight (BM25: 45%).
  return Xapian::BM25Weight(kK1PerOccurrence * schema::kWdfPerOccurrence, 0, 1, kB, kMinNormLen);
}

Xapian::BM25Weight counting_weighting() { return Xapian::BM25Weight(1, 0, 1, 0, kMinNormLen); }

}  // namespace haku
