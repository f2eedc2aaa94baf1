// haku-convert: reads registry exports through their mappings and writes the canonical JSON Lines, so a
// mapping can be written and checked without building an index. Exit codes: 0 ok, 1 a source could
// not be read (or --strict and a record was rejected), 2 usage.
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "corpus/mapping.h"
#include "corpus/reader.h"

namespace {

constexpr const char* kUsage = R"(usage: haku-convert --source PATH [--mapping NAME|PATH] [--source PATH [--mapping ...]]... [options]

Reads each source (CSV, a JSON array, JSON Lines; plain or .gz) through the mapping given after it
(a NAME from corpus/mappings/, or a path to a mapping file; without one, the record format of
corpus/FORMATS.md), prints every problem as file:line: field: reason on stderr and each file's counts
on stdout.

Options:
  --out FILE        write the accepted records as JSON Lines (- for stdout; default: none)
  --rejects FILE    append the raw text of rejected records here
  --mappings-dir D  where mapping NAMEs are looked up (default: $HAKU_MAPPINGS_DIR, else corpus/mappings)
  --strict          exit 1 when any record was rejected
  -q, --quiet       no per-record messages, counts only
  --version         print the version (alone)
)";

struct Source {
  std::string path;
  std::string mapping;
};

int usage(const std::string& message) {
  std::cerr << "haku-convert: " << message << "\n(see haku-convert --help)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Source> sources;
  std::string out_path, rejects, mappings_dir;
  bool strict = false, quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--version" && argc == 2) {
      std::cout << "haku-convert " << HAKU_VERSION << "\n";
      return 0;
    } else if (a == "--source") {
      if (!value(&v)) return usage("--source needs a value");
      sources.push_back({v, ""});
    } else if (a == "--mapping") {
      if (!value(&v)) return usage("--mapping needs a value");
      if (sources.empty()) return usage("--mapping applies to the --source before it; give the --source first");
      if (!sources.back().mapping.empty()) return usage("two mappings for " + sources.back().path);
      sources.back().mapping = v;
    } else if (a == "--out") {
      if (!value(&out_path)) return usage("--out needs a value");
    } else if (a == "--rejects") {
      if (!value(&rejects)) return usage("--rejects needs a value");
    } else if (a == "--mappings-dir") {
      if (!value(&mappings_dir)) return usage("--mappings-dir needs a value");
    } else if (a == "--strict") {
      strict = true;
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else {
      return usage("unknown option '" + a + "'");
    }
  }
  if (sources.empty()) return usage("give at least one --source");
  std::vector<std::shared_ptr<const haku::Mapping>> mappings;
  for (const auto& s : sources) {
    if (s.mapping.empty()) {
      mappings.push_back(nullptr);
      continue;
    }
    std::string error;
    auto m = haku::Mapping::load(s.mapping, mappings_dir, &error);
    if (!m) {
      std::cerr << "haku-convert: " << error << "\n";
      return 1;
    }
    mappings.push_back(std::move(m));
  }
  std::ofstream file_out;
  std::ostream* out = nullptr;
  if (out_path == "-") {
    out = &std::cout;
  } else if (!out_path.empty()) {
    file_out.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file_out) {
      std::cerr << "haku-convert: cannot write " << out_path << "\n";
      return 1;
    }
    out = &file_out;
  }
  haku::ReaderOptions options;
  options.rejects_path = rejects;
  haku::CorpusReader reader(options);
  bool ok = true;
  auto on_record = [&](haku::Project&& p, const haku::SourceLocation&) {
    if (out) *out << haku::project_to_json(p) << "\n";
  };
  auto on_diag = [&](const haku::Diagnostic& d) {
    if (!quiet) std::cerr << d.to_string() << "\n";
  };
  size_t shown = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    ok = reader.read(sources[i].path, on_record, on_diag, mappings[i].get()) && ok;
    const auto& files = reader.file_stats();
    for (; shown < files.size(); ++shown) (out == &std::cout ? std::cerr : std::cout) << haku::format_counts(files[shown]) << "\n";
  }
  if (out) out->flush();
  if (!ok) return 1;
  return strict && reader.stats().rejected > 0 ? 1 : 0;
}
