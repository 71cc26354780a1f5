#pragma once
// Who is calling a service. Every service function takes a Caller and checks
// access itself, so no adapter can forget to.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fupin {

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

struct Caller {
  int64_t user_id = 0;        // 0: the local operator of the command line
  std::string user_name;      // for the audit trail
  Role role = Role::kAdministrator;
  std::string area_scope;     // natural area code; "" is the whole nation

  // The operator of the command line on their own database: an administrator
  // of the whole nation.
  static Caller LocalOperator();

  // Whether an area (natural code) lies inside the caller's scope.
  bool CoversArea(std::string_view area_code) const;
  // Whether the role may change registry records at all.
  bool CanWriteRegistry() const;
  // Whether the role may read registry records at all.
  bool CanReadRegistry() const;
};

}  // namespace fupin
