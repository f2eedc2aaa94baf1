#pragma once
// The values that differ between registers and languages but mean the same thing: EU funds (EAKR =
// ERDF = ERUF) and project status (Toiminnassa = ongoing), each reduced to one canonical value with a
// label per interface language. The fund table is corpus/data/funds.tsv (derived from Kohesio's
// interface strings by scripts/derive-fund-labels), compiled in. Immutable tables: thread-safe.
#include <string>
#include <string_view>
#include <vector>

namespace haku {

// The canonical code of a fund written any way the table knows ("EAKR", "Eruf", "European Regional
// Development Fund", "euroopan aluekehitysrahasto" -> "ERDF"); any letter case, spaces collapsed.
// A fund the table does not know comes back trimmed, as written ("Interreg Europe").
std::string canonical_fund(std::string_view text);
// Whether the table knows `code` as a canonical code.
bool is_known_fund(std::string_view code);
// The short label of a canonical fund code for an interface language "fi" | "sv" | "en": the
// abbreviation in that language ("EAKR", "ERUF", "ERDF"), else its name, else the English one.
// Empty for a code the table does not know.
std::string fund_label(std::string_view code, std::string_view lang);
// The fund's full name in that language (English when the table has none); empty when unknown.
std::string fund_name(std::string_view code, std::string_view lang);
// Every canonical fund code, in table order.
std::vector<std::string> fund_codes();

// Project status: "ongoing", "closed" or "discontinued".
inline constexpr std::string_view kStatusOngoing = "ongoing";
inline constexpr std::string_view kStatusClosed = "closed";
inline constexpr std::string_view kStatusDiscontinued = "discontinued";
// The canonical status for a register's wording ("Toiminnassa", "Toiminta päättynyt", "Keskeytynyt",
// "Pågående", "Avslutat", "ongoing", ...); empty when the text is not a status the table knows.
std::string canonical_status(std::string_view text);
// The label of a canonical status for "fi" | "sv" | "en" ("Toiminnassa", "Pågående", "Ongoing");
// empty for an unknown value.
std::string status_label(std::string_view status, std::string_view lang);

}  // namespace haku
