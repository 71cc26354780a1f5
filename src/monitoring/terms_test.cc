#include "monitoring/terms.h"

#include <gtest/gtest.h>

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

TEST(MonitoringTermsTest, EveryOtherSetHasChineseLabels) {
  for (const Vocabulary& v : Vocabularies()) {
    EXPECT_FALSE(v.terms.empty()) << v.name;
    for (const Term& t : v.terms) EXPECT_TRUE(testing::HasNonAscii(t.zh)) << v.name << " " << t.wire;
  }
}

}  // namespace
}  // namespace fupin::monitoring
