#pragma once
// Small text helpers shared by the corpus readers and the generator: trimming, case folding for the
// Nordic letters, UTF-8 validation and a word-list language guess. Pure functions: thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

namespace haku {

std::string_view trim(std::string_view s);
// ASCII letters only; other bytes are kept as they are.
std::string ascii_lower(std::string_view s);
// ASCII plus Å Ä Ö Ü É (the capitals Finnish and Swedish text uses) to lower case.
std::string utf8_lower_nordic(std::string_view s);
// Returns true when s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF);
// otherwise sets *bad_offset to the 0-based offset of the first offending byte.
bool valid_utf8(std::string_view s, size_t* bad_offset);
// Undoes the two common encoding accidents of exported registers, on valid UTF-8: UTF-8 read as
// Latin-1 or Windows-1252 and written again ("Malta\xC3\xA2\xC2\x80\xC2\x99s" -> "Malta\xE2\x80\x99s"), and
// Windows-1252 punctuation left as C1 control characters (U+0096 -> "\xE2\x80\x93"). Other text is
// returned unchanged.
std::string repair_mojibake(std::string_view s);
// Guesses "fi", "sv" or "en" from function words and letters; "" when the text gives too little evidence.
std::string guess_lang(std::string_view text);

}  // namespace haku
