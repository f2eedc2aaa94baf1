// More like this (see more_like_this.h).
#include "api/more_like_this.h"

#include <optional>
#include <set>
#include <vector>

#include "api/keyword_search.h"
#include "api/schema.h"

namespace haku {

namespace {
// Expansion terms for more-like-this: words and stems, not ids, filters or folded forms, and only terms
// another record holds too. The expansion weight favours rare terms, and a term only the record itself
// holds finds nothing: with a base form indexed as its own stem and lemma, the forty best terms of a
// sample record were all such terms and "more like this" came back empty.
class SimilarDecider : public Xapian::ExpandDecider {
 public:
  explicit SimilarDecider(const Xapian::Database& db) : db_(db) {}
  bool operator()(const std::string& term) const override {
    if (term.empty()) return false;
    unsigned char c = static_cast<unsigned char>(term[0]);
    if (c >= 'A' && c <= 'Z') {
      if (term[0] != 'Z' && term[0] != 'L') return false;
    } else if (term.size() <= 2 || (c >= '0' && c <= '9')) {
      return false;
    }
    return db_.get_termfreq(term) > 1;
  }

 private:
  const Xapian::Database& db_;
};
}  // namespace

Result<SearchResult> more_like_this(SearchContext& ctx, const std::string& id, const SearchRequest& request) {
  Xapian::Database& d = ctx.db;
  const std::string idterm = std::string(schema::kId) + id;
  Xapian::PostingIterator p = d.postlist_begin(idterm);
  if (p == d.postlist_end(idterm)) return Status::error(StatusCode::not_found, "no project with id '" + id + "'", "id");
  Xapian::RSet rset;
  rset.add_document(*p);
  Xapian::Enquire enq(d);
  enq.set_query(Xapian::Query(idterm));
  SimilarDecider decider(d);
  // Exact term frequencies over shards searched as one (Xapian otherwise estimates them per shard), so
  // the expansion terms are one database's.
  Xapian::ESet eset = enq.get_eset(40, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
  std::vector<Xapian::Query> terms;
  for (auto t = eset.begin(); t != eset.end(); ++t) terms.emplace_back(*t);
  Xapian::Query q(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                  Xapian::Query(idterm));
  std::optional<Explain> ex;
  if (request.explain) ex = Explain{"", {}, false, {}, {"more like " + id + ": relevance feedback terms"}};
  const uint64_t offset = static_cast<uint64_t>(request.page - 1) * request.per_page;
  return keyword_search(ctx, q, false, request, ex, q, offset);
}

}  // namespace haku
