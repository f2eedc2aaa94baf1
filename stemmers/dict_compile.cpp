// haku-dict-compile: builds the translation table (stemmers/translation.h) from FreeDict's six
// fi/sv/en dictd dictionaries and the place-name list, at build time. Single-threaded tool.
//
//   haku-dict-compile --dictd /usr/share/dictd --places stemmers/data/place_names.tsv
//                     --out build/stemmers/translations.bin [--tsv table.tsv]
//
// Per (source word, target language) the table keeps at most kMaxPerTarget translations:
//   1. place names (the other official name),
//   2. the dictionary's translations, those the opposite dictionary confirms first, then the rest
//      in dictionary order,
//   3. when the dictionary has fewer: words of the opposite dictionary that translate to the source
//      word (inverse entries), best-placed first,
//   4. when there is still nothing: a pivot through the third language (sv -> fi -> en).
// A missing dictionary is a warning, never an error: the table then holds what is available.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "stemmers/translation.h"

namespace fs = std::filesystem;
using namespace haku;

namespace {

constexpr size_t kMaxPerTarget = 5;
constexpr size_t kMaxPivot = 2;  // pivot words tried, and translations taken from each

// word -> translations, in order.
using WordMap = std::unordered_map<std::string, std::vector<std::string>>;

struct Dictionaries {
  WordMap direct[3][3];  // [from][to]
  size_t headwords[3][3] = {};
};

int idx(Lang l) { return static_cast<int>(l); }

bool single_word(const std::string& s) { return s.find(' ') == std::string::npos; }

// A usable source key: one word, no affix dashes.
bool usable_key(const std::string& k) {
  return !k.empty() && single_word(k) && k.front() != '-' && k.back() != '-' && k.size() <= 64;
}

void load_dictionary(const std::string& dir, const char* file, Lang from, Lang to, Dictionaries& d) {
  const std::string base = dir + "/freedict-" + file;
  std::string dict = base + ".dict.dz";
  if (!fs::exists(dict)) dict = base + ".dict";
  if (!fs::exists(base + ".index") || !fs::exists(dict)) {
    std::cerr << "haku-dict-compile: warning: " << base << ".index/.dict.dz not found; " << lang_code(from)
              << "->" << lang_code(to) << " comes from the other dictionaries only\n";
    return;
  }
  std::vector<DictdEntry> entries;
  std::string error;
  if (!read_dictd(base + ".index", dict, &entries, &error)) {
    std::cerr << "haku-dict-compile: warning: " << error << "\n";
    return;
  }
  if (!error.empty()) std::cerr << "haku-dict-compile: warning: " << error << "\n";
  // Metadata headwords: "00-database-info" or, as dictfmt writes them, "00databaseinfo".
  auto metadata = [](const std::string& h) { return h.rfind("00-database", 0) == 0 || h.rfind("00database", 0) == 0; };
  bool glossed = false;
  for (const auto& e : entries)
    if (metadata(e.headword) && e.text.find("WikDict") != std::string::npos) glossed = true;
  WordMap& m = d.direct[idx(from)][idx(to)];
  for (const auto& e : entries) {
    if (metadata(e.headword)) continue;
    std::string key = normalize(e.headword);
    if (key.empty() || key.front() == '-' || key.back() == '-') continue;
    auto& list = m[key];
    if (list.empty()) ++d.headwords[idx(from)][idx(to)];
    for (auto& t : parse_dictd_translations(e.text, glossed))
      if (t != key && std::find(list.begin(), list.end(), t) == list.end()) list.push_back(std::move(t));
  }
  std::cerr << "haku-dict-compile: " << file << ": " << entries.size() << " entries ("
            << (glossed ? "translations with definitions" : "translations only") << ")\n";
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

using Inverse =
    std::map<std::pair<int, int>, std::unordered_map<std::string, std::vector<std::pair<size_t, std::string>>>>;

// The translations of `key` from `from` into `to` from the two dictionaries of that pair: those the
// opposite dictionary confirms first (`*confirmed` of them), then the rest, then inverse entries.
std::vector<std::string> ranked(const Dictionaries& d, const Inverse& inverse, Lang from, Lang to,
                                const std::string& key, size_t* confirmed_count = nullptr) {
  std::vector<std::string> out;
  const WordMap& fwd = d.direct[idx(from)][idx(to)];
  const WordMap& back = d.direct[idx(to)][idx(from)];
  auto it = fwd.find(key);
  size_t confirmed_n = 0;
  if (it != fwd.end()) {
    std::vector<std::string> confirmed, rest;
    for (const auto& t : it->second) {
      auto b = back.find(t);
      (b != back.end() && contains(b->second, key) ? confirmed : rest).push_back(t);
    }
    confirmed_n = confirmed.size();
    for (auto& t : confirmed) out.push_back(t);
    for (auto& t : rest) out.push_back(t);
  }
  if (confirmed_count) *confirmed_count = confirmed_n;
  if (out.size() < kMaxPerTarget) {
    auto inv = inverse.find({idx(from), idx(to)});
    if (inv != inverse.end()) {
      auto c = inv->second.find(key);
      if (c != inv->second.end()) {
        auto cands = c->second;  // (position of key among the headword's translations, headword)
        std::stable_sort(cands.begin(), cands.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [pos, word] : cands) {
          if (out.size() >= kMaxPerTarget) break;
          if (word != key && !contains(out, word)) out.push_back(word);
        }
      }
    }
  }
  if (out.size() > kMaxPerTarget) out.resize(kMaxPerTarget);
  return out;
}

// The final list for (from, to, key): the pair's own dictionaries, with a pivot through the third
// language filling an empty list, or going ahead of translations neither dictionary confirms (the
// small sv<->en dictionaries list rare senses first: yrke -> "branch", but yrke -> ammatti -> "profession").
std::vector<std::string> translations(const Dictionaries& d, const Inverse& inverse, Lang from, Lang to,
                                      const std::string& key, size_t* pivoted) {
  size_t confirmed = 0;
  std::vector<std::string> base = ranked(d, inverse, from, to, key, &confirmed);
  if (confirmed > 0) return base;
  const Lang via = kAllLangs[3 - idx(from) - idx(to)];
  std::vector<std::string> pivot;
  size_t tried = 0;
  for (const auto& m : ranked(d, inverse, from, via, key)) {
    if (!single_word(m)) continue;
    if (tried++ == kMaxPivot) break;
    std::vector<std::string> far = ranked(d, inverse, via, to, m);
    for (size_t i = 0; i < far.size() && i < kMaxPivot; ++i)
      if (far[i] != key && !contains(pivot, far[i])) pivot.push_back(far[i]);
  }
  std::vector<std::string> out;
  for (const auto& t : pivot)
    if (contains(base, t)) out.push_back(t);
  size_t added = 0;
  for (const auto& t : pivot)
    if (!contains(out, t) && added < kMaxPivot) out.push_back(t), ++added, ++*pivoted;
  for (const auto& t : base)
    if (!contains(out, t)) out.push_back(t);
  if (out.size() > kMaxPerTarget) out.resize(kMaxPerTarget);
  return out;
}

struct PlaceName {
  std::string name[3];  // by Lang
};

bool read_places(const std::string& path, std::vector<PlaceName>* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i)
      if (i == line.size() || line[i] == '\t') {
        cols.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    if (cols.size() < 2 || cols[0].empty() || cols[1].empty()) {
      std::cerr << "haku-dict-compile: warning: " << path << ": skipped line: " << line << "\n";
      continue;
    }
    PlaceName p;
    p.name[idx(Lang::fi)] = normalize(cols[0]);
    p.name[idx(Lang::sv)] = normalize(cols[1]);
    p.name[idx(Lang::en)] = normalize(cols.size() > 2 && !cols[2].empty() ? cols[2] : cols[0]);
    out->push_back(std::move(p));
  }
  return true;
}

int usage() {
  std::cerr << "usage: haku-dict-compile --dictd DIR --places FILE --out FILE [--tsv FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dictd_dir = "/usr/share/dictd", places_path, out_path, tsv_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    if (a == "--dictd") dictd_dir = argv[++i];
    else if (a == "--places") places_path = argv[++i];
    else if (a == "--out") out_path = argv[++i];
    else if (a == "--tsv") tsv_path = argv[++i];
    else return usage();
  }
  if (out_path.empty() || places_path.empty()) return usage();

  Dictionaries d;
  load_dictionary(dictd_dir, "swe-fin", Lang::sv, Lang::fi, d);
  load_dictionary(dictd_dir, "fin-swe", Lang::fi, Lang::sv, d);
  load_dictionary(dictd_dir, "fin-eng", Lang::fi, Lang::en, d);
  load_dictionary(dictd_dir, "eng-fin", Lang::en, Lang::fi, d);
  load_dictionary(dictd_dir, "swe-eng", Lang::sv, Lang::en, d);
  load_dictionary(dictd_dir, "eng-swe", Lang::en, Lang::sv, d);

  // Inverse entries: for each dictionary from->to, a single-word translation t of headword h gives
  // the candidate to->from: t -> h, ranked by t's place in h's list.
  Inverse inverse;
  for (Lang from : kAllLangs)
    for (Lang to : kAllLangs) {
      if (from == to) continue;
      auto& inv = inverse[{idx(to), idx(from)}];
      for (const auto& [head, list] : d.direct[idx(from)][idx(to)])
        for (size_t i = 0; i < list.size(); ++i)
          if (usable_key(list[i])) inv[list[i]].emplace_back(i, head);
    }

  std::vector<PlaceName> places;
  if (!read_places(places_path, &places)) {
    std::cerr << "haku-dict-compile: cannot read " << places_path << "\n";
    return 1;
  }

  // Every source key of every language.
  std::map<std::pair<int, std::string>, std::vector<TranslatedTerm>> table;
  std::vector<std::string> keys[3];
  for (Lang from : kAllLangs) {
    std::unordered_map<std::string, bool> seen;
    for (Lang to : kAllLangs) {
      if (from == to) continue;
      for (const auto& [k, list] : d.direct[idx(from)][idx(to)])
        if (usable_key(k) && !list.empty() && !seen[k]) seen[k] = true, keys[idx(from)].push_back(k);
      for (const auto& [k, list] : inverse[{idx(from), idx(to)}])
        if (usable_key(k) && !seen[k]) seen[k] = true, keys[idx(from)].push_back(k);
    }
  }

  // Place names first.
  size_t place_terms = 0;
  for (const auto& p : places)
    for (Lang from : kAllLangs)
      for (Lang to : kAllLangs) {
        if (from == to || p.name[idx(from)] == p.name[idx(to)]) continue;
        const std::string& text = p.name[idx(to)];
        table[{idx(from), p.name[idx(from)]}].push_back({to, text, !single_word(text), true});
        ++place_terms;
      }

  size_t pivoted = 0, dictionary_terms = 0;
  for (Lang from : kAllLangs)
    for (const std::string& key : keys[idx(from)]) {
      auto& terms = table[{idx(from), key}];
      for (Lang to : kAllLangs) {
        if (from == to) continue;
        std::vector<std::string> list = translations(d, inverse, from, to, key, &pivoted);
        size_t kept = 0;
        for (const auto& t : terms) kept += t.to == to;
        for (const auto& t : list) {
          if (kept >= kMaxPerTarget) break;
          TranslatedTerm term{to, t, !single_word(t), false};
          if (std::find_if(terms.begin(), terms.end(), [&](const TranslatedTerm& x) {
                return x.to == to && x.text == t;
              }) != terms.end())
            continue;
          terms.push_back(std::move(term));
          ++kept;
          ++dictionary_terms;
        }
      }
    }

  std::vector<TranslationEntry> entries;
  size_t per_lang[3] = {};
  for (auto& [k, terms] : table) {
    if (terms.empty()) continue;
    ++per_lang[k.first];
    entries.push_back({static_cast<Lang>(k.first), k.second, std::move(terms)});
  }
  if (!tsv_path.empty()) {
    std::ofstream tsv(tsv_path);
    for (const auto& e : entries) {
      tsv << lang_code(e.from) << '\t' << e.key;
      for (const auto& t : e.terms) tsv << '\t' << lang_code(t.to) << ':' << t.text << (t.place ? " [place]" : "");
      tsv << '\n';
    }
  }
  const size_t n = entries.size();
  const std::string bytes = serialize_translations(std::move(entries));
  const std::string tmp = out_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << "haku-dict-compile: cannot write " << tmp << "\n";
      return 1;
    }
  }
  std::error_code ec;
  fs::rename(tmp, out_path, ec);
  if (ec) {
    std::cerr << "haku-dict-compile: cannot rename " << tmp << ": " << ec.message() << "\n";
    return 1;
  }
  if (dictionary_terms == 0)
    std::cerr << "haku-dict-compile: warning: no dictionaries found in " << dictd_dir
              << " (install dict-freedict-swe-fin and the others); the table holds place names only\n";
  std::cerr << "haku-dict-compile: " << out_path << ": " << n << " entries (fi " << per_lang[0] << ", sv "
            << per_lang[1] << ", en " << per_lang[2] << "), " << dictionary_terms << " dictionary translations ("
            << pivoted << " via a pivot language), " << place_terms << " place names, " << bytes.size()
            << " bytes\n";
  return 0;
}
