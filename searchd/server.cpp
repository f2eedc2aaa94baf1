#include "searchd/server.h"

#include <httplib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "api/generation_set.h"
#include "api/searcher.h"
#include "searchd/endpoints.h"
#include "searchd/json_codec.h"
#include "searchd/web_assets.h"

namespace haku {
namespace {

using Clock = std::chrono::steady_clock;

// Searchers are not thread-safe: each request checks one out, refreshes it to the published generation
// and returns it. At most `capacity` Searchers exist (the configured worker threads): they bound the
// CPU-bound search work, while the HTTP threads, many more, only wait on their connections; a request
// waits here when every Searcher is busy. Opening is retried on every checkout while no index is
// published.
class SearcherPool {
 public:
  class Lease {
   public:
    Lease(SearcherPool* pool, std::unique_ptr<Searcher> searcher) : pool_(pool), searcher_(std::move(searcher)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (searcher_) pool_->release(std::move(searcher_));
    }
    Searcher& operator*() { return *searcher_; }

   private:
    SearcherPool* pool_;
    std::unique_ptr<Searcher> searcher_;
  };

  SearcherPool(SearcherOptions options, unsigned capacity)
      : options_(std::move(options)), capacity_(std::max(1u, capacity)) {}

  Result<Lease> acquire() {
    std::unique_ptr<Searcher> searcher;
    {
      std::unique_lock<std::mutex> lock(mu_);
      available_.wait(lock, [&] { return !idle_.empty() || open_ < capacity_; });
      if (!idle_.empty()) {
        searcher = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++open_;  // this caller opens one
      }
    }
    if (searcher) {
      searcher->refresh();
    } else {
      auto opened = Searcher::open(options_);
      if (!opened) {
        std::lock_guard<std::mutex> lock(mu_);
        --open_;
        available_.notify_one();
        return opened.status();
      }
      searcher = std::move(opened.value());
    }
    return Lease(this, std::move(searcher));
  }

 private:
  void release(std::unique_ptr<Searcher> searcher) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      idle_.push_back(std::move(searcher));
    }
    available_.notify_one();
  }

  const SearcherOptions options_;
  const unsigned capacity_;
  std::mutex mu_;
  std::condition_variable available_;
  unsigned open_ = 0;  // Searchers that exist or are being opened
  std::vector<std::unique_ptr<Searcher>> idle_;
};

// HTTP threads: cpp-httplib serves a keep-alive connection on one pool thread until it closes, so the
// pool must hold many more threads than there are cores or most connections wait for a thread.
constexpr unsigned kMinHttpThreads = 64;
// Requests served on one keep-alive connection before it is closed (cpp-httplib's default is 5, which
// makes busy clients reconnect every few requests).
constexpr size_t kKeepAliveRequests = 100;

// Request counters and latency histograms by route, rendered in the Prometheus text format.
class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

  void record(const std::string& route, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_[{route, status}];
    Histogram& h = latency_[route];
    for (size_t i = 0; i < kBuckets.size(); ++i)
      if (seconds <= kBuckets[i]) ++h.buckets[i];
    h.sum += seconds;
    ++h.count;
  }

  std::string render(const IndexInfo* info) const {
    std::ostringstream out;
    out << "# HELP haku_http_requests_total HTTP requests by route and status.\n"
           "# TYPE haku_http_requests_total counter\n";
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, n] : requests_)
      out << "haku_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << "\n";
    out << "# HELP haku_http_request_duration_seconds Time to answer a request.\n"
           "# TYPE haku_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      const std::string label = "route=\"" + route + "\"";
      for (size_t i = 0; i < kBuckets.size(); ++i)
        out << "haku_http_request_duration_seconds_bucket{" << label << ",le=\"" << kBuckets[i] << "\"} "
            << h.buckets[i] << "\n";
      out << "haku_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} " << h.count << "\n"
          << "haku_http_request_duration_seconds_sum{" << label << "} " << h.sum << "\n"
          << "haku_http_request_duration_seconds_count{" << label << "} " << h.count << "\n";
    }
    out << "# HELP haku_index_loaded 1 when an index generation is loaded.\n# TYPE haku_index_loaded gauge\n"
        << "haku_index_loaded " << (info ? 1 : 0) << "\n";
    if (info) {
      out << "# HELP haku_index_generation_info The loaded index generation.\n"
             "# TYPE haku_index_generation_info gauge\n"
          << "haku_index_generation_info{generation=\"" << info->generation << "\"} 1\n"
          << "# HELP haku_index_documents Documents in the loaded generation.\n# TYPE haku_index_documents gauge\n"
          << "haku_index_documents " << info->documents << "\n"
          << "# HELP haku_index_size_bytes Size of the loaded generation on disk.\n"
             "# TYPE haku_index_size_bytes gauge\n"
          << "haku_index_size_bytes " << info->size_bytes << "\n";
    }
    return out.str();
  }

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

// key=value with the value quoted when it holds spaces, quotes or control characters.
std::string log_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \"=\\\n\r\t") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void log_line(const std::string& fields) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string line = std::string("ts=") + stamp + " " + fields + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void write_json(httplib::Response& res, const ApiReply& reply) {
  res.status = reply.http_status;
  res.set_content(dump_json(reply.body), "application/json; charset=utf-8");
}

// Errors raised by the HTTP layer itself (httplib), as API error code and message.
std::pair<const char*, const char*> http_error(int status) {
  switch (status) {
    case 400: return {"bad_request", "the request is malformed"};
    case 404: return {"route_not_found", "no such route"};
    case 405: return {"method_not_allowed", "only GET and OPTIONS are served"};
    case 413:
    case 414: return {"request_too_large", "the request is too large"};
    default: return status >= 500 ? std::pair{"internal", "internal error"} : std::pair{"http_error", "request failed"};
  }
}

// A URL path as an httplib route pattern (a regex matching exactly that path).
std::string literal_pattern(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (std::string_view(".+*?()[]{}|^$\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

struct Server::Impl {
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  struct Route {
    const char* method;   // GET | OPTIONS
    std::string pattern;  // httplib regex
    const char* name;     // the route label in metrics and logs
    Handler handler;
  };

  // All workers share one GenerationSet: each generation (databases, translations, semantic layer,
  // facet columns) is loaded once per process, and released when its last request is done.
  explicit Impl(ServerConfig c)
      : config(std::move(c)),
        generations(std::make_shared<GenerationSet>(GenerationSetOptions{.index_dir = config.index_dir})),
        pool(SearcherOptions{config.index_dir, config.data_dir, generations}, config.threads) {}

  // Runs `call` with a Searcher, or answers the pool's failure (503 while no index is published).
  void with_searcher(httplib::Response& res, const std::function<ApiReply(Searcher&)>& call) {
    auto lease = pool.acquire();
    write_json(res, lease ? call(**lease) : error_reply(lease.status()));
  }

  // The one route table.
  std::vector<Route> routes() {
    std::vector<Route> table = {
        {"GET", "/v1/search", "/v1/search",
         [this](const httplib::Request& req, httplib::Response& res) {
           with_searcher(res, [&](Searcher& s) { return search_projects(s, req.params); });
         }},
        {"GET", R"(/v1/projects/([^/]+))", "/v1/projects/{id}",
         [this](const httplib::Request& req, httplib::Response& res) {
           with_searcher(res, [&](Searcher& s) { return get_project(s, req.matches[1], req.params); });
         }},
        {"GET", R"(/v1/projects/([^/]+)/similar)", "/v1/projects/{id}/similar",
         [this](const httplib::Request& req, httplib::Response& res) {
           with_searcher(res, [&](Searcher& s) { return similar_projects(s, req.matches[1], req.params); });
         }},
        {"GET", "/v1/suggest", "/v1/suggest",
         [this](const httplib::Request& req, httplib::Response& res) {
           with_searcher(res, [&](Searcher& s) { return suggest(s, req.params); });
         }},
        {"GET", "/v1/facets", "/v1/facets",
         [this](const httplib::Request& req, httplib::Response& res) {
           with_searcher(res, [&](Searcher& s) { return list_facets(s, req.params); });
         }},
        {"GET", "/healthz", "/healthz",
         [](const httplib::Request&, httplib::Response& res) { write_json(res, {200, {{"status", "ok"}}}); }},
        {"GET", "/readyz", "/readyz",
         [this](const httplib::Request&, httplib::Response& res) {
           with_searcher(res, [](Searcher& s) { return index_status(s); });
         }},
        {"GET", "/metrics", "/metrics",
         [this](const httplib::Request&, httplib::Response& res) {
           auto lease = pool.acquire();
           const IndexInfo info = lease ? (**lease).info() : IndexInfo{};
           res.set_content(metrics.render(lease ? &info : nullptr), "text/plain; version=0.0.4; charset=utf-8");
         }},
        {"OPTIONS", ".*", "preflight",
         [](const httplib::Request&, httplib::Response& res) {
           res.status = 204;
           res.set_header("Access-Control-Allow-Methods", "GET, OPTIONS");
           res.set_header("Access-Control-Allow-Headers", "Content-Type, Accept");
           res.set_header("Access-Control-Max-Age", "600");
         }},
    };
    for (const WebAsset& asset : web_assets()) {
      table.push_back({"GET", literal_pattern(asset.path), "static", [&asset](const httplib::Request&, httplib::Response& res) {
                         res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type).c_str());
                         res.set_header("Cache-Control", "no-cache");
                       }});
    }
    return table;
  }

  // Wraps a handler: last-resort exception handler, metrics, access log.
  Handler instrumented(const char* route, Handler handler) {
    return [this, route, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      const auto start = Clock::now();
      try {
        handler(req, res);
      } catch (const std::exception& e) {
        log_line("level=error event=exception route=" + log_value(route) + " what=" + log_value(e.what()));
        write_json(res, error_reply(Status::error(StatusCode::internal, "")));
      }
      finish(req, res, route, start);
    };
  }

  void finish(const httplib::Request& req, const httplib::Response& res, const std::string& route,
              Clock::time_point start) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    metrics.record(route, res.status, seconds);
    if (!config.access_log) return;
    std::ostringstream f;
    f << "event=request method=" << req.method << " path=" << log_value(req.path) << " route=" << log_value(route)
      << " status=" << res.status << " ms=" << seconds * 1000.0 << " bytes=" << res.body.size()
      << " remote=" << log_value(req.remote_addr);
    if (const auto q = req.params.find("q"); q != req.params.end()) f << " q=" << log_value(q->second);
    log_line(f.str());
  }

  bool origin_allowed(const std::string& origin) const {
    return !origin.empty() && std::any_of(config.cors_origins.begin(), config.cors_origins.end(),
                                          [&](const std::string& o) { return o == "*" || o == origin; });
  }

  void install() {
    for (Route& r : routes()) {
      Handler h = instrumented(r.name, std::move(r.handler));
      if (std::string(r.method) == "OPTIONS") {
        http.Options(r.pattern, h);
      } else {
        http.Get(r.pattern, h);
      }
    }
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      const std::string origin = req.get_header_value("Origin");
      if (origin_allowed(origin)) {
        res.set_header("Access-Control-Allow-Origin", origin);
        res.set_header("Vary", "Origin");
      }
      if (req.target.size() <= config.max_uri_bytes) return httplib::Server::HandlerResponse::Unhandled;
      write_json(res, {413, encode_http_error("request_too_large", "the request target is too long")});
      finish(req, res, "-", Clock::now());
      return httplib::Server::HandlerResponse::Handled;
    });
    // Responses httplib makes itself (no route, body or URI too large, malformed request) get a JSON body.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                      httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      if (res.status == 414) res.status = 413;
      const auto [code, message] = http_error(res.status);
      write_json(res, {res.status, encode_http_error(code, message)});
      finish(req, res, "-", Clock::now());
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      write_json(res, error_reply(Status::error(StatusCode::internal, "")));
    });
    // Many HTTP threads for the connections; the search work itself is bounded by the SearcherPool.
    const unsigned http_threads = std::max(kMinHttpThreads, config.threads * 4);
    http.new_task_queue = [http_threads] { return new httplib::ThreadPool(http_threads); };
    http.set_keep_alive_max_count(kKeepAliveRequests);
    // Headers and body go out as two writes: without TCP_NODELAY, Nagle's algorithm holds the body
    // until the client's delayed ACK, about 40 ms per response (seen with strace in the benchmark).
    http.set_tcp_nodelay(true);
    http.set_payload_max_length(config.max_body_bytes);
    http.set_read_timeout(config.read_timeout_s, 0);
    http.set_write_timeout(config.write_timeout_s, 0);
  }

  const ServerConfig config;
  std::shared_ptr<GenerationSet> generations;
  SearcherPool pool;
  Metrics metrics;
  httplib::Server http;
};

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) { impl_->install(); }

Server::~Server() { stop(); }

Result<int> Server::bind() {
  const ServerConfig& c = impl_->config;
  int port = c.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(c.host);
    if (port < 0) port = 0;
  } else if (!impl_->http.bind_to_port(c.host, port)) {
    port = 0;
  }
  if (port == 0)
    return Status::error(StatusCode::io_error, "cannot listen on " + c.host + ":" + std::to_string(c.port));
  return port;
}

bool Server::listen() { return impl_->http.listen_after_bind(); }

void Server::stop() { impl_->http.stop(); }

}  // namespace haku
