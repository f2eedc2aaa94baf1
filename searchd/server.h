#pragma once
// haku-searchd's HTTP server: the /v1 JSON API, health, metrics and the demo page. Connections are
// served by a large pool of HTTP threads (at least 64, so many keep-alive connections are served at
// once); each search request checks a Searcher out of a pool of config.threads Searchers, which bounds
// the CPU-bound work to that many threads at a time. bind(), listen() and stop() may be called from different threads; stop() is thread-safe.
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
  // Returns the bound port.
  Result<int> bind();
  // Serves until stop(). Call after bind(). Returns false if the server failed.
  bool listen();
  // Stops accepting, finishes requests in flight, makes listen() return.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haku
