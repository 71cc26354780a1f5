#include "access/permissions.h"

#include "access/abilities.h"
#include "core/area_code.h"
#include "core/error.h"

namespace fupin::access {
namespace {

// How far a role reaches for one kind of access to one resource.
enum class Reach {
  kNone,     // never
  kScope,    // records whose area lies in the caller's scope
  kApplies,  // records in the scope, or set above it and so applying to it
  kPaired,   // only households paired with the caller (and in scope)
};

struct Rule {
  Reach read;
  Reach write;
};

constexpr Rule kNo{Reach::kNone, Reach::kNone};
constexpr Rule kRW{Reach::kScope, Reach::kScope};
constexpr Rule kR{Reach::kScope, Reach::kNone};
constexpr Rule kRulesRW{Reach::kApplies, Reach::kScope};  // definitions: read what applies, write in scope
constexpr Rule kRules{Reach::kApplies, Reach::kNone};

// A sector department whose department is finance (财政): reads the project
// library in its scope and writes funds (Ability::kWriteFunds), nothing else
// more than any department.
bool IsFinance(const Caller& caller) {
  return caller.role == Role::kSectorDepartment && caller.department == kFinanceDepartment;
}

Rule RuleFor(const Caller& caller, Resource resource) {
  switch (caller.role) {
    case Role::kAdministrator:
      switch (resource) {
        case Resource::kAudit: return kR;
        case Resource::kPolicy:
        case Resource::kParams: return kRulesRW;
        default: return kRW;
      }
    case Role::kCountyOffice:
      switch (resource) {
        case Resource::kAudit:
        case Resource::kUsers: return kNo;
        case Resource::kPolicy:
        case Resource::kParams: return kRulesRW;
        default: return kRW;
      }
    case Role::kTownship:
    case Role::kVillageCadre:
      switch (resource) {
        case Resource::kAudit:
        case Resource::kUsers: return kNo;
        case Resource::kPolicy:
        case Resource::kParams: return kRules;
        case Resource::kRoster:
        case Resource::kProjects: return kR;  // projects and funds are written by the county office
        case Resource::kIndustry: return kR;  // industry, jobs, purchases, loans: the county office writes (docs/INDUSTRY.md)
        default: return kRW;
      }
    case Role::kPairedCadre:
      switch (resource) {
        case Resource::kRegistry:
        case Resource::kAssessment: return {Reach::kPaired, Reach::kNone};
        case Resource::kAssistance: return {Reach::kScope, Reach::kPaired};
        case Resource::kMonitoring: return {Reach::kPaired, Reach::kPaired};
        // Needs, suggestions, pledges and dockings of their own households only (issue 26).
        case Resource::kSocial: return {Reach::kPaired, Reach::kPaired};
        case Resource::kPolicy:
        case Resource::kParams: return kRules;
        default: return kNo;
      }
    case Role::kSectorDepartment:
      switch (resource) {
        case Resource::kRegistry:
        case Resource::kAssessment:
        case Resource::kAssistance:
        case Resource::kMonitoring: return kR;
        case Resource::kRoster: return kRW;
        case Resource::kPolicy:
        case Resource::kParams: return kRules;
        case Resource::kProjects: return IsFinance(caller) ? kR : kNo;
        default: return kNo;
      }
    case Role::kDonor:
      return resource == Resource::kSocial ? kRW : kNo;
    case Role::kAuditor:
      switch (resource) {
        case Resource::kPolicy:
        case Resource::kParams: return kRules;
        default: return kR;
      }
  }
  return kNo;
}

std::string Describe(const Caller& caller, Access access, Resource resource) {
  return std::string(RoleName(caller.role)) + " may not " + (access == Access::kRead ? "read" : "change") + " " +
         ResourceName(resource);
}

std::string ScopeText(const Caller& caller) {
  return caller.area_scope.empty() ? "the nation" : "area " + caller.area_scope;
}

}  // namespace

std::span<const Term> ResourceTerms() {
  using R = Resource;
  static constexpr Term kTerms[] = {
      {static_cast<int>(R::kRegistry), "registry", "建档立卡信息"},
      {static_cast<int>(R::kAssessment), "assessment", "退出评估"},
      {static_cast<int>(R::kPolicy), "policy", "政策"},
      {static_cast<int>(R::kRoster), "roster", "部门名册"},
      {static_cast<int>(R::kAssistance), "assistance", "帮扶力量"},
      {static_cast<int>(R::kSocial), "social", "社会帮扶"},
      {static_cast<int>(R::kMonitoring), "monitoring", "防返贫监测"},
      {static_cast<int>(R::kProjects), "projects", "项目资金资产"},
      {static_cast<int>(R::kAudit), "audit", "审计日志"},
      {static_cast<int>(R::kUsers), "users", "用户"},
      {static_cast<int>(R::kParams), "params", "政策参数"},
      {static_cast<int>(R::kIndustry), "industry", "产业就业消费扶贫"},
  };
  return kTerms;
}

const char* ResourceName(Resource resource) {
  const char* wire = WireOf(ResourceTerms(), resource);
  return *wire ? wire : "unknown";
}

const std::vector<Resource>& AllResources() {
  static const std::vector<Resource> all = {Resource::kRegistry,   Resource::kAssessment, Resource::kPolicy,
                                            Resource::kRoster,     Resource::kAssistance, Resource::kSocial,
                                            Resource::kMonitoring, Resource::kProjects,   Resource::kAudit,
                                            Resource::kUsers,      Resource::kParams,     Resource::kIndustry};
  return all;
}

std::optional<std::string> Refusal(const Caller& caller, Access access, Resource resource, const Target& target,
                                   const PairingCheck& pairing) {
  const Rule rule = RuleFor(caller, resource);
  Reach reach = access == Access::kRead ? rule.read : rule.write;
  // A paired cadre reaches a single household only through a pairing,
  // whatever the resource.
  if (caller.role == Role::kPairedCadre && target.household_id && reach != Reach::kNone) reach = Reach::kPaired;

  const bool in_scope = caller.CoversArea(target.area_code);
  switch (reach) {
    case Reach::kNone:
      return Describe(caller, access, resource);
    case Reach::kScope:
      if (in_scope) return std::nullopt;
      break;
    case Reach::kApplies:
      if (in_scope || AreaContains(target.area_code, caller.area_scope)) return std::nullopt;
      break;
    case Reach::kPaired:
      if (!target.household_id) {
        return Describe(caller, access, resource) + " beyond the households paired with them";
      }
      if (in_scope && pairing && pairing(caller, *target.household_id)) return std::nullopt;
      return "household " + std::to_string(*target.household_id) + " is not paired with " + caller.user_name;
  }
  return "area " + (target.area_code.empty() ? std::string("(national)") : target.area_code) + " lies outside " +
         ScopeText(caller) + " of " + caller.user_name;
}

ReadScope ReadScopeFor(const Caller& caller, Resource resource) {
  const Reach reach = RuleFor(caller, resource).read;
  ReadScope scope;
  scope.allowed = reach != Reach::kNone;
  if (!scope.allowed) return scope;
  scope.area_prefix = caller.area_scope;
  scope.include_ancestors = reach == Reach::kApplies;
  scope.paired_households_only = reach == Reach::kPaired;
  return scope;
}

void Guard::Require(const Caller& caller, Access access, Resource resource, const Target& target) {
  const std::optional<std::string> refusal = Refusal(caller, access, resource, target, pairing_);
  if (!refusal) return;
  Deny(audit_, caller, {access, resource, target, *refusal, std::nullopt});
}

}  // namespace fupin::access
