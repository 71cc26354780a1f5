#include "assessment/incidence.h"

#include "assessment/internal.h"
#include "core/date.h"
#include "core/error.h"
#include "registry/population.h"
#include "registry/rollup.h"

namespace fupin::assessment {
namespace {

// Counts for each date from one read of events and memberships (the as-of
// date form; the year-end form reads the registry's village counts).
std::vector<IncidenceRow> CountAt(store::Connection& db, const std::string& area, const std::vector<std::string>& dates,
                                  const std::vector<int>& years) {
  using internal::Status;
  const auto statuses = internal::StatusesAt(db, area, dates);
  const auto members = internal::MembersAt(db, area, dates);
  std::vector<IncidenceRow> rows(dates.size());
  for (size_t i = 0; i < dates.size(); ++i) {
    rows[i].area_code = area;
    rows[i].year = years[i];
  }
  for (const auto& [id, status] : statuses) {
    auto m = members.find(id);
    for (size_t i = 0; i < dates.size(); ++i) {
      if (status[i] != Status::kPoor) continue;
      ++rows[i].poor_households;
      if (m != members.end()) rows[i].poor_persons += m->second[i];
    }
  }
  return rows;
}

void RequireYear(int year, const char* field) {
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{field, std::to_string(year) + " is not between 2000 and 2100"}});
  }
}

}  // namespace

std::vector<IncidenceRow> ComputeIncidence(store::Connection& db, const Caller& caller, const std::string& area_code,
                                           int from_year, int to_year) {
  const std::string area = internal::RequireArea(db, area_code, "area");
  internal::RequireRead(db, caller, area);
  RequireYear(from_year, "from");
  RequireYear(to_year, "to");
  if (from_year > to_year) {
    throw Error::InvalidArgument("invalid years", {{"to", std::to_string(to_year) + " is before " +
                                                              std::to_string(from_year)}});
  }
  // The year ends are read from the village counts the registry keeps current
  // (registry/rollup.h): one range read of the area's villages, no household recomputed.
  const registry::AreaCounts counts = registry::ReadAreaCounts(db, area);
  std::vector<IncidenceRow> rows;
  rows.reserve(static_cast<size_t>(to_year - from_year) + 1);
  for (int y = from_year; y <= to_year; ++y) {
    const registry::StatusCount poor = counts.AtYearEnd("poor", y);
    rows.push_back({area, y, poor.households, poor.persons, 0});
  }
  // The rural population likewise: the area's own kept rows (registry/population.h).
  const auto population = registry::ReadRuralPopulation(db, area, from_year, to_year);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].rural_population = population[i];
  return rows;
}

IncidenceRow ComputeIncidenceAt(store::Connection& db, const Caller& caller, const std::string& area_code,
                                const std::string& as_of) {
  const std::string area = internal::RequireArea(db, area_code, "area");
  internal::RequireRead(db, caller, area);
  auto date = Date::Parse(as_of);
  if (!date) throw Error::InvalidArgument("invalid date", {{"as_of", "'" + as_of + "' is not a date YYYY-MM-DD"}});
  RequireYear(date->year, "as_of");
  auto rows = CountAt(db, area, {date->ToString()}, {date->year});
  rows[0].rural_population = registry::ReadRuralPopulation(db, area, date->year, date->year)[0];
  return rows[0];
}

}  // namespace fupin::assessment
