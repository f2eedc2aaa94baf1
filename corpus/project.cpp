// The Project record's JSON form and the per-field conversions every reader shares.
// Pure functions: thread-safe.
#include "corpus/project.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "corpus/reader.h"
#include "corpus/record_fields.h"
#include "corpus/text_util.h"

namespace haku {
namespace detail {
namespace {

using nlohmann::json;

template <class P>
auto text_member(P& p, std::string_view key) -> decltype(&p.id) {
  if (key == "id") return &p.id;
  if (key == "title") return &p.title;
  if (key == "description") return &p.description;
  if (key == "fund") return &p.fund;
  if (key == "programme") return &p.programme;
  if (key == "programming_period") return &p.programming_period;
  if (key == "managing_authority") return &p.managing_authority;
  if (key == "implementer") return &p.implementer;
  if (key == "implementer_type") return &p.implementer_type;
  if (key == "country") return &p.country;
  if (key == "region_code") return &p.region_code;
  if (key == "region_name") return &p.region_name;
  if (key == "source_url") return &p.source_url;
  if (key == "source_name") return &p.source_name;
  return nullptr;
}

std::string* date_member(Project& p, std::string_view key) {
  if (key == "start_date") return &p.start_date;
  if (key == "end_date") return &p.end_date;
  return nullptr;
}

std::optional<double>* money_member(Project& p, std::string_view key) {
  if (key == "total_budget_eur") return &p.total_budget_eur;
  if (key == "eu_contribution_eur") return &p.eu_contribution_eur;
  return nullptr;
}

std::vector<std::string>* list_member(Project& p, std::string_view key) {
  if (key == "places") return &p.places;
  if (key == "themes") return &p.themes;
  return nullptr;
}

bool fail(FieldIssue* issue, std::string_view field, std::string reason) {
  issue->field = std::string(field);
  issue->reason = std::move(reason);
  return false;
}

std::string quote_value(std::string_view s) {
  constexpr size_t kShown = 60;
  std::string out = "\"";
  if (s.size() <= kShown) {
    out.append(s);
  } else {
    size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    out.append(s.substr(0, cut)).append("...");
  }
  return out + "\"";
}

bool set_lang(std::string_view text, Project* out, FieldIssue* issue) {
  std::string l = ascii_lower(trim(text));
  if (l.empty()) {
    out->lang.clear();
    return true;
  }
  if (l != "fi" && l != "sv" && l != "en") return fail(issue, "lang", "expected fi, sv or en, got " + quote_value(text));
  out->lang = l;
  return true;
}

bool set_money_text(std::string_view key, const std::string& text, std::optional<double>* m, FieldIssue* issue) {
  double v = 0;
  if (!parse_money(text, &v)) return fail(issue, key, "not an amount: " + quote_value(text));
  *m = v;
  return true;
}

bool set_rate_text(const std::string& text, Project* out, FieldIssue* issue) {
  std::string t(trim(text));
  bool percent = !t.empty() && t.back() == '%';
  if (percent) t = std::string(trim(std::string_view(t).substr(0, t.size() - 1)));
  std::replace(t.begin(), t.end(), ',', '.');
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(t, &used);
    if (used != t.size()) throw std::invalid_argument("rate");
  } catch (...) {
    return fail(issue, "cofinancing_rate", "not a rate: " + quote_value(text));
  }
  if (percent) v /= 100.0;
  if (!(v >= 0.0 && v <= 1.0)) return fail(issue, "cofinancing_rate", "not a rate between 0 and 1: " + quote_value(text));
  out->cofinancing_rate = v;
  return true;
}

bool set_date_text(std::string_view key, const std::string& text, std::string* d, FieldIssue* issue) {
  if (trim(text).empty()) {
    d->clear();
    return true;
  }
  std::string iso;
  if (!parse_date(text, &iso)) return fail(issue, key, "not a date: " + quote_value(text));
  *d = iso;
  return true;
}

std::string type_of(const json& v) { return v.type_name(); }

}  // namespace

const std::vector<std::string_view>& record_keys() {
  static const std::vector<std::string_view> kKeys = {
      "id", "title", "description", "lang", "translations", "fund", "programme", "programming_period",
      "managing_authority", "implementer", "implementer_type", "start_date", "end_date", "total_budget_eur",
      "eu_contribution_eur", "cofinancing_rate", "country", "region_code", "region_name", "places", "themes",
      "source_url", "source_name"};
  return kKeys;
}

bool is_record_key(std::string_view key) {
  const auto& keys = record_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool set_field_json(std::string_view key, const json& value, Project* out, FieldIssue* issue,
                    std::vector<std::string>* unknown) {
  if (!is_record_key(key)) {
    if (unknown) unknown->emplace_back(key);
    return true;
  }
  if (value.is_null()) return true;  // null = absent
  if (key == "id" && value.is_number_integer()) {
    out->id = value.dump();
    return true;
  }
  if (std::string* t = text_member(*out, key)) {
    if (!value.is_string()) return fail(issue, key, "expected a string, got " + type_of(value));
    *t = value.get_ref<const std::string&>();
    return true;
  }
  if (key == "lang") {
    if (!value.is_string()) return fail(issue, key, "expected a string, got " + type_of(value));
    return set_lang(value.get_ref<const std::string&>(), out, issue);
  }
  if (std::string* d = date_member(*out, key)) {
    if (!value.is_string()) return fail(issue, key, "expected a date string, got " + type_of(value));
    return set_date_text(key, value.get_ref<const std::string&>(), d, issue);
  }
  if (auto* m = money_member(*out, key)) {
    if (value.is_number()) {
      double v = value.get<double>();
      if (!std::isfinite(v) || v < 0) return fail(issue, key, "not an amount: " + value.dump());
      *m = v;
      return true;
    }
    if (!value.is_string()) return fail(issue, key, "expected a number or an amount string, got " + type_of(value));
    return set_money_text(key, value.get_ref<const std::string&>(), m, issue);
  }
  if (key == "cofinancing_rate") {
    if (value.is_number()) {
      double v = value.get<double>();
      if (!(v >= 0.0 && v <= 1.0)) return fail(issue, key, "not a rate between 0 and 1: " + value.dump());
      out->cofinancing_rate = v;
      return true;
    }
    if (!value.is_string()) return fail(issue, key, "expected a number or a percentage, got " + type_of(value));
    return set_rate_text(value.get_ref<const std::string&>(), out, issue);
  }
  if (auto* l = list_member(*out, key)) {
    if (!value.is_array()) return fail(issue, key, "expected an array of strings, got " + type_of(value));
    l->clear();
    for (const auto& item : value) {
      if (!item.is_string()) return fail(issue, key, "expected an array of strings, got an element of type " + type_of(item));
      l->push_back(item.get_ref<const std::string&>());
    }
    return true;
  }
  if (key == "translations") {
    if (!value.is_object()) return fail(issue, key, "expected an object keyed by fi, sv or en, got " + type_of(value));
    out->translations.clear();
    for (const auto& [lang, tr] : value.items()) {
      std::string field = "translations." + lang;
      if (lang != "fi" && lang != "sv" && lang != "en") return fail(issue, field, "expected fi, sv or en");
      if (!tr.is_object()) return fail(issue, field, "expected an object, got " + type_of(tr));
      Translation t;
      for (const auto& [k, v] : tr.items()) {
        std::string* dst = k == "title" ? &t.title : k == "description" ? &t.description : nullptr;
        if (!dst) return fail(issue, field + "." + k, "expected title or description");
        if (v.is_null()) continue;
        if (!v.is_string()) return fail(issue, field + "." + k, "expected a string, got " + type_of(v));
        *dst = v.get_ref<const std::string&>();
      }
      out->translations[lang] = std::move(t);
    }
    return true;
  }
  return true;
}

bool set_field_text(std::string_view key, const std::string& text, Project* out, FieldIssue* issue) {
  std::string_view t = trim(text);
  if (std::string* s = text_member(*out, key)) {
    *s = std::string(t);
    return true;
  }
  if (key == "lang") return set_lang(t, out, issue);
  if (t.empty()) return true;
  if (std::string* d = date_member(*out, key)) return set_date_text(key, text, d, issue);
  if (auto* m = money_member(*out, key)) return set_money_text(key, text, m, issue);
  if (key == "cofinancing_rate") return set_rate_text(text, out, issue);
  if (auto* l = list_member(*out, key)) {
    l->clear();
    size_t start = 0;
    for (size_t i = 0; i <= t.size(); ++i) {
      if (i == t.size() || t[i] == '|' || t[i] == ';') {
        std::string item(trim(t.substr(start, i - start)));
        if (!item.empty()) l->push_back(std::move(item));
        start = i + 1;
      }
    }
    return true;
  }
  // Translations: "title_fi", "description_sv", ...
  for (std::string_view part : {"title_", "description_"}) {
    if (key.starts_with(part)) {
      std::string lang(key.substr(part.size()));
      if (lang != "fi" && lang != "sv" && lang != "en") break;
      Translation& tr = out->translations[lang];
      (part == "title_" ? tr.title : tr.description) = std::string(t);
      return true;
    }
  }
  return fail(issue, key, "not a record field");
}

bool validate_record(const Project& p, size_t max_field_bytes, FieldIssue* issue) {
  if (p.id.empty()) return fail(issue, "id", "missing");
  if (p.title.empty()) return fail(issue, "title", "missing");
  auto too_long = [&](std::string_view field, const std::string& v) {
    return fail(issue, field,
                "longer than " + std::to_string(max_field_bytes) + " bytes (" + std::to_string(v.size()) + ")");
  };
  for (auto key : record_keys()) {
    if (const std::string* s = text_member(p, key); s && s->size() > max_field_bytes) return too_long(key, *s);
  }
  for (const auto& [lang, tr] : p.translations) {
    if (tr.title.size() > max_field_bytes) return too_long("translations." + lang + ".title", tr.title);
    if (tr.description.size() > max_field_bytes)
      return too_long("translations." + lang + ".description", tr.description);
  }
  for (const auto* list : {&p.places, &p.themes}) {
    for (const auto& item : *list)
      if (item.size() > max_field_bytes) return too_long(list == &p.places ? "places" : "themes", item);
  }
  if (!p.start_date.empty() && !p.end_date.empty() && p.end_date < p.start_date)
    return fail(issue, "end_date", p.end_date + " is before start_date " + p.start_date);
  return true;
}

}  // namespace detail

std::string project_to_json(const Project& p) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  auto text = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  auto number = [&](const char* k, const std::optional<double>& v) {
    if (v) j[k] = *v;
  };
  auto list = [&](const char* k, const std::vector<std::string>& v) {
    if (!v.empty()) j[k] = v;
  };
  text("id", p.id);
  text("title", p.title);
  text("description", p.description);
  text("lang", p.lang);
  if (!p.translations.empty()) {
    nlohmann::ordered_json tr = nlohmann::ordered_json::object();
    for (const auto& [lang, t] : p.translations) {
      nlohmann::ordered_json one = nlohmann::ordered_json::object();
      if (!t.title.empty()) one["title"] = t.title;
      if (!t.description.empty()) one["description"] = t.description;
      tr[lang] = std::move(one);
    }
    j["translations"] = std::move(tr);
  }
  text("fund", p.fund);
  text("programme", p.programme);
  text("programming_period", p.programming_period);
  text("managing_authority", p.managing_authority);
  text("implementer", p.implementer);
  text("implementer_type", p.implementer_type);
  text("start_date", p.start_date);
  text("end_date", p.end_date);
  number("total_budget_eur", p.total_budget_eur);
  number("eu_contribution_eur", p.eu_contribution_eur);
  number("cofinancing_rate", p.cofinancing_rate);
  text("country", p.country);
  text("region_code", p.region_code);
  text("region_name", p.region_name);
  list("places", p.places);
  list("themes", p.themes);
  text("source_url", p.source_url);
  text("source_name", p.source_name);
  // Invalid UTF-8 cannot reach here through the readers; replace rather than throw if a caller passes it.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool project_from_json(const std::string& json, Project* out, std::string* error) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) {
    if (error) *error = "not JSON";
    return false;
  }
  if (!j.is_object()) {
    if (error) *error = "not a JSON object";
    return false;
  }
  Project p;
  detail::FieldIssue issue;
  for (auto key : detail::record_keys()) {
    auto it = j.find(std::string(key));
    if (it == j.end()) continue;
    if (!detail::set_field_json(key, *it, &p, &issue, nullptr)) {
      if (error) *error = issue.field + ": " + issue.reason;
      return false;
    }
  }
  *out = std::move(p);
  return true;
}

}  // namespace haku
