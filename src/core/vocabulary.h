#pragma once
// Closed sets (roles, statuses, steps, kinds): each enum has ONE table of
// terms giving, for every value, the string stored in the database and sent
// on the wire, and the Chinese label people read. Header-light on purpose:
// modules declare their tables next to their enums and look values up here.
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fupin {

struct Term {
  int id;           // the enum's value
  const char* wire; // stored and wire string ("county_office")
  const char* zh;   // Chinese label ("县扶贫办")
};

// The term of a value (by id) in a table; nullptr if the table lacks it.
inline const Term* FindTerm(std::span<const Term> terms, int id) {
  for (const Term& t : terms) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

// The Chinese label of a wire string in a table ("" if the table lacks it).
inline const char* LabelOfWire(std::span<const Term> terms, std::string_view wire) {
  for (const Term& t : terms) {
    if (wire == t.wire) return t.zh;
  }
  return "";
}

// The id of a wire string in a table.
inline std::optional<int> FindWire(std::span<const Term> terms, std::string_view wire) {
  for (const Term& t : terms) {
    if (wire == t.wire) return t.id;
  }
  return std::nullopt;
}

// A closed set by name, as GET /api/v1/vocabularies serves it ("need_status").
struct Vocabulary {
  const char* name;
  std::span<const Term> terms;
};

// The wire string and label of an enum value, and the value of a wire string.
template <class E>
const char* WireOf(std::span<const Term> terms, E value) {
  const Term* t = FindTerm(terms, static_cast<int>(value));
  return t ? t->wire : "";
}
template <class E>
const char* LabelOf(std::span<const Term> terms, E value) {
  const Term* t = FindTerm(terms, static_cast<int>(value));
  return t ? t->zh : "";
}
template <class E>
std::optional<E> ParseWire(std::span<const Term> terms, std::string_view wire) {
  const auto id = FindWire(terms, wire);
  if (!id) return std::nullopt;
  return static_cast<E>(*id);
}

// "a, b or c": the wire strings of a table, for error messages.
std::string WireList(std::span<const Term> terms);

// Stored values inside SQL built in C++, from the table so that a renamed wire
// string leaves no stale literal: "'completed'", "('industry', 'water')".
std::string SqlQuoted(std::string_view text);
template <class E>
std::string SqlWire(std::span<const Term> terms, E value) {
  return SqlQuoted(WireOf(terms, value));
}
// "CASE step WHEN 'appraisal' THEN 0 WHEN 'verification' THEN 1 ... ELSE n END":
// the place of an SQL expression's value in a table (n, after every place,
// for a value outside it), for ORDER BY in the table's order.
inline std::string SqlOrderOf(std::span<const Term> terms, const std::string& expression) {
  std::string out = "CASE " + expression;
  for (size_t i = 0; i < terms.size(); ++i) out += " WHEN " + SqlQuoted(terms[i].wire) + " THEN " + std::to_string(i);
  return out + " ELSE " + std::to_string(terms.size()) + " END";
}
// "('poor', 'exited')": the wire strings of values as an SQL list, for IN.
template <class E>
std::string SqlWireList(std::span<const Term> terms, std::initializer_list<E> values) {
  std::string out = "(";
  for (const E value : values) out += (out.size() > 1 ? ", " : "") + SqlWire(terms, value);
  return out + ")";
}

}  // namespace fupin
