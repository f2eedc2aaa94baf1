// HTTP API tests: the real Server on 127.0.0.1 with an ephemeral port over an index built from the sample
// corpus, exercised with httplib::Client; plus the codec and the configuration layers on their own.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/index_writer.h"
#include "corpus/reader.h"
#include "searchd/api_keys.h"
#include "searchd/client_address.h"
#include "searchd/config.h"
#include "searchd/json_codec.h"
#include "searchd/rate_limiter.h"
#include "searchd/request_head.h"
#include "searchd/server.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kVaravaId = "amif-sv-2021-varava";
constexpr const char* kAdminKey = "test-admin-key-0123456789";

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

// Builds and publishes a generation holding `records`; `full`: with lemmas, compounds and the semantic
// layer (the connection and admission cases need only a keyword index, which builds much faster).
void publish(const std::string& index_dir, const std::vector<haku::Project>& records, bool full = true) {
  haku::WriterOptions options;
  options.index_dir = index_dir;
  options.wait_for_lock = true;
  options.full_analysis = full;
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
  int port() const { return port_; }
  haku::Server& server() { return server_; }
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

// The tests' server: an admin key for /metrics; no rate limit and no per-client search share, since
// every test client is 127.0.0.1 (the cases for those set their own).
haku::ServerConfig config_for(const std::string& index_dir) {
  haku::ServerConfig config;
  config.index_dir = index_dir;
  config.port = 0;
  config.threads = 4;
  config.admin_key = kAdminKey;
  config.rate_limit = 0;
  config.max_searches_per_client = 64;
  return config;
}

const httplib::Headers kAdminHeaders = {{"Authorization", std::string("Bearer ") + kAdminKey}};

// A response read off a raw connection.
struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A raw TCP connection to the server, for what an HTTP client library does not do: pipelining,
// requests that arrive slowly or never finish, idle connections, other source addresses. Every
// wait is bounded.
class RawConnection {
 public:
  // `source`: the local address to connect from (any 127.0.0.0/8 address is this machine).
  explicit RawConnection(int port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    if (source) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, source, &local.sin_addr);
      REQUIRE_MESSAGE(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0, "cannot bind " << source);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until `want` complete responses are in, the peer closes, or `timeout` passes.
  std::vector<RawResponse> read_responses(size_t want, std::chrono::milliseconds timeout) {
    std::vector<RawResponse> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      while (out.size() < want) {
        RawResponse r;
        const size_t used = parse(buffer_, &r);
        if (used == 0) break;
        buffer_.erase(0, used);
        out.push_back(std::move(r));
      }
      if (out.size() >= want || closed_ || !wait_readable(deadline)) return out;
      read_some();
    }
  }
  // True when the server closes the connection within `timeout` (any response before is dropped).
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && wait_readable(deadline)) read_some();
    return closed_;
  }
  const std::string& unread() const { return buffer_; }

 private:
  bool wait_readable(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
  }
  void read_some() {
    char buf[8192];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
    } else {
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }
  // One response at the start of `b` (Content-Length framed): bytes used, 0 when incomplete.
  static size_t parse(const std::string& b, RawResponse* r) {
    const size_t head_end = b.find("\r\n\r\n");
    if (head_end == std::string::npos) return 0;
    r->status = std::atoi(b.substr(9, 3).c_str());
    size_t pos = b.find("\r\n") + 2;
    while (pos < head_end) {
      const size_t eol = b.find("\r\n", pos);
      const std::string line = b.substr(pos, eol - pos);
      const size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r->headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      pos = eol + 2;
    }
    const size_t length = r->headers.count("content-length") ? std::stoul(r->headers["content-length"]) : 0;
    if (b.size() < head_end + 4 + length) return 0;
    r->body = b.substr(head_end + 4, length);
    return head_end + 4 + length;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string buffer_;
};

// A background thread that is stopped and joined however the test case ends (a failed REQUIRE too).
class Background {
 public:
  explicit Background(std::function<void(const std::atomic<bool>& stop)> body)
      : thread_([this, body = std::move(body)] { body(stop_); }) {}
  ~Background() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// GET /healthz on a fresh connection, answered within `timeout`.
bool healthz_answers(int port, std::chrono::milliseconds timeout, const char* source = nullptr) {
  RawConnection c(port, source);
  if (!c.connected() || !c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")) return false;
  const auto replies = c.read_responses(1, timeout);
  return replies.size() == 1 && replies[0].status == 200;
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

// A server over an index folder where nothing is published yet: the connection-level cases need no
// index (/healthz, the demo page and the listener's own answers do not touch one).
struct Unpublished {
  TempDir dir;
  std::string index_dir = (dir.path / "index").string();
  Unpublished() { fs::create_directories(index_dir); }
  haku::ServerConfig config() const { return config_for(index_dir); }
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
  auto metrics = c.Get("/metrics", kAdminHeaders);
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
  CHECK(page->body.find("/widget/v1/haku.js") != std::string::npos);
  auto js = c.Get("/widget/v1/haku.js");
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
  auto metrics = c.Get("/metrics", kAdminHeaders);
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

TEST_CASE("POST /v1/admin/reload: needs the admin key, and tries again a generation refused before") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  auto records = sample_records();
  publish(index_dir, records, false);
  TestServer server(config_for(index_dir));
  auto c = server.client();
  const std::string good = get(c, "/readyz").body["generation"];

  auto anonymous = c.Post("/v1/admin/reload");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  auto wrong_method = c.Get("/v1/admin/reload", kAdminHeaders);
  REQUIRE(wrong_method);
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->get_header_value("Allow") == "POST, OPTIONS");

  // A generation whose postlist is damaged while it is copied: refused, the good one stays served.
  records.pop_back();
  publish(index_dir, records, false);
  const fs::path postlist = fs::path(index_dir) / "current" / "xapian" / "postlist.glass";
  const fs::path saved = dir.path / "postlist.saved";
  fs::copy_file(postlist, saved);
  truncate_postlist(index_dir);
  CHECK(get(c, "/v1/search?q=rasism").status == 200);
  auto ready = get(c, "/readyz");
  CHECK(ready.body["status"] == "degraded");
  CHECK(ready.body["generation"] == good);
  const std::string published = ready.body["degraded"]["published"];
  CHECK(published != good);

  // The copy completes. A refused generation is not tried again on every request ...
  fs::copy_file(saved, postlist, fs::copy_options::overwrite_existing);
  CHECK(get(c, "/v1/search?q=rasism").status == 200);
  CHECK(get(c, "/readyz").body["status"] == "degraded");
  // ... but a forced reload tries it again, and it is served.
  auto reload = c.Post("/v1/admin/reload", kAdminHeaders, "", "application/json");
  REQUIRE(reload);
  CHECK(reload->status == 200);
  const json body = json::parse(reload->body);
  CHECK(body["status"] == "ready");
  CHECK(body["served"] == published);
  CHECK(body["published"] == published);
  CHECK(body["refusals"] == 1);
  CHECK_FALSE(body.contains("degraded"));
  auto after = get(c, "/readyz");
  CHECK(after.body["status"] == "ready");
  CHECK(after.body["generation"] == published);
  CHECK(after.body["documents"] == records.size());
}

TEST_CASE("issue 13, finding 2: a 1 kB wildcard flood is answered at once with 400 naming q, not a stall") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  std::vector<haku::Project> records;
  for (char l = 'a'; l <= 'z'; ++l) {  // every one-letter wildcard expands to more than it may search
    haku::Project p;
    p.id = std::string("letters-") + l;
    p.title = std::string("Letter ") + l;
    for (int i = 0; i < 120; ++i) p.description += std::string(1, l) + "word" + std::to_string(i) + " ";
    p.lang = "en";
    records.push_back(p);
  }
  publish(index_dir, records, false);
  auto config = config_for(index_dir);
  config.max_query_words = 1000;  // the word limit would refuse it first: the engine's bound is tested
  TestServer server(config);
  auto c = server.client();
  std::string q;
  for (int i = 0; q.size() < 1000; ++i) {
    if (!q.empty()) q += " OR ";
    q += static_cast<char>('a' + i % 26);
    q += '*';
  }
  auto r = get(c, "/v1/search?facets=lang&q=" + haku::url_encode(q));
  CHECK(r.status == 400);
  CHECK(r.body["error"]["param"] == "q");
  CHECK(r.body["error"]["message"].get<std::string>().find("too many terms after expansion") != std::string::npos);
  CHECK(get(c, "/healthz").status == 200);
  auto one = get(c, "/v1/search?q=" + haku::url_encode("b*"));
  CHECK(one.status == 200);
  CHECK_FALSE(one.body.contains("partial"));
}

TEST_CASE("a cursor past max-result-window is 400 naming cursor; the last page within it has no cursor") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records(), false);
  auto config = config_for(index_dir);
  config.max_result_window = 10;
  TestServer server(config);
  auto c = server.client();
  auto p1 = get(c, "/v1/search?mode=keyword&per_page=5");
  REQUIRE(p1.status == 200);
  REQUIRE(p1.body["next_cursor"].is_string());
  auto p2 = get(c, "/v1/search?mode=keyword&per_page=5&cursor=" + haku::url_encode(p1.body["next_cursor"].get<std::string>()));
  REQUIRE(p2.status == 200);
  CHECK(p2.body["next_cursor"].is_null());
  CHECK(get(c, "/v1/search?mode=keyword&per_page=5&page=3").body["error"]["param"] == "page");
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

// ---- hardening: connections, admission, limits, keys (issue 13) ---------------------------------------

using std::chrono::milliseconds;

TEST_CASE("regression: pipelined requests on one connection are all answered, in order") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records(), false);
  TestServer server(config_for(index_dir));
  RawConnection c(server.port());
  REQUIRE(c.connected());
  // Three requests in one write; before the fix only the first was answered (cpp-httplib read the
  // rest into a buffer it then dropped) and the connection hung until the keep-alive timeout.
  REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /v1/projects/amif-sv-2021-varava HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /no/such/route HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /v1/search?q=rasism&per_page=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const auto replies = c.read_responses(4, milliseconds(10000));
  REQUIRE(replies.size() == 4);
  CHECK(replies[0].status == 200);
  CHECK(json::parse(replies[0].body) == json{{"status", "ok"}});
  CHECK(replies[1].status == 200);
  CHECK(json::parse(replies[1].body)["id"] == kVaravaId);
  CHECK(replies[2].status == 404);
  CHECK(replies[3].status == 200);
  CHECK(json::parse(replies[3].body)["hits"].size() == 1);
  CHECK(replies[3].headers.at("connection") == "close");
  CHECK(c.closed_within(milliseconds(5000)));
}

TEST_CASE("regression: pipelined requests with bodies and bytes split anywhere keep their framing") {
  Unpublished u;
  TestServer server(u.config());
  RawConnection c(server.port());
  REQUIRE(c.connected());
  const std::string requests =
      "POST /v1/search HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nGET /x HTTP"  // a body that looks like a request
      "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  for (char ch : requests) {  // one byte per write
    REQUIRE(c.send(std::string(1, ch)));
  }
  const auto replies = c.read_responses(2, milliseconds(10000));
  REQUIRE(replies.size() == 2);
  CHECK(replies[0].status == 405);
  CHECK(replies[1].status == 200);
}

TEST_CASE("regression: 64 connections trickling header lines (slowloris) do not stop /healthz") {
  Unpublished u;
  auto config = u.config();
  config.read_timeout_s = 30;  // the attack outlasts the test: only the threads it no longer holds help
  TestServer server(config);
  std::vector<std::unique_ptr<RawConnection>> attack;
  for (int i = 0; i < 64; ++i) {
    attack.push_back(std::make_unique<RawConnection>(server.port(), "127.0.0.2"));
    REQUIRE(attack.back()->connected());
    REQUIRE(attack.back()->send("GET /v1/search?q=rasism HTTP/1.1\r\nHost: t\r\n"));
  }
  Background trickle([&](const std::atomic<bool>& stop) {
    for (int round = 0; !stop && round < 200; ++round) {
      for (auto& c : attack) c->send("X-Trickle-" + std::to_string(round) + ": 1\r\n");
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  // Before the fix each of these connections held one of the 64 HTTP threads.
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(healthz_answers(server.port(), milliseconds(3000)));
  CHECK(healthz_answers(server.port(), milliseconds(3000), "127.0.0.2"));  // same client, another connection
  auto c = server.client();
  c.set_read_timeout(5, 0);
  auto page = c.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
}

TEST_CASE("regression: 200 idle keep-alive connections do not stop /healthz") {
  Unpublished u;
  auto config = u.config();
  config.keep_alive_timeout_s = 60;
  config.read_timeout_s = 60;
  TestServer server(config);
  // 200 keep-alive connections from one client, each sending a small request once a second and
  // otherwise idle (the responses are left unread). Before the fix each connection held one of the
  // 64 HTTP threads while its client kept it alive, and every other connection queued behind them.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server.port(), "127.0.0.3"));
    REQUIRE(idle.back()->connected());
  }
  Background keep_alive([&](const std::atomic<bool>& stop) {
    for (int round = 0; !stop && round < 60; ++round) {
      for (auto& c : idle) c->send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
      for (int i = 0; i < 10 && !stop; ++i) std::this_thread::sleep_for(milliseconds(100));
    }
  });
  std::this_thread::sleep_for(milliseconds(1500));
  CHECK(healthz_answers(server.port(), milliseconds(3000)));
  CHECK(healthz_answers(server.port(), milliseconds(3000), "127.0.0.3"));
  auto c = server.client();
  c.set_read_timeout(5, 0);
  auto ready = c.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 503);  // answered: nothing is published in this case
  // And 100 more that connect and never send anything cost no thread either.
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 100; ++i) silent.push_back(std::make_unique<RawConnection>(server.port(), "127.0.0.8"));
  CHECK(healthz_answers(server.port(), milliseconds(3000)));
}

TEST_CASE("a request must arrive within read_timeout in total, not per read: 408, then closed") {
  Unpublished u;
  haku::ServerConfig config = u.config();
  config.read_timeout_s = 1;
  TestServer server(config);
  RawConnection c(server.port());
  REQUIRE(c.send("GET /healthz HTTP/1.1\r\n"));
  // One header byte every 200 ms: each read is quick, the whole head never comes.
  std::vector<RawResponse> replies;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 40 && replies.empty(); ++i) {
    c.send("X");
    replies = c.read_responses(1, milliseconds(200));
  }
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].status == 408);
  CHECK(json::parse(replies[0].body)["error"]["code"] == "request_timeout");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  CHECK(c.closed_within(milliseconds(3000)));
}

TEST_CASE("an idle keep-alive connection is closed after keep_alive_timeout; a silent one after read_timeout") {
  Unpublished u;
  haku::ServerConfig config = u.config();
  config.keep_alive_timeout_s = 1;
  config.read_timeout_s = 1;
  TestServer server(config);
  RawConnection kept(server.port());
  REQUIRE(kept.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto replies = kept.read_responses(1, milliseconds(5000));
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].headers.at("keep-alive").find("timeout=1") != std::string::npos);
  CHECK(kept.closed_within(milliseconds(4000)));
  RawConnection silent(server.port());
  CHECK(silent.closed_within(milliseconds(4000)));
  CHECK(silent.unread().empty());
}

TEST_CASE("connection caps: 429 beyond the per-client cap, the longest idle connection makes room at the total") {
  Unpublished u;
  haku::ServerConfig config = u.config();
  config.max_connections_per_client = 8;
  config.max_connections = 16;
  config.keep_alive_timeout_s = 60;
  config.read_timeout_s = 60;
  TestServer server(config);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawConnection>(server.port(), "127.0.0.4"));
    REQUIRE(held.back()->send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(held.back()->read_responses(1, milliseconds(5000)).size() == 1);
  }
  RawConnection ninth(server.port(), "127.0.0.4");
  const auto refused = ninth.read_responses(1, milliseconds(5000));
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].status == 429);
  CHECK(refused[0].headers.at("retry-after") == "1");
  CHECK(json::parse(refused[0].body)["error"]["code"] == "too_many_connections");
  CHECK(healthz_answers(server.port(), milliseconds(3000), "127.0.0.5"));  // another client is served

  // 8 more idle ones from other addresses reach the total of 16; a new client still gets in, and the
  // connection that has been idle longest (the first) is the one closed for it.
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawConnection>(server.port(), ("127.0.1." + std::to_string(i + 1)).c_str()));
    REQUIRE(held.back()->send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(held.back()->read_responses(1, milliseconds(5000)).size() == 1);
  }
  CHECK(healthz_answers(server.port(), milliseconds(3000), "127.0.0.6"));
  // The first eight have idled longest: the room was made among them, never among the newest.
  int closed_old = 0, closed_new = 0;
  for (size_t i = 0; i < held.size(); ++i) {
    const bool closed = held[i]->closed_within(milliseconds(i < 8 ? 500 : 50));
    (i < 8 ? closed_old : closed_new) += closed ? 1 : 0;
  }
  CHECK(closed_old >= 1);
  CHECK(closed_new == 0);
}

TEST_CASE("regression: a wrong method is 405 with Allow; an unknown route stays 404") {
  Unpublished u;
  TestServer server(u.config());
  auto c = server.client();
  for (const char* path : {"/v1/search", "/healthz", "/v1/projects/amif-sv-2021-varava", "/"}) {
    CAPTURE(path);
    auto post = c.Post(path, "{}", "application/json");
    REQUIRE(post);
    CHECK(post->status == 405);
    CHECK(post->get_header_value("Allow") == "GET, HEAD, OPTIONS");
    CHECK(json::parse(post->body)["error"]["code"] == "method_not_allowed");
  }
  auto del = c.Delete("/metrics");
  REQUIRE(del);
  CHECK(del->status == 405);
  auto put = c.Put("/no/such/route", "x", "text/plain");
  REQUIRE(put);
  CHECK(put->status == 404);
  auto head = c.Head("/healthz");
  REQUIRE(head);
  CHECK(head->status == 200);
}

TEST_CASE("head and body limits: 431, 413, 411 and 400 answered by the listener") {
  Unpublished u;
  TestServer server(u.config());
  auto send_one = [&](const std::string& request) {
    RawConnection c(server.port());
    REQUIRE(c.send(request));
    const auto replies = c.read_responses(1, milliseconds(5000));
    REQUIRE(replies.size() == 1);
    return replies[0];
  };
  const auto big_header = send_one("GET /healthz HTTP/1.1\r\nHost: t\r\nCookie: " + std::string(20000, 'c') + "\r\n\r\n");
  CHECK(big_header.status == 431);
  CHECK(json::parse(big_header.body)["error"]["code"] == "header_too_large");
  std::string many = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  CHECK(send_one(many + "\r\n").status == 431);
  const auto big_body = send_one("POST /v1/search HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n");
  CHECK(big_body.status == 413);
  const auto chunked =
      send_one("POST /v1/search HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  CHECK(chunked.status == 411);
  CHECK(send_one("GET /healthz HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").status == 400);
  CHECK(send_one("GARBAGE\r\n\r\n").status == 400);
  auto c = server.client();
  CHECK(get(c, "/healthz").status == 200);  // and the server is fine
}

TEST_CASE("regression: admission is bounded: busy Searchers give 503 with Retry-After, health never waits") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records(), false);
  auto config = config_for(index_dir);
  config.threads = 1;             // one Searcher ...
  config.admission_wait_ms = 0;   // ... and no waiting for it
  TestServer server(config);
  std::atomic<int> ok{0}, overloaded{0}, other{0}, retry_after{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 12; ++t) {
    clients.emplace_back([&] {
      auto c = server.client();
      c.set_read_timeout(10, 0);
      for (int i = 0; i < 25; ++i) {
        auto r = c.Get("/v1/search?q=rasism%20yrkesh%C3%B6gskola&facets=fund,region");
        if (!r) {
          ++other;
        } else if (r->status == 200) {
          ++ok;
        } else if (r->status == 503 && json::parse(r->body)["error"]["code"] == "overloaded") {
          ++overloaded;
          if (r->get_header_value("Retry-After") == "1") ++retry_after;
        } else {
          ++other;
        }
      }
    });
  }
  // Meanwhile the control routes answer from their own Searcher and threads.
  auto c = server.client();
  c.set_read_timeout(20, 0);
  int control_ok = 0;
  for (int i = 0; i < 5; ++i) {
    auto ready = c.Get("/readyz");
    auto metrics = c.Get("/metrics", kAdminHeaders);
    if (ready && ready->status == 200 && metrics && metrics->status == 200) ++control_ok;
  }
  for (auto& t : clients) t.join();
  CHECK(control_ok == 5);
  CHECK(other == 0);
  CHECK(ok > 0);
  CHECK(overloaded > 0);  // before the fix every request waited, however long
  CHECK(retry_after == overloaded);
}

// The per-client share cases: the sample published, two threads, a search share of one per client.
struct ShareOfOne {
  TempDir dir;
  haku::ServerConfig config;
  explicit ShareOfOne(int admission_wait_ms) {
    const std::string index_dir = (dir.path / "index").string();
    publish(index_dir, sample_records(), false);
    config = config_for(index_dir);
    config.threads = 2;
    config.max_searches_per_client = 1;
    config.admission_wait_ms = admission_wait_ms;
  }
};

struct Outcomes {
  int ok = 0, refused = 0, other = 0;  // 200; 429 too_many_requests; anything else
};

// `clients` connections at once, the t-th sending `each` GETs of path(t) with `headers`.
Outcomes concurrent_gets(TestServer& server, int clients, int each, const std::function<std::string(int)>& path,
                         const httplib::Headers& headers = {}) {
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      auto c = server.client();
      for (int i = 0; i < each; ++i) {
        auto r = c.Get(path(t), headers);
        if (r && r->status == 200) {
          ++ok;
        } else if (r && r->status == 429 && json::parse(r->body)["error"]["code"] == "too_many_requests") {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return {ok.load(), refused.load(), other.load()};
}

TEST_CASE("a client's share of the Searchers: beyond its share and its line of waiting requests it gets 429") {
  ShareOfOne s(5000);
  TestServer server(s.config);
  const Outcomes o = concurrent_gets(server, 8, 15, [](int) { return "/v1/search?q=rasism&facets=fund"; });
  CHECK(o.ok > 0);
  CHECK(o.refused > 0);
  CHECK(o.other == 0);
}

TEST_CASE("a client's overlapping requests within its line wait their turn instead of 429") {
  // A page searches as the user types and asks for suggestions meanwhile: with the share at 1 (two
  // threads), three requests at once from one address got 429 before, and the widget showed an error.
  ShareOfOne s(10000);
  TestServer server(s.config);
  // 1 using the share + 2 waiting: within the line.
  const Outcomes o = concurrent_gets(server, 3, 12, [](int t) {
    return t == 0 ? "/v1/suggest?q=ras" : "/v1/search?q=rasism&facets=fund";
  });
  CHECK(o.ok == 36);
  CHECK(o.refused + o.other == 0);
}

TEST_CASE("an exempt client (through a trusted proxy) is not held to the per-client search share") {
  ShareOfOne s(10000);
  s.config.trusted_proxies = "127.0.0.1";
  s.config.exempt_clients = "192.0.2.0/24";
  TestServer server(s.config);
  const Outcomes o = concurrent_gets(server, 6, 10, [](int) { return "/v1/search?q=rasism&facets=fund"; },
                                     {{"X-Forwarded-For", "192.0.2.10"}});
  CHECK(o.ok == 60);
  CHECK(o.refused + o.other == 0);
}

TEST_CASE("rate limit: a flood from one client is 429 with Retry-After; others and health are served") {
  Unpublished u;
  auto config = u.config();
  config.rate_limit = 5;
  config.rate_burst = 10;
  config.trusted_proxies = "127.0.0.1";
  config.exempt_clients = "192.0.2.99";
  TestServer server(config);
  auto c = server.client();
  auto from = [](const std::string& client) { return httplib::Headers{{"X-Forwarded-For", client}}; };
  int ok = 0, limited = 0;
  std::string retry;
  const auto flood_start = std::chrono::steady_clock::now();
  for (int i = 0; i < 30; ++i) {
    auto r = c.Get("/widget/v1/haku.js", from("198.51.100.7"));
    REQUIRE(r);
    if (r->status == 200) ++ok;
    if (r->status == 429) {
      ++limited;
      retry = r->get_header_value("Retry-After");
      CHECK(json::parse(r->body)["error"]["code"] == "rate_limited");
    }
  }
  const double flood_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - flood_start).count();
  CHECK(ok >= 10);
  CHECK(ok <= 10 + static_cast<int>(5 * flood_seconds) + 1);  // the burst, and what refilled meanwhile
  CHECK(limited == 30 - ok);
  CHECK(limited > 0);
  CHECK(!retry.empty());
  CHECK(std::stoi(retry) >= 1);
  // Another client (through the trusted proxy), an exempt one, and the control routes are not limited.
  auto other = c.Get("/widget/v1/haku.js", from("198.51.100.8"));
  REQUIRE(other);
  CHECK(other->status == 200);
  for (int i = 0; i < 20; ++i) {
    auto exempt = c.Get("/widget/v1/haku.js", from("192.0.2.99"));
    REQUIRE(exempt);
    CHECK(exempt->status == 200);
  }
  for (int i = 0; i < 20; ++i) CHECK(get(c, "/healthz").status == 200);
  // X-Forwarded-For from an untrusted peer is ignored: 127.0.0.2 is itself the client.
  RawConnection direct(server.port(), "127.0.0.2");
  std::string burst;
  for (int i = 0; i < 15; ++i) burst += "GET /widget/v1/haku.js HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113." +
                                        std::to_string(i) + "\r\n\r\n";
  REQUIRE(direct.send(burst));
  const auto replies = direct.read_responses(15, milliseconds(10000));
  REQUIRE(replies.size() == 15);
  CHECK(replies.back().status == 429);
}

TEST_CASE("API keys: /metrics needs an admin key, search stays public unless configured") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records(), false);
  const std::string search_key = "portal-search-key-0123456789";
  const fs::path key_file = dir.path / "keys.jsonl";
  std::ofstream(key_file) << "# keys\n{\"name\": \"portal\", \"role\": \"search\", \"key\": \"" << search_key << "\"}\n";
  auto config = config_for(index_dir);
  config.api_keys_file = key_file.string();
  config.access_log = true;
  TestServer server(config);
  auto c = server.client();
  auto bearer = [](const std::string& k) { return httplib::Headers{{"Authorization", "Bearer " + k}}; };
  auto none = c.Get("/metrics");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(none->get_header_value("WWW-Authenticate").find("Bearer") == 0);
  CHECK(json::parse(none->body)["error"]["code"] == "unauthorized");
  auto wrong = c.Get("/metrics", bearer("not-the-key-0123456789"));
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  auto not_admin = c.Get("/metrics", bearer(search_key));
  REQUIRE(not_admin);
  CHECK(not_admin->status == 403);
  auto admin = c.Get("/metrics", {{"Authorization", std::string("bearer ") + kAdminKey}});
  REQUIRE(admin);
  CHECK(admin->status == 200);
  CHECK(admin->body.find("haku_connections_open ") != std::string::npos);
  CHECK(admin->body.find("haku_shed_total{reason=\"per_client_cap\"}") != std::string::npos);
  CHECK(get(c, "/v1/search?q=rasism").status == 200);  // public
  CHECK(get(c, "/healthz").status == 200);

  auto locked = config_for(index_dir);
  locked.api_keys_file = key_file.string();
  locked.search_requires_key = true;
  TestServer closed(locked);
  auto cc = closed.client();
  CHECK(get(cc, "/v1/search?q=rasism").status == 401);
  auto with_key = cc.Get("/v1/search?q=rasism", bearer(search_key));
  REQUIRE(with_key);
  CHECK(with_key->status == 200);
  auto with_admin = cc.Get("/v1/facets", kAdminHeaders);
  REQUIRE(with_admin);
  CHECK(with_admin->status == 200);
  CHECK(get(cc, "/healthz").status == 200);
  auto preflight = cc.Options("/v1/search");
  REQUIRE(preflight);
  CHECK(preflight->status == 204);

  // A changed key file is taken on reload; a broken one leaves the keys in use.
  std::ofstream(key_file) << "{\"name\": \"portal2\", \"role\": \"search\", \"key\": \"another-search-key-0123\"}\n";
  REQUIRE(closed.server().reload_keys().is_ok());
  CHECK(cc.Get("/v1/search?q=rasism", bearer(search_key))->status == 401);
  CHECK(cc.Get("/v1/search?q=rasism", bearer("another-search-key-0123"))->status == 200);
  std::ofstream(key_file) << "{\"name\": \"x\", \"role\": \"root\", \"key\": \"another-search-key-0123\"}\n";
  const auto failed = closed.server().reload_keys();
  CHECK(!failed.is_ok());
  CHECK(failed.message().find("keys.jsonl:1: role") != std::string::npos);
  CHECK(cc.Get("/v1/search?q=rasism", bearer("another-search-key-0123"))->status == 200);
}

TEST_CASE("scoped keys: a key's fixed filters hold on every route; a client's filter only narrows them") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records());
  const std::string portal_key = "portal-amif-key-0123456789";
  const std::string esf_id = "kohesio-home-in-finland-2";  // the sample's one ESF record
  const fs::path key_file = dir.path / "keys.jsonl";
  haku::ApiKey scoped{"portal-amif", haku::KeyRole::search, portal_key, {{"fund", "AMIF"}}, {"http://portal.test"}};
  std::ofstream(key_file) << haku::key_line(scoped) << "\n";
  auto config = config_for(index_dir);
  config.api_keys_file = key_file.string();
  TestServer server(config);  // search needs no key, but a key presented is applied
  auto c = server.client();
  const httplib::Headers as_portal = {{"Authorization", "Bearer " + portal_key}, {"Origin", "http://portal.test"}};
  auto scoped_get = [&](const std::string& target) {
    auto res = c.Get(target, as_portal);
    REQUIRE_MESSAGE(res, "no response for " << target);
    return Reply{res->status, json::parse(res->body, nullptr, false), res->body, res->headers};
  };
  auto funds_of = [](const json& body) {
    std::set<std::string> funds;
    for (const auto& h : body["hits"]) funds.insert(h["fund"].is_string() ? h["fund"].get<std::string>() : "-");
    return funds;
  };

  // Without the key the ESF record is there; with it, whatever the client asks, it is not.
  const Reply open_esf = get(c, "/v1/search?filter=fund:ESF");
  REQUIRE(open_esf.status == 200);
  CHECK(open_esf.body["total"]["value"] == 1);
  const Reply all = scoped_get("/v1/search?facets=fund&per_page=100");
  REQUIRE(all.status == 200);
  CHECK(all.body["total"]["value"].get<int>() > 1);
  CHECK(funds_of(all.body) == std::set<std::string>{"AMIF"});
  REQUIRE(all.body["facets"]["fund"].size() == 1);
  CHECK(all.body["facets"]["fund"][0]["value"] == "AMIF");
  for (const std::string target : {"/v1/search?filter=fund:ESF", "/v1/search?filter=fund:ESF&filter=fund:AMIF&facets=fund",
                                   "/v1/search?q=fund%3AESF", "/v1/search?q=Home%20in%20Finland%20OR%20integration",
                                   "/v1/search?q=Home%20in%20Finland&mode=semantic"}) {
    CAPTURE(target);
    const Reply r = scoped_get(target);
    REQUIRE(r.status == 200);
    CHECK(funds_of(r.body).count("ESF") == 0);
    const json fund_counts = r.body["facets"].value("fund", json::array());
    for (const auto& v : fund_counts) CHECK((v.at("value") == "AMIF" || v.at("count") == 0));
  }
  CHECK(scoped_get("/v1/search?filter=fund:ESF").body["total"]["value"] == 0);
  const Reply both = scoped_get("/v1/search?filter=fund:ESF&filter=fund:AMIF");
  CHECK(both.body["total"]["value"] == all.body["total"]["value"]);  // OR-ed with the client's own value, still inside the scope
  // A record outside the scope does not exist for the key: detail, similar, suggestions, facet list.
  CHECK(get(c, "/v1/projects/" + esf_id).status == 200);
  CHECK(scoped_get("/v1/projects/" + esf_id).status == 404);
  CHECK(scoped_get("/v1/projects/" + esf_id + "/similar").status == 404);
  CHECK(scoped_get(std::string("/v1/projects/") + kVaravaId).status == 200);
  const Reply similar = scoped_get(std::string("/v1/projects/") + kVaravaId + "/similar?per_page=100");
  REQUIRE(similar.status == 200);
  CHECK(funds_of(similar.body).count("ESF") == 0);
  const Reply open_suggest = get(c, "/v1/suggest?q=home%20in");
  CHECK(open_suggest.text.find("Home in Finland") != std::string::npos);
  const Reply suggest = scoped_get("/v1/suggest?q=home%20in");
  REQUIRE(suggest.status == 200);
  CHECK(suggest.text.find("Home in Finland") == std::string::npos);
  // "did you mean" offers only words of the key's slice: "unemployment" is the ESF record's alone (without
  // the check the scoped search, which matches nothing, offered it).
  const Reply misspelt = scoped_get("/v1/search?q=unemploiment&mode=keyword");
  CHECK(misspelt.body["total"]["value"] == 0);
  CHECK(misspelt.body["did_you_mean"].is_null());
  const Reply facets = scoped_get("/v1/facets");
  REQUIRE(facets.status == 200);
  REQUIRE(facets.body["facets"]["fund"].size() == 1);
  CHECK(facets.body["facets"]["fund"][0]["value"] == "AMIF");

  // CORS: answered for the key's origin (preflight too); another origin may not use the key.
  CHECK(all.headers.find("Access-Control-Allow-Origin")->second == "http://portal.test");
  auto preflight = c.Options("/v1/search", {{"Origin", "http://portal.test"}, {"Access-Control-Request-Method", "GET"},
                                            {"Access-Control-Request-Headers", "authorization"}});
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "http://portal.test");
  CHECK(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization") != std::string::npos);
  auto elsewhere = c.Options("/v1/search", {{"Origin", "http://elsewhere.test"}, {"Access-Control-Request-Method", "GET"}});
  REQUIRE(elsewhere);
  CHECK(!elsewhere->has_header("Access-Control-Allow-Origin"));
  auto stolen = c.Get("/v1/search", {{"Authorization", "Bearer " + portal_key}, {"Origin", "http://elsewhere.test"}});
  REQUIRE(stolen);
  CHECK(stolen->status == 403);
  CHECK(json::parse(stolen->body)["error"]["message"].get<std::string>().find("http://elsewhere.test") !=
        std::string::npos);
  // A key presented must be a valid one, also where search needs none: no silent fall back to everything.
  auto unknown = c.Get("/v1/search", {{"Authorization", "Bearer not-a-key-0123456789"}});
  REQUIRE(unknown);
  CHECK(unknown->status == 401);
}

TEST_CASE("widget: the versioned file is served cacheable with an ETag, the demo page embeds it") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records(), false);
  TestServer server(config_for(index_dir));
  auto c = server.client();
  auto js = c.Get("/widget/v1/haku.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  CHECK(js->get_header_value("Content-Type").find("javascript") != std::string::npos);
  CHECK(js->get_header_value("Cache-Control") == "public, max-age=3600");
  const std::string etag = js->get_header_value("ETag");
  REQUIRE(!etag.empty());
  CHECK(js->body.find("attachShadow") != std::string::npos);  // styles inside, in a shadow root
  auto again = c.Get("/widget/v1/haku.js", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  auto page = c.Get("/");
  REQUIRE(page);
  CHECK(page->get_header_value("Cache-Control") == "no-cache");
  CHECK(page->body.find("src=\"/widget/v1/haku.js\"") != std::string::npos);
}

TEST_CASE("query limits: words, page x per_page and bytes are 400s naming the parameter") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records(), false);
  auto config = config_for(index_dir);
  config.max_query_words = 5;
  config.max_result_window = 200;
  config.max_per_page = 20;
  config.max_query_bytes = 64;
  TestServer server(config);
  auto c = server.client();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/search?q=a%20b%20c%20d%20e%20f", "q"},
      {"/v1/search?q=" + std::string(65, 'a'), "q"},
      {"/v1/suggest?q=" + std::string(65, 'a'), "q"},
      {"/v1/search?per_page=21", "per_page"},
      {"/v1/search?page=11&per_page=20", "page"},
      {"/v1/projects/amif-sv-2021-varava/similar?page=201&per_page=1", "page"},
  };
  for (const auto& [target, param] : cases) {
    CAPTURE(target);
    auto r = get(c, target);
    CHECK(r.status == 400);
    CHECK(r.body["error"]["param"] == param);
  }
  CHECK(get(c, "/v1/search?q=a%20b%20c%20d%20e").status == 200);
  CHECK(get(c, "/v1/search?page=10&per_page=20").status == 200);
}

TEST_CASE("stop drains: idle connections are closed at once, a request in flight is answered") {
  TempDir dir;
  const std::string index_dir = (dir.path / "index").string();
  publish(index_dir, sample_records(), false);
  auto config = config_for(index_dir);
  config.keep_alive_timeout_s = 60;
  config.read_timeout_s = 60;
  config.drain_timeout_s = 10;
  auto server = std::make_unique<haku::Server>(config);
  auto port = server->bind();
  REQUIRE(port.is_ok());
  std::thread serving([&] { server->listen(); });
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 50; ++i) {
    idle.push_back(std::make_unique<RawConnection>(*port, "127.0.0.7"));
    REQUIRE(idle.back()->send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
    REQUIRE(idle.back()->read_responses(1, milliseconds(5000)).size() == 1);
  }
  {
    RawConnection warm(*port);  // opens the Searcher, so the request below is an ordinary search
    REQUIRE(warm.send("GET /v1/search?q=rasism HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    REQUIRE(warm.read_responses(1, milliseconds(30000)).size() == 1);
  }
  // A search in flight (or just answered) when stop() comes: its response is complete either way.
  RawConnection busy(*port);
  REQUIRE(busy.send("GET /v1/search?q=antirasism%20yrkesh%C3%B6gskola&facets=fund,region HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::this_thread::sleep_for(milliseconds(20));
  const auto start = std::chrono::steady_clock::now();
  server->stop();
  serving.join();
  // Idle connections are closed at once, not after their keep-alive timeout (5 s before the fix).
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK(server->abandoned_requests() == 0);
  const auto replies = busy.read_responses(1, milliseconds(1000));
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].status == 200);
  CHECK(busy.closed_within(milliseconds(1000)));
  for (auto& c : idle) CHECK(c->closed_within(milliseconds(1000)));
  RawConnection after(*port);
  CHECK(!after.connected());
}

// ---- the pieces on their own ----------------------------------------------------------------------

TEST_CASE("request framing: heads, bodies, pipelined frames, limits") {
  haku::HeadLimits limits;
  limits.max_head_bytes = 256;
  limits.max_line_bytes = 64;
  limits.max_body_bytes = 100;
  using haku::HeadState;
  auto scan = [&](const std::string& s) { return haku::scan_request_head(s, limits); };
  CHECK(scan("GET / HTTP/1.1\r\nHost: a").state == HeadState::incomplete);
  CHECK(scan("").state == HeadState::incomplete);
  const std::string two = "GET /a?x=1 HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
  auto first = scan(two);
  REQUIRE(first.state == HeadState::complete);
  CHECK(first.method == "GET");
  CHECK(first.target == "/a?x=1");
  CHECK(haku::target_path(first.target) == "/a");
  CHECK(first.frame_bytes() == two.find("GET /b"));
  auto body = scan("\r\nPOST /p HTTP/1.1\r\ncontent-length:  5 \r\n\r\nhelloGET");
  REQUIRE(body.state == HeadState::complete);
  CHECK(body.skip == 2);
  CHECK(body.body_bytes == 5);
  CHECK(body.frame_bytes() == std::string("\r\nPOST /p HTTP/1.1\r\ncontent-length:  5 \r\n\r\nhello").size());
  CHECK(scan("GET / HTTP/1.1\r\nX: " + std::string(70, 'x') + "\r\n\r\n").status == 431);
  CHECK(scan("GET / HTTP/1.1\r\nX: " + std::string(70, 'x')).status == 431);  // before its end arrives
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 50; ++i) many += "X: y\r\n";
  CHECK(scan(many).status == 431);
  CHECK(scan("GET /" + std::string(300, 'a')).status == 413);
  CHECK(scan("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n").status == 413);
  CHECK(scan("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status == 411);
  CHECK(scan("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n").status == 400);
  CHECK(scan("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n").status == 400);
  CHECK(scan("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n").state == HeadState::complete);
  CHECK(scan("POST / HTTP/1.1\r\nContent-Length: -3\r\n\r\n").status == 400);
  CHECK(scan("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n").status == 400);
  CHECK(scan("GET / HTTP/1.1\nHost: a\n\n").status == 400);
  CHECK(scan("GET / HTTP/1.1\r\n folded\r\n\r\n").status == 400);
  CHECK(scan("GET / HTTP/1.1\r\nNo colon\r\n\r\n").status == 400);
  CHECK(scan("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n").status == 400);
  CHECK(scan("GET /\r\n\r\n").status == 400);
  CHECK(scan("G(T / HTTP/1.1\r\n\r\n").status == 400);
  CHECK(scan("GET / FTP/1.0\r\n\r\n").status == 400);
}

TEST_CASE("client addresses: CIDR sets, canonical forms, X-Forwarded-For through trusted proxies") {
  std::string error;
  auto set = haku::AddressSet::parse("127.0.0.1, 10.0.0.0/8, fd00::/8 ,192.168.1.0/24", &error);
  REQUIRE(set);
  CHECK(set->contains("127.0.0.1"));
  CHECK(set->contains("::ffff:127.0.0.1"));
  CHECK(!set->contains("127.0.0.2"));
  CHECK(set->contains("10.255.3.4"));
  CHECK(!set->contains("11.0.0.1"));
  CHECK(set->contains("fd12::1"));
  CHECK(!set->contains("fe80::1"));
  CHECK(set->contains("192.168.1.77"));
  CHECK(!set->contains("192.168.2.1"));
  CHECK(!set->contains("not an address"));
  CHECK(!haku::AddressSet::parse("10.0.0.0/33", &error));
  CHECK(error.find("10.0.0.0/33") != std::string::npos);
  CHECK(!haku::AddressSet::parse("localhost", &error));
  CHECK(haku::canonical_address("::ffff:192.0.2.1") == "192.0.2.1");
  CHECK(haku::canonical_address("2001:DB8:0:0::1") == "2001:db8::1");

  auto proxies = *haku::AddressSet::parse("127.0.0.1,10.0.0.0/8", &error);
  using haku::client_address;
  CHECK(client_address("192.0.2.5", {"203.0.113.9"}, proxies) == "192.0.2.5");  // untrusted peer: header ignored
  CHECK(client_address("127.0.0.1", {}, proxies) == "127.0.0.1");
  CHECK(client_address("127.0.0.1", {"203.0.113.9"}, proxies) == "203.0.113.9");
  CHECK(client_address("127.0.0.1", {"6.6.6.6, 203.0.113.9, 10.1.1.1"}, proxies) == "203.0.113.9");
  CHECK(client_address("127.0.0.1", {"6.6.6.6", "203.0.113.9"}, proxies) == "203.0.113.9");
  CHECK(client_address("127.0.0.1", {"203.0.113.9, junk"}, proxies) == "127.0.0.1");
  CHECK(client_address("127.0.0.1", {"10.0.0.1, 10.0.0.2"}, proxies) == "10.0.0.1");
}

TEST_CASE("rate limiter: burst, refill, Retry-After, bounded table") {
  using Clock = haku::RateLimiter::Clock;
  haku::RateLimiter limiter(2.0, 4.0, 32);
  const auto t0 = Clock::now();
  for (int i = 0; i < 4; ++i) CHECK(limiter.take("a", t0).allowed);
  const auto refused = limiter.take("a", t0);
  CHECK(!refused.allowed);
  CHECK(refused.retry_after == std::chrono::seconds(1));
  CHECK(limiter.take("b", t0).allowed);  // another client has its own bucket
  CHECK(limiter.take("a", t0 + std::chrono::milliseconds(500)).allowed);  // one token back
  CHECK(!limiter.take("a", t0 + std::chrono::milliseconds(500)).allowed);
  for (int i = 0; i < 1000; ++i) limiter.take("client-" + std::to_string(i), t0);
  CHECK(limiter.tracked_clients() <= 32);
  haku::RateLimiter off(0, 10);
  CHECK(!off.enabled());
  for (int i = 0; i < 100; ++i) CHECK(off.take("a").allowed);
}

TEST_CASE("API key file: roles, errors by line without the key, constant-time comparison") {
  std::string error;
  auto keys = haku::ApiKeys::parse(
      "# a comment\n\n{\"name\":\"ops\",\"role\":\"admin\",\"key\":\"aaaaaaaaaaaaaaaa1\"}\n"
      "{\"role\":\"search\",\"key\":\"bbbbbbbbbbbbbbbb2\"}\n",
      "keys", &error);
  REQUIRE_MESSAGE(keys, error);
  CHECK(keys->size() == 2);
  REQUIRE(keys->find("aaaaaaaaaaaaaaaa1"));
  CHECK(keys->find("aaaaaaaaaaaaaaaa1")->role == haku::KeyRole::admin);
  CHECK(keys->find("bbbbbbbbbbbbbbbb2")->name == "line-4");
  CHECK(!keys->find("aaaaaaaaaaaaaaaa"));
  CHECK(!keys->find("aaaaaaaaaaaaaaaa12"));
  CHECK(!keys->find(""));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{\"role\":\"admin\",\"key\":\"short-secret\"}", "keys:1: key: a key must be at least 16"},
      {"{\"role\":\"root\",\"key\":\"aaaaaaaaaaaaaaaa1\"}", "keys:1: role"},
      {"{\"key\":\"aaaaaaaaaaaaaaaa1\"}", "keys:1: role: missing"},
      {"{\"role\":\"search\",\"key\":\"aaaaaaaaaaaaaaaa1\",\"scope\":[\"fund:ESF\"]}", "keys:1: field 'scope'"},
      {"{\"role\":\"search\",\"key\":\"aaaaaaaaaaaaaaaa1\",\"filters\":[\"colour:red\"]}",
       "keys:1: filters: unknown facet 'colour'"},
      {"{\"role\":\"search\",\"key\":\"aaaaaaaaaaaaaaaa1\",\"filters\":[\"fund\"]}", "keys:1: filters: 'fund' is not"},
      {"{\"role\":\"search\",\"key\":\"aaaaaaaaaaaaaaaa1\",\"filters\":\"fund:ESF\"}", "keys:1: filters: expected"},
      {"{\"role\":\"search\",\"key\":\"aaaaaaaaaaaaaaaa1\",\"origins\":[\"portal.example\"]}",
       "keys:1: origins: 'portal.example' is not an origin"},
      {"{\"role\":\"search\",\"key\":\"aaaaaaaaaaaaaaaa1\",\"origins\":[\"https://p.example/path\"]}",
       "keys:1: origins: 'https://p.example/path' is not an origin"},
      {"{\"role\":\"admin\",\"key\":\"aaaaaaaaaaaaaaaa1\",\"filters\":[\"fund:ESF\"]}",
       "keys:1: an admin key cannot be scoped"},
      {"not json aaaaaaaaaaaaaaaa1", "keys:1: expected one JSON object"},
      {"{\"role\":\"admin\",\"key\":\"aaaaaaaaaaaaaaaa1\"}\n{\"role\":\"admin\",\"key\":\"aaaaaaaaaaaaaaaa1\"}",
       "keys:2: the same key"},
      {"{\"role\":\"admin\",\"key\":\"aaaa aaaa aaaa aaaa\"}", "keys:1: key: a key may hold only"},
  };
  for (const auto& [text, want] : bad) {
    CAPTURE(text);
    CHECK(!haku::ApiKeys::parse(text, "keys", &error));
    CHECK(error.rfind(want, 0) == 0);
    CHECK(error.find("aaaaaaaaaaaaaaaa1") == std::string::npos);  // never the key itself
  }
  // What `haku keys add` writes loads back as written; secrets are new each time and fit a Bearer header.
  const std::string secret = haku::generate_secret();
  CHECK(secret.size() == 32);
  CHECK(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
  CHECK(haku::generate_secret() != secret);
  const haku::ApiKey written{"portal", haku::KeyRole::search, secret, {{"fund", "AMIF"}, {"region", "FI1B"}},
                             {"https://portal.example", "http://127.0.0.1:8081"}};
  const std::string line = haku::key_line(written);
  CHECK(line.rfind("{\"name\":\"portal\",\"role\":\"search\"", 0) == 0);
  const auto reread = haku::ApiKeys::parse(line, "keys", &error);
  REQUIRE_MESSAGE(reread, error);
  const haku::ApiKey* back = reread->find(secret);
  REQUIRE(back);
  CHECK(back->filters == written.filters);
  CHECK(back->origins == written.origins);
  CHECK(reread->origin_listed("https://portal.example"));
  CHECK(!reread->origin_listed("https://portal.example.evil"));
  CHECK(reread->describe() == std::vector<std::string>{
                                  "portal\tsearch\tfilters=fund:AMIF,region:FI1B\torigins=https://portal.example,http://127.0.0.1:8081"});
  CHECK(haku::bearer_token("Bearer abc") == std::optional<std::string_view>("abc"));
  CHECK(haku::bearer_token("bearer  abc ") == std::optional<std::string_view>("abc"));
  CHECK(!haku::bearer_token("Basic abc"));
  CHECK(!haku::bearer_token("Bearer"));
  CHECK(!haku::bearer_token("Bearer "));
  CHECK(haku::constant_time_equals("same-value", "same-value"));
  CHECK(!haku::constant_time_equals("same-valuf", "same-value"));
  CHECK(!haku::constant_time_equals("same", "same-value"));
  CHECK(!haku::constant_time_equals("same-value-longer", "same-value"));
  CHECK(!haku::constant_time_equals("", "x"));
  CHECK(haku::constant_time_equals("", ""));
}

TEST_CASE("config: hardening options, secrets never as flags, --help shows defaults") {
  std::map<std::string, std::string> env = {{"HAKU_ADMIN_KEY", "env-admin-key-0123456789"},
                                            {"HAKU_RATE_LIMIT", "7"},
                                            {"HAKU_TRUSTED_PROXIES", "10.0.0.0/8"}};
  auto lookup = [&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  const char* argv[] = {"haku-searchd", "--max-connections", "100", "--admission-wait-ms=250", "--metrics-public"};
  auto load = haku::load_config(5, argv, lookup);
  REQUIRE_MESSAGE(load.error.empty(), load.error);
  CHECK(load.config.admin_key == "env-admin-key-0123456789");
  CHECK(load.config.rate_limit == 7);
  CHECK(load.config.max_connections == 100);
  CHECK(load.config.admission_wait_ms == 250);
  CHECK(load.config.metrics_public);
  CHECK(load.config.trusted_proxies == "10.0.0.0/8");
  const char* secret_flag[] = {"haku-searchd", "--admin-key", "flag-admin-key-0123456789"};
  const auto refused = haku::load_config(3, secret_flag, lookup);
  CHECK(refused.error.find("HAKU_ADMIN_KEY") != std::string::npos);
  CHECK(refused.error.find("flag-admin-key") == std::string::npos);
  env["HAKU_TRUSTED_PROXIES"] = "10.0.0.0/99";
  CHECK(haku::load_config(1, argv, lookup).error.find("trusted-proxies") != std::string::npos);
  env.erase("HAKU_TRUSTED_PROXIES");
  const char* uri_over_header[] = {"haku-searchd", "--max-header-bytes", "2048", "--max-uri-bytes", "4096"};
  CHECK(!haku::load_config(5, uri_over_header, lookup).error.empty());
  const std::string help = haku::config_help();
  CHECK(help.find("--rate-limit V") != std::string::npos);
  CHECK(help.find("(default: 50)") != std::string::npos);
  CHECK(help.find("HAKU_ADMIN_KEY") != std::string::npos);
  CHECK(help.find("SIGHUP") != std::string::npos);
}
