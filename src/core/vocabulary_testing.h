#pragma once
// For the tests of each closed set: every value of an enum, from the first to
// `last`, has one term with a wire string and a Chinese label, and both ways
// round-trip. Tests only.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/vocabulary.h"

namespace fupin::testing {

// True when the text holds at least one character outside ASCII (a Chinese label).
inline bool HasNonAscii(const char* text) {
  for (const char* p = text; *p != '\0'; ++p) {
    if (static_cast<unsigned char>(*p) >= 0x80) return true;
  }
  return false;
}

template <class E>
void ExpectCompleteTable(std::span<const Term> terms, E last) {
  const int count = static_cast<int>(last) + 1;
  EXPECT_EQ(terms.size(), static_cast<size_t>(count)) << "a term for every value, and no other";
  std::set<std::string> wires;
  for (int id = 0; id < count; ++id) {
    const E value = static_cast<E>(id);
    const char* wire = WireOf(terms, value);
    ASSERT_NE(std::string(wire), "") << "no wire string for id " << id;
    EXPECT_TRUE(HasNonAscii(LabelOf(terms, value))) << wire << " has no Chinese label";
    EXPECT_EQ(ParseWire<E>(terms, wire), value) << wire;
    EXPECT_TRUE(wires.insert(wire).second) << wire << " twice";
  }
  EXPECT_FALSE(ParseWire<E>(terms, "no_such_value").has_value());
}

}  // namespace fupin::testing
