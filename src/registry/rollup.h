#pragma once
// Area counts kept current (issue 25): the households of each area by status
// at the end of each year and their members on that day, so that the overview
// and the incidence read a few rows of the area (and of its children) instead
// of recomputing every household of a county, a province or the nation.
//
// Table area_year_counts (registry migration 154), one row per
// (area_code, status, year) where something changes, for every village with
// households and every area above one (township, county, city, province, and
// the nation as ''):
//   status poor/exited/removed/deceased, year Y: the CHANGE at the end of Y of
//     the number of households with that status on YearEnd(Y) and of their
//     members on that day (the value at the end of year Y is the sum of the
//     rows with year <= Y; the value after every event is the sum of all rows);
//   status 'all', year 0: the number of household rows of the area.
// A village's rows are computed from its households; an area above holds the
// sum of its villages' rows.
// "Status in year Y" is registry/status.h's (the latest event by date, then
// id, up to 31 December of Y); a member counts on a date D when
// start_date <= D < end_date and D < death_date, as assessment::ComputeIncidence
// counts them. Figures read here are therefore exactly the computed ones.
//
// Kept current by the registry alone, in the transaction of the write: the
// services refresh the villages they changed (RefreshVillageCounts), a
// RegistryBatch the villages of everything it wrote at Finish(). A refresh
// recomputes the village's rows from its events and memberships (a village is
// a few hundred persons) and adds the difference to the rows of the areas
// above it: a fixed number of statements per 500 villages, plus one upsert per
// changed row of an area above.
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "store/database.h"

namespace fupin::registry {

struct StatusCount {
  int64_t households = 0;
  int64_t persons = 0;
};

// The counts of one area.
struct AreaCounts {
  int64_t registered = 0;  // every household of the area, whatever its status
  // status -> year -> change at the end of that year (see above).
  std::map<std::string, std::map<int, StatusCount>, std::less<>> changes;

  // Households with `status` on YearEnd(year), and their members that day.
  StatusCount AtYearEnd(std::string_view status, int year) const;
  // Households whose latest event (of any date) leads to `status`.
  int64_t Current(std::string_view status) const;
};

// The counts of `area` ("" for the nation): its own rows, one primary-key
// range. No access check (callers check theirs).
AreaCounts ReadAreaCounts(store::Connection& db, const std::string& area);

// The counts of each of these areas (e.g. an area's children), a query per 500.
std::map<std::string, AreaCounts> ReadChildCounts(store::Connection& db, std::span<const std::string> areas);

// Recomputes the rows of these villages (empty: nothing). Run it inside the
// transaction of the write that changed them.
void RefreshVillageCounts(store::Connection& db, const std::set<std::string>& villages);

// Recomputes every row (one pass over events and memberships).
void RebuildVillageCounts(store::Connection& db);

// Builds the rows of a database written before migration 154 (once: the
// migration leaves a marker when households exist), and the kept rural
// population (registry/population.h) of one written before migration 155
// (marked when area_years has figures). Returns whether it built.
bool BuildPendingVillageCounts(store::Connection& db);

// The villages of these households / of every household these persons have
// been members of (a query per 500 ids), added to `out`.
void AddVillagesOfHouseholds(store::Connection& db, std::span<const int64_t> ids, std::set<std::string>& out);
void AddVillagesOfPersons(store::Connection& db, std::span<const int64_t> ids, std::set<std::string>& out);

}  // namespace fupin::registry
