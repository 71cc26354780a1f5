// Imports of industry rows on the sheet framework: all or nothing, every
// problem named by row and column, households and persons only inside the
// caller's scope, the rows written when the file is clean.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <unistd.h>

#include "core/error.h"
#include "core/id_number.h"
#include "industry/import.h"
#include "industry/industry.h"
#include "industry/schema.h"
#include "monitoring/schema.h"
#include "projects/schema.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::industry {
namespace {

std::vector<store::Migration> Schema() {
  auto all = projects::Migrations();
  for (auto& m : monitoring::Migrations()) all.push_back(std::move(m));  // 1101 adds monitoring rules
  for (auto& m : Migrations()) all.push_back(std::move(m));
  return all;
}

std::string IdNumber(const std::string& birth, const std::string& seq) {
  const std::string first17 = "430424" + birth + seq;
  return first17 + IdCheckCharacter(first17);
}

class IndustryImportTest : public ::testing::Test {
 protected:
  IndustryImportTest() : fx_(Schema()) {
    fx_.AddAreas();
    dir_ = std::filesystem::temp_directory_path() / ("fupin_industry_import_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    h1_ = fx_.AddHousehold("4304241002000001", "430424100200");
    h2_ = fx_.AddHousehold("4304241012000001", "430424101200");
    registry::PersonRegistry reg(fx_.db(), fx_.clock());
    registry::PersonInput in;
    in.id_number = IdNumber("19800101", "901");
    in.name = "张三";
    in.household_id = h1_;
    in.relation = "head";
    in.start_date = "1980-01-01";
    reg.AddPerson(fx_.admin(), in);
    in.id_number = IdNumber("19850101", "902");
    in.name = "李四";
    in.household_id = h2_;
    in.start_date = "1985-01-01";
    reg.AddPerson(fx_.admin(), in);
    township_ = Caller{fx_.admin().user_id, "乡镇写入者", Role::kCountyOffice, "430424100"};
  }
  ~IndustryImportTest() override { std::filesystem::remove_all(dir_); }

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
  int64_t h1_ = 0, h2_ = 0;
  Caller township_;
};

TEST_F(IndustryImportTest, PlantingsAllOrNothingWithEveryProblemNamed) {
  IndustryService(fx_.db(), fx_.clock()).AddIndustry(fx_.admin(), "三樟黄贡椒", "斤", "pepper");
  const std::string bad = Csv("bad.csv",
                              "产业,户编号,年度,种植面积（亩）,收入（元）\n"
                              "三樟黄贡椒,4304241002000001,2020,2.5,17500\n"
                              "西瓜,4304241002000009,1999,-1,abc\n");
  const auto problems = ProblemsOf([&] { Import(fx_.db(), fx_.admin(), ImportKind::kPlantings, bad); });
  ASSERT_EQ(problems.size(), 5u) << ::testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("第3行 产业"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("第3行 户编号"), std::string::npos) << problems[1];
  EXPECT_EQ(Count("industry_households"), 0);
  const std::string good = Csv("good.csv",
                               "industry,household_number,year,mu,income,subsidy\n"
                               "pepper,4304241002000001,2020,2.5,\"17,500.00\",200\n"
                               "三樟黄贡椒,4304241012000001,2020,1,7000元,\n");
  EXPECT_EQ(Import(fx_.db(), fx_.admin(), ImportKind::kPlantings, good).rows, 2);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT sum(mu_milli) FROM industry_households"), 3500);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT sum(income_fen) FROM industry_households"), 2450000);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'industry.import_plantings'"), 1);
  // A household outside the caller's scope is refused like an unknown one.
  const auto outside = ProblemsOf([&] { Import(fx_.db(), township_, ImportKind::kPlantings, good); });
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_NE(outside[0].find("第3行 household_number"), std::string::npos) << outside[0];
}

TEST_F(IndustryImportTest, WorkersAreFoundByIdNumber) {
  const std::string bad = Csv("workers_bad.csv",
                              "身份证号,年度,是否就业,就业地点,就业渠道,未就业原因\n" + IdNumber("19800101", "901") +
                                  ",2020,是,省外,,\n" + IdNumber("19700101", "903") + ",2020,否,,,因病\n");
  const auto problems = ProblemsOf([&] { Import(fx_.db(), fx_.admin(), ImportKind::kWorkers, bad); });
  ASSERT_EQ(problems.size(), 2u) << ::testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("第2行"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("第3行 身份证号"), std::string::npos) << problems[1];
  EXPECT_EQ(Count("worker_years"), 0);
  const std::string good = Csv("workers.csv",
                               "身份证号,年度,是否就业,就业地点,就业渠道,就业单位,务工月数,务工收入,未就业原因\n" +
                                   IdNumber("19800101", "901") + ",2020,是,省外,招聘会,广东某厂,10,40000,\n" +
                                   IdNumber("19850101", "902") + ",2020,否,,,,,,照料家人\n");
  EXPECT_EQ(Import(fx_.db(), fx_.admin(), ImportKind::kWorkers, good).rows, 2);
  WorkerFilter f;
  f.year = 2020;
  f.employed = false;
  const auto idle = IndustryService(fx_.db(), fx_.clock()).ListWorkers(fx_.admin(), f);
  ASSERT_EQ(idle.total, 1);
  EXPECT_EQ(idle.items[0].reason, "caring");
  EXPECT_EQ(idle.items[0].household_id, h2_);
}

TEST_F(IndustryImportTest, PurchasesAndLoans) {
  IndustryService svc(fx_.db(), fx_.clock());
  const Product p = svc.AddProduct(fx_.admin(), {"黄贡椒", "", "", "2019-01-01", "household", h1_, std::nullopt, ""});
  const std::string purchases = Csv("purchases.csv",
                                    "产品编号,购买日期,购买方类型,购买方,购买渠道,金额\n" + std::to_string(p.id) +
                                        ",2019/5/1,工会,县总工会,展销会,10000\n" + std::to_string(p.id) +
                                        ",2018-12-31,unit,县直机关,canteen,0\n");
  const auto problems = ProblemsOf([&] { Import(fx_.db(), fx_.admin(), ImportKind::kPurchases, purchases); });
  ASSERT_EQ(problems.size(), 2u) << ::testing::PrintToString(problems);
  EXPECT_EQ(Count("purchases"), 0);
  const std::string loans = Csv("loans.csv",
                                "户编号,贷款银行,贷款金额,放款日期,到期日期,用途\n"
                                "4304241002000001,衡东县农村商业银行,50000,2018-03-01,2021-03-01,发展种养业\n");
  EXPECT_EQ(Import(fx_.db(), fx_.admin(), ImportKind::kLoans, loans).rows, 1);
  EXPECT_EQ(svc.ListLoans(fx_.admin(), "", true).size(), 1u);  // due 2021, today 2026: overdue
}

}  // namespace
}  // namespace fupin::industry
