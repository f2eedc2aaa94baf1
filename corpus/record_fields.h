#pragma once
// Field-by-field conversion of source values into a Project, shared by project_from_json, the JSON Lines
// and JSON readers, the CSV reader and the mappings, so every input path accepts the same formats and
// reports problems the same way. Pure functions: thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus/project.h"

namespace haku::detail {

struct FieldIssue {
  std::string field;
  std::string reason;
};

// The record's JSON keys in the order of the struct.
const std::vector<std::string_view>& record_keys();
bool is_record_key(std::string_view key);
// id and title: a record without them (or with a bad one) is rejected; any other bad value is dropped
// with a warning.
bool is_required_key(std::string_view key);
// Record keys and the CSV spellings of translations ("title_fi", "description_sv").
bool is_text_target(std::string_view key);

// Sets one field from a JSON value (strings in the seed formats are parsed: money, dates, "50%").
// Unknown keys are appended to *unknown (when not null) and otherwise ignored. False on a type or
// format problem, described in *issue; the field is then left as it was.
bool set_field_json(std::string_view key, const nlohmann::json& value, Project* out, FieldIssue* issue,
                    std::vector<std::string>* unknown);
// Sets one field from text. Keys are record keys or "title_fi", "description_sv", ... for
// translations; lists are split on '|' or ';'. Empty text leaves the field unset.
bool set_field_text(std::string_view key, const std::string& text, Project* out, FieldIssue* issue);
// Unsets one field (a record key or a translation column).
void clear_field(std::string_view key, Project* p);
// Checks what no single field can: required id (at most kMaxIdBytes) and title, field lengths, date
// order, amounts and their currency. Problems that reject the record are appended to *errors; an
// optional value at fault is removed from *p and described in *warnings.
void check_record(Project* p, size_t max_field_bytes, std::vector<FieldIssue>* errors,
                  std::vector<FieldIssue>* warnings);
// The value as a user would recognise it in a message: quoted, cut after 60 bytes.
std::string quote_value(std::string_view s);

}  // namespace haku::detail
