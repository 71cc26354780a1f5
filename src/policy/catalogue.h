#pragma once
// The field catalogue: every fact a policy expression may read, with its type,
// the entity it belongs to, where the registry keeps it and what it reads as
// when the registry has no value. The catalogue is the contract between the
// policy language (which checks expressions against it) and whoever fills a
// Frame from the database (which must supply one column per stored field).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::policy {

// Dates are held as the integer yyyymmdd (2020-09-01 -> 20200901): ordered
// like dates, and completed years from a to b are (b - a) / 10000.
int64_t DateKey(int year, int month, int day);

// Value types of the language. Money is kInt (fen); dates are kDate.
enum class Type { kInt, kBool, kString, kDate };
// "int", "bool", "string", "date".
const char* TypeName(Type type);

// Which row a field's value comes from.
//  kPerson    one value per person (persons, person_years).
//  kHousehold one value per household (households, household_years, events).
//  kArea      one value per household, taken from the household's village
//             (area_years); stored in the households table of a Frame.
//  kScalar    one value for the whole run (the year, the reference date and
//             the year parameters such as the poverty line).
enum class Entity { kPerson, kHousehold, kArea, kScalar };
const char* EntityName(Entity entity);

// One allowed value of a string field: its stored name and Chinese label (a copy
// of a registry::CodeTerm or a fixed list; closed sets are core Term tables).
struct FieldValue {
  std::string name;
  std::string label_zh;
};

struct Field {
  std::string name;      // as written in expressions: "person.school_stage"
  Type type = Type::kInt;
  Entity entity = Entity::kPerson;
  std::string label_zh;  // 在读学段
  std::string unit;      // "fen", "years", "0.01 mu", "" (shown in explanations)
  // Where the value comes from: "person_years.school_stage", or
  // "derived" for computed fields, or "optional fact" for facts the
  // registry schema does not hold yet.
  std::string source;
  // What the field reads as when the registry has no value (NULL or no
  // row): "" for strings, 0, false, or a date such as 9999-12-31. The Frame
  // filler applies it; the language has no null.
  std::string absent;
  std::vector<FieldValue> values;  // allowed values of a string field; empty: free text
  // For derived fields, the expression that computes it from other fields
  // ("age_on(person.birth_date, ref_date)"); empty for stored fields.
  std::string derived;
  bool optional_fact = false;  // not yet a column of the registry schema
  std::string description;

  bool IsDerived() const { return !derived.empty(); }
  // The Chinese label of a string value, or the value itself if unknown.
  std::string_view ValueLabel(std::string_view value) const;
};

class Catalogue {
 public:
  // Adds a field; throws fupin::Error (invalid argument) on a duplicate name.
  void Add(Field field);
  // nullptr when there is no such field.
  const Field* Find(std::string_view name) const;
  const std::vector<Field>& fields() const { return fields_; }
  // The closest field name to a misspelled one (for "did you mean"), or "".
  std::string Suggest(std::string_view name) const;

  // The catalogue of the registry schema (migrations 100-101 of registry)
  // plus the derived fields and the optional facts that shipped policies read.
  static const Catalogue& Default();

 private:
  std::vector<Field> fields_;
};

}  // namespace fupin::policy
