#pragma once
// Poverty incidence (贫困发生率): registered poor persons remaining at the end
// of a year ÷ the rural (agricultural hukou) population of the area, for any
// area at any level and any year, derived from the status history.
//
// This header is the contract between the assessment module (which implements
// it) and the reports that use it (the progress report, the overview).
#include <cstdint>
#include <string>
#include <vector>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::assessment {

struct IncidenceRow {
  std::string area_code;
  int year = 0;
  int64_t poor_households = 0;   // status poor at the end of the year (or at `as_of`)
  int64_t poor_persons = 0;      // members of those households at that date
  int64_t rural_population = 0;  // the area's own figure for the year, else the sum over its villages
  // poor_persons / rural_population; 0 when the population is unknown (rural_population == 0).
  double rate() const { return rural_population > 0 ? static_cast<double>(poor_persons) / static_cast<double>(rural_population) : 0.0; }
};

// One row per year from `from_year` to `to_year` for `area_code` (any level).
// The status and membership of each household are taken at the end of each
// year (31 December). Set-based: a fixed number of queries whatever the size.
std::vector<IncidenceRow> ComputeIncidence(store::Connection& db, const Caller& caller, const std::string& area_code,
                                           int from_year, int to_year);

// The same at one date (e.g. the article's "as of September 2020"): status and
// membership on `as_of` (YYYY-MM-DD); rural population of as_of's year.
IncidenceRow ComputeIncidenceAt(store::Connection& db, const Caller& caller, const std::string& area_code,
                                const std::string& as_of);

}  // namespace fupin::assessment
