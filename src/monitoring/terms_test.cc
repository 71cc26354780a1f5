#include "monitoring/terms.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/error.h"
#include "core/vocabulary_testing.h"
#include "monitoring/monitoring.h"

namespace fupin::monitoring {
namespace {

TEST(MonitoringTermsTest, EveryStepStatusAndCategoryHasAWireNameAndAChineseLabel) {
  testing::ExpectCompleteTable(CaseStepTerms(), ProcedureStep::kEntry);
  testing::ExpectCompleteTable(CaseStatusTerms(), CaseStatus::kRejected);
  testing::ExpectCompleteTable(CategoryTerms(), Category::kSudden);
  // The steps in order and their labels come from the one table.
  ASSERT_EQ(StepNames().size(), CaseStepTerms().size());
  EXPECT_EQ(StepNames().front(), "alert");
  EXPECT_EQ(StepNames().back(), "entry");
  EXPECT_STREQ(StepLabelZh("county_approval"), "县级审定");
  EXPECT_STREQ(CategoryLabelZh("marginal"), "边缘易致贫户");
  EXPECT_STREQ(StepLabelZh("nothing"), "");
}

// Issue 19 item 4: the sets compared inside the module are enums with one table each.
TEST(MonitoringTermsTest, TheSetsComparedInsideAreEnumsWithCompleteTables) {
  testing::ExpectCompleteTable(StepActionTerms(), StepAction::kOpen);
  testing::ExpectCompleteTable(MeasureKindTerms(), MeasureKind::kOther);
  testing::ExpectCompleteTable(MeasureStatusTerms(), MeasureStatus::kStopped);
  testing::ExpectCompleteTable(EliminationReasonTerms(), EliminationReason::kHardshipOver);
  testing::ExpectCompleteTable(OverdueKindTerms(), OverdueKind::kMonitoredTooLong);
  testing::ExpectCompleteTable(StepOutcomeTerms(), StepOutcome::kRejected);
  testing::ExpectCompleteTable(SpendingKindTerms(), SpendingKind::kAccident);
  EXPECT_STREQ(WireOf(OverdueKindTerms(), OverdueKind::kStepOverdue), "step_overdue");
  EXPECT_EQ(ParseWire<MeasureStatus>(MeasureStatusTerms(), "in_progress"), MeasureStatus::kInProgress);
  bool served = false;
  for (const Vocabulary& v : Vocabularies()) served |= std::string(v.name) == "overdue_kind";
  EXPECT_TRUE(served);
}

// Issue 19 item 4 (session 10): the risk rules, the alert kinds, the parameter kinds and the
// case sources are enums with one served table each.
TEST(MonitoringTermsTest, RulesAlertKindsAndParameterKindsAreServedTables) {
  testing::ExpectCompleteTable(RiskRuleTerms(), RiskRule::kSelfApplication);
  testing::ExpectCompleteTable(AlertKindTerms(), AlertKind::kUnemployment);
  testing::ExpectCompleteTable(ParameterKindTerms(), ParameterKind::kProcedure);
  testing::ExpectCompleteTable(CaseSourceTerms(), CaseSource::kDataAnalysis);
  EXPECT_STREQ(WireOf(RiskRuleTerms(), RiskRule::kDividendsStopped), "dividends_stopped");
  EXPECT_STREQ(LabelOf(RiskRuleTerms(), RiskRule::kJobLoss), "家庭成员失业");
  std::set<std::string> served;
  for (const Vocabulary& v : Vocabularies()) served.insert(v.name);
  for (const char* name : {"risk_rule", "alert_kind", "parameter_kind"}) EXPECT_TRUE(served.contains(name)) << name;
}

// A clerk's word for an alert kind is read; anything else is refused naming the field and the values.
TEST(MonitoringTermsTest, AnAlertKindIsReadFromItsWireStringOrLabelAndRefusedOtherwise) {
  EXPECT_EQ(ParseAlertKind("disaster"), AlertKind::kDisaster);
  EXPECT_EQ(ParseAlertKind("医疗"), AlertKind::kMedical);
  EXPECT_EQ(ParseAlertKind("灾害损失"), AlertKind::kDisaster);
  EXPECT_EQ(ParseAlertKind("失业"), AlertKind::kUnemployment);
  EXPECT_EQ(ParseAlertKind("flood"), std::nullopt);
  EXPECT_EQ(AlertKindOf("unemployment", "alert_kind"), AlertKind::kUnemployment);
  try {
    AlertKindOf("flood", "alert_kind");
    FAIL() << "flood was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "alert_kind");
    EXPECT_EQ(e.details()[0].problem, "'flood' is not medical, disaster or unemployment");
  }
}

TEST(MonitoringTermsTest, EveryOtherSetHasChineseLabels) {
  for (const Vocabulary& v : Vocabularies()) {
    EXPECT_FALSE(v.terms.empty()) << v.name;
    for (const Term& t : v.terms) EXPECT_TRUE(testing::HasNonAscii(t.zh)) << v.name << " " << t.wire;
  }
}

}  // namespace
}  // namespace fupin::monitoring
