#pragma once
// What one request of a Searcher runs against, shared by the engine's search parts (keyword_search,
// fusion, facets_filters, suggestions, more_like_this): a database handle the generation lent it
// (which holds the generation for the request) and the Searcher's Analyzer. Internal to the engine;
// not thread-safe (one request on one thread).
#include <xapian.h>

#include <memory>
#include <utility>

#include "api/generation.h"
#include "stemmers/analyzer.h"

namespace haku {

struct SearchContext {
  SearchContext(Generation::Handle h, Analyzer& a) : handle(std::move(h)), db(handle.db()), analyzer(a) {}

  Generation::Handle handle;  // the request's database; keeps its generation loaded while it runs
  Xapian::Database& db;       // handle.db()
  Analyzer& analyzer;

  const Generation& gen() const { return handle.generation(); }
};

}  // namespace haku
