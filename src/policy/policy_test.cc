#include "policy/policy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "core/error.h"

namespace fupin::policy {
namespace {

std::filesystem::path PoliciesDir() {
  const char* root = std::getenv("FUPIN_SOURCE_DIR");
  if (root != nullptr) return std::filesystem::path(root) / "policies";
  return FUPIN_POLICIES_DIR;
}

const char* kGood = R"toml(id = "t.one"
name = "测试政策"
department = "education"
target = "person"
from_year = 2014
eligibility = '''
household.status in ["poor", "exited"] &&
person.age in 6..15
'''
amount = "yuan(1000)"
facts = ["household.status", "person.age"]
basis = "测试"
illustrative_amount = true
amount_note = "示例"
)toml";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string FirstProblem(const std::string& text) {
  PolicyCheck c = CheckPolicyText(text, "t.toml");
  if (c.ok()) return "ok";
  return c.problems[0].path + ": " + c.problems[0].problem;
}

TEST(PolicyFile, EveryShippedPolicyLoadsAndChecks) {
  std::vector<Policy> all = LoadPolicies(PoliciesDir());
  std::set<std::string> ids;
  for (const Policy& p : all) ids.insert(p.id);
  for (const char* id : {"edu.preschool", "edu.compulsory_living", "edu.senior_grant", "edu.senior_fee_waiver",
                         "edu.vocational", "edu.college", "health.medical_premium", "health.chronic_contract",
                         "health.major_disease", "civil.dibao_a", "civil.dibao_b", "civil.dibao_c", "civil.destitute",
                         "hr.disabled_pension", "housing.renovation", "relocation.housing", "industry.pepper",
                         "industry.camellia", "industry.photovoltaic"}) {
    EXPECT_EQ(ids.count(id), 1u) << id;
  }
  for (const Policy& p : all) {
    EXPECT_FALSE(p.name.empty());
    EXPECT_FALSE(p.basis.empty());
    EXPECT_TRUE(p.InForce(2020)) << p.id;
  }
  // Each compiles for bulk evaluation.
  for (Policy& p : all) CompiledPolicy compiled(std::move(p));
}

TEST(PolicyFile, TheMajorDiseasePolicyNamesTwentyNineDiseases) {
  PolicyCheck c = CheckPolicyFile(PoliciesDir() / "health_major_disease.toml");
  ASSERT_TRUE(c.ok());
  const Node& root = c.policy->eligibility.root();
  const Node& in = *root.kids[1];
  ASSERT_EQ(in.kind, NodeKind::kIn);
  EXPECT_EQ(in.kids[1]->kids.size(), 29u);
  // Every fact it reads is a registry column now (registry migration 102).
  EXPECT_TRUE(c.policy->OptionalFacts().empty());
}

TEST(PolicyFile, GoodTextChecks) { EXPECT_EQ(FirstProblem(kGood), "ok"); }

TEST(PolicyFile, ExpressionErrorsNameFileLineAndColumn) {
  EXPECT_EQ(FirstProblem(Replace(kGood, "person.age in 6..15", "person.agee in 6..15")),
            "t.toml, line 8, column 1: eligibility: unknown field person.agee (did you mean person.age?)");
  EXPECT_EQ(FirstProblem(Replace(kGood, "\"yuan(1000)\"", "\"yuan(1000) + true\"")),
            "t.toml, line 10, column 24: amount: the right side of '+' must be int, but it is bool");
  EXPECT_EQ(FirstProblem(Replace(kGood, "\"yuan(1000)\"", "\"person.age > 3\"")),
            "t.toml, line 10, column 22: amount: the expression must be int, but it is bool");
}

TEST(PolicyFile, FileErrorsNameLineAndColumn) {
  EXPECT_EQ(FirstProblem(Replace(kGood, "target = \"person\"", "target = \"family\"")),
            "t.toml, line 4, column 10: target must be \"person\" or \"household\", not \"family\"");
  EXPECT_EQ(FirstProblem(Replace(kGood, "department = \"education\"", "department = \"edu\"")).substr(0, 55),
            "t.toml, line 3, column 14: unknown department 'edu' (de");
  EXPECT_EQ(FirstProblem(Replace(kGood, "from_year = 2014", "from_year = \"2014\"")),
            "t.toml, line 5, column 13: 'from_year' must be a year between 2000 and 2100");
  EXPECT_EQ(FirstProblem(Replace(kGood, "basis", "basiss")), "t.toml, line 12, column 10: unknown key 'basiss'");
  EXPECT_EQ(FirstProblem(Replace(kGood, "id = \"t.one\"", "id = \"t.one")).substr(0, 26), "t.toml, line 1, column 12:");
}

TEST(PolicyFile, FactsMustMatchWhatTheExpressionsRead) {
  EXPECT_EQ(FirstProblem(Replace(kGood, ", \"person.age\"]", "]")),
            "t.toml, line 11, column 9: the expressions read person.age, which is not listed in facts");
  EXPECT_EQ(FirstProblem(Replace(kGood, "\"person.age\"]", "\"person.age\", \"person.sex\"]")),
            "t.toml, line 11, column 9: facts lists person.sex, which the expressions do not read");
}

TEST(PolicyFile, LoadPoliciesReportsEveryBadFile) {
  auto dir = std::filesystem::temp_directory_path() / "fupin_policy_test_dir";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto write = [&dir](const char* name, const std::string& text) {
    std::FILE* f = std::fopen((dir / name).c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  write("a.toml", kGood);
  write("b.toml", kGood);  // duplicate id
  write("c.toml", Replace(kGood, "person.age in", "person.age inn"));
  try {
    LoadPolicies(dir);
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 2u);
    EXPECT_NE(e.details()[0].problem.find("already used"), std::string::npos);
    EXPECT_NE(e.details()[1].path.find("c.toml, line 8, column 12"), std::string::npos) << e.details()[1].path;
  }
  std::filesystem::remove_all(dir);
}

TEST(PolicyEval, CompulsoryLivingAllowanceOnASmallFrame) {
  PolicyCheck check = CheckPolicyFile(PoliciesDir() / "edu_compulsory_living.toml");
  ASSERT_TRUE(check.ok());
  CompiledPolicy p(std::move(*check.policy));
  Frame f;
  f.households().set_rows(2);
  Column& status = f.households().Add("household.status", Type::kString);
  status.AppendString("exited");
  status.AppendString("unregistered");
  Column& stage = f.persons().Add("person.school_stage", Type::kString);
  Column& school = f.persons().Add("person.school_status", Type::kString);
  const char* stages[] = {"primary", "junior", "senior", "junior"};
  const char* statuses[] = {"enrolled", "home_schooled", "enrolled", "enrolled"};
  const int32_t homes[] = {0, 0, 0, 1};
  for (int i = 0; i < 4; ++i) {
    stage.AppendString(stages[i]);
    school.AppendString(statuses[i]);
    f.person_household().push_back(homes[i]);
  }
  f.Validate();
  auto r = p.Evaluate(f);
  EXPECT_EQ(r.eligible, (std::vector<int64_t>{1, 1, 0, 0}));
  EXPECT_EQ(r.amount, (std::vector<int64_t>{100000, 125000, 0, 0}));
  auto why = p.eligibility().Explain(f, 1);
  ASSERT_EQ(why.size(), 3u);
  EXPECT_EQ(why[2].text, "person.school_status in [\"enrolled\", \"home_schooled\"]");
  EXPECT_EQ(why[2].facts[0].value, "送教上门");
}

}  // namespace
}  // namespace fupin::policy
