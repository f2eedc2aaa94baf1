// Swedish compound splitting over a known vocabulary.
//
// Why this design: hunspell-sv accepts compounds through its COMPOUNDBEGIN/COMPOUNDEND flags, but
// its API does not say where a compound's boundaries are (analyze() gives at most "pa:" of the last
// part, since the .dic has no morphological fields) and it accepts many implausible segmentations.
// So the split is done here, over the lexicon of the .dic file (about 150 000 entries: the words
// and, flagged ONLYINCOMPOUND, the bound first parts such as "anti"), and Hunspell is used only for
// what it does reliably: turning an inflected form into its stem ("högskolorna" -> "högskola",
// "kvinnor" -> "kvinna").
//
// A word w is split as head + tail, trying the longest tail first: the tail's base form must be a
// lexicon word of at least 3 letters and not a derivational suffix ("ning", "het" ...); the head
// must be a lexicon word after undoing the linking changes (-s-: "yrkes" -> "yrke"; a dropped final
// e: "invandrar" -> "invandrare"; a final vowel change: "kvinno" -> "kvinna"), or a bound first
// part. The compound's lemma is head + the tail's lemma ("yrkeshögskolorna" -> "yrkeshögskola").
// One level only: the parts are not split again.
#include "stemmers/swedish_morphology.h"

#include <hunspell/hunspell.hxx>

#include <algorithm>
#include <array>
#include <fstream>

#include "stemmers/unicode_text.h"

namespace haku {
namespace {

constexpr size_t kMinPartBytes = 2;  // bytes; a split point needs at least this much on each side
constexpr size_t kMinPartChars = 3;  // letters of a part that is a word of its own
constexpr size_t kMinCompoundBytes = 7;
constexpr size_t kMaxWordBytes = 60;

// Lexicon words that are really derivational endings; never taken as a compound's tail.
constexpr std::array<std::string_view, 18> kSuffixWords = {
    "ning", "het", "else", "skap", "ande", "ende", "are", "isk", "ism", "ist",
    "lig", "ing", "tion", "ion", "ell", "era", "ering", "dom"};

bool is_suffix_word(std::string_view w) {
  return std::find(kSuffixWords.begin(), kSuffixWords.end(), w) != kSuffixWords.end();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

size_t char_count(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool file_readable(const std::string& path) { return static_cast<bool>(std::ifstream(path)); }

}  // namespace

SwedishMorphology::SwedishMorphology(const Paths& paths) {
  if (!file_readable(paths.aff) || !file_readable(paths.dic)) {
    error_ = "hunspell-sv dictionary not found (" + paths.dic + ")";
    return;
  }
  std::ifstream dic(paths.dic);
  std::string line;
  std::getline(dic, line);  // entry count
  while (std::getline(dic, line)) {
    const size_t slash = line.find('/');
    std::string word = line.substr(0, slash);
    while (!word.empty() && (word.back() == '\r' || word.back() == ' ' || word.back() == '\t')) word.pop_back();
    if (word.empty()) continue;
    // Proper names and abbreviations are capitalised in the .dic; they are not compound material.
    const std::string norm = text::normalize_word(word);
    if (norm != word) continue;
    const std::string flags = slash == std::string::npos ? std::string() : line.substr(slash + 1);
    flags_[norm] += flags.empty() ? std::string(" ") : flags;
  }
  if (flags_.empty()) {
    error_ = "hunspell-sv dictionary is empty (" + paths.dic + ")";
    return;
  }
  hunspell_ = std::make_unique<Hunspell>(paths.aff.c_str(), paths.dic.c_str());
}

SwedishMorphology::~SwedishMorphology() = default;

bool SwedishMorphology::has_flag(const std::string& w, char flag) const {
  const auto it = flags_.find(w);
  return it != flags_.end() && it->second.find(flag) != std::string::npos;
}

bool SwedishMorphology::is_lemma(const std::string& w) const {
  return flags_.count(w) != 0 && !has_flag(w, 'Z');
}

std::string SwedishMorphology::lemma_of(const std::string& word) const {
  if (is_lemma(word)) return word;
  // Adjectives in -isk: "rasistiska", "rasistiskt" -> "rasistisk" (Hunspell derives them from the
  // noun "rasist", which is a different word).
  for (std::string_view ending : {"a", "t", "e"}) {
    if (!ends_with(word, ending)) continue;
    const std::string base = word.substr(0, word.size() - ending.size());
    if (ends_with(base, "isk") && (is_lemma(base) || hunspell_->spell(base))) return base;
  }
  // Hunspell's stems, leaving out derivations (flag T: "arbetare" -> "arbeta", "invandrare" ->
  // "invandra"): those are other words, and the form Hunspell accepts is a base form itself.
  bool derived_only = false;
  std::string best;  // prefer a stem the word begins with ("åtgärder" -> "åtgärd", not "åtgärda")
  for (const std::string& analysis : hunspell_->analyze(word)) {
    const size_t st = analysis.find("st:");
    if (st == std::string::npos) continue;
    const size_t st_end = analysis.find(' ', st);
    const std::string stem = analysis.substr(st + 3, st_end == std::string::npos ? std::string::npos : st_end - st - 3);
    const size_t fl = analysis.find("fl:");
    if (fl != std::string::npos && analysis.find('T', fl) != std::string::npos) {
      derived_only = true;
      continue;
    }
    if (!is_lemma(stem)) continue;
    if (word.compare(0, stem.size(), stem) == 0) return stem;
    if (best.empty()) best = stem;
  }
  if (!best.empty()) return best;
  if (derived_only && hunspell_->spell(word)) return word;
  return {};
}

std::string SwedishMorphology::modifier_of(const std::string& head, bool strict) const {
  const bool bound = has_flag(head, 'Z');  // "anti", "arbets", "läro", "invandrar"
  if (!bound && char_count(head) < kMinPartChars) return {};
  // Agent nouns drop their final e: "invandrar-" -> "invandrare", "lärar-" -> "lärare".
  if (ends_with(head, "ar") || ends_with(head, "er"))
    if (std::string with_e = head + "e"; is_lemma(with_e) || hunspell_->spell(with_e)) return with_e;
  // A word that may begin a compound as it is ("kurs-", "analys-", "hög-").
  if (is_lemma(head) && has_flag(head, 'X')) return head;
  // Linking -s-: "yrkes-" -> "yrke", "arbets-" -> "arbete".
  if (ends_with(head, "s") && !ends_with(head, "ss")) {
    const std::string without_s = head.substr(0, head.size() - 1);
    if (char_count(without_s) >= kMinPartChars) {
      if (is_lemma(without_s)) return without_s;
      if (std::string with_e = without_s + "e"; is_lemma(with_e)) return with_e;
    }
  }
  if (strict) return {};
  // A dropped final vowel or a changed one: "skol-" -> "skola", "läro-" -> "lära", "gatu-" -> "gata".
  for (std::string_view vowel : {"a", "e"})
    if (std::string with = head + std::string(vowel); is_lemma(with)) return with;
  if (ends_with(head, "o") || ends_with(head, "u") || ends_with(head, "e")) {
    std::string changed = head.substr(0, head.size() - 1) + "a";
    if (is_lemma(changed)) return changed;
  }
  if (is_lemma(head) || bound) return head;
  return {};
}

SwedishAnalysis SwedishMorphology::analyze(std::string_view norm) const {
  SwedishAnalysis result;
  if (!hunspell_ || norm.empty() || norm.size() > kMaxWordBytes) return result;
  const std::string word(norm);
  const std::string lemma = lemma_of(word);
  // A lexicon word ("konsekvens", "högskola") is split only when both parts are long and the first
  // one is joined as it is or with -s-, so that chance segmentations ("kon" + "sekvens") stay out.
  const bool lexicalised = !lemma.empty() && is_lemma(lemma);
  const size_t min_chars = lexicalised ? kMinPartChars + 1 : kMinPartChars;

  if (word.size() >= kMinCompoundBytes) {
    // Longest tail first; split points on code point boundaries.
    for (size_t cut = kMinPartBytes; cut + kMinPartBytes <= word.size(); ++cut) {
      if ((static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) continue;
      const std::string head = word.substr(0, cut);
      const std::string tail = word.substr(cut);
      const std::string tail_lemma = lemma_of(tail);
      // A tail Hunspell reads as a compound of its own gives the stem of its last part
      // ("näringsföretagen" -> "företag"): not the tail's lemma, so the compound splits elsewhere
      // ("besöksnärings" + "företagen").
      if (!tail_lemma.empty() && tail_lemma.compare(0, 1, tail, 0, 1) != 0) continue;
      // The head of a compound must be a word that may end one (COMPOUNDEND), or an -isk adjective.
      if (char_count(tail_lemma) < min_chars || is_suffix_word(tail_lemma)) continue;
      const bool in_lexicon = flags_.count(tail_lemma) != 0;
      if (in_lexicon ? !has_flag(tail_lemma, 'Y') : char_count(tail_lemma) < 5) continue;
      const std::string modifier = modifier_of(head, lexicalised);
      if (modifier.empty() || (lexicalised && char_count(modifier) < min_chars)) continue;
      result.lemmas.push_back(head + tail_lemma);
      result.parts.push_back(modifier);
      if (tail_lemma != modifier) result.parts.push_back(tail_lemma);
      break;
    }
  }
  if (result.lemmas.empty() && !lemma.empty()) result.lemmas.push_back(lemma);
  if (!result.lemmas.empty() && result.lemmas.front() == word) result.lemmas.clear();
  return result;
}

}  // namespace haku
