#pragma once
// Declarative mappings from a registry's export (CSV, a JSON array, JSON Lines) onto the project
// record: which column or key fills which field, through which converters (dates, money with its
// currency and a dated euro rate table, lists, constants, templates, value tables), the source's
// language, and the value types a CSV export's columns always have, so shifted rows are detected and
// repaired or rejected. The format is described in corpus/README.md; corpus/mappings/ holds the
// registers Haku ships mappings for. A Mapping is immutable once loaded: share it between threads.
#include <memory>
#include <string>

namespace haku {

class Mapping {
 public:
  enum class Format { automatic, csv, json };

  // Loads a mapping. A NAME (no '/', no ".json") is the file NAME.json in `dir` (empty = the default
  // folder, default_mappings_dir()); anything else is a path. nullptr with *error naming the file,
  // the key and the problem when the mapping cannot be read or is not valid.
  static std::shared_ptr<const Mapping> load(const std::string& name_or_path, const std::string& dir,
                                             std::string* error);
  // Parses a mapping's JSON text; `origin` names it in messages.
  static std::shared_ptr<const Mapping> parse(const std::string& text, const std::string& origin,
                                              std::string* error);
  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  const std::string& name() const;
  Format format() const;   // automatic: decided by the file's content
  char delimiter() const;  // CSV delimiter; 0 = taken from the header line
  const std::string& records_path() const;  // a JSON document: where its array of records is

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Mapping(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The folder NAME lookups use: $HAKU_MAPPINGS_DIR, else corpus/mappings/ of the source tree.
std::string default_mappings_dir();

}  // namespace haku
