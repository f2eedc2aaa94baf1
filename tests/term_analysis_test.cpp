// Tests of the word -> terms mapping (api/term_analysis.h): the indexer, the query builder and the
// snippets use one mapping, and a base form reaches its inflected forms and back.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xapian.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "api/document_builder.h"
#include "api/query_builder.h"
#include "api/schema.h"
#include "api/snippet.h"
#include "api/term_analysis.h"
#include "test_support.h"

using namespace haku;
using namespace haku::testing;

namespace {

std::set<std::string> index_term_set(TermAnalysis& ta, const Word& w, const std::vector<Lang>& langs) {
  std::vector<IndexTerm> terms;
  ta.index_terms(w, langs, &terms);
  std::set<std::string> out;
  for (const auto& t : terms) out.insert(t.term);
  return out;
}

std::set<std::string> query_term_set(TermAnalysis& ta, const std::string& word, const std::vector<Lang>& langs) {
  std::set<std::string> out;
  for (const auto& a : ta.query_alternatives(word, langs))
    if (a.terms.size() == 1) out.insert(a.terms[0]);
  return out;
}

const char* const kTexts[] = {
    "Ammattikorkeakoulujen kotoutumiskoulutuksessa maahanmuuttajille työllisyys matkailu yrittäjyys nuoret",
    "Yrkeshögskolorna och invandrarkvinnor i antirasistiska sysselsättningsprojekt för kommunen",
    "Integration of migrants into the labour market approach"};
const Lang kLangs[] = {Lang::fi, Lang::sv, Lang::en};

}  // namespace

TEST_CASE("index-time and query-time analysis give the same terms") {
  Analyzer analyzer;
  TermAnalysis ta(analyzer);
  for (int i = 0; i < 3; ++i) {
    const std::vector<Lang> langs{kLangs[i]};
    for (const Word& w : analyzer.tokenize(kTexts[i])) {
      CAPTURE(w.norm);
      if (ta.stopword_everywhere(w.norm, langs)) continue;
      // Every term the word is indexed under, except its compound parts (which stand for other words),
      // is one the same word is searched under, and the other way round for the word's own forms.
      const std::set<std::string> indexed = index_term_set(ta, w, langs);
      const std::set<std::string> searched = query_term_set(ta, w.norm, langs);
      for (const std::string& t : indexed) {
        CAPTURE(t);
        if (t.rfind(schema::derived_prefix(TermKind::part, kLangs[i]), 0) == 0) continue;
        CHECK(searched.count(t) == 1);
      }
      for (const auto& a : ta.query_alternatives(w.norm, langs)) {
        if (a.kind != FormKind::surface && a.kind != FormKind::stem && a.kind != FormKind::lemma) continue;
        // The word as a lemma is searched also where the analyser does not give it as one.
        if (a.kind == FormKind::lemma && a.text == w.norm) continue;
        CAPTURE(a.terms[0]);
        CHECK(indexed.count(a.terms[0]) == 1);
      }
    }
  }
}

TEST_CASE("the document builder and the query builder use the term analysis") {
  Analyzer analyzer;
  TermAnalysis ta(analyzer);
  DocumentBuilder builder(analyzer, true);
  TempDir dir;
  Xapian::WritableDatabase db(dir.path + "/db", Xapian::DB_CREATE);
  QueryBuilder qb(analyzer, db);
  for (int i = 0; i < 3; ++i) {
    Project p = record("r" + std::to_string(i), "x", kTexts[i], std::string(lang_code(kLangs[i])));
    Xapian::Document doc = builder.build(p, nullptr);
    std::set<std::string> doc_terms;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) doc_terms.insert(*t);
    for (const Word& w : analyzer.tokenize(kTexts[i])) {
      CAPTURE(w.norm);
      // The record holds every index term of each of its words...
      for (const std::string& t : index_term_set(ta, w, {kLangs[i]})) CHECK(doc_terms.count(t) == 1);
      // ... and the query for the word searches every single-term alternative the analysis gives it.
      const BuiltQuery q = qb.build(w.norm, std::string(lang_code(kLangs[i])), true);
      if (q.query.empty()) continue;
      const std::set<std::string> query_terms(q.query.get_unique_terms_begin(), q.query.get_unique_terms_end());
      for (const std::string& t : query_term_set(ta, w.norm, {kLangs[i]})) {
        CAPTURE(t);
        CHECK(query_terms.count(t) == 1);
      }
    }
  }
}

// Regression: a base form had no stem or lemma term ("matkailu" found 111 records of the 2007-2013
// register, "matkailun" 166, both OR-ed 191): a query in the base form missed the inflected records and
// an inflected query missed the records in the base form.
TEST_CASE("a base form and its inflected forms find each other's records") {
  TempDir dir("haku-term-analysis");
  const std::vector<std::vector<std::string>> groups = {
      {"matkailu", "matkailun", "matkailua", "matkailussa"},
      {"yrittäjyys", "yrittäjyyttä", "yrittäjyyden"},
      {"nuoret", "nuorten", "nuorille", "nuori"},
      {"kunta", "kunnan", "kunnissa", "kuntien"},
      {"högskola", "högskolan", "högskolor", "högskolorna"},
      {"kommun", "kommunen", "kommuner", "kommunerna"}};
  std::vector<Project> records;
  for (const auto& g : groups)
    for (const auto& form : g) {
      const std::string lang = g[0] == "högskola" || g[0] == "kommun" ? "sv" : "fi";
      records.push_back(record(lang + "-" + form, "Hanke " + std::to_string(records.size()),
                               "Tässä kuvauksessa on sana " + form + " ja muuta tekstiä.", lang));
    }
  build_index(dir.path, records);
  auto searcher = open_searcher(dir.path);
  for (const auto& g : groups) {
    for (const auto& q : g) {
      CAPTURE(q);
      SearchRequest r;
      r.q = q;
      r.mode = SearchMode::keyword;
      r.per_page = 20;
      const std::vector<std::string> ids = ids_of(must_search(*searcher, r));
      for (const auto& form : g) {
        CAPTURE(form);
        const std::string lang = g[0] == "högskola" || g[0] == "kommun" ? "sv" : "fi";
        CHECK(std::count(ids.begin(), ids.end(), lang + "-" + form) == 1);
      }
    }
  }
  // explain shows the Finnish lemma of a base form.
  for (const char* q : {"yrittäjyys", "matkailu", "nuoret"}) {
    CAPTURE(q);
    SearchRequest r;
    r.q = q;
    r.mode = SearchMode::keyword;
    r.explain = true;
    const SearchResult res = must_search(*searcher, r);
    REQUIRE(res.explain);
    const bool lemma = std::any_of(res.explain->terms.begin(), res.explain->terms.end(),
                                   [](const ExplainTerm& t) { return t.kind == "lemma" && t.lang == "fi"; });
    CHECK(lemma);
  }
}

TEST_CASE("a snippet marks the words whose index terms the query holds") {
  Analyzer analyzer;
  TempDir dir;
  Xapian::WritableDatabase db(dir.path + "/db", Xapian::DB_CREATE);
  QueryBuilder qb(analyzer, db);
  const BuiltQuery q = qb.build("matkailu", "fi", true);
  const std::set<std::string> terms(q.query.get_unique_terms_begin(), q.query.get_unique_terms_end());
  const std::string s =
      make_snippet(analyzer, "Matkailun kehittäminen ja matkailu sekä matkustaminen.", {Lang::fi}, terms, 200);
  CHECK(s == "<mark>Matkailun</mark> kehittäminen ja <mark>matkailu</mark> sekä matkustaminen.");
}

// Regression (issue 16): snippets marked every word holding one of the query's terms, also a compound's
// part found on its own ("sommarhögskolan" for `yrkeshögskola`, whose parts only match together) and words of
// the right side of AND_NOT. A snippet marks what matched the record.
TEST_CASE("a snippet marks only the terms through which the query matches the record") {
  Analyzer analyzer;
  DocumentBuilder builder(analyzer, true);
  TempDir dir;
  Xapian::WritableDatabase db(dir.path + "/db", Xapian::DB_CREATE);
  QueryBuilder qb(analyzer, db);
  auto doc_of = [&](const std::string& text) {
    Project p = record("r", "x", text, "sv");
    return builder.build(p, nullptr);
  };
  auto marked = [&](const std::string& query, const std::string& text) {
    const BuiltQuery q = qb.build(query, "sv", true);
    return make_snippet(analyzer, text, {Lang::sv}, matched_terms(q.query, doc_of(text)), 200);
  };
  // The compound's parts apart: one of them alone is no match of the word.
  CHECK(marked("yrkeshögskola", "Kurser vid sommarhögskolan i Vasa.") == "Kurser vid sommarhögskolan i Vasa.");
  CHECK(marked("yrkeshögskola", "Yrkeshögskolorna i Finland.") == "<mark>Yrkeshögskolorna</mark> i Finland.");
  // Each word of a query marks what it matched, also where the record lacks another word.
  CHECK(marked("rasism skolan", "Rasism i arbetslivet.") == "<mark>Rasism</mark> i arbetslivet.");
  // What a query excludes or only filters on is not marked; a phrase marks only where it matched.
  CHECK(marked("rasism -skolan", "Rasism och skolan.") == "<mark>Rasism</mark> och skolan.");
  CHECK(marked("\"rasism skolan\" arbetslivet", "Skolan och arbetslivet.") == "Skolan och <mark>arbetslivet</mark>.");
}
