// Swedish compound splitting over a known vocabulary.
//
// Why this design: hunspell-sv accepts compounds through its COMPOUNDBEGIN/COMPOUNDEND flags, but
// its API does not say where a compound's boundaries are (analyze() gives at most "pa:" of the last
// part, since the .dic has no morphological fields) and it accepts many implausible segmentations.
// So the split is done here, over the lexicon of the .dic file (about 150 000 entries: the words
// and, flagged ONLYINCOMPOUND, the bound first parts such as "anti"), and the .aff's suffix rules are
// applied backwards to turn an inflected form into its stem ("högskolorna" -> "högskola", "kvinnor" ->
// "kvinna"). libhunspell itself is not called: its analyze() crashes on some compounds
// (affix_lexicon.h).
//
// A word w is split as head + tail, trying the longest tail first: the tail's base form must be a
// lexicon word of at least 3 letters and not a derivational suffix ("ning", "het" ...); the head
// must be a lexicon word after undoing the linking changes (-s-: "yrkes" -> "yrke"; a dropped final
// e: "invandrar" -> "invandrare"; a final vowel change: "kvinno" -> "kvinna"), or a bound first
// part. The compound's lemma is head + the tail's lemma ("yrkeshögskolorna" -> "yrkeshögskola").
// One level only: the parts are not split again.
#include "stemmers/swedish_morphology.h"

#include <algorithm>
#include <array>
#include <optional>

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

// Derivational endings after which a compound's first part always takes the linking -s-
// ("förvaltning-s-", "information-s-", "säkerhet-s-", "landskap-s-").
bool takes_linking_s(std::string_view head) {
  for (std::string_view e : {"ing", "tion", "sion", "het", "else", "skap", "dom", "itet", "ism", "ande", "ende"})
    if (ends_with(head, e)) return true;
  return false;
}

size_t char_count(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

// Proper names and abbreviations are capitalised in the .dic; they are not compound material.
SwedishMorphology::SwedishMorphology(const Paths& paths) : lexicon_(paths.aff, paths.dic, /*lower_case_only=*/true) {}

SwedishMorphology::~SwedishMorphology() = default;

bool SwedishMorphology::has_flag(const std::string& w, char flag) const { return lexicon_.has_flag(w, flag); }

bool SwedishMorphology::is_lemma(const std::string& w) const { return lexicon_.contains(w) && !has_flag(w, 'Z'); }

std::string SwedishMorphology::lemma_of(const std::string& word) const {
  if (is_lemma(word)) return word;
  // Adjectives in -isk: "rasistiska", "rasistiskt" -> "rasistisk" (Hunspell derives them from the
  // noun "rasist", which is a different word).
  for (std::string_view ending : {"a", "t", "e"}) {
    if (!ends_with(word, ending)) continue;
    const std::string base = word.substr(0, word.size() - ending.size());
    if (ends_with(base, "isk") && (is_lemma(base) || lexicon_.accepts(base))) return base;
  }
  // The stems the suffix rules give, leaving out derivations (flag T: "arbetare" -> "arbeta",
  // "invandrare" -> "invandra"): those are other words, and the derived form is a base form itself.
  bool derived_only = false;
  std::string best;  // prefer a stem the word begins with ("åtgärder" -> "åtgärd", not "åtgärda")
  for (const AffixLexicon::Derivation& d : lexicon_.derivations(word)) {
    if (d.flag == 'T') {
      derived_only = true;
      continue;
    }
    if (!is_lemma(d.stem)) continue;
    if (word.compare(0, d.stem.size(), d.stem) == 0) return d.stem;
    if (best.empty()) best = d.stem;
  }
  if (!best.empty()) return best;
  if (derived_only) return word;
  return {};
}

std::string SwedishMorphology::modifier_of(const std::string& head, bool strict) const {
  const bool bound = has_flag(head, 'Z');  // "anti", "arbets", "läro", "invandrar"
  if (!bound && char_count(head) < kMinPartChars) return {};
  // Agent nouns drop their final e: "invandrar-" -> "invandrare", "lärar-" -> "lärare".
  if (ends_with(head, "ar") || ends_with(head, "er"))
    if (std::string with_e = head + "e"; is_lemma(with_e) || lexicon_.accepts(with_e)) return with_e;
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
  if (!lexicon_.ok() || norm.empty() || norm.size() > kMaxWordBytes) return result;
  const std::string word(norm);
  const std::string lemma = lemma_of(word);
  // A lexicon word ("konsekvens", "högskola") is split only when both parts are long and the first
  // one is joined as it is or with -s-, so that chance segmentations ("kon" + "sekvens") stay out.
  const bool lexicalised = !lemma.empty() && is_lemma(lemma);
  const size_t min_chars = lexicalised ? kMinPartChars + 1 : kMinPartChars;

  // The split at `cut`: the compound's lemma and its parts, or nothing when the two sides are not a
  // modifier and a head.
  auto split_at = [&](size_t cut) -> std::optional<SwedishAnalysis> {
    if ((static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) return std::nullopt;
    const std::string head = word.substr(0, cut);
    const std::string tail = word.substr(cut);
    const std::string tail_lemma = lemma_of(tail);
    // The head of a compound must be a word that may end one (COMPOUNDEND), or an -isk adjective.
    if (char_count(tail_lemma) < min_chars || is_suffix_word(tail_lemma)) return std::nullopt;
    const bool in_lexicon = lexicon_.contains(tail_lemma);
    if (in_lexicon ? !has_flag(tail_lemma, 'Y') : char_count(tail_lemma) < 5) return std::nullopt;
    const std::string modifier = modifier_of(head, lexicalised);
    if (modifier.empty() || (lexicalised && char_count(modifier) < min_chars)) return std::nullopt;
    SwedishAnalysis a;
    a.lemmas.push_back(head + tail_lemma);
    a.parts.push_back(modifier);
    if (tail_lemma != modifier) a.parts.push_back(tail_lemma);
    return a;
  };
  if (word.size() >= kMinCompoundBytes) {
    // Longest tail first; split points on code point boundaries.
    for (size_t cut = kMinPartBytes; cut + kMinPartBytes <= word.size(); ++cut) {
      std::optional<SwedishAnalysis> found = split_at(cut);
      if (!found) continue;
      // A first part ending in -ing, -tion, -het ... always takes the linking -s-: prefer
      // "informationshantering|s|lagen" to "informationshantering|slagen" where both split.
      if (word[cut] == 's' && takes_linking_s(word.substr(0, cut)) && cut + 1 + kMinPartBytes <= word.size())
        if (std::optional<SwedishAnalysis> linked = split_at(cut + 1)) found = std::move(linked);
      result = std::move(*found);
      break;
    }
  }
  if (result.lemmas.empty() && !lemma.empty()) result.lemmas.push_back(lemma);
  return result;
}

}  // namespace haku
