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
#include <optional>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "api/generation_set.h"
#include "api/generations.h"
#include "api/log_event.h"
#include "api/searcher.h"
#include "searchd/api_keys.h"
#include "searchd/client_address.h"
#include "searchd/endpoints.h"
#include "searchd/http_listener.h"
#include "searchd/json_codec.h"
#include "searchd/rate_limiter.h"
#include "searchd/web_assets.h"

namespace haku {
namespace {

using Clock = std::chrono::steady_clock;

// Searchers are not thread-safe: each request checks one out, refreshes it to the published generation
// and returns it. At most `capacity` Searchers exist (the configured worker threads): they bound the
// CPU-bound search work, while the HTTP threads only run requests that have fully arrived. A request
// waits here at most `max_wait` when every Searcher is busy, then gets `overloaded`. Opening is
// retried on every checkout while no index is published.
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

  Result<Lease> acquire(std::chrono::milliseconds max_wait) {
    std::unique_ptr<Searcher> searcher;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!available_.wait_for(lock, max_wait, [&] { return !idle_.empty() || open_ < capacity_; }))
        return Status::error(StatusCode::overloaded, "every Searcher stayed busy for " +
                                                         std::to_string(max_wait.count()) + " ms");
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

// What /readyz and /metrics report: the published generation's IndexInfo, read with a Searcher of
// their own (so they never wait behind search work), cached until `current` points at another
// generation or kTtl has passed (an update in place). Thread-safe.
class IndexStatus {
 public:
  IndexStatus(const SearcherOptions& options)
      : index_dir_(options.index_dir), generations_(options.generations), pool_(options, 1) {}

  Result<IndexInfo> get() {
    const std::string key = state_key();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ && cached_key_ == key && Clock::now() - read_at_ < kTtl) return *cached_;
    }
    auto lease = pool_.acquire(kWait);
    if (!lease) {
      // Another status request is reading it: the last answer stands meanwhile.
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ && lease.status().code() == StatusCode::overloaded) return *cached_;
      return lease.status();
    }
    IndexInfo info = (**lease).info();
    std::lock_guard<std::mutex> lock(mu_);
    cached_ = info;
    cached_key_ = state_key();
    read_at_ = Clock::now();
    return info;
  }

 private:
  // What a cached answer depends on: the published generation and what the set serves, and how (a
  // search that finds the served generation damaged changes the answer at once).
  std::string state_key() const {
    if (!generations_) return generations::current(index_dir_);
    const GenerationState s = generations_->state();
    return s.published + "\n" + s.served + (s.serving ? "\n+" : "\n-") + (s.degraded ? "d" : "");
  }

  static constexpr std::chrono::seconds kTtl{1};
  static constexpr std::chrono::milliseconds kWait{2000};
  const std::string index_dir_;
  const std::shared_ptr<GenerationSet> generations_;
  SearcherPool pool_;
  std::mutex mu_;
  std::optional<IndexInfo> cached_;
  std::string cached_key_;
  Clock::time_point read_at_;
};

// cpp-httplib's request processing (parsing, routing, writing the response) on one request the
// listener has read in full; the listener owns the sockets.
class Router : public httplib::Server {
 public:
  bool serve(httplib::Stream& stream, bool close_connection, bool& connection_closed) {
    return process_request(stream, close_connection, connection_closed, nullptr);
  }
};

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

  std::string render(const IndexInfo* info, const ListenerStats& net) const {
    std::ostringstream out;
    out << "# HELP haku_http_requests_total HTTP requests by route and status.\n"
           "# TYPE haku_http_requests_total counter\n";
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [key, n] : requests_)
        out << "haku_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n
            << "\n";
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
    }
    out << "# HELP haku_connections_open Client connections open now.\n# TYPE haku_connections_open gauge\n"
        << "haku_connections_open " << net.open << "\n"
        << "# HELP haku_connections_accepted_total Client connections accepted.\n"
           "# TYPE haku_connections_accepted_total counter\n"
        << "haku_connections_accepted_total " << net.accepted << "\n"
        << "# HELP haku_requests_in_flight Requests being served now.\n# TYPE haku_requests_in_flight gauge\n"
        << "haku_requests_in_flight " << net.in_flight << "\n"
        << "# HELP haku_shed_total Connections closed or requests answered by the listener itself, by reason.\n"
           "# TYPE haku_shed_total counter\n";
    for (size_t i = 0; i < static_cast<size_t>(ShedReason::count_); ++i)
      out << "haku_shed_total{reason=\"" << shed_reason_name(static_cast<ShedReason>(i)) << "\"} " << net.shed[i]
          << "\n";
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

constexpr const char* kAllowedMethods = "GET, HEAD, OPTIONS";

// Whether a path fits a route's path template ("/v1/projects/{id}/similar": a {name} segment is any
// non-empty segment).
bool fits_template(std::string_view path, std::string_view tmpl) {
  while (true) {
    const size_t p = path.find('/', 1), t = tmpl.find('/', 1);
    const std::string_view ps = path.substr(0, p), ts = tmpl.substr(0, t);
    const bool wildcard = ts.size() > 3 && ts[1] == '{' && ts.back() == '}';
    if (wildcard ? ps.size() < 2 : ps != ts) return false;
    if (p == std::string_view::npos || t == std::string_view::npos) return p == t;
    path.remove_prefix(p);
    tmpl.remove_prefix(t);
  }
}

// HTTP threads when not configured: enough to keep every Searcher busy while as many requests wait
// for one, and the demo page served meanwhile.
unsigned http_threads_for(const ServerConfig& c) {
  return c.http_threads > 0 ? c.http_threads : std::max(8u, c.threads * 2);
}

// One client's search requests: using a Searcher, and waiting in its line for one of those to end.
struct ClientSearches {
  unsigned running = 0;
  unsigned waiting = 0;
};
// How many requests beyond its share a client may have waiting, per Searcher of its share.
constexpr unsigned kWaitingPerShare = 2;

// Concurrent Searcher requests one client may have: all but one Searcher, so one client never holds
// them all.
unsigned searches_per_client(const ServerConfig& c) {
  return c.max_searches_per_client > 0 ? c.max_searches_per_client : std::max(1u, c.threads - 1);
}

AddressSet addresses(const std::string& list) {
  std::string error;
  auto set = AddressSet::parse(list, &error);
  return set ? *set : AddressSet{};  // validate_config has refused a bad list already
}

}  // namespace

struct Server::Impl {
  // Who may call a route: anyone; the search routes (a key when search_requires_key); admin.
  enum class Access { open, search, admin };

  // One request as the handlers see it.
  struct Call {
    const httplib::Request& req;
    const std::string& client;  // the client's address (X-Forwarded-For through trusted proxies)
    const FacetFilters& scope;  // the fixed filters of the key presented (none: no key, or unscoped)
  };
  using Handler = std::function<void(const Call&, httplib::Response&)>;
  struct Route {
    const char* method;   // GET | OPTIONS
    std::string pattern;  // httplib regex
    const char* name;     // the route label in metrics and logs; the path template of API routes
    Access access;
    bool control;         // health, readiness, metrics: own threads, not rate limited
    Handler handler;
  };

  // All workers share one GenerationSet: each generation (databases, translations, semantic layer,
  // facet columns) is loaded once per process, and released when its last request is done.
  explicit Impl(ServerConfig c)
      : config(std::move(c)),
        generations(std::make_shared<GenerationSet>(GenerationSetOptions{.index_dir = config.index_dir})),
        searcher_options{config.index_dir, config.data_dir, generations,
                         std::chrono::milliseconds(config.search_budget_ms)},
        pool(searcher_options, config.threads),
        status(searcher_options),
        limits{config.max_query_bytes, config.max_query_words, config.max_per_page, config.max_result_window},
        trusted_proxies(addresses(config.trusted_proxies)),
        exempt_clients(addresses(config.exempt_clients)),
        limiter(config.rate_limit, config.rate_burst),
        listener(listener_options(), listener_handlers()) {
    std::string error;
    if (auto loaded = ApiKeys::load(config.api_keys_file, config.admin_key, &error)) {
      keys = std::make_shared<const ApiKeys>(std::move(*loaded));
    } else {
      startup_error = error;
      keys = std::make_shared<const ApiKeys>();
    }
  }

  ListenerOptions listener_options() const {
    ListenerOptions o;
    o.host = config.host;
    o.port = config.port;
    o.max_connections = config.max_connections;
    o.max_connections_per_client = config.max_connections_per_client;
    o.request_timeout = std::chrono::seconds(config.read_timeout_s);
    o.keep_alive_timeout = std::chrono::seconds(config.keep_alive_timeout_s);
    o.write_timeout = std::chrono::seconds(config.write_timeout_s);
    // A complete request waits for a worker as long as for a Searcher, and at least a second (a busy
    // machine may not schedule a thread at once).
    o.queue_timeout = std::max(std::chrono::milliseconds(1000), std::chrono::milliseconds(config.admission_wait_ms));
    o.drain_timeout = std::chrono::seconds(config.drain_timeout_s);
    o.max_requests_per_connection = config.max_requests_per_connection;
    o.head.max_head_bytes = config.max_header_bytes;
    o.head.max_body_bytes = config.max_body_bytes;
    o.workers = http_threads_for(config);
    o.control_workers = 2;
    return o;
  }

  ListenerHandlers listener_handlers() {
    ListenerHandlers h;
    h.serve = [this](httplib::Stream& s, bool close, bool& closed) { return http.serve(s, close, closed); };
    h.is_control = [this](std::string_view, std::string_view path) {
      return std::find(control_paths.begin(), control_paths.end(), path) != control_paths.end();
    };
    h.error_body = [](std::string_view code, std::string_view message) {
      return dump_json(encode_http_error(std::string(code), std::string(message)));
    };
    h.uncapped_peer = [this](const std::string& peer) { return trusted_proxies.contains(peer); };
    h.on_reject = [this](const std::string& peer, std::string_view method, std::string_view target, int status,
                         std::string_view code) {
      metrics.record("-", status, 0);
      if (!config.access_log) return;
      log_line("event=reject method=" + log_value(method) + " path=" + log_value(target_path(target)) +
               " status=" + std::to_string(status) + " code=" + log_value(code) + " remote=" + log_value(peer));
    };
    return h;
  }

  std::string client_of(const httplib::Request& req) const {
    std::vector<std::string> forwarded;
    const size_t n = req.get_header_value_count("X-Forwarded-For");
    for (size_t i = 0; i < n; ++i) forwarded.push_back(req.get_header_value("X-Forwarded-For", i));
    return client_address(req.remote_addr, forwarded, trusted_proxies);
  }

  // ---- admission ------------------------------------------------------------------------------

  // A client's share of the Searchers, held while its request uses one. A request beyond the share
  // waits in the client's own line (at most kWaitingPerShare × share of them, at most
  // admission_wait_ms) for one of the client's searches to end: a page's overlapping requests (a
  // search as the user types, its suggestions) are served in turn, while one client still never holds
  // more than its share. A request that finds the line full, or waits out the bound, is refused (429).
  class SearchSlot {
   public:
    SearchSlot(Impl* impl, const std::string& client) : impl_(impl), client_(client) {
      if (impl_->exempt_clients.contains(client_)) return;
      const unsigned share = searches_per_client(impl_->config);
      std::unique_lock<std::mutex> lock(impl_->slots_mu);
      ClientSearches& n = impl_->slots[client_];  // stays put: erased only when nobody holds or waits
      if (n.running >= share) {
        if (n.waiting >= kWaitingPerShare * share) {
          refused_ = true;
          return;
        }
        ++n.waiting;
        const bool turn = impl_->slots_cv.wait_for(lock, std::chrono::milliseconds(impl_->config.admission_wait_ms),
                                                   [&] { return n.running < share; });
        --n.waiting;
        if (!turn) {
          refused_ = true;
          if (n.running == 0 && n.waiting == 0) impl_->slots.erase(client_);
          return;
        }
      }
      ++n.running;
      held_ = true;
    }
    ~SearchSlot() {
      if (!held_) return;
      {
        std::lock_guard<std::mutex> lock(impl_->slots_mu);
        if (auto it = impl_->slots.find(client_); it != impl_->slots.end() && --it->second.running == 0 &&
                                                   it->second.waiting == 0)
          impl_->slots.erase(it);
      }
      impl_->slots_cv.notify_all();
    }
    SearchSlot(const SearchSlot&) = delete;
    SearchSlot& operator=(const SearchSlot&) = delete;
    bool refused() const { return refused_; }

   private:
    Impl* impl_;
    const std::string& client_;
    bool held_ = false;
    bool refused_ = false;
  };

  // Runs `call` with a Searcher; answers 429 when the client already has its share of the Searchers
  // in use, 503 with Retry-After when none comes free within admission_wait_ms (or no index is
  // published yet).
  void with_searcher(const Call& c, httplib::Response& res, const std::function<ApiReply(Searcher&)>& call) {
    SearchSlot slot(this, c.client);
    if (slot.refused()) {
      write_json(res, {429, encode_http_error("too_many_requests",
                                              "too many search requests from this client at once; try again later")});
      res.set_header("Retry-After", "1");
      return;
    }
    auto lease = pool.acquire(std::chrono::milliseconds(config.admission_wait_ms));
    if (!lease) {
      write_json(res, error_reply(lease.status()));
      if (int s = retry_after_seconds(lease.status().code()); s > 0) res.set_header("Retry-After", std::to_string(s));
      return;
    }
    write_json(res, call(**lease));
  }

  // ---- access ---------------------------------------------------------------------------------

  std::shared_ptr<const ApiKeys> current_keys() {
    std::lock_guard<std::mutex> lock(keys_mu);
    return keys;
  }

  // Whether the request may use the route; sets the name and scope of the key it presents. A search
  // route takes a request without a key unless search_requires_key, but a key presented must be valid,
  // and a key that lists origins is refused to a browser from any other origin.
  bool authorize(const httplib::Request& req, Access access, const char* route, httplib::Response& res,
                 std::string* key_name, FacetFilters* scope) {
    if (access == Access::open) return true;
    if (access == Access::admin && config.metrics_public && std::string_view(route) == "/metrics") return true;
    const std::string authorization = req.get_header_value("Authorization");
    const auto token = bearer_token(authorization);
    if (access == Access::search && !config.search_requires_key && authorization.empty()) return true;
    const auto keys_now = current_keys();
    const ApiKey* key = token ? keys_now->find(*token) : nullptr;
    if (!key) {
      write_json(res, {401, encode_http_error("unauthorized", "this route needs an API key: Authorization: Bearer KEY")});
      res.set_header("WWW-Authenticate", "Bearer realm=\"haku\"");
      return false;
    }
    *key_name = key->name;
    if (access == Access::admin && key->role != KeyRole::admin) {
      write_json(res, {403, encode_http_error("forbidden", "this key may not use this route")});
      return false;
    }
    const std::string origin = req.get_header_value("Origin");
    if (!key->origins.empty() && !origin.empty() &&
        std::find(key->origins.begin(), key->origins.end(), origin) == key->origins.end()) {
      write_json(res, {403, encode_http_error("forbidden", "this key may not be used from origin " + origin)});
      return false;
    }
    *scope = key->filters;
    return true;
  }

  // ---- routes ---------------------------------------------------------------------------------

  // The one route table.
  std::vector<Route> routes() {
    std::vector<Route> table = {
        {"GET", "/v1/search", "/v1/search", Access::search, false,
         [this](const Call& c, httplib::Response& res) {
           with_searcher(c, res, [&](Searcher& s) { return search_projects(s, c.req.params, limits, c.scope); });
         }},
        {"GET", R"(/v1/projects/([^/]+))", "/v1/projects/{id}", Access::search, false,
         [this](const Call& c, httplib::Response& res) {
           with_searcher(c, res, [&](Searcher& s) { return get_project(s, c.req.matches[1], c.req.params, c.scope); });
         }},
        {"GET", R"(/v1/projects/([^/]+)/similar)", "/v1/projects/{id}/similar", Access::search, false,
         [this](const Call& c, httplib::Response& res) {
           with_searcher(c, res,
                         [&](Searcher& s) { return similar_projects(s, c.req.matches[1], c.req.params, limits, c.scope); });
         }},
        {"GET", "/v1/suggest", "/v1/suggest", Access::search, false,
         [this](const Call& c, httplib::Response& res) {
           with_searcher(c, res, [&](Searcher& s) { return suggest(s, c.req.params, limits, c.scope); });
         }},
        {"GET", "/v1/facets", "/v1/facets", Access::search, false,
         [this](const Call& c, httplib::Response& res) {
           with_searcher(c, res, [&](Searcher& s) { return list_facets(s, c.req.params, c.scope); });
         }},
        {"GET", "/healthz", "/healthz", Access::open, true,
         [](const Call&, httplib::Response& res) { write_json(res, {200, {{"status", "ok"}}}); }},
        {"GET", "/readyz", "/readyz", Access::open, true,
         [this](const Call&, httplib::Response& res) {
           auto info = status.get();
           write_json(res, info ? index_status(*info) : error_reply(info.status()));
           if (!info) res.set_header("Retry-After", std::to_string(retry_after_seconds(info.status().code())));
         }},
        {"GET", "/metrics", "/metrics", Access::admin, true,
         [this](const Call&, httplib::Response& res) {
           auto info = status.get();
           res.set_content(metrics.render(info ? &*info : nullptr, listener.stats()),
                           "text/plain; version=0.0.4; charset=utf-8");
         }},
        // Loading a generation can take seconds (its semantic layer): on the control threads, so it
        // never holds a search worker, and one load at a time (a reload that finds one running answers
        // what is served meanwhile).
        {"POST", "/v1/admin/reload", "/v1/admin/reload", Access::admin, true,
         [this](const Call&, httplib::Response& res) {
           const ApiReply reply = reload_index(*generations);
           write_json(res, reply);
           if (reply.http_status == 200)
             log_line("event=admin_reload status=" + reply.body.value("status", std::string()) +
                      " served=" + log_value(reply.body.value("served", std::string())) +
                      " published=" + log_value(reply.body.value("published", std::string())));
         }},
        {"OPTIONS", ".*", "preflight", Access::open, false,
         [](const Call&, httplib::Response& res) {
           res.status = 204;
           res.set_header("Access-Control-Allow-Methods", kAllowedMethods);
           res.set_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization");
           res.set_header("Access-Control-Max-Age", "600");
         }},
    };
    for (const WebAsset& asset : web_assets()) {
      static_paths.emplace_back(asset.path);
      // The versioned widget (/widget/v1/...) may be cached an hour and is then revalidated by its
      // ETag; the pages are revalidated every time.
      const bool versioned = asset.path.starts_with("/widget/v");
      const std::string etag = "\"" + std::to_string(std::hash<std::string_view>{}(asset.body)) + "\"";
      table.push_back({"GET", literal_pattern(asset.path), "static", Access::open, false,
                       [&asset, versioned, etag](const Call& c, httplib::Response& res) {
                         res.set_header("ETag", etag);
                         res.set_header("Cache-Control", versioned ? "public, max-age=3600" : "no-cache");
                         if (c.req.get_header_value("If-None-Match") == etag) {
                           res.status = 304;
                           return;
                         }
                         res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type).c_str());
                       }});
    }
    return table;
  }

  // Wraps a handler: rate limit, access, last-resort exception handler, metrics, access log.
  httplib::Server::Handler instrumented(const Route& r) {
    return [this, route = r.name, access = r.access, limited = !r.control,
            handler = r.handler](const httplib::Request& req, httplib::Response& res) {
      const auto start = Clock::now();
      const std::string client = client_of(req);
      std::string key_name;
      FacetFilters scope;
      try {
        if (limited && limiter.enabled() && !exempt_clients.contains(client)) {
          if (const auto d = limiter.take(client); !d.allowed) {
            write_json(res, {429, encode_http_error("rate_limited", "too many requests from this client; slow down")});
            res.set_header("Retry-After", std::to_string(d.retry_after.count()));
            finish(req, res, route, start, client, key_name);
            return;
          }
        }
        if (authorize(req, access, route, res, &key_name, &scope)) handler(Call{req, client, scope}, res);
      } catch (const std::exception& e) {
        log_line("level=error event=exception route=" + log_value(route) + " what=" + log_value(e.what()));
        write_json(res, error_reply(Status::error(StatusCode::internal, "")));
      }
      finish(req, res, route, start, client, key_name);
    };
  }

  void finish(const httplib::Request& req, const httplib::Response& res, const std::string& route,
              Clock::time_point start, const std::string& client, const std::string& key_name) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    metrics.record(route, res.status, seconds);
    if (!config.access_log) return;
    std::ostringstream f;
    f << "event=request method=" << req.method << " path=" << log_value(req.path) << " route=" << log_value(route)
      << " status=" << res.status << " ms=" << seconds * 1000.0 << " bytes=" << res.body.size()
      << " remote=" << log_value(req.remote_addr);
    if (client != req.remote_addr) f << " client=" << log_value(client);
    if (!key_name.empty()) f << " key=" << log_value(key_name);
    if (const auto q = req.params.find("q"); q != req.params.end()) f << " q=" << log_value(q->second);
    log_line(f.str());
  }

  // CORS is answered for --cors-origins and for the origins any key lists (a request with a key from
  // another origin is then refused by authorize()).
  bool origin_allowed(const std::string& origin) {
    if (origin.empty()) return false;
    return std::any_of(config.cors_origins.begin(), config.cors_origins.end(),
                       [&](const std::string& o) { return o == "*" || o == origin; }) ||
           current_keys()->origin_listed(origin);
  }

  void install() {
    const std::vector<Route> table = routes();
    get_paths = static_paths;
    for (const Route& r : table) {
      httplib::Server::Handler h = instrumented(r);
      if (std::string(r.method) == "OPTIONS") {
        http.Options(r.pattern, h);
      } else if (std::string(r.method) == "POST") {
        http.Post(r.pattern, h);
        post_paths.emplace_back(r.name);
        if (r.control) control_paths.push_back(r.name);
      } else {
        http.Get(r.pattern, h);
        if (std::string_view(r.name) != "static") get_paths.emplace_back(r.name);
        if (r.control) control_paths.push_back(r.name);
      }
    }
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      const std::string origin = req.get_header_value("Origin");
      if (origin_allowed(origin)) {
        res.set_header("Access-Control-Allow-Origin", origin);
        res.set_header("Vary", "Origin");
      }
      const bool post_route = std::any_of(post_paths.begin(), post_paths.end(),
                                          [&](const std::string& t) { return fits_template(req.path, t); });
      if (post_route && req.method != "POST" && req.method != "OPTIONS") {
        write_json(res, {405, encode_http_error("method_not_allowed", req.path + " accepts POST")});
        res.set_header("Allow", "POST, OPTIONS");
        finish(req, res, "-", Clock::now(), req.remote_addr, "");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!post_route && req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS") {
        // A known path with a method it does not take is 405 with the methods it does take.
        const bool known = std::any_of(get_paths.begin(), get_paths.end(),
                                       [&](const std::string& t) { return fits_template(req.path, t); });
        if (known) {
          write_json(res, {405, encode_http_error("method_not_allowed", req.path + " accepts GET, HEAD and OPTIONS")});
          res.set_header("Allow", kAllowedMethods);
        } else {
          write_json(res, {404, encode_http_error("route_not_found", "no such route")});
        }
        finish(req, res, "-", Clock::now(), req.remote_addr, "");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.target.size() <= config.max_uri_bytes) return httplib::Server::HandlerResponse::Unhandled;
      write_json(res, {413, encode_http_error("request_too_large", "the request target is too long")});
      finish(req, res, "-", Clock::now(), req.remote_addr, "");
      return httplib::Server::HandlerResponse::Handled;
    });
    // Responses httplib makes itself (no route, malformed request) get a JSON body.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                      httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      if (res.status == 414) res.status = 413;
      const auto [code, message] = http_error(res.status);
      write_json(res, {res.status, encode_http_error(code, message)});
      finish(req, res, "-", Clock::now(), req.remote_addr, "");
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      write_json(res, error_reply(Status::error(StatusCode::internal, "")));
    });
    // The Keep-Alive header cpp-httplib writes states the listener's limits.
    http.set_keep_alive_max_count(config.max_requests_per_connection);
    http.set_keep_alive_timeout(config.keep_alive_timeout_s);
    http.set_payload_max_length(config.max_body_bytes);
  }

  Status reload_keys() {
    std::string error;
    auto loaded = ApiKeys::load(config.api_keys_file, config.admin_key, &error);
    if (!loaded) return Status::error(StatusCode::invalid_argument, error);
    std::lock_guard<std::mutex> lock(keys_mu);
    keys = std::make_shared<const ApiKeys>(std::move(*loaded));
    return Status::ok();
  }

  const ServerConfig config;
  std::shared_ptr<GenerationSet> generations;
  const SearcherOptions searcher_options;
  SearcherPool pool;
  IndexStatus status;
  const RequestLimits limits;
  const AddressSet trusted_proxies;
  const AddressSet exempt_clients;
  RateLimiter limiter;
  Metrics metrics;
  Router http;
  std::vector<std::string> static_paths;   // the demo page's files
  std::vector<std::string> get_paths;      // path templates of every GET route, for 405
  std::vector<std::string> post_paths;     // ... and of every POST route
  std::vector<std::string> control_paths;  // paths of the control routes
  std::mutex slots_mu;
  std::condition_variable slots_cv;  // a client's search ended
  std::unordered_map<std::string, ClientSearches> slots;  // client -> its Searcher requests
  std::mutex keys_mu;
  std::shared_ptr<const ApiKeys> keys;
  std::string startup_error;
  HttpListener listener;  // last: its threads use the members above
};

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) { impl_->install(); }

Server::~Server() { stop(); }

Result<int> Server::bind() {
  if (!impl_->startup_error.empty()) return Status::error(StatusCode::invalid_argument, impl_->startup_error);
  return impl_->listener.bind();
}

bool Server::listen() { return impl_->listener.run(); }

void Server::stop() { impl_->listener.stop(); }

Status Server::reload_keys() { return impl_->reload_keys(); }

size_t Server::api_keys() const {
  std::lock_guard<std::mutex> lock(impl_->keys_mu);
  return impl_->keys->size();
}

uint64_t Server::abandoned_requests() const { return impl_->listener.abandoned(); }

}  // namespace haku
