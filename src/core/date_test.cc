#include "core/date.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

TEST(DateTest, RoundTripsThroughDays) {
  EXPECT_EQ((Date{1970, 1, 1}).ToDays(), 0);
  EXPECT_EQ((Date{2000, 3, 1}).ToDays(), 11017);
  EXPECT_EQ((Date{1969, 12, 31}).ToDays(), -1);
  for (int64_t d = -800000; d < 800000; d += 997) {
    EXPECT_EQ(Date::FromDays(d).ToDays(), d);
  }
}

TEST(DateTest, ParsesStrictly) {
  EXPECT_EQ(Date::Parse("2020-02-29"), (Date{2020, 2, 29}));
  EXPECT_FALSE(Date::Parse("2019-02-29"));
  EXPECT_FALSE(Date::Parse("2020-2-9"));
  EXPECT_FALSE(Date::Parse("2020/02/09"));
  EXPECT_FALSE(Date::Parse("2020-13-01"));
  EXPECT_FALSE(Date::Parse(""));
  EXPECT_EQ((Date{2020, 2, 9}).ToString(), "2020-02-09");
}

TEST(DateTest, Age) {
  EXPECT_EQ(AgeOn({2010, 9, 1}, {2020, 8, 31}), 9);
  EXPECT_EQ(AgeOn({2010, 9, 1}, {2020, 9, 1}), 10);
  EXPECT_EQ(AgeOn({2008, 2, 29}, {2009, 2, 28}), 0);
}

TEST(DateTest, Timestamp) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1600000000), "2020-09-13T12:26:40Z");
}

TEST(DateTest, TodayIsTheDateInBeijing) {
  // 2020-09-30T16:00:00Z is already 1 October in Beijing; a second earlier it is still 30 September.
  const int64_t midnight_beijing = 1601481600;  // 2020-10-01T00:00:00+08:00
  EXPECT_EQ(BeijingDate(midnight_beijing).ToString(), "2020-10-01");
  EXPECT_EQ(BeijingDate(midnight_beijing - 1).ToString(), "2020-09-30");
  EXPECT_EQ(BeijingDate(0).ToString(), "1970-01-01");
  EXPECT_EQ(BeijingDate(-8 * 3600 - 1).ToString(), "1969-12-31");
}

}  // namespace
}  // namespace fupin
