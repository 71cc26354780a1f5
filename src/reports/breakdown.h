#pragma once
// The overview's breakdowns beside the progress report (docs/REPORTS.md):
// exits per year and the registered households by main cause of poverty,
// for any area, year and date in that year, from one read of the status
// history. Same access rule as ComputeProgress.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::reports {

struct YearCount {
  int year = 0;
  int64_t households = 0;  // households with an 'exited' event of that year
};

struct CauseCount {
  std::string cause;     // registry vocabulary name ("illness")
  std::string label_zh;  // 因病
  int64_t households = 0;
};

struct Breakdown {
  std::string area_code;  // "" for the nation
  int year = 0;
  std::string as_of;
  int first_year = 2014;
  // One row per year from first_year to year (zeros included), counting exit
  // events dated on or before as_of. A household that exited, returned and
  // exited again counts in both years.
  std::vector<YearCount> exits_by_year;
  // Households registered on as_of (status poor or exited, as
  // households_registered of the progress report) by main cause, most first;
  // causes with no household are left out.
  std::vector<CauseCount> households_by_cause;
};

Breakdown ComputeBreakdown(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                           const std::optional<std::string>& as_of = std::nullopt);

// {"area_code", "year", "as_of", "exits_by_year": [{"year", "households"}],
//  "households_by_cause": [{"cause", "label", "households"}]}
nlohmann::json BreakdownJson(const Breakdown& breakdown);

}  // namespace fupin::reports
