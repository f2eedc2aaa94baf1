#pragma once
// Keyword ranking parameters, defined once for every ranked pass over the index (api/searcher.cpp).
// Stateless functions (thread-safe).
#include <xapian.h>

namespace haku {

// The BM25 weighting of keyword searches over `db`: BM25 with k1 in the index's units of
// within-document frequency (ranking.cpp).
Xapian::BM25Weight keyword_weighting(const Xapian::Database& db);

}  // namespace haku
