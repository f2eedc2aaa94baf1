// Translation table: file format, lookups, and reading FreeDict's dictd files (see translation.h).
#include "stemmers/translation.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

namespace haku {

namespace {

constexpr char kMagic[8] = {'H', 'A', 'K', 'U', 'T', 'R', 'N', '1'};
constexpr size_t kHeaderBytes = 16;
constexpr uint8_t kFlagPhrase = 4;
constexpr uint8_t kFlagPlace = 8;
constexpr size_t kMaxTranslationBytes = 60;
constexpr size_t kMaxTranslationWords = 4;

uint32_t read_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

void append_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Compares a record's (language, key) with a wanted one.
int compare_key(uint8_t lang_a, std::string_view key_a, uint8_t lang_b, std::string_view key_b) {
  if (lang_a != lang_b) return lang_a < lang_b ? -1 : 1;
  int c = key_a.compare(key_b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "12. rest" -> true and `rest`; the sense numbers of dictd's plain-text rendering.
bool strip_sense_number(std::string_view line, std::string_view* rest) {
  size_t i = 0;
  while (i < line.size() && is_digit(line[i])) ++i;
  if (i == 0 || i > 3 || i >= line.size() || line[i] != '.') return false;
  if (i + 1 < line.size() && line[i + 1] != ' ') return false;
  *rest = trim(line.substr(i + 1));
  return true;
}

// "työ 2." -> "työ" and true: a trailing number opens the next sense.
bool strip_trailing_sense_number(std::string_view* line) {
  std::string_view s = *line;
  if (s.size() < 2 || s.back() != '.') return false;
  const size_t dot = s.size() - 1;
  size_t j = dot;
  while (j > 0 && is_digit(s[j - 1])) --j;
  if (j == dot) return false;
  if (j == 0) {
    *line = {};
    return true;
  }
  if (s[j - 1] != ' ') return false;
  *line = trim(s.substr(0, j - 1));
  return true;
}

// Drops (notes), [notes], {notes} and <labels>, nested or not.
std::string drop_brackets(std::string_view s) {
  std::string out;
  int depth = 0;
  for (char c : s) {
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      ++depth;
      continue;
    }
    if (c == ')' || c == ']' || c == '}' || c == '>') {
      if (depth > 0) --depth;
      continue;
    }
    if (depth == 0) out.push_back(c);
  }
  return out;
}

// One translation, normalised, or "" when it is not a usable word or short phrase.
std::string clean_translation(std::string_view raw) {
  raw = trim(raw);
  // Judged as written: normalize() would turn "-ismi" into "ismi" and "etc." into "etc".
  if (raw.empty() || raw.front() == '-' || raw.back() == '-' || raw.front() == '\'') return {};
  for (unsigned char c : raw)
    if (c < 0x80 && !(std::isalpha(c) || c == ' ' || c == '-' || c == '\'')) return {};
  std::string norm = normalize(raw);
  std::string out;
  size_t words = 0;
  bool space = true;
  for (char c : norm) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) {
      if (!out.empty()) out.push_back(' ');
      ++words;
      space = false;
    }
    out.push_back(c);
  }
  if (out.empty() || words > kMaxTranslationWords || out.size() > kMaxTranslationBytes) return {};
  return out;
}

void add_translations(std::string_view line, std::vector<std::string>& out) {
  std::string text = drop_brackets(line);
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',' || text[i] == ';') {
      std::string t = clean_translation(std::string_view(text).substr(start, i - start));
      if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
      start = i + 1;
    }
  }
}

}  // namespace

// ---- table ----

std::unique_ptr<TranslationTable> TranslationTable::load(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot open translation table " + path;
    return nullptr;
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  std::string bytes(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  if (size > 0 && !in.read(bytes.data(), size)) {
    if (error) *error = "cannot read translation table " + path;
    return nullptr;
  }
  std::string why;
  auto table = from_bytes(std::move(bytes), &why);
  if (!table && error) *error = "translation table " + path + ": " + why;
  return table;
}

std::unique_ptr<TranslationTable> TranslationTable::from_bytes(std::string bytes, std::string* error) {
  auto fail = [&](const char* why) -> std::unique_ptr<TranslationTable> {
    if (error) *error = why;
    return nullptr;
  };
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return fail("not a translation table (bad magic)");
  const uint32_t count = read_u32(bytes.data() + 8);
  const uint32_t blob = read_u32(bytes.data() + 12);
  const size_t blob_begin = kHeaderBytes + size_t{4} * count;
  if (blob_begin + blob != bytes.size()) return fail("truncated or oversized file");
  std::unique_ptr<TranslationTable> t(new TranslationTable());
  t->data_ = std::move(bytes);
  t->count_ = count;
  t->blob_begin_ = blob_begin;
  // One pass over the records: bounds, well-formedness and order, so lookups need no checks.
  const char* base = t->data_.data() + blob_begin;
  uint8_t prev_lang = 0;
  std::string_view prev_key;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t off = read_u32(t->data_.data() + kHeaderBytes + size_t{4} * i);
    size_t p = off;
    auto need = [&](size_t n) { return p + n <= blob; };
    if (!need(2)) return fail("record out of bounds");
    const uint8_t lang = static_cast<uint8_t>(base[p]);
    const uint8_t klen = static_cast<uint8_t>(base[p + 1]);
    p += 2;
    if (lang > 2 || !need(size_t{klen} + 1)) return fail("bad record key");
    std::string_view key(base + p, klen);
    p += klen;
    const uint8_t n = static_cast<uint8_t>(base[p++]);
    for (uint8_t k = 0; k < n; ++k) {
      if (!need(2)) return fail("translation out of bounds");
      if ((static_cast<uint8_t>(base[p]) & 3) > 2) return fail("bad target language");
      const uint8_t len = static_cast<uint8_t>(base[p + 1]);
      p += 2;
      if (!need(len)) return fail("translation out of bounds");
      p += len;
    }
    if (i > 0 && compare_key(prev_lang, prev_key, lang, key) >= 0) return fail("records not sorted");
    prev_lang = lang;
    prev_key = key;
  }
  return t;
}

std::string_view TranslationTable::record(uint32_t i) const {
  const uint32_t off = read_u32(data_.data() + kHeaderBytes + size_t{4} * i);
  return std::string_view(data_).substr(blob_begin_ + off);
}

int64_t TranslationTable::find(Lang from, std::string_view key) const {
  const uint8_t want = static_cast<uint8_t>(from);
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    std::string_view r = record(mid);
    const uint8_t klen = static_cast<uint8_t>(r[1]);
    const int c = compare_key(static_cast<uint8_t>(r[0]), r.substr(2, klen), want, key);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

bool TranslationTable::contains(Lang from, std::string_view normalized_word) const {
  return find(from, normalized_word) >= 0;
}

std::vector<TranslatedTerm> TranslationTable::lookup(Lang from, std::string_view normalized_word) const {
  std::vector<TranslatedTerm> out;
  const int64_t i = find(from, normalized_word);
  if (i < 0) return out;
  std::string_view r = record(static_cast<uint32_t>(i));
  size_t p = 2 + static_cast<uint8_t>(r[1]);
  const uint8_t n = static_cast<uint8_t>(r[p++]);
  out.reserve(n);
  for (uint8_t k = 0; k < n; ++k) {
    const uint8_t flags = static_cast<uint8_t>(r[p]);
    const uint8_t len = static_cast<uint8_t>(r[p + 1]);
    p += 2;
    TranslatedTerm t;
    t.to = static_cast<Lang>(flags & 3);
    t.phrase = (flags & kFlagPhrase) != 0;
    t.place = (flags & kFlagPlace) != 0;
    t.text.assign(r.substr(p, len));
    p += len;
    out.push_back(std::move(t));
  }
  return out;
}

std::string serialize_translations(std::vector<TranslationEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const TranslationEntry& a, const TranslationEntry& b) {
    return compare_key(static_cast<uint8_t>(a.from), a.key, static_cast<uint8_t>(b.from), b.key) < 0;
  });
  // Merge duplicate keys, keeping the first entry's terms first.
  std::vector<TranslationEntry> merged;
  for (auto& e : entries) {
    if (e.key.empty() || e.key.size() > 255) continue;
    if (!merged.empty() && merged.back().from == e.from && merged.back().key == e.key) {
      for (auto& t : e.terms)
        if (std::find(merged.back().terms.begin(), merged.back().terms.end(), t) == merged.back().terms.end())
          merged.back().terms.push_back(std::move(t));
      continue;
    }
    merged.push_back(std::move(e));
  }
  std::string blob;
  std::string offsets;
  uint32_t count = 0;
  for (const auto& e : merged) {
    std::string rec;
    rec.push_back(static_cast<char>(e.from));
    rec.push_back(static_cast<char>(e.key.size()));
    rec += e.key;
    std::string body;
    uint8_t n = 0;
    for (const auto& t : e.terms) {
      if (t.text.empty() || t.text.size() > 255 || n == 255) continue;
      uint8_t flags = static_cast<uint8_t>(t.to);
      if (t.phrase) flags |= kFlagPhrase;
      if (t.place) flags |= kFlagPlace;
      body.push_back(static_cast<char>(flags));
      body.push_back(static_cast<char>(t.text.size()));
      body += t.text;
      ++n;
    }
    if (n == 0) continue;
    rec.push_back(static_cast<char>(n));
    rec += body;
    append_u32(offsets, static_cast<uint32_t>(blob.size()));
    blob += rec;
    ++count;
  }
  std::string out(kMagic, sizeof kMagic);
  append_u32(out, count);
  append_u32(out, static_cast<uint32_t>(blob.size()));
  out += offsets;
  out += blob;
  return out;
}

// ---- dictd ----

int64_t decode_dictd_number(std::string_view digits) {
  int64_t v = 0;
  if (digits.empty() || digits.size() > 10) return -1;
  for (char c : digits) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '+') d = 62;
    else if (c == '/') d = 63;
    else return -1;
    v = v * 64 + d;
  }
  return v;
}

bool read_dictd(const std::string& index_path, const std::string& dict_path, std::vector<DictdEntry>* out,
                std::string* error) {
  std::ifstream index(index_path);
  if (!index) {
    if (error) *error = "cannot open " + index_path;
    return false;
  }
  gzFile gz = gzopen(dict_path.c_str(), "rb");
  if (!gz) {
    if (error) *error = "cannot open " + dict_path;
    return false;
  }
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = gzread(gz, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  const bool read_error = n < 0;
  gzclose(gz);
  if (read_error) {
    if (error) *error = "cannot inflate " + dict_path;
    return false;
  }
  std::string line;
  size_t bad = 0;
  while (std::getline(index, line)) {
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      ++bad;
      continue;
    }
    std::string head = line.substr(0, t1);
    const int64_t off = decode_dictd_number(std::string_view(line).substr(t1 + 1, t2 - t1 - 1));
    const int64_t len = decode_dictd_number(trim(std::string_view(line).substr(t2 + 1)));
    if (off < 0 || len < 0 || static_cast<uint64_t>(off + len) > text.size()) {
      ++bad;
      continue;
    }
    out->push_back({std::move(head), text.substr(static_cast<size_t>(off), static_cast<size_t>(len))});
  }
  if (bad > 0 && error) *error = std::to_string(bad) + " malformed index lines skipped in " + index_path;
  return true;
}

std::vector<std::string> parse_dictd_translations(std::string_view entry, bool glossed) {
  std::vector<std::string> out;
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < entry.size();) {
    size_t nl = entry.find('\n', start);
    if (nl == std::string_view::npos) nl = entry.size();
    lines.push_back(entry.substr(start, nl - start));
    start = nl + 1;
  }
  bool expect = true;  // the next line holds translations (glossed mode)
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    if (l.empty()) continue;
    std::string_view rest;
    const bool numbered = strip_sense_number(l, &rest);
    if (numbered) l = rest;
    if (!glossed) {
      strip_trailing_sense_number(&l);
      add_translations(l, out);
      continue;
    }
    if (!numbered && !expect) continue;  // a definition in the source language
    expect = false;
    strip_trailing_sense_number(&l);
    if (!l.empty()) add_translations(l, out);
  }
  return out;
}

}  // namespace haku
