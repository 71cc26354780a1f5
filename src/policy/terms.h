#pragma once
// The closed sets of entitlements and reconciliation (docs/POLICY.md): one
// table each of stored/wire string and Chinese label (core/vocabulary.h),
// served by GET /api/v1/vocabularies.
#include <span>
#include <vector>

#include "core/vocabulary.h"

namespace fupin::policy {

// A gap between the entitlements and a department's roster, in the order the
// reconciliation lists them.
enum class ReconcileKind { kMissed, kUnentitled, kAmount, kUnknown };
// How an entitlement moved from one run to the next (entitlement_changes.kind).
enum class EntitlementChangeKind { kAdded, kRemoved, kChanged };

std::span<const fupin::Term> ReconcileKindTerms();
std::span<const fupin::Term> EntitlementChangeTerms();

// reconcile_kind, entitlement_change.
std::vector<fupin::Vocabulary> Vocabularies();

}  // namespace fupin::policy
