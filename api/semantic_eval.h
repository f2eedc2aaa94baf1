#pragma once
// Ranking evaluation over a judged query set (tests/relevance/queries.tsv): nDCG@10, recall@10 and
// MRR@10 per search mode and per query language. Used by haku-eval and the relevance test.
// Stateless functions; evaluate() uses the caller's Searcher (not thread-safe, like the Searcher).
#include <map>
#include <string>
#include <vector>

#include "api/search.h"
#include "api/searcher.h"
#include "api/status.h"

namespace haku {

struct JudgedQuery {
  std::string qid;
  std::string lang;
  std::string query;
  std::map<std::string, int> grades;  // record id -> 1 (relevant) or 2 (highly relevant)
};

// Reads the TSV (header line, then qid, lang, query, comma-separated id[:grade]).
Result<std::vector<JudgedQuery>> load_judged_queries(const std::string& path);

struct RankingScores {
  size_t queries = 0;
  double ndcg10 = 0;    // mean over queries, gains 2^grade - 1, log2 discount
  double recall10 = 0;  // relevant records (grade >= 1) in the top 10, over all relevant ones
  double mrr10 = 0;     // 1 / rank of the first relevant record in the top 10 (0 if none)
};

// Scores of one configuration (mode, expand) of `base`, keyed by query language and "all".
Result<std::map<std::string, RankingScores>> evaluate_ranking(Searcher& searcher,
                                                              const std::vector<JudgedQuery>& queries,
                                                              const SearchRequest& base);

}  // namespace haku
