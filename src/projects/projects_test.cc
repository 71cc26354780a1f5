// Projects, funds and assets on a small registry: the project's life cycle,
// nothing spent twice, spending progress, assets and the distribution of
// their income, and who may do what. Refusals leave the database as it was.
// Runs on SQLite and (pg. copy) PostgreSQL.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "projects/projects.h"
#include "projects/schema.h"
#include "registry/testing.h"

namespace fupin::projects {
namespace {

constexpr const char* kVillage = "430424100200";

class ProjectsTest : public ::testing::Test {
 protected:
  ProjectsTest() : fx_(Migrations()), svc_(fx_.db(), fx_.clock()) {
    fx_.AddAreas();
    county_ = As("县扶贫办", Role::kCountyOffice, "430424");
    township_ = As("乡镇干部", Role::kTownship, "430424100");
    auditor_ = As("审计", Role::kAuditor, "430424");
    other_county_ = As("外县", Role::kCountyOffice, "430426");
    h1_ = fx_.AddHousehold("4304241002000001", kVillage);
    fx_.AddPerson(h1_, "19800101");
    fx_.AddPerson(h1_, "19820101");
    h2_ = fx_.AddHousehold("4304241002000002", kVillage);
    fx_.AddPerson(h2_, "19700101");
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
    s->Reset();
    return c;
  }

  int64_t Count(const std::string& table) { return *fx_.db().QueryInt("SELECT count(*) FROM " + table); }
  // Every row of the module's tables, to check that a refusal changed nothing.
  std::string Snapshot() {
    std::string out;
    for (const char* t : {"projects", "project_steps", "project_notices", "fund_allocations", "fund_assignments",
                          "fund_disbursements", "assets", "asset_incomes", "income_distributions"}) {
      out += std::string(t) + "=" + std::to_string(Count(t)) + ";";
    }
    out += "status=" + Statuses();
    return out;
  }
  std::string Statuses() {
    std::string out;
    auto s = fx_.db().Prepare("SELECT id, status, version FROM projects ORDER BY id");
    while (s->Step()) out += std::to_string(s->Int(0)) + s->Text(1) + std::to_string(s->Int(2)) + ",";
    return out;
  }

  ProjectInput Water() {
    ProjectInput in;
    in.name = "大浦镇集中供水工程";
    in.kind = "water";
    in.level = "county";
    in.area_code = "430424100";
    in.start_year = 2018;
    in.end_year = 2019;
    in.implementer = "县水利局";
    in.budget = {{"central", 50000000}, {"county", 10000000}};
    in.household_ids = {h1_, h2_};
    in.outside_beneficiaries = 1200;
    in.outputs = {{"主管网", "km", 12500, std::nullopt}};
    in.proposed_on = "2018-01-10";
    in.document_no = "衡扶〔2018〕1号";
    return in;
  }

  Project Complete(int64_t id) {
    const char* steps[] = {"reviewed", "listed", "approved", "under_way", "accepted", "completed"};
    Project p;
    int day = 11;
    for (const char* s : steps) p = svc_.Step(county_, id, s, "2018-02-" + std::to_string(day++), "文号", "");
    return p;
  }

  int64_t AddAllocation(Fen amount, const std::string& source = "central", int year = 2018) {
    AllocationInput in{"湘财农〔2018〕7号", "2018-03-01", year, source, "430424", amount};
    return svc_.Allocate(county_, in).id;
  }

  registry::testing::RegistryFixture fx_;
  ProjectService svc_;
  Caller county_, township_, auditor_, other_county_;
  int64_t h1_ = 0, h2_ = 0;
};

TEST_F(ProjectsTest, AProjectGoesThroughItsLifeStepByStep) {
  const Project p = svc_.AddProject(county_, Water());
  EXPECT_EQ(p.status, "proposed");
  EXPECT_EQ(p.households, 2);
  EXPECT_EQ(p.persons, 3);
  EXPECT_EQ(p.budget_fen, 60000000);
  const Project done = Complete(p.id);
  EXPECT_EQ(done.status, "completed");
  ASSERT_EQ(done.steps.size(), 7u);
  EXPECT_EQ(done.steps[0].step, "proposed");
  EXPECT_EQ(done.steps[0].document_no, "衡扶〔2018〕1号");
  EXPECT_EQ(done.steps[6].date, "2018-02-16");
  EXPECT_EQ(done.steps[6].actor, "县扶贫办");
  EXPECT_TRUE(done.next_steps.empty());
  EXPECT_EQ(ProjectJson(done)["outputs"][0]["planned"], 12.5);
}

TEST_F(ProjectsTest, AnIllegalStepIsRefusedNamingTheAllowedOnesAndChangesNothing) {
  const Project p = svc_.AddProject(county_, Water());
  const std::string before = Snapshot();
  try {
    svc_.Step(county_, p.id, "completed", "2018-02-01", "", "");
    FAIL() << "skipping to completed was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(std::string(e.what()).find("allowed: reviewed, withdrawn"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Snapshot(), before);
  // A step dated before the previous one is refused as well.
  EXPECT_THROW(svc_.Step(county_, p.id, "reviewed", "2017-12-31", "", ""), Error);
  EXPECT_EQ(Snapshot(), before);
  // Withdrawn is final.
  svc_.Step(county_, p.id, "withdrawn", "2018-02-01", "", "");
  try {
    svc_.Step(county_, p.id, "reviewed", "2018-02-02", "", "");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("allowed: none"), std::string::npos) << e.what();
  }
}

TEST_F(ProjectsTest, BadInputNamesTheFields) {
  ProjectInput in = Water();
  in.kind = "castle";
  in.budget.push_back({"lottery", 1});
  in.area_code = "999999";
  try {
    svc_.AddProject(county_, in);
    FAIL();
  } catch (const Error& e) {
    std::string paths;
    for (const auto& d : e.details()) paths += d.path + ";";
    EXPECT_NE(paths.find("kind;"), std::string::npos) << paths;
    EXPECT_NE(paths.find("budget/2/source;"), std::string::npos) << paths;
    EXPECT_NE(paths.find("area_code;"), std::string::npos) << paths;
  }
  EXPECT_EQ(Count("projects"), 0);
}

// The closed sets are enums with one table each (issue 19 item 4): every wire string comes in
// through the table, and an unknown one is refused naming its field and the accepted values.
TEST_F(ProjectsTest, UnknownWireValuesAreRefusedNamingTheFieldAndTheAcceptedValues) {
  const Project p = svc_.AddProject(county_, Water());
  const std::string before = Snapshot();
  auto detail_of = [](const std::function<void()>& call, const std::string& field) {
    try {
      call();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
      for (const auto& d : e.details()) {
        if (d.path == field) return d.problem;
      }
      ADD_FAILURE() << "no detail at " << field << ": " << e.what();
      return std::string();
    }
    ADD_FAILURE() << field << " was accepted";
    return std::string();
  };
  EXPECT_EQ(detail_of([&] { svc_.Step(county_, p.id, "finished", "2018-02-01", "", ""); }, "step"),
            "'finished' is not one of proposed, reviewed, listed, approved, under_way, accepted, completed or withdrawn");
  EXPECT_EQ(detail_of([&] { svc_.AddNotice(county_, p.id, "draft", "2018-02-01", "2018-02-07", "村委会", ""); }, "kind"),
            "'draft' is not plan or result");
  EXPECT_EQ(detail_of([&] { svc_.Progress(county_, "", std::nullopt, "month"); }, "by"),
            "'month' is not one of source, area, kind, year");
  ProjectFilter f;
  f.status = "done";
  EXPECT_EQ(detail_of([&] { svc_.ListProjects(county_, f); }, "status"),
            "'done' is not one of proposed, reviewed, listed, approved, under_way, accepted, completed or withdrawn");
  AssetInput asset;
  asset.project_id = p.id;
  asset.name = "光伏电站";
  asset.kind = "shared";
  asset.owner = "村集体";
  asset.custodian = "村委会";
  asset.station_kind = "rooftop";
  asset.capacity_w = 100000;
  EXPECT_EQ(detail_of([&] { svc_.AddAsset(county_, asset); }, "station_kind"),
            "'rooftop' is not one of joint, central or village");
  EXPECT_EQ(Snapshot(), before);
}

// Each table is served (GET /api/v1/vocabularies) under its name, in its order, with its
// Chinese label; the status a project has is the wire string of its last step.
TEST_F(ProjectsTest, TheVocabulariesAreTheTablesTheServiceParses) {
  std::map<std::string, std::vector<std::string>> sets;
  for (const Vocabulary& v : Vocabularies()) {
    for (const Term& t : v.terms) sets[v.name].push_back(std::string(t.wire) + "=" + t.zh);
  }
  EXPECT_EQ(sets["project_step"].front(), "proposed=申报");
  EXPECT_EQ(sets["project_step"].back(), "withdrawn=撤销");
  EXPECT_EQ(sets["notice_kind"], (std::vector<std::string>{"plan=计划公示", "result=结果公示"}));
  EXPECT_EQ(sets["asset_kind"].size(), 3u);
  EXPECT_EQ(sets["project_kind"].size(), 12u);
  for (const char* name : {"project_level", "station_kind", "distribution_kind"}) EXPECT_TRUE(sets.contains(name)) << name;
  const Project p = svc_.AddProject(county_, Water());
  EXPECT_EQ(p.next_steps, (std::vector<std::string>{"reviewed", "withdrawn"}));
  EXPECT_EQ(ProjectJson(svc_.GetProject(county_, p.id))["status_zh"], "申报");
  EXPECT_EQ(NextSteps(ProjectStatus::kAccepted), (std::vector<ProjectStatus>{ProjectStatus::kCompleted,
                                                                              ProjectStatus::kWithdrawn}));
  EXPECT_TRUE(NextSteps(ProjectStatus::kWithdrawn).empty());
}

TEST_F(ProjectsTest, NoticesOfPlanAndResultAndTheirSheet) {
  const Project p = svc_.AddProject(county_, Water());
  const Notice n = svc_.AddNotice(county_, p.id, "plan", "2018-01-11", "2018-01-20", "村务公开栏");
  EXPECT_EQ(n.period_days, 10);
  // The result is published once the project is accepted.
  EXPECT_THROW(svc_.AddNotice(county_, p.id, "result", "2018-01-21", "2018-01-30", "村务公开栏"), Error);
  Complete(p.id);
  svc_.AddNotice(county_, p.id, "result", "2018-03-01", "2018-03-07", "村务公开栏");
  const Project shown = svc_.GetProject(township_, p.id);
  ASSERT_EQ(shown.notices.size(), 2u);
  EXPECT_EQ(shown.notices[1].kind, "result");
  const std::string file = std::filesystem::temp_directory_path() / ("fupin_notice_" + std::to_string(getpid()) + ".xlsx");
  svc_.WriteNoticeSheet(county_, p.id, n.id, file);
  EXPECT_GT(std::filesystem::file_size(file), 1000u);
  std::filesystem::remove(file);
}

TEST_F(ProjectsTest, NothingIsAssignedOrSpentTwice) {
  const int64_t a = AddAllocation(1000000);  // 10,000.00 yuan
  const int64_t p = svc_.AddProject(county_, Water()).id;
  const int64_t q = svc_.AddProject(county_, Water()).id;
  svc_.Assign(county_, a, p, 600000, "2018-03-02");
  std::string before = Snapshot();
  try {
    svc_.Assign(county_, a, q, 500000, "2018-03-02");
    FAIL() << "the allocation was given out beyond its amount";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_STREQ(e.what(), "assigning 5000.00 yuan exceeds what is left of allocation 1: 4000.00 yuan of 10000.00 yuan");
  }
  EXPECT_EQ(Snapshot(), before);
  svc_.Assign(county_, a, q, 400000, "2018-03-02");
  svc_.Spend(county_, {p, std::nullopt, "2018-04-01", 500000, "某建筑公司", "管网铺设进度款"});
  before = Snapshot();
  try {
    svc_.Spend(county_, {p, a, "2018-04-02", 100001, "某建筑公司", "尾款"});
    FAIL() << "the project spent more than it was given";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_STREQ(e.what(),
                 "spending 1000.01 yuan exceeds what project 1 has left of allocation 1: 1000.00 yuan of 6000.00 yuan");
  }
  EXPECT_EQ(Snapshot(), before);
  svc_.Spend(county_, {p, a, "2018-04-02", 100000, "某建筑公司", "尾款"});
  EXPECT_EQ(svc_.GetProject(county_, p).spent_fen, 600000);
}

TEST_F(ProjectsTest, SpendingProgressBySourceKindAreaAndYearAndIdleFunds) {
  const int64_t central = AddAllocation(1000000, "central", 2018);
  const int64_t county = AddAllocation(400000, "county", 2019);
  const int64_t p = svc_.AddProject(county_, Water()).id;
  ProjectInput road = Water();
  road.kind = "road";
  road.area_code = kVillage;
  const int64_t r = svc_.AddProject(county_, road).id;
  svc_.Assign(county_, central, p, 800000, "2018-03-02");
  svc_.Assign(county_, county, r, 300000, "2019-03-02");
  svc_.Spend(county_, {p, std::nullopt, "2018-05-01", 200000, "施工方", "进度款"});
  svc_.Spend(county_, {r, std::nullopt, "2019-05-01", 300000, "施工方", "全款"});

  const FundProgress by_source = svc_.Progress(auditor_, "430424", std::nullopt, "source");
  ASSERT_EQ(by_source.rows.size(), 2u);
  EXPECT_EQ(by_source.rows[0].key, "central");
  EXPECT_EQ(by_source.rows[0].label, "中央财政专项扶贫资金");
  EXPECT_EQ(by_source.rows[0].allocated_fen, 1000000);
  EXPECT_EQ(by_source.rows[0].assigned_fen, 800000);
  EXPECT_EQ(by_source.rows[0].spent_fen, 200000);
  EXPECT_EQ(by_source.rows[0].balance_fen, 600000);
  EXPECT_DOUBLE_EQ(by_source.rows[0].rate(), 25.0);
  EXPECT_EQ(by_source.total.spent_fen, 500000);

  const FundProgress by_kind = svc_.Progress(county_, "430424", std::nullopt, "kind");
  ASSERT_EQ(by_kind.rows.size(), 2u);
  EXPECT_EQ(by_kind.rows[0].key, "road");
  EXPECT_EQ(by_kind.rows[0].label, "道路交通");

  const FundProgress by_year = svc_.Progress(county_, "430424", 2019, "year");
  ASSERT_EQ(by_year.rows.size(), 1u);
  EXPECT_EQ(by_year.rows[0].label, "2019年");
  EXPECT_EQ(by_year.rows[0].spent_fen, 300000);

  const FundProgress by_area = svc_.Progress(county_, "430424100", std::nullopt, "area");
  ASSERT_EQ(by_area.rows.size(), 2u);  // the township's own project and its village's
  EXPECT_EQ(by_area.rows[1].key, kVillage);

  // Completed with 6,000 yuan unspent.
  Complete(p);
  const FundProgress idle = svc_.Progress(county_, "430424", std::nullopt, "source");
  ASSERT_EQ(idle.idle.size(), 1u);
  EXPECT_EQ(idle.idle[0].project_id, p);
  EXPECT_EQ(idle.idle[0].left_fen, 600000);
  EXPECT_EQ(FundProgressJson(idle)["idle"][0]["left_fen"], 600000);
}

TEST_F(ProjectsTest, AssetsOfCompletedProjectsTheirIncomeAndItsDistribution) {
  ProjectInput pv = Water();
  pv.kind = "photovoltaic";
  pv.name = "村级光伏电站";
  const int64_t p = svc_.AddProject(county_, pv).id;
  AssetInput in;
  in.project_id = p;
  in.name = "大浦村光伏电站";
  in.kind = "productive";
  in.owner = "大浦村村集体";
  in.custodian = "大浦村村委会";
  in.value_fen = 40000000;
  in.station_kind = "village";
  in.capacity_w = 60000;
  in.beneficiary_household_ids = {h1_, h2_};
  EXPECT_THROW(svc_.AddAsset(county_, in), Error);  // not completed yet
  EXPECT_EQ(Count("assets"), 0);
  Complete(p);
  const Asset a = svc_.AddAsset(county_, in);
  EXPECT_EQ(a.formed_on, "2018-02-16");
  EXPECT_EQ(a.station_kind, "village");
  EXPECT_EQ(a.beneficiary_households, 2);
  EXPECT_EQ(a.beneficiary_persons, 3);
  EXPECT_EQ(AssetJson(a)["station"]["capacity_kw"], 60.0);

  svc_.RecordIncome(county_, a.id, 2019, 500000, 72000);
  svc_.Distribute(county_, {a.id, 2019, "dividend", h1_, "", "2019-12-20", 300000});
  const std::string before = Snapshot();
  try {
    svc_.Distribute(county_, {a.id, 2019, "public_post", std::nullopt, "保洁员", "2019-12-20", 300000});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "distributing 3000.00 yuan exceeds what is left of asset 1's income in 2019: 2000.00 yuan of 5000.00 yuan");
  }
  EXPECT_EQ(Snapshot(), before);
  svc_.Distribute(county_, {a.id, 2019, "public_post", std::nullopt, "保洁员", "2019-12-20", 200000});

  const auto receipts = svc_.HouseholdReceipts(township_, h1_);
  ASSERT_EQ(receipts.size(), 3u);
  EXPECT_EQ(receipts[0].kind, "project");
  EXPECT_EQ(receipts[1].kind, "station");
  EXPECT_EQ(receipts[2].kind, "dividend");
  EXPECT_EQ(receipts[2].amount_fen, 300000);
  const auto stations = svc_.ListAssets(auditor_, {"430424", "", true});
  ASSERT_EQ(stations.size(), 1u);
  EXPECT_EQ(stations[0].income_fen, 500000);
  EXPECT_EQ(stations[0].distributed_fen, 500000);
}

// The progress report's figures come from these records: change one, the figure moves.
TEST_F(ProjectsTest, FiguresFollowTheRecords) {
  const int64_t water = svc_.AddProject(county_, Water()).id;  // 12.5 km, 1,200 outside + 3 linked persons
  for (const char* step : {"reviewed", "listed", "approved"}) svc_.Step(county_, water, step, "2018-03-01", "", "");
  const int64_t a = AddAllocation(1000000);
  svc_.Assign(county_, a, water, 700000, "2018-03-02");
  ProjectInput industry = Water();
  industry.kind = "industry";
  industry.level = "provincial";
  industry.household_ids = {h1_};
  const int64_t i = svc_.AddProject(county_, industry).id;  // not approved yet

  ProjectFigures f = ComputeFigures(fx_.db(), "430424", "2018-12-31");
  EXPECT_EQ(f.water_projects, 1);
  EXPECT_EQ(f.water_pipe_milli_km, 12500);
  EXPECT_EQ(f.water_beneficiaries, 1203);
  EXPECT_EQ(f.water_investment_fen, 700000);
  EXPECT_EQ(f.industry_provincial, 0);
  // Before the approval date nothing counts; in another county nothing either.
  EXPECT_EQ(ComputeFigures(fx_.db(), "430424", "2018-02-28").water_projects, 0);
  EXPECT_EQ(ComputeFigures(fx_.db(), "430426", "2018-12-31").water_projects, 0);

  for (const char* step : {"reviewed", "listed", "approved"}) svc_.Step(county_, i, step, "2018-04-01", "", "");
  svc_.Step(county_, water, "withdrawn", "2018-05-01", "", "撤销");
  f = ComputeFigures(fx_.db(), "430424", "2018-12-31");
  EXPECT_EQ(f.industry_provincial, 1);
  EXPECT_EQ(f.industry_households, 1);
  EXPECT_EQ(f.water_projects, 0);
  EXPECT_EQ(f.water_pipe_milli_km, 0);
  // On 2018-04-30 the water work was not withdrawn yet.
  EXPECT_EQ(ComputeFigures(fx_.db(), "430424", "2018-04-30").water_projects, 1);
}

TEST_F(ProjectsTest, TheCountyOfficeWritesTownshipsAndAuditorsReadOthersNothing) {
  const int64_t p = svc_.AddProject(county_, Water()).id;
  const int64_t audits = Count("audit_log");
  EXPECT_THROW(svc_.AddProject(township_, Water()), Error);
  EXPECT_THROW(svc_.Step(auditor_, p, "reviewed", "2018-02-01", "", ""), Error);
  EXPECT_THROW(svc_.GetProject(other_county_, p), Error);
  EXPECT_THROW(svc_.Allocate(township_, {"文", "2018-03-01", 2018, "central", "430424100", 100}), Error);
  // Each refusal is in the audit trail; nothing else changed.
  EXPECT_EQ(Count("audit_log"), audits + 4);
  EXPECT_EQ(Count("projects"), 1);
  EXPECT_EQ(svc_.GetProject(township_, p).name, "大浦镇集中供水工程");
  EXPECT_EQ(svc_.ListProjects(auditor_, {}).total, 1);
  EXPECT_EQ(svc_.ListProjects(other_county_, {}).total, 0);
  // Every change is audited.
  auto s = fx_.db().Prepare("SELECT count(*) FROM audit_log WHERE action = 'projects.project_add'");
  s->Step();
  EXPECT_EQ(s->Int(0), 1);
}

// Finance (财政): a sector department whose department is finance records
// allocations, assignments and disbursements in its county and reads the
// project library there; it neither adds projects nor takes their steps, and
// another department does not touch funds (docs/ACCESS.md, "Finance").
TEST_F(ProjectsTest, TheFinanceDepartmentWritesFundsInItsCountyButNotProjects) {
  Caller finance = As("县财政局", Role::kSectorDepartment, "430424");
  finance.department = "finance";
  Caller education = As("县教育局", Role::kSectorDepartment, "430424");
  education.department = "education";
  Caller other_finance = As("外县财政局", Role::kSectorDepartment, "430426");
  other_finance.department = "finance";
  const int64_t p = svc_.AddProject(county_, Water()).id;
  const int64_t a = svc_.Allocate(finance, {"衡财农〔2018〕3号", "2018-03-01", 2018, "central", "430424", 1000000}).id;
  svc_.Assign(finance, a, p, 600000, "2018-03-02");
  svc_.Spend(finance, {p, a, "2018-04-01", 500000, "某建筑公司", "管网铺设进度款"});
  EXPECT_EQ(svc_.GetProject(finance, p).spent_fen, 500000);
  EXPECT_EQ(svc_.ListProjects(finance, {}).total, 1);
  // Over-spending is refused for finance as for anyone, with both figures.
  try {
    svc_.Spend(finance, {p, a, "2018-04-02", 100001, "某建筑公司", "尾款"});
    FAIL() << "finance spent more than the project was given";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "spending 1000.01 yuan exceeds what project 1 has left of allocation 1: 1000.00 yuan of 6000.00 yuan");
  }
  EXPECT_THROW(svc_.ListProjects(education, {}), Error);
  const std::string before = Snapshot();
  const int64_t audits = Count("audit_log");
  EXPECT_THROW(svc_.AddProject(finance, Water()), Error);
  EXPECT_THROW(svc_.Step(finance, p, "reviewed", "2018-02-01", "", ""), Error);
  EXPECT_THROW(svc_.Allocate(education, {"文", "2018-03-01", 2018, "central", "430424", 100}), Error);
  EXPECT_THROW(svc_.Allocate(other_finance, {"文", "2018-03-01", 2018, "central", "430424", 100}), Error);
  EXPECT_THROW(svc_.Spend(other_finance, {p, a, "2018-04-02", 100, "某建筑公司", "尾款"}), Error);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Count("audit_log"), audits + 5);  // each refusal recorded
}

}  // namespace
}  // namespace fupin::projects
