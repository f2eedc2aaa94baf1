#pragma once
// The work one request may do: the limits on what a query may expand to (index terms after expansion,
// terms per wildcard) and a time budget every stage honours — the ranked match and the facet passes
// through Xapian (Enquire::set_time_limit, and a match spy that abandons a match past the hard
// deadline), the semantic layer, snippets, similar words and spelling, which are skipped once the
// budget is spent; the result then says it is partial. Internal to the engine. Value types and
// stateless functions; a Deadline belongs to one request on one thread.
#include <xapian.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace haku {

// A wildcard (`kot*`) searches at most this many of its index terms, the most frequent ones.
inline constexpr Xapian::termcount kMaxWildcardTerms = 100;
// A query may expand to at most this many index terms: the forms, translations and similar words of
// its words, and its wildcards' expansions. More is refused (invalid_argument naming `q`).
inline constexpr uint64_t kMaxQueryTerms = 5000;

// A request's time budget. Past the soft deadline (the budget) the optional stages are skipped and the
// matcher stops counting beyond the page; past the hard deadline (twice the budget) a match still
// running is abandoned.
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  // `budget` 0: no deadline. `in_process` false: matches run (partly) in xapian-tcpsrv, which knows
  // no spy of ours, so nothing abandons them at the hard deadline; Enquire's time limit and the remote
  // shards' timeouts bound them.
  explicit Deadline(Clock::duration budget = Clock::duration::zero(), bool in_process = true);
  bool limited() const { return limited_; }
  bool in_process() const { return in_process_; }
  bool passed() const { return limited_ && Clock::now() >= soft_; }
  bool hard_passed() const { return limited_ && Clock::now() >= hard_; }
  // Seconds until the soft deadline, for Enquire::set_time_limit (at least a microsecond).
  double remaining_seconds() const;

 private:
  bool limited_ = false;
  bool in_process_ = true;
  Clock::time_point soft_, hard_;
};

// Thrown out of Enquire::get_mset by the spy bounded_mset() adds once the hard deadline has passed.
class DeadlinePassed : public std::exception {
 public:
  const char* what() const noexcept override { return "the request's time budget ran out during a match"; }
};

// enquire.get_mset(first, maxitems, check_at_least) under `deadline`: the matcher stops checking
// beyond the page at the soft deadline, and the match is abandoned (DeadlinePassed) at the hard one.
// Spies already added to `enquire` see the documents matched until then.
Xapian::MSet bounded_mset(Xapian::Enquire& enquire, const Deadline& deadline, Xapian::doccount first,
                          Xapian::doccount maxitems, Xapian::doccount check_at_least = 0);

// The index terms a query expands to: its distinct terms plus each wildcard's expansion (at most
// kMaxWildcardTerms each), counting stops once `limit` is passed.
struct QueryTerms {
  uint64_t terms = 0;
  std::vector<std::string> truncated;  // wildcards (with their field prefix) cut to kMaxWildcardTerms
};
QueryTerms count_query_terms(const Xapian::Query& query, const Xapian::Database& db, uint64_t limit);

}  // namespace haku
