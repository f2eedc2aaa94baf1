// The analysis pipeline (see analyzer.h): tokenisation and normalisation (ICU), language
// identification (CLD2), Snowball stems (Xapian), Finnish morphology (Voikko), Swedish compounds
// (hunspell-sv lexicon), stopwords (Snowball lists in stemmers/data).
#include "stemmers/analyzer.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "stemmers/finnish_morphology.h"
#include "stemmers/swedish_morphology.h"
#include "stemmers/unicode_text.h"

#ifndef HAKU_DEFAULT_DATA_DIR
#define HAKU_DEFAULT_DATA_DIR "stemmers/data"
#endif

namespace haku {
namespace {

constexpr size_t kMinDetectWords = 3;
constexpr int kMinDetectPercent = 60;          // share of the text in the winning language
constexpr size_t kMaxDetectBytes = 1 << 16;    // CLD2 needs no more than this
constexpr size_t kLangCount = 3;

size_t index_of(Lang lang) { return static_cast<size_t>(lang); }

std::unordered_set<std::string> load_stopwords(const std::string& path, bool& found) {
  std::unordered_set<std::string> words;
  std::ifstream in(path);
  found = static_cast<bool>(in);
  std::string line;
  while (std::getline(in, line)) {
    const size_t bar = line.find('|');
    if (bar != std::string::npos) line.resize(bar);
    std::istringstream fields(line);
    std::string word;
    while (fields >> word) words.insert(text::normalize_word(word));
  }
  return words;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A bounded cache of derive() results: two generations; when the young one is full the old one is
// dropped. Entries used in the old generation are copied forward, so frequent words stay.
class DeriveCache {
 public:
  explicit DeriveCache(size_t capacity) : half_(std::max<size_t>(capacity / 2, 1)) {}

  const std::vector<Derived>* find(const std::string& key) {
    if (auto it = young_.find(key); it != young_.end()) return &it->second;
    if (auto it = old_.find(key); it != old_.end()) return &insert(key, it->second);
    return nullptr;
  }

  const std::vector<Derived>& insert(const std::string& key, std::vector<Derived> value) {
    if (young_.size() >= half_) {
      old_ = std::move(young_);
      young_ = {};
    }
    return young_.insert_or_assign(key, std::move(value)).first->second;
  }

  size_t size() const { return young_.size() + old_.size(); }

 private:
  size_t half_;
  std::unordered_map<std::string, std::vector<Derived>> young_;
  std::unordered_map<std::string, std::vector<Derived>> old_;
};

// A word's stem and lemma are kept when they equal the word ("matkailu" is its own stem and lemma): its
// inflected forms are indexed under them, so the base form must be too. A compound part equal to the
// word says nothing.
void add_derived(std::vector<Derived>& out, std::string_view norm, TermKind kind, std::string text) {
  if (text.empty() || (kind == TermKind::part && text == norm)) return;
  for (const Derived& d : out)
    if (d.text == text && d.kind == kind) return;
  out.push_back({kind, std::move(text)});
}

}  // namespace

std::string_view lang_code(Lang lang) {
  switch (lang) {
    case Lang::fi: return "fi";
    case Lang::sv: return "sv";
    case Lang::en: return "en";
  }
  return "en";
}

std::optional<Lang> parse_lang(std::string_view code) {
  if (code == "fi") return Lang::fi;
  if (code == "sv") return Lang::sv;
  if (code == "en") return Lang::en;
  return std::nullopt;
}

std::string normalize(std::string_view text) {
  // Whole texts are normalised word by word, so a text and its words agree.
  std::string out;
  std::string_view rest = text;
  const std::string clean = text::sanitize_utf8(rest);
  for (const text::Span& span : text::scan_words(clean)) {
    if (!out.empty()) out.push_back(' ');
    out += text::normalize_word(std::string_view(clean).substr(span.begin, span.end - span.begin));
  }
  return out;
}

std::string fold_diacritics(std::string_view norm) { return text::fold(norm); }

bool joined_by_hyphen(std::string_view text, const Word& left, const Word& right) {
  if (left.end >= right.begin || right.begin > text.size()) return false;
  const std::string_view between = text.substr(left.end, right.begin - left.end);
  return between == "-" || between == "\xE2\x80\x90" || between == "\xE2\x80\x91";
}

struct Analyzer::Impl {
  AnalyzerOptions options;
  AnalyzerFeatures features;
  Xapian::Stem stemmers[kLangCount];
  std::unordered_set<std::string> stopwords[kLangCount];
  std::unique_ptr<FinnishMorphology> finnish;
  std::unique_ptr<SwedishMorphology> swedish;
  std::vector<DeriveCache> caches;
  const std::vector<Derived> empty;

  explicit Impl(AnalyzerOptions opts) : options(std::move(opts)) {
    caches.assign(kLangCount, DeriveCache(options.cache_entries));
    const std::string dir = options.data_dir.empty() ? std::string(HAKU_DEFAULT_DATA_DIR) : options.data_dir;
    for (Lang lang : kAllLangs) {
      const std::string code(lang_code(lang));
      stemmers[index_of(lang)] = Xapian::Stem(lang == Lang::fi ? "finnish" : lang == Lang::sv ? "swedish" : "english");
      bool found = false;
      stopwords[index_of(lang)] = load_stopwords(dir + "/" + code + "_stop.txt", found);
      if (!found) features.notes.push_back("stopwords(" + code + "): " + dir + "/" + code + "_stop.txt not found; no stopwords");
    }
    features.language_id = true;
    if (options.finnish_morphology) {
      finnish = std::make_unique<FinnishMorphology>();
      if (finnish->ok()) {
        features.finnish_morphology = true;
      } else {
        features.notes.push_back("finnish_morphology: Voikko unavailable (" + finnish->error() + "); Snowball stems only");
        finnish.reset();
      }
    } else {
      features.notes.push_back("finnish_morphology: disabled by options; Snowball stems only");
    }
    if (options.swedish_compounds) {
      swedish = std::make_unique<SwedishMorphology>(SwedishMorphology::Paths{});
      if (swedish->ok()) {
        features.swedish_compounds = true;
      } else {
        features.notes.push_back("swedish_compounds: " + swedish->error() + "; Snowball stems only");
        swedish.reset();
      }
    } else {
      features.notes.push_back("swedish_compounds: disabled by options; Snowball stems only");
    }
  }

  std::vector<Derived> compute(std::string_view norm, Lang lang) {
    std::vector<Derived> out;
    const std::string word(norm);
    add_derived(out, norm, TermKind::stem, stemmers[index_of(lang)](word));
    if (has_digit(norm)) return out;
    if (lang == Lang::fi && finnish) {
      FinnishAnalysis a = finnish->analyze(norm);
      for (std::string& l : a.lemmas) add_derived(out, norm, TermKind::lemma, std::move(l));
      for (std::string& p : a.parts) add_derived(out, norm, TermKind::part, std::move(p));
    } else if (lang == Lang::sv && swedish) {
      SwedishAnalysis a = swedish->analyze(norm);
      for (std::string& l : a.lemmas) add_derived(out, norm, TermKind::lemma, std::move(l));
      for (std::string& p : a.parts) add_derived(out, norm, TermKind::part, std::move(p));
    }
    return out;
  }
};

Analyzer::Analyzer(AnalyzerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Analyzer::~Analyzer() = default;

std::optional<Lang> Analyzer::detect(std::string_view text) const {
  if (text.size() > kMaxDetectBytes) text = text.substr(0, kMaxDetectBytes);
  const std::string clean = text::sanitize_utf8(text);
  size_t letters_words = 0;
  for (const text::Span& span : text::scan_words(clean)) {
    const std::string_view w = std::string_view(clean).substr(span.begin, span.end - span.begin);
    if (!has_digit(w)) ++letters_words;
  }
  if (letters_words < kMinDetectWords) return std::nullopt;

  CLD2::CLDHints hints{nullptr, "", CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  double scores3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  CLD2::ExtDetectLanguageSummaryCheckUTF8(clean.data(), static_cast<int>(clean.size()), true, &hints,
                                          CLD2::kCLDFlagBestEffort, language3, percent3, scores3, nullptr,
                                          &text_bytes, &reliable, &valid_prefix);
  // The best of fi / sv / en among CLD2's top three; other languages' shares count against it.
  std::optional<Lang> best;
  int best_percent = 0;
  for (int i = 0; i < 3; ++i) {
    std::optional<Lang> lang;
    if (language3[i] == CLD2::FINNISH) lang = Lang::fi;
    else if (language3[i] == CLD2::SWEDISH) lang = Lang::sv;
    else if (language3[i] == CLD2::ENGLISH) lang = Lang::en;
    if (lang && percent3[i] > best_percent) {
      best = lang;
      best_percent = percent3[i];
    }
  }
  if (!best || best_percent < kMinDetectPercent) return std::nullopt;
  return best;
}

std::vector<Word> Analyzer::tokenize(std::string_view text) const {
  std::vector<Word> words;
  const std::vector<text::Span> spans = text::scan_words(text);
  words.reserve(spans.size());
  for (const text::Span& span : spans) {
    Word w;
    w.norm = text::normalize_word(text.substr(span.begin, span.end - span.begin));
    if (w.norm.empty()) continue;
    std::string folded = text::fold(w.norm);
    if (folded != w.norm) w.folded = std::move(folded);
    w.position = static_cast<uint32_t>(words.size());
    w.begin = static_cast<uint32_t>(std::min<size_t>(span.begin, UINT32_MAX));
    w.end = static_cast<uint32_t>(std::min<size_t>(span.end, UINT32_MAX));
    words.push_back(std::move(w));
  }
  return words;
}

const std::vector<Derived>& Analyzer::derive(std::string_view norm, Lang lang) {
  Impl& impl = *impl_;
  if (norm.empty() || is_stopword(norm, lang)) return impl.empty;
  DeriveCache& cache = impl.caches[index_of(lang)];
  const std::string key(norm);
  if (const std::vector<Derived>* hit = cache.find(key)) return *hit;
  return cache.insert(key, impl.compute(norm, lang));
}

bool Analyzer::is_stopword(std::string_view norm, Lang lang) const {
  const auto& set = impl_->stopwords[index_of(lang)];
  return set.find(std::string(norm)) != set.end();
}

AnalyzerFeatures Analyzer::features() const { return impl_->features; }

bool Analyzer::has_morphology(Lang lang) const {
  return (lang == Lang::fi && impl_->finnish) || (lang == Lang::sv && impl_->swedish);
}

}  // namespace haku
