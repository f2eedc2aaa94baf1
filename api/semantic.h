#pragma once
// Semantic layer of a generation: a fastText model trained on the generation's own records (subword
// n-grams, so Finnish and Swedish inflections and compounds land near each other) and an HNSW index of
// one vector per record. A loaded SemanticIndex is immutable and safe to share between threads (a
// Generation holds its generation's); build_semantic_layer is not (one writer).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"
#include "stemmers/analyzer.h"

namespace haku {

// How search uses the layer (api/searcher.cpp):
// - mode=keyword: BM25 over the query's words and their analysed forms, as before.
// - Similar words (expand=true): each query word of 4+ letters that is not a stopword gets up to 3
//   corpus words with cosine >= 0.75 that are also index terms, weight 0.3. A confident one
//   (SimilarWord::confident: the model singles it out among its whole vocabulary) is OR-ed into the
//   query when it has one word (or when its words are already OR-ed because no record had them all),
//   is listed in SearchResult::also_matching and in explain (kind "similar") and marked in snippets.
//   The others, and confident ones of a query whose words must all match, only add weight
//   (OP_AND_MAYBE): they reorder, never widen the match; those that are not confident are not marked
//   either (explain kind "similar_weight"), and records that match by meaning come from the vector side.
// - mode=semantic: the query's content words are embedded like a record, and so are its dictionary
//   translations into each language (one vector per language: records are near the words of their own
//   language); a record's similarity is its best over those vectors. The 100 nearest records above a
//   similarity floor (0.30, and within 0.5 of the best) that pass the filters, by similarity.
// - mode=hybrid (default): the fused set is the keyword matches plus the *confident* vector candidates
//   (similarity above confident_similarity() for one of the query's vectors) plus exact matches (title
//   or implementer equal to the normalised query, or the id), all under the same filters. Totals and
//   facet counts run over that one Xapian query (keyword query OR the candidates' id terms), so they
//   are exact for what is ranked, and count nothing that neither the words nor a confident vector
//   match support. Ranking: exact matches first, then the keyword matches in keyword order (top 1000,
//   deeper ones follow), then the confident candidates the words missed, by similarity; ties by docid,
//   so pages and cursors are stable. Where no candidate is confident, hybrid is keyword search.
// - Query syntax (phrases, operators, fields, wildcards) keeps its exact meaning: hybrid ranks such
//   queries by keywords only. A generation without the layer (keyword-only build, fewer than 10
//   records, an older generation) is searched by keywords, and explain says so.

// Files under <generation>/semantic/: model.bin (fastText), records.hnsw (hnswlib, label = Xapian
// docid), mean.f32 (the mean record vector, removed before normalising), meta.txt (key=value lines:
// hashes for reuse, parameters and costs).
namespace semantic_files {
std::string dir(const std::string& gen_dir);
std::string meta(const std::string& gen_dir);
}  // namespace semantic_files

// What a build of the semantic layer did and cost (for the indexer's summary and the README).
struct SemanticBuildReport {
  bool built = false;  // false: skipped, see `skipped_because`
  std::string skipped_because;
  bool model_reused = false;    // the corpus was unchanged: the previous generation's model was linked
  bool vectors_reused = false;  // ... and so were the record vectors
  // An incremental build kept the previous generation's model although the corpus changed: this many
  // records were added, changed or deleted since the model was trained (below the drift bound).
  uint64_t model_drift_records = 0;
  bool model_kept = false;
  std::string method;           // skipgram | cbow
  int dim = 0;
  int epoch = 0;
  uint64_t records = 0;
  uint64_t tokens = 0;           // words of the training corpus
  uint64_t vocabulary = 0;       // words with their own vector (after minCount)
  double train_seconds = 0;      // fastText training (0 when reused)
  double embed_seconds = 0;      // record vectors and the HNSW graph
  double train_cpu_seconds = 0;  // the same in process CPU time (wall time depends on the machine's load)
  double embed_cpu_seconds = 0;
  uint64_t model_bytes = 0;
  uint64_t index_bytes = 0;                // records.hnsw
  std::vector<std::string> lines() const;  // human-readable summary, costs scaled per 100k records
};

struct SemanticBuildOptions {
  std::string gen_dir;           // the generation being published (its xapian/ is committed)
  std::string previous_gen_dir;  // the published generation before this one; empty if none
  uint64_t min_records = 10;     // fewer records than this: no semantic layer (nothing to learn from)
  // An incremental build: records added, changed or deleted against previous_gen_dir (0: a full build).
  // The previous model is kept, and only the record vectors recomputed, while the records changed since
  // it was trained stay at most max_model_drift of the corpus; past that it is trained afresh.
  uint64_t changed_records = 0;
  double max_model_drift = 0.1;
};

// (Re)builds <gen_dir>/semantic/ from the committed database of the generation: writes the training
// corpus (one line of normalised words per record), trains fastText with a fixed seed and one thread
// (reproducible), or links the previous model when the corpus hash is unchanged, then embeds every
// record into the HNSW index. Replaces the folder as a whole; removes it when skipped.
Status build_semantic_layer(const SemanticBuildOptions& options, Analyzer& analyzer,
                            SemanticBuildReport* report);
// Removes <gen_dir>/semantic/ (keyword-only builds must not serve an older generation's vectors).
void remove_semantic_layer(const std::string& gen_dir);

// The words of a text as trained on and embedded: normalised tokens, digits-only tokens dropped.
std::vector<std::string> semantic_words(const Analyzer& analyzer, std::string_view text);

struct SimilarWord {
  std::string word;
  float similarity = 0;
  // Above what the most similar of the vocabulary's words would reach if none were related to the word
  // (as confident_similarity() for records, over the model's vocabulary).
  bool confident = false;
};

struct SemanticHit {
  uint32_t docid = 0;
  float similarity = 0;  // cosine, -1..1
};

class SemanticIndex {
 public:
  // not_found when the generation has no semantic layer; corrupt when its files do not load.
  static Result<std::shared_ptr<const SemanticIndex>> load(const std::string& gen_dir);
  ~SemanticIndex();
  SemanticIndex(const SemanticIndex&) = delete;
  SemanticIndex& operator=(const SemanticIndex&) = delete;

  // Mean of the unit word vectors of `words` (stopwords excluded by the caller), centred and
  // L2-normalised; empty when there is no word.
  std::vector<float> embed(const std::vector<std::string>& words) const;
  // The k records nearest to a vector of embed(), most similar first (ties by docid).
  std::vector<SemanticHit> nearest_records(const std::vector<float>& vector, size_t k) const;
  // The similarity a record needs for the vector side to be evidence that it matches `vector` (an
  // embed() result): above what the most similar of this generation's N records would reach if none
  // were related to the query. The query's similarities to a fixed sample of the generation's records
  // (up to 1,024, taken at load) give their mean and spread; the threshold is mean + z * sd, where a
  // normal distribution leaves 1/N above z. Learned per generation and per query: a query whose
  // vector singles out no record (a weak model, a vague query) gets no confident candidate.
  float confident_similarity(const std::vector<float>& vector) const;
  // Whether `word` means something to the model: a corpus word, or an unseen form (a misspelling, an
  // inflection) whose near neighbours include a corpus word sharing its first four letters. Subword
  // n-grams give any string a vector; in a small model, nonsense lands "near" unrelated words.
  bool knows(const std::string& word) const;
  // Corpus words whose vectors are nearest to `word`'s (subwords give a vector to unseen words too),
  // with at least `min_similarity`.
  std::vector<SimilarWord> similar_words(const std::string& word, size_t k, float min_similarity) const;
  // Identifies the files loaded (changes when an in-place update rebuilt them).
  const std::string& stamp() const;
  uint64_t records() const;

 private:
  struct Impl;
  explicit SemanticIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The meta.txt text of a generation (its stamp); empty when absent.
std::string semantic_stamp(const std::string& gen_dir);

}  // namespace haku
