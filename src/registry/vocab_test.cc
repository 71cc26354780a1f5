#include "registry/vocab.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

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

TEST(RegistryVocabTest, EveryServedVocabularyHasDistinctValuesWithChineseLabels) {
  std::set<std::string> names;
  for (const NamedTerms& v : Vocabularies()) {
    EXPECT_TRUE(names.insert(v.name).second) << v.name;
    std::set<std::string_view> values;
    for (const Term& t : v.terms) {
      EXPECT_TRUE(values.insert(t.name).second) << v.name << " " << t.name;
      EXPECT_TRUE(HasNonAscii(t.label_zh)) << v.name << " " << t.name;
    }
  }
}

}  // namespace
}  // namespace fupin::registry
