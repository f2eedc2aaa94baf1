#pragma once
// What one request of a Searcher runs against, shared by the engine's search parts (keyword_search,
// fusion, facets_filters, suggestions, more_like_this): a database handle the generation lent it
// (which holds the generation for the request), the Searcher's Analyzer, and the request's time budget
// with the stages it cut short. Internal to the engine; not thread-safe (one request on one thread).
#include <xapian.h>

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "api/generation.h"
#include "api/request_budget.h"
#include "stemmers/analyzer.h"

namespace haku {

struct SearchContext {
  SearchContext(Generation::Handle h, Analyzer& a, Deadline d = Deadline())
      : handle(std::move(h)), db(handle.db()), analyzer(a), deadline(d) {}

  Generation::Handle handle;  // the request's database; keeps its generation loaded while it runs
  Xapian::Database& db;       // handle.db()
  Analyzer& analyzer;
  const Deadline deadline;
  std::set<std::string> cut;  // stages the deadline cut short (match, facets, semantic, snippets, ...)

  const Generation& gen() const { return handle.generation(); }
  // Whether `stage` may still run; false (and the stage noted as cut) once the budget is spent.
  bool may_run(const char* stage) {
    if (!deadline.passed()) return true;
    cut.insert(stage);
    return false;
  }
};

}  // namespace haku
