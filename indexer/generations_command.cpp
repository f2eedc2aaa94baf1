// haku-indexer generations / rollback: what is on disk, and going back to the previous good generation.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>

#include "api/generations.h"
#include "indexer/commands.h"
#include "indexer/log.h"

namespace haku::indexer {

namespace {

// "45s", "12m", "3h 20m", "2d 4h"
std::string age(int64_t seconds) {
  if (seconds < 0) return "?";
  char buf[32];
  if (seconds < 60) std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(seconds));
  else if (seconds < 3600) std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(seconds / 60));
  else if (seconds < 86400)
    std::snprintf(buf, sizeof buf, "%lldh %lldm", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds % 3600 / 60));
  else
    std::snprintf(buf, sizeof buf, "%lldd %lldh", static_cast<long long>(seconds / 86400),
                  static_cast<long long>(seconds % 86400 / 3600));
  return buf;
}

}  // namespace

int run_generations(const Options& o) {
  const auto gens = generations::describe(o.index_dir);
  if (gens.empty()) {
    std::printf("no generations in %s\n", o.index_dir.c_str());
    return kExitOk;
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::printf("  %-28s %-20s %10s %9s %8s  %-8s %s\n", "GENERATION", "VERDICT", "DOCUMENTS", "REJECTED", "AGE", "KIND",
              "SOURCE");
  for (const auto& g : gens) {
    const auto& m = g.manifest;
    std::string verdict = generations::verdict_name(m.verdict);
    if (m.forced) verdict += " (forced)";
    const std::string when = !m.published.empty() ? m.published : m.created;
    const std::string docs = g.has_manifest ? std::to_string(m.documents) : "-";
    const std::string rejected = g.has_manifest && !m.kind.empty() && m.kind != "compact" ? std::to_string(m.rejected) : "-";
    std::printf("%s %-28s %-20s %10s %9s %8s  %-8s %s\n", g.current ? "*" : " ", g.name.c_str(), verdict.c_str(),
                docs.c_str(), rejected.c_str(), when.empty() ? "-" : age(now - generations::parse_utc(when)).c_str(),
                m.kind.empty() ? "-" : m.kind.c_str(), m.source.c_str());
  }
  const std::string prev = generations::previous_good(o.index_dir);
  std::printf("* published; rollback target: %s\n", prev.empty() ? "none" : prev.c_str());
  return kExitOk;
}

int run_rollback(const Options& o) {
  log_event(LogEvent("start").add("command", "rollback").add("index_dir", o.index_dir).add("pid", uint64_t(::getpid())));
  generations::DirLock lock;
  if (Status s = generations::DirLock::acquire(o.index_dir, o.wait, &lock); !s) {
    log_event(LogEvent("failed").add("command", "rollback").add("reason", s.message()));
    std::cerr << "haku-indexer: " << s.message() << "\n";
    return kExitFailure;
  }
  const std::string from = generations::current(o.index_dir);
  const std::string to = o.to.empty() ? generations::previous_good(o.index_dir) : o.to;
  uint64_t documents = 0;
  if (Status s = generations::rollback(o.index_dir, to, &documents); !s) {
    log_event(LogEvent("failed").add("command", "rollback").add("reason", s.message()));
    std::cerr << "haku-indexer: rollback: " << s.message() << "\n";
    return kExitFailure;
  }
  log_event(LogEvent("rolled_back").add("from", from).add("to", to).add("documents", documents));
  std::printf("rollback: %s is published again (%llu documents)%s\n", to.c_str(),
              static_cast<unsigned long long>(documents),
              from.empty() ? "" : ("; " + from + " is marked rolled_back until the next publish prunes it").c_str());
  return kExitOk;
}

}  // namespace haku::indexer
