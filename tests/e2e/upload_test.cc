// End-to-end: the import spreadsheets uploaded to the real `fupin serve`
// (POST /api/v1/imports/...), as the browser's import page sends them: a real
// XLSX written by io/table_writer.h and a GBK CSV; templates; access by role
// and area; report snapshots that stay fresh across logins; the area of
// parameter audit entries.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

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

// Polls a job until it is done or failed (bounded, so a hung job fails the test).
json FollowJob(ApiClient& client, const json& job) {
  const std::string path = job.at("location").get<std::string>();
  json last;
  for (int i = 0; i < 6000; ++i) {
    auto r = client.Get(path);
    EXPECT_EQ(r.status, 200) << r.text;
    last = r.body;
    const std::string state = last.value("state", "");
    if (state == "done" || state == "failed") return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "job did not finish: " << last.dump();
  return last;
}

// Issue 20: project lists, allocations and disbursements uploaded as the
// 项目资金 page sends them; all or nothing with every problem named; a job.
TEST_F(UploadE2eTest, ProjectListsAllocationsAndDisbursementsUploadAllOrNothing) {
  ApiClient admin = As("admin");
  auto r = admin.Raw("POST", "/api/v1/imports/fund-allocations?file_name=alloc.csv",
                     "文号,下达日期,年度,资金来源,区划,金额\n衡财农〔2019〕7号,2019-03-01,2019,中央财政专项扶贫资金,430424,"
                     "\"10,000.00\"\n");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["kind"], "fund-allocations");
  EXPECT_EQ(r.body["imported_rows"], 1);
  r = admin.Get("/api/v1/funds/allocations?area=430424");
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body["items"].size(), 1u);
  const int64_t allocation = r.body["items"][0]["id"].get<int64_t>();
  EXPECT_EQ(r.body["items"][0]["amount_fen"], 1000000);

  // A project list as XLSX: a dry run writes nothing, then the import.
  const std::string list = XlsxBytes({{"项目名称", "项目类别", "项目级别", "实施地点", "开始年度", "结束年度", "实施单位"},
                                      {"上传供水工程", "饮水安全", "县级", "430424100", "2019", "2019", "县水利局"}});
  r = admin.Raw("POST", "/api/v1/imports/projects?file_name=list.xlsx&dry_run=true", list);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_TRUE(r.body["dry_run"].get<bool>());
  EXPECT_EQ(admin.Get("/api/v1/projects?area=430424").body["total"], 0);
  r = admin.Raw("POST", "/api/v1/imports/projects?file_name=list.xlsx", list);
  ASSERT_EQ(r.status, 200) << r.text;
  r = admin.Get("/api/v1/projects?area=430424");
  ASSERT_EQ(r.body["total"], 1) << r.text;
  EXPECT_EQ(r.body["items"][0]["status"], "proposed");
  const int64_t project = r.body["items"][0]["id"].get<int64_t>();
  r = admin.Post("/api/v1/funds/assignments", {{"allocation_id", allocation}, {"project_id", project}, {"amount", "10000"},
                                               {"date", "2019-03-05"}});
  ASSERT_EQ(r.status, 201) << r.text;

  // Two payments that each fit but not together, and a bad date: refused whole, each named.
  const std::string header = "项目编号,资金下达编号,支出日期,金额,收款单位,用途\n";
  const std::string row = std::to_string(project) + "," + std::to_string(allocation) + ",2019-05-01,6000,施工方,进度款\n";
  r = admin.Raw("POST", "/api/v1/imports/fund-disbursements?file_name=pay.csv",
                header + row + row + std::to_string(project) + "," + std::to_string(allocation) + ",2019-13-01,1,施工方,尾款\n");
  ASSERT_EQ(r.status, 400) << r.text;
  ASSERT_EQ(r.body["error"]["details"].size(), 1u) << r.text;  // the date first: cells are checked before money
  EXPECT_EQ(r.body["error"]["details"][0]["path"], "第4行 支出日期");
  r = admin.Raw("POST", "/api/v1/imports/fund-disbursements?file_name=pay.csv", header + row + row);
  ASSERT_EQ(r.status, 400) << r.text;
  ASSERT_EQ(r.body["error"]["details"].size(), 1u) << r.text;
  EXPECT_EQ(r.body["error"]["details"][0]["path"], "第3行 金额");
  EXPECT_NE(r.body["error"]["details"][0]["problem"].get<std::string>().find("剩余 4000.00 元（已安排 10000.00 元）"),
            std::string::npos)
      << r.text;
  EXPECT_EQ(admin.Get("/api/v1/projects/" + std::to_string(project)).body["spent_fen"], 0);
  EXPECT_EQ(admin.Raw("POST", "/api/v1/imports/fund-disbursements?file_name=pay.csv&skip_invalid=true", header + row)
                .status,
            400);

  // A township reads projects but may not import them; the refusal leaves nothing.
  EXPECT_EQ(As("town").Raw("POST", "/api/v1/imports/fund-disbursements?file_name=pay.csv", header + row).status, 403);

  // The good file as a job: 202, then done with the import's result.
  r = admin.Raw("POST", "/api/v1/imports/fund-disbursements?file_name=pay.csv&async=true", header + row);
  ASSERT_EQ(r.status, 202) << r.text;
  EXPECT_EQ(r.body["kind"], "imports.fund-disbursements");
  const json job = FollowJob(admin, r.body);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["imported_rows"], 1);
  EXPECT_EQ(admin.Get("/api/v1/projects/" + std::to_string(project)).body["spent_fen"], 600000);
  auto audit = admin.Get("/api/v1/audit?action=projects.import_");
  ASSERT_EQ(audit.status, 200) << audit.text;
  EXPECT_EQ(audit.body["total"], 3);

  // The templates of the three kinds.
  r = admin.Get("/api/v1/imports/templates/fund-disbursements?format=csv");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_NE(r.text.find("资金下达编号"), std::string::npos);
  r = admin.Get("/api/v1/imports/templates/projects");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.text.substr(0, 2), "PK");
  EXPECT_EQ(admin.Get("/api/v1/imports/templates/fund-allocations").status, 200);
}

// Issue 22: the four housing sheets uploaded as the 数据导入 page sends them:
// all or nothing with every problem named by row and column, a dry run that
// writes nothing, a job, access, and their templates.
TEST_F(UploadE2eTest, HousingSheetsUploadAllOrNothing) {
  ApiClient admin = As("admin");
  const std::string persons = "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系,入户日期\n"
                              "HZ1," + std::string(kVillageIn) + ",2014,周一," + MakeIdNumber("43042419600101051") +
                              ",户主,2014-01-01\n"
                              "HZ2," + kVillageIn + ",2014,周二," + MakeIdNumber("43042419600101061") + ",户主,2014-01-01\n"
                              "HZ2," + kVillageIn + ",2014,周三," + MakeIdNumber("43042419620101062") + ",配偶,2014-01-01\n";
  auto r = admin.Raw("POST", "/api/v1/imports/persons?file_name=p.csv", persons);
  ASSERT_EQ(r.status, 200) << r.text;

  // Village infrastructure: a bad water supply and an unknown village refuse the file whole.
  const std::string infra_header =
      "村代码,年度,通村硬化路,自然村数,通硬化路自然村数,饮水方式,自来水入户,户数,配变容量,通宽带,标准化卫生室,"
      "综合文化服务中心,村集体经济收入\n";
  const std::string good = std::string(kVillageIn) + ",2019,是,6,5,集中供水,是,300,510,是,是,是,\"80,000.00\"\n";
  r = admin.Raw("POST", "/api/v1/imports/village-infrastructure?file_name=v.csv",
                infra_header + good + kVillageOut + ",2019,是,6,6,井水,是,200,300,是,是,是,1\n" +
                    "430424999999,2019,是,6,6,集中供水,是,200,300,是,是,是,1\n");
  ASSERT_EQ(r.status, 400) << r.text;
  std::set<std::string> paths;
  for (const auto& d : r.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"第3行 饮水方式", "第4行 村代码"})) << r.text;
  const std::string infra = "/api/v1/villages/infrastructure?area=430424&year=2019";
  EXPECT_EQ(admin.Get(infra).body["items"].size(), 0u);
  EXPECT_EQ(admin.Raw("POST", "/api/v1/imports/village-infrastructure?file_name=v.csv&skip_invalid=true",
                      infra_header + good).status, 400);
  r = admin.Raw("POST", "/api/v1/imports/village-infrastructure?file_name=v.csv&dry_run=true", infra_header + good);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_TRUE(r.body["dry_run"].get<bool>());
  EXPECT_EQ(r.body["imported_rows"], 1);
  EXPECT_EQ(admin.Get(infra).body["items"].size(), 0u);
  r = admin.Raw("POST", "/api/v1/imports/village-infrastructure?file_name=v.csv", infra_header + good);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["kind"], "village-infrastructure");
  r = admin.Get(infra);
  ASSERT_EQ(r.body["items"].size(), 1u) << r.text;
  EXPECT_EQ(r.body["items"][0]["collective_income_fen"], 8000000);
  EXPECT_EQ(r.body["items"][0]["households"], 300);

  // Inspections as XLSX, as a job: a registered household and a house outside the registry.
  const std::string inspections =
      XlsxBytes({{"户编号", "村代码", "户主", "对象类别", "鉴定日期", "鉴定人", "鉴定等级", "已挂牌"},
                 {"HZ1", "", "", "", "2019-03-01", "县住建局", "D", "是"},
                 {"", kVillageIn, "吴五", "低保户", "2019-03-02", "县住建局", "B", "否"}});
  r = admin.Raw("POST", "/api/v1/imports/house-inspections?file_name=i.xlsx&async=true", inspections);
  ASSERT_EQ(r.status, 202) << r.text;
  EXPECT_EQ(r.body["kind"], "imports.house-inspections");
  const json job = FollowJob(admin, r.body);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["imported_rows"], 2);
  r = admin.Get("/api/v1/houses/inspections?area=430424&grade=D");
  ASSERT_EQ(r.body["items"].size(), 1u) << r.text;
  const int64_t dangerous = r.body["items"][0]["id"].get<int64_t>();
  r = admin.Get("/api/v1/houses/inspections?area=430424&grade=B");
  ASSERT_EQ(r.body["items"].size(), 1u) << r.text;
  const int64_t safe = r.body["items"][0]["id"].get<int64_t>();

  // Renovations: one of a B house and one starting before its inspection are both named.
  const std::string reno_header = "鉴定编号,改造方式,补助资金,开工日期,竣工日期,验收日期\n";
  const std::string reno = std::to_string(dangerous) + ",拆除重建,35000,2019-04-01,2019-08-01,2019-09-01\n";
  r = admin.Raw("POST", "/api/v1/imports/house-renovations?file_name=r.csv",
                reno_header + reno + std::to_string(safe) + ",维修加固,1000,2019-04-01,,\n" + std::to_string(dangerous) +
                    ",维修加固,1000,2019-02-01,,\n");
  ASSERT_EQ(r.status, 400) << r.text;
  paths.clear();
  for (const auto& d : r.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"第3行 鉴定编号", "第4行 开工日期"})) << r.text;
  EXPECT_EQ(admin.Get("/api/v1/houses/renovations?area=430424").body["items"].size(), 0u);
  r = admin.Raw("POST", "/api/v1/imports/house-renovations?file_name=r.csv", reno_header + reno);
  ASSERT_EQ(r.status, 200) << r.text;
  r = admin.Get("/api/v1/houses/renovations?area=430424");
  ASSERT_EQ(r.body["items"].size(), 1u) << r.text;
  EXPECT_EQ(r.body["items"][0]["subsidy_fen"], 3500000);

  // Relocations: a site of the township, then HZ2 (two members on the day) moved there.
  r = admin.Post("/api/v1/relocation/sites",
                 {{"name", "上传安置点"}, {"kind", "centralised"}, {"township_code", "430424100"}, {"capacity", 50}});
  ASSERT_EQ(r.status, 201) << r.text;
  const std::string site = std::to_string(r.body["id"].get<int64_t>());
  const std::string moves = "户编号,安置点编号,搬迁入住日期,拆旧日期,已复垦,就业人数\n";
  r = admin.Raw("POST", "/api/v1/imports/relocations?file_name=m.csv", moves + "HZ2," + site + ",2019-05-01,2019-04-01,否,1\n");
  ASSERT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.body["error"]["details"][0]["path"], "第2行 拆旧日期") << r.text;
  EXPECT_EQ(admin.Get("/api/v1/relocation/households?area=430424").body["items"].size(), 0u);
  r = admin.Raw("POST", "/api/v1/imports/relocations?file_name=m.csv", moves + "HZ2," + site + ",2019-05-01,2019-06-01,否,1\n");
  ASSERT_EQ(r.status, 200) << r.text;
  r = admin.Get("/api/v1/relocation/households?area=430424");
  ASSERT_EQ(r.body["items"].size(), 1u) << r.text;
  EXPECT_EQ(r.body["items"][0]["persons"], 2);

  // A township reads these records but may not import them; each file was audited once.
  EXPECT_EQ(As("town").Raw("POST", "/api/v1/imports/relocations?file_name=m.csv", moves).status, 403);
  auto audit = admin.Get("/api/v1/audit?action=housing.import_");
  ASSERT_EQ(audit.status, 200) << audit.text;
  EXPECT_EQ(audit.body["total"], 4);

  // The templates, generated from the same declarations.
  const std::vector<std::pair<std::string, std::string>> templates = {{"house-inspections", "鉴定等级"},
                                                                      {"house-renovations", "改造方式"},
                                                                      {"relocations", "安置点编号"},
                                                                      {"village-infrastructure", "配变容量"}};
  for (const auto& [kind, header] : templates) {
    r = admin.Get("/api/v1/imports/templates/" + kind + "?format=csv");
    ASSERT_EQ(r.status, 200) << kind;
    EXPECT_NE(r.text.find(header), std::string::npos) << kind;
    EXPECT_EQ(admin.Get("/api/v1/imports/templates/" + kind).text.substr(0, 2), "PK") << kind;
  }
}

// Issue 21: the industry sheets uploaded as the 数据导入 page sends them, all
// or nothing with every problem by row and column, a dry run, a job, templates.
TEST_F(UploadE2eTest, IndustrySheetsUploadAllOrNothing) {
  ApiClient admin = As("admin");
  auto r = admin.Post("/api/v1/products", {{"name", "上传测试茶油"}, {"supplier_kind", "village"},
                                           {"area_code", kVillageIn}, {"certified_on", "2019-01-01"}});
  ASSERT_EQ(r.status, 201) << r.text;
  const std::string product = std::to_string(r.body["id"].get<int64_t>());
  const std::string totals = "/api/v1/purchases/totals?area=430424&year=2020";
  const json before = admin.Get(totals).body["total"];

  // Three problems in two rows: each named by row and column, nothing written.
  const std::string header = "产品编号,购买日期,购买方类型,购买方,购买渠道,金额\n";
  const std::string good = product + ",2020-05-01,工会,县总工会,展销会,\"1,200.50\"\n";
  r = admin.Raw("POST", "/api/v1/imports/purchases?file_name=buy.csv",
                header + good + "999999,2020-05-02,学校,县一中,电商,0\n");
  ASSERT_EQ(r.status, 400) << r.text;
  std::set<std::string> paths;
  for (const auto& d : r.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"第3行 产品编号", "第3行 购买方类型", "第3行 金额"})) << r.text;
  EXPECT_EQ(admin.Get(totals).body["total"], before);

  // A dry run checks and writes nothing; the import writes; as a job too.
  r = admin.Raw("POST", "/api/v1/imports/purchases?file_name=buy.csv&dry_run=true", header + good);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_TRUE(r.body["dry_run"].get<bool>());
  EXPECT_EQ(r.body["imported_rows"], 1);
  EXPECT_EQ(admin.Get(totals).body["total"], before);
  r = admin.Raw("POST", "/api/v1/imports/purchases?file_name=buy.csv", header + good);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["kind"], "purchases");
  EXPECT_EQ(admin.Get(totals).body["total"]["amount_fen"], before["amount_fen"].get<int64_t>() + 120050);
  r = admin.Raw("POST", "/api/v1/imports/purchases?file_name=buy.xlsx&async=true",
                XlsxBytes({{"产品编号", "购买日期", "购买方类型", "购买方", "购买渠道", "金额"},
                           {product, "2020-06-01", "company", "某公司", "ecommerce", "99.5"}}));
  ASSERT_EQ(r.status, 202) << r.text;
  EXPECT_EQ(r.body["kind"], "imports.purchases");
  const json job = FollowJob(admin, r.body);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(admin.Get(totals).body["total"]["amount_fen"], before["amount_fen"].get<int64_t>() + 120050 + 9950);
  EXPECT_EQ(admin.Get("/api/v1/audit?action=industry.import_purchases").body["total"], 2);

  // all or nothing: skip_invalid is refused; a township reads industry but does not import it.
  EXPECT_EQ(admin.Raw("POST", "/api/v1/imports/purchases?file_name=buy.csv&skip_invalid=true", header + good).status,
            400);
  EXPECT_EQ(As("town").Raw("POST", "/api/v1/imports/purchases?file_name=buy.csv", header + good).status, 403);

  // A planting of a household nobody registered: named by its row and column.
  r = admin.Raw("POST", "/api/v1/imports/plantings?file_name=p.csv", "产业,户编号,年度,种植面积\n辣椒,NOPE-1,2020,1.5\n");
  ASSERT_EQ(r.status, 400) << r.text;
  paths.clear();
  for (const auto& d : r.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_TRUE(paths.contains("第2行 户编号")) << r.text;

  // The templates of the five kinds.
  for (const char* kind : {"plantings", "links", "workers", "purchases", "loans"}) {
    r = admin.Get(std::string("/api/v1/imports/templates/") + kind);
    ASSERT_EQ(r.status, 200) << kind;
    EXPECT_EQ(r.text.substr(0, 2), "PK") << kind;
  }
  r = admin.Get("/api/v1/imports/templates/loans?format=csv");
  EXPECT_NE(r.text.find("贷款银行"), std::string::npos) << r.text;
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
