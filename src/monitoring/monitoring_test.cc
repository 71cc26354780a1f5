// The monitoring service on a small registry: thresholds as data, the scan's
// rules, department rosters, the case workflow by role, measures, the
// risk-eliminated decision, overdue lists and figures. Runs on SQLite and
// (pg. copy) PostgreSQL.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

#include "access/schema.h"
#include "assessment/schema.h"
#include "assistance/schema.h"
#include "core/error.h"
#include "core/id_number.h"
#include "io/table.h"
#include "monitoring/monitoring.h"
#include "monitoring/monitoring_json.h"
#include "monitoring/schema.h"
#include "registry/households.h"
#include "registry/testing.h"
#include "store/testing/faulty_connection.h"

namespace fupin::monitoring {
namespace {

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& x : assistance::Migrations()) m.push_back(std::move(x));
  for (auto& x : Migrations()) m.push_back(std::move(x));
  return m;
}

constexpr const char* kVillage = "430424100200";
constexpr const char* kOtherVillage = "430424101200";

class MonitoringTest : public ::testing::Test {
 protected:
  MonitoringTest() : fx_(Extra()), svc_(fx_.db(), fx_.clock()) {
    fx_.AddAreas();
    village_ = As("村干部", Role::kVillageCadre, "430424100200");
    township_ = As("乡镇干部", Role::kTownship, "430424100");
    county_ = As("县扶贫办", Role::kCountyOffice, "430424");
    auditor_ = As("审计", Role::kAuditor, "430424");
  }

  Caller As(const std::string& name, Role role, const std::string& area) {
    auto s = fx_.db().Prepare(
        "INSERT INTO users (name, role, area_code, password_hash, password_changed_at, created_at, updated_at)"
        " VALUES (?, ?, ?, 'x', 0, 0, 0) RETURNING id");
    s->BindText(1, name);
    s->BindText(2, RoleName(role));
    s->BindText(3, area);
    s->Step();
    Caller c;
    c.user_id = s->Int(0);
    c.user_name = name;
    c.role = role;
    c.area_scope = area;
    return c;
  }

  // A household with `members` persons; registered (identified 2014, exited
  // 2019) or never registered.
  int64_t Household(const std::string& number, bool exited, int members = 3, const std::string& village = kVillage) {
    registry::HouseholdRegistry reg(fx_.db(), fx_.clock());
    registry::HouseholdInput in;
    in.number = number;
    in.village_code = village;
    if (exited) {
      in.identified_year = 2014;
      in.main_cause = "illness";
    } else {
      in.attribute = "none";
    }
    const int64_t id = reg.AddHousehold(fx_.admin(), in);
    for (int i = 0; i < members; ++i) persons_[id].push_back(fx_.AddPerson(id, "1980010" + std::to_string(i + 1)));
    if (exited) {
      fx_.AddEvent(id, "exited", "2019-12-01", "脱贫");
    }
    return id;
  }

  void Income(int64_t household, int year, Fen per_capita, int members = 3) {
    registry::HouseholdRegistry reg(fx_.db(), fx_.clock());
    registry::HouseholdYear y;
    y.year = year;
    y.members = members;
    y.wage_income = per_capita * members;
    reg.SetHouseholdYear(fx_.admin(), household, y);
  }

  void Employment(int64_t person, int year, const std::string& employment) {
    registry::PersonRegistry reg(fx_.db(), fx_.clock());
    registry::PersonYear y;
    y.year = year;
    y.employment = employment;
    reg.SetPersonYear(fx_.admin(), person, y);
  }

  std::string IdNumber(int64_t person) {
    return registry::PersonRegistry(fx_.db(), fx_.clock()).RevealIdNumber(fx_.admin(), person);
  }

  // Roster files live in a folder of their own (the database may be a server URL).
  std::string WriteFile(const std::string& name, const std::string& text) {
    if (files_.empty()) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "fupin-monitoring-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
      files_ = tmpl;
    }
    const std::string path = files_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  ~MonitoringTest() override {
    std::error_code ec;
    if (!files_.empty()) std::filesystem::remove_all(files_, ec);
  }

  int64_t Count(const std::string& sql) { return fx_.db().QueryInt(sql).value_or(-1); }

  static bool Has(const ScanResult& r, int64_t household) {
    for (const auto& c : r.candidates) {
      if (c.household_id == household) return true;
    }
    return false;
  }
  static Candidate Get(const ScanResult& r, int64_t household) {
    for (const auto& c : r.candidates) {
      if (c.household_id == household) return c;
    }
    return {};
  }

  static std::vector<std::string> Rules(const Candidate& c) {
    std::vector<std::string> out;
    for (const auto& h : c.hits) out.push_back(WireOf(RiskRuleTerms(), h.rule));
    return out;
  }

  // Takes a case from the alert to the entry with the right role for each step.
  Case Enter(int64_t case_id, const std::string& first_day = "2021-03-02") {
    const Date d0 = *Date::Parse(first_day);
    auto day = [&](int n) { return Date::FromDays(d0.ToDays() + n).ToString(); };
    svc_.RecordStep(village_, case_id, {"home_check", "done", day(0), std::nullopt, std::nullopt, "入户核实收入"});
    svc_.RecordStep(village_, case_id, {"consent", "done", day(1), std::nullopt, std::nullopt, "签署承诺授权书"});
    svc_.RecordStep(township_, case_id, {"data_comparison", "done", day(2), std::nullopt, std::nullopt, "无车辆、无财政供养"});
    svc_.RecordStep(village_, case_id, {"village_appraisal", "done", day(3), std::nullopt, std::nullopt, "村民代表评议通过"});
    svc_.RecordStep(village_, case_id, {"public_notice", "done", day(4), day(8), std::nullopt, ""});
    svc_.RecordStep(township_, case_id, {"township_review", "done", day(9), std::nullopt, std::nullopt, ""});
    svc_.RecordStep(county_, case_id, {"county_approval", "done", day(10), std::nullopt, std::nullopt, ""});
    return svc_.RecordStep(county_, case_id, {"entry", "done", day(10), std::nullopt, std::nullopt, ""});
  }

  registry::testing::RegistryFixture fx_;
  MonitoringService svc_;
  Caller village_, township_, county_, auditor_;
  std::map<int64_t, std::vector<int64_t>> persons_;
  std::string files_;
};

TEST_F(MonitoringTest, LinesAreDataPerYearAndProvinceCarriedForward) {
  EXPECT_EQ(svc_.LineFor(2021, kVillage).line, 600000);
  EXPECT_EQ(svc_.LineFor(2024, kVillage).line, 600000);  // carried forward
  EXPECT_THROW(svc_.LineFor(2019, kVillage), Error);
  svc_.SetThreshold(fx_.admin(), 2022, "43", 660000, "湖南省2022年监测线（测试）");
  EXPECT_EQ(svc_.LineFor(2022, kVillage).line, 660000);
  EXPECT_EQ(svc_.LineFor(2023, kVillage).line, 660000);
  EXPECT_EQ(svc_.LineFor(2022, "510101001001").line, 600000);  // another province: national
  EXPECT_FALSE(svc_.LineFor(2021, kVillage).source.empty());
  try {
    svc_.SetThreshold(fx_.admin(), 2023, "43", 0, "");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.details().size(), 2u);
  }
  EXPECT_THROW(svc_.SetThreshold(village_, 2023, "43", 700000, "村里定的"), Error);
  // Rules are data too, each with its source.
  const auto params = svc_.Parameters(auditor_);
  ASSERT_GE(params.size(), 5u);
  for (const auto& p : params) EXPECT_FALSE(p.source.empty()) << p.name;
  svc_.SetParameter(fx_.admin(), "income_drop", "40", true, "省里调整（测试）");
  for (const auto& p : svc_.Parameters(auditor_)) {
    if (p.name == "income_drop") {
      EXPECT_EQ(p.value, "40");
    }
  }
}

TEST_F(MonitoringTest, ScanFindsEachKindWithTheRuleThatFired) {
  const int64_t below = Household("EXIT-LOW", true);
  Income(below, 2021, 500000);
  const int64_t drop = Household("EXIT-DROP", true);
  Income(drop, 2020, 1200000);
  Income(drop, 2021, 700000);
  const int64_t marginal = Household("EDGE-LOW", false);
  Income(marginal, 2021, 550000);
  const int64_t ill = Household("SUDDEN-ILL", false);
  Income(ill, 2021, 2000000);
  const int64_t jobless = Household("SUDDEN-JOB", false);
  Income(jobless, 2021, 1500000);
  Employment(persons_[jobless][0], 2020, "migrant");
  Employment(persons_[jobless][0], 2021, "unemployed");
  const int64_t spend = Household("SUDDEN-SCHOOL", false);
  Income(spend, 2021, 900000);
  svc_.AddSpending(village_, spend, 2021, "schooling", 1500000, "大学学费");
  const int64_t fine = Household("FINE", false);
  Income(fine, 2021, 2000000);
  const int64_t rich_drop = Household("RICH-DROP", true);  // a fall, but far above the line
  Income(rich_drop, 2020, 5000000);
  Income(rich_drop, 2021, 3000000);
  // A medical roster: one large out-of-pocket bill.
  const std::string roster =
      WriteFile("medical.csv", "身份证号,姓名,日期,金额,说明\n" + IdNumber(persons_[ill][1]) + ",成员,2021-05-06,45000.00,住院自付\n");
  const auto imported = svc_.ImportAlerts(fx_.admin(), AlertKind::kMedical, 2021, roster);
  EXPECT_EQ(imported.imported, 1);

  const ScanResult r = svc_.Scan(county_, 2021, "430424");
  EXPECT_EQ(r.line, 600000);
  ASSERT_TRUE(Has(r, below));
  EXPECT_EQ(Get(r, below).category, Category::kUnstable);
  EXPECT_EQ(Rules(Get(r, below)), std::vector<std::string>{"income_below_line"});
  EXPECT_EQ(Get(r, below).hits[0].values[0].second, "5000.00");
  ASSERT_TRUE(Has(r, drop));
  EXPECT_EQ(Get(r, drop).category, Category::kUnstable);
  EXPECT_EQ(Rules(Get(r, drop)), std::vector<std::string>{"income_drop"});
  ASSERT_TRUE(Has(r, marginal));
  EXPECT_EQ(Get(r, marginal).category, Category::kMarginal);
  EXPECT_EQ(Rules(Get(r, marginal)), std::vector<std::string>{"income_below_line"});
  ASSERT_TRUE(Has(r, ill));
  EXPECT_EQ(Get(r, ill).category, Category::kSudden);
  EXPECT_EQ(Rules(Get(r, ill)), std::vector<std::string>{"rigid_spending"});
  ASSERT_TRUE(Has(r, jobless));
  EXPECT_EQ(Get(r, jobless).category, Category::kSudden);
  EXPECT_EQ(Rules(Get(r, jobless)), std::vector<std::string>{"job_loss"});
  ASSERT_TRUE(Has(r, spend));
  EXPECT_EQ(Rules(Get(r, spend)), std::vector<std::string>{"rigid_spending"});
  EXPECT_FALSE(Has(r, fine));
  EXPECT_FALSE(Has(r, rich_drop));
  EXPECT_EQ(r.candidates.size(), 6u);

  // A rule switched off no longer fires.
  svc_.SetParameter(fx_.admin(), "job_loss", "1", false, "测试：停用");
  EXPECT_FALSE(Has(svc_.Scan(county_, 2021, "430424"), jobless));

  // Opening cases from the scan: one per candidate, once.
  const ScanResult opened = svc_.Scan(county_, 2021, "430424", true);
  EXPECT_EQ(opened.cases_opened, 5);
  EXPECT_EQ(svc_.Scan(county_, 2021, "430424", true).cases_opened, 0);
  const Case ill_case = svc_.GetCase(county_, *Get(opened, ill).case_id);
  EXPECT_EQ(ill_case.source, "department_alert");
  EXPECT_EQ(ill_case.stage, "home_check");
  EXPECT_NE(ill_case.risks.find("rigid_spending"), std::string::npos);
  // The scan is read by the village's own cadre only in its village; paired cadres may not scan.
  EXPECT_THROW(svc_.Scan(village_, 2021, "430424"), Error);
  EXPECT_NO_THROW(svc_.Scan(village_, 2021, kVillage));
}

TEST_F(MonitoringTest, RostersAreAllOrNothingAndNameRowAndColumn) {
  const int64_t h = Household("H1", false);
  Income(h, 2021, 1000000);
  const std::string good = IdNumber(persons_[h][0]);
  std::string bad = good;
  bad[17] = bad[17] == '1' ? '2' : '1';  // wrong check character
  // A valid number nobody in the registry holds.
  const std::string first17 = "43042419700101999";
  const std::string stranger = first17 + IdCheckCharacter(first17);
  const std::string path = WriteFile("disaster.csv", "身份证号,日期,金额\n" + good + ",2021-07-01,30000\n" + bad +
                                                         ",2021-07-01,100\n" + stranger + ",2021-13-01,abc\n");
  try {
    svc_.ImportAlerts(fx_.admin(), AlertKind::kDisaster, 2021, path);
    FAIL() << "accepted a bad roster";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_TRUE(paths.contains("第3行 身份证号")) << e.details()[0].path;
    EXPECT_TRUE(paths.contains("第4行 日期"));
    EXPECT_TRUE(paths.contains("第4行 金额"));
    for (const auto& d : e.details()) {
      if (d.path == "第4行 金额") {
        EXPECT_EQ(d.problem, "“abc”：不是金额（元，最多两位小数，不能为负）");
      }
    }
    for (const auto& d : e.details()) EXPECT_EQ(d.problem.find(good.substr(6, 8)), std::string::npos) << "unmasked";
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 0);
  // Unmatched numbers can be left out on request; the rest is imported.
  const std::string path2 =
      WriteFile("unemployment.csv", "id_number,date\n" + good + ",2021-07-01\n" + stranger + ",2021-07-02\n");
  EXPECT_THROW(svc_.ImportAlerts(fx_.admin(), AlertKind::kUnemployment, 2021, path2), Error);
  const auto r = svc_.ImportAlerts(fx_.admin(), AlertKind::kUnemployment, 2021, path2, true);
  EXPECT_EQ(r.imported, 1);
  EXPECT_EQ(r.skipped_rows, std::vector<int64_t>{3});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'monitoring.alerts_import'"), 1);
  EXPECT_EQ(svc_.ListAlerts(county_, 2021, "430424").size(), 1u);
  // skip_invalid, the one policy of every import: the bad rows are left out
  // and reported with row, column, value and reason; the good one imported.
  auto reader = io::OpenTable(path);
  AlertImportOptions skip;
  skip.skip_invalid = true;
  const auto some = svc_.ImportAlerts(fx_.admin(), AlertKind::kDisaster, 2021, *reader, path, skip);
  EXPECT_EQ(some.rows, 3);
  EXPECT_EQ(some.imported, 1);
  EXPECT_EQ(some.rejected_rows, 2);
  ASSERT_FALSE(some.problems.empty());
  EXPECT_EQ(some.problems[0].row, 3u);
  EXPECT_EQ(some.problems[0].column, "身份证号");
  EXPECT_NE(some.problems[0].reason.find("身份证号无效"), std::string::npos) << some.problems[0].reason;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 2);
  // The department hands in its own roster; an auditor may not.
  const Caller health = As("县卫健局", Role::kSectorDepartment, "430424");
  const std::string path3 = WriteFile("medical.csv", "身份证号,日期,金额\n" + good + ",2021-08-01,20000\n");
  EXPECT_EQ(svc_.ImportAlerts(health, AlertKind::kMedical, 2021, path3).imported, 1);
  EXPECT_THROW(svc_.ImportAlerts(auditor_, AlertKind::kMedical, 2021, path3), Error);
  const Caller other_health = As("祁东卫健局", Role::kSectorDepartment, "430426");
  EXPECT_THROW(svc_.ImportAlerts(other_health, AlertKind::kMedical, 2021, path3), Error);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 3);  // unemployment, disaster, the department's
}

TEST_F(MonitoringTest, EachStepNeedsItsRoleAndCanSendTheCaseBack) {
  const int64_t h = Household("H1", true);
  Income(h, 2021, 500000);
  Case c = svc_.OpenCase(village_, {h, 2021, "self_report", std::nullopt, "2021-03-01", "农户申请：因病收入下降"});
  EXPECT_EQ(c.category, Category::kUnstable);
  EXPECT_EQ(c.stage, "home_check");
  ASSERT_EQ(c.steps.size(), 1u);
  EXPECT_EQ(c.steps[0].actor, "村干部");
  // A second case for the same household is refused while this one is open.
  EXPECT_THROW(svc_.OpenCase(county_, {h, 2021, "cadre_report", std::nullopt, "2021-03-01", ""}), Error);
  // The township may not do the village's home check; the village may not do the county's approval.
  auto code_of = [&](const Caller& who, const StepInput& in) {
    try {
      svc_.RecordStep(who, c.id, in);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  };
  EXPECT_EQ(code_of(township_, {"home_check", "done", "2021-03-02", std::nullopt, std::nullopt, ""}),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(code_of(auditor_, {"home_check", "done", "2021-03-02", std::nullopt, std::nullopt, ""}),
            ErrorCode::kPermissionDenied);
  const Caller other_village = As("别村干部", Role::kVillageCadre, kOtherVillage);
  EXPECT_EQ(code_of(other_village, {"home_check", "done", "2021-03-02", std::nullopt, std::nullopt, ""}),
            ErrorCode::kPermissionDenied);
  EXPECT_GE(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'"), 3);
  // Not the current step.
  EXPECT_EQ(code_of(village_, {"consent", "done", "2021-03-02", std::nullopt, std::nullopt, ""}),
            ErrorCode::kFailedPrecondition);
  svc_.RecordStep(village_, c.id, {"home_check", "done", "2021-03-02", std::nullopt, std::nullopt, "入户核实"});
  svc_.RecordStep(village_, c.id, {"consent", "done", "2021-03-03", std::nullopt, std::nullopt, ""});
  EXPECT_EQ(code_of(village_, {"data_comparison", "done", "2021-03-04", std::nullopt, std::nullopt, ""}),
            ErrorCode::kPermissionDenied);
  svc_.RecordStep(township_, c.id, {"data_comparison", "done", "2021-03-04", std::nullopt, std::nullopt, ""});
  svc_.RecordStep(village_, c.id, {"village_appraisal", "done", "2021-03-05", std::nullopt, std::nullopt, ""});
  // A notice shorter than notice_min_days (5) is refused.
  EXPECT_EQ(code_of(village_, {"public_notice", "done", "2021-03-06", "2021-03-08", std::nullopt, ""}),
            ErrorCode::kInvalidArgument);
  svc_.RecordStep(village_, c.id, {"public_notice", "done", "2021-03-06", "2021-03-10", std::nullopt, ""});
  // The township sends it back to the village appraisal, with a reason (required).
  EXPECT_EQ(code_of(township_, {"township_review", "return", "2021-03-11", std::nullopt, "village_appraisal", ""}),
            ErrorCode::kInvalidArgument);
  c = svc_.RecordStep(township_, c.id,
                      {"township_review", "return", "2021-03-11", std::nullopt, "village_appraisal", "评议记录缺签字"});
  EXPECT_EQ(c.stage, "village_appraisal");
  EXPECT_EQ(c.steps.back().action, "returned");
  EXPECT_EQ(c.steps.back().returned_to, "village_appraisal");
  svc_.RecordStep(village_, c.id, {"village_appraisal", "done", "2021-03-12", std::nullopt, std::nullopt, "补签"});
  svc_.RecordStep(village_, c.id, {"public_notice", "done", "2021-03-13", "2021-03-17", std::nullopt, ""});
  svc_.RecordStep(township_, c.id, {"township_review", "done", "2021-03-18", std::nullopt, std::nullopt, ""});
  EXPECT_EQ(code_of(township_, {"county_approval", "done", "2021-03-19", std::nullopt, std::nullopt, ""}),
            ErrorCode::kPermissionDenied);
  svc_.RecordStep(county_, c.id, {"county_approval", "done", "2021-03-19", std::nullopt, std::nullopt, ""});
  c = svc_.RecordStep(county_, c.id, {"entry", "done", "2021-03-20", std::nullopt, std::nullopt, ""});
  EXPECT_EQ(c.status, CaseStatus::kMonitored);
  EXPECT_EQ(c.entered_on, "2021-03-20");
  EXPECT_FALSE(c.stage);
  EXPECT_EQ(c.steps.size(), 12u);
  for (const auto& s : c.steps) EXPECT_FALSE(s.actor.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'monitoring.case_step'"), 11);
  EXPECT_EQ(CaseJson(c)["steps"].size(), 12u);
}

TEST_F(MonitoringTest, ACaseCanBeRejectedWithAReason) {
  const int64_t h = Household("H1", false);
  Case c = svc_.OpenCase(village_, {h, 2021, "cadre_report", std::nullopt, "2021-03-01", "走访发现"});
  EXPECT_EQ(c.category, Category::kMarginal);
  svc_.RecordStep(village_, c.id, {"home_check", "done", "2021-03-02", std::nullopt, std::nullopt, ""});
  svc_.RecordStep(village_, c.id, {"consent", "done", "2021-03-02", std::nullopt, std::nullopt, ""});
  c = svc_.RecordStep(township_, c.id, {"data_comparison", "reject", "2021-03-03", std::nullopt, std::nullopt,
                                        "比对发现家庭有小轿车和财政供养人员"});
  EXPECT_EQ(c.status, CaseStatus::kRejected);
  EXPECT_EQ(c.closed_on, "2021-03-03");
  // A new case may be opened later.
  EXPECT_NO_THROW(svc_.OpenCase(village_, {h, 2022, "self_report", std::nullopt, "2022-01-05", ""}));
}

// Issue 19 item 4: measure kinds and statuses, elimination reasons, case
// statuses and categories are enums inside, parsed once from the request and
// the row; the wire keeps its strings and a wrong one is named with the accepted values.
TEST_F(MonitoringTest, ClosedSetsAreParsedOnceAndNamedWhenWrong) {
  const int64_t h = Household("H1", true);
  Case c = Enter(svc_.OpenCase(village_, {h, 2021, "self_report", std::nullopt, "2021-03-01", ""}).id);
  auto problem = [](const std::function<void()>& call) -> ErrorDetail {
    try {
      call();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
      return e.details().empty() ? ErrorDetail{"", e.what()} : e.details()[0];
    }
    return {"", "accepted"};
  };
  ErrorDetail d = problem([&] { svc_.AddMeasure(village_, c.id, {"loan", "小额信贷", std::nullopt, "村委", "2021-04-01", "planned"}); });
  EXPECT_EQ(d.path, "kind");
  EXPECT_NE(d.problem.find("employment, industry or other"), std::string::npos) << d.problem;
  d = problem([&] { svc_.AddMeasure(village_, c.id, {"employment", "公益性岗位", std::nullopt, "村委", "2021-04-01", "begun"}); });
  EXPECT_EQ(d.path, "status");
  d = problem([&] { svc_.Eliminate(county_, c.id, {"2022-06-01", "moved_away", "迁出"}); });
  EXPECT_EQ(d.path, "reason");
  EXPECT_NE(d.problem.find("income_stable or hardship_over"), std::string::npos) << d.problem;
  d = problem([&] { svc_.ListCases(county_, {"", std::string("open"), std::nullopt, std::nullopt, std::nullopt, 50, 0}); });
  EXPECT_EQ(d.path, "status");
  const Measure m = svc_.AddMeasure(village_, c.id, {"employment", "公益性岗位", std::nullopt, "村委", "2021-04-01", "in_progress"});
  EXPECT_EQ(m.kind, MeasureKind::kEmployment);
  EXPECT_EQ(MeasureJson(m)["status"], "in_progress");
  c = svc_.GetCase(county_, c.id);
  EXPECT_EQ(CaseJson(c)["status"], "monitored");
  EXPECT_EQ(CaseJson(c)["category_label"], "脱贫不稳定户");
}

TEST_F(MonitoringTest, RiskEliminationNeedsEvidenceAndTheFigures) {
  const int64_t h = Household("H1", true);
  Income(h, 2021, 500000);
  Case c = svc_.OpenCase(village_, {h, 2021, "self_report", std::nullopt, "2021-03-01", ""});
  // No measures before the entry.
  EXPECT_THROW(svc_.AddMeasure(village_, c.id, {"employment", "公益性岗位", std::nullopt, "村委", "2021-03-05", "planned"}),
               Error);
  c = Enter(c.id);
  const Measure job = svc_.AddMeasure(village_, c.id, {"employment", "安排公益性岗位", std::nullopt, "村委", "2021-04-01", "in_progress"});
  EXPECT_THROW(svc_.AddMeasure(village_, c.id, {"policy", "医疗救助", std::nullopt, "医保局", "2021-04-01", "planned"}),
               Error);  // a policy measure names its policy
  const Measure aid = svc_.AddMeasure(village_, c.id, {"policy", "大病医疗救助", 12, "县医保局", "2021-04-01", "planned"});
  EXPECT_EQ(aid.policy_id, 12);
  auto refusal = [&](const Caller& who, const EliminationInput& in) -> std::vector<ErrorDetail> {
    try {
      svc_.Eliminate(who, c.id, in);
    } catch (const Error& e) {
      EXPECT_NE(e.code(), ErrorCode::kInternal);
      return e.details().empty() ? std::vector<ErrorDetail>{{"code", ErrorCodeName(e.code())}} : e.details();
    }
    return {};
  };
  // Without evidence: refused. Too early, and income still below the line: refused, saying so.
  auto unmet = refusal(county_, {"2021-06-01", "income_stable", ""});
  ASSERT_FALSE(unmet.empty());
  std::set<std::string> paths;
  for (const auto& d : unmet) paths.insert(d.path);
  EXPECT_TRUE(paths.contains("evidence"));
  EXPECT_TRUE(paths.contains("date"));
  EXPECT_TRUE(paths.contains("income/2021"));
  // Only the county decides.
  EXPECT_EQ(refusal(village_, {"2022-06-01", "income_stable", "收入台账"})[0].problem, "permission_denied");
  // Income recorded above the line for 2022: with evidence the decision is taken.
  Income(h, 2022, 800000);
  unmet = refusal(county_, {"2022-06-01", "income_stable", ""});
  ASSERT_EQ(unmet.size(), 1u);
  EXPECT_EQ(unmet[0].path, "evidence");
  // Hardship over needs every measure finished.
  unmet = refusal(county_, {"2022-06-01", "hardship_over", "病已治愈"});
  EXPECT_EQ(unmet.size(), 3u);  // two measures unfinished, none done
  svc_.UpdateMeasure(village_, c.id, job.id, {"done", "已上岗，月工资1500元"});
  svc_.UpdateMeasure(village_, c.id, aid.id, {"done", "报销8万元"});
  EXPECT_THROW(svc_.UpdateMeasure(village_, c.id, aid.id, {"in_progress", std::nullopt}), Error);
  c = svc_.Eliminate(county_, c.id, {"2022-06-01", "income_stable", "2022年收入核算表，村组干部入户核实"});
  EXPECT_EQ(c.status, CaseStatus::kEliminated);
  ASSERT_TRUE(c.elimination);
  EXPECT_NE(c.elimination->checks.find("8000.00"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'monitoring.case_eliminate'"), 1);
  EXPECT_THROW(svc_.Eliminate(county_, c.id, {"2022-06-02", "income_stable", "再次"}), Error);
}

TEST_F(MonitoringTest, OverdueStepsAndLongMonitoringAreListed) {
  const int64_t a = Household("A", true);
  const int64_t b = Household("B", true);
  const Case waiting = svc_.OpenCase(village_, {a, 2021, "self_report", std::nullopt, "2021-03-01", ""});
  Case long_case = svc_.OpenCase(village_, {b, 2021, "self_report", std::nullopt, "2021-03-01", ""});
  Enter(long_case.id);
  auto items = svc_.Overdue(county_, "430424", std::string("2021-03-10"));
  EXPECT_TRUE(items.empty());
  items = svc_.Overdue(county_, "430424", std::string("2021-04-01"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].case_id, waiting.id);
  EXPECT_EQ(items[0].kind, OverdueKind::kStepOverdue);
  EXPECT_EQ(items[0].stage, "home_check");
  EXPECT_EQ(items[0].days, 31);
  items = svc_.Overdue(county_, "430424", std::string("2023-06-01"));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].kind, OverdueKind::kMonitoredTooLong);
  EXPECT_EQ(items[1].case_id, long_case.id);
}

TEST_F(MonitoringTest, FiguresCountCategoriesStatusesShareAndDurations) {
  const int64_t a = Household("A", true, 4);
  const int64_t b = Household("B", false, 2);
  const int64_t c = Household("C", false, 3, kOtherVillage);
  for (int i = 0; i < 6; ++i) Household("R" + std::to_string(i), true, 4);  // registered, not monitored
  Income(a, 2021, 500000, 4);
  Income(a, 2022, 900000, 4);
  const Case ca = svc_.OpenCase(village_, {a, 2021, "self_report", std::nullopt, "2021-03-01", ""});
  Enter(ca.id, "2021-03-11");  // entered 2021-03-21: 20 days after the alert
  svc_.Eliminate(county_, ca.id, {"2022-03-21", "income_stable", "收入核实"});  // 365 days later
  const Case cb = svc_.OpenCase(village_, {b, 2021, "cadre_report", "marginal", "2021-05-01", ""});
  Enter(cb.id, "2021-05-01");
  svc_.OpenCase(county_, {c, 2021, "department_alert", "sudden", "2021-06-01", ""});

  const MonitoringFigures f2021 = svc_.Figures(county_, "430424", 2021);
  EXPECT_EQ(f2021.households, 2);
  EXPECT_EQ(f2021.unstable, 1);
  EXPECT_EQ(f2021.marginal, 1);
  EXPECT_EQ(f2021.sudden, 0);
  EXPECT_EQ(f2021.monitored, 2);
  EXPECT_EQ(f2021.identifying, 1);
  EXPECT_EQ(f2021.persons, 6);
  EXPECT_EQ(f2021.registered_persons, 28);  // A and the six others
  EXPECT_DOUBLE_EQ(f2021.share_percent(), 21.43);
  EXPECT_EQ(f2021.days_to_entry_max, 20);
  const MonitoringFigures f2022 = svc_.Figures(county_, "430424", 2022);
  EXPECT_EQ(f2022.eliminated, 1);
  EXPECT_EQ(f2022.monitored, 1);
  EXPECT_EQ(f2022.days_to_elimination_average(), 365);
  ASSERT_EQ(f2022.by_area.size(), 2u);
  EXPECT_EQ(f2022.by_area[0].area_code, "430424100");
  EXPECT_EQ(FiguresJson(f2022)["by_status"]["eliminated"], 1);
  // A village cadre sees its own village only.
  EXPECT_THROW(svc_.Figures(village_, "430424", 2021), Error);
  EXPECT_EQ(svc_.Figures(village_, kVillage, 2021).households, 2);
}

// A paired cadre reports for their own households and sees only their cases.
TEST_F(MonitoringTest, APairedCadreReachesOnlyTheirOwnHouseholds) {
  const int64_t mine = Household("MINE", true);
  const int64_t other = Household("OTHER", true);
  const Caller paired = As("结对干部", Role::kPairedCadre, "430424");
  auto s = fx_.db().Prepare(
      "INSERT INTO cadres (name, unit, area_code, user_id, created_at, updated_at)"
      " VALUES ('结对干部', '县教育局', '430424', ?, 0, 0) RETURNING id");
  s->BindInt(1, paired.user_id);
  s->Step();
  const int64_t cadre = s->Int(0);
  s->Reset();
  auto p = fx_.db().Prepare(
      "INSERT INTO pairings (cadre_id, household_id, start_date, created_at) VALUES (?, ?, '2020-01-01', 0)");
  p->BindInt(1, cadre);
  p->BindInt(2, mine);
  p->Run();
  const Case c = svc_.OpenCase(paired, {mine, 2021, "cadre_report", std::nullopt, "2021-03-01", "走访发现因病"});
  EXPECT_EQ(c.steps[0].role, "paired_cadre");
  EXPECT_THROW(svc_.OpenCase(paired, {other, 2021, "cadre_report", std::nullopt, "2021-03-01", ""}), Error);
  svc_.OpenCase(village_, {other, 2021, "cadre_report", std::nullopt, "2021-03-01", ""});
  CaseFilter f;
  EXPECT_EQ(svc_.ListCases(paired, f).total, 1);
  EXPECT_EQ(svc_.ListCases(county_, f).total, 2);
  // The household page lists one household's cases.
  f.household_id = other;
  const CasePage of_other = svc_.ListCases(county_, f);
  ASSERT_EQ(of_other.total, 1);
  EXPECT_EQ(of_other.items[0].household_id, other);
  EXPECT_EQ(svc_.ListCases(paired, f).total, 0);
  f.household_id.reset();
  // The identification steps are not theirs; nor are area scans and figures.
  EXPECT_THROW(svc_.RecordStep(paired, c.id, {"home_check", "done", "2021-03-02", std::nullopt, std::nullopt, ""}),
               Error);
  EXPECT_THROW(svc_.Scan(paired, 2021, "430424"), Error);
  EXPECT_THROW(svc_.Figures(paired, "430424", 2021), Error);
}

// A failure in the middle of a batch (a full disk) leaves no trace: no half
// of a roster, no half of the cases a scan opens.
TEST_F(MonitoringTest, AFailureInTheMiddleOfABatchLeavesNoTrace) {
  std::vector<std::string> lines = {"身份证号,日期,金额"};
  for (int i = 0; i < 4; ++i) {
    const int64_t h = Household("H" + std::to_string(i), true);
    Income(h, 2021, 400000);
    lines.push_back(IdNumber(persons_[h][0]) + ",2021-05-0" + std::to_string(i + 1) + ",1000");
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  const std::string roster = WriteFile("medical.csv", text);
  store::testing::FaultyConnection faulty(fx_.database().Connect());
  MonitoringService svc(faulty, fx_.clock());
  faulty.FailAfterWrites(3);
  EXPECT_THROW(svc.ImportAlerts(fx_.admin(), AlertKind::kMedical, 2021, roster), Error);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alerts"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_alert_imports"), 0);
  faulty.FailAfterWrites(5);
  EXPECT_THROW(svc.Scan(fx_.admin(), 2021, "430424", true), Error);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_cases"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM monitoring_case_steps"), 0);
  faulty.FailAfterWrites(-1);
  EXPECT_EQ(svc.Scan(fx_.admin(), 2021, "430424", true).cases_opened, 4);
}

}  // namespace
}  // namespace fupin::monitoring
