#include "core/caller.h"

#include <array>

#include "core/area_code.h"
#include "core/vocabulary.h"

namespace fupin {
namespace {

// The roles' stored/wire names and Chinese labels, by id (the enum's order).
constexpr std::array<Term, 8> kRoleTerms = {{
    {0, "administrator", "系统管理员"},
    {1, "county_office", "县扶贫办"},
    {2, "township", "乡镇"},
    {3, "village_cadre", "村干部/驻村工作队"},
    {4, "paired_cadre", "结对帮扶干部"},
    {5, "sector_department", "行业部门"},
    {6, "donor", "爱心人士"},
    {7, "auditor", "审计监督"},
}};

const Term& RoleTerm(Role role) {
  const Term* t = FindTerm(kRoleTerms, static_cast<int>(role));
  return t ? *t : kRoleTerms.back();
}

}  // namespace

std::span<const Term> RoleTerms() { return kRoleTerms; }

const char* RoleName(Role role) { return RoleTerm(role).wire; }

const char* RoleNameZh(Role role) { return RoleTerm(role).zh; }

std::optional<Role> ParseRole(std::string_view name) {
  const auto id = FindWire(kRoleTerms, name);
  if (!id) return std::nullopt;
  return static_cast<Role>(*id);
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> all = [] {
    std::vector<Role> out;
    out.reserve(std::size(kRoleTerms));
    for (const Term& t : kRoleTerms) out.push_back(static_cast<Role>(t.id));
    return out;
  }();
  return all;
}

Caller Caller::LocalOperator() {
  Caller c;  // the first role: the administrator, of the nation
  c.user_id = 0;
  c.user_name = "local";
  return c;
}

bool Caller::CoversArea(std::string_view area_code) const { return AreaContains(area_scope, area_code); }

}  // namespace fupin
