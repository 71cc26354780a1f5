#pragma once
// The Hengdong scenario's housing, relocation and village-infrastructure
// records and the evidence of its village and county exits (issue 22,
// docs/HOUSING.md, docs/DEMO.md), written after the registry and the
// projects. Internal to the demo module.
#include <cstdint>
#include <string>

#include "core/caller.h"
#include "core/date.h"
#include "demo/prng.h"
#include "store/database.h"

namespace fupin::demo::internal {

// The article's housing figures (figures.md), per county.
struct HousingTargets {
  int64_t houses_inspected = 21573;      // "四类重点对象"住房核查鉴定和挂牌标识
  int64_t houses_renovated = 6101;       // 农村危房改造
  int64_t relocated_households = 847;    // 易地扶贫搬迁
  int64_t relocated_persons = 2281;
  int64_t kva_per_household_milli = 1700;  // 33个贫困村户均配变容量1.7千伏安
};

struct HousingCounts {
  int64_t inspections = 0, renovations = 0, sites = 0, relocations = 0, village_records = 0;
  int64_t surveys = 0, village_assessments = 0;
};

// Inspections of every registered household's house (the ones the yearly
// facts call unsafe graded C or D and renovated in the year they were made
// safe, before the household's first exit) and of the other key groups'
// houses; renovations; relocation sites and the relocated households (moved
// before their exit); every poor village's infrastructure 2014 to as_of's
// year, complete from its exit year; the 2020 verification surveys; and each
// poor village's assessment in its exit year. One transaction per kind of
// record, prepared statements reused, one audit entry ("housing.demo"); the
// same seed gives the same rows.
HousingCounts WriteHousingRecords(store::Connection& db, const Caller& caller, Prng& rng, const std::string& county,
                                  const Date& as_of, int64_t scale, const HousingTargets& targets = {});

}  // namespace fupin::demo::internal
