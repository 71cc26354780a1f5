#pragma once
// The household exit procedure (贫困户退出程序): village appraisal (村评议),
// work-team verification (驻村工作队核实), public notice (公示, with its first
// and last day, at least `notice_min_days` days counting both), then the exit
// event (销号). This service is the only way to record an 'exited' event: the
// registry refuses one from anyone else (registry::ExitPermit).
//
// An exit is refused (FailedPrecondition, one detail per unmet condition)
// unless the procedure for that year is complete and every criterion passes
// (criteria.h) — or an administrator or county office (县扶贫办) gives a
// written override reason, which is stored with what was not met.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "assessment/households.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "store/database.h"

namespace fupin::assessment {

struct ExitStep {
  int64_t id = 0;
  int64_t household_id = 0;
  int year = 0;
  std::string step;  // appraisal, verification, notice
  std::string date;
  std::optional<std::string> end_date;  // notice only
  std::string note;
  std::string actor;
};

struct ExitCheck {
  int64_t household_id = 0;
  int year = 0;
  std::vector<ExitStep> steps;       // the latest of each step for the year
  std::vector<ErrorDetail> unmet;    // empty: the exit may be recorded
  HouseholdAssessment assessment;
};

struct ExitRequest {
  int64_t household_id = 0;
  std::string date;                  // YYYY-MM-DD of the exit event
  std::optional<int> year;           // poverty year; default: the date's year
  std::string reason;
  std::optional<std::string> override_reason;  // authorised roles only
};

class ExitService {
 public:
  explicit ExitService(store::Connection& db, const Clock& clock = DefaultClock()) : db_(db), clock_(clock) {}

  // Records one step. Needs a role that writes the household's village. The
  // household must be poor; `end_date` is required for a notice and refused
  // otherwise; dates may not be in the future.
  ExitStep RecordStep(const Caller& caller, int64_t household_id, int year, const std::string& step,
                      const std::string& date, const std::optional<std::string>& end_date, const std::string& note);

  // What stands between the household and an exit on `date` for `year`.
  ExitCheck Check(const Caller& caller, int64_t household_id, int year, const std::string& date);

  // Records the exit event (and the override, if any) in one transaction;
  // returns the event id.
  int64_t Exit(const Caller& caller, const ExitRequest& request);

 private:
  std::vector<ExitStep> Steps(int64_t household_id, int year);
  store::Connection& db_;
  const Clock& clock_;
};

}  // namespace fupin::assessment
