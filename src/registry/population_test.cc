// The kept rural population (registry/population.h) against the definition
// the incidence used before it was kept, recomputed from area_years by walking
// the tree of every area below, after random series of changes at every
// level: figures set, changed and cleared one by one and in batches, and an
// import of areas that adds a province.
#include "registry/population.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "core/area_code.h"
#include "registry/areas.h"
#include "registry/rollup.h"
#include "registry/testing.h"

namespace fupin::registry {
namespace {

constexpr int kFirstYear = 2013;
constexpr int kLastYear = 2018;

// The definition, computed the slow way from every figure of the subtree: an
// area's own figure for the year, else the sum over its children computed the
// same way (the tree of the codes that have figures, joined up to `area`).
std::vector<int64_t> Recomputed(store::Connection& db, const std::string& area, int from, int to) {
  const size_t n = static_cast<size_t>(to - from) + 1;
  std::vector<int64_t> out(n, 0);
  std::map<std::string, std::vector<int64_t>> own;  // -1: no figure that year
  auto s = db.Prepare(
      "SELECT area_code, year, rural_population FROM area_years WHERE area_code >= ? AND area_code < ?"
      " AND year BETWEEN ? AND ? AND rural_population IS NOT NULL");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindInt(3, from);
  s->BindInt(4, to);
  while (s->Step()) {
    auto& row = own[s->Text(0)];
    if (row.empty()) row.assign(n, -1);
    row[static_cast<size_t>(s->Int(1) - from)] = s->Int(2);
  }
  std::map<std::string, std::set<std::string>> children;
  for (const auto& [code, _] : own) {
    for (std::string c = code; c != area && !c.empty(); c = ParentAreaCode(c)) children[ParentAreaCode(c)].insert(c);
  }
  auto value = [&](auto&& self, const std::string& code, size_t year) -> int64_t {
    if (auto it = own.find(code); it != own.end() && it->second[year] >= 0) return it->second[year];
    int64_t sum = 0;
    if (auto it = children.find(code); it != children.end()) {
      for (const auto& c : it->second) sum += self(self, c, year);
    }
    return sum;
  };
  for (size_t y = 0; y < n; ++y) out[y] = value(value, area, y);
  return out;
}

// Every kept row, to compare with a rebuild.
std::vector<std::string> Rows(store::Connection& db) {
  std::vector<std::string> rows;
  auto s = db.Prepare(
      "SELECT area_code, year, COALESCE(parent_code, '-'), population FROM area_rural_population"
      " ORDER BY area_code, year");
  while (s->Step()) {
    rows.push_back(s->Text(0) + " " + std::to_string(s->Int(1)) + " " + s->Text(2) + " " + std::to_string(s->Int(3)));
  }
  return rows;
}

class PopulationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_.AddAreas();
    auto s = f_.db().Prepare("SELECT code FROM areas ORDER BY code");
    while (s->Step()) areas_.push_back(s->Text(0));
  }

  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  const std::string& AnyArea() { return areas_[static_cast<size_t>(Pick(0, static_cast<int>(areas_.size()) - 1))]; }
  // A figure, now and then 0 or none (cleared).
  std::optional<int64_t> AnyFigure() {
    const int p = Pick(0, 9);
    if (p == 0) return std::nullopt;
    if (p == 1) return 0;
    return Pick(1, 5000);
  }

  void SetOne() {
    SetAreaYear(f_.db(), f_.admin(), {AnyArea(), Pick(kFirstYear, kLastYear), AnyFigure(), Pick(0, 1) == 1, {}});
  }
  void SetBatch() {
    std::map<std::pair<std::string, int>, std::optional<int64_t>> rows;  // one row per area and year
    for (int i = Pick(1, 8); i > 0; --i) rows[{AnyArea(), Pick(kFirstYear, kLastYear)}] = AnyFigure();
    std::vector<AreaYearRow> batch;
    for (const auto& [key, figure] : rows) batch.push_back({key.first, key.second, figure, false, {}});
    store::Transaction tx(f_.db());
    WriteAreaYears(f_.db(), batch);
    tx.Commit();
  }
  // Imports the fixture's tree again (renaming nothing) and a second province.
  void ImportAProvince() {
    const std::string dir = ::testing::TempDir() + "/population_areas";
    std::filesystem::create_directories(dir);
    auto write = [&dir](const std::string& file, const std::string& text) { std::ofstream(dir + "/" + file) << text; };
    write("provinces.csv", "code,name\n43,湖南省\n44,广东省\n");
    write("cities.csv", "code,name,provinceCode\n4304,衡阳市,43\n4401,广州市,44\n");
    write("areas.csv", "code,name,cityCode\n430424,衡东县,4304\n440101,荔湾区,4401\n");
    write("streets.csv", "code,name,areaCode\n430424100,洣水镇,430424\n440101001,沙面街道,440101\n");
    write("villages.csv", "code,name,streetCode\n440101001001,甲社区,440101001\n440101001002,乙社区,440101001\n");
    ImportAreas(f_.db(), f_.admin(), dir);
    areas_.clear();
    auto s = f_.db().Prepare("SELECT code FROM areas ORDER BY code");
    while (s->Step()) areas_.push_back(s->Text(0));
  }

  void ExpectKeptEqualsRecomputed(const std::string& when) {
    std::vector<std::string> all = areas_;
    all.emplace_back("");
    for (const auto& area : all) {
      EXPECT_EQ(ReadRuralPopulation(f_.db(), area, kFirstYear - 1, kLastYear + 1),
                Recomputed(f_.db(), area, kFirstYear - 1, kLastYear + 1))
          << when << ", area '" << area << "'";
      const int year = Pick(kFirstYear, kLastYear);
      EXPECT_EQ(ReadRuralPopulation(f_.db(), area, year, year), Recomputed(f_.db(), area, year, year))
          << when << ", area '" << area << "', " << year;
    }
  }

  testing::RegistryFixture f_;
  std::mt19937 rng_{20261207};
  std::vector<std::string> areas_;
};

TEST_F(PopulationTest, KeptFiguresEqualTheTreeRecomputationAfterRandomChanges) {
  for (int step = 0; step < 240; ++step) {
    if (step == 100) ImportAProvince();
    if (Pick(0, 3) == 0) SetBatch(); else SetOne();
    if (step % 30 == 29) ExpectKeptEqualsRecomputed("after step " + std::to_string(step));
  }
  ASSERT_GT(areas_.size(), 15u);  // the imported province is in
  // Both cases were reached: kept figures that are an area's own, and kept
  // figures of areas without one that year (their children's sum).
  const auto own = f_.db().QueryInt(
      "SELECT count(*) FROM area_rural_population p WHERE EXISTS (SELECT 1 FROM area_years y WHERE"
      " y.area_code = p.area_code AND y.year = p.year AND y.rural_population IS NOT NULL)");
  const auto summed = f_.db().QueryInt("SELECT count(*) FROM area_rural_population").value_or(0) - own.value_or(0);
  EXPECT_GT(own.value_or(0), 10);
  EXPECT_GT(summed, 10);
  // The rows kept write by write are those a rebuild makes.
  const auto kept = Rows(f_.db());
  store::Transaction tx(f_.db());
  RebuildRuralPopulation(f_.db());
  EXPECT_EQ(Rows(f_.db()), kept);
}

TEST_F(PopulationTest, OwnFigureElseTheChildrensSumUpToTheNation) {
  SetAreaYear(f_.db(), f_.admin(), {"430424100200", 2016, 1000, true, {}});
  SetAreaYear(f_.db(), f_.admin(), {"430424100201", 2016, 200, false, {}});
  SetAreaYear(f_.db(), f_.admin(), {"430426100200", 2016, 30, false, {}});
  EXPECT_EQ(ReadRuralPopulation(f_.db(), "430424", 2016, 2016)[0], 1200);
  EXPECT_EQ(ReadRuralPopulation(f_.db(), "", 2016, 2016)[0], 1230);
  // The county's own figure replaces its villages' sum above it.
  SetAreaYear(f_.db(), f_.admin(), {"430424", 2016, 5000, false, {}});
  EXPECT_EQ(ReadRuralPopulation(f_.db(), "4304", 2016, 2016)[0], 5030);
  EXPECT_EQ(ReadRuralPopulation(f_.db(), "430424100", 2016, 2016)[0], 1200);
  // Cleared: the sum again. Another year knows nothing.
  SetAreaYear(f_.db(), f_.admin(), {"430424", 2016, std::nullopt, false, {}});
  EXPECT_EQ(ReadRuralPopulation(f_.db(), "43", 2015, 2016), (std::vector<int64_t>{0, 1230}));
}

TEST_F(PopulationTest, ADatabaseWrittenBeforeTheKeptFiguresGetsThemOnce) {
  for (int i = 0; i < 20; ++i) SetOne();
  const auto kept = Rows(f_.db());
  ASSERT_FALSE(kept.empty());
  // As migration 155 leaves an older database: rows missing, the mark set.
  f_.db().Execute("DELETE FROM area_rural_population");
  f_.db().Execute("INSERT INTO pending_area_counts (name) VALUES ('area_rural_population')");
  EXPECT_TRUE(BuildPendingVillageCounts(f_.db()));
  EXPECT_EQ(Rows(f_.db()), kept);
  EXPECT_FALSE(BuildPendingVillageCounts(f_.db()));
}

}  // namespace
}  // namespace fupin::registry
