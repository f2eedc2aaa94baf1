#pragma once
// Cross-lingual translation table (fi / sv / en), compiled at build time from FreeDict's dictd files and
// Finland's bilingual place names (haku-dict-compile), and the dictd reading that compiler uses.
// A loaded TranslationTable is immutable: concurrent lookups are thread-safe, so one shared instance
// (std::shared_ptr<const TranslationTable>) serves every search thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stemmers/analyzer.h"

namespace haku {

// One translation of a word.
struct TranslatedTerm {
  Lang to = Lang::fi;
  std::string text;     // normalised (haku::normalize); several words separated by single spaces
  bool phrase = false;  // more than one word: match as a phrase
  bool place = false;   // the other official name of a place (Turku / Åbo), an exact equivalent
  bool operator==(const TranslatedTerm&) const = default;
};

// Table file layout (all integers little-endian):
//   "HAKUTRN1"                      8 bytes
//   u32 entry count, u32 blob size
//   u32 offset[count]               into the blob, records sorted by (source language, key bytes)
//   blob: records of
//     u8 source language, u8 key length, key bytes, u8 translation count,
//     per translation: u8 flags (bits 0-1 target language, bit 2 phrase, bit 3 place), u8 length, text
class TranslationTable {
 public:
  // Reads and validates a table file; nullptr and `*error` set when it is missing or malformed.
  static std::unique_ptr<TranslationTable> load(const std::string& path, std::string* error);
  // The same from bytes already in memory (tests, embedded tables).
  static std::unique_ptr<TranslationTable> from_bytes(std::string bytes, std::string* error);

  // Translations of one normalised word from `from` into the other languages, in the table's order
  // (best first); empty when the word is unknown.
  std::vector<TranslatedTerm> lookup(Lang from, std::string_view normalized_word) const;
  bool contains(Lang from, std::string_view normalized_word) const;

  size_t entries() const { return count_; }
  size_t size_bytes() const { return data_.size(); }

 private:
  TranslationTable() = default;
  std::string_view record(uint32_t i) const;
  int64_t find(Lang from, std::string_view key) const;  // record index, -1 when absent

  std::string data_;
  uint32_t count_ = 0;
  size_t blob_begin_ = 0;
};

// One source word and its translations, for writing a table.
struct TranslationEntry {
  Lang from = Lang::fi;
  std::string key;  // normalised, at most 255 bytes
  std::vector<TranslatedTerm> terms;  // at most 255, each text at most 255 bytes
};
// The table file's bytes; entries are sorted here; duplicate keys are merged (first terms first).
std::string serialize_translations(std::vector<TranslationEntry> entries);

// dictd dictionaries (FreeDict): an .index of "headword TAB offset TAB length" (numbers in dictd's
// base64, A-Za-z0-9+/) and a .dict(.dz) holding the entries' text.
struct DictdEntry {
  std::string headword;  // as written in the index
  std::string text;      // the entry's text (headword line first)
};
// dictd's base64 number; -1 on a character outside the alphabet or overflow.
int64_t decode_dictd_number(std::string_view digits);
// Reads every entry of a dictionary (the .dict.dz is inflated whole; plain .dict files work too).
// Metadata entries (headwords "00databaseshort", "00databaseinfo" ...) are included.
bool read_dictd(const std::string& index_path, const std::string& dict_path, std::vector<DictdEntry>* out,
                std::string* error);
// The translations of one entry, normalised, in dictionary order, without pronunciation, grammar
// labels, parenthesised notes, affixes or junk. `glossed`: each sense is a line of translations
// followed by lines of source-language definitions (the WikDict-based FreeDict dictionaries);
// otherwise every line after the headword holds translations (the older Ergane-based ones).
std::vector<std::string> parse_dictd_translations(std::string_view entry_text, bool glossed);

}  // namespace haku
