#pragma once
// Personal data in public text. A need's title, description and items, and
// feedback, are shown to donors; they must not carry an ID number or a phone
// number. FindPersonalData finds them so the service can refuse the text,
// naming the field and what was found (masked).
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "social/terms.h"

namespace fupin::social {

struct PersonalDataFinding {
  PersonalDataKind kind = PersonalDataKind::kIdNumber;  // personal_data_kind (social/terms.h)
  std::string masked;  // what was found, masked ("430424********002X", "138******78")
};

// Scans `text` for runs of digits (ASCII or full-width), also when the groups
// are split by single spaces, hyphens or brackets around an area code:
//  - an 18-character candidate (17 digits and a digit or X) that passes
//    CheckIdNumber, or a 15-digit old-style number with a real birth date
//    (YYMMDD after the 6-digit area code): kIdNumber;
//  - 11 digits 1[3-9]xxxxxxxxx (optionally after +86 / 86): kMobilePhone;
//  - 10 to 12 digits starting with 0 and an area code: kLandlinePhone.
// Dates ("2020-09-30"), amounts ("3000") and short numbers are not found.
std::vector<PersonalDataFinding> FindPersonalData(std::string_view text, const Date& today);

// "contains an ID number (430424********002X)" for error details.
std::string DescribeFinding(const PersonalDataFinding& finding);

}  // namespace fupin::social
