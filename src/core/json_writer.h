#pragma once
// Compact JSON written straight into a string, for the few hot paths (the
// household read of the API) where building nlohmann::json objects first cost
// more than the database read itself (docs/PERFORMANCE.md, issue 12).
//
// The output is byte for byte what nlohmann::json's dump() prints for the same
// document, provided the caller writes each object's keys in nlohmann's order
// (std::map: sorted by bytes): no spaces; strings in UTF-8 as they are, with
// \" \\ \b \f \n \r \t and \u00XX (lower-case hex) for the other control
// characters; integers in decimal. A string that is not valid UTF-8 throws
// Error (kInternal), as dump() throws on one.
//
// The writer does not check the structure (a key outside an object, an
// unclosed array): callers are a handful of fixed shapes, each tested against
// nlohmann's dump().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fupin {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The key of the next value in the current object.
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // The value, or null when unset.
  JsonWriter& OptionalString(const std::optional<std::string>& value);
  JsonWriter& OptionalInt(const std::optional<int64_t>& value);
  JsonWriter& OptionalBool(const std::optional<bool>& value);
  // A value the caller wrote as JSON already (a number in a format of its
  // own), copied as it is.
  JsonWriter& Raw(std::string_view json);

  // The document written so far; the writer is empty afterwards.
  std::string Take();

 private:
  void Separate();
  void Escaped(std::string_view text);

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace fupin
