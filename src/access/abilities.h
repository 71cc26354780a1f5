#pragma once
// What a caller may do beyond reading and writing a resource in their scope:
// the finer rules of the services (only donors pledge, only the county office
// decides that a risk is eliminated, ...) and the abilities the web builds its
// menus from. Together with the resource matrix of permissions.h this is the
// one place where roles are compared (docs/ACCESS.md, "How a service asks
// access"); services and adapters ask Can / Require and never look at the role.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/permissions.h"
#include "core/caller.h"

namespace fupin::access {

class Audit;

enum class Ability {
  // Pages and menus of the web (GET /api/v1/me gives each as true/false).
  kOverview,                 // pages of a whole area: registry read beyond paired households
  kReadRegistry,             // registry records at all (every role but donors)
  kWriteRegistry,            // change registry records (offices, townships, village cadres)
  kReadUsers,
  kWriteUsers,
  kReadAudit,
  kReadSocial,
  kWriteSocial,              // cadres: enrol households, publish needs, record and confirm dockings
  kReviewNeeds,              // townships and the county office review needs
  kPledge,                   // donors: pledges, suggestions, their own profile
  kReadAssessment,           // assessments of a whole area
  kReadHouseholdAssessment,  // a household's own assessment (paired cadres: their households)
  kReadHouseholdMonitoring,
  kRunAssessment,
  kReadAssistance,
  kWriteAssistance,
  kReadReports,
  kReadParams,
  kWriteParams,
  kReadMonitoring,           // monitoring of a whole area
  kWriteMonitoring,
  kEliminateRisk,            // the risk-eliminated decision of a monitoring case
  kReadQuality,              // data-quality checks, exports, public notices of an area
  kReadPolicy,
  kReadEntitlements,
  kRunEntitlements,
  kRefreshReports,           // recompute a stored report (?fresh=true)
  kReadReconciliation,
  kImportRegistry,
  kImportAlerts,             // department alert rosters
  kImportRosters,
  kImportData,               // any of the imports
  kOwnPairingsOnly,          // a paired cadre: pairings, visits and households of their own only
  // Rules of the services only.
  kSuperviseSocial,          // undelivered pledges, everyone's pledges (the donors' supervision team aside)
  kManageDonors,             // change another's donor profile
  kAdministerSystem,         // demo data, the area tree, any step of any procedure
  kOverrideExitChecks,       // record an exit the checks refuse, with a written reason
  kSetMonitoringRules,       // monitoring thresholds and alert rules
  kWriteCaseHistories,       // monitoring case histories in bulk
  kGenerateSocialDemo,
  kMonitoringAlert,          // open a monitoring case (the step 预警)
  kMonitoringVillageStep,    // 入户核实, 农户承诺授权, 村民主评议, 公示
  kMonitoringTownshipStep,   // 部门数据比对, 乡镇审核
  kMonitoringCountyStep,     // 县级审定, 纳入监测
  kReadProjects,             // the project library, funds and assets of an area (issue 20)
  kReadIndustry,             // industries, jobs, purchases and loans of an area (issue 21)
  kReadChanges,              // change requests to the registry of an area (issue 23)
  kProposeChange,            // propose a registry change: village cadres, work teams, townships, the county
  kReviewChange,             // the township's review of a change request
  kApproveChange,            // the county's approval of the kinds configured for it
  kReadGrievances,           // grievances and appeals of an area (信访与申诉)
  kRecordGrievance,          // take a grievance in (a cadre on the complainant's behalf too)
  kHandleGrievance,          // accept, investigate, answer, close, reopen; see the complainant
  kWriteFunds,               // allocations, assignments, disbursements: offices and the finance department (issue 20)
  kChangesThroughRequests,   // registry writes become change requests, per kind as configured (village cadres, issue 23)
};

// Every ability, in the order above.
const std::vector<Ability>& AllAbilities();
// The wire name: "overview", "read_registry", ... (the keys of `abilities` in GET /me).
const char* AbilityName(Ability ability);

// Whether the caller has the ability. Pure: no audit entry.
bool Can(const Caller& caller, Ability ability);

// The roles an ability names (for "this step is done by ..."); administrators,
// who may do every step, are not listed unless the ability is theirs alone.
std::vector<Role> RolesNamed(Ability ability);

// The one shape of an "access.denied" entry in the audit trail:
// {"access": "read"|"write", "resource", "role", "scope", "reason",
//  "ability" (when an ability was refused), "household_id" (when the target has one)};
// entity and area from the target (entity: the resource's name when empty).
// Records it and throws kPermissionDenied with the reason.
struct Denial {
  Access access = Access::kWrite;
  Resource resource = Resource::kRegistry;
  Target target;
  std::string reason;
  std::optional<Ability> ability;
};
[[noreturn]] void Deny(Audit& audit, const Caller& caller, const Denial& denial);

// Can(), or Deny() with the ability's resource and the reason given ("" gives
// "<role> may not <ability>").
void Require(Audit& audit, const Caller& caller, Ability ability, const Target& target, const std::string& reason = "");

// Can() and, beyond it, the target's area inside the caller's scope; else
// Deny() ("<role> may not <ability>", or the area outside the scope).
void RequireInScope(Audit& audit, const Caller& caller, Ability ability, const Target& target);

// What GET /api/v1/me says the caller may do: per resource in their own scope
// (read, write — for a paired cadre: for the households paired with them —,
// reads limited to paired households), and every ability.
struct ResourceAccess {
  Resource resource{};
  bool read = false;
  bool write = false;
  bool paired_only = false;
};
struct AccessSummary {
  std::vector<ResourceAccess> resources;
  std::vector<std::pair<Ability, bool>> abilities;
};
AccessSummary Summarize(const Caller& caller);

// The caller that creates a donor's account at the self-registration desk: an
// administrator of the nation that exists only for this (user id 0 in the audit trail).
Caller RegistrationDesk();
// The role of an account made by the donors' self-registration.
Role SelfRegisteredRole();
// The caller that records a household's own application from the public
// form (no login): user 0 "public-application" in the audit trail. It is
// never asked for an ability and may do nothing else.
Caller ApplicationDesk();

}  // namespace fupin::access
