#include "policy/eval.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace fupin::policy {
namespace {

// Two households: 0 is a dibao household with three members, 1 a general one
// with one member.
Frame SmallFrame() {
  Frame f;
  Table& h = f.households();
  h.set_rows(2);
  Column& attr = h.Add("household.attribute", Type::kString);
  attr.AppendString("dibao");
  attr.AppendString("general");
  Column& wage = h.Add("household.wage_income", Type::kInt);
  wage.AppendInt(600000);
  wage.AppendInt(1000000);
  Column& members = h.Add("household.members", Type::kInt);
  members.AppendInt(3);
  members.AppendInt(0);  // no survey row: per-capita income reads as 0
  for (const char* name : {"household.production_income", "household.property_income", "household.transfer_income",
                           "household.production_cost"}) {
    Column& c = h.Add(name, Type::kInt);
    c.AppendInt(0);
    c.AppendInt(0);
  }
  Column& code = h.Add("area.code", Type::kString);
  code.AppendString("430424100201");
  code.AppendString("430425100201");

  Table& p = f.persons();
  Column& birth = p.Add("person.birth_date", Type::kDate);
  Column& death = p.Add("person.death_date", Type::kDate);
  Column& stage = p.Add("person.school_stage", Type::kString);
  Column& grade = p.Add("person.disability_grade", Type::kInt);
  Column& insured = p.Add("person.medical_insured", Type::kBool);
  struct Row {
    int household;
    Date birth;
    const char* stage;
    int grade;
    bool insured;
  };
  const Row rows[] = {{0, {1980, 5, 1}, "", 0, true},
                      {0, {2012, 9, 2}, "primary", 0, false},   // 7 on 2020-09-01? no: turns 8 on 09-02
                      {0, {2005, 9, 1}, "senior", 2, true},     // 15 on 2020-09-01
                      {1, {1950, 1, 1}, "", 1, false}};
  for (const Row& r : rows) {
    f.person_household().push_back(r.household);
    birth.AppendDate(r.birth);
    death.AppendDate({9999, 12, 31});
    stage.AppendString(r.stage);
    grade.AppendInt(r.grade);
    insured.AppendBool(r.insured);
  }
  f.SetScalar("year", 2020);
  f.SetScalarDate("ref_date", {2020, 9, 1});
  f.SetScalar("params.poverty_line", 400000);
  f.Validate();
  return f;
}

std::vector<int64_t> Eval(std::string_view source, Target target = Target::kPerson) {
  return Program(CheckOrThrow(source, Catalogue::Default(), target)).Evaluate(SmallFrame());
}

TEST(Eval, AgesAreCompletedYearsOnTheReferenceDate) {
  EXPECT_EQ(Eval("person.age"), (std::vector<int64_t>{40, 7, 15, 70}));
  EXPECT_EQ(Eval("age_on(person.birth_date, date(2020, 9, 2))"), (std::vector<int64_t>{40, 8, 15, 70}));
  EXPECT_EQ(Eval("years_since(date(2019, 9, 2))"), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(Eval("year_of(person.birth_date)"), (std::vector<int64_t>{1980, 2012, 2005, 1950}));
}

TEST(Eval, ComparisonsRangesAndLists) {
  EXPECT_EQ(Eval("person.age in 6..15"), (std::vector<int64_t>{0, 1, 1, 0}));
  EXPECT_EQ(Eval("person.school_stage in [\"primary\", \"junior\"]"), (std::vector<int64_t>{0, 1, 0, 0}));
  EXPECT_EQ(Eval("person.school_stage != \"senior\""), (std::vector<int64_t>{1, 1, 0, 1}));
  EXPECT_EQ(Eval("person.disability_grade in [1, 2] && !person.medical_insured"), (std::vector<int64_t>{0, 0, 0, 1}));
  EXPECT_EQ(Eval("person.birth_date < date(2000, 1, 1) || person.school_stage == \"college\""),
            (std::vector<int64_t>{1, 0, 0, 1}));
}

TEST(Eval, HouseholdFactsReachEveryMember) {
  EXPECT_EQ(Eval("household.attribute == \"dibao\""), (std::vector<int64_t>{1, 1, 1, 0}));
  EXPECT_EQ(Eval("starts_with(area.code, \"430424\")"), (std::vector<int64_t>{1, 1, 1, 0}));
  // 6000 yuan over 3 members; members 0 divides to 0.
  EXPECT_EQ(Eval("household.per_capita_net_income"), (std::vector<int64_t>{200000, 200000, 200000, 0}));
  EXPECT_EQ(Eval("household.per_capita_net_income", Target::kHousehold), (std::vector<int64_t>{200000, 0}));
}

TEST(Eval, MembersAggregates) {
  EXPECT_EQ(Eval("any(members, m.age < 16)", Target::kHousehold), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(Eval("count(members, m.school_stage != \"\")", Target::kHousehold), (std::vector<int64_t>{2, 0}));
  EXPECT_EQ(Eval("sum(members, m.disability_grade)", Target::kHousehold), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(Eval("household.members_count"), (std::vector<int64_t>{3, 3, 3, 1}));
  EXPECT_EQ(Eval("count(members, m.age < 16) >= 1 && person.age >= 18"), (std::vector<int64_t>{1, 0, 0, 0}));
}

TEST(Eval, ArithmeticIsTotal) {
  EXPECT_EQ(Eval("yuan(7) / (person.disability_grade - person.disability_grade) + 5 % 0"),
            (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(Eval("person.disability_grade > 0 ? min(yuan(100) * person.disability_grade, yuan(150)) : -1"),
            (std::vector<int64_t>{-1, -1, 15000, 10000}));
  EXPECT_EQ(Eval("9223372036854775807 + 1 == -9223372036854775807 - 1"), (std::vector<int64_t>{1, 1, 1, 1}));
  // Division rounds toward minus infinity, like every per-capita amount (core/money.h).
  EXPECT_EQ(Eval("(0 - 1000) / 3"), (std::vector<int64_t>{-334, -334, -334, -334}));
  EXPECT_EQ(Eval("(0 - 7) % 3"), (std::vector<int64_t>{2, 2, 2, 2}));
  EXPECT_EQ(Eval("1000 / 3 + 7 % (0 - 3)"), (std::vector<int64_t>{331, 331, 331, 331}));
}

TEST(Eval, RangesOfRowsAndManyChunks) {
  Frame f = SmallFrame();
  Program p(CheckOrThrow("person.age", Catalogue::Default(), Target::kPerson));
  EXPECT_EQ(p.Evaluate(f, 1, 3), (std::vector<int64_t>{7, 15}));
  // More rows than one chunk: every row still gets its own value.
  Frame big;
  big.households().set_rows(1);
  big.households().Add("household.members", Type::kInt).AppendInt(1);
  Column& grade = big.persons().Add("person.disability_grade", Type::kInt);
  for (int i = 0; i < 5000; ++i) {
    big.person_household().push_back(0);
    grade.AppendInt(i);
  }
  big.Validate();
  auto out = Program(CheckOrThrow("person.disability_grade * 2 + household.members", Catalogue::Default(),
                                  Target::kPerson))
                 .Evaluate(big);
  ASSERT_EQ(out.size(), 5000u);
  for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], static_cast<int64_t>(i) * 2 + 1);
}

TEST(Eval, ExplainsEachClause) {
  Program p(CheckOrThrow("person.school_stage in [\"primary\", \"junior\"] && person.age in 6..15 &&\n"
                         "  household.attribute == \"dibao\"",
                         Catalogue::Default(), Target::kPerson));
  ASSERT_EQ(p.clauses().size(), 3u);
  EXPECT_EQ(p.joiner(), "&&");
  auto why = p.Explain(SmallFrame(), 1);
  ASSERT_EQ(why.size(), 3u);
  EXPECT_EQ(why[0].text, "person.school_stage in [\"primary\", \"junior\"]");
  EXPECT_TRUE(why[0].holds);
  ASSERT_EQ(why[0].facts.size(), 1u);
  EXPECT_EQ(why[0].facts[0].label_zh, "在读学段");
  EXPECT_EQ(why[0].facts[0].value, "小学");
  EXPECT_EQ(why[1].text, "person.age in 6..15");
  EXPECT_EQ(why[1].facts[0].value, "7岁");
  EXPECT_EQ(why[2].facts[0].value, "低保贫困户");
  auto not_eligible = p.Explain(SmallFrame(), 3);
  EXPECT_FALSE(not_eligible[0].holds);
  EXPECT_FALSE(not_eligible[2].holds);
  auto columns = p.EvaluateClauses(SmallFrame());
  EXPECT_EQ(columns[1], (std::vector<int64_t>{0, 1, 1, 0}));
}

TEST(Eval, ExplainingManyRowsAtOnceGivesWhatEachRowGives) {
  Program p(CheckOrThrow("person.school_stage in [\"primary\", \"junior\"] && person.age in 6..15 &&\n"
                         "  household.attribute == \"dibao\"",
                         Catalogue::Default(), Target::kPerson));
  const Frame frame = SmallFrame();
  auto many = p.ExplainRows(frame, {3, 1});
  ASSERT_EQ(many.size(), 2u);
  for (size_t j = 0; j < 2; ++j) {
    auto one = p.Explain(frame, j == 0 ? 3 : 1);
    ASSERT_EQ(many[j].size(), one.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(many[j][i].holds, one[i].holds);
      ASSERT_EQ(many[j][i].facts.size(), one[i].facts.size());
      for (size_t k = 0; k < one[i].facts.size(); ++k) EXPECT_EQ(many[j][i].facts[k].value, one[i].facts[k].value);
    }
  }
}

TEST(Eval, MissingColumnIsNamed) {
  Program p(CheckOrThrow("person.health == \"chronic\"", Catalogue::Default(), Target::kPerson));
  try {
    p.Evaluate(SmallFrame());
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "person.health");
  }
  // A year parameter nobody set for the run's year: the error names it, the year and the fix.
  Program q(CheckOrThrow("params.dibao_standard_a > 0", Catalogue::Default(), Target::kPerson));
  try {
    q.Evaluate(SmallFrame());
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "params.dibao_standard_a");
    EXPECT_NE(e.details()[0].problem.find("no value for 2020"), std::string::npos) << e.details()[0].problem;
    EXPECT_NE(e.details()[0].problem.find("fupin params set dibao_standard_a"), std::string::npos);
  }
}

TEST(Frame, InconsistentFrameIsRejected) {
  Frame f = SmallFrame();
  f.person_household()[0] = 7;
  try {
    f.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.details()[0].path, "person_household[0]");
  }
}

}  // namespace
}  // namespace fupin::policy
