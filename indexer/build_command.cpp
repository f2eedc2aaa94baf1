// haku-indexer build / sync / update / delete / compact: the commands that write a generation.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "api/generations.h"
#include "api/index_writer.h"
#include "indexer/commands.h"
#include "indexer/log.h"
#include "indexer/sources.h"

namespace haku::indexer {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// A failure that is not a refusal (I/O, lock, usage of the engine): logged, exit 1.
int failed(const std::string& command, const std::string& message) {
  log_event(LogEvent("failed").add("command", command).add("reason", message));
  std::cerr << "haku-indexer: " << message << "\n";
  return kExitFailure;
}

int refused(const std::string& command, const IndexWriter& writer, const std::string& served) {
  (void)command;
  std::cerr << "haku-indexer: refused: " << writer.report().reason << "; "
            << (served.empty() ? std::string("nothing is published") : served + " stays published") << "\n";
  return kExitRefused;
}

std::string source_list(const Options& o) {
  std::string out;
  for (const auto& s : o.sources) out += (out.empty() ? "" : "; ") + s;
  for (const auto& c : o.source_cmds) out += (out.empty() ? "cmd: " : "; cmd: ") + c;
  return out;
}

WriterOptions logged(const Options& o) {
  WriterOptions w = writer_options(o);
  w.on_event = log_event;
  return w;
}

void log_start(const std::string& command, const Options& o) {
  LogEvent e("start");
  e.add("command", command).add("index_dir", o.index_dir);
  if (o.has_sources()) e.add("sources", source_list(o));
  if (!o.ids.empty()) e.add("ids", uint64_t(o.ids.size()));
  e.add("pid", uint64_t(::getpid()));
  log_event(e);
}

}  // namespace

int run_build(const Options& o) {
  if (!o.has_sources()) return usage_error(o.command + " needs at least one --source or --source-cmd");
  const bool sync = o.command == "sync" || (o.command == "build" && o.incremental);
  const std::string command = sync ? "sync" : o.command;
  const auto t0 = std::chrono::steady_clock::now();
  log_start(command, o);
  auto w = IndexWriter::open(logged(o));
  if (!w) return failed(command, w.status().message());
  IndexWriter& writer = *w.value();
  Status s = sync ? writer.begin_sync() : o.command == "build" ? writer.begin_build() : writer.begin_update();
  if (!s) return failed(command, s.message());
  std::string fallback;
  writer.mode(&fallback);
  if (sync && !fallback.empty()) log_event(LogEvent("full_build").add("reason", fallback));
  for (const auto& note : writer.analysis_notes()) std::cerr << "haku-indexer: analysis: " << note << "\n";
  SourceResult r = read_sources(o, [&](const Project& p) { return writer.add(p); }, [&] { return writer.added(); });
  if (!r.error.empty()) return failed(command, r.error + "; nothing published, the index is unchanged");
  writer.set_source({r.description, r.stats.read, r.stats.accepted, r.stats.rejected, r.failure});
  const std::string served = generations::current(o.index_dir);
  s = writer.publish();
  const PublishReport& rep = writer.report();
  if (rep.verdict == "refused") return refused(command, writer, served);
  if (!s) return failed(command, s.message() + "; nothing published, the index is unchanged");
  const double secs = seconds_since(t0);
  std::printf("%s: read %llu, accepted %llu, rejected %llu, warnings %llu", command.c_str(),
              static_cast<unsigned long long>(r.stats.read), static_cast<unsigned long long>(r.stats.accepted),
              static_cast<unsigned long long>(r.stats.rejected), static_cast<unsigned long long>(r.stats.warnings));
  if (writer.mode() == "sync")
    std::printf("; added %llu, changed %llu, deleted %llu, unchanged %llu", static_cast<unsigned long long>(rep.added),
                static_cast<unsigned long long>(rep.changed), static_cast<unsigned long long>(rep.deleted),
                static_cast<unsigned long long>(rep.unchanged));
  if (rep.verdict == "unchanged")
    std::printf("; nothing changed, %s stays published (%llu records in %.2f s, %.0f records/s)\n", served.c_str(),
                static_cast<unsigned long long>(r.stats.read), secs, r.stats.read / std::max(secs, 1e-9));
  else
    std::printf("; published %s%s (%llu records in %.2f s, %.0f records/s)\n", writer.generation().c_str(),
                rep.forced ? " over a refusal (--force)" : "", static_cast<unsigned long long>(writer.added()), secs,
                writer.added() / std::max(secs, 1e-9));
  if (rep.verdict != "unchanged")
    for (const auto& line : writer.report_lines()) std::printf("%s\n", line.c_str());
  if (r.stats.rejected > 0)
    std::printf("rejected records are in %s\n", (o.rejects.empty() ? o.index_dir + "/rejects.txt" : o.rejects).c_str());
  return kExitOk;
}

int run_delete(const Options& o) {
  if (o.ids.empty()) return usage_error("delete needs at least one --id");
  log_start("delete", o);
  auto w = IndexWriter::open(logged(o));
  if (!w) return failed("delete", w.status().message());
  IndexWriter& writer = *w.value();
  if (Status s = writer.begin_update(); !s) return failed("delete", s.message());
  for (const auto& id : o.ids)
    if (Status s = writer.remove(id); !s) return failed("delete", s.message());
  const std::string served = generations::current(o.index_dir);
  Status s = writer.publish();
  if (writer.report().verdict == "refused") return refused("delete", writer, served);
  if (!s) return failed("delete", s.message());
  std::printf("delete: removed %zu record(s); published %s\n", o.ids.size(), writer.generation().c_str());
  return kExitOk;
}

int run_compact(const Options& o) {
  log_start("compact", o);
  if (Status s = compact_index(logged(o)); !s) return failed("compact", s.message());
  std::printf("compact: done\n");
  return kExitOk;
}

}  // namespace haku::indexer
