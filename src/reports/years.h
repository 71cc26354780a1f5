#pragma once
// The latest year that has data, per kind of page (docs/API.md "Years"): the
// web UI opens each page on it rather than on this calendar year, which in a
// county whose registry ends in 2020 would show empty pages.
//
// Read by anyone who reads the registry of the area (paired cadres included:
// only years are given, no record). Set-based: four aggregate queries.
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::reports {

struct DataYears {
  std::string area_code;  // "" for the nation
  int this_year = 0;      // the calendar year of `today`
  // The latest year up to this_year with a status event of a household in
  // the area or a yearly row of an area under it (rural population, poor
  // village): the report year of the overview and the progress report.
  std::optional<int> report;
  // The latest year up to this_year with yearly income facts of a household
  // in the area that also has a poverty line (assessment parameter
  // poverty_line of that year): the year households can be assessed for.
  std::optional<int> assessment;
  // The latest year of a monitoring case in the area (防返贫监测).
  std::optional<int> monitoring;
};

// Throws kInvalidArgument for a bad area code, kNotFound for an unknown area,
// kPermissionDenied when the caller may not read the registry of the area.
DataYears LatestDataYears(store::Connection& db, const Caller& caller, const std::string& area_code, int this_year);

// {"area_code", "this_year", "report", "assessment", "monitoring"} (null where none)
nlohmann::json DataYearsJson(const DataYears& years);

}  // namespace fupin::reports
