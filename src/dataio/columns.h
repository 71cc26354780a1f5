#pragma once
// The columns of the import templates as data: one ColumnSpec per column,
// with its Chinese header, the English key (also accepted as a header), other
// accepted headers, what kind of value it holds, whether it is required, and
// the registry column it fills. Adding a column to a template is adding one
// row to a table in columns.cc (and, for a registry column that is not there
// yet, the column itself in that module's migration): the template writer,
// the header matcher, the value checks and the set-based writer all read
// these tables.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dataio/sheet.h"
#include "registry/vocab.h"
#include "store/database.h"

namespace fupin::dataio {

enum class TemplateKind { kPersons, kHouseholdYears };
const char* TemplateKindName(TemplateKind kind);  // "persons", "household-years"
std::optional<TemplateKind> ParseTemplateKind(std::string_view text);

// Which record a column belongs to; decides the table it is written to.
enum class Level {
  kHousehold,      // households (repeated on every person row; must agree)
  kPerson,         // persons
  kMembership,     // the person's open membership (relation, start date)
  kPersonYear,     // person_years, for the year in the 年度 column
  kHouseholdYear,  // household_years
  kKey,            // a key that names the record (household number, ID number, year)
};

enum class ValueType {
  kText,      // trimmed text, at most max_length characters
  kInteger,   // whole number in [min, max]
  kYuan,      // amount in yuan with at most two decimals, not negative; stored in fen
  kMu,        // land area in mu with at most two decimals, not negative; stored in 0.01 mu
  kBool,      // 是/否, 1/0, Y/N, TRUE/FALSE
  kTerm,      // one vocabulary term (English name or Chinese label); stored as the name
  kTerms,     // several terms separated by , ， 、 or ; ; stored as names joined by ','
  kDate,      // YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or a spreadsheet date cell
  kIdNumber,  // GB 11643 ID number, must be a text cell
  kAreaCode,  // 12-digit village code
  kPhone,     // digits, '-', '+', spaces; 7-20 characters
};

struct ColumnSpec {
  std::string_view key;        // English name: the registry column or the key's name
  std::string_view header_zh;  // header in the template
  std::vector<std::string_view> aliases;  // other headers accepted (Chinese variants)
  Level level = Level::kPerson;
  ValueType type = ValueType::kText;
  bool required = false;
  std::span<const registry::CodeTerm> (*terms)() = nullptr;  // kTerm / kTerms
  // The registry column written (in the level's table); "" for columns the
  // importer handles itself (keys, members, identified_year's event).
  std::string_view db_column;
  // Value stored for a new record when the cell is empty (nullptr: NULL).
  store::Value default_value = nullptr;
  int64_t min = 0, max = 0;   // kInteger
  size_t max_length = 200;    // kText
  std::string_view note_zh;   // what to write, for the template's notes sheet and the docs
};

// The standard person template (one row per person, household columns
// repeated) and the household-years template.
const std::vector<ColumnSpec>& PersonColumns();
const std::vector<ColumnSpec>& HouseholdYearColumns();
const std::vector<ColumnSpec>& Columns(TemplateKind kind);

// Index of the column with this key; throws Internal if there is none.
size_t ColumnIndex(const std::vector<ColumnSpec>& columns, std::string_view key);

// NormalizeHeader: dataio/sheet.h.

// The header shown in templates and messages: the Chinese header, with "（元）"
// for amounts and a '*' for required columns.
std::string TemplateHeader(const ColumnSpec& spec);

// "是/否" or the Chinese labels of the terms, for notes and drop-downs.
std::string AllowedValues(const ColumnSpec& spec);

}  // namespace fupin::dataio
