#include "monitoring/terms.h"

#include <array>

namespace fupin::monitoring {
namespace {

constexpr std::array<Term, 9> kCaseSteps = {{
    {0, "alert", "预警"},
    {1, "home_check", "入户核实"},
    {2, "consent", "农户承诺授权"},
    {3, "data_comparison", "部门数据比对"},
    {4, "village_appraisal", "村民主评议"},
    {5, "public_notice", "公示"},
    {6, "township_review", "乡镇审核"},
    {7, "county_approval", "县级审定"},
    {8, "entry", "纳入监测"},
}};
constexpr std::array<Term, 4> kCaseStatuses = {{
    {0, "identifying", "识别中"},
    {1, "monitored", "监测中"},
    {2, "eliminated", "风险已消除"},
    {3, "rejected", "未纳入"},
}};
constexpr std::array<Term, 3> kCategories = {{
    {0, "unstable", "脱贫不稳定户"},
    {1, "marginal", "边缘易致贫户"},
    {2, "sudden", "突发严重困难户"},
}};
constexpr std::array<Term, 4> kSources = {{
    {0, "self_report", "农户自主申报"},
    {1, "cadre_report", "干部排查"},
    {2, "department_alert", "部门筛查预警"},
    {3, "data_analysis", "数据分析"},
}};
constexpr std::array<Term, 4> kStepActions = {{
    {0, "done", "办结"},
    {1, "return", "退回"},
    {2, "reject", "不予纳入"},
    {3, "open", "发起"},
}};
constexpr std::array<Term, 5> kMeasureKinds = {{
    {0, "policy", "政策帮扶"},
    {1, "assistance", "结对帮扶"},
    {2, "employment", "就业帮扶"},
    {3, "industry", "产业帮扶"},
    {4, "other", "其他"},
}};
constexpr std::array<Term, 4> kMeasureStatuses = {{
    {0, "planned", "计划"},
    {1, "in_progress", "实施中"},
    {2, "done", "已完成"},
    {3, "stopped", "已终止"},
}};
constexpr std::array<Term, 2> kEliminationReasons = {{
    {0, "income_stable", "收入持续稳定"},
    {1, "hardship_over", "困难已解决"},
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

std::optional<ProcedureStep> ParseCaseStep(std::string_view wire) { return ParseWire<ProcedureStep>(kCaseSteps, wire); }

std::vector<Vocabulary> Vocabularies() {
  return {{"case_step", kCaseSteps},         {"case_status", kCaseStatuses},
          {"monitoring_category", kCategories}, {"case_source", kSources},
          {"step_action", kStepActions},     {"measure_kind", kMeasureKinds},
          {"measure_status", kMeasureStatuses}, {"elimination_reason", kEliminationReasons}};
}

}  // namespace fupin::monitoring
