// IndexWriter: builds or updates a generation and publishes it atomically (see index_writer.h).
#include "api/index_writer.h"

#include <xapian.h>

#include <filesystem>
#include <optional>
#include <system_error>
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
}  // namespace

struct IndexWriter::Impl {
  WriterOptions options;
  generations::DirLock lock;
  std::unique_ptr<Analyzer> analyzer;
  std::unique_ptr<DocumentBuilder> builder;
  std::optional<Xapian::WritableDatabase> db;
  std::string gen;         // generation being written
  bool in_place = false;   // editing the published generation
  bool fresh = false;      // a build into an empty generation
  // In a fresh build: id -> docid of the records added so far. Adding by docid avoids Xapian's
  // per-record lookup of the id term (replace_document by term was about a third of build time).
  std::unordered_map<std::string, Xapian::docid> fresh_ids;
  bool published = false;
  uint64_t added = 0;
  std::vector<std::string> spellings;
  // Words for the spelling table, counted over the whole build and added once each at publish():
  // Xapian's add_spelling() per occurrence dominated indexing time.
  std::unordered_map<std::string, Xapian::termcount> spelling_counts;
  SemanticBuildReport semantic;  // of the last publish()

  // Trains (or reuses) the generation's semantic layer. A failure leaves the generation keyword-only
  // rather than failing the publish: the report says why.
  void build_semantic(const std::string& dir) {
    const std::string gen_dir = (fs::path(dir) / gen).string();
    semantic = {};
    if (!options.full_analysis) {
      remove_semantic_layer(gen_dir);
      semantic.skipped_because = "keyword-only build";
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
  impl_->fresh = true;
  impl_->fresh_ids.clear();
  return impl_->start(name, Xapian::DB_CREATE);
}

Status IndexWriter::begin_update() {
  impl_->fresh = false;
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
  if (!impl_->db) return Status::error(StatusCode::internal, "add() before begin_build()/begin_update()");
  if (project.id.empty()) return Status::error(StatusCode::invalid_argument, "record without id", "id");
  try {
    Project p = project;
    impl_->spellings.clear();
    Xapian::Document doc = impl_->builder->build(p, &impl_->spellings);
    if (impl_->fresh) {
      auto [it, inserted] = impl_->fresh_ids.try_emplace(p.id, 0);
      if (inserted) {
        it->second = impl_->db->add_document(doc);
      } else {
        impl_->db->replace_document(it->second, doc);  // a duplicate id: the later record wins
      }
    } else {
      impl_->db->replace_document(std::string(schema::kId) + p.id, doc);
    }
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
std::vector<std::string> IndexWriter::report_lines() const { return impl_->semantic.lines(); }

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
