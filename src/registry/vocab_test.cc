#include "registry/vocab.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "registry/status.h"

namespace fupin::registry {
namespace {

bool HasNonAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

TEST(RegistryVocabTest, HouseholdStatusesAndEventKindsAreTypesOfTheOneTable) {
  ASSERT_EQ(HouseholdStatuses().size(), static_cast<size_t>(HouseholdState::kUnregistered) + 1);
  for (size_t i = 0; i < HouseholdStatuses().size(); ++i) {
    const auto s = static_cast<HouseholdState>(i);
    EXPECT_EQ(ParseStatus(StatusName(s)), s);
    EXPECT_TRUE(HasNonAscii(LabelZh(HouseholdStatuses(), StatusName(s)))) << StatusName(s);
  }
  ASSERT_EQ(EventKinds().size(), static_cast<size_t>(EventKind::kDeceased) + 1);
  for (size_t i = 0; i < EventKinds().size(); ++i) {
    const auto k = static_cast<EventKind>(i);
    EXPECT_EQ(ParseEventKind(EventKindName(k)), k);
    EXPECT_TRUE(HasNonAscii(LabelZh(EventKinds(), EventKindName(k)))) << EventKindName(k);
  }
  EXPECT_EQ(StatusName(HouseholdState::kExited), "exited");
  EXPECT_EQ(StatusAfter("returned"), "poor");
  EXPECT_EQ(StatusAfter("deceased"), "deceased");
  EXPECT_EQ(StatusAfter("nothing"), "unregistered");
  EXPECT_FALSE(ParseStatus("Poor").has_value());
}

// The school status is a closed set (the exit criteria branch on it): one table, and the code
// list the import sheets and the policy catalogue read is that table.
TEST(RegistryVocabTest, TheSchoolStatusCodeListIsItsEnumsTable) {
  ASSERT_EQ(SchoolStatuses().size(), SchoolStatusTerms().size());
  ASSERT_EQ(SchoolStatusTerms().size(), static_cast<size_t>(SchoolStatus::kGraduated) + 1);
  for (size_t i = 0; i < SchoolStatuses().size(); ++i) {
    EXPECT_EQ(SchoolStatuses()[i].name, SchoolStatusTerms()[i].wire);
    EXPECT_EQ(SchoolStatuses()[i].label_zh, SchoolStatusTerms()[i].zh);
    EXPECT_EQ(SchoolStatusTerms()[i].id, static_cast<int>(i));
  }
  EXPECT_STREQ(WireOf(SchoolStatusTerms(), SchoolStatus::kHomeSchooled), "home_schooled");
  EXPECT_EQ(ParseTerm(SchoolStatuses(), "送教上门"), "home_schooled");
}

// Statuses and event kinds in SQL come from their tables, and the status an event leads to in
// SQL is StatusAfter's for every kind.
TEST(RegistryVocabTest, StatusesAndEventKindsInSqlComeFromTheTables) {
  EXPECT_EQ(SqlLiteral(HouseholdState::kExited), "'exited'");
  EXPECT_EQ(SqlLiteral(EventKind::kIdentified), "'identified'");
  EXPECT_EQ(SqlList({HouseholdState::kPoor, HouseholdState::kExited}), "('poor', 'exited')");
  EXPECT_EQ(SqlList({EventKind::kRemoved, EventKind::kDeceased}), "('removed', 'deceased')");
  const std::string sql = StatusOfKindSql("k");
  for (const CodeTerm& k : EventKinds()) {
    const std::string when = "WHEN '" + std::string(k.name) + "' THEN '" + std::string(StatusAfter(k.name)) + "'";
    EXPECT_NE(sql.find(when), std::string::npos) << sql;
  }
  EXPECT_EQ(StatusOrUnregisteredOnSql("h.id").rfind("COALESCE(", 0), 0U);
  EXPECT_NE(StatusOrUnregisteredOnSql("h.id").find(", 'unregistered')"), std::string::npos);
}

TEST(RegistryVocabTest, EveryServedVocabularyHasDistinctValuesWithChineseLabels) {
  std::set<std::string> names;
  for (const CodeList& v : Vocabularies()) {
    EXPECT_TRUE(names.insert(v.name).second) << v.name;
    std::set<std::string_view> values;
    for (const CodeTerm& t : v.terms) {
      EXPECT_TRUE(values.insert(t.name).second) << v.name << " " << t.name;
      EXPECT_TRUE(HasNonAscii(t.label_zh)) << v.name << " " << t.name;
    }
  }
}

}  // namespace
}  // namespace fupin::registry
