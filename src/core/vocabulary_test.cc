#include "core/vocabulary.h"

#include <gtest/gtest.h>

#include "core/caller.h"
#include "core/vocabulary_testing.h"

namespace fupin {
namespace {

TEST(VocabularyTest, EveryRoleHasAWireNameAndAChineseLabel) {
  testing::ExpectCompleteTable(RoleTerms(), Role::kAuditor);
  ASSERT_EQ(AllRoles().size(), RoleTerms().size());
  for (Role role : AllRoles()) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
    EXPECT_STREQ(RoleNameZh(role), LabelOf(RoleTerms(), role));
  }
  EXPECT_STREQ(RoleName(Role::kCountyOffice), "county_office");
  EXPECT_STREQ(RoleNameZh(Role::kCountyOffice), "县扶贫办");
  EXPECT_FALSE(ParseRole("County_Office").has_value());
}

TEST(VocabularyTest, WireListNamesEveryValue) {
  constexpr Term kTerms[] = {{0, "a", "甲"}, {1, "b", "乙"}, {2, "c", "丙"}};
  EXPECT_EQ(WireList(kTerms), "a, b or c");
  EXPECT_EQ(FindTerm(kTerms, 7), nullptr);
  EXPECT_EQ(FindWire(kTerms, "b"), 1);
}

// SQL built in C++ takes stored values from the table: a literal, a list, the
// order, each quoted (issue 19: no stale literal when a wire string changes).
TEST(VocabularyTest, SqlLiteralsComeFromTheTable) {
  enum class Step { kA, kB, kC };
  constexpr Term kTerms[] = {{0, "a", "甲"}, {1, "b_b", "乙"}, {2, "c", "丙"}};
  EXPECT_EQ(SqlWire(kTerms, 1), "'b_b'");
  EXPECT_EQ(SqlWire(kTerms, Step::kB), "'b_b'");
  EXPECT_EQ(SqlWireList(kTerms, {2, 0}), "('c', 'a')");
  EXPECT_EQ(SqlWireList(kTerms, {Step::kA, Step::kC}), "('a', 'c')");
  EXPECT_EQ(SqlOrderOf(kTerms, "x.kind"), "CASE x.kind WHEN 'a' THEN 0 WHEN 'b_b' THEN 1 WHEN 'c' THEN 2 ELSE 3 END");
  EXPECT_EQ(SqlQuoted("it's"), "'it''s'");
}

// The local operator of the command line is an administrator of the nation.
TEST(VocabularyTest, TheLocalOperatorIsTheFirstRoleOfTheNation) {
  const Caller c = Caller::LocalOperator();
  EXPECT_STREQ(RoleName(c.role), "administrator");
  EXPECT_EQ(c.area_scope, "");
}

}  // namespace
}  // namespace fupin
