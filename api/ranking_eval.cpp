// Ranking evaluation over judged query sets (see ranking_eval.h).
#include "api/ranking_eval.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

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

Status bad_line(const std::string& path, size_t line, const std::string& field, const std::string& reason) {
  return Status::error(StatusCode::invalid_argument,
                       path + ":" + std::to_string(line) + ": " + (field.empty() ? "" : field + ": ") + reason);
}

// Reads the lines of a text file, without their line ends; `f(line, number)` returns a failure to stop.
template <class F>
Status for_each_line(const std::string& path, F&& f) {
  std::ifstream in(path);
  if (!in) return Status::error(StatusCode::io_error, "cannot read " + path);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (Status s = f(line, n); !s) return s;
  }
  return Status::ok();
}
}  // namespace

Result<std::vector<JudgedQuery>> load_judged_queries(const std::string& path) {
  std::vector<JudgedQuery> out;
  Status s = for_each_line(path, [&](const std::string& line, size_t n) -> Status {
    if (n == 1 || line.empty()) return Status::ok();
    std::vector<std::string> cols = split(line, '\t');
    if (cols.size() != 4) return bad_line(path, n, "", "expected 4 tab-separated columns");
    JudgedQuery q{cols[0], cols[1], cols[2], {}, {}};
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
    return Status::ok();
  });
  if (!s) return s;
  return out;
}

Result<std::vector<JudgedQuery>> load_cisi_queries(const std::string& path) {
  std::vector<JudgedQuery> out;
  Status s = for_each_line(path, [&](const std::string& line, size_t n) -> Status {
    if (line.empty()) return Status::ok();
    std::vector<std::string> cols = split(line, '\t');
    if (cols.size() != 2) return bad_line(path, n, "", "expected 2 tab-separated columns (query, relevant ids)");
    JudgedQuery q{"cisi-q" + std::to_string(out.size() + 1), "en", cols[0], {}, {}};
    for (const auto& id : split(cols[1], '|'))
      if (!id.empty()) q.grades[id] = 1;
    if (q.grades.empty()) return bad_line(path, n, "relevant ids", "no relevant id");
    out.push_back(std::move(q));
    return Status::ok();
  });
  if (!s) return s;
  return out;
}

Result<std::vector<JudgedQuery>> load_crosslingual_titles(const std::string& path) {
  std::vector<JudgedQuery> out;
  Status s = for_each_line(path, [&](const std::string& line, size_t n) -> Status {
    if (line.empty() || line[0] == '#') return Status::ok();
    std::vector<std::string> cols = split(line, '\t');
    if (cols.size() != 4) return bad_line(path, n, "", "expected 4 tab-separated columns");
    const size_t colon = cols[3].find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == cols[3].size())
      return bad_line(path, n, "filter", "expected facet:value, got '" + cols[3] + "'");
    if (cols[1] != "fi" && cols[1] != "sv" && cols[1] != "en")
      return bad_line(path, n, "query_lang", "expected fi, sv or en, got '" + cols[1] + "'");
    JudgedQuery q{"xl-" + std::to_string(n), cols[1], cols[0], {{cols[2], 1}},
                  {{cols[3].substr(0, colon), cols[3].substr(colon + 1)}}};
    out.push_back(std::move(q));
    return Status::ok();
  });
  if (!s) return s;
  return out;
}

Status read_statutes(const std::string& path, const std::function<bool(Project&&)>& on_record) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return Status::error(StatusCode::io_error, "cannot read " + path);
  struct Closer {
    gzFile f;
    ~Closer() { gzclose(f); }
  } closer{gz};
  std::string line;
  std::vector<char> buf(1 << 16);
  size_t n = 0;
  bool more = true;
  auto one = [&]() -> Status {
    ++n;
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.empty()) return Status::ok();
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      return bad_line(path, n, "", std::string("not JSON: ") + e.what());
    }
    Project p;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"id", &p.id}, {"lang", &p.lang},
                            {"title", &p.title}, {"text", &p.description}}) {
      auto it = j.find(key);
      if (it == j.end() || !it->is_string()) return bad_line(path, n, key, "missing or not a string");
      *out = it->get<std::string>();
    }
    more = on_record(std::move(p));
    return Status::ok();
  };
  while (more && gzgets(gz, buf.data(), static_cast<int>(buf.size()))) {
    line += buf.data();
    if (!line.empty() && line.back() == '\n') {
      if (Status s = one(); !s) return s;
      line.clear();
    }
  }
  if (!more) return Status::ok();
  int err = 0;
  const char* msg = gzerror(gz, &err);
  if (err != Z_OK && err != Z_STREAM_END) return Status::error(StatusCode::io_error, path + ": " + msg);
  if (!line.empty()) return one();
  return Status::ok();
}

void RankingTally::add(const JudgedQuery& jq, const std::vector<std::string>& ranked_ids) {
  double dcg = 0, idcg = 0, rr = 0;
  size_t found = 0;
  bool top3 = false;
  for (size_t i = 0; i < ranked_ids.size() && i < 10; ++i) {
    auto g = jq.grades.find(ranked_ids[i]);
    if (g == jq.grades.end()) continue;
    dcg += (std::pow(2.0, g->second) - 1) / std::log2(double(i) + 2);
    ++found;
    if (rr == 0) rr = 1.0 / double(i + 1);
    if (i < 3) top3 = true;
  }
  std::vector<int> ideal;
  for (const auto& [id, g] : jq.grades) ideal.push_back(g);
  std::sort(ideal.rbegin(), ideal.rend());
  for (size_t i = 0; i < ideal.size() && i < 10; ++i) idcg += (std::pow(2.0, ideal[i]) - 1) / std::log2(double(i) + 2);
  const double ndcg = idcg > 0 ? dcg / idcg : 0;
  const double recall = jq.grades.empty() ? 0 : double(found) / double(jq.grades.size());
  for (const std::string& key : {jq.lang, std::string("all")}) {
    RankingScores& s = sums_[key];
    ++s.queries;
    s.ndcg10 += ndcg;
    s.recall10 += recall;
    s.mrr10 += rr;
    s.success3 += top3 ? 1 : 0;
  }
}

std::map<std::string, RankingScores> RankingTally::scores() const {
  std::map<std::string, RankingScores> out = sums_;
  for (auto& [key, s] : out) {
    if (s.queries == 0) continue;
    const double n = double(s.queries);
    s.ndcg10 /= n;
    s.recall10 /= n;
    s.mrr10 /= n;
    s.success3 /= n;
  }
  return out;
}

Result<std::map<std::string, RankingScores>> evaluate_ranking(Searcher& searcher,
                                                              const std::vector<JudgedQuery>& queries,
                                                              const SearchRequest& base,
                                                              std::vector<QueryOutcome>* outcomes) {
  RankingTally tally;
  for (const auto& jq : queries) {
    SearchRequest r = base;
    r.q = jq.query;
    r.per_page = 10;
    r.page = 1;
    r.filters.insert(r.filters.end(), jq.filters.begin(), jq.filters.end());
    auto res = searcher.search(r);
    if (!res) return Status::error(res.status().code(), jq.qid + " (" + jq.query + "): " + res.status().message());
    std::vector<std::string> ids;
    for (const Hit& h : res->hits) ids.push_back(h.id);
    tally.add(jq, ids);
    if (outcomes) outcomes->push_back({&jq, std::move(ids)});
  }
  return tally.scores();
}

}  // namespace haku
