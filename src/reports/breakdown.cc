#include "reports/breakdown.h"
#include "reports/progress.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "access/permissions.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "registry/areas.h"
#include "registry/vocab.h"

namespace fupin::reports {

Breakdown ComputeBreakdown(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                           const std::optional<std::string>& as_of_text) {
  const ReportRequest request = CheckReportRequest(caller, area_code, year, as_of_text);
  // Figures of a whole area: not for a paired cadre, who reads only their
  // paired households (issue 26, found by the access matrix test).
  if (auto refused = access::Refusal(caller, access::Access::kRead, access::Resource::kRegistry,
                                     {request.area, std::nullopt, "reports/breakdown"})) {
    throw Error::PermissionDenied(*refused);
  }
  const bool nation = request.nation;
  const std::string& code = request.area;
  const Date as_of = request.as_of;
  if (!nation && !registry::FindArea(db, code)) throw Error::NotFound("no area " + code);

  Breakdown b;
  b.area_code = code;
  b.year = year;
  b.as_of = as_of.ToString();
  b.first_year = std::min(2014, year);

  std::map<int, int64_t> exits;
  struct Latest {
    std::string kind;
    std::string cause;
  };
  std::unordered_map<int64_t, Latest> latest;
  auto s = db.Prepare(
      "SELECT e.household_id, e.kind, e.year, h.main_cause FROM household_events e"
      " JOIN households h ON h.id = e.household_id"
      " WHERE h.village_code >= ? AND h.village_code < ? AND e.date <= ?"
      " ORDER BY e.household_id, e.date, e.id");
  s->BindText(1, code);
  s->BindText(2, SubtreeEnd(code));
  s->BindText(3, b.as_of);
  while (s->Step()) {
    const std::string kind = s->Text(1);
    if (kind == "exited") ++exits[static_cast<int>(s->Int(2))];
    latest[s->Int(0)] = {kind, s->Text(3)};
  }
  for (int y = b.first_year; y <= year; ++y) b.exits_by_year.push_back({y, exits.contains(y) ? exits[y] : 0});

  std::map<std::string, int64_t> by_cause;
  for (const auto& [id, l] : latest) {
    const std::string status(registry::StatusAfter(l.kind));
    if (status == "poor" || status == "exited") ++by_cause[l.cause];
  }
  for (const auto& [cause, n] : by_cause) {
    b.households_by_cause.push_back({cause, std::string(registry::LabelZh(registry::Causes(), cause)), n});
  }
  std::stable_sort(b.households_by_cause.begin(), b.households_by_cause.end(),
                   [](const CauseCount& x, const CauseCount& y) { return x.households > y.households; });
  return b;
}

nlohmann::json BreakdownJson(const Breakdown& b) {
  nlohmann::json exits = nlohmann::json::array();
  for (const auto& e : b.exits_by_year) exits.push_back({{"year", e.year}, {"households", e.households}});
  nlohmann::json causes = nlohmann::json::array();
  for (const auto& c : b.households_by_cause) {
    causes.push_back({{"cause", c.cause}, {"label", c.label_zh}, {"households", c.households}});
  }
  return {{"area_code", b.area_code}, {"year", b.year},           {"as_of", b.as_of},
          {"exits_by_year", exits},   {"households_by_cause", causes}};
}

}  // namespace fupin::reports
