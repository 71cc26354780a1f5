#pragma once
// The Hengdong scenario's education and health records (issue 6): the
// dropouts persuaded back to school and the children schooled at home, the
// health facts (doctor contracts, the 29 major diseases), the 2020
// entitlements, and the rosters the education and health departments hand
// in, 2014-2020, so that the progress report computes the article's
// education and health figures from them (docs/DEMO.md, docs/POLICY.md).
// Internal to the demo module.
#include <cstdint>
#include <vector>

#include "core/caller.h"
#include "core/date.h"
#include "demo/id_numbers.h"
#include "demo/plan.h"
#include "demo/prng.h"
#include "store/database.h"

namespace fupin::demo::internal {

// The article's education and health figures (figures.md), per county.
struct PolicyTargets {
  int64_t dropouts_returned = 620;
  int64_t dropouts_returned_registered = 323;
  int64_t home_schooling = 166;
  int64_t home_schooling_registered = 56;
  int64_t student_aid_times = 200203;
  int64_t student_aid_yuan = 132650000;
  int64_t student_aid_times_registered = 46223;
  int64_t student_aid_yuan_registered = 30480000;
  int64_t major_disease_basis_points = 9928;  // 99.28 % treated
};

// Before the registry is written: makes exactly `registered dropouts` of the
// registered children drop out once (2014-2019, before their household's
// exit, persuaded back the same school year) and `home schooled` registered
// children of compulsory age schooled at home in 2020 (severely disabled).
void PlanEducationCases(Prng& rng, std::vector<HouseholdPlan>& households, const PolicyTargets& targets, int64_t scale,
                        const Date& as_of);

struct PolicyRecordCounts {
  int64_t entitlements = 0;   // stored by the 2020 run
  int64_t roster_imports = 0;
  int64_t roster_rows = 0;
  int64_t roster_rows_unknown = 0;  // ID numbers the registry does not hold (non-registered students)
};

// After the registry is written (and committed): the health facts, the 2020
// entitlements (all policies, reference date `as_of`) and the departments'
// rosters, in one transaction. `ids` is the allocator that gave the
// registry's numbers, so the non-registered students get numbers of their own.
PolicyRecordCounts WritePolicyRecords(store::Connection& db, const Caller& caller, Prng& rng,
                                      const std::vector<VillagePlan>& villages,
                                      const std::vector<HouseholdPlan>& households, IdNumberAllocator& ids,
                                      const PolicyTargets& targets, int64_t scale, const Date& as_of);

}  // namespace fupin::demo::internal
