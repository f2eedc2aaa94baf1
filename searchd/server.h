#pragma once
// haku-searchd's HTTP server: the /v1 JSON API, health, metrics and the demo page. Sockets are served
// by an HttpListener (searchd/http_listener.h: one event thread reads requests, a few threads run
// them), so slow and idle clients cost no thread; each search request checks a Searcher out of a pool
// of config.threads Searchers, waiting a bounded time. /readyz and /metrics read the index status
// with a Searcher of their own. Rate limits, per-client search shares and API keys are applied per
// route (docs/OPERATIONS.md). bind(), listen() and stop() may be called from different threads;
// stop() and reload_keys() are thread-safe.
#include <cstdint>
#include <memory>

#include "api/status.h"
#include "searchd/config.h"

namespace haku {

class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds config.host:config.port (port 0: an ephemeral port) and starts accepting into the backlog.
  // Returns the bound port, or why the server cannot start (also a bad API key file).
  Result<int> bind();
  // Serves until stop(), then drains (at most config.drain_timeout_s). Call after bind(). Returns
  // false if the server failed.
  bool listen();
  // Stops accepting, finishes requests in flight, makes listen() return. Returns at once.
  void stop();
  // Re-reads the API key file (SIGHUP); on failure the keys in use stay and the error is returned.
  Status reload_keys();
  size_t api_keys() const;
  // After listen(): requests still being served when the drain deadline passed (0: a clean stop).
  uint64_t abandoned_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haku
