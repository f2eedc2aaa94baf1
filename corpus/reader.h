#pragma once
// Streaming readers for corpus files: JSON Lines (canonical) and CSV (named header columns, with a
// mapping for Kohesio's project export). Memory does not grow with the corpus size (apart from the
// id -> first line map used to report duplicates). Not thread-safe: one CorpusReader per thread.
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "corpus/project.h"

namespace haku {

// Where a record came from: "file:line".
struct SourceLocation {
  std::string file;
  uint64_t line = 0;
};

enum class DiagnosticKind { rejected, warning };

// One message about the input. Rendered as "file:line: field: reason".
struct Diagnostic {
  DiagnosticKind kind = DiagnosticKind::rejected;
  SourceLocation where;
  std::string field;   // JSON key or CSV column; empty when the whole line is at fault
  std::string reason;
  std::string to_string() const;
};

struct ReadStats {
  uint64_t read = 0;      // records (lines / rows) seen
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t warnings = 0;
  uint64_t duplicates = 0;  // accepted records whose id an earlier record had (the later one wins)
};

struct ReaderOptions {
  std::string rejects_path;             // each rejected raw line is appended here; empty = none
  size_t max_field_bytes = 64 * 1024;   // a longer text field is rejected
  size_t max_line_bytes = 1024 * 1024;  // a longer line is rejected
  // CSV: header name -> record key (or a translation column such as "title_fi"); "" ignores the column.
  // Consulted before the built-in names (the record keys, Kohesio's export labels): corpus/FORMATS.md.
  std::map<std::string, std::string> column_map;
  // Values for fields a source lacks, e.g. {"country", "FI"}; a record's own values take precedence.
  std::map<std::string, std::string> defaults;
};

using RecordCallback = std::function<void(Project&&, const SourceLocation&)>;
using DiagnosticCallback = std::function<void(const Diagnostic&)>;

class CorpusReader {
 public:
  explicit CorpusReader(ReaderOptions options = {});
  ~CorpusReader();
  CorpusReader(const CorpusReader&) = delete;
  CorpusReader& operator=(const CorpusReader&) = delete;

  // Reads a file (.jsonl, .json lines, .csv) or every such file in a folder (sorted by name, recursive).
  // Calls on_record for each accepted record in input order, on_diagnostic for each rejected record and
  // warning. Returns false only when the path itself cannot be read (the reason goes to on_diagnostic).
  bool read(const std::string& path, const RecordCallback& on_record, const DiagnosticCallback& on_diagnostic);
  // Reads JSON Lines from a stream (an exporter command's output); records are located as "name:line".
  void read_stream(std::istream& in, const std::string& name, const RecordCallback& on_record,
                   const DiagnosticCallback& on_diagnostic);

  const ReadStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Value parsers for the formats the sources use (exposed for tests and the CSV mapping).
// Money: "2 450 612,00 €", "103 433,79 euro", "218 995 euro", "€667,000", "1225306.5". Returns false if
// the text is not an amount.
bool parse_money(const std::string& text, double* out);
// Dates: ISO "2021-11-01", "01.11.2021", "1.9.2020", "1 January 2018", "Maaliskuu 2023" (first day of
// the month), Swedish month names too. Writes ISO yyyy-mm-dd.
bool parse_date(const std::string& text, std::string* iso);
// A period "15.9.2022-14.3.2025" (also with – or —, or " to ") into two ISO dates.
bool parse_period(const std::string& text, std::string* start_iso, std::string* end_iso);

}  // namespace haku
