#pragma once
// Who may read or change what, and where. The matrix is written out in
// docs/ACCESS.md; Decide() is the one place it lives in code.
//
// Every service checks access itself through a Guard before it reads or
// writes: RequireRead / RequireWrite throw fupin::Error (kPermissionDenied)
// and record the refusal in the audit trail. List queries ask ReadScope() for
// the filter to put in their SQL.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/caller.h"
#include "core/vocabulary.h"

namespace fupin::access {

class Audit;

enum class Resource {
  kRegistry,    // households, persons, memberships, yearly facts
  kAssessment,  // identification and exit assessments
  kPolicy,      // policy definitions and per-household entitlements
  kRoster,      // sector departments' rosters of what they delivered
  kAssistance,  // leaders, work teams, pairings, visits, measures
  kSocial,      // donors, needs, pledges, dockings, feedback
  kMonitoring,  // monitored households, risks, measures
  kProjects,    // projects, funds, assets and their income (issue 20)
  kAudit,       // the audit trail (written only by Audit::Record)
  kUsers,       // accounts
  kParams,      // yearly thresholds, poverty lines, settings
  kIndustry,    // industries, entities, branches, workers, products, purchases, loans (issue 21)
};
// Each resource's wire name and Chinese label, in the order above (served as
// the `resource` vocabulary; the refusals name it in Chinese from here).
std::span<const Term> ResourceTerms();
const char* ResourceName(Resource resource);  // "registry", ...
const std::vector<Resource>& AllResources();  // in the order above

enum class Access { kRead, kWrite };

// The department (Caller::department) of the finance bureau (财政局): a
// sector_department account of this department reads projects in its scope
// and writes funds there (Ability::kWriteFunds; docs/ACCESS.md, "Finance").
inline constexpr std::string_view kFinanceDepartment = "finance";

// What is being touched. `area_code` is the natural area code of the record
// (a household's village, a user's scope, a policy's area; "" for something
// national). `household_id` is set when the record belongs to one household
// (needed for paired cadres). `entity` ("household/12") names it in the audit
// trail on a refusal.
struct Target {
  std::string area_code;
  std::optional<int64_t> household_id;
  std::string entity;
};

// Whether a household is paired with the calling cadre (assistance module,
// issue 7). Without one, a paired cadre reaches no household.
using PairingCheck = std::function<bool(const Caller& caller, int64_t household_id)>;

// The decision alone, without side effects: nullopt if allowed, else the
// reason in English.
std::optional<std::string> Refusal(const Caller& caller, Access access, Resource resource, const Target& target,
                                   const PairingCheck& pairing = {});

// How a list query must be limited for a caller.
struct ReadScope {
  bool allowed = false;           // false: the caller reads nothing of this kind
  std::string area_prefix;        // rows whose area code starts with this ("" = all areas)
  bool include_ancestors = false; // also rows of areas above the scope (policies and
                                  // parameters set by the county, province or nation)
  bool paired_households_only = false;  // paired cadre: only households PairingCheck accepts
                                        // (the list query joins the pairings table)
};
ReadScope ReadScopeFor(const Caller& caller, Resource resource);

class Guard {
 public:
  explicit Guard(Audit& audit, PairingCheck pairing = {}) : audit_(audit), pairing_(std::move(pairing)) {}

  void RequireRead(const Caller& caller, Resource resource, const Target& target) {
    Require(caller, Access::kRead, resource, target);
  }
  void RequireWrite(const Caller& caller, Resource resource, const Target& target) {
    Require(caller, Access::kWrite, resource, target);
  }
  // Throws kPermissionDenied and records "access.denied" if refused.
  void Require(const Caller& caller, Access access, Resource resource, const Target& target);
  bool Allows(const Caller& caller, Access access, Resource resource, const Target& target) const {
    return !Refusal(caller, access, resource, target, pairing_);
  }

 private:
  Audit& audit_;
  PairingCheck pairing_;
};

}  // namespace fupin::access
