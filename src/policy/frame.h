#pragma once
// A Frame holds the facts of one evaluation run as columns: one table of
// persons, one of households (with the facts of each household's village),
// the person -> household link, and the scalars of the run (year, reference
// date, year parameters). Columns are keyed by catalogue field name
// ("person.school_stage", "household.attribute", "area.poor_village").
//
// It is filled from bulk reads: one `SELECT ... FROM persons JOIN
// memberships LEFT JOIN person_years ...` ordered any way, appending one value
// per column per row, and likewise for households; a NULL is appended as the
// field's `absent` value from the catalogue (the language has no null).
//
// Storage per type: int and date -> int64 (dates as yyyymmdd, see DateKey),
// bool -> uint8, string -> int32 codes into a per-column dictionary.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "policy/catalogue.h"

namespace fupin::policy {

int64_t DateKey(const Date& date);
// yyyymmdd -> "YYYY-MM-DD".
std::string FormatDateKey(int64_t key);

class Column {
 public:
  explicit Column(Type type) : type_(type) {}

  Type type() const { return type_; }
  size_t size() const;

  // Appending a value of the wrong type throws fupin::Error (internal).
  void AppendInt(int64_t value);
  void AppendDate(const Date& date);
  void AppendBool(bool value);
  void AppendString(std::string_view value);
  void Reserve(size_t rows);

  const std::vector<int64_t>& ints() const { return ints_; }    // kInt, kDate
  const std::vector<uint8_t>& bools() const { return bools_; }  // kBool
  const std::vector<int32_t>& codes() const { return codes_; }  // kString
  const std::vector<std::string>& dictionary() const { return dictionary_; }
  // Mutable access for bulk fills (kInt/kDate, kBool).
  std::vector<int64_t>& mutable_ints() { return ints_; }
  std::vector<uint8_t>& mutable_bools() { return bools_; }
  // Reorders the rows: row i becomes what row order[i] was. `order` is a
  // permutation of the rows, or of some of them (the others are dropped).
  void Permute(const std::vector<uint32_t>& order);
  // The code of a string, -1 when no row holds it.
  int32_t CodeOf(std::string_view value) const;
  // The value of one row as text ("9", "true", "2020-09-01", "senior").
  std::string ValueText(size_t row) const;

 private:
  void Require(Type want) const;
  // The code of `value` in the dictionary, added if new (`hash` is Hash(value)).
  int32_t Intern(std::string_view value, uint64_t hash);
  // The slot of `value` in index_: the one holding its code, or the empty one where it would go.
  size_t Slot(std::string_view value, uint64_t hash) const;
  static uint64_t Hash(std::string_view value);

  Type type_;
  std::vector<int64_t> ints_;
  std::vector<uint8_t> bools_;
  std::vector<int32_t> codes_;
  std::vector<std::string> dictionary_;
  // The dictionary's hash table (open addressing, linear probing, at most half full, a power of
  // two long): per slot the hash's upper 32 bits << 32 | code + 1, 0 for an empty slot. Codes,
  // not strings: a fill appends up to a million distinct values (household numbers), and a
  // string per value twice (dictionary and key) was a third of the households' read.
  std::vector<uint64_t> index_;
};

class Table {
 public:
  // Adds an empty column; throws fupin::Error (invalid argument) if the
  // name is taken.
  Column& Add(const std::string& name, Type type);
  // nullptr when absent.
  const Column* Find(std::string_view name) const;
  Column* Find(std::string_view name);
  const std::map<std::string, Column, std::less<>>& columns() const { return columns_; }
  // Reorders the rows of every column (Column::Permute).
  void Permute(const std::vector<uint32_t>& order);

  size_t rows() const { return rows_; }
  void set_rows(size_t rows) { rows_ = rows; }

 private:
  std::map<std::string, Column, std::less<>> columns_;
  size_t rows_ = 0;
};

class Frame {
 public:
  Table& persons() { return persons_; }
  const Table& persons() const { return persons_; }
  Table& households() { return households_; }
  const Table& households() const { return households_; }

  // For each person row, the households-table row of their household.
  // persons().rows() is taken to be its size by Validate().
  std::vector<int32_t>& person_household() { return person_household_; }
  const std::vector<int32_t>& person_household() const { return person_household_; }

  void SetScalar(const std::string& name, int64_t value) { scalars_[name] = value; }
  void SetScalarDate(const std::string& name, const Date& date) { scalars_[name] = DateKey(date); }
  std::optional<int64_t> Scalar(std::string_view name) const;

  // Sets persons().rows() from person_household(), then checks that every
  // column has its table's row count and every link names a household row.
  // Throws fupin::Error (invalid argument) naming the column or row.
  void Validate();
  // The same checks without changing anything.
  void CheckValid() const;

 private:
  Table persons_;
  Table households_;
  std::vector<int32_t> person_household_;
  std::map<std::string, int64_t, std::less<>> scalars_;
};

}  // namespace fupin::policy
