// Ranking quality on the judged sample queries (tests/relevance/queries.tsv): hybrid search must not
// rank worse than keyword search (nDCG@10 over all queries). scripts/eval prints the full table.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "api/index_writer.h"
#include "api/searcher.h"
#include "api/ranking_eval.h"
#include "corpus/reader.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace haku;
using namespace haku::testing;

TEST_CASE("hybrid ranks the judged sample queries at least as well as keyword search") {
  TempDir dir("haku-relevance-test");
  build_index(dir.path, sample_corpus());
  auto judged = load_judged_queries(std::string(HAKU_SOURCE_DIR) + "/tests/relevance/queries.tsv");
  REQUIRE(judged.is_ok());
  REQUIRE(judged->size() >= 60);
  auto searcher = Searcher::open({dir.path, ""});
  REQUIRE(searcher.is_ok());
  SearchRequest keyword, hybrid;
  keyword.mode = SearchMode::keyword;
  hybrid.mode = SearchMode::hybrid;
  auto k = evaluate_ranking(*searcher.value(), *judged, keyword);
  auto h = evaluate_ranking(*searcher.value(), *judged, hybrid);
  REQUIRE(k.is_ok());
  REQUIRE(h.is_ok());
  const RankingScores& ks = k->at("all");
  const RankingScores& hs = h->at("all");
  MESSAGE("nDCG@10 keyword " << ks.ndcg10 << ", hybrid " << hs.ndcg10 << "; recall@10 keyword " << ks.recall10
                             << ", hybrid " << hs.recall10);
  CHECK(hs.ndcg10 >= ks.ndcg10);
}
