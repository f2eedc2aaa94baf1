// HTTP API tests: the real Server on 127.0.0.1 with an ephemeral port over an index built from the sample
// corpus, exercised with httplib::Client; plus the codec and the configuration layers on their own.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <httplib.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/index_writer.h"
#include "corpus/reader.h"
#include "searchd/config.h"
#include "searchd/json_codec.h"
#include "searchd/server.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kVaravaId = "amif-sv-2021-varava";

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "haku-http-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::vector<haku::Project> sample_records() {
  std::vector<haku::Project> records;
  haku::CorpusReader reader;
  reader.read(
      HAKU_SOURCE_DIR "/corpus/sample", [&](haku::Project&& p, const haku::SourceLocation&) { records.push_back(p); },
      [](const haku::Diagnostic&) {});
  return records;
}

// Builds and publishes a generation holding `records`.
void publish(const std::string& index_dir, const std::vector<haku::Project>& records) {
  haku::WriterOptions options;
  options.index_dir = index_dir;
  options.wait_for_lock = true;
  auto writer = haku::IndexWriter::open(options);
  REQUIRE(writer.is_ok());
  REQUIRE((*writer)->begin_build().is_ok());
  for (const auto& p : records) REQUIRE((*writer)->add(p).is_ok());
  REQUIRE((*writer)->publish().is_ok());
}

// A Server on an ephemeral port, serving on its own thread until destroyed.
class TestServer {
 public:
  explicit TestServer(haku::ServerConfig config) : server_(config) {
    auto port = server_.bind();
    REQUIRE(port.is_ok());
    port_ = *port;
    thread_ = std::thread([this] { server_.listen(); });
    httplib::Client probe = client();
    for (int i = 0; i < 100 && !probe.Get("/healthz"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(30, 0);
    return c;
  }

 private:
  haku::Server server_;
  int port_ = 0;
  std::thread thread_;
};

haku::ServerConfig config_for(const std::string& index_dir) {
  haku::ServerConfig config;
  config.index_dir = index_dir;
  config.port = 0;
  config.threads = 4;
  return config;
}

struct Reply {
  int status = 0;
  json body;
  std::string text;
  httplib::Headers headers;
};

Reply get(httplib::Client& c, const std::string& target) {
  auto res = c.Get(target);
  REQUIRE_MESSAGE(res, "no response for " << target);
  Reply r{res->status, json::parse(res->body, nullptr, false), res->body, res->headers};
  return r;
}

// One index and one server shared by the read-only cases of a test case.
struct Fixture {
  TempDir dir;
  std::string index_dir = (dir.path / "index").string();
  std::vector<haku::Project> records = sample_records();
  std::unique_ptr<TestServer> server;
  Fixture() {
    REQUIRE(records.size() >= 10);
    publish(index_dir, records);
    server = std::make_unique<TestServer>(config_for(index_dir));
  }
};

std::vector<std::string> hit_ids(const json& body) {
  std::vector<std::string> ids;
  for (const auto& h : body["hits"]) ids.push_back(h["id"]);
  return ids;
}

}  // namespace

TEST_CASE("health, readiness, metrics and the demo page") {
  Fixture f;
  auto c = f.server->client();
  auto health = get(c, "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == json{{"status", "ok"}});

  auto ready = get(c, "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.body["documents"] == f.records.size());
  CHECK(ready.body["generation"].get<std::string>().rfind("gen-", 0) == 0);
  CHECK(ready.body["features"].is_array());

  get(c, "/v1/search?q=rasism");
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->body.find("haku_http_requests_total{route=\"/v1/search\",status=\"200\"} 1") != std::string::npos);
  CHECK(metrics->body.find("haku_http_request_duration_seconds_bucket{route=\"/v1/search\",le=\"+Inf\"} 1") !=
        std::string::npos);
  CHECK(metrics->body.find("haku_index_documents " + std::to_string(f.records.size())) != std::string::npos);
  CHECK(metrics->body.find("haku_index_generation_info{generation=\"gen-") != std::string::npos);

  auto page = c.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type").find("text/html") == 0);
  CHECK(page->body.find("data-haku-widget") != std::string::npos);
  auto js = c.Get("/haku-widget.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  CHECK(js->body.find("/v1/search") != std::string::npos);
}

TEST_CASE("acceptance: antirasism yrkeshögskola ranks the VARAVA project first") {
  Fixture f;
  auto c = f.server->client();
  auto r = get(c, "/v1/search?q=antirasism%20yrkesh%C3%B6gskola&facets=fund,region");
  REQUIRE(r.status == 200);
  REQUIRE(!r.body["hits"].empty());
  const json& first = r.body["hits"][0];
  CHECK(first["id"] == kVaravaId);
  CHECK(first["title"].get<std::string>().rfind("Mottaglig YH", 0) == 0);
  CHECK(first["snippet"].get<std::string>().find("<mark>") != std::string::npos);
  CHECK(first["start_date"] == "2021-11-01");
  CHECK(r.body["total"]["relation"].is_string());
  CHECK(r.body["facets"].contains("fund"));
  CHECK(r.body["facets"].contains("region"));
  CHECK(r.body.contains("did_you_mean"));
  CHECK(r.body.contains("also_matching"));
  CHECK(!r.body.contains("explain"));

  auto explained = get(c, "/v1/search?q=antirasism&explain=true");
  REQUIRE(explained.status == 200);
  CHECK(explained.body["explain"]["parsed_query"].is_string());
  CHECK(explained.body["explain"]["terms"].is_array());
}

TEST_CASE("every bad parameter is a 400 that names it") {
  Fixture f;
  auto c = f.server->client();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/search?per_page=101", "per_page"},
      {"/v1/search?per_page=0", "per_page"},
      {"/v1/search?per_page=ten", "per_page"},
      {"/v1/search?page=0", "page"},
      {"/v1/search?facets=fund,colour", "facets"},
      {"/v1/search?filter=colour:red", "filter"},
      {"/v1/search?filter=fund", "filter"},
      {"/v1/search?start_from=2021-02-30", "start_from"},
      {"/v1/search?end_to=yesterday", "end_to"},
      {"/v1/search?start_from=2022-01-01&start_to=2021-01-01", "start_to"},
      {"/v1/search?budget_min=lots", "budget_min"},
      {"/v1/search?eu_max=-5", "eu_max"},
      {"/v1/search?budget_min=10&budget_max=5", "budget_max"},
      {"/v1/search?sort=colour", "sort"},
      {"/v1/search?order=up", "order"},
      {"/v1/search?mode=magic", "mode"},
      {"/v1/search?lang=de", "lang"},
      {"/v1/search?ongoing=yes", "ongoing"},
      {"/v1/search?explain=1", "explain"},
      {"/v1/search?expand=maybe", "expand"},
      {"/v1/search?cursor=%25%25%25", "cursor"},
      {"/v1/search?cursor=AAAAAAAA", "cursor"},
      {"/v1/search?colour=red", "colour"},
      {"/v1/search?q=a&q=b", "q"},
      {"/v1/suggest", "q"},
      {"/v1/suggest?q=yrk&limit=500", "limit"},
      {"/v1/suggest?q=yrk&lang=xx", "lang"},
      {"/v1/facets?fund=AMIF", "fund"},
      {"/v1/projects/amif-sv-2021-varava?x=1", "x"},
      {"/v1/projects/amif-sv-2021-varava/similar?per_page=1000", "per_page"},
      {"/v1/projects/amif-sv-2021-varava/similar?sort=budget", "sort"},
  };
  for (const auto& [target, param] : cases) {
    CAPTURE(target);
    auto r = get(c, target);
    CHECK(r.status == 400);
    CHECK(r.body["error"]["code"] == "invalid_parameter");
    CHECK(r.body["error"]["param"] == param);
    CHECK(!r.body["error"]["message"].get<std::string>().empty());
    CHECK(r.text.find(f.index_dir) == std::string::npos);
  }
}

TEST_CASE("404s, 413s and unknown routes answer JSON") {
  Fixture f;
  auto c = f.server->client();
  auto missing = get(c, "/v1/projects/no-such-project");
  CHECK(missing.status == 404);
  CHECK(missing.body["error"]["code"] == "not_found");
  auto missing_similar = get(c, "/v1/projects/no-such-project/similar");
  CHECK(missing_similar.status == 404);
  auto route = get(c, "/v2/search");
  CHECK(route.status == 404);
  CHECK(route.body["error"]["code"] == "route_not_found");
  auto too_long = get(c, "/v1/search?q=" + std::string(6000, 'a'));
  CHECK(too_long.status == 413);
  CHECK(too_long.body["error"]["code"] == "request_too_large");
  auto body = c.Post("/v1/search", std::string(200 * 1024, 'x'), "text/plain");
  REQUIRE(body);
  CHECK(body->status == 413);
}

TEST_CASE("project, similar, suggest and facets") {
  Fixture f;
  auto c = f.server->client();
  auto project = get(c, std::string("/v1/projects/") + kVaravaId);
  REQUIRE(project.status == 200);
  CHECK(project.body["id"] == kVaravaId);
  CHECK(project.body["fund"] == "AMIF");
  CHECK(project.body["description"].is_string());

  auto similar = get(c, std::string("/v1/projects/") + kVaravaId + "/similar?per_page=5");
  REQUIRE(similar.status == 200);
  CHECK(similar.body["hits"].size() <= 5);
  for (const auto& id : hit_ids(similar.body)) CHECK(id != kVaravaId);

  auto suggest = get(c, "/v1/suggest?q=yrkes&limit=5");
  REQUIRE(suggest.status == 200);
  CHECK(suggest.body["suggestions"].size() <= 5);
  for (const auto& s : suggest.body["suggestions"]) CHECK(s["text"].is_string());

  auto facets = get(c, "/v1/facets");
  REQUIRE(facets.status == 200);
  uint64_t funds = 0;
  for (const auto& v : facets.body["facets"]["fund"]) funds += v["count"].get<uint64_t>();
  CHECK(funds == f.records.size());
}

TEST_CASE("multi-select facets: values of one facet are OR-ed and marked selected") {
  Fixture f;
  auto c = f.server->client();
  auto all = get(c, "/v1/search?facets=fund");
  REQUIRE(all.status == 200);
  std::map<std::string, uint64_t> count;
  for (const auto& v : all.body["facets"]["fund"]) count[v["value"]] = v["count"];
  REQUIRE(count.count("AMIF"));
  REQUIRE(count.size() >= 2);
  std::string other;
  for (const auto& [value, n] : count)
    if (value != "AMIF") other = value;

  auto one = get(c, "/v1/search?facets=fund&filter=fund:AMIF");
  CHECK(one.body["total"]["value"] == count["AMIF"]);
  auto both = get(c, "/v1/search?facets=fund&filter=fund:AMIF&filter=fund:" + haku::url_encode(other));
  REQUIRE(both.status == 200);
  CHECK(both.body["total"]["value"] == count["AMIF"] + count[other]);
  int selected = 0;
  for (const auto& v : both.body["facets"]["fund"]) selected += v["selected"].get<bool>() ? 1 : 0;
  CHECK(selected == 2);
}

TEST_CASE("paging and cursors walk every hit once, in a stable order") {
  Fixture f;
  auto c = f.server->client();
  std::vector<std::string> by_page;
  for (int page = 1; page <= 10; ++page) {
    auto r = get(c, "/v1/search?sort=start_date&per_page=4&page=" + std::to_string(page));
    REQUIRE(r.status == 200);
    if (r.body["hits"].empty()) break;
    for (const auto& id : hit_ids(r.body)) by_page.push_back(id);
  }
  CHECK(by_page.size() == f.records.size());
  CHECK(std::set<std::string>(by_page.begin(), by_page.end()).size() == by_page.size());

  std::vector<std::string> by_cursor;
  std::string target = "/v1/search?sort=start_date&per_page=4";
  for (int i = 0; i < 10; ++i) {
    auto r = get(c, target);
    REQUIRE(r.status == 200);
    for (const auto& id : hit_ids(r.body)) by_cursor.push_back(id);
    if (!r.body["next_cursor"].is_string()) break;
    target = "/v1/search?sort=start_date&per_page=4&cursor=" + r.body["next_cursor"].get<std::string>();
  }
  CHECK(by_cursor == by_page);

  auto again = get(c, "/v1/search?sort=start_date&per_page=4&page=2");
  CHECK(hit_ids(again.body) == std::vector<std::string>(by_page.begin() + 4, by_page.begin() + 8));
}

TEST_CASE("CORS: allowed origins get headers and preflight answers; others do not") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records());
  auto config = config_for(index_dir);
  config.cors_origins = {"https://portal.example"};
  TestServer server(config);
  auto c = server.client();
  auto allowed = c.Get("/v1/search?q=rasism", {{"Origin", "https://portal.example"}});
  REQUIRE(allowed);
  CHECK(allowed->get_header_value("Access-Control-Allow-Origin") == "https://portal.example");
  auto other = c.Get("/v1/search?q=rasism", {{"Origin", "https://elsewhere.example"}});
  REQUIRE(other);
  CHECK(!other->has_header("Access-Control-Allow-Origin"));
  auto preflight = c.Options("/v1/search", {{"Origin", "https://portal.example"},
                                            {"Access-Control-Request-Method", "GET"}});
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "https://portal.example");
  CHECK(preflight->get_header_value("Access-Control-Allow-Methods").find("GET") != std::string::npos);
}

TEST_CASE("no index: 503 on search routes until one is published, then served without restart") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  fs::create_directories(index_dir);
  TestServer server(config_for(index_dir));
  auto c = server.client();
  CHECK(get(c, "/healthz").status == 200);
  auto ready = get(c, "/readyz");
  CHECK(ready.status == 503);
  CHECK(ready.body["error"]["code"] == "index_unavailable");
  auto search = get(c, "/v1/search?q=rasism");
  CHECK(search.status == 503);
  CHECK(search.text.find(index_dir) == std::string::npos);
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("haku_index_loaded 0") != std::string::npos);

  publish(index_dir, sample_records());
  CHECK(get(c, "/readyz").status == 200);
  auto found = get(c, "/v1/search?q=antirasism%20yrkesh%C3%B6gskola");
  REQUIRE(found.status == 200);
  CHECK(hit_ids(found.body).at(0) == kVaravaId);
}

TEST_CASE("hot reload: a newly published generation is served while requests are in flight") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  auto records = sample_records();
  publish(index_dir, records);
  TestServer server(config_for(index_dir));
  auto c = server.client();
  const std::string before = get(c, "/readyz").body["generation"];
  CHECK(get(c, "/v1/search?q=zyxwvutsrq&mode=keyword&expand=false").body["total"]["value"] == 0);

  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, served{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&] {
      auto cc = server.client();
      while (!done) {
        auto r = cc.Get("/v1/search?q=rasism&facets=fund");
        if (!r || r->status != 200) ++failures;
        ++served;
      }
    });
  }
  haku::Project extra;
  extra.id = "test-hot-reload";
  extra.title = "Zyxwvutsrq reload project";
  extra.description = "A record that only the second generation holds: zyxwvutsrq.";
  extra.lang = "en";
  extra.fund = "ESF";
  records.push_back(extra);
  publish(index_dir, records);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  done = true;
  for (auto& t : clients) t.join();
  CHECK(failures == 0);
  CHECK(served > 0);

  auto after = get(c, "/readyz");
  CHECK(after.body["generation"] != before);
  CHECK(after.body["documents"] == records.size());
  auto found = get(c, "/v1/search?q=zyxwvutsrq&mode=keyword&expand=false");
  REQUIRE(found.status == 200);
  CHECK(hit_ids(found.body) == std::vector<std::string>{"test-hot-reload"});
}

// Cuts a generation's postlist table in half, as a failing disk or an interrupted copy would.
void truncate_postlist(const std::string& index_dir) {
  const fs::path p = fs::path(index_dir) / "current" / "xapian" / "postlist.glass";
  REQUIRE(fs::exists(p));
  REQUIRE(::truncate(p.c_str(), static_cast<off_t>(fs::file_size(p) / 2)) == 0);
}

TEST_CASE("a published generation that fails to open is refused: searches are answered, /readyz says degraded") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  auto records = sample_records();
  publish(index_dir, records);
  TestServer server(config_for(index_dir));
  auto c = server.client();
  const std::string good = get(c, "/readyz").body["generation"];
  records.pop_back();
  publish(index_dir, records);
  truncate_postlist(index_dir);
  for (int i = 0; i < 8; ++i) {  // every Searcher of the pool, old and new
    auto r = get(c, "/v1/search?q=rasism&facets=fund");
    CHECK(r.status == 200);
  }
  auto ready = get(c, "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.body["status"] == "degraded");
  CHECK(ready.body["generation"] == good);
  CHECK(ready.body["degraded"]["refused"] != good);
  CHECK(ready.body["degraded"]["refused"] == ready.body["degraded"]["published"]);
  CHECK(ready.body["documents"] == records.size() + 1);
}

TEST_CASE("a live generation damaged under the server: /readyz answers 503 failing, not 200") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records());
  TestServer server(config_for(index_dir));
  auto c = server.client();
  REQUIRE(get(c, "/readyz").status == 200);
  truncate_postlist(index_dir);
  int errors = 0;
  for (const char* q : {"rasism", "kotoutuminen", "integration", "yrkeshögskola", "zyxw"}) {
    auto r = get(c, std::string("/v1/search?mode=keyword&q=") + haku::url_encode(q));
    if (r.status != 200) {
      CHECK(r.status == 500);
      CHECK(r.body["error"]["code"] == "index_corrupt");
      ++errors;
    }
  }
  auto ready = get(c, "/readyz");
  CHECK(ready.status == 503);
  CHECK(ready.body["status"] == "failing");
  MESSAGE(errors << " of 5 searches reached the lost blocks");
}

TEST_CASE("codec: defaults and a full request") {
  haku::SearchRequest r;
  CHECK(haku::decode_search_request({}, &r).is_ok());
  CHECK(r.per_page == 10);
  CHECK(r.page == 1);
  CHECK(r.lang == "auto");
  haku::SearchRequest full;
  const haku::QueryParams p = {{"q", "rasism"},          {"lang", "sv"},          {"filter", "fund:AMIF"},
                               {"filter", "fund:ESF"},   {"budget_min", "1000.5"}, {"eu_max", "2e6"},
                               {"start_from", "2020-02-29"}, {"ongoing", "true"},  {"facets", "fund,region"},
                               {"sort", "budget"},       {"order", "asc"},        {"per_page", "100"},
                               {"mode", "keyword"},      {"expand", "false"}};
  REQUIRE(haku::decode_search_request(p, &full).is_ok());
  CHECK(full.filters.size() == 2);
  CHECK(*full.budget_min == doctest::Approx(1000.5));
  CHECK(*full.eu_max == doctest::Approx(2e6));
  CHECK(full.ongoing);
  CHECK(full.facets == std::vector<std::string>{"fund", "region"});
  CHECK(full.sort == haku::SortBy::budget);
  CHECK(full.descending == false);
  CHECK(full.mode == haku::SearchMode::keyword);
  CHECK(!full.expand);
}

TEST_CASE("codec: every engine status maps to an HTTP status without leaking messages") {
  using haku::StatusCode;
  for (auto code : {StatusCode::invalid_argument, StatusCode::not_found, StatusCode::unavailable, StatusCode::busy,
                    StatusCode::corrupt, StatusCode::io_error, StatusCode::internal}) {
    const int http = haku::http_status_for(code);
    CHECK(http >= 400);
    const json body = haku::encode_error(haku::Status::error(code, "/var/secret/path failed"));
    if (http >= 500) CHECK(body.dump().find("/var/secret") == std::string::npos);
  }
  CHECK(haku::http_status_for(StatusCode::invalid_argument) == 400);
  CHECK(haku::http_status_for(StatusCode::not_found) == 404);
  CHECK(haku::http_status_for(StatusCode::unavailable) == 503);
}

TEST_CASE("config: defaults < file < environment < flags, validated") {
  TempDir dir;
  const fs::path file = dir.path / "searchd.conf";
  std::ofstream(file) << "# comment\nport = 9001\nthreads = 2\nhost = 0.0.0.0\ncors_origins = https://a.example\n";
  const std::map<std::string, std::string> env = {{"HAKU_PORT", "9002"}, {"HAKU_THREADS", "3"}};
  auto lookup = [&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  const std::string file_arg = file.string();
  const char* argv[] = {"haku-searchd", "--config", file_arg.c_str(), "--port", "9003", "--access-log"};
  auto load = haku::load_config(6, argv, lookup);
  REQUIRE(load.error.empty());
  CHECK(load.config.port == 9003);    // flag
  CHECK(load.config.threads == 3);    // environment over file
  CHECK(load.config.host == "0.0.0.0");  // file over default
  CHECK(load.config.cors_origins == std::vector<std::string>{"https://a.example"});
  CHECK(load.config.access_log);
  CHECK(load.config.index_dir == "./var/index");  // default

  const char* bad_port[] = {"haku-searchd", "--port", "70000"};
  CHECK(!haku::load_config(3, bad_port, lookup).error.empty());
  const char* unknown[] = {"haku-searchd", "--colour", "red"};
  CHECK(haku::load_config(3, unknown, lookup).error.find("--colour") != std::string::npos);
  const char* help[] = {"haku-searchd", "--help"};
  CHECK(haku::load_config(2, help, lookup).help);
}
