#pragma once
// A Xapian posting source that matches the records holding at least `m` of a query's words, each word
// being the set of its alternatives (the terms of its synonym group, a conjunction of terms where the
// alternative is a phrase or the compound's own parts; positions are not checked). Used as a boolean
// filter beside the OR of the words (api/query_builder.h): long natural-language queries match on most
// of their words instead of all of them or any one. Not thread-safe (posting iterators); Xapian clones
// it for each search.
#include <xapian.h>

#include <string>
#include <vector>

namespace haku {

// One query word: its alternatives, each a set of terms that must all be present.
using WordClause = std::vector<std::vector<std::string>>;

// The alternatives of a query (a word's synonym group) as term conjunctions: OR and SYNONYM give their
// branches' alternatives, AND, PHRASE and NEAR the products of their subqueries' alternatives (at most
// `max_product` of them; a larger product leaves the branch out). False when nothing is left.
bool clause_of(const Xapian::Query& q, WordClause* out, size_t max_product = 64);

class MinShouldMatch : public Xapian::PostingSource {
 public:
  MinShouldMatch(std::vector<WordClause> words, size_t m);

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return est_; }
  Xapian::doccount get_termfreq_max() const override { return max_; }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool check(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return current_; }
  void init(const Xapian::Database& db) override;
  MinShouldMatch* clone() const override;
  std::string name() const override { return "haku::MinShouldMatch"; }
  std::string get_description() const override;

 private:
  // Whether `did` holds at least m_ words (moves the term iterators up to `did`).
  bool matches(Xapian::docid did);
  // The first docid >= did that holds one of the terms; 0 at the end.
  Xapian::docid first_candidate(Xapian::docid did);

  std::vector<WordClause> words_;
  size_t m_;
  Xapian::Database db_;
  std::vector<std::string> terms_;                     // unique terms
  std::vector<Xapian::PostingIterator> postings_;      // one per term
  std::vector<std::vector<std::vector<size_t>>> ids_;  // words_ with term indexes
  Xapian::docid current_ = 0;
  bool at_end_ = false;
  Xapian::doccount est_ = 0, max_ = 0;
};

}  // namespace haku
