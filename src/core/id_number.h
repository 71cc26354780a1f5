#pragma once
// Citizen identity numbers as defined by GB 11643-1999: 6 digits of address
// code (GB/T 2260), 8 digits of birth date, 3 digits of sequence (odd for men,
// even for women) and one check character computed by ISO 7064 MOD 11-2.
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"

namespace fupin {

enum class Sex { kMale, kFemale };
const char* SexName(Sex sex);  // "male" / "female"

struct IdNumber {
  std::string text;        // 18 characters, a final 'x' upper-cased to 'X'
  std::string area_prefix; // first 6 digits
  Date birth_date;
  Sex sex = Sex::kMale;
};

// The result of checking one candidate number: either the parsed number, or
// the reason it is refused, in English and in Chinese, naming what is wrong.
// The Chinese reason is for clerks' sheets beside a masked number, so it does
// not repeat the birth date.
struct IdNumberCheck {
  std::optional<IdNumber> number;
  std::string problem;     // empty when number is set
  std::string problem_zh;  // the same reason in Chinese
  bool ok() const { return number.has_value(); }
};

// The ISO 7064 MOD 11-2 check character for the first 17 digits ('0'-'9' or 'X').
// `first17` must be 17 ASCII digits.
char IdCheckCharacter(std::string_view first17);

// Validates `text` (surrounding spaces are not accepted): length 18, 17
// digits, a real birth date not after `today` and not before 1880-01-01, and
// the right check character. Whether the area prefix exists is the caller's
// question (area codes change over time, so an unknown prefix is a warning).
IdNumberCheck CheckIdNumber(std::string_view text, const Date& today);

// "430424********002X": area prefix and the last four characters kept, the
// birth date and the rest hidden. Anything that is not 18 characters long is
// masked all but its first and last character.
std::string MaskIdNumber(std::string_view text);

}  // namespace fupin
