#include "social/terms.h"

#include <array>

#include "social/need_index.h"

namespace fupin::social {
namespace {

constexpr std::array<Term, 6> kCategories = {{
    {0, "production", "产业发展"},
    {1, "living", "生活救助"},
    {2, "education", "教育助学"},
    {3, "medical", "医疗救助"},
    {4, "employment", "就业帮扶"},
    {5, "other", "其他"},
}};
constexpr std::array<Term, 3> kUrgencies = {{
    {0, "normal", "一般"},
    {1, "urgent", "紧急"},
    {2, "critical", "特急"},
}};
constexpr std::array<Term, 4> kNeedStatuses = {{
    {0, "pending_review", "待审核"},
    {1, "open", "募集中"},
    {2, "closed", "已完成"},
    {3, "rejected", "未通过"},
}};
constexpr std::array<Term, 4> kPledgeStatuses = {{
    {0, "open", "待送达"},
    {1, "delivered", "已送达"},
    {2, "withdrawn", "已撤回"},
    {3, "released", "需求已满足"},
}};
constexpr std::array<Term, 3> kDockingStatuses = {{
    {0, "reported", "待确认"},
    {1, "confirmed", "已确认"},
    {2, "rejected", "已退回"},
}};
constexpr std::array<Term, 2> kFeedbackKinds = {{
    {0, "thanks", "感谢"},
    {1, "complaint", "投诉"},
}};

// What a donor is (donors.kind).
constexpr std::array<Term, 3> kDonorKinds = {{
    {0, "individual", "个人"},
    {1, "enterprise", "企业"},
    {2, "organisation", "社会组织"},
}};

// Why a need was closed (needs.close_reason).
constexpr std::array<Term, 3> kCloseReasons = {{
    {static_cast<int>(NeedCloseReason::kAmountReached), "amount_reached", "认捐已足额"},
    {static_cast<int>(NeedCloseReason::kMarkedFulfilled), "marked_fulfilled", "已标记完成"},
    {static_cast<int>(NeedCloseReason::kWithdrawn), "withdrawn", "已撤回"},
}};
// What the public-text check finds (text_check.h).
constexpr std::array<Term, 3> kPersonalDataKinds = {{
    {static_cast<int>(PersonalDataKind::kIdNumber), "id_number", "身份证号"},
    {static_cast<int>(PersonalDataKind::kMobilePhone), "mobile_phone", "手机号码"},
    {static_cast<int>(PersonalDataKind::kLandlinePhone), "landline_phone", "固定电话号码"},
}};

static_assert(static_cast<int>(kCategories.size()) == kCategoryCount, "the need index ranks by these categories");

}  // namespace

std::span<const Term> NeedCategoryTerms() { return kCategories; }
std::span<const Term> UrgencyTerms() { return kUrgencies; }
std::span<const Term> NeedStatusTerms() { return kNeedStatuses; }
std::span<const Term> PledgeStatusTerms() { return kPledgeStatuses; }
std::span<const Term> DockingStatusTerms() { return kDockingStatuses; }
std::span<const Term> FeedbackKindTerms() { return kFeedbackKinds; }
std::span<const Term> PersonalDataKindTerms() { return kPersonalDataKinds; }
std::span<const Term> NeedCloseReasonTerms() { return kCloseReasons; }

std::optional<NeedStatus> ParseNeedStatus(std::string_view wire) { return ParseWire<NeedStatus>(kNeedStatuses, wire); }
const char* NeedStatusName(NeedStatus status) { return WireOf(kNeedStatuses, status); }

std::vector<Vocabulary> Vocabularies() {
  return {{"need_category", kCategories},       {"urgency", kUrgencies},
          {"need_status", kNeedStatuses},       {"pledge_status", kPledgeStatuses},
          {"docking_status", kDockingStatuses}, {"feedback_kind", kFeedbackKinds},
          {"donor_kind", kDonorKinds},          {"personal_data_kind", kPersonalDataKinds},
          {"need_close_reason", kCloseReasons}};
}

}  // namespace fupin::social
