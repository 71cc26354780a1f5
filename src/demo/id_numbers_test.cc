#include "demo/id_numbers.h"

#include <gtest/gtest.h>

#include <set>

namespace fupin::demo {
namespace {

TEST(IdNumbersTest, FormatsAValidNumber) {
  const std::string n = FormatIdNumber("430424", Date{1990, 3, 7}, 123);
  EXPECT_EQ(n.substr(0, 17), "43042419900307123");
  const auto check = CheckIdNumber(n, Date{2020, 9, 30});
  ASSERT_TRUE(check.ok()) << check.problem;
  EXPECT_EQ(check.number->birth_date, (Date{1990, 3, 7}));
  EXPECT_EQ(check.number->sex, Sex::kMale);
}

TEST(IdNumbersTest, AllocatesUniqueValidNumbersThatAgreeWithBirthAndSex) {
  IdNumberAllocator ids(17);
  std::set<std::string> seen;
  for (int i = 0; i < 1200; ++i) {
    Date birth{1960, 5, 20};  // the same day over and over: the 500 slots run out
    const Sex sex = i % 3 == 0 ? Sex::kFemale : Sex::kMale;
    const std::string n = ids.Allocate("430424", birth, sex);
    ASSERT_TRUE(seen.insert(n).second) << n;
    const auto check = CheckIdNumber(n, Date{2020, 9, 30});
    ASSERT_TRUE(check.ok()) << n << ": " << check.problem;
    EXPECT_EQ(check.number->birth_date, birth);
    EXPECT_EQ(check.number->sex, sex);
    EXPECT_EQ(check.number->area_prefix, "430424");
  }
}

TEST(IdNumbersTest, TheFirstSlotChangesTheNumbers) {
  IdNumberAllocator a(0), b(200);
  Date d1{1980, 1, 1}, d2{1980, 1, 1};
  EXPECT_NE(a.Allocate("430424", d1, Sex::kMale), b.Allocate("430424", d2, Sex::kMale));
}

}  // namespace
}  // namespace fupin::demo
