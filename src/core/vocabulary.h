#pragma once
// Closed sets (roles, statuses, steps, kinds): each enum has ONE table of
// terms giving, for every value, the string stored in the database and sent
// on the wire, and the Chinese label people read. Header-light on purpose:
// modules declare their tables next to their enums and look values up here.
#include <optional>
#include <span>
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

// The id of a wire string in a table.
inline std::optional<int> FindWire(std::span<const Term> terms, std::string_view wire) {
  for (const Term& t : terms) {
    if (wire == t.wire) return t.id;
  }
  return std::nullopt;
}

}  // namespace fupin
