#include "dataio/clerk_values.h"

#include <gtest/gtest.h>

namespace fupin::dataio {
namespace {

TEST(ClerkValuesTest, IntegersWithFullWidthDigitsUnitsAndThousands) {
  EXPECT_EQ(ReadInteger("2019"), 2019);
  EXPECT_EQ(ReadInteger("２０１９"), 2019);
  EXPECT_EQ(ReadInteger("2019年"), 2019);
  EXPECT_EQ(ReadInteger("２０１９年"), 2019);
  EXPECT_EQ(ReadInteger(" 1,234 "), 1234);
  EXPECT_EQ(ReadInteger("3人"), 3);
  EXPECT_EQ(ReadInteger("-5"), -5);
  EXPECT_EQ(ReadInteger("12,34"), std::nullopt);  // a misplaced separator is not a number
  EXPECT_EQ(ReadInteger("1.5"), std::nullopt);
  EXPECT_EQ(ReadInteger("年"), std::nullopt);
  EXPECT_EQ(ReadInteger("二〇一九"), std::nullopt);
}

TEST(ClerkValuesTest, AmountsInHundredths) {
  EXPECT_EQ(ReadHundredths("1,234.50"), 123450);
  EXPECT_EQ(ReadHundredths("１，２３４．５"), 123450);
  EXPECT_EQ(ReadHundredths("1234.5元"), 123450);
  EXPECT_EQ(ReadHundredths("2.25亩"), 225);
  EXPECT_EQ(ReadHundredths("-3"), -300);
  EXPECT_EQ(ReadHundredths("1.234"), std::nullopt);
  EXPECT_EQ(ReadHundredths("1,23.5"), std::nullopt);
}

TEST(ClerkValuesTest, YesAndNoAsClerksWriteThem) {
  for (const char* yes : {"是", "√", "有", "1", "Y", "yes", "TRUE", "１"}) EXPECT_EQ(ReadYesNo(yes), true) << yes;
  for (const char* no : {"否", "×", "无", "0", "n", "No", "false"}) EXPECT_EQ(ReadYesNo(no), false) << no;
  EXPECT_EQ(ReadYesNo("也许"), std::nullopt);
}

TEST(ClerkValuesTest, DatesInTheUsualSpellings) {
  const Date d{2014, 1, 1};
  for (const char* t : {"2014-01-01", "2014-1-1", "2014/1/1", "2014.1.1", "20140101", "2014年1月1日", "2014年01月01日",
                        "２０１４／１／１"}) {
    EXPECT_EQ(ReadDate(t), d) << t;
  }
  EXPECT_EQ(ReadDate("2014/2/30"), std::nullopt);
  EXPECT_EQ(ReadDate("14/1/1"), std::nullopt);
  EXPECT_EQ(ReadDate("2014年1月"), std::nullopt);
}

TEST(ClerkValuesTest, TermsByNameLabelOrOnePartOfACombinedLabel) {
  const auto statuses = registry::SchoolStatuses();
  EXPECT_EQ(ReadTerm(statuses, "exempt"), "exempt");
  EXPECT_EQ(ReadTerm(statuses, "免学/缓学"), "exempt");
  EXPECT_EQ(ReadTerm(statuses, "免学"), "exempt");
  EXPECT_EQ(ReadTerm(statuses, "缓学"), "exempt");
  EXPECT_EQ(ReadTerm(statuses, "送教上门"), "home_schooled");
  EXPECT_EQ(ReadTerm(registry::EmploymentStates(), "务农"), "self_employed");
  EXPECT_EQ(ReadTerm(registry::Relations(), "女婿"), "child_in_law");
  EXPECT_EQ(ReadTerm(statuses, "学"), std::nullopt);  // a part must be a whole part
  EXPECT_EQ(ReadTerm(statuses, ""), std::nullopt);
}

}  // namespace
}  // namespace fupin::dataio
