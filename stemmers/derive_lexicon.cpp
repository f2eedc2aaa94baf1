// haku-derive-lexicon: learns a Finnish <-> Swedish lexicon from the parallel Finnish Statute Book
// (every statute is published in both languages) and writes it as a TSV for haku-dict-compile.
// Single-threaded tool; run through scripts/derive-lexicon.
//
//   haku-derive-lexicon --statutes finlex_statutes_2005-2018_fi_sv.cap2000.jsonl.gz --out lexicon.tsv
//
// Method:
//   1. Training data: the statutes of 2005-2015 only (kLastTrainingYear; the year field and the year in
//      the statute id must both be within it). Later statutes are held out for evaluation; the tool
//      has no option to include them.
//   2. Segments: the two titles of a statute form a pair; the texts are paired line by line where the
//      two versions have the same number of lines (the statutes' paragraphs and headings correspond one
//      to one), the last line dropped when a text was cut at the corpus's 2,000 characters.
//   3. Words: Haku's own analysis (the index's tokenizer, Voikko's base forms for Finnish, the
//      hunspell-sv lemmas for Swedish; see BaseForms); stopwords, numbers and one-letter words are
//      left out.
//   4. IBM model 1 in both directions (fi->sv and sv->fi, with an empty word), EM from uniform
//      probabilities, kIterations rounds.
//   5. A pair (fi, sv) is kept when it co-occurs in at least kMinCooc segments, one direction gives
//      it at least kMinProb and the other at least kMinProbOther, and the Dice coefficient of the two
//      words' segment counts is at least kMinDice: a frequent word that merely shares segments with
//      everything (laki, lag) is not paired with its neighbours, while a word with two translations
//      (täytäntöönpano: verkställighet, genomförande), which splits one direction's probability, is
//      kept. At most kMaxPerWord translations per word and direction, the best first.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "stemmers/analyzer.h"
#include "stemmers/finnish_morphology.h"

using namespace haku;

namespace {

constexpr int kLastTrainingYear = 2015;  // the evaluation sets use the statutes of 2016 and later
constexpr int kIterations = 6;
constexpr uint32_t kMinCooc = 3;
constexpr double kMinProb = 0.2;        // in one direction
constexpr double kMinProbOther = 0.05;  // in the other
constexpr double kMinDice = 0.1;
constexpr size_t kMaxPerWord = 3;
constexpr size_t kCapChars = 1990;  // texts at least this long were cut at 2,000 characters

// Closes a table written to out_path + ".tmp" and renames it into place; false (and said) on failure.
bool publish(std::ofstream& tsv, const std::string& out_path) {
  tsv.close();
  if (!tsv || std::rename((out_path + ".tmp").c_str(), out_path.c_str()) != 0) {
    std::cerr << "haku-derive-lexicon: cannot write " << out_path << "\n";
    return false;
  }
  return true;
}

struct Statute {
  std::string title[2];  // by Lang (fi, sv)
  std::string text[2];
  bool have[2] = {false, false};
};

// The year in a statute id such as "asd20150123": the first four digits.
int id_year(const std::string& id) {
  for (size_t i = 0; i + 4 <= id.size(); ++i)
    if (std::isdigit(static_cast<unsigned char>(id[i]))) {
      for (size_t k = 1; k < 4; ++k)
        if (!std::isdigit(static_cast<unsigned char>(id[i + k]))) return -1;
      return std::stoi(id.substr(i, 4));
    }
  return -1;
}

bool read_lines_gz(const std::string& path, const std::function<void(const std::string&, size_t)>& each) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return false;
  std::string pending;
  char buf[1 << 16];
  int n;
  size_t line_no = 0;
  while ((n = gzread(gz, buf, sizeof buf)) > 0) {
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      each(pending.substr(start, nl - start), ++line_no);
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  const bool ok = n == 0;
  gzclose(gz);
  if (!pending.empty()) each(pending, ++line_no);
  return ok;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == '\n') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

class Vocabulary {
 public:
  uint32_t id(const std::string& w) {
    auto [it, added] = ids_.try_emplace(w, static_cast<uint32_t>(words_.size()));
    if (added) words_.push_back(w);
    return it->second;
  }
  const std::string& word(uint32_t i) const { return words_[i]; }
  size_t size() const { return words_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> words_;
};

// A word's base form: for Finnish the word itself when Voikko reads it as a base form (kartta, not
// karsi), else Voikko's first; for Swedish the lemma of the index's analysis (an inflected word's or
// a compound's base form), else the word itself.
class BaseForms {
 public:
  explicit BaseForms(Analyzer& a) : analyzer_(a) {}
  const std::string& of(const std::string& norm, Lang lang) {
    auto& cache = cache_[lang == Lang::fi ? 0 : 1];
    auto it = cache.find(norm);
    if (it != cache.end()) return it->second;
    std::string base = norm;
    if (lang == Lang::fi && finnish_.ok()) {
      const FinnishAnalysis fa = finnish_.analyze(norm);
      if (!fa.lemmas.empty() && std::find(fa.lemmas.begin(), fa.lemmas.end(), norm) == fa.lemmas.end())
        base = fa.lemmas.front();
    } else if (lang == Lang::sv) {
      for (const Derived& d : analyzer_.derive(norm, lang))
        if (d.kind == TermKind::lemma) {
          base = d.text;
          break;
        }
    }
    return cache.emplace(norm, std::move(base)).first->second;
  }
  bool ok() const { return finnish_.ok(); }

 private:
  Analyzer& analyzer_;
  FinnishMorphology finnish_;
  std::unordered_map<std::string, std::string> cache_[2];
};

// The content words of a text as base forms.
std::vector<uint32_t> content_words(Analyzer& a, BaseForms& bases, const std::string& text, Lang lang,
                                    Vocabulary& v) {
  std::vector<uint32_t> out;
  for (const Word& w : a.tokenize(text)) {
    const std::string& n = w.norm;
    if (n.size() < 2 || a.is_stopword(n, lang)) continue;
    if (std::any_of(n.begin(), n.end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) continue;
    out.push_back(v.id(bases.of(n, lang)));
  }
  return out;
}

struct Segment {
  std::vector<uint32_t> fi, sv;
};

// Co-occurring (fi, sv) pairs in compressed rows: row f holds its sv words, sorted.
struct Pairs {
  std::vector<uint64_t> row_begin;  // by fi id, size fi_vocab + 1
  std::vector<uint32_t> sv;         // column
  uint64_t find(uint32_t f, uint32_t s) const {
    auto b = sv.begin() + static_cast<int64_t>(row_begin[f]);
    auto e = sv.begin() + static_cast<int64_t>(row_begin[f + 1]);
    auto it = std::lower_bound(b, e, s);
    return static_cast<uint64_t>(it - sv.begin());
  }
};

// ---- Kohesio ----
// Term triples (en, fi, sv) from Kohesio's aligned interface strings: the short labels (at most
// kMaxTermWords words in each language once placeholders, "(notes)" and a trailing colon are gone)
// and the texts of links that carry the same marker once in each language ({$START_LINK_2}European
// Social Fund{$CLOSE_LINK}). URL slugs and query-parameter names are skipped, and so are sentences,
// strings with digits, names that are the same in all three languages (Facebook, Interreg), texts
// naming the portal itself, and paraphrases (more than two words longer in one language).

constexpr size_t kMaxTermWords = 5;

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == '\t') {
      cols.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  return cols;
}

// The text with {$...} placeholders, (notes) and a trailing colon removed; "" when it is not a term.
std::string label_text(std::string s) {
  for (size_t b; (b = s.find("{$")) != std::string::npos;) {
    const size_t e = s.find('}', b);
    s.erase(b, e == std::string::npos ? std::string::npos : e - b + 1);
  }
  for (size_t b; (b = s.find('(')) != std::string::npos;) {
    const size_t e = s.find(')', b);
    s.erase(b, e == std::string::npos ? std::string::npos : e - b + 1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == ':')) s.pop_back();
  for (unsigned char c : s)
    if (c < 0x80 && !(std::isalpha(c) || c == ' ' || c == '-' || c == '\'' || c == ':')) return {};
  return s;
}

// Every {$MARKER}text{$CLOSE_LINK} of a string, by marker name; a marker seen twice maps to "".
std::map<std::string, std::string> link_texts(const std::string& s) {
  std::map<std::string, std::string> out;
  const std::string open = "{$START_LINK", close = "{$CLOSE_LINK}";
  for (size_t b = s.find(open); b != std::string::npos; b = s.find(open, b + 1)) {
    const size_t name_end = s.find('}', b);
    const size_t e = name_end == std::string::npos ? name_end : s.find(close, name_end);
    if (e == std::string::npos) break;
    const std::string name = s.substr(b, name_end - b);
    auto [it, added] = out.try_emplace(name, s.substr(name_end + 1, e - name_end - 1));
    if (!added) it->second.clear();
  }
  return out;
}

// The term's words, normalised as the index does, and the same with each word's first lemma (Finnish
// only: Voikko's base forms are dictionary words, the Swedish suffix rules' are not always: a Swedish
// term is kept as written and its words are lemmatised when it is looked up or matched).
struct Forms {
  std::string surface, base;
  size_t words = 0;
};
Forms term_forms(Analyzer& a, BaseForms& bases, const std::string& text, Lang lang) {
  Forms f;
  for (const Word& w : a.tokenize(text)) {
    if (w.norm.size() < 2) continue;  // the clitic of "EU:n"
    const std::string base = lang == Lang::fi && !a.is_stopword(w.norm, lang) ? bases.of(w.norm, lang) : w.norm;
    f.surface += (f.surface.empty() ? "" : " ") + w.norm;
    f.base += (f.base.empty() ? "" : " ") + base;
    ++f.words;
  }
  return f;
}

int derive_kohesio(const std::string& path, const std::string& out_path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "haku-derive-lexicon: cannot read " << path << "\n";
    return 1;
  }
  Analyzer analyzer;
  BaseForms bases(analyzer);
  if (!bases.ok()) {
    std::cerr << "haku-derive-lexicon: Voikko is needed for the Finnish base forms; not derived\n";
    return 1;
  }
  std::vector<std::array<Forms, 3>> terms;  // by Lang
  std::map<std::string, bool> seen;
  std::string line;
  size_t line_no = 0, rows = 0, bad = 0;
  auto add = [&](const std::string& en, const std::string& fi, const std::string& sv) {
    std::array<Forms, 3> t{term_forms(analyzer, bases, en, Lang::en), term_forms(analyzer, bases, fi, Lang::fi),
                           term_forms(analyzer, bases, sv, Lang::sv)};
    size_t least = kMaxTermWords, most = 0;
    for (const Forms& f : t) {
      if (f.words == 0 || f.words > kMaxTermWords) return;
      // The portal's own name marks its interface texts (About Kohesio), not policy terms.
      if (f.surface.find("kohesio") != std::string::npos) return;
      least = std::min(least, f.words);
      most = std::max(most, f.words);
    }
    if (most > least + 2) return;  // a paraphrase, not a term
    if (t[0].surface == t[1].surface && t[1].surface == t[2].surface) return;
    const std::string id = t[0].surface + '\t' + t[1].base + '\t' + t[2].surface;
    if (seen[id]) return;
    seen[id] = true;
    terms.push_back(std::move(t));
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("key\t", 0) == 0) continue;
    if (line.empty()) continue;
    const std::vector<std::string> c = split_tabs(line);
    if (c.size() != 4) {
      std::cerr << "haku-derive-lexicon: " << path << ":" << line_no << ": expected 4 columns (key, en, fi, sv), got "
                << c.size() << "; skipped\n";
      ++bad;
      continue;
    }
    ++rows;
    const std::string& key = c[0];
    if (key.rfind("translate.routes.", 0) == 0 || key.rfind("translate.queryParams.", 0) == 0 ||
        key.rfind("translate.sections.", 0) == 0)
      continue;  // URL slugs and parameter names
    const std::string en = label_text(c[1]), fi = label_text(c[2]), sv = label_text(c[3]);
    if (!en.empty() && !fi.empty() && !sv.empty()) add(en, fi, sv);
    const auto le = link_texts(c[1]), lf = link_texts(c[2]), ls = link_texts(c[3]);
    for (const auto& [marker, text] : le) {
      auto f = lf.find(marker), s = ls.find(marker);
      if (text.empty() || f == lf.end() || s == ls.end() || f->second.empty() || s->second.empty()) continue;
      const std::string e2 = label_text(text), f2 = label_text(f->second), s2 = label_text(s->second);
      if (!e2.empty() && !f2.empty() && !s2.empty()) add(e2, f2, s2);
    }
  }
  std::ofstream tsv(out_path + ".tmp");
  tsv << "# en / fi / sv cohesion-policy terms (funds, themes, beneficiaries) from the interface strings of\n"
      << "# Kohesio, the European Commission's portal of EU-funded projects (c) European Union; reuse authorised,\n"
      << "# the source acknowledged, under the Commission's reuse policy (Decision 2011/833/EU). Derived by\n"
      << "# scripts/derive-lexicon (stemmers/derive_lexicon.cpp) from " << rows << " aligned strings: labels of at\n"
      << "# most " << kMaxTermWords << " words and uniquely marked link texts, normalised as the index does.\n"
      << "# en\tfi\tsv\tfi_base   (fi_base: each word's Voikko lemma)\n";
  for (const auto& t : terms)
    tsv << t[0].surface << '\t' << t[1].surface << '\t' << t[2].surface << '\t' << t[1].base << '\n';
  if (!publish(tsv, out_path)) return 1;
  std::cerr << "haku-derive-lexicon: " << out_path << ": " << terms.size() << " terms from " << rows << " strings ("
            << bad << " malformed lines)\n";
  return 0;
}

// Compound parts: how a word is translated as the first part of a compound, learned from the
// lexicon's own compound pairs. Finnish and Swedish both write compounds head last, and a modifier is
// often translated otherwise than the word alone (asukas -> invånare, but asukaskokous ->
// boendestämma). A pair of compounds F / S splits as modifier + head on both sides where the lexicon
// pairs the heads (asukas + kokous / boende + stämma: kokous -> stämma), the longest heads first; the
// pair then gives F's first part (as the index's analysis reads it: asukas) the modifier S is written
// with (boende, with a linking -s- where the compound has one: förhands-), and S's first part
// F's modifier. A translation is kept when at least kMinCompounds compound pairs give it, it is at
// least kMinShare of its part's split compounds, and the lexicon lacks it; at most
// kMaxPartTranslations per part, the most frequent first.
constexpr size_t kMinCompounds = 2;
constexpr double kMinShare = 0.25;
constexpr size_t kMaxPartTranslations = 2;
constexpr size_t kMinHead = 3;      // bytes of a head
constexpr size_t kMinModifier = 2;  // bytes of a modifier
constexpr size_t kMaxLinking = 4;   // bytes a modifier may add to its part (linking -s-, a case ending)

bool letters_only(const std::string& w) {
  return !w.empty() && std::none_of(w.begin(), w.end(), [](unsigned char c) { return c < 0x80 && !std::isalpha(c); });
}

// The first compound part of a word as the analysis reads it, when it begins the word (the analysis
// may skip a short first part: ulko+asiain+hallinto gives asia, hallinto).
std::string first_part(Analyzer& a, const std::string& word, const std::string& modifier, Lang lang) {
  for (const Derived& d : a.derive(word, lang))
    if (d.kind == TermKind::part) {
      const size_t n = std::min<size_t>(3, std::min(d.text.size(), modifier.size()));
      if (!letters_only(d.text) || d.text.compare(0, n, modifier, 0, n) != 0) return {};
      return d.text;
    }
  return {};
}

int derive_compound_parts(const std::string& lexicon_path, const std::string& out_path) {
  std::ifstream in(lexicon_path);
  if (!in) {
    std::cerr << "haku-derive-lexicon: cannot read " << lexicon_path << "\n";
    return 1;
  }
  Analyzer analyzer;
  if (!analyzer.features().finnish_morphology || !analyzer.features().swedish_compounds) {
    std::cerr << "haku-derive-lexicon: Voikko and the hunspell-sv data are needed to split compounds; not derived\n";
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  std::map<std::string, std::vector<std::string>> fi_sv;  // the lexicon's pairs, by Finnish word
  std::string line;
  size_t line_no = 0, bad = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const size_t t1 = line.find('\t'), t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      std::cerr << "haku-derive-lexicon: " << lexicon_path << ":" << line_no << ": expected fi, sv, ...; skipped\n";
      ++bad;
      continue;
    }
    pairs.emplace_back(line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1));
    fi_sv[pairs.back().first].push_back(pairs.back().second);
  }
  auto paired = [&](const std::string& f, const std::string& s) {
    auto it = fi_sv.find(f);
    return it != fi_sv.end() && std::find(it->second.begin(), it->second.end(), s) != it->second.end();
  };
  auto starts_char = [](const std::string& w, size_t i) { return (static_cast<unsigned char>(w[i]) & 0xC0) != 0x80; };
  // By direction (0: fi part -> sv modifier, 1: sv part -> fi modifier): (part, modifier) -> the
  // compound pairs that give it, and the split compound pairs per part.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> found[2];
  std::map<std::string, size_t> per_part[2];
  size_t compounds = 0;
  for (const auto& [f, s] : pairs) {
    bool split = false;
    for (size_t i = kMinModifier; !split && i + kMinHead <= f.size(); ++i) {
      if (!starts_char(f, i) || fi_sv.find(f.substr(i)) == fi_sv.end()) continue;
      const std::string fh = f.substr(i);
      for (size_t j = kMinModifier; !split && j + kMinHead <= s.size(); ++j) {
        if (!starts_char(s, j) || !paired(fh, s.substr(j))) continue;
        split = true;
        const std::string fm = f.substr(0, i), sm = s.substr(0, j);
        const std::string pf = first_part(analyzer, f, fm, Lang::fi), ps = first_part(analyzer, s, sm, Lang::sv);
        // Each modifier one part, as the analysis reads it, give or take a linking -s- or case ending
        // (förhands / förhand, kalastuksen / kalastus), not several (arbetarskydds / arbetare).
        if (pf.empty() || ps.empty() || fm.size() > pf.size() + kMaxLinking || sm.size() > ps.size() + kMaxLinking ||
            !letters_only(fm) || !letters_only(sm))
          continue;
        ++per_part[0][pf], found[0][{pf, sm}].push_back(f + "/" + s);
        ++per_part[1][ps], found[1][{ps, fm}].push_back(f + "/" + s);
      }
    }
    compounds += split;
  }
  struct Kept {
    int dir;
    std::string part, modifier;
    size_t n;
    double share;
    std::string example;
  };
  std::vector<Kept> out;
  for (int dir = 0; dir < 2; ++dir) {
    std::vector<Kept> kept;
    for (const auto& [k, list] : found[dir]) {
      const double share = static_cast<double>(list.size()) / static_cast<double>(per_part[dir][k.first]);
      if (list.size() < kMinCompounds || share < kMinShare) continue;
      if (dir == 0 ? paired(k.first, k.second) : paired(k.second, k.first)) continue;  // the lexicon has it
      kept.push_back({dir, k.first, k.second, list.size(), share, list.front()});
    }
    std::stable_sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) { return a.n > b.n; });
    std::map<std::string, size_t> rank;
    for (const Kept& k : kept)
      if (rank[k.part]++ < kMaxPartTranslations) out.push_back(k);
  }
  std::sort(out.begin(), out.end(), [](const Kept& a, const Kept& b) {
    return a.dir != b.dir ? a.dir < b.dir : a.part != b.part ? a.part < b.part : a.n > b.n;
  });
  std::ofstream tsv(out_path + ".tmp");
  tsv << "# Finnish <-> Swedish translations of a word as the first part of a compound, derived from the\n"
      << "# compound pairs of stemmers/data/finlex_fi_sv.tsv (itself from the Finnish Statute Book, Semantic\n"
      << "# Finlex, Ministry of Justice, Finland; licence CC BY 4.0) by scripts/derive-lexicon\n"
      << "# (stemmers/derive_lexicon.cpp): " << compounds << " compound pairs split at paired heads; a part's\n"
      << "# modifier kept when >= " << kMinCompounds << " compounds give it, >= " << kMinShare
      << " of the part's split compounds, and the lexicon lacks it.\n"
      << "# from\tpart\tmodifier (as written in the other language's compounds)\tcompounds\tshare\texample\n";
  tsv << std::fixed << std::setprecision(3);
  for (const Kept& k : out)
    tsv << (k.dir == 0 ? "fi" : "sv") << '\t' << k.part << '\t' << k.modifier << '\t' << k.n << '\t' << k.share << '\t'
        << k.example << '\n';
  if (!publish(tsv, out_path)) return 1;
  std::cerr << "haku-derive-lexicon: " << out_path << ": " << out.size() << " part translations from " << compounds
            << " split compound pairs of " << pairs.size() << " (" << bad << " malformed lines)\n";
  return 0;
}

int usage() {
  std::cerr << "usage: haku-derive-lexicon (--statutes FILE.jsonl.gz | --kohesio FILE.tsv | --compound-parts LEXICON.tsv)"
               " --out FILE.tsv\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string statutes_path, kohesio_path, parts_path, out_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    if (a == "--statutes") statutes_path = argv[++i];
    else if (a == "--kohesio") kohesio_path = argv[++i];
    else if (a == "--compound-parts") parts_path = argv[++i];
    else if (a == "--out") out_path = argv[++i];
    else return usage();
  }
  if (!statutes_path.empty() + !kohesio_path.empty() + !parts_path.empty() != 1 || out_path.empty()) return usage();
  if (!kohesio_path.empty()) return derive_kohesio(kohesio_path, out_path);
  if (!parts_path.empty()) return derive_compound_parts(parts_path, out_path);

  // 1. The statutes of the training years, both language versions.
  std::map<std::string, Statute> statutes;
  size_t records = 0, held_out = 0, bad = 0;
  const bool read_ok = read_lines_gz(statutes_path, [&](const std::string& line, size_t line_no) {
    if (line.empty()) return;
    ++records;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j["statute"].is_string() || !j["lang"].is_string() ||
        !j["year"].is_number_integer() || !j["title"].is_string()) {
      std::cerr << "haku-derive-lexicon: " << statutes_path << ":" << line_no
                << ": not a statute record (needs statute, lang, year, title); skipped\n";
      ++bad;
      return;
    }
    const std::string id = j["statute"].get<std::string>();
    const int year = j["year"].get<int>();
    const int from_id = id_year(id);
    if (year > kLastTrainingYear || from_id < 0 || from_id > kLastTrainingYear) {
      ++held_out;
      return;
    }
    const std::string lang = j["lang"].get<std::string>();
    const int l = lang == "fi" ? 0 : lang == "sv" ? 1 : -1;
    if (l < 0) return;
    Statute& s = statutes[id];
    s.title[l] = j["title"].get<std::string>();
    s.text[l] = j["text"].is_string() ? j["text"].get<std::string>() : std::string();
    s.have[l] = true;
  });
  if (!read_ok) {
    std::cerr << "haku-derive-lexicon: cannot read " << statutes_path << "\n";
    return 1;
  }

  // 2-3. Segments of content words.
  Analyzer analyzer;
  BaseForms bases(analyzer);
  for (const std::string& note : analyzer.features().notes) std::cerr << "haku-derive-lexicon: note: " << note << "\n";
  if (!bases.ok() || !analyzer.features().finnish_morphology || !analyzer.features().swedish_compounds) {
    std::cerr << "haku-derive-lexicon: Voikko and the hunspell-sv data are needed to lemmatise; not derived\n";
    return 1;
  }
  Vocabulary vfi, vsv;
  std::vector<Segment> segments;
  size_t pairs_used = 0, line_aligned = 0;
  for (const auto& [id, s] : statutes) {
    if (!s.have[0] || !s.have[1]) continue;
    ++pairs_used;
    auto add = [&](const std::string& fi, const std::string& sv) {
      Segment seg{content_words(analyzer, bases, fi, Lang::fi, vfi), content_words(analyzer, bases, sv, Lang::sv, vsv)};
      if (!seg.fi.empty() && !seg.sv.empty()) segments.push_back(std::move(seg));
    };
    add(s.title[0], s.title[1]);
    std::vector<std::string> lf = split_lines(s.text[0]), ls = split_lines(s.text[1]);
    if (lf.size() != ls.size()) continue;
    ++line_aligned;
    size_t n = lf.size();
    if (n > 0 && (s.text[0].size() >= kCapChars || s.text[1].size() >= kCapChars)) --n;
    for (size_t i = 0; i < n; ++i) add(lf[i], ls[i]);
  }
  std::cerr << "haku-derive-lexicon: " << records << " records; " << held_out << " of " << kLastTrainingYear + 1
            << " and later held out; " << bad << " malformed; " << pairs_used << " statutes in both languages ("
            << line_aligned << " aligned line by line); " << segments.size() << " segment pairs; vocabulary fi "
            << vfi.size() << ", sv " << vsv.size() << "\n";

  // Segment counts per word and co-occurrence counts per pair (each counted once per segment).
  std::vector<uint32_t> nfi(vfi.size()), nsv(vsv.size());
  std::vector<std::vector<uint32_t>> rows(vfi.size());
  for (Segment& seg : segments) {
    std::vector<uint32_t> uf = seg.fi, us = seg.sv;
    std::sort(uf.begin(), uf.end());
    uf.erase(std::unique(uf.begin(), uf.end()), uf.end());
    std::sort(us.begin(), us.end());
    us.erase(std::unique(us.begin(), us.end()), us.end());
    for (uint32_t f : uf) ++nfi[f];
    for (uint32_t s : us) ++nsv[s];
    for (uint32_t f : uf)
      for (uint32_t s : us) rows[f].push_back(s);
  }
  Pairs pairs;
  pairs.row_begin.assign(vfi.size() + 1, 0);
  std::vector<uint32_t> cooc;
  for (uint32_t f = 0; f < vfi.size(); ++f) {
    std::vector<uint32_t>& r = rows[f];
    std::sort(r.begin(), r.end());
    for (size_t i = 0; i < r.size();) {
      size_t j = i;
      while (j < r.size() && r[j] == r[i]) ++j;
      pairs.sv.push_back(r[i]);
      cooc.push_back(static_cast<uint32_t>(j - i));
      i = j;
    }
    pairs.row_begin[f + 1] = pairs.sv.size();
    std::vector<uint32_t>().swap(r);
  }
  const size_t np = pairs.sv.size();
  std::cerr << "haku-derive-lexicon: " << np << " co-occurring pairs\n";

  // 4. IBM model 1, both directions. t_sf[p] = t(sv | fi), t_fs[p] = t(fi | sv) for pair p.
  std::vector<float> t_sf(np), t_fs(np);
  std::vector<float> null_s(vsv.size(), 1.0f), null_f(vfi.size(), 1.0f);
  {
    // Uniform starts: over the words each word co-occurs with.
    std::vector<uint32_t> row_len_sv(vsv.size());
    for (size_t p = 0; p < np; ++p) ++row_len_sv[pairs.sv[p]];
    for (uint32_t f = 0; f < vfi.size(); ++f)
      for (uint64_t p = pairs.row_begin[f]; p < pairs.row_begin[f + 1]; ++p) {
        t_sf[p] = 1.0f / static_cast<float>(pairs.row_begin[f + 1] - pairs.row_begin[f]);
        t_fs[p] = 1.0f / static_cast<float>(row_len_sv[pairs.sv[p]]);
      }
    for (auto& x : null_s) x = 1.0f / static_cast<float>(vsv.size());
    for (auto& x : null_f) x = 1.0f / static_cast<float>(vfi.size());
  }
  std::vector<uint64_t> idx;
  for (int it = 0; it < kIterations; ++it) {
    std::vector<double> c_sf(np, 0.0), c_fs(np, 0.0), c_null_s(vsv.size(), 0.0), c_null_f(vfi.size(), 0.0);
    for (const Segment& seg : segments) {
      idx.resize(seg.fi.size() * seg.sv.size());
      for (size_t i = 0; i < seg.fi.size(); ++i)
        for (size_t k = 0; k < seg.sv.size(); ++k) idx[i * seg.sv.size() + k] = pairs.find(seg.fi[i], seg.sv[k]);
      // fi -> sv: each Swedish word generated by one Finnish word or the empty word.
      for (size_t k = 0; k < seg.sv.size(); ++k) {
        double z = null_s[seg.sv[k]];
        for (size_t i = 0; i < seg.fi.size(); ++i) z += t_sf[idx[i * seg.sv.size() + k]];
        c_null_s[seg.sv[k]] += null_s[seg.sv[k]] / z;
        for (size_t i = 0; i < seg.fi.size(); ++i) c_sf[idx[i * seg.sv.size() + k]] += t_sf[idx[i * seg.sv.size() + k]] / z;
      }
      // sv -> fi.
      for (size_t i = 0; i < seg.fi.size(); ++i) {
        double z = null_f[seg.fi[i]];
        for (size_t k = 0; k < seg.sv.size(); ++k) z += t_fs[idx[i * seg.sv.size() + k]];
        c_null_f[seg.fi[i]] += null_f[seg.fi[i]] / z;
        for (size_t k = 0; k < seg.sv.size(); ++k) c_fs[idx[i * seg.sv.size() + k]] += t_fs[idx[i * seg.sv.size() + k]] / z;
      }
    }
    // M step: t(s|f) = c(s,f) / sum_s c(s,f); t(f|s) likewise over the sv word's column.
    std::vector<double> col_sum(vsv.size(), 0.0);
    for (size_t p = 0; p < np; ++p) col_sum[pairs.sv[p]] += c_fs[p];
    for (uint32_t f = 0; f < vfi.size(); ++f) {
      double row = 0;
      for (uint64_t p = pairs.row_begin[f]; p < pairs.row_begin[f + 1]; ++p) row += c_sf[p];
      for (uint64_t p = pairs.row_begin[f]; p < pairs.row_begin[f + 1]; ++p)
        t_sf[p] = row > 0 ? static_cast<float>(c_sf[p] / row) : 0.0f;
    }
    for (size_t p = 0; p < np; ++p) {
      const double c = col_sum[pairs.sv[p]];
      t_fs[p] = c > 0 ? static_cast<float>(c_fs[p] / c) : 0.0f;
    }
    double ns = 0, nf = 0;
    for (double c : c_null_s) ns += c;
    for (double c : c_null_f) nf += c;
    for (size_t s = 0; s < vsv.size(); ++s) null_s[s] = ns > 0 ? static_cast<float>(c_null_s[s] / ns) : 0.0f;
    for (size_t f = 0; f < vfi.size(); ++f) null_f[f] = nf > 0 ? static_cast<float>(c_null_f[f] / nf) : 0.0f;
    std::cerr << "haku-derive-lexicon: EM round " << it + 1 << " of " << kIterations << "\n";
  }

  // 5. Pairs both models agree on.
  struct Kept {
    uint32_t f, s, cooc;
    float t_sf, t_fs, dice;
  };
  std::vector<Kept> kept;
  for (uint32_t f = 0; f < vfi.size(); ++f)
    for (uint64_t p = pairs.row_begin[f]; p < pairs.row_begin[f + 1]; ++p) {
      const uint32_t s = pairs.sv[p];
      const float hi = std::max(t_sf[p], t_fs[p]), lo = std::min(t_sf[p], t_fs[p]);
      if (cooc[p] < kMinCooc || hi < kMinProb || lo < kMinProbOther) continue;
      const float dice = 2.0f * static_cast<float>(cooc[p]) / static_cast<float>(nfi[f] + nsv[s]);
      if (dice < kMinDice) continue;
      kept.push_back({f, s, cooc[p], t_sf[p], t_fs[p], dice});
    }
  // At most kMaxPerWord per word in each direction, by the product of the two probabilities.
  auto score = [](const Kept& k) { return static_cast<double>(k.t_sf) * k.t_fs; };
  std::vector<uint32_t> rank_f(vfi.size()), rank_s(vsv.size());
  std::sort(kept.begin(), kept.end(), [&](const Kept& a, const Kept& b) { return score(a) > score(b); });
  std::vector<Kept> out;
  for (const Kept& k : kept)
    if (rank_f[k.f] < kMaxPerWord && rank_s[k.s] < kMaxPerWord) ++rank_f[k.f], ++rank_s[k.s], out.push_back(k);
  std::sort(out.begin(), out.end(), [&](const Kept& a, const Kept& b) {
    if (vfi.word(a.f) != vfi.word(b.f)) return vfi.word(a.f) < vfi.word(b.f);
    return score(a) > score(b);
  });

  std::ofstream tsv(out_path + ".tmp");
  tsv << "# Finnish <-> Swedish lexicon derived from the Finnish Statute Book (Finlex), statutes of 2005-"
      << kLastTrainingYear << " in both languages.\n"
      << "# Source: Semantic Finlex, Ministry of Justice, Finland; licence CC BY 4.0. Derived by\n"
      << "# scripts/derive-lexicon (stemmers/derive_lexicon.cpp): IBM model 1 both ways over aligned titles and\n"
      << "# lines of " << pairs_used << " statutes (" << segments.size() << " segment pairs), pairs with cooc >= "
      << kMinCooc << ", t(sv|fi) or t(fi|sv) >= " << kMinProb << " and the other >= " << kMinProbOther
      << ", Dice >= " << kMinDice << ".\n"
      << "# fi\tsv\tcooc\tt(sv|fi)\tt(fi|sv)\tdice\n";
  tsv << std::fixed << std::setprecision(3);
  for (const Kept& k : out)
    tsv << vfi.word(k.f) << '\t' << vsv.word(k.s) << '\t' << k.cooc << '\t' << k.t_sf << '\t' << k.t_fs << '\t'
        << k.dice << '\n';
  if (!publish(tsv, out_path)) return 1;
  std::cerr << "haku-derive-lexicon: " << out_path << ": " << out.size() << " pairs\n";
  return 0;
}
