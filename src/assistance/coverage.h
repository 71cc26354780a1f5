#pragma once
// The "two full coverages" (两个全覆盖) and the gaps that break them, and the
// mobilisation figures of the progress report. Set-based: a fixed number of
// queries whatever the number of households.
//
// On the as-of date D:
//  - poor village: a village flagged poor_village = 1 in area_years in any
//    year up to D's year (a village keeps its resident team after 摘帽);
//  - resident team: a work team in the village with start_date <= D < end_date
//    (or no end) and at least one member serving on D;
//  - registered household: the latest status event up to D is identified,
//    returned or exited (status poor or exited; removed and deceased are not);
//  - paired: an active pairing on D;
//  - visit overdue: a paired registered household whose last visit (or, with
//    none, whose pairing start) lies more than visit_interval_days before D;
//  - cadre over the limit: more active pairings on D than pairing_household_limit.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "assistance/assistance.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::assistance {

struct CoverageCounts {
  std::string area_code;
  std::string area_name;
  int64_t poor_villages = 0;
  int64_t poor_villages_with_team = 0;
  int64_t households_registered = 0;
  int64_t households_paired = 0;
  int64_t households_overdue = 0;
  double resident_coverage_rate() const;  // percent; 100 when there is nothing to cover
  double pairing_coverage_rate() const;
};

struct VillageGap {
  std::string village_code;
  std::string village_name;
};
struct HouseholdGap {
  int64_t household_id = 0;
  std::string number;
  std::string village_code;
  std::string village_name;
  std::string status;
  std::optional<std::string> last_visit;  // overdue list only
  std::string cadre_name;                 // overdue list only
};
struct CadreGap {
  int64_t cadre_id = 0;
  std::string name;
  std::string unit;
  int64_t households = 0;
};

struct CoverageReport {
  std::string as_of;
  int pairing_household_limit = 0;
  int visit_interval_days = 0;
  CoverageCounts total;
  std::vector<CoverageCounts> townships;  // breakdown below the area (townships; villages for a township)
  std::vector<VillageGap> villages_without_team;
  std::vector<HouseholdGap> households_without_cadre;
  std::vector<HouseholdGap> households_not_visited;
  std::vector<CadreGap> cadres_over_limit;
};

// Coverage of an area (county, township or village) on `as_of` (default
// today). Needs read access to assistance in the area.
CoverageReport Coverage(store::Connection& db, const Caller& caller, const std::string& area_code,
                        const std::optional<std::string>& as_of = std::nullopt, const Clock& clock = DefaultClock());

// The date coverage is judged on (issue 24): `as_of` when given, else the
// end of `year` when given, else the latest visit on record in the area's
// households; never after today (today when there is no visit). `basis` says
// which: "given", "year_end", "latest_visit" or "today" (the web says it on the
// page). A bad date or year throws invalid_argument naming `as_of` or `year`.
struct CoverageDate {
  std::string date;
  std::string basis;
};
CoverageDate ResolveCoverageDate(store::Connection& db, const std::string& area_code,
                                 const std::optional<std::string>& as_of, std::optional<int64_t> year,
                                 const Clock& clock = DefaultClock());

// The two household gap lists of Coverage, a window at a time for the county
// scale: households registered on `as_of` without an active pairing
// (kWithoutCadre), or paired and not visited within visit_interval_days
// (kNotVisited; the same rule and count as households_overdue). `window.q`:
// the household number or the start of it, part of the village's name, the
// start of its code, or part of the paired cadre's name. Ordered by household
// number; a count and a window (two statements). Same access as Coverage; a
// paired cadre sees their own households only.
enum class GapKind { kWithoutCadre, kNotVisited };
std::optional<GapKind> ParseGapKind(const std::string& text);  // without_cadre | not_visited
ListPage<HouseholdGap> CoverageGaps(store::Connection& db, const Caller& caller, const std::string& area_code,
                                    GapKind kind, const std::string& as_of, const ListWindow& window,
                                    const Clock& clock = DefaultClock());

// One figure of the progress report.
struct AssistanceFigure {
  std::string key;
  bool is_rate = false;
  int64_t count = 0;        // counts
  int64_t numerator = 0;    // rates
  int64_t denominator = 0;
};

// The mobilisation figures for the progress report (reports::ComputeProgress
// on branch demo maps them onto its Figure rows by key), on `as_of` in `year`:
//   county_leaders_linked  cadres with a leader link active on as_of to a township or village in the area
//   sector_departments     departments recorded for the area or an area inside it
//   townships              township-level areas in the area, development zones (codes 4xx) left out
//   villages_with_tasks    villages with a registered household on as_of, or a poor village
//   work_teams             teams active on as_of in villages of the area
//   work_team_members      members serving on as_of in those teams (distinct cadres)
//   paired_cadres          cadres with an active pairing on as_of with a household of the area
//   households_paired      registered households with an active pairing
//   resident_coverage_rate poor villages with a resident team / poor villages (rate)
//   pairing_coverage_rate  households_paired / registered households (rate)
// Needs read access to assistance in the area. `year` must be as_of's year.
std::vector<AssistanceFigure> ProgressFigures(store::Connection& db, const Caller& caller,
                                              const std::string& area_code, int year, const std::string& as_of);

}  // namespace fupin::assistance
