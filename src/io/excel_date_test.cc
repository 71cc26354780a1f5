#include "io/excel_date.h"

#include <gtest/gtest.h>

namespace fupin::io {
namespace {

TEST(ExcelDateTest, Converts1900SerialsIncludingTheLeapYearBug) {
  EXPECT_EQ(ExcelSerialToDate(1.0), (Date{1900, 1, 1}));
  EXPECT_EQ(ExcelSerialToDate(59.0), (Date{1900, 2, 28}));
  EXPECT_EQ(ExcelSerialToDate(60.0), std::nullopt);  // 1900-02-29 never existed
  EXPECT_EQ(ExcelSerialToDate(61.0), (Date{1900, 3, 1}));
  EXPECT_EQ(ExcelSerialToDate(32874.0), (Date{1990, 1, 1}));
  EXPECT_EQ(ExcelSerialToDate(45351.75), (Date{2024, 2, 29}));  // time of day dropped
  EXPECT_EQ(ExcelSerialToDate(0.0), std::nullopt);
  EXPECT_EQ(ExcelSerialToDate(-1.0), std::nullopt);
  EXPECT_EQ(ExcelSerialToDate(1e9), std::nullopt);
}

TEST(ExcelDateTest, Converts1904SerialsAndText) {
  EXPECT_EQ(ExcelSerialToDate(0.0, true), (Date{1904, 1, 1}));
  EXPECT_EQ(ExcelSerialToDate(31412.0, true), (Date{1990, 1, 1}));
  EXPECT_EQ(ExcelSerialToDate("32874"), (Date{1990, 1, 1}));
  EXPECT_EQ(ExcelSerialToDate("1990-01-01"), std::nullopt);
  EXPECT_EQ(ExcelSerialToDate(""), std::nullopt);
}

TEST(ExcelDateTest, SerialRoundTrips) {
  for (const Date& d : {Date{1900, 1, 1}, Date{1900, 2, 28}, Date{1900, 3, 1}, Date{2026, 11, 28}}) {
    EXPECT_EQ(ExcelSerialToDate(DateToExcelSerial(d)), d) << d.ToString();
  }
  EXPECT_EQ(ExcelSerialToDate(DateToExcelSerial(Date{2026, 11, 28}, true), true), (Date{2026, 11, 28}));
  EXPECT_EQ(DateToExcelSerial(Date{1990, 1, 1}), 32874.0);
}

}  // namespace
}  // namespace fupin::io
