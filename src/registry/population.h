#pragma once
// The rural population of every area kept current (issue 25), so that the
// incidence of a province or of the nation reads one area's rows instead of
// summing `area_years` over the whole tree below it.
//
// Table area_rural_population (registry migration 155), one row per
// (area_code, year) whose value is not 0: the EFFECTIVE rural population of
// the area that year, the one the incidence divides by — the area's own
// figure (area_years.rural_population) when it has one for the year, else the
// sum of its children's effective figures (children by ParentAreaCode; the
// nation is ''). No row: 0 (nothing known). parent_code is
// ParentAreaCode(area_code), NULL for the nation's own row, so that an area's
// children are one index range.
//
// Kept by the registry alone, in the transaction of the write of area_years
// (SetAreaYear, WriteAreaYears): the touched areas and every ancestor are
// recomputed once, deepest first, from their own figures and the kept rows of
// their other children — a fixed number of statements per 500 areas; above
// 5,000 touched areas one rebuild of all from area_years.
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "store/database.h"

namespace fupin::registry {

// The effective rural population of `area` ("" for the nation) in each year
// of [from, to], from the area's own rows (one primary-key range); 0 where
// nothing is known. No access check (callers check theirs).
std::vector<int64_t> ReadRuralPopulation(store::Connection& db, const std::string& area, int from, int to);

// Recomputes the rows of these areas (whose area_years changed) and of all
// their ancestors. Run it inside the transaction of the write.
void RefreshRuralPopulation(store::Connection& db, const std::set<std::string>& areas);

// Recomputes every row from area_years (one read of the figures).
void RebuildRuralPopulation(store::Connection& db);

// One row of area_years as a batch writes it.
struct AreaYearRow {
  std::string area_code;
  int year = 0;
  std::optional<int64_t> rural_population;
  bool poor_village = false;
  std::optional<int> exit_year;
};

// Writes (insert or replace) these rows of area_years and refreshes the rural
// population of their areas, set-based: the rows through a temporary table
// and one upsert, one refresh at the end. Run it inside a transaction. No
// access check (the demo generators; services check before they call).
void WriteAreaYears(store::Connection& db, std::span<const AreaYearRow> rows);

}  // namespace fupin::registry
