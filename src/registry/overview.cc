#include "registry/overview.h"

#include "access/abilities.h"
#include "core/area_code.h"
#include "core/error.h"
#include "registry/rollup.h"

namespace fupin::registry {
namespace {

// The area to read: `text` normalised and narrowed to the caller's scope.
std::string ScopedArea(const Caller& caller, const std::string& text) {
  std::string area;
  if (!text.empty()) {
    const auto code = NormalizeAreaCode(text);
    if (!code) throw Error::InvalidArgument("invalid area", {{"area", "'" + text + "' is not an area code"}});
    area = *code;
  }
  if (!caller.CoversArea(area) && !AreaContains(area, caller.area_scope)) {
    throw Error::PermissionDenied("area " + area + " is outside your area " + caller.area_scope);
  }
  if (AreaContains(area, caller.area_scope)) area = caller.area_scope;
  return area;
}

std::vector<OverviewChild> Children(store::Connection& db, const std::string& area) {
  std::vector<OverviewChild> children;
  auto s = db.Prepare(area.empty() ? "SELECT code, name FROM areas WHERE parent_code IS NULL ORDER BY code"
                                   : "SELECT code, name FROM areas WHERE parent_code = ? ORDER BY code");
  if (!area.empty()) s->BindText(1, area);
  while (s->Step()) children.push_back({s->Text(0), s->Text(1), 0, 0});
  if (children.empty()) return children;
  std::vector<std::string> codes;
  codes.reserve(children.size());
  for (const auto& c : children) codes.push_back(c.code);
  const auto counts = ReadChildCounts(db, codes);
  for (auto& c : children) {
    if (auto it = counts.find(c.code); it != counts.end()) {
      c.registered = it->second.registered;
      c.poor = it->second.Current("poor");
    }
  }
  return children;
}

}  // namespace

Overview ReadOverview(store::Connection& db, const Caller& caller, const std::string& area_text, int from, int to) {
  if (!access::Can(caller, access::Ability::kOverview)) {
    throw Error::PermissionDenied("this role may not read the overview of an area");
  }
  Problems problems;
  if (from < 2000 || from > 2100) problems.Add("from", std::to_string(from) + " is not between 2000 and 2100");
  if (to < 2000 || to > 2100) problems.Add("to", std::to_string(to) + " is not between 2000 and 2100");
  if (from > to) problems.Add("to", std::to_string(to) + " is before " + std::to_string(from));
  problems.ThrowIfAny("invalid year");
  Overview o;
  o.area_code = ScopedArea(caller, area_text);
  const AreaCounts counts = ReadAreaCounts(db, o.area_code);
  o.registered = counts.registered;
  o.poor = counts.Current("poor");
  o.exited = counts.Current("exited");
  o.removed = counts.Current("removed");
  o.deceased = counts.Current("deceased");
  for (int y = from; y <= to; ++y) {
    const StatusCount poor = counts.AtYearEnd("poor", y);
    o.years.push_back({y, poor.households, poor.persons, counts.AtYearEnd("exited", y).households});
  }
  o.children = Children(db, o.area_code);
  return o;
}

nlohmann::json OverviewJson(const Overview& o) {
  nlohmann::json years = nlohmann::json::array();
  for (const auto& y : o.years) {
    years.push_back({{"year", y.year},
                     {"poor_households", y.poor_households},
                     {"poor_persons", y.poor_persons},
                     {"exited_households", y.exited_households}});
  }
  nlohmann::json children = nlohmann::json::array();
  for (const auto& c : o.children) {
    children.push_back({{"code", c.code}, {"name", c.name}, {"registered", c.registered}, {"poor", c.poor}});
  }
  return {{"area_code", o.area_code}, {"registered", o.registered}, {"poor", o.poor},     {"exited", o.exited},
          {"removed", o.removed},     {"deceased", o.deceased},     {"years", years},   {"children", children}};
}

}  // namespace fupin::registry
