// Semantic layer: corpus-trained fastText vectors, record vectors in HNSW, similar words (see semantic.h).
#include "api/semantic.h"

#include <fasttext/fasttext.h>
#include <hnswlib/hnswlib.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>
#include <unordered_set>

#include "corpus/project.h"

namespace fs = std::filesystem;

namespace haku {

namespace {

constexpr int kFormatVersion = 1;
constexpr int kSeed = 20261126;  // fastText and HNSW: fixed, so a generation is reproducible
constexpr int kDim = 64;
constexpr uint64_t kMaxTrainRecords = 5000;   // records sampled for training (see build_semantic_layer)
constexpr float kMinKnownSimilarity = 0.6f;  // see SemanticIndex::knows()
constexpr size_t kHnswM = 16;
constexpr size_t kHnswEfConstruction = 100;
constexpr size_t kHnswEfSearch = 128;
constexpr size_t kNeighbourVocabulary = 200000;  // most frequent words searched for similar words
constexpr size_t kBackgroundRecords = 1024;      // records sampled at load for confident_similarity()

// The z for which a normal distribution leaves `tail` above mean + z * sd (bisection on erfc).
double upper_quantile_z(double tail) {
  double lo = 0, hi = 12;
  for (int i = 0; i < 80; ++i) {
    const double mid = (lo + hi) / 2;
    if (0.5 * std::erfc(mid / std::sqrt(2.0)) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

std::string file_in(const std::string& gen_dir, const char* name) {
  return (fs::path(semantic_files::dir(gen_dir)) / name).string();
}

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::map<std::string, std::string> read_meta(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

uint64_t meta_number(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
}

// Hard link (same file system, no copy), else a copy.
bool link_or_copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (!ec) return true;
  ec.clear();
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  return !ec;
}

uint64_t file_bytes(const fs::path& p) {
  std::error_code ec;
  uint64_t n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

bool is_content_word(const Analyzer& analyzer, const std::string& w) {
  for (Lang l : kAllLangs)
    if (analyzer.is_stopword(w, l)) return false;
  return true;
}

// Training parameters, scaled with the corpus: small corpora get more passes and keep rare words.
struct TrainParams {
  fasttext::model_name model = fasttext::model_name::sg;
  int epoch = 5;
  int min_count = 1;
  int bucket = 20000;

  static TrainParams for_corpus(uint64_t tokens, uint64_t distinct) {
    TrainParams p;
    // skipgram (~40k words/s on one thread) only for small corpora, where it gives better neighbours.
    p.model = tokens <= 100'000 ? fasttext::model_name::sg : fasttext::model_name::cbow;
    p.epoch = static_cast<int>(std::clamp<uint64_t>(tokens ? 1'500'000 / tokens : 30, 5, 30));
    p.min_count = tokens < 1'000'000 ? 1 : 3;
    p.bucket = static_cast<int>(std::clamp<uint64_t>(distinct * 2, 20000, 500000));
    return p;
  }
  std::string describe() const {
    return std::string(model == fasttext::model_name::sg ? "skipgram" : "cbow") +
           " dim=" + std::to_string(kDim) + " epoch=" + std::to_string(epoch) +
           " minCount=" + std::to_string(min_count) + " bucket=" + std::to_string(bucket) +
           " loss=hs minn=3 maxn=5 ws=5 thread=1 seed=" + std::to_string(kSeed);
  }
};

// Mean of the unit vectors of the words (what fastText's sentence vectors do for unsupervised models).
bool average_word_vectors(const fasttext::FastText& ft, int dim, const std::vector<std::string>& words,
                          std::vector<float>* out) {
  out->assign(static_cast<size_t>(dim), 0.0f);
  fasttext::Vector v(dim);
  size_t n = 0;
  for (const auto& w : words) {
    ft.getWordVector(v, w);
    float norm = v.norm();
    if (norm <= 0) continue;
    for (int i = 0; i < dim; ++i) (*out)[static_cast<size_t>(i)] += v[i] / norm;
    ++n;
  }
  if (n == 0) return false;
  for (auto& x : *out) x /= static_cast<float>(n);
  return true;
}

void center_and_normalise(std::vector<float>* v, const std::vector<float>& mean) {
  double norm = 0;
  for (size_t i = 0; i < v->size(); ++i) {
    if (i < mean.size()) (*v)[i] -= mean[i];
    norm += double((*v)[i]) * (*v)[i];
  }
  norm = std::sqrt(norm);
  if (norm > 0)
    for (auto& x : *v) x = static_cast<float>(x / norm);
}

// The text of a record that is trained on and embedded.
std::string record_text(const Project& p) {
  std::string t = p.title + "\n" + p.description;
  for (const auto& [code, tr] : p.translations) t += "\n" + tr.title + "\n" + tr.description;
  return t;
}

// Words of the original and of a translation merged in proportion to their lengths, so that a word's
// context window holds words of both languages (cross-lingual neighbours from translated records).
std::vector<std::string> interleave(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    // Take from the side that is behind in proportion.
    bool take_a = j >= b.size() || (i < a.size() && i * b.size() <= j * a.size());
    out.push_back(take_a ? a[i++] : b[j++]);
  }
  return out;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& w : words) {
    if (!line.empty()) line += ' ';
    line += w;
  }
  return line;
}

}  // namespace

namespace semantic_files {
std::string dir(const std::string& gen_dir) {
  return (fs::path(gen_dir) / "semantic").string();
}
std::string meta(const std::string& gen_dir) {
  return file_in(gen_dir, "meta.txt");
}
}  // namespace semantic_files

std::vector<std::string> semantic_words(const Analyzer& analyzer, std::string_view text) {
  std::vector<std::string> out;
  for (const Word& w : analyzer.tokenize(text)) {
    if (w.norm.find_first_not_of("0123456789") == std::string::npos) continue;
    out.push_back(w.norm);
  }
  return out;
}

std::vector<std::string> SemanticBuildReport::lines() const {
  std::vector<std::string> out;
  if (!built) {
    out.push_back("semantic layer: none (" + skipped_because + ")");
    return out;
  }
  char buf[512];
  const double per100k = records ? 100000.0 / static_cast<double>(records) : 0;
  if (model_kept) {
    std::snprintf(buf, sizeof buf,
                  "semantic layer: model of the previous generation kept (%llu records changed since it was "
                  "trained), record vectors recomputed",
                  static_cast<unsigned long long>(model_drift_records));
  } else if (model_reused) {
    std::snprintf(buf, sizeof buf,
                  "semantic layer: corpus unchanged, model of the previous generation reused%s",
                  vectors_reused ? " with its record vectors" : "");
  } else {
    std::snprintf(buf, sizeof buf,
                  "semantic layer: fastText %s dim %d, %d epochs over %llu words (vocabulary %llu) of %llu "
                  "records, trained in %.2f s (%.2f s CPU)",
                  method.c_str(), dim, epoch, static_cast<unsigned long long>(tokens),
                  static_cast<unsigned long long>(vocabulary), static_cast<unsigned long long>(records),
                  train_seconds, train_cpu_seconds);
  }
  out.push_back(buf);
  std::snprintf(buf, sizeof buf,
                "semantic layer: record vectors in %.2f s (%.2f s CPU); model %.1f MB, vector index %.2f MB "
                "(%.1f MB per 100k records)",
                embed_seconds, embed_cpu_seconds, model_bytes / 1e6, index_bytes / 1e6,
                index_bytes / 1e6 * per100k);
  out.push_back(buf);
  return out;
}

void remove_semantic_layer(const std::string& gen_dir) {
  std::error_code ec;
  fs::remove_all(semantic_files::dir(gen_dir), ec);
  fs::remove_all(semantic_files::dir(gen_dir) + ".tmp", ec);
}

Status build_semantic_layer(const SemanticBuildOptions& options, Analyzer& analyzer,
                            SemanticBuildReport* report) {
  SemanticBuildReport rep;
  const fs::path final_dir = semantic_files::dir(options.gen_dir);
  const fs::path tmp = final_dir.string() + ".tmp";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Status::error(StatusCode::io_error, "cannot create " + tmp.string() + ": " + ec.message());
  auto fail = [&](const std::string& message) {
    fs::remove_all(tmp, ec);
    return Status::error(StatusCode::io_error, "semantic layer: " + message);
  };

  // 1. The training corpus, in docid order: one line per record, plus interleaved lines for translations.
  const fs::path corpus_path = tmp / "corpus.txt";
  // Training reads a deterministic sample of about kMaxTrainRecords records (every stride-th one):
  // the cost of training then stays bounded (about a minute of one core) however large the corpus;
  // every record still gets its vector from the model's words and subword n-grams.
  const fs::path train_path = tmp / "train.txt";
  uint64_t train_tokens = 0;
  std::vector<uint32_t> line_docid;  // 0 for the extra (interleaved) lines
  uint64_t corpus_hash = fnv1a("v" + std::to_string(kFormatVersion));
  uint64_t records_hash = corpus_hash;
  std::unordered_set<std::string> distinct;
  try {
    Xapian::Database db((fs::path(options.gen_dir) / "xapian").string());
    std::ofstream corpus(corpus_path, std::ios::binary);
    std::ofstream train(train_path, std::ios::binary);
    if (!corpus || !train) return fail("cannot write " + corpus_path.string());
    const uint64_t stride = std::max<uint64_t>(1, (db.get_doccount() + kMaxTrainRecords - 1) / kMaxTrainRecords);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      Project p;
      std::string err;
      if (!project_from_json(db.get_document(*it).get_data(), &p, &err)) continue;
      std::vector<std::string> words = semantic_words(analyzer, record_text(p));
      std::string line = join_words(words);
      line += '\n';
      corpus << line;
      const bool sampled = rep.records % stride == 0;
      if (sampled) {
        train << line;
        train_tokens += words.size();
      }
      corpus_hash = fnv1a(line, corpus_hash);
      records_hash = fnv1a(std::to_string(*it) + ":" + p.id + ";", records_hash);
      line_docid.push_back(*it);
      rep.tokens += words.size();
      for (auto& w : words) distinct.insert(std::move(w));
      const std::vector<std::string> own = semantic_words(analyzer, p.title + "\n" + p.description);
      for (const auto& [code, tr] : p.translations) {
        std::string extra =
            join_words(interleave(own, semantic_words(analyzer, tr.title + "\n" + tr.description)));
        extra += '\n';
        corpus << extra;
        if (sampled) train << extra;
        corpus_hash = fnv1a(extra, corpus_hash);
        line_docid.push_back(0);
      }
      ++rep.records;
    }
    if (!corpus.flush() || !train.flush()) return fail("cannot write " + corpus_path.string());
  } catch (const Xapian::Error& e) {
    return fail("cannot read the generation: " + e.get_description());
  }
  if (rep.records < options.min_records || rep.tokens == 0) {
    fs::remove_all(tmp, ec);
    remove_semantic_layer(options.gen_dir);
    rep.skipped_because = "fewer than " + std::to_string(options.min_records) + " records with text";
    if (report) *report = rep;
    return Status::ok();
  }
  const TrainParams params = TrainParams::for_corpus(train_tokens, distinct.size());
  distinct.clear();
  corpus_hash = fnv1a(params.describe(), corpus_hash);
  records_hash = fnv1a(hex(corpus_hash), records_hash);
  rep.method = params.model == fasttext::model_name::sg ? "skipgram" : "cbow";
  rep.dim = kDim;
  rep.epoch = params.epoch;

  // 2. The model: reused when an earlier generation was trained on the same corpus with the same parameters.
  const fs::path model_path = tmp / "model.bin";
  const fs::path index_path = tmp / "records.hnsw";
  const fs::path mean_path = tmp / "mean.f32";
  std::vector<std::string> reuse_dirs = {options.gen_dir};
  if (!options.previous_gen_dir.empty()) reuse_dirs.push_back(options.previous_gen_dir);
  for (const auto& d : reuse_dirs) {
    auto m = read_meta(semantic_files::meta(d));
    const uint64_t drift = meta_number(m, "model_drift_records") + options.changed_records;
    // An incremental build keeps a model trained on nearly the same records (training is most of the
    // layer's cost, and a few changed records barely move it).
    const bool keep = options.changed_records > 0 && d == options.previous_gen_dir && m.count("corpus_hash") &&
                      double(drift) <= options.max_model_drift * double(rep.records);
    if (m["corpus_hash"] != hex(corpus_hash) && !keep) continue;
    const fs::path src = semantic_files::dir(d);
    if (!link_or_copy(src / "model.bin", model_path)) continue;
    rep.model_reused = true;
    rep.model_kept = m["corpus_hash"] != hex(corpus_hash);
    rep.model_drift_records = rep.model_kept ? drift : meta_number(m, "model_drift_records");
    rep.vocabulary = meta_number(m, "vocabulary");
    if (m["records_hash"] == hex(records_hash) && link_or_copy(src / "records.hnsw", index_path) &&
        link_or_copy(src / "mean.f32", mean_path))
      rep.vectors_reused = true;
    break;
  }

  fasttext::FastText ft;
  try {
    if (rep.model_reused) {
      if (!rep.vectors_reused) ft.loadModel(model_path.string());
    } else {
      fasttext::Args a;
      a.input = train_path.string();
      a.model = params.model;
      a.loss = fasttext::loss_name::hs;  // no 10M-entry negatives table: faster, and better on small corpora
      a.dim = kDim;
      a.epoch = params.epoch;
      a.minCount = params.min_count;
      a.minn = 3;
      a.maxn = 5;
      a.bucket = params.bucket;
      a.ws = 5;
      a.lr = 0.05;
      a.thread = 1;
      a.seed = kSeed;
      a.verbose = 0;
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      ft.train(a);
      rep.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rep.train_cpu_seconds = double(std::clock() - c0) / CLOCKS_PER_SEC;
      rep.vocabulary = static_cast<uint64_t>(ft.getDictionary()->nwords());
      ft.saveModel(model_path.string());
    }
  } catch (const std::exception& e) {
    return fail(std::string("fastText: ") + e.what());
  }

  // 3. One vector per record (centred on the corpus mean, unit length) in an HNSW graph.
  if (!rep.vectors_reused) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    std::vector<std::pair<uint32_t, std::vector<float>>> vectors;
    vectors.reserve(rep.records);
    std::vector<double> mean_acc(kDim, 0.0);
    {
      // The vectors of a chunk of records are computed on every core (the model is only read), then
      // taken in docid order, so the mean and the graph are the same whatever the thread count.
      const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
      constexpr size_t kChunk = 4096;
      std::vector<std::pair<uint32_t, std::string>> chunk;
      chunk.reserve(kChunk);
      auto embed_chunk = [&] {
        std::vector<std::vector<float>> out(chunk.size());
        std::vector<char> ok(chunk.size(), 0);
        auto work = [&](size_t first) {
          for (size_t k = first; k < chunk.size(); k += threads) {
            std::vector<std::string> words;
            std::istringstream ws(chunk[k].second);
            for (std::string w; ws >> w;)
              if (is_content_word(analyzer, w)) words.push_back(std::move(w));
            ok[k] = average_word_vectors(ft, kDim, words, &out[k]) ? 1 : 0;
          }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
        work(0);
        for (auto& t : pool) t.join();
        for (size_t k = 0; k < chunk.size(); ++k) {
          if (!ok[k]) continue;
          for (int d = 0; d < kDim; ++d) mean_acc[static_cast<size_t>(d)] += out[k][static_cast<size_t>(d)];
          vectors.emplace_back(chunk[k].first, std::move(out[k]));
        }
        chunk.clear();
      };
      std::ifstream corpus(corpus_path, std::ios::binary);
      std::string line;
      size_t i = 0;
      while (std::getline(corpus, line)) {
        uint32_t docid = i < line_docid.size() ? line_docid[i] : 0;
        ++i;
        if (docid == 0) continue;
        chunk.emplace_back(docid, std::move(line));
        if (chunk.size() == kChunk) embed_chunk();
      }
      if (!chunk.empty()) embed_chunk();
    }
    std::vector<float> mean(kDim, 0.0f);
    if (!vectors.empty())
      for (int d = 0; d < kDim; ++d)
        mean[static_cast<size_t>(d)] = static_cast<float>(mean_acc[static_cast<size_t>(d)] / vectors.size());
    try {
      hnswlib::InnerProductSpace space(kDim);
      hnswlib::HierarchicalNSW<float> graph(&space, std::max<size_t>(vectors.size(), 1), kHnswM,
                                            kHnswEfConstruction, kSeed);
      for (auto& [docid, v] : vectors) {
        center_and_normalise(&v, mean);
        graph.addPoint(v.data(), docid);
      }
      graph.saveIndex(index_path.string());
    } catch (const std::exception& e) {
      return fail(std::string("HNSW: ") + e.what());
    }
    std::ofstream mf(mean_path, std::ios::binary);
    mf.write(reinterpret_cast<const char*>(mean.data()),
             static_cast<std::streamsize>(mean.size() * sizeof(float)));
    if (!mf.flush()) return fail("cannot write " + mean_path.string());
    rep.embed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rep.embed_cpu_seconds = double(std::clock() - c0) / CLOCKS_PER_SEC;
  }
  fs::remove(corpus_path, ec);
  fs::remove(train_path, ec);
  rep.model_bytes = file_bytes(model_path);
  rep.index_bytes = file_bytes(index_path);
  rep.built = true;

  {
    std::ofstream meta(tmp / "meta.txt", std::ios::binary);
    meta << "version=" << kFormatVersion << "\ncorpus_hash=" << hex(corpus_hash)
         << "\nrecords_hash=" << hex(records_hash) << "\nparams=" << params.describe()
         << "\nrecords=" << rep.records << "\ntokens=" << rep.tokens << "\nvocabulary=" << rep.vocabulary
         << "\ntrain_seconds=" << rep.train_seconds << "\nembed_seconds=" << rep.embed_seconds
         << "\nmodel_bytes=" << rep.model_bytes << "\nindex_bytes=" << rep.index_bytes
         << "\nmodel_drift_records=" << rep.model_drift_records << "\n";
    if (!meta.flush()) return fail("cannot write meta.txt");
  }
  fs::remove_all(final_dir, ec);
  fs::rename(tmp, final_dir, ec);
  if (ec) return fail("cannot move the semantic layer into place: " + ec.message());
  if (report) *report = rep;
  return Status::ok();
}

std::string semantic_stamp(const std::string& gen_dir) {
  std::ifstream in(semantic_files::meta(gen_dir), std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct SemanticIndex::Impl {
  fasttext::FastText ft;
  int dim = 0;
  std::vector<float> mean;
  std::unique_ptr<hnswlib::InnerProductSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  std::vector<std::string> vocabulary;    // neighbour candidates, most frequent first
  std::vector<float> vocabulary_vectors;  // unit vectors, row-major
  std::string stamp;
  uint64_t records = 0;
  std::vector<float> background;  // unit vectors of up to kBackgroundRecords records, row-major
  double tail_z = 0;              // upper_quantile_z(1 / records)
};

SemanticIndex::SemanticIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SemanticIndex::~SemanticIndex() = default;

Result<std::shared_ptr<const SemanticIndex>> SemanticIndex::load(const std::string& gen_dir) {
  std::string stamp = semantic_stamp(gen_dir);
  if (stamp.empty()) return Status::error(StatusCode::not_found, "the generation has no semantic layer");
  auto impl = std::make_unique<Impl>();
  impl->stamp = std::move(stamp);
  try {
    impl->ft.loadModel(file_in(gen_dir, "model.bin"));
    impl->dim = impl->ft.getDimension();
    impl->mean.assign(static_cast<size_t>(impl->dim), 0.0f);
    std::ifstream mf(file_in(gen_dir, "mean.f32"), std::ios::binary);
    if (!mf.read(reinterpret_cast<char*>(impl->mean.data()),
                 static_cast<std::streamsize>(impl->mean.size() * sizeof(float))))
      return Status::error(StatusCode::corrupt, "semantic layer: mean.f32 is missing or short");
    impl->space = std::make_unique<hnswlib::InnerProductSpace>(static_cast<size_t>(impl->dim));
    impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(impl->space.get(),
                                                                    file_in(gen_dir, "records.hnsw"));
    impl->graph->setEf(kHnswEfSearch);
    impl->records = impl->graph->cur_element_count;
    // The background of confident_similarity(): records evenly spread over the graph's elements.
    const size_t n = impl->records;
    const size_t take = std::min(n, kBackgroundRecords);
    for (size_t i = 0; i < take; ++i) {
      const auto* row = reinterpret_cast<const float*>(
          impl->graph->getDataByInternalId(static_cast<hnswlib::tableint>(i * n / take)));
      impl->background.insert(impl->background.end(), row, row + impl->dim);
    }
    impl->tail_z = upper_quantile_z(1.0 / static_cast<double>(std::max<size_t>(n, 2)));
  } catch (const std::exception& e) {
    return Status::error(StatusCode::corrupt, std::string("semantic layer does not load: ") + e.what());
  }
  auto dict = impl->ft.getDictionary();
  const int32_t n = std::min<int32_t>(dict->nwords(), static_cast<int32_t>(kNeighbourVocabulary));
  const size_t dim = static_cast<size_t>(impl->dim);
  fasttext::Vector v(impl->dim);
  for (int32_t i = 0; i < n; ++i) {
    std::string w = dict->getWord(i);
    if (w == fasttext::Dictionary::EOS) continue;
    impl->ft.getWordVector(v, w);
    float norm = v.norm();
    if (norm <= 0) continue;
    impl->vocabulary.push_back(std::move(w));
    for (size_t d = 0; d < dim; ++d) impl->vocabulary_vectors.push_back(v[static_cast<int64_t>(d)] / norm);
  }
  return std::shared_ptr<const SemanticIndex>(new SemanticIndex(std::move(impl)));
}

std::vector<float> SemanticIndex::embed(const std::vector<std::string>& words) const {
  // A query of nonsense must not find "nearest" records: at least one word has to be known.
  bool known = false;
  for (const auto& w : words) known = known || knows(w);
  if (!known) return {};
  std::vector<float> v;
  if (!average_word_vectors(impl_->ft, impl_->dim, words, &v)) return {};
  center_and_normalise(&v, impl_->mean);
  return v;
}

bool SemanticIndex::knows(const std::string& word) const {
  if (impl_->ft.getWordId(word) >= 0) return true;
  constexpr size_t kPrefix = 4;
  if (word.size() < kPrefix) return false;
  for (const auto& sw : similar_words(word, 3, kMinKnownSimilarity))
    if (sw.word.compare(0, kPrefix, word, 0, kPrefix) == 0) return true;
  return false;
}

std::vector<SemanticHit> SemanticIndex::nearest_records(const std::vector<float>& vector, size_t k) const {
  std::vector<SemanticHit> out;
  if (vector.size() != static_cast<size_t>(impl_->dim) || k == 0 || impl_->records == 0) return out;
  auto pq = impl_->graph->searchKnn(vector.data(), std::min<size_t>(k, impl_->records));
  while (!pq.empty()) {
    out.push_back({static_cast<uint32_t>(pq.top().second), 1.0f - pq.top().first});
    pq.pop();
  }
  std::sort(out.begin(), out.end(), [](const SemanticHit& a, const SemanticHit& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.docid < b.docid;
  });
  return out;
}

float SemanticIndex::confident_similarity(const std::vector<float>& vector) const {
  const size_t dim = static_cast<size_t>(impl_->dim);
  const size_t rows = dim ? impl_->background.size() / dim : 0;
  if (vector.size() != dim || rows < 2) return 1.0f;
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < rows; ++i) {
    const float* r = impl_->background.data() + i * dim;
    double dot = 0;
    for (size_t d = 0; d < dim; ++d) dot += double(r[d]) * vector[d];
    sum += dot;
    sum2 += dot * dot;
  }
  const double mean = sum / double(rows);
  const double sd = std::sqrt(std::max(0.0, sum2 / double(rows) - mean * mean));
  return static_cast<float>(mean + impl_->tail_z * sd);
}

std::vector<SimilarWord> SemanticIndex::similar_words(const std::string& word, size_t k,
                                                      float min_similarity) const {
  std::vector<SimilarWord> out;
  const size_t dim = static_cast<size_t>(impl_->dim);
  fasttext::Vector v(impl_->dim);
  impl_->ft.getWordVector(v, word);
  float norm = v.norm();
  if (norm <= 0 || k == 0) return out;
  std::vector<std::pair<float, size_t>> best;
  const float* rows = impl_->vocabulary_vectors.data();
  const size_t n = impl_->vocabulary.size();
  std::vector<float> sims(n);
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < n; ++i) {
    float dot = 0;
    const float* r = rows + i * dim;
    for (size_t d = 0; d < dim; ++d) dot += r[d] * v[static_cast<int64_t>(d)];
    sims[i] = dot / norm;
    sum += sims[i];
    sum2 += double(sims[i]) * sims[i];
  }
  // The same evidence as confident_similarity(), over words: a neighbour counts only above what the
  // most similar of the vocabulary's words would reach if none were related to `word`.
  const double mean = n ? sum / double(n) : 0;
  const double sd = n ? std::sqrt(std::max(0.0, sum2 / double(n) - mean * mean)) : 0;
  const float confident = static_cast<float>(mean + upper_quantile_z(1.0 / double(std::max<size_t>(n, 2))) * sd);
  for (size_t i = 0; i < n; ++i) {
    if (sims[i] < min_similarity || impl_->vocabulary[i] == word) continue;
    best.emplace_back(sims[i], i);
  }
  auto better = [](const std::pair<float, size_t>& a, const std::pair<float, size_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  const size_t take = std::min(k, best.size());
  std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(take), best.end(), better);
  for (size_t i = 0; i < take; ++i)
    out.push_back({impl_->vocabulary[best[i].second], best[i].first, best[i].first >= confident});
  return out;
}

const std::string& SemanticIndex::stamp() const {
  return impl_->stamp;
}
uint64_t SemanticIndex::records() const {
  return impl_->records;
}

}  // namespace haku
