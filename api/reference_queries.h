#pragma once
// Reference queries: a file of queries and the ids each must find on its first page, checked by the
// publish gate and by `haku-indexer verify --queries`. Lines "query<TAB>id[<TAB>id...]"; blank lines and
// lines starting with '#' are skipped. Stateless functions (thread-safe; the Searcher is the caller's).
#include <string>
#include <vector>

#include "api/status.h"

namespace haku {

class Searcher;

struct ReferenceQuery {
  std::string query;
  std::vector<std::string> ids;
  std::string where;  // "file:line"
};

// invalid_argument naming "file:line" for a line without a TAB and an id; io_error when unreadable.
Result<std::vector<ReferenceQuery>> load_reference_queries(const std::string& path);

// One message per miss: "file:line: query 'q' does not find ID on its first page" (or why it failed).
std::vector<std::string> check_reference_queries(Searcher& searcher, const std::vector<ReferenceQuery>& queries);

}  // namespace haku
