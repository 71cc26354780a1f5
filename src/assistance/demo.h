#pragma once
// Demo assistance data for a generated registry (the Hengdong scenario,
// branch demo: `fupin demo hengdong` calls GenerateDemo after the registry).
// Given households and poor villages already in the database, it writes the
// county leaders and their links, the sector departments (from the reference
// list), resident work teams with their members, cadres paired with every
// registered household (each within pairing_household_limit), and visits at
// visit_interval_days over the last `visit_months` months before `as_of`.
//
// Deterministic: the same seed and registry give the same rows. Set-based: a
// fixed number of reads, prepared statements reused for every row, all in one
// transaction (nothing is left behind on failure). Refuses (failed_precondition)
// an area that already has cadres, and counts that cannot be met (fewer teams
// than poor villages, more teams than villages with tasks, fewer members than
// teams, too few cadres for the households under the limit).
#include <cstdint>
#include <string>

#include "store/database.h"

namespace fupin::assistance {

struct DemoOptions {
  uint64_t seed = 2020;
  std::string area_code = "430424";
  std::string as_of = "2020-09-30";
  int county_leaders = 60;
  int sector_departments = 29;  // the first N of the reference list
  int work_teams = 187;
  int work_team_members = 379;
  int paired_cadres = 4962;
  int visit_months = 12;
  std::string teams_from = "2015-10-01";  // work teams dispatched (Hunan's second round)
};

struct DemoResult {
  int64_t cadres = 0;
  int64_t leader_links = 0;
  int64_t departments = 0;
  int64_t work_teams = 0;
  int64_t work_team_members = 0;
  int64_t pairings = 0;
  int64_t households_paired = 0;
  int64_t visits = 0;
};

DemoResult GenerateDemo(store::Connection& db, const DemoOptions& options);

// The name of a county's unit from the reference list's generic name:
// "衡东县" with "教育局" gives "衡东县教育局", with "县妇联" "衡东县妇联", with
// "团县委" "团衡东县委"; "湘乡市" with "县妇联" "湘乡市妇联" (a "县" in the
// generic name stands for the county's name).
std::string CountyUnitName(const std::string& county, const std::string& unit);

}  // namespace fupin::assistance
