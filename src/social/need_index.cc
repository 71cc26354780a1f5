#include "social/need_index.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <queue>

#include "core/error.h"
#include "social/terms.h"

namespace fupin::social {
namespace {


int64_t ParseCode(std::string_view code) {
  int64_t v = 0;
  for (char c : code) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return code.empty() ? -1 : v;
}

int64_t Pow10(size_t n) {
  int64_t v = 1;
  for (size_t i = 0; i < n; ++i) v *= 10;
  return v;
}

// Reads one needs row (id, village_code, category, urgency, status, deadline, pledge_count).
IndexedNeed ReadRow(const store::Statement& s) {
  IndexedNeed n;
  n.id = s.Int(0);
  n.village = ParseCode(s.Text(1));
  n.category = std::max(0, CategoryIndex(s.Text(2)));
  n.urgency = std::max(0, UrgencyIndex(s.Text(3)));
  const auto deadline = Date::Parse(s.Text(5));
  n.deadline = deadline ? deadline->ToDays() : 0;
  n.pledges = s.Int(6);
  return n;
}

constexpr std::string_view kRowColumns = "id, village_code, category, urgency, status, deadline, pledge_count";

}  // namespace

// Categories and urgencies are indexed by their ids in the one table of each (social/terms.cc).
int CategoryIndex(std::string_view name) { return FindWire(NeedCategoryTerms(), name).value_or(-1); }

const char* CategoryName(int index) {
  const Term* t = FindTerm(NeedCategoryTerms(), index);
  return t ? t->wire : "";
}

int UrgencyIndex(std::string_view name) { return FindWire(UrgencyTerms(), name).value_or(-1); }

void NeedIndex::Refresh(store::Connection& db) {
  const int64_t head = db.QueryInt("SELECT MAX(seq) FROM need_changes").value_or(0);
  {
    std::shared_lock lock(mutex_);
    if (last_seq_ >= 0 && head == last_seq_) return;
  }
  std::unique_lock lock(mutex_);
  if (last_seq_ >= 0 && head == last_seq_) return;
  if (last_seq_ < 0 || head < last_seq_) {
    // First load (or a store that was replaced): every open need.
    entries_.clear();
    slot_.clear();
    // One pass over the table (status || '' keeps the planner off the status index,
    // which would cost a random read per row).
    auto s = db.Prepare("SELECT " + std::string(kRowColumns) + " FROM needs WHERE status || '' = " +
                        SqlWire(NeedStatusTerms(), NeedStatus::kOpen));
    while (s->Step()) UpsertLocked(ReadRow(*s));
  } else {
    auto s = db.Prepare("SELECT " + std::string(kRowColumns) +
                        " FROM needs WHERE id IN (SELECT need_id FROM need_changes WHERE seq > ? AND seq <= ?)");
    s->BindInt(1, last_seq_);
    s->BindInt(2, head);
    while (s->Step()) {
      if (s->Text(4) == "open") {
        UpsertLocked(ReadRow(*s));
      } else {
        RemoveLocked(s->Int(0));
      }
    }
  }
  last_seq_ = head;
}

void NeedIndex::Upsert(const IndexedNeed& need) {
  std::unique_lock lock(mutex_);
  UpsertLocked(need);
}

void NeedIndex::Remove(int64_t id) {
  std::unique_lock lock(mutex_);
  RemoveLocked(id);
}

size_t NeedIndex::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

void NeedIndex::UpsertLocked(const IndexedNeed& n) {
  Entry e{};
  e.id = n.id;
  e.village = n.village;
  e.county = static_cast<int32_t>(n.village / 1000000);
  e.township = static_cast<int32_t>(n.village / 1000 % 1000);
  e.deadline = static_cast<int32_t>(n.deadline);
  e.pledges = static_cast<int32_t>(std::min<int64_t>(n.pledges, 0xFFFFF));
  e.category = static_cast<uint8_t>(n.category);
  e.urgency = static_cast<uint8_t>(n.urgency);
  auto it = slot_.find(n.id);
  if (it != slot_.end()) {
    entries_[it->second] = e;
  } else {
    slot_.emplace(n.id, entries_.size());
    entries_.push_back(e);
  }
}

void NeedIndex::RemoveLocked(int64_t id) {
  auto it = slot_.find(id);
  if (it == slot_.end()) return;
  const size_t slot = it->second;
  slot_.erase(it);
  if (slot + 1 != entries_.size()) {
    entries_[slot] = entries_.back();
    slot_[entries_[slot].id] = slot;
  }
  entries_.pop_back();
}

std::vector<RankedNeed> NeedIndex::Top(const DonorPreferences& donor, size_t limit) const {
  std::vector<RankedNeed> out;
  if (limit == 0) return out;
  const int64_t county = donor.county_code.size() == 6 ? ParseCode(donor.county_code) : -1;
  const int64_t township = donor.township_code.size() == 9 && donor.township_code.starts_with(donor.county_code)
                               ? ParseCode(donor.township_code.substr(6))
                               : -1;
  int64_t prefix = -1;
  int64_t divisor = 1;
  if (!donor.area_prefix.empty()) {
    prefix = ParseCode(donor.area_prefix);
    if (prefix < 0 || donor.area_prefix.size() > 12) return out;
    divisor = Pow10(12 - donor.area_prefix.size());
  }
  const int32_t today = static_cast<int32_t>(donor.today.ToDays());
  const uint32_t interests = donor.interests;

  // Key: bigger is better. locality (2 bits) | interest | urgency (2) | fewer pledges (20) | sooner deadline (24).
  using Item = std::pair<uint64_t, int64_t>;  // key, -id (so the lower id wins a tie)
  auto worse = [](const Item& a, const Item& b) { return a > b; };  // min-heap on the key
  std::priority_queue<Item, std::vector<Item>, decltype(worse)> heap(worse);
  std::shared_lock lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.deadline < today) continue;
    if (prefix >= 0 && e.village / divisor != prefix) continue;
    uint64_t locality = 0;
    if (e.county == county) locality = e.township == township ? 2 : 1;
    const uint64_t interest = (interests >> e.category) & 1u;
    const uint64_t key = locality << 47 | interest << 46 | uint64_t{e.urgency} << 44 |
                         uint64_t(0xFFFFF - e.pledges) << 24 |
                         uint64_t(0xFFFFFF - std::min<int32_t>(e.deadline - today, 0xFFFFFF));
    const Item item{key, -e.id};
    if (heap.size() < limit) {
      heap.push(item);
    } else if (item > heap.top()) {
      heap.pop();
      heap.push(item);
    }
  }
  std::vector<Item> best;
  best.reserve(heap.size());
  while (!heap.empty()) {
    best.push_back(heap.top());
    heap.pop();
  }
  std::reverse(best.begin(), best.end());
  for (const auto& [key, neg_id] : best) {
    RankedNeed r;
    r.id = -neg_id;
    const uint64_t locality = key >> 47 & 3;
    r.same_township = locality == 2;
    r.same_county = locality >= 1;
    r.interest = (key >> 46 & 1) != 0;
    r.urgency = static_cast<int>(key >> 44 & 3);
    r.pledges = static_cast<int64_t>(0xFFFFF - (key >> 24 & 0xFFFFF));
    out.push_back(r);
  }
  return out;
}

}  // namespace fupin::social
