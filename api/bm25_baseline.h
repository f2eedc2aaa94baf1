#pragma once
// The bare baseline haku-eval reports beside Haku's modes: Xapian used out of the box. Records are
// indexed by Xapian::TermGenerator (title, then description, no field weights) with the Snowball stemmer
// of the record's language (fi / sv / en; none when the record has no language) and the default
// STEM_SOME strategy; queries are parsed by Xapian::QueryParser with the Snowball stemmer of the query's
// language, default flags and default operator (OR), and ranked by Xapian::BM25Weight with its default
// parameters (k1 1, k2 0, k3 1, b 0.5, min_normlen 0.5). No stopwords, no other analysis. A facet filter
// (lang:sv) is a boolean term. Not thread-safe (one Xapian database handle).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/status.h"
#include "corpus/project.h"

namespace haku {

class Bm25Baseline {
 public:
  // Creates an empty database at `path` (replacing what is there).
  static Result<std::unique_ptr<Bm25Baseline>> create(const std::string& path);
  // Opens a database a previous create() committed.
  static Result<std::unique_ptr<Bm25Baseline>> open(const std::string& path);
  ~Bm25Baseline();
  Bm25Baseline(const Bm25Baseline&) = delete;
  Bm25Baseline& operator=(const Bm25Baseline&) = delete;

  Status add(const Project& p);
  Status commit();
  // The ids of the best `k` records for `query` in language `lang` (fi | sv | en) under `filters`
  // ((facet, value); only lang is supported), best first.
  Result<std::vector<std::string>> search(const std::string& query, const std::string& lang,
                                          const std::vector<std::pair<std::string, std::string>>& filters,
                                          size_t k);
  uint64_t documents() const;

 private:
  struct Impl;
  explicit Bm25Baseline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace haku
