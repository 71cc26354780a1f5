#include "social/terms.h"

#include <gtest/gtest.h>

#include "core/vocabulary_testing.h"
#include "social/need_index.h"

namespace fupin::social {
namespace {

TEST(SocialTermsTest, EveryStateHasAWireNameAndAChineseLabel) {
  testing::ExpectCompleteTable(NeedStatusTerms(), NeedStatus::kRejected);
  testing::ExpectCompleteTable(PledgeStatusTerms(), PledgeStatus::kReleased);
  testing::ExpectCompleteTable(DockingStatusTerms(), DockingStatus::kRejected);
  EXPECT_STREQ(NeedStatusName(NeedStatus::kPendingReview), "pending_review");
  EXPECT_EQ(ParseNeedStatus("open"), NeedStatus::kOpen);
}

// The need index ranks by the ids of the category and urgency tables.
TEST(SocialTermsTest, TheNeedIndexUsesTheTablesIds) {
  EXPECT_EQ(NeedCategoryTerms().size(), static_cast<size_t>(kCategoryCount));
  for (const Term& t : NeedCategoryTerms()) {
    EXPECT_EQ(CategoryIndex(t.wire), t.id);
    EXPECT_STREQ(CategoryName(t.id), t.wire);
  }
  EXPECT_EQ(UrgencyIndex("critical"), 2);
  EXPECT_EQ(CategoryIndex("nothing"), -1);
  for (const Vocabulary& v : Vocabularies()) {
    for (const Term& t : v.terms) EXPECT_TRUE(testing::HasNonAscii(t.zh)) << v.name << " " << t.wire;
  }
}

// Issue 19 item 4: the public-text check's finding kinds are one served table.
TEST(SocialTermsTest, ThePersonalDataKindsAreOneServedTable) {
  testing::ExpectCompleteTable(PersonalDataKindTerms(), PersonalDataKind::kLandlinePhone);
  EXPECT_STREQ(WireOf(PersonalDataKindTerms(), PersonalDataKind::kMobilePhone), "mobile_phone");
  EXPECT_STREQ(LabelOf(PersonalDataKindTerms(), PersonalDataKind::kIdNumber), "身份证号");
  bool served = false;
  for (const Vocabulary& v : Vocabularies()) served |= std::string(v.name) == "personal_data_kind";
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace fupin::social
