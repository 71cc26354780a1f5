#include "policy/frame.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <utility>

#include "core/error.h"

namespace fupin::policy {

int64_t DateKey(int year, int month, int day) {
  return static_cast<int64_t>(year) * 10000 + month * 100 + day;
}

int64_t DateKey(const Date& date) { return DateKey(date.year, date.month, date.day); }

std::string FormatDateKey(int64_t key) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(key / 10000),
                static_cast<long long>(key / 100 % 100), static_cast<long long>(key % 100));
  return buf;
}

size_t Column::size() const {
  switch (type_) {
    case Type::kInt:
    case Type::kDate: return ints_.size();
    case Type::kBool: return bools_.size();
    case Type::kString: return codes_.size();
  }
  return 0;
}

void Column::Require(Type want) const {
  if (type_ != want) {
    throw Error::Internal(std::string("appending a ") + TypeName(want) + " to a " + TypeName(type_) + " column");
  }
}

void Column::AppendInt(int64_t value) {
  Require(Type::kInt);
  ints_.push_back(value);
}

void Column::AppendDate(const Date& date) {
  Require(Type::kDate);
  ints_.push_back(DateKey(date));
}

void Column::AppendBool(bool value) {
  Require(Type::kBool);
  bools_.push_back(value ? 1 : 0);
}

void Column::AppendString(std::string_view value) {
  Require(Type::kString);
  // Most columns hold a vocabulary of a few values: comparing with each is cheaper than hashing.
  constexpr size_t kScanned = 16;
  if (dictionary_.size() <= kScanned) {
    for (size_t code = 0; code < dictionary_.size(); ++code) {
      if (dictionary_[code] == value) {
        codes_.push_back(static_cast<int32_t>(code));
        return;
      }
    }
  }
  codes_.push_back(Intern(value, Hash(value)));
}

uint64_t Column::Hash(std::string_view value) { return std::hash<std::string_view>{}(value); }

size_t Column::Slot(std::string_view value, uint64_t hash) const {
  const size_t mask = index_.size() - 1;
  const uint64_t tag = hash >> 32 << 32;
  for (size_t slot = static_cast<size_t>(hash) & mask;; slot = (slot + 1) & mask) {
    const uint64_t entry = index_[slot];
    if (entry == 0) return slot;
    if ((entry >> 32 << 32) == tag && dictionary_[(entry & 0xffffffffU) - 1] == value) return slot;
  }
}

int32_t Column::Intern(std::string_view value, uint64_t hash) {
  if (!index_.empty()) {
    const uint64_t entry = index_[Slot(value, hash)];
    if (entry != 0) return static_cast<int32_t>((entry & 0xffffffffU) - 1);
  }
  const auto code = static_cast<int32_t>(dictionary_.size());
  dictionary_.emplace_back(value);
  if ((dictionary_.size()) * 2 > index_.size()) {
    // Grow and put every value back (rare: the table doubles).
    index_.assign(std::max<size_t>(64, index_.size() * 2), 0);
    for (size_t c = 0; c < dictionary_.size(); ++c) {
      const uint64_t h = Hash(dictionary_[c]);
      index_[Slot(dictionary_[c], h)] = (h >> 32 << 32) | (c + 1);
    }
  } else {
    index_[Slot(value, hash)] = (hash >> 32 << 32) | (static_cast<uint64_t>(code) + 1);
  }
  return code;
}

void Column::Reserve(size_t rows) {
  switch (type_) {
    case Type::kInt:
    case Type::kDate: ints_.reserve(rows); break;
    case Type::kBool: bools_.reserve(rows); break;
    case Type::kString: codes_.reserve(rows); break;
  }
}

namespace {

template <typename T>
void PermuteVector(std::vector<T>& v, const std::vector<uint32_t>& order) {
  std::vector<T> out;
  out.reserve(order.size());
  for (const uint32_t i : order) out.push_back(v[i]);
  v = std::move(out);
}

}  // namespace

void Column::Permute(const std::vector<uint32_t>& order) {
  if (order.size() > size()) throw Error::Internal("a column permuted by an order longer than it");
  switch (type_) {
    case Type::kInt:
    case Type::kDate: PermuteVector(ints_, order); break;
    case Type::kBool: PermuteVector(bools_, order); break;
    case Type::kString: PermuteVector(codes_, order); break;
  }
}

int32_t Column::CodeOf(std::string_view value) const {
  if (index_.empty()) return -1;
  const uint64_t entry = index_[Slot(value, Hash(value))];
  return entry == 0 ? -1 : static_cast<int32_t>((entry & 0xffffffffU) - 1);
}

std::string Column::ValueText(size_t row) const {
  switch (type_) {
    case Type::kInt: return std::to_string(ints_.at(row));
    case Type::kDate: return FormatDateKey(ints_.at(row));
    case Type::kBool: return bools_.at(row) != 0 ? "true" : "false";
    case Type::kString: return dictionary_.at(static_cast<size_t>(codes_.at(row)));
  }
  return "";
}

Column& Table::Add(const std::string& name, Type type) {
  auto [it, inserted] = columns_.emplace(name, Column(type));
  if (!inserted) throw Error::InvalidArgument("duplicate column", {{name, "added twice to the frame"}});
  return it->second;
}

void Table::Permute(const std::vector<uint32_t>& order) {
  for (auto& [name, column] : columns_) column.Permute(order);
}

const Column* Table::Find(std::string_view name) const {
  auto it = columns_.find(name);
  return it == columns_.end() ? nullptr : &it->second;
}

Column* Table::Find(std::string_view name) {
  auto it = columns_.find(name);
  return it == columns_.end() ? nullptr : &it->second;
}

std::optional<int64_t> Frame::Scalar(std::string_view name) const {
  auto it = scalars_.find(name);
  if (it == scalars_.end()) return std::nullopt;
  return it->second;
}

void Frame::Validate() {
  persons_.set_rows(person_household_.size());
  CheckValid();
}

void Frame::CheckValid() const {
  std::vector<ErrorDetail> problems;
  if (persons_.rows() != person_household_.size()) {
    problems.push_back({"person_household", "has " + std::to_string(person_household_.size()) +
                                                " rows but the persons table has " + std::to_string(persons_.rows())});
  }
  for (const auto* table : {&persons_, &households_}) {
    for (const auto& [name, column] : table->columns()) {
      if (column.size() != table->rows()) {
        problems.push_back({name, "has " + std::to_string(column.size()) + " rows, expected " +
                                      std::to_string(table->rows())});
      }
    }
  }
  const auto households = static_cast<int64_t>(households_.rows());
  for (size_t i = 0; i < person_household_.size(); ++i) {
    int32_t h = person_household_[i];
    if (h < 0 || h >= households) {
      problems.push_back({"person_household[" + std::to_string(i) + "]",
                          "names household row " + std::to_string(h) + " of " + std::to_string(households)});
      break;
    }
  }
  if (!problems.empty()) throw Error::InvalidArgument("the frame is inconsistent", std::move(problems));
}

}  // namespace fupin::policy
