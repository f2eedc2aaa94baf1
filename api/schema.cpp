// The index schema: prefixes, slots and facet values (see schema.h and api/README.md).
#include "api/schema.h"

#include <cctype>
#include <cstdio>

#include "corpus/vocabulary.h"

namespace haku::schema {

std::string derived_prefix(TermKind kind, Lang lang) {
  std::string p;
  switch (kind) {
    case TermKind::stem: p = "Z"; break;
    case TermKind::lemma: p = "L"; break;
    case TermKind::part: p = "P"; break;
  }
  switch (lang) {
    case Lang::fi: p += 'F'; break;
    case Lang::sv: p += 'S'; break;
    case Lang::en: p += 'E'; break;
  }
  return p;
}

std::string derived_term(TermKind kind, Lang lang, std::string_view text) {
  std::string t = derived_prefix(kind, lang);
  t.append(text);
  return t;
}

const std::vector<FacetSpec>& facets() {
  static const std::vector<FacetSpec> kFacets = {
      {"fund", "XFU:", false},        {"programme", "XPR:", false},
      {"period", "XPE:", false},      {"country", "XCO:", false},
      {"region", "XRE:", false},      {"places", "XPL:", true},
      {"implementer", "XIM:", false}, {"implementer_type", "XIT:", false},
      {"lang", "XLA:", false},        {"themes", "XTH:", true},
      {"year", "XYE:", false},        {"budget_band", "XBB:", false},
      {"status", "XSA:", false},
  };
  return kFacets;
}

const FacetSpec* find_facet(std::string_view name) {
  for (const auto& f : facets())
    if (f.name == name) return &f;
  return nullptr;
}

unsigned facet_slot(const FacetSpec& spec) {
  return kSlotFacetBase + static_cast<unsigned>(&spec - facets().data());
}

std::string budget_band(double eur) {
  if (eur < 100'000) return "0-100k";
  if (eur < 500'000) return "100k-500k";
  if (eur < 1'000'000) return "500k-1M";
  if (eur < 5'000'000) return "1M-5M";
  return "5M+";
}

std::vector<std::string> facet_values(const FacetSpec& spec, const Project& p) {
  auto one = [](const std::string& v) {
    return v.empty() ? std::vector<std::string>{} : std::vector<std::string>{v};
  };
  const std::string& n = spec.name;
  if (n == "fund") return one(p.fund);
  if (n == "programme") return one(p.programme);
  if (n == "period") return one(p.programming_period);
  if (n == "country") return one(p.country);
  if (n == "region") return one(p.region_name.empty() ? p.region_code : p.region_name);
  if (n == "places") return p.places;
  if (n == "implementer") return one(p.implementer);
  if (n == "implementer_type") return one(p.implementer_type);
  if (n == "lang") return one(p.lang.empty() ? std::string("und") : p.lang);
  if (n == "themes") return p.themes;
  if (n == "year") return p.start_date.size() >= 4 ? one(p.start_date.substr(0, 4)) : std::vector<std::string>{};
  if (n == "budget_band")
    return p.total_budget_eur ? one(budget_band(*p.total_budget_eur)) : std::vector<std::string>{};
  if (n == "status") return one(p.status);
  return {};
}

std::string facet_term(const FacetSpec& spec, std::string_view value) {
  std::string t = spec.prefix;
  if (spec.name == "fund") {
    t += normalize(canonical_fund(value));
  } else if (std::string status = spec.name == "status" ? canonical_status(value) : ""; !status.empty()) {
    t += status;
  } else {
    t += normalize(value);
  }
  if (t.size() > 240) t.resize(240);  // Xapian's term length limit is 245 bytes
  return t;
}

std::string facet_label(const FacetSpec& spec, std::string_view value, std::string_view ui_lang) {
  if (spec.name == "fund") return fund_label(value, ui_lang);
  if (spec.name == "status") return status_label(value, ui_lang);
  return {};
}

std::string label_language(std::string_view ui_lang, std::string_view query_lang) {
  for (std::string_view l : {ui_lang, query_lang})
    if (l == "fi" || l == "sv" || l == "en") return std::string(l);
  return "en";
}

std::string content_hash(const Project& p) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : project_to_json(p)) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string date_key(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return {};
  std::string k;
  for (char c : iso) {
    if (c == '-') continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) return {};
    k += c;
  }
  return k;
}

}  // namespace haku::schema
