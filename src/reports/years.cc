#include "reports/years.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "registry/areas.h"

namespace fupin::reports {
namespace {

std::optional<int> MaxYear(store::Connection& db, const std::string& sql, const std::string& from,
                           const std::string& to, int this_year) {
  auto s = db.Prepare(sql);
  s->BindText(1, from);
  s->BindText(2, to);
  s->BindInt(3, this_year);
  if (!s->Step() || s->IsNull(0)) return std::nullopt;
  return static_cast<int>(s->Int(0));
}

}  // namespace

DataYears LatestDataYears(store::Connection& db, const Caller& caller, const std::string& area_code, int this_year) {
  const bool nation = area_code == "nation" || area_code == "全国";
  const std::string code = nation ? std::string() : area_code.empty() ? caller.area_scope
                                                  : registry::RequireAreaCode(area_code, "area");
  if (!access::ReadScopeFor(caller, access::Resource::kRegistry).allowed) {
    throw Error::PermissionDenied("this role may not read registry records");
  }
  if (!caller.CoversArea(code)) throw Error::PermissionDenied("area " + code + " is outside your area " + caller.area_scope);
  if (!code.empty() && !registry::FindArea(db, code)) throw Error::NotFound("no area " + code);

  DataYears y;
  y.area_code = code;
  y.this_year = this_year;
  const std::string end = SubtreeEnd(code);
  const auto events = MaxYear(db,
                              "SELECT max(e.year) FROM household_events e JOIN households h ON h.id = e.household_id"
                              " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND e.year <= ?3",
                              code, end, this_year);
  const auto areas = MaxYear(db,
                             "SELECT max(year) FROM area_years WHERE area_code >= ?1 AND area_code < ?2 AND year <= ?3"
                             " AND (rural_population IS NOT NULL OR poor_village = 1)",
                             code, end, this_year);
  if (events || areas) y.report = std::max(events.value_or(0), areas.value_or(0));
  y.assessment = MaxYear(db,
                         "SELECT max(hy.year) FROM household_years hy JOIN households h ON h.id = hy.household_id"
                         " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND hy.year <= ?3"
                         " AND EXISTS (SELECT 1 FROM assessment_parameters p WHERE p.name = 'poverty_line'"
                         " AND p.key = CAST(hy.year AS TEXT))",
                         code, end, this_year);
  y.monitoring = MaxYear(db,
                         "SELECT max(year) FROM monitoring_cases WHERE village_code >= ?1 AND village_code < ?2"
                         " AND year <= ?3",
                         code, end, this_year);
  return y;
}

nlohmann::json DataYearsJson(const DataYears& y) {
  auto opt = [](const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"area_code", y.area_code},
          {"this_year", y.this_year},
          {"report", opt(y.report)},
          {"assessment", opt(y.assessment)},
          {"monitoring", opt(y.monitoring)}};
}

}  // namespace fupin::reports
