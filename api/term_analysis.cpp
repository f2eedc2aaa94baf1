// Word -> index terms and query alternatives (see term_analysis.h).
#include "api/term_analysis.h"

#include <algorithm>

#include "api/schema.h"

namespace haku {

namespace {
unsigned wdf_of(TermKind kind) {
  switch (kind) {
    case TermKind::stem: return schema::kWdfStem;
    case TermKind::lemma: return schema::kWdfLemma;
    case TermKind::part: return schema::kWdfPart;
  }
  return schema::kWdfPart;
}
}  // namespace

const char* form_kind_name(FormKind kind) {
  switch (kind) {
    case FormKind::surface: return "surface";
    case FormKind::folded: return "folded";
    case FormKind::stem: return "stem";
    case FormKind::lemma: return "lemma";
    case FormKind::part: return "part";
    case FormKind::parts: return "parts";
  }
  return "surface";
}

bool TermAnalysis::stopword_everywhere(std::string_view norm, const std::vector<Lang>& langs) const {
  return std::all_of(langs.begin(), langs.end(), [&](Lang l) { return analyzer_.is_stopword(norm, l); });
}

void TermAnalysis::index_terms(const Word& w, const std::vector<Lang>& langs, std::vector<IndexTerm>* out) {
  out->push_back({w.norm, schema::kWdfSurface});
  // The folded form only where it differs: the query side looks up F+fold(word) and the word itself.
  if (!w.folded.empty()) out->push_back({std::string(schema::kFolded) + w.folded, schema::kWdfFolded});
  for (Lang lang : langs) {
    for (const Derived& d : analyzer_.derive(w.norm, lang)) {
      if (!full_ && d.kind != TermKind::stem) continue;
      out->push_back({schema::derived_term(d.kind, lang, d.text), wdf_of(d.kind)});
    }
  }
}

std::vector<QueryAlternative> TermAnalysis::query_alternatives(const std::string& word, const std::vector<Lang>& langs,
                                                               bool own_parts) {
  std::vector<QueryAlternative> alts;
  auto add = [&](FormKind kind, std::optional<Lang> lang, std::string text, std::string term) {
    for (const QueryAlternative& a : alts)
      if (a.terms.size() == 1 && a.terms[0] == term) return;
    alts.push_back({kind, lang, std::move(text), {std::move(term)}});
  };
  add(FormKind::surface, std::nullopt, word, word);
  // F+fold(word) reaches "yrkeshögskola" from "yrkeshogskola"; fold(word) itself reaches a record that
  // was written without the diacritics.
  const std::string folded = fold_diacritics(word);
  add(FormKind::folded, std::nullopt, folded, std::string(schema::kFolded) + folded);
  if (folded != word) add(FormKind::folded, std::nullopt, folded, folded);
  for (Lang l : langs) {
    // A copy: derive() may be called again before the alternatives are used.
    const std::vector<Derived> derived = analyzer_.derive(word, l);
    std::vector<std::string> parts;
    bool has_lemma = false;
    for (const Derived& d : derived) {
      switch (d.kind) {
        case TermKind::stem:
          add(FormKind::stem, l, d.text, schema::derived_term(TermKind::stem, l, d.text));
          break;
        case TermKind::lemma:
          if (!full_) break;
          has_lemma = true;
          add(FormKind::lemma, l, d.text, schema::derived_term(TermKind::lemma, l, d.text));
          add(FormKind::part, l, d.text, schema::derived_term(TermKind::part, l, d.text));
          break;
        case TermKind::part:
          if (full_) parts.push_back(schema::derived_term(TermKind::part, l, d.text));
          break;
      }
    }
    if (full_ && analyzer_.has_morphology(l) && !analyzer_.is_stopword(word, l)) {
      // The word as a lemma, also where the analyser gives it no lemma of its own: the base forms it
      // writes for inflected words are not all words it knows alone (Voikko's "ammattiopinto" for
      // "ammattiopinnot", "aluekehittää" for "aluekehittäminen").
      add(FormKind::lemma, l, word, schema::derived_term(TermKind::lemma, l, word));
      if (!has_lemma) add(FormKind::part, l, word, schema::derived_term(TermKind::part, l, word));
    }
    if (own_parts && parts.size() >= 2) {
      std::string shown;
      for (const std::string& p : parts) shown += (shown.empty() ? "" : " + ") + p.substr(2);
      alts.push_back({FormKind::parts, l, std::move(shown), std::move(parts)});
    }
  }
  return alts;
}

}  // namespace haku
