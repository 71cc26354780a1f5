#include "registry/households.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "access/personal_data.h"
#include "core/id_number.h"
#include "core/error.h"
#include "registry/testing.h"
#include "store/testing/faulty_connection.h"

namespace fupin::registry {
namespace {

class HouseholdsTest : public ::testing::Test {
 protected:
  void SetUp() override { f_.AddAreas(); }
  testing::RegistryFixture f_;
  HouseholdRegistry households() { return HouseholdRegistry(f_.db(), f_.clock()); }
  PersonRegistry persons() { return PersonRegistry(f_.db(), f_.clock()); }

  static Caller VillageCadre(const std::string& village) {
    Caller c;
    c.user_id = 7;
    c.user_name = "cadre";
    c.role = Role::kVillageCadre;
    c.area_scope = village;
    return c;
  }
};

// Exits are written here as rows: the registry records them only for the exit
// procedure (assessment::ExitService, tested there).
void InsertExit(store::Connection& db, int64_t household_id, const std::string& date) {
  auto s = db.Prepare(
      "INSERT INTO household_events (household_id, kind, year, date, reason, actor, recorded_at)"
      " VALUES (?, 'exited', ?, ?, '', 'test', 0)");
  s->BindInt(1, household_id);
  s->BindInt(2, std::stoi(date.substr(0, 4)));
  s->BindText(3, date);
  s->Run();
}

TEST_F(HouseholdsTest, StatusIsDerivedFromTheHistory) {
  const int64_t id = f_.AddHousehold("H1", "430424100200", 2014);
  auto reg = households();
  EXPECT_EQ(reg.GetHousehold(f_.admin(), id).status, "poor");
  InsertExit(f_.db(), id, "2016-11-01");
  EXPECT_EQ(reg.GetHousehold(f_.admin(), id).status, "exited");
  reg.RecordEvent(f_.admin(), {id, "returned", "2019-02-01", std::nullopt, "因病返贫"});
  InsertExit(f_.db(), id, "2020-06-01");
  auto h = reg.GetHousehold(f_.admin(), id);
  EXPECT_EQ(h.status, "exited");
  ASSERT_EQ(h.events.size(), 4u);  // nothing overwritten
  // Status as of earlier years.
  HouseholdRegistry::ListFilter filter;
  filter.status = "poor";
  filter.year = 2019;
  EXPECT_EQ(reg.ListHouseholds(f_.admin(), filter).total, 1);
  filter.year = 2017;
  EXPECT_EQ(reg.ListHouseholds(f_.admin(), filter).total, 0);
}

TEST_F(HouseholdsTest, EventYearMayBeTheYearBeforeTheDate) {
  const int64_t id = f_.AddHousehold("H1", "430424100200", 2014);
  auto reg = households();
  EXPECT_THROW(reg.RecordEvent(f_.admin(), {id, "removed", "2017-01-10", 2015, ""}), Error);
  reg.RecordEvent(f_.admin(), {id, "removed", "2017-01-10", 2016, "2016年度清退"});
  EXPECT_EQ(reg.GetHousehold(f_.admin(), id).events.back().year, 2016);
}

TEST_F(HouseholdsTest, AnExitIsNotRecordedOutsideTheExitProcedure) {
  const int64_t id = f_.AddHousehold("H1", "430424100200", 2014);
  auto reg = households();
  try {
    reg.RecordEvent(f_.admin(), {id, "exited", "2016-11-01", std::nullopt, "达标"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(std::string(e.what()).find("exit procedure"), std::string::npos);
  }
  EXPECT_EQ(reg.GetHousehold(f_.admin(), id).status, "poor");
}

TEST_F(HouseholdsTest, AVillageCadreSeesAndChangesOnlyTheirVillage) {
  const int64_t mine = f_.AddHousehold("M", "430424100200");
  const int64_t other = f_.AddHousehold("O", "430424100201");
  auto reg = households();
  const Caller cadre = VillageCadre("430424100200");
  EXPECT_EQ(reg.GetHousehold(cadre, mine).number, "M");
  try {
    reg.GetHousehold(cadre, other);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  EXPECT_THROW(reg.RecordEvent(cadre, {other, "exited", "2016-01-01", std::nullopt, ""}), Error);
  HouseholdInput in;
  in.number = "X";
  in.village_code = "430424100201";
  in.identified_year = 2015;
  EXPECT_THROW(reg.AddHousehold(cadre, in), Error);
  // Listing the whole county narrows to the cadre's village.
  HouseholdRegistry::ListFilter all;
  all.area_code = "430424";
  auto page = reg.ListHouseholds(cadre, all);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0].number, "M");
  // A list of another county is refused.
  all.area_code = "430426";
  EXPECT_THROW(reg.ListHouseholds(cadre, all), Error);
}

TEST_F(HouseholdsTest, DonorsAndAuditorsCannotWrite) {
  const int64_t id = f_.AddHousehold("H", "430424100200");
  auto reg = households();
  Caller donor;
  donor.role = Role::kDonor;
  EXPECT_THROW(reg.GetHousehold(donor, id), Error);
  Caller auditor;
  auditor.role = Role::kAuditor;
  EXPECT_EQ(reg.GetHousehold(auditor, id).number, "H");
  EXPECT_THROW(reg.RecordEvent(auditor, {id, "exited", "2016-01-01", std::nullopt, ""}), Error);
}

TEST_F(HouseholdsTest, OnlyVillagesHoldHouseholds) {
  auto reg = households();
  HouseholdInput in;
  in.number = "X";
  in.village_code = "430424100";
  in.identified_year = 2014;
  try {
    reg.AddHousehold(f_.admin(), in);
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "village");
    EXPECT_NE(e.details()[0].problem.find("not a village"), std::string::npos);
  }
}

TEST_F(HouseholdsTest, PerCapitaIncomeUsesCurrentMembersByDefault) {
  const int64_t id = f_.AddHousehold("H", "430424100200");
  f_.AddPerson(id, "19800101", "head");
  f_.AddPerson(id, "19820202", "spouse");
  f_.AddPerson(id, "20100303", "child");
  auto reg = households();
  HouseholdYear y;
  y.year = 2016;
  y.wage_income = 900000;
  y.transfer_income = 100000;
  y.production_cost = 100;
  reg.SetHouseholdYear(f_.admin(), id, y);
  auto h = reg.GetHousehold(f_.admin(), id);
  ASSERT_EQ(h.years.size(), 1u);
  EXPECT_EQ(h.years[0].members, 3);
  EXPECT_EQ(h.years[0].per_capita_net_income(), 333300);  // (9000 + 1000 - 1) / 3 yuan, rounded down in fen
  y.wage_income = -1;
  EXPECT_THROW(reg.SetHouseholdYear(f_.admin(), id, y), Error);
}

TEST_F(HouseholdsTest, PolicyFactsAreStoredValidatedAndReadBack) {
  const int64_t id = f_.AddHousehold("H", "430424100200");
  const int64_t child = f_.AddPerson(id, "20100303", "child");
  auto reg = households();
  HouseholdYear y;
  y.year = 2020;
  y.members = 3;
  y.dibao_class = "A类";  // the Chinese label is accepted
  y.house_grade = "D";
  y.relocation = true;
  y.pepper_area = 250;
  y.camellia_area = 0;
  y.pv_share = false;
  reg.SetHouseholdYear(f_.admin(), id, y);
  auto h = reg.GetHousehold(f_.admin(), id);
  ASSERT_EQ(h.years.size(), 1u);
  EXPECT_EQ(h.years[0].dibao_class, "A");
  EXPECT_EQ(h.years[0].house_grade, "D");
  EXPECT_EQ(h.years[0].relocation, true);
  EXPECT_EQ(h.years[0].pepper_area, 250);
  EXPECT_EQ(h.years[0].camellia_area, 0);
  EXPECT_EQ(h.years[0].pv_share, false);

  y.dibao_class = "E";
  y.pepper_area = -5;
  try {
    reg.SetHouseholdYear(f_.admin(), id, y);
    FAIL() << "accepted a bad dibao class";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 2u);
    EXPECT_EQ(e.details()[0].path, "dibao_class");
    EXPECT_EQ(e.details()[1].path, "pepper_area");
  }

  auto people = persons();
  PersonYear py;
  py.year = 2020;
  py.major_disease = "儿童先天性心脏病";
  py.chronic_contract = true;
  people.SetPersonYear(f_.admin(), child, py);
  auto p = people.GetPerson(f_.admin(), child);
  ASSERT_EQ(p.years.size(), 1u);
  EXPECT_EQ(p.years[0].major_disease, "child_congenital_heart");
  EXPECT_EQ(p.years[0].chronic_contract, true);
  py.major_disease = "flu";
  try {
    people.SetPersonYear(f_.admin(), child, py);
    FAIL() << "accepted an unknown disease";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "major_disease");
  }
}

TEST_F(HouseholdsTest, OneHeadPerHousehold) {
  const int64_t id = f_.AddHousehold("H", "430424100200");
  f_.AddPerson(id, "19800101", "head");
  EXPECT_THROW(f_.AddPerson(id, "19820202", "head"), Error);
}

TEST_F(HouseholdsTest, AFailedAddLeavesNoTrace) {
  // The household insert succeeds, the identification event fails: neither remains.
  store::testing::FaultyConnection faulty(f_.database().Connect());
  faulty.FailAfterWrites(1);
  HouseholdRegistry reg(faulty, f_.clock());
  HouseholdInput in;
  in.number = "H";
  in.village_code = "430424100200";
  in.identified_year = 2014;
  EXPECT_THROW(reg.AddHousehold(f_.admin(), in), Error);
  EXPECT_EQ(*f_.db().QueryInt("SELECT count(*) FROM households"), 0);
  EXPECT_EQ(*f_.db().QueryInt("SELECT count(*) FROM household_events"), 0);
}

}  // namespace
}  // namespace fupin::registry

namespace fupin::registry {
namespace {

// Bulk matching through the blind index: every position answered, a lower-case
// x matches, a number repeated in the input matches each time, unknown and
// malformed numbers give nullopt — across more than one batch of 500.
TEST(LookupPersonsByIdNumberTest, MatchesEachPositionOnceIndexed) {
  testing::RegistryFixture f;
  f.AddAreas();
  const int64_t h = f.AddHousehold("L1", "430424100200");
  // A number whose check character is X.
  std::string with_x;
  for (int seq = 0; seq < 1000 && with_x.empty(); ++seq) {
    char buf[12];
    std::snprintf(buf, sizeof buf, "%03d", seq);
    const std::string first17 = std::string("43042419700101") + buf;
    if (IdCheckCharacter(first17) == 'X') with_x = first17 + 'X';
  }
  ASSERT_FALSE(with_x.empty());
  PersonRegistry persons(f.db(), f.clock());
  PersonInput in;
  in.id_number = with_x;
  in.name = "有X";
  in.household_id = h;
  in.relation = "head";
  in.start_date = "2014-01-01";
  const int64_t x_person = persons.AddPerson(f.admin(), in).id;
  const int64_t other = f.AddPerson(h, "19800101", "spouse");
  const std::string other_number = persons.RevealIdNumber(f.admin(), other);

  std::vector<std::string> numbers(1203, "430424199001011234");  // not in the registry
  numbers[0] = with_x;
  numbers[1] = with_x.substr(0, 17) + "x";
  numbers[499] = other_number;
  numbers[500] = other_number;  // first of the second batch
  numbers[1202] = "not a number";
  const auto found = LookupPersonsByIdNumber(f.db(), access::CurrentProtector(), numbers);
  ASSERT_EQ(found.size(), numbers.size());
  EXPECT_EQ(found[0], x_person);
  EXPECT_EQ(found[1], x_person);
  EXPECT_EQ(found[499], other);
  EXPECT_EQ(found[500], other);
  EXPECT_FALSE(found[2].has_value());
  EXPECT_FALSE(found[1201].has_value());
  EXPECT_FALSE(found[1202].has_value());
}

}  // namespace
}  // namespace fupin::registry
