#include "dataio/assistance_exports.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "assessment/schema.h"
#include "assistance/schema.h"
#include "io/table.h"
#include "registry/testing.h"

namespace fupin::dataio {
namespace {

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& x : assistance::Migrations()) m.push_back(std::move(x));
  return m;
}

// Issue 24: the assistance page's lists leave as XLSX with every row of the
// page's filters, Chinese headers and masked phones.
class AssistanceExportTest : public ::testing::Test {
 protected:
  AssistanceExportTest() : fx_(Extra()), svc_(fx_.db(), fx_.clock()) {
    fx_.AddAreas();
    dir_ = std::filesystem::temp_directory_path() /
           ("fupin-aexport-" + std::to_string(::getpid()) +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~AssistanceExportTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  int64_t Cadre(const std::string& name, const std::string& unit) {
    assistance::CadreInput in;
    in.name = name;
    in.unit = unit;
    in.phone = "13812345678";
    in.area_code = "430424";
    return svc_.AddCadre(fx_.admin(), in);
  }
  std::string Path(const char* name) { return (dir_ / name).string(); }

  registry::testing::RegistryFixture fx_;
  assistance::AssistanceService svc_;
  std::filesystem::path dir_;
};

TEST_F(AssistanceExportTest, CadresEveryPageWithTheSearchAndMaskedPhones) {
  for (int i = 0; i < 1005; ++i) Cadre("干部" + std::to_string(1000 + i), i % 5 ? "县教育局" : "县民政局");
  const std::string all = Path("cadres.xlsx");
  EXPECT_EQ(ExportCadres(fx_.db(), fx_.clock(), fx_.admin(), "430424", "", all), 1005);
  const io::Table t = io::ReadTable(all);
  ASSERT_EQ(t.rows.size(), 1006u);
  EXPECT_EQ(t.rows[0].cells[0], "干部");
  EXPECT_EQ(t.rows[0].cells[3], "手机号码");
  EXPECT_EQ(t.rows[1].cells[0], "干部1000");
  EXPECT_EQ(t.rows[1005].cells[0], "干部2004");
  for (size_t i = 1; i < t.rows.size(); ++i) ASSERT_EQ(t.rows[i].cells[3].find("12345678"), std::string::npos);
  const std::string found = Path("found.xlsx");
  EXPECT_EQ(ExportCadres(fx_.db(), fx_.clock(), fx_.admin(), "430424", "民政局", found), 201);
  EXPECT_EQ(io::ReadTable(found).rows.at(1).cells.at(1), "县民政局");
}

TEST_F(AssistanceExportTest, WorkTeamsOneRowPerMemberInChinese) {
  const int64_t team = svc_.AddTeam(fx_.admin(), {"430424100200", "县教育局", "2015-10-01", std::nullopt});
  svc_.AddTeamMember(fx_.admin(), team, Cadre("王队长", "县教育局"), "captain", "2015-10-01");
  svc_.AddTeamMember(fx_.admin(), team, Cadre("李书记", "县教育局"), "first_secretary", "2015-10-01");
  svc_.AddTeam(fx_.admin(), {"430424101200", "县民政局", "2016-01-01", std::nullopt});  // no member yet
  const std::string path = Path("teams.xlsx");
  EXPECT_EQ(ExportWorkTeams(fx_.db(), fx_.clock(), fx_.admin(), "430424", "", path), 3);
  const io::Table t = io::ReadTable(path);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0].cells[7], "职务");
  EXPECT_EQ(t.rows[1].cells[1], "430424100200");
  EXPECT_EQ(t.rows[1].cells[5], "王队长");
  EXPECT_EQ(t.rows[1].cells[7], "队长");
  EXPECT_EQ(t.rows[2].cells[7], "第一书记");
  EXPECT_EQ(t.rows[3].cells[2], "县民政局");
  EXPECT_EQ(ExportWorkTeams(fx_.db(), fx_.clock(), fx_.admin(), "430424", "王队长", Path("leader.xlsx")), 2);
}

TEST_F(AssistanceExportTest, PairingsAndGapListsWithTheirFilters) {
  const int64_t a = Cadre("甲干部", "县教育局");
  const int64_t h1 = fx_.AddHousehold("X1", "430424100200");
  const int64_t h2 = fx_.AddHousehold("X2", "430424100200");
  fx_.AddHousehold("X3", "430424101200");
  svc_.Pair(fx_.admin(), a, h1, "2015-01-01");
  svc_.Pair(fx_.admin(), a, h2, "2015-01-01");
  svc_.RecordVisit(fx_.admin(), {h1, std::nullopt, "2020-09-30", "走访", ""});
  const std::string pairs = Path("pairings.xlsx");
  EXPECT_EQ(ExportPairings(fx_.db(), fx_.clock(), fx_.admin(), {}, "X2", pairs), 1);
  const io::Table p = io::ReadTable(pairs);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].cells[0], "户编号");
  EXPECT_EQ(p.rows[1].cells[0], "X2");
  EXPECT_EQ(p.rows[1].cells[2], "甲干部");
  const std::string late = Path("late.xlsx");
  EXPECT_EQ(ExportCoverageGaps(fx_.db(), fx_.clock(), fx_.admin(), "430424", assistance::GapKind::kNotVisited,
                               "2020-09-30", "", late),
            1);
  const io::Table l = io::ReadTable(late);
  ASSERT_EQ(l.rows.size(), 2u);
  EXPECT_EQ(l.rows[1].cells[0], "X2");
  EXPECT_EQ(l.rows[1].cells[3], "未脱贫");
  EXPECT_EQ(l.rows[1].cells[4], "甲干部");
  const std::string without = Path("without.csv");
  EXPECT_EQ(ExportCoverageGaps(fx_.db(), fx_.clock(), fx_.admin(), "430424", assistance::GapKind::kWithoutCadre,
                               "2020-09-30", "", without),
            1);
  EXPECT_EQ(io::ReadTable(without).rows.at(1).cells.at(0), "X3");
  Caller donor;
  donor.role = Role::kDonor;
  donor.area_scope = "430424";
  EXPECT_THROW(ExportCadres(fx_.db(), fx_.clock(), donor, "430424", "", Path("no.xlsx")), Error);
  EXPECT_FALSE(std::filesystem::exists(Path("no.xlsx")));
}

}  // namespace
}  // namespace fupin::dataio
