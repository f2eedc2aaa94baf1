// Voikko wrapper: base forms from BASEFORM, compound parts from WORDBASES (see finnish_morphology.h).
#include "stemmers/finnish_morphology.h"

#include <libvoikko/voikko.h>

#include <algorithm>

#include "stemmers/unicode_text.h"

namespace haku {
namespace {

constexpr size_t kMaxLemmas = 3;
constexpr size_t kMaxParts = 6;
constexpr size_t kMaxVoikkoWordBytes = 60;

struct Segment {
  std::string surface;
  std::string base;
  bool suffix = false;
};

std::vector<Segment> split_segments(std::string_view wordbases) {
  std::vector<Segment> segments;
  size_t i = 0;
  while (i < wordbases.size()) {
    if (wordbases[i] != '+') {
      ++i;
      continue;
    }
    const size_t open = wordbases.find('(', i);
    if (open == std::string_view::npos) break;
    const size_t close = wordbases.find(')', open);
    if (close == std::string_view::npos) break;
    Segment seg;
    seg.surface = std::string(wordbases.substr(i + 1, open - i - 1));
    seg.base = std::string(wordbases.substr(open + 1, close - open - 1));
    seg.suffix = !seg.base.empty() && seg.base[0] == '+';
    segments.push_back(std::move(seg));
    i = close + 1;
  }
  return segments;
}

void add_unique(std::vector<std::string>& list, std::string value, size_t limit) {
  if (value.empty() || list.size() >= limit) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

}  // namespace

std::vector<std::string> parse_wordbases(std::string_view wordbases, std::string_view baseform) {
  const std::vector<Segment> segments = split_segments(wordbases);
  // Group each stem with the derivational suffixes that follow it.
  struct Component {
    std::string surface;
    std::string base;
    bool derived = false;
  };
  std::vector<Component> components;
  for (const Segment& seg : segments) {
    if (seg.suffix && !components.empty()) {
      components.back().surface += seg.surface;
      components.back().derived = true;
    } else if (!seg.suffix) {
      // "maahan=muuttaja": a lexicalised compound counts as one component.
      std::string base = seg.base;
      base.erase(std::remove(base.begin(), base.end(), '='), base.end());
      components.push_back({seg.surface, std::move(base), false});
    }
  }
  std::vector<std::string> parts;
  if (components.size() < 2) return parts;
  const std::string base_norm = text::normalize_word(baseform);
  std::string prefix;
  for (size_t i = 0; i < components.size(); ++i) {
    const Component& c = components[i];
    std::string part;
    if (i + 1 == components.size()) {
      // The last component carries the inflection: its base is what BASEFORM has after the others.
      const std::string surface_prefix = text::normalize_word(prefix);
      if (base_norm.size() > surface_prefix.size() && base_norm.compare(0, surface_prefix.size(), surface_prefix) == 0)
        part = base_norm.substr(surface_prefix.size());
      else
        part = text::normalize_word(c.base);
    } else {
      part = text::normalize_word(c.derived ? c.surface : c.base);
    }
    prefix += c.surface;
    part.erase(std::remove(part.begin(), part.end(), '-'), part.end());
    add_unique(parts, std::move(part), kMaxParts);
  }
  return parts;
}

FinnishMorphology::FinnishMorphology() {
  const char* error = nullptr;
  handle_ = voikkoInit(&error, "fi", nullptr);
  if (handle_ == nullptr) error_ = error != nullptr ? error : "voikkoInit failed";
}

FinnishMorphology::~FinnishMorphology() {
  if (handle_ != nullptr) voikkoTerminate(handle_);
}

FinnishAnalysis FinnishMorphology::analyze(std::string_view norm) const {
  FinnishAnalysis result;
  if (handle_ == nullptr || norm.empty() || norm.size() > kMaxVoikkoWordBytes) return result;
  const std::string word(norm);
  voikko_mor_analysis** analyses = voikkoAnalyzeWordCstr(handle_, word.c_str());
  if (analyses == nullptr) return result;
  // A word that is a base form itself keeps that lemma whatever the other readings ("alusta" is the
  // noun alusta and forms of alku, alus and alunen): its inflected forms are indexed under it.
  for (size_t i = 0; analyses[i] != nullptr; ++i) {
    char* baseform = voikko_mor_analysis_value_cstr(analyses[i], "BASEFORM");
    if (baseform == nullptr) continue;
    if (text::normalize_word(baseform) == word) add_unique(result.lemmas, word, kMaxLemmas);
    voikko_free_mor_analysis_value_cstr(baseform);
  }
  for (size_t i = 0; analyses[i] != nullptr; ++i) {
    char* baseform = voikko_mor_analysis_value_cstr(analyses[i], "BASEFORM");
    char* wordbases = voikko_mor_analysis_value_cstr(analyses[i], "WORDBASES");
    if (baseform != nullptr) {
      std::string lemma = text::normalize_word(baseform);
      add_unique(result.lemmas, lemma, kMaxLemmas);
      if (wordbases != nullptr)
        for (std::string& part : parse_wordbases(wordbases, baseform))
          if (part != lemma) add_unique(result.parts, std::move(part), kMaxParts);
    }
    if (baseform != nullptr) voikko_free_mor_analysis_value_cstr(baseform);
    if (wordbases != nullptr) voikko_free_mor_analysis_value_cstr(wordbases);
  }
  voikko_free_mor_analysis(analyses);
  return result;
}

}  // namespace haku
