// haku-indexer: builds, updates, verifies and publishes Haku's index generations from corpus files and
// exporter commands; lists them and rolls back. Exit codes: 0 ok, 1 failure, 2 usage, 3 refused.
// The command line is in options.cpp; each command in its own file (commands.h).
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>

#include "indexer/commands.h"
#include "indexer/options.h"

int main(int argc, char** argv) {
  using namespace haku::indexer;
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
                    std::strcmp(argv[1], "help") == 0)) {
    std::fputs(usage_text(), stdout);
    return kExitOk;
  }
  Options o;
  std::string error;
  if (!parse_args(argc, argv, &o, &error)) return usage_error(error);
  try {
    if (o.command == "build" || o.command == "sync" || o.command == "update") return run_build(o);
    if (o.command == "delete") return run_delete(o);
    if (o.command == "generations") return run_generations(o);
    if (o.command == "rollback") return run_rollback(o);
    if (o.command == "stats") return run_stats(o);
    if (o.command == "verify") return run_verify(o);
    if (o.command == "compact") return run_compact(o);
  } catch (const std::exception& e) {
    std::cerr << "haku-indexer: unexpected error: " << e.what() << "\n";
    return kExitFailure;
  }
  return usage_error("unknown command '" + o.command + "'");
}
