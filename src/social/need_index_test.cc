#include "social/need_index.h"

#include <gtest/gtest.h>

namespace fupin::social {
namespace {

const Date kToday{2026, 11, 28};

IndexedNeed MakeNeed(int64_t id, int64_t village, const char* category, int urgency, int64_t pledges,
                     int days_left = 30) {
  return {id, village, CategoryIndex(category), urgency, pledges, kToday.ToDays() + days_left};
}

std::vector<int64_t> Ids(const std::vector<RankedNeed>& ranked) {
  std::vector<int64_t> ids;
  for (const auto& r : ranked) ids.push_back(r.id);
  return ids;
}

DonorPreferences Donor(uint32_t interests = 0) {
  DonorPreferences d;
  d.county_code = "430424";
  d.township_code = "430424100";
  d.interests = interests;
  d.today = kToday;
  return d;
}

TEST(NeedIndexTest, RanksTownshipThenCountyThenInterestThenUrgencyThenLeastHelp) {
  NeedIndex index;
  index.Upsert(MakeNeed(1, 430426100200, "education", 2, 0));  // other county, critical
  index.Upsert(MakeNeed(2, 430424101200, "medical", 0, 0));    // same county
  index.Upsert(MakeNeed(3, 430424100200, "medical", 0, 5));    // same township, much help
  index.Upsert(MakeNeed(4, 430424100201, "medical", 0, 1));    // same township, little help
  index.Upsert(MakeNeed(5, 430424100200, "medical", 1, 9));    // same township, urgent
  index.Upsert(MakeNeed(6, 430424100200, "education", 0, 9));  // same township, interest
  const auto ranked = index.Top(Donor(1u << CategoryIndex("education")), 10);
  EXPECT_EQ(Ids(ranked), (std::vector<int64_t>{6, 5, 4, 3, 2, 1}));
  EXPECT_TRUE(ranked[0].same_township);
  EXPECT_TRUE(ranked[0].interest);
  EXPECT_FALSE(ranked[4].same_township);
  EXPECT_TRUE(ranked[4].same_county);
  EXPECT_FALSE(ranked[5].same_county);
}

TEST(NeedIndexTest, KeepsTheBestLimitAndLeavesOutPastDeadlinesAndOtherAreas) {
  NeedIndex index;
  for (int64_t i = 1; i <= 100; ++i) index.Upsert(MakeNeed(i, 430424100200, "other", 0, i));
  index.Upsert(MakeNeed(200, 430424100200, "other", 2, 0, -1));  // deadline passed
  const auto top = index.Top(Donor(), 3);
  EXPECT_EQ(Ids(top), (std::vector<int64_t>{1, 2, 3}));
  index.Upsert(MakeNeed(300, 430426100200, "other", 2, 0));
  DonorPreferences scoped = Donor();
  scoped.area_prefix = "430426";
  EXPECT_EQ(Ids(index.Top(scoped, 5)), (std::vector<int64_t>{300}));
}

TEST(NeedIndexTest, UpsertReplacesAndRemoveForgets) {
  NeedIndex index;
  index.Upsert(MakeNeed(1, 430424100200, "other", 0, 0));
  index.Upsert(MakeNeed(2, 430424100200, "other", 0, 0));
  index.Upsert(MakeNeed(3, 430424100200, "other", 0, 0));
  index.Upsert(MakeNeed(1, 430424100200, "other", 0, 7));
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(Ids(index.Top(Donor(), 3)), (std::vector<int64_t>{2, 3, 1}));
  index.Remove(2);
  index.Remove(42);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(Ids(index.Top(Donor(), 3)), (std::vector<int64_t>{3, 1}));
}

}  // namespace
}  // namespace fupin::social
