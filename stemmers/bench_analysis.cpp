// Throughput of the full analysis pipeline (tokenize + derive) per language, cold and warm caches.
// Reads "lang<TAB>text" lines from stdin; single-threaded, one Analyzer per language run.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "stemmers/analyzer.h"

namespace {

struct Pass {
  size_t words = 0;
  size_t terms = 0;
  double seconds = 0;
};

Pass run(haku::Analyzer& analyzer, const std::vector<std::string>& texts, haku::Lang lang) {
  Pass pass;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& text : texts) {
    for (const haku::Word& w : analyzer.tokenize(text)) {
      ++pass.words;
      pass.terms += analyzer.derive(w.norm, lang).size();
    }
  }
  pass.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return pass;
}

}  // namespace

int main() {
  std::map<haku::Lang, std::vector<std::string>> texts;
  std::string line;
  while (std::getline(std::cin, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const auto lang = haku::parse_lang(line.substr(0, tab));
    if (lang) texts[*lang].push_back(line.substr(tab + 1));
  }
  std::printf("%-4s %10s %14s %14s %10s\n", "lang", "words", "cold words/s", "warm words/s", "terms/word");
  for (const auto& [lang, list] : texts) {
    const auto setup_start = std::chrono::steady_clock::now();
    haku::Analyzer analyzer;
    const double setup = std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();
    const Pass cold = run(analyzer, list, lang);
    const Pass warm = run(analyzer, list, lang);
    std::printf("%-4s %10zu %14.0f %14.0f %10.2f   (Analyzer setup %.2f s)\n", std::string(haku::lang_code(lang)).c_str(),
                cold.words, cold.words / cold.seconds, warm.words / warm.seconds,
                cold.words ? static_cast<double>(cold.terms) / cold.words : 0.0, setup);
  }
  return 0;
}
