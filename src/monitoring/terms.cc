#include "monitoring/terms.h"

#include <array>

#include "core/error.h"

namespace fupin::monitoring {
namespace {

template <class E>
constexpr int Id(E value) {
  return static_cast<int>(value);
}

constexpr std::array<Term, 9> kCaseSteps = {{
    {Id(ProcedureStep::kAlert), "alert", "预警"},
    {Id(ProcedureStep::kHomeCheck), "home_check", "入户核实"},
    {Id(ProcedureStep::kConsent), "consent", "农户承诺授权"},
    {Id(ProcedureStep::kDataComparison), "data_comparison", "部门数据比对"},
    {Id(ProcedureStep::kVillageAppraisal), "village_appraisal", "村民主评议"},
    {Id(ProcedureStep::kPublicNotice), "public_notice", "公示"},
    {Id(ProcedureStep::kTownshipReview), "township_review", "乡镇审核"},
    {Id(ProcedureStep::kCountyApproval), "county_approval", "县级审定"},
    {Id(ProcedureStep::kEntry), "entry", "纳入监测"},
}};
constexpr std::array<Term, 4> kCaseStatuses = {{
    {Id(CaseStatus::kIdentifying), "identifying", "识别中"},
    {Id(CaseStatus::kMonitored), "monitored", "监测中"},
    {Id(CaseStatus::kEliminated), "eliminated", "风险已消除"},
    {Id(CaseStatus::kRejected), "rejected", "未纳入"},
}};
constexpr std::array<Term, 3> kCategories = {{
    {Id(Category::kUnstable), "unstable", "脱贫不稳定户"},
    {Id(Category::kMarginal), "marginal", "边缘易致贫户"},
    {Id(Category::kSudden), "sudden", "突发严重困难户"},
}};
constexpr std::array<Term, 4> kSources = {{
    {Id(CaseSource::kSelfReport), "self_report", "农户自主申报"},
    {Id(CaseSource::kCadreReport), "cadre_report", "干部排查"},
    {Id(CaseSource::kDepartmentAlert), "department_alert", "部门筛查预警"},
    {Id(CaseSource::kDataAnalysis), "data_analysis", "数据分析"},
}};
constexpr std::array<Term, 4> kStepActions = {{
    {Id(StepAction::kDone), "done", "办结"},
    {Id(StepAction::kReturn), "return", "退回"},
    {Id(StepAction::kReject), "reject", "不予纳入"},
    {Id(StepAction::kOpen), "open", "发起"},
}};
constexpr std::array<Term, 5> kMeasureKinds = {{
    {Id(MeasureKind::kPolicy), "policy", "政策帮扶"},
    {Id(MeasureKind::kAssistance), "assistance", "结对帮扶"},
    {Id(MeasureKind::kEmployment), "employment", "就业帮扶"},
    {Id(MeasureKind::kIndustry), "industry", "产业帮扶"},
    {Id(MeasureKind::kOther), "other", "其他"},
}};
constexpr std::array<Term, 4> kMeasureStatuses = {{
    {Id(MeasureStatus::kPlanned), "planned", "计划"},
    {Id(MeasureStatus::kInProgress), "in_progress", "实施中"},
    {Id(MeasureStatus::kDone), "done", "已完成"},
    {Id(MeasureStatus::kStopped), "stopped", "已终止"},
}};
constexpr std::array<Term, 2> kEliminationReasons = {{
    {Id(EliminationReason::kIncomeStable), "income_stable", "收入持续稳定"},
    {Id(EliminationReason::kHardshipOver), "hardship_over", "困难已解决"},
}};
constexpr std::array<Term, 2> kOverdueKinds = {{
    {Id(OverdueKind::kStepOverdue), "step_overdue", "环节超期"},
    {Id(OverdueKind::kMonitoredTooLong), "monitored_too_long", "监测时间过长"},
}};
constexpr std::array<Term, 3> kStepOutcomes = {{
    {Id(StepOutcome::kDone), "done", "办结"},
    {Id(StepOutcome::kReturned), "returned", "退回"},
    {Id(StepOutcome::kRejected), "rejected", "不予纳入"},
}};
constexpr std::array<Term, 4> kSpendingKinds = {{
    {Id(SpendingKind::kIllness), "illness", "大病"},
    {Id(SpendingKind::kSchooling), "schooling", "就学"},
    {Id(SpendingKind::kDisaster), "disaster", "灾害"},
    {Id(SpendingKind::kAccident), "accident", "意外"},
}};
constexpr std::array<Term, 7> kRiskRules = {{
    {Id(RiskRule::kIncomeBelowLine), "income_below_line", "人均纯收入低于监测线"},
    {Id(RiskRule::kIncomeDrop), "income_drop", "收入大幅缩减"},
    {Id(RiskRule::kRigidSpending), "rigid_spending", "刚性支出远超收入"},
    {Id(RiskRule::kJobLoss), "job_loss", "家庭成员失业"},
    {Id(RiskRule::kOverdueLoan), "overdue_loan", "小额信贷逾期"},
    {Id(RiskRule::kDividendsStopped), "dividends_stopped", "经营主体停止分红"},
    {Id(RiskRule::kSelfApplication), "self_application", "农户自主申报"},
}};
constexpr std::array<Term, 3> kAlertKinds = {{
    {Id(AlertKind::kMedical), "medical", "医疗支出"},
    {Id(AlertKind::kDisaster), "disaster", "灾害损失"},
    {Id(AlertKind::kUnemployment), "unemployment", "失业"},
}};
// What clerks also type for an alert kind: the label's first word.
struct ShortLabel {
  AlertKind kind;
  const char* zh;
};
constexpr std::array<ShortLabel, 2> kAlertKindShortLabels = {{
    {AlertKind::kMedical, "医疗"},
    {AlertKind::kDisaster, "灾害"},
}};
constexpr std::array<Term, 2> kParameterKinds = {{
    {Id(ParameterKind::kRisk), "risk", "风险规则"},
    {Id(ParameterKind::kProcedure), "procedure", "办理程序"},
}};

}  // namespace

std::span<const Term> CaseStepTerms() { return kCaseSteps; }
std::span<const Term> CaseStatusTerms() { return kCaseStatuses; }
std::span<const Term> CategoryTerms() { return kCategories; }
std::span<const Term> CaseSourceTerms() { return kSources; }
std::span<const Term> StepActionTerms() { return kStepActions; }
std::span<const Term> MeasureKindTerms() { return kMeasureKinds; }
std::span<const Term> MeasureStatusTerms() { return kMeasureStatuses; }
std::span<const Term> EliminationReasonTerms() { return kEliminationReasons; }
std::span<const Term> OverdueKindTerms() { return kOverdueKinds; }
std::span<const Term> StepOutcomeTerms() { return kStepOutcomes; }
std::span<const Term> SpendingKindTerms() { return kSpendingKinds; }
std::span<const Term> RiskRuleTerms() { return kRiskRules; }
std::span<const Term> AlertKindTerms() { return kAlertKinds; }
std::span<const Term> ParameterKindTerms() { return kParameterKinds; }

std::optional<ProcedureStep> ParseCaseStep(std::string_view wire) { return ParseWire<ProcedureStep>(kCaseSteps, wire); }

std::optional<AlertKind> ParseAlertKind(std::string_view text) {
  if (auto kind = ParseWire<AlertKind>(kAlertKinds, text)) return kind;
  for (const Term& t : kAlertKinds) {
    if (text == t.zh) return static_cast<AlertKind>(t.id);
  }
  for (const ShortLabel& s : kAlertKindShortLabels) {
    if (text == s.zh) return s.kind;
  }
  return std::nullopt;
}

AlertKind AlertKindOf(std::string_view text, const std::string& field) {
  const auto kind = ParseAlertKind(text);
  if (!kind) {
    throw Error::InvalidArgument("bad alert kind", {{field, "'" + std::string(text) + "' is not " + WireList(kAlertKinds)}});
  }
  return *kind;
}

std::vector<Vocabulary> Vocabularies() {
  return {{"case_step", kCaseSteps},         {"case_status", kCaseStatuses},
          {"monitoring_category", kCategories}, {"case_source", kSources},
          {"step_action", kStepActions},     {"measure_kind", kMeasureKinds},
          {"measure_status", kMeasureStatuses}, {"elimination_reason", kEliminationReasons},
          {"overdue_kind", kOverdueKinds},       {"step_outcome", kStepOutcomes},
          {"spending_kind", kSpendingKinds},     {"risk_rule", kRiskRules},
          {"alert_kind", kAlertKinds},           {"parameter_kind", kParameterKinds}};
}

}  // namespace fupin::monitoring
