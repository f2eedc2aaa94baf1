// Declarative mappings: loading and validating a mapping file, converting CSV rows and JSON records
// with it, and the shifted-row detection and repair for CSV (see mapping.h, corpus/README.md).
#include "corpus/mapping.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "corpus/mapping_rows.h"
#include "corpus/reader.h"
#include "corpus/text_util.h"

namespace haku {
namespace {

using nlohmann::json;

// Lower case (Nordic letters too), runs of white space as one space, trimmed: how column names, JSON
// keys and value-table entries are compared when they do not match exactly.
std::string fold(std::string_view s) {
  std::string lower = utf8_lower_nordic(trim(s));
  std::string out;
  bool space = false;
  for (char c : lower) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

struct ValueTable {
  std::unordered_map<std::string, std::optional<std::string>> exact;   // trimmed source value -> value
  std::unordered_map<std::string, std::optional<std::string>> folded;  // fold(source value) -> value

  // nullptr when the table has no entry; a null optional means "no value".
  const std::optional<std::string>* find(std::string_view text) const {
    auto it = exact.find(std::string(trim(text)));
    if (it != exact.end()) return &it->second;
    auto f = folded.find(fold(text));
    return f == folded.end() ? nullptr : &f->second;
  }
};

struct TemplatePart {
  bool placeholder = false;
  std::string text;  // literal text, or the placeholder's name
  std::vector<std::string> filters;
};

struct Spec {
  enum class Kind { column, columns, constant, templated, first };
  Kind kind = Kind::column;
  std::string target;              // record key, or title_fi / description_sv ...
  std::vector<std::string> names;  // column, JSON key or path (columns: several)
  bool path = false;               // names are dotted JSON paths
  std::string constant;
  std::vector<TemplatePart> parts;
  std::vector<Spec> first;
  std::vector<std::pair<std::string, std::string>> replace;
  std::shared_ptr<const ValueTable> values;
  bool only = false;  // a value outside the table is a problem
  std::vector<std::string> split;
  bool has_date = false;
  DateFormat date;
  std::string currency;  // of an amount field; empty = the mapping's
  double scale = 1;
  std::string separator = "\n\n";
  int required = -1;  // -1: as the record key is (id, title)
  std::optional<std::string> fallback;  // "default"
};

struct Check {
  std::string column;  // as the mapping names it
  enum class Type { any, date, amount, integer } type = Type::any;
  DateFormat date;
  std::shared_ptr<const ValueTable> values;
  bool required = false;
  std::string after;  // a column whose date this one's must follow
};

struct Rate {
  std::string date;  // ISO
  double per_eur = 0;  // units of the currency one euro buys
  std::string source;
};

const std::set<std::string>& reserved_placeholders() {
  static const std::set<std::string> kNames = {"row", "line", "file"};
  return kNames;
}

}  // namespace

struct Mapping::Impl {
  std::string name;
  std::string origin;
  Format format = Format::automatic;
  char delimiter = 0;
  std::string records;
  std::string lang;
  std::string currency = "EUR";
  std::map<std::string, std::vector<Rate>> rates;  // currency -> rates by date
  bool repair_encoding = false;
  std::vector<Spec> fields;
  std::set<std::string> ignore;  // folded column / key names
  std::vector<Check> checks;
  std::vector<std::string> free_text;  // columns an unquoted delimiter may sit in
};

namespace {

// ---- Loading ----------------------------------------------------------------------------------

class Loader {
 public:
  explicit Loader(std::string origin) : origin_(std::move(origin)) {}

  bool fail(const std::string& where, const std::string& what) {
    if (error_.empty()) error_ = origin_ + ": " + (where.empty() ? "" : where + ": ") + what;
    return false;
  }
  const std::string& error() const { return error_; }

  bool string_of(const json& v, const std::string& where, std::string* out) {
    if (!v.is_string()) return fail(where, std::string("expected a string, got ") + v.type_name());
    *out = v.get<std::string>();
    return true;
  }

  bool string_list(const json& v, const std::string& where, std::vector<std::string>* out) {
    if (v.is_string()) {
      out->push_back(v.get<std::string>());
      return true;
    }
    if (!v.is_array()) return fail(where, std::string("expected a string or an array of strings, got ") + v.type_name());
    for (const auto& item : v) {
      if (!item.is_string()) return fail(where, "expected an array of strings");
      out->push_back(item.get<std::string>());
    }
    return true;
  }

  bool table(const json& v, const std::string& where, std::shared_ptr<const ValueTable>* out) {
    if (v.is_string()) {
      auto it = tables_.find(v.get<std::string>());
      if (it == tables_.end()) return fail(where, "no table named \"" + v.get<std::string>() + "\" in \"tables\"");
      *out = it->second;
      return true;
    }
    if (!v.is_object()) return fail(where, std::string("expected an object or a table name, got ") + v.type_name());
    auto t = std::make_shared<ValueTable>();
    for (const auto& [from, to] : v.items()) {
      std::optional<std::string> value;
      if (to.is_string()) value = to.get<std::string>();
      else if (to.is_number()) value = to.dump();
      else if (!to.is_null()) return fail(where + "." + from, "expected a string or null");
      t->exact.emplace(std::string(trim(from)), value);
      t->folded.emplace(fold(from), value);
    }
    *out = std::move(t);
    return true;
  }

  bool date_format(const json& v, const std::string& where, DateFormat* out) {
    auto order = [&](const std::string& s) {
      if (s == "dmy") out->order = DateFormat::dmy;
      else if (s == "mdy") out->order = DateFormat::mdy;
      else if (s == "ymd") out->order = DateFormat::ymd;
      else return fail(where, "expected dmy, mdy or ymd, got \"" + s + "\"");
      return true;
    };
    if (v.is_string()) return order(v.get<std::string>());
    if (v.is_boolean()) return true;
    if (!v.is_object()) return fail(where, "expected \"dmy\", \"mdy\", \"ymd\" or {\"order\": ..., \"century\": 2000}");
    for (const auto& [k, x] : v.items()) {
      if (k == "order") {
        std::string s;
        if (!string_of(x, where + ".order", &s) || !order(s)) return false;
      } else if (k == "century") {
        if (!x.is_number_integer() || x.get<int>() < 0 || x.get<int>() % 100 != 0 || x.get<int>() > 2100)
          return fail(where + ".century", "expected a century such as 2000");
        out->century = x.get<int>();
      } else {
        return fail(where + "." + k, "unknown key (expected order or century)");
      }
    }
    return true;
  }

  bool parse_template(const std::string& text, const std::string& where, std::vector<TemplatePart>* parts) {
    std::string literal;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
        literal.push_back('{');
        ++i;
        continue;
      }
      if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
        literal.push_back('}');
        ++i;
        continue;
      }
      if (c == '}') return fail(where, "a '}' without its '{' (write }} for a literal brace)");
      if (c != '{') {
        literal.push_back(c);
        continue;
      }
      size_t close = text.find('}', i + 1);
      if (close == std::string::npos) return fail(where, "a '{' without its '}'");
      if (!literal.empty()) parts->push_back({false, std::move(literal), {}});
      literal.clear();
      std::string inner = text.substr(i + 1, close - i - 1);
      TemplatePart p;
      p.placeholder = true;
      size_t bar = inner.find('|');
      p.text = std::string(trim(inner.substr(0, bar)));
      while (bar != std::string::npos) {
        size_t next = inner.find('|', bar + 1);
        std::string f(trim(inner.substr(bar + 1, next == std::string::npos ? std::string::npos : next - bar - 1)));
        if (f != "slug" && f != "lower" && f != "upper" && f != "digits" && f != "trim")
          return fail(where, "unknown filter \"" + f + "\" (expected slug, lower, upper, digits or trim)");
        p.filters.push_back(f);
        bar = next;
      }
      if (p.text.empty()) return fail(where, "an empty placeholder {}");
      parts->push_back(std::move(p));
      i = close;
    }
    if (!literal.empty()) parts->push_back({false, std::move(literal), {}});
    return true;
  }

  bool spec(const json& v, const std::string& target, const std::string& where, Spec* out) {
    out->target = target;
    if (v.is_string()) {
      out->names = {v.get<std::string>()};
      return true;
    }
    if (!v.is_object()) return fail(where, std::string("expected a column name or an object, got ") + v.type_name());
    int sources = 0;
    for (const auto& [k, x] : v.items()) {
      const std::string at = where + "." + k;
      if (k == "column" || k == "key") {
        ++sources;
        out->kind = Spec::Kind::column;
        if (!string_list(x, at, &out->names)) return false;
        if (out->names.size() != 1) return fail(at, "expected one name (use \"columns\" for several)");
      } else if (k == "path") {
        ++sources;
        out->kind = Spec::Kind::column;
        out->path = true;
        std::string p;
        if (!string_of(x, at, &p)) return false;
        out->names = {p};
      } else if (k == "columns" || k == "keys") {
        ++sources;
        out->kind = Spec::Kind::columns;
        if (!string_list(x, at, &out->names)) return false;
      } else if (k == "const") {
        ++sources;
        out->kind = Spec::Kind::constant;
        if (x.is_string()) out->constant = x.get<std::string>();
        else if (x.is_number()) out->constant = x.dump();
        else return fail(at, "expected a string or a number");
      } else if (k == "template") {
        ++sources;
        out->kind = Spec::Kind::templated;
        std::string t;
        if (!string_of(x, at, &t) || !parse_template(t, at, &out->parts)) return false;
      } else if (k == "first") {
        ++sources;
        out->kind = Spec::Kind::first;
        if (!x.is_array() || x.empty()) return fail(at, "expected an array of field specifications");
        for (size_t i = 0; i < x.size(); ++i) {
          Spec alt;
          if (!spec(x[i], target, at + "." + std::to_string(i), &alt)) return false;
          out->first.push_back(std::move(alt));
        }
      } else if (k == "replace") {
        if (!x.is_object()) return fail(at, "expected an object {\"from\": \"to\"}");
        for (const auto& [from, to] : x.items()) {
          if (!to.is_string()) return fail(at + "." + from, "expected a string");
          if (from.empty()) return fail(at, "an empty text to replace");
          out->replace.emplace_back(from, to.get<std::string>());
        }
        // Longer texts first, so " | " is replaced before " |".
        std::stable_sort(out->replace.begin(), out->replace.end(),
                         [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
      } else if (k == "values") {
        if (!table(x, at, &out->values)) return false;
      } else if (k == "only") {
        if (!x.is_boolean()) return fail(at, "expected true or false");
        out->only = x.get<bool>();
      } else if (k == "split") {
        if (!string_list(x, at, &out->split)) return false;
        for (const auto& s : out->split)
          if (s.empty()) return fail(at, "an empty separator");
      } else if (k == "date") {
        out->has_date = true;
        if (!date_format(x, at, &out->date)) return false;
      } else if (k == "currency") {
        if (!string_of(x, at, &out->currency)) return false;
        if (out->currency.size() != 3) return fail(at, "expected an ISO 4217 code such as SEK");
      } else if (k == "scale") {
        if (!x.is_number() || !(x.get<double>() > 0)) return fail(at, "expected a positive number");
        out->scale = x.get<double>();
      } else if (k == "separator") {
        if (!string_of(x, at, &out->separator)) return false;
      } else if (k == "required") {
        if (!x.is_boolean()) return fail(at, "expected true or false");
        out->required = x.get<bool>() ? 1 : 0;
      } else if (k == "default") {
        std::string d;
        if (x.is_number()) d = x.dump();
        else if (!string_of(x, at, &d)) return false;
        out->fallback = d;
      } else {
        return fail(at, "unknown key (expected column, key, path, columns, const, template, first, replace, values, "
                        "only, split, date, currency, scale, separator, required or default)");
      }
    }
    if (sources != 1) return fail(where, "give exactly one of column, key, path, columns, const, template or first");
    if (out->only && !out->values) return fail(where + ".only", "\"only\" needs \"values\"");
    const bool list = target == "places" || target == "themes";
    if (!out->split.empty() && !list) return fail(where + ".split", "only places and themes are lists");
    const bool money = target == "total_budget" || target == "eu_contribution" || target == "total_budget_eur" ||
                       target == "eu_contribution_eur";
    if ((!out->currency.empty() || out->scale != 1) && !money)
      return fail(where, "currency and scale apply to amounts (total_budget, eu_contribution)");
    if (target.ends_with("_eur") && !out->currency.empty() && out->currency != "EUR")
      return fail(where + ".currency", target + " holds euros; map amounts in " + out->currency + " to " +
                                            target.substr(0, target.size() - 4));
    if (out->has_date && target != "start_date" && target != "end_date" && target != "eur_rate_date")
      return fail(where + ".date", "only dates take a date format");
    return true;
  }

  bool check(const json& v, const std::string& column, const std::string& where, Check* out) {
    out->column = column;
    auto type = [&](const std::string& t) {
      if (t == "date") out->type = Check::Type::date;
      else if (t == "amount") out->type = Check::Type::amount;
      else if (t == "integer") out->type = Check::Type::integer;
      else if (t == "text") out->type = Check::Type::any;
      else return fail(where, "expected date, amount, integer or text, got \"" + t + "\"");
      return true;
    };
    if (v.is_string()) return type(v.get<std::string>());
    if (!v.is_object()) return fail(where, "expected a type name or an object");
    for (const auto& [k, x] : v.items()) {
      const std::string at = where + "." + k;
      if (k == "type") {
        std::string t;
        if (!string_of(x, at, &t) || !type(t)) return false;
      } else if (k == "date") {
        out->type = Check::Type::date;
        if (!date_format(x, at, &out->date)) return false;
      } else if (k == "values") {
        if (!table(x, at, &out->values)) return false;
      } else if (k == "required") {
        if (!x.is_boolean()) return fail(at, "expected true or false");
        out->required = x.get<bool>();
      } else if (k == "after") {
        if (!string_of(x, at, &out->after)) return false;
      } else {
        return fail(at, "unknown key (expected type, date, values, required or after)");
      }
    }
    return true;
  }

  bool load(const json& j, Mapping::Impl* m) {
    if (!j.is_object()) return fail("", "a mapping is a JSON object");
    // Tables first: fields and checks refer to them by name.
    if (auto t = j.find("tables"); t != j.end()) {
      if (!t->is_object()) return fail("tables", "expected an object of named tables");
      for (const auto& [name, v] : t->items()) {
        std::shared_ptr<const ValueTable> table_ptr;
        if (!v.is_object()) return fail("tables." + name, "expected an object {\"from\": \"to\"}");
        if (!table(v, "tables." + name, &table_ptr)) return false;
        tables_[name] = table_ptr;
      }
    }
    for (const auto& [k, v] : j.items()) {
      if (k == "tables") continue;
      if (k == "name") {
        if (!string_of(v, k, &m->name)) return false;
      } else if (k == "description" || k == "source" || k == "notes") {
        if (!v.is_string() && !v.is_array()) return fail(k, "expected text");
      } else if (k == "format") {
        std::string f;
        if (!string_of(v, k, &f)) return false;
        if (f == "csv") m->format = Mapping::Format::csv;
        else if (f == "json" || f == "jsonl") m->format = Mapping::Format::json;
        else if (f == "auto") m->format = Mapping::Format::automatic;
        else return fail(k, "expected csv, json, jsonl or auto");
      } else if (k == "delimiter") {
        std::string d;
        if (!string_of(v, k, &d)) return false;
        if (d == "\\t" || d == "tab") d = "\t";
        if (d.size() != 1) return fail(k, "expected one character: \",\", \";\" or \"\\t\"");
        m->delimiter = d[0];
      } else if (k == "records") {
        if (!string_of(v, k, &m->records)) return false;
      } else if (k == "lang") {
        if (!string_of(v, k, &m->lang)) return false;
        if (m->lang != "fi" && m->lang != "sv" && m->lang != "en") return fail(k, "expected fi, sv or en");
      } else if (k == "currency") {
        if (!string_of(v, k, &m->currency)) return false;
        if (m->currency.size() != 3) return fail(k, "expected an ISO 4217 code such as SEK");
      } else if (k == "eur_rates") {
        if (!v.is_object()) return fail(k, "expected {\"SEK\": [{\"date\": ..., \"per_eur\": ..., \"source\": ...}]}");
        for (const auto& [code, list] : v.items()) {
          const std::string at = k + "." + code;
          if (code.size() != 3 || code == "EUR") return fail(at, "expected an ISO 4217 code other than EUR");
          if (!list.is_array() || list.empty()) return fail(at, "expected an array of dated rates");
          for (size_t i = 0; i < list.size(); ++i) {
            const std::string ai = at + "." + std::to_string(i);
            const json& r = list[i];
            Rate rate;
            if (!r.is_object()) return fail(ai, "expected {\"date\": ..., \"per_eur\": ..., \"source\": ...}");
            for (const auto& [rk, rv] : r.items()) {
              if (rk == "date") {
                std::string d;
                if (!string_of(rv, ai + ".date", &d)) return false;
                if (!parse_date(d, &rate.date)) return fail(ai + ".date", "not a date: \"" + d + "\"");
              } else if (rk == "per_eur") {
                if (!rv.is_number() || !(rv.get<double>() > 0)) return fail(ai + ".per_eur", "expected a positive number");
                rate.per_eur = rv.get<double>();
              } else if (rk == "source") {
                if (!string_of(rv, ai + ".source", &rate.source)) return false;
              } else {
                return fail(ai + "." + rk, "unknown key (expected date, per_eur or source)");
              }
            }
            if (rate.date.empty() || rate.per_eur == 0 || rate.source.empty())
              return fail(ai, "a rate needs its date, per_eur (units per euro) and source");
            m->rates[code].push_back(rate);
          }
          auto& rs = m->rates[code];
          std::sort(rs.begin(), rs.end(), [](const Rate& a, const Rate& b) { return a.date < b.date; });
        }
      } else if (k == "repair_encoding") {
        if (!v.is_boolean()) return fail(k, "expected true or false");
        m->repair_encoding = v.get<bool>();
      } else if (k == "fields") {
        if (!v.is_object() || v.empty()) return fail(k, "expected an object: record field -> where its value comes from");
        for (const auto& [target, s] : v.items()) {
          if (!detail::is_text_target(target)) return fail(k + "." + target, "not a record field (corpus/FORMATS.md)");
          Spec spec_out;
          if (!spec(s, target, k + "." + target, &spec_out)) return false;
          m->fields.push_back(std::move(spec_out));
        }
      } else if (k == "ignore") {
        std::vector<std::string> names;
        if (!string_list(v, k, &names)) return false;
        for (const auto& n : names) m->ignore.insert(fold(n));
      } else if (k == "checks") {
        if (!v.is_object()) return fail(k, "expected an object: column -> the type its values always have");
        for (const auto& [column, c] : v.items()) {
          Check out;
          if (!check(c, column, k + "." + column, &out)) return false;
          m->checks.push_back(std::move(out));
        }
      } else if (k == "free_text") {
        if (!string_list(v, k, &m->free_text)) return false;
      } else {
        return fail(k, "unknown key (expected name, description, format, delimiter, records, lang, currency, "
                       "eur_rates, repair_encoding, fields, tables, ignore, checks or free_text)");
      }
    }
    if (m->fields.empty()) return fail("fields", "missing");
    for (const auto& c : m->checks) {
      if (c.after.empty()) continue;
      bool found = std::any_of(m->checks.begin(), m->checks.end(), [&](const Check& o) {
        return fold(o.column) == fold(c.after) && o.type == Check::Type::date;
      });
      if (!found) return fail("checks." + c.column + ".after", "\"" + c.after + "\" needs a date check of its own");
    }
    return true;
  }

 private:
  std::string origin_;
  std::string error_;
  std::map<std::string, std::shared_ptr<const ValueTable>> tables_;
};

// ---- Converting --------------------------------------------------------------------------------

// Where a record's values are looked up: a CSV row's cells or a JSON object.
class RowView {
 public:
  virtual ~RowView() = default;
  // Appends the values under `name`; false when the source has no such column or key.
  virtual bool values(const std::string& name, bool path, std::vector<std::string>* out, std::string* problem) const = 0;
  detail::RowContext at;
};

std::string apply_filters(std::string v, const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    if (f == "trim") {
      v = std::string(trim(v));
    } else if (f == "lower") {
      v = utf8_lower_nordic(v);
    } else if (f == "upper") {
      for (char& c : v)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    } else if (f == "digits") {
      std::string d;
      for (char c : v)
        if (c >= '0' && c <= '9') d.push_back(c);
      v = d;
    } else if (f == "slug") {
      std::string s;
      for (unsigned char c : utf8_lower_nordic(v)) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
        if (keep) s.push_back(static_cast<char>(c));
        else if (!s.empty() && s.back() != '-') s.push_back('-');
      }
      while (!s.empty() && s.back() == '-') s.pop_back();
      v = s;
    }
  }
  return v;
}

std::string file_stem(const std::string& file) {
  std::filesystem::path p(file);
  std::string stem = p.filename().string();
  for (std::string_view ext : {".gz", ".csv", ".tsv", ".jsonl", ".ndjson", ".json"}) {
    if (stem.size() > ext.size() && ascii_lower(stem.substr(stem.size() - ext.size())) == ext)
      stem.resize(stem.size() - ext.size());
  }
  return stem;
}

class Converter {
 public:
  Converter(const Mapping::Impl& m, const RowView& row, Project* p, detail::Problems* problems)
      : m_(m), row_(row), p_(p), problems_(problems) {}

  void run() {
    for (const auto& spec : m_.fields) field(spec);
    finish_money();
    if (p_->lang.empty() && !m_.lang.empty()) p_->lang = m_.lang;
  }

 private:
  bool required(const Spec& s) const {
    return s.required == 1 || (s.required == -1 && detail::is_required_key(s.target));
  }

  // The name a message uses for a field: the column or key as the source spells it, else the field.
  static std::string label(const Spec& s) {
    if (s.kind == Spec::Kind::column && !s.names.empty()) return s.names[0];
    return s.target;
  }

  void problem(const Spec& s, const std::string& field, const std::string& reason) {
    if (required(s)) {
      problems_->errors.push_back({field, reason});
    } else {
      problems_->warnings.push_back({field, reason + " (dropped)"});
      detail::clear_field(s.target, p_);
    }
  }

  std::string clean(std::string v) const {
    if (m_.repair_encoding) v = repair_mojibake(v);
    return std::string(trim(v));
  }

  // The raw values a source gives (before converters); false with *why on a problem.
  bool extract(const Spec& s, std::vector<std::string>* out, std::string* why) {
    switch (s.kind) {
      case Spec::Kind::column:
      case Spec::Kind::columns:
        for (const auto& n : s.names) {
          std::vector<std::string> vs;
          if (!row_.values(n, s.path, &vs, why)) {
            if (!why->empty()) return false;
            continue;  // no such column in this source: the field stays empty
          }
          for (auto& v : vs) {
            v = clean(std::move(v));
            if (!v.empty()) out->push_back(std::move(v));
          }
        }
        return true;
      case Spec::Kind::constant:
        out->push_back(s.constant);
        return true;
      case Spec::Kind::templated: {
        std::string text;
        for (const auto& part : s.parts) {
          if (!part.placeholder) {
            text += part.text;
            continue;
          }
          std::string v;
          if (part.text == "row") v = std::to_string(row_.at.row);
          else if (part.text == "line") v = std::to_string(row_.at.line);
          else if (part.text == "file") v = file_stem(row_.at.file);
          else {
            std::vector<std::string> vs;
            // A column or key of that name, else (for JSON) a dotted path.
            bool found = row_.values(part.text, false, &vs, why);
            if (!found && why->empty() && part.text.find('.') != std::string::npos)
              found = row_.values(part.text, true, &vs, why);
            if (!found && !why->empty()) return false;
            for (auto& x : vs) {
              x = clean(std::move(x));
              if (!x.empty()) {
                v = x;
                break;
              }
            }
          }
          v = apply_filters(v, part.filters);
          if (v.empty()) return true;  // a placeholder without a value: the template gives nothing
          text += v;
        }
        out->push_back(std::move(text));
        return true;
      }
      case Spec::Kind::first:
        for (const auto& alt : s.first) {
          std::vector<std::string> vs;
          if (!extract(alt, &vs, why)) return false;
          vs = convert_values(alt, std::move(vs));
          if (!vs.empty()) {
            *out = std::move(vs);
            return true;
          }
        }
        return true;
    }
    return true;
  }

  // Replacements and the value table, for one spec's values.
  std::vector<std::string> convert_values(const Spec& s, std::vector<std::string> vs) {
    std::vector<std::string> out;
    for (auto& v : vs) {
      for (const auto& [from, to] : s.replace) {
        for (size_t pos = v.find(from); pos != std::string::npos; pos = v.find(from, pos + to.size()))
          v.replace(pos, from.size(), to);
      }
      v = std::string(trim(v));
      if (s.values) {
        if (const auto* mapped = s.values->find(v)) {
          if (!*mapped) continue;  // the table says: no value
          v = **mapped;
        } else if (s.only) {
          bad_values_.push_back(v);
          continue;
        }
      }
      if (!v.empty()) out.push_back(std::move(v));
    }
    return out;
  }

  void field(const Spec& s) {
    std::vector<std::string> raw;
    std::string why;
    bad_values_.clear();
    if (!extract(s, &raw, &why)) {
      problem(s, label(s), why);
      return;
    }
    std::vector<std::string> vs = s.kind == Spec::Kind::first ? raw : convert_values(s, std::move(raw));
    for (const auto& bad : bad_values_)
      problem(s, label(s), "not one of the values the mapping lists: " + detail::quote_value(bad));
    if (vs.empty() && s.fallback) vs.push_back(*s.fallback);
    if (vs.empty()) return;
    const std::string& t = s.target;
    if (t == "places" || t == "themes") {
      std::vector<std::string> items;
      for (const auto& v : vs) {
        if (s.split.empty()) {
          items.push_back(v);
          continue;
        }
        size_t start = 0;
        while (start <= v.size()) {
          size_t best = std::string::npos, len = 0;
          for (const auto& sep : s.split) {
            size_t pos = v.find(sep, start);
            if (pos < best) best = pos, len = sep.size();
          }
          std::string item(trim(std::string_view(v).substr(start, best == std::string::npos ? std::string::npos : best - start)));
          if (!item.empty()) items.push_back(std::move(item));
          if (best == std::string::npos) break;
          start = best + len;
        }
      }
      auto* list = t == "places" ? &p_->places : &p_->themes;
      for (auto& item : items)
        if (std::find(list->begin(), list->end(), item) == list->end()) list->push_back(std::move(item));
      return;
    }
    std::string value = vs[0];
    for (size_t i = 1; i < vs.size(); ++i) value += s.separator + vs[i];
    if (t == "start_date" || t == "end_date" || t == "eur_rate_date") {
      std::string iso;
      if (!parse_date(value, &iso, s.date, t == "end_date")) {
        problem(s, label(s), "not a date: " + detail::quote_value(value));
        return;
      }
      (t == "start_date" ? p_->start_date : t == "end_date" ? p_->end_date : p_->eur_rate_date) = iso;
      return;
    }
    if (t == "total_budget" || t == "eu_contribution" || t == "total_budget_eur" || t == "eu_contribution_eur") {
      money(s, value);
      return;
    }
    detail::FieldIssue issue;
    if (!detail::set_field_text(t, value, p_, &issue)) problem(s, label(s), issue.reason);
  }

  void money(const Spec& s, const std::string& value) {
    double v = 0;
    std::string code;
    if (!parse_money(value, &v, &code)) {
      problem(s, label(s), "not an amount: " + detail::quote_value(value));
      return;
    }
    std::string currency = s.currency.empty() ? (code.empty() ? m_.currency : code) : s.currency;
    if (!code.empty() && code != currency) {
      problem(s, label(s), "an amount in " + code + ", but the mapping says " + currency + ": " + detail::quote_value(value));
      return;
    }
    v *= s.scale;
    const bool total = s.target.starts_with("total_budget");
    if (s.target.ends_with("_eur") && currency != "EUR") {
      problem(s, label(s), "an amount in " + currency + ", not euros: " + detail::quote_value(value));
      return;
    }
    if (currency == "EUR") {
      (total ? p_->total_budget_eur : p_->eu_contribution_eur) = v;
      return;
    }
    if (!p_->currency.empty() && p_->currency != currency) {
      problem(s, label(s), "an amount in " + currency + " beside amounts in " + p_->currency);
      return;
    }
    p_->currency = currency;
    (total ? p_->total_budget : p_->eu_contribution) = v;
  }

  // Amounts in another currency: converted to euros only through the mapping's dated rates.
  void finish_money() {
    if (p_->currency.empty()) return;
    auto it = m_.rates.find(p_->currency);
    if (it == m_.rates.end()) return;
    const Rate* rate = &it->second.front();
    for (const auto& r : it->second)
      if (!p_->start_date.empty() && r.date <= p_->start_date) rate = &r;
    auto convert = [&](const std::optional<double>& amount, std::optional<double>* eur) {
      if (amount && !*eur) *eur = std::round(*amount / rate->per_eur * 100.0) / 100.0;
    };
    convert(p_->total_budget, &p_->total_budget_eur);
    convert(p_->eu_contribution, &p_->eu_contribution_eur);
    p_->eur_rate = std::round(1e8 / rate->per_eur) / 1e8;
    p_->eur_rate_date = rate->date;
  }

  const Mapping::Impl& m_;
  const RowView& row_;
  Project* p_;
  detail::Problems* problems_;
  std::vector<std::string> bad_values_;
};

// JSON values as text: strings as they are, numbers as written, booleans as true / false.
bool json_texts(const json& v, std::vector<std::string>* out, std::string* problem) {
  if (v.is_null()) return true;
  if (v.is_string()) {
    out->push_back(v.get<std::string>());
  } else if (v.is_number() || v.is_boolean()) {
    out->push_back(v.dump());
  } else if (v.is_array()) {
    for (const auto& item : v)
      if (!json_texts(item, out, problem)) return false;
  } else {
    *problem = "expected a value or a list of values, got an object";
    return false;
  }
  return true;
}

const json* json_key(const json& obj, const std::string& key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it != obj.end()) return &*it;
  const std::string f = fold(key);
  for (auto i = obj.begin(); i != obj.end(); ++i)
    if (fold(i.key()) == f) return &*i;
  return nullptr;
}

const json* json_path(const json& root, const std::string& path) {
  const json* cur = &root;
  size_t start = 0;
  while (cur && start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string step = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (cur->is_array()) {
      char* end = nullptr;
      unsigned long i = std::strtoul(step.c_str(), &end, 10);
      cur = (!step.empty() && *end == 0 && i < cur->size()) ? &(*cur)[i] : nullptr;
    } else {
      cur = json_key(*cur, step);
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

class JsonRow : public RowView {
 public:
  explicit JsonRow(const json& obj) : obj_(obj) {}
  bool values(const std::string& name, bool path, std::vector<std::string>* out, std::string* problem) const override {
    const json* v = path ? json_path(obj_, name) : json_key(obj_, name);
    if (!v) return false;
    if (!json_texts(*v, out, problem)) {
      *problem = name + ": " + *problem;
      return false;
    }
    return true;
  }

 private:
  const json& obj_;
};

// The top-level column / key names a spec reads.
void names_used(const Spec& s, std::set<std::string>* out) {
  for (const auto& n : s.names) out->insert(fold(s.path ? n.substr(0, n.find('.')) : n));
  for (const auto& part : s.parts)
    if (part.placeholder && !reserved_placeholders().count(part.text)) {
      out->insert(fold(part.text));
      out->insert(fold(part.text.substr(0, part.text.find('.'))));
    }
  for (const auto& alt : s.first) names_used(alt, out);
}

}  // namespace

// ---- Mapping -----------------------------------------------------------------------------------

Mapping::Mapping(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mapping::~Mapping() = default;

const std::string& Mapping::name() const { return impl_->name; }
Mapping::Format Mapping::format() const { return impl_->format; }
char Mapping::delimiter() const { return impl_->delimiter; }
const std::string& Mapping::records_path() const { return impl_->records; }

std::shared_ptr<const Mapping> Mapping::parse(const std::string& text, const std::string& origin, std::string* error) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    size_t close = what.find("] ");
    *error = origin + ": not JSON: " + (close == std::string::npos ? what : what.substr(close + 2));
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->origin = origin;
  Loader loader(origin);
  if (!loader.load(j, impl.get())) {
    *error = loader.error();
    return nullptr;
  }
  if (impl->name.empty()) impl->name = file_stem(origin);
  return std::shared_ptr<const Mapping>(new Mapping(std::move(impl)));
}

std::shared_ptr<const Mapping> Mapping::load(const std::string& name_or_path, const std::string& dir, std::string* error) {
  std::string path = name_or_path;
  const bool is_name = name_or_path.find('/') == std::string::npos && !name_or_path.ends_with(".json");
  if (is_name) path = (dir.empty() ? default_mappings_dir() : dir) + "/" + name_or_path + ".json";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot read the mapping" +
             (is_name ? " (a mapping NAME is looked up in " + (dir.empty() ? default_mappings_dir() : dir) + ")" : "");
    return nullptr;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path, error);
}

std::string default_mappings_dir() {
  if (const char* env = std::getenv("HAKU_MAPPINGS_DIR"); env && *env) return env;
#ifdef HAKU_DEFAULT_MAPPINGS_DIR
  return HAKU_DEFAULT_MAPPINGS_DIR;
#else
  return "corpus/mappings";
#endif
}

// ---- CSV rows ------------------------------------------------------------------------------------

namespace detail {

struct CsvBinding::State {
  const Mapping::Impl* m = nullptr;
  std::vector<std::string> header;  // trimmed
  char delimiter = ',';
  std::unordered_map<std::string, size_t> index;  // fold(name) -> column
  struct BoundCheck {
    const Check* check;
    size_t column;
    std::optional<size_t> after;
  };
  std::vector<BoundCheck> checks;
  std::vector<size_t> free_text;
  std::vector<FieldIssue> errors, warnings;

  std::optional<size_t> column_of(const std::string& name) const {
    auto it = index.find(fold(name));
    if (it == index.end()) return std::nullopt;
    return it->second;
  }

  // The checks a row's cells fail (an empty result: the row fits the column types).
  std::vector<FieldIssue> failures(const std::vector<std::string>& cells) const {
    std::vector<FieldIssue> out;
    std::vector<std::string> dates(cells.size());
    for (const auto& bc : checks) {
      const Check& c = *bc.check;
      const std::string name = header[bc.column];
      std::string text(trim(cells[bc.column]));
      if (text.empty()) {
        if (c.required) out.push_back({name, "missing (every row of this export has one)"});
        continue;
      }
      switch (c.type) {
        case Check::Type::date:
          if (!parse_date(text, &dates[bc.column], c.date, false))
            out.push_back({name, quote_value(text) + " is not a date"});
          break;
        case Check::Type::amount: {
          double v = 0;
          std::string code;
          // Paid-out figures can be negative (recoveries): the sign is part of the type.
          std::string unsigned_text = text.starts_with('-') ? text.substr(1) : text;
          if (!parse_money(unsigned_text, &v, &code)) out.push_back({name, quote_value(text) + " is not an amount"});
          break;
        }
        case Check::Type::integer: {
          std::string_view t = text;
          if (t.starts_with('-')) t.remove_prefix(1);
          if (t.empty() || !std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            out.push_back({name, quote_value(text) + " is not a whole number"});
          break;
        }
        case Check::Type::any:
          break;
      }
      if (c.values && !c.values->find(text)) out.push_back({name, quote_value(text) + " is not one of its values"});
    }
    for (const auto& bc : checks) {
      if (!bc.after) continue;
      const std::string& mine = dates[bc.column];
      const std::string& other = dates[*bc.after];
      if (!mine.empty() && !other.empty() && !(mine > other))
        out.push_back({header[bc.column], mine + " is not after " + header[*bc.after] + " " + other});
    }
    return out;
  }

  // A value-table column whose text is "<extra> <known value>" or "<known value> <extra>": the extra
  // text belongs to the free-text column before (or after) it. Moves it there; false if nothing moved.
  bool unglue(std::vector<std::string>* cells, std::vector<FieldIssue>* notes) const {
    bool moved = false;
    for (const auto& bc : checks) {
      const Check& c = *bc.check;
      if (!c.values) continue;
      std::string text(trim((*cells)[bc.column]));
      if (text.empty() || c.values->find(text)) continue;
      // Split at each space, keep the split whose one side is a known value (exactly one such split).
      struct Split {
        std::string extra, known;
        bool before;  // the extra text comes first
      };
      std::vector<Split> found;
      for (size_t pos = text.find(' '); pos != std::string::npos; pos = text.find(' ', pos + 1)) {
        std::string left(trim(text.substr(0, pos))), right(trim(text.substr(pos + 1)));
        if (left.empty() || right.empty()) continue;
        if (c.values->find(right)) found.push_back({left, right, true});
        if (c.values->find(left)) found.push_back({right, left, false});
      }
      if (found.size() != 1) continue;
      const auto& [extra, known, before] = found[0];
      std::optional<size_t> target;
      for (size_t ft : free_text) {
        if (before && ft < bc.column && (!target || ft > *target)) target = ft;
        if (!before && ft > bc.column && (!target || ft < *target)) target = ft;
      }
      if (!target) continue;
      std::string& dst = (*cells)[*target];
      dst = before ? std::string(trim(dst)) + std::string(1, delimiter) + " " + extra
                   : extra + std::string(1, delimiter) + " " + std::string(trim(dst));
      (*cells)[bc.column] = known;
      notes->push_back({header[bc.column], "held " + quote_value(extra) + ", text of " + header[*target] +
                                               " shifted into it (moved back)"});
      moved = true;
    }
    return moved;
  }
};

CsvBinding::CsvBinding(const Mapping& mapping, const std::vector<std::string>& header, char delimiter)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.m = &mapping.impl();
  s.delimiter = delimiter;
  for (size_t c = 0; c < header.size(); ++c) {
    s.header.emplace_back(trim(header[c]));
    s.index.emplace(fold(header[c]), c);
  }
  std::set<std::string> used;
  for (const auto& spec : s.m->fields) {
    names_used(spec, &used);
    auto missing = [&](const std::string& name) {
      if (s.column_of(name)) return;
      const bool required = spec.required == 1 || (spec.required == -1 && is_required_key(spec.target));
      const bool alternative = spec.kind == Spec::Kind::first || spec.kind == Spec::Kind::columns;
      if (required && !alternative)
        s.errors.push_back({name, "the mapping takes " + spec.target + " from this column, which the file does not have"});
      else
        s.warnings.push_back({name, "the mapping names this column (for " + spec.target + "), which the file does not have"});
    };
    std::function<void(const Spec&)> walk = [&](const Spec& sp) {
      if (sp.kind == Spec::Kind::column || sp.kind == Spec::Kind::columns)
        for (const auto& n : sp.names) missing(n);
      for (const auto& part : sp.parts)
        if (part.placeholder && !reserved_placeholders().count(part.text)) missing(part.text);
      for (const auto& alt : sp.first) walk(alt);
    };
    walk(spec);
  }
  for (const auto& c : s.m->checks) {
    auto col = s.column_of(c.column);
    if (!col) {
      s.errors.push_back({c.column, "the mapping checks this column, which the file does not have"});
      continue;
    }
    used.insert(fold(c.column));
    std::optional<size_t> after;
    if (!c.after.empty()) after = s.column_of(c.after);
    s.checks.push_back({&c, *col, after});
  }
  for (const auto& name : s.m->free_text) {
    auto col = s.column_of(name);
    if (!col) s.errors.push_back({name, "the mapping names this free-text column, which the file does not have"});
    else s.free_text.push_back(*col);
  }
  for (size_t c = 0; c < s.header.size(); ++c) {
    const std::string f = fold(s.header[c]);
    if (!used.count(f) && !s.m->ignore.count(f) && !s.header[c].empty())
      s.warnings.push_back({s.header[c], "column not in the mapping (ignored)"});
  }
}

CsvBinding::~CsvBinding() = default;
const std::vector<FieldIssue>& CsvBinding::file_errors() const { return state_->errors; }
const std::vector<FieldIssue>& CsvBinding::file_warnings() const { return state_->warnings; }

namespace {

class CsvRow : public RowView {
 public:
  CsvRow(const CsvBinding::State& s, const std::vector<std::string>& cells) : s_(s), cells_(cells) {}
  bool values(const std::string& name, bool, std::vector<std::string>* out, std::string*) const override {
    auto c = s_.column_of(name);
    if (!c || *c >= cells_.size()) return false;
    out->push_back(cells_[*c]);
    return true;
  }

 private:
  const CsvBinding::State& s_;
  const std::vector<std::string>& cells_;
};

}  // namespace

void CsvBinding::convert(const std::vector<std::string>& in, const RowContext& at, Project* out,
                         Problems* problems) const {
  const State& s = *state_;
  std::vector<std::string> cells = in;
  const size_t want = s.header.size();
  if (cells.size() != want) {
    const std::string count = "expected " + std::to_string(want) + " fields, got " + std::to_string(cells.size());
    if (cells.size() < want || s.checks.empty() || s.free_text.empty()) {
      problems->errors.push_back({"", count});
      return;
    }
    // An unquoted delimiter inside a free-text column: rejoin there if exactly one column fits.
    const size_t extra = cells.size() - want;
    std::vector<std::pair<size_t, std::vector<std::string>>> fits;
    for (size_t ft : s.free_text) {
      std::vector<std::string> merged(cells.begin(), cells.begin() + static_cast<long>(ft));
      std::string joined = cells[ft];
      for (size_t k = 1; k <= extra; ++k) joined += std::string(1, s.delimiter) + cells[ft + k];
      merged.push_back(joined);
      merged.insert(merged.end(), cells.begin() + static_cast<long>(ft + extra + 1), cells.end());
      if (s.failures(merged).empty()) fits.emplace_back(ft, std::move(merged));
    }
    if (fits.size() != 1) {
      problems->errors.push_back(
          {"", count + (fits.empty() ? "; no column can hold the extra delimiters and keep the column types"
                                     : "; more than one column could hold the extra delimiters")});
      return;
    }
    problems->repairs.push_back({s.header[fits[0].first], "held " + std::to_string(extra) +
                                                             " unquoted delimiter(s) (the row had " +
                                                             std::to_string(cells.size()) + " fields; rejoined)"});
    cells = std::move(fits[0].second);
  } else if (!s.checks.empty()) {
    std::vector<FieldIssue> fails = s.failures(cells);
    if (!fails.empty()) {
      std::vector<std::string> repaired = cells;
      std::vector<FieldIssue> notes;
      const bool moved = s.unglue(&repaired, &notes);
      std::vector<FieldIssue> still = moved ? s.failures(repaired) : fails;
      if (!moved || !still.empty()) {
        problems->errors.insert(problems->errors.end(), notes.begin(), notes.end());
        problems->errors.insert(problems->errors.end(), still.begin(), still.end());
        problems->errors.push_back({"", "the row does not fit the column types of the mapping (a shifted row?); "
                                        "no unambiguous repair"});
        return;
      }
      problems->repairs.insert(problems->repairs.end(), notes.begin(), notes.end());
      cells = std::move(repaired);
    }
  }
  CsvRow row(s, cells);
  row.at = at;
  Converter(*s.m, row, out, problems).run();
}

void convert_json(const Mapping& mapping, const json& record, const RowContext& at, Project* out, Problems* problems,
                  std::vector<std::string>* unused) {
  if (!record.is_object()) {
    problems->errors.push_back({"", std::string("expected a JSON object, got ") + record.type_name()});
    return;
  }
  JsonRow row(record);
  row.at = at;
  Converter(mapping.impl(), row, out, problems).run();
  if (unused) {
    std::set<std::string> used;
    for (const auto& spec : mapping.impl().fields) names_used(spec, &used);
    for (const auto& [k, v] : record.items()) {
      (void)v;
      const std::string f = fold(k);
      if (!used.count(f) && !mapping.impl().ignore.count(f)) unused->push_back(k);
    }
  }
}

const json* records_at(const Mapping& mapping, const json& document) {
  if (mapping.records_path().empty()) return document.is_array() ? &document : nullptr;
  const json* r = json_path(document, mapping.records_path());
  return r && r->is_array() ? r : nullptr;
}

}  // namespace detail
}  // namespace haku
