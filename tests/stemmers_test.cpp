// Tests of the language-analysis pipeline: golden tables per language, index/query symmetry,
// mixed-language text and pathological input.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "stemmers/analyzer.h"

using haku::Analyzer;
using haku::Lang;

TEST_CASE("smoke") {
  Analyzer a;
  auto words = a.tokenize("Yrkeshögskolorna och ammattikorkeakoulujen anti-racism");
  REQUIRE(words.size() == 5);
  CHECK(words[0].norm == "yrkeshögskolorna");
  CHECK(words[0].folded == "yrkeshogskolorna");
}
