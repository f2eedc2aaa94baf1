// Ranking evaluation over a judged query set (see semantic_eval.h).
#include "api/semantic_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

namespace haku {

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}
}  // namespace

Result<std::vector<JudgedQuery>> load_judged_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::error(StatusCode::io_error, "cannot read " + path);
  std::vector<JudgedQuery> out;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (++n == 1 || line.empty()) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cols = split(line, '\t');
    if (cols.size() != 4)
      return Status::error(StatusCode::invalid_argument,
                           path + ":" + std::to_string(n) + ": expected 4 columns");
    JudgedQuery q{cols[0], cols[1], cols[2], {}};
    for (const auto& item : split(cols[3], ',')) {
      if (item.empty()) continue;
      size_t colon = item.rfind(':');
      int grade = 1;
      std::string id = item;
      if (colon != std::string::npos && colon + 1 < item.size() &&
          item.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
        grade = std::atoi(item.c_str() + colon + 1);
        id = item.substr(0, colon);
      }
      if (grade > 0) q.grades[id] = grade;
    }
    out.push_back(std::move(q));
  }
  return out;
}

Result<std::map<std::string, RankingScores>> evaluate_ranking(Searcher& searcher,
                                                              const std::vector<JudgedQuery>& queries,
                                                              const SearchRequest& base) {
  std::map<std::string, RankingScores> out;
  for (const auto& jq : queries) {
    SearchRequest r = base;
    r.q = jq.query;
    r.per_page = 10;
    r.page = 1;
    auto res = searcher.search(r);
    if (!res) return res.status();
    double dcg = 0, idcg = 0, rr = 0;
    size_t found = 0;
    for (size_t i = 0; i < res->hits.size() && i < 10; ++i) {
      auto g = jq.grades.find(res->hits[i].id);
      if (g == jq.grades.end()) continue;
      dcg += (std::pow(2.0, g->second) - 1) / std::log2(double(i) + 2);
      ++found;
      if (rr == 0) rr = 1.0 / double(i + 1);
    }
    std::vector<int> ideal;
    for (const auto& [id, g] : jq.grades) ideal.push_back(g);
    std::sort(ideal.rbegin(), ideal.rend());
    for (size_t i = 0; i < ideal.size() && i < 10; ++i)
      idcg += (std::pow(2.0, ideal[i]) - 1) / std::log2(double(i) + 2);
    const double ndcg = idcg > 0 ? dcg / idcg : 0;
    const double recall = jq.grades.empty() ? 0 : double(found) / double(jq.grades.size());
    for (const std::string& key : {jq.lang, std::string("all")}) {
      RankingScores& s = out[key];
      ++s.queries;
      s.ndcg10 += ndcg;
      s.recall10 += recall;
      s.mrr10 += rr;
    }
  }
  for (auto& [key, s] : out) {
    if (s.queries == 0) continue;
    s.ndcg10 /= double(s.queries);
    s.recall10 /= double(s.queries);
    s.mrr10 /= double(s.queries);
  }
  return out;
}

}  // namespace haku
