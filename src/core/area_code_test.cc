#include "core/area_code.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

TEST(AreaCodeTest, Levels) {
  EXPECT_EQ(LevelOfCode("43"), AreaLevel::kProvince);
  EXPECT_EQ(LevelOfCode("4304"), AreaLevel::kCity);
  EXPECT_EQ(LevelOfCode("430424"), AreaLevel::kCounty);
  EXPECT_EQ(LevelOfCode("430424100"), AreaLevel::kTownship);
  EXPECT_EQ(LevelOfCode("430424100001"), AreaLevel::kVillage);
  EXPECT_FALSE(LevelOfCode("4304241"));
  EXPECT_FALSE(LevelOfCode("43a4"));
}

TEST(AreaCodeTest, NormalisesPaddedCodes) {
  EXPECT_EQ(NormalizeAreaCode("430424000000"), "430424");
  EXPECT_EQ(NormalizeAreaCode("430424100000"), "430424100");
  EXPECT_EQ(NormalizeAreaCode("430000000000"), "43");
  EXPECT_EQ(NormalizeAreaCode("430400000000"), "4304");
  EXPECT_EQ(NormalizeAreaCode("430424100201"), "430424100201");
  EXPECT_EQ(NormalizeAreaCode("430424"), "430424");
  EXPECT_FALSE(NormalizeAreaCode("43042"));
}

TEST(AreaCodeTest, Parents) {
  EXPECT_EQ(ParentAreaCode("430424100201"), "430424100");
  EXPECT_EQ(ParentAreaCode("430424100"), "430424");
  EXPECT_EQ(ParentAreaCode("430424"), "4304");
  EXPECT_EQ(ParentAreaCode("4304"), "43");
  EXPECT_EQ(ParentAreaCode("43"), "");
  EXPECT_TRUE(AreaContains("", "43"));
  EXPECT_TRUE(AreaContains("430424", "430424100201"));
  EXPECT_FALSE(AreaContains("430425", "430424100201"));
}

}  // namespace
}  // namespace fupin
