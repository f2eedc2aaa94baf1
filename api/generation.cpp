// Generation: one generation opened, probed and loaded as a whole (see generation.h).
#include "api/generation.h"

#include "api/generations.h"
#include "api/schema.h"

namespace haku {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Reads through every table a search reads before the generation is served: document lengths (a
// browse), the data, terms and values of the first and the last documents, and the postings of their
// terms, which lie all over the postlist table (it is sorted by term). A damaged table throws here
// instead of failing the searches that would have reached it.
void probe(Xapian::Database& db) {
  if (db.get_doccount() == 0) return;
  std::vector<Xapian::docid> docs;
  for (auto order : {Xapian::Enquire::ASCENDING, Xapian::Enquire::DESCENDING}) {
    Xapian::Enquire enq(db);
    enq.set_query(Xapian::Query::MatchAll);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.set_docid_order(order);
    Xapian::MSet m = enq.get_mset(0, 2);
    for (auto it = m.begin(); it != m.end(); ++it) docs.push_back(*it);
  }
  std::vector<Xapian::Query> terms;
  for (Xapian::docid id : docs) {
    Xapian::Document doc = db.get_document(id);
    (void)doc.get_data();
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) (void)*v;
    std::vector<std::string> own;
    for (auto t = db.termlist_begin(id); t != db.termlist_end(id); ++t) own.push_back(*t);
    // At most 32 terms of each document, spread over its (sorted) term list.
    const size_t step = own.size() / 32 + 1;
    for (size_t i = 0; i < own.size(); i += step) terms.emplace_back(own[i]);
    if (!own.empty()) terms.emplace_back(own.back());
  }
  if (terms.empty()) return;
  Xapian::Enquire enq(db);
  enq.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  Xapian::MSet m = enq.get_mset(0, 10, 100);
  for (auto it = m.begin(); it != m.end(); ++it) (void)it.get_document().get_data();
}

std::vector<unsigned> facet_slots() {
  std::vector<unsigned> slots;
  for (const auto& f : schema::facets()) slots.push_back(schema::facet_slot(f));
  return slots;
}

}  // namespace

Generation::~Generation() = default;

Generation::Handle::~Handle() {
  if (generation_) generation_->give_back(std::move(db_));
}

void Generation::give_back(std::unique_ptr<Xapian::Database> db) const {
  std::lock_guard<std::mutex> lock(handles_mu_);
  --lent_;
  if (db) free_handles_.push_back(std::move(db));
  handle_returned_.notify_one();
}

Generation::Handle Generation::lend() const {
  auto self = shared_from_this();
  std::unique_lock<std::mutex> lock(handles_mu_);
  auto take = [&] {
    auto db = std::move(free_handles_.back());
    free_handles_.pop_back();
    ++lent_;
    return Handle(self, std::move(db));
  };
  if (!free_handles_.empty()) return take();
  ++lent_;  // counted while it opens, so waiters know one may come back
  lock.unlock();
  try {
    auto db = std::make_unique<Xapian::Database>(open_database());
    return Handle(self, std::move(db));
  } catch (const Xapian::DatabaseOpeningError&) {
    lock.lock();
    --lent_;
    // The folder is gone: take a handle given back meanwhile, or wait for one in use, if any.
    const auto returned = [&] { return !free_handles_.empty(); };
    if (!returned() && (lent_ == 0 || !handle_returned_.wait_for(lock, std::chrono::seconds(10), returned))) throw;
    return take();
  } catch (...) {
    lock.lock();
    --lent_;
    throw;
  }
}

Xapian::Database Generation::open_database() const {
  Xapian::Database db;
  for (const auto& path : shards_) db.add_database(Xapian::Database(path));
  return db;
}

Result<std::shared_ptr<const Generation>> Generation::open(const std::string& index_dir, const std::string& name) {
  std::shared_ptr<Generation> g(new Generation());
  g->name_ = name;
  g->dir_ = index_dir + "/" + name;
  g->shards_ = {generations::database_path(index_dir, name)};
  try {
    Xapian::Database db = g->open_database();
    g->revision_ = db.get_revision();
    g->documents_ = db.get_doccount();
    g->features_ = split(db.get_metadata(std::string(schema::kMetaFeatures)), ',');
    g->notes_ = split(db.get_metadata(std::string(schema::kMetaNotes)), '\n');
    if (!cursor_key_from_hex(db.get_metadata(std::string(schema::kMetaCursorSecret)), &g->cursor_key_))
      cursor_key_from_hex(new_cursor_secret(), &g->cursor_key_);
    probe(db);
    g->facet_columns_ = FacetColumns::read(db, facet_slots());
    g->free_handles_.push_back(std::make_unique<Xapian::Database>(db));  // the first handle to lend
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::corrupt, "cannot open index generation " + name + ": " + e.get_description());
  }
  // The generation's own translation table, else the one this build compiled.
  std::string tr_error;
  g->translations_ = TranslationTable::load(g->dir_ + "/translations.bin", &tr_error);
  if (!g->translations_) g->translations_ = TranslationTable::load(HAKU_DEFAULT_TRANSLATIONS, &tr_error);
  auto semantic = SemanticIndex::load(g->dir_);
  if (semantic) {
    g->semantic_ = semantic.value();
  } else if (semantic.status().code() != StatusCode::not_found) {
    g->semantic_note_ = semantic.status().message();
  }
  g->size_bytes_ = generations::disk_size(g->dir_);
  return std::shared_ptr<const Generation>(std::move(g));
}

uint64_t Generation::term_count(Xapian::Database& d) const {
  std::call_once(term_count_once_, [&] {
    uint64_t n = 0;
    for (auto t = d.allterms_begin(); t != d.allterms_end(); ++t) ++n;
    term_count_ = n;
  });
  return term_count_;
}

}  // namespace haku
