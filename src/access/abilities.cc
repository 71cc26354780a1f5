#include "access/abilities.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "core/error.h"

namespace fupin::access {
namespace {

// Reads of the resource at all (a paired cadre: their households).
bool Reads(const Caller& c, Resource r) { return ReadScopeFor(c, r).allowed; }
// Reads of a whole area, beyond the households paired with the caller.
bool AreaReads(const Caller& c, Resource r) {
  const ReadScope s = ReadScopeFor(c, r);
  return s.allowed && !s.paired_households_only;
}
// Writes in the caller's own scope, not only to paired households.
bool ScopeWrites(const Caller& c, Resource r) {
  return !Refusal(c, Access::kWrite, r, Target{c.area_scope, std::nullopt, ""});
}
// Writes at all (a paired cadre: to the households paired with them).
bool Writes(const Caller& c, Resource r) {
  const PairingCheck any_pairing = [](const Caller&, int64_t) { return true; };
  return ScopeWrites(c, r) || !Refusal(c, Access::kWrite, r, Target{c.area_scope, int64_t{0}, ""}, any_pairing);
}

bool ImportAlerts(const Caller& c) { return ScopeWrites(c, Resource::kMonitoring) || Writes(c, Resource::kRoster); }

struct AbilityRule {
  Ability ability;
  const char* name;
  Access access;      // what a refusal is recorded as
  Resource resource;
  std::vector<Role> roles;            // the roles named; empty: decided by `matrix`
  bool administrators_too = false;    // administrators may as well, without being named
  bool (*matrix)(const Caller&) = nullptr;
};

const std::vector<AbilityRule>& Rules() {
  using A = Ability;
  using R = Resource;
  constexpr Access kR = Access::kRead;
  constexpr Access kW = Access::kWrite;
  const std::vector<Role> offices = {Role::kAdministrator, Role::kCountyOffice};
  static const std::vector<AbilityRule> rules = {
      {A::kOverview, "overview", kR, R::kRegistry, {}, false, [](const Caller& c) { return AreaReads(c, R::kRegistry); }},
      {A::kReadRegistry, "read_registry", kR, R::kRegistry, {}, false, [](const Caller& c) { return Reads(c, R::kRegistry); }},
      {A::kWriteRegistry, "write_registry", kW, R::kRegistry, {}, false,
       [](const Caller& c) { return ScopeWrites(c, R::kRegistry); }},
      {A::kReadUsers, "read_users", kR, R::kUsers, {}, false, [](const Caller& c) { return Reads(c, R::kUsers); }},
      {A::kWriteUsers, "write_users", kW, R::kUsers, {}, false, [](const Caller& c) { return Writes(c, R::kUsers); }},
      {A::kReadAudit, "read_audit", kR, R::kAudit, {}, false, [](const Caller& c) { return Reads(c, R::kAudit); }},
      {A::kReadSocial, "read_social", kR, R::kSocial, {}, false, [](const Caller& c) { return Reads(c, R::kSocial); }},
      {A::kWriteSocial, "write_social", kW, R::kSocial,
       {Role::kAdministrator, Role::kCountyOffice, Role::kTownship, Role::kVillageCadre, Role::kPairedCadre}},
      {A::kReviewNeeds, "review_needs", kW, R::kSocial, {Role::kAdministrator, Role::kCountyOffice, Role::kTownship}},
      {A::kPledge, "pledge", kW, R::kSocial, {Role::kDonor}},
      {A::kReadAssessment, "read_assessment", kR, R::kAssessment, {}, false,
       [](const Caller& c) { return AreaReads(c, R::kAssessment); }},
      {A::kReadHouseholdAssessment, "read_household_assessment", kR, R::kAssessment, {}, false,
       [](const Caller& c) { return Reads(c, R::kAssessment); }},
      {A::kReadHouseholdMonitoring, "read_household_monitoring", kR, R::kMonitoring, {}, false,
       [](const Caller& c) { return Reads(c, R::kMonitoring); }},
      {A::kRunAssessment, "run_assessment", kW, R::kAssessment, {}, false,
       [](const Caller& c) { return ScopeWrites(c, R::kAssessment); }},
      {A::kReadAssistance, "read_assistance", kR, R::kAssistance, {}, false,
       [](const Caller& c) { return Reads(c, R::kAssistance); }},
      {A::kWriteAssistance, "write_assistance", kW, R::kAssistance, {}, false,
       [](const Caller& c) { return ScopeWrites(c, R::kAssistance); }},
      {A::kReadReports, "read_reports", kR, R::kRegistry, {}, false, [](const Caller& c) { return AreaReads(c, R::kRegistry); }},
      {A::kReadParams, "read_params", kR, R::kParams, {}, false, [](const Caller& c) { return Reads(c, R::kParams); }},
      {A::kWriteParams, "write_params", kW, R::kParams, {}, false, [](const Caller& c) { return Writes(c, R::kParams); }},
      {A::kReadMonitoring, "read_monitoring", kR, R::kMonitoring, {}, false,
       [](const Caller& c) { return AreaReads(c, R::kMonitoring); }},
      {A::kWriteMonitoring, "write_monitoring", kW, R::kMonitoring, {}, false,
       [](const Caller& c) { return Writes(c, R::kMonitoring); }},
      {A::kEliminateRisk, "eliminate_risk", kW, R::kMonitoring, offices},
      {A::kReadQuality, "read_quality", kR, R::kRegistry, {}, false, [](const Caller& c) { return AreaReads(c, R::kRegistry); }},
      {A::kReadPolicy, "read_policy", kR, R::kPolicy, {}, false, [](const Caller& c) { return Reads(c, R::kPolicy); }},
      {A::kReadEntitlements, "read_entitlements", kR, R::kPolicy, {}, false,
       [](const Caller& c) { return Reads(c, R::kPolicy) && AreaReads(c, R::kRegistry); }},
      {A::kRunEntitlements, "run_entitlements", kW, R::kPolicy, {}, false, [](const Caller& c) { return Writes(c, R::kPolicy); }},
      {A::kRefreshReports, "refresh_reports", kW, R::kRegistry, offices},
      {A::kReadReconciliation, "read_reconciliation", kR, R::kRoster, {}, false,
       [](const Caller& c) { return Reads(c, R::kRoster) && Reads(c, R::kPolicy) && AreaReads(c, R::kRegistry); }},
      {A::kImportRegistry, "import_registry", kW, R::kRegistry, {}, false,
       [](const Caller& c) { return ScopeWrites(c, R::kRegistry); }},
      {A::kImportAlerts, "import_alerts", kW, R::kMonitoring, {}, false, ImportAlerts},
      {A::kImportRosters, "import_rosters", kW, R::kRoster, {}, false, [](const Caller& c) { return Writes(c, R::kRoster); }},
      {A::kImportData, "import_data", kW, R::kRegistry, {}, false,
       [](const Caller& c) { return ScopeWrites(c, R::kRegistry) || ImportAlerts(c) || Writes(c, R::kRoster); }},
      {A::kOwnPairingsOnly, "own_pairings_only", kR, R::kAssistance, {Role::kPairedCadre}},
      {A::kSuperviseSocial, "supervise_social", kR, R::kSocial, {Role::kAdministrator, Role::kCountyOffice, Role::kAuditor}},
      {A::kManageDonors, "manage_donors", kW, R::kSocial, {Role::kAdministrator}},
      {A::kAdministerSystem, "administer_system", kW, R::kRegistry, {Role::kAdministrator}},
      {A::kOverrideExitChecks, "override_exit_checks", kW, R::kAssessment, offices},
      {A::kSetMonitoringRules, "set_monitoring_rules", kW, R::kMonitoring, offices},
      {A::kWriteCaseHistories, "write_case_histories", kW, R::kMonitoring, offices},
      {A::kGenerateSocialDemo, "generate_social_demo", kW, R::kSocial, offices},
      {A::kMonitoringAlert, "monitoring_alert", kW, R::kMonitoring,
       {Role::kVillageCadre, Role::kPairedCadre, Role::kTownship, Role::kCountyOffice}, true},
      {A::kMonitoringVillageStep, "monitoring_village_step", kW, R::kMonitoring, {Role::kVillageCadre}, true},
      {A::kMonitoringTownshipStep, "monitoring_township_step", kW, R::kMonitoring, {Role::kTownship}, true},
      {A::kMonitoringCountyStep, "monitoring_county_step", kW, R::kMonitoring, {Role::kCountyOffice}, true},
      {A::kReadProjects, "read_projects", kR, R::kProjects, {}, false, [](const Caller& c) { return Reads(c, R::kProjects); }},
      {A::kReadIndustry, "read_industry", kR, R::kIndustry, {}, false, [](const Caller& c) { return Reads(c, R::kIndustry); }},
      {A::kReadChanges, "read_changes", kR, R::kRegistry, {}, false,
       [](const Caller& c) { return AreaReads(c, R::kRegistry); }},
      {A::kProposeChange, "propose_change", kW, R::kRegistry,
       {Role::kVillageCadre, Role::kTownship, Role::kCountyOffice}, true},
      {A::kReviewChange, "review_change", kW, R::kRegistry, {Role::kTownship, Role::kCountyOffice}, true},
      {A::kApproveChange, "approve_change", kW, R::kRegistry, {Role::kCountyOffice}, true},
      {A::kReadGrievances, "read_grievances", kR, R::kRegistry, {Role::kCountyOffice, Role::kTownship, Role::kAuditor}, true},
      {A::kRecordGrievance, "record_grievance", kW, R::kRegistry,
       {Role::kVillageCadre, Role::kTownship, Role::kCountyOffice}, true},
      {A::kHandleGrievance, "handle_grievance", kW, R::kRegistry, {Role::kTownship, Role::kCountyOffice}, true},
      {A::kWriteFunds, "write_funds", kW, R::kProjects, {}, false,
       [](const Caller& c) {
         return ScopeWrites(c, R::kProjects) ||
                (c.role == Role::kSectorDepartment && c.department == kFinanceDepartment);
       }},
      {A::kChangesThroughRequests, "changes_through_requests", kW, R::kRegistry, {Role::kVillageCadre}},
  };
  return rules;
}

const AbilityRule& RuleOf(Ability ability) {
  const auto& rules = Rules();
  const size_t i = static_cast<size_t>(ability);
  // The table lists the abilities in the order of the enum (AbilitiesTest checks it).
  if (i >= rules.size() || rules[i].ability != ability) throw Error::Internal("ability table out of order");
  return rules[i];
}

const char* AccessName(Access access) { return access == Access::kRead ? "read" : "write"; }

}  // namespace

const std::vector<Ability>& AllAbilities() {
  static const std::vector<Ability> all = [] {
    std::vector<Ability> out;
    for (const AbilityRule& r : Rules()) out.push_back(r.ability);
    return out;
  }();
  return all;
}

const char* AbilityName(Ability ability) { return RuleOf(ability).name; }

bool Can(const Caller& caller, Ability ability) {
  const AbilityRule& rule = RuleOf(ability);
  if (rule.matrix) return rule.matrix(caller);
  if (rule.administrators_too && caller.role == Role::kAdministrator) return true;
  return std::find(rule.roles.begin(), rule.roles.end(), caller.role) != rule.roles.end();
}

std::vector<Role> RolesNamed(Ability ability) {
  const AbilityRule& rule = RuleOf(ability);
  if (!rule.matrix) return rule.roles;
  std::vector<Role> out;
  for (Role role : AllRoles()) {
    Caller c;
    c.role = role;
    if (rule.matrix(c)) out.push_back(role);
  }
  return out;
}

void Deny(Audit& audit, const Caller& caller, const Denial& denial) {
  nlohmann::json detail = {{"access", AccessName(denial.access)},
                           {"resource", ResourceName(denial.resource)},
                           {"role", RoleName(caller.role)},
                           {"scope", caller.area_scope},
                           {"reason", denial.reason}};
  if (denial.ability) detail["ability"] = AbilityName(*denial.ability);
  if (denial.target.household_id) detail["household_id"] = *denial.target.household_id;
  AuditEvent event;
  event.action = "access.denied";
  event.entity = denial.target.entity.empty() ? std::string(ResourceName(denial.resource)) : denial.target.entity;
  event.area_code = denial.target.area_code;
  event.after = detail.dump();
  audit.Record(caller, event);
  throw Error::PermissionDenied(denial.reason);
}

void Require(Audit& audit, const Caller& caller, Ability ability, const Target& target, const std::string& reason) {
  if (Can(caller, ability)) return;
  const AbilityRule& rule = RuleOf(ability);
  Deny(audit, caller,
       {rule.access, rule.resource, target,
        reason.empty() ? std::string(RoleName(caller.role)) + " may not " + rule.name : reason, ability});
}

void RequireInScope(Audit& audit, const Caller& caller, Ability ability, const Target& target) {
  Require(audit, caller, ability, target);
  if (caller.CoversArea(target.area_code)) return;
  const AbilityRule& rule = RuleOf(ability);
  Deny(audit, caller,
       {rule.access, rule.resource, target,
        "area " + (target.area_code.empty() ? std::string("(national)") : target.area_code) + " lies outside " +
            (caller.area_scope.empty() ? std::string("the nation") : "area " + caller.area_scope) + " of " +
            caller.user_name,
        ability});
}

AccessSummary Summarize(const Caller& caller) {
  AccessSummary out;
  for (Resource r : AllResources()) {
    const ReadScope scope = ReadScopeFor(caller, r);
    out.resources.push_back({r, scope.allowed, Writes(caller, r), scope.paired_households_only});
  }
  for (Ability a : AllAbilities()) out.abilities.emplace_back(a, Can(caller, a));
  return out;
}

Caller RegistrationDesk() {
  Caller c;
  c.user_id = 0;
  c.user_name = "donor-registration";
  c.role = Role::kAdministrator;
  c.area_scope = "";
  return c;
}

Role SelfRegisteredRole() { return Role::kDonor; }

Caller ApplicationDesk() {
  Caller c;
  c.user_id = 0;
  c.user_name = "public-application";
  c.role = Role::kDonor;  // reaches no registry record
  c.area_scope = "";
  return c;
}

}  // namespace fupin::access
