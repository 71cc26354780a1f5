#pragma once
// The closed sets of social assistance (docs/SOCIAL.md): one table each of
// stored/wire string and Chinese label (core/vocabulary.h), served by
// GET /api/v1/vocabularies.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/vocabulary.h"

namespace fupin::social {

enum class NeedStatus { kPendingReview, kOpen, kClosed, kRejected };
enum class PledgeStatus { kOpen, kDelivered, kWithdrawn, kReleased };
enum class DockingStatus { kReported, kConfirmed, kRejected };
// Why a need was closed (needs.close_reason, need_close_reason).
enum class NeedCloseReason { kAmountReached, kMarkedFulfilled, kWithdrawn };
// What the public-text check finds (text_check.h PersonalDataFinding.kind, personal_data_kind).
enum class PersonalDataKind { kIdNumber, kMobilePhone, kLandlinePhone };

// Ids are the index the need index ranks by (need_index.h kCategoryCount).
std::span<const Term> NeedCategoryTerms();
std::span<const Term> UrgencyTerms();
std::span<const Term> NeedStatusTerms();
std::span<const Term> PledgeStatusTerms();
std::span<const Term> DockingStatusTerms();
std::span<const Term> FeedbackKindTerms();
std::span<const Term> PersonalDataKindTerms();
std::span<const Term> NeedCloseReasonTerms();

std::optional<NeedStatus> ParseNeedStatus(std::string_view wire);
const char* NeedStatusName(NeedStatus status);

// The social vocabularies by name (need_status, pledge_status, ...).
std::vector<Vocabulary> Vocabularies();

}  // namespace fupin::social
