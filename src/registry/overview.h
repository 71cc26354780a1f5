#pragma once
// What the overview page shows of an area's registry (issue 25): households
// by status now and at the end of each year, and the same for each child area,
// read from the village counts the registry keeps current (registry/rollup.h)
// — a range read of small rows, never a pass over the area's households. The
// figures are those GET /households?area=&status=&year= counts (its `total`).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::registry {

struct OverviewYear {
  int year = 0;
  int64_t poor_households = 0;    // status poor on 31 December
  int64_t poor_persons = 0;       // their members that day
  int64_t exited_households = 0;  // status exited on 31 December
};

struct OverviewChild {
  std::string code;
  std::string name;
  int64_t registered = 0;  // every household
  int64_t poor = 0;        // status poor after every event
};

struct Overview {
  std::string area_code;  // the area read ("" the nation), narrowed to the caller's scope
  int64_t registered = 0;
  int64_t poor = 0;  // statuses after every event
  int64_t exited = 0;
  int64_t removed = 0;
  int64_t deceased = 0;
  std::vector<OverviewYear> years;      // from..to
  std::vector<OverviewChild> children;  // the area's child areas, by code
};

// Needs the overview ability (a whole area's registry); an area wider than
// the caller's scope is narrowed to it, one outside it is refused.
Overview ReadOverview(store::Connection& db, const Caller& caller, const std::string& area, int from, int to);

nlohmann::json OverviewJson(const Overview& o);

}  // namespace fupin::registry
