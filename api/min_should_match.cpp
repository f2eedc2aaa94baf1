// Records holding at least m of a query's words (see min_should_match.h).
#include "api/min_should_match.h"

#include <algorithm>
#include <unordered_map>

namespace haku {

bool clause_of(const Xapian::Query& q, WordClause* out, size_t max_product) {
  out->clear();
  switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
      auto t = q.get_terms_begin();
      if (t != q.get_terms_end()) out->push_back({*t});
      return true;
    }
    case Xapian::Query::OP_SCALE_WEIGHT:
      return q.get_num_subqueries() == 0 || clause_of(q.get_subquery(0), out, max_product);
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM: {
      // A branch that cannot be written as conjunctions is left out: the word then counts as present
      // in fewer records, never in more.
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
        WordClause sub;
        if (!clause_of(q.get_subquery(i), &sub, max_product)) continue;
        for (auto& c : sub) out->push_back(std::move(c));
      }
      return !out->empty();
    }
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR: {
      WordClause product{{}};
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
        WordClause sub;
        if (!clause_of(q.get_subquery(i), &sub, max_product)) return false;
        if (product.size() * sub.size() > max_product) return false;
        WordClause next;
        for (const auto& a : product)
          for (const auto& b : sub) {
            std::vector<std::string> c = a;
            c.insert(c.end(), b.begin(), b.end());
            next.push_back(std::move(c));
          }
        product = std::move(next);
      }
      if (product.size() == 1 && product[0].empty()) return false;
      *out = std::move(product);
      return true;
    }
    default:
      // Wildcards, value ranges, posting sources: not a word's alternatives.
      return false;
  }
}

MinShouldMatch::MinShouldMatch(std::vector<WordClause> words, size_t m) : words_(std::move(words)), m_(m) {}

MinShouldMatch* MinShouldMatch::clone() const { return new MinShouldMatch(words_, m_); }

std::string MinShouldMatch::get_description() const {
  return "haku::MinShouldMatch(" + std::to_string(m_) + " of " + std::to_string(words_.size()) + " words)";
}

void MinShouldMatch::init(const Xapian::Database& db) {
  db_ = db;
  terms_.clear();
  postings_.clear();
  ids_.clear();
  std::unordered_map<std::string, size_t> index;
  for (const WordClause& w : words_) {
    std::vector<std::vector<size_t>> word;
    for (const auto& conj : w) {
      std::vector<size_t> c;
      for (const std::string& t : conj) {
        auto [it, inserted] = index.emplace(t, terms_.size());
        if (inserted) terms_.push_back(t);
        c.push_back(it->second);
      }
      word.push_back(std::move(c));
    }
    ids_.push_back(std::move(word));
  }
  std::vector<Xapian::doccount> freq(terms_.size());
  for (size_t i = 0; i < terms_.size(); ++i) {
    postings_.push_back(db_.postlist_begin(terms_[i]));
    freq[i] = db_.get_termfreq(terms_[i]);
  }
  // Estimates: a record holding m words is counted in at least m of the words' unions.
  const Xapian::doccount n = db_.get_doccount();
  std::vector<Xapian::doccount> unions;
  uint64_t sum = 0;
  for (const auto& word : ids_) {
    uint64_t u = 0;
    for (const auto& conj : word) {
      Xapian::doccount smallest = n;
      for (size_t t : conj) smallest = std::min(smallest, freq[t]);
      u += conj.empty() ? 0 : smallest;
    }
    u = std::min<uint64_t>(u, n);
    unions.push_back(static_cast<Xapian::doccount>(u));
    sum += u;
  }
  std::sort(unions.rbegin(), unions.rend());
  const size_t m = std::max<size_t>(m_, 1);
  max_ = static_cast<Xapian::doccount>(std::min<uint64_t>(n, sum / m));
  est_ = m <= unions.size() ? std::min(max_, unions[m - 1]) : 0;
  current_ = 0;
  at_end_ = m > ids_.size();
}

Xapian::docid MinShouldMatch::first_candidate(Xapian::docid did) {
  Xapian::docid best = 0;
  for (auto& p : postings_) {
    if (p == Xapian::PostingIterator()) continue;
    if (*p < did) p.skip_to(did);
    if (p == Xapian::PostingIterator()) continue;
    if (best == 0 || *p < best) best = *p;
  }
  return best;
}

bool MinShouldMatch::matches(Xapian::docid did) {
  size_t found = 0;
  for (size_t w = 0; w < ids_.size(); ++w) {
    if (found + (ids_.size() - w) < m_) return false;
    for (const auto& conj : ids_[w]) {
      bool all = !conj.empty();
      for (size_t t : conj) {
        Xapian::PostingIterator& p = postings_[t];
        if (p != Xapian::PostingIterator() && *p < did) p.skip_to(did);
        if (p == Xapian::PostingIterator() || *p != did) {
          all = false;
          break;
        }
      }
      if (all) {
        ++found;
        break;
      }
    }
    if (found >= m_) return true;
  }
  return found >= m_;
}

void MinShouldMatch::skip_to(Xapian::docid did, double) {
  if (at_end_) return;
  if (did <= current_) return;
  while (true) {
    const Xapian::docid c = first_candidate(did);
    if (c == 0) {
      at_end_ = true;
      return;
    }
    if (matches(c)) {
      current_ = c;
      return;
    }
    did = c + 1;
  }
}

void MinShouldMatch::next(double min_wt) { skip_to(current_ + 1, min_wt); }

bool MinShouldMatch::check(Xapian::docid did, double) {
  if (at_end_) return true;
  if (did <= current_) return did == current_;
  if (matches(did)) {
    current_ = did;
    return true;
  }
  return false;
}

}  // namespace haku
