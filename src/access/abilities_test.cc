#include "access/abilities.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "access/testing/fixture.h"

namespace fupin::access {
namespace {

using testing::CodeOf;
using testing::Filter;

Caller CallerOf(Role role, std::string scope = "430424100201") {
  return Caller{42, std::string(RoleName(role)), role, std::move(scope)};
}

// The roles that have an ability, by wire name, in the order of the roles.
std::string Holders(Ability ability) {
  std::string out;
  for (Role role : AllRoles()) {
    if (Can(CallerOf(role), ability)) out += (out.empty() ? "" : " ") + std::string(RoleName(role));
  }
  return out;
}

TEST(AbilitiesTest, EveryAbilityHasOneDistinctName) {
  std::set<std::string> names;
  for (Ability a : AllAbilities()) {
    const std::string name = AbilityName(a);
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << name;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(Ability::kChangesThroughRequests) + 1);
}

// The rules the services wrote out as role comparisons before they asked
// access (issue 19): the same roles must hold them now.
TEST(AbilitiesTest, TheServicesFinerRulesGoToTheSameRoles) {
  const std::string offices = "administrator county_office";
  EXPECT_EQ(Holders(Ability::kReadRegistry),
            "administrator county_office township village_cadre paired_cadre sector_department auditor");
  EXPECT_EQ(Holders(Ability::kWriteRegistry), "administrator county_office township village_cadre");
  EXPECT_EQ(Holders(Ability::kReadQuality), "administrator county_office township village_cadre sector_department auditor");
  EXPECT_EQ(Holders(Ability::kWriteSocial), "administrator county_office township village_cadre paired_cadre");
  EXPECT_EQ(Holders(Ability::kReviewNeeds), "administrator county_office township");
  EXPECT_EQ(Holders(Ability::kPledge), "donor");
  EXPECT_EQ(Holders(Ability::kSuperviseSocial), "administrator county_office auditor");
  EXPECT_EQ(Holders(Ability::kManageDonors), "administrator");
  EXPECT_EQ(Holders(Ability::kAdministerSystem), "administrator");
  EXPECT_EQ(Holders(Ability::kOwnPairingsOnly), "paired_cadre");
  for (Ability a : {Ability::kEliminateRisk, Ability::kRefreshReports, Ability::kOverrideExitChecks,
                    Ability::kSetMonitoringRules, Ability::kWriteCaseHistories, Ability::kGenerateSocialDemo}) {
    EXPECT_EQ(Holders(a), offices) << AbilityName(a);
  }
  EXPECT_EQ(Holders(Ability::kImportAlerts), "administrator county_office township village_cadre sector_department");
  EXPECT_EQ(Holders(Ability::kImportRosters), "administrator county_office sector_department");
  EXPECT_EQ(Holders(Ability::kWriteParams), offices);
}

// Each step of a monitoring case is done by the roles docs/MONITORING.md
// names; the administrator may do any of them without being named.
TEST(AbilitiesTest, MonitoringStepsNameTheirRolesAndLetTheAdministratorDoAny) {
  EXPECT_EQ(Holders(Ability::kMonitoringAlert), "administrator county_office township village_cadre paired_cadre");
  EXPECT_EQ(Holders(Ability::kMonitoringVillageStep), "administrator village_cadre");
  EXPECT_EQ(Holders(Ability::kMonitoringTownshipStep), "administrator township");
  EXPECT_EQ(Holders(Ability::kMonitoringCountyStep), "administrator county_office");
  const auto named = RolesNamed(Ability::kMonitoringCountyStep);
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(named[0], Role::kCountyOffice);
}

// The summary GET /me serves: the resource matrix and every ability.
TEST(AbilitiesTest, TheSummaryGivesEveryResourceAndAbility) {
  const AccessSummary paired = Summarize(CallerOf(Role::kPairedCadre));
  ASSERT_EQ(paired.resources.size(), AllResources().size());
  ASSERT_EQ(paired.abilities.size(), AllAbilities().size());
  for (const auto& r : paired.resources) {
    if (r.resource == Resource::kRegistry) {
      EXPECT_TRUE(r.read);
      EXPECT_FALSE(r.write);
      EXPECT_TRUE(r.paired_only);
    }
    if (r.resource == Resource::kMonitoring) {
      EXPECT_TRUE(r.write);  // for their paired households
    }
  }
  for (const auto& [ability, allowed] : paired.abilities) {
    if (ability == Ability::kOverview) {
      EXPECT_FALSE(allowed);
    }
    if (ability == Ability::kReadHouseholdAssessment) {
      EXPECT_TRUE(allowed);
    }
  }
}

// Finance (财政) is a sector department whose department is "finance": it
// reads the project library and writes funds in its scope, and no other
// department does (issue 20).
TEST(AbilitiesTest, TheFinanceDepartmentWritesFundsInItsScope) {
  EXPECT_EQ(Holders(Ability::kWriteFunds), "administrator county_office");
  EXPECT_EQ(Holders(Ability::kReadProjects), "administrator county_office township village_cadre auditor");
  Caller finance = CallerOf(Role::kSectorDepartment, "430424");
  finance.department = std::string(kFinanceDepartment);
  Caller education = finance;
  education.department = "education";
  EXPECT_TRUE(Can(finance, Ability::kWriteFunds));
  EXPECT_TRUE(Can(finance, Ability::kReadProjects));
  EXPECT_FALSE(Can(education, Ability::kWriteFunds));
  EXPECT_FALSE(Can(education, Ability::kReadProjects));
  const Target in_scope{"430424100", std::nullopt, "fund_allocation/1"};
  EXPECT_FALSE(Refusal(finance, Access::kRead, Resource::kProjects, in_scope));
  EXPECT_TRUE(Refusal(finance, Access::kRead, Resource::kProjects, {"430425", std::nullopt, "projects"}));
  // Funds, not the projects themselves: adding a project or taking a step is a write of projects.
  EXPECT_TRUE(Refusal(finance, Access::kWrite, Resource::kProjects, in_scope));
  // The county office keeps writing funds; the summary says so.
  EXPECT_TRUE(Can(CallerOf(Role::kCountyOffice, "430424"), Ability::kWriteFunds));
  for (const auto& [ability, allowed] : Summarize(finance).abilities) {
    if (ability == Ability::kWriteFunds || ability == Ability::kReadProjects) {
      EXPECT_TRUE(allowed) << AbilityName(ability);
    }
  }
}

class DenyTest : public testing::AccessFixture {};

// Every refusal, by a Guard or by an ability, is one shape in the audit trail.
TEST_F(DenyTest, RefusalsOfAbilitiesAndResourcesShareOneShape) {
  Audit a = audit();
  const Caller township = CallerOf(Role::kTownship, "430424100");
  EXPECT_NO_THROW(Require(a, township, Ability::kReviewNeeds, Target{"430424100201", std::nullopt, "need/1"}));
  EXPECT_EQ(CountAudit("access.denied"), 0);
  EXPECT_EQ(CodeOf([&] { Require(a, township, Ability::kEliminateRisk, Target{"430424100201", 7, "monitoring_case/3"}); }),
            ErrorCode::kPermissionDenied);
  Guard guard(a);
  EXPECT_EQ(CodeOf([&] { guard.RequireRead(township, Resource::kAudit, Target{"430424100201", std::nullopt, "audit/"}); }),
            ErrorCode::kPermissionDenied);
  const AuditPage ability = a.List(Caller::LocalOperator(), Filter("monitoring_case/3"));
  const AuditPage resource = a.List(Caller::LocalOperator(), Filter("audit/"));
  ASSERT_EQ(ability.total, 1);
  ASSERT_EQ(resource.total, 1);
  const auto d1 = nlohmann::json::parse(*ability.entries[0].after);
  const auto d2 = nlohmann::json::parse(*resource.entries[0].after);
  for (const char* key : {"access", "resource", "role", "scope", "reason"}) {
    EXPECT_TRUE(d1.contains(key)) << key;
    EXPECT_TRUE(d2.contains(key)) << key;
  }
  EXPECT_EQ(d1["access"], "write");
  EXPECT_EQ(d1["resource"], "monitoring");
  EXPECT_EQ(d1["ability"], "eliminate_risk");
  EXPECT_EQ(d1["household_id"], 7);
  EXPECT_EQ(d1["role"], "township");
  EXPECT_EQ(d1["scope"], "430424100");
  EXPECT_EQ(d2["access"], "read");
  EXPECT_EQ(d2["resource"], "audit");
  EXPECT_FALSE(d2.contains("ability"));
  EXPECT_EQ(ability.entries[0].area_code, "430424100201");
}

// RequireInScope: the ability, then the area inside the caller's scope; both refusals recorded.
TEST_F(DenyTest, AnAbilityInScopeIsRefusedOutsideIt) {
  Audit a = audit();
  Caller finance = CallerOf(Role::kSectorDepartment, "430424");
  finance.department = std::string(kFinanceDepartment);
  EXPECT_NO_THROW(RequireInScope(a, finance, Ability::kWriteFunds, Target{"430424100", std::nullopt, "fund/1"}));
  EXPECT_EQ(CodeOf([&] { RequireInScope(a, finance, Ability::kWriteFunds, Target{"430425", std::nullopt, "fund/2"}); }),
            ErrorCode::kPermissionDenied);
  const Caller health = CallerOf(Role::kSectorDepartment, "430424");
  EXPECT_EQ(CodeOf([&] { RequireInScope(a, health, Ability::kWriteFunds, Target{"430424100", std::nullopt, "fund/3"}); }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("access.denied"), 2);
}

}  // namespace
}  // namespace fupin::access

namespace fupin::access {
namespace {

// Issue 23: a village cadre's registry writes become change requests (per
// kind as configured in src/grievance); no other role's do, administrators
// included.
TEST(AbilitiesTest, OnlyVillageCadresChangeTheRegistryThroughRequests) {
  EXPECT_EQ(Holders(Ability::kChangesThroughRequests), "village_cadre");
  EXPECT_TRUE(Can(CallerOf(Role::kVillageCadre, "430424100201"), Ability::kWriteRegistry));
  EXPECT_FALSE(Can(CallerOf(Role::kAdministrator, ""), Ability::kChangesThroughRequests));
}

}  // namespace
}  // namespace fupin::access
