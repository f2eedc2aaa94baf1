#pragma once
// haku-indexer's commands, one function each, returning the process's exit code (options.h). Each is
// called once per process, from main (not thread-safe).
#include "indexer/options.h"

namespace haku::indexer {

int run_build(const Options& o);  // build, sync (build --incremental), update
int run_delete(const Options& o);
int run_compact(const Options& o);
int run_generations(const Options& o);
int run_rollback(const Options& o);
int run_stats(const Options& o);
int run_verify(const Options& o);

}  // namespace haku::indexer
