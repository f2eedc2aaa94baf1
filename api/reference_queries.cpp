// Reference queries: loading and checking (see reference_queries.h).
#include "api/reference_queries.h"

#include <algorithm>
#include <fstream>

#include "api/searcher.h"

namespace haku {

Result<std::vector<ReferenceQuery>> load_reference_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::error(StatusCode::io_error, "cannot read reference queries " + path, "queries");
  std::vector<ReferenceQuery> out;
  std::string line;
  uint64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    ReferenceQuery q;
    q.where = path + ":" + std::to_string(lineno);
    size_t tab = line.find('\t');
    q.query = line.substr(0, tab);
    while (tab != std::string::npos) {
      size_t next = line.find('\t', tab + 1);
      std::string id = line.substr(tab + 1, next == std::string::npos ? std::string::npos : next - tab - 1);
      if (!id.empty()) q.ids.push_back(id);
      tab = next;
    }
    if (q.query.empty() || q.ids.empty())
      return Status::error(StatusCode::invalid_argument, q.where + ": expected \"query<TAB>expected-id\"", "queries");
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<std::string> check_reference_queries(Searcher& searcher, const std::vector<ReferenceQuery>& queries) {
  std::vector<std::string> misses;
  for (const auto& q : queries) {
    SearchRequest r;
    r.q = q.query;
    auto res = searcher.search(r);
    if (!res) {
      misses.push_back(q.where + ": query '" + q.query + "' failed: " + res.status().message());
      continue;
    }
    for (const auto& id : q.ids) {
      bool found = std::any_of(res->hits.begin(), res->hits.end(), [&](const Hit& h) { return h.id == id; });
      if (!found) misses.push_back(q.where + ": query '" + q.query + "' does not find " + id + " on its first page");
    }
  }
  return misses;
}

}  // namespace haku
