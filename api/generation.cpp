// Generation: one generation opened, probed and loaded as a whole (see generation.h).
#include "api/generation.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/generations.h"
#include "api/ranking.h"
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
    enq.set_weighting_scheme(counting_weighting());
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
  if (generation_) generation_->give_back(missing_.empty() ? std::move(db_) : nullptr);
}

Result<ShardConfig> ShardConfig::read(const std::string& index_dir, const std::string& name) {
  ShardConfig c;
  const std::filesystem::path dir = std::filesystem::path(index_dir) / name;
  const std::string path = (dir / "shards.conf").string();
  std::ifstream in(path);
  if (!in) {
    for (const auto& p : generations::shard_paths(index_dir, name))
      c.shards.push_back({std::filesystem::path(p).filename().string(), p, "", 0});
    return c;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string key, value, extra;
    if (!(words >> key)) continue;
    auto bad = [&](const std::string& why) {
      return Status::error(StatusCode::invalid_argument, path + ":" + std::to_string(n) + ": " + why);
    };
    if (!(words >> value) || (words >> extra)) return bad("expected `" + key + " VALUE`");
    auto millis = [&](unsigned* out) {
      char* end = nullptr;
      unsigned long v = std::strtoul(value.c_str(), &end, 10);
      if (*end != '\0' || v == 0 || v > 600000) return false;
      *out = static_cast<unsigned>(v);
      return true;
    };
    if (key == "timeout_ms") {
      if (!millis(&c.timeout_ms)) return bad("timeout_ms wants milliseconds, 1 to 600000, not '" + value + "'");
    } else if (key == "connect_timeout_ms") {
      if (!millis(&c.connect_timeout_ms))
        return bad("connect_timeout_ms wants milliseconds, 1 to 600000, not '" + value + "'");
    } else if (key == "on_failure") {
      if (value != "partial" && value != "unavailable")
        return bad("on_failure is `partial` or `unavailable`, not '" + value + "'");
      c.partial_on_failure = value == "partial";
    } else if (key == "local") {
      const std::filesystem::path p = value;
      c.shards.push_back({value, (p.is_absolute() ? p : dir / p).string(), "", 0});
    } else if (key == "remote") {
      const size_t colon = value.rfind(':');
      char* end = nullptr;
      unsigned long port = colon == std::string::npos ? 0 : std::strtoul(value.c_str() + colon + 1, &end, 10);
      if (colon == std::string::npos || colon == 0 || *end != '\0' || port == 0 || port > 65535)
        return bad("remote wants HOST:PORT, not '" + value + "'");
      c.shards.push_back({value, "", value.substr(0, colon), static_cast<unsigned>(port)});
    } else {
      return bad("unknown setting '" + key + "' (timeout_ms, connect_timeout_ms, on_failure, local, remote)");
    }
  }
  if (c.shards.empty())
    return Status::error(StatusCode::invalid_argument, path + ": no shards (`local PATH` or `remote HOST:PORT` lines)");
  return c;
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

namespace {
Xapian::Database open_shard(const ShardConfig& c, const ShardSpec& s) {
  if (!s.remote()) return Xapian::Database(s.path);
  return Xapian::Remote::open(s.host, s.port, c.timeout_ms, c.connect_timeout_ms);
}
}  // namespace

Xapian::Database Generation::open_database(const std::vector<std::string>& missing) const {
  Xapian::Database db;
  for (const auto& s : config_.shards) {
    if (std::find(missing.begin(), missing.end(), s.name) != missing.end())
      db.add_database(Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY));
    else
      db.add_database(open_shard(config_, s));
  }
  return db;
}

std::vector<Xapian::Database> Generation::open_local_shards() const {
  std::vector<Xapian::Database> out;
  for (const auto& s : config_.shards)
    if (!s.remote()) out.push_back(open_shard(config_, s));
  return out;
}

uint64_t Generation::revision_of(std::vector<Xapian::Database>& shards) {
  uint64_t sum = 0;
  for (auto& db : shards) {
    db.reopen();
    sum += db.get_revision();
  }
  return sum;
}

std::vector<ShardState> Generation::shard_states() const {
  std::vector<ShardState> out;
  for (const auto& s : config_.shards) {
    ShardState st{s.name, s.remote(), false, 0, {}};
    try {
      st.documents = open_shard(config_, s).get_doccount();
      st.up = true;
    } catch (const Xapian::Error& e) {
      st.error = e.get_description();
    }
    out.push_back(std::move(st));
  }
  return out;
}

std::vector<std::string> Generation::unreachable_shards() const {
  std::vector<std::string> out;
  for (const auto& st : shard_states())
    if (!st.up) out.push_back(st.name);
  return out;
}

Generation::Handle Generation::lend_without(const std::vector<std::string>& missing) const {
  auto db = std::make_unique<Xapian::Database>(open_database(missing));
  {
    std::lock_guard<std::mutex> lock(handles_mu_);
    ++lent_;
  }
  Handle h(shared_from_this(), std::move(db));
  h.missing_ = missing;
  return h;
}

Result<std::shared_ptr<const Generation>> Generation::open(const std::string& index_dir, const std::string& name) {
  std::shared_ptr<Generation> g(new Generation());
  g->name_ = name;
  g->dir_ = index_dir + "/" + name;
  auto config = ShardConfig::read(index_dir, name);
  if (!config) return config.status();
  g->config_ = std::move(config.value());
  g->all_local_ = std::none_of(g->config_.shards.begin(), g->config_.shards.end(),
                                         [](const ShardSpec& s) { return s.remote(); });
  try {
    Xapian::Database db;
    try {
      db = g->open_database();
    } catch (const Xapian::NetworkError&) {
      // With on_failure partial a generation loads while some of its remote shards are down (a shard
      // server restarting, searchd started first): its searches answer partial, naming them, until
      // they answer again. Not without the first shard, which holds the generation's metadata.
      if (!g->config_.partial_on_failure) throw;
      g->missing_at_load_ = g->unreachable_shards();
      const auto& all = g->config_.shards;
      if (g->missing_at_load_.empty() || g->missing_at_load_.size() == all.size() ||
          std::find(g->missing_at_load_.begin(), g->missing_at_load_.end(), all.front().name) != g->missing_at_load_.end())
        throw;
      db = g->open_database(g->missing_at_load_);
    }
    std::vector<Xapian::Database> shards = g->open_local_shards();
    g->revision_ = revision_of(shards);
    g->documents_ = db.get_doccount();
    g->translation_targets_ = CrossLingual::languages_held(db);
    g->features_ = split(db.get_metadata(std::string(schema::kMetaFeatures)), ',');
    g->notes_ = split(db.get_metadata(std::string(schema::kMetaNotes)), '\n');
    if (!cursor_key_from_hex(db.get_metadata(std::string(schema::kMetaCursorSecret)), &g->cursor_key_))
      cursor_key_from_hex(new_cursor_secret(), &g->cursor_key_);
    probe(db);
    if (g->all_local_) g->facet_columns_ = FacetColumns::read(db, facet_slots());
    if (g->missing_at_load_.empty())
      g->free_handles_.push_back(std::make_unique<Xapian::Database>(db));  // the first handle to lend
  } catch (const Xapian::NetworkError& e) {
    return Status::error(StatusCode::unavailable, "cannot open index generation " + name + ": " + e.get_description());
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
