#pragma once
// The Hengdong scenario continued into 2021-2025 (防止返贫动态监测): yearly
// income of every exited household, households pushed below the monitoring
// line or hit by illness, disaster or lost work, marginal households never
// registered, department alerts, and monitoring cases taken through the
// identification steps, measures and risk-eliminated decisions. Internal to
// the demo module; called by GenerateHengdong after the registry is written.
#include <cstdint>
#include <string>
#include <vector>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::demo {

// A household planted for `fupin monitor scan --year 2025` to find, with the
// category and rule the scan must report.
struct PlantedHousehold {
  int64_t household_id = 0;
  std::string number;
  std::string category;  // unstable | marginal | sudden
  std::string rule;      // income_below_line | income_drop | rigid_spending | job_loss
};

struct MonitoringDemoSummary {
  int64_t household_years = 0;   // 2021-2025 rows written
  int64_t new_households = 0;    // never-registered households added
  int64_t alerts = 0;
  int64_t cases = 0;
  std::vector<PlantedHousehold> planted;  // in 2025, no case yet
};

inline constexpr int kMonitoringScanYear = 2025;

// Writes in its own transactions (household years in bulk, new households
// through the registry, cases through monitoring::WriteHistoricCases).
// `scale` multiplies the number of cases.
MonitoringDemoSummary GenerateMonitoringDemo(store::Connection& db, const Caller& caller, uint64_t seed, int scale);

}  // namespace fupin::demo
