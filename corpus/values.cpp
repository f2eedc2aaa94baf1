// Value parsers for the money, date and period formats found in the source texts (see FORMATS.md).
// Pure functions over their arguments: thread-safe.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "corpus/reader.h"
#include "corpus/text_util.h"

namespace haku {
namespace {

constexpr std::array<std::string_view, 3> kSpaceLikes = {"\xC2\xA0", "\xE2\x80\xAF", "\xE2\x80\x89"};

// Replaces no-break and thin spaces by ASCII spaces so the parsers only see one kind of space.
std::string normalise_spaces(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    bool replaced = false;
    for (auto sp : kSpaceLikes) {
      if (in.substr(i, sp.size()) == sp) {
        out.push_back(' ');
        i += sp.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(in[i++] == '\t' ? ' ' : in[i - 1]);
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A currency marker and the ISO 4217 code it stands for.
struct CurrencyMark {
  std::string_view text;  // lower case
  std::string_view code;
};

// Strips currency markers at either end ("€", "EUR", "euro", "euroa", "e" (Finnish shorthand after a
// number), "£", "GBP", "SEK", "$", "USD", ...) and reports the currency they name in *code ("" when
// none, "?" when two markers disagree).
std::string strip_currency(std::string_view s, std::string* code) {
  static constexpr std::array<CurrencyMark, 14> kMarks = {{{"\xE2\x82\xAC", "EUR"},
                                                           {"euroa", "EUR"},
                                                           {"euros", "EUR"},
                                                           {"euro", "EUR"},
                                                           {"eur", "EUR"},
                                                           {"e", "EUR"},
                                                           {"\xC2\xA3", "GBP"},
                                                           {"gbp", "GBP"},
                                                           {"sek", "SEK"},
                                                           {"nok", "NOK"},
                                                           {"dkk", "DKK"},
                                                           {"usd", "USD"},
                                                           {"$", "USD"},
                                                           {"chf", "CHF"}}};
  code->clear();
  bool changed = true;
  while (changed) {
    changed = false;
    s = trim(s);
    std::string lower = ascii_lower(s);
    for (const auto& m : kMarks) {
      const bool word = std::isalpha(static_cast<unsigned char>(m.text[0]));
      if (lower.size() > m.text.size() && lower.compare(lower.size() - m.text.size(), m.text.size(), m.text) == 0) {
        char before = lower[lower.size() - m.text.size() - 1];
        // A word marker must not be glued to letters ("1000euro" is fine, "tree" is not an amount).
        if (word && std::isalpha(static_cast<unsigned char>(before))) continue;
        s.remove_suffix(m.text.size());
      } else if (lower.size() > m.text.size() && lower.compare(0, m.text.size(), m.text) == 0) {
        char after = lower[m.text.size()];
        if (word && std::isalpha(static_cast<unsigned char>(after))) continue;
        s.remove_prefix(m.text.size());
      } else {
        continue;
      }
      if (code->empty()) *code = std::string(m.code);
      else if (*code != m.code) *code = "?";
      changed = true;
      break;
    }
  }
  return std::string(s);
}

// Checks "1 234 567" style grouping: first group 1-3 digits, then groups of exactly 3.
bool valid_groups(const std::vector<std::string_view>& groups) {
  if (groups.empty() || groups[0].empty() || groups[0].size() > 3) return false;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (!all_digits(groups[i])) return false;
    if (i > 0 && groups[i].size() != 3) return false;
  }
  return true;
}

std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// Parses the integer part, which may be grouped by one separator kind (space, '.', ',' or '\'').
bool parse_integer_part(std::string_view s, std::string* digits) {
  if (all_digits(s)) {
    *digits = std::string(s);
    return true;
  }
  for (char sep : {' ', '.', ',', '\''}) {
    if (s.find(sep) == std::string_view::npos) continue;
    auto groups = split_on(s, sep);
    if (!valid_groups(groups)) return false;
    digits->clear();
    for (auto g : groups) digits->append(g);
    return true;
  }
  return false;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

bool make_iso(int y, int m, int d, std::string* iso) {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  *iso = buf;
  return true;
}

bool to_int(std::string_view s, int* out) {
  if (!all_digits(s) || s.size() > 4) return false;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  *out = v;
  return true;
}

// Month names in English, Finnish, Swedish and German (lower case), with common abbreviations
// (German ones too: England's ESIF export writes "31. Dez 18", "Mrz 16").
int month_from_name(std::string word) {
  static constexpr std::array<std::array<std::string_view, 7>, 12> kNames = {{
      {"january", "tammikuu", "januari", "jan", "januar", "", ""},
      {"february", "helmikuu", "februari", "feb", "februar", "", ""},
      {"march", "maaliskuu", "mars", "mar", "m\xC3\xA4rz", "mrz", "maerz"},
      {"april", "huhtikuu", "april", "apr", "", "", ""},
      {"may", "toukokuu", "maj", "mai", "", "", ""},
      {"june", "kes\xC3\xA4kuu", "juni", "jun", "", "", ""},
      {"july", "hein\xC3\xA4kuu", "juli", "jul", "", "", ""},
      {"august", "elokuu", "augusti", "aug", "", "", ""},
      {"september", "syyskuu", "september", "sep", "sept", "", ""},
      {"october", "lokakuu", "oktober", "oct", "okt", "", ""},
      {"november", "marraskuu", "november", "nov", "", "", ""},
      {"december", "joulukuu", "december", "dec", "dezember", "dez", ""},
  }};
  word = utf8_lower_nordic(word);
  if (!word.empty() && word.back() == '.') word.pop_back();
  // Finnish partitive: "tammikuuta" (1. tammikuuta 2018).
  if (word.size() > 5 && word.compare(word.size() - 5, 5, "kuuta") == 0) word.resize(word.size() - 2);
  for (int m = 0; m < 12; ++m)
    for (auto name : kNames[m])
      if (!name.empty() && word == name) return m + 1;
  return 0;
}

std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool is_weekday(std::string word) {
  static constexpr std::array<std::string_view, 28> kDays = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
      "maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai",
      "m\xC3\xA5ndag", "tisdag", "onsdag", "torsdag", "fredag", "l\xC3\xB6rdag", "s\xC3\xB6ndag",
      "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"};
  word = utf8_lower_nordic(word);
  while (!word.empty() && (word.back() == ',' || word.back() == '.')) word.pop_back();
  for (auto d : kDays)
    if (word == d) return true;
  return false;
}

// A year of four digits, or of two when the format gives a century ("15" -> 2015).
bool to_year(std::string_view s, const DateFormat& f, int* y) {
  if (s.size() == 4) return to_int(s, y);
  if (s.size() == 2 && f.century > 0 && to_int(s, y)) {
    *y += f.century;
    return true;
  }
  return false;
}

// Parses one date; `end` picks the last day of a month, quarter or year given alone (period ends).
bool parse_date_impl(const std::string& text, std::string* iso, const DateFormat& f, bool end) {
  std::string s = std::string(trim(normalise_spaces(text)));
  if (s.empty() || s.size() > 64) return false;
  int y = 0, m = 0, d = 0;
  auto last_day = [&](int year, int month) { return make_iso(year, month, days_in_month(year, month), iso); };
  // ISO, optionally followed by a time ("2016-10-14 01:17:38", "2021-11-01T00:00:00Z").
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-' && (s.size() == 10 || s[10] == ' ' || s[10] == 'T')) {
    return to_int(std::string_view(s).substr(0, 4), &y) && to_int(std::string_view(s).substr(5, 2), &m) &&
           to_int(std::string_view(s).substr(8, 2), &d) && make_iso(y, m, d, iso);
  }
  // d.m.yyyy, d/m/yyyy and d-Mon-yyyy (day first unless the format says otherwise).
  for (char sep : {'.', '/', '-'}) {
    std::string t = s;
    if (sep == '.' && !t.empty() && t.back() == '.') t.pop_back();
    auto parts = split_on(t, sep);
    if (parts.size() != 3) continue;
    if (parts[0].size() == 4) {  // year first: "2016/01/25"
      return to_int(parts[0], &y) && to_int(parts[1], &m) && to_int(parts[2], &d) && make_iso(y, m, d, iso);
    }
    if (parts[0].size() > 2 || !to_year(parts[2], f, &y)) continue;
    // "25-Jan-2016", "10-Mrz-2016": a month name in the middle.
    if (int named = month_from_name(std::string(parts[1])); named != 0)
      return to_int(parts[0], &d) && make_iso(y, named, d, iso);
    if (parts[1].size() > 2) continue;
    int a = 0, b = 0;
    if (!to_int(parts[0], &a) || !to_int(parts[1], &b)) return false;
    if (f.order == DateFormat::mdy) std::swap(a, b);
    return make_iso(y, b, a, iso);
  }
  auto words = words_of(s);
  if (words.size() >= 2 && is_weekday(words[0])) words.erase(words.begin());  // "Tuesday, October 18, 2011"
  // Quarters: "Q3 2014", "Q3/2014", "2014 Q3", "Q 3, 2014", "Quarter 3 2014".
  {
    std::string q = ascii_lower(s);
    for (char& c : q)
      if (c == '/' || c == '-') c = ' ';
    auto qw = words_of(q);
    if (qw.size() == 3 && (qw[0] == "q" || qw[0] == "quarter") && qw[1].size() == 1) qw = {"q" + qw[1], qw[2]};
    if (qw.size() == 2) {
      if (qw[1].size() == 2 && qw[1][0] == 'q') std::swap(qw[0], qw[1]);
      if (qw[0].size() == 2 && qw[0][0] == 'q' && qw[0][1] >= '1' && qw[0][1] <= '4') {
        if (!to_year(qw[1], f, &y)) return false;
        const int first = (qw[0][1] - '1') * 3 + 1;
        return end ? last_day(y, first + 2) : make_iso(y, first, 1, iso);
      }
    }
  }
  // "1 January 2018", "1. tammikuuta 2018", "1 januari 2018", "01. Nov 15" (with a century).
  if (words.size() == 3) {
    std::string day = words[0];
    if (!day.empty() && day.back() == '.') day.pop_back();
    if (to_int(day, &d) && (m = month_from_name(words[1])) != 0 && to_year(words[2], f, &y))
      return make_iso(y, m, d, iso);
    // "January 1, 2018", "October 18, 2011".
    if ((m = month_from_name(words[0])) != 0 && to_int(words[1], &d) && to_year(words[2], f, &y))
      return make_iso(y, m, d, iso);
    return false;
  }
  // "Maaliskuu 2023", "March 2023", "mars 2023", "Dez 17" (with a century).
  if (words.size() == 2) {
    if ((m = month_from_name(words[0])) != 0 && to_year(words[1], f, &y))
      return end ? last_day(y, m) : make_iso(y, m, 1, iso);
    return false;
  }
  // A bare year "2008" (registers that give years only): the first day (last day for period ends).
  if (words.size() == 1 && s.size() == 4 && to_int(s, &y)) {
    return end ? make_iso(y, 12, 31, iso) : make_iso(y, 1, 1, iso);
  }
  return false;
}

}  // namespace

bool parse_money(const std::string& text, double* out, std::string* currency) {
  std::string code;
  std::string s = strip_currency(normalise_spaces(text), &code);
  if (s.empty() || s.size() > 64 || code == "?") return false;
  // A trailing ",-" or ".-" means "no cents" in Nordic price notation.
  if (s.size() > 2 && (s.ends_with(",-") || s.ends_with(".-"))) s.resize(s.size() - 2);
  size_t last_comma = s.rfind(','), last_dot = s.rfind('.');
  std::string int_part = s, frac_part;
  auto split_decimal = [&](size_t pos) {
    frac_part = s.substr(pos + 1);
    int_part = s.substr(0, pos);
  };
  if (last_comma != std::string::npos && last_dot != std::string::npos) {
    split_decimal(std::max(last_comma, last_dot));  // "1.234,56" or "1,234.56"
  } else if (last_comma != std::string::npos || last_dot != std::string::npos) {
    size_t pos = last_comma != std::string::npos ? last_comma : last_dot;
    char sep = s[pos];
    size_t count = 0;
    for (char c : s) count += c == sep;
    // One separator followed by exactly three digits groups thousands ("€667,000"); otherwise decimal.
    if (count == 1 && s.size() - pos - 1 != 3) split_decimal(pos);
  }
  std::string digits;
  if (!parse_integer_part(trim(int_part), &digits)) return false;
  if (!frac_part.empty() && !all_digits(frac_part)) return false;
  if (int_part.empty() || digits.empty()) return false;
  std::string number = digits + (frac_part.empty() ? "" : "." + frac_part);
  try {
    size_t used = 0;
    double v = std::stod(number, &used);
    if (used != number.size()) return false;
    *out = v;
    if (currency) *currency = code;
    return true;
  } catch (...) {
    return false;
  }
}

bool parse_money(const std::string& text, double* out) {
  std::string code;
  double v = 0;
  if (!parse_money(text, &v, &code) || (!code.empty() && code != "EUR")) return false;
  *out = v;
  return true;
}

bool parse_date(const std::string& text, std::string* iso) { return parse_date_impl(text, iso, {}, false); }

bool parse_date(const std::string& text, std::string* iso, const DateFormat& format, bool period_end) {
  return parse_date_impl(text, iso, format, period_end);
}

bool parse_period(const std::string& text, std::string* start_iso, std::string* end_iso) {
  std::string s = normalise_spaces(text);
  auto try_split = [&](size_t pos, size_t len) {
    return parse_date_impl(s.substr(0, pos), start_iso, {}, false) &&
           parse_date_impl(s.substr(pos + len), end_iso, {}, true);
  };
  for (std::string_view sep : {"\xE2\x80\x93", "\xE2\x80\x94", " to ", " till ", " - "}) {
    size_t pos = s.find(sep);
    if (pos != std::string::npos && try_split(pos, sep.size())) return true;
  }
  for (size_t pos = s.find('-'); pos != std::string::npos; pos = s.find('-', pos + 1)) {
    if (try_split(pos, 1)) return true;
  }
  return false;
}

}  // namespace haku
