#include "policy/expr.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace fupin::policy {
namespace {

const Catalogue& C() { return Catalogue::Default(); }

std::string ErrorOf(std::string_view source, Target target = Target::kPerson,
                    std::optional<Type> expected = std::nullopt) {
  CheckResult r = Check(source, C(), target, expected);
  if (!r.error) return "ok";
  return r.error->ToString();
}

TEST(ExprCheck, AcceptsTheLanguage) {
  EXPECT_EQ(ErrorOf("person.age in 6..15 && person.school_stage in [\"primary\", \"junior\"]"), "ok");
  EXPECT_EQ(ErrorOf("age_on(person.birth_date, date(2020, 9, 1)) >= 3"), "ok");
  EXPECT_EQ(ErrorOf("any(members, m.age < 16) && household.attribute == \"dibao\""), "ok");
  EXPECT_EQ(ErrorOf("count(members, m.health != \"healthy\") >= 2", Target::kHousehold), "ok");
  EXPECT_EQ(ErrorOf("household.per_capita_net_income < params.poverty_line ? yuan(100) : 0"), "ok");
  EXPECT_EQ(ErrorOf("!(person.disability_grade in [1, 2]) || years_since(person.birth_date) > 60"), "ok");
  EXPECT_EQ(ErrorOf("starts_with(area.code, \"430424\") # Hengdong\n && year >= 2016"), "ok");
  EXPECT_EQ(ErrorOf("sum(members, m.age) / max(household.members, 1)", Target::kHousehold), "ok");
}

TEST(ExprCheck, UnknownFieldIsPositionedWithASuggestion) {
  EXPECT_EQ(ErrorOf("person.age >= 6 &&\n\n  person.agee < 16"),
            "line 3, column 3: unknown field person.agee (did you mean person.age?)");
}

TEST(ExprCheck, SyntaxErrorsArePositioned) {
  EXPECT_EQ(ErrorOf("person.age >= "), "line 1, column 15: expected a value, found end of expression");
  EXPECT_EQ(ErrorOf("person.age = 6"), "line 1, column 12: unexpected '='; compare with '=='");
  EXPECT_EQ(ErrorOf("(person.age > 6"), "line 1, column 16: expected ')' to close '(', found end of expression");
  EXPECT_EQ(ErrorOf("1 < 2 < 3"), "line 1, column 7: comparisons cannot be chained; join them with '&&'");
  EXPECT_EQ(ErrorOf("\"未闭合"), "line 1, column 1: unterminated string literal");
  EXPECT_EQ(ErrorOf("\"学生\" == 1 @"), "line 1, column 11: unexpected character '@'");
  EXPECT_EQ(ErrorOf("99999999999999999999"), "line 1, column 1: integer literal is too large");
  std::string deep(200, '(');
  EXPECT_EQ(ErrorOf(deep).rfind("line 1, column ", 0), 0u);
  std::string chain = "1";
  for (int i = 0; i < 20000; ++i) chain += "+1";
  EXPECT_EQ(ErrorOf(chain), "line 1, column 512: expression nested too deeply");
}

TEST(ExprCheck, TypeErrorsArePositioned) {
  EXPECT_EQ(ErrorOf("person.age + true"), "line 1, column 14: the right side of '+' must be int, but it is bool");
  EXPECT_EQ(ErrorOf("person.school_stage == \"seniorr\""),
            "line 1, column 24: \"seniorr\" is not a value of person.school_stage "
            "(values: preschool, primary, junior, senior, vocational, college)");
  EXPECT_EQ(ErrorOf("person.age", Target::kPerson, Type::kBool),
            "line 1, column 1: the expression must be bool, but it is int");
  EXPECT_EQ(ErrorOf("person.age > 3", Target::kHousehold),
            "line 1, column 1: person.age is a person field; a household policy reads its members through "
            "any(members, ...), count(members, ...) or sum(members, ...)");
  EXPECT_EQ(ErrorOf("any(members, person.age < 3)"),
            "line 1, column 14: inside any/count/sum the member is 'm': write m.age");
  EXPECT_EQ(ErrorOf("m.age > 3"),
            "line 1, column 1: 'm' is only defined inside any(members, ...), count(members, ...) and sum(members, ...)");
  EXPECT_EQ(ErrorOf("date(2019, 2, 29) < ref_date"), "line 1, column 1: date(2019, 2, 29) is not a real day");
  EXPECT_EQ(ErrorOf("foo(1)"),
            "line 1, column 1: unknown function foo (functions: age_on, years_since, year_of, date, yuan, min, max, "
            "any, count, sum, starts_with)");
  EXPECT_EQ(ErrorOf("person.age in [1, person.disability_grade]"), "line 1, column 19: list elements must be constants");
  EXPECT_EQ(ErrorOf("person.health == household.attribute"),
            "line 1, column 15: a string field can only be compared with a string literal, such as person.health == "
            "\"chronic\"");
}

TEST(ExprCheck, AStringIsNeverAResult) {
  // Found by the fuzzer: a bare string field used to reach the compiler.
  EXPECT_EQ(ErrorOf("household.status # rest is a comment && person.alive"),
            "line 1, column 1: an expression cannot be a string; compare it instead, such as person.health == \"chronic\"");
}

TEST(ExprCheck, ColumnsIncludeWhatDerivedFieldsRead) {
  CheckedExpr e = CheckOrThrow("person.age >= 6 && household.per_capita_net_income < params.poverty_line", C(),
                               Target::kPerson);
  EXPECT_EQ(e.fields(), (std::vector<std::string>{"household.per_capita_net_income", "params.poverty_line",
                                                  "person.age"}));
  EXPECT_NE(std::find(e.columns().begin(), e.columns().end(), "person.birth_date"), e.columns().end());
  EXPECT_NE(std::find(e.columns().begin(), e.columns().end(), "ref_date"), e.columns().end());
  EXPECT_NE(std::find(e.columns().begin(), e.columns().end(), "household.wage_income"), e.columns().end());
}

TEST(ExprCheck, CheckOrThrowNamesLineAndColumn) {
  try {
    CheckOrThrow("person.age >\n person.sexx", C(), Target::kPerson);
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "line 2, column 2");
  }
}

}  // namespace
}  // namespace fupin::policy
