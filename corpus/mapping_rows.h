#pragma once
// The mapping engine as the readers use it (internal to the corpus library): a mapping bound to one
// CSV file's header converts its rows, detecting and repairing shifted ones; JSON records convert
// directly. Problems come back sorted into errors (the record is rejected), warnings (an optional
// value dropped) and repairs. A binding is immutable after construction: thread-compatible.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus/mapping.h"
#include "corpus/project.h"
#include "corpus/record_fields.h"

namespace haku::detail {

struct RowContext {
  std::string file;   // as the user named it
  uint64_t line = 0;  // where the record starts
  uint64_t row = 0;   // 1-based ordinal of the record in its file
};

struct Problems {
  std::vector<FieldIssue> errors;    // the record is rejected
  std::vector<FieldIssue> warnings;  // kept, without the values at fault
  std::vector<FieldIssue> repairs;   // kept, repaired as described
};

class CsvBinding {
 public:
  // Binds `mapping` to a header. File-level problems: errors mean the file cannot be read with this
  // mapping (a column a required field needs is missing); warnings are columns it does not use.
  CsvBinding(const Mapping& mapping, const std::vector<std::string>& header, char delimiter);
  ~CsvBinding();
  const std::vector<FieldIssue>& file_errors() const;
  const std::vector<FieldIssue>& file_warnings() const;
  // Converts one row (cells as split, untrimmed; their count may differ from the header's).
  void convert(const std::vector<std::string>& cells, const RowContext& at, Project* out, Problems* problems) const;

  struct State;  // defined in mapping.cpp

 private:
  std::unique_ptr<State> state_;
};

// Converts one JSON record (any JSON value; only objects are records). Keys the mapping neither uses
// nor ignores are appended to *unused.
void convert_json(const Mapping& mapping, const nlohmann::json& record, const RowContext& at, Project* out,
                  Problems* problems, std::vector<std::string>* unused);

// The array of records inside a JSON document, at the mapping's records path (nullptr when absent).
const nlohmann::json* records_at(const Mapping& mapping, const nlohmann::json& document);

}  // namespace haku::detail
