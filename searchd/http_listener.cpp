#include "searchd/http_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "searchd/client_address.h"

namespace haku {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 16 * 1024;
constexpr int kReadsPerEvent = 4;                          // then other connections get their turn
constexpr auto kTick = std::chrono::milliseconds(50);      // deadline checks
constexpr auto kLinger = std::chrono::milliseconds(1000);  // reading after a closing response, see begin_linger
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
constexpr int kBacklog = 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

void peer_of(const sockaddr_storage& ss, std::string* ip, int* port) {
  std::array<uint8_t, 16> bytes{};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &a->sin_addr, 4);
    *port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    std::memcpy(bytes.data(), &a->sin6_addr, 16);
    *port = ntohs(a->sin6_port);
  } else {
    *ip = "unknown";
    *port = 0;
    return;
  }
  *ip = format_address(bytes);
}

struct Connection {
  enum class State { reading, busy, writing, lingering };
  int fd = -1;
  std::string peer;
  int peer_port = 0;
  bool capped = false;  // counted against the per-client cap
  State state = State::reading;
  std::string in;
  std::string out;
  size_t out_sent = 0;
  Clock::time_point deadline;
  bool awaiting_request = false;  // keep-alive idle: no byte of the next request yet
  bool peer_eof = false;          // the client has shut down its side
  bool close_after = false;       // close once the response is out
  bool peer_gone = false;         // a send failed
  uint32_t events = 0;            // epoll interest; 0 = not registered
  size_t served = 0;
  // The request handed to a worker.
  uint64_t frame_skip = 0, frame_bytes = 0;
  bool control = false;
  std::string method, target;
  Clock::time_point ready_at;
  // Position in the waiting list (reading and lingering connections), for eviction.
  std::list<Connection*>::iterator waiting_pos;
  bool waiting = false;
};

// One request's bytes for cpp-httplib's parser, and the response it writes, buffered.
class RequestStream final : public httplib::Stream {
 public:
  explicit RequestStream(Connection& c)
      : c_(c), pos_(static_cast<size_t>(c.frame_skip)), end_(static_cast<size_t>(c.frame_bytes)) {}
  bool is_readable() const override { return pos_ < end_; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, end_ - pos_);
    std::memcpy(ptr, c_.in.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    c_.out.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.peer;
    port = c_.peer_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(c_.fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
      peer_of(ss, &ip, &port);
    } else {
      ip.clear();
      port = 0;
    }
  }
  socket_t socket() const override { return c_.fd; }

 private:
  Connection& c_;
  size_t pos_;
  size_t end_;
};

}  // namespace

const char* shed_reason_name(ShedReason reason) {
  switch (reason) {
    case ShedReason::per_client_cap: return "per_client_cap";
    case ShedReason::max_connections: return "max_connections";
    case ShedReason::evicted: return "evicted";
    case ShedReason::request_timeout: return "request_timeout";
    case ShedReason::idle_timeout: return "idle_timeout";
    case ShedReason::write_timeout: return "write_timeout";
    case ShedReason::queue_timeout: return "queue_timeout";
    case ShedReason::bad_head: return "bad_head";
    case ShedReason::count_: break;
  }
  return "unknown";
}

struct HttpListener::Impl {
  // A set of worker threads with their queue.
  struct Lane {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Connection*> jobs;
    std::vector<std::thread> threads;
    bool shutdown = false;
  };

  Impl(ListenerOptions o, ListenerHandlers h) : options(std::move(o)), handlers(std::move(h)) {}

  ~Impl() {
    stop_workers();
    for (auto& [fd, c] : conns) ::close(fd);
    if (listen_fd >= 0) ::close(listen_fd);
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (wake_fd >= 0) ::close(wake_fd);
  }

  // ---- setup ------------------------------------------------------------------------------------

  Result<int> bind() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(options.port);
    const std::string where = options.host + ":" + port;
    if (int rc = getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found); rc != 0)
      return Status::error(StatusCode::io_error, "cannot resolve " + where + ": " + gai_strerror(rc));
    std::string why = "no address";
    for (addrinfo* a = found; a; a = a->ai_next) {
      const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      const int yes = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, kBacklog) == 0) {
        listen_fd = fd;
        break;
      }
      why = std::strerror(errno);
      ::close(fd);
    }
    freeaddrinfo(found);
    if (listen_fd < 0) return Status::error(StatusCode::io_error, "cannot listen on " + where + ": " + why);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    getsockname(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len);
    std::string ip;
    int bound = 0;
    peer_of(ss, &ip, &bound);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd < 0 || wake_fd < 0) return Status::error(StatusCode::io_error, "cannot create the event loop");
    return bound;
  }

  void start_workers() {
    for (int lane = 0; lane < 2; ++lane) {
      const unsigned n = std::max(1u, lane == 0 ? options.workers : options.control_workers);
      for (unsigned i = 0; i < n; ++i) lanes[lane].threads.emplace_back([this, lane] { work(lanes[lane]); });
    }
  }

  void stop_workers() {
    for (Lane& lane : lanes) {
      {
        std::lock_guard<std::mutex> lock(lane.mu);
        lane.shutdown = true;
      }
      lane.cv.notify_all();
      for (auto& t : lane.threads)
        if (t.joinable()) t.join();
      lane.threads.clear();
    }
  }

  // ---- the event loop ---------------------------------------------------------------------------

  bool run() {
    if (listen_fd < 0) return false;
    start_workers();
    add_fd(listen_fd, EPOLLIN);
    add_fd(wake_fd, EPOLLIN);
    std::vector<epoll_event> events(256);
    auto next_tick = Clock::now() + kTick;
    bool ok = true;
    while (true) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - Clock::now()).count();
      const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(std::max<long long>(0, wait)));
      if (n < 0 && errno != EINTR) {
        ok = false;
        break;
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == listen_fd) {
          accept_all();
        } else if (fd == wake_fd) {
          uint64_t v;
          while (::read(wake_fd, &v, sizeof v) > 0) {
          }
          collect_done();
        } else if (auto it = conns.find(fd); it != conns.end()) {
          on_event(it->second.get(), events[i].events);
        }
      }
      const auto now = Clock::now();
      if (stop_requested.load() && !draining) begin_drain(now);
      if (now >= next_tick) {
        sweep(now);
        next_tick = now + kTick;
      }
      if (draining && (conns.empty() || now >= drain_deadline)) break;
    }
    // Whatever is left at the drain deadline: connections not being served are closed; requests a
    // worker still holds are abandoned (their connections stay open until the workers are joined).
    std::vector<Connection*> left;
    for (auto& [fd, c] : conns) left.push_back(c.get());
    for (Connection* c : left) {
      if (c->state == Connection::State::busy) {
        abandoned_count.fetch_add(1);
      } else {
        close_conn(c);
      }
    }
    if (abandoned_count.load() == 0) stop_workers();
    return ok;
  }

  void add_fd(int fd, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }

  // Sets a connection's epoll interest (0: none, unregistered).
  void interest(Connection* c, uint32_t events) {
    if (events == c->events) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = c->fd;
    if (events == 0) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, &ev);
    } else {
      epoll_ctl(epoll_fd, c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd, &ev);
    }
    c->events = events;
  }

  void set_waiting(Connection* c, bool waiting) {
    if (c->waiting == waiting) return;
    if (waiting) {
      c->waiting_pos = waiting_list.insert(waiting_list.end(), c);
    } else {
      waiting_list.erase(c->waiting_pos);
    }
    c->waiting = waiting;
  }

  void close_conn(Connection* c) {
    set_waiting(c, false);
    interest(c, 0);
    ::close(c->fd);
    if (c->capped) {
      auto it = per_client.find(c->peer);
      if (it != per_client.end() && --it->second == 0) per_client.erase(it);
    }
    open_count.fetch_sub(1);
    conns.erase(c->fd);
  }

  // Closes the connection that has waited longest for its client (idle keep-alive, a request still
  // arriving, or lingering after a response), to make room for a new one.
  bool evict_one() {
    if (waiting_list.empty()) return false;
    close_conn(waiting_list.front());
    count(ShedReason::evicted);
    return true;
  }

  void count(ShedReason r) { shed[static_cast<size_t>(r)].fetch_add(1); }

  // ---- accepting --------------------------------------------------------------------------------

  void accept_all() {
    const auto now = Clock::now();
    while (true) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      const int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: close the longest-waiting connection, else stop accepting a moment.
          if (!evict_one()) pause_accepting(now);
        }
        return;
      }
      accepted_count.fetch_add(1);
      const int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto owned = std::make_unique<Connection>();
      Connection* c = owned.get();
      c->fd = fd;
      peer_of(ss, &c->peer, &c->peer_port);
      if (conns.size() >= options.max_connections && !evict_one()) {
        // Every connection is being served: refuse this one (one best-effort write, no lingering).
        const std::string reply = canned(503, "overloaded", "the server has too many connections", 1);
        [[maybe_unused]] ssize_t sent = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
        ::close(fd);
        count(ShedReason::max_connections);
        if (handlers.on_reject) handlers.on_reject(c->peer, "", "", 503, "overloaded");
        continue;
      }
      conns.emplace(fd, std::move(owned));
      open_count.fetch_add(1);
      c->capped = !(handlers.uncapped_peer && handlers.uncapped_peer(c->peer));
      if (c->capped && ++per_client[c->peer] > options.max_connections_per_client) {
        count(ShedReason::per_client_cap);
        respond_canned(c, 429, "too_many_connections", "too many connections from this client", 1);
        continue;
      }
      c->deadline = now + options.request_timeout;
      set_waiting(c, true);
      interest(c, EPOLLIN);
    }
  }

  void pause_accepting(Clock::time_point now) {
    if (accept_paused) return;
    epoll_event ev{};
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, &ev);
    accept_paused = true;
    accept_resume = now + kAcceptPause;
  }

  // ---- reading requests -------------------------------------------------------------------------

  void on_event(Connection* c, uint32_t events) {
    switch (c->state) {
      case Connection::State::reading:
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_request(c);
        break;
      case Connection::State::writing:
        if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) write_more(c);
        break;
      case Connection::State::lingering: {
        char buf[4096];
        while (true) {
          const ssize_t r = ::recv(c->fd, buf, sizeof buf, 0);
          if (r > 0) continue;
          if (r < 0 && errno == EINTR) continue;
          if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
          close_conn(c);  // EOF or error: the client has read what it wanted
          return;
        }
        break;
      }
      case Connection::State::busy:
        break;
    }
  }

  void read_request(Connection* c) {
    const size_t cap = options.head.max_head_bytes + options.head.max_body_bytes + kReadChunk;
    char buf[kReadChunk];
    for (int i = 0; i < kReadsPerEvent && c->in.size() < cap; ++i) {
      const ssize_t r = ::recv(c->fd, buf, sizeof buf, 0);
      if (r > 0) {
        c->in.append(buf, static_cast<size_t>(r));
        continue;
      }
      if (r == 0) {
        c->peer_eof = true;
        interest(c, 0);  // nothing more will come; a complete request is still answered
        break;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      close_conn(c);
      return;
    }
    take_request(c, Clock::now());
  }

  // Frames what has arrived: dispatches a complete request, answers a malformed one, else waits.
  void take_request(Connection* c, Clock::time_point now) {
    if (c->in.empty()) {
      if (c->peer_eof) close_conn(c);
      return;
    }
    if (c->awaiting_request) {
      c->awaiting_request = false;
      c->deadline = now + options.request_timeout;
    }
    const HeadScan scan = scan_request_head(c->in, options.head);
    if (scan.state == HeadState::rejected) {
      c->method = scan.method;
      c->target = scan.target;
      count(ShedReason::bad_head);
      respond_canned(c, scan.status, scan.code, scan.message, 0);
      return;
    }
    if (scan.state == HeadState::incomplete || c->in.size() < scan.frame_bytes()) {
      if (c->peer_eof) close_conn(c);
      return;
    }
    set_waiting(c, false);
    interest(c, 0);
    c->state = Connection::State::busy;
    c->frame_skip = scan.skip;
    c->frame_bytes = scan.frame_bytes();
    c->method = scan.method;
    c->target = scan.target;
    c->control = handlers.is_control && handlers.is_control(scan.method, target_path(scan.target));
    c->ready_at = now;
    if (c->peer_eof) c->close_after = true;
    in_flight_count.fetch_add(1);
    Lane& lane = lanes[c->control ? 1 : 0];
    {
      std::lock_guard<std::mutex> lock(lane.mu);
      lane.jobs.push_back(c);
    }
    lane.cv.notify_one();
  }

  // ---- workers ----------------------------------------------------------------------------------

  void work(Lane& lane) {
    while (true) {
      Connection* c = nullptr;
      {
        std::unique_lock<std::mutex> lock(lane.mu);
        lane.cv.wait(lock, [&] { return !lane.jobs.empty() || lane.shutdown; });
        if (lane.jobs.empty()) return;
        c = lane.jobs.front();
        lane.jobs.pop_front();
      }
      serve_one(c);
      {
        std::lock_guard<std::mutex> lock(done_mu);
        done.push_back(c);
      }
      const uint64_t one = 1;
      [[maybe_unused]] ssize_t w = ::write(wake_fd, &one, sizeof one);
    }
  }

  void serve_one(Connection* c) {
    if (Clock::now() - c->ready_at > options.queue_timeout) {
      count(ShedReason::queue_timeout);
      c->out = canned(503, "overloaded", "the server is overloaded; try again later", 1);
      c->close_after = true;
      if (handlers.on_reject) handlers.on_reject(c->peer, c->method, c->target, 503, "overloaded");
    } else {
      RequestStream stream(*c);
      const bool close = c->close_after || draining_flag.load() || c->served + 1 >= options.max_requests_per_connection;
      bool closed = false;
      bool ok = false;
      try {
        ok = handlers.serve(stream, close, closed);
      } catch (...) {
        ok = false;  // cpp-httplib answers handler exceptions itself; this is a failure outside them
      }
      ++c->served;
      if (!ok || close || closed) c->close_after = true;
      if (c->out.empty()) c->close_after = true;
    }
    c->in.erase(0, static_cast<size_t>(c->frame_bytes));
    flush(c);  // most responses fit the socket buffer: sent from here, no event-loop round trip
  }

  // ---- writing responses ------------------------------------------------------------------------

  void flush(Connection* c) {
    while (c->out_sent < c->out.size()) {
      const ssize_t r = ::send(c->fd, c->out.data() + c->out_sent, c->out.size() - c->out_sent, MSG_NOSIGNAL);
      if (r > 0) {
        c->out_sent += static_cast<size_t>(r);
      } else if (r < 0 && errno == EINTR) {
        continue;
      } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      } else {
        c->peer_gone = true;
        return;
      }
    }
  }

  void collect_done() {
    std::vector<Connection*> finished;
    {
      std::lock_guard<std::mutex> lock(done_mu);
      finished.swap(done);
    }
    const auto now = Clock::now();
    for (Connection* c : finished) {
      in_flight_count.fetch_sub(1);
      if (c->peer_gone) {
        close_conn(c);
      } else if (c->out_sent < c->out.size()) {
        c->state = Connection::State::writing;
        c->deadline = now + options.write_timeout;
        interest(c, EPOLLOUT);
      } else {
        response_done(c, now);
      }
    }
  }

  void write_more(Connection* c) {
    flush(c);
    if (c->peer_gone) {
      close_conn(c);
    } else if (c->out_sent == c->out.size()) {
      response_done(c, Clock::now());
    }
  }

  // The response is out: close, or wait for the next request (which may have arrived already).
  void response_done(Connection* c, Clock::time_point now) {
    c->out.clear();
    c->out_sent = 0;
    if (c->close_after || draining) {
      begin_linger(c, now);
      return;
    }
    c->state = Connection::State::reading;
    c->awaiting_request = true;
    c->deadline = now + options.keep_alive_timeout;
    set_waiting(c, true);
    interest(c, EPOLLIN);
    if (!c->in.empty()) take_request(c, now);
  }

  // A closing response is followed by a half close, and what the client still sends is read and
  // dropped for a moment: closing a socket with unread input makes the kernel send a reset, which can
  // destroy the response before the client has read it.
  void begin_linger(Connection* c, Clock::time_point now) {
    ::shutdown(c->fd, SHUT_WR);
    c->in.clear();
    if (c->peer_eof || draining) {
      close_conn(c);
      return;
    }
    c->state = Connection::State::lingering;
    c->deadline = now + kLinger;
    set_waiting(c, true);
    interest(c, EPOLLIN);
  }

  // An answer the listener makes itself; the connection closes after it.
  void respond_canned(Connection* c, int status, std::string_view code, std::string_view message, int retry_after) {
    if (handlers.on_reject) handlers.on_reject(c->peer, c->method, c->target, status, code);
    set_waiting(c, false);
    c->out = canned(status, code, message, retry_after);
    c->out_sent = 0;
    c->close_after = true;
    flush(c);
    if (c->peer_gone) {
      close_conn(c);
    } else if (c->out_sent < c->out.size()) {
      c->state = Connection::State::writing;
      c->deadline = Clock::now() + options.write_timeout;
      interest(c, EPOLLOUT);
    } else {
      begin_linger(c, Clock::now());
    }
  }

  std::string canned(int status, std::string_view code, std::string_view message, int retry_after) const {
    const std::string body = handlers.error_body ? handlers.error_body(code, message) : std::string();
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
                      "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n";
    if (retry_after > 0) out += "Retry-After: " + std::to_string(retry_after) + "\r\n";
    return out + "\r\n" + body;
  }

  // ---- deadlines and draining -------------------------------------------------------------------

  void sweep(Clock::time_point now) {
    if (accept_paused && now >= accept_resume && !draining) {
      accept_paused = false;
      add_fd(listen_fd, EPOLLIN);
    }
    std::vector<Connection*> due;
    for (auto& [fd, c] : conns)
      if (c->state != Connection::State::busy && now >= c->deadline) due.push_back(c.get());
    for (Connection* c : due) {
      switch (c->state) {
        case Connection::State::reading:
          if (c->awaiting_request) {
            count(ShedReason::idle_timeout);
            close_conn(c);
          } else if (c->in.empty()) {
            count(ShedReason::request_timeout);  // connected and sent nothing
            close_conn(c);
          } else {
            count(ShedReason::request_timeout);
            respond_canned(c, 408, "request_timeout", "the request did not arrive in time", 0);
          }
          break;
        case Connection::State::writing:
          count(ShedReason::write_timeout);
          close_conn(c);
          break;
        case Connection::State::lingering:
          close_conn(c);
          break;
        case Connection::State::busy:
          break;
      }
    }
  }

  void begin_drain(Clock::time_point now) {
    draining = true;
    draining_flag.store(true);
    drain_deadline = now + options.drain_timeout;
    if (!accept_paused) {
      epoll_event ev{};
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, &ev);
    }
    ::close(listen_fd);
    listen_fd = -1;
    // Idle connections close now. A request that has fully arrived (perhaps still in the kernel's
    // buffer) is served, with Connection: close; one still arriving is not waited for.
    std::vector<int> waiting_fds;
    for (auto& [fd, c] : conns)
      if (c->state == Connection::State::reading || c->state == Connection::State::lingering) waiting_fds.push_back(fd);
    for (int fd : waiting_fds) {
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Connection* c = it->second.get();
      if (c->state == Connection::State::reading) read_request(c);
      it = conns.find(fd);
      if (it != conns.end() && it->second.get() == c &&
          (c->state == Connection::State::reading || c->state == Connection::State::lingering))
        close_conn(c);
    }
  }

  void wake() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(wake_fd, &one, sizeof one);
  }

  const ListenerOptions options;
  const ListenerHandlers handlers;
  int listen_fd = -1, epoll_fd = -1, wake_fd = -1;

  // Event-loop state (the event thread only; a busy connection belongs to its worker meanwhile).
  std::unordered_map<int, std::unique_ptr<Connection>> conns;
  std::unordered_map<std::string, size_t> per_client;
  std::list<Connection*> waiting_list;  // longest waiting first
  bool draining = false;
  Clock::time_point drain_deadline;
  bool accept_paused = false;
  Clock::time_point accept_resume;

  Lane lanes[2];  // [0] API and pages, [1] control routes
  std::mutex done_mu;
  std::vector<Connection*> done;

  std::atomic<bool> stop_requested{false};
  std::atomic<bool> draining_flag{false};
  std::atomic<uint64_t> open_count{0}, accepted_count{0}, in_flight_count{0}, abandoned_count{0};
  std::atomic<uint64_t> shed[static_cast<size_t>(ShedReason::count_)] = {};
};

HttpListener::HttpListener(ListenerOptions options, ListenerHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers))) {}

HttpListener::~HttpListener() = default;

Result<int> HttpListener::bind() { return impl_->bind(); }

bool HttpListener::run() { return impl_->run(); }

void HttpListener::stop() {
  impl_->stop_requested.store(true);
  if (impl_->wake_fd >= 0) impl_->wake();
}

ListenerStats HttpListener::stats() const {
  ListenerStats s;
  s.open = impl_->open_count.load();
  s.accepted = impl_->accepted_count.load();
  s.in_flight = impl_->in_flight_count.load();
  for (size_t i = 0; i < static_cast<size_t>(ShedReason::count_); ++i) s.shed[i] = impl_->shed[i].load();
  return s;
}

uint64_t HttpListener::abandoned() const { return impl_->abandoned_count.load(); }

}  // namespace haku
