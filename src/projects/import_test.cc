// Imports of allocations, project lists and disbursements: all or nothing,
// problems named by row and column, money checked across the file's rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <unistd.h>

#include "core/error.h"
#include "projects/import.h"
#include "projects/projects.h"
#include "projects/schema.h"
#include "registry/testing.h"

namespace fupin::projects {
namespace {

class ProjectImportTest : public ::testing::Test {
 protected:
  ProjectImportTest() : fx_(Migrations()) {
    fx_.AddAreas();
    dir_ = std::filesystem::temp_directory_path() / ("fupin_project_import_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~ProjectImportTest() override { std::filesystem::remove_all(dir_); }

  std::string Csv(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  int64_t Count(const std::string& table) { return *fx_.db().QueryInt("SELECT count(*) FROM " + table); }
  std::vector<std::string> ProblemsOf(const std::function<void()>& f) {
    std::vector<std::string> out;
    try {
      f();
    } catch (const Error& e) {
      for (const auto& d : e.details()) out.push_back(d.path + ": " + d.problem);
    }
    return out;
  }

  registry::testing::RegistryFixture fx_;
  std::filesystem::path dir_;
};

TEST_F(ProjectImportTest, AllocationsAndProjectsAllOrNothing) {
  const std::string bad = Csv("bad.csv",
                              "文号,下达日期,年度,资金来源,区划,金额\n"
                              "湘财农〔2019〕1号,2019-03-01,2019,中央财政专项扶贫资金,430424,1000000\n"
                              "湘财农〔2019〕2号,2019/3/2,2019,彩票,430424,12.345\n");
  const auto problems = ProblemsOf([&] { Import(fx_.db(), fx_.admin(), ImportKind::kAllocations, bad); });
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "第3行 资金来源: “彩票”：不是资金来源");
  EXPECT_EQ(problems[1], "第3行 金额: “12.345”：不是大于 0 的金额（元，最多两位小数）");
  EXPECT_EQ(Count("fund_allocations"), 0);
  const std::string good = Csv("good.csv",
                               "document_no,date,year,source,area_code,amount\n"
                               "湘财农〔2019〕1号,2019-03-01,2019,central,430424,\"1,000,000.00\"\n"
                               "湘财农〔2019〕2号,2019/3/2,2019,统筹整合涉农资金,430424100,500000\n");
  const auto r = Import(fx_.db(), fx_.admin(), ImportKind::kAllocations, good);
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT sum(amount_fen) FROM fund_allocations"), 150000000);

  const std::string list = Csv("projects.csv",
                               "项目名称,项目类别,项目级别,实施地点,开始年度,结束年度,实施单位,资金来源,计划金额\n"
                               "油茶基地,产业扶贫,县级,430424100,2019,2020,县林业局,central,300000\n"
                               "供水工程,water,county,430424100200,2019,2019,县水利局,,\n");
  EXPECT_EQ(Import(fx_.db(), fx_.admin(), ImportKind::kProjects, list).added, 2);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM projects WHERE status = 'proposed'"), 2);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM project_steps"), 2);
}

TEST_F(ProjectImportTest, DisbursementsCountAgainstEachOtherAndWhatWasGiven) {
  ProjectService svc(fx_.db(), fx_.clock());
  ProjectInput in;
  in.name = "供水工程";
  in.kind = "water";
  in.level = "county";
  in.area_code = "430424100";
  in.start_year = in.end_year = 2019;
  in.implementer = "县水利局";
  const int64_t p = svc.AddProject(fx_.admin(), in).id;
  const int64_t a = svc.Allocate(fx_.admin(), {"文", "2019-03-01", 2019, "central", "430424", 1000000}).id;
  svc.Assign(fx_.admin(), a, p, 1000000, "2019-03-02");
  const std::string header = "项目编号,资金下达编号,支出日期,金额,收款单位,用途\n";
  const std::string row = std::to_string(p) + "," + std::to_string(a) + ",2019-05-01,6000,施工方,进度款\n";
  // Each row alone fits (10,000 yuan given); the two together do not.
  const auto problems = ProblemsOf([&] { Import(fx_.db(), fx_.admin(), ImportKind::kDisbursements, Csv("d.csv", header + row + row)); });
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "第3行 金额: “6000”：支出 6000.00 元超出项目 1 在资金下达 1 中的余额：剩余 4000.00 元（已安排 "
                         "10000.00 元）");
  EXPECT_EQ(Count("fund_disbursements"), 0);
  EXPECT_EQ(Import(fx_.db(), fx_.admin(), ImportKind::kDisbursements, Csv("d1.csv", header + row)).added, 1);
  EXPECT_EQ(svc.GetProject(fx_.admin(), p).spent_fen, 600000);
  // A township may not import.
  Caller township{0, "乡镇", Role::kTownship, "430424100"};
  EXPECT_THROW(Import(fx_.db(), township, ImportKind::kDisbursements, Csv("d2.csv", header + row)), Error);
}

}  // namespace
}  // namespace fupin::projects
