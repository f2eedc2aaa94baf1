// Tests of query building (api/query_builder.h): operators keep the meaning of the words around them.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xapian.h>

#include <set>
#include <string>
#include <vector>

#include "api/query_builder.h"
#include "test_support.h"

using namespace haku;
using namespace haku::testing;

namespace {

uint64_t total(Searcher& s, const std::string& q) {
  SearchRequest r;
  r.q = q;
  r.mode = SearchMode::keyword;
  r.expand = false;
  return must_search(s, r).total;
}

}  // namespace

// Regression: the operator words counted as words of the query, so "kunta OR kunnan" (three words) was
// given to language detection, taken for English and searched without its Finnish stems and lemmas:
// over the 2007-2013 register it found 329 records where "kunta" alone found 1,289.
TEST_CASE("operators keep every form of their words") {
  TempDir dir("haku-query-builder");
  std::vector<Project> records;
  for (const char* form : {"kunta", "kunnan", "kunnissa", "kuntien", "kunnat"})
    records.push_back(record(std::string("fi-") + form, std::string("Hanke ") + form,
                             std::string("Kuvauksessa mainitaan ") + form + " useasti.", "fi"));
  records.push_back(record("fi-other", "Muu hanke", "Tässä ei mainita sitä.", "fi"));
  build_index(dir.path, records);
  auto searcher = open_searcher(dir.path);
  const uint64_t alone = total(*searcher, "kunta");
  CHECK(alone == 5);
  CHECK(total(*searcher, "kunta OR kunnan") == alone);
  CHECK(total(*searcher, "kunnan OR kuntien") == alone);
  CHECK(total(*searcher, "kunta AND kunnan") == alone);
  CHECK(total(*searcher, "(kunta OR kunnan) hanke") == alone);
  CHECK(total(*searcher, "kuntien -hanke") == 0);
  // The operator words are no words of a language: three "words" with one of them OR are two.
  bool detected = true;
  Analyzer analyzer;
  CHECK(query_languages(analyzer, "kunta OR kunnan", "auto", &detected).size() == 3);
  CHECK_FALSE(detected);
}
