#pragma once
// Keyword ranking parameters, defined once for every ranked pass over the index (api/searcher.cpp).
// Stateless functions (thread-safe).
#include <xapian.h>

namespace haku {

// The BM25 weighting of keyword searches over `db`: BM25 with k1 in the index's units of
// within-document frequency (ranking.cpp).
Xapian::BM25Weight keyword_weighting(const Xapian::Database& db);

// The weighting of passes that only count or select matches (totals, facet counts, which vector
// candidates pass the filters, browsing): their weights are never read. Not Xapian::BoolWeight, whose
// passes Xapian 1.4.22 reads a term that indexes every document through: when a weighting needs no
// wdf, such a term's postings are swapped for the list of all documents under the term's name, which
// fails at its second chunk ("DatabaseCorruptError: Unexpected end of posting list") whenever the
// docids have a gap, as after any delete or replacement and in every shard of a sharded generation,
// and the database holds more than about a thousand records. This BM25 reads the wdf (k1 > 0) and
// no document lengths (b = 0). A Xapian weighting scheme, so xapian-tcpsrv runs it on remote shards.
Xapian::BM25Weight counting_weighting();

}  // namespace haku
