#include "dataio/exports.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "assessment/schema.h"
#include "core/id_number.h"
#include "dataio/schema.h"
#include "io/table.h"
#include "registry/testing.h"

namespace fupin::dataio {
namespace {

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& d : dataio::Migrations()) m.push_back(std::move(d));
  return m;
}

class ExportTest : public ::testing::Test {
 protected:
  ExportTest() : fx_(Extra()) {
    fx_.AddAreas();
    dir_ = std::filesystem::temp_directory_path() /
           ("fupin-export-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~ExportTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Step(int64_t h, const std::string& step, const std::string& date, const char* end = nullptr) {
    auto s = fx_.db().Prepare(
        "INSERT INTO exit_steps (household_id, year, step, date, end_date, note, actor, recorded_at)"
        " VALUES (?, 2019, ?, ?, ?, '', 'test', 0)");
    s->BindInt(1, h);
    s->BindText(2, step);
    s->BindText(3, date);
    end ? s->BindText(4, end) : s->BindNull(4);
    s->Run();
  }
  registry::testing::RegistryFixture fx_;
  std::filesystem::path dir_;
};

TEST_F(ExportTest, ExitNoticeListsProposedHouseholdsWithMaskedIdNumbers) {
  const int64_t a = fx_.AddHousehold("N001", "430424100200");
  fx_.AddPerson(a, "19700101", "head", "王五");
  fx_.AddPerson(a, "19720101", "spouse", "李六");
  const int64_t b = fx_.AddHousehold("N002", "430424100201");
  fx_.AddPerson(b, "19600101", "head", "赵七");
  fx_.AddHousehold("N003", "430424101200");  // proposed elsewhere: not in the township list
  Step(a, "appraisal", "2019-10-08");
  Step(a, "notice", "2019-10-12", "2019-10-20");
  Step(b, "appraisal", "2019-10-09");
  fx_.db().Execute(
      "INSERT INTO household_years (household_id, year, members, wage_income, updated_at) VALUES (1, 2019, 2, 1200000, 0)");
  const auto list = BuildExitNotice(fx_.db(), fx_.admin(), "430424100", 2019);
  EXPECT_EQ(list.title, "洣水镇2019年度拟退出贫困户公示名单");
  ASSERT_EQ(list.rows.size(), 2u);
  EXPECT_EQ(list.rows[0].household_number, "N001");
  EXPECT_EQ(list.rows[0].head_name, "王五");
  EXPECT_EQ(list.rows[0].members, 2);
  EXPECT_EQ(list.rows[0].per_capita_income.value_or(0), 600000);
  EXPECT_EQ(list.rows[0].notice_end, "2019-10-20");
  EXPECT_EQ(list.rows[0].head_id_masked.find("19700101"), std::string::npos);
  EXPECT_NE(list.rows[0].head_id_masked.find("********"), std::string::npos);
  for (const char* ext : {"xlsx", "csv"}) {
    const std::string path = (dir_ / (std::string("notice.") + ext)).string();
    WriteExitNotice(list, path);
    const io::Table t = io::ReadTable(path);
    ASSERT_EQ(t.rows.size(), 3u) << ext;
    EXPECT_EQ(t.rows[0].cells[5], "户主身份证号");
    EXPECT_EQ(t.rows[1].cells[5], list.rows[0].head_id_masked);
    EXPECT_EQ(t.rows[2].cells[4], "赵七");
  }
  Caller outsider;
  outsider.user_id = 9;
  outsider.role = Role::kTownship;
  outsider.area_scope = "430424101";
  EXPECT_THROW(BuildExitNotice(fx_.db(), outsider, "430424100", 2019), Error);
}

TEST_F(ExportTest, HouseholdListExportsEveryPage) {
  for (int i = 0; i < 1050; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "L%04d", i);
    fx_.AddHousehold(number, i % 2 ? "430424100200" : "430424101200");
  }
  registry::HouseholdRegistry::ListFilter f;
  f.area_code = "430424";
  const std::string path = (dir_ / "households.xlsx").string();
  EXPECT_EQ(ExportHouseholds(fx_.db(), fx_.admin(), f, path), 1050);
  const io::Table t = io::ReadTable(path);
  ASSERT_EQ(t.rows.size(), 1051u);
  EXPECT_EQ(t.rows[0].cells[0], "户编号");
  EXPECT_EQ(t.rows[1].cells[0], "L0000");
  EXPECT_EQ(t.rows[1].cells[9], "未脱贫");
  // The search of the list (issue 24) narrows the export too, with the head and township.
  const int64_t id = fx_.AddHousehold("Q0001", "430424100200");
  fx_.AddPerson(id, "19600101", "head", "王五");
  f.q = "王五";
  const std::string found = (dir_ / "found.xlsx").string();
  EXPECT_EQ(ExportHouseholds(fx_.db(), fx_.admin(), f, found), 1);
  const io::Table one = io::ReadTable(found);
  ASSERT_EQ(one.rows.size(), 2u);
  EXPECT_EQ(one.rows[0].cells[1], "户主");
  EXPECT_EQ(one.rows[1].cells[0], "Q0001");
  EXPECT_EQ(one.rows[1].cells[1], "王五");
  EXPECT_EQ(one.rows[1].cells[2], "洣水镇");
}

}  // namespace
}  // namespace fupin::dataio
