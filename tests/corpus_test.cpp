// Unit tests for the corpus library: the record's JSON form, the value parsers, the fund and status
// vocabularies, the JSON Lines, JSON array and CSV readers (round trips, each class of bad input with
// its exact message, gzip). Mappings and the real registers: tests/import_test.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <zlib.h>

#include <algorithm>

#include "corpus/project.h"
#include "corpus/reader.h"
#include "corpus/text_util.h"
#include "corpus/vocabulary.h"

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

TEST_CASE("JSON Lines: a record without a usable id or title is rejected with its exact message") {
  TempDir tmp;
  std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"id\":\"u\",\"title\":\"bad \xC3\x28 byte\"}", "invalid UTF-8 at byte 24"},
      {R"({"title":"no id"})", "id: missing"},
      {R"({"id":"","title":"empty id"})", "id: missing"},
      {R"({"id":"t"})", "title: missing"},
      {R"({"id":"w","title":42})", "title: expected a string, got number"},
      {R"({"id":"i","title":"x","id":["a"]})", "id: expected a string, got array"},
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

TEST_CASE("JSON Lines: a bad optional value drops that field with a warning and keeps the record") {
  TempDir tmp;
  std::string long_text(70000, 'a');
  std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"id":"w2","title":"x","places":"Oulu"})", "places: expected an array of strings, got string (dropped)"},
      {R"({"id":"w3","title":"x","total_budget_eur":[1]})",
       "total_budget_eur: expected a number or an amount string, got array (dropped)"},
      {R"({"id":"m","title":"x","total_budget_eur":"lots"})", "total_budget_eur: not an amount: \"lots\" (dropped)"},
      {R"({"id":"gbp","title":"x","total_budget_eur":"£1,200"})",
       "total_budget_eur: an amount in GBP, not euros: \"£1,200\" (dropped)"},
      {R"({"id":"d","title":"x","start_date":"32.1.2020"})", "start_date: not a date: \"32.1.2020\" (dropped)"},
      {R"({"id":"e","title":"x","start_date":"2021-01-01","end_date":"1.1.2020"})",
       "end_date: 2020-01-01 is before start_date 2021-01-01; both dates (dropped)"},
      {R"({"id":"l","title":"x","description":")" + long_text + "\"}",
       "description: longer than 65536 bytes (70000) (dropped)"},
      {R"({"id":"g","title":"x","lang":"de"})", "lang: expected fi, sv or en, got \"de\" (dropped)"},
      {R"({"id":"r","title":"x","cofinancing_rate":"150%"})",
       "cofinancing_rate: not a rate between 0 and 1: \"150%\" (dropped)"},
      {R"({"id":"tr","title":"x","translations":{"de":{"title":"y"}}})", "translations.de: expected fi, sv or en (dropped)"},
      {R"({"id":"s","title":"x","status":"maybe"})",
       "status: not a status: \"maybe\" (expected ongoing, closed or discontinued) (dropped)"},
      {R"({"id":"c","title":"x","total_budget":100})", "total_budget: an amount without a currency (dropped)"},
  };
  std::string content;
  for (const auto& c : cases) content += c.first + "\n";
  std::string path = tmp.file("opt.jsonl", content);
  Result r = read_path(path);
  CHECK(r.rejected.empty());
  REQUIRE(r.records.size() == cases.size());
  REQUIRE(r.warnings.size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i)
    CHECK(r.warnings[i] == path + ":" + std::to_string(i + 1) + ": " + cases[i].second);
  CHECK(r.stats.warned == cases.size());
  CHECK(r.records[0].places.empty());
  CHECK_FALSE(r.records[2].total_budget_eur);
  CHECK(r.records[5].start_date.empty());
  CHECK(r.records[5].end_date.empty());
  CHECK(r.records[6].description.empty());
  CHECK_FALSE(r.records[8].cofinancing_rate);
  CHECK(r.records[10].status.empty());
}

TEST_CASE("every problem of a record is reported at once, each as file:line: field: reason") {
  TempDir tmp;
  std::string path = tmp.file(
      "all.jsonl",
      R"({"id":"","title":7,"start_date":"soon","cofinancing_rate":"150%","places":"Oulu"})" "\n"
      R"({"id":"k","title":"kept","start_date":"soon","cofinancing_rate":"150%","lang":"xx"})" "\n");
  Result r = read_path(path);
  // The rejected record: every problem, the required fields' first.
  std::vector<std::string> expected = {
      path + ":1: title: expected a string, got number",
      path + ":1: id: missing",
      path + ":1: start_date: not a date: \"soon\" (dropped)",
      path + ":1: cofinancing_rate: not a rate between 0 and 1: \"150%\" (dropped)",
      path + ":1: places: expected an array of strings, got string (dropped)",
  };
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> got = r.rejected;
  std::sort(got.begin(), got.end());
  CHECK(got == expected);
  CHECK(r.stats.rejected == 1);
  // The kept record: all three optional values dropped, each with its own warning.
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].id == "k");
  CHECK(r.warnings.size() == 3);
  CHECK(r.stats.warned == 1);
}

// Regression: an id longer than Xapian's term limit used to pass the reader and fail the whole build
// at publish; it is a reject naming the line.
TEST_CASE("an id longer than the index's term limit is rejected at its line") {
  TempDir tmp;
  const std::string long_id(kMaxIdBytes + 1, 'x');
  const std::string ok_id(kMaxIdBytes, 'y');
  std::string path = tmp.file("ids.jsonl", "{\"id\":\"" + long_id + "\",\"title\":\"a\"}\n{\"id\":\"" + ok_id +
                                               "\",\"title\":\"b\"}\n");
  Result r = read_path(path);
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0] == path + ":1: id: longer than 244 bytes (245), the most an index term can hold");
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].id == ok_id);
}

TEST_CASE("JSON values are trimmed as CSV cells are") {
  TempDir tmp;
  std::string path = tmp.file("t.jsonl", R"({"id":" a1 ","title":"  Otsikko ","implementer":" Oulun kaupunki  ","places":[" Oulu ",""],"fund":" EAKR "})" "\n");
  Result r = read_path(path);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].id == "a1");
  CHECK(r.records[0].title == "Otsikko");
  CHECK(r.records[0].implementer == "Oulun kaupunki");
  CHECK(r.records[0].places == std::vector<std::string>{"Oulu"});
  CHECK(r.records[0].fund == "ERDF");
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
  REQUIRE(r.records.size() == 4);  // a, and b, c, f without their bad values
  std::vector<std::string> expected = {
      path + ":5: id: missing",
      path + ":6: expected 6 fields, got 7",
      path + ":7: invalid UTF-8 at byte 8",
      path + ":9: unterminated quoted field",
  };
  CHECK(r.rejected == expected);
  std::vector<std::string> warnings = {
      path + ":1: colour: unknown column (ignored)",
      path + ":3: end_date: not a date: \"soon\" (dropped)",
      path + ":4: total_budget_eur: not an amount: \"much\" (dropped)",
      path + ":8: end_date: 2020-01-01 is before start_date 2021-01-01; both dates (dropped)",
  };
  CHECK(r.warnings == warnings);
  CHECK(r.records[1].id == "b");
  CHECK(r.records[1].start_date == "2020-01-01");
  CHECK(r.records[1].end_date.empty());
  CHECK(r.stats.read == 8);
  CHECK(r.stats.accepted == 4);
  CHECK(r.stats.warned == 3);
  CHECK(r.stats.rejected == 4);
  std::string rejects = slurp(options.rejects_path);
  CHECK(rejects.starts_with(",no id,,,,\n"));
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

TEST_CASE("parse_date reads the registers' other formats") {
  std::string d;
  DateFormat yy;
  yy.century = 2000;
  // England's ESIF export: German month abbreviations, two-digit years.
  CHECK((parse_date("01. Nov 15", &d, yy, false) && d == "2015-11-01"));
  CHECK((parse_date("31. Dez 18", &d, yy, false) && d == "2018-12-31"));
  CHECK((parse_date("Mrz 16", &d, yy, false) && d == "2016-03-01"));
  CHECK((parse_date("Dez 17", &d, yy, true) && d == "2017-12-31"));
  CHECK((parse_date("01. Mai 16", &d, yy, false) && d == "2016-05-01"));
  CHECK((parse_date("25-Jan-2016", &d, yy, false) && d == "2016-01-25"));
  CHECK((parse_date("10-Mrz-2016", &d, yy, false) && d == "2016-03-10"));
  CHECK_FALSE(parse_date("31-Nov-18", &d, yy, false));  // no 31 November
  CHECK_FALSE(parse_date("31/04/2014", &d, yy, false));
  CHECK_FALSE(parse_date("01. Nov 15", &d));  // two-digit years only when the format gives a century
  // Malta: quarters, years, long dates with the weekday.
  CHECK((parse_date("Q4 2013", &d) && d == "2013-10-01"));
  CHECK((parse_date("Q4 2013", &d, {}, true) && d == "2013-12-31"));
  CHECK((parse_date("Quarter 2,  2012", &d, {}, true) && d == "2012-06-30"));
  CHECK((parse_date("Q 3, 2010", &d) && d == "2010-07-01"));
  CHECK((parse_date("2014 Q1", &d) && d == "2014-01-01"));
  CHECK((parse_date("2011", &d, {}, true) && d == "2011-12-31"));
  CHECK((parse_date("Tuesday, October 18, 2011", &d) && d == "2011-10-18"));
  CHECK_FALSE(parse_date("Q5 2013", &d));
  // Month first and year first.
  DateFormat us;
  us.order = DateFormat::mdy;
  CHECK((parse_date("10/31/2016", &d, us, false) && d == "2016-10-31"));
  CHECK_FALSE(parse_date("31/10/2016", &d, us, false));
  CHECK((parse_date("2016/01/25", &d) && d == "2016-01-25"));
}

TEST_CASE("parse_money names the currency a marker gives") {
  double v = 0;
  std::string c;
  CHECK((parse_money("£1,434,364", &v, &c) && v == doctest::Approx(1434364) && c == "GBP"));
  CHECK((parse_money("3 929 285 SEK", &v, &c) && v == doctest::Approx(3929285) && c == "SEK"));
  CHECK((parse_money("€544,310", &v, &c) && c == "EUR"));
  CHECK((parse_money("12000", &v, &c) && c.empty()));
  CHECK_FALSE(parse_money("£100 EUR", &v, &c));  // two currencies
  CHECK_FALSE(parse_money("£100", &v));          // the euro-only form refuses pounds
}

TEST_CASE("funds: one canonical code, labels per interface language") {
  for (const char* spelling : {"EAKR", "ERDF", "ERUF", "Eruf", "eakr", "European Regional Development Fund",
                               "Euroopan aluekehitysrahasto", "Europeiska regionala utvecklingsfonden", " ERDF "}) {
    INFO(spelling);
    CHECK(canonical_fund(spelling) == "ERDF");
  }
  CHECK(canonical_fund("ESR") == "ESF");
  CHECK(canonical_fund("Euroopan sosiaalirahasto") == "ESF");
  CHECK(canonical_fund("ESR+") == "ESF+");
  CHECK(canonical_fund("Cohesion Fund") == "CF");
  CHECK(canonical_fund("Interreg Europe") == "Interreg Europe");  // not a fund the table knows: as written
  CHECK(fund_label("ERDF", "fi") == "EAKR");
  CHECK(fund_label("ERDF", "sv") == "ERUF");
  CHECK(fund_label("ERDF", "en") == "ERDF");
  CHECK(fund_label("ESF", "fi") == "ESR");
  CHECK(fund_label("CF", "fi") == "Koheesiorahasto");  // no Finnish abbreviation: the name
  CHECK(fund_label("Interreg Europe", "fi").empty());
  CHECK(fund_name("ERDF", "sv") == "Europeiska regionala utvecklingsfonden");
  CHECK(canonical_status("Toiminnassa") == "ongoing");
  CHECK(canonical_status("Toiminta päättynyt") == "closed");
  CHECK(canonical_status("TOIMINTA PÄÄTTYNYT") == "closed");
  CHECK(canonical_status("Keskeytynyt") == "discontinued");
  CHECK(canonical_status("Pågående") == "ongoing");
  CHECK(canonical_status("maybe").empty());
  CHECK(status_label("closed", "sv") == "Avslutat");
}

TEST_CASE("repair_mojibake undoes UTF-8 read as Latin-1 or Windows-1252") {
  CHECK(repair_mojibake("Malta\xC3\xA2\xC2\x80\xC2\x99s waste") == "Malta\xE2\x80\x99s waste");  // â\x80\x99
  CHECK(repair_mojibake("Malta\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s") == "Malta\xE2\x80\x99s");       // â€™
  CHECK(repair_mojibake("p\xC3\x83\xC2\xA4iv\xC3\x83\xC2\xA4") == "p\xC3\xA4iv\xC3\xA4");            // pÃ¤ivÃ¤
  CHECK(repair_mojibake("ESF 2014 \xC2\x96 2020") == "ESF 2014 \xE2\x80\x93 2020");                  // U+0096
  CHECK(repair_mojibake("Hämeen ELY-keskus") == "Hämeen ELY-keskus");
  CHECK(repair_mojibake("plain") == "plain");
}

TEST_CASE("JSON arrays and JSON Lines are told apart by content, not by name") {
  TempDir tmp;
  std::string array_path = tmp.file("records.jsonl",
                                    "[\n  {\"id\": \"a\", \"title\": \"A\"},\n  {\"id\": \"b\",\n   \"title\": \"B\"}"
                                    ",\n  42,\n  {\"id\": \"c\"}\n]\n");
  Result r = read_path(array_path);
  REQUIRE(r.records.size() == 2);
  CHECK(r.where[0].line == 2);
  CHECK(r.where[1].line == 3);  // an element is reported where it starts
  REQUIRE(r.rejected.size() == 2);
  CHECK(r.rejected[0] == array_path + ":5: expected a JSON object, got number");
  CHECK(r.rejected[1] == array_path + ":6: title: missing");
  CHECK(r.stats.read == 4);
  std::string lines_path = tmp.file("records.json", "{\"id\":\"x\",\"title\":\"X\"}\n{\"id\":\"y\",\"title\":\"Y\"}\n");
  Result l = read_path(lines_path);
  CHECK(l.records.size() == 2);
  CHECK(l.rejected.empty());
  // Brackets, braces and escaped quotes inside strings, and nested arrays, do not end an element.
  std::string tricky_path = tmp.file("tricky.json",
                                     R"([{"id":"t1","title":"a ] b } c \" d","places":["x]","{y"]},)"
                                     "\n"
                                     R"( {"id":"t2","title":"[\\]"}])");
  Result t = read_path(tricky_path);
  REQUIRE(t.records.size() == 2);
  CHECK(t.records[0].title == "a ] b } c \" d");
  CHECK(t.records[0].places == std::vector<std::string>{"x]", "{y"});
  CHECK(t.records[1].title == "[\\]");
  CHECK(t.where[1].line == 2);
  // A single pretty-printed object is one record.
  std::string doc_path = tmp.file("one.json", "{\n  \"id\": \"z\",\n  \"title\": \"Z\"\n}\n");
  Result d = read_path(doc_path);
  REQUIRE(d.records.size() == 1);
  CHECK(d.records[0].id == "z");
  // A truncated array: the broken element is rejected, the earlier ones are kept.
  std::string cut_path = tmp.file("cut.json", "[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"b\",\"ti");
  Result c = read_path(cut_path);
  CHECK(c.records.size() == 1);
  REQUIRE(c.rejected.size() == 1);
  CHECK(c.rejected[0] == cut_path + ":1: unterminated JSON value (the file ends inside it)");
}

TEST_CASE("gzip-compressed files are read as they are") {
  TempDir tmp;
  const std::string path = tmp.path("records.jsonl.gz");
  std::string content;
  for (int i = 0; i < 2000; ++i) content += "{\"id\":\"g" + std::to_string(i) + "\",\"title\":\"Otsikko " + std::to_string(i) + "\"}\n";
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, content.data(), static_cast<unsigned>(content.size())) == static_cast<int>(content.size()));
  gzclose(gz);
  Result r = read_path(path);
  CHECK(r.rejected.empty());
  REQUIRE(r.records.size() == 2000);
  CHECK(r.records[1999].id == "g1999");
  CHECK(r.where[1999].line == 2000);
  // A folder picks up .gz files too; a damaged one says so.
  std::string bytes = slurp(path);
  tmp.file("damaged.jsonl.gz", bytes.substr(0, bytes.size() / 2));
  Result f = read_path(tmp.dir());
  CHECK(f.records.size() > 2000);
  bool told = false;
  for (const auto& w : f.warnings) told = told || w.find("truncated gzip data") != std::string::npos;
  CHECK(told);
}

TEST_CASE("each file's counts") {
  TempDir tmp;
  tmp.file("a.jsonl", "{\"id\":\"a\",\"title\":\"A\"}\n{\"id\":\"b\"}\n");
  tmp.file("b.jsonl", "{\"id\":\"c\",\"title\":\"C\",\"start_date\":\"soon\"}\n");
  CorpusReader reader;
  reader.read(tmp.dir(), [](Project&&, const SourceLocation&) {}, [](const Diagnostic&) {});
  const auto& files = reader.file_stats();
  REQUIRE(files.size() == 2);
  CHECK(format_counts(files[0]) == tmp.path("a.jsonl") + ": read 2, accepted 1 (repaired 0, warned 0), rejected 1");
  CHECK(format_counts(files[1]) == tmp.path("b.jsonl") + ": read 1, accepted 1 (repaired 0, warned 1), rejected 0");
  CHECK(reader.stats().read == 3);
}
