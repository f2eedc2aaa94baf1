#pragma once
// GenerationSet: the index generations one process serves (LevelDB's VersionSet to the Generation's
// Version). It loads the generation DIR/current names as a whole (api/generation.h), probes it, and
// swaps it in for every Searcher at once; a generation that fails to open or to answer the probe is
// refused, logged, and the previous one stays served. Readers hold a generation only while a request
// runs, so an old generation is released when its last request is done; the one replaced last is kept
// a while longer for the cursors made on it. Thread-safe: share one set between the Searchers of a
// process (searchd's workers).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/status.h"

namespace haku {

class Generation;

struct GenerationSetOptions {
  std::string index_dir;  // the directory holding `current` and the gen-* folders
  // One key=value line per event (generation_loaded, generation_refused, generation_failed, ...);
  // empty = written to stderr with a timestamp.
  std::function<void(const std::string& line)> log = nullptr;
  // How long a generation that is no longer served stays loaded for the cursors made on it (0: only
  // while a request holds it).
  std::chrono::seconds previous_hold{600};
};

// What a set serves and what it refused, for readiness checks and the admin reload.
struct GenerationState {
  std::string served;           // the generation being served; empty when none could be loaded
  uint64_t served_revision = 0;
  std::string published;        // what DIR/current names now
  bool degraded = false;        // the served generation failed, or the published one was refused
  bool serving = false;         // searches can be answered (a generation is served and has not failed)
  std::string refused;          // while degraded: the generation refused or found damaged
  bool damaged = false;         // ... found damaged by a search (else refused when it was loaded)
  std::string reason;           // ... and why (Xapian's message: may name files; for logs and admins)
  int64_t since_unix = 0;       // when the degraded state began
  uint64_t loads = 0;           // generations loaded since the set was made
  uint64_t refusals = 0;        // generations refused since the set was made
};

class GenerationSet {
 public:
  explicit GenerationSet(GenerationSetOptions options);
  ~GenerationSet();
  GenerationSet(const GenerationSet&) = delete;
  GenerationSet& operator=(const GenerationSet&) = delete;

  const std::string& index_dir() const;

  // Looks at DIR/current and, when it names another generation than the served one (or the served one
  // was updated in place), loads it and serves it if it opens and answers the probe. A generation
  // refused once is tried again only when `force` (the admin reload) or when `current` moves. While
  // one caller loads, the others keep the served generation (only the very first load is waited
  // for). Returns true when another generation is now served; an error only when none can be served.
  Result<bool> check(bool force = false);
  // check(true), answering what is served afterwards.
  Result<GenerationState> reload();
  GenerationState state() const;

  // For Searchers: the served generation (nullptr while none), held for the length of one request.
  std::shared_ptr<const Generation> current() const;
  // The generation a cursor names: the served one, the one replaced last, or one still on disk.
  // invalid_argument (param "cursor") when it is gone.
  Result<std::shared_ptr<const Generation>> find(const std::string& name);
  // A request found `generation` damaged (a Xapian database error other than a concurrent update):
  // logs it once, and serves the newest other retained generation that opens and answers the probe;
  // with none, the set stays on the damaged one and reports that it cannot serve.
  void report_failure(const Generation& generation, const std::string& what);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace haku
