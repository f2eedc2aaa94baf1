// haku-searchd: reads the configuration, binds, prints `listening on ...`, serves until SIGTERM/SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "searchd/config.h"
#include "searchd/server.h"

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
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  haku::Server server(load.config);
  auto port = server.bind();
  if (!port) {
    std::cerr << "haku-searchd: " << port.status().message() << "\n";
    return 1;
  }
  std::printf("listening on http://%s:%d\n", load.config.host.c_str(), *port);
  std::fflush(stdout);
  std::fprintf(stderr, "event=start index_dir=%s threads=%u port=%d\n", load.config.index_dir.c_str(),
               load.config.threads, *port);

  std::thread waiter([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "event=stop signal=%d\n", sig);
    server.stop();
  });
  const bool ok = server.listen();
  // listen() also returns on failure: wake the waiter so it can be joined.
  if (!ok) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return ok ? 0 : 1;
}
