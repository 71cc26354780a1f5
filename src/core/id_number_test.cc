#include "core/id_number.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

const Date kToday{2026, 11, 28};

TEST(IdNumberTest, AcceptsTheStandardsExamples) {
  auto a = CheckIdNumber("11010519491231002X", kToday);
  ASSERT_TRUE(a.ok()) << a.problem;
  EXPECT_EQ(a.number->area_prefix, "110105");
  EXPECT_EQ(a.number->birth_date, (Date{1949, 12, 31}));
  EXPECT_EQ(a.number->sex, Sex::kFemale);  // sequence 002: even

  auto b = CheckIdNumber("440524188001010014", kToday);
  ASSERT_TRUE(b.ok()) << b.problem;
  EXPECT_EQ(b.number->birth_date, (Date{1880, 1, 1}));
  EXPECT_EQ(b.number->sex, Sex::kMale);  // sequence 001: odd
}

TEST(IdNumberTest, LowerCaseXIsNormalised) {
  auto a = CheckIdNumber("11010519491231002x", kToday);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.number->text, "11010519491231002X");
}

TEST(IdNumberTest, ComputesTheCheckCharacter) {
  EXPECT_EQ(IdCheckCharacter("11010519491231002"), 'X');
  EXPECT_EQ(IdCheckCharacter("44052418800101001"), '4');
}

// Changing any one of the 17 digits of a valid number must be caught, either
// by the check character or by the birth date check.
TEST(IdNumberTest, RefusesEveryOneDigitChange) {
  for (std::string base : {"11010519491231002X", "440524188001010014"}) {
    for (size_t i = 0; i < 17; ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == base[i]) continue;
        std::string changed = base;
        changed[i] = d;
        auto r = CheckIdNumber(changed, kToday);
        EXPECT_FALSE(r.ok()) << changed;
        EXPECT_FALSE(r.problem.empty());
      }
    }
  }
}

TEST(IdNumberTest, RefusesAChangedCheckCharacter) {
  auto r = CheckIdNumber("110105194912310021", kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem, "check character is 1, expected X");
  auto s = CheckIdNumber("440524188001010015", kToday);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.problem, "check character is 5, expected 4");
}

TEST(IdNumberTest, RefusesWrongShapes) {
  EXPECT_EQ(CheckIdNumber("", kToday).problem, "must be 18 characters, got 0");
  EXPECT_EQ(CheckIdNumber("11010519491231002", kToday).problem, "must be 18 characters, got 17");
  EXPECT_EQ(CheckIdNumber("1101051949123100AX", kToday).problem, "character 17 must be a digit");
  EXPECT_EQ(CheckIdNumber("11010519491231002Y", kToday).problem,
            "the check character (18th) must be a digit or X");
}

TEST(IdNumberTest, RefusesImpossibleAndFutureBirthDates) {
  // 1949-02-30 does not exist; fix the check character so only the date is wrong.
  std::string bad = "11010519490230002";
  bad.push_back(IdCheckCharacter(bad));
  EXPECT_EQ(CheckIdNumber(bad, kToday).problem, "birth date 19490230 is not a real date");

  std::string future = "11010520270101002";
  future.push_back(IdCheckCharacter(future));
  EXPECT_EQ(CheckIdNumber(future, kToday).problem, "birth date 2027-01-01 is in the future");

  std::string old = "11010518791231002";
  old.push_back(IdCheckCharacter(old));
  EXPECT_EQ(CheckIdNumber(old, kToday).problem, "birth date 1879-12-31 is before 1880");
}

TEST(IdNumberTest, GivesEachReasonInChineseWithoutTheBirthDate) {
  EXPECT_EQ(CheckIdNumber("11010519491231002", kToday).problem_zh, "应为18位，实为17位");
  EXPECT_EQ(CheckIdNumber("1101051949123100AX", kToday).problem_zh, "第17位应为数字");
  EXPECT_EQ(CheckIdNumber("11010519491231002Y", kToday).problem_zh, "第18位校验码应为数字或X");
  EXPECT_EQ(CheckIdNumber("110105194912310021", kToday).problem_zh, "校验码错误（第18位为1，应为X）");
  std::string bad = "11010519490230002";
  bad.push_back(IdCheckCharacter(bad));
  EXPECT_EQ(CheckIdNumber(bad, kToday).problem_zh, "出生日期（第7-14位）不是真实日期");
  std::string future = "11010520270101002";
  future.push_back(IdCheckCharacter(future));
  EXPECT_EQ(CheckIdNumber(future, kToday).problem_zh, "出生日期晚于今天");
  std::string old = "11010518791231002";
  old.push_back(IdCheckCharacter(old));
  EXPECT_EQ(CheckIdNumber(old, kToday).problem_zh, "出生日期早于1880年");
  EXPECT_TRUE(CheckIdNumber("11010519491231002X", kToday).problem_zh.empty());
}

TEST(IdNumberTest, Masks) {
  EXPECT_EQ(MaskIdNumber("43042419800101002X"), "430424********002X");
  EXPECT_EQ(MaskIdNumber("12345"), "1***5");
  EXPECT_EQ(MaskIdNumber("1"), "*");
}

}  // namespace
}  // namespace fupin
