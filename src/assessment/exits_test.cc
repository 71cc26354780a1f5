#include "assessment/exits.h"

#include <gtest/gtest.h>

#include <set>

#include "assessment/households.h"
#include "assessment/params.h"
#include "assessment/schema.h"
#include "core/error.h"
#include "core/vocabulary_testing.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::assessment {
namespace {

class ExitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.AddAreas();
    h_ = f_.AddHousehold("H1", "430424100200", 2014);
    head_ = f_.AddPerson(h_, "19700101", "head", "张三");
    child_ = f_.AddPerson(h_, "20060301", "child", "张小");  // 10 on 1 September 2016
  }

  // 2016 facts; per capita = wage / 2.
  void Facts(Fen wage, std::optional<std::string> school = "enrolled") {
    registry::HouseholdRegistry reg(f_.db(), f_.clock());
    registry::HouseholdYear y;
    y.year = 2016;
    y.wage_income = wage;
    y.food_secure = y.clothing_secure = y.housing_safe = y.drinking_water_safe = true;
    reg.SetHouseholdYear(f_.admin(), h_, y);
    registry::PersonRegistry persons(f_.db(), f_.clock());
    registry::PersonYear py;
    py.year = 2016;
    py.medical_insured = true;
    persons.SetPersonYear(f_.admin(), head_, py);
    py.school_status = school;
    persons.SetPersonYear(f_.admin(), child_, py);
  }

  void Procedure(const std::string& notice_end = "2016-11-07") {
    ExitService exits(f_.db(), f_.clock());
    exits.RecordStep(f_.admin(), h_, 2016, "appraisal", "2016-10-20", std::nullopt, "村民代表大会评议通过");
    exits.RecordStep(f_.admin(), h_, 2016, "verification", "2016-10-25", std::nullopt, "工作队入户核实");
    exits.RecordStep(f_.admin(), h_, 2016, "notice", "2016-11-01", notice_end, "村务公开栏");
  }

  std::string Status() { return registry::HouseholdRegistry(f_.db(), f_.clock()).GetHousehold(f_.admin(), h_).status; }

  registry::testing::RegistryFixture f_{Migrations()};
  int64_t h_ = 0, head_ = 0, child_ = 0;
};

TEST_F(ExitTest, TheRegistryRefusesAnExitOutsideTheProcedure) {
  registry::HouseholdRegistry reg(f_.db(), f_.clock());
  try {
    reg.RecordEvent(f_.admin(), {h_, "exited", "2016-12-01", std::nullopt, "达标"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  }
  EXPECT_EQ(Status(), "poor");
}

TEST_F(ExitTest, RefusesWithEveryUnmetConditionNamed) {
  Facts(400000);  // 2000 yuan per person, below 2952
  ExitService exits(f_.db(), f_.clock());
  try {
    exits.Exit(f_.admin(), {h_, "2016-12-01", std::nullopt, "脱贫", std::nullopt});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_EQ(paths, (std::set<std::string>{"appraisal", "verification", "notice", "criteria/income"}));
  }
  EXPECT_EQ(Status(), "poor");
}

TEST_F(ExitTest, ANoticeShorterThanTheParameterIsRefused) {
  Facts(800000);
  Procedure("2016-11-06");  // 6 days counting both ends
  ExitService exits(f_.db(), f_.clock());
  auto check = exits.Check(f_.admin(), h_, 2016, "2016-12-01");
  ASSERT_EQ(check.unmet.size(), 1u);
  EXPECT_EQ(check.unmet[0].path, "notice");
  EXPECT_THROW(exits.Exit(f_.admin(), {h_, "2016-12-01", std::nullopt, "", std::nullopt}), Error);
  // The period is a parameter: at 6 days the same notice suffices.
  Parameters(f_.db(), f_.clock()).Set(f_.admin(), "notice_min_days", "", "6", "试行6天");
  exits.Exit(f_.admin(), {h_, "2016-12-01", std::nullopt, "", std::nullopt});
  EXPECT_EQ(Status(), "exited");
}

TEST_F(ExitTest, ACompleteProcedureAndEveryCriterionMetExits) {
  Facts(800000);  // 4000 yuan per person
  Procedure();
  ExitService exits(f_.db(), f_.clock());
  // Not before the notice has ended.
  EXPECT_THROW(exits.Exit(f_.admin(), {h_, "2016-11-07", std::nullopt, "", std::nullopt}), Error);
  exits.Exit(f_.admin(), {h_, "2016-11-20", std::nullopt, "达标退出", std::nullopt});
  EXPECT_EQ(Status(), "exited");
  EXPECT_EQ(*f_.db().QueryInt("SELECT count(*) FROM exit_overrides"), 0);
}

TEST_F(ExitTest, AChildOutOfSchoolBlocksTheExitUnlessTheCountyOverrides) {
  Facts(800000, "dropped_out");
  Procedure();
  ExitService exits(f_.db(), f_.clock());
  try {
    exits.Exit(f_.admin(), {h_, "2016-11-20", std::nullopt, "", std::nullopt});
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "criteria/education");
    EXPECT_NE(e.details()[0].problem.find("张小"), std::string::npos) << e.details()[0].problem;
  }
  // A village cadre may not override.
  Caller cadre;
  cadre.user_name = "村干部";
  cadre.role = Role::kVillageCadre;
  cadre.area_scope = "430424100200";
  try {
    exits.Exit(cadre, {h_, "2016-11-20", std::nullopt, "", std::string("已复学")});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  // An override needs words.
  Caller county;
  county.user_name = "县扶贫办";
  county.role = Role::kCountyOffice;
  county.area_scope = "430424";
  EXPECT_THROW(exits.Exit(county, {h_, "2016-11-20", std::nullopt, "", std::string("  ")}), Error);
  exits.Exit(county, {h_, "2016-11-20", std::nullopt, "", std::string("孩子11月已复学，教育局证明")});
  EXPECT_EQ(Status(), "exited");
  auto s = f_.db().Prepare("SELECT reason, unmet, role FROM exit_overrides");
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(0), "孩子11月已复学，教育局证明");
  EXPECT_NE(s->Text(1).find("criteria/education"), std::string::npos);
  EXPECT_EQ(s->Text(2), "county_office");
}

// Issue 24: the whole procedure for several households in one step, through
// the same checks; a household that fails keeps nothing and the others go on.
TEST_F(ExitTest, ABatchRunsTheProcedureForEachHouseholdWholeOrNotAtAll) {
  Facts(800000);  // H1 meets every criterion
  const int64_t low = f_.AddHousehold("H2", "430424100200", 2014);
  f_.AddPerson(low, "19700101", "head", "李四");  // no facts for 2016: the income criterion fails
  const int64_t other = f_.AddHousehold("H3", "430424101200", 2014);
  ExitBatchRequest r;
  r.year = 2016;
  r.household_ids = {h_, low, other, 999};
  r.appraisal_date = "2016-10-20";
  r.verification_date = "2016-10-25";
  r.notice_start = "2016-11-01";
  r.notice_end = "2016-11-07";
  r.exit_date = "2016-11-20";
  r.note = "批量退出";
  Caller cadre;
  cadre.user_id = 5;
  cadre.user_name = "村干部";
  cadre.role = Role::kVillageCadre;
  cadre.area_scope = "430424100200";
  ExitService exits(f_.db(), f_.clock());
  const auto results = exits.RunBatch(cadre, r);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[0].number, "H1");
  EXPECT_EQ(results[0].done, (std::vector<std::string>{"appraisal", "verification", "notice", "record"}));
  EXPECT_TRUE(results[0].event_id.has_value());
  EXPECT_EQ(Status(), "exited");
  EXPECT_EQ(results[1].failed_step, "record");
  EXPECT_EQ(results[1].code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(results[1].done.empty());
  EXPECT_EQ(results[2].failed_step, "appraisal");  // another village: not the cadre's
  EXPECT_EQ(results[2].code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(results[3].failed_step, "household");
  EXPECT_EQ(results[3].code, ErrorCode::kNotFound);
  // Nothing of the refused households was kept; H1's four steps were.
  EXPECT_EQ(*f_.db().QueryInt("SELECT count(*) FROM exit_steps WHERE household_id <> " + std::to_string(h_)), 0);
  EXPECT_EQ(*f_.db().QueryInt("SELECT count(*) FROM exit_steps WHERE household_id = " + std::to_string(h_)), 3);
}

TEST_F(ExitTest, ABadBatchIsRefusedWholeWithEveryProblemNamed) {
  ExitService exits(f_.db(), f_.clock());
  ExitBatchRequest r;
  r.year = 1999;
  r.household_ids = {h_, h_};
  r.notice_start = "2016-13-01";
  try {
    exits.RunBatch(f_.admin(), r);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_EQ(paths, (std::set<std::string>{"/year", "/household_ids/1", "/notice_start", "/notice_end"}));
  }
  r = {};
  r.year = 2016;
  r.household_ids = {h_};
  EXPECT_THROW(exits.RunBatch(f_.admin(), r), Error);  // no step at all
  r.appraisal_date = "2016-10-20";
  Caller auditor;
  auditor.role = Role::kAuditor;
  auditor.area_scope = "430424";
  try {
    exits.RunBatch(auditor, r);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(*f_.db().QueryInt("SELECT count(*) FROM exit_steps"), 0);
}

TEST_F(ExitTest, AssessmentExplainsEveryCriterionAndIsRepeatable) {
  Facts(400000, std::nullopt);  // income too low, the child's schooling not recorded
  auto first = AssessHouseholds(f_.db(), f_.admin(), 2016, "430424", f_.clock());
  ASSERT_EQ(first.assessed, 1);
  EXPECT_EQ(first.ready, 0);
  const auto& d = first.households[0].decision;
  ASSERT_EQ(d.criteria.size(), 6u);
  EXPECT_EQ(d.criteria[0].criterion, "income");
  EXPECT_EQ(d.criteria[0].outcome, Outcome::kFail);
  EXPECT_EQ(d.criteria[0].values["per_capita_net_income"], 200000);
  EXPECT_EQ(d.criteria[0].values["poverty_line"], 295200);
  EXPECT_EQ(d.criteria[2].outcome, Outcome::kUnknown);  // education: not recorded
  EXPECT_EQ(d.criteria[3].outcome, Outcome::kPass);
  EXPECT_EQ(d.reasons.size(), 2u);
  auto stored = [&] {
    auto s = f_.db().Prepare("SELECT ready, criteria FROM household_assessments WHERE household_id = ? AND year = 2016");
    s->BindInt(1, h_);
    EXPECT_TRUE(s->Step());
    return s->Text(1);
  };
  const std::string before = stored();
  AssessHouseholds(f_.db(), f_.admin(), 2016, "430424", f_.clock());
  EXPECT_EQ(stored(), before);
  EXPECT_EQ(*f_.db().QueryInt("SELECT count(*) FROM household_assessments"), 1);
  // A year without a poverty line is refused, naming the parameter.
  EXPECT_THROW(AssessHouseholds(f_.db(), f_.admin(), 2013, "430424", f_.clock()), Error);
}

// Issue 19 items 3 and 4: the batch's steps, the parameters' kinds and the school status are
// closed sets with one table each; the batch shares the procedure's words for its three steps,
// and the school status decides the education criterion by its enum.
TEST(AssessmentTermsTest, TheBatchStepsTheParameterKindsAndTheSchoolStatusAreTables) {
  fupin::testing::ExpectCompleteTable(ExitBatchSteps(), ExitBatchStep::kRecord);
  fupin::testing::ExpectCompleteTable(ParamValueTerms(), ParamValue::kList);
  fupin::testing::ExpectCompleteTable(registry::SchoolStatusTerms(), registry::SchoolStatus::kGraduated);
  for (const ExitStepKind k : {ExitStepKind::kAppraisal, ExitStepKind::kVerification, ExitStepKind::kNotice}) {
    const auto batch = ParseWire<ExitBatchStep>(ExitBatchSteps(), WireOf(ExitStepKinds(), k));
    ASSERT_TRUE(batch.has_value()) << WireOf(ExitStepKinds(), k);
    EXPECT_STREQ(LabelOf(ExitBatchSteps(), *batch), LabelOf(ExitStepKinds(), k));
  }
  // Every key kind but "none" has a term; "none" is "" on the wire.
  EXPECT_EQ(ParamKeyTerms().size(), 3U);
  EXPECT_STREQ(WireOf(ParamKeyTerms(), ParamKey::kNone), "");
  EXPECT_STREQ(WireOf(ParamKeyTerms(), ParamKey::kIndicator), "indicator");
  for (const auto& spec : ParameterSpecs()) {
    EXPECT_NE(std::string(WireOf(ParamValueTerms(), spec.value)), "") << spec.name;
  }
  EXPECT_TRUE(CompulsorySchoolingMet(registry::SchoolStatus::kHomeSchooled));
  EXPECT_FALSE(CompulsorySchoolingMet(registry::SchoolStatus::kDroppedOut));
  EXPECT_TRUE(CompulsorySchoolingMet("exempt"));
  EXPECT_FALSE(CompulsorySchoolingMet("Enrolled"));  // not a stored value
}

// The parameters' keys and lists are checked against the indicator and facility tables.
TEST_F(ExitTest, AParameterKeyOrListOutsideItsTableIsRefusedNamingTheTable) {
  Parameters p(f_.db(), f_.clock());
  try {
    p.Set(f_.admin(), "af_weight", "wealth", "0.2", "测试");
    FAIL() << "wealth is not an indicator";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1U);
    EXPECT_EQ(e.details()[0].path, "key");
    EXPECT_EQ(e.details()[0].problem, "'wealth' is not one of " + WireList(ParamIndicatorTerms()));
  }
  try {
    p.Set(f_.admin(), "village_facilities", "", "road,school", "测试");
    FAIL() << "school is not a facility";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1U);
    EXPECT_EQ(e.details()[0].path, "value");
    EXPECT_EQ(e.details()[0].problem, "'school' is not one of " + WireList(VillageFacilityTerms()));
  }
  EXPECT_EQ(p.Set(f_.admin(), "af_weight", "food_clothing", "0.2", "测试").key, "food_clothing");
}

}  // namespace
}  // namespace fupin::assessment
