// Cross-lingual translation: the dictd reader and entry parser, the table format, the compiled table's
// lookups (real FreeDict data), query expansion and searches across languages.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <string>
#include <vector>

#include "api/index_writer.h"
#include "api/query_builder.h"
#include "api/searcher.h"
#include "corpus/reader.h"
#include "stemmers/translation.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace haku;
using namespace haku::testing;

namespace {

const std::string kDictd = "/usr/share/dictd";

bool have_dictionaries() {
  for (const char* p : {"swe-fin", "fin-swe", "fin-eng", "eng-fin", "swe-eng", "eng-swe"})
    if (!fs::exists(kDictd + "/freedict-" + p + ".index")) return false;
  return true;
}

bool has(const std::vector<TranslatedTerm>& v, Lang to, const std::string& text) {
  return std::any_of(v.begin(), v.end(), [&](const TranslatedTerm& t) { return t.to == to && t.text == text; });
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

const TranslationTable& compiled_table() {
  static const std::unique_ptr<TranslationTable> table = [] {
    std::string error;
    auto t = TranslationTable::load(HAKU_DEFAULT_TRANSLATIONS, &error);
    REQUIRE_MESSAGE(t, error);
    return t;
  }();
  return *table;
}

// An AMIF record: id, language, title, description.
Project amif_record(const std::string& id, const std::string& lang, const std::string& title, const std::string& text) {
  Project p;
  p.id = id;
  p.lang = lang;
  p.title = title;
  p.description = text;
  p.fund = "AMIF";
  return p;
}

std::vector<std::string> hit_ids(Searcher& s, const std::string& q, const std::string& lang = "auto") {
  SearchRequest r;
  r.q = q;
  r.lang = lang;
  r.per_page = 20;
  auto res = s.search(r);
  REQUIRE_MESSAGE(res.is_ok(), res.status().message());
  std::vector<std::string> ids;
  for (const auto& h : res.value().hits) ids.push_back(h.id);
  return ids;
}

}  // namespace

TEST_CASE("dictd numbers use dictd's base64 alphabet") {
  CHECK(decode_dictd_number("A") == 0);
  CHECK(decode_dictd_number("B") == 1);
  CHECK(decode_dictd_number("BA") == 64);
  CHECK(decode_dictd_number("/") == 63);
  CHECK(decode_dictd_number("c") == 28);
  CHECK(decode_dictd_number("a=") == -1);
  CHECK(decode_dictd_number("") == -1);
}

TEST_CASE("entry parser: translations without pronunciation, labels, notes and definitions") {
  // WikDict form: translation line, then a definition in the source language; numbered senses, and
  // dictfmt's trailing numbers that open a sense without translations.
  CHECK(parse_dictd_translations("rasism /rˈɑːsɪsm/ <n, ut>\nrasismi\nideologi\n", true) ==
        std::vector<std::string>{"rasismi"});
  CHECK(parse_dictd_translations("arbete /ˈarbeːtə/ <n, neut>\ntyö 2.\nfysikalisk storhet\n 3.\nsysselsättning\n", true) ==
        std::vector<std::string>{"työ"});
  CHECK(parse_dictd_translations("työ /tˈyø/ <n>\n1. work, occupation (economics), profession 2.\nfysikaalinen suure\n"
                                 " 3.\ntyöpaikka\n2. Work; labour\n(taloustiede) ihmisen toiminta\n",
                                 true) == std::vector<std::string>{"work", "occupation", "profession", "labour"});
  CHECK(parse_dictd_translations("ammattikorkeakoulu /x/ <n>\nuniversity of applied sciences, polytechnic\nkorkeakoulu, joka\n",
                                 true) == std::vector<std::string>{"university of applied sciences", "polytechnic"});
  // Affixes, abbreviations and long explanations are dropped.
  CHECK(parse_dictd_translations("-ism /x/ <affix>\n-ismi, etc., a very long explanation of it all\n", true).empty());
  // Ergane form: every line holds translations.
  CHECK(parse_dictd_translations("work /wəːk/\n1. arbeta, verka\n2. arbete, verk\n", false) ==
        std::vector<std::string>{"arbeta", "verka", "arbete", "verk"});
}

TEST_CASE("dictd reader on the installed FreeDict dictionaries") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed in " << kDictd << ": skipped (apt install dict-freedict-swe-fin ...)");
    return;
  }
  std::vector<DictdEntry> entries;
  std::string error;
  REQUIRE(read_dictd(kDictd + "/freedict-swe-fin.index", kDictd + "/freedict-swe-fin.dict.dz", &entries, &error));
  CHECK(entries.size() > 10000);
  auto find = [&](const std::string& head) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const DictdEntry& e) { return e.headword == head; });
    REQUIRE(it != entries.end());
    return *it;
  };
  const DictdEntry rasism = find("rasism");
  CHECK(rasism.text.rfind("rasism ", 0) == 0);
  CHECK(parse_dictd_translations(rasism.text, true) == std::vector<std::string>{"rasismi"});
  CHECK(has(parse_dictd_translations(find("utbildning").text, true), "koulutus"));
  CHECK(has(parse_dictd_translations(find("högskola").text, true), "korkeakoulu"));

  entries.clear();
  REQUIRE(read_dictd(kDictd + "/freedict-fin-eng.index", kDictd + "/freedict-fin-eng.dict.dz", &entries, &error));
  const auto amk = parse_dictd_translations(find("ammattikorkeakoulu").text, true);
  CHECK(amk == std::vector<std::string>{"university of applied sciences", "polytechnic"});
  const auto kunta = parse_dictd_translations(find("kunta").text, true);
  CHECK(kunta.front() == "municipality");
  for (const auto& t : kunta) CHECK(t.find(';') == std::string::npos);
}

TEST_CASE("table format: round trip, merging, rejection of damaged files") {
  std::vector<TranslationEntry> entries = {
      {Lang::sv, "åbo", {{Lang::fi, "turku", false, true}}},
      {Lang::fi, "ammattikorkeakoulu", {{Lang::en, "university of applied sciences", true, false}}},
      {Lang::fi, "ammattikorkeakoulu", {{Lang::sv, "yrkeshögskola", false, false}}},
      {Lang::en, "racism", {{Lang::fi, "rasismi", false, false}, {Lang::sv, "rasism", false, false}}},
  };
  const std::string bytes = serialize_translations(entries);
  std::string error;
  auto t = TranslationTable::from_bytes(bytes, &error);
  REQUIRE_MESSAGE(t, error);
  CHECK(t->entries() == 3);
  auto amk = t->lookup(Lang::fi, "ammattikorkeakoulu");
  REQUIRE(amk.size() == 2);
  CHECK(amk[0] == TranslatedTerm{Lang::en, "university of applied sciences", true, false});
  CHECK(amk[1] == TranslatedTerm{Lang::sv, "yrkeshögskola", false, false});
  CHECK(t->lookup(Lang::sv, "åbo") == std::vector<TranslatedTerm>{{Lang::fi, "turku", false, true}});
  CHECK(t->lookup(Lang::fi, "åbo").empty());  // keys are per source language
  CHECK(t->lookup(Lang::en, "racis").empty());
  CHECK(t->contains(Lang::en, "racism"));

  CHECK_FALSE(TranslationTable::from_bytes(bytes.substr(0, bytes.size() - 1), &error));
  std::string bad = bytes;
  bad[0] = 'X';
  CHECK_FALSE(TranslationTable::from_bytes(bad, &error));
  CHECK_FALSE(TranslationTable::load("/nonexistent/translations.bin", &error));
  CHECK(error.find("/nonexistent") != std::string::npos);
}

TEST_CASE("compiled table: load time, place names both ways") {
  const auto t0 = std::chrono::steady_clock::now();
  std::string error;
  auto t = TranslationTable::load(HAKU_DEFAULT_TRANSLATIONS, &error);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE_MESSAGE(t, error);
  MESSAGE("translation table: " << t->entries() << " entries, " << t->size_bytes() << " bytes, loaded in " << ms << " ms");
  const TranslationTable& tt = compiled_table();
  CHECK(has(tt.lookup(Lang::fi, "turku"), Lang::sv, "åbo"));
  CHECK(has(tt.lookup(Lang::sv, "åbo"), Lang::fi, "turku"));
  CHECK(has(tt.lookup(Lang::sv, "åbo"), Lang::en, "turku"));
  CHECK(has(tt.lookup(Lang::fi, "tampere"), Lang::sv, "tammerfors"));
  CHECK(has(tt.lookup(Lang::sv, "helsingfors"), Lang::fi, "helsinki"));
  CHECK(has(tt.lookup(Lang::en, "helsinki"), Lang::sv, "helsingfors"));
  CHECK(has(tt.lookup(Lang::sv, "uleåborg"), Lang::fi, "oulu"));
  CHECK(has(tt.lookup(Lang::sv, "esbo"), Lang::fi, "espoo"));
  const auto mikkeli = tt.lookup(Lang::fi, "mikkeli");
  REQUIRE(has(mikkeli, Lang::sv, "s t michel"));  // "S:t Michel", normalised like indexed text
  for (const auto& m : mikkeli)
    if (m.text == "s t michel") CHECK((m.phrase && m.place));
  for (const auto& x : tt.lookup(Lang::sv, "helsingfors"))
    if (x.text == "helsinki") CHECK(x.place);
}

TEST_CASE("compiled table: dictionary translations") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: the table holds place names only; skipped");
    return;
  }
  const TranslationTable& t = compiled_table();
  CHECK(t.entries() > 100000);
  const auto rasism = t.lookup(Lang::sv, "rasism");
  CHECK(has(rasism, Lang::fi, "rasismi"));
  CHECK(has(rasism, Lang::en, "racism"));
  const auto yh = t.lookup(Lang::sv, "yrkeshögskola");
  CHECK(has(yh, Lang::fi, "ammattikorkeakoulu"));  // fin-swe inverted
  CHECK(has(yh, Lang::en, "university of applied sciences"));  // through Finnish
  CHECK(has(yh, Lang::en, "polytechnic"));
  for (const auto& x : yh)
    if (x.text == "university of applied sciences") CHECK(x.phrase);
  CHECK(has(t.lookup(Lang::fi, "ammattikorkeakoulu"), Lang::sv, "yrkeshögskola"));
  CHECK(has(t.lookup(Lang::en, "polytechnic"), Lang::fi, "ammattikorkeakoulu"));
  CHECK(has(t.lookup(Lang::en, "racism"), Lang::sv, "rasism"));
  CHECK(has(t.lookup(Lang::sv, "invandrare"), Lang::fi, "maahanmuuttaja"));
  CHECK(has(t.lookup(Lang::sv, "invandrare"), Lang::en, "immigrant"));
  CHECK(has(t.lookup(Lang::fi, "hanke"), Lang::en, "project"));
  CHECK(has(t.lookup(Lang::sv, "utbildning"), Lang::fi, "koulutus"));
  // Bounded: at most five per target language.
  for (Lang to : kAllLangs) {
    const auto work = t.lookup(Lang::en, "work");
    CHECK(std::count_if(work.begin(), work.end(), [&](const TranslatedTerm& x) { return x.to == to; }) <= 5);
  }
}

TEST_CASE("query expansion shows translations in explain") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: skipped");
    return;
  }
  Analyzer analyzer;
  Xapian::Database db;
  QueryBuilder qb(analyzer, db, &compiled_table());
  auto translated = [&](const BuiltQuery& q, const std::string& word, const std::string& lang) {
    std::vector<std::string> out;
    for (const auto& e : q.explain)
      if (e.kind == "translation" && e.word == word && e.lang == lang) out.push_back(e.term);
    return out;
  };
  BuiltQuery q = qb.build("antirasism yrkeshögskola", "sv", true);
  CHECK(has(translated(q, "antirasism", "fi"), "rasismi"));  // the head of an unknown compound
  CHECK(has(translated(q, "antirasism", "en"), "racism"));
  CHECK(has(translated(q, "yrkeshögskola", "fi"), "ammattikorkeakoulu"));
  CHECK(has(translated(q, "yrkeshögskola", "en"), "university of applied sciences"));
  const std::string desc = q.query.get_description();
  CHECK(desc.find("LFammattikorkeakoulu") != std::string::npos);
  CHECK(desc.find("PHRASE") != std::string::npos);  // university of applied sciences
  // A compound the dictionaries lack, composed from its parts and accepted by Voikko.
  BuiltQuery c = qb.build("invandrarkvinnor", "sv", true);
  CHECK(has(translated(c, "invandrarkvinnor", "fi"), "maahanmuuttajanainen"));
  // Place names.
  BuiltQuery p = qb.build("Åbo", "sv", true);
  CHECK(has(translated(p, "åbo", "fi"), "turku"));
  // Inside a phrase the word order is the query language's: no translations.
  BuiltQuery ph = qb.build("\"yrkeshögskola i Åbo\"", "sv", true);
  CHECK(translated(ph, "yrkeshögskola", "fi").empty());
  // Without a table, none.
  QueryBuilder plain(analyzer, db, nullptr);
  CHECK(translated(plain.build("antirasism yrkeshögskola", "sv", true), "yrkeshögskola", "fi").empty());
}

TEST_CASE("a Swedish query finds Finnish and English records") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: skipped");
    return;
  }
  TempDir dir;
  build_index(dir.path, {
      amif_record("fi-rasismi", "fi", "Rasismin vastainen työ ammattikorkeakouluissa",
             "Hanke kehittää rasismin vastaista työtä ammattikorkeakouluissa ja kouluttaa henkilöstöä "
             "tunnistamaan rasismia opiskelijavalinnoissa."),
      amif_record("en-racism", "en", "Tackling racism in polytechnics",
             "The project trains staff at universities of applied sciences to recognise racism and "
             "discrimination in student admissions."),
      amif_record("fi-other", "fi", "Kotoutumiskoulutus Turussa", "Maahanmuuttajien kielikoulutusta aikuisille Turussa."),
  });
  CHECK(fs::exists(fs::path(dir.path) / "current" / "translations.bin"));  // shipped with the generation
  auto s = Searcher::open({dir.path, ""});
  REQUIRE(s.is_ok());
  auto ids = hit_ids(*s.value(), "antirasism yrkeshögskola");
  CHECK(has(ids, "fi-rasismi"));
  CHECK(has(ids, "en-racism"));
  CHECK_FALSE(has(ids, "fi-other"));
  // Place names: the Swedish name finds the Finnish record.
  CHECK(has(hit_ids(*s.value(), "Åbo"), "fi-other"));
  // Explain lists the translations.
  SearchRequest r;
  r.q = "yrkeshögskola";
  r.explain = true;
  auto res = s.value()->search(r);
  REQUIRE(res.is_ok());
  REQUIRE(res.value().explain);
  bool shown = false;
  for (const auto& e : res.value().explain->terms)
    shown = shown || (e.kind == "translation" && e.term == "ammattikorkeakoulu" && e.lang == "fi");
  CHECK(shown);
}

TEST_CASE("sample corpus acceptance: antirasism yrkeshögskola") {
  const std::vector<Project> records = sample_corpus();
  REQUIRE(!records.empty());
  TempDir dir;
  build_index(dir.path, records);
  auto s = open_searcher(dir.path);
  auto ids = hit_ids(*s, "antirasism yrkeshögskola");
  REQUIRE(!ids.empty());
  CHECK(ids.front() == "amif-sv-2021-varava");
  auto fi = hit_ids(*s, "rasismi ammattikorkeakoulu", "fi");
  REQUIRE(!fi.empty());
  CHECK(fi.front() == "amif-sv-2021-varava");
}

// ---- cross-lingual gaps (issue: multi-word terms, compounds both ways, the statute-book lexicon,
// Kohesio's fund terms) ----

namespace {

// The translations a search's explain lists, as "lang:term".
std::vector<std::string> explained(Searcher& s, const std::string& q, const std::string& lang) {
  SearchRequest r;
  r.q = q;
  r.lang = lang;
  r.explain = true;
  auto res = s.search(r);
  REQUIRE_MESSAGE(res.is_ok(), res.status().message());
  REQUIRE(res.value().explain);
  std::vector<std::string> out;
  for (const auto& e : res.value().explain->terms)
    if (e.kind == "translation") out.push_back(e.lang + ":" + e.term);
  return out;
}

std::vector<std::string> translated(const BuiltQuery& q, const std::string& word, const std::string& lang) {
  std::vector<std::string> out;
  for (const auto& e : q.explain)
    if (e.kind == "translation" && e.word == word && e.lang == lang) out.push_back(e.term);
  return out;
}

}  // namespace

TEST_CASE("derived tables: the statute-book lexicon and Kohesio's terms are compiled in") {
  const TranslationTable& t = compiled_table();
  // Learned from the statutes of 2005-2015 (stemmers/data/finlex_fi_sv.tsv).
  CHECK(has(t.lookup(Lang::fi, "oleskelulupa"), Lang::sv, "uppehållstillstånd"));
  // English -> Swedish through Finnish, the lexicon the last leg. Regression: FreeDict's small en->sv
  // dictionary gave network -> nät only, and work permit had no Swedish at all.
  CHECK(has(t.lookup(Lang::en, "network"), Lang::sv, "nätverk"));
  CHECK(has(t.lookup(Lang::en, "work permit"), Lang::sv, "arbetstillstånd"));
  CHECK(has(t.lookup(Lang::sv, "uppehållstillstånd"), Lang::fi, "oleskelulupa"));
  CHECK(has(t.lookup(Lang::fi, "alkuperämaa"), Lang::sv, "ursprungsland"));
  CHECK(has(t.lookup(Lang::sv, "livsmedel"), Lang::fi, "elintarvike"));
  // Compound first parts (stemmers/data/finlex_compound_parts.tsv) have keys of their own, ending in a
  // hyphen, which no word key can: asukas- -> boende-, lupa- -> tillstånds-.
  CHECK(has(t.lookup(Lang::fi, "asukas-"), Lang::sv, "boende-"));
  CHECK(has(t.lookup(Lang::fi, "lupa-"), Lang::sv, "tillstånds-"));
  CHECK(has(t.lookup(Lang::sv, "boende-"), Lang::fi, "asukas-"));
  CHECK_FALSE(has(t.lookup(Lang::fi, "asukas"), Lang::sv, "boende-"));
  // The lexicon's translation goes first: kunta -> kommun, not a rare dictionary sense.
  const auto kunta = t.lookup(Lang::fi, "kunta");
  const auto first_sv = std::find_if(kunta.begin(), kunta.end(), [](const TranslatedTerm& x) { return x.to == Lang::sv; });
  REQUIRE(first_sv != kunta.end());
  CHECK(first_sv->text == "kommun");
  // Kohesio: multi-word fund names as keys, translated as phrases.
  const auto esf = t.lookup(Lang::en, "european social fund");
  CHECK(has(esf, Lang::sv, "europeiska socialfonden"));
  CHECK(has(esf, Lang::fi, "eurooppa sosiaalirahasto"));
  for (const auto& x : esf) CHECK(x.phrase);
  CHECK(has(t.lookup(Lang::fi, "eurooppa aluekehitysrahasto"), Lang::en, "european regional development fund"));
  CHECK(has(t.lookup(Lang::sv, "sammanhållningsfonden"), Lang::en, "cohesion fund"));
}

TEST_CASE("multi-word terms are translated as units") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: skipped");
    return;
  }
  Analyzer analyzer;
  Xapian::Database db;
  QueryBuilder qb(analyzer, db, &compiled_table());
  // Regression: "university of applied sciences" was translated word by word (yliopisto, soveltaa,
  // tiede) and never reached ammattikorkeakoulu / yrkeshögskola.
  for (const char* text : {"university of applied sciences", "universities of applied sciences"}) {
    CAPTURE(text);
    BuiltQuery q = qb.build(text, "en", true);
    const std::string first = normalize(std::string(text).substr(0, std::string(text).find(' ')));
    CHECK(has(translated(q, first, "fi"), "ammattikorkeakoulu"));
    CHECK(has(translated(q, first, "sv"), "yrkeshögskola"));
    CHECK(has(translated(q, "applied", "fi"), "ammattikorkeakoulu"));  // every word of the unit
    CHECK_FALSE(has(translated(q, first, "fi"), "yliopisto"));         // not word by word
  }
  // Regression: "traumatised children support" was read as the term "child support" (elatusapu,
  // underhållsbidrag): an English modifier matches a term only as written; the head may be inflected.
  BuiltQuery cs = qb.build("traumatised children support", "en", true);
  CHECK_FALSE(has(translated(cs, "children", "sv"), "underhållsbidrag"));
  CHECK(has(translated(cs, "children", "sv"), "barn"));
  CHECK(has(translated(cs, "support", "sv"), "stöd"));
  CHECK(has(translated(qb.build("child support", "en", true), "child", "sv"), "underhållsbidrag"));
  // The unit is matched over plain consecutive words only: an operator splits it.
  BuiltQuery split = qb.build("university OR applied sciences", "en", true);
  CHECK_FALSE(has(translated(split, "university", "fi"), "ammattikorkeakoulu"));
  CHECK(has(translated(split, "university", "fi"), "yliopisto"));
  // Fund names from Kohesio.
  BuiltQuery esf = qb.build("european social fund", "en", true);
  CHECK(has(translated(esf, "social", "sv"), "europeiska socialfonden"));
  // English words are composed into compounds only where an index holds them (see the searches below).
  BuiltQuery iw = qb.build("immigrant women", "en", true);
  CHECK(has(translated(iw, "women", "sv"), "kvinna"));  // regression: English plurals had no dictionary form
  CHECK_FALSE(has(translated(iw, "immigrant", "sv"), "invandrarkvinna"));
  // Runs of two words the table lacks are not forced into nonsense compounds (synnytys + markkina).
  BuiltQuery lm = qb.build("labour market integration", "en", true);
  for (const auto& e : lm.explain)
    if (e.kind == "translation") CHECK(e.term.find("synnytys") == std::string::npos);
}

TEST_CASE("compounds translate both ways") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: skipped");
    return;
  }
  Analyzer analyzer;
  Xapian::Database db;
  QueryBuilder qb(analyzer, db, &compiled_table());
  // Regression: vanhustenhoito reached no Swedish word (fin-swe lacks it; only eng-fin lists it,
  // beside vanhustenhuolto, which swe-fin gives for äldreomsorg).
  CHECK(has(translated(qb.build("vanhustenhoito", "fi", true), "vanhustenhoito", "sv"), "äldreomsorg"));
  // Regression: oleskelulupa <-> uppehållstillstånd was missing (the statute-book lexicon has it).
  CHECK(has(translated(qb.build("oleskelulupa", "fi", true), "oleskelulupa", "sv"), "uppehållstillstånd"));
  CHECK(has(translated(qb.build("uppehållstillståndet", "sv", true), "uppehållstillståndet", "fi"), "oleskelulupa"));
  // Regression: a Finnish compound with a direct English translation was never composed into
  // Swedish (one language's dictionary entry stopped the composition for all).
  // (nuorisotyöttömyys: fin-eng has youth unemployment, nothing gives Swedish.)
  BuiltQuery c = qb.build("nuorisotyöttömyys", "fi", true);
  CHECK(has(translated(c, "nuorisotyöttömyys", "en"), "youth unemployment"));
  CHECK(has(translated(c, "nuorisotyöttömyys", "sv"), "ungdomsarbetslöshet"));
  // Regression: a compound's first part was translated as a word alone (asukas -> invånare), so
  // asukasyhteisö became invånargemenskap and never reached the record's boendegemenskap. The part's
  // own translation, learned from the lexicon's compound pairs (asukaskokous / boendestämma), goes
  // first; and back (boende- -> asumis-, from asumiskustannus / boendekostnad).
  CHECK(has(translated(qb.build("asukasyhteisö", "fi", true), "asukasyhteisö", "sv"), "boendegemenskap"));
  CHECK(has(translated(qb.build("boendegemenskap", "sv", true), "boendegemenskap", "fi"), "asumisyhteisö"));
  // Into English a compound's parts become a phrase: oleskelu + lupa -> residence permit.
  const auto en = translated(qb.build("oleskelulupa", "fi", true), "oleskelulupa", "en");
  CHECK(has(en, "residence permit"));
}

TEST_CASE("cross-lingual gaps: searches across languages") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: skipped");
    return;
  }
  TempDir dir;
  build_index(dir.path,
              {
                  amif_record("sv-kvinnor", "sv", "Språkcafé för invandrarkvinnor",
                              "Projektet erbjuder invandrarkvinnor i Borås samtalsträning och studiebesök."),
                  amif_record("fi-naiset", "fi", "Maahanmuuttajanaisten työllistäminen",
                              "Hankkeessa maahanmuuttajanaiset saavat ohjausta työnhakuun ja kielikoulutusta."),
                  amif_record("sv-yh", "sv", "Yrkeshögskolor som mötesplats",
                              "Utbildning vid yrkeshögskolor för nyanlända akademiker."),
                  amif_record("fi-amk", "fi", "Ammattikorkeakoulut kohtaamispaikkana",
                              "Koulutusta ammattikorkeakouluissa korkeasti koulutetuille maahanmuuttajille."),
                  amif_record("sv-aldre", "sv", "Äldreomsorgen i Vasa", "Kompetensutveckling för personal inom äldreomsorgen."),
                  amif_record("sv-tillstand", "sv", "Rådgivning om uppehållstillstånd",
                              "Juridisk rådgivning till personer som ansöker om uppehållstillstånd."),
                  amif_record("fi-lupa", "fi", "Oleskelulupaneuvonta", "Neuvontaa oleskeluluvan hakijoille Tampereella."),
                  amif_record("fi-yliopisto", "fi", "Yliopiston tiedekunnat", "Sovelletut tieteet yliopistossa."),
                  amif_record("sv-ungdom", "sv", "Ungdomsarbetslösheten i Österbotten",
                              "Projektet minskar ungdomsarbetslösheten genom praktikplatser."),
              });
  auto s = Searcher::open({dir.path, ""});
  REQUIRE(s.is_ok());
  Searcher& searcher = *s.value();
  // Regression: "immigrant women" did not reach invandrarkvinnor / maahanmuuttajanaiset: English
  // plurals had no dictionary form, and two English words were never composed into one compound.
  const auto iw = hit_ids(searcher, "immigrant women", "en");
  CHECK(has(iw, "sv-kvinnor"));
  CHECK(has(iw, "fi-naiset"));
  const auto iw_terms = explained(searcher, "immigrant women", "en");
  CHECK(has(iw_terms, "sv:invandrarkvinna"));
  CHECK(has(iw_terms, "fi:maahanmuuttajanainen"));
  // A term the table translates into one language only (youth unemployment -> nuorisotyöttömyys):
  // the other gets the compound of its words that the index holds.
  const auto yu = explained(searcher, "youth unemployment", "en");
  CHECK(has(yu, "fi:nuorisotyöttömyys"));
  CHECK(has(yu, "sv:ungdomsarbetslöshet"));
  CHECK(has(hit_ids(searcher, "youth unemployment", "en"), "sv-ungdom"));
  const auto uas = hit_ids(searcher, "university of applied sciences", "en");
  CHECK(has(uas, "sv-yh"));
  CHECK(has(uas, "fi-amk"));
  CHECK_FALSE(has(uas, "fi-yliopisto"));  // the unit, not yliopisto + soveltaa + tiede
  CHECK(has(hit_ids(searcher, "vanhustenhoito", "fi"), "sv-aldre"));
  CHECK(has(hit_ids(searcher, "oleskelulupa", "fi"), "sv-tillstand"));
  CHECK(has(hit_ids(searcher, "uppehållstillstånd", "sv"), "fi-lupa"));
}

TEST_CASE("a word inside a compound of the records: a term's compound part, an abstract noun's suffix") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: skipped");
    return;
  }
  // Swedish and Finnish records that say the word only inside a compound (tillståndsansökningar,
  // grannskapsmedlare, naapuruussovittelijat).
  TempDir dir;
  build_index(dir.path,
              {
                  amif_record("sv-handlaggning", "sv", "Snabbare handläggning",
                              "Handläggarna lär sig kraven i tillståndsprocessen och tillståndsansökningar."),
                  amif_record("sv-grannar", "sv", "Mötesplatser i Hervanta",
                              "Grannskapsmedlare stöder familjerna i bostadsområdet."),
                  amif_record("fi-naapurit", "fi", "Kohtaamispaikat Hervannassa",
                              "Naapuruussovittelijat tukevat perheitä asuinalueella."),
                  amif_record("sv-partner", "sv", "Partnerskap med föreningar", "Projektet bygger partnerskap."),
                  amif_record("en-intro", "en", "Meeting places", "Neighbours meet in Hervanta."),
              });
  auto s = Searcher::open({dir.path, ""});
  REQUIRE(s.is_ok());
  Searcher& searcher = *s.value();

  SUBCASE("a term translated as one compound gives each of its words the part in the term's sense") {
    // Regression: "work permit" became arbetstillstånd and työlupa only, and a term's translations
    // replace its words' own (permit alone gives lov, tillåtelse), so a record about
    // tillståndsansökningar was not found. The compound's part now stands for the word in the term's
    // sense: permit -> tillstånd.
    const auto wp = explained(searcher, "work permit", "en");
    CHECK(has(wp, "sv:arbetstillstånd"));
    CHECK(has(wp, "sv:tillstånd"));
    CHECK(has(hit_ids(searcher, "work permit", "en"), "sv-handlaggning"));
    // labour alone is synnytys, förlossning (childbirth); in labour market it is työ, arbete. A part
    // that is the word's own translation stays out, as the term meant (market -> markkina, marknad:
    // over the real registers they put Finnish records that say työ and markkina anywhere ahead of
    // the labour-market ones).
    const auto lm = explained(searcher, "labour market", "en");
    CHECK(has(lm, "fi:työ"));
    CHECK(has(lm, "sv:arbete"));
    CHECK_FALSE(has(lm, "fi:markkina"));
    CHECK_FALSE(has(lm, "sv:marknad"));
    // Only where the compound has one part per content word: ammatti + korkeakoulu is not split over
    // university, applied and sciences.
    for (const auto& t : explained(searcher, "university of applied sciences", "en")) CHECK(t != "fi:korkeakoulu");
    // Only where the other parts translate the other words: scientific research -> undersökning is
    // not under + sökning (and under, a stopword, stands for no word).
    for (const auto& t : explained(searcher, "scientific research", "en")) {
      CHECK(t != "sv:sökning");
      CHECK(t != "sv:under");
    }
  }

  SUBCASE("English -hood and -ship reach Swedish -skap and Finnish -uus words the index holds") {
    // Regression: neighbourhood reached kvarter only (FreeDict); neighbour -> granne + -skap gives
    // grannskap, which the Swedish lexicon knows and the index holds (in grannskapsmedlare), and
    // naapuri + -uus gives naapuruus (in naapuruussovittelijat).
    const auto nh = explained(searcher, "neighbourhood", "en");
    CHECK(has(nh, "sv:grannskap"));
    CHECK(has(nh, "fi:naapuruus"));
    const auto nh_hits = hit_ids(searcher, "neighbourhood mediators", "en");
    CHECK(has(nh_hits, "sv-grannar"));
    CHECK(has(nh_hits, "fi-naapurit"));
    CHECK(has(explained(searcher, "partnerships", "en"), "sv:partnerskap"));  // the plural's singular
    // A join is kept only where the index holds it (owner -> ägare -> ägarskap is a word, but no record
    // has it) and the target language knows it as a word (relationship -> relationskap is none).
    for (const auto& t : explained(searcher, "ownership relationship", "en")) {
      CHECK(t != "sv:ägarskap");
      CHECK(t != "sv:relationskap");
    }
  }
}

TEST_CASE("translations go only into the languages the index has records in") {
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: skipped");
    return;
  }
  TempDir dir;
  build_index(dir.path, {
                            amif_record("en-data", "en", "Data for libraries", "Data administration under review."),
                            amif_record("en-info", "en", "Information management", "Managing information in archives."),
                        });
  auto s = Searcher::open({dir.path, ""});
  REQUIRE(s.is_ok());
  // Regression: over English records alone, "information management" was also searched as Swedish
  // and Finnish words (dataadministration, data, tiedonhallinta...), which match English words spelt
  // the same (data) and nothing of their own language.
  CHECK(explained(*s.value(), "information management", "en").empty());
  // A Finnish query still gets its English translations, and none into Swedish.
  bool english = false;
  for (const auto& t : explained(*s.value(), "kirjasto", "fi")) {
    english = english || t.rfind("en:", 0) == 0;
    CHECK(t.rfind("sv:", 0) != 0);
  }
  CHECK(english);
}

TEST_CASE("place names written with hyphens translate as a whole, parts of places included") {
  // The table: the list's names, and the names of a place's parts composed from them.
  const TranslationTable& t = compiled_table();
  CHECK(has(t.lookup(Lang::fi, "itä uusimaa"), Lang::sv, "östra nyland"));
  CHECK(has(t.lookup(Lang::fi, "itä häme"), Lang::sv, "östra tavastland"));
  CHECK(has(t.lookup(Lang::sv, "östra tavastland"), Lang::fi, "itä häme"));
  CHECK(has(t.lookup(Lang::fi, "pohjois espoo"), Lang::sv, "norra esbo"));
  CHECK(has(t.lookup(Lang::en, "east tavastia"), Lang::sv, "östra tavastland"));
  CHECK(has(t.lookup(Lang::fi, "keski suomi"), Lang::en, "central finland"));  // the list's own form kept
  CHECK_FALSE(has(t.lookup(Lang::fi, "keski suomi"), Lang::sv, "mellersta suomi"));
  if (!have_dictionaries()) {
    MESSAGE("FreeDict dictionaries not installed: the searches below skipped");
    return;
  }
  // Regression: the query parser reads Itä-Uusimaa as a phrase, and phrases got no translations, so a
  // Finnish query never reached "Östra Nyland", though the table lists it.
  TempDir dir;
  build_index(dir.path, {
                            amif_record("sv-ostra-nyland", "sv", "Integration i Östra Nyland",
                                        "Projektet stöder invandrare i Östra Nyland med språkkurser."),
                            amif_record("sv-tavastland", "sv", "Vardagsstöd",
                                        "Piloter i Östra Tavastland med frivilliga och tolkar."),
                            amif_record("sv-other", "sv", "Integration i Österbotten",
                                        "Projektet stöder invandrare i Österbotten med språkkurser."),
                        });
  auto s = Searcher::open({dir.path, ""});
  REQUIRE(s.is_ok());
  Searcher& searcher = *s.value();
  const auto iu = hit_ids(searcher, "Itä-Uusimaa", "fi");
  CHECK(iu == std::vector<std::string>{"sv-ostra-nyland"});
  CHECK(has(explained(searcher, "Itä-Uusimaa kotoutuminen", "fi"), "sv:östra nyland"));
  const auto ih = hit_ids(searcher, "Itä-Häme", "fi");
  CHECK(ih == std::vector<std::string>{"sv-tavastland"});
  // A quoted phrase still means its words in that order, in the query's language or translated.
  CHECK(hit_ids(searcher, "\"Uusimaa Itä\"", "fi").empty());
}

TEST_CASE("derive-lexicon learns from the statutes of 2005-2015 only") {
  // A small statute book: 2010 statutes pair "kalastus" with "fiske"; 2016 ones pair "metsästys" with
  // "jakt" (and one 2016 record hides behind a 2015 year field, its id saying 2016).
  TempDir dir;
  const std::string gz = dir.path + "/statutes.jsonl.gz";
  {
    gzFile f = gzopen(gz.c_str(), "wb");
    REQUIRE(f);
    auto put = [&](const std::string& id, int year, const std::string& lang, const std::string& title) {
      const std::string line = "{\"id\": \"" + id + "-" + lang + "\", \"statute\": \"" + id + "\", \"lang\": \"" + lang +
                               "\", \"year\": " + std::to_string(year) + ", \"title\": \"" + title + "\", \"text\": \"\"}\n";
      gzwrite(f, line.data(), static_cast<unsigned>(line.size()));
    };
    for (int i = 0; i < 5; ++i) {
      const std::string n = std::to_string(1000 + i);
      put("asd2010" + n, 2010, "fi", "kalastus");
      put("asd2010" + n, 2010, "sv", "fiske");
      put("asd2016" + n, 2016, "fi", "metsästys");
      put("asd2016" + n, 2016, "sv", "jakt");
      put("asd2016" + std::to_string(2000 + i), 2015, "fi", "ruokinta");
      put("asd2016" + std::to_string(2000 + i), 2015, "sv", "utfodring");
    }
    gzwrite(f, "not json\n", 9);
    gzclose(f);
  }
  const std::string out = dir.path + "/lexicon.tsv", log = dir.path + "/log.txt";
  const std::string cmd = std::string(HAKU_BINARY_DIR) + "/stemmers/haku-derive-lexicon --statutes " + gz + " --out " +
                          out + " 2>" + log;
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(out), lg(log);
  std::stringstream tsv, messages;
  tsv << in.rdbuf();
  messages << lg.rdbuf();
  CHECK(tsv.str().find("kalastus\tfiske\t") != std::string::npos);
  CHECK(tsv.str().find("metsästys") == std::string::npos);
  CHECK(tsv.str().find("ruokinta") == std::string::npos);
  CHECK(messages.str().find("20 of 2016 and later held out") != std::string::npos);
  CHECK(messages.str().find("statutes.jsonl.gz:31: not a statute record") != std::string::npos);  // file:line
}

TEST_CASE("derive-lexicon learns how a word translates as a compound's first part") {
  // asukas alone is invånare; in the compounds whose heads the lexicon pairs (kokous / stämma,
  // toimikunta / kommitté) it is boende-. Two such compounds are needed (kirkko- / kyrko- has one).
  TempDir dir;
  const std::string lexicon = dir.path + "/lexicon.tsv";
  {
    std::ofstream f(lexicon);
    f << "# fi\tsv\tcooc\tt(sv|fi)\tt(fi|sv)\tdice\n"
      << "asukas\tinvånare\t49\t0.4\t0.6\t0.4\n"
      << "kokous\tstämma\t23\t0.2\t0.7\t0.2\n"
      << "toimikunta\tkommitté\t64\t0.4\t0.6\t0.5\n"
      << "asukaskokous\tboendestämma\t3\t0.2\t0.2\t1.0\n"
      << "asukastoimikunta\tboendekommitté\t6\t0.4\t0.5\t1.0\n"
      << "kirkkokokous\tkyrkomöte\t5\t0.4\t0.5\t1.0\n"
      << "broken line\n";
  }
  const std::string out = dir.path + "/parts.tsv", log = dir.path + "/log.txt";
  const std::string cmd = std::string(HAKU_BINARY_DIR) + "/stemmers/haku-derive-lexicon --compound-parts " + lexicon +
                          " --out " + out + " 2>" + log;
  const int rc = std::system(cmd.c_str());
  std::ifstream lg(log);
  std::stringstream messages;
  messages << lg.rdbuf();
  if (messages.str().find("are needed to split compounds") != std::string::npos) {
    MESSAGE("Voikko or the hunspell-sv data missing: compound parts not derived, test skipped");
    return;
  }
  REQUIRE(rc == 0);
  std::ifstream in(out);
  std::stringstream tsv;
  tsv << in.rdbuf();
  CHECK(tsv.str().find("fi\tasukas\tboende\t2\t") != std::string::npos);
  CHECK(tsv.str().find("sv\tboende\tasukas\t2\t") != std::string::npos);
  CHECK(tsv.str().find("kyrko") == std::string::npos);                   // one compound only
  CHECK(messages.str().find("lexicon.tsv:8: expected fi, sv") != std::string::npos);  // file:line
}
