// haku-searchd: reads the configuration, binds, prints `listening on ...`, serves until SIGTERM/SIGINT
// (then drains), reloads the API key file on SIGHUP.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "searchd/config.h"
#include "searchd/server.h"

namespace {

// Every connection is a descriptor: raise the soft limit towards the hard one so max-connections
// can be reached; say so when it cannot.
void raise_descriptor_limit(size_t wanted) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  const rlim_t need = static_cast<rlim_t>(wanted);
  if (rl.rlim_cur >= need) return;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need : std::min(need, rl.rlim_max);
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < need)
    std::fprintf(stderr, "level=warning event=fd_limit limit=%llu wanted=%zu note=\"max-connections cannot be reached\"\n",
                 static_cast<unsigned long long>(rl.rlim_cur), wanted);
}

}  // namespace

int main(int argc, char** argv) {
  const haku::ConfigLoad load = haku::load_config(argc, argv, [](const char* name) -> const char* {
    return std::getenv(name);
  });
  if (load.help) {
    std::cout << haku::config_help();
    return 0;
  }
  if (!load.error.empty()) {
    std::cerr << "haku-searchd: " << load.error << "\n";
    return 2;
  }

  // Signals are taken synchronously by one thread (sigwait), so no handler touches shared state.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit(load.config.max_connections + 256);

  haku::Server server(load.config);
  auto port = server.bind();
  if (!port) {
    std::cerr << "haku-searchd: " << port.status().message() << "\n";
    return 1;
  }
  std::printf("listening on http://%s:%d\n", load.config.host.c_str(), *port);
  std::fflush(stdout);
  std::fprintf(stderr, "event=start index_dir=%s threads=%u port=%d api_keys=%zu\n", load.config.index_dir.c_str(),
               load.config.threads, *port, server.api_keys());

  std::thread waiter([&server, signals] {
    while (true) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGHUP) {
        // Logs go to stderr (nothing to reopen); the key file is read again.
        const haku::Status s = server.reload_keys();
        if (s) {
          std::fprintf(stderr, "event=sighup action=reload_api_keys keys=%zu\n", server.api_keys());
        } else {
          std::fprintf(stderr, "level=error event=sighup action=reload_api_keys error=\"%s\" note=\"the keys in use stay\"\n",
                       s.message().c_str());
        }
        continue;
      }
      std::fprintf(stderr, "event=stop signal=%d\n", sig);
      server.stop();
      return;
    }
  });
  const bool ok = server.listen();
  // listen() also returns on failure: wake the waiter so it can be joined.
  if (!ok) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (const uint64_t left = server.abandoned_requests(); left > 0) {
    // Requests still running at the drain deadline: exit without waiting for them.
    std::fprintf(stderr, "level=warning event=drain_timeout abandoned=%llu\n", static_cast<unsigned long long>(left));
    std::fflush(stderr);
    std::_Exit(1);
  }
  std::fprintf(stderr, "event=stopped\n");
  return ok ? 0 : 1;
}
