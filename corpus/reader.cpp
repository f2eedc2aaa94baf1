// Streaming JSON Lines, JSON array and CSV readers: one line (or CSV record, or array element) in memory
// at a time, every problem of a record reported as "file:line: field: reason" and a rejected record's
// raw text appended to the rejects file. Not thread-safe: one CorpusReader per thread.
#include "corpus/reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "corpus/gzip_stream.h"
#include "corpus/mapping.h"
#include "corpus/mapping_rows.h"
#include "corpus/record_fields.h"
#include "corpus/text_util.h"

namespace haku {

std::string Diagnostic::to_string() const {
  std::string out = where.file;
  if (where.line > 0) out.append(":").append(std::to_string(where.line));
  out.append(": ");
  if (!field.empty()) out.append(field).append(": ");
  out.append(reason);
  return out;
}

std::string format_counts(const FileStats& f) {
  const ReadStats& s = f.stats;
  return f.file + ": read " + std::to_string(s.read) + ", accepted " + std::to_string(s.accepted) + " (repaired " +
         std::to_string(s.repaired) + ", warned " + std::to_string(s.warned) + "), rejected " +
         std::to_string(s.rejected);
}

namespace {

// Reads up to the first line that is not blank (CR and a leading BOM removed) into *first, counting
// lines in *line. False when there is none: the input is empty.
bool first_content_line(std::istream& in, std::string* first, uint64_t* line) {
  while (std::getline(in, *first)) {
    ++*line;
    if (!first->empty() && first->back() == '\r') first->pop_back();
    if (*line == 1 && first->starts_with("\xEF\xBB\xBF")) first->erase(0, 3);
    if (!trim(*first).empty()) return true;
  }
  return false;
}

namespace fs = std::filesystem;

// Kohesio's project export and project-page labels (lower case) -> record keys. See FORMATS.md.
const std::unordered_map<std::string, std::string>& builtin_columns() {
  static const std::unordered_map<std::string, std::string> kColumns = {
      {"project id", "id"},
      {"kohesio id", "id"},
      {"operation id", "id"},
      {"item", "id"},
      {"project name", "title"},
      {"project title", "title"},
      {"operation name", "title"},
      {"name of project", "title"},
      {"label", "title"},
      {"project description", "description"},
      {"operation summary", "description"},
      {"summary", "description"},
      {"fund", "fund"},
      {"funds", "fund"},
      {"programme", "programme"},
      {"program", "programme"},
      {"operational programme", "programme"},
      {"programme name", "programme"},
      {"programming period", "programming_period"},
      {"managing authority", "managing_authority"},
      {"beneficiary", "implementer"},
      {"beneficiary name", "implementer"},
      {"beneficiaries", "implementer"},
      {"recipient of funds", "implementer"},
      {"beneficiary type", "implementer_type"},
      {"start date", "start_date"},
      {"start time", "start_date"},
      {"operation start date", "start_date"},
      {"end date", "end_date"},
      {"end time", "end_date"},
      {"operation end date", "end_date"},
      {"total budget", "total_budget_eur"},
      {"total budget (eur)", "total_budget_eur"},
      {"total eligible expenditure", "total_budget_eur"},
      {"total eligible budget", "total_budget_eur"},
      {"eu contribution", "eu_contribution_eur"},
      {"eu contribution (eur)", "eu_contribution_eur"},
      {"eu budget", "eu_contribution_eur"},
      {"co-financing rate", "cofinancing_rate"},
      {"cofinancing rate", "cofinancing_rate"},
      {"eu co-financing rate", "cofinancing_rate"},
      {"union co-financing rate", "cofinancing_rate"},
      {"country", "country"},
      {"country code", "country"},
      {"region", "region_name"},
      {"region name", "region_name"},
      {"nuts code", "region_code"},
      {"nuts 3 code", "region_code"},
      {"nuts3", "region_code"},
      {"region code", "region_code"},
      {"location", "places"},
      {"locations", "places"},
      {"theme", "themes"},
      {"themes", "themes"},
      {"thematic objective", "themes"},
      {"project url", "source_url"},
      {"project link", "source_url"},
      {"url", "source_url"},
      {"source", "source_name"},
  };
  return kColumns;
}

bool known_target(const std::string& key) { return detail::is_text_target(key); }

// Splits one CSV record (RFC 4180; stray quotes inside unquoted fields are kept as text).
std::vector<std::string> split_csv(std::string_view rec, char delim) {
  std::vector<std::string> fields;
  std::string cur;
  size_t i = 0;
  while (true) {
    cur.clear();
    if (i < rec.size() && rec[i] == '"') {
      ++i;
      while (i < rec.size()) {
        if (rec[i] == '"') {
          if (i + 1 < rec.size() && rec[i + 1] == '"') {
            cur.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cur.push_back(rec[i++]);
      }
      while (i < rec.size() && rec[i] != delim) cur.push_back(rec[i++]);  // text after the closing quote
    } else {
      while (i < rec.size() && rec[i] != delim) cur.push_back(rec[i++]);
    }
    fields.push_back(cur);
    if (i >= rec.size()) break;
    ++i;  // the delimiter
  }
  return fields;
}

// Whether the quotes opened in `line` leave a quoted field open (continuing from `open`).
bool quote_open_after(std::string_view line, bool open) {
  for (char c : line)
    if (c == '"') open = !open;
  return open;
}

char sniff_delimiter(std::string_view header) {
  size_t comma = 0, semi = 0, tab = 0;
  bool open = false;
  for (char c : header) {
    if (c == '"') open = !open;
    if (open) continue;
    comma += c == ',';
    semi += c == ';';
    tab += c == '\t';
  }
  if (tab > comma && tab > semi) return '\t';
  return semi > comma ? ';' : ',';
}

std::string strip_json_error(const std::string& what) {
  // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> "parse error at ..."
  size_t close = what.find("] ");
  return close != std::string::npos && what.starts_with("[json.exception") ? what.substr(close + 2) : what;
}

// Reads one JSON value of a top-level array at a time: the text of each element and the line it starts
// on, so a large array streams like JSON Lines.
class JsonArrayScanner {
 public:
  JsonArrayScanner(std::istream& in, std::string prefix, uint64_t first_line, size_t max_bytes)
      : in_(in), prefix_(std::move(prefix)), line_(first_line), max_bytes_(max_bytes) {}

  enum class Next { element, end, error };

  // The next element: its text (cut at max_bytes, *too_long set) and start line. `error` with
  // *problem on broken structure (the scan cannot go on).
  Next next(std::string* text, uint64_t* start_line, bool* too_long, std::string* problem) {
    text->clear();
    *too_long = false;
    int c;
    if (!opened_) {
      c = skip_space();
      if (c != '[') {
        *problem = "expected a JSON array";
        return Next::error;
      }
      opened_ = true;
    }
    // Between elements: white space and one comma.
    bool comma = false;
    while (true) {
      c = skip_space();
      if (c == EOF) {
        *problem = "unterminated JSON array (the file ends before its closing ])";
        return Next::error;
      }
      if (c == ']') return Next::end;
      if (c == ',' && !comma && count_ > 0) {
        comma = true;
        continue;
      }
      break;
    }
    if (count_ > 0 && !comma) {
      *problem = "expected , or ] between array elements";
      return Next::error;
    }
    *start_line = line_;
    int depth = 0;
    bool in_string = false, escape = false;
    while (c != EOF) {
      if (in_string) {
        if (escape) escape = false;
        else if (c == '\\') escape = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {  // the array's own ]: a scalar element ended
          unget(c);
          break;
        }
        --depth;
      } else if (c == ',' && depth == 0) {
        unget(c);
        break;
      }
      if (text->size() < max_bytes_) text->push_back(static_cast<char>(c));
      else *too_long = true;
      if (!in_string && depth == 0 && (c == '}' || c == ']')) break;
      c = get();
    }
    if (in_string || depth > 0) {
      *problem = "unterminated JSON value (the file ends inside it)";
      return Next::error;
    }
    ++count_;
    return Next::element;
  }

  // After the closing ]: whether only white space follows.
  bool only_space_left() { return skip_space() == EOF; }

 private:
  int get() {
    int c;
    if (pending_ != EOF) {
      c = pending_;
      pending_ = EOF;
    } else if (pos_ < prefix_.size()) {
      c = static_cast<unsigned char>(prefix_[pos_++]);
    } else {
      c = in_.get();
    }
    if (c == '\n') ++line_;
    return c;
  }
  void unget(int c) {
    pending_ = c;
    if (c == '\n') --line_;
  }
  int skip_space() {
    int c;
    do c = get();
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    return c;
  }

  std::istream& in_;
  std::string prefix_;
  size_t pos_ = 0;
  int pending_ = EOF;
  uint64_t line_;
  size_t max_bytes_;
  bool opened_ = false;
  uint64_t count_ = 0;
};

// Whether a first line starting with '{' opens one JSON document spanning lines (a pretty-printed
// object) rather than being a JSON Lines record: it is JSON that ends before the object closes. A
// line that is broken in any other way is a bad JSON Lines record, reported as such.
bool opens_document(const std::string& line) {
  try {
    const nlohmann::json whole = nlohmann::json::parse(line);  // parses: a JSON Lines record
    return whole.is_discarded();
  } catch (const nlohmann::json::parse_error& e) {
    return e.byte >= line.size();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

bool corpus_extension(const fs::path& p) {
  std::string name = ascii_lower(p.filename().string());
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  for (std::string_view ext : {".jsonl", ".ndjson", ".json", ".csv", ".tsv"})
    if (name.ends_with(ext)) return true;
  return false;
}

}  // namespace

struct CorpusReader::Impl {
  explicit Impl(ReaderOptions o) : options(std::move(o)) {}

  ReaderOptions options;
  ReadStats stats;
  std::vector<FileStats> files;
  std::vector<std::string> file_names;  // indexes in first_seen
  std::unordered_map<std::string, std::pair<uint32_t, uint64_t>> first_seen;  // id -> (file, line)
  std::set<std::string> warned;  // unknown keys and columns already reported this run
  std::ofstream rejects;
  const RecordCallback* on_record = nullptr;
  const DiagnosticCallback* on_diagnostic = nullptr;
  const Mapping* mapping = nullptr;

  ReadStats& file() { return files.back().stats; }

  void emit(DiagnosticKind kind, const SourceLocation& where, std::string field, std::string reason) {
    Diagnostic d;
    d.kind = kind;
    d.where = where;
    d.field = std::move(field);
    d.reason = std::move(reason);
    (*on_diagnostic)(d);
  }

  void warn(const SourceLocation& where, std::string field, std::string reason) {
    ++stats.warnings;
    if (!files.empty()) ++file().warnings;
    emit(DiagnosticKind::warning, where, std::move(field), std::move(reason));
  }

  void warn_once(const SourceLocation& where, const std::string& name, const std::string& reason) {
    if (warned.insert(name).second) warn(where, name, reason);
  }

  void write_reject(std::string_view raw) {
    if (options.rejects_path.empty()) return;
    if (!rejects.is_open()) {
      rejects.open(options.rejects_path, std::ios::binary | std::ios::app);
      if (!rejects) {
        std::string path = std::move(options.rejects_path);
        options.rejects_path.clear();
        warn({path, 0}, "", "cannot open the rejects file");
        return;
      }
    }
    rejects.write(raw.data(), static_cast<std::streamsize>(raw.size()));
    rejects.put('\n');
    rejects.flush();
  }

  // A record rejected for every problem listed (one message each), its raw text kept.
  void reject_all(const SourceLocation& where, const std::vector<detail::FieldIssue>& issues, std::string_view raw) {
    ++stats.rejected;
    ++file().rejected;
    for (const auto& i : issues) emit(DiagnosticKind::rejected, where, i.field, i.reason);
    write_reject(raw);
  }

  void reject(const SourceLocation& where, std::string field, std::string reason, std::string_view raw) {
    reject_all(where, {{std::move(field), std::move(reason)}}, raw);
  }

  void count_read() {
    ++stats.read;
    ++file().read;
  }

  Project with_defaults() {
    Project p;
    detail::FieldIssue issue;
    for (const auto& [key, value] : options.defaults) detail::set_field_text(key, value, &p, &issue);
    return p;
  }

  // Checks the record as a whole, reports every problem, fills the language, reports duplicates and
  // hands the record on (or rejects it).
  void finish(Project&& p, detail::Problems&& pr, const SourceLocation& where, std::string_view raw) {
    const bool whole = std::any_of(pr.errors.begin(), pr.errors.end(), [](const auto& e) { return e.field.empty(); });
    if (!whole) {
      // Record-level checks, after the field ones: a field already reported is not reported twice.
      std::vector<detail::FieldIssue> errors, warnings;
      detail::check_record(&p, options.max_field_bytes, &errors, &warnings);
      for (auto& e : errors) {
        bool known = std::any_of(pr.errors.begin(), pr.errors.end(), [&](const auto& x) { return x.field == e.field; });
        if (!known) pr.errors.push_back(std::move(e));
      }
      for (auto& w : warnings) pr.warnings.push_back(std::move(w));
    }
    if (!pr.errors.empty()) {
      // The whole story of a rejected record: what is wrong, and what else was noticed.
      std::vector<detail::FieldIssue> all = pr.errors;
      for (const auto& r : pr.repairs) all.push_back({r.field, r.reason});
      for (const auto& w : pr.warnings) all.push_back({w.field, w.reason});
      reject_all(where, all, raw);
      return;
    }
    for (const auto& r : pr.repairs) emit(DiagnosticKind::repaired, where, r.field, r.reason);
    for (const auto& w : pr.warnings) warn(where, w.field, w.reason);
    if (!pr.repairs.empty()) {
      ++stats.repaired;
      ++file().repaired;
    }
    if (!pr.warnings.empty()) {
      ++stats.warned;
      ++file().warned;
    }
    if (p.lang.empty()) p.lang = guess_lang(p.title + "\n" + p.description);
    auto [it, inserted] = first_seen.try_emplace(p.id, file_index(where.file), where.line);
    if (!inserted) {
      ++stats.duplicates;
      ++file().duplicates;
      warn(where, "id",
           "duplicate id \"" + p.id + "\" (also at " + file_names[it->second.first] + ":" +
               std::to_string(it->second.second) + "); the later record wins");
      it->second = {file_index(where.file), where.line};
    }
    ++stats.accepted;
    ++file().accepted;
    (*on_record)(std::move(p), where);
  }

  uint32_t file_index(const std::string& name) {
    if (file_names.empty() || file_names.back() != name) file_names.push_back(name);
    return static_cast<uint32_t>(file_names.size() - 1);
  }

  bool check_line(const SourceLocation& where, std::string_view raw) {
    if (raw.size() > options.max_line_bytes) {
      reject(where, "", "line longer than " + std::to_string(options.max_line_bytes) + " bytes (" +
                            std::to_string(raw.size()) + ")",
             raw.substr(0, options.max_line_bytes));
      return false;
    }
    size_t bad = 0;
    if (!valid_utf8(raw, &bad)) {
      reject(where, "", "invalid UTF-8 at byte " + std::to_string(bad + 1), raw);
      return false;
    }
    return true;
  }

  // One JSON record (an object parsed from a line or an array element), through the mapping or as
  // the record format.
  void json_record(const nlohmann::json& j, const SourceLocation& where, uint64_t row, std::string_view raw) {
    detail::Problems pr;
    Project p = with_defaults();
    std::vector<std::string> unknown;
    if (mapping) {
      detail::convert_json(*mapping, j, {where.file, where.line, row}, &p, &pr, &unknown);
      for (const auto& key : unknown) warn_once(where, key, "key not in the mapping (ignored)");
    } else if (!j.is_object()) {
      pr.errors.push_back({"", std::string("expected a JSON object, got ") + j.type_name()});
    } else {
      for (const auto& [key, value] : j.items()) {
        detail::FieldIssue issue;
        if (detail::set_field_json(key, value, &p, &issue, &unknown)) continue;
        if (detail::is_required_key(key)) {
          pr.errors.push_back(issue);
        } else {
          pr.warnings.push_back({issue.field, issue.reason + " (dropped)"});
          detail::clear_field(key, &p);
        }
      }
      for (const auto& key : unknown) warn_once(where, key, "unknown key (ignored)");
    }
    finish(std::move(p), std::move(pr), where, raw);
  }

  void parse_and_convert(const std::string& text, const SourceLocation& where, uint64_t row) {
    if (!check_line(where, text)) return;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      reject(where, "", "not JSON: " + strip_json_error(e.what()), text);
      return;
    }
    json_record(j, where, row, text);
  }

  void read_jsonl(std::istream& in, const std::string& file, std::string first, uint64_t first_line) {
    SourceLocation where{file, first_line};
    uint64_t row = 0;
    std::string line = std::move(first);
    bool have = true;
    while (true) {
      if (!have) {
        if (!std::getline(in, line)) break;
        ++where.line;
        if (!line.empty() && line.back() == '\r') line.pop_back();
      }
      have = false;
      if (trim(line).empty()) continue;
      count_read();
      parse_and_convert(line, where, ++row);
    }
  }

  void read_json_array(std::istream& in, const std::string& file, std::string first, uint64_t first_line) {
    JsonArrayScanner scan(in, first + "\n", first_line, options.max_line_bytes + 1);
    std::string text, problem;
    uint64_t start = 0, row = 0;
    bool too_long = false;
    while (true) {
      auto next = scan.next(&text, &start, &too_long, &problem);
      if (next == JsonArrayScanner::Next::end) break;
      if (next == JsonArrayScanner::Next::error) {
        if (!text.empty()) {
          count_read();
          reject({file, start}, "", problem, text);
        } else {
          warn({file, start}, "", problem + "; the rest of the file is not read");
        }
        return;
      }
      count_read();
      ++row;
      SourceLocation where{file, start};
      if (too_long) {
        reject(where, "", "record longer than " + std::to_string(options.max_line_bytes) + " bytes", text);
        continue;
      }
      parse_and_convert(text, where, row);
    }
    if (!scan.only_space_left()) warn({file, 0}, "", "text after the end of the JSON array (ignored)");
  }

  // A JSON document that is neither JSON Lines nor an array: its records are at the mapping's
  // "records" path, or the document is one record.
  void read_json_document(std::istream& in, const std::string& file, std::string first, uint64_t first_line) {
    std::stringstream buf;
    buf << first << "\n" << in.rdbuf();
    const std::string text = buf.str();
    SourceLocation where{file, first_line};
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      count_read();
      reject(where, "", "not JSON: " + strip_json_error(e.what()), text.substr(0, options.max_line_bytes));
      return;
    }
    const nlohmann::json* records = mapping ? detail::records_at(*mapping, j) : nullptr;
    if (mapping && !mapping->records_path().empty() && !records) {
      warn(where, "", "no array of records at \"" + mapping->records_path() + "\" (the mapping's records path)");
      return;
    }
    if (!records) {
      count_read();
      json_record(j, where, 1, text);
      return;
    }
    uint64_t row = 0;
    for (const auto& r : *records) {
      count_read();
      ++row;
      std::string raw = r.dump();
      json_record(r, {file, 0}, row, raw);
    }
  }

  void read_csv(std::istream& in, const std::string& file, std::string header, uint64_t header_line) {
    std::string line;
    SourceLocation where{file, header_line};
    size_t bad = 0;
    if (!valid_utf8(header, &bad)) {
      warn(where, "", "invalid UTF-8 at byte " + std::to_string(bad + 1) + " in the header; file skipped");
      return;
    }
    const char delim = mapping && mapping->delimiter() ? mapping->delimiter() : sniff_delimiter(header);
    const std::vector<std::string> names = split_csv(header, delim);
    std::unique_ptr<detail::CsvBinding> binding;
    std::vector<std::string> targets(names.size());
    if (mapping) {
      binding = std::make_unique<detail::CsvBinding>(*mapping, names, delim);
      for (const auto& w : binding->file_warnings()) warn(where, w.field, w.reason);
      if (!binding->file_errors().empty()) {
        for (const auto& e : binding->file_errors()) warn(where, e.field, e.reason);
        file_failed = "the mapping " + mapping->name() + " does not fit the header of " + file;
        return;
      }
    } else {
      for (size_t c = 0; c < names.size(); ++c) {
        std::string name(trim(names[c]));
        std::string lower = utf8_lower_nordic(name);
        auto mapped = options.column_map.find(name);
        if (mapped == options.column_map.end()) mapped = options.column_map.find(lower);
        if (mapped != options.column_map.end()) {
          targets[c] = mapped->second;
          if (!targets[c].empty() && !known_target(targets[c]))
            warn(where, name, "column mapped to \"" + targets[c] + "\", which is not a record field (ignored)");
          if (!known_target(targets[c])) targets[c].clear();
          continue;
        }
        if (known_target(lower)) {
          targets[c] = lower;
        } else if (auto b = builtin_columns().find(lower); b != builtin_columns().end()) {
          targets[c] = b->second;
        } else if (!name.empty()) {
          warn_once(where, name, "unknown column (ignored)");
        }
      }
    }
    // Records.
    std::string rec;
    uint64_t row = 0;
    while (std::getline(in, line)) {
      ++where.line;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (trim(line).empty()) continue;
      SourceLocation at = where;  // a record is reported at the line where it starts
      rec = line;
      bool open = quote_open_after(line, false);
      while (open && rec.size() <= options.max_line_bytes && std::getline(in, line)) {
        ++where.line;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        rec += '\n';
        rec += line;
        open = quote_open_after(line, open);
      }
      count_read();
      ++row;
      if (!check_line(at, rec)) {
        // An over-long record may still have an open quote: skip to where the quote closes.
        while (open && std::getline(in, line)) {
          ++where.line;
          open = quote_open_after(line, open);
        }
        continue;
      }
      if (open) {
        reject(at, "", "unterminated quoted field", rec);
        continue;
      }
      std::vector<std::string> cells = split_csv(rec, delim);
      detail::Problems pr;
      Project p = with_defaults();
      if (binding) {
        binding->convert(cells, {file, at.line, row}, &p, &pr);
        finish(std::move(p), std::move(pr), at, rec);
        continue;
      }
      if (cells.size() != names.size()) {
        reject(at, "",
               "expected " + std::to_string(names.size()) + " fields, got " + std::to_string(cells.size()), rec);
        continue;
      }
      for (size_t c = 0; c < cells.size(); ++c) {
        if (targets[c].empty() || trim(cells[c]).empty()) continue;
        detail::FieldIssue issue;
        if (detail::set_field_text(targets[c], cells[c], &p, &issue)) continue;
        const std::string column(trim(names[c]));  // report the column the user sees
        if (detail::is_required_key(targets[c])) {
          pr.errors.push_back({column, issue.reason});
        } else {
          pr.warnings.push_back({column, issue.reason + " (dropped)"});
          detail::clear_field(targets[c], &p);
        }
      }
      finish(std::move(p), std::move(pr), at, rec);
    }
  }

  std::string file_failed;  // set when a file cannot be read as a whole (the mapping does not fit)

  bool read_file(const fs::path& path) {
    const std::string name = path.string();
    files.push_back({name, {}});
    std::unique_ptr<std::istream> owned;
    GzipInputStream* gz = nullptr;
    if (is_gzip_file(name)) {
      auto g = std::make_unique<GzipInputStream>(name);
      gz = g.get();
      owned = std::move(g);
    } else {
      owned = std::make_unique<std::ifstream>(path, std::ios::binary);
    }
    std::istream& in = *owned;
    if (!in) {
      warn({name, 0}, "", "cannot open");
      return false;
    }
    // The first non-blank line decides the format (unless the mapping names it).
    std::string first;
    uint64_t line = 0;
    if (!first_content_line(in, &first, &line)) {
      if (gz && !gz->error().empty()) warn({name, 0}, "", gz->error());
      return true;  // an empty file
    }
    std::string_view lead = trim(first);
    const Mapping::Format forced = mapping ? mapping->format() : Mapping::Format::automatic;
    const bool json_like = lead.front() == '[' || lead.front() == '{';
    file_failed.clear();
    if (forced == Mapping::Format::csv || (forced == Mapping::Format::automatic && !json_like)) {
      read_csv(in, name, first, line);
    } else if (lead.front() == '[') {
      read_json_array(in, name, first, line);
    } else if (lead.front() == '{' && !opens_document(first)) {
      read_jsonl(in, name, first, line);
    } else {
      read_json_document(in, name, first, line);
    }
    if (gz && !gz->error().empty()) warn({name, 0}, "", gz->error() + "; the file is read up to there");
    return file_failed.empty();
  }
};

CorpusReader::CorpusReader(ReaderOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
CorpusReader::~CorpusReader() = default;

const ReadStats& CorpusReader::stats() const { return impl_->stats; }
const std::vector<FileStats>& CorpusReader::file_stats() const { return impl_->files; }

void CorpusReader::read_stream(std::istream& in, const std::string& name, const RecordCallback& on_record,
                               const DiagnosticCallback& on_diagnostic) {
  impl_->on_record = &on_record;
  impl_->on_diagnostic = &on_diagnostic;
  impl_->mapping = nullptr;
  impl_->files.push_back({name, {}});
  std::string first;
  uint64_t line = 0;
  if (!first_content_line(in, &first, &line)) return;  // nothing was printed
  impl_->read_jsonl(in, name, first, line);
}

bool CorpusReader::read(const std::string& path, const RecordCallback& on_record,
                        const DiagnosticCallback& on_diagnostic, const Mapping* mapping) {
  impl_->on_record = &on_record;
  impl_->on_diagnostic = &on_diagnostic;
  impl_->mapping = mapping;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      if (!corpus_extension(it->path())) continue;
      std::error_code same_ec;
      if (!impl_->options.rejects_path.empty() && fs::equivalent(it->path(), impl_->options.rejects_path, same_ec))
        continue;  // never read our own rejects back
      files.push_back(it->path());
    }
    if (ec) {
      impl_->warn({path, 0}, "", "cannot list: " + ec.message());
      return false;
    }
    std::sort(files.begin(), files.end());
    bool ok = true;
    for (const auto& f : files) ok = impl_->read_file(f) && ok;
    return ok;
  }
  if (!fs::exists(path, ec)) {
    impl_->warn({path, 0}, "", "no such file or folder");
    return false;
  }
  return impl_->read_file(path);
}

}  // namespace haku
