// Bare Xapian BM25 with Snowball stemming (see bm25_baseline.h).
#include "api/bm25_baseline.h"

#include <xapian.h>

#include <filesystem>
#include <optional>

namespace haku {

namespace {
constexpr const char* kLangPrefix = "XLA:";  // boolean filter term, as in Haku's schema
constexpr const char* kIdPrefix = "Q";

Xapian::Stem stemmer_for(const std::string& lang) {
  if (lang == "fi") return Xapian::Stem("finnish");
  if (lang == "sv") return Xapian::Stem("swedish");
  if (lang == "en") return Xapian::Stem("english");
  return Xapian::Stem();
}
}  // namespace

struct Bm25Baseline::Impl {
  std::optional<Xapian::WritableDatabase> writer;
  Xapian::Database db;
};

Bm25Baseline::Bm25Baseline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bm25Baseline::~Bm25Baseline() = default;

Result<std::unique_ptr<Bm25Baseline>> Bm25Baseline::create(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  try {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    impl->writer.emplace(path, Xapian::DB_CREATE_OR_OVERWRITE);
    impl->db = *impl->writer;
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "cannot create " + path + ": " + e.get_description());
  }
  return std::unique_ptr<Bm25Baseline>(new Bm25Baseline(std::move(impl)));
}

Result<std::unique_ptr<Bm25Baseline>> Bm25Baseline::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->db = Xapian::Database(path);
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::not_found, "cannot open " + path + ": " + e.get_description());
  }
  return std::unique_ptr<Bm25Baseline>(new Bm25Baseline(std::move(impl)));
}

Status Bm25Baseline::add(const Project& p) {
  if (!impl_->writer) return Status::error(StatusCode::internal, "the baseline database is read-only");
  try {
    Xapian::TermGenerator tg;
    tg.set_stemmer(stemmer_for(p.lang));
    Xapian::Document doc;
    tg.set_document(doc);
    tg.index_text(p.title);
    tg.increase_termpos();
    tg.index_text(p.description);
    doc.add_boolean_term(kIdPrefix + p.id);
    if (!p.lang.empty()) doc.add_boolean_term(kLangPrefix + p.lang);
    doc.set_data(p.id);
    impl_->writer->replace_document(kIdPrefix + p.id, doc);
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "baseline: cannot add " + p.id + ": " + e.get_description());
  }
  return Status::ok();
}

Status Bm25Baseline::commit() {
  if (!impl_->writer) return Status::ok();
  try {
    impl_->writer->commit();
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::io_error, "baseline: commit failed: " + e.get_description());
  }
  return Status::ok();
}

uint64_t Bm25Baseline::documents() const { return impl_->db.get_doccount(); }

Result<std::vector<std::string>> Bm25Baseline::search(const std::string& query, const std::string& lang,
                                                      const std::vector<std::pair<std::string, std::string>>& filters,
                                                      size_t k) {
  std::vector<std::string> ids;
  try {
    Xapian::QueryParser qp;
    qp.set_database(impl_->db);
    qp.set_stemmer(stemmer_for(lang));
    Xapian::Query q;
    try {
      q = qp.parse_query(query);
    } catch (const Xapian::QueryParserError&) {
      q = qp.parse_query(query, 0);  // no operators: the words as they are
    }
    std::vector<Xapian::Query> filter_terms;
    for (const auto& [facet, value] : filters) {
      if (facet != "lang") return Status::error(StatusCode::invalid_argument, "baseline: only lang filters, not " + facet);
      filter_terms.emplace_back(kLangPrefix + value);
    }
    if (!filter_terms.empty())
      q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                        Xapian::Query(Xapian::Query::OP_AND, filter_terms.begin(), filter_terms.end()));
    Xapian::Enquire enq(impl_->db);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BM25Weight());
    Xapian::MSet m = enq.get_mset(0, static_cast<Xapian::doccount>(k));
    for (auto it = m.begin(); it != m.end(); ++it) ids.push_back(it.get_document().get_data());
  } catch (const Xapian::Error& e) {
    return Status::error(StatusCode::internal, "baseline search failed: " + e.get_description());
  }
  return ids;
}

}  // namespace haku
