#pragma once
// Haku's language analysis, used identically at index time and at query time: Unicode normalisation,
// tokenisation, language identification (CLD2), Snowball stems, Finnish lemmas and compound parts
// (Voikko), Swedish compound parts, stopwords. Not thread-safe (Voikko handles and the caches are per
// instance): give each thread its own Analyzer.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haku {

enum class Lang : uint8_t { fi = 0, sv = 1, en = 2 };
inline constexpr Lang kAllLangs[] = {Lang::fi, Lang::sv, Lang::en};

std::string_view lang_code(Lang lang);                     // "fi" | "sv" | "en"
std::optional<Lang> parse_lang(std::string_view code);     // nullopt for anything else

// One word of a text.
struct Word {
  std::string norm;      // NFC, case-folded; å ä ö kept as letters
  std::string folded;    // norm with diacritics removed (ä->a, ö->o, å->a, é->e ...); empty if == norm
  uint32_t position = 0; // 0-based word position in the analysed text
  uint32_t begin = 0;    // byte offset of the word in the input text (for snippets)
  uint32_t end = 0;      // byte offset one past the word
};

enum class TermKind : uint8_t {
  stem,   // Snowball stem of the word (every word that is not a stopword has one)
  lemma,  // dictionary form (Voikko for fi; the Swedish lexicon's base form), also when it is the word
  part,   // a compound part's dictionary form
};

// A term derived from one word in one language.
struct Derived {
  TermKind kind;
  std::string text;  // normalised like Word::norm
  bool operator==(const Derived&) const = default;
};

struct AnalyzerOptions {
  bool finnish_morphology = true;   // Voikko; falls back to Snowball alone when unavailable
  bool swedish_compounds = true;    // falls back to Snowball alone when the data is missing
  std::string data_dir;             // stopword lists etc.; empty = compiled-in default
  size_t cache_entries = 1 << 18;   // per-language cache of derive() results
};

// Which parts of the pipeline are live (for logs, `haku-indexer stats` and /readyz).
struct AnalyzerFeatures {
  bool language_id = false;         // CLD2
  bool finnish_morphology = false;  // Voikko
  bool swedish_compounds = false;
  std::vector<std::string> notes;   // one line per degraded feature, saying why
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // The language of a text, limited to fi / sv / en; nullopt when the text is too short or CLD2 is not
  // confident enough.
  std::optional<Lang> detect(std::string_view text) const;

  // Splits a text into words (invalid UTF-8 is replaced, control characters are separators; a word is
  // capped at 64 bytes of norm). Positions count every word, stopwords included.
  std::vector<Word> tokenize(std::string_view text) const;

  // Stem, lemmas and compound parts of one normalised word in one language; deduplicated; empty for
  // stopwords. The stem and a lemma may be the word itself (a base form is its own lemma, "matkailu");
  // a part never is. Cached per word form.
  const std::vector<Derived>& derive(std::string_view norm, Lang lang);

  bool is_stopword(std::string_view norm, Lang lang) const;

  AnalyzerFeatures features() const;
  // Whether derive() gives lemmas and compound parts in `lang` (Voikko for fi, the lexicon for sv; never
  // for en).
  bool has_morphology(Lang lang) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Unicode helpers, exposed for the engine (prefix suggestions, snippets) and tests.
std::string normalize(std::string_view text);      // NFC + case fold, å ä ö kept
std::string fold_diacritics(std::string_view norm);  // ä->a, ö->o, å->a, é->e, ü->u ...

// Hyphenated words ("anti-rasism", "EU-hanke") are tokenised as separate words at consecutive
// positions; this tells whether two words of `text` were written joined by a single hyphen, so a
// caller can also index or query the joined form (left.norm + right.norm).
bool joined_by_hyphen(std::string_view text, const Word& left, const Word& right);

}  // namespace haku
