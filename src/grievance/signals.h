#pragma once
// What comes in through issue 23's routes, for the other modules' figures
// (docs/GRIEVANCES.md, "What the figures count"): households that applied
// themselves, for the monitoring scan (rule self_application), and what waits
// past its deadline, for the data-quality checks. Set-based: one query each
// over an area (a village-code range). Both read nothing when the module's
// tables are not in the database (migration 1300/1301 absent).
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "store/database.h"

namespace fupin::grievance {

// Households of the area (area_code in [area, SubtreeEnd(area))) about which, in
// `year` (received_on), an application of their own came in (channel
// self_application) or a grievance said they were wrongly left out (category
// wrongly_excluded): household id -> how many.
std::unordered_map<int64_t, int64_t> SelfReportedHouseholds(store::Connection& db, const std::string& area, int year);

// One thing that came in and waits past its deadline on a day.
struct OverdueIntake {
  std::string kind;  // "application" (a self_application not answered) | "change_request" (still pending)
  int64_t id = 0;
  std::string number;  // XF… for an application, the request's id for a change request
  std::string area_code;
  std::optional<int64_t> household_id;
  std::string since;     // received_on | proposed_on
  std::string deadline;  // the last day to answer / decide
};

// Applications (channel self_application) not answered and change requests
// still pending (proposed, reviewed, sent back) whose deadline — the
// category's days (grievance_categories) or the kind's (change_request_levels)
// — is before `today`. Ordered by area, then the day they came in.
std::vector<OverdueIntake> OverdueIntakeOn(store::Connection& db, const std::string& area, const Date& today);

}  // namespace fupin::grievance
