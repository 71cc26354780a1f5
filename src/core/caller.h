#pragma once
// Who is calling a service. Every service function takes a Caller and asks
// src/access whether it may go on (access::Guard, access::Can); nothing here
// decides access.
#include <cstdint>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <vector>

namespace fupin {

struct Term;  // core/vocabulary.h

// The roles, in the order of their ids (the table in caller.cc).
enum class Role {
  kAdministrator,     // 系统管理员: everything, everywhere in scope
  kCountyOffice,      // 县扶贫办
  kTownship,          // 乡镇
  kVillageCadre,      // 村干部 / 驻村工作队
  kPairedCadre,       // 结对帮扶干部: only their own households
  kSectorDepartment,  // 行业部门
  kDonor,             // 爱心人士: never registry records
  kAuditor,           // 审计 / 监督: read-only
};

const char* RoleName(Role role);  // "administrator", "county_office", ...
const char* RoleNameZh(Role role);
std::optional<Role> ParseRole(std::string_view name);
const std::vector<Role>& AllRoles();
// The table of the roles (core/vocabulary.h), for GET /api/v1/vocabularies.
std::span<const Term> RoleTerms();

struct Caller {
  int64_t user_id = 0;        // 0: the local operator of the command line
  std::string user_name;      // for the audit trail
  Role role{};                // the first role, the administrator (as LocalOperator)
  std::string area_scope;     // natural area code; "" is the whole nation
  // A sector department's own department ("finance", "education", ...; "" for
  // other roles). src/access alone gives it meaning (docs/ACCESS.md, "Finance").
  std::string department{};

  // The operator of the command line on their own database: an administrator
  // of the whole nation.
  static Caller LocalOperator();

  // Whether an area (natural code) lies inside the caller's scope.
  bool CoversArea(std::string_view area_code) const;
};

}  // namespace fupin
