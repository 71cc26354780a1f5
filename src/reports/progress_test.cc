#include "reports/progress.h"
#include "reports/breakdown.h"
#include "reports/years.h"

#include "assistance/schema.h"
#include "policy/schema.h"
#include "social/schema.h"
#include "monitoring/monitoring.h"
#include "monitoring/schema.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "assessment/schema.h"
#include "industry/schema.h"
#include "projects/schema.h"
#include "core/error.h"
#include "registry/population.h"
#include "registry/testing.h"

namespace fupin::reports {
namespace {

std::vector<store::Migration> Extra() {
  auto all = assessment::Migrations();
  for (auto& m : assistance::Migrations()) all.push_back(std::move(m));
  for (auto& m : social::Migrations()) all.push_back(std::move(m));
  for (auto& m : projects::Migrations()) all.push_back(std::move(m));
  for (auto& m : industry::Migrations()) all.push_back(std::move(m));
  for (auto& m : monitoring::Migrations()) all.push_back(std::move(m));
  for (auto& m : policy::Migrations()) all.push_back(std::move(m));
  return all;
}

class ProgressTest : public ::testing::Test {
 protected:
  ProgressTest() : f_(Extra()) {
    f_.AddAreas();
    f_.db().Execute(
        "INSERT INTO area_years (area_code, year, rural_population, poor_village, exit_year) VALUES"
        " ('430424100200', 2016, 1000, 1, NULL), ('430424100200', 2017, 1000, 1, 2017),"
        " ('430424100201', 2016, 500, 0, NULL), ('430424100201', 2017, 500, 0, NULL),"
        " ('430424101200', 2016, 500, 0, NULL), ('430424101200', 2017, 500, 0, NULL),"
        " ('430424100200', 2014, 1000, 1, NULL), ('430424100201', 2014, 500, 0, NULL),"
        " ('430424101200', 2014, 500, 0, NULL)");
    registry::RebuildRuralPopulation(f_.db());  // what the registry keeps when it writes the figures
    exited_ = f_.AddHousehold("A", "430424100200", 2014);
    removed_ = f_.AddHousehold("B", "430424100200", 2014);
    poor_ = f_.AddHousehold("C", "430424100201", 2014);
    added_ = f_.AddHousehold("D", "430424101200", 2017);
    Event(exited_, "exited", "2016-12-10");
    Event(removed_, "removed", "2015-06-01");
    f_.AddPerson(exited_, "19700101", "head");
    f_.AddPerson(exited_, "19720101", "spouse");
    f_.AddPerson(removed_, "19600101", "head");
    worker_ = f_.AddPerson(poor_, "19860101", "head");     // 30 in 2016: labour force, employed
    jobless_ = f_.AddPerson(poor_, "19860301", "spouse");  // 30: labour force, unemployed
    pupil_ = f_.AddPerson(poor_, "19990601", "child");     // 17: in school
    elder_ = f_.AddPerson(poor_, "19500101", "parent");    // 66: too old
    f_.AddPerson(added_, "19800101", "head");
    f_.db().Execute(
        "UPDATE persons SET labour_ability = 'full';"
        "UPDATE persons SET labour_ability = 'partial', health = 'disabled', disability_grade = 3 WHERE id = " +
        std::to_string(jobless_));
    Year(worker_, "not_school_age", "local", 1);
    Year(jobless_, "not_school_age", "unemployed", 1);
    Year(pupil_, "enrolled", "not_in_labour_force", 0);
    Year(elder_, "not_school_age", "not_in_labour_force", 1);
  }

  void Event(int64_t household, const std::string& kind, const std::string& date) {
    f_.AddEvent(household, kind, date);
  }

  void Year(int64_t person, const std::string& school, const std::string& employment, int pension) {
    auto s = f_.db().Prepare(
        "INSERT INTO person_years (person_id, year, school_status, medical_insured, pension_insured, employment,"
        " updated_at) VALUES (?, 2016, ?, 1, ?, ?, 0)");
    s->BindInt(1, person);
    s->BindText(2, school);
    s->BindInt(3, pension);
    s->BindText(4, employment);
    s->Run();
  }

  int64_t Count(const ProgressReport& r, const std::string& key) {
    const Figure* fig = r.Find(key);
    EXPECT_NE(fig, nullptr) << key;
    EXPECT_TRUE(fig && fig->computed) << key;
    return fig ? fig->count : -1;
  }

  registry::testing::RegistryFixture f_;
  int64_t exited_ = 0, removed_ = 0, poor_ = 0, added_ = 0;
  int64_t worker_ = 0, jobless_ = 0, pupil_ = 0, elder_ = 0;
};

// From 2021 the report carries the monitoring figures; before, it has none.
TEST_F(ProgressTest, MonitoringFiguresFrom2021) {
  EXPECT_EQ(ComputeProgress(f_.db(), f_.admin(), "430424", 2020).Find("monitoring_households"), nullptr);
  monitoring::MonitoringService svc(f_.db(), f_.clock());
  const auto opened = svc.OpenCase(f_.admin(), {exited_, 2021, "self_report", std::nullopt, "2021-03-01", ""});
  const char* steps[] = {"home_check", "consent", "data_comparison", "village_appraisal", "public_notice",
                         "township_review", "county_approval", "entry"};
  for (const char* step : steps) {
    monitoring::StepInput in;
    in.step = step;
    in.date = "2021-03-10";
    if (std::string(step) == "public_notice") in.end_date = "2021-03-15";
    if (std::string(step) == "township_review") in.date = "2021-03-16";
    if (std::string(step) == "county_approval" || std::string(step) == "entry") in.date = "2021-03-17";
    svc.RecordStep(f_.admin(), opened.id, in);
  }
  const auto r = ComputeProgress(f_.db(), f_.admin(), "430424", 2021);
  ASSERT_NE(r.Find("monitoring_households"), nullptr);
  EXPECT_EQ(r.Find("monitoring_households")->count, 1);
  EXPECT_EQ(r.Find("monitoring_unstable")->count, 1);
  EXPECT_EQ(r.Find("monitoring_persons")->count, 2);
  EXPECT_EQ(r.Find("monitoring_days_to_entry")->count, 16);
  EXPECT_EQ(r.Find("monitoring_share")->numerator, 2);
  EXPECT_EQ(r.Find("monitoring_share")->module, "monitoring");
  EXPECT_NE(ProgressText(r).find("十、防止返贫动态监测"), std::string::npos);
  EXPECT_NE(ProgressText(r).find("八、产业就业与消费扶贫"), std::string::npos);
  EXPECT_NE(ProgressText(r).find("九、住房安全、易地搬迁与基础设施"), std::string::npos);
  EXPECT_EQ(ProgressText(ComputeProgress(f_.db(), f_.admin(), "430424", 2020)).find("防止返贫"), std::string::npos);
}

TEST_F(ProgressTest, CountsStatusesAndMembersOnTheAsOfDate) {
  // Mid-2016: A not exited yet, B removed, D not identified yet.
  auto mid = ComputeProgress(f_.db(), f_.admin(), "430424", 2016, "2016-06-30");
  EXPECT_EQ(Count(mid, "households_registered"), 2);
  EXPECT_EQ(Count(mid, "persons_registered"), 6);
  EXPECT_EQ(Count(mid, "households_exited"), 0);
  // End of 2016: A exited.
  auto end = ComputeProgress(f_.db(), f_.admin(), "430424", 2016);
  EXPECT_EQ(end.as_of, "2016-12-31");
  EXPECT_EQ(Count(end, "households_exited"), 1);
  EXPECT_EQ(Count(end, "persons_exited"), 2);
  EXPECT_EQ(Count(end, "poor_villages"), 1);
  EXPECT_EQ(Count(end, "poor_villages_exited"), 0);  // its exit year is 2017
  EXPECT_EQ(Count(end, "villages_with_tasks"), 2);   // the removed household's village still has A
  EXPECT_EQ(Count(end, "townships"), 2);
  // The incidence comes from the assessment module: C's 4 members over 2,000.
  const Figure* inc = end.Find("incidence_current");
  EXPECT_EQ(inc->numerator, 4);
  EXPECT_EQ(inc->denominator, 2000);
  EXPECT_DOUBLE_EQ(inc->percent(), 0.2);
  // 2017: the poor village has exited.
  auto next = ComputeProgress(f_.db(), f_.admin(), "430424", 2017);
  EXPECT_EQ(Count(next, "poor_villages_exited"), 1);
  EXPECT_EQ(Count(next, "households_registered"), 3);
}

TEST_F(ProgressTest, LabourForceIsWorkingAgeWithLabourAbilityOutOfSchool) {
  auto r = ComputeProgress(f_.db(), f_.admin(), "430424100201", 2016);
  EXPECT_EQ(Count(r, "labor_force"), 2);     // the worker and the jobless; not the pupil nor the elder
  EXPECT_EQ(Count(r, "labor_employed"), 1);
  const Figure* rate = r.Find("employment_rate");
  EXPECT_DOUBLE_EQ(rate->percent(), 50.0);
  EXPECT_EQ(Count(r, "disabled_pension_insured"), 1);
}

TEST_F(ProgressTest, VillagesAddUpToTheCounty) {
  auto county = ComputeProgress(f_.db(), f_.admin(), "430424", 2016);
  int64_t persons = 0, households = 0;
  for (const char* v : {"430424100200", "430424100201", "430424101200"}) {
    auto r = ComputeProgress(f_.db(), f_.admin(), v, 2016);
    persons += Count(r, "persons_registered");
    households += Count(r, "households_registered");
  }
  EXPECT_EQ(persons, Count(county, "persons_registered"));
  EXPECT_EQ(households, Count(county, "households_registered"));
}

TEST_F(ProgressTest, FiguresOfMissingModulesAreNeverFilledIn) {
  auto r = ComputeProgress(f_.db(), f_.admin(), "430424", 2016);
  // Student aid comes from the education rosters, which no module holds yet.
  const Figure* f = r.Find("student_aid_times");
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->computed);
  EXPECT_EQ(f->module, "education");
  // Modules that exist answer from their records, even when there are none.
  const Figure* teams = r.Find("work_teams");
  ASSERT_NE(teams, nullptr);
  EXPECT_TRUE(teams->computed);
  EXPECT_EQ(teams->count, 0);
  auto j = ProgressJson(r);
  bool seen = false;
  for (const auto& fig : j["figures"]) {
    if (fig["key"] == "student_aid_yuan") {
      seen = true;
      EXPECT_EQ(fig["status"], "missing");
      EXPECT_TRUE(fig["value"].is_null());
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_NE(ProgressText(r).find("（待education模块）"), std::string::npos);
}

// The CLI prints a stored snapshot (JSON text) as text and XLSX: read back, the report is the one
// that was stored, figure for figure.
TEST_F(ProgressTest, AStoredReportReadsBackAsTheSameReport) {
  auto r = ComputeProgress(f_.db(), f_.admin(), "430424", 2016);
  auto add = [&r](const char* key, FigureKind kind, bool computed, int64_t count, int64_t num, int64_t den) {
    Figure f;
    f.key = key;
    f.section = "housing";
    f.label_zh = key;
    f.unit_zh = kind == FigureKind::kRate ? "%" : "公里";
    f.module = "housing";
    f.kind = kind;
    f.computed = computed;
    f.count = count;
    f.numerator = num;
    f.denominator = den;
    r.figures.push_back(f);
  };
  add("decimal", FigureKind::kDecimal, true, 281235, 0, 0);
  add("decimal_whole", FigureKind::kDecimal, true, 603000, 0, 0);
  add("rate", FigureKind::kRate, true, 0, 31, 10000);
  add("rate_no_denominator", FigureKind::kRate, true, 0, 0, 0);
  add("missing", FigureKind::kCount, false, 0, 0, 0);
  const auto stored = nlohmann::json::parse(ProgressJson(r).dump());
  const ProgressReport back = ProgressFromJson(stored);
  EXPECT_EQ(ProgressText(back), ProgressText(r));
  EXPECT_EQ(ProgressJson(back), ProgressJson(r));
  ASSERT_NE(back.Find("decimal"), nullptr);
  EXPECT_EQ(back.Find("decimal")->count, 281235);
  EXPECT_EQ(back.Find("decimal_whole")->kind, FigureKind::kDecimal);
  EXPECT_EQ(back.Find("rate")->numerator, 31);
}

TEST_F(ProgressTest, ChecksAccessAndInput) {
  Caller township = f_.admin();
  township.role = Role::kTownship;
  township.area_scope = "430424100";
  EXPECT_NO_THROW(ComputeProgress(f_.db(), township, "430424100", 2016));
  try {
    ComputeProgress(f_.db(), township, "430424", 2016);
    FAIL() << "a township read the county";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  Caller donor = f_.admin();
  donor.role = Role::kDonor;
  EXPECT_THROW(ComputeProgress(f_.db(), donor, "430424", 2016), Error);
  try {
    ComputeProgress(f_.db(), f_.admin(), "430424", 2016, "2017-01-01");
    FAIL() << "an as-of date outside the year was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.details().at(0).path, "as_of");
  }
  try {
    ComputeProgress(f_.db(), f_.admin(), "430499", 2016);
    FAIL() << "an unknown area was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

// Figures from a module the caller may not read are reported missing, the
// rest as for anyone else: a sector department reads the registry, policy and
// rosters but not the social-assistance platform nor the projects.
TEST_F(ProgressTest, FiguresTheCallerMayNotReadAreMissingNotRefused) {
  Caller sector = f_.admin();
  sector.role = Role::kSectorDepartment;
  sector.area_scope = "430424";
  const auto all = ComputeProgress(f_.db(), f_.admin(), "430424", 2016);
  const auto mine = ComputeProgress(f_.db(), sector, "430424", 2016);
  ASSERT_EQ(all.figures.size(), mine.figures.size());
  int social = 0;
  for (size_t i = 0; i < all.figures.size(); ++i) {
    const Figure& a = all.figures[i];
    const Figure& m = mine.figures[i];
    ASSERT_EQ(a.key, m.key);
    // Nor projects, funds and assets (issue 20), nor industry, jobs and purchases (issue 21).
    if (a.module == "social" || a.module == "projects" || a.module == "industry") {
      if (a.module == "social") ++social;
      EXPECT_TRUE(a.computed) << a.key;
      EXPECT_FALSE(m.computed) << m.key;
      continue;
    }
    EXPECT_EQ(a.computed, m.computed) << a.key;
    EXPECT_EQ(a.count, m.count) << a.key;
    EXPECT_EQ(a.numerator, m.numerator) << a.key;
    EXPECT_EQ(a.denominator, m.denominator) << a.key;
  }
  EXPECT_EQ(social, 4);
  // The policy module's figures are read with the caller's rights too: the
  // class-A dibao standard (a policy parameter) is there for both.
  ASSERT_NE(mine.Find("dibao_standard_a"), nullptr);
  EXPECT_TRUE(mine.Find("dibao_standard_a")->computed);
}

// Exits per year and households by cause, from the same status history as
// the progress report: the cause counts add up to households_registered.
TEST_F(ProgressTest, BreakdownCountsExitsPerYearAndRegisteredHouseholdsByCause) {
  f_.db().Execute("UPDATE households SET main_cause = 'disability' WHERE number = 'C'");
  auto b = ComputeBreakdown(f_.db(), f_.admin(), "430424", 2017);
  ASSERT_EQ(b.exits_by_year.size(), 4u);  // 2014 .. 2017
  EXPECT_EQ(b.exits_by_year[0].year, 2014);
  EXPECT_EQ(b.exits_by_year[2].year, 2016);
  EXPECT_EQ(b.exits_by_year[2].households, 1);
  EXPECT_EQ(b.exits_by_year[3].households, 0);
  // A (illness, exited), C (disability, poor), D (illness, identified 2017); B removed.
  ASSERT_EQ(b.households_by_cause.size(), 2u);
  EXPECT_EQ(b.households_by_cause[0].cause, "illness");
  EXPECT_EQ(b.households_by_cause[0].label_zh, "因病");
  EXPECT_EQ(b.households_by_cause[0].households, 2);
  EXPECT_EQ(b.households_by_cause[1].households, 1);
  int64_t sum = 0;
  for (const auto& c : b.households_by_cause) sum += c.households;
  EXPECT_EQ(sum, Count(ComputeProgress(f_.db(), f_.admin(), "430424", 2017), "households_registered"));
  // Before A's exit date the 2016 exit is not counted.
  auto mid = ComputeBreakdown(f_.db(), f_.admin(), "430424", 2016, "2016-06-30");
  EXPECT_EQ(mid.exits_by_year.back().households, 0);
  auto j = BreakdownJson(b);
  EXPECT_EQ(j["households_by_cause"][0]["label"], "因病");
  EXPECT_EQ(j["exits_by_year"][2]["households"], 1);
  Caller township = f_.admin();
  township.role = Role::kTownship;
  township.area_scope = "430424100";
  EXPECT_THROW(ComputeBreakdown(f_.db(), township, "430424", 2017), Error);
  // A paired cadre reads only their paired households, not an area's figures (issue 26).
  Caller paired = f_.admin();
  paired.role = Role::kPairedCadre;
  paired.area_scope = "430424";
  try {
    ComputeBreakdown(f_.db(), paired, "430424", 2017);
    ADD_FAILURE() << "a paired cadre read the county's breakdown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied) << e.what();
  }
}

}  // namespace
}  // namespace fupin::reports

namespace fupin::reports {
namespace {

// The latest year with data of each kind, up to this year: the pages of the
// web UI open on it (a registry ending in 2017 gives 2017, not this year).
TEST_F(ProgressTest, LatestDataYearsPerKind) {
  auto years = LatestDataYears(f_.db(), f_.admin(), "430424", 2026);
  EXPECT_EQ(years.report, 2017);  // D identified in 2017; area rows up to 2017
  EXPECT_EQ(years.assessment, std::nullopt);
  EXPECT_EQ(years.monitoring, std::nullopt);
  EXPECT_EQ(LatestDataYears(f_.db(), f_.admin(), "430424", 2016).report, 2016);
  // Income facts of 2019 and 2025: 2025 has no poverty line, so 2019.
  f_.db().Execute(
      "INSERT INTO household_years (household_id, year, members, wage_income, updated_at) VALUES"
      " (" + std::to_string(exited_) + ", 2019, 2, 500000, 0), (" + std::to_string(exited_) + ", 2025, 2, 900000, 0)");
  years = LatestDataYears(f_.db(), f_.admin(), "430424", 2026);
  EXPECT_EQ(years.assessment, 2019);
  monitoring::MonitoringService svc(f_.db(), f_.clock());
  svc.OpenCase(f_.admin(), {exited_, 2021, "self_report", std::nullopt, "2021-03-01", ""});
  EXPECT_EQ(LatestDataYears(f_.db(), f_.admin(), "430424", 2026).monitoring, 2021);
  // Another township's villages have none of it.
  const auto other = LatestDataYears(f_.db(), f_.admin(), "430424101", 2026);
  EXPECT_EQ(other.assessment, std::nullopt);
  EXPECT_EQ(other.monitoring, std::nullopt);
  EXPECT_EQ(DataYearsJson(other)["monitoring"], nullptr);
  // Read only by those who read the registry of the area.
  Caller donor = f_.admin();
  donor.role = Role::kDonor;
  EXPECT_THROW(LatestDataYears(f_.db(), donor, "430424", 2026), Error);
  Caller township = f_.admin();
  township.role = Role::kTownship;
  township.area_scope = "430424101";
  EXPECT_THROW(LatestDataYears(f_.db(), township, "430424", 2026), Error);
  EXPECT_EQ(LatestDataYears(f_.db(), township, "", 2026).area_code, "430424101");
}

// The zh-CN report shows each figure's label as it is: no Latin word of three
// letters or more (the browser walk's rule). 社会扶贫APP贫困户注册率 is the
// article's name; the report says 社会扶贫网 (the app is 中国社会扶贫网's).
TEST_F(ProgressTest, FigureLabelsHoldNoLatinWord) {
  const auto r = ComputeProgress(f_.db(), f_.admin(), "430424", 2016);
  ASSERT_FALSE(r.figures.empty());
  for (const auto& f : r.figures) {
    int run = 0;
    for (const char c : f.label_zh + " " + f.unit_zh) {
      run = ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ? run + 1 : 0;
      EXPECT_LT(run, 3) << f.key << ": " << f.label_zh;
      if (run >= 3) break;
    }
  }
  EXPECT_EQ(r.Find("app_household_registration_rate")->label_zh, "社会扶贫网贫困户注册率");
}

}  // namespace
}  // namespace fupin::reports
