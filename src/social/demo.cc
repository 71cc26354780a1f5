#include "social/demo.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "social/internal.h"
#include "social/terms.h"
#include "registry/vocab.h"

namespace fupin::social {
namespace {

// splitmix64: small, fast and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // An index picked by weight.
  template <size_t N>
  size_t Pick(const std::array<int, N>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int64_t r = Between(0, total - 1);
    for (size_t i = 0; i < N; ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return N - 1;
  }
  template <typename T>
  const T& Of(const std::vector<T>& items) {
    return items[static_cast<size_t>(Between(0, static_cast<int64_t>(items.size()) - 1))];
  }

 private:
  uint64_t state_;
};

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                            "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
                                            "谭", "彭", "邓", "曾", "肖", "廖", "唐", "蒋", "谢", "欧阳"};
const std::vector<std::string> kGiven = {"建华", "志强", "秀英", "丽华", "军", "勇", "艳", "杰", "娟", "涛",
                                         "明", "超", "霞", "平", "刚", "桂英", "文", "华", "红梅", "海燕",
                                         "立新", "国庆", "春花", "晓东", "思远", "梓涵", "一鸣", "雨欣"};
const std::vector<std::string> kFirms = {"湘衡", "洣水", "南岳", "衡兴", "金源", "湘江", "恒达", "新农",
                                         "福瑞", "宏泰", "永安", "华盛"};
const std::vector<std::string> kFirmTrades = {"农业开发", "建材", "商贸", "食品", "电子", "茶油", "物流", "建筑"};
const std::vector<std::string> kOrgs = {"爱心协会", "志愿者协会", "慈善会", "商会", "青年志愿者服务队", "老年协会"};

constexpr std::array<const char*, 6> kCategoryNames = {"production", "living",     "education",
                                                       "medical",    "employment", "other"};
constexpr std::array<int, 6> kCategoryWeights = {30, 20, 20, 15, 10, 5};
const std::array<std::vector<std::string>, 6> kTitles = {{
    {"购买油茶苗", "黄贡椒种苗和肥料", "养殖鸡苗", "购买小型农机", "修缮养殖棚舍"},
    {"过冬棉被和衣物", "修缮漏雨屋顶", "添置家用电器", "厨房灶具改造"},
    {"孩子上学的学习用品", "高中生生活费", "大学新生路费和被褥", "课外辅导书籍"},
    {"住院后的康复用品", "慢性病常用药品", "轮椅和助行器", "术后营养品"},
    {"参加技能培训的路费", "务工所需工具", "公益性岗位工作服", "电商培训设备"},
    {"家庭应急生活物资", "灾后重建材料", "老人助听器"},
}};
const std::array<std::vector<std::string>, 6> kDescriptions = {{
    {"家中有劳动力，想发展种养产业，缺少启动资金和种苗。", "村里合作社可提供技术指导，需要购买生产资料。"},
    {"家中房屋老旧，冬季保暖条件差，需要生活物资。", "家庭生活困难，急需基本生活用品。"},
    {"家中孩子在读，学习用品和生活费有困难。", "孩子考上学校，需要入学所需物品。"},
    {"家中有病人需要长期康复，护理用品开支大。", "患者出院后需要康复辅助器具。"},
    {"家中劳动力希望外出务工或就近就业，需要培训和工具。", "已报名技能培训，缺少路费和工具。"},
    {"家庭遭遇突发困难，需要临时帮助。", "需要一些日常生活辅助物品。"},
}};
constexpr std::array<const char*, 3> kUrgencyNames = {"normal", "urgent", "critical"};
constexpr std::array<int, 3> kUrgencyWeights = {70, 22, 8};
constexpr std::array<const char*, 3> kKindNames = {"individual", "enterprise", "organisation"};
constexpr std::array<int, 3> kKindWeights = {85, 10, 5};
constexpr std::array<const char*, 5> kTeamNames = {"", "volunteers", "experts", "supervisors", "ambassadors"};
constexpr std::array<int, 5> kTeamWeights = {860, 100, 20, 15, 5};

int64_t Seconds(int64_t day) { return day * 86400 + 9 * 3600; }  // 09:00 UTC of the day
std::string Day(int64_t day) { return Date::FromDays(day).ToString(); }

struct HouseholdRow {
  int64_t id = 0;
  std::string village;
  int64_t identified_day = 0;
};

struct DemoNeed {
  size_t household = 0;
  int category = 0;
  int urgency = 0;
  int64_t submitted = 0, published = 0, deadline = 0, closed = -1;
  int64_t amount = 0, received = 0;
  int64_t pledges = 0, dockings = 0;
  std::string title, description, items;
};

}  // namespace

DemoSocialSummary GenerateDemo(store::Connection& db, uint64_t seed, const Caller& caller, const DemoOptions& o) {
  std::vector<ErrorDetail> problems;
  auto area = NormalizeAreaCode(o.area_code);
  if (!area) problems.push_back({"area_code", "'" + o.area_code + "' is not an area code"});
  auto start = Date::Parse(o.platform_start);
  auto as_of = Date::Parse(o.as_of);
  if (!start) problems.push_back({"platform_start", "is not a date (YYYY-MM-DD)"});
  if (!as_of) problems.push_back({"as_of", "is not a date (YYYY-MM-DD)"});
  if (start && as_of && as_of->ToDays() - start->ToDays() < 120) {
    problems.push_back({"as_of", "must lie at least 120 days after platform_start"});
  }
  if (o.donors < 1) problems.push_back({"donors", "must be at least 1"});
  if (o.needs < 0) problems.push_back({"needs", "must not be negative"});
  if (o.dockings < 0) problems.push_back({"dockings", "must not be negative"});
  if (o.dockings > 0 && o.needs == 0) problems.push_back({"dockings", "need at least one need"});
  if (o.undelivered_pledges < 0) problems.push_back({"undelivered_pledges", "must not be negative"});
  if (!problems.empty()) throw Error::InvalidArgument("bad demo options", std::move(problems));

  access::Audit audit(db, DefaultClock());
  // The demo makes donor accounts: the offices, or whoever may write users.
  if (!access::Can(caller, access::Ability::kGenerateSocialDemo)) {
    access::Guard(audit).RequireWrite(caller, access::Resource::kUsers, {*area, std::nullopt, "social/demo"});
  }
  access::Guard(audit).RequireWrite(caller, access::Resource::kSocial, {*area, std::nullopt, "social/demo"});
  const auto [lo, hi] = internal::AreaRange(*area);
  {
    auto s = db.Prepare("SELECT COUNT(*) FROM needs WHERE village_code >= ? AND village_code < ?");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->Step();
    if (s->Int(0) > 0) throw Error::FailedPrecondition("area " + *area + " already has needs; demo data is made once");
  }
  const int64_t first_day = start->ToDays();
  const int64_t last_day = as_of->ToDays();

  // The registered households on as_of (status poor or exited), in one read.
  std::vector<HouseholdRow> households;
  {
    auto s = db.Prepare(
        "SELECT e.household_id, e.kind, e.date, h.village_code FROM household_events e"
        " JOIN households h ON h.id = e.household_id"
        " WHERE h.village_code >= ? AND h.village_code < ? AND e.date <= ?"
        " ORDER BY e.household_id, e.date, e.id");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->BindText(3, o.as_of);
    HouseholdRow current;
    std::string kind;
    current.id = -1;
    auto flush = [&] {
      const std::string_view status = registry::StatusAfter(kind);
      if (current.id >= 0 && (status == "poor" || status == "exited")) {
        households.push_back(current);
      }
    };
    while (s->Step()) {
      const int64_t id = s->Int(0);
      if (id != current.id) {
        flush();
        current = HouseholdRow{id, s->Text(3), -1};
      }
      kind = s->Text(1);
      if (kind == "identified" && current.identified_day < 0) {
        current.identified_day = Date::Parse(s->Text(2)).value_or(*start).ToDays();
      }
    }
    flush();
  }
  if (households.empty()) {
    throw Error::FailedPrecondition("area " + *area + " has no registered household on " + o.as_of +
                                    "; generate the registry first");
  }

  Random rng(seed ^ 0x50C1A1ull);
  DemoSocialSummary summary;
  const std::string actor = caller.user_name;
  store::Transaction tx(db);

  // Every registered household enrolled on the platform.
  {
    auto s = db.Prepare(
        "INSERT INTO household_app_registrations (household_id, enrolled_on, enrolled_by, created_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (household_id) DO NOTHING");
    for (const auto& h : households) {
      const int64_t day = std::min(last_day, std::max(first_day, h.identified_day) + rng.Between(0, 59));
      s->BindInt(1, h.id);
      s->BindText(2, Day(day));
      s->BindText(3, actor);
      s->BindInt(4, Seconds(day));
      summary.households_enrolled += s->Run();
    }
  }

  // Donors, registered in order over the platform's life (the first on its first day).
  std::vector<int64_t> donor_ids;
  std::vector<int64_t> donor_days;
  donor_ids.reserve(static_cast<size_t>(o.donors));
  donor_days.reserve(static_cast<size_t>(o.donors));
  {
    auto user = db.Prepare(
        "INSERT INTO users (name, role, area_code, disabled, password_hash, password_changed_at, created_at, updated_at)"
        " VALUES (?, 'donor', '', 1, '!demo-no-login', ?, ?, ?) RETURNING id");
    auto profile = db.Prepare(
        "INSERT INTO donor_profiles (user_id, display_name, kind, county_code, township_code, interests, team,"
        " registered_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    const int64_t span = last_day - first_day;
    for (int64_t i = 0; i < o.donors; ++i) {
      const int64_t day = first_day + (o.donors > 1 ? span * i / (o.donors - 1) : 0);
      char name[64];
      std::snprintf(name, sizeof name, "donor-%s-%06lld", area->c_str(), static_cast<long long>(i) + 1);
      const size_t kind = rng.Pick(kKindWeights);
      std::string display;
      if (kind == 0) display = rng.Of(kSurnames) + rng.Of(kGiven);
      else if (kind == 1) display = "衡阳市" + rng.Of(kFirms) + rng.Of(kFirmTrades) + "有限公司";
      else display = rng.Of(kFirms) + rng.Of(kOrgs);
      const std::string& village = rng.Of(households).village;
      const std::string county = village.substr(0, std::min<size_t>(6, village.size()));
      std::optional<std::string> township;
      if (village.size() >= 9 && rng.Between(0, 9) < 8) township = village.substr(0, 9);
      std::vector<std::string> interests;
      for (size_t c = 0; c < kCategoryNames.size(); ++c) {
        if (rng.Between(0, 99) < 25) interests.emplace_back(kCategoryNames[c]);
      }
      const size_t team = rng.Pick(kTeamWeights);
      user->BindText(1, name);
      user->BindInt(2, Seconds(day));
      user->BindInt(3, Seconds(day));
      user->BindInt(4, Seconds(day));
      user->Step();
      const int64_t user_id = user->Int(0);
      user->Reset();
      profile->BindInt(1, user_id);
      profile->BindText(2, display);
      profile->BindText(3, kKindNames[kind]);
      profile->BindText(4, county);
      profile->BindOptionalText(5, township);
      profile->BindText(6, internal::JoinComma(interests));
      if (team == 0) profile->BindNull(7);
      else profile->BindText(7, kTeamNames[team]);
      profile->BindText(8, Day(day));
      profile->BindInt(9, Seconds(day));
      profile->BindInt(10, Seconds(day));
      profile->Step();
      donor_ids.push_back(profile->Int(0));
      profile->Reset();
      donor_days.push_back(day);
    }
    summary.donors = o.donors;
  }
  // A donor registered on or before `day`.
  auto donor_by = [&](int64_t day) {
    const auto end = std::upper_bound(donor_days.begin(), donor_days.end(), day);
    const int64_t count = std::max<int64_t>(1, end - donor_days.begin());
    return static_cast<size_t>(rng.Between(0, count - 1));
  };

  // Needs: spread over the households (each at least once while there are
  // enough needs), published over the platform's life, leaving the last 60
  // days for their help to arrive.
  std::vector<size_t> order(households.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[static_cast<size_t>(rng.Between(0, static_cast<int64_t>(i) - 1))]);
  }
  std::vector<DemoNeed> needs(static_cast<size_t>(o.needs));
  const int64_t base = o.needs > 0 ? o.dockings / o.needs : 0;
  const int64_t extra = o.needs > 0 ? o.dockings % o.needs : 0;
  for (size_t i = 0; i < needs.size(); ++i) {
    DemoNeed& n = needs[i];
    n.household = order[i % order.size()];
    n.category = static_cast<int>(rng.Pick(kCategoryWeights));
    n.urgency = static_cast<int>(rng.Pick(kUrgencyWeights));
    const int64_t earliest = std::max(first_day, households[n.household].identified_day);
    n.published = rng.Between(std::min(earliest, last_day - 60), last_day - 60);
    n.submitted = std::max(first_day, n.published - rng.Between(0, 3));
    n.deadline = n.published + rng.Between(60, 180);
    n.dockings = base + (static_cast<int64_t>(i) < extra ? 1 : 0);
    const auto c = static_cast<size_t>(n.category);
    n.title = rng.Of(kTitles[c]);
    n.description = rng.Of(kDescriptions[c]);
    if (c == 2) n.items = "书包、文具、课外书";
    if (c == 1) n.items = "棉被、冬衣";
  }

  // Pledges and dockings of each need, then the need itself.
  auto need_insert = db.Prepare(
      "INSERT INTO needs (household_id, village_code, category, title, description, amount_fen, items, deadline,"
      " urgency, status, close_reason, submitted_by, submitted_on, reviewed_by, review_note, published_on, closed_on,"
      " received_fen, pledge_count, docking_count, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  auto pledge_insert = db.Prepare(
      "INSERT INTO pledges (need_id, donor_id, amount_fen, items, pledged_on, status, created_at)"
      " VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id");
  auto docking_insert = db.Prepare(
      "INSERT INTO dockings (pledge_id, need_id, donor_id, amount_fen, items, delivered_on, recorded_by, status,"
      " confirmed_by, confirmed_on, note, created_at) VALUES (?, ?, ?, ?, '', ?, ?, 'confirmed', ?, ?, '', ?) RETURNING id");
  auto feedback_insert = db.Prepare(
      "INSERT INTO docking_feedback (docking_id, kind, text, recorded_by, recorded_on, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?)");
  std::vector<int64_t> open_needs;
  struct Help {
    int64_t pledged, delivered, confirmed, amount;
    size_t donor;
  };
  for (DemoNeed& n : needs) {
    std::vector<Help> help;
    for (int64_t k = 0; k < n.dockings; ++k) {
      Help h{};
      h.pledged = n.published + rng.Between(0, 10);
      h.delivered = h.pledged + rng.Between(1, 20);
      h.confirmed = std::min(last_day, h.delivered + rng.Between(0, 5));
      h.amount = rng.Between(2, 30) * 10000;  // 200 to 3000 yuan
      h.donor = donor_by(h.pledged);
      help.push_back(h);
      n.received += h.amount;
    }
    // About one need in twenty is still open: its amount is not reached yet.
    const bool open = n.dockings == 0 || rng.Between(0, 19) == 0;
    n.amount = open ? n.received + rng.Between(5, 30) * 10000 : n.received;
    int64_t last_confirmed = n.published;
    for (const auto& h : help) last_confirmed = std::max(last_confirmed, h.confirmed);
    if (!open) n.closed = last_confirmed;
    n.pledges = n.dockings;
    const HouseholdRow& hh = households[n.household];
    need_insert->BindInt(1, hh.id);
    need_insert->BindText(2, hh.village);
    need_insert->BindText(3, kCategoryNames[static_cast<size_t>(n.category)]);
    need_insert->BindText(4, n.title);
    need_insert->BindText(5, n.description);
    need_insert->BindInt(6, n.amount);
    need_insert->BindText(7, n.items);
    need_insert->BindText(8, Day(n.deadline));
    need_insert->BindText(9, kUrgencyNames[static_cast<size_t>(n.urgency)]);
    need_insert->BindText(10, open ? "open" : "closed");
    if (open) need_insert->BindNull(11);
    else need_insert->BindText(11, WireOf(NeedCloseReasonTerms(), NeedCloseReason::kAmountReached));
    need_insert->BindText(12, actor);
    need_insert->BindText(13, Day(n.submitted));
    need_insert->BindText(14, actor);
    need_insert->BindText(15, Day(n.published));
    if (open) need_insert->BindNull(16);
    else need_insert->BindText(16, Day(n.closed));
    need_insert->BindInt(17, n.received);
    need_insert->BindInt(18, n.pledges);
    need_insert->BindInt(19, n.dockings);
    need_insert->BindInt(20, Seconds(n.submitted));
    need_insert->BindInt(21, Seconds(open ? n.published : n.closed));
    need_insert->Step();
    const int64_t need_id = need_insert->Int(0);
    need_insert->Reset();
    if (open) open_needs.push_back(need_id);
    ++summary.needs;
    if (open) ++summary.needs_open;
    int64_t last_docking = 0;
    for (const auto& h : help) {
      pledge_insert->BindInt(1, need_id);
      pledge_insert->BindInt(2, donor_ids[h.donor]);
      pledge_insert->BindInt(3, h.amount);
      pledge_insert->BindText(4, Day(h.pledged));
      pledge_insert->BindText(5, "delivered");
      pledge_insert->BindInt(6, Seconds(h.pledged));
      pledge_insert->Step();
      const int64_t pledge_id = pledge_insert->Int(0);
      pledge_insert->Reset();
      docking_insert->BindInt(1, pledge_id);
      docking_insert->BindInt(2, need_id);
      docking_insert->BindInt(3, donor_ids[h.donor]);
      docking_insert->BindInt(4, h.amount);
      docking_insert->BindText(5, Day(h.delivered));
      docking_insert->BindText(6, actor);
      docking_insert->BindText(7, actor);
      docking_insert->BindText(8, Day(h.confirmed));
      docking_insert->BindInt(9, Seconds(h.delivered));
      docking_insert->Step();
      last_docking = docking_insert->Int(0);
      docking_insert->Reset();
      ++summary.pledges;
      ++summary.dockings;
    }
    if (!open && last_docking > 0) {
      const bool complaint = rng.Between(0, 99) == 0;
      feedback_insert->BindInt(1, last_docking);
      feedback_insert->BindText(2, complaint ? "complaint" : "thanks");
      feedback_insert->BindText(3, complaint ? "物资送达较晚，希望下次及时联系村里。" : "帮扶物资已收到，全家非常感谢！");
      feedback_insert->BindText(4, actor);
      feedback_insert->BindText(5, Day(n.closed));
      feedback_insert->BindInt(6, Seconds(n.closed));
      feedback_insert->Run();
      ++summary.feedback;
    }
  }

  // Pledges made and never delivered, for the supervisors' list.
  if (!open_needs.empty()) {
    auto bump = db.Prepare("UPDATE needs SET pledge_count = pledge_count + 1 WHERE id = ?");
    for (int64_t i = 0; i < o.undelivered_pledges; ++i) {
      const int64_t need_id = rng.Of(open_needs);
      const int64_t day = last_day - rng.Between(31, 200);
      pledge_insert->BindInt(1, need_id);
      pledge_insert->BindInt(2, donor_ids[donor_by(day)]);
      pledge_insert->BindInt(3, rng.Between(2, 20) * 10000);
      pledge_insert->BindText(4, Day(day));
      pledge_insert->BindText(5, "open");
      pledge_insert->BindInt(6, Seconds(day));
      pledge_insert->Step();
      pledge_insert->Reset();
      bump->BindInt(1, need_id);
      bump->Run();
      ++summary.pledges;
    }
  }
  {
    auto s = db.Prepare(
        "INSERT INTO need_changes (need_id) SELECT id FROM needs WHERE village_code >= ? AND village_code < ?"
        " ORDER BY id");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->Run();
  }
  audit.Record(caller, {"social.demo", "social/demo", *area, std::nullopt,
                        nlohmann::json{{"seed", seed},
                                       {"households_enrolled", summary.households_enrolled},
                                       {"donors", summary.donors},
                                       {"needs", summary.needs},
                                       {"needs_open", summary.needs_open},
                                       {"pledges", summary.pledges},
                                       {"dockings", summary.dockings},
                                       {"feedback", summary.feedback}}
                            .dump()});
  tx.Commit();
  return summary;
}

}  // namespace fupin::social
