#include "core/caller.h"

#include "core/area_code.h"

namespace fupin {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdministrator: return "administrator";
    case Role::kCountyOffice: return "county_office";
    case Role::kTownship: return "township";
    case Role::kVillageCadre: return "village_cadre";
    case Role::kPairedCadre: return "paired_cadre";
    case Role::kSectorDepartment: return "sector_department";
    case Role::kDonor: return "donor";
    case Role::kAuditor: return "auditor";
  }
  return "auditor";
}

const char* RoleNameZh(Role role) {
  switch (role) {
    case Role::kAdministrator: return "系统管理员";
    case Role::kCountyOffice: return "县扶贫办";
    case Role::kTownship: return "乡镇";
    case Role::kVillageCadre: return "村干部/驻村工作队";
    case Role::kPairedCadre: return "结对帮扶干部";
    case Role::kSectorDepartment: return "行业部门";
    case Role::kDonor: return "爱心人士";
    case Role::kAuditor: return "审计监督";
  }
  return "审计监督";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Role::kAuditor); ++i) {
    const auto role = static_cast<Role>(i);
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

Caller Caller::LocalOperator() {
  Caller c;
  c.user_id = 0;
  c.user_name = "local";
  c.role = Role::kAdministrator;
  return c;
}

bool Caller::CoversArea(std::string_view area_code) const { return AreaContains(area_scope, area_code); }

bool Caller::CanWriteRegistry() const {
  switch (role) {
    case Role::kAdministrator:
    case Role::kCountyOffice:
    case Role::kTownship:
    case Role::kVillageCadre:
      return true;
    default:
      return false;
  }
}

bool Caller::CanReadRegistry() const { return role != Role::kDonor; }

}  // namespace fupin
