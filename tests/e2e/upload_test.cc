// End-to-end: the import spreadsheets uploaded to the real `fupin serve`
// (POST /api/v1/imports/...), as the browser's import page sends them: a real
// XLSX written by io/table_writer.h and a GBK CSV; templates; access by role
// and area; report snapshots that stay fresh across logins; the area of
// parameter audit entries.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/id_number.h"
#include "io/encoding.h"
#include "io/table_writer.h"
#include "support/process.h"
#include "support/login.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

constexpr const char* kVillageIn = "430424100200";   // in the township
constexpr const char* kVillageOut = "430424101200";  // another township's village

std::string PasswordOf(const std::string& user) { return user + "-Passw0rd"; }

std::string XlsxBytes(const std::vector<std::vector<std::string>>& rows) {
  return io::BytesWrittenTo(".xlsx", [&](const std::string& path) {
    auto w = io::OpenTableWriter(path, io::TableFormat::kXlsx);
    w->WriteHeader(rows.front());
    for (size_t i = 1; i < rows.size(); ++i) w->WriteTextRow(rows[i]);
    w->Close();
  });
}

class UploadE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("fupin.db");
    WriteAreaFixture(dir_->path(), 3, 4);
    ASSERT_EQ(RunFupin(db_, {"areas", "import", dir_->path()}).exit_code, 0);
    const std::vector<std::vector<std::string>> users = {{"admin", "administrator", ""},
                                                          {"town", "township", "430424100"},
                                                          {"auditor", "auditor", "430424"},
                                                          {"provaud", "auditor", "43"}};
    for (const auto& u : users) {
      auto r = AddUser(db_, u[0], u[1], u[2], PasswordOf(u[0]));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    server_ = new ServerProcess(db_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  ApiClient As(const std::string& user) { return LoggedIn(server_->port(), user, PasswordOf(user)); }
  int64_t Households(ApiClient& c) {
    auto r = c.Get("/api/v1/households?limit=1");
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body["total"].get<int64_t>();
  }

  static TempDir* dir_;
  static std::string db_;
  static ServerProcess* server_;
};

TempDir* UploadE2eTest::dir_ = nullptr;
std::string UploadE2eTest::db_;
ServerProcess* UploadE2eTest::server_ = nullptr;

const std::vector<std::string> kHeader = {"户编号", "行政村代码", "识别年度", "姓名", "身份证号", "与户主关系"};

TEST_F(UploadE2eTest, XlsxAndGbkCsvUploadsDryRunsRefusalsAndAccess) {
  ApiClient admin = As("admin");
  const int64_t before = Households(admin);

  // A real XLSX, checked first (nothing written), then imported.
  const std::string xlsx = XlsxBytes({kHeader,
                                      {"U1", kVillageIn, "2014", "张一", MakeIdNumber("43042419700101011"), "户主"},
                                      {"U1", kVillageIn, "2014", "张二", MakeIdNumber("43042419720101012"), "配偶"}});
  auto r = admin.Raw("POST", "/api/v1/imports/persons?file_name=%E4%BA%BA%E5%91%98.xlsx&dry_run=true", xlsx);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["file"], "人员.xlsx");
  EXPECT_TRUE(r.body["dry_run"].get<bool>());
  EXPECT_EQ(r.body["imported_rows"], 2);
  EXPECT_EQ(Households(admin), before);
  r = admin.Raw("POST", "/api/v1/imports/persons", xlsx, {{"X-File-Name", "%E4%BA%BA%E5%91%98.xlsx"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["households_added"], 1);
  EXPECT_EQ(r.body["persons_added"], 2);
  EXPECT_EQ(Households(admin), before + 1);
  auto audit = admin.Get("/api/v1/audit?action=import.");
  ASSERT_EQ(audit.status, 200) << audit.text;
  EXPECT_EQ(audit.body["total"], 1);

  // A GBK CSV (Excel's 另存为 CSV on a Chinese Windows) with the household years.
  const std::string gbk = io::Utf8ToGb18030("户编号,年度,工资性收入,转移性收入\nU1,2019,9000,600\n");
  r = admin.Raw("POST", "/api/v1/imports/household-years?file_name=years.csv", gbk);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["household_years_added"], 1);

  // Planted errors: refused whole, every problem named, nothing written.
  const std::string bad = "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系\n"
                          "U2," + std::string(kVillageIn) + ",2014,李一," + MakeIdNumber("43042419700101021") + ",户主\n"
                          "U3," + kVillageIn + ",2014,李二,430424197001010010,户主\n"
                          "U4,430424999999,2014,李三," + MakeIdNumber("43042419700101023") + ",户主\n";
  r = admin.Raw("POST", "/api/v1/imports/persons?file_name=bad.csv", bad);
  ASSERT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.body["error"]["code"], "invalid_argument");
  std::set<std::string> paths;
  for (const auto& d : r.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"第3行 身份证号", "第4行 行政村代码"})) << r.text;
  EXPECT_EQ(Households(admin), before + 1);

  // A township cadre may not import into another township; an auditor not at all.
  ApiClient town = As("town");
  const std::string other = "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系\nU5," + std::string(kVillageOut) +
                            ",2014,王一," + MakeIdNumber("43042419700101031") + ",户主\n";
  r = town.Raw("POST", "/api/v1/imports/persons?file_name=other.csv", other);
  ASSERT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.body["error"]["details"][0]["path"], "第2行 行政村代码");
  EXPECT_EQ(Households(admin), before + 1);
  r = As("auditor").Raw("POST", "/api/v1/imports/persons?file_name=other.csv", other);
  EXPECT_EQ(r.status, 403) << r.text;

  // Missing name, empty body, unknown kind.
  r = admin.Raw("POST", "/api/v1/imports/persons", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["details"][0]["path"], "?file_name");
  r = admin.Raw("POST", "/api/v1/imports/persons?file_name=x.csv", "");
  EXPECT_EQ(r.status, 400);
  r = admin.Raw("POST", "/api/v1/imports/alerts?file_name=x.csv", bad);
  EXPECT_EQ(r.status, 400);
}

TEST_F(UploadE2eTest, TemplatesDownload) {
  ApiClient admin = As("admin");
  auto r = admin.Get("/api/v1/imports/templates/persons");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(r.text.substr(0, 2), "PK");
  EXPECT_NE(r.headers["Content-Disposition"].find("import-template-persons.xlsx"), std::string::npos);
  r = admin.Get("/api/v1/imports/templates/rosters?format=csv");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.text.find("身份证号"), std::string::npos);
  EXPECT_EQ(admin.Get("/api/v1/imports/templates/everything").status, 400);
}

TEST_F(UploadE2eTest, OverviewStaysFreshAcrossLoginsAndGoesStaleOnAnEdit) {
  ApiClient admin = As("admin");
  const std::string report = "/api/v1/reports/progress?area=430424&year=2016";
  auto r = admin.Get(report);
  ASSERT_EQ(r.status, 200) << r.text;
  r = admin.Get(report);
  EXPECT_EQ(r.body["snapshot"]["source"], "snapshot");
  // Logins (and a refusal) write the audit trail but change no record.
  As("town");
  As("auditor");
  EXPECT_EQ(As("town").Get("/api/v1/users").status, 403);
  r = admin.Get(report);
  EXPECT_EQ(r.body["snapshot"]["source"], "snapshot") << r.body["snapshot"].dump();
  // An edit of the registry does.
  auto h = admin.Post("/api/v1/households", {{"number", "S1"}, {"village_code", kVillageIn}, {"identified_year", 2014}});
  ASSERT_EQ(h.status, 201) << h.text;
  r = admin.Get(report);
  EXPECT_EQ(r.body["snapshot"]["source"], "computed");
}

TEST_F(UploadE2eTest, ParameterEntriesCarryTheirArea) {
  ApiClient admin = As("admin");
  auto r = admin.Put("/api/v1/params/exit_threshold",
                     {{"key", "43"}, {"value", "2.5"}, {"source", "湖南省文件（测试）"}});
  ASSERT_EQ(r.status, 200) << r.text;
  r = admin.Put("/api/v1/params/county_missed_max", {{"value", "2"}, {"source", "国家文件（测试）"}});
  ASSERT_EQ(r.status, 200) << r.text;
  // The province's auditor sees the province's value, not the national one.
  auto seen = As("provaud").Get("/api/v1/audit?action=param.");
  ASSERT_EQ(seen.status, 200) << seen.text;
  ASSERT_EQ(seen.body["total"], 1) << seen.text;
  EXPECT_EQ(seen.body["items"][0]["area_code"], "43");
  // The administrator (the nation) sees both.
  EXPECT_EQ(admin.Get("/api/v1/audit?action=param.").body["total"], 2);
}

}  // namespace
}  // namespace fupin::testing
