#pragma once
// Village and county exit assessments (贫困村、贫困县退出评估).
//
// Village: poverty incidence at the end of the year strictly below the
// province's exit threshold (exit_threshold), every facility named in
// `village_facilities` recorded as present, and the collective income at
// least `village_collective_income_min`.
// County: incidence strictly below the threshold; wrong-exit rate (re-surveyed
// exited households failing a criterion ÷ re-surveyed) strictly below
// county_wrong_exit_max; missed-registration rate (sampled unregistered
// households found poor ÷ sampled) strictly below county_missed_max;
// satisfaction (satisfied ÷ respondents) at least county_satisfaction_min.
//
// Each check is pass, fail or unknown (a fact not recorded: no rural
// population, no facility record, no survey of that kind); unknown makes the
// area not ready, as for households. Each check carries the values it used and
// the threshold with the parameter it came from (name, key, value, source).
// The result is stored per area and year (area_assessments), replacing an
// earlier run. Running needs write access to Resource::kAssessment for the area.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "assessment/criteria.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::assessment {

struct AreaCheck {
  std::string check;  // incidence, facilities, collective_income, wrong_exit, missed_registration, satisfaction
  Outcome outcome = Outcome::kUnknown;
  std::string reason;     // Chinese
  nlohmann::json values;  // the counts and rate used, and "threshold": {parameter, key, value, source}
};

struct AreaAssessment {
  std::string area_code;
  std::string area_name;
  std::string level;  // village, county
  int year = 0;
  bool ready = false;
  std::vector<AreaCheck> checks;
  std::vector<std::string> reasons;  // one per check not passed
};

// InvalidArgument unless `code` is a village (level 5) / county (level 3).
AreaAssessment AssessVillage(store::Connection& db, const Caller& caller, const std::string& code, int year,
                             const Clock& clock = DefaultClock());
AreaAssessment AssessCounty(store::Connection& db, const Caller& caller, const std::string& code, int year,
                            const Clock& clock = DefaultClock());

nlohmann::json AreaAssessmentJson(const AreaAssessment& assessment);

}  // namespace fupin::assessment
