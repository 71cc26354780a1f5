#include "assessment/incidence.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "registry/areas.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::assessment {
namespace {

// A small county, worked by hand:
//   H1 (village 430424100200, 3 persons) identified 2014, exited 2016-11-01
//   H2 (village 430424100201, 2 persons) identified 2015; one member moves to H3 on 2016-06-01
//   H3 (village 430424101200, 1 person)  identified 2014, removed 2015-05-01
// Rural population: villages 1000, 500, 300 in 2014-2016; township 430424101
// has its own figure 400 in 2015 (it wins over its village's 300).
//
//   year  poor households        poor persons         population          rate
//   2014  H1, H3 = 2             3 + 1 = 4            1000+500+300 = 1800  0.22 %
//   2015  H1, H2 = 2             3 + 2 = 5            1000+500+400 = 1900  0.26 %
//   2016  H2 = 1                 1 (one moved out)    1800                 0.06 %
class IncidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.AddAreas();
    h1_ = f_.AddHousehold("H1", "430424100200", 2014);
    h2_ = f_.AddHousehold("H2", "430424100201", 2015);
    h3_ = f_.AddHousehold("H3", "430424101200", 2014);
    for (int i = 0; i < 3; ++i) f_.AddPerson(h1_, "1970010" + std::to_string(i + 1));
    f_.AddPerson(h2_, "19800101");
    mover_ = f_.AddPerson(h2_, "19810101");
    f_.AddPerson(h3_, "19600101");
    // Events written directly: this test is about counting, not the exit procedure.
    f_.AddEvent(h1_, "exited", "2016-11-01");
    f_.AddEvent(h3_, "removed", "2015-05-01");
    registry::PersonRegistry persons(f_.db(), f_.clock());
    persons.MovePerson(f_.admin(), mover_, h3_, "other", "2016-06-01", "分户");
    for (int y = 2014; y <= 2016; ++y) {
      registry::SetAreaYear(f_.db(), f_.admin(), {"430424100200", y, 1000, true, std::nullopt});
      registry::SetAreaYear(f_.db(), f_.admin(), {"430424100201", y, 500, false, std::nullopt});
      registry::SetAreaYear(f_.db(), f_.admin(), {"430424101200", y, 300, false, std::nullopt});
    }
    registry::SetAreaYear(f_.db(), f_.admin(), {"430424101", 2015, 400, false, std::nullopt});
  }

  registry::testing::RegistryFixture f_;
  int64_t h1_ = 0, h2_ = 0, h3_ = 0, mover_ = 0;
};

TEST_F(IncidenceTest, CountsPoorPersonsAtTheEndOfEachYear) {
  auto rows = ComputeIncidence(f_.db(), f_.admin(), "430424", 2014, 2016);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].year, 2014);
  EXPECT_EQ(rows[0].poor_households, 2);
  EXPECT_EQ(rows[0].poor_persons, 4);
  EXPECT_EQ(rows[0].rural_population, 1800);
  EXPECT_DOUBLE_EQ(rows[0].rate(), 4.0 / 1800);
  EXPECT_EQ(rows[1].poor_households, 2);
  EXPECT_EQ(rows[1].poor_persons, 5);
  EXPECT_EQ(rows[1].rural_population, 1900);
  EXPECT_EQ(rows[2].poor_households, 1);
  EXPECT_EQ(rows[2].poor_persons, 1);
  EXPECT_EQ(rows[2].rural_population, 1800);
}

TEST_F(IncidenceTest, WorksAtEveryLevel) {
  // Village 430424100201 in 2016: H2 with its one remaining member, of 500.
  auto village = ComputeIncidence(f_.db(), f_.admin(), "430424100201", 2016, 2016);
  ASSERT_EQ(village.size(), 1u);
  EXPECT_EQ(village[0].poor_persons, 1);
  EXPECT_EQ(village[0].rural_population, 500);
  EXPECT_DOUBLE_EQ(village[0].rate(), 0.002);
  // Township 430424101 in 2015: H3 removed, own population figure.
  auto township = ComputeIncidence(f_.db(), f_.admin(), "430424101", 2015, 2015);
  EXPECT_EQ(township[0].poor_households, 0);
  EXPECT_EQ(township[0].rural_population, 400);
  // The province and the nation add up the same villages.
  auto province = ComputeIncidence(f_.db(), f_.admin(), "43", 2014, 2014);
  EXPECT_EQ(province[0].poor_persons, 4);
  EXPECT_EQ(province[0].rural_population, 1800);
  auto nation = ComputeIncidence(f_.db(), f_.admin(), "", 2015, 2015);
  EXPECT_EQ(nation[0].poor_persons, 5);
  EXPECT_EQ(nation[0].rural_population, 1900);
  // Another county: nothing known, rate 0.
  auto other = ComputeIncidence(f_.db(), f_.admin(), "430426", 2014, 2014);
  EXPECT_EQ(other[0].poor_persons, 0);
  EXPECT_EQ(other[0].rural_population, 0);
  EXPECT_EQ(other[0].rate(), 0.0);
  // The padded code names the same county.
  EXPECT_EQ(ComputeIncidence(f_.db(), f_.admin(), "430424000000", 2014, 2014)[0].area_code, "430424");
}

TEST_F(IncidenceTest, AtADate) {
  // 31 October 2016: H1 not yet exited (3), H2 after the move (1).
  auto row = ComputeIncidenceAt(f_.db(), f_.admin(), "430424", "2016-10-31");
  EXPECT_EQ(row.year, 2016);
  EXPECT_EQ(row.poor_households, 2);
  EXPECT_EQ(row.poor_persons, 4);
  EXPECT_EQ(row.rural_population, 1800);
  // On the day of the exit the household counts as exited.
  EXPECT_EQ(ComputeIncidenceAt(f_.db(), f_.admin(), "430424", "2016-11-01").poor_persons, 1);
  // On the day of the move the person counts in the new household (removed: not poor).
  EXPECT_EQ(ComputeIncidenceAt(f_.db(), f_.admin(), "430424100201", "2016-06-01").poor_persons, 1);
  EXPECT_EQ(ComputeIncidenceAt(f_.db(), f_.admin(), "430424100201", "2016-05-31").poor_persons, 2);
}

TEST_F(IncidenceTest, ChecksInputAndAccess) {
  EXPECT_THROW(ComputeIncidence(f_.db(), f_.admin(), "4304249", 2014, 2016), Error);
  EXPECT_THROW(ComputeIncidence(f_.db(), f_.admin(), "430425", 2014, 2016), Error);   // no such area
  EXPECT_THROW(ComputeIncidence(f_.db(), f_.admin(), "430424", 2016, 2014), Error);   // years reversed
  EXPECT_THROW(ComputeIncidenceAt(f_.db(), f_.admin(), "430424", "2016-13-01"), Error);
  Caller cadre;
  cadre.role = Role::kVillageCadre;
  cadre.area_scope = "430424100200";
  EXPECT_EQ(ComputeIncidence(f_.db(), cadre, "430424100200", 2014, 2014)[0].poor_persons, 3);
  try {
    ComputeIncidence(f_.db(), cadre, "430424", 2014, 2014);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  Caller donor;
  donor.role = Role::kDonor;
  EXPECT_THROW(ComputeIncidence(f_.db(), donor, "430424", 2014, 2014), Error);
}

}  // namespace
}  // namespace fupin::assessment
