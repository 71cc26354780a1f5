#pragma once
// Household exit assessment (贫困户退出评估), set-based: every household in
// an area for a year from a fixed number of bulk reads; results stored per
// household and year (household_assessments) in one transaction, replacing
// an earlier run for the same scope, so a re-run on the same facts gives the
// same answer.
//
// Which households: those whose status at the end of the year is poor, and
// those that exited in that year (so an exit can be checked afterwards).
// Members are those in the household on 31 December of the year.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "assessment/criteria.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::assessment {

struct HouseholdAssessment {
  int64_t household_id = 0;
  std::string number;
  std::string village_code;
  std::string status;  // at the end of the year
  HouseholdDecision decision;
};

struct AssessmentSummary {
  int year = 0;
  std::string area_code;
  Fen poverty_line = 0;
  int64_t assessed = 0;
  int64_t ready = 0;
  std::vector<HouseholdAssessment> households;  // by number
};

// Runs the assessment and stores the results. Needs a role that writes the
// registry and the area in scope. FailedPrecondition if the year has no
// poverty line.
AssessmentSummary AssessHouseholds(store::Connection& db, const Caller& caller, int year, const std::string& area_code,
                                   const Clock& clock = DefaultClock());

// JSON of a run: year, area_code, poverty_line (fen), assessed, ready and
// each household with its criteria (the CLI's and the API's shape).
nlohmann::json AssessmentSummaryJson(const AssessmentSummary& summary);
nlohmann::json HouseholdAssessmentJson(const HouseholdAssessment& assessment);

// The facts and decision of one household for one year, computed now (not
// stored). Used by the exit procedure. Checks read access.
HouseholdAssessment AssessOneHousehold(store::Connection& db, const Caller& caller, int64_t household_id, int year);

}  // namespace fupin::assessment
