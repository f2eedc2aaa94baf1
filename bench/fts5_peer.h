#pragma once
// SQLite FTS5 as the benchmark's peer: loads the same corpus into an FTS5 table (unicode61 tokenizer,
// diacritics kept) plus an attribute table with the facet values Haku derives, and answers the mix with
// bm25() ranking, the same filters as SQL WHERE clauses and facet counts by GROUP BY. Not thread-safe.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/query_mix.h"

namespace haku::bench {

struct Fts5LoadReport {
  uint64_t records = 0;
  double seconds = 0;
  uint64_t size_bytes = 0;
};

// Creates db_path afresh from a corpus file or folder. Returns false and sets *error on failure.
bool fts5_load(const std::string& source, const std::string& db_path, Fts5LoadReport* report, std::string* error);

class Fts5Peer {
 public:
  // Opens a database fts5_load wrote.
  static std::unique_ptr<Fts5Peer> open(const std::string& db_path, std::string* error);
  ~Fts5Peer();
  Fts5Peer(const Fts5Peer&) = delete;
  Fts5Peer& operator=(const Fts5Peer&) = delete;

  // The top 10 by bm25() for the query's words (all required) under its filters, and the counts of
  // each facet it asks for (a facet's own filter left out, as Haku does). Returns the number of hits in
  // the top 10, or -1 with *error set.
  int search(const MixQuery& query, const Params& params, std::string* error);

 private:
  struct Impl;
  explicit Fts5Peer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The FTS5 MATCH expression for a query: each word quoted, so every word is required and no word is
// read as syntax. Empty when the query has no words.
std::string fts5_match_expression(const std::string& q);

}  // namespace haku::bench
