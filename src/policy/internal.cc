#include "policy/internal.h"

#include <set>

#include "access/abilities.h"
#include "access/permissions.h"
#include "core/error.h"

namespace fupin::policy::internal {

const Policy& FindPolicy(const std::vector<Policy>& policies, const std::string& id) {
  std::string known;
  for (const Policy& p : policies) {
    if (p.id == id) return p;
    known += (known.empty() ? "" : ", ") + p.id;
  }
  throw Error(ErrorCode::kNotFound, "no policy " + id, {{"policy", "'" + id + "' is not one of " + known}});
}

void RequireArea(store::Connection& db, const std::string& area_code) {
  if (area_code.empty()) return;
  auto s = db.Prepare("SELECT count(*) FROM areas WHERE code = ?");
  s->BindText(1, area_code);
  s->Step();
  if (s->Int(0) == 0) throw Error(ErrorCode::kNotFound, "no area " + area_code, {{"area", "'" + area_code + "' is not an area"}});
}

std::string ReadArea(access::Audit& audit, const Caller& caller, const std::string& area_code,
                     const std::string& entity, access::Resource also) {
  std::string area = area_code.empty() ? caller.area_scope : area_code;
  access::Guard guard(audit);
  guard.RequireRead(caller, access::Resource::kPolicy, {area, std::nullopt, entity});
  const access::ReadScope scope = access::ReadScopeFor(caller, also);
  if (!scope.allowed || scope.paired_households_only) {
    // Lists of persons are read by area; a caller who reads only some households does not list them.
    access::Deny(audit, caller,
                 {access::Access::kRead, also, {area, std::nullopt, entity},
                  std::string(RoleName(caller.role)) + " may not list " + access::ResourceName(also) + " records by area",
                  std::nullopt});
  }
  guard.RequireRead(caller, also, {area, std::nullopt, entity});
  return area;
}

std::string Explanation(const Policy& policy, const std::string& joiner, const std::vector<ClauseValue>& clauses,
                        Fen amount) {
  std::string facts;
  std::set<std::string> seen;
  for (const ClauseValue& c : clauses) {
    if (joiner == "||" && !c.holds) continue;
    for (const FactValue& f : c.facts) {
      if (f.field.rfind("params.", 0) == 0 || f.field == "ref_date" || f.field == "year") continue;
      if (!seen.insert(f.field).second) continue;
      if (!facts.empty()) facts += "；";
      facts += f.label_zh + "：" + f.value;
    }
  }
  std::string out = "符合《" + policy.name + "》条件";
  if (!facts.empty()) out += "（" + facts + "）";
  if (amount > 0) {
    out += "，每年" + FormatYuan(amount) + "元。";
  } else {
    out += "，享受该项服务。";
  }
  return out;
}

nlohmann::json ClausesJson(const std::vector<ClauseValue>& clauses) {
  nlohmann::json out = nlohmann::json::array();
  for (const ClauseValue& c : clauses) {
    nlohmann::json facts = nlohmann::json::array();
    for (const FactValue& f : c.facts) facts.push_back({{"field", f.field}, {"label", f.label_zh}, {"value", f.value}});
    out.push_back({{"text", c.text}, {"holds", c.holds}, {"facts", facts}});
  }
  return out;
}

}  // namespace fupin::policy::internal
