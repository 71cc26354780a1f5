#include "core/id_number.h"

#include <array>

namespace fupin {
namespace {

constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckChars = "10X98765432";
constexpr Date kEarliestBirth{1880, 1, 1};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

const char* SexName(Sex sex) { return sex == Sex::kMale ? "male" : "female"; }

char IdCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckChars[static_cast<size_t>(sum % 11)];
}

IdNumberCheck CheckIdNumber(std::string_view text, const Date& today) {
  IdNumberCheck result;
  if (text.size() != 18) {
    result.problem = "must be 18 characters, got " + std::to_string(text.size());
    result.problem_zh = "应为18位，实为" + std::to_string(text.size()) + "位";
    return result;
  }
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(text[i])) {
      result.problem = "character " + std::to_string(i + 1) + " must be a digit";
      result.problem_zh = "第" + std::to_string(i + 1) + "位应为数字";
      return result;
    }
  }
  char last = text[17];
  if (last == 'x') last = 'X';
  if (!IsDigit(last) && last != 'X') {
    result.problem = "the check character (18th) must be a digit or X";
    result.problem_zh = "第18位校验码应为数字或X";
    return result;
  }
  const int y = Number(text.substr(6, 4));
  const int m = Number(text.substr(10, 2));
  const int d = Number(text.substr(12, 2));
  if (!Date::IsValid(y, m, d)) {
    result.problem = "birth date " + std::string(text.substr(6, 8)) + " is not a real date";
    result.problem_zh = "出生日期（第7-14位）不是真实日期";
    return result;
  }
  const Date birth{y, m, d};
  if (birth > today) {
    result.problem = "birth date " + birth.ToString() + " is in the future";
    result.problem_zh = "出生日期晚于今天";
    return result;
  }
  if (birth < kEarliestBirth) {
    result.problem = "birth date " + birth.ToString() + " is before 1880";
    result.problem_zh = "出生日期早于1880年";
    return result;
  }
  const char expected = IdCheckCharacter(text.substr(0, 17));
  if (expected != last) {
    result.problem = std::string("check character is ") + last + ", expected " + expected;
    result.problem_zh = std::string("校验码错误（第18位为") + last + "，应为" + expected + "）";
    return result;
  }
  IdNumber id;
  id.text = std::string(text.substr(0, 17)) + last;
  id.area_prefix = std::string(text.substr(0, 6));
  id.birth_date = birth;
  id.sex = (text[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale;
  result.number = std::move(id);
  return result;
}

std::string MaskIdNumber(std::string_view text) {
  if (text.size() == 18) {
    return std::string(text.substr(0, 6)) + "********" + std::string(text.substr(14));
  }
  if (text.size() <= 2) return std::string(text.size(), '*');
  return std::string(1, text.front()) + std::string(text.size() - 2, '*') + text.back();
}

}  // namespace fupin
