// haku-indexer stats / verify: read-only looks at the published generation.
#include <cstdio>
#include <iostream>

#include "api/reference_queries.h"
#include "api/searcher.h"
#include "corpus/mapping.h"
#include "corpus/reader.h"
#include "indexer/commands.h"

namespace haku::indexer {

namespace {
int fail(const Status& s) {
  std::cerr << "haku-indexer: " << s.message() << "\n";
  return kExitFailure;
}
}  // namespace

int run_stats(const Options& o) {
  SearcherOptions so{o.index_dir, o.data_dir};
  auto s = Searcher::open(so);
  if (!s) return fail(s.status());
  IndexInfo info = s.value()->info();
  std::printf("generation: %s\ndocuments: %llu\nterms: %llu\nsize_bytes: %llu\n", info.generation.c_str(),
              static_cast<unsigned long long>(info.documents), static_cast<unsigned long long>(info.terms),
              static_cast<unsigned long long>(info.size_bytes));
  for (const auto& [lang, n] : info.per_language)
    std::printf("lang.%s: %llu\n", lang.c_str(), static_cast<unsigned long long>(n));
  std::string features;
  for (const auto& f : info.features) features += (features.empty() ? "" : ",") + f;
  std::printf("features: %s\n", features.c_str());
  std::printf("shards: %zu\n", info.shards.size());
  for (const auto& sh : info.shards)
    std::printf("shard.%s: %s\n", sh.name.c_str(),
                sh.up ? (std::to_string(sh.documents) + " documents").c_str() : ("down: " + sh.error).c_str());
  for (const auto& n : info.notes) std::printf("degraded: %s\n", n.c_str());
  return kExitOk;
}

int run_verify(const Options& o) {
  SearcherOptions so{o.index_dir, o.data_dir};
  auto opened = Searcher::open(so);
  if (!opened) return fail(opened.status());
  Searcher& searcher = *opened.value();
  IndexInfo info = searcher.info();
  uint64_t problems = 0;
  uint64_t checked = 0;
  if (!o.sources.empty()) {
    ReaderOptions ro;
    CorpusReader reader(ro);
    for (size_t i = 0; i < o.sources.size(); ++i) {
      const std::string& src = o.sources[i];
      // verify reads each source as build did: through its mapping
      const std::string mapping_name = i < o.mappings.size() ? o.mappings[i] : "";
      std::string mapping_error;
      auto mapping = mapping_name.empty() ? nullptr : Mapping::load(mapping_name, "", &mapping_error);
      if (!mapping_name.empty() && !mapping)
        return fail(Status::error(StatusCode::invalid_argument, "--mapping " + mapping_name + ": " + mapping_error));
      reader.read(
          src,
          [&](Project&& p, const SourceLocation& where) {
            ++checked;
            if (!searcher.get(p.id)) {
              ++problems;
              std::cerr << where.file << ":" << where.line << ": id: record '" << p.id << "' is not in the index\n";
            }
          },
          [](const Diagnostic&) {}, mapping.get());
    }
  }
  for (const auto& sh : info.shards) {
    if (sh.up) continue;
    ++problems;
    std::cerr << "shard " << sh.name << " does not open: " << sh.error << "\n";
  }
  uint64_t queries = 0;
  if (!o.queries.empty()) {
    auto loaded = load_reference_queries(o.queries);
    if (!loaded) return fail(loaded.status());
    queries = loaded->size();
    for (const auto& miss : check_reference_queries(searcher, loaded.value())) {
      ++problems;
      std::cerr << miss << "\n";
    }
  }
  std::printf("verify: generation %s opens with %llu documents in %zu shard(s); %llu source records checked, %llu queries; %llu problem(s)\n",
              info.generation.c_str(), static_cast<unsigned long long>(info.documents), info.shards.size(),
              static_cast<unsigned long long>(checked), static_cast<unsigned long long>(queries),
              static_cast<unsigned long long>(problems));
  return problems == 0 ? kExitOk : kExitFailure;
}

}  // namespace haku::indexer
