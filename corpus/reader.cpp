// Streaming JSON Lines and CSV readers: one line (or CSV record) in memory at a time, every rejected
// record reported as "file:line: field: reason" and its raw text appended to the rejects file.
// Not thread-safe: one CorpusReader per thread.
#include "corpus/reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

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

namespace {

namespace fs = std::filesystem;

enum class Format { jsonl, csv };

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

bool known_target(const std::string& key) {
  if (detail::is_record_key(key) && key != "translations") return true;
  for (std::string_view part : {"title_", "description_"}) {
    if (key.starts_with(part)) {
      std::string lang = key.substr(part.size());
      return lang == "fi" || lang == "sv" || lang == "en";
    }
  }
  return false;
}

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

}  // namespace

struct CorpusReader::Impl {
  explicit Impl(ReaderOptions o) : options(std::move(o)) {}

  ReaderOptions options;
  ReadStats stats;
  std::vector<std::string> file_names;  // indexes in first_seen
  std::unordered_map<std::string, std::pair<uint32_t, uint64_t>> first_seen;  // id -> (file, line)
  std::set<std::string> warned;  // unknown keys and columns already reported this run
  std::ofstream rejects;
  const RecordCallback* on_record = nullptr;
  const DiagnosticCallback* on_diagnostic = nullptr;

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
    emit(DiagnosticKind::warning, where, std::move(field), std::move(reason));
  }

  void warn_once(const SourceLocation& where, const std::string& name, const std::string& reason) {
    if (warned.insert(name).second) warn(where, name, reason);
  }

  void reject(const SourceLocation& where, std::string field, std::string reason, std::string_view raw) {
    ++stats.rejected;
    emit(DiagnosticKind::rejected, where, std::move(field), std::move(reason));
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

  Project with_defaults() {
    Project p;
    detail::FieldIssue issue;
    for (const auto& [key, value] : options.defaults) detail::set_field_text(key, value, &p, &issue);
    return p;
  }

  // Validates, fills the language, reports duplicates and hands the record on.
  void finish(Project&& p, const SourceLocation& where, std::string_view raw) {
    detail::FieldIssue issue;
    if (!detail::validate_record(p, options.max_field_bytes, &issue)) {
      reject(where, issue.field, issue.reason, raw);
      return;
    }
    if (p.lang.empty()) p.lang = guess_lang(p.title + "\n" + p.description);
    auto [it, inserted] = first_seen.try_emplace(p.id, file_index(where.file), where.line);
    if (!inserted) {
      ++stats.duplicates;
      warn(where, "id",
           "duplicate id \"" + p.id + "\" (also at " + file_names[it->second.first] + ":" +
               std::to_string(it->second.second) + "); the later record wins");
      it->second = {file_index(where.file), where.line};
    }
    ++stats.accepted;
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
             raw);
      return false;
    }
    size_t bad = 0;
    if (!valid_utf8(raw, &bad)) {
      reject(where, "", "invalid UTF-8 at byte " + std::to_string(bad + 1), raw);
      return false;
    }
    return true;
  }

  void read_jsonl(std::istream& in, const std::string& file) {
    std::string line;
    SourceLocation where{file, 0};
    std::vector<std::string> unknown;
    while (std::getline(in, line)) {
      ++where.line;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (where.line == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
      if (trim(line).empty()) continue;
      ++stats.read;
      if (!check_line(where, line)) continue;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception& e) {
        reject(where, "", "not JSON: " + strip_json_error(e.what()), line);
        continue;
      }
      if (!j.is_object()) {
        reject(where, "", std::string("expected a JSON object, got ") + j.type_name(), line);
        continue;
      }
      Project p = with_defaults();
      detail::FieldIssue issue;
      unknown.clear();
      bool ok = true;
      for (const auto& [key, value] : j.items()) {
        if (!detail::set_field_json(key, value, &p, &issue, &unknown)) {
          ok = false;
          break;
        }
      }
      for (const auto& key : unknown) warn_once(where, key, "unknown key (ignored)");
      if (!ok) {
        reject(where, issue.field, issue.reason, line);
        continue;
      }
      finish(std::move(p), where, line);
    }
  }

  void read_csv(std::istream& in, const std::string& file) {
    std::string line;
    SourceLocation where{file, 0};
    // Header.
    std::string header;
    while (std::getline(in, header)) {
      ++where.line;
      if (!header.empty() && header.back() == '\r') header.pop_back();
      if (where.line == 1 && header.starts_with("\xEF\xBB\xBF")) header.erase(0, 3);
      if (!trim(header).empty()) break;
    }
    if (trim(header).empty()) return;
    size_t bad = 0;
    if (!valid_utf8(header, &bad)) {
      warn(where, "", "invalid UTF-8 at byte " + std::to_string(bad + 1) + " in the header; file skipped");
      return;
    }
    const char delim = sniff_delimiter(header);
    const std::vector<std::string> names = split_csv(header, delim);
    std::vector<std::string> targets(names.size());
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
    // Records.
    std::string rec;
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
      ++stats.read;
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
      if (cells.size() != names.size()) {
        reject(at, "",
               "expected " + std::to_string(names.size()) + " fields, got " + std::to_string(cells.size()), rec);
        continue;
      }
      Project p = with_defaults();
      detail::FieldIssue issue;
      bool ok = true;
      for (size_t c = 0; c < cells.size() && ok; ++c) {
        if (targets[c].empty() || trim(cells[c]).empty()) continue;
        if (!detail::set_field_text(targets[c], cells[c], &p, &issue)) {
          issue.field = std::string(trim(names[c]));  // report the column the user sees
          ok = false;
        }
      }
      if (!ok) {
        reject(at, issue.field, issue.reason, rec);
        continue;
      }
      finish(std::move(p), at, rec);
    }
  }

  bool read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string name = path.string();
    if (!in) {
      warn({name, 0}, "", "cannot open");
      return false;
    }
    std::string ext = ascii_lower(path.extension().string());
    Format format = Format::jsonl;
    if (ext == ".csv" || ext == ".tsv") {
      format = Format::csv;
    } else if (ext != ".jsonl" && ext != ".ndjson" && ext != ".json") {
      // Unknown extension: JSON Lines when the first non-space byte opens an object.
      int c;
      while ((c = in.peek()) != EOF && (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF ||
                                        c == 0xBB || c == 0xBF))
        in.get();
      format = c == '{' ? Format::jsonl : Format::csv;
      in.clear();
      in.seekg(0);
    }
    if (format == Format::csv)
      read_csv(in, name);
    else
      read_jsonl(in, name);
    return true;
  }
};

CorpusReader::CorpusReader(ReaderOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
CorpusReader::~CorpusReader() = default;

const ReadStats& CorpusReader::stats() const { return impl_->stats; }

void CorpusReader::read_stream(std::istream& in, const std::string& name, const RecordCallback& on_record,
                               const DiagnosticCallback& on_diagnostic) {
  impl_->on_record = &on_record;
  impl_->on_diagnostic = &on_diagnostic;
  impl_->read_jsonl(in, name);
}

bool CorpusReader::read(const std::string& path, const RecordCallback& on_record,
                        const DiagnosticCallback& on_diagnostic) {
  impl_->on_record = &on_record;
  impl_->on_diagnostic = &on_diagnostic;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string ext = ascii_lower(it->path().extension().string());
      if (ext != ".jsonl" && ext != ".ndjson" && ext != ".csv") continue;
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
    for (const auto& f : files) impl_->read_file(f);
    return true;
  }
  if (!fs::exists(path, ec)) {
    impl_->warn({path, 0}, "", "no such file or folder");
    return false;
  }
  return impl_->read_file(path);
}

}  // namespace haku
