#pragma once
// The closed sets of return-to-poverty monitoring (docs/MONITORING.md): one
// table each of stored/wire string and Chinese label (core/vocabulary.h),
// served by GET /api/v1/vocabularies.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/vocabulary.h"

namespace fupin::monitoring {

// The steps of a case, in order ("alert" is recorded when the case is opened).
enum class ProcedureStep {
  kAlert,
  kHomeCheck,
  kConsent,
  kDataComparison,
  kVillageAppraisal,
  kPublicNotice,
  kTownshipReview,
  kCountyApproval,
  kEntry,
};
enum class CaseStatus { kIdentifying, kMonitored, kEliminated, kRejected };
enum class Category { kUnstable, kMarginal, kSudden };
// What a step input asks (step_action): done, return, reject; "open" is the alert's.
enum class StepAction { kDone, kReturn, kReject, kOpen };
enum class MeasureKind { kPolicy, kAssistance, kEmployment, kIndustry, kOther };
enum class MeasureStatus { kPlanned, kInProgress, kDone, kStopped };
enum class EliminationReason { kIncomeStable, kHardshipOver };
// How a recorded step ended (monitoring_case_steps.action, step_outcome).
enum class StepOutcome { kDone, kReturned, kRejected };
// Rigid spending recorded for a household (monitoring_spending.kind, spending_kind).
enum class SpendingKind { kIllness, kSchooling, kDisaster, kAccident };
// Why a case is on the overdue list (overdue_kind).
enum class OverdueKind { kStepOverdue, kMonitoredTooLong };

std::span<const Term> CaseStepTerms();
std::span<const Term> CaseStatusTerms();
std::span<const Term> CategoryTerms();
std::span<const Term> CaseSourceTerms();
std::span<const Term> StepActionTerms();
std::span<const Term> MeasureKindTerms();
std::span<const Term> MeasureStatusTerms();
std::span<const Term> EliminationReasonTerms();
std::span<const Term> OverdueKindTerms();
std::span<const Term> StepOutcomeTerms();
std::span<const Term> SpendingKindTerms();

std::optional<ProcedureStep> ParseCaseStep(std::string_view wire);

// The monitoring vocabularies by name (case_step, case_status, ...).
std::vector<Vocabulary> Vocabularies();

}  // namespace fupin::monitoring
