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
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "assessment/households.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "core/vocabulary.h"
#include "store/database.h"

namespace fupin::assessment {

// The steps of the exit procedure in order (core/vocabulary.h), served by
// GET /api/v1/vocabularies as exit_step.
enum class ExitStepKind { kAppraisal, kVerification, kNotice };
std::span<const Term> ExitStepKinds();

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

// Poor households of an area in the middle of their exit procedure (any
// year), by what they wait for: verification after the appraisal, the notice
// after the verification, the exit record once the notice has ended.
struct ExitQueue {
  int64_t awaiting_verification = 0;
  int64_t awaiting_notice = 0;
  int64_t awaiting_record = 0;  // the notice's last day is before today
};

// One step for many households (批量退出, issue 24): the steps whose date is
// given are recorded, in the order of the procedure, for each household.
struct ExitBatchRequest {
  int year = 0;                          // the poverty year of the exits
  std::vector<int64_t> household_ids;    // 1..1000, no repeats
  std::optional<std::string> appraisal_date;     // 村评议
  std::optional<std::string> verification_date;  // 核实
  std::optional<std::string> notice_start;       // 公示 (with notice_end)
  std::optional<std::string> notice_end;
  std::optional<std::string> exit_date;          // 销号: the exit event (the checks apply)
  std::string note;
};

// Where a batch (ExitBatchResult: done, failed_step) is with a household: the
// household itself (before any step), the procedure's three steps (the same
// wire strings and labels as ExitStepKinds()), the exit record. Served by
// GET /api/v1/vocabularies as exit_batch_step.
enum class ExitBatchStep { kHousehold, kAppraisal, kVerification, kNotice, kRecord };
std::span<const Term> ExitBatchSteps();

// What happened to one household of a batch: the steps recorded, or the step
// that was refused with the refusal — then nothing of this household's steps
// was kept (each household is recorded whole or not at all).
struct ExitBatchResult {
  int64_t household_id = 0;
  std::string number;                    // "" when there is no such household
  std::vector<std::string> done;         // ExitBatchSteps(): appraisal, verification, notice, record
  std::string failed_step;               // ExitBatchSteps(), "" when every step was recorded
  ErrorCode code = ErrorCode::kInternal;  // of the refusal, when failed
  std::string message;
  std::vector<ErrorDetail> details;
  std::optional<int64_t> event_id;       // the exit event
  bool ok() const { return failed_step.empty(); }
};

// {"year", "results": [{household_id, number, ok, done, event_id, and when
// refused failed_step and error {code, message, details}}], "succeeded", "failed"}
// (`fupin exit batch --json`; POST /api/v1/exits/batch adds message_zh to each error).
nlohmann::json ExitBatchJson(int year, const std::vector<ExitBatchResult>& results);

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

  // The exit procedures waiting in the caller's scope, for those who record
  // the steps (registry writers); PermissionDenied otherwise. One query.
  ExitQueue Waiting(const Caller& caller);

  // The steps of `request` for each household, through RecordStep and Exit
  // (the same checks as one at a time), in one transaction with a savepoint
  // per household. The request itself is checked first (a bad date, no step,
  // too many or repeated households: InvalidArgument, nothing written); a
  // caller who records no exit steps at all is refused (PermissionDenied);
  // after that each household's refusal is its result.
  std::vector<ExitBatchResult> RunBatch(const Caller& caller, const ExitBatchRequest& request);

 private:
  std::vector<ExitStep> Steps(int64_t household_id, int year);
  store::Connection& db_;
  const Clock& clock_;
};

}  // namespace fupin::assessment
