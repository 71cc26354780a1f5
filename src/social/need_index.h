#pragma once
// The in-memory index behind donors' suggestions: every open need, packed in
// one array, ranked for one donor by a single pass (a bounded heap of the best
// `limit`). One million needs take about 40 MB and a pass takes a few
// milliseconds (docs/PERFORMANCE.md).
//
// Ranking, most important first:
//   1. locality: the donor's township, then the donor's county, then the rest;
//   2. the need's category is one of the donor's interests;
//   3. urgency (critical, urgent, normal);
//   4. least help so far (fewest pledges);
//   5. nearest deadline; then the lowest id.
// Needs past their deadline are left out.
//
// Keeping it current: every write to a need appends the need's id to
// need_changes (the service does it in the same transaction). Refresh() reads
// the rows changed since the last refresh in one query, so after the first
// load (one query over the open needs) a refresh costs one indexed lookup.
//
// Thread-safe: Refresh() and Top() may be called from several threads.
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "store/database.h"

namespace fupin::social {

inline constexpr int kCategoryCount = 6;  // production living education medical employment other
// Index of a category name (0..5), or -1.
int CategoryIndex(std::string_view name);
const char* CategoryName(int index);
// normal 0, urgent 1, critical 2; -1 for anything else.
int UrgencyIndex(std::string_view name);

struct IndexedNeed {
  int64_t id = 0;
  int64_t village = 0;      // the 12-digit village code as a number
  int category = 0;         // CategoryIndex
  int urgency = 0;          // UrgencyIndex
  int64_t pledges = 0;      // help so far
  int64_t deadline = 0;     // days since 1970-01-01
};

struct DonorPreferences {
  std::string county_code;    // 6 digits, or ""
  std::string township_code;  // 9 digits, or ""
  uint32_t interests = 0;     // bit i: CategoryIndex i
  std::string area_prefix;    // only needs whose village starts with it ("" = all)
  Date today;
};

struct RankedNeed {
  int64_t id = 0;
  bool same_township = false;
  bool same_county = false;
  bool interest = false;
  int urgency = 0;
  int64_t pledges = 0;
};

class NeedIndex {
 public:
  NeedIndex() = default;
  NeedIndex(const NeedIndex&) = delete;
  NeedIndex& operator=(const NeedIndex&) = delete;

  // Brings the index up to date with the store (see above).
  void Refresh(store::Connection& db);

  // The best `limit` needs for a donor, best first.
  std::vector<RankedNeed> Top(const DonorPreferences& donor, size_t limit) const;

  // Direct edits (for benchmarks and tests): add or replace, remove.
  void Upsert(const IndexedNeed& need);
  void Remove(int64_t id);
  size_t size() const;

 private:
  struct Entry {
    int64_t id;
    int64_t village;
    int32_t county;       // village / 10^6
    int32_t township;     // village / 10^3 % 1000 (inside the county)
    int32_t deadline;
    int32_t pledges;
    uint8_t category;
    uint8_t urgency;
  };
  void UpsertLocked(const IndexedNeed& need);
  void RemoveLocked(int64_t id);

  mutable std::shared_mutex mutex_;
  std::vector<Entry> entries_;
  std::unordered_map<int64_t, size_t> slot_;
  int64_t last_seq_ = -1;  // -1: never loaded
};

}  // namespace fupin::social
