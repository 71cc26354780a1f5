#pragma once
// Assessment plus every indicator for every area of a subtree, in one pass
// (`fupin report indicators`): the household exit assessment of a year, the
// poverty incidence of each year from `from_year` to that year, and the
// measures of the year (FGT P0/P1/P2, Gini, Alkire-Foster H/A/M0), for the
// area and every area under it (province, city, county, township, village).
//
// Each figure is the one `assess households`, `report incidence` and
// `report measures` give for the same area: the same rules (criteria.h's
// outcome functions, measures.h's FGT/Gini/Alkire-Foster), the same
// populations, the same order of summation (tested on the Hengdong and a
// national demo). Unlike `assess households` it stores nothing: the
// per-household results are counted per area, not written.
//
// How: a few narrow scans of whole tables without joins (areas, households,
// events, memberships, persons, person_years and household_years of the year,
// area_years), on two connections at once when a second one is given, into
// flat arrays indexed by a dense household number; then one pass over the
// households, village sums rolled up the area tree, and per-area lists (for
// the Gini and the FGT sums) made by counting sorts. The scans read whole
// tables, so the cost is that of the whole registry whatever the area.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "assessment/incidence.h"
#include "assessment/measures.h"
#include "core/caller.h"
#include "core/money.h"
#include "core/progress.h"
#include "store/database.h"

namespace fupin::assessment {

struct AreaIndicators {
  std::string area_code;  // "" for the nation
  std::string name;       // 全国 for the nation
  int level = 0;          // 0 nation, 1 province, 2 city, 3 county, 4 township, 5 village
  // Exit assessment of the year (as `assess households`): households whose
  // status at the end of the year is poor or that exited in the year.
  int64_t assessed = 0;
  int64_t ready = 0;
  std::array<int64_t, 6> failed{};   // per criterion, in the order of kCriteria
  std::array<int64_t, 6> unknown{};
  // Measures of the year (as `report measures`).
  int64_t measure_households = 0;
  int64_t measure_persons = 0;
  Fgt fgt;
  double gini = 0;
  AfResult af;
  int64_t af_excluded_persons = 0;
};

struct IncidenceCounts {
  int64_t poor_households = 0;
  int64_t poor_persons = 0;
  int64_t rural_population = 0;
};

struct IndicatorReport {
  std::string area_code;  // "" for the nation
  int from_year = 0;
  int year = 0;
  Fen poverty_line = 0;
  std::map<std::string, double> af_weights;  // normalised, as MeasureResult
  double af_k = 0;
  // [0] is the area itself, then every area under it in code order.
  std::vector<AreaIndicators> areas;
  // Incidence, areas.size() x (year - from_year + 1), area by area.
  std::vector<IncidenceCounts> incidence;

  size_t years() const { return static_cast<size_t>(year - from_year) + 1; }
  std::span<const IncidenceCounts> IncidenceOf(size_t area) const {
    return std::span<const IncidenceCounts>(incidence).subspan(area * years(), years());
  }
  // The figures of one area in the shapes of the older services.
  std::vector<IncidenceRow> IncidenceRows(size_t area) const;
  MeasureResult Measures(size_t area) const;
};

// Computes the whole report for `area_code` ("nation" / "全国": the country;
// "": the caller's scope). Needs read access to the area (as `report incidence`). Years
// between 2000 and 2100, from_year <= year; FailedPrecondition when the year
// has no poverty line. `second` (optional): another connection to the same
// database, used to read half of the tables at the same time. Reports the
// stages read (two groups of tables) and evaluate (the household pass, then
// one unit per level of areas) to `progress`.
IndicatorReport ComputeIndicators(store::Connection& db, const Caller& caller, const std::string& area_code,
                                  int from_year, int year, store::Connection* second = nullptr,
                                  Progress& progress = NoProgress());

// The same report read from the columnar copy of the facts in the file
// `facts_path` (facts/facts.h) instead of the tables: the same figures, to the
// last digit. After the access check the copy is mapped, or first built when
// it is missing, damaged or older than the last change (facts::OpenShared;
// Error::Internal when it cannot be written). The houses inspected
// (housing::HouseSafetyOn) are still read from `db`. Reads the copy on two
// threads. Stages: facts (open or build), read, evaluate.
IndicatorReport ComputeIndicatorsFromFacts(store::Connection& db, const Caller& caller, const std::string& area_code,
                                           int from_year, int year, const std::string& facts_path,
                                           Progress& progress = NoProgress());

// `report measures` (measures.h ComputeMeasures) read from the columnar copy
// at `facts_path`, mapped or built as for ComputeIndicatorsFromFacts: the
// same checks, the same figures to the last digit, stored in measure_results
// as ComputeMeasures does. Reads the households of the area's subtree as one
// area (no rows for the areas under it).
MeasureResult ComputeMeasuresFromFacts(store::Connection& db, const Caller& caller, const std::string& area_code,
                                       int year, const std::string& facts_path, const Clock& clock = DefaultClock());

// Where the columnar copy of the facts is wanted ("" for none) and who hears
// why it could not be used (the CLI's stderr, the server's log).
struct FactsChoice {
  std::string path;
  std::function<void(const std::string&)> warn;
};

// The report from the copy when `facts.path` is set, else from the tables
// (with `second`, as ComputeIndicators). A copy that cannot be built or read
// back (Error::Internal: a read-only folder, a full disk) is not an error:
// `facts.warn` hears why and the tables are read. What `report indicators`
// and GET /reports/indicators compute.
IndicatorReport ComputeIndicatorsPreferringFacts(store::Connection& db, const Caller& caller,
                                                 const std::string& area_code, int from_year, int year,
                                                 const FactsChoice& facts, store::Connection* second = nullptr,
                                                 Progress& progress = NoProgress());
// The same choice for `report measures` and GET /reports/measures.
MeasureResult ComputeMeasuresPreferringFacts(store::Connection& db, const Caller& caller, const std::string& area_code,
                                             int year, const FactsChoice& facts, const Clock& clock = DefaultClock());

// The area's own figures (assessment, incidence by year, measures in the
// shape of MeasureJson) and how many areas of each level the report holds.
nlohmann::json IndicatorSummaryJson(const IndicatorReport& report);

// One row per area with every figure, as XLSX or CSV (from the extension of
// `path`). Returns the number of rows written.
int64_t WriteIndicatorTable(const IndicatorReport& report, const std::string& path);

}  // namespace fupin::assessment
