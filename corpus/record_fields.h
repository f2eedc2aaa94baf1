#pragma once
// Field-by-field conversion of source values into a Project, shared by project_from_json, the JSON Lines
// reader and the CSV reader, so every input path accepts the same formats. Pure functions: thread-safe.
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

// Sets one field from a JSON value (strings in the seed formats are parsed: money, dates, "50%").
// Unknown keys are appended to *unknown (when not null) and otherwise ignored. False on a type or
// format problem, described in *issue.
bool set_field_json(std::string_view key, const nlohmann::json& value, Project* out, FieldIssue* issue,
                    std::vector<std::string>* unknown);
// Sets one field from CSV text. Keys are record keys or "title_fi", "description_sv", ... for
// translations; lists are split on '|' or ';'. Empty text leaves the field unset.
bool set_field_text(std::string_view key, const std::string& text, Project* out, FieldIssue* issue);
// Checks what no single field can: required id and title, lang, date order, field lengths.
bool validate_record(const Project& p, size_t max_field_bytes, FieldIssue* issue);

}  // namespace haku::detail
