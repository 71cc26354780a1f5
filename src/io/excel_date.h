#pragma once
// Dates in spreadsheets are numbers: days since an epoch, with the time of
// day as the fraction. In the 1900 date system (the default) serial 1 is
// 1900-01-01 and Excel counts a 29 February 1900 that never existed (serial
// 60), so serials from 61 on are days since 1899-12-30. In the 1904 date
// system (old Mac workbooks; TableReader::date1904()) serial 0 is 1904-01-01.
#include <optional>
#include <string_view>

#include "core/date.h"

namespace fupin::io {

// The day of a serial; the time of day is dropped. nullopt for serial 60 in
// the 1900 system, anything before the epoch, after 9999-12-31, or not finite.
std::optional<Date> ExcelSerialToDate(double serial, bool date1904 = false);

// The same for a cell's text as TableReader gives it ("45123" or "45123.5");
// nullopt if the text is not a number.
std::optional<Date> ExcelSerialToDate(std::string_view text, bool date1904 = false);

// The serial of a day (for writers).
double DateToExcelSerial(const Date& date, bool date1904 = false);

}  // namespace fupin::io
