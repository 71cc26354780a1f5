#include "core/money.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

TEST(MoneyTest, ParsesYuan) {
  EXPECT_EQ(ParseYuan("4200"), 420000);
  EXPECT_EQ(ParseYuan("4200.5"), 420050);
  EXPECT_EQ(ParseYuan("0.05"), 5);
  EXPECT_EQ(ParseYuan("-3.10"), -310);
  EXPECT_EQ(ParseYuan(".5"), 50);
  EXPECT_FALSE(ParseYuan("1.234"));
  EXPECT_FALSE(ParseYuan("1,000"));
  EXPECT_FALSE(ParseYuan(""));
  EXPECT_FALSE(ParseYuan("-"));
  EXPECT_FALSE(ParseYuan("5."));
  EXPECT_FALSE(ParseYuan("99999999999999999999"));
}

TEST(MoneyTest, PerCapitaRoundsTowardMinusInfinity) {
  EXPECT_EQ(PerCapita(-1000, 3), -334);  // -10.00 yuan over 3 persons (truncation gave -333)
  EXPECT_EQ(PerCapita(1000, 3), 333);
  EXPECT_EQ(PerCapita(-999, 3), -333);
  EXPECT_EQ(PerCapita(0, 3), 0);
  EXPECT_EQ(PerCapita(500, 0), 0);
  EXPECT_EQ(FloorDiv(7, -2), -4);
  EXPECT_EQ(FloorDiv(-7, -2), 3);
  EXPECT_EQ(FloorDiv(5, 0), 0);
}

TEST(MoneyTest, FormatsYuan) {
  EXPECT_EQ(FormatYuan(420000), "4200.00");
  EXPECT_EQ(FormatYuan(5), "0.05");
  EXPECT_EQ(FormatYuan(-310), "-3.10");
  EXPECT_EQ(FormatYuan(INT64_MIN), "-92233720368547758.08");
}

}  // namespace
}  // namespace fupin
