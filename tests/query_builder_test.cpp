// Tests of query building (api/query_builder.h, api/min_should_match.h): operators and stopwords keep
// the meaning of the words around them, and long queries match on most of their words.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xapian.h>

#include <set>
#include <string>
#include <vector>

#include "api/min_should_match.h"
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

// Regression: a stopword left an empty subquery in the AND of the words, which Xapian reads as
// MatchNothing, so every query with a stopword matched nothing and was searched again with OR.
TEST_CASE("a stopword between the words keeps every-word matching") {
  TempDir dir("haku-query-builder");
  build_index(dir.path, {record("both", "Rasism i skolan", "Projektet motverkar rasism i skolan.", "sv"),
                         record("one", "Rasism", "Projektet motverkar rasism på arbetsplatser.", "sv"),
                         record("other", "Skolan", "Projektet bygger en ny skola.", "sv")});
  auto searcher = open_searcher(dir.path);
  CHECK(total(*searcher, "rasism skolan") == 1);
  CHECK(total(*searcher, "rasism i skolan") == 1);
  CHECK(total(*searcher, "rasism och skolan") == 1);
}

TEST_CASE("a long query matches the records holding most of its words") {
  TempDir dir("haku-query-builder");
  const std::vector<std::string> words = {"museum", "archive", "catalogue", "metadata", "digitisation", "heritage"};
  std::vector<Project> records;
  for (size_t k = 1; k <= words.size(); ++k) {
    std::string text;
    for (size_t i = 0; i < k; ++i) text += words[i] + " ";
    records.push_back(record("k" + std::to_string(k), "Record " + std::to_string(k), text + "and more text.", "en"));
  }
  build_index(dir.path, records);
  auto searcher = open_searcher(dir.path);
  std::string q;
  for (const auto& w : words) q += w + " ";
  const size_t m = min_words(words.size());
  REQUIRE(m > 1);
  REQUIRE(m < words.size());
  // Not every word (only k6 has them all) nor any word (all six records have one): at least m.
  CHECK(total(*searcher, q) == words.size() - m + 1);
  SearchRequest r;
  r.q = q;
  r.mode = SearchMode::keyword;
  r.expand = false;
  const auto ids = ids_of(must_search(*searcher, r));
  REQUIRE(!ids.empty());
  CHECK(ids[0] == "k6");
  // Short queries still need every word.
  CHECK(total(*searcher, "museum digitisation") == words.size() - 4);
}

// Regression: over remote shards a long query answered 500, since xapian-tcpsrv cannot unserialise the
// engine's MinShouldMatch posting source. With Xapian's operators only, the same filter is an OR of
// ANDs: it survives serialisation with Xapian's default registry and matches the same records.
TEST_CASE("a long query in Xapian's own operators matches what the posting source matches") {
  TempDir dir("haku-query-builder");
  const std::vector<std::string> words = {"museum", "archive", "catalogue", "metadata", "digitisation", "heritage"};
  std::vector<Project> records;
  for (size_t k = 0; k < 64; ++k) {
    std::string text;
    for (size_t i = 0; i < words.size(); ++i)
      if (k & (1u << i)) text += words[i] + " ";
    records.push_back(record("r" + std::to_string(k), "Record " + std::to_string(k), text + "and more text.", "en"));
  }
  build_index(dir.path, records);
  Xapian::Database db(dir.path + "/current/xapian");
  Analyzer analyzer;
  std::string q;
  for (const auto& w : words) q += w + " ";
  auto matches = [&](const Xapian::Query& query) {
    Xapian::Enquire enq(db);
    enq.set_query(query);
    std::set<Xapian::docid> got;
    const Xapian::MSet ms = enq.get_mset(0, 100);
    for (auto it = ms.begin(); it != ms.end(); ++it) got.insert(*it);
    return got;
  };
  QueryBuilder local(analyzer, db);
  const Xapian::Query with_source = local.build(q, "en", true).query;
  QueryBuilder portable(analyzer, db);
  portable.set_xapian_operators_only(true);
  const Xapian::Query plain = portable.build(q, "en", true).query;
  CHECK(with_source.get_description().find("MinShouldMatch") != std::string::npos);
  CHECK(plain.get_description().find("MinShouldMatch") == std::string::npos);
  // What xapian-tcpsrv would need: the posting source cannot even be serialised for it.
  CHECK_THROWS_AS(Xapian::Query::unserialise(with_source.serialise()), Xapian::Error);
  const Xapian::Query received = Xapian::Query::unserialise(plain.serialise());
  const auto want = matches(with_source);
  // Every record holding at least min_words() of the six words.
  size_t expected = 0;
  for (size_t k = 0; k < 64; ++k) expected += static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(k))) >= min_words(words.size());
  CHECK(want.size() == expected);
  CHECK(matches(plain) == want);
  CHECK(matches(received) == want);
}

TEST_CASE("MinShouldMatch matches exactly the records holding m of the words") {
  TempDir dir("haku-query-builder");
  Xapian::WritableDatabase db(dir.path + "/db", Xapian::DB_CREATE);
  // Record i holds term "t<j>" when bit j of i is set, and "p<j>" + "q<j>" (a pair) when bit j+4 is.
  for (unsigned i = 1; i <= 255; ++i) {
    Xapian::Document doc;
    for (unsigned j = 0; j < 4; ++j)
      if (i & (1u << j)) doc.add_term("t" + std::to_string(j));
    for (unsigned j = 0; j < 4; ++j)
      if (i & (1u << (j + 4))) {
        doc.add_term("p" + std::to_string(j));
        if (j % 2 == 0) doc.add_term("q" + std::to_string(j));
      }
    db.add_document(doc);
  }
  db.commit();
  // Word j: term t<j>, or the pair p<j> + q<j> (present only for even j).
  std::vector<WordClause> clauses;
  for (unsigned j = 0; j < 4; ++j)
    clauses.push_back({{"t" + std::to_string(j)}, {"p" + std::to_string(j), "q" + std::to_string(j)}});
  for (size_t m = 1; m <= 4; ++m) {
    CAPTURE(m);
    Xapian::Enquire enq(db);
    auto* source = new MinShouldMatch(clauses, m);
    enq.set_query(Xapian::Query(source->release()));
    Xapian::MSet ms = enq.get_mset(0, 300);
    std::set<Xapian::docid> got;
    for (auto it = ms.begin(); it != ms.end(); ++it) got.insert(*it);
    std::set<Xapian::docid> want;
    for (unsigned i = 1; i <= 255; ++i) {
      size_t n = 0;
      for (unsigned j = 0; j < 4; ++j) n += (i & (1u << j)) || ((i & (1u << (j + 4))) && j % 2 == 0);
      if (n >= m) want.insert(i);
    }
    CHECK(got == want);
    // As a filter beside another query (check() instead of next()).
    Xapian::Enquire enq2(db);
    auto* filter = new MinShouldMatch(clauses, m);
    enq2.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query("t0"), Xapian::Query(filter->release())));
    Xapian::MSet ms2 = enq2.get_mset(0, 300);
    std::set<Xapian::docid> got2;
    for (auto it = ms2.begin(); it != ms2.end(); ++it) got2.insert(*it);
    std::set<Xapian::docid> want2;
    for (auto d : want)
      if (d & 1u) want2.insert(d);
    CHECK(got2 == want2);
  }
  // The alternatives of a word's query: products for AND and phrases, branches for OR and SYNONYM.
  WordClause c;
  REQUIRE(clause_of(Xapian::Query(Xapian::Query::OP_SYNONYM,
                                  Xapian::Query("a"),
                                  Xapian::Query(Xapian::Query::OP_AND, Xapian::Query("b"),
                                                Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("c"), Xapian::Query("d")))),
                    &c));
  CHECK(c == WordClause{{"a"}, {"b", "c"}, {"b", "d"}});
}
