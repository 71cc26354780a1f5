#include "registry/households.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "access/personal_data.h"
#include "access/schema.h"
#include "core/csv.h"
#include "core/id_number.h"
#include "core/error.h"
#include "registry/registry_json.h"
#include "registry/schema.h"
#include "registry/testing.h"
#include "store/testing/faulty_connection.h"

namespace fupin::registry {
namespace {

using testing::VillageCadre;

class HouseholdsTest : public ::testing::Test {
 protected:
  void SetUp() override { f_.AddAreas(); }
  testing::RegistryFixture f_;
  HouseholdRegistry households() { return HouseholdRegistry(f_.db(), f_.clock()); }
  PersonRegistry persons() { return PersonRegistry(f_.db(), f_.clock()); }

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

TEST_F(HouseholdsTest, TheStatusOfOneHouseholdIsTheStatusTheListShows) {
  auto reg = households();
  const int64_t never = f_.AddHousehold("S0", "430424100200", 2014);
  f_.db().Execute("DELETE FROM household_events WHERE household_id = " + std::to_string(never));
  const int64_t poor = f_.AddHousehold("S1", "430424100200", 2014);
  const int64_t back = f_.AddHousehold("S2", "430424100200", 2014);
  // Exited and returned on the same day: the later record (by id) counts.
  InsertExit(f_.db(), back, "2019-02-01");
  reg.RecordEvent(f_.admin(), {back, "returned", "2019-02-01", std::nullopt, "因病返贫"});
  const int64_t out = f_.AddHousehold("S3", "430424100200", 2014);
  InsertExit(f_.db(), out, "2019-02-01");
  const int64_t gone = f_.AddHousehold("S4", "430424100200", 2014);
  reg.RecordEvent(f_.admin(), {gone, "removed", "2015-03-01", std::nullopt, "识别不准"});
  const std::map<int64_t, std::string> expected = {
      {never, "unregistered"}, {poor, "poor"}, {back, "poor"}, {out, "exited"}, {gone, "removed"}};
  HouseholdRegistry::ListFilter all;
  all.area_code = "430424100200";
  for (const auto& listed : reg.ListHouseholds(f_.admin(), all).items) {
    EXPECT_EQ(reg.GetHousehold(f_.admin(), listed.id).status, listed.status) << listed.number;
    EXPECT_EQ(listed.status, expected.at(listed.id)) << listed.number;
  }
}

// The API's household read writes its JSON directly; it must be the JSON the
// other paths (and the OpenAPI document) describe, byte for byte.
TEST_F(HouseholdsTest, HouseholdJsonTextIsTheDumpOfHouseholdJson) {
  auto reg = households();
  const int64_t id = f_.AddHousehold("J1", "430424100200", 2014);
  f_.AddPerson(id, "19700101", "head", "户主");
  f_.AddPerson(id, "20080101", "child", "孩子");
  HouseholdYear y;
  y.year = 2019;
  y.wage_income = 812345;
  y.transfer_income = 100;
  y.food_secure = true;
  y.housing_safe = false;
  y.dibao_class = "B";
  y.pepper_area = 150;
  y.pv_share = true;
  reg.SetHouseholdYear(f_.admin(), id, y);
  y.year = 2020;
  y.dibao_class.reset();
  y.camellia_area = 0;
  reg.SetHouseholdYear(f_.admin(), id, y);
  InsertExit(f_.db(), id, "2020-10-01");
  Household h = reg.GetHousehold(f_.admin(), id);
  ASSERT_EQ(h.members.size(), 2u);
  ASSERT_EQ(h.events.size(), 2u);
  ASSERT_EQ(h.years.size(), 2u);
  EXPECT_EQ(HouseholdJsonText(h), HouseholdJson(h).dump());

  // Text that needs escaping, a phone, no lists at all.
  h.address = "湖南省\"衡东\"\\县\n\t\x01 😀";
  h.phone = "0734-5551234";
  h.other_causes = {"disease", "lack_of_funds"};
  h.events[0].reason = "tab\there";
  h.members[1].name = "名\"字";
  EXPECT_EQ(HouseholdJsonText(h), HouseholdJson(h).dump());
  h.members.clear();
  h.events.clear();
  h.years.clear();
  h.identified_year.reset();
  h.phone.reset();
  EXPECT_EQ(HouseholdJsonText(h), HouseholdJson(h).dump());
  // A row of the list: head and township, a household without a head.
  h.township_code = "430424100";
  h.township_name = "洣水镇";
  h.head_name = "张\"三";
  EXPECT_EQ(HouseholdJsonText(h), HouseholdJson(h).dump());
  h.head_name.clear();
  EXPECT_EQ(HouseholdJsonText(h), HouseholdJson(h).dump());
}

// Issue 24: one search box finds a household by its number, its head's full
// name or a member's full ID number (the blind index; never decrypted), in the
// caller's scope, with the head and township on each row.
TEST_F(HouseholdsTest, SearchFindsByNumberHeadNameOrIdNumber) {
  auto reg = households();
  const int64_t a = f_.AddHousehold("4304241002000001", "430424100200");
  const int64_t b = f_.AddHousehold("4304241012000002", "430424101200");
  f_.AddPerson(a, "19600101", "head", "张三");
  const int64_t child = f_.AddPerson(a, "19900505", "child", "李四");
  f_.AddPerson(b, "19700101", "head", "李四");
  auto search = [&](const Caller& caller, const std::string& q) {
    HouseholdRegistry::ListFilter f;
    f.q = q;
    std::vector<std::string> numbers;
    for (const auto& h : reg.ListHouseholds(caller, f).items) numbers.push_back(h.number);
    return numbers;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(search(f_.admin(), " 4304241002000001 "), V{"4304241002000001"});
  EXPECT_EQ(search(f_.admin(), "张三"), V{"4304241002000001"});
  EXPECT_EQ(search(f_.admin(), "张"), V{});            // full names only
  EXPECT_EQ(search(f_.admin(), "李四"), V{"4304241012000002"});  // the head, not the child of another
  // The child's full ID number finds the child's household; a lower-case x is the same number.
  const std::string child_id = PersonRegistry(f_.db(), f_.clock()).RevealIdNumber(f_.admin(), child);
  EXPECT_EQ(search(f_.admin(), child_id), V{"4304241002000001"});
  std::string wrong = child_id;
  wrong[17] = wrong[17] == '0' ? '1' : '0';  // a wrong check character is not an ID number
  EXPECT_EQ(search(f_.admin(), wrong), V{});
  // Scope: a village cadre of the other village finds nothing there.
  EXPECT_EQ(search(VillageCadre("430424101200"), "张三"), V{});
  EXPECT_EQ(search(VillageCadre("430424101200"), "李四"), V{"4304241012000002"});
  // The row carries the head and the township.
  HouseholdRegistry::ListFilter f;
  f.q = "张三";
  const auto page = reg.ListHouseholds(f_.admin(), f);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].head_name, "张三");
  EXPECT_EQ(page.items[0].township_code, "430424100");
  EXPECT_FALSE(page.items[0].township_name.empty());
}

// Migration 151 writes the CHECK lists of these tables as comparisons on
// SQLite; they must refuse and accept the same values as before, on both stores.
TEST_F(HouseholdsTest, ChecksRefuseValuesOutsideTheVocabularies) {
  const int64_t h = f_.AddHousehold("C1", "430424100200", 2014);
  const int64_t p = f_.AddPerson(h, "19700101", "head");
  f_.db().Execute("INSERT INTO household_years (household_id, year, members, updated_at) VALUES (" +
                  std::to_string(h) + ", 2019, 1, 0)");
  f_.db().Execute("INSERT INTO person_years (person_id, year, updated_at) VALUES (" + std::to_string(p) + ", 2019, 0)");
  const struct {
    const char* table;
    const char* column;
    const char* key;
    int64_t id;
    const char* good;
  } checks[] = {
      {"households", "attribute", "id", h, "destitute"},
      {"household_events", "kind", "household_id", h, "returned"},
      {"persons", "education", "id", p, "vocational"},
      {"persons", "health", "id", p, "major_disease"},
      {"persons", "labour_ability", "id", p, "partial"},
      {"memberships", "relation", "person_id", p, "grandparent"},
      {"person_years", "school_status", "person_id", p, "dropped_out"},
      {"person_years", "school_stage", "person_id", p, "college"},
      {"person_years", "employment", "person_id", p, "public_welfare_job"},
      {"household_years", "dibao_class", "household_id", h, "C"},
      {"household_years", "house_grade", "household_id", h, "D"},
  };
  for (const auto& c : checks) {
    const std::string update =
        std::string("UPDATE ") + c.table + " SET " + c.column + " = ? WHERE " + c.key + " = ?";
    for (const char* bad : {"bogus", "", "E", "Head", "none "}) {
      auto s = f_.db().Prepare(update);
      s->BindText(1, bad);
      s->BindInt(2, c.id);
      EXPECT_THROW(s->Run(), Error) << c.table << "." << c.column << " = '" << bad << "'";
    }
    auto s = f_.db().Prepare(update);
    s->BindText(1, c.good);
    s->BindInt(2, c.id);
    EXPECT_EQ(s->Run(), 1) << c.table << "." << c.column;
  }
  if (f_.db().dialect() == store::Dialect::kSqlite) {
    // The lists are gone from the definitions (a text that did not match would leave them), and
    // the yearly facts are keyed by household.
    auto s = f_.db().Prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('households', 'household_events',"
        " 'persons', 'memberships', 'person_years', 'household_years')");
    int tables = 0;
    while (s->Step()) {
      ++tables;
      const std::string sql = s->Text(1);
      for (const char* list : {"attribute IN", "kind IN", "education IN", "health IN", "labour_ability IN",
                               "relation IN", "school_status IN", "school_stage IN", "employment IN",
                               "dibao_class IN", "house_grade IN"}) {
        EXPECT_EQ(sql.find(list), std::string::npos) << s->Text(0) << " still has " << list;
      }
      if (s->Text(0) == "household_years") {
        EXPECT_NE(sql.find("WITHOUT ROWID"), std::string::npos);
      }
    }
    EXPECT_EQ(tables, 6);
  }
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
  // A loss rounds down too (toward minus infinity): -10.00 yuan over 3 persons is -3.34, not -3.33.
  y.wage_income = 0;
  y.transfer_income = 0;
  y.production_cost = 1000;
  reg.SetHouseholdYear(f_.admin(), id, y);
  EXPECT_EQ(reg.GetHousehold(f_.admin(), id).years[0].per_capita_net_income(), -334);
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

// Issue 26 item 8: a database written before migration 152 holds phone
// numbers in clear; the upgrade step encrypts them, drops the clear columns
// and leaves no number in the file or its WAL.
TEST(PhoneUpgradeTest, EncryptsClearPhonesAndLeavesNoneInTheFile) {
  std::string dir = (std::filesystem::temp_directory_path() / "fupin-phones-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/old.db";
  std::vector<store::Migration> all = Migrations();
  for (auto& m : access::Migrations()) all.push_back(std::move(m));
  std::vector<store::Migration> old;
  for (const auto& m : all) {
    if (m.id < 152 || m.id >= 300) old.push_back(m);
  }
  auto phone_of = [](int i) { return "1381111" + std::to_string(1000 + i); };
  {
    auto db = store::OpenDatabase(path, old);
    auto c = db->Connect();
    c->Execute(
        "INSERT INTO areas (code, name, level, parent_code) VALUES ('43', '湖南省', 1, NULL),"
        " ('4304', '衡阳市', 2, '43'), ('430424', '衡东县', 3, '4304'), ('430424100', '洣水镇', 4, '430424'),"
        " ('430424100200', '甲村', 5, '430424100')");
    store::Transaction tx(*c);
    auto h = c->Prepare(
        "INSERT INTO households (number, village_code, attribute, main_cause, phone, created_at, updated_at)"
        " VALUES (?, '430424100200', 'general', 'illness', ?, 0, 0)");
    auto p = c->Prepare(
        "INSERT INTO persons (id_number_enc, id_number_index, id_number_masked, name, sex, birth_date, phone,"
        " created_at, updated_at) VALUES (x'00', ?, '', '某', 'male', '1980-01-01', ?, 0, 0)");
    for (int i = 0; i < 500; ++i) {
      h->BindText(1, "H" + std::to_string(i));
      h->BindText(2, phone_of(i));
      h->Run();
      p->BindText(1, "index" + std::to_string(i));
      if (i % 2) {
        p->BindText(2, "+86 139-2222-" + std::to_string(1000 + i));
      } else {
        p->BindNull(2);
      }
      p->Run();
    }
    tx.Commit();
    ASSERT_EQ(c->QueryInt("SELECT count(*) FROM households WHERE phone LIKE '1381111%'"), 500);
  }
  access::KeyRing keys;
  keys.AddRandom();
  const access::PersonalDataProtector protector(keys);
  {
    auto db = store::OpenDatabase(path, all);
    auto c = db->Connect();
    EXPECT_EQ(access::EncryptPendingPhones(*c, protector), 750);
    EXPECT_EQ(access::EncryptPendingPhones(*c, protector), 0);  // done once
    EXPECT_THROW(c->Prepare("SELECT phone FROM households")->Step(), Error);
    EXPECT_THROW(c->Prepare("SELECT phone FROM persons")->Step(), Error);
    auto s = c->Prepare("SELECT phone_enc, phone_index, phone_masked FROM households WHERE number = 'H7'");
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(protector.Decrypt(s->Blob(0)), phone_of(7));
    EXPECT_EQ(s->Text(1), access::PhoneIndex(protector, phone_of(7)));
    EXPECT_EQ(s->Text(2), "138****1007");
    auto p = c->Prepare("SELECT phone_masked, phone_index FROM persons WHERE id_number_index = 'index3'");
    ASSERT_TRUE(p->Step());
    EXPECT_EQ(p->Text(0), "+86 1**-****-1003");
    EXPECT_EQ(p->Text(1), access::PhoneIndex(protector, "13922221003"));
    EXPECT_EQ(c->QueryInt("SELECT count(*) FROM persons WHERE phone_enc IS NULL"), 250);
  }
  for (const std::string& file : {path, path + "-wal"}) {
    if (!std::filesystem::exists(file)) continue;
    const std::string bytes = ReadFile(file);
    EXPECT_EQ(bytes.find("1381111"), std::string::npos) << file;
    EXPECT_EQ(bytes.find("2222-1"), std::string::npos) << file;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fupin::registry
