// Unit tests for the corpus library: the record's JSON form, the value parsers, the JSON Lines and CSV
// readers (round trips, each class of bad input with its exact message) and a real register when present.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "corpus/project.h"
#include "corpus/reader.h"

using namespace haku;
namespace fs = std::filesystem;

namespace {

// A temporary folder removed at scope exit.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("haku_corpus_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name, const std::string& content) const {
    std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }
  std::string dir() const { return path_.string(); }

 private:
  fs::path path_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Result {
  std::vector<Project> records;
  std::vector<SourceLocation> where;
  std::vector<std::string> rejected;  // Diagnostic::to_string of rejects
  std::vector<std::string> warnings;
  ReadStats stats;
  bool ok = false;
};

Result read_path(const std::string& path, ReaderOptions options = {}) {
  Result r;
  CorpusReader reader(std::move(options));
  r.ok = reader.read(
      path,
      [&](Project&& p, const SourceLocation& w) {
        r.records.push_back(std::move(p));
        r.where.push_back(w);
      },
      [&](const Diagnostic& d) {
        (d.kind == DiagnosticKind::rejected ? r.rejected : r.warnings).push_back(d.to_string());
      });
  r.stats = reader.stats();
  return r;
}

Project full_project() {
  Project p;
  p.id = "fi-eura-S21234";
  p.title = "Kotona Suomessa 2";
  p.description = "Hankkeen tavoitteena on \"kotoutumisen\" tehostaminen, ja\tsen kanssa ty\xC3\xB6llisyys.";
  p.lang = "fi";
  p.translations["en"] = {"Home in Finland 2", "Integration work across Finland."};
  p.translations["sv"] = {"Hemma i Finland 2", ""};
  p.fund = "ESF";
  p.programme = "Kestävää kasvua ja työtä 2014-2020";
  p.programming_period = "2014-2020";
  p.managing_authority = "Työ- ja elinkeinoministeriö";
  p.implementer = "Uudenmaan ELY-keskus";
  p.implementer_type = "public authority";
  p.start_date = "2018-01-01";
  p.end_date = "2020-12-31";
  p.total_budget_eur = 2450612.0;
  p.eu_contribution_eur = 1225306.5;
  p.cofinancing_rate = 0.5;
  p.country = "FI";
  p.region_code = "FI1B";
  p.region_name = "Helsinki-Uusimaa";
  p.places = {"Helsinki", "Espoo"};
  p.themes = {"social inclusion", "employment"};
  p.source_url = "https://kohesio.ec.europa.eu/en/projects/Q2";
  p.source_name = "Kohesio";
  return p;
}

}  // namespace

TEST_CASE("project_to_json is compact, ordered like the struct and omits empty values") {
  Project p;
  p.id = "x1";
  p.title = "T";
  p.total_budget_eur = 1000.5;
  p.places = {"Oulu"};
  CHECK(project_to_json(p) == R"({"id":"x1","title":"T","total_budget_eur":1000.5,"places":["Oulu"]})");
}

TEST_CASE("project JSON round trip") {
  Project p = full_project();
  std::string json = project_to_json(p);
  CHECK(json.find('\n') == std::string::npos);
  CHECK(json.starts_with(R"({"id":"fi-eura-S21234","title":"Kotona Suomessa 2","description":)"));
  Project back;
  std::string error;
  REQUIRE(project_from_json(json, &back, &error));
  CHECK(back == p);
  CHECK(project_to_json(back) == json);
}

TEST_CASE("project_from_json reports malformed input") {
  Project p;
  std::string error;
  CHECK_FALSE(project_from_json("{\"id\":", &p, &error));
  CHECK(error == "not JSON");
  CHECK_FALSE(project_from_json("[1]", &p, &error));
  CHECK(error == "not a JSON object");
  CHECK_FALSE(project_from_json(R"({"id":"a","places":"Oulu"})", &p, &error));
  CHECK(error == "places: expected an array of strings, got string");
}

TEST_CASE("parse_money accepts the seed formats") {
  double v = 0;
  CHECK(parse_money("2 450 612,00 €", &v));
  CHECK(v == doctest::Approx(2450612.00));
  CHECK(parse_money("103 433,79 euro", &v));
  CHECK(v == doctest::Approx(103433.79));
  CHECK(parse_money("218 995 euro", &v));
  CHECK(v == doctest::Approx(218995));
  CHECK(parse_money("170 560 euroa", &v));
  CHECK(v == doctest::Approx(170560));
  CHECK(parse_money("€667,000", &v));
  CHECK(v == doctest::Approx(667000));
  CHECK(parse_money("1225306.5", &v));
  CHECK(v == doctest::Approx(1225306.5));
  CHECK(parse_money("1\xC2\xA0" "000\xC2\xA0" "000 EUR", &v));  // no-break spaces
  CHECK(v == doctest::Approx(1000000));
  CHECK(parse_money("1.234.567,89", &v));
  CHECK(v == doctest::Approx(1234567.89));
  CHECK(parse_money("€544,310", &v));
  CHECK(v == doctest::Approx(544310));
  CHECK(parse_money("443909", &v));
  CHECK(v == doctest::Approx(443909));
  CHECK(parse_money("1,234,567.89", &v));
  CHECK(v == doctest::Approx(1234567.89));
  CHECK(parse_money("500,-", &v));
  CHECK(v == doctest::Approx(500));
  CHECK(parse_money("12,5", &v));
  CHECK(v == doctest::Approx(12.5));
  for (const char* bad : {"", "euro", "abc", "12 34", "1,2,3", "tree", "1.2.3,4,5", "--5"}) {
    INFO(bad);
    CHECK_FALSE(parse_money(bad, &v));
  }
}

TEST_CASE("parse_date and parse_period accept the seed formats") {
  std::string d, e;
  CHECK((parse_date("01.11.2021", &d) && d == "2021-11-01"));
  CHECK((parse_date("1.9.2020", &d) && d == "2020-09-01"));
  CHECK((parse_date("1 January 2018", &d) && d == "2018-01-01"));
  CHECK((parse_date("31 December 2020", &d) && d == "2020-12-31"));
  CHECK((parse_date("Maaliskuu 2023", &d) && d == "2023-03-01"));
  CHECK((parse_date("kesäkuu 2021", &d) && d == "2021-06-01"));
  CHECK((parse_date("KESÄKUU 2021", &d) && d == "2021-06-01"));
  CHECK((parse_date("1. tammikuuta 2018", &d) && d == "2018-01-01"));
  CHECK((parse_date("15 mars 2019", &d) && d == "2019-03-15"));
  CHECK((parse_date("2021-11-01", &d) && d == "2021-11-01"));
  CHECK((parse_date("2016-10-14 01:17:38", &d) && d == "2016-10-14"));
  CHECK((parse_date("29.2.2020", &d) && d == "2020-02-29"));
  CHECK((parse_date("January 1, 2018", &d) && d == "2018-01-01"));
  CHECK((parse_date("1/9/2020", &d) && d == "2020-09-01"));
  CHECK((parse_date("2021-11-01T00:00:00Z", &d) && d == "2021-11-01"));
  CHECK((parse_date("2008", &d) && d == "2008-01-01"));
  for (const char* bad : {"", "29.2.2021", "32.1.2020", "1.13.2020", "Maaliskuu", "2021-13-01", "soon"}) {
    INFO(bad);
    CHECK_FALSE(parse_date(bad, &d));
  }
  CHECK((parse_period("15.9.2022-14.3.2025", &d, &e) && d == "2022-09-15" && e == "2025-03-14"));
  CHECK((parse_period("01.11.2021 - 31.12.2022", &d, &e) && d == "2021-11-01" && e == "2022-12-31"));
  CHECK((parse_period("Maaliskuu 2023 – Toukokuu 2027", &d, &e) && d == "2023-03-01" && e == "2027-05-31"));
  CHECK((parse_period("2020-01-01-2021-06-30", &d, &e) && d == "2020-01-01" && e == "2021-06-30"));
  CHECK((parse_period("1 January 2018 to 31 December 2020", &d, &e) && d == "2018-01-01" && e == "2020-12-31"));
  CHECK((parse_period("2008-2011", &d, &e) && d == "2008-01-01" && e == "2011-12-31"));
  CHECK_FALSE(parse_period("sometime", &d, &e));
}

TEST_CASE("JSON Lines round trip through the reader") {
  TempDir tmp;
  Project a = full_project();
  Project b;
  b.id = "b";
  b.title = "Hemma i Finland";
  b.lang = "sv";
  std::string path = tmp.file("c.jsonl", project_to_json(a) + "\n\n" + project_to_json(b) + "\r\n");
  Result r = read_path(path);
  CHECK(r.ok);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0] == a);
  CHECK(r.records[1] == b);
  CHECK(r.where[1].line == 3);
  CHECK(r.rejected.empty());
  CHECK(r.warnings.empty());
  CHECK(r.stats.read == 2);
  CHECK(r.stats.accepted == 2);
  CHECK(r.stats.rejected == 0);
}

TEST_CASE("JSON Lines: seed formats are normalised and the language is detected") {
  TempDir tmp;
  std::string path = tmp.file(
      "c.jsonl",
      R"({"id":"s1","title":"Hemma i Finland","description":"Projektet ska öka samarbetet mellan kommuner och organisationer för att stödja integration.","start_date":"1.9.2020","end_date":"31.8.2022","eu_contribution_eur":"218 995 euro","total_budget_eur":"€667,000","cofinancing_rate":"50%","id2":1})"
      "\n");
  Result r = read_path(path);
  REQUIRE(r.records.size() == 1);
  const Project& p = r.records[0];
  CHECK(p.lang == "sv");
  CHECK(p.start_date == "2020-09-01");
  CHECK(p.end_date == "2022-08-31");
  CHECK(p.eu_contribution_eur == doctest::Approx(218995));
  CHECK(p.total_budget_eur == doctest::Approx(667000));
  CHECK(p.cofinancing_rate == doctest::Approx(0.5));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == path + ":1: id2: unknown key (ignored)");
}

TEST_CASE("JSON Lines: each bad-input class is reported with its exact message") {
  TempDir tmp;
  std::string long_text(70000, 'a');
  std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"id\":\"u\",\"title\":\"bad \xC3\x28 byte\"}", "invalid UTF-8 at byte 24"},
      {R"({"title":"no id"})", "id: missing"},
      {R"({"id":"","title":"empty id"})", "id: missing"},
      {R"({"id":"t"})", "title: missing"},
      {R"({"id":"w","title":42})", "title: expected a string, got number"},
      {R"({"id":"w2","title":"x","places":"Oulu"})", "places: expected an array of strings, got string"},
      {R"({"id":"w3","title":"x","total_budget_eur":[1]})",
       "total_budget_eur: expected a number or an amount string, got array"},
      {R"({"id":"m","title":"x","total_budget_eur":"lots"})", "total_budget_eur: not an amount: \"lots\""},
      {R"({"id":"d","title":"x","start_date":"32.1.2020"})", "start_date: not a date: \"32.1.2020\""},
      {R"({"id":"e","title":"x","start_date":"2021-01-01","end_date":"1.1.2020"})",
       "end_date: 2020-01-01 is before start_date 2021-01-01"},
      {R"({"id":"l","title":"x","description":")" + long_text + "\"}",
       "description: longer than 65536 bytes (70000)"},
      {R"({"id":"g","title":"x","lang":"de"})", "lang: expected fi, sv or en, got \"de\""},
      {R"({"id":"r","title":"x","cofinancing_rate":1.5})", "cofinancing_rate: not a rate between 0 and 1: 1.5"},
      {R"({"id":"tr","title":"x","translations":{"de":{"title":"y"}}})", "translations.de: expected fi, sv or en"},
      {R"(["not","an","object"])", "expected a JSON object, got array"},
  };
  std::string content;
  for (const auto& c : cases) content += c.first + "\n";
  content += R"({"id":"ok","title":"fine","colour":"red"})" "\n";
  content += R"({"id":"ok2","title":"fine","colour":"blue"})" "\n";
  content += "{\"id\":\n";
  std::string path = tmp.file("bad.jsonl", content);
  ReaderOptions options;
  options.rejects_path = tmp.path("rejects.jsonl");
  Result r = read_path(path, options);
  REQUIRE(r.rejected.size() == cases.size() + 1);
  for (size_t i = 0; i < cases.size(); ++i) {
    CHECK(r.rejected[i] == path + ":" + std::to_string(i + 1) + ": " + cases[i].second);
  }
  CHECK(r.rejected.back().starts_with(path + ":" + std::to_string(cases.size() + 3) + ": not JSON: parse error"));
  REQUIRE(r.warnings.size() == 1);  // once per run
  CHECK(r.warnings[0] == path + ":" + std::to_string(cases.size() + 1) + ": colour: unknown key (ignored)");
  CHECK(r.stats.read == cases.size() + 3);
  CHECK(r.stats.accepted == 2);
  CHECK(r.stats.rejected == cases.size() + 1);
  // Every rejected raw line is kept, byte for byte.
  std::string rejects = slurp(options.rejects_path);
  std::string expected;
  for (const auto& c : cases) expected += c.first + "\n";
  expected += "{\"id\":\n";
  CHECK(rejects == expected);
}

TEST_CASE("over-long lines are rejected") {
  TempDir tmp;
  std::string path = tmp.file("long.jsonl", R"({"id":"a","title":")" + std::string(200, 'x') + "\"}\n");
  ReaderOptions options;
  options.max_line_bytes = 100;
  Result r = read_path(path, options);
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0] == path + ":1: line longer than 100 bytes (221)");
}

TEST_CASE("duplicate ids: the later record wins and the warning names both lines") {
  TempDir tmp;
  std::string path = tmp.file("dup.jsonl", "{\"id\":\"a\",\"title\":\"first\"}\n{\"id\":\"b\",\"title\":\"x\"}\n"
                                           "{\"id\":\"a\",\"title\":\"second\"}\n");
  Result r = read_path(path);
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[2].title == "second");
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == path + ":3: id: duplicate id \"a\" (also at " + path + ":1); the later record wins");
  CHECK(r.stats.duplicates == 1);
}

TEST_CASE("a missing path is reported and read returns false") {
  TempDir tmp;
  Result r = read_path(tmp.path("absent.jsonl"));
  CHECK_FALSE(r.ok);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == tmp.path("absent.jsonl") + ": no such file or folder");
}

TEST_CASE("Diagnostic::to_string") {
  Diagnostic d{DiagnosticKind::rejected, {"f.jsonl", 7}, "end_date", "bad"};
  CHECK(d.to_string() == "f.jsonl:7: end_date: bad");
  d.field.clear();
  CHECK(d.to_string() == "f.jsonl:7: bad");
}

TEST_CASE("CSV round trip: named columns, quoted fields with delimiters and newlines, BOM, ';' delimiter") {
  TempDir tmp;
  Project p = full_project();
  p.translations.erase("sv");
  p.description = "Line one; with \"quotes\", commas\nand a second line.";
  auto q = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  };
  std::string header =
      "id;title;description;lang;title_en;description_en;fund;programme;programming_period;managing_authority;"
      "implementer;implementer_type;start_date;end_date;total_budget_eur;eu_contribution_eur;cofinancing_rate;"
      "country;region_code;region_name;places;themes;source_url;source_name\r\n";
  std::string row = q(p.id) + ";" + q(p.title) + ";" + q(p.description) + ";fi;" + q(p.translations["en"].title) +
                    ";" + q(p.translations["en"].description) + ";ESF;" + q(p.programme) + ";2014-2020;" +
                    q(p.managing_authority) + ";" + q(p.implementer) + ";public authority;1 January 2018;" +
                    "31.12.2020;" + q("2 450 612,00 €") + ";1225306.5;50%;FI;FI1B;Helsinki-Uusimaa;" +
                    q("Helsinki; Espoo") + ";social inclusion|employment;" + q(p.source_url) + ";Kohesio\r\n";
  std::string path = tmp.file("c.csv", "\xEF\xBB\xBF" + header + row + row);
  Result r = read_path(path);
  CHECK(r.rejected.empty());
  CHECK(r.warnings.size() == 1);  // the repeated id
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0] == p);
  CHECK(r.where[0].line == 2);
  CHECK(r.where[1].line == 4);  // the description spans two lines
}

TEST_CASE("CSV: Kohesio's export columns are mapped") {
  TempDir tmp;
  std::string path = tmp.file(
      "kohesio.csv",
      "Project ID,Project name,Summary,Fund,Programme,Programming period,Managing authority,Beneficiary,"
      "Start date,End date,Total budget,EU contribution,Co-financing rate,Country,Region,NUTS code,Project URL\n"
      "Q2,Home in Finland 2,The project builds integration work.,European Social Fund (ESF),Sustainable growth,"
      "2014-2020,Ministry,ELY,1 January 2018,31 December 2020,\"2 450 612,00 €\",\"1 225 306,00 €\",50%,FI,"
      "Uusimaa,FI1B,https://kohesio.ec.europa.eu/en/projects/Q2\n");
  Result r = read_path(path);
  CHECK(r.rejected.empty());
  CHECK(r.warnings.empty());
  REQUIRE(r.records.size() == 1);
  const Project& p = r.records[0];
  CHECK(p.id == "Q2");
  CHECK(p.title == "Home in Finland 2");
  CHECK(p.lang == "en");
  CHECK(p.implementer == "ELY");
  CHECK(p.start_date == "2018-01-01");
  CHECK(p.total_budget_eur == doctest::Approx(2450612));
  CHECK(p.cofinancing_rate == doctest::Approx(0.5));
  CHECK(p.region_code == "FI1B");
  CHECK(p.region_name == "Uusimaa");
}

TEST_CASE("CSV: bad input is reported with the column name") {
  TempDir tmp;
  std::string path = tmp.file("bad.csv",
                              "id,title,start_date,end_date,total_budget_eur,colour\n"
                              "a,ok,1.1.2020,31.12.2020,100,red\n"
                              "b,bad date,1.1.2020,soon,100,red\n"
                              "c,bad money,1.1.2020,,much,red\n"
                              ",no id,,,,\n"
                              "d,too,many,fields,,,\n"
                              "e,\"bad \xC3\x28\",,,,\n"
                              "f,reversed,1.1.2021,1.1.2020,,\n"
                              "g,\"never closed,,,,\n");
  ReaderOptions options;
  options.rejects_path = tmp.path("rejects.csv");
  Result r = read_path(path, options);
  REQUIRE(r.records.size() == 1);
  std::vector<std::string> expected = {
      path + ":3: end_date: not a date: \"soon\"",
      path + ":4: total_budget_eur: not an amount: \"much\"",
      path + ":5: id: missing",
      path + ":6: expected 6 fields, got 7",
      path + ":7: invalid UTF-8 at byte 8",
      path + ":8: end_date: 2020-01-01 is before start_date 2021-01-01",
      path + ":9: unterminated quoted field",
  };
  CHECK(r.rejected == expected);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == path + ":1: colour: unknown column (ignored)");
  CHECK(r.stats.read == 8);
  CHECK(r.stats.accepted == 1);
  CHECK(r.stats.rejected == 7);
  std::string rejects = slurp(options.rejects_path);
  CHECK(rejects.starts_with("b,bad date,1.1.2020,soon,100,red\n"));
  CHECK(rejects.ends_with("g,\"never closed,,,,\n"));
}

TEST_CASE("CSV: a column mapping and defaults") {
  TempDir tmp;
  std::string path = tmp.file("m.csv", "Koodi;Hankkeen nimi;Tila\nA1;Hanke;Toiminnassa\n");
  ReaderOptions options;
  options.column_map = {{"Koodi", "id"}, {"Hankkeen nimi", "title"}, {"Tila", ""}};
  options.defaults = {{"country", "FI"}, {"source_name", "EURA 2014"}};
  Result r = read_path(path, options);
  CHECK(r.warnings.empty());
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].id == "A1");
  CHECK(r.records[0].country == "FI");
  CHECK(r.records[0].source_name == "EURA 2014");
}

TEST_CASE("a folder is read recursively in name order") {
  TempDir tmp;
  fs::create_directories(tmp.path("sub"));
  tmp.file("b.jsonl", "{\"id\":\"b\",\"title\":\"B\"}\n");
  tmp.file("sub/a.csv", "id,title\na,A\n");
  tmp.file("notes.txt", "ignored");
  Result r = read_path(tmp.dir());
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].id == "b");  // "b.jsonl" < "sub/a.csv"
  CHECK(r.records[1].id == "a");
}

// The EURA 2014 register's columns (see corpus/FORMATS.md).
ReaderOptions eura_options() {
  ReaderOptions o;
  o.column_map = {
      {"Koodi", "id"},
      {"Rahasto", "fund"},
      {"Hankkeen nimi", "title"},
      {"Projektin nimi", "title"},
      {"Ohjelma / osio", "programme"},
      {"Tl", ""},
      {"Viranomainen", "managing_authority"},
      {"Tila", ""},
      {"Toiminnan tila", ""},
      {"Aloituspvm", "start_date"},
      {"Päättymispvm", "end_date"},
      {"Toteuttajan nimi", "implementer"},
      {"Myönnetty EU- ja valtion rahoitus", "eu_contribution_eur"},
      {"Toteutunut EU- ja valtion rahoitus", ""},
      {"Suunniteltu julkinen rahoitus yhteensä", "total_budget_eur"},
      {"Toteutunut julkinen rahoitus yhteensä", ""},
  };
  o.defaults = {{"country", "FI"}, {"lang", "fi"}};
  return o;
}

TEST_CASE("a real register: every row of the 2014-2020 EURA file is accepted or reported") {
  std::string path = std::string(HAKU_SHARED_DIR) + "/data/fi_rakennerahastot_2014-2020.csv";
  if (!fs::exists(path)) {
    MESSAGE("skipped: " << path << " is absent");
    return;
  }
  TempDir tmp;
  ReaderOptions options = eura_options();
  options.defaults["programming_period"] = "2014-2020";
  options.rejects_path = tmp.path("rejects.csv");
  Result r = read_path(path, options);
  MESSAGE("EURA 2014: read " << r.stats.read << ", accepted " << r.stats.accepted << ", rejected "
                             << r.stats.rejected << ", duplicates " << r.stats.duplicates);
  CHECK(r.warnings.size() == r.stats.duplicates);  // every column is mapped
  CHECK(r.stats.read == r.stats.accepted + r.stats.rejected);
  CHECK(r.stats.read >= 2800);
  CHECK(r.stats.rejected > 0);  // the shifted rows
  CHECK(r.stats.accepted > r.stats.read * 9 / 10);
  for (const auto& msg : r.rejected) {
    INFO(msg);
    CHECK(msg.starts_with(path + ":"));
  }
  // The rejects file holds one entry per rejected record.
  std::ifstream rejects(options.rejects_path);
  size_t lines = 0;
  for (std::string line; std::getline(rejects, line);) ++lines;
  CHECK(lines >= r.stats.rejected);
  REQUIRE_FALSE(r.records.empty());
  CHECK(r.records[0].id == "A70301");
  CHECK(r.records[0].fund == "EAKR");
  CHECK(r.records[0].start_date == "2015-03-01");
  CHECK(r.records[0].managing_authority == "Innovaatiorahoituskeskus Tekes");
}

TEST_CASE("a real register: the 2007-2013 EURA file") {
  std::string path = std::string(HAKU_SHARED_DIR) + "/data/fi_rakennerahastot_2007-2013.csv";
  if (!fs::exists(path)) {
    MESSAGE("skipped: " << path << " is absent");
    return;
  }
  Result r = read_path(path, eura_options());
  MESSAGE("EURA 2007: read " << r.stats.read << ", accepted " << r.stats.accepted << ", rejected "
                             << r.stats.rejected);
  CHECK(r.stats.read == r.stats.accepted + r.stats.rejected);
  CHECK(r.stats.accepted > r.stats.read * 9 / 10);
}
