#include "housing/housing.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "assessment/area_assessments.h"
#include "assessment/criteria.h"
#include "assessment/households.h"
#include "assessment/indicators.h"
#include "assessment/measures.h"
#include "assessment/schema.h"
#include "housing/import.h"
#include "housing/schema.h"
#include "projects/schema.h"
#include "registry/areas.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::housing {
namespace {

std::vector<store::Migration> AllNeeded() {
  auto m = assessment::Migrations();
  for (auto& x : projects::Migrations()) m.push_back(std::move(x));
  for (auto& x : Migrations()) m.push_back(std::move(x));
  return m;
}

Caller As(Role role, std::string scope) { return Caller{42, std::string(RoleName(role)), role, std::move(scope)}; }

class HousingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.AddAreas();
    h_ = f_.AddHousehold("H1", "430424100200", 2014);
    f_.AddPerson(h_, "19700101", "head", "张三");
    f_.AddPerson(h_, "19720101", "spouse", "李四");
    // The yearly facts call the house safe; the inspection will say otherwise.
    registry::HouseholdRegistry reg(f_.db(), f_.clock());
    registry::HouseholdYear y;
    y.year = 2018;
    y.wage_income = 2000000;
    y.food_secure = y.clothing_secure = y.housing_safe = y.drinking_water_safe = true;
    reg.SetHouseholdYear(f_.admin(), h_, y);
  }

  Inspection Dangerous(const std::string& date = "2018-03-01", const std::string& grade = "D") {
    Inspection i;
    i.household_id = h_;
    i.date = date;
    i.inspector = "县住建局鉴定组";
    i.grade = grade;
    i.plate = true;
    return service_.Inspect(f_.admin(), i);
  }

  std::optional<bool> HousingCriterion(int year) {
    const auto a = assessment::AssessOneHousehold(f_.db(), f_.admin(), h_, year);
    for (const auto& c : a.decision.criteria) {
      if (c.criterion == "housing") {
        if (c.outcome == assessment::Outcome::kUnknown) return std::nullopt;
        return c.outcome == assessment::Outcome::kPass;
      }
    }
    return std::nullopt;
  }

  int64_t Count(const std::string& table) {
    return f_.db().QueryInt("SELECT count(*) FROM " + table).value_or(-1);
  }

  Infrastructure Complete(const std::string& village, int year) {
    Infrastructure v;
    v.village_code = village;
    v.year = year;
    v.road_hardened = true;
    v.natural_villages = 8;
    v.natural_villages_reached = 8;
    v.water_supply = "centralised";
    v.tap_water = true;
    v.households = 400;
    v.transformer_kva_milli = 700000;  // 700 kVA: 1.75 per household
    v.broadband = v.clinic = v.culture_centre = true;
    v.collective_income_fen = 8000000;
    return v;
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = f_.path().substr(0, f_.path().rfind('/')) + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  registry::testing::RegistryFixture f_{AllNeeded()};
  HousingService service_{f_.db(), f_.clock()};
  int64_t h_ = 0;
};

TEST_F(HousingTest, HouseholdHousingCriterionFollowsTheInspections) {
  // No inspection: the yearly fact decides (safe).
  EXPECT_EQ(HousingCriterion(2018), true);
  const Inspection i = Dangerous();
  EXPECT_EQ(i.village_code, "430424100200");
  EXPECT_EQ(i.key_group, "registered_poor");
  // Graded D: the house is dangerous whatever the yearly fact says.
  EXPECT_EQ(HousingCriterion(2018), false);
  Renovation r;
  r.inspection_id = i.id;
  r.kind = "rebuild";
  r.subsidy_fen = 3500000;
  r.start_date = "2018-04-01";
  const Renovation started = service_.Renovate(f_.admin(), r);
  EXPECT_EQ(HousingCriterion(2018), false);  // not accepted yet
  service_.Accept(f_.admin(), started.id, "2018-09-30", "2018-10-15");
  EXPECT_EQ(HousingCriterion(2018), true);
  // An inspection before the year's end counts; one after it does not.
  const auto safety = HouseSafetyOn(f_.db(), "430424", "2018-03-31");
  ASSERT_TRUE(safety.contains(h_));
  EXPECT_FALSE(safety.at(h_).safe);
  EXPECT_TRUE(HouseSafetyOn(f_.db(), "430424", "2018-02-28").empty());
  const auto h = service_.ForHousehold(f_.admin(), h_);
  EXPECT_EQ(h.inspections.size(), 1u);
  ASSERT_EQ(h.renovations.size(), 1u);
  EXPECT_EQ(h.renovations[0].accepted_on, "2018-10-15");
  ASSERT_TRUE(h.safety);
  EXPECT_TRUE(h.safety->safe);
}

TEST_F(HousingTest, RelocationMakesTheHouseholdSafeAndIsCounted) {
  Dangerous();
  Site s;
  s.name = "洣水集中安置点";
  s.kind = "centralised";
  s.township_code = "430424100";
  s.capacity = 100;
  const Site site = service_.AddSite(f_.admin(), s);
  Relocation r;
  r.household_id = h_;
  r.site_id = site.id;
  r.moved_on = "2018-11-01";
  r.demolished_on = "2018-12-20";
  r.reclaimed = true;
  r.jobs = 1;
  r.medical_transferred = true;
  const Relocation done = service_.Relocate(f_.admin(), r);
  EXPECT_EQ(done.persons, 2);
  EXPECT_EQ(done.from_village, "430424100200");
  EXPECT_EQ(HousingCriterion(2018), true);
  auto figures = ComputeFigures(f_.db(), "430424", "2020-09-30");
  EXPECT_EQ(figures.relocated_households, 1);
  EXPECT_EQ(figures.relocated_persons, 2);
  EXPECT_EQ(ComputeFigures(f_.db(), "430424", "2018-10-31").relocated_households, 0);
  EXPECT_EQ(service_.ListSites(f_.admin(), "430424").at(0).persons, 2);
  EXPECT_TRUE(service_.DangerousHouses(f_.admin(), "430424", "2020-01-01").empty());
  EXPECT_EQ(service_.DangerousHouses(f_.admin(), "430424", "2018-10-01").size(), 1u);
}

TEST_F(HousingTest, BadInputIsRefusedWholeNamingEveryField) {
  Inspection i;
  i.village_code = "4304241002";  // a township, not a village
  i.key_group = "rich";
  i.grade = "E";
  i.date = "2099-01-01";
  try {
    service_.Inspect(f_.admin(), i);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_EQ(paths, (std::set<std::string>{"village_code", "householder", "key_group", "grade", "inspector", "date"}));
  }
  EXPECT_EQ(Count("house_inspections"), 0);
  // A safe house is not renovated.
  const Inspection safe = Dangerous("2018-03-01", "A");
  Renovation r;
  r.inspection_id = safe.id;
  r.kind = "repair";
  r.start_date = "2018-04-01";
  EXPECT_THROW(service_.Renovate(f_.admin(), r), Error);
  EXPECT_EQ(Count("house_renovations"), 0);
}

TEST_F(HousingTest, CountyOfficeWritesTownshipsReadAuditorsRead) {
  const Caller township = As(Role::kTownship, "430424100");
  const Caller other_township = As(Role::kTownship, "430424101");
  Inspection i;
  i.household_id = h_;
  i.date = "2018-03-01";
  i.inspector = "鉴定组";
  i.grade = "B";
  EXPECT_THROW(service_.Inspect(township, i), Error);
  EXPECT_NO_THROW(service_.Inspect(As(Role::kCountyOffice, "430424"), i));
  EXPECT_EQ(service_.ListInspections(township, {}).size(), 1u);
  EXPECT_TRUE(service_.ListInspections(other_township, {}).empty());
  EXPECT_EQ(service_.ListInspections(As(Role::kAuditor, "430424"), {}).size(), 1u);
  EXPECT_THROW(service_.ListInspections(As(Role::kDonor, ""), {}), Error);
  // Every change is audited.
  EXPECT_EQ(f_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'housing.inspect'").value_or(0), 1);
}

TEST_F(HousingTest, VillageExitReadsTheInfrastructureRecord) {
  registry::SetAreaYear(f_.db(), f_.admin(), {"430424100200", 2019, 1000, true, std::nullopt});
  auto check = [&](const std::string& name) {
    const auto a = assessment::AssessVillage(f_.db(), f_.admin(), "430424100200", 2019);
    for (const auto& c : a.checks) {
      if (c.check == name) return c;
    }
    return assessment::AreaCheck{};
  };
  EXPECT_EQ(check("facilities").outcome, assessment::Outcome::kUnknown);
  Infrastructure v = Complete("430424100200", 2019);
  v.broadband = false;
  service_.SetInfrastructure(f_.admin(), v);
  const auto missing = check("facilities");
  EXPECT_EQ(missing.outcome, assessment::Outcome::kFail);
  EXPECT_NE(missing.reason.find("通宽带"), std::string::npos) << missing.reason;
  EXPECT_EQ(missing.values["source"], "village_infrastructure");
  v.broadband = true;
  service_.SetInfrastructure(f_.admin(), v);
  EXPECT_EQ(check("facilities").outcome, assessment::Outcome::kPass);
  const auto income = check("collective_income");
  EXPECT_EQ(income.outcome, assessment::Outcome::kPass);
  EXPECT_EQ(income.values["collective_income"], 8000000);
  EXPECT_DOUBLE_EQ(missing.values["record"]["kva_per_household"].get<double>(), 1.75);
}

TEST_F(HousingTest, FiguresComeFromTheRecords) {
  registry::SetAreaYear(f_.db(), f_.admin(), {"430424100200", 2020, 1000, true, std::nullopt});
  service_.SetInfrastructure(f_.admin(), Complete("430424100200", 2020));
  Infrastructure other = Complete("430424100201", 2020);  // not a poor village: not counted
  other.transformer_kva_milli = 4000000;
  service_.SetInfrastructure(f_.admin(), other);
  const Inspection i = Dangerous("2019-05-01", "C");
  Inspection outside;
  outside.village_code = "430424100201";
  outside.householder = "王五";
  outside.key_group = "dibao";
  outside.date = "2019-06-01";
  outside.inspector = "鉴定组";
  outside.grade = "A";
  outside.plate = true;
  service_.Inspect(f_.admin(), outside);
  outside.date = "2020-06-01";  // the same house again
  service_.Inspect(f_.admin(), outside);
  auto f = ComputeFigures(f_.db(), "430424", "2020-09-30");
  EXPECT_EQ(f.houses_inspected, 2);
  EXPECT_EQ(f.houses_renovated, 0);
  EXPECT_EQ(f.power_villages, 1);
  EXPECT_EQ(f.power_kva_milli / f.power_households, 1750);
  Renovation r;
  r.inspection_id = i.id;
  r.kind = "repair";
  r.subsidy_fen = 1200000;
  r.start_date = "2019-06-01";
  r.finish_date = "2019-08-01";
  r.accepted_on = "2019-08-20";
  service_.Renovate(f_.admin(), r);
  EXPECT_EQ(ComputeFigures(f_.db(), "430424", "2020-09-30").houses_renovated, 1);
  EXPECT_EQ(ComputeFigures(f_.db(), "430424", "2019-08-19").houses_renovated, 0);
  EXPECT_EQ(ComputeFigures(f_.db(), "430424101", "2020-09-30").houses_inspected, 0);
}

// The 住房安全 and 易地搬迁 pages' figures: each house counted once by its
// latest grade, renovations by kind, 人不住危房 per township, relocations by
// site kind, all on the date asked.
TEST_F(HousingTest, SummariesCountHousesRenovationsAndRelocationsOnTheDate) {
  const Inspection first = Dangerous("2018-03-01", "C");
  Inspection other;
  other.village_code = "430424101200";
  other.householder = "赵六";
  other.key_group = "dibao";
  other.date = "2018-05-01";
  other.inspector = "县住建局鉴定组";
  other.grade = "D";
  service_.Inspect(f_.admin(), other);
  Renovation r;
  r.inspection_id = first.id;
  r.kind = "repair";
  r.subsidy_fen = 1200000;
  r.start_date = "2018-04-01";
  const Renovation started = service_.Renovate(f_.admin(), r);
  service_.Accept(f_.admin(), started.id, "2018-06-01", "2018-06-15");

  auto s = service_.Summarize(f_.admin(), "430424", "2018-05-31");
  ASSERT_EQ(s.areas.size(), 2u);  // the two townships
  EXPECT_EQ(s.areas[0].code, "430424100");
  EXPECT_EQ(s.areas[0].dangerous, 1);  // renovation not yet accepted
  EXPECT_EQ(s.areas[1].dangerous, 1);
  EXPECT_EQ(s.dangerous, 2);
  ASSERT_EQ(s.renovations.size(), 4u);
  EXPECT_EQ(s.renovations[0].kind, "repair");
  EXPECT_EQ(s.renovations[0].started, 1);
  EXPECT_EQ(s.renovations[0].accepted, 0);
  EXPECT_EQ(s.renovations[0].subsidy_fen, 1200000);

  // Accepted by the year's end; re-inspected as B later: one house, its latest grade.
  Dangerous("2018-11-01", "B");
  s = service_.Summarize(f_.admin(), "430424", "2018-12-31");
  EXPECT_EQ(s.areas[0].houses, 1);
  EXPECT_EQ(s.areas[0].dangerous, 0);
  EXPECT_EQ(s.areas[1].dangerous, 1);
  EXPECT_EQ(s.renovations[0].accepted, 1);
  ASSERT_EQ(s.houses.size(), 2u);
  EXPECT_EQ(s.houses[0].grade, "B");
  EXPECT_EQ(s.houses[0].key_group, "registered_poor");
  EXPECT_EQ(s.houses[0].houses, 1);
  EXPECT_EQ(s.houses[1].grade, "D");
  EXPECT_EQ(s.houses[1].key_group, "dibao");
  // A village asked: the village itself.
  s = service_.Summarize(f_.admin(), "430424101200", "2018-12-31");
  ASSERT_EQ(s.areas.size(), 1u);
  EXPECT_EQ(s.areas[0].dangerous, 1);
  const auto j = HousingSummaryJson(s);
  EXPECT_EQ(j["areas"][0]["passed"], false);

  Site site;
  site.name = "石湾分散安置";
  site.kind = "scattered";
  site.township_code = "430424100";
  const int64_t site_id = service_.AddSite(f_.admin(), site).id;
  Relocation m;
  m.household_id = h_;
  m.site_id = site_id;
  m.moved_on = "2019-03-01";
  m.demolished_on = "2019-06-01";
  m.school_transfers = 1;
  service_.Relocate(f_.admin(), m);
  auto moved = service_.SummarizeRelocation(f_.admin(), "430424", "2019-04-30");
  ASSERT_EQ(moved.kinds.size(), 2u);
  EXPECT_EQ(moved.kinds[1].site_kind, "scattered");
  EXPECT_EQ(moved.kinds[1].households, 1);
  EXPECT_EQ(moved.total.persons, 2);
  EXPECT_EQ(moved.total.demolished, 0);  // not yet
  EXPECT_EQ(moved.total.school_transfers, 1);
  EXPECT_EQ(service_.SummarizeRelocation(f_.admin(), "430424", "2019-12-31").total.demolished, 1);
  EXPECT_EQ(service_.SummarizeRelocation(f_.admin(), "430424", "2019-02-28").total.households, 0);
  // Townships read only their own; paired cadres nothing.
  EXPECT_THROW(service_.Summarize(As(Role::kTownship, "430424101"), "430424100", ""), Error);
  EXPECT_THROW(service_.SummarizeRelocation(As(Role::kPairedCadre, "430424"), "", ""), Error);
}

// `report indicators` counts the housing criterion as the exit assessment
// does: the inspections where the house has one, the yearly fact otherwise.
TEST_F(HousingTest, IndicatorsReadTheHousingRuleWhereTheHouseWasInspected) {
  auto housing_failed = [&] {
    const auto report = assessment::ComputeIndicators(f_.db(), f_.admin(), "430424", 2018, 2018);
    return report.areas.at(0).failed[4];  // kCriteria: housing
  };
  ASSERT_EQ(assessment::kCriteria[4].wire, std::string("housing"));
  EXPECT_EQ(housing_failed(), 0);  // the yearly fact: safe
  const Inspection i = Dangerous();
  EXPECT_EQ(housing_failed(), 1);  // graded D, not renovated
  EXPECT_EQ(HousingCriterion(2018), false);
  Renovation r;
  r.inspection_id = i.id;
  r.kind = "rebuild";
  r.subsidy_fen = 3500000;
  r.start_date = "2018-04-01";
  r.finish_date = "2018-09-30";
  r.accepted_on = "2018-10-15";
  service_.Renovate(f_.admin(), r);
  EXPECT_EQ(housing_failed(), 0);
}

// The poverty measures read the yearly housing fact, not the inspections
// (docs/HOUSING.md), whichever way they are computed: from the tables
// (`report measures`), from the columnar copy, and in `report indicators`.
TEST_F(HousingTest, MeasuresReadTheYearlyHousingFactEveryWay) {
  // 2019: an income below the line, the house called safe, both members insured.
  registry::HouseholdRegistry reg(f_.db(), f_.clock());
  registry::HouseholdYear y;
  y.year = 2019;
  y.members = 2;
  y.wage_income = 100000;
  y.food_secure = y.clothing_secure = y.housing_safe = y.drinking_water_safe = true;
  reg.SetHouseholdYear(f_.admin(), h_, y);
  registry::PersonRegistry persons(f_.db(), f_.clock());
  auto members = f_.db().Prepare("SELECT person_id FROM memberships WHERE household_id = ?");
  members->BindInt(1, h_);
  while (members->Step()) {
    registry::PersonYear p;
    p.year = 2019;
    p.medical_insured = true;
    persons.SetPersonYear(f_.admin(), members->Int(0), p);
  }
  Dangerous();  // graded D in 2018, never renovated: the exit criterion fails in 2019
  EXPECT_EQ(HousingCriterion(2019), false);
  const std::string facts_path =
      (std::filesystem::temp_directory_path() / ("fupin_housing_" + std::to_string(::getpid()) + ".facts")).string();
  const auto tables = assessment::MeasureJson(assessment::ComputeMeasures(f_.db(), f_.admin(), "430424", 2019));
  // Deprived in income only (1 of 6 < k): not multidimensionally poor.
  EXPECT_EQ(tables["alkire_foster"]["persons"], 2.0) << tables.dump();
  EXPECT_EQ(tables["alkire_foster"]["poor_persons"], 0.0) << tables.dump();
  EXPECT_EQ(tables["fgt"]["p0"], 1.0) << tables.dump();
  EXPECT_EQ(assessment::MeasureJson(
                assessment::ComputeMeasuresFromFacts(f_.db(), f_.admin(), "430424", 2019, facts_path)),
            tables);
  const auto indicators = assessment::ComputeIndicators(f_.db(), f_.admin(), "430424", 2019, 2019);
  EXPECT_EQ(assessment::MeasureJson(indicators.Measures(0)), tables);
  EXPECT_EQ(indicators.areas.at(0).failed[4], 1);  // the assessment reads the inspection
  std::filesystem::remove(facts_path);
}

TEST_F(HousingTest, ImportIsAllOrNothingWithEveryProblemNamed) {
  const std::string bad = WriteFile("bad.csv",
                                    "户编号,村代码,户主,对象类别,鉴定日期,鉴定人,鉴定等级,已挂牌\n"
                                    "H1,,,,2019-05-01,鉴定组,D,是\n"
                                    "NOPE,,,,2019-05-01,鉴定组,C,是\n"
                                    ",430424100201,,低保户,2019-13-01,鉴定组,F,是\n");
  try {
    Import(f_.db(), f_.admin(), ImportKind::kInspections, bad, f_.clock());
    FAIL() << "accepted";
  } catch (const Error& e) {
    std::string all;
    for (const auto& d : e.details()) all += d.path + " " + d.problem + "\n";
    EXPECT_NE(all.find("第3行 户编号"), std::string::npos) << all;
    EXPECT_NE(all.find("第4行 户主"), std::string::npos) << all;
    EXPECT_NE(all.find("第4行 鉴定日期"), std::string::npos) << all;
    EXPECT_NE(all.find("第4行 鉴定等级"), std::string::npos) << all;
  }
  EXPECT_EQ(Count("house_inspections"), 0);
  const std::string good = WriteFile("good.csv",
                                     "household_number,village_code,householder,key_group,date,inspector,grade,plate\n"
                                     "H1,,,,2019/5/1,鉴定组,D级(整栋危房),是\n"
                                     ",430424100201,王五,低保户,2019年6月1日,鉴定组,B,√\n");
  const auto result = Import(f_.db(), f_.admin(), ImportKind::kInspections, good, f_.clock());
  EXPECT_EQ(result.added, 2);
  EXPECT_EQ(ComputeFigures(f_.db(), "430424", "2020-01-01").houses_inspected, 2);
  EXPECT_EQ(f_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'housing.import_inspections'").value_or(0), 1);
  const std::string villages = WriteFile("v.csv",
                                         "村代码,年度,通村硬化路,自然村数,通硬化路自然村数,饮水方式,自来水入户,户数,配变容量,"
                                         "通宽带,标准化卫生室,综合文化服务中心,村集体经济收入\n"
                                         "430424100200,2020,是,6,7,集中供水,是,300,510.5,是,是,是,\"60,000\"\n");
  EXPECT_THROW(Import(f_.db(), f_.admin(), ImportKind::kInfrastructure, villages, f_.clock()), Error);
  EXPECT_EQ(Count("village_infrastructure"), 0);
}

}  // namespace
}  // namespace fupin::housing
