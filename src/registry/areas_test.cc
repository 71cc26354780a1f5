#include "registry/areas.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "registry/testing.h"

namespace fupin::registry {
namespace {

TEST(AreasTest, ShowCountsDescendantsByLevel) {
  testing::RegistryFixture f;
  f.AddAreas();
  auto v = ShowArea(f.db(), f.admin(), "430424");
  EXPECT_EQ(v.area.name, "衡东县");
  ASSERT_EQ(v.parents.size(), 2u);
  EXPECT_EQ(v.parents[0].code, "43");
  EXPECT_EQ(v.children.size(), 2u);
  EXPECT_EQ(v.descendants[static_cast<int>(AreaLevel::kTownship) - 1], 2);
  EXPECT_EQ(v.descendants[static_cast<int>(AreaLevel::kVillage) - 1], 3);
  EXPECT_THROW(ShowArea(f.db(), f.admin(), "999999"), Error);
  EXPECT_THROW(ShowArea(f.db(), f.admin(), "12345"), Error);
}

// Areas by part of their name, within the caller's area by default, each with
// its path of names from that area down.
TEST(AreasTest, FindByNameWithPath) {
  testing::RegistryFixture f;
  f.AddAreas();
  f.db().Execute("INSERT INTO areas (code, name, level, parent_code) VALUES ('430424100202', '洣水村', 5, '430424100')");
  Caller county = f.admin();
  county.area_scope = "430424";
  auto found = FindAreas(f.db(), county, "洣水");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].area.code, "430424100");  // the township before the village
  ASSERT_EQ(found[0].path.size(), 1u);
  EXPECT_EQ(found[0].path[0].name, "衡东县");
  EXPECT_EQ(found[1].area.name, "洣水村");
  ASSERT_EQ(found[1].path.size(), 2u);
  EXPECT_EQ(found[1].path[1].name, "洣水镇");
  // Another county's areas are outside the default; "within" reaches them.
  EXPECT_TRUE(FindAreas(f.db(), county, "洪桥").empty());
  EXPECT_EQ(FindAreas(f.db(), county, "洪桥", "430426").size(), 1u);
  EXPECT_EQ(FindAreas(f.db(), f.admin(), "村", "", 2).size(), 2u);  // the limit
  EXPECT_TRUE(FindAreas(f.db(), county, "%").empty());            // % is a character, not a wildcard
  EXPECT_THROW(FindAreas(f.db(), county, "  "), Error);
  EXPECT_THROW(FindAreas(f.db(), county, "村", "430499"), Error);
}

TEST(AreasTest, YearlyFactsAreKeptPerYear) {
  testing::RegistryFixture f;
  f.AddAreas();
  SetAreaYear(f.db(), f.admin(), {"430424100200", 2014, 1200, true, std::nullopt});
  SetAreaYear(f.db(), f.admin(), {"430424100200", 2017, 1180, false, 2017});
  SetAreaYear(f.db(), f.admin(), {"430424100200", 2014, 1210, true, std::nullopt});  // corrected
  auto years = ListAreaYears(f.db(), f.admin(), "430424100200");
  ASSERT_EQ(years.size(), 2u);
  EXPECT_EQ(years[0].rural_population, 1210);
  EXPECT_EQ(years[1].exit_year, 2017);
  EXPECT_THROW(SetAreaYear(f.db(), f.admin(), {"430424100200", 2014, -5, true, std::nullopt}), Error);
}

TEST(AreasTest, OnlyAnAdministratorImports) {
  testing::RegistryFixture f;
  Caller c;
  c.role = Role::kCountyOffice;
  EXPECT_THROW(ImportAreas(f.db(), c, "/nonexistent"), Error);
}

}  // namespace
}  // namespace fupin::registry
