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
