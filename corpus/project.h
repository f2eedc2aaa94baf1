#pragma once
// The funded-project record: the unit of search, defined once and shared by the corpus readers, the
// indexer, the engine, the CLI and the HTTP API. A plain value type (thread-compatible).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace haku {

// The longest id the index can hold: its unique-id term is "Q" + id, and Xapian terms are at most 245
// bytes (api/schema.h checks the two agree).
inline constexpr size_t kMaxIdBytes = 244;

struct Translation {
  std::string title;
  std::string description;

  bool operator==(const Translation&) const = default;
};

struct Project {
  std::string id;           // stable, unique, required
  std::string title;        // required
  std::string description;
  std::string lang;         // "fi" | "sv" | "en"; empty = detect from the text
  std::map<std::string, Translation> translations;  // keyed by "fi" | "sv" | "en"
  std::string fund;         // ESF, ERDF, AMIF, Interreg Europe, TSI, ...
  std::string programme;
  std::string programming_period;  // e.g. "2014-2020"
  std::string managing_authority;
  std::string implementer;
  std::string implementer_type;
  std::string start_date;   // ISO yyyy-mm-dd or empty
  std::string end_date;     // ISO yyyy-mm-dd or empty
  std::string status;       // "ongoing" | "closed" | "discontinued" (corpus/vocabulary.h); empty = not stated
  std::optional<double> total_budget_eur;     // euros: the source's own, or converted at eur_rate
  std::optional<double> eu_contribution_eur;
  std::optional<double> cofinancing_rate;  // 0..1 (a percentage in the source is divided by 100)
  // Amounts a source gives in another currency keep it: ISO 4217 code and the amounts as stated. The
  // *_eur amounts are set from them only through a dated rate the source's mapping states.
  std::string currency;
  std::optional<double> total_budget;
  std::optional<double> eu_contribution;
  std::optional<double> eur_rate;  // euros per unit of `currency` used for the *_eur amounts
  std::string eur_rate_date;       // ISO date of that rate
  std::string country;      // ISO 3166-1 alpha-2, e.g. "FI"
  std::string region_code;  // NUTS code
  std::string region_name;
  std::vector<std::string> places;
  std::vector<std::string> themes;
  std::string source_url;
  std::string source_name;

  bool operator==(const Project&) const = default;
};

// Compact JSON (the canonical JSON Lines form): empty strings, empty arrays and absent numbers omitted.
std::string project_to_json(const Project& p);
// Parses what project_to_json wrote (no validation beyond types; readers validate input files).
// Returns false and sets *error on malformed input.
bool project_from_json(const std::string& json, Project* out, std::string* error);

}  // namespace haku
