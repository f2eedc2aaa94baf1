// Hunspell suffix rules applied backwards over the .dic lexicon (see affix_lexicon.h).
#include "stemmers/affix_lexicon.h"

#include <fstream>
#include <sstream>

#include "stemmers/unicode_text.h"

namespace haku {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The code points of a UTF-8 string, each as its bytes.
std::vector<std::string> code_points(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// Hunspell writes an empty strip or affix as "0".
std::string affix_field(const std::string& s) { return s == "0" ? std::string() : s; }

}  // namespace

AffixLexicon::AffixLexicon(const std::string& aff_path, const std::string& dic_path, bool lower_case_only) {
  error_ = load_aff(aff_path);
  if (error_.empty()) error_ = load_dic(dic_path, lower_case_only);
}

std::string AffixLexicon::load_aff(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read " + path;
  std::string line;
  size_t lineno = 0;
  size_t pending = 0;  // rule lines still expected after a SFX header
  char pending_flag = '\0';
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string t; fields >> t;) f.push_back(t);
    if (f.empty() || f[0][0] == '#') continue;
    const std::string where = path + ":" + std::to_string(lineno) + ": ";
    if (f[0] == "FLAG") return where + "flag type " + (f.size() > 1 ? f[1] : "") + " is not supported (one-byte flags only)";
    if (f[0] == "ONLYINCOMPOUND" && f.size() > 1 && f[1].size() == 1) only_in_compound_ = f[1][0];
    if (f[0] == "NEEDAFFIX" && f.size() > 1) need_affix_ = f[1];
    if (f[0] == "FORBIDDENWORD" && f.size() > 1) forbidden_ = f[1];
    if (f[0] != "SFX") continue;
    if (f.size() < 4 || f[1].size() != 1) return where + "malformed SFX line";
    if (pending == 0) {
      // Header: SFX flag cross_product count
      try {
        pending = std::stoul(f[3]);
      } catch (const std::exception&) {
        return where + "SFX header without a rule count";
      }
      pending_flag = f[1][0];
      continue;
    }
    if (f[1][0] != pending_flag) return where + "SFX rule of flag " + f[1] + " inside the rules of " + pending_flag;
    --pending;
    SuffixRule rule;
    rule.flag = pending_flag;
    rule.strip = affix_field(f[2]);
    const size_t slash = f[3].find('/');
    rule.affix = affix_field(f[3].substr(0, slash));
    const std::string cont = slash == std::string::npos ? std::string() : f[3].substr(slash + 1);
    rule.compound_only = only_in_compound_ != '\0' && cont.find(only_in_compound_) != std::string::npos;
    const std::string cond = f.size() > 4 ? f[4] : ".";
    const std::vector<std::string> cps = code_points(cond);
    for (size_t i = 0; i < cps.size(); ++i) {
      CondElement e;
      if (cps[i] == ".") {
        e.any = true;
      } else if (cps[i] == "[") {
        size_t j = i + 1;
        if (j < cps.size() && cps[j] == "^") {
          e.negated = true;
          ++j;
        }
        for (; j < cps.size() && cps[j] != "]"; ++j) e.chars.push_back(cps[j]);
        if (j >= cps.size()) return where + "unterminated [ in condition " + cond;
        i = j;
      } else {
        e.chars.push_back(cps[i]);
      }
      rule.condition.push_back(std::move(e));
    }
    suffixes_.push_back(std::move(rule));
  }
  if (pending != 0) return path + ": the last SFX block has fewer rules than its header says";
  if (suffixes_.empty()) return path + ": no suffix rules";
  return {};
}

std::string AffixLexicon::load_dic(const std::string& path, bool lower_case_only) {
  std::ifstream dic(path);
  if (!dic) return "cannot read " + path;
  std::string line;
  std::getline(dic, line);  // entry count
  while (std::getline(dic, line)) {
    const size_t slash = line.find('/');
    std::string word = line.substr(0, slash);
    // Morphological fields (after a tab or a space) are not used.
    if (const size_t sp = word.find_first_of(" \t"); sp != std::string::npos) word.resize(sp);
    while (!word.empty() && word.back() == '\r') word.pop_back();
    if (word.empty()) continue;
    const std::string norm = text::normalize_word(word);
    if (lower_case_only && norm != word) continue;
    std::string flags = slash == std::string::npos ? std::string() : line.substr(slash + 1);
    if (const size_t end = flags.find_first_of(" \t\r"); end != std::string::npos) flags.resize(end);
    flags_[norm] += flags.empty() ? std::string(" ") : flags;
  }
  if (flags_.empty()) return "the dictionary " + path + " holds no words";
  return {};
}

const std::string* AffixLexicon::flags(const std::string& word) const {
  const auto it = flags_.find(word);
  return it == flags_.end() ? nullptr : &it->second;
}

bool AffixLexicon::has_flag(const std::string& word, char flag) const {
  const std::string* f = flags(word);
  return f && f->find(flag) != std::string::npos;
}

bool AffixLexicon::condition_holds(const SuffixRule& rule, std::string_view stem) const {
  size_t end = stem.size();
  for (auto e = rule.condition.rbegin(); e != rule.condition.rend(); ++e) {
    if (end == 0) return false;
    size_t begin = end - 1;
    while (begin > 0 && (static_cast<unsigned char>(stem[begin]) & 0xC0) == 0x80) --begin;
    const std::string_view cp = stem.substr(begin, end - begin);
    if (!e->any) {
      bool listed = false;
      for (const std::string& c : e->chars) listed = listed || c == cp;
      if (listed == e->negated) return false;
    }
    end = begin;
  }
  return true;
}

std::vector<AffixLexicon::Derivation> AffixLexicon::derivations(std::string_view form) const {
  std::vector<Derivation> out;
  for (const SuffixRule& rule : suffixes_) {
    if (rule.compound_only || !ends_with(form, rule.affix) || form.size() == rule.affix.size()) continue;
    std::string stem(form.substr(0, form.size() - rule.affix.size()));
    stem += rule.strip;
    if (!has_flag(stem, rule.flag) || !condition_holds(rule, stem)) continue;
    Derivation d{std::move(stem), rule.flag};
    bool seen = false;
    for (const Derivation& o : out) seen = seen || o == d;
    if (!seen) out.push_back(std::move(d));
  }
  return out;
}

bool AffixLexicon::accepts(std::string_view form) const {
  if (const std::string* f = flags(std::string(form))) {
    auto carries = [&](const std::string& flag) { return !flag.empty() && f->find(flag) != std::string::npos; };
    const bool compound_only = only_in_compound_ != '\0' && f->find(only_in_compound_) != std::string::npos;
    if (!compound_only && !carries(need_affix_) && !carries(forbidden_)) return true;
  }
  return !derivations(form).empty();
}

}  // namespace haku
