// Fund and status vocabularies: canonical values and their labels (see vocabulary.h).
#include "corpus/vocabulary.h"

#include <array>
#include <unordered_map>

#include "corpus/text_util.h"

namespace haku {
namespace {

#include "corpus/fund_table.inc"

// Lower case (Nordic letters too), spaces collapsed, trimmed: the key spellings are compared by.
std::string key_of(std::string_view text) {
  std::string lower = utf8_lower_nordic(trim(text));
  std::string out;
  bool space = false;
  for (char c : lower) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

int lang_index(std::string_view lang) {
  if (lang == "fi") return 1;
  if (lang == "sv") return 2;
  return 0;  // en, and anything else
}

struct Fund {
  std::string code;
  std::array<std::string, 3> abbr;  // en, fi, sv
  std::array<std::string, 3> name;
};

struct FundTable {
  std::vector<Fund> funds;
  std::unordered_map<std::string, size_t> by_key;  // any spelling -> index in funds

  FundTable() {
    size_t start = 0;
    bool header = true;
    while (start < kFundTable.size()) {
      size_t end = kFundTable.find('\n', start);
      if (end == std::string_view::npos) end = kFundTable.size();
      std::string_view line = kFundTable.substr(start, end - start);
      start = end + 1;
      if (line.empty() || line[0] == '#') continue;
      if (header) {
        header = false;  // the column names
        continue;
      }
      std::vector<std::string> cols;
      size_t b = 0;
      while (true) {
        size_t tab = line.find('\t', b);
        cols.emplace_back(line.substr(b, tab == std::string_view::npos ? std::string_view::npos : tab - b));
        if (tab == std::string_view::npos) break;
        b = tab + 1;
      }
      cols.resize(9);
      Fund f;
      f.code = cols[0];
      for (int l = 0; l < 3; ++l) {
        f.abbr[l] = cols[1 + 2 * l];
        f.name[l] = cols[2 + 2 * l];
      }
      const size_t index = funds.size();
      auto add = [&](std::string_view spelling) {
        if (!trim(spelling).empty()) by_key.emplace(key_of(spelling), index);
      };
      add(f.code);
      for (int l = 0; l < 3; ++l) {
        add(f.abbr[l]);
        add(f.name[l]);
      }
      std::string_view aliases = cols[7];
      size_t a = 0;
      while (a <= aliases.size()) {
        size_t bar = aliases.find('|', a);
        if (bar == std::string_view::npos) bar = aliases.size();
        add(aliases.substr(a, bar - a));
        a = bar + 1;
      }
      funds.push_back(std::move(f));
    }
  }

  const Fund* find_code(std::string_view code) const {
    for (const auto& f : funds)
      if (f.code == code) return &f;
    return nullptr;
  }
};

const FundTable& fund_table() {
  static const FundTable kTable;
  return kTable;
}

struct StatusWords {
  std::string_view code;
  std::array<std::string_view, 3> label;  // en, fi, sv
  std::vector<std::string_view> spellings;
};

const std::vector<StatusWords>& statuses() {
  static const std::vector<StatusWords> kStatuses = {
      {kStatusOngoing,
       {"Ongoing", "Toiminnassa", "P\xC3\xA5g\xC3\xA5" "ende"},
       {"ongoing", "active", "in progress", "running", "toiminnassa", "k\xC3\xA4ynniss\xC3\xA4",
        "p\xC3\xA5g\xC3\xA5" "ende", "p\xC3\xA5g\xC3\xA5r", "aktiv", "aktivt"}},
      {kStatusClosed,
       {"Closed", "P\xC3\xA4\xC3\xA4ttynyt", "Avslutat"},
       {"closed", "completed", "finished", "ended", "toiminta p\xC3\xA4\xC3\xA4ttynyt",
        "p\xC3\xA4\xC3\xA4ttynyt", "avslutat", "avslutad", "avslutade"}},
      {kStatusDiscontinued,
       {"Discontinued", "Keskeytynyt", "Avbrutet"},
       {"discontinued", "terminated", "interrupted", "keskeytynyt", "keskeytetty", "avbrutet", "avbruten"}},
  };
  return kStatuses;
}

}  // namespace

std::string canonical_fund(std::string_view text) {
  const FundTable& t = fund_table();
  auto it = t.by_key.find(key_of(text));
  if (it != t.by_key.end()) return t.funds[it->second].code;
  return std::string(trim(text));
}

bool is_known_fund(std::string_view code) { return fund_table().find_code(code) != nullptr; }

std::string fund_label(std::string_view code, std::string_view lang) {
  const Fund* f = fund_table().find_code(code);
  if (!f) return {};
  const int l = lang_index(lang);
  if (!f->abbr[l].empty()) return f->abbr[l];
  if (!f->name[l].empty()) return f->name[l];
  return f->abbr[0].empty() ? f->code : f->abbr[0];
}

std::string fund_name(std::string_view code, std::string_view lang) {
  const Fund* f = fund_table().find_code(code);
  if (!f) return {};
  const int l = lang_index(lang);
  return f->name[l].empty() ? f->name[0] : f->name[l];
}

std::vector<std::string> fund_codes() {
  std::vector<std::string> out;
  for (const auto& f : fund_table().funds) out.push_back(f.code);
  return out;
}

std::string canonical_status(std::string_view text) {
  const std::string key = key_of(text);
  for (const auto& s : statuses())
    for (auto spelling : s.spellings)
      if (key == spelling) return std::string(s.code);
  return {};
}

std::string status_label(std::string_view status, std::string_view lang) {
  for (const auto& s : statuses())
    if (s.code == status) return std::string(s.label[lang_index(lang)]);
  return {};
}

}  // namespace haku
