#pragma once
// The index schema, defined once: term prefixes, value slots, facet definitions and the mapping from
// analysed words to Xapian terms. Used by the IndexWriter and the Searcher alike; documented in
// api/README.md. Stateless functions and constants (thread-safe).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "corpus/project.h"
#include "stemmers/analyzer.h"

namespace haku::schema {

// 2: value slot kSlotContentHash (incremental builds compare it with the source's records).
inline constexpr int kSchemaVersion = 2;

// Term prefixes. Free-text terms: a prefix of upper-case letters, then a normalised (lower-case) word.
inline constexpr std::string_view kId = "Q";          // Q<id>: unique id term (id as given)
// Xapian's limit on a term's length: the readers reject longer ids (corpus/project.h kMaxIdBytes), so
// every record's id term fits.
inline constexpr size_t kMaxTermBytes = 245;
static_assert(kId.size() + kMaxIdBytes <= kMaxTermBytes, "an id term must fit Xapian's term limit");
inline constexpr std::string_view kTitle = "S";       // title words (surface), for title:word
inline constexpr std::string_view kFolded = "F";      // diacritics-folded surface (yrkeshogskola)
inline constexpr std::string_view kImplementer = "XI";  // implementer words, for implementer:word
inline constexpr std::string_view kPlace = "XP";      // place words, for place:word
inline constexpr std::string_view kTheme = "XH";      // theme words, for theme:word
inline constexpr std::string_view kTitleSuggest = "XST";       // XST<normalised title>
inline constexpr std::string_view kImplementerSuggest = "XSI";  // XSI<normalised implementer>
// Derived terms: <kind><lang> + text, e.g. "ZSrasism" (sv stem), "LFammattikorkeakoulu" (fi lemma),
// "PFkoulu" (fi compound part).
std::string derived_prefix(TermKind kind, Lang lang);
std::string derived_term(TermKind kind, Lang lang, std::string_view text);

// Value slots.
enum Slot : unsigned {
  kSlotStart = 0,       // "YYYYMMDD" (sorts as a string)
  kSlotEnd = 1,         // "YYYYMMDD"
  kSlotBudget = 2,      // Xapian::sortable_serialise(total_budget_eur)
  kSlotEu = 3,          // Xapian::sortable_serialise(eu_contribution_eur)
  kSlotContentHash = 4,  // content_hash() of the record as read, before analysis (16 hex digits)
  kSlotFacetBase = 10,  // kSlotFacetBase + facet index: display values joined by kFacetSeparator
};
inline constexpr char kFacetSeparator = '\x1f';

// Facets: name, boolean filter term prefix, whether a record can have several values.
struct FacetSpec {
  std::string name;
  std::string prefix;  // boolean term: prefix + normalize(value), e.g. "XFU:amif"
  bool multi;
};
const std::vector<FacetSpec>& facets();
const FacetSpec* find_facet(std::string_view name);
unsigned facet_slot(const FacetSpec& spec);
// The display values of a facet for a record (year from start_date, budget band from total budget,
// "und" language when unknown).
std::vector<std::string> facet_values(const FacetSpec& spec, const Project& p);
// The boolean term of a facet value. Fund and status values are reduced to their canonical value first
// (corpus/vocabulary.h), so fund:EAKR, fund:ERUF and fund:ERDF are one filter.
std::string facet_term(const FacetSpec& spec, std::string_view value);
// How a facet value is shown in an interface language "fi" | "sv" | "en": a fund's abbreviation in
// that language (ERDF -> "EAKR" in Finnish, "ERUF" in Swedish), a status's wording; empty when the
// value is shown as it is.
std::string facet_label(const FacetSpec& spec, std::string_view value, std::string_view ui_lang);
// The interface language labels are chosen by: ui_lang when given, else the query language when it
// names one, else English.
std::string label_language(std::string_view ui_lang, std::string_view query_lang);
std::string budget_band(double eur);

// Weights: within-document frequency increments for the kinds of term, so the surface word ranks above
// its stem, lemma and parts, and title words above description words.
inline constexpr unsigned kWdfSurface = 4;
inline constexpr unsigned kWdfStem = 2;
inline constexpr unsigned kWdfLemma = 2;
inline constexpr unsigned kWdfPart = 1;
inline constexpr unsigned kWdfFolded = 1;
inline constexpr unsigned kTitleBoost = 3;  // multiplies the title's increments
// What one occurrence of a word adds to the within-document frequency of that word's synonym group at
// query time (api/query_builder.h) when the record has the word as typed: its surface form, stem and
// lemma. BM25's k1 is scaled by it (api/ranking.h).
inline constexpr unsigned kWdfPerOccurrence = kWdfSurface + kWdfStem + kWdfLemma;

// The record's content hash: 64-bit FNV-1a of its canonical JSON (project_to_json) as the source gave it,
// before language detection fills in `lang`; 16 lower-case hex digits. An incremental build reindexes a
// record when its hash differs from the published one's.
std::string content_hash(const Project& p);

// "2021-11-01" -> "20211101"; "" when not an ISO date.
std::string date_key(std::string_view iso);

// Metadata keys stored in each generation.
inline constexpr std::string_view kMetaSchema = "haku.schema";
inline constexpr std::string_view kMetaFeatures = "haku.features";
inline constexpr std::string_view kMetaNotes = "haku.notes";
inline constexpr std::string_view kMetaFullAnalysis = "haku.full_analysis";
// 32 hex digits: the key cursors of this generation are signed with (api/cursor.h).
inline constexpr std::string_view kMetaCursorSecret = "haku.cursor_secret";

}  // namespace haku::schema
