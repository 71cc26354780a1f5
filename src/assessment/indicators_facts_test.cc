// `report indicators` read from the columnar copy of the facts (facts/facts.h)
// against the same report read from the tables, on a random registry (both
// stores): every figure of every area equal; a change of a record rebuilds
// the copy; a damaged copy is detected and rebuilt.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "assessment/indicator_figures_testing.h"
#include "assessment/indicators.h"
#include "assessment/measures.h"
#include "assessment/schema.h"
#include "core/error.h"
#include "facts/facts.h"
#include "registry/areas.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::assessment {
namespace {

using testing::AllFigures;

class IndicatorsFromFactsTest : public ::testing::Test {
 protected:
  IndicatorsFromFactsTest() : f_(Migrations()) {}
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("fupin_facts_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "fupin.db.facts").string();
    f_.AddAreas();
    FillAtRandom();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 40 households over the four villages with 1-4 members each, events, yearly
  // facts with gaps and unknowns, moves between households, area populations.
  void FillAtRandom() {
    std::mt19937 rng(25);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const std::vector<std::string> villages = {"430424100200", "430424100201", "430424101200", "430426100200"};
    registry::HouseholdRegistry households(f_.db(), f_.clock());
    registry::PersonRegistry persons(f_.db(), f_.clock());
    auto flag = [&]() -> std::optional<bool> {
      const int v = pick(0, 5);
      return v == 0 ? std::nullopt : std::optional<bool>(v > 1);
    };
    const std::vector<std::string> school = {"enrolled", "dropped_out", "graduated", "not_school_age", "exempt"};
    std::vector<int64_t> people, ids;
    std::vector<size_t> home;  // of each person: index in ids
    for (int i = 0; i < 40; ++i) {
      const std::string number = "H" + std::to_string(100 - i);  // numbers not in id order
      const int64_t h = f_.AddHousehold(number, villages[static_cast<size_t>(pick(0, 3))], pick(2014, 2016));
      ids.push_back(h);
      for (int m = pick(1, 4); m > 0; --m) {
        home.push_back(ids.size() - 1);
        people.push_back(f_.AddPerson(h, std::to_string(pick(1950, 2012)) + "0" + std::to_string(pick(1, 9)) + "1" +
                                             std::to_string(pick(0, 9))));
      }
      const int kind = pick(0, 5);
      if (kind == 1 || kind == 2) f_.AddEvent(h, "exited", std::to_string(pick(2015, 2019)) + "-06-30");
      if (kind == 2) f_.AddEvent(h, "returned", "2019-06-30");  // the same date as some exits
      if (kind == 3) f_.AddEvent(h, "removed", std::to_string(pick(2015, 2019)) + "-12-31");
      for (int year : {2018, 2019}) {
        if (pick(0, 6) == 0) continue;
        registry::HouseholdYear y;
        y.year = year;
        y.members = pick(1, 4);
        y.wage_income = pick(0, 2000000);
        y.transfer_income = pick(0, 300000);
        y.production_cost = pick(0, 100000);
        y.food_secure = flag();
        y.clothing_secure = flag();
        y.housing_safe = flag();
        y.drinking_water_safe = flag();
        households.SetHouseholdYear(f_.admin(), h, y);
      }
    }
    for (int64_t p : people) {
      if (pick(0, 4) == 0) continue;
      registry::PersonYear y;
      y.year = 2019;
      if (pick(0, 3) > 0) y.school_status = school[static_cast<size_t>(pick(0, 4))];
      y.medical_insured = flag();
      persons.SetPersonYear(f_.admin(), p, y);
    }
    for (size_t p = 3; p < people.size(); p += 11) {  // to the next household
      try {
        persons.MovePerson(f_.admin(), people[p], ids[(home[p] + 1) % ids.size()], "other",
                           "2017-0" + std::to_string(pick(1, 9)) + "-15", "投亲");
      } catch (const Error&) {
        // A move the registry refuses (e.g. into a removed household) is left out.
      }
    }
    for (const char* code : {"430424100200", "430424100201", "430424101"}) {
      for (int year = 2014; year <= 2019; ++year) {
        registry::SetAreaYear(f_.db(), f_.admin(), {code, year, pick(100, 900), false, std::nullopt});
      }
    }
  }

  void ExpectSameBothWays(const std::string& area, int from, int year) {
    SCOPED_TRACE("area " + area + " " + std::to_string(from) + "-" + std::to_string(year));
    const auto tables = ComputeIndicators(f_.db(), f_.admin(), area, from, year);
    const auto copy = ComputeIndicatorsFromFacts(f_.db(), f_.admin(), area, from, year, path_);
    EXPECT_EQ(AllFigures(copy), AllFigures(tables));
    EXPECT_GT(tables.areas.at(0).assessed, 0);
  }

  registry::testing::RegistryFixture f_;
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(IndicatorsFromFactsTest, EveryFigureOfEveryAreaAsFromTheTables) {
  for (const std::string area : {"nation", "43", "430424", "430424100", "430426"}) {
    ExpectSameBothWays(area, 2014, 2019);
  }
  ExpectSameBothWays("nation", 2016, 2018);
  ExpectSameBothWays("430424", 2019, 2019);
  EXPECT_TRUE(std::filesystem::exists(path_));
}

TEST_F(IndicatorsFromFactsTest, AChangedRecordRebuildsTheCopy) {
  const auto before = ComputeIndicatorsFromFacts(f_.db(), f_.admin(), "nation", 2014, 2019, path_);
  const facts::DataVersion version = facts::CurrentVersion(f_.db());
  ASSERT_TRUE(facts::MappedColumns::Open(path_, version));
  // Every household of the first village gets a high income in 2019.
  registry::HouseholdRegistry households(f_.db(), f_.clock());
  auto ids = f_.db().Prepare("SELECT id FROM households WHERE village_code = '430424100200'");
  while (ids->Step()) {
    registry::HouseholdYear y;
    y.year = 2019;
    y.members = 1;
    y.wage_income = 9000000;
    households.SetHouseholdYear(f_.admin(), ids->Int(0), y);
  }
  EXPECT_NE(facts::CurrentVersion(f_.db()), version);
  EXPECT_FALSE(facts::MappedColumns::Open(path_, facts::CurrentVersion(f_.db())));  // stale, not read
  const auto after = ComputeIndicatorsFromFacts(f_.db(), f_.admin(), "nation", 2014, 2019, path_);
  EXPECT_TRUE(facts::MappedColumns::Open(path_, facts::CurrentVersion(f_.db())));  // rebuilt
  EXPECT_NE(AllFigures(after), AllFigures(before));
  EXPECT_EQ(AllFigures(after), AllFigures(ComputeIndicators(f_.db(), f_.admin(), "nation", 2014, 2019)));
}

TEST_F(IndicatorsFromFactsTest, ADamagedOrMissingCopyIsBuiltAgain) {
  const auto first = AllFigures(ComputeIndicatorsFromFacts(f_.db(), f_.admin(), "nation", 2014, 2019, path_));
  const facts::DataVersion version = facts::CurrentVersion(f_.db());
  const auto size = std::filesystem::file_size(path_);
  {
    // The last byte (of the last column: area populations) changed.
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-1, std::ios::end);
    const char c = static_cast<char>(file.get());
    file.seekp(-1, std::ios::end);
    file.put(static_cast<char>(c ^ 0x40));
  }
  EXPECT_FALSE(facts::MappedColumns::Open(path_, version));
  EXPECT_EQ(AllFigures(ComputeIndicatorsFromFacts(f_.db(), f_.admin(), "nation", 2014, 2019, path_)), first);
  EXPECT_TRUE(facts::MappedColumns::Open(path_, version));
  std::filesystem::resize_file(path_, size / 3);
  EXPECT_EQ(AllFigures(ComputeIndicatorsFromFacts(f_.db(), f_.admin(), "nation", 2014, 2019, path_)), first);
  std::filesystem::remove(path_);
  EXPECT_EQ(AllFigures(ComputeIndicatorsFromFacts(f_.db(), f_.admin(), "nation", 2014, 2019, path_)), first);
  EXPECT_EQ(std::filesystem::file_size(path_), size);
}

TEST_F(IndicatorsFromFactsTest, MeasuresOfEveryAreaAsFromTheTables) {
  for (int year : {2018, 2019}) {
    for (const std::string area :
         {"nation", "43", "430424", "430424100", "430424100200", "430424100201", "430424101200", "430426"}) {
      SCOPED_TRACE("area " + area + " " + std::to_string(year));
      const auto tables = MeasureJson(ComputeMeasures(f_.db(), f_.admin(), area, year, f_.clock()));
      const auto copy = MeasureJson(ComputeMeasuresFromFacts(f_.db(), f_.admin(), area, year, path_, f_.clock()));
      EXPECT_EQ(copy, tables);
      // Stored as ComputeMeasures stores it.
      auto stored = f_.db().Prepare("SELECT result FROM measure_results WHERE area_code = ? AND year = ?");
      stored->BindText(1, tables["area_code"].get<std::string>());
      stored->BindInt(2, year);
      ASSERT_TRUE(stored->Step());
      EXPECT_EQ(nlohmann::json::parse(stored->Text(0)), copy);
    }
  }
  const auto nation = ComputeMeasuresFromFacts(f_.db(), f_.admin(), "nation", 2019, path_, f_.clock());
  EXPECT_GT(nation.households, 0);
  EXPECT_GT(nation.fgt.p0, 0);
  EXPECT_GT(nation.af.persons, 0);
}

TEST_F(IndicatorsFromFactsTest, MeasuresRefuseAsFromTheTables) {
  EXPECT_THROW(ComputeMeasuresFromFacts(f_.db(), f_.admin(), "430424", 1999, path_, f_.clock()), Error);
  try {
    ComputeMeasuresFromFacts(f_.db(), f_.admin(), "439999", 2019, path_, f_.clock());
    ADD_FAILURE() << "no such area";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

// The choice the CLI and the server make: the copy when a path is given, the
// tables (and one warning) when the copy cannot be written, the tables without
// a word when no copy is wanted; a refusal is a refusal either way.
TEST_F(IndicatorsFromFactsTest, APreferredCopyThatCannotBeWrittenFallsBackToTheTablesWithAWarning) {
  const auto tables = AllFigures(ComputeIndicators(f_.db(), f_.admin(), "nation", 2014, 2019));
  std::vector<std::string> warnings;
  const auto warn = [&](const std::string& why) { warnings.push_back(why); };
  const std::string unwritable = (dir_ / "no-such-folder" / "fupin.db.facts").string();
  EXPECT_EQ(AllFigures(ComputeIndicatorsPreferringFacts(f_.db(), f_.admin(), "nation", 2014, 2019, {unwritable, warn})),
            tables);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(unwritable), std::string::npos) << warnings[0];
  EXPECT_FALSE(std::filesystem::exists(unwritable));

  warnings.clear();
  EXPECT_EQ(AllFigures(ComputeIndicatorsPreferringFacts(f_.db(), f_.admin(), "nation", 2014, 2019, {"", warn})),
            tables);
  EXPECT_EQ(MeasureJson(ComputeMeasuresPreferringFacts(f_.db(), f_.admin(), "430424", 2019, {unwritable, warn},
                                                       f_.clock())),
            MeasureJson(ComputeMeasures(f_.db(), f_.admin(), "430424", 2019, f_.clock())));
  EXPECT_EQ(warnings.size(), 1u);  // the measures' fallback only
  EXPECT_EQ(AllFigures(ComputeIndicatorsPreferringFacts(f_.db(), f_.admin(), "nation", 2014, 2019, {path_, warn})),
            tables);
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(warnings.size(), 1u);
  try {
    ComputeMeasuresPreferringFacts(f_.db(), f_.admin(), "439999", 2019, {path_, warn}, f_.clock());
    ADD_FAILURE() << "no such area";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

// Requests of a server at the same time, each on its own connection, on a copy
// that is not there yet: one builds it while the others wait, then all read the
// same mapping, and every report is the one from the tables.
TEST_F(IndicatorsFromFactsTest, ConcurrentRequestsBuildTheCopyOnce) {
  const auto expected = AllFigures(ComputeIndicators(f_.db(), f_.admin(), "nation", 2014, 2019));
  std::vector<std::unique_ptr<store::Connection>> connections;
  for (int i = 0; i < 4; ++i) connections.push_back(f_.database().Connect());
  std::vector<std::shared_ptr<const facts::Facts>> mapped(connections.size());
  std::vector<nlohmann::json> figures(connections.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < connections.size(); ++i) {
    threads.emplace_back([&, i] {
      mapped[i] = facts::OpenShared(*connections[i], path_);
      figures[i] = AllFigures(ComputeIndicatorsFromFacts(*connections[i], f_.admin(), "nation", 2014, 2019, path_));
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < connections.size(); ++i) {
    EXPECT_EQ(mapped[i].get(), mapped[0].get()) << i;
    EXPECT_EQ(figures[i], expected) << i;
  }
  // No temporary file is left beside the copy.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace fupin::assessment
