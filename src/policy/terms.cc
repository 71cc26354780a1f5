#include "policy/terms.h"

namespace fupin::policy {
namespace {

template <class E>
constexpr int Id(E value) {
  return static_cast<int>(value);
}

constexpr fupin::Term kReconcileKinds[] = {{Id(ReconcileKind::kMissed), "missed", "应享未享"},
                                    {Id(ReconcileKind::kUnentitled), "unentitled", "不应享而享"},
                                    {Id(ReconcileKind::kAmount), "amount", "金额不符"},
                                    {Id(ReconcileKind::kUnknown), "unknown", "身份证号不在库"}};
constexpr fupin::Term kChangeKinds[] = {{Id(EntitlementChangeKind::kAdded), "added", "新增"},
                                 {Id(EntitlementChangeKind::kRemoved), "removed", "取消"},
                                 {Id(EntitlementChangeKind::kChanged), "changed", "金额变化"}};

}  // namespace

std::span<const fupin::Term> ReconcileKindTerms() { return kReconcileKinds; }
std::span<const fupin::Term> EntitlementChangeTerms() { return kChangeKinds; }

std::vector<fupin::Vocabulary> Vocabularies() {
  return {{"reconcile_kind", kReconcileKinds}, {"entitlement_change", kChangeKinds}};
}

}  // namespace fupin::policy
