// Project -> Xapian document, following api/schema.h.
#include "api/document_builder.h"

#include "api/schema.h"

namespace haku {

namespace {
constexpr Xapian::termpos kFieldGap = 100;  // keeps phrases from matching across fields

bool spelling_worthy(const std::string& w) {
  if (w.size() < 3 || w.size() > 40) return false;
  for (unsigned char c : w)
    if (c >= '0' && c <= '9') return false;
  return true;
}
}  // namespace

std::vector<Lang> DocumentBuilder::field_languages(const std::string& text, const std::string& record_lang) const {
  if (auto l = parse_lang(record_lang)) return {*l};
  if (auto l = analyzer_.detect(text)) return {*l};
  return {Lang::fi, Lang::sv, Lang::en};
}

Xapian::termpos DocumentBuilder::index_text(Xapian::Document& doc, const std::string& text,
                                            const std::vector<Lang>& langs, unsigned boost,
                                            std::string_view field_prefix, Xapian::termpos base,
                                            std::vector<std::string>* spellings) {
  Xapian::termpos last = base;
  for (const Word& w : analyzer_.tokenize(text)) {
    const Xapian::termpos pos = base + w.position + 1;  // Xapian positions start at 1
    last = pos;
    scratch_.clear();
    terms_.index_terms(w, langs, &scratch_);
    for (const IndexTerm& t : scratch_) doc.add_posting(t.term, pos, t.wdf * boost);
    if (!field_prefix.empty()) doc.add_posting(std::string(field_prefix) + w.norm, pos, boost);
    if (spellings && !terms_.stopword_everywhere(w.norm, langs) && spelling_worthy(w.norm)) spellings->push_back(w.norm);  // = spelling_word()
  }
  return last + kFieldGap;
}

bool DocumentBuilder::spelling_word(const Word& w, const std::vector<Lang>& langs) const {
  if (!spelling_worthy(w.norm)) return false;
  for (Lang lang : langs)
    if (!analyzer_.is_stopword(w.norm, lang)) return true;
  return false;
}

void DocumentBuilder::add_spelling_words(const std::string& text, const std::vector<Lang>& langs,
                                         std::vector<std::string>* spellings) const {
  for (const Word& w : analyzer_.tokenize(text))
    if (spelling_word(w, langs)) spellings->push_back(w.norm);
}

std::vector<std::string> DocumentBuilder::spelling_words(const Project& p) const {
  // The same fields, in the same languages, as build() gives the table.
  std::vector<std::string> out;
  const std::vector<Lang> body_langs = field_languages(p.title + "\n" + p.description, p.lang);
  add_spelling_words(p.title, body_langs, &out);
  add_spelling_words(p.description, body_langs, &out);
  for (const auto& [code, tr] : p.translations) {
    auto l = parse_lang(code);
    std::vector<Lang> langs = l ? std::vector<Lang>{*l} : body_langs;
    add_spelling_words(tr.title, langs, &out);
    add_spelling_words(tr.description, langs, &out);
  }
  return out;
}

Xapian::Document DocumentBuilder::build(Project& p, std::vector<std::string>* spellings) {
  Xapian::Document doc;
  doc.add_value(schema::kSlotContentHash, schema::content_hash(p));  // before analysis fills in lang
  if (p.lang.empty()) {
    if (auto l = analyzer_.detect(p.title + "\n" + p.description)) p.lang = std::string(lang_code(*l));
  }
  const std::vector<Lang> body_langs = field_languages(p.title + "\n" + p.description, p.lang);
  Xapian::termpos pos = 0;
  pos = index_text(doc, p.title, body_langs, schema::kTitleBoost, schema::kTitle, pos, spellings);
  pos = index_text(doc, p.description, body_langs, 1, {}, pos, spellings);
  for (const auto& [code, tr] : p.translations) {
    auto l = parse_lang(code);
    std::vector<Lang> langs = l ? std::vector<Lang>{*l} : body_langs;
    pos = index_text(doc, tr.title, langs, schema::kTitleBoost, schema::kTitle, pos, spellings);
    pos = index_text(doc, tr.description, langs, 1, {}, pos, spellings);
  }
  pos = index_text(doc, p.implementer, body_langs, 1, schema::kImplementer, pos, nullptr);
  for (const auto& place : p.places) pos = index_text(doc, place, body_langs, 1, schema::kPlace, pos, nullptr);
  if (!p.region_name.empty()) pos = index_text(doc, p.region_name, body_langs, 1, schema::kPlace, pos, nullptr);
  for (const auto& theme : p.themes) pos = index_text(doc, theme, body_langs, 1, schema::kTheme, pos, nullptr);
  pos = index_text(doc, p.fund + " " + p.programme, body_langs, 1, {}, pos, nullptr);

  doc.add_boolean_term(std::string(schema::kId) + p.id);
  for (const auto& spec : schema::facets()) {
    std::vector<std::string> values = facet_values(spec, p);
    std::string joined;
    for (const auto& v : values) {
      doc.add_boolean_term(facet_term(spec, v));
      if (!joined.empty()) joined += schema::kFacetSeparator;
      joined += v;
    }
    if (!joined.empty()) doc.add_value(facet_slot(spec), joined);
  }
  if (auto k = schema::date_key(p.start_date); !k.empty()) doc.add_value(schema::kSlotStart, k);
  if (auto k = schema::date_key(p.end_date); !k.empty()) doc.add_value(schema::kSlotEnd, k);
  if (p.total_budget_eur) doc.add_value(schema::kSlotBudget, Xapian::sortable_serialise(*p.total_budget_eur));
  if (p.eu_contribution_eur) doc.add_value(schema::kSlotEu, Xapian::sortable_serialise(*p.eu_contribution_eur));

  auto suggest_term = [](std::string_view prefix, const std::string& text) {
    std::string t(prefix);
    t += normalize(text);
    if (t.size() > 240) t.resize(240);
    return t;
  };
  if (!p.title.empty()) doc.add_boolean_term(suggest_term(schema::kTitleSuggest, p.title));
  for (const auto& [code, tr] : p.translations)
    if (!tr.title.empty()) doc.add_boolean_term(suggest_term(schema::kTitleSuggest, tr.title));
  if (!p.implementer.empty()) doc.add_boolean_term(suggest_term(schema::kImplementerSuggest, p.implementer));

  doc.set_data(project_to_json(p));
  return doc;
}

}  // namespace haku
