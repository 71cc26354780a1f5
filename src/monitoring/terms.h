#pragma once
// The closed sets of return-to-poverty monitoring (docs/MONITORING.md): one
// table each of stored/wire string and Chinese label (core/vocabulary.h),
// served by GET /api/v1/vocabularies.
#include <optional>
#include <span>
#include <string>
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
// The rules a scan applies (RiskHit.rule, a case's risks, risk_rule); each
// rule's wire string is also the name of its parameter.
enum class RiskRule {
  kIncomeBelowLine,
  kIncomeDrop,
  kRigidSpending,
  kJobLoss,
  kOverdueLoan,
  kDividendsStopped,
  kSelfApplication,
};
// A department's alert roster (monitoring_alerts.kind, alert_kind).
enum class AlertKind { kMedical, kDisaster, kUnemployment };
// What a monitoring parameter sets (RuleParameter.kind, parameter_kind): a rule
// a scan applies, which may be switched off, or a procedure setting.
enum class ParameterKind { kRisk, kProcedure };
// How a case came to be (monitoring_cases.source, case_source).
enum class CaseSource { kSelfReport, kCadreReport, kDepartmentAlert, kDataAnalysis };

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
std::span<const Term> RiskRuleTerms();
std::span<const Term> AlertKindTerms();
std::span<const Term> ParameterKindTerms();

std::optional<ProcedureStep> ParseCaseStep(std::string_view wire);

// An alert kind as a clerk or a caller gives it: the wire string, the Chinese
// label or its short form (医疗, 灾害, 失业).
std::optional<AlertKind> ParseAlertKind(std::string_view text);
// The same at a service's edge: a kind outside the table is kInvalidArgument
// naming `field` and the accepted values.
AlertKind AlertKindOf(std::string_view text, const std::string& field);

// The monitoring vocabularies by name (case_step, case_status, ...).
std::vector<Vocabulary> Vocabularies();

}  // namespace fupin::monitoring
