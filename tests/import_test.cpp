// Unit tests for importing registry exports through declarative mappings (corpus/mapping.h): loading and
// validating mapping files, each converter, shifted-row detection and repair, and, when the real files
// are present (HAKU_SHARED_DIR), every shipped mapping against its register: counts, the shifted rows
// of the 2014-2020 EURA file by line, facet counts against an independent count of the raw CSV, and
// queries against a raw scan of the file.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/index_writer.h"
#include "api/searcher.h"
#include "corpus/mapping.h"
#include "corpus/reader.h"
#include "corpus/text_util.h"
#include "test_support.h"

using namespace haku;
using haku::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string write(const TempDir& dir, const std::string& name, const std::string& content) {
  std::string p = dir.path + "/" + name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::shared_ptr<const Mapping> mapping_of(const std::string& json_text) {
  std::string error;
  auto m = Mapping::parse(json_text, "test.json", &error);
  REQUIRE_MESSAGE(m, error);
  return m;
}

std::string mapping_error(const std::string& json_text) {
  std::string error;
  auto m = Mapping::parse(json_text, "test.json", &error);
  CHECK_FALSE(m);
  return error;
}

struct Read {
  std::vector<Project> records;
  std::vector<uint64_t> lines;
  std::vector<std::string> rejected, warnings, repaired;  // Diagnostic::to_string
  std::set<uint64_t> rejected_lines, repaired_lines;
  ReadStats stats;
  std::vector<FileStats> files;
  bool ok = false;
};

Read read_with(const std::string& path, const Mapping* mapping, ReaderOptions options = {}) {
  Read r;
  CorpusReader reader(std::move(options));
  r.ok = reader.read(
      path,
      [&](Project&& p, const SourceLocation& w) {
        r.records.push_back(std::move(p));
        r.lines.push_back(w.line);
      },
      [&](const Diagnostic& d) {
        switch (d.kind) {
          case DiagnosticKind::rejected:
            r.rejected.push_back(d.to_string());
            r.rejected_lines.insert(d.where.line);
            break;
          case DiagnosticKind::warning: r.warnings.push_back(d.to_string()); break;
          case DiagnosticKind::repaired:
            r.repaired.push_back(d.to_string());
            r.repaired_lines.insert(d.where.line);
            break;
        }
      },
      mapping);
  r.stats = reader.stats();
  r.files = reader.file_stats();
  return r;
}

std::shared_ptr<const Mapping> shipped(const std::string& name) {
  std::string error;
  auto m = Mapping::load(name, std::string(HAKU_SOURCE_DIR) + "/corpus/mappings", &error);
  REQUIRE_MESSAGE(m, error);
  return m;
}

}  // namespace

// ---- Mapping files -------------------------------------------------------------------------------

TEST_CASE("every shipped mapping loads") {
  for (const char* name : {"fi-eura-2007-2013", "fi-eura-2014-2020", "se-tillvaxtverket-eruf-2014-2020",
                           "uk-england-esif-2014-2020", "mt-malta-2007-2013", "fi-finlex-statutes"}) {
    INFO(name);
    auto m = shipped(name);
    CHECK(m->name() == name);
  }
}

TEST_CASE("a mapping that cannot work is refused with the key at fault") {
  CHECK(mapping_error("[1]") == "test.json: a mapping is a JSON object");
  CHECK(mapping_error("{\"fields\": {\"id\": \"a\"}, \"colour\": 1}").starts_with("test.json: colour: unknown key"));
  CHECK(mapping_error(R"({"fields": {"budget": "a"}})") == "test.json: fields.budget: not a record field (corpus/FORMATS.md)");
  CHECK(mapping_error(R"({"fields": {"id": {"column": "a", "const": "b"}}})") ==
        "test.json: fields.id: give exactly one of column, key, path, columns, const, template or first");
  CHECK(mapping_error(R"({"fields": {"id": {"template": "x-{row"}}})") == "test.json: fields.id.template: a '{' without its '}'");
  CHECK(mapping_error(R"({"fields": {"id": {"template": "x-{row|shout}"}}})")
            .starts_with("test.json: fields.id.template: unknown filter \"shout\""));
  CHECK(mapping_error(R"({"fields": {"fund": {"column": "f", "values": "funds"}}})") ==
        "test.json: fields.fund.values: no table named \"funds\" in \"tables\"");
  CHECK(mapping_error(R"({"fields": {"total_budget_eur": {"column": "t", "currency": "SEK"}}})") ==
        "test.json: fields.total_budget_eur.currency: total_budget_eur holds euros; map amounts in SEK to total_budget");
  CHECK(mapping_error(R"({"fields": {"title": {"column": "t", "currency": "SEK"}}})") ==
        "test.json: fields.title: currency and scale apply to amounts (total_budget, eu_contribution)");
  CHECK(mapping_error(R"({"fields": {"id": "i"}, "eur_rates": {"SEK": [{"date": "2016-10-31", "per_eur": 9.7}]}})") ==
        "test.json: eur_rates.SEK.0: a rate needs its date, per_eur (units per euro) and source");
  CHECK(mapping_error(R"({"fields": {"id": "i"}, "checks": {"End": {"type": "date", "after": "Start"}}})") ==
        "test.json: checks.End.after: \"Start\" needs a date check of its own");
  CHECK(mapping_error("{\"fields\": ").starts_with("test.json: not JSON: "));
  std::string error;
  CHECK_FALSE(Mapping::load("no-such-mapping", "/nonexistent", &error));
  CHECK(error == "/nonexistent/no-such-mapping.json: cannot read the mapping (a mapping NAME is looked up in /nonexistent)");
}

// ---- Converters ----------------------------------------------------------------------------------

TEST_CASE("CSV through a mapping: columns, constants, templates, value tables, lists, dates, languages") {
  TempDir tmp;
  std::string path = write(tmp, "export.csv",
                           "Name of Project,Type of fund,Start date,End date,Towns,Code,Status,Summary,Results\n"
                           "Uclan Innovation Clinic,ESF (inc YEI),01. Nov 15,Dez 17,Preston; Lancaster,A 1.40,Toiminnassa,Helps SMEs.,More jobs.\n"
                           "Sensor City,ERDF,Q3 2014,Q4 2016,Liverpool,CF 116,,Builds a centre.,\n");
  auto m = mapping_of(R"m({
    "lang": "en",
    "fields": {
      "id": {"template": "uk-{row}-{Code|slug}"},
      "title": "Name of Project",
      "description": {"columns": ["Summary", "Results"]},
      "fund": {"column": "Type of fund", "values": {"ESF (inc YEI)": "ESF"}},
      "programme": {"const": "ESIF England"},
      "status": {"column": "Status", "default": "closed"},
      "start_date": {"column": "Start date", "date": {"order": "dmy", "century": 2000}},
      "end_date": {"column": "End date", "date": {"order": "dmy", "century": 2000}},
      "places": {"column": "Towns", "split": ";"},
      "country": {"const": "GB"}
    }
  })m");
  Read r = read_with(path, m.get());
  CHECK(r.rejected.empty());
  CHECK(r.warnings.empty());
  REQUIRE(r.records.size() == 2);
  const Project& a = r.records[0];
  CHECK(a.id == "uk-1-a-1-40");
  CHECK(a.title == "Uclan Innovation Clinic");
  CHECK(a.description == "Helps SMEs.\n\nMore jobs.");
  CHECK(a.fund == "ESF");
  CHECK(a.programme == "ESIF England");
  CHECK(a.status == "ongoing");
  CHECK(a.start_date == "2015-11-01");
  CHECK(a.end_date == "2017-12-31");  // a month alone as the end: its last day
  CHECK(a.places == std::vector<std::string>{"Preston", "Lancaster"});
  CHECK(a.lang == "en");
  const Project& b = r.records[1];
  CHECK(b.id == "uk-2-cf-116");
  CHECK(b.fund == "ERDF");
  CHECK(b.status == "closed");  // the default
  CHECK(b.start_date == "2014-07-01");
  CHECK(b.end_date == "2016-12-31");
  CHECK(b.description == "Builds a centre.");
}

TEST_CASE("amounts keep their currency; euros only through the mapping's dated rates") {
  TempDir tmp;
  std::string path = write(tmp, "se.json",
                           R"([{"id": "1", "namn": "Bredband", "belopp": 3929285, "start": "2017-01-02"},
                               {"id": "2", "namn": "Turism", "belopp": "970 734 SEK", "start": "2015-03-01"},
                               {"id": "3", "namn": "Fel valuta", "belopp": "£100", "start": "2015-03-01"}])");
  const std::string fields = R"("fields": {
      "id": {"template": "se-{id}"}, "title": "namn", "start_date": "start",
      "eu_contribution": {"key": "belopp", "currency": "SEK"}})";
  auto plain = mapping_of("{" + fields + "}");
  Read p = read_with(path, plain.get());
  REQUIRE(p.records.size() == 3);
  CHECK(p.records[0].currency == "SEK");
  CHECK(p.records[0].eu_contribution == doctest::Approx(3929285));
  CHECK_FALSE(p.records[0].eu_contribution_eur);  // no rate, no euros
  CHECK(p.warnings == std::vector<std::string>{path + ":3: belopp: an amount in GBP, but the mapping says SEK: \"£100\" (dropped)"});
  auto rated = mapping_of("{" + fields + R"(, "eur_rates": {"SEK": [
      {"date": "2014-12-31", "per_eur": 9.3930, "source": "ECB reference rate"},
      {"date": "2016-10-31", "per_eur": 9.70734, "source": "OJ C 422/3"}]}})");
  Read r = read_with(path, rated.get());
  REQUIRE(r.records.size() == 3);
  // The latest rate dated on or before the project's start.
  CHECK(r.records[0].eur_rate_date == "2016-10-31");
  CHECK(*r.records[0].eu_contribution_eur == doctest::Approx(404774.63));
  CHECK(*r.records[0].eur_rate == doctest::Approx(1 / 9.70734));
  CHECK(r.records[1].eur_rate_date == "2014-12-31");
  CHECK(*r.records[1].eu_contribution_eur == doctest::Approx(970734 / 9.3930).epsilon(1e-6));
  CHECK(r.records[1].eu_contribution == doctest::Approx(970734));
}

TEST_CASE("JSON Lines through a mapping: keys, paths, first-of, unknown keys once, a per-source language") {
  TempDir tmp;
  std::string path = write(tmp, "x.jsonl",
                           R"({"meta": {"code": 7}, "name": "  Kotona Suomessa ", "lang": "", "funding": {"fund": "EAKR"}, "extra": 1})" "\n"
                           R"({"meta": {"code": 8}, "name": "Hemma", "lang": "sv", "programme": "Kestävää kasvua", "extra": 2})" "\n"
                           R"({"meta": {"code": 9}, "title": "no name"})" "\n");
  auto m = mapping_of(R"({
    "lang": "fi",
    "fields": {
      "id": {"template": "x-{meta.code}"},
      "title": "name",
      "lang": "lang",
      "fund": {"first": [{"path": "funding.fund"}, {"const": "ESF"}]},
      "programme": "programme"
    },
    "ignore": ["title"]
  })");
  Read r = read_with(path, m.get());
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].id == "x-7");
  CHECK(r.records[0].title == "Kotona Suomessa");
  CHECK(r.records[0].lang == "fi");  // the source's language
  CHECK(r.records[0].fund == "ERDF");
  CHECK(r.records[1].lang == "sv");  // the record's own
  CHECK(r.records[1].fund == "ESF");
  CHECK(r.records[1].programme == "Kestävää kasvua");
  CHECK(r.warnings == std::vector<std::string>{path + ":1: extra: key not in the mapping (ignored)"});
  CHECK(r.rejected == std::vector<std::string>{path + ":3: title: missing"});
}

TEST_CASE("a JSON document with its records at the mapping's path") {
  TempDir tmp;
  std::string path = write(tmp, "wrapped.json", "{\n \"data\": {\"items\": [\n  {\"k\": \"a\", \"t\": \"A\"},\n  {\"k\": \"b\", \"t\": \"B\"}]}\n}\n");
  auto m = mapping_of(R"({"records": "data.items", "fields": {"id": "k", "title": "t"}})");
  Read r = read_with(path, m.get());
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].id == "b");
}

TEST_CASE("a mapping that does not fit the file's header fails the file, naming the columns") {
  TempDir tmp;
  std::string path = write(tmp, "h.csv", "Code,Name,Colour\nA,B,red\n");
  auto m = mapping_of(R"({"fields": {"id": "Koodi", "title": "Name", "places": "Town"}})");
  Read r = read_with(path, m.get());
  CHECK_FALSE(r.ok);
  CHECK(r.records.empty());
  std::vector<std::string> expected = {
      path + ":1: Town: the mapping names this column (for places), which the file does not have",
      path + ":1: Code: column not in the mapping (ignored)",
      path + ":1: Colour: column not in the mapping (ignored)",
      path + ":1: Koodi: the mapping takes id from this column, which the file does not have",
  };
  std::sort(r.warnings.begin(), r.warnings.end());
  std::sort(expected.begin(), expected.end());
  CHECK(r.warnings == expected);
}

TEST_CASE("a bad optional value through a mapping is dropped with a warning naming the column") {
  TempDir tmp;
  std::string path = write(tmp, "o.csv", "Code,Name,Percent,Start\nA,B,150%,31/04/2014\nC,D,60%,01/04/2014\n");
  auto m = mapping_of(R"({"fields": {"id": "Code", "title": "Name", "cofinancing_rate": "Percent",
                                     "start_date": {"column": "Start", "date": "dmy"}}})");
  Read r = read_with(path, m.get());
  REQUIRE(r.records.size() == 2);
  std::vector<std::string> expected = {path + ":2: Percent: not a rate between 0 and 1: \"150%\" (dropped)",
                                       path + ":2: Start: not a date: \"31/04/2014\" (dropped)"};
  CHECK(r.warnings == expected);
  CHECK_FALSE(r.records[0].cofinancing_rate);
  CHECK(r.records[1].cofinancing_rate == doctest::Approx(0.6));
  CHECK(r.records[1].start_date == "2014-04-01");
  CHECK(r.files[0].stats.warned == 1);
}

// ---- Shifted rows --------------------------------------------------------------------------------

namespace {

const char* kShiftMapping = R"({
  "tables": {"authorities": {"Lapin liitto": "Lapin liitto", "Hämeen ELY-keskus": "Hämeen ELY-keskus"}},
  "fields": {
    "id": "Koodi", "title": "Hankkeen nimi", "managing_authority": {"column": "Viranomainen", "values": "authorities"},
    "start_date": "Aloituspvm", "end_date": "Päättymispvm", "implementer": "Toteuttaja",
    "eu_contribution": {"column": "Myönnetty", "currency": "EUR"}
  },
  "checks": {
    "Viranomainen": {"values": "authorities"},
    "Aloituspvm": {"type": "date", "required": true},
    "Päättymispvm": {"type": "date", "required": true, "after": "Aloituspvm"},
    "Myönnetty": "amount"
  },
  "free_text": ["Hankkeen nimi", "Toteuttaja"]
})";

const char* kShiftHeader = "Koodi,Hankkeen nimi,Viranomainen,Aloituspvm,Päättymispvm,Toteuttaja,Myönnetty\n";

}  // namespace

TEST_CASE("shifted rows: an unquoted delimiter inside a title is rejoined when exactly one column fits") {
  TempDir tmp;
  std::string path = write(tmp, "s.csv",
                           std::string(kShiftHeader) +
                               "A1,Vienti,Lapin liitto,1.1.2015,31.12.2016,Oy Ab,1000\n"
                               "A2,Vienti, tuotekehitys ja markkinointi,Lapin liitto,1.1.2015,31.12.2016,Oy Ab,2000\n"
                               "A3,Kasvu, kilpailukyky,Lapin liitto,1.1.2015,31.12.2016,Oy, Ab,3000\n"
                               "A4,Vienti,Lapin liitto,1.1.2015,Oy Ab,4000\n");
  auto m = mapping_of(kShiftMapping);
  Read r = read_with(path, m.get());
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].id == "A2");
  CHECK(r.records[1].title == "Vienti, tuotekehitys ja markkinointi");
  CHECK(r.records[1].managing_authority == "Lapin liitto");
  CHECK(r.records[1].end_date == "2016-12-31");
  CHECK(*r.records[1].eu_contribution_eur == doctest::Approx(2000));
  CHECK(r.repaired == std::vector<std::string>{
                          path + ":3: Hankkeen nimi: held 1 unquoted delimiter(s) (the row had 8 fields; rejoined)"});
  CHECK(r.repaired_lines == std::set<uint64_t>{3});
  // Two extra delimiters in two columns: no single column can take them, so the row is rejected.
  CHECK(r.rejected == std::vector<std::string>{
                          path + ":4: expected 7 fields, got 9; no column can hold the extra delimiters and keep the column types",
                          path + ":5: expected 7 fields, got 6"});
  CHECK(r.stats.repaired == 1);
  CHECK(r.stats.rejected == 2);
}

TEST_CASE("shifted rows: title text glued onto a value-table column goes back; an ambiguous row is rejected") {
  TempDir tmp;
  std::string path = write(tmp, "g.csv",
                           std::string(kShiftHeader) +
                               "B1,Vienti pohjoismaihin | Norja,Ruotsi Lapin liitto,1.3.2015,31.12.2015,Oy Ab,8750\n"
                               "B2,Kasvun | kilpailukyvyn,sekä energiatehokkuus Hämeen ELY-keskus,31.12.2016,,Oy Ab,68220\n"
                               "B3,Hotelli,Lapin liitto,,22.6.2016,Oy Ab,292990\n"
                               "B4,Laser,Lapin liitto,31.12.2015,31.12.2015,Oy Ab,100000\n"
                               "B5,Salla,Lapin liitto,7560,31.12.2016,Oy Ab,\n");
  auto m = mapping_of(kShiftMapping);
  Read r = read_with(path, m.get());
  REQUIRE(r.records.size() == 1);
  // Repaired: the authority is one the table knows once "Ruotsi" goes back to the title.
  CHECK(r.records[0].id == "B1");
  CHECK(r.records[0].managing_authority == "Lapin liitto");
  CHECK(r.records[0].title == "Vienti pohjoismaihin | Norja, Ruotsi");
  CHECK(r.repaired ==
        std::vector<std::string>{path + ":2: Viranomainen: held \"Ruotsi\", text of Hankkeen nimi shifted into it (moved back)"});
  // Rejected, with every reason: a value never goes to the wrong field.
  const std::string tail = "the row does not fit the column types of the mapping (a shifted row?); no unambiguous repair";
  std::vector<std::string> expected = {
      path + ":3: Viranomainen: held \"sekä energiatehokkuus\", text of Hankkeen nimi shifted into it (moved back)",
      path + ":3: Päättymispvm: missing (every row of this export has one)",
      path + ":3: " + tail,
      path + ":4: Aloituspvm: missing (every row of this export has one)",
      path + ":4: " + tail,
      path + ":5: Päättymispvm: 2015-12-31 is not after Aloituspvm 2015-12-31",
      path + ":5: " + tail,
      path + ":6: Aloituspvm: \"7560\" is not a date",
      path + ":6: " + tail,
  };
  CHECK(r.rejected == expected);
  CHECK(r.rejected_lines == std::set<uint64_t>{3, 4, 5, 6});
  // Without checks nothing is "repaired": the row's field count is simply wrong.
  auto loose = mapping_of(R"({"fields": {"id": "Koodi", "title": "Hankkeen nimi"}, "free_text": ["Hankkeen nimi"]})");
  std::string extra = write(tmp, "e.csv", std::string(kShiftHeader) + "C1,Vienti, tuotekehitys,Lapin liitto,1.1.2015,31.12.2016,Oy,1\n");
  Read l = read_with(extra, loose.get());
  CHECK(l.records.empty());
  CHECK(l.rejected == std::vector<std::string>{extra + ":2: expected 7 fields, got 8"});
}

// ---- Through the engine --------------------------------------------------------------------------

// Regression: an id over the term limit passed the reader and failed the whole build at publish.
TEST_CASE("an over-long id is one rejected record, and the build publishes the rest") {
  TempDir tmp;
  const std::string long_id(300, 'q');
  std::string path = write(tmp, "ids.csv", "Code,Name\nok-1,Fine\n" + long_id + ",Too long\nok-2,Fine too\n");
  auto m = mapping_of(R"({"fields": {"id": "Code", "title": "Name"}})");
  Read r = read_with(path, m.get());
  CHECK(r.rejected == std::vector<std::string>{path + ":3: id: longer than 244 bytes (300), the most an index term can hold"});
  REQUIRE(r.records.size() == 2);
  WriterOptions wo;
  wo.full_analysis = false;
  wo.threads = 1;
  haku::testing::build_index(tmp.path + "/index", r.records, wo);
  auto s = haku::testing::open_searcher(tmp.path + "/index");
  CHECK(s->info().documents == 2);
}

TEST_CASE("fund filters in any spelling, facet labels in the interface language, the status facet") {
  TempDir tmp;
  std::string path = write(tmp, "f.csv",
                           "Koodi,Rahasto,Hankkeen nimi,Tila\n"
                           "A1,EAKR,Kotona Suomessa,Toiminnassa\n"
                           "A2,ESR,Työtä nuorille,Toiminta päättynyt\n"
                           "A3,ERDF,Bredband i glesbygd,Pågående\n");
  auto m = mapping_of(R"({"fields": {"id": "Koodi", "fund": "Rahasto", "title": "Hankkeen nimi", "status": "Tila"}})");
  Read r = read_with(path, m.get());
  REQUIRE(r.records.size() == 3);
  WriterOptions wo;
  wo.full_analysis = false;
  wo.threads = 1;
  haku::testing::build_index(tmp.path + "/index", r.records, wo);
  auto s = haku::testing::open_searcher(tmp.path + "/index");
  for (const char* spelling : {"ERDF", "EAKR", "ERUF", "Euroopan aluekehitysrahasto"}) {
    INFO(spelling);
    SearchRequest q;
    q.filters = {{"fund", spelling}};
    q.facets = {"fund"};
    SearchResult res = haku::testing::must_search(*s, q);
    CHECK(res.total == 2);
    REQUIRE(res.facets.size() == 1);
    const auto& counts = res.facets[0].second;
    REQUIRE(counts.size() == 2);  // ERDF selected (not a second entry for the spelling), ESF
    CHECK(counts[0].value == "ERDF");
    CHECK(counts[0].selected);
  }
  SearchRequest syntax;
  syntax.q = "fund:EAKR";
  syntax.mode = SearchMode::keyword;
  CHECK(haku::testing::must_search(*s, syntax).total == 2);
  auto labels = [&](const std::string& ui) {
    std::map<std::string, std::string> out;
    auto facets = s->all_facets(ui);
    REQUIRE(facets.is_ok());
    for (const auto& [name, counts] : *facets)
      for (const auto& c : counts)
        if (name == "fund" || name == "status") out[name + ":" + c.value] = c.label;
    return out;
  };
  auto fi = labels("fi");
  CHECK(fi["fund:ERDF"] == "EAKR");
  CHECK(fi["fund:ESF"] == "ESR");
  CHECK(fi["status:ongoing"] == "Toiminnassa");
  auto sv = labels("sv");
  CHECK(sv["fund:ERDF"] == "ERUF");
  CHECK(sv["status:closed"] == "Avslutat");
  CHECK(labels("")["fund:ERDF"] == "ERDF");
  SearchRequest status;
  status.filters = {{"status", "Toiminnassa"}};
  status.facets = {"status"};
  status.ui_lang = "sv";
  SearchResult st = haku::testing::must_search(*s, status);
  CHECK(st.total == 2);
  REQUIRE(st.facets.size() == 1);
  CHECK(st.facets[0].second[0].value == "ongoing");
  CHECK(st.facets[0].second[0].label == "Pågående");
}

// ---- The real registers --------------------------------------------------------------------------

namespace {

std::string shared(const std::string& name) { return std::string(HAKU_SHARED_DIR) + "/data/" + name; }

bool have(const std::string& path) {
  if (fs::exists(path)) return true;
  MESSAGE("skipped: " << path << " is absent (set HAKU_SHARED_DIR)");
  return false;
}

// The test's own CSV reading (RFC 4180, quoted fields may span lines): rows with their start line.
std::vector<std::pair<uint64_t, std::vector<std::string>>> raw_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<std::pair<uint64_t, std::vector<std::string>>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  uint64_t line = 1, start = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(cell);
      cell.clear();
      rows.emplace_back(start, row);
      row.clear();
      start = ++line;
    } else {
      cell += c;
    }
  }
  if (!cell.empty() || !row.empty()) {
    row.push_back(cell);
    rows.emplace_back(start, row);
  }
  return rows;
}

// The shifted rows of fi_rakennerahastot_2014-2020.csv, found by reading the file: each lost its start
// or end date, or has the same date as both (no other row of the file does), or has a number for a
// date. 1033 has no end date (a "?" in its title where a dash was lost).
const std::set<uint64_t> kEura2014Rejected = {56, 60, 67, 79, 109, 124, 148, 153, 171, 192, 947, 955, 990, 991, 1033, 1048};

std::vector<std::string> tokens(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : utf8_lower_nordic(text)) {
    if (std::isalnum(c) || c >= 0x80) {
      cur.push_back(static_cast<char>(c));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::map<std::string, uint64_t> facet_map(Searcher& s, const std::string& name) {
  std::map<std::string, uint64_t> out;
  auto facets = s.all_facets();
  REQUIRE(facets.is_ok());
  for (const auto& [n, counts] : *facets)
    if (n == name)
      for (const auto& c : counts) out[c.value] = c.count;
  return out;
}

}  // namespace

TEST_CASE("real registers: each reads through its mapping with its counts") {
  struct Case {
    const char* file;
    const char* mapping;
    uint64_t read, accepted, repaired, warned, rejected;
  };
  const Case cases[] = {
      {"fi_rakennerahastot_2007-2013.csv", "fi-eura-2007-2013", 19940, 19940, 0, 0, 0},
      {"fi_rakennerahastot_2014-2020.csv", "fi-eura-2014-2020", 2881, 2865, 0, 0, 16},
      {"se_tillvaxtverket_eruf_2014-2020.nopii.json", "se-tillvaxtverket-eruf-2014-2020", 374, 374, 0, 0, 0},
      {"uk_england_esif_2014-2020.csv", "uk-england-esif-2014-2020", 394, 394, 0, 7, 0},
      {"mt_malta_2007-2013.csv", "mt-malta-2007-2013", 251, 251, 0, 0, 0},
  };
  for (const auto& c : cases) {
    const std::string path = shared(c.file);
    if (!have(path)) continue;
    auto m = shipped(c.mapping);
    Read r = read_with(path, m.get());
    REQUIRE(r.files.size() == 1);
    MESSAGE(format_counts(r.files[0]));
    CHECK(r.ok);
    CHECK(r.stats.read == c.read);
    CHECK(r.stats.accepted == c.accepted);
    CHECK(r.stats.repaired == c.repaired);
    CHECK(r.stats.warned == c.warned);
    CHECK(r.stats.rejected == c.rejected);
    CHECK(r.stats.duplicates == 0);
    for (const auto& w : r.warnings) {
      INFO(w);
      CHECK(w.find("column not in the mapping") == std::string::npos);  // every column is accounted for
      CHECK(w.find("key not in the mapping") == std::string::npos);
    }
    std::set<std::string> ids;
    for (const auto& p : r.records) {
      CHECK(!p.lang.empty());
      CHECK(p.id.size() <= kMaxIdBytes);
      ids.insert(p.id);
    }
    CHECK(ids.size() == r.records.size());
  }
}

TEST_CASE("real registers: the shifted rows of the 2014-2020 EURA file, by line") {
  const std::string path = shared("fi_rakennerahastot_2014-2020.csv");
  if (!have(path)) return;
  auto m = shipped("fi-eura-2014-2020");
  TempDir tmp;
  ReaderOptions options;
  options.rejects_path = tmp.path + "/rejects.csv";
  Read r = read_with(path, m.get(), options);
  std::string listed;
  for (uint64_t l : r.rejected_lines) listed += " " + std::to_string(l);
  MESSAGE("rejected lines:" << listed << "; repaired lines: " << r.repaired_lines.size());
  CHECK(r.rejected_lines == kEura2014Rejected);
  CHECK(r.repaired_lines.empty());
  for (const auto& msg : r.rejected) {
    INFO(msg);
    CHECK(msg.starts_with(path + ":"));
  }
  // The authority with a word of the title glued to it, and the lone date, never reach a record.
  for (const auto& p : r.records) {
    CHECK(p.managing_authority.find("Ruotsi") == std::string::npos);
    CHECK(p.id != "A70408");
    CHECK(p.id != "A70447");
  }
  // One raw entry per rejected row in the rejects file.
  std::ifstream rejects(options.rejects_path);
  size_t lines = 0;
  for (std::string line; std::getline(rejects, line);) ++lines;
  CHECK(lines == kEura2014Rejected.size());
  // A repaired row keeps its values in their fields.
  REQUIRE_FALSE(r.records.empty());
  CHECK(r.records[0].id == "A70301");
  CHECK(r.records[0].title == "Reaktoritekniikkaan perustuvat uudet prosessit, prosessikemikaalit ja (rainattavat)biotuotteet  - Reaktek");
  CHECK(r.records[0].managing_authority == "Innovaatiorahoituskeskus Tekes");
  CHECK(r.records[0].start_date == "2015-03-01");
  CHECK(r.records[0].end_date == "2017-02-28");
}

TEST_CASE("real registers: facet counts over both Finnish registers equal an independent count of the raw CSV") {
  const std::string p07 = shared("fi_rakennerahastot_2007-2013.csv"), p14 = shared("fi_rakennerahastot_2014-2020.csv");
  if (!have(p07) || !have(p14)) return;
  // Expected, from the raw files: funds and statuses reduced to one value each (EAKR = ERDF).
  const std::map<std::string, std::string> fund = {{"EAKR", "ERDF"}, {"ESR", "ESF"}};
  const std::map<std::string, std::string> status = {
      {"Toiminnassa", "ongoing"}, {"Toiminta päättynyt", "closed"}, {"Keskeytynyt", "discontinued"}};
  std::map<std::string, std::map<std::string, uint64_t>> want;
  uint64_t rows = 0;
  std::set<std::string> amk;  // implementers with the word "ammattikorkeakoulu"
  auto count = [&](const std::string& path, size_t fund_col, size_t prog_col, size_t status_col, size_t start_col,
                   size_t impl_col, const std::string& constant_programme, const std::set<uint64_t>& skip) {
    auto raw = raw_csv(path);
    for (size_t i = 1; i < raw.size(); ++i) {
      const auto& [line, cells] = raw[i];
      if (skip.count(line)) continue;
      ++rows;
      ++want["fund"][fund.at(cells[fund_col])];
      ++want["programme"][constant_programme.empty() ? cells[prog_col] : constant_programme];
      ++want["status"][status.at(cells[status_col])];
      ++want["year"][cells[start_col].substr(cells[start_col].size() - 4)];
      auto words = tokens(cells[impl_col]);
      if (std::find(words.begin(), words.end(), "ammattikorkeakoulu") != words.end()) amk.insert(cells[0]);
    }
  };
  count(p07, 1, 3, 6, 7, 9, "", {});
  count(p14, 1, 0, 5, 6, 8, "Kestävää kasvua ja työtä 2014–2020 – Suomen rakennerahasto-ohjelma", kEura2014Rejected);
  // Built from the mappings with the real indexing path (keyword-only: the analysis is not what is
  // tested here).
  std::vector<Project> records;
  for (auto [path, name] : {std::pair{p07, "fi-eura-2007-2013"}, std::pair{p14, "fi-eura-2014-2020"}}) {
    auto m = shipped(name);
    Read r = read_with(path, m.get());
    for (auto& p : r.records) records.push_back(std::move(p));
  }
  CHECK(records.size() == rows);
  TempDir tmp;
  WriterOptions wo;
  wo.full_analysis = false;
  wo.threads = 2;
  haku::testing::build_index(tmp.path + "/index", records, wo);
  auto s = haku::testing::open_searcher(tmp.path + "/index");
  CHECK(s->info().documents == rows);
  for (const char* facet : {"fund", "programme", "status", "year"}) {
    INFO(facet);
    CHECK(facet_map(*s, facet) == want[facet]);
  }
  CHECK(want["fund"].size() == 2);
  MESSAGE("over " << rows << " records: ERDF " << want["fund"]["ERDF"] << ", ESF " << want["fund"]["ESF"]
                  << "; ongoing " << want["status"]["ongoing"] << ", closed " << want["status"]["closed"]
                  << ", discontinued " << want["status"]["discontinued"]);
  // implementer:ammattikorkeakoulu finds exactly the rows whose implementer has that word.
  SearchRequest q;
  q.q = "implementer:ammattikorkeakoulu";
  q.mode = SearchMode::keyword;
  q.per_page = 100;
  std::set<std::string> found;
  for (q.page = 1;; ++q.page) {
    SearchResult res = haku::testing::must_search(*s, q);
    for (const auto& h : res.hits) found.insert(h.id);
    if (res.hits.size() < q.per_page) break;
  }
  CHECK(found.size() == amk.size());
  CHECK(found == amk);
  MESSAGE("implementer:ammattikorkeakoulu: " << found.size() << " records, as the raw scan says");
}

TEST_CASE("real registers: Swedish queries over the ERDF project bank find what a raw scan says they should") {
  const std::string path = shared("se_tillvaxtverket_eruf_2014-2020.nopii.json");
  if (!have(path)) return;
  auto m = shipped("se-tillvaxtverket-eruf-2014-2020");
  Read r = read_with(path, m.get());
  REQUIRE(r.records.size() == 374);
  // Full analysis (Swedish stems and compound parts are what is tested), no semantic layer: what is
  // found is found by the words themselves.
  TempDir tmp;
  WriterOptions wo;
  wo.threads = 1;
  wo.semantic_layer = false;
  haku::testing::build_index(tmp.path + "/index", r.records, wo);
  auto s = haku::testing::open_searcher(tmp.path + "/index");
  // The raw scan: every query word is in a word of the title or description (the word itself, an
  // inflection, or a part of a compound: "glesbygdsområden", "besöksnäringsföretagen", "naturturism").
  std::ifstream in(path, std::ios::binary);
  nlohmann::json raw = nlohmann::json::parse(in);
  for (const std::string query : {"bredband glesbygd", "turism besöksnäring"}) {
    INFO(query);
    std::set<std::string> should;
    std::vector<std::string> words = tokens(query);
    for (const auto& rec : raw) {
      auto text = tokens(rec["projektnamn"].get<std::string>() + " " + rec["projektbeskrivning"].get<std::string>());
      bool all = std::all_of(words.begin(), words.end(), [&](const std::string& w) {
        return std::any_of(text.begin(), text.end(), [&](const std::string& t) { return t.find(w) != std::string::npos; });
      });
      if (all) should.insert("se-eruf-" + rec["ärende-id"].get<std::string>());
    }
    REQUIRE(!should.empty());
    SearchRequest q;
    q.q = query;
    q.lang = "sv";
    q.mode = SearchMode::keyword;
    q.per_page = 100;
    SearchResult res = haku::testing::must_search(*s, q);
    std::set<std::string> found;
    for (const auto& h : res.hits) found.insert(h.id);
    std::vector<std::string> missing;
    std::set_difference(should.begin(), should.end(), found.begin(), found.end(), std::back_inserter(missing));
    CHECK_MESSAGE(missing.empty(), "not found: " << missing.size());
    std::string beyond;
    for (const auto& id : found)
      if (!should.count(id)) beyond += " " + id;
    // Beyond the scan: matches in other fields and through translations (turism -> en "tourism" in the
    // implementer "Tourism in Skåne AB").
    MESSAGE(query << ": raw scan " << should.size() << ", found " << found.size() << "; beyond the scan:" << beyond);
    // What is found is Swedish and from the project bank.
    for (const auto& h : res.hits) CHECK(h.project.lang == "sv");
  }
}

TEST_CASE("real data: the Finnish Statute Book reads from its .gz file") {
  const std::string path = shared("finlex_statutes_2005-2018_fi_sv.cap2000.jsonl.gz");
  if (!have(path)) return;
  auto m = shipped("fi-finlex-statutes");
  uint64_t fi = 0, sv = 0;
  CorpusReader reader;
  reader.read(
      path,
      [&](Project&& p, const SourceLocation&) {
        fi += p.lang == "fi";
        sv += p.lang == "sv";
      },
      [](const Diagnostic& d) { FAIL_CHECK(d.to_string()); }, m.get());
  MESSAGE(format_counts(reader.file_stats()[0]));
  CHECK(reader.stats().read == 56258);
  CHECK(reader.stats().accepted == 56258);
  CHECK(fi == 28121);
  CHECK(sv == 28137);
}
