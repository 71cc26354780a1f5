#include "social/text_check.h"

#include <optional>
#include <set>

#include "core/id_number.h"

namespace fupin::social {
namespace {

// One character of the text: a digit (0-9), an X, a separator or something else.
enum class Kind { kDigit, kX, kSeparator, kOpen, kClose, kPlus, kOther };

struct Char {
  Kind kind;
  char value;   // the ASCII digit or 'X' for kDigit / kX
  size_t size;  // bytes in the text
};

Char Classify(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c >= '0' && c <= '9') return {Kind::kDigit, static_cast<char>(c), 1};
  if (c == 'X' || c == 'x') return {Kind::kX, 'X', 1};
  if (c == ' ' || c == '-') return {Kind::kSeparator, ' ', 1};
  if (c == '(') return {Kind::kOpen, ' ', 1};
  if (c == ')') return {Kind::kClose, ' ', 1};
  if (c == '+') return {Kind::kPlus, ' ', 1};
  // Full-width forms: U+FF10..U+FF19 digits are EF BC 90..99; （ EF BC 88, ） EF BC 89,
  // － EF BC 8D, Ｘ EF BC B8, ｘ EF BD 98, ideographic space E3 80 80.
  if (c == 0xEF && i + 2 < text.size()) {
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    const auto b2 = static_cast<unsigned char>(text[i + 2]);
    if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) return {Kind::kDigit, static_cast<char>('0' + (b2 - 0x90)), 3};
    if (b1 == 0xBC && b2 == 0x88) return {Kind::kOpen, ' ', 3};
    if (b1 == 0xBC && b2 == 0x89) return {Kind::kClose, ' ', 3};
    if (b1 == 0xBC && b2 == 0x8D) return {Kind::kSeparator, ' ', 3};
    if ((b1 == 0xBC && b2 == 0xB8) || (b1 == 0xBD && b2 == 0x98)) return {Kind::kX, 'X', 3};
  }
  if (c == 0xE3 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
      static_cast<unsigned char>(text[i + 2]) == 0x80) {
    return {Kind::kSeparator, ' ', 3};
  }
  size_t size = 1;
  if (c >= 0xF0) size = 4;
  else if (c >= 0xE0) size = 3;
  else if (c >= 0xC0) size = 2;
  return {Kind::kOther, 0, size};
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::string MaskPhone(std::string_view digits) {
  if (digits.size() <= 5) return std::string(digits.size(), '*');
  return std::string(digits.substr(0, 3)) + std::string(digits.size() - 5, '*') +
         std::string(digits.substr(digits.size() - 2));
}

bool IsOldIdNumber(std::string_view d) {
  if (d.size() != 15 || !AllDigits(d)) return false;
  const int yy = (d[6] - '0') * 10 + (d[7] - '0');
  const int mm = (d[8] - '0') * 10 + (d[9] - '0');
  const int dd = (d[10] - '0') * 10 + (d[11] - '0');
  if (d[0] == '0') return false;
  return Date::IsValid(1900 + yy, mm, dd);
}

// Classifies one candidate (digits only, maybe a final X); nullopt: nothing.
std::optional<PersonalDataFinding> ClassifyDigits(std::string_view d, const Date& today) {
  if (d.size() == 18 && AllDigits(d.substr(0, 17)) && CheckIdNumber(d, today).ok()) {
    return PersonalDataFinding{PersonalDataKind::kIdNumber, MaskIdNumber(d)};
  }
  if (IsOldIdNumber(d)) return PersonalDataFinding{PersonalDataKind::kIdNumber, MaskIdNumber(d)};
  if (!AllDigits(d)) return std::nullopt;
  std::string_view mobile = d;
  if (mobile.size() == 13 && mobile.substr(0, 2) == "86") mobile.remove_prefix(2);
  if (mobile.size() == 11 && mobile[0] == '1' && mobile[1] >= '3' && mobile[1] <= '9') {
    return PersonalDataFinding{PersonalDataKind::kMobilePhone, MaskPhone(mobile)};
  }
  // A landline with its area code: 0 + 2-3 digit area code + 7-8 digit number.
  if (d.size() >= 10 && d.size() <= 12 && d[0] == '0' && d[1] != '0') {
    return PersonalDataFinding{PersonalDataKind::kLandlinePhone, MaskPhone(d)};
  }
  return std::nullopt;
}

}  // namespace

std::vector<PersonalDataFinding> FindPersonalData(std::string_view text, const Date& today) {
  std::vector<PersonalDataFinding> found;
  std::set<std::string> seen;
  auto add = [&](std::optional<PersonalDataFinding> f) {
    if (!f) return false;
    if (seen.insert(WireOf(PersonalDataKindTerms(), f->kind) + f->masked).second) found.push_back(std::move(*f));
    return true;
  };
  size_t i = 0;
  while (i < text.size()) {
    Char ch = Classify(text, i);
    if (ch.kind != Kind::kDigit && ch.kind != Kind::kOpen && ch.kind != Kind::kPlus) {
      i += ch.size;
      continue;
    }
    // A token: digit runs joined by single separators; an X may end a run.
    std::vector<std::string> runs;
    std::string current;
    size_t j = i;
    int separators = 0;
    bool ended_with_x = false;
    while (j < text.size()) {
      Char c = Classify(text, j);
      if (c.kind == Kind::kDigit && !ended_with_x) {
        current += c.value;
        separators = 0;
      } else if (c.kind == Kind::kX && !current.empty() && !ended_with_x) {
        current += 'X';
        ended_with_x = true;
      } else if ((c.kind == Kind::kSeparator || c.kind == Kind::kOpen || c.kind == Kind::kClose ||
                  c.kind == Kind::kPlus) &&
                 separators < 2 && !ended_with_x) {
        if (!current.empty()) runs.push_back(std::move(current));
        current.clear();
        ++separators;
      } else {
        break;
      }
      j += c.size;
    }
    if (!current.empty()) runs.push_back(std::move(current));
    // The whole token, and every run on its own, and every pair of neighbours.
    std::string joined;
    for (const auto& r : runs) joined += r;
    if (!add(ClassifyDigits(joined, today))) {
      for (size_t k = 0; k < runs.size(); ++k) {
        if (add(ClassifyDigits(runs[k], today))) continue;
        if (k + 1 < runs.size()) add(ClassifyDigits(runs[k] + runs[k + 1], today));
      }
    }
    i = j > i ? j : i + ch.size;
  }
  return found;
}

std::string DescribeFinding(const PersonalDataFinding& f) {
  switch (f.kind) {
    case PersonalDataKind::kIdNumber: return "contains an ID number (" + f.masked + ")";
    case PersonalDataKind::kMobilePhone: return "contains a mobile phone number (" + f.masked + ")";
    case PersonalDataKind::kLandlinePhone: break;
  }
  return "contains a landline phone number (" + f.masked + ")";
}

}  // namespace fupin::social
