// Analysis on volume: every distinct word of the real texts in ../shared/data (the Finnish Statute Book
// in Finnish and Swedish, every project register, the vocabularies and evaluation sets) goes through
// the index-time analysis in each language and through the query builder, so no word a record or a
// user can bring crashes the indexer or the daemon, and every form of a lemma reaches every other form
// (parity of index and query analysis). scripts/check runs it under ASan and UBSan. Skips, visibly,
// where ../shared/data is absent.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xapian.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "api/query_builder.h"
#include "api/term_analysis.h"
#include "stemmers/analyzer.h"
#include "stemmers/translation.h"
#include "test_support.h"

namespace fs = std::filesystem;
using haku::Analyzer;
using haku::Lang;

namespace {

const fs::path kData = fs::path(HAKU_SHARED_DIR) / "data";

bool have_data() {
  if (fs::is_directory(kData)) return true;
  MESSAGE("SKIPPED: " << kData.string() << " is absent; the volume analysis test did not run");
  return false;
}

// Every line of a gzip-compressed file.
template <class F>
void for_each_gz_line(const fs::path& path, F&& f) {
  gzFile gz = gzopen(path.c_str(), "rb");
  REQUIRE_MESSAGE(gz != nullptr, "cannot open " << path);
  std::string line;
  char buf[1 << 16];
  while (gzgets(gz, buf, sizeof buf)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      f(line);
      line.clear();
    }
  }
  if (!line.empty()) f(line);
  gzclose(gz);
}

void collect_strings(const nlohmann::json& j, std::string* out) {
  if (j.is_string()) {
    *out += j.get<std::string>();
    *out += '\n';
  } else if (j.is_structured()) {
    for (const auto& v : j) collect_strings(v, out);
  }
}

// The distinct words (as the tokenizer gives them) of every text in the shared data.
struct Vocabulary {
  std::set<std::string> words;
  size_t texts = 0;
  void add(const Analyzer& a, std::string_view text) {
    ++texts;
    for (const haku::Word& w : a.tokenize(text)) words.insert(w.norm);
  }
};

Vocabulary read_vocabulary(const Analyzer& a) {
  Vocabulary v;
  const fs::path statutes = kData / "finlex_statutes_2005-2018_fi_sv.cap2000.jsonl.gz";
  REQUIRE(fs::exists(statutes));
  for_each_gz_line(statutes, [&](const std::string& line) {
    const auto j = nlohmann::json::parse(line);
    v.add(a, j.at("title").get<std::string>() + "\n" + j.at("text").get<std::string>());
  });
  for (const auto& e : fs::recursive_directory_iterator(kData)) {
    if (!e.is_regular_file()) continue;
    const std::string ext = e.path().extension().string();
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream raw;
    raw << in.rdbuf();
    if (ext == ".json" || ext == ".jsonl") {
      std::string text;
      std::istringstream lines(raw.str());
      if (ext == ".json") {
        collect_strings(nlohmann::json::parse(raw.str()), &text);
      } else {
        for (std::string line; std::getline(lines, line);)
          if (!line.empty()) collect_strings(nlohmann::json::parse(line), &text);
      }
      v.add(a, text);
    } else if (ext == ".csv" || ext == ".tsv" || ext == ".md") {
      v.add(a, raw.str());
    }
  }
  return v;
}

// One analyser and the vocabulary, shared by the tests of this binary (read once: it is the slow part).
struct Shared {
  std::unique_ptr<Analyzer> analyzer;
  Vocabulary vocabulary;
};

Shared& shared() {
  static Shared s = [] {
    Shared out;
    haku::AnalyzerOptions options;
    options.cache_entries = 1 << 21;  // every word stays cached between the passes
    out.analyzer = std::make_unique<Analyzer>(options);
    out.vocabulary = read_vocabulary(*out.analyzer);
    return out;
  }();
  return s;
}

haku::Word word_of(const std::string& norm) {
  haku::Word w;
  w.norm = norm;
  if (std::string f = haku::fold_diacritics(norm); f != norm) w.folded = std::move(f);
  return w;
}

}  // namespace

TEST_CASE("every word of the real texts is analysed at index time and at query time without a crash") {
  if (!have_data()) return;
  Analyzer& a = *shared().analyzer;
  REQUIRE(a.features().finnish_morphology);
  REQUIRE(a.features().swedish_compounds);
  const Vocabulary& v = shared().vocabulary;
  MESSAGE(v.words.size() << " distinct words from " << v.texts << " texts");
  CHECK(v.words.size() > 200000);
  // The words that took libhunspell down are among them.
  CHECK(v.words.count("indexjusteringsbestämmelser") == 1);
  CHECK(v.words.count("fixpunktsmaterial") == 1);

  const auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  size_t derived = 0;
  for (const std::string& w : v.words)
    for (Lang lang : haku::kAllLangs) derived += a.derive(w, lang).size();
  CHECK(derived > v.words.size());
  MESSAGE("index-time analysis: " << seconds() << " s");

  // Query side: each word as a query of its own, in every query language, with cross-lingual expansion.
  haku::testing::TempDir dir;
  Xapian::WritableDatabase db(dir.path + "/db", Xapian::DB_CREATE);
  std::string error;
  const auto translations = haku::TranslationTable::load(HAKU_DEFAULT_TRANSLATIONS, &error);
  REQUIRE_MESSAGE(translations != nullptr, error);
  haku::QueryBuilder qb(a, db, translations.get());
  size_t built = 0;
  for (const std::string& w : v.words) {
    const haku::BuiltQuery q = qb.build(w, "auto", true);
    built += q.query.empty() ? 0 : 1;
  }
  CHECK(built > v.words.size() / 2);
  MESSAGE("query-time analysis: " << seconds() << " s in all");
}

// The parity of index and query analysis on the real vocabulary: the word forms of every text in
// ../shared/data are grouped by lemma (Finnish and Swedish); a query for the lemma itself and for each
// form must reach a record holding any form of the group, i.e. share a term with that form's index
// terms (api/term_analysis.h). Terms only, no index: the query alternatives of each form are compared
// with the index terms all forms of the group have in common, and pairwise where they have none.
TEST_CASE("parity: a base form and every inflected form reach records holding any form of the same lemma") {
  if (!have_data()) return;
  Analyzer& a = *shared().analyzer;
  const Vocabulary& v = shared().vocabulary;
  haku::TermAnalysis ta(a);
  const auto t0 = std::chrono::steady_clock::now();
  // Term sets as sorted hashes: the comparison is the cost, not the analysis (cached).
  using TermSet = std::vector<size_t>;
  const std::hash<std::string> hash;
  auto sorted = [](TermSet v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  std::vector<haku::IndexTerm> scratch;
  auto index_set = [&](const std::string& word, Lang l) {
    scratch.clear();
    ta.index_terms(word_of(word), {l}, &scratch);
    TermSet out;
    for (const auto& t : scratch) out.push_back(hash(t.term));
    return sorted(std::move(out));
  };
  auto query_set = [&](const std::string& word, Lang l) {
    TermSet out;
    for (const auto& alt : ta.query_alternatives(word, {l}))
      if (alt.terms.size() == 1) out.push_back(hash(alt.terms[0]));
    return sorted(std::move(out));
  };
  auto meet = [](const TermSet& x, const TermSet& y) {
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
      if (x[i] == y[j]) return true;
      x[i] < y[j] ? ++i : ++j;
    }
    return false;
  };
  size_t groups = 0, forms = 0, pairs = 0, missed = 0, stopwords = 0;
  std::vector<std::string> failures;  // the first ones, as examples
  for (Lang l : {Lang::fi, Lang::sv}) {
    std::map<std::string, std::vector<const std::string*>> by_lemma;
    for (const std::string& w : v.words)
      for (const haku::Derived& d : a.derive(w, l))
        if (d.kind == haku::TermKind::lemma) by_lemma[d.text].push_back(&w);
    for (const auto& [lemma, members] : by_lemma) {
      ++groups;
      std::vector<TermSet> indexed;
      for (const std::string* w : members) indexed.push_back(index_set(*w, l));
      TermSet common = indexed[0];
      for (size_t i = 1; i < indexed.size() && !common.empty(); ++i) {
        TermSet next;
        std::set_intersection(common.begin(), common.end(), indexed[i].begin(), indexed[i].end(),
                              std::back_inserter(next));
        common = std::move(next);
      }
      std::vector<const std::string*> queries = members;
      if (std::none_of(members.begin(), members.end(), [&](const std::string* w) { return *w == lemma; }))
        queries.push_back(&lemma);
      for (const std::string* q : queries) {
        // Stopwords ("itse", "joka", "ei") are not analysed at all: they match as written.
        if (a.is_stopword(*q, l)) {
          ++stopwords;
          continue;
        }
        ++forms;
        const TermSet searched = query_set(*q, l);
        if (meet(searched, common)) {
          pairs += members.size();
          continue;
        }
        for (size_t i = 0; i < members.size(); ++i) {
          ++pairs;
          if (meet(searched, indexed[i])) continue;
          if (++missed <= 30)
            failures.push_back(std::string(haku::lang_code(l)) + ": query '" + *q + "' misses '" + *members[i] +
                               "' (lemma '" + lemma + "')");
        }
      }
    }
  }
  MESSAGE(groups << " lemma groups, " << forms << " query forms (" << stopwords << " stopwords left out), " << pairs
                 << " query/record pairs in "
                 << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s; "
                 << missed << " pairs missed");
  for (const auto& f : failures) MESSAGE(f);
  CHECK(missed == 0);
  CHECK(groups > 50000);
}
