#pragma once
// The socket side of haku-searchd: accepts connections and reads requests on one event thread
// (epoll), so a slow or idle client holds a few kilobytes and a file descriptor, never a thread. Only
// a request that has fully arrived (head and body, framed by request_head.h) is handed to a worker
// thread, which runs cpp-httplib's request processing on it; the response is buffered and written
// back by the event thread. Requests pipelined on one connection are answered one at a time, in
// order. Enforced here: a total deadline for each request to arrive, a keep-alive idle limit, a
// deadline for each response to be taken, caps on connections in total and per client (the longest
// waiting idle connection is closed to make room for a new one), header and body size limits, and a
// bounded wait for a worker. Control routes (health, readiness, metrics) have their own workers.
//
// Thread safety: bind() and run() from one thread; stop() and stats() from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/status.h"
#include "searchd/request_head.h"

namespace httplib {
class Stream;
}

namespace haku {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                               // 0: an ephemeral port
  size_t max_connections = 4096;              // open connections in total
  size_t max_connections_per_client = 256;    // open connections from one peer address
  std::chrono::milliseconds request_timeout{5000};     // a request's head and body, from its first byte
  std::chrono::milliseconds keep_alive_timeout{5000};  // idle between requests on a connection
  std::chrono::milliseconds write_timeout{5000};       // for the client to take one response
  std::chrono::milliseconds queue_timeout{2000};       // a complete request waits this long for a worker
  std::chrono::milliseconds drain_timeout{10000};      // stop(): in-flight requests get this long
  size_t max_requests_per_connection = 1000;
  HeadLimits head;
  unsigned workers = 8;          // threads for the API and the demo page
  unsigned control_workers = 2;  // threads for the control routes
};

// What the listener needs from the application.
struct ListenerHandlers {
  // Serves one request from `stream` (which holds exactly that request); `close_connection`: the
  // response must close the connection; set `connection_closed` when the request asked to close it.
  std::function<bool(httplib::Stream& stream, bool close_connection, bool& connection_closed)> serve;
  // Requests served by the control workers.
  std::function<bool(std::string_view method, std::string_view path)> is_control;
  // The body (JSON) of an error the listener answers itself.
  std::function<std::string(std::string_view code, std::string_view message)> error_body;
  // Peers not held to the per-client connection cap (trusted proxies).
  std::function<bool(const std::string& peer)> uncapped_peer;
  // Each response the listener writes itself (for metrics and the access log).
  std::function<void(const std::string& peer, std::string_view method, std::string_view target, int status,
                     std::string_view code)>
      on_reject;
};

// Why the listener answered or closed a connection itself.
enum class ShedReason {
  per_client_cap,   // 429 at accept
  max_connections,  // 503 at accept: the cap is reached and no idle connection could be closed
  evicted,          // an idle connection closed to make room for a new one
  request_timeout,  // 408: a request did not arrive within request_timeout
  idle_timeout,     // a keep-alive connection idle for keep_alive_timeout
  write_timeout,    // a response not taken within write_timeout
  queue_timeout,    // 503: no worker within queue_timeout
  bad_head,         // 400 / 411 / 413 / 431 from the framing
  count_,
};
const char* shed_reason_name(ShedReason reason);

struct ListenerStats {
  uint64_t open = 0;         // connections open now
  uint64_t accepted = 0;     // connections accepted since start
  uint64_t in_flight = 0;    // requests being served now
  uint64_t shed[static_cast<size_t>(ShedReason::count_)] = {};
};

class HttpListener {
 public:
  HttpListener(ListenerOptions options, ListenerHandlers handlers);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Binds and listens; returns the bound port.
  Result<int> bind();
  // Serves until stop(), then drains: stops accepting, closes idle connections, lets requests in
  // flight finish and their responses go out, for at most drain_timeout. Returns false when the
  // listener failed.
  bool run();
  // Makes run() drain and return. Thread-safe; returns at once.
  void stop();
  ListenerStats stats() const;
  // After run(): requests that were still being served at the drain deadline.
  uint64_t abandoned() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haku
