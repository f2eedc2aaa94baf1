// Text helpers for the corpus library (see text_util.h). Pure functions: thread-safe.
#include "corpus/text_util.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace haku {

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string utf8_lower_nordic(std::string_view s) {
  std::string out = ascii_lower(s);
  // Latin-1 capitals U+00C0..U+00DE (except U+00D7) are C3 80..C3 9E; lower case adds 0x20.
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    auto b = static_cast<unsigned char>(out[i + 1]);
    if (static_cast<unsigned char>(out[i]) == 0xC3 && b >= 0x80 && b <= 0x9E && b != 0x97) {
      out[i + 1] = static_cast<char>(b + 0x20);
      ++i;
    }
  }
  return out;
}

bool valid_utf8(std::string_view s, size_t* bad_offset) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

namespace {

// Windows-1252 bytes 0x80..0x9F as Unicode code points (0 where the code page has none).
constexpr std::array<uint32_t, 32> kCp1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the code point at s[i] (valid UTF-8 assumed); sets *len.
uint32_t decode_at(std::string_view s, size_t i, size_t* len) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80 || i + 1 >= s.size()) {
    *len = 1;
    return c;
  }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (i + n > s.size()) n = s.size() - i;
  uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *len = n;
  return cp;
}

// The byte a code point stood for when UTF-8 was misread as Windows-1252 / Latin-1; -1 if none.
int misread_byte(uint32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);
  for (size_t b = 0; b < kCp1252.size(); ++b)
    if (kCp1252[b] == cp && cp != 0) return static_cast<int>(0x80 + b);
  return -1;
}

}  // namespace

std::string repair_mojibake(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t len = 0;
    uint32_t cp = decode_at(s, i, &len);
    // A lead byte of a multi-byte sequence, misread: try to take the continuation bytes after it.
    int lead = misread_byte(cp);
    if (lead >= 0xC2 && lead <= 0xF4) {
      const size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
      std::string bytes(1, static_cast<char>(lead));
      size_t j = i + len;
      for (size_t k = 0; k < need && j < s.size(); ++k) {
        size_t l2 = 0;
        int b = misread_byte(decode_at(s, j, &l2));
        if (b < 0x80 || b > 0xBF) break;
        bytes.push_back(static_cast<char>(b));
        j += l2;
      }
      size_t bad = 0;
      if (bytes.size() == need + 1 && valid_utf8(bytes, &bad)) {
        out += bytes;
        i = j;
        continue;
      }
    }
    if (cp >= 0x80 && cp <= 0x9F && kCp1252[cp - 0x80] != 0) {
      append_utf8(kCp1252[cp - 0x80], &out);  // a C1 control standing for Windows-1252 punctuation
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string guess_lang(std::string_view text) {
  static constexpr std::array<std::string_view, 18> kFi = {
      "ja", "on", "ei", "että", "sekä", "tai", "hanke", "hankkeen", "hankkeessa", "ovat", "kanssa", "myös",
      "joka", "jotka", "tavoitteena", "kehittäminen", "alueen", "yritysten"};
  static constexpr std::array<std::string_view, 18> kSv = {
      "och", "att", "för", "med", "som", "är", "av", "till", "det", "på", "projektet", "inom", "ska", "samt",
      "kommer", "genom", "kommun", "öka"};
  static constexpr std::array<std::string_view, 18> kEn = {
      "the", "and", "of", "to", "in", "for", "is", "with", "project", "will", "are", "by", "this", "on", "be",
      "as", "from", "an"};
  int fi = 0, sv = 0, en = 0;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string w = utf8_lower_nordic(word);
    for (auto f : kFi) fi += w == f;
    for (auto f : kSv) sv += w == f;
    for (auto f : kEn) en += w == f;
    // Letters: å only in Swedish; long vowels and "ää"/"yy" typical of Finnish.
    if (w.find("\xC3\xA5") != std::string::npos) ++sv;
    if (w.find("\xC3\xA4\xC3\xA4") != std::string::npos || w.find("yy") != std::string::npos ||
        w.find("uu") != std::string::npos)
      ++fi;
    word.clear();
  };
  size_t seen = 0;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
      word.push_back(c);
    } else {
      flush();
      if (++seen > 4000) break;  // the first few hundred words are plenty
    }
  }
  flush();
  int best = std::max(fi, std::max(sv, en));
  if (best < 2) return "";
  if (fi == best && sv < best && en < best) return "fi";
  if (sv == best && fi < best && en < best) return "sv";
  if (en == best && fi < best && sv < best) return "en";
  return "";
}

}  // namespace haku
