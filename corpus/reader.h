#pragma once
// Streaming readers for corpus files: JSON Lines (canonical), JSON arrays and CSV (named header columns,
// with Kohesio's export labels built in), plain or gzip-compressed, read as given or through a
// declarative Mapping (corpus/mapping.h). Memory does not grow with the corpus size (apart from the
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

// rejected: the record is not passed on (every problem of a record is reported, one message each);
// warning: the record is passed on without the value at fault; repaired: a shifted CSV row was put back
// in order (and is passed on).
enum class DiagnosticKind { rejected, warning, repaired };

// One message about the input. Rendered as "file:line: field: reason".
struct Diagnostic {
  DiagnosticKind kind = DiagnosticKind::rejected;
  SourceLocation where;
  std::string field;   // JSON key or CSV column; empty when the whole line is at fault
  std::string reason;
  std::string to_string() const;
};

struct ReadStats {
  uint64_t read = 0;      // records (lines / rows / array elements) seen
  uint64_t accepted = 0;  // passed on (repaired and warned ones included)
  uint64_t repaired = 0;  // accepted after a shifted row was repaired
  uint64_t warned = 0;    // accepted without some value at fault
  uint64_t rejected = 0;
  uint64_t warnings = 0;    // warning messages (per record, and once per file for unknown columns / keys)
  uint64_t duplicates = 0;  // accepted records whose id an earlier record had (the later one wins)
};

// The counts of one file, in the order the files were read.
struct FileStats {
  std::string file;
  ReadStats stats;
};

// "file: read 2881, accepted 2865 (repaired 0, warned 3), rejected 16".
std::string format_counts(const FileStats& f);

class Mapping;

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

  // Reads a file (JSON Lines, a JSON array, CSV; any of them gzip-compressed) or every such file in a
  // folder (*.jsonl, *.ndjson, *.json, *.csv, *.tsv and their .gz, sorted by name, recursive). The
  // format comes from the content: '[' opens a JSON array, '{' JSON Lines (or one JSON document when
  // the first line is not a whole object), anything else is CSV. With a mapping, records are converted
  // through it; otherwise they are read as the record format (corpus/FORMATS.md). Calls on_record for
  // each accepted record in input order, on_diagnostic for each problem, repair and warning. Returns
  // false when the path cannot be read or the mapping does not fit the file (the reason goes to
  // on_diagnostic).
  bool read(const std::string& path, const RecordCallback& on_record, const DiagnosticCallback& on_diagnostic,
            const Mapping* mapping = nullptr);
  // Reads JSON Lines from a stream (an exporter command's output); records are located as "name:line".
  void read_stream(std::istream& in, const std::string& name, const RecordCallback& on_record,
                   const DiagnosticCallback& on_diagnostic);

  const ReadStats& stats() const;            // over every file read so far
  const std::vector<FileStats>& file_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Value parsers for the formats the sources use (exposed for tests and the mappings).
// Money: "2 450 612,00 €", "103 433,79 euro", "218 995 euro", "€667,000", "1225306.5". Returns false if
// the text is not an amount, or names a currency other than the euro.
bool parse_money(const std::string& text, double* out);
// The same for any currency: *currency gets the ISO 4217 code a marker names ("£1,200" -> "GBP",
// "3 929 285 SEK" -> "SEK", "€5" -> "EUR"), "" when the text has none.
bool parse_money(const std::string& text, double* out, std::string* currency);
// Dates: ISO "2021-11-01", "01.11.2021", "1.9.2020", "25-Jan-2016", "1 January 2018", "Tuesday, October
// 18, 2011", "Maaliskuu 2023" (first day of the month), "Q4 2013" (first day of the quarter), "2008";
// month names in English, Finnish, Swedish and German. Writes ISO yyyy-mm-dd.
bool parse_date(const std::string& text, std::string* iso);
// How a source writes numeric dates.
struct DateFormat {
  enum Order { dmy, mdy, ymd };
  Order order = dmy;  // "1/9/2020": day first (Nordic, British) or month first (US); ymd: year first
  int century = 0;    // two-digit years: 2000 reads "01. Nov 15" as 2015; 0 = they are not dates
};
// With a format; `period_end` reads a month, quarter or year given alone as its last day ("Q4 2013"
// -> 2013-12-31), as an end date means.
bool parse_date(const std::string& text, std::string* iso, const DateFormat& format, bool period_end);
// A period "15.9.2022-14.3.2025" (also with – or —, or " to ") into two ISO dates.
bool parse_period(const std::string& text, std::string* start_iso, std::string* end_iso);

}  // namespace haku
