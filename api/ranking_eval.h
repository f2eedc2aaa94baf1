#pragma once
// Ranking evaluation over judged query sets: the sample queries (tests/relevance/queries.tsv), CISI and
// the Finnish Statute Book cross-lingual titles (../shared/data/eval/), their records, and MRR@10,
// nDCG@10, recall@10 and success@3 of a ranking, per query language. Used by haku-eval and the
// relevance tests. Stateless functions; evaluate_ranking() uses the caller's Searcher (not
// thread-safe, like the Searcher).
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/search.h"
#include "api/searcher.h"
#include "api/status.h"
#include "corpus/project.h"

namespace haku {

struct JudgedQuery {
  std::string qid;
  std::string lang;                    // the query's language: fi | sv | en
  std::string query;
  std::map<std::string, int> grades;   // record id -> 1 (relevant) or 2 (highly relevant)
  std::vector<std::pair<std::string, std::string>> filters;  // (facet, value), e.g. (lang, sv)
};

// The sample set: a header line, then qid, lang, query, comma-separated id[:grade].
Result<std::vector<JudgedQuery>> load_judged_queries(const std::string& path);
// CISI (../shared/data/eval/cisi_queries.tsv): query, '|'-separated relevant ids; English, grade 1.
Result<std::vector<JudgedQuery>> load_cisi_queries(const std::string& path);
// The Statute Book cross-lingual titles: '#' comment lines, then query, query_lang, relevant_id,
// filter (facet:value).
Result<std::vector<JudgedQuery>> load_crosslingual_titles(const std::string& path);

// The Statute Book (finlex_statutes_*.jsonl.gz): one JSON object a line with id, lang, title and text,
// mapped to a record's id, lang, title and description. Calls `on_record` for each until it returns
// false; an unreadable line fails the whole read with file:line: field: reason.
Status read_statutes(const std::string& path, const std::function<bool(Project&&)>& on_record);

struct RankingScores {
  size_t queries = 0;
  double ndcg10 = 0;    // mean over queries, gains 2^grade - 1, log2 discount
  double recall10 = 0;  // relevant records (grade >= 1) in the top 10, over all relevant ones
  double mrr10 = 0;     // 1 / rank of the first relevant record in the top 10 (0 if none)
  double success3 = 0;  // share of queries with a relevant record in the top 3
};

// Accumulates the scores of ranked id lists (best first) by query language and "all".
class RankingTally {
 public:
  void add(const JudgedQuery& q, const std::vector<std::string>& ranked_ids);
  // Means so far, keyed by query language and "all".
  std::map<std::string, RankingScores> scores() const;

 private:
  std::map<std::string, RankingScores> sums_;
};

// What one query returned: its top ten ids, best first.
struct QueryOutcome {
  const JudgedQuery* query = nullptr;
  std::vector<std::string> top;
};

// Scores of one configuration (mode, expand) of `base` (its q, filters and page replaced per query);
// `outcomes`, when given, receives each query's top ten.
Result<std::map<std::string, RankingScores>> evaluate_ranking(Searcher& searcher,
                                                              const std::vector<JudgedQuery>& queries,
                                                              const SearchRequest& base,
                                                              std::vector<QueryOutcome>* outcomes = nullptr);

}  // namespace haku
