// End-to-end: `fupin import`, `fupin check`, `fupin notice exits` and list
// exports through the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

class ImportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteAreaFixture(dir_.path(), 2, 2);
    db_ = dir_.File("fupin.db");
    auto r = RunFupin(db_, {"areas", "import", dir_.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ProcessResult Fupin(const std::vector<std::string>& args) { return RunFupin(db_, args); }

  TempDir dir_;
  std::string db_;
};

TEST_F(ImportCliTest, TemplateImportRefusalSkipInvalidCheckAndExports) {
  auto r = Fupin({"import", "template", "--kind", "persons", "--format", "xlsx", "--output", dir_.File("t.xlsx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("t.xlsx")));
  r = Fupin({"import", "template", "--kind", "household-years", "--format", "csv", "--output", dir_.File("y.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const std::string header = "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系\n";
  const std::string good = "H1,430424100200,2014,张一," + MakeIdNumber("43042419700101001") + ",户主\n" +
                           "H1,430424100200,2014,张二," + MakeIdNumber("43042419720101002") + ",配偶\n";
  const std::string bad = "H2,430424100200,2014,李一,430424197001010010,户主\n"   // check character
                          "H3,430424999999,2014,王一," + MakeIdNumber("43042419700101003") + ",户主\n";  // no village
  WriteText(dir_.File("p.csv"), header + good + bad);
  r = Fupin({"import", "persons", dir_.File("p.csv")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("第4行 身份证号"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("第5行 行政村代码"), std::string::npos) << r.err;

  r = Fupin({"import", "persons", dir_.File("p.csv"), "--skip-invalid", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["persons_added"], 2);
  EXPECT_EQ(j["rejected_rows"], 2);
  EXPECT_EQ(j["errors_file"], dir_.File("p.errors.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir_.File("p.errors.csv")));

  WriteText(dir_.File("y.csv"), "户编号,年度,工资性收入,转移性收入\nH1,2019,9000,600\n");
  r = Fupin({"import", "household-years", dir_.File("y.csv"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["household_years_added"], 1);

  r = Fupin({"check", "--area", "430424", "--year", "2019", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json c = json::parse(r.out);
  EXPECT_EQ(c["total"], 0) << c.dump();
  r = Fupin({"check", "--list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(json::parse(r.out)["items"].size(), 15u);

  r = Fupin({"household", "list", "--area", "430424", "--output", dir_.File("h.xlsx")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("h.xlsx")));
  r = Fupin({"notice", "exits", "--area", "430424", "--year", "2019", "--output", dir_.File("n.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("n.csv")));
}

}  // namespace
}  // namespace fupin::testing
