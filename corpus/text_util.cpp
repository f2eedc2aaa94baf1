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
