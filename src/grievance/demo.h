#pragma once
// The Hengdong demo's change requests, grievances and households' own
// applications (issue 23; docs/DEMO.md): a few of each on the county's
// registered households, so that 变更审核 and 信访申诉 show data and the
// figures count them. Deterministic (households taken by position, dates
// counted back from the demo's day), written in batches (BulkInsert and
// INSERT ... SELECT for the steps), one transaction.
#include <cstdint>
#include <string>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::grievance {

struct DemoCounts {
  int64_t change_requests = 0;
  int64_t grievances = 0;    // applications included
  int64_t applications = 0;  // channel self_application
};

// `as_of`: the demo's day (YYYY-MM-DD); everything is dated on or before it.
// failed_precondition when the county has grievances or change requests already.
DemoCounts GenerateDemo(store::Connection& db, const Caller& caller, const std::string& county,
                        const std::string& as_of);

}  // namespace fupin::grievance
