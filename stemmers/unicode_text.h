#pragma once
// Unicode building blocks of the analysis pipeline (ICU): UTF-8 sanitising, word scanning and the
// normal and diacritic-folded forms of a word. Pure functions; safe to call from any thread.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace haku::text {

inline constexpr size_t kMaxNormBytes = 64;     // a word's norm is cut to this many bytes
inline constexpr size_t kMaxRawWordBytes = 256;  // bytes of a raw word looked at when normalising

// The byte range of one word in the input text.
struct Span {
  size_t begin = 0;
  size_t end = 0;
};

// Words of a text: runs of letters, digits and combining marks; an apostrophe between two letters
// stays inside the word ("don't"); everything else, invalid UTF-8 included, separates words.
std::vector<Span> scan_words(std::string_view text);

// NFC + Unicode case folding; å ä ö stay what they are. Invalid UTF-8 becomes U+FFFD.
std::string normalize_word(std::string_view raw);

// Cuts a UTF-8 string to at most max_bytes without splitting a code point.
std::string truncate_utf8(std::string_view s, size_t max_bytes);

// Replaces each invalid UTF-8 sequence and each control character with a space.
std::string sanitize_utf8(std::string_view text);

// ä->a, ö->o, å->a, é->e, ü->u, ø->o, æ->ae, ß->ss: decomposes and drops the combining marks.
std::string fold(std::string_view norm);

bool is_ascii(std::string_view s);

}  // namespace haku::text
