#pragma once
// What one request of a Searcher runs against, shared by the engine's search parts (keyword_search,
// fusion, facets_filters, suggestions, more_like_this): the generation, held for the request; this
// thread's database handle on it; this thread's Analyzer. Internal to the engine; not thread-safe (one
// request on one thread).
#include <xapian.h>

#include <memory>

#include "api/generation.h"
#include "stemmers/analyzer.h"

namespace haku {

struct SearchContext {
  std::shared_ptr<const Generation> generation;  // keeps the generation loaded while the request runs
  Xapian::Database& db;                          // this thread's handle on `generation`
  Analyzer& analyzer;

  const Generation& gen() const { return *generation; }
};

}  // namespace haku
