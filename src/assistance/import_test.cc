#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "assessment/schema.h"
#include "assistance/assistance.h"
#include "assistance/import.h"
#include "assistance/schema.h"
#include "core/error.h"
#include "registry/testing.h"

namespace fupin::assistance {
namespace {

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& x : Migrations()) m.push_back(std::move(x));
  return m;
}

class ImportTest : public ::testing::Test {
 protected:
  ImportTest() : fx_(Extra()) { fx_.AddAreas(); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string p = std::filesystem::path(fx_.path()).parent_path() / name;
    std::ofstream(p) << text;
    return p;
  }
  int64_t Count(const std::string& table) { return *fx_.db().QueryInt("SELECT count(*) FROM " + table); }
  registry::testing::RegistryFixture fx_;
};

TEST_F(ImportTest, GoodFilesAddCadresTeamsAndPairings) {
  fx_.AddHousehold("430424100200001", "430424100200");
  fx_.AddHousehold("430424100200002", "430424100200");
  auto r = Import(fx_.db(), fx_.admin(), ImportKind::kCadres,
                  Write("c.csv", "姓名,单位,职务,电话,干部编号,区划\n张三,县教育局,科员,13800000001,C1,430424\n"
                                 "李四,县民政局,科长,,,430424\nwang,county,member,,C3,430424\n"),
                  fx_.clock());
  EXPECT_EQ(r.added, 3);
  r = Import(fx_.db(), fx_.admin(), ImportKind::kTeams,
             Write("t.csv", "village_code,dispatching_unit,start_date,cadre,cadre_unit,role\n"
                            "430424100200,县教育局,2015/10/01,张三,县教育局,队长\n"
                            "430424100200,县教育局,2015-10-01,李四,县民政局,第一书记\n"),
             fx_.clock());
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(Count("work_teams"), 1);
  r = Import(fx_.db(), fx_.admin(), ImportKind::kPairings,
             Write("p.csv", "户编号,干部编号,干部,干部单位,开始日期\n430424100200001,C1,,,2015-01-01\n"
                            "430424100200002,,李四,县民政局,2015-01-01\n"),
             fx_.clock());
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(Count("pairings"), 2);
}

TEST_F(ImportTest, ABadFileWritesNothingAndNamesRowColumnValueAndReason) {
  fx_.AddHousehold("430424100200001", "430424100200");
  Import(fx_.db(), fx_.admin(), ImportKind::kCadres, Write("c.csv", "姓名,单位,区划\n张三,县教育局,430424\n"), fx_.clock());
  try {
    Import(fx_.db(), fx_.admin(), ImportKind::kPairings,
           Write("p.csv", "户编号,干部,干部单位,开始日期\n430424100200001,张三,县教育局,2015-01-01\n"
                          "999,张三,县教育局,2015-01-01\n430424100200001,王五,县教育局,2015-13-01\n"),
           fx_.clock());
    FAIL() << "accepted";
  } catch (const Error& e) {
    ASSERT_GE(e.details().size(), 3u);
    bool found_row3 = false, found_date = false, found_cadre = false;
    for (const auto& d : e.details()) {
      if (d.path == "第3行 户编号" && d.problem == "“999”：您的范围内无此户编号") found_row3 = true;
      if (d.path == "第4行 开始日期" && d.problem.find("“2015-13-01”：不是日期") == 0) found_date = true;
      if (d.path == "第4行 干部" && d.problem.find("王五") != std::string::npos) found_cadre = true;
    }
    EXPECT_TRUE(found_row3 && found_date && found_cadre) << e.details()[0].path << ": " << e.details()[0].problem;
  }
  EXPECT_EQ(Count("pairings"), 0);
  // Cadres: a bad phone rejects the whole file.
  EXPECT_THROW(Import(fx_.db(), fx_.admin(), ImportKind::kCadres,
                      Write("c2.csv", "姓名,单位,电话,区划\n甲,县局,13800000001,430424\n乙,县局,call me,430424\n"), fx_.clock()),
               Error);
  EXPECT_EQ(Count("cadres"), 1);
}

}  // namespace
}  // namespace fupin::assistance
