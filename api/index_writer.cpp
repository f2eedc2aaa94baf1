// IndexWriter: builds or updates a generation and publishes it atomically (see index_writer.h).
#include "api/index_writer.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "api/document_builder.h"
#include "api/generations.h"
#include "api/schema.h"
#include "api/semantic.h"

namespace fs = std::filesystem;

namespace haku {

namespace {
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
Xapian::docid segment_of(Xapian::docid docid, unsigned per_segment) { return (docid - 1) / std::max(per_segment, 1u); }
constexpr size_t kQueueDepth = 256;  // records waiting per build thread

unsigned build_threads(unsigned requested) {
  if (requested > 0) return std::min(requested, 64u);
  return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

// One thread of a fresh build: its own analyser, document builder and Xapian shard. Records arrive in
// input order through a bounded queue, with docids chosen by the dispatcher, so a repeated id replaces
// the earlier record in the same shard and a build is deterministic whatever the threads' timing.
class ShardWorker {
 public:
  struct Job {
    Project project;
    Xapian::docid docid;
  };

  ShardWorker(const WriterOptions& options, std::string path) : options_(options), path_(std::move(path)) {
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
  std::string segment_path(Xapian::docid segment) const { return path_ + "/" + std::to_string(segment); }
  std::string spelling_path() const { return path_ + "/spelling"; }
  // The segments written, in docid order (valid after finish()).
  std::vector<std::string> segments() const {
    std::vector<std::string> out;
    for (Xapian::docid k = 0; k < segments_; ++k) out.push_back(segment_path(k));
    return out;
  }
  std::unordered_map<std::string, Xapian::termcount>& spelling_counts() { return spelling_counts_; }

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
    std::optional<Xapian::WritableDatabase> db;
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
        // Segments live only until publish() merges them, so they are not synced to disk. The
        // dispatcher never sends a record back to an earlier segment.
        if (!db || segment_of(job.docid, options_.segment_records) + 1 != segments_) {
          if (db) {
            db->commit();
            db->close();
          }
          segments_ = segment_of(job.docid, options_.segment_records) + 1;
          db.emplace(segment_path(segments_ - 1), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
          since_commit = 0;
        }
        db->replace_document(job.docid, doc);
        for (const auto& w : spellings) ++spelling_counts_[w];
        if (++since_commit == kShardBatch) {
          db->commit();
          since_commit = 0;
        }
      }
      if (db) {
        db->commit();
        db->close();
      }
    } catch (const Xapian::Error& e) {
      fail("cannot index into " + path_ + ": " + e.get_description());
    } catch (const std::exception& e) {
      fail("build thread failed: " + std::string(e.what()));
    }
  }

  const WriterOptions& options_;
  std::string path_;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Job> queue_;
  Xapian::docid segments_ = 0;  // segments opened so far (the last one is being written)
  bool closed_ = false;
  bool failed_ = false;
  std::string error_;
  std::unordered_map<std::string, Xapian::termcount> spelling_counts_;
};

// Adds each word to the spelling table of one shard (chosen by hash, so the shards' tables are added on
// all threads at once and a word's count lands once); compaction then merges the tables.
Status add_spellings(std::vector<std::unique_ptr<ShardWorker>>& shards) {
  std::unordered_map<std::string, Xapian::termcount> total = std::move(shards[0]->spelling_counts());
  for (size_t k = 1; k < shards.size(); ++k) {
    for (const auto& [w, n] : shards[k]->spelling_counts()) total[w] += n;
    shards[k]->spelling_counts().clear();
  }
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
          if (h(w) % shards.size() == k) db.add_spelling(w, n);
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
}  // namespace

struct IndexWriter::Impl {
  WriterOptions options;
  generations::DirLock lock;
  std::unique_ptr<Analyzer> analyzer;
  std::unique_ptr<DocumentBuilder> builder;
  std::optional<Xapian::WritableDatabase> db;
  std::string gen;         // generation being written
  bool in_place = false;   // editing the published generation
  // A build runs on shards (one per thread): id -> (shard, docid in the shard). Adding by docid avoids
  // Xapian's per-record lookup of the id term (replace_document by term was a third of build time).
  std::vector<std::unique_ptr<ShardWorker>> shards;
  std::unordered_map<std::string, std::pair<unsigned, Xapian::docid>> shard_ids;
  std::vector<Xapian::docid> shard_next;  // last docid given out per shard
  std::vector<std::pair<unsigned, Xapian::docid>> stale;  // replaced records in closed segments
  unsigned next_shard = 0;
  bool published = false;
  uint64_t added = 0;
  std::vector<std::string> spellings;
  // Words for the spelling table, counted over the whole build and added once each at publish():
  // Xapian's add_spelling() per occurrence dominated indexing time.
  std::unordered_map<std::string, Xapian::termcount> spelling_counts;
  SemanticBuildReport semantic;  // of the last publish()
  std::vector<std::string> build_lines;  // of the last publish(): how the shards were merged

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
    if (Status s = build_semantic_layer(so, *analyzer, &semantic); !s) {
      remove_semantic_layer(gen_dir);
      semantic = {};
      semantic.skipped_because = s.message();
    }
  }

  std::string shard_dir() const { return (fs::path(options.index_dir) / gen / "shards").string(); }

  // A fresh build: one shard per thread under GEN/shards, merged into GEN/xapian by publish().
  Status start_shards(const std::string& name) {
    gen = name;
    published = false;
    added = 0;
    const unsigned n = build_threads(options.threads);
    std::error_code ec;
    fs::create_directories(shard_dir(), ec);
    if (ec) return Status::error(StatusCode::io_error, "cannot create " + shard_dir() + ": " + ec.message());
    shards.clear();
    shard_ids.clear();
    stale.clear();
    shard_next.assign(n, 0);
    next_shard = 0;
    for (unsigned k = 0; k < n; ++k) {
      const std::string path = (fs::path(shard_dir()) / std::to_string(k)).string();
      fs::create_directories(path, ec);
      if (ec) return Status::error(StatusCode::io_error, "cannot create " + path + ": " + ec.message());
      shards.push_back(std::make_unique<ShardWorker>(options, path));
    }
    return Status::ok();
  }

  Status add_to_shard(const Project& project) {
    auto [it, inserted] = shard_ids.try_emplace(project.id, 0u, 0u);
    if (!inserted) {
      // A repeated id replaces the earlier record: in place while its segment is still being written,
      // else the earlier one is deleted from its closed segment at publish and this one is added anew.
      auto [k, docid] = it->second;
      if (segment_of(docid, options.segment_records) != segment_of(shard_next[k], options.segment_records)) {
        stale.emplace_back(k, docid);
        inserted = true;
      }
    }
    if (inserted) {
      // Round robin over the shards, in input order: deterministic, and balanced for similar records.
      it->second = {next_shard, ++shard_next[next_shard]};
      next_shard = (next_shard + 1) % shards.size();
    }
    auto [k, docid] = it->second;
    if (!shards[k]->push({project, docid})) {
      Status s = shards[k]->finish();
      return s ? Status::error(StatusCode::internal, "build thread stopped") : s;
    }
    return Status::ok();
  }

  // Joins the build threads, adds the spelling words and merges the shards into GEN/xapian.
  Status merge_shards() {
    const auto t0 = std::chrono::steady_clock::now();
    auto since = [](std::chrono::steady_clock::time_point t) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    };
    Status failed = Status::ok();
    for (auto& sh : shards)
      if (Status s = sh->finish(); !s && failed) failed = s;
    if (!failed) return failed;
    const double drain_s = since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    if (Status s = add_spellings(shards); !s) return s;
    const double spell_s = since(t1);
    const auto t2 = std::chrono::steady_clock::now();
    const std::string target = generations::database_path(options.index_dir, gen);
    try {
      for (auto [k, docid] : stale) {
        Xapian::WritableDatabase seg(shards[k]->segment_path(segment_of(docid, options.segment_records)), Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
        seg.delete_document(docid);
        seg.commit();
      }
      Xapian::Database all;
      for (auto& sh : shards) {
        for (const auto& seg : sh->segments()) all.add_database(Xapian::Database(seg));
        all.add_database(Xapian::Database(sh->spelling_path()));
      }
      // Renumbers: shard k's records follow shard k-1's. Compaction also packs the B-trees full,
      // which makes the published database smaller and faster to search.
      all.compact(target);
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::io_error, "cannot merge the build's shards: " + e.get_description());
    }
    char line[200];
    std::snprintf(line, sizeof line,
                  "build threads: %zu; at publish: last records %.2f s, spelling table %.2f s, merging the shards %.2f s",
                  shards.size(), drain_s, spell_s, since(t2));
    build_lines = {line};
    shards.clear();
    shard_ids.clear();
    std::error_code ec;
    fs::remove_all(shard_dir(), ec);
    try {
      db.emplace(target, Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS);
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::io_error, "cannot open the merged index: " + e.get_description());
    }
    return Status::ok();
  }

  Status start(const std::string& name, int flags) {
    try {
      db.emplace(generations::database_path(options.index_dir, name), flags | Xapian::DB_BACKEND_GLASS);
    } catch (const Xapian::Error& e) {
      return Status::error(StatusCode::io_error, "cannot open index for writing: " + e.get_description());
    }
    gen = name;
    published = false;
    added = 0;
    return Status::ok();
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
  AnalyzerOptions ao;
  ao.data_dir = options.data_dir;
  ao.finnish_morphology = options.full_analysis;
  ao.swedish_compounds = options.full_analysis;
  impl->analyzer = std::make_unique<Analyzer>(ao);
  impl->builder = std::make_unique<DocumentBuilder>(*impl->analyzer, options.full_analysis);
  return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(impl)));
}

Status IndexWriter::begin_build() {
  std::string name = generations::new_name();
  std::error_code ec;
  fs::create_directories(fs::path(impl_->options.index_dir) / name, ec);
  if (ec) return Status::error(StatusCode::io_error, "cannot create generation " + name + ": " + ec.message());
  impl_->in_place = false;
  return impl_->start_shards(name);
}

Status IndexWriter::begin_update() {
  const std::string& dir = impl_->options.index_dir;
  std::string cur = generations::current(dir);
  if (cur.empty()) return Status::error(StatusCode::unavailable, "no published index in " + dir);
  if (!impl_->options.new_generation) {
    impl_->in_place = true;
    return impl_->start(cur, Xapian::DB_OPEN);
  }
  std::string name = generations::new_name();
  std::error_code ec;
  fs::create_directories(fs::path(dir) / name, ec);
  if (!ec) fs::copy(fs::path(dir) / cur, fs::path(dir) / name, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(fs::path(dir) / name, ec);
    return Status::error(StatusCode::io_error, "cannot copy generation " + cur + ": " + ec.message());
  }
  impl_->in_place = false;
  return impl_->start(name, Xapian::DB_OPEN);
}

Status IndexWriter::add(const Project& project) {
  if (!impl_->shards.empty()) {
    if (project.id.empty()) return Status::error(StatusCode::invalid_argument, "record without id", "id");
    if (Status s = impl_->add_to_shard(project); !s) return s;
    ++impl_->added;
    return Status::ok();
  }
  if (!impl_->db) return Status::error(StatusCode::internal, "add() before begin_build()/begin_update()");
  if (project.id.empty()) return Status::error(StatusCode::invalid_argument, "record without id", "id");
  try {
    Project p = project;
    impl_->spellings.clear();
    Xapian::Document doc = impl_->builder->build(p, &impl_->spellings);
    impl_->db->replace_document(std::string(schema::kId) + p.id, doc);
    for (const auto& w : impl_->spellings) ++impl_->spelling_counts[w];
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
    if (!impl_->db->term_exists(term)) return Status::error(StatusCode::not_found, "no record with id " + id, "id");
    impl_->db->delete_document(term);
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot delete " + id + ": " + e.get_description());
  }
  return Status::ok();
}

Status IndexWriter::publish() {
  if (!impl_->shards.empty())
    if (Status s = impl_->merge_shards(); !s) return s;
  if (!impl_->db) return Status::error(StatusCode::internal, "publish() before begin_build()/begin_update()");
  const std::string& dir = impl_->options.index_dir;
  try {
    AnalyzerFeatures f = impl_->analyzer->features();
    impl_->db->set_metadata(std::string(schema::kMetaSchema), std::to_string(schema::kSchemaVersion));
    impl_->db->set_metadata(std::string(schema::kMetaFeatures), feature_list(f, impl_->options.full_analysis));
    impl_->db->set_metadata(std::string(schema::kMetaNotes), join(f.notes, "\n"));
    impl_->db->set_metadata(std::string(schema::kMetaFullAnalysis), impl_->options.full_analysis ? "1" : "0");
    for (const auto& [word, n] : impl_->spelling_counts) impl_->db->add_spelling(word, n);
    impl_->spelling_counts.clear();
    impl_->db->commit();
    impl_->db->close();
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot commit the index: " + e.get_description());
  }
  impl_->db.reset();
  impl_->build_semantic(dir);
  if (!impl_->in_place) {
    // The translation table ships with the generation, so its searches keep the dictionary it was
    // built with; without one, searchers use their own build's table.
    std::error_code tr_ec;
    if (fs::exists(HAKU_DEFAULT_TRANSLATIONS, tr_ec))
      fs::copy_file(HAKU_DEFAULT_TRANSLATIONS, fs::path(dir) / impl_->gen / "translations.bin",
                    fs::copy_options::overwrite_existing, tr_ec);
    if (Status s = generations::sync_tree((fs::path(dir) / impl_->gen).string()); !s) return s;
    if (Status s = generations::publish(dir, impl_->gen); !s) return s;
  }
  impl_->published = true;
  generations::prune(dir, impl_->options.retention);
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
  const std::string& dir = options.index_dir;
  std::string cur = generations::current(dir);
  if (cur.empty()) return Status::error(StatusCode::unavailable, "no published index in " + dir);
  std::string name = generations::new_name();
  std::error_code ec;
  fs::create_directories(fs::path(dir) / name, ec);
  if (ec) return Status::error(StatusCode::io_error, "cannot create generation " + name + ": " + ec.message());
  try {
    Xapian::Database src(generations::database_path(dir, cur));
    src.compact(generations::database_path(dir, name), Xapian::DBCOMPACT_NO_RENUMBER);
  } catch (const Xapian::Error& e) {
    fs::remove_all(fs::path(dir) / name, ec);
    return Status::error(StatusCode::io_error, "compaction failed: " + e.get_description());
  }
  // Carry over anything else the generation holds (data files of later layers).
  for (const auto& e : fs::directory_iterator(fs::path(dir) / cur, ec)) {
    if (e.path().filename() == "xapian") continue;
    fs::copy(e.path(), fs::path(dir) / name / e.path().filename(), fs::copy_options::recursive, ec);
  }
  if (Status s = generations::sync_tree((fs::path(dir) / name).string()); !s) return s;
  if (Status s = generations::publish(dir, name); !s) return s;
  generations::prune(dir, options.retention);
  return Status::ok();
}

}  // namespace haku
