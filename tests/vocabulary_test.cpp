// Analysis on volume: every distinct word of the real texts in ../shared/data (the Finnish Statute Book
// in Finnish and Swedish, every project register, the vocabularies and evaluation sets) goes through
// the index-time analysis in each language and through the query builder, so no word a record or a
// user can bring crashes the indexer or the daemon. scripts/check runs it under ASan and UBSan. Skips,
// visibly, where ../shared/data is absent.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xapian.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "api/query_builder.h"
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

}  // namespace

TEST_CASE("every word of the real texts is analysed at index time and at query time without a crash") {
  if (!have_data()) return;
  haku::AnalyzerOptions options;
  options.cache_entries = 1 << 20;  // every word stays cached between the index-time and the query-time pass
  Analyzer a(options);
  REQUIRE(a.features().finnish_morphology);
  REQUIRE(a.features().swedish_compounds);
  const Vocabulary v = read_vocabulary(a);
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
