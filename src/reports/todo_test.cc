#include "reports/todo.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "assessment/exits.h"
#include "assessment/schema.h"
#include "assistance/schema.h"
#include "grievance/grievances.h"
#include "grievance/schema.h"
#include "monitoring/monitoring.h"
#include "monitoring/schema.h"
#include "registry/testing.h"
#include "social/schema.h"

namespace fupin::reports {
namespace {

std::vector<store::Migration> Extra() {
  auto all = assessment::Migrations();
  for (auto& m : assistance::Migrations()) all.push_back(std::move(m));
  for (auto& m : social::Migrations()) all.push_back(std::move(m));
  for (auto& m : monitoring::Migrations()) all.push_back(std::move(m));
  for (auto& m : grievance::Migrations()) all.push_back(std::move(m));
  return all;
}

Caller Of(Role role, const std::string& area, int64_t user_id = 50) {
  Caller c;
  c.user_id = user_id;
  c.user_name = "u" + std::to_string(user_id);
  c.role = role;
  c.area_scope = area;
  return c;
}

class TodoTest : public ::testing::Test {
 protected:
  // In village 430424100200 (township 430424100): three poor households at
  // each step of their exit, an exited one whose procedure is over, and a
  // monitoring case of an exited household waiting for the home check since
  // January (clock: 2026-11-28).
  TodoTest() : f_(Extra()) {
    f_.AddAreas();
    assessment::ExitService exits(f_.db(), f_.clock());
    const int64_t appraised = f_.AddHousehold("E1", "430424100200");
    const int64_t verified = f_.AddHousehold("E2", "430424100200");
    const int64_t noticed = f_.AddHousehold("E3", "430424100200");
    const int64_t done = f_.AddHousehold("E4", "430424100200");
    for (int64_t id : {appraised, verified, noticed, done}) {
      exits.RecordStep(f_.admin(), id, 2025, "appraisal", "2025-10-01", std::nullopt, "");
    }
    for (int64_t id : {verified, noticed, done}) {
      exits.RecordStep(f_.admin(), id, 2025, "verification", "2025-10-10", std::nullopt, "");
    }
    for (int64_t id : {noticed, done}) {
      exits.RecordStep(f_.admin(), id, 2025, "notice", "2025-10-20", std::string("2025-10-26"), "");
    }
    f_.AddEvent(done, "exited", "2025-12-01");
    const int64_t watched = f_.AddHousehold("M1", "430424100201");
    f_.AddEvent(watched, "exited", "2019-12-01");
    monitoring::MonitoringService(f_.db(), f_.clock())
        .OpenCase(f_.admin(), {watched, 2026, "self_report", std::nullopt, "2026-01-10", ""});
  }

  std::map<std::string, TodoItem> Todo(const Caller& caller) {
    std::map<std::string, TodoItem> out;
    for (auto& item : ListTodo(f_.db(), caller, f_.clock())) out[item.key] = item;
    return out;
  }

  registry::testing::RegistryFixture f_;
};

TEST_F(TodoTest, TheCountyOfficeSeesEverySourceOfItsScope) {
  auto todo = Todo(Of(Role::kCountyOffice, "430424"));
  EXPECT_EQ(todo.at("exits_verify").count, 1);
  EXPECT_EQ(todo.at("exits_notice").count, 1);
  EXPECT_EQ(todo.at("exits_record").count, 1);  // E3; E4 has exited
  EXPECT_EQ(todo.at("exits_record").link, "/exits");
  EXPECT_EQ(todo.at("needs_review").count, 0);
  EXPECT_EQ(todo.at("needs_review").link, "/needs?tab=board&status=pending_review");
  EXPECT_EQ(todo.at("monitoring_steps").count, 0);  // the home check is the village's step
  EXPECT_EQ(todo.at("monitoring_overdue").count, 1);
  EXPECT_EQ(todo.at("monitoring_overdue").note_zh, "步骤超期 1 件，监测超期 0 户");
  EXPECT_FALSE(todo.contains("visits_due"));  // not a paired cadre
}

TEST_F(TodoTest, EachRoleSeesWhatItDoesInItsOwnArea) {
  auto village = Todo(Of(Role::kVillageCadre, "430424100201"));
  EXPECT_EQ(village.at("monitoring_steps").count, 1);
  EXPECT_EQ(village.at("monitoring_steps").note_zh, "入户核实 1 户");
  EXPECT_EQ(village.at("exits_verify").count, 0);  // the exits are in the other village
  EXPECT_FALSE(village.contains("needs_review"));
  auto other = Todo(Of(Role::kVillageCadre, "430424101200"));
  EXPECT_EQ(other.at("monitoring_steps").count, 0);
  auto township = Todo(Of(Role::kTownship, "430424100"));
  EXPECT_EQ(township.at("exits_verify").count, 1);
  EXPECT_EQ(township.at("monitoring_steps").count, 0);
  EXPECT_EQ(township.at("needs_review").count, 0);
  EXPECT_TRUE(Todo(Of(Role::kDonor, "")).empty());
  EXPECT_FALSE(Todo(Of(Role::kAuditor, "430424")).contains("exits_verify"));  // auditors record no step
}

TEST_F(TodoTest, ThePairedCadreSeesTheirVisitsDue) {
  auto paired = Todo(Of(Role::kPairedCadre, "430424", 77));
  ASSERT_TRUE(paired.contains("visits_due"));
  EXPECT_EQ(paired.at("visits_due").count, 0);  // no cadre record for this login: nothing paired
  EXPECT_EQ(paired.at("visits_due").link, "/assistance?tab=mine");
}

TEST_F(TodoTest, TheJsonSumsTheCounts) {
  const auto j = TodoJson(ListTodo(f_.db(), Of(Role::kCountyOffice, "430424"), f_.clock()));
  EXPECT_EQ(j["total"], 4);
  ASSERT_FALSE(j["items"].empty());
  EXPECT_EQ(j["items"][0]["key"], "needs_review");
  EXPECT_TRUE(j["items"][0].contains("title_zh"));
  EXPECT_EQ(TodoProviders().size(), 7u);
}

// Issue 23's sources: a grievance taken in waits for those who handle it, in
// their scope; nobody has change requests waiting here.
TEST_F(TodoTest, GrievancesAndChangeRequestsWaitForThoseWhoHandleThem) {
  grievance::GrievanceInput in;
  in.channel = "hotline";
  in.category = "benefit_not_received";
  in.area_code = "430424100200";
  in.anonymous = true;
  in.text = "教育补助没有收到";
  grievance::Grievances(f_.db(), f_.clock()).Intake(f_.admin(), in);
  auto county = Todo(Of(Role::kCountyOffice, "430424"));
  EXPECT_EQ(county.at("grievances_open").count, 1);
  EXPECT_EQ(county.at("grievances_open").link, "/grievances");
  EXPECT_EQ(county.at("changes_waiting").count, 0);
  EXPECT_EQ(Todo(Of(Role::kTownship, "430424100")).at("grievances_open").count, 1);
  EXPECT_EQ(Todo(Of(Role::kTownship, "430424101")).at("grievances_open").count, 0);  // another township
  EXPECT_FALSE(Todo(Of(Role::kVillageCadre, "430424100200")).contains("grievances_open"));  // takes in, does not handle
  EXPECT_FALSE(Todo(Of(Role::kAuditor, "430424")).contains("changes_waiting"));
}

}  // namespace
}  // namespace fupin::reports
