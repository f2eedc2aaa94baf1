// ICU-based normalisation and word scanning (see unicode_text.h).
#include "stemmers/unicode_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace haku::text {
namespace {

bool is_word_char(UChar32 c) {
  if (c < 0) return false;
  if (u_isalnum(c)) return true;
  const int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

bool is_letter(UChar32 c) { return c >= 0 && u_isalpha(c); }

bool is_apostrophe(UChar32 c) { return c == 0x27 || c == 0x2019; }

// Decodes the code point at i (advancing i); invalid sequences give a negative value.
UChar32 next_code_point(std::string_view s, size_t& i) {
  UChar32 c = 0;
  int32_t pos = static_cast<int32_t>(i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
  i = static_cast<size_t>(pos);
  return c;
}

}  // namespace

bool is_ascii(std::string_view s) {
  for (unsigned char ch : s)
    if (ch >= 0x80) return false;
  return true;
}

std::vector<Span> scan_words(std::string_view text) {
  std::vector<Span> spans;
  // ICU's U8_NEXT takes int32_t offsets; longer texts are scanned in their first 2 GiB only.
  if (text.size() > 0x7fffffffu) text = text.substr(0, 0x7fffffffu);
  size_t i = 0;
  bool in_word = false;
  Span current;
  UChar32 prev = -1;
  while (i < text.size()) {
    const size_t start = i;
    const UChar32 c = next_code_point(text, i);
    if (is_word_char(c)) {
      if (!in_word) {
        in_word = true;
        current.begin = start;
      }
      current.end = i;
    } else if (in_word && is_apostrophe(c) && is_letter(prev)) {
      // Keep the apostrophe only when a letter follows it.
      size_t j = i;
      const UChar32 next = j < text.size() ? next_code_point(text, j) : -1;
      if (is_letter(next)) {
        current.end = i;
      } else {
        spans.push_back(current);
        in_word = false;
      }
    } else if (in_word) {
      spans.push_back(current);
      in_word = false;
    }
    prev = c;
  }
  if (in_word) spans.push_back(current);
  return spans;
}

std::string truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

std::string normalize_word(std::string_view raw) {
  if (raw.size() > kMaxRawWordBytes) raw = raw.substr(0, kMaxRawWordBytes);
  std::string out;
  if (is_ascii(raw)) {
    out.assign(raw);
    for (char& ch : out)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return truncate_utf8(out, kMaxNormBytes);
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())));
  u.foldCase(U_FOLD_CASE_DEFAULT);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_SUCCESS(status)) {
    icu::UnicodeString composed = nfc->normalize(u, status);
    if (U_SUCCESS(status)) u = composed;
  }
  u.findAndReplace(icu::UnicodeString(UChar32{0x2019}), icu::UnicodeString(UChar32{'\''}));
  u.toUTF8String(out);
  return truncate_utf8(out, kMaxNormBytes);
}

std::string sanitize_utf8(std::string_view text) {
  if (text.size() > 0x7fffffffu) text = text.substr(0, 0x7fffffffu);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const UChar32 c = next_code_point(text, i);
    if (c < 0 || u_iscntrl(c) || c == 0xFFFD) {
      out.push_back(' ');
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

std::string fold(std::string_view norm) {
  if (is_ascii(norm)) return std::string(norm);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(norm.data(), static_cast<int32_t>(norm.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_SUCCESS(status)) {
    icu::UnicodeString decomposed = nfd->normalize(u, status);
    if (U_SUCCESS(status)) u = decomposed;
  }
  icu::UnicodeString folded;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    switch (c) {
      case 0x00F8: case 0x00D8: folded.append(UChar32{'o'}); break;         // ø
      case 0x00E6: case 0x00C6: folded.append(icu::UnicodeString("ae")); break;  // æ
      case 0x00DF: folded.append(icu::UnicodeString("ss")); break;          // ß
      case 0x0111: case 0x0110: folded.append(UChar32{'d'}); break;         // đ
      case 0x0142: case 0x0141: folded.append(UChar32{'l'}); break;         // ł
      case 0x00FE: folded.append(icu::UnicodeString("th")); break;          // þ
      case 0x00F0: folded.append(UChar32{'d'}); break;                      // ð
      case 0x2019: folded.append(UChar32{'\''}); break;
      default: folded.append(c);
    }
  }
  std::string out;
  folded.toUTF8String(out);
  return out;
}

}  // namespace haku::text
