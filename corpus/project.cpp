// The Project record's JSON form and the per-field conversions every reader shares.
// Pure functions: thread-safe.
#include "corpus/project.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "corpus/reader.h"
#include "corpus/record_fields.h"
#include "corpus/text_util.h"
#include "corpus/vocabulary.h"

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
  if (key == "eur_rate_date") return &p.eur_rate_date;
  return nullptr;
}

std::optional<double>* money_member(Project& p, std::string_view key) {
  if (key == "total_budget_eur") return &p.total_budget_eur;
  if (key == "eu_contribution_eur") return &p.eu_contribution_eur;
  if (key == "total_budget") return &p.total_budget;
  if (key == "eu_contribution") return &p.eu_contribution;
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

bool set_status(std::string_view text, Project* out, FieldIssue* issue) {
  if (trim(text).empty()) {
    out->status.clear();
    return true;
  }
  std::string s = canonical_status(text);
  if (s.empty())
    return fail(issue, "status", "not a status: " + quote_value(text) + " (expected ongoing, closed or discontinued)");
  out->status = std::move(s);
  return true;
}

bool set_currency(std::string_view text, Project* out, FieldIssue* issue) {
  std::string c(trim(text));
  for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  bool ok = c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  if (!ok && !c.empty()) return fail(issue, "currency", "expected an ISO 4217 code such as SEK, got " + quote_value(text));
  out->currency = c;
  return true;
}

bool eur_only(std::string_view key) { return key.ends_with("_eur"); }

bool set_money_text(std::string_view key, const std::string& text, std::optional<double>* m, FieldIssue* issue) {
  double v = 0;
  std::string code;
  if (!parse_money(text, &v, &code)) return fail(issue, key, "not an amount: " + quote_value(text));
  if (eur_only(key) && !code.empty() && code != "EUR")
    return fail(issue, key, "an amount in " + code + ", not euros: " + quote_value(text));
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

bool set_eur_rate(double v, const std::string& shown, Project* out, FieldIssue* issue) {
  if (!std::isfinite(v) || v <= 0) return fail(issue, "eur_rate", "not a positive number: " + shown);
  out->eur_rate = v;
  return true;
}

bool set_date_text(std::string_view key, const std::string& text, std::string* d, FieldIssue* issue) {
  if (trim(text).empty()) {
    d->clear();
    return true;
  }
  std::string iso;
  if (!parse_date(text, &iso, {}, key == "end_date")) return fail(issue, key, "not a date: " + quote_value(text));
  *d = iso;
  return true;
}

std::optional<std::string> translation_key(std::string_view key, bool* is_title) {
  for (std::string_view part : {"title_", "description_"}) {
    if (key.starts_with(part)) {
      std::string lang(key.substr(part.size()));
      if (lang != "fi" && lang != "sv" && lang != "en") return std::nullopt;
      *is_title = part == "title_";
      return lang;
    }
  }
  return std::nullopt;
}

std::string type_of(const json& v) { return v.type_name(); }

}  // namespace

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

const std::vector<std::string_view>& record_keys() {
  static const std::vector<std::string_view> kKeys = {
      "id", "title", "description", "lang", "translations", "fund", "programme", "programming_period",
      "managing_authority", "implementer", "implementer_type", "start_date", "end_date", "status",
      "total_budget_eur", "eu_contribution_eur", "cofinancing_rate", "currency", "total_budget",
      "eu_contribution", "eur_rate", "eur_rate_date", "country", "region_code", "region_name", "places",
      "themes", "source_url", "source_name"};
  return kKeys;
}

bool is_record_key(std::string_view key) {
  const auto& keys = record_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool is_required_key(std::string_view key) { return key == "id" || key == "title"; }

bool is_text_target(std::string_view key) {
  bool title = false;
  return (is_record_key(key) && key != "translations") || translation_key(key, &title).has_value();
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
    *t = std::string(trim(value.get_ref<const std::string&>()));
    if (key == "fund") *t = canonical_fund(*t);
    return true;
  }
  if (key == "lang" || key == "status" || key == "currency") {
    if (!value.is_string()) return fail(issue, key, "expected a string, got " + type_of(value));
    const std::string& v = value.get_ref<const std::string&>();
    return key == "lang" ? set_lang(v, out, issue) : key == "status" ? set_status(v, out, issue) : set_currency(v, out, issue);
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
  if (key == "eur_rate") {
    if (!value.is_number()) return fail(issue, key, "expected a number, got " + type_of(value));
    return set_eur_rate(value.get<double>(), value.dump(), out, issue);
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
    std::vector<std::string> items;
    for (const auto& item : value) {
      if (!item.is_string()) return fail(issue, key, "expected an array of strings, got an element of type " + type_of(item));
      std::string v(trim(item.get_ref<const std::string&>()));
      if (!v.empty()) items.push_back(std::move(v));
    }
    *l = std::move(items);
    return true;
  }
  if (key == "translations") {
    if (!value.is_object()) return fail(issue, key, "expected an object keyed by fi, sv or en, got " + type_of(value));
    std::map<std::string, Translation> all;
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
        *dst = std::string(trim(v.get_ref<const std::string&>()));
      }
      all[lang] = std::move(t);
    }
    out->translations = std::move(all);
    return true;
  }
  return true;
}

bool set_field_text(std::string_view key, const std::string& text, Project* out, FieldIssue* issue) {
  std::string_view t = trim(text);
  if (std::string* s = text_member(*out, key)) {
    *s = key == "fund" ? canonical_fund(t) : std::string(t);
    return true;
  }
  if (key == "lang") return set_lang(t, out, issue);
  if (key == "status") return set_status(t, out, issue);
  if (key == "currency") return set_currency(t, out, issue);
  if (t.empty()) return true;
  if (std::string* d = date_member(*out, key)) return set_date_text(key, text, d, issue);
  if (auto* m = money_member(*out, key)) return set_money_text(key, text, m, issue);
  if (key == "cofinancing_rate") return set_rate_text(text, out, issue);
  if (key == "eur_rate") {
    std::string v(t);
    std::replace(v.begin(), v.end(), ',', '.');
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end) return fail(issue, key, "not a number: " + quote_value(text));
    return set_eur_rate(d, quote_value(text), out, issue);
  }
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
  bool is_title = false;
  if (auto lang = translation_key(key, &is_title)) {
    Translation& tr = out->translations[*lang];
    (is_title ? tr.title : tr.description) = std::string(t);
    return true;
  }
  return fail(issue, key, "not a record field");
}

void clear_field(std::string_view key, Project* p) {
  if (std::string* s = text_member(*p, key)) s->clear();
  else if (std::string* d = date_member(*p, key)) d->clear();
  else if (auto* m = money_member(*p, key)) m->reset();
  else if (auto* l = list_member(*p, key)) l->clear();
  else if (key == "lang") p->lang.clear();
  else if (key == "status") p->status.clear();
  else if (key == "currency") p->currency.clear();
  else if (key == "cofinancing_rate") p->cofinancing_rate.reset();
  else if (key == "eur_rate") p->eur_rate.reset();
  else if (key == "translations") p->translations.clear();
  else {
    bool is_title = false;
    if (auto lang = translation_key(key, &is_title)) {
      auto it = p->translations.find(*lang);
      if (it != p->translations.end()) {
        (is_title ? it->second.title : it->second.description).clear();
        if (it->second.title.empty() && it->second.description.empty()) p->translations.erase(it);
      }
    }
  }
}

void check_record(Project* p, size_t max_field_bytes, std::vector<FieldIssue>* errors,
                  std::vector<FieldIssue>* warnings) {
  auto longer = [&](size_t size) {
    return "longer than " + std::to_string(max_field_bytes) + " bytes (" + std::to_string(size) + ")";
  };
  auto drop = [&](std::string field, std::string reason) {
    warnings->push_back({std::move(field), std::move(reason) + " (dropped)"});
  };
  if (p->id.empty()) {
    errors->push_back({"id", "missing"});
  } else if (p->id.size() > kMaxIdBytes) {
    errors->push_back({"id", "longer than " + std::to_string(kMaxIdBytes) + " bytes (" + std::to_string(p->id.size()) +
                                 "), the most an index term can hold"});
  }
  if (p->title.empty()) errors->push_back({"title", "missing"});
  else if (p->title.size() > max_field_bytes) errors->push_back({"title", longer(p->title.size())});
  for (auto key : record_keys()) {
    if (key == "id" || key == "title") continue;
    if (std::string* s = text_member(*p, key); s && s->size() > max_field_bytes) {
      drop(std::string(key), longer(s->size()));
      s->clear();
    }
  }
  for (auto it = p->translations.begin(); it != p->translations.end();) {
    for (auto [name, text] : {std::pair{"title", &it->second.title}, std::pair{"description", &it->second.description}}) {
      if (text->size() > max_field_bytes) {
        drop("translations." + it->first + "." + name, longer(text->size()));
        text->clear();
      }
    }
    it = it->second.title.empty() && it->second.description.empty() ? p->translations.erase(it) : std::next(it);
  }
  for (auto* list : {&p->places, &p->themes}) {
    const char* name = list == &p->places ? "places" : "themes";
    for (auto it = list->begin(); it != list->end();) {
      if (it->size() > max_field_bytes) {
        drop(name, longer(it->size()));
        it = list->erase(it);
      } else {
        ++it;
      }
    }
  }
  if (!p->start_date.empty() && !p->end_date.empty() && p->end_date < p->start_date) {
    drop("end_date", p->end_date + " is before start_date " + p->start_date + "; both dates");
    p->start_date.clear();
    p->end_date.clear();
  }
  // Amounts in euros need no currency of their own.
  if (p->currency == "EUR") {
    if (!p->total_budget_eur) p->total_budget_eur = p->total_budget;
    if (!p->eu_contribution_eur) p->eu_contribution_eur = p->eu_contribution;
    p->currency.clear();
    p->total_budget.reset();
    p->eu_contribution.reset();
    p->eur_rate.reset();
    p->eur_rate_date.clear();
  }
  if (p->currency.empty()) {
    for (auto [name, amount] : {std::pair{"total_budget", &p->total_budget}, std::pair{"eu_contribution", &p->eu_contribution}}) {
      if (*amount) {
        drop(name, "an amount without a currency");
        amount->reset();
      }
    }
    if (p->eur_rate || !p->eur_rate_date.empty()) {
      drop("eur_rate", "a rate without a currency");
      p->eur_rate.reset();
      p->eur_rate_date.clear();
    }
  }
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
  text("status", p.status);
  number("total_budget_eur", p.total_budget_eur);
  number("eu_contribution_eur", p.eu_contribution_eur);
  number("cofinancing_rate", p.cofinancing_rate);
  text("currency", p.currency);
  number("total_budget", p.total_budget);
  number("eu_contribution", p.eu_contribution);
  number("eur_rate", p.eur_rate);
  text("eur_rate_date", p.eur_rate_date);
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
