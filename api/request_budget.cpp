// Request budget: deadline, bounded matches, query term counts (see request_budget.h).
#include "api/request_budget.h"

#include <algorithm>
#include <cctype>

namespace haku {

namespace {

// The pattern of an OP_WILDCARD leaf. Xapian 1.4's public API does not expose it; its description is
// "Query(WILDCARD <combiner> <pattern>)" with bytes below 0x20 written as \xHH. Empty when the
// description has another shape.
std::string wildcard_pattern(const Xapian::Query& q) {
  const std::string d = q.get_description();
  const std::string head = "WILDCARD ";
  size_t p = d.find(head);
  if (p == std::string::npos) return {};
  p = d.find(' ', p + head.size());  // after the combiner (SYNONYM, OR, MAX)
  if (p == std::string::npos || d.size() < p + 2 || d.back() != ')') return {};
  const std::string raw = d.substr(p + 1, d.size() - p - 2);
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 3 < raw.size() && raw[i + 1] == 'x' && hex(raw[i + 2]) && hex(raw[i + 3])) {
      out += static_cast<char>(std::stoi(raw.substr(i + 2, 2), nullptr, 16));
      i += 3;
    } else if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else {
      out += raw[i];
    }
  }
  return out;
}

void walk(const Xapian::Query& q, const Xapian::Database& db, uint64_t limit, QueryTerms* out) {
  if (out->terms > limit) return;
  if (q.get_type() == Xapian::Query::OP_WILDCARD) {
    const std::string pattern = wildcard_pattern(q);
    if (pattern.empty()) {
      out->terms += kMaxWildcardTerms;  // unknown: as many as it may search
      return;
    }
    uint64_t n = 0;
    for (auto t = db.allterms_begin(pattern); t != db.allterms_end(pattern) && n <= kMaxWildcardTerms; ++t) ++n;
    if (n > kMaxWildcardTerms) {
      out->truncated.push_back(pattern + "*");
      n = kMaxWildcardTerms;
    }
    out->terms += n;
    return;
  }
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) walk(q.get_subquery(i), db, limit, out);
}

// Checks the clock every few documents and abandons the match past the hard deadline.
class DeadlineSpy : public Xapian::MatchSpy {
 public:
  explicit DeadlineSpy(const Deadline& deadline) : deadline_(deadline) {}
  void operator()(const Xapian::Document&, double) override {
    if ((++seen_ & 0xff) == 0 && deadline_.hard_passed()) throw DeadlinePassed();
  }

 private:
  const Deadline deadline_;
  uint64_t seen_ = 0;
};

}  // namespace

Deadline::Deadline(Clock::duration budget, bool in_process)
    : limited_(budget > Clock::duration::zero()), in_process_(in_process), soft_(Clock::now() + budget), hard_(soft_ + budget) {}

double Deadline::remaining_seconds() const {
  if (!limited_) return 0;
  const double s = std::chrono::duration<double>(soft_ - Clock::now()).count();
  return std::max(s, 1e-6);
}

Xapian::MSet bounded_mset(Xapian::Enquire& enquire, const Deadline& deadline, Xapian::doccount first,
                          Xapian::doccount maxitems, Xapian::doccount check_at_least) {
  if (deadline.limited()) {
    enquire.set_time_limit(deadline.remaining_seconds());
    if (deadline.in_process()) enquire.add_matchspy((new DeadlineSpy(deadline))->release());  // owned by the Enquire
  }
  return enquire.get_mset(first, maxitems, check_at_least);
}

QueryTerms count_query_terms(const Xapian::Query& query, const Xapian::Database& db, uint64_t limit) {
  QueryTerms out;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) ++out.terms;
  walk(query, db, limit, &out);
  return out;
}

}  // namespace haku
