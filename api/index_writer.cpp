// IndexWriter: builds or updates a generation and publishes it atomically (see index_writer.h).
#include "api/index_writer.h"

#include <signal.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "api/cursor.h"
#include "api/document_builder.h"
#include "api/generations.h"
#include "api/reference_queries.h"
#include "api/schema.h"
#include "api/searcher.h"
#include "api/semantic.h"

namespace fs = std::filesystem;

namespace haku {

void kill_point(const char* point) {
  const char* at = std::getenv("HAKU_KILL_AT");
  if (at && std::strcmp(at, point) == 0) ::raise(SIGKILL);
}

namespace {
// Word -> change of its spelling-table frequency: what the added records bring, minus what the
// replaced and deleted ones had brought.
using SpellingDelta = std::unordered_map<std::string, int64_t>;

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string feature_list(const AnalyzerFeatures& f, bool full) {
  std::vector<std::string> on = {"snowball"};
  if (f.language_id) on.push_back("language_id");
  if (full && f.finnish_morphology) on.push_back("finnish_morphology");
  if (full && f.swedish_compounds) on.push_back("swedish_compounds");
  on.push_back("folding");
  on.push_back("spelling");
  return join(on, ",");
}

// Records a build thread inverts before handing them to its shard's tables. Xapian's in-memory
// inverter slows down as its per-term maps grow (each posting is a tree insert), so small batches
// are cheaper per record: on the 10k-record generated corpus 1,000 doubled the rate of Xapian's
// default (10,000).
constexpr uint64_t kShardBatch = 1000;
// Records per segment (WriterOptions::segment_records): a build thread starts a new database every so
// many records, so the B-trees a batch is merged into stay small (100k generated records on two
// threads: 267 s of CPU with segments of 10,000 against 296 s with one database per thread);
// publish() merges all segments in one compaction.
//
// The docids of a fresh build: thread k's c-th record (from 1) lies in block ((c - 1) / S) * T + k of
// S docids (S records per segment, T threads), at (c - 1) % S in it, and a thread's segment is one
// block. Segments never share a docid range, so they merge keeping their docids (Xapian's
// DBCOMPACT_NO_RENUMBER) into one database or, a segment written as one database per shard, into
// shards: a record has the same docid whichever, so the shards searched as one keep one database's
// order (generations::sharded_docid) and a sharded build needs no partition after its merge. A
// thread's last block is not filled: at most T * S docids go unused.
struct DocidPlan {
  uint64_t threads = 1;
  uint64_t per_segment = 1;
  // 0 past Xapian's docid range.
  Xapian::docid docid(unsigned thread, uint64_t nth) const {
    const uint64_t d = (((nth - 1) / per_segment) * threads + thread) * per_segment + (nth - 1) % per_segment + 1;
    return d > std::numeric_limits<Xapian::docid>::max() ? 0 : static_cast<Xapian::docid>(d);
  }
  // The segment, counted per thread, a docid lies in.
  Xapian::docid segment(Xapian::docid d) const { return static_cast<Xapian::docid>((d - 1) / per_segment / threads); }
};
constexpr size_t kQueueDepth = 256;  // records waiting per build thread

unsigned build_threads(unsigned requested) {
  if (requested > 0) return std::min(requested, 64u);
  return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

// One thread of a fresh build: its own analyser, document builder and segment databases (one per
// generation shard, a record in the one its id hashes to). Records arrive in input order through a
// bounded queue, with docids chosen by the dispatcher (DocidPlan), so a repeated id replaces the
// earlier record in the same segment and a build is deterministic whatever the threads' timing.
class ShardWorker {
 public:
  struct Job {
    Project project;
    Xapian::docid docid;
    bool replaces = false;  // an earlier record with the same id has this docid in the open segment
  };

  ShardWorker(const WriterOptions& options, std::string path, DocidPlan plan, unsigned out_shards)
      : options_(options), path_(std::move(path)), plan_(plan), out_shards_(std::max(1u, out_shards)) {
    thread_ = std::thread([this] { run(); });
  }
  ~ShardWorker() { finish(); }

  // Blocks while the queue is full. False once the worker has failed (finish() says why).
  bool push(Job job) {
    std::unique_lock lk(m_);
    not_full_.wait(lk, [&] { return queue_.size() < kQueueDepth || failed_; });
    if (failed_) return false;
    queue_.push_back(std::move(job));
    not_empty_.notify_one();
    return true;
  }

  // Drains the queue, commits the shard and joins the thread. Returns the first failure, if any.
  Status finish() {
    {
      std::lock_guard lk(m_);
      closed_ = true;
      not_empty_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    if (failed_) return Status::error(StatusCode::io_error, error_);
    return Status::ok();
  }

  // Stops without indexing what is queued (the build is being abandoned).
  void abandon() {
    fail("abandoned");
    if (thread_.joinable()) thread_.join();
  }

  const std::string& path() const { return path_; }
  // A segment's database of generation shard `shard`.
  std::string segment_path(Xapian::docid segment, unsigned shard) const {
    return path_ + "/" + std::to_string(segment) + "-" + std::to_string(shard);
  }
  std::string spelling_path() const { return path_ + "/spelling"; }
  // Segments written so far, numbered from 0 (all of them after finish()).
  Xapian::docid segment_count() const { return segments_; }
  SpellingDelta& spelling_counts() { return spelling_counts_; }

 private:
  void fail(std::string message) {
    std::lock_guard lk(m_);
    if (!failed_) error_ = std::move(message);
    failed_ = true;
    queue_.clear();
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  void run() {
    std::vector<Xapian::WritableDatabase> dbs;  // the open segment, one database per generation shard
    auto close_segment = [&] {
      for (auto& d : dbs) {
        d.commit();
        d.close();
      }
      dbs.clear();
    };
    try {
      AnalyzerOptions ao;
      ao.data_dir = options_.data_dir;
      ao.finnish_morphology = options_.full_analysis;
      ao.swedish_compounds = options_.full_analysis;
      Analyzer analyzer(ao);
      DocumentBuilder builder(analyzer, options_.full_analysis);
      std::vector<std::string> spellings;
      uint64_t since_commit = 0;
      for (;;) {
        Job job;
        {
          std::unique_lock lk(m_);
          not_empty_.wait(lk, [&] { return !queue_.empty() || closed_ || failed_; });
          if (failed_) return;
          if (queue_.empty()) break;
          job = std::move(queue_.front());
          queue_.pop_front();
          not_full_.notify_one();
        }
        spellings.clear();
        Xapian::Document doc = builder.build(job.project, &spellings);
        const unsigned shard = generations::shard_of(job.project.id, out_shards_);
        const bool open_segment = !dbs.empty() && plan_.segment(job.docid) + 1 == segments_;
        if (job.replaces && open_segment) {
          // The replaced record's words leave the spelling table with it.
          Project old;
          std::string err;
          if (project_from_json(dbs[shard].get_document(job.docid).get_data(), &old, &err))
            for (const auto& w : builder.spelling_words(old)) --spelling_counts_[w];
        }
        // Segments live only until publish() merges them, so they are not synced to disk. The
        // dispatcher never sends a record back to an earlier segment.
        if (!open_segment) {
          close_segment();
          segments_ = plan_.segment(job.docid) + 1;
          for (unsigned k = 0; k < out_shards_; ++k)
            dbs.emplace_back(segment_path(segments_ - 1, k),
                             Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
          since_commit = 0;
        }
        dbs[shard].replace_document(job.docid, doc);
        for (const auto& w : spellings) ++spelling_counts_[w];
        if (++since_commit == kShardBatch) {
          for (auto& d : dbs) d.commit();
          since_commit = 0;
        }
      }
      close_segment();
    } catch (const Xapian::Error& e) {
      fail("cannot index into " + path_ + ": " + e.get_description());
    } catch (const std::exception& e) {
      fail("build thread failed: " + std::string(e.what()));
    }
  }

  const WriterOptions& options_;
  std::string path_;
  const DocidPlan plan_;
  const unsigned out_shards_;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Job> queue_;
  Xapian::docid segments_ = 0;  // segments opened so far (the last one is being written)
  bool closed_ = false;
  bool failed_ = false;
  std::string error_;
  SpellingDelta spelling_counts_;
};

// Adds each word to the spelling table of one shard (chosen by hash, so the shards' tables are added on
// all threads at once and a word's count lands once); compaction then merges the tables. `removed`: the
// words of records replaced in closed segments.
Status add_spellings(std::vector<std::unique_ptr<ShardWorker>>& shards, const SpellingDelta& removed) {
  SpellingDelta total = std::move(shards[0]->spelling_counts());
  for (size_t k = 1; k < shards.size(); ++k) {
    for (const auto& [w, n] : shards[k]->spelling_counts()) total[w] += n;
    shards[k]->spelling_counts().clear();
  }
  for (const auto& [w, n] : removed) total[w] += n;
  std::vector<std::string> errors(shards.size());
  std::vector<std::thread> threads;
  for (size_t k = 0; k < shards.size(); ++k) {
    threads.emplace_back([&, k] {
      try {
        // A database of its own holding only the spelling table; compaction merges it like a segment.
        Xapian::WritableDatabase db(shards[k]->spelling_path(),
                                    Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
        std::hash<std::string> h;
        for (const auto& [w, n] : total)
          if (n > 0 && h(w) % shards.size() == k) db.add_spelling(w, static_cast<Xapian::termcount>(n));
        db.commit();
        db.close();
      } catch (const Xapian::Error& e) {
        errors[k] = "cannot add spellings to " + shards[k]->spelling_path() + ": " + e.get_description();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (!e.empty()) return Status::error(StatusCode::io_error, e);
  return Status::ok();
}
// Hears of a Xapian compaction's progress table by table: the crash tests stop a build in the middle
// of its merge there.
class MergeProgress : public Xapian::Compactor {
 public:
  void set_status(const std::string& table, const std::string& status) override {
    (void)table;
    if (!status.empty()) kill_point("merge");  // a table is done, others are not
  }
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", fraction * 100.0);
  return buf;
}

// Runs f(0) .. f(n - 1) on at most `threads` threads (at least one), each taking the next k.
void on_threads(unsigned n, unsigned threads, const std::function<void(unsigned)>& f) {
  std::atomic<unsigned> next{0};
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < std::max(1u, std::min(n, threads)); ++w)
    pool.emplace_back([&] {
      for (unsigned k; (k = next.fetch_add(1)) < n;) f(k);
    });
  for (auto& t : pool) t.join();
}

// Partitions the database `from` into n shard databases DIR/shard-K by the hash of each record's id:
// compact --shards N on a published one-database generation (a --shards N build writes its shards
// directly, DocidPlan). A record keeps its docid in its shard (the g-th record of shard k is docid g
// there: generations::sharded_docid), so the shards searched as one keep one database's order. The spelling
// table, synonyms and metadata go to shard 0 only, where Xapian reads them when the shards are searched
// as one.
// Glass keys positions by term, then docid, so a record's positions lie all over the table. Deleting
// the other shards' records from copies of `from` was the fastest at 10,000 records, but each delete
// rewrites a block per term and at 1M records it wrote over 230 GB in 11 minutes without finishing;
// writing all of a shard into one new database flushes into ever larger B-trees. So the records are
// taken `batch` docids at a time: their termlists read record by record, their positions term by term
// (in the table's key order), each batch's records of shard k written in docid order into a database
// of their own, and each shard's batches merged by one compaction that keeps the docids, as a build
// merges its segments: memory and the writes stay bounded by the batch whatever the database's size.
// Batches are read and written by `threads` threads, each with its own handle on `from`.
Status partition_database(const std::string& from, const std::string& dir, unsigned n, unsigned threads,
                          Xapian::docid batch) {
  batch = std::max<Xapian::docid>(1, batch);
  Xapian::docid last = 0;
  try {
    last = Xapian::Database(from).get_lastdocid();
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot partition the index into shards: " + e.get_description());
  }
  // Every thread gets a batch even from a small database.
  batch = std::min<Xapian::docid>(batch, std::max<Xapian::docid>(1, (last + threads - 1) / std::max(1u, threads)));
  const Xapian::docid batches = last == 0 ? 0 : (last - 1) / batch + 1;
  auto segment_path = [&](unsigned k, Xapian::docid b) {
    return (fs::path(dir) / ("shard-" + std::to_string(k) + ".part") / std::to_string(b)).string();
  };
  std::error_code ec;
  for (unsigned k = 0; k < n; ++k) {
    fs::create_directories(fs::path(dir) / ("shard-" + std::to_string(k) + ".part"), ec);
    if (ec) return Status::error(StatusCode::io_error, "cannot create a shard folder in " + dir + ": " + ec.message());
  }
  std::atomic<uint64_t> seen{0}, with_id{0};
  std::mutex failed_mu;
  Status failed = Status::ok();
  auto fail = [&](Status s) {
    std::lock_guard<std::mutex> g(failed_mu);
    if (failed) failed = std::move(s);
  };
  // One batch: docids [lo, hi].
  auto run_batch = [&](Xapian::Database& src, Xapian::docid b) {
    struct Record {
      Xapian::docid did = 0;
      unsigned shard = 0;
      Xapian::Document doc;  // being assembled
      std::vector<std::pair<std::string, Xapian::termcount>> terms;  // with their wdf, in term order
    };
    const Xapian::docid lo = b * batch + 1, hi = std::min(last, lo + batch - 1);
    std::vector<Record> records;
    const std::string id_prefix(schema::kId);
    Xapian::PostingIterator all = src.postlist_begin("");
    all.skip_to(lo);
    for (; all != src.postlist_end("") && *all <= hi; ++all) {
      Record r;
      r.did = *all;
      const Xapian::Document d = src.get_document(r.did);
      r.doc.set_data(d.get_data());
      for (auto v = d.values_begin(); v != d.values_end(); ++v) r.doc.add_value(v.get_valueno(), *v);
      bool id = false;
      for (auto t = src.termlist_begin(r.did); t != src.termlist_end(r.did); ++t) {
        r.terms.emplace_back(*t, t.get_wdf());
        if (!id && (*t).rfind(id_prefix, 0) == 0) {
          r.shard = generations::shard_of(std::string_view(*t).substr(id_prefix.size()), n);
          id = true;
        }
      }
      if (id) ++with_id;
      ++seen;
      records.push_back(std::move(r));
    }
    // Positions term by term: each term's records of the batch in docid order.
    std::unordered_map<std::string_view, std::vector<uint32_t>> by_term;
    for (uint32_t i = 0; i < records.size(); ++i)
      for (const auto& [t, wdf] : records[i].terms) by_term[t].push_back(i);
    std::vector<std::string_view> order;
    order.reserve(by_term.size());
    for (const auto& [t, _] : by_term) order.push_back(t);
    std::sort(order.begin(), order.end());
    for (std::string_view t : order) {
      const std::string term(t);
      // In key order (term, then docid): no faster than Database::positionlist_begin() record by
      // record while the table is in the page cache (10,000 records: 40.8 s against 39.6 s), but the
      // reads stay near each other when it is not.
      Xapian::PostingIterator p = src.postlist_begin(term);
      const Xapian::PostingIterator end = src.postlist_end(term);
      for (uint32_t i : by_term[t]) {
        Record& r = records[i];
        p.skip_to(r.did);
        if (p == end) break;
        if (*p != r.did) continue;
        for (auto q = p.positionlist_begin(); q != p.positionlist_end(); ++q) r.doc.add_posting(term, *q, 0);
      }
    }
    by_term.clear();
    for (Record& r : records)
      for (const auto& [t, wdf] : r.terms) r.doc.add_term(t, wdf);  // the wdf as it was (positions add none)
    for (unsigned k = 0; k < n; ++k) {
      Xapian::WritableDatabase out(segment_path(k, b), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
      for (const Record& r : records)
        if (r.shard == k) out.replace_document(r.did, r.doc);
      out.commit();
      out.close();
    }
  };
  std::atomic<Xapian::docid> next{0};
  auto worker = [&] {
    try {
      Xapian::Database src(from);
      for (Xapian::docid b; (b = next.fetch_add(1)) < batches;) {
        {
          std::lock_guard<std::mutex> g(failed_mu);
          if (!failed) return;
        }
        run_batch(src, b);
      }
    } catch (const Xapian::Error& e) {
      fail(Status::error(StatusCode::io_error, "cannot partition the index into shards: " + e.get_description()));
    } catch (const std::bad_alloc&) {
      fail(Status::error(StatusCode::io_error, "cannot partition the index into shards: out of memory"));
    }
  };
  std::vector<std::thread> pool;
  const unsigned readers = static_cast<unsigned>(std::clamp<Xapian::docid>(batches, 1, std::max(1u, threads)));
  for (unsigned w = 0; w < readers; ++w) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (!failed) return failed;
  if (with_id != seen)
    return Status::error(StatusCode::internal, "the merged index holds " + std::to_string(seen.load()) +
                                                   " records but " + std::to_string(with_id.load()) + " id terms");
  // Each shard's batches in docid order, merged keeping the docids; shard 0 also takes the spelling
  // table, synonyms and metadata, from a database holding only them.
  std::vector<Status> results(n, Status::ok());
  auto merge_shard = [&](unsigned k) {
    const std::string path = (fs::path(dir) / ("shard-" + std::to_string(k))).string();
    try {
      Xapian::Database all;
      for (Xapian::docid b = 0; b < batches; ++b) all.add_database(Xapian::Database(segment_path(k, b)));
      if (k == 0) {
        const std::string extras = segment_path(0, batches);
        {
          Xapian::Database src(from);
          Xapian::WritableDatabase out(extras, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
          for (auto w = src.spellings_begin(); w != src.spellings_end(); ++w) out.add_spelling(*w, w.get_termfreq());
          for (auto t = src.synonym_keys_begin(); t != src.synonym_keys_end(); ++t)
            for (auto v = src.synonyms_begin(*t); v != src.synonyms_end(*t); ++v) out.add_synonym(*t, *v);
          for (auto t = src.metadata_keys_begin(); t != src.metadata_keys_end(); ++t)
            out.set_metadata(*t, src.get_metadata(*t));
          out.commit();
          out.close();
        }
        all.add_database(Xapian::Database(extras));
      }
      if (all.size() == 0)
        Xapian::WritableDatabase(path, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC).commit();
      else
        all.compact(path, Xapian::DBCOMPACT_NO_RENUMBER);
      std::error_code e2;
      fs::remove_all(fs::path(dir) / ("shard-" + std::to_string(k) + ".part"), e2);
    } catch (const Xapian::Error& e) {
      results[k] = Status::error(StatusCode::io_error, "cannot write shard-" + std::to_string(k) + ": " + e.get_description());
    }
  };
  on_threads(n, threads, merge_shard);
  for (auto& r : results)
    if (!r) return r;
  return Status::ok();
}

// A folder holding only `current` -> GEN and a link to GEN, so a Searcher (which serves DIR/current)
// can run the reference queries on a generation before it is published. Removed with the object.
class StagedGeneration {
 public:
  StagedGeneration(const std::string& index_dir, const std::string& gen)
      : dir_((fs::path(index_dir) / (".verify." + std::to_string(::getpid()))).string()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::create_directories(dir_, ec);
    if (!ec) fs::create_directory_symlink(fs::path("..") / gen, fs::path(dir_) / gen, ec);
    if (!ec) fs::create_directory_symlink(gen, fs::path(dir_) / "current", ec);
    error_ = ec ? "cannot stage " + gen + " for its reference queries: " + ec.message() : "";
  }
  ~StagedGeneration() {
    std::error_code ec;
    fs::remove_all(dir_, ec);  // the links only, not what they point at
  }
  const std::string& dir() const { return dir_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  std::string error_;
};
}  // namespace

struct IndexWriter::Impl {
  WriterOptions options;
  generations::DirLock lock;
  std::unique_ptr<Analyzer> analyzer;
  std::unique_ptr<DocumentBuilder> builder;
  std::optional<Xapian::WritableDatabase> db;
  std::string gen;         // generation being written
  std::string kind;        // build | sync | update (the manifest's kind)
  std::string fallback;    // begin_sync() that became a full build: why
  std::string base;        // the generation an update or sync starts from
  bool in_place = false;   // editing the published generation
  std::chrono::steady_clock::time_point started;
  // A build runs on build threads (`shards`, one ShardWorker each): id -> (thread, docid). Adding by
  // docid avoids Xapian's per-record lookup of the id term (replace_document by term was a third of
  // build time).
  std::vector<std::unique_ptr<ShardWorker>> shards;
  std::unordered_map<std::string, std::pair<unsigned, Xapian::docid>> shard_ids;
  DocidPlan plan;
  std::vector<uint64_t> shard_count;      // records given out per thread
  std::vector<Xapian::docid> shard_last;  // last docid given out per thread
  struct Stale {                          // a replaced record in a closed segment
    unsigned thread;
    Xapian::docid docid;
    unsigned shard;  // of the generation
  };
  std::vector<Stale> stale;
  unsigned next_shard = 0;
  bool published = false;
  uint64_t added = 0;
  std::vector<std::string> spellings;
  // Words for the spelling table, counted over the whole update and applied once each at publish():
  // Xapian's add_spelling() per occurrence dominated indexing time. Replaced and deleted records
  // count negatively, so their words leave the table ("did you mean" never offers a deleted word).
  SpellingDelta spelling_delta;
  SemanticBuildReport semantic;  // of the last publish()
  std::vector<std::string> build_lines;  // of the last publish(): how the shards were merged
  bool has_source = false;
  SourceReport source;
  PublishReport report;
  // Sync: the published generation's records by id, and whether the source still has them.
  struct Known {
    Xapian::docid docid = 0;
    std::string hash;
    bool seen = false;
  };
  std::unordered_map<std::string, Known> known;
  bool copied = false;  // sync: `base` has been copied into `gen` (on the first change)
  uint64_t n_added = 0, n_changed = 0, n_deleted = 0, n_unchanged = 0;

  void emit(const LogEvent& e) const {
    if (options.on_event) options.on_event(e);
  }

  // Trains (or reuses) the generation's semantic layer. A failure leaves the generation keyword-only
  // rather than failing the publish: the report says why.
  void build_semantic(const std::string& dir) {
    const std::string gen_dir = (fs::path(dir) / gen).string();
    semantic = {};
    if (!options.full_analysis || !options.semantic_layer) {
      remove_semantic_layer(gen_dir);
      semantic.skipped_because = options.full_analysis ? "turned off for this build" : "keyword-only build";
      return;
    }
    SemanticBuildOptions so;
    so.gen_dir = gen_dir;
    std::string cur = generations::current(dir);
    if (!cur.empty() && cur != gen) so.previous_gen_dir = (fs::path(dir) / cur).string();
    // Updates and syncs keep the previous model while little has changed (api/semantic.h).
    if (kind != "build" && !so.previous_gen_dir.empty())
      so.changed_records = std::max<uint64_t>(1, n_added + n_changed + n_deleted);
    if (Status s = build_semantic_layer(so, *analyzer, &semantic); !s) {
      remove_semantic_layer(gen_dir);
      semantic = {};
      semantic.skipped_because = s.message();
    }
  }

  std::string gen_dir() const { return (fs::path(options.index_dir) / gen).string(); }
  std::string shard_dir() const { return (fs::path(options.index_dir) / gen / "shards").string(); }

  // A new generation folder with its manifest saying "building": if this process dies, prune() knows
  // the folder for what it is.
  Status create_generation(const std::string& name, const std::string& what) {
    std::error_code ec;
    fs::create_directories(fs::path(options.index_dir) / name, ec);
    if (ec) return Status::error(StatusCode::io_error, "cannot create generation " + name + ": " + ec.message());
    gen = name;
    kind = what;
    published = false;
    added = 0;
    report = {};
    started = std::chrono::steady_clock::now();
    generations::Manifest m;
    m.kind = what;
    m.created = generations::utc_now();
    return generations::write_manifest(options.index_dir, name, m);
  }

  // A fresh build: one shard per thread under GEN/shards, merged into GEN/xapian by publish().
  Status start_shards() {
    const unsigned n = build_threads(options.threads);
    std::error_code ec;
    fs::create_directories(shard_dir(), ec);
    if (ec) return Status::error(StatusCode::io_error, "cannot create " + shard_dir() + ": " + ec.message());
    shards.clear();
    shard_ids.clear();
    stale.clear();
    plan = DocidPlan{n, std::max(1u, options.segment_records)};
    shard_count.assign(n, 0);
    shard_last.assign(n, 0);
    next_shard = 0;
    for (unsigned k = 0; k < n; ++k) {
      const std::string path = (fs::path(shard_dir()) / std::to_string(k)).string();
      fs::create_directories(path, ec);
      if (ec) return Status::error(StatusCode::io_error, "cannot create " + path + ": " + ec.message());
      shards.push_back(std::make_unique<ShardWorker>(options, path, plan, generation_shards()));
    }
    return Status::ok();
  }

  Status add_to_shard(const Project& project) {
    auto [it, inserted] = shard_ids.try_emplace(project.id, 0u, 0u);
    bool replaces = !inserted;
    if (!inserted) {
      // A repeated id replaces the earlier record: in place while its segment is still being written,
      // else the earlier one is deleted from its closed segment at publish and this one is added anew.
      auto [k, docid] = it->second;
      if (plan.segment(docid) != plan.segment(shard_last[k])) {
        stale.push_back({k, docid, generations::shard_of(project.id, generation_shards())});
        inserted = true;
        replaces = false;
      }
    }
    if (inserted) {
      // Round robin over the threads, in input order: deterministic, and balanced for similar records.
      const unsigned k = next_shard;
      const Xapian::docid docid = plan.docid(k, ++shard_count[k]);
      if (docid == 0)
        return Status::error(StatusCode::invalid_argument,
                             "more records than one generation can number (" + std::to_string(shard_ids.size()) + ")");
      it->second = {k, docid};
      shard_last[k] = docid;
      next_shard = (next_shard + 1) % shards.size();
    }
    auto [k, docid] = it->second;
    if (!shards[k]->push({project, docid, replaces})) {
      Status s = shards[k]->finish();
      return s ? Status::error(StatusCode::internal, "build thread stopped") : s;
    }
    return Status::ok();
  }

  unsigned generation_shards() const { return std::max(1u, options.shards); }

  // Joins the build threads, adds the spelling words and merges the segments into GEN/xapian, or into
  // GEN/shard-K for a sharded build, with GEN/xapian the file that lists them (Xapian opens it as one
  // database).
  Status merge_shards() {
    const auto t0 = std::chrono::steady_clock::now();
    Status failed = Status::ok();
    for (auto& sh : shards)
      if (Status s = sh->finish(); !s && failed) failed = s;
    if (!failed) return failed;
    const double drain_s = seconds_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    SpellingDelta removed;
    try {
      for (const Stale& st : stale) {
        Xapian::WritableDatabase seg(shards[st.thread]->segment_path(plan.segment(st.docid), st.shard),
                                     Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
        take_back_spellings(seg.get_document(st.docid), &removed);
        seg.delete_document(st.docid);
        seg.commit();
      }
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::io_error, "cannot remove replaced records: " + e.get_description());
    }
    if (Status s = add_spellings(shards, removed); !s) return s;
    const double spell_s = seconds_since(t1);
    const auto t2 = std::chrono::steady_clock::now();
    const unsigned n_shards = generation_shards();
    // Each generation shard from its segments, docids kept (DocidPlan); the spelling table (and later
    // the metadata) in the first only, where Xapian reads them when the shards are searched as one.
    // Compaction also packs the B-trees full, which makes the published database smaller and faster to
    // search. Shards are merged on as many threads as the build had.
    std::vector<Status> results(n_shards, Status::ok());
    auto merge = [&](unsigned k) {
      const std::string out = n_shards > 1 ? (fs::path(gen_dir()) / ("shard-" + std::to_string(k))).string()
                                           : generations::database_path(options.index_dir, gen);
      try {
        // Segment by segment, each thread's block in turn: docid order, every source's docids after
        // the one before's (what a compaction keeping docids requires).
        Xapian::Database all;
        Xapian::docid segments = 0;
        for (auto& sh : shards) segments = std::max(segments, sh->segment_count());
        for (Xapian::docid j = 0; j < segments; ++j)
          for (auto& sh : shards)
            if (j < sh->segment_count()) all.add_database(Xapian::Database(sh->segment_path(j, k)));
        if (k == 0)
          for (auto& sh : shards) all.add_database(Xapian::Database(sh->spelling_path()));
        MergeProgress progress;
        if (all.size() == 0)
          Xapian::WritableDatabase(out, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC).commit();
        else
          all.compact(out, Xapian::DBCOMPACT_NO_RENUMBER, 0, progress);
      } catch (const Xapian::Error& e) {
        results[k] = Status::error(StatusCode::io_error, "cannot merge the build's segments into " + out + ": " +
                                                             e.get_description());
      }
    };
    on_threads(n_shards, static_cast<unsigned>(shards.size()), merge);
    for (auto& r : results)
      if (!r) return r;
    if (n_shards > 1)
      if (Status s = generations::write_shards_file(options.index_dir, gen, n_shards); !s) return s;
    char line[200];
    std::snprintf(line, sizeof line,
                  "build threads: %zu; at publish: last records %.2f s, spelling table %.2f s, merging the segments %.2f s",
                  shards.size(), drain_s, spell_s, seconds_since(t2));
    build_lines = {line};
    if (n_shards > 1) {
      std::snprintf(line, sizeof line, "generation shards: %u (by id hash), written by the build threads", n_shards);
      build_lines.emplace_back(line);
    }
    const std::string target = generations::database_path(options.index_dir, gen);
    shards.clear();
    shard_ids.clear();
    std::error_code ec;
    fs::remove_all(shard_dir(), ec);
    try {
      db.emplace(target, Xapian::DB_OPEN | generations::backend_flag(target));
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::io_error, "cannot open the merged index: " + e.get_description());
    }
    return Status::ok();
  }

  // The docid for a record not in the generation yet: after every record it holds, in the shard its id
  // hashes to (with one shard, what add_document would give it).
  Xapian::docid new_docid(const std::string& id) const {
    const unsigned n = std::max<unsigned>(1, static_cast<unsigned>(db->size()));
    const Xapian::docid last = db->get_lastdocid();
    const uint64_t g_last = last == 0 ? 0 : (last - 1) / n + 1;
    return static_cast<Xapian::docid>(generations::sharded_docid(g_last + 1, generations::shard_of(id, n), n));
  }

  // The words a stored record gave the spelling table, counted down in `delta`.
  void take_back_spellings(const Xapian::Document& doc, SpellingDelta* delta) {
    Project old;
    std::string err;
    if (!project_from_json(doc.get_data(), &old, &err)) return;
    for (const auto& w : builder->spelling_words(old)) --(*delta)[w];
  }

  Status open_db(const std::string& name, int flags) {
    try {
      const std::string path = generations::database_path(options.index_dir, name);
      db.emplace(path, flags | generations::backend_flag(path));
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::io_error, "cannot open index for writing: " + e.get_description());
    }
    return Status::ok();
  }

  // Copies the published generation's database into the new generation (once) and opens it for writing.
  Status copy_base() {
    if (copied) return Status::ok();
    if (Status s = generations::copy_database(options.index_dir, base, gen); !s)
      return Status::error(StatusCode::io_error, "cannot copy generation " + base + ": " + s.message());
    copied = true;
    return open_db(gen, Xapian::DB_OPEN);
  }

  // Why the published generation cannot be synced incrementally (analysed differently); empty if it can.
  std::string sync_mismatch(const Xapian::Database& pub) const {
    const std::string schema_v = pub.get_metadata(std::string(schema::kMetaSchema));
    if (schema_v != std::to_string(schema::kSchemaVersion))
      return "the published generation has schema " + (schema_v.empty() ? std::string("1") : schema_v) +
             ", this indexer writes " + std::to_string(schema::kSchemaVersion);
    const std::string full = pub.get_metadata(std::string(schema::kMetaFullAnalysis));
    if (full != (options.full_analysis ? "1" : "0"))
      return options.full_analysis ? "the published generation is keyword-only" : "the published generation has full analysis";
    const std::string features = pub.get_metadata(std::string(schema::kMetaFeatures));
    const std::string ours = feature_list(analyzer->features(), options.full_analysis);
    if (features != ours) return "analysis features differ (published " + features + ", now " + ours + ")";
    return {};
  }

  Status sync_add(const Project& project) {
    const std::string hash = schema::content_hash(project);
    auto it = known.find(project.id);
    if (it != known.end() && it->second.hash == hash) {
      if (!it->second.seen) ++n_unchanged;
      it->second.seen = true;
      return Status::ok();
    }
    if (Status s = copy_base(); !s) return s;
    Project p = project;
    spellings.clear();
    Xapian::Document doc = builder->build(p, &spellings);
    if (it != known.end()) {
      take_back_spellings(db->get_document(it->second.docid), &spelling_delta);
      db->replace_document(it->second.docid, doc);
      if (!it->second.seen) ++n_changed;
      it->second.seen = true;
      it->second.hash = hash;
    } else {
      const Xapian::docid docid = new_docid(project.id);
      db->replace_document(docid, doc);
      known.emplace(project.id, Known{docid, hash, true});
      ++n_added;
    }
    for (const auto& w : spellings) ++spelling_delta[w];
    return Status::ok();
  }

  // Sync: the published records the source no longer has are deleted.
  Status sync_deletions() {
    for (auto& [id, k] : known) {
      if (k.seen) continue;
      if (Status s = copy_base(); !s) return s;
      take_back_spellings(db->get_document(k.docid), &spelling_delta);
      db->delete_document(k.docid);
      ++n_deleted;
    }
    known.clear();
    return Status::ok();
  }

  uint64_t published_documents(const std::string& name) const {
    if (name.empty()) return 0;
    try {
      return Xapian::Database(generations::database_path(options.index_dir, name)).get_doccount();
    } catch (const Xapian::Error&) {
      return 0;  // a damaged published generation: nothing to compare with
    }
  }

  using Reasons = std::vector<std::pair<std::string, std::string>>;  // (why, the option at fault)

  // The gate's checks of the source: it failed, gave nothing, or rejected too much.
  void check_source(Reasons* reasons) const {
    if (!has_source) return;
    if (!source.failure.empty()) reasons->emplace_back(source.failure, "source");
    if (source.accepted == 0)
      reasons->emplace_back("nothing accepted from the source (read " + std::to_string(source.read) + ", rejected " +
                                std::to_string(source.rejected) + ")",
                            "source");
    if (source.read > 0) {
      const double rate = double(source.rejected) / double(source.read);
      if (rate > options.gate.max_reject_rate)
        reasons->emplace_back("rejected " + std::to_string(source.rejected) + " of " + std::to_string(source.read) +
                                  " records (" + percent(rate) + ", more than --max-reject-rate " +
                                  percent(options.gate.max_reject_rate) + ")",
                              "max-reject-rate");
    }
  }

  // The gate's check of the document count against the published generation's (report.previous_documents).
  void check_shrink(uint64_t documents, const std::string& previous, Reasons* reasons) const {
    if (report.previous_documents == 0 || documents == 0) return;
    const double floor = double(report.previous_documents) * (1.0 - options.gate.max_shrink);
    if (double(documents) >= floor) return;
    const double drop = 1.0 - double(documents) / double(report.previous_documents);
    reasons->emplace_back(std::to_string(documents) + " documents, " + percent(drop) + " fewer than the " +
                              std::to_string(report.previous_documents) + " of " + previous +
                              " (more than --max-shrink " + percent(options.gate.max_shrink) + ")",
                          "max-shrink");
  }

  // The document count a build or sync will publish, known before merging or deleting anything: the
  // distinct ids given (a build), the published and added records the source still has (a sync).
  std::optional<uint64_t> projected_documents() const {
    if (!shards.empty()) return shard_ids.size();
    if (kind != "sync") return std::nullopt;
    uint64_t n = 0;
    for (const auto& [id, k] : known) n += k.seen ? 1 : 0;
    return n;
  }

  static std::string one_line(const Reasons& reasons, std::string* param) {
    std::string out;
    for (const auto& [why, option] : reasons) {
      if (!out.empty()) out += "; ";
      out += why;
      if (param->empty()) *param = option;
    }
    return out;
  }

  // The publish gate. Returns the refusal (one line, and the option at fault in *param); empty: passes.
  std::string verify(const std::string& previous, std::string* param) {
    const auto t0 = std::chrono::steady_clock::now();
    Reasons reasons;
    const bool whole = kind == "build" || kind == "sync";  // the source defines the whole content
    const PublishGate& gate = options.gate;
    check_source(&reasons);
    report.previous_documents = published_documents(previous);
    try {
      Xapian::Database fresh(generations::database_path(options.index_dir, gen));
      report.documents = fresh.get_doccount();
      (void)fresh.get_spelling_suggestion("verify");  // every table opens
    } catch (const Xapian::Error& e) {
      reasons.emplace_back("the new generation does not open: " + e.get_description(), "source");
    }
    if (whole && report.documents == 0 && (!has_source || source.accepted > 0))
      reasons.emplace_back("the new generation is empty", "source");
    if (whole) check_shrink(report.documents, previous, &reasons);
    if (!gate.queries_path.empty() && reasons.empty()) {
      auto queries = load_reference_queries(gate.queries_path);
      if (!queries) {
        reasons.emplace_back(queries.status().message(), "queries");
      } else {
        StagedGeneration staged(options.index_dir, gen);
        std::vector<std::string> misses;
        if (staged.error().empty()) {
          SearcherOptions so;
          so.index_dir = staged.dir();
          so.data_dir = options.data_dir;
          auto searcher = Searcher::open(so);
          if (searcher) misses = check_reference_queries(*searcher.value(), queries.value());
          else misses = {"the new generation does not answer: " + searcher.status().message()};
        } else {
          misses = {staged.error()};
        }
        report.queries = queries->size();
        report.queries_missed = misses.size();
        if (!misses.empty())
          reasons.emplace_back(std::to_string(misses.size()) + " reference " +
                                   (misses.size() == 1 ? "query misses: " : "query misses, the first: ") + misses[0],
                               "queries");
      }
    }
    report.verify_seconds = seconds_since(t0);
    return one_line(reasons, param);
  }

  generations::Manifest manifest(generations::Verdict verdict, const std::string& previous) const {
    generations::Manifest m;
    generations::read_manifest(options.index_dir, gen, &m);  // keeps `created`
    m.verdict = verdict;
    m.kind = kind;
    m.previous = previous;
    m.source = source.description;
    m.documents = report.documents;
    m.read = source.read;
    m.accepted = source.accepted;
    m.rejected = source.rejected;
    m.added = report.added;
    m.changed = report.changed;
    m.deleted = report.deleted;
    m.unchanged = report.unchanged;
    m.build_seconds = report.build_seconds;
    m.verify_seconds = report.verify_seconds;
    m.forced = report.forced;
    m.overridden = report.forced ? report.reason : std::string();
    m.shards = generations::shard_list(options.index_dir, gen);
    return m;
  }

  LogEvent event(const char* name) const {
    LogEvent e(name);
    e.add("gen", gen).add("kind", kind).add("documents", report.documents);
    if (!report.previous.empty())
      e.add("previous", report.previous).add("previous_documents", report.previous_documents);
    if (kind != "build") e.add("added", report.added).add("changed", report.changed).add("deleted", report.deleted);
    if (kind == "sync") e.add("unchanged", report.unchanged);
    if (has_source) e.add("read", source.read).add("rejected", source.rejected);
    if (report.queries) e.add("queries", report.queries).add("queries_missed", report.queries_missed);
    e.add("build_s", report.build_seconds).add("verify_s", report.verify_seconds);
    return e;
  }

  // Removes the generation being written (refused or unchanged).
  void discard() {
    for (auto& sh : shards) sh->abandon();
    shards.clear();
    if (db) {
      try {
        db->close();
      } catch (const Xapian::Error&) {
      }
      db.reset();
    }
    std::error_code ec;
    if (!in_place && !gen.empty()) fs::remove_all(gen_dir(), ec);
    published = true;  // nothing left for the destructor to abandon
  }
};

IndexWriter::IndexWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

IndexWriter::~IndexWriter() {
  if (!impl_) return;
  for (auto& sh : impl_->shards) sh->abandon();
  impl_->shards.clear();
  if (impl_->db) {
    try {
      impl_->db->close();
    } catch (const Xapian::Error&) {
    }
  }
  if (!impl_->published && !impl_->in_place && !impl_->gen.empty()) {
    std::error_code ec;
    fs::remove_all(fs::path(impl_->options.index_dir) / impl_->gen, ec);
  }
}

Result<std::unique_ptr<IndexWriter>> IndexWriter::open(const WriterOptions& options) {
  if (options.index_dir.empty())
    return Status::error(StatusCode::invalid_argument, "no index directory given", "index-dir");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (Status s = generations::DirLock::acquire(options.index_dir, options.wait_for_lock, &impl->lock); !s) return s;
  if (Status s = generations::settle(options.index_dir); !s) return s;
  AnalyzerOptions ao;
  ao.data_dir = options.data_dir;
  ao.finnish_morphology = options.full_analysis;
  ao.swedish_compounds = options.full_analysis;
  impl->analyzer = std::make_unique<Analyzer>(ao);
  impl->builder = std::make_unique<DocumentBuilder>(*impl->analyzer, options.full_analysis);
  return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(impl)));
}

Status IndexWriter::begin_build() {
  impl_->in_place = false;
  impl_->base.clear();
  if (Status s = impl_->create_generation(generations::new_name(), "build"); !s) return s;
  return impl_->start_shards();
}

Status IndexWriter::begin_update() {
  const std::string& dir = impl_->options.index_dir;
  std::string cur = generations::current(dir);
  if (cur.empty()) return Status::error(StatusCode::unavailable, "no published index in " + dir);
  impl_->base = cur;
  if (!impl_->options.new_generation) {
    impl_->in_place = true;
    impl_->gen = cur;
    impl_->kind = "update";
    impl_->report = {};
    impl_->started = std::chrono::steady_clock::now();
    return impl_->open_db(cur, Xapian::DB_OPEN);
  }
  impl_->in_place = false;
  if (Status s = impl_->create_generation(generations::new_name(), "update"); !s) return s;
  std::error_code ec;
  Status copied = Status::ok();
  for (const auto& e : fs::directory_iterator(fs::path(dir) / cur, ec)) {
    if (e.path().filename() == "manifest.txt") continue;
    copied = generations::copy_tree(e.path().string(), (fs::path(impl_->gen_dir()) / e.path().filename()).string());
    if (!copied) break;
  }
  if (ec || !copied) {
    const std::string why = ec ? ec.message() : copied.message();
    fs::remove_all(impl_->gen_dir(), ec);
    return Status::error(StatusCode::io_error, "cannot copy generation " + cur + ": " + why);
  }
  return impl_->open_db(impl_->gen, Xapian::DB_OPEN);
}

Status IndexWriter::begin_sync() {
  Impl& im = *impl_;
  const std::string cur = generations::current(im.options.index_dir);
  im.fallback.clear();
  im.known.clear();
  im.copied = false;
  im.n_added = im.n_changed = im.n_deleted = im.n_unchanged = 0;
  if (cur.empty()) {
    im.fallback = "nothing is published yet";
  } else {
    try {
      Xapian::Database pub(generations::database_path(im.options.index_dir, cur));
      im.fallback = im.sync_mismatch(pub);
      if (im.fallback.empty()) {
        // The published records by id, with their content hashes.
        std::unordered_map<Xapian::docid, std::string> hashes;
        for (auto v = pub.valuestream_begin(schema::kSlotContentHash); v != pub.valuestream_end(schema::kSlotContentHash); ++v)
          hashes.emplace(v.get_docid(), *v);
        im.known.reserve(pub.get_doccount());
        const std::string prefix(schema::kId);
        for (auto t = pub.allterms_begin(prefix); t != pub.allterms_end(prefix); ++t) {
          auto p = pub.postlist_begin(*t);
          if (p == pub.postlist_end(*t)) continue;
          auto h = hashes.find(*p);
          im.known.emplace((*t).substr(prefix.size()), Impl::Known{*p, h == hashes.end() ? std::string() : h->second, false});
        }
      }
    } catch (const Xapian::Error& e) {
      im.fallback = "the published generation does not open: " + e.get_description();
      im.known.clear();
    }
  }
  if (!im.fallback.empty()) return begin_build();
  im.in_place = false;
  im.base = cur;
  return im.create_generation(generations::new_name(), "sync");
}

std::string IndexWriter::mode(std::string* fallback) const {
  if (fallback) *fallback = impl_->fallback;
  return impl_->kind;
}

Status IndexWriter::add(const Project& project) {
  if (project.id.empty()) return Status::error(StatusCode::invalid_argument, "record without id", "id");
  if (impl_->added == 1) kill_point("read");
  if (!impl_->shards.empty()) {
    if (Status s = impl_->add_to_shard(project); !s) return s;
    ++impl_->added;
    return Status::ok();
  }
  try {
    if (impl_->kind == "sync") {
      if (Status s = impl_->sync_add(project); !s) return s;
      ++impl_->added;
      return Status::ok();
    }
    if (!impl_->db) return Status::error(StatusCode::internal, "add() before begin_build()/begin_update()");
    Project p = project;
    impl_->spellings.clear();
    Xapian::Document doc = impl_->builder->build(p, &impl_->spellings);
    const std::string term = std::string(schema::kId) + p.id;
    auto old = impl_->db->postlist_begin(term);
    if (old != impl_->db->postlist_end(term)) {
      impl_->take_back_spellings(impl_->db->get_document(*old), &impl_->spelling_delta);
      ++impl_->n_changed;
      impl_->db->replace_document(term, doc);
    } else {
      ++impl_->n_added;
      impl_->db->replace_document(impl_->new_docid(p.id), doc);
    }
    for (const auto& w : impl_->spellings) ++impl_->spelling_delta[w];
    ++impl_->added;
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot add " + project.id + ": " + e.get_description());
  }
  return Status::ok();
}

Status IndexWriter::remove(const std::string& id) {
  if (!impl_->db) return Status::error(StatusCode::internal, "remove() before begin_update()");
  try {
    std::string term = std::string(schema::kId) + id;
    auto it = impl_->db->postlist_begin(term);
    if (it == impl_->db->postlist_end(term))
      return Status::error(StatusCode::not_found, "no record with id " + id, "id");
    impl_->take_back_spellings(impl_->db->get_document(*it), &impl_->spelling_delta);
    impl_->db->delete_document(term);
    ++impl_->n_deleted;
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot delete " + id + ": " + e.get_description());
  }
  return Status::ok();
}

void IndexWriter::set_source(const SourceReport& source) {
  impl_->source = source;
  impl_->has_source = true;
}

const PublishReport& IndexWriter::report() const { return impl_->report; }

Status IndexWriter::publish() {
  Impl& im = *impl_;
  const std::string& dir = im.options.index_dir;
  const std::string previous = generations::current(dir);
  im.report.previous = previous == im.gen ? im.base : previous;
  im.report.generation = im.gen;
  // A source that failed, gave nothing or rejected too much, and a build or sync that would shrink too
  // much, are refused before any deleting, merging or training.
  {
    std::string param;
    Impl::Reasons reasons;
    im.check_source(&reasons);
    im.report.previous_documents = im.published_documents(im.report.previous);
    const auto projected = im.projected_documents();
    if (projected) im.check_shrink(*projected, im.report.previous, &reasons);
    const std::string why = Impl::one_line(reasons, &param);
    if (!why.empty() && !im.options.gate.force && !im.in_place) {
      if (projected) im.report.documents = *projected;
      im.report.build_seconds = seconds_since(im.started);
      im.report.verdict = "refused";
      im.report.reason = why;
      im.emit(im.event("refused").add("reason", why));
      im.discard();
      return Status::error(StatusCode::invalid_argument, "refused: " + why, param);
    }
  }
  try {
    if (im.kind == "sync")
      if (Status s = im.sync_deletions(); !s) return s;
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot delete records: " + e.get_description());
  }
  im.report.added = im.n_added;
  im.report.changed = im.n_changed;
  im.report.deleted = im.n_deleted;
  im.report.unchanged = im.n_unchanged;
  if (im.kind == "sync" && !im.copied) {
    // Nothing to apply: the published generation already holds exactly what the source has.
    im.report.documents = im.report.previous_documents = im.published_documents(previous);
    im.report.build_seconds = seconds_since(im.started);
    im.discard();
    im.gen = previous;  // what stays served
    im.report.generation.clear();
    im.report.verdict = "unchanged";
    im.emit(im.event("unchanged"));
    return Status::ok();
  }
  if (!im.shards.empty())
    if (Status s = im.merge_shards(); !s) return s;
  if (!im.db) return Status::error(StatusCode::internal, "publish() before begin_build()/begin_update()");
  try {
    AnalyzerFeatures f = im.analyzer->features();
    im.db->set_metadata(std::string(schema::kMetaSchema), std::to_string(schema::kSchemaVersion));
    im.db->set_metadata(std::string(schema::kMetaFeatures), feature_list(f, im.options.full_analysis));
    im.db->set_metadata(std::string(schema::kMetaNotes), join(f.notes, "\n"));
    im.db->set_metadata(std::string(schema::kMetaFullAnalysis), im.options.full_analysis ? "1" : "0");
    // Each new generation signs its cursors with a secret of its own; an in-place update keeps the
    // served generation's, so cursors given out before it still page.
    if (im.options.new_generation || im.db->get_metadata(std::string(schema::kMetaCursorSecret)).empty())
      im.db->set_metadata(std::string(schema::kMetaCursorSecret), new_cursor_secret());
    for (const auto& [word, n] : im.spelling_delta) {
      if (n > 0) im.db->add_spelling(word, static_cast<Xapian::termcount>(n));
      if (n < 0) im.db->remove_spelling(word, static_cast<Xapian::termcount>(-n));
    }
    im.spelling_delta.clear();
    im.db->commit();
    im.db->close();
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot commit the index: " + e.get_description());
  }
  im.db.reset();
  kill_point("semantic");
  im.build_semantic(dir);
  if (im.in_place) {
    // The served generation was edited directly: there is nothing to refuse any more.
    im.report.documents = im.published_documents(im.gen);
    im.report.build_seconds = seconds_since(im.started);
    im.report.verdict = "published";
    im.published = true;
    generations::Manifest m;
    if (generations::read_manifest(dir, im.gen, &m)) {
      m.documents = im.report.documents;
      m.shards = generations::shard_list(dir, im.gen);
      if (Status s = generations::write_manifest(dir, im.gen, m); !s) return s;
    }
    im.emit(im.event("published").add("in_place", "1"));
    return Status::ok();
  }
  // The translation table ships with the generation, so its searches keep the dictionary it was built
  // with; without one, searchers use their own build's table. --data-dir names where the table is,
  // as it does for the stop lists (an unpacked or relocated installation).
  std::error_code tr_ec;
  std::string table = HAKU_DEFAULT_TRANSLATIONS;
  if (!im.options.data_dir.empty() && fs::exists(fs::path(im.options.data_dir) / "translations.bin", tr_ec))
    table = (fs::path(im.options.data_dir) / "translations.bin").string();
  if (fs::exists(table, tr_ec))
    fs::copy_file(table, fs::path(dir) / im.gen / "translations.bin", fs::copy_options::overwrite_existing, tr_ec);

  std::string param;
  const std::string why = im.verify(im.report.previous, &param);
  im.report.build_seconds = seconds_since(im.started);
  if (!why.empty() && !im.options.gate.force) {
    im.report.verdict = "refused";
    im.report.reason = why;
    im.emit(im.event("refused").add("reason", why));
    im.discard();
    return Status::error(StatusCode::invalid_argument, "refused: " + why, param);
  }
  if (!why.empty()) {
    im.report.forced = true;
    im.report.reason = why;
    im.emit(im.event("forced").add("overridden", why));
  }
  im.emit(im.event("verified"));
  if (Status s = generations::write_manifest(dir, im.gen, im.manifest(generations::Verdict::verified, im.report.previous)); !s)
    return s;
  if (Status s = generations::sync_tree(im.gen_dir()); !s) return s;
  kill_point("switch");
  if (Status s = generations::publish(dir, im.gen); !s) return s;
  im.published = true;
  kill_point("published");
  generations::Manifest m = im.manifest(generations::Verdict::published, im.report.previous);
  m.published = generations::utc_now();
  if (Status s = generations::write_manifest(dir, im.gen, m); !s) return s;
  im.report.verdict = "published";
  LogEvent pub = im.event("published");
  if (im.report.forced) pub.add("forced", "1");
  im.emit(pub);
  im.report.pruned = generations::prune(dir, im.options.retention);
  if (!im.report.pruned.empty())
    im.emit(LogEvent("pruned").add("removed", join(im.report.pruned, ",")).add("count", uint64_t(im.report.pruned.size())));
  return Status::ok();
}

std::string IndexWriter::generation() const { return impl_->gen; }
uint64_t IndexWriter::added() const { return impl_->added; }
std::vector<std::string> IndexWriter::analysis_notes() const { return impl_->analyzer->features().notes; }
std::vector<std::string> IndexWriter::report_lines() const {
  std::vector<std::string> out = impl_->build_lines;
  for (auto& l : impl_->semantic.lines()) out.push_back(std::move(l));
  return out;
}

Status compact_index(const WriterOptions& options) {
  generations::DirLock lock;
  if (Status s = generations::DirLock::acquire(options.index_dir, options.wait_for_lock, &lock); !s) return s;
  if (Status s = generations::settle(options.index_dir); !s) return s;
  const std::string& dir = options.index_dir;
  std::string cur = generations::current(dir);
  if (cur.empty()) return Status::error(StatusCode::unavailable, "no published index in " + dir);
  const auto t0 = std::chrono::steady_clock::now();
  std::string name = generations::new_name();
  std::error_code ec;
  fs::create_directories(fs::path(dir) / name, ec);
  if (ec) return Status::error(StatusCode::io_error, "cannot create generation " + name + ": " + ec.message());
  generations::Manifest m;
  if (!generations::read_manifest(dir, cur, &m)) m = {};
  m.verdict = generations::Verdict::building;
  m.kind = "compact";
  m.created = generations::utc_now();
  m.previous = cur;
  m.forced = false;
  m.overridden.clear();
  m.rolled_back.clear();
  m.added = m.changed = m.deleted = m.unchanged = 0;
  if (Status s = generations::write_manifest(dir, name, m); !s) return s;
  try {
    const std::vector<std::string> shards = generations::shard_paths(dir, cur);
    const unsigned wanted = options.shards > 1 ? options.shards : static_cast<unsigned>(shards.size());
    if (wanted != shards.size() && shards.size() > 1) {
      fs::remove_all(fs::path(dir) / name, ec);
      return Status::error(StatusCode::invalid_argument,
                           "the published generation " + cur + " has " + std::to_string(shards.size()) +
                               " shards: compact keeps them, or partitions a one-database generation; "
                               "for another number of shards build again with --shards " + std::to_string(wanted));
    }
    if (wanted != shards.size()) {
      // One database into `wanted` shards: the partition a build with --shards does after its merge, so
      // the generation equals that build's without analysing the records again.
      if (Status s = partition_database(shards[0], (fs::path(dir) / name).string(), wanted,
                                        build_threads(options.threads), options.partition_batch);
          !s) {
        fs::remove_all(fs::path(dir) / name, ec);
        return s;
      }
    } else {
      // Shard by shard, docids kept: the shards searched as one number their records as before.
      for (const auto& shard : shards) {
        const std::string to = shards.size() == 1 ? generations::database_path(dir, name)
                                                  : (fs::path(dir) / name / fs::path(shard).filename()).string();
        Xapian::Database(shard).compact(to, Xapian::DBCOMPACT_NO_RENUMBER);
      }
    }
    if (wanted > 1)
      if (Status s = generations::write_shards_file(dir, name, wanted); !s) {
        fs::remove_all(fs::path(dir) / name, ec);
        return s;
      }
    m.documents = Xapian::Database(generations::database_path(dir, name)).get_doccount();
    m.shards = generations::shard_list(dir, name);
  } catch (const Xapian::Error& e) {
    fs::remove_all(fs::path(dir) / name, ec);
    return Status::error(StatusCode::io_error, "compaction failed: " + e.get_description());
  }
  // Carry over anything else the generation holds (data files of later layers).
  for (const auto& e : fs::directory_iterator(fs::path(dir) / cur, ec)) {
    const std::string f = e.path().filename().string();
    if (f == "xapian" || f == "manifest.txt" || f.rfind("shard-", 0) == 0) continue;
    fs::copy(e.path(), fs::path(dir) / name / e.path().filename(), fs::copy_options::recursive, ec);
  }
  m.build_seconds = seconds_since(t0);
  m.verdict = generations::Verdict::verified;
  if (Status s = generations::write_manifest(dir, name, m); !s) return s;
  if (Status s = generations::sync_tree((fs::path(dir) / name).string()); !s) return s;
  if (Status s = generations::publish(dir, name); !s) return s;
  m.verdict = generations::Verdict::published;
  m.published = generations::utc_now();
  if (Status s = generations::write_manifest(dir, name, m); !s) return s;
  if (options.on_event)
    options.on_event(LogEvent("published")
                         .add("gen", name)
                         .add("kind", "compact")
                         .add("documents", m.documents)
                         .add("shards", uint64_t(std::max<size_t>(1, generations::shard_paths(dir, name).size())))
                         .add("previous", cur)
                         .add("build_s", m.build_seconds));
  std::vector<std::string> pruned = generations::prune(dir, options.retention);
  if (!pruned.empty() && options.on_event)
    options.on_event(LogEvent("pruned").add("removed", join(pruned, ",")).add("count", uint64_t(pruned.size())));
  return Status::ok();
}

}  // namespace haku
