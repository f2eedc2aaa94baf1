// haku-bench: latency of the fixed query mix in-process (Searcher), over HTTP (sequential keep-alive
// client), on a bare Xapian loop (the floor) and on SQLite FTS5 (the peer); loads the FTS5 peer; writes
// the request paths wrk replays. Single-threaded; every run prints one summary line the scripts parse.
#include <xapian.h>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "api/schema.h"
#include "api/search.h"
#include "api/searcher.h"
#include "bench/fts5_peer.h"
#include "corpus/reader.h"
#include "bench/query_mix.h"
#include "searchd/json_codec.h"

namespace {

using haku::bench::LatencyStats;
using haku::bench::MixQuery;
using haku::bench::MixOverrides;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: haku-bench COMMAND [options]\n"
    "  search    --index DIR --queries FILE [--mode keyword|semantic|hybrid] [--facets LIST|none] [--repeat N]\n"
    "            in-process latency through haku::Searcher (the queries' params map to the request)\n"
    "  floor     --index DIR --queries FILE [--repeat N]\n"
    "            bare Xapian: DIR/current/xapian, default QueryParser, BM25, top 10, the same filters\n"
    "  http      --url http://127.0.0.1:PORT --queries FILE [--mode M] [--facets LIST|none] [--repeat N]\n"
    "            sequential GET /v1/search over one keep-alive connection (loopback only)\n"
    "  fts5-load --source JSONL --db FILE      load the SQLite FTS5 peer; prints records/s and size\n"
    "  index-floor --source JSONL --db DIR     bare Xapian indexing floor: the same texts, TermGenerator\n"
    "            without stemming, positions, one thread, Xapian's defaults; prints records/s and size\n"
    "  fts5      --db FILE --queries FILE [--facets LIST|none] [--repeat N]\n"
    "            bm25() top 10 with the same filters as SQL and the facets counted by GROUP BY\n"
    "  paths     --queries FILE [--mode M] [--facets LIST|none]   request paths, one a line (for wrk)\n"
    "Each latency command runs the mix once untimed (warm-up), then --repeat times (default 3) timed,\n"
    "and prints: LABEL n= errors= p50_ms= p95_ms= p99_ms= mean_ms= max_ms= qps= hits_mean=\n";

struct Options {
  std::string command;
  std::string index, queries, url, source, db, label;
  MixOverrides overrides;
  unsigned repeat = 3;
};

int usage_error(const std::string& message) {
  std::cerr << "haku-bench: " << message << "\n" << kUsage;
  return 2;
}

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// Runs `one(query, index)` over the mix: once untimed, then `repeat` times timed. It returns the hit
// count or -1.
template <class One>
int run_mix(const Options& o, const std::vector<MixQuery>& mix, const std::string& label, One&& one) {
  for (size_t i = 0; i < mix.size(); ++i) one(mix[i], i);
  LatencyStats stats;
  const auto wall = Clock::now();
  for (unsigned r = 0; r < o.repeat; ++r) {
    for (size_t i = 0; i < mix.size(); ++i) {
      const auto t = Clock::now();
      const long hits = one(mix[i], i);
      const double ms = elapsed_ms(t);
      if (hits < 0) {
        stats.add_error();
      } else {
        stats.add(ms);
        stats.add_hits(static_cast<uint64_t>(hits));
      }
    }
  }
  std::printf("%s\n", stats.summary(label, elapsed_ms(wall) / 1000.0).c_str());
  return 0;
}

bool load_mix(const Options& o, std::vector<MixQuery>* mix) {
  std::string error;
  if (!haku::bench::read_mix(o.queries, mix, &error)) {
    std::cerr << "haku-bench: " << error << "\n";
    return false;
  }
  return true;
}

int run_search(const Options& o) {
  if (o.index.empty() || o.queries.empty()) return usage_error("search needs --index and --queries");
  std::vector<MixQuery> mix;
  if (!load_mix(o, &mix)) return 1;
  std::vector<haku::SearchRequest> requests;
  for (const auto& q : mix) {
    haku::SearchRequest request;
    const auto params = haku::bench::request_params(q, o.overrides);
    const haku::QueryParams query_params(params.begin(), params.end());
    if (haku::Status s = haku::decode_search_request(query_params, &request); !s) {
      std::cerr << "haku-bench: " << o.queries << ":" << q.line << ": " << s.message() << "\n";
      return 1;
    }
    requests.push_back(std::move(request));
  }
  haku::SearcherOptions searcher_options;
  searcher_options.index_dir = o.index;
  auto opened = haku::Searcher::open(searcher_options);
  if (!opened) {
    std::cerr << "haku-bench: " << opened.status().message() << "\n";
    return 1;
  }
  haku::Searcher& searcher = *opened.value();
  size_t reported = 0;
  return run_mix(o, mix, o.label.empty() ? "search" : o.label, [&](const MixQuery& q, size_t i) -> long {
    auto result = searcher.search(requests[i]);
    if (!result) {
      if (reported++ < 5) std::cerr << "haku-bench: '" << q.q << "': " << result.status().message() << "\n";
      return -1;
    }
    return static_cast<long>(result.value().hits.size());
  });
}

int run_floor(const Options& o) {
  if (o.index.empty() || o.queries.empty()) return usage_error("floor needs --index and --queries");
  std::vector<MixQuery> mix;
  if (!load_mix(o, &mix)) return 1;
  try {
    Xapian::Database db(o.index + "/current/xapian");
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    Xapian::QueryParser parser;
    parser.set_database(db);
    return run_mix(o, mix, o.label.empty() ? "floor" : o.label, [&](const MixQuery& q, size_t) -> long {
      Xapian::Query query = parser.parse_query(q.q);
      // The same filters as Haku applies: boolean terms, values of one facet OR-ed.
      for (const auto& [facet, values] : haku::bench::filters_by_facet(q.params)) {
        const auto* spec = haku::schema::find_facet(facet);
        if (!spec) continue;
        std::vector<Xapian::Query> terms;
        for (const auto& v : values) terms.emplace_back(haku::schema::facet_term(*spec, v));
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
      }
      enquire.set_query(query);
      Xapian::MSet mset = enquire.get_mset(0, 10);
      size_t bytes = 0;
      for (auto it = mset.begin(); it != mset.end(); ++it) bytes += it.get_document().get_data().size();
      return bytes > 0 || mset.empty() ? static_cast<long>(mset.size()) : -1;
    });
  } catch (const Xapian::Error& e) {
    std::cerr << "haku-bench: xapian: " << e.get_description() << "\n";
    return 1;
  }
}

bool loopback_url(const std::string& url, std::string* host_port) {
  for (const char* prefix : {"http://127.0.0.1:", "http://localhost:", "http://[::1]:"}) {
    if (url.rfind(prefix, 0) == 0) {
      *host_port = url;
      while (!host_port->empty() && host_port->back() == '/') host_port->pop_back();
      return true;
    }
  }
  return false;
}

int run_http(const Options& o) {
  if (o.url.empty() || o.queries.empty()) return usage_error("http needs --url and --queries");
  std::string base;
  if (!loopback_url(o.url, &base)) return usage_error("--url must be http://127.0.0.1:PORT (loopback only)");
  std::vector<MixQuery> mix;
  if (!load_mix(o, &mix)) return 1;
  std::vector<std::string> paths;
  for (const auto& q : mix) paths.push_back(haku::bench::search_path(q, o.overrides));
  httplib::Client client(base);
  client.set_keep_alive(true);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(30, 0);
  size_t reported = 0;
  return run_mix(o, mix, o.label.empty() ? "http" : o.label, [&](const MixQuery& q, size_t i) -> long {
    auto response = client.Get(paths[i]);
    if (!response || response->status != 200) {
      if (reported++ < 5)
        std::cerr << "haku-bench: '" << q.q << "': "
                  << (response ? "HTTP " + std::to_string(response->status) + " " + response->body.substr(0, 200)
                               : httplib::to_string(response.error()))
                  << "\n";
      return -1;
    }
    // Hits are not parsed (that would time the client); the body size stands in as a sanity check.
    return response->body.empty() ? -1 : 1;
  });
}

int run_fts5_load(const Options& o) {
  if (o.source.empty() || o.db.empty()) return usage_error("fts5-load needs --source and --db");
  haku::bench::Fts5LoadReport report;
  std::string error;
  if (!haku::bench::fts5_load(o.source, o.db, &report, &error)) {
    std::cerr << "haku-bench: " << error << "\n";
    return 1;
  }
  std::printf("fts5-load records=%llu seconds=%.2f records_per_s=%.0f size_bytes=%llu\n",
              static_cast<unsigned long long>(report.records), report.seconds,
              static_cast<double>(report.records) / std::max(report.seconds, 1e-9),
              static_cast<unsigned long long>(report.size_bytes));
  return 0;
}

// The indexing floor: what Xapian itself costs for the same texts as the FTS5 peer (titles and
// descriptions with their translations, implementer, places, themes), surface words with positions and
// nothing else, on one thread with Xapian's default flush threshold. Haku's builds add stems, folded
// forms, field prefixes, facets, values and the spelling table on top, on every core.
int run_index_floor(const Options& o) {
  if (o.source.empty() || o.db.empty()) return usage_error("index-floor needs --source and --db");
  const auto t0 = Clock::now();
  uint64_t records = 0;
  try {
    Xapian::WritableDatabase db(o.db, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
    Xapian::TermGenerator tg;
    haku::CorpusReader reader;
    auto on_record = [&](haku::Project&& p, const haku::SourceLocation&) {
      Xapian::Document doc;
      tg.set_document(doc);
      tg.index_text(p.title);
      tg.increase_termpos();
      tg.index_text(p.description);
      for (const auto& [lang, t] : p.translations) {
        tg.increase_termpos();
        tg.index_text(t.title);
        tg.increase_termpos();
        tg.index_text(t.description);
      }
      tg.increase_termpos();
      tg.index_text(p.implementer);
      for (const auto& place : p.places) tg.index_text(place);
      for (const auto& theme : p.themes) tg.index_text(theme);
      doc.add_boolean_term("Q" + p.id);
      doc.set_data(p.id);
      db.add_document(doc);
      ++records;
    };
    if (!reader.read(o.source, on_record, [](const haku::Diagnostic&) {})) {
      std::cerr << "haku-bench: " << o.source << ": cannot be read\n";
      return 1;
    }
    db.commit();
    db.close();
  } catch (const Xapian::Error& e) {
    std::cerr << "haku-bench: " << e.get_description() << "\n";
    return 1;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(o.db, ec))
    if (e.is_regular_file(ec)) bytes += e.file_size(ec);
  std::printf("index-floor records=%llu seconds=%.2f records_per_s=%.0f size_bytes=%llu\n",
              static_cast<unsigned long long>(records), secs, records / std::max(secs, 1e-9),
              static_cast<unsigned long long>(bytes));
  return 0;
}

int run_fts5(const Options& o) {
  if (o.db.empty() || o.queries.empty()) return usage_error("fts5 needs --db and --queries");
  std::vector<MixQuery> mix;
  if (!load_mix(o, &mix)) return 1;
  std::string error;
  auto peer = haku::bench::Fts5Peer::open(o.db, &error);
  if (!peer) {
    std::cerr << "haku-bench: " << error << "\n";
    return 1;
  }
  size_t reported = 0;
  return run_mix(o, mix, o.label.empty() ? "fts5" : o.label, [&](const MixQuery& q, size_t) -> long {
    const auto params = haku::bench::request_params(q, o.overrides);
    const int hits = peer->search(q, params, &error);
    if (hits < 0 && reported++ < 5) std::cerr << "haku-bench: '" << q.q << "': " << error << "\n";
    return hits;
  });
}

int run_paths(const Options& o) {
  if (o.queries.empty()) return usage_error("paths needs --queries");
  std::vector<MixQuery> mix;
  if (!load_mix(o, &mix)) return 1;
  for (const auto& q : mix) std::printf("%s\n", haku::bench::search_path(q, o.overrides).c_str());
  return 0;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) return usage_error("a command is required");
  Options o;
  o.command = argv[1];
  if (o.command == "--help" || o.command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  const std::map<std::string, std::string*> text_flags = {
      {"--index", &o.index},   {"--queries", &o.queries}, {"--url", &o.url},
      {"--source", &o.source}, {"--db", &o.db},           {"--label", &o.label},
      {"--mode", &o.overrides.mode}, {"--facets", &o.overrides.facets}};
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) return usage_error(flag + " needs a value");
    const std::string value = argv[++i];
    if (const auto it = text_flags.find(flag); it != text_flags.end()) {
      *it->second = value;
    } else if (flag == "--repeat") {
      try {
        o.repeat = static_cast<unsigned>(std::stoul(value));
      } catch (const std::exception&) {
        return usage_error("--repeat needs a number");
      }
      if (o.repeat < 1) return usage_error("--repeat must be at least 1");
    } else {
      return usage_error("unknown option " + flag);
    }
  }
  if (o.command == "search") return run_search(o);
  if (o.command == "floor") return run_floor(o);
  if (o.command == "http") return run_http(o);
  if (o.command == "fts5-load") return run_fts5_load(o);
  if (o.command == "fts5") return run_fts5(o);
  if (o.command == "index-floor") return run_index_floor(o);
  if (o.command == "paths") return run_paths(o);
  return usage_error("unknown command " + o.command);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "haku-bench: unexpected error: " << e.what() << "\n";
    return 1;
  }
}
