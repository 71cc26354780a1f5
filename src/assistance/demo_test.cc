#include <gtest/gtest.h>

#include "assessment/schema.h"
#include "assistance/assistance_json.h"
#include "assistance/coverage.h"
#include "assistance/demo.h"
#include "assistance/schema.h"
#include "core/error.h"
#include "registry/testing.h"

namespace fupin::assistance {
namespace {

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& x : Migrations()) m.push_back(std::move(x));
  return m;
}

struct Case {
  int households, cadres, teams, members, leaders;
};

class DemoTest : public ::testing::TestWithParam<Case> {};

TEST_P(DemoTest, TheFiguresComeOutAsAskedAndBothCoveragesAreFull) {
  const Case c = GetParam();
  registry::testing::RegistryFixture fx(Extra());
  fx.AddAreas();
  fx.db().Execute("INSERT INTO area_years (area_code, year, poor_village) VALUES ('430424100200', 2016, 1)");
  for (int i = 0; i < c.households; ++i) {
    fx.AddHousehold("D" + std::to_string(i), i % 2 ? "430424100201" : "430424101200");
  }
  DemoOptions o;
  o.county_leaders = c.leaders;
  o.sector_departments = 29;
  o.work_teams = c.teams;
  o.work_team_members = c.members;
  o.paired_cadres = c.cadres;
  const DemoResult r = GenerateDemo(fx.db(), o);
  EXPECT_EQ(r.households_paired, c.households);
  const auto j = FiguresJson(ProgressFigures(fx.db(), fx.admin(), "430424", 2020, "2020-09-30"));
  EXPECT_EQ(j["county_leaders_linked"], c.leaders);
  EXPECT_EQ(j["sector_departments"], 29);
  EXPECT_EQ(j["work_teams"], c.teams);
  EXPECT_EQ(j["work_team_members"], c.members);
  EXPECT_EQ(j["paired_cadres"], c.cadres);
  EXPECT_EQ(j["households_paired"], c.households);
  EXPECT_EQ(j["villages_with_tasks"], 3);
  EXPECT_EQ(j["resident_coverage_rate"]["value"], 100.0);
  EXPECT_EQ(j["pairing_coverage_rate"]["value"], 100.0);
  const auto cov = Coverage(fx.db(), fx.admin(), "430424", "2020-09-30", fx.clock());
  EXPECT_TRUE(cov.households_not_visited.empty());
  EXPECT_TRUE(cov.cadres_over_limit.empty());
  // Units are named after the county, never "县县妇联".
  EXPECT_EQ(fx.db().QueryInt("SELECT count(*) FROM cadres WHERE unit LIKE '%县县%'"), 0);
  EXPECT_GT(fx.db().QueryInt("SELECT count(*) FROM cadres WHERE unit LIKE '衡东县%'"), 0);
  // A second run on the same area is refused and writes nothing.
  EXPECT_THROW(GenerateDemo(fx.db(), o), Error);
}

INSTANTIATE_TEST_SUITE_P(Sizes, DemoTest,
                         ::testing::Values(Case{10, 4, 1, 3, 2}, Case{30, 12, 3, 7, 5}, Case{50, 10, 2, 2, 1}));

TEST(CountyUnitName, TheCountysNameOnceInEachUnit) {
  EXPECT_EQ(CountyUnitName("衡东县", "教育局"), "衡东县教育局");
  EXPECT_EQ(CountyUnitName("衡东县", "县妇联"), "衡东县妇联");
  EXPECT_EQ(CountyUnitName("衡东县", "县委组织部"), "衡东县委组织部");
  EXPECT_EQ(CountyUnitName("衡东县", "团县委"), "团衡东县委");
  EXPECT_EQ(CountyUnitName("湘乡市", "县妇联"), "湘乡市妇联");
}

TEST(DemoRefusal, TooFewCadresForTheLimit) {
  registry::testing::RegistryFixture fx(Extra());
  fx.AddAreas();
  for (int i = 0; i < 12; ++i) fx.AddHousehold("X" + std::to_string(i), "430424100201");
  DemoOptions o;
  o.county_leaders = 1;
  o.work_teams = 1;
  o.work_team_members = 1;
  o.paired_cadres = 2;  // 6 each, over 5
  EXPECT_THROW(GenerateDemo(fx.db(), o), Error);
  EXPECT_EQ(fx.db().QueryInt("SELECT count(*) FROM cadres"), 0);
}

}  // namespace
}  // namespace fupin::assistance
