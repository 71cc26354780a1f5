#include "io/excel_date.h"

#include <charconv>
#include <cmath>

namespace fupin::io {
namespace {

const int64_t kEpoch1900 = Date{1899, 12, 30}.ToDays();  // serial 0 for serials >= 61
const int64_t kEpoch1904 = Date{1904, 1, 1}.ToDays();
const int64_t kLastDay = Date{9999, 12, 31}.ToDays();

}  // namespace

std::optional<Date> ExcelSerialToDate(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial > 3e6 || serial < 0) return std::nullopt;
  const auto whole = static_cast<int64_t>(std::floor(serial));
  int64_t days;
  if (date1904) {
    days = kEpoch1904 + whole;
  } else {
    if (whole < 1 || whole == 60) return std::nullopt;
    days = kEpoch1900 + whole + (whole < 60 ? 1 : 0);
  }
  if (days > kLastDay) return std::nullopt;
  return Date::FromDays(days);
}

std::optional<Date> ExcelSerialToDate(std::string_view text, bool date1904) {
  double serial = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), serial);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return ExcelSerialToDate(serial, date1904);
}

double DateToExcelSerial(const Date& date, bool date1904) {
  const int64_t days = date.ToDays();
  if (date1904) return static_cast<double>(days - kEpoch1904);
  int64_t serial = days - kEpoch1900;
  if (serial < 61) serial -= 1;  // before 1900-03-01
  return static_cast<double>(serial);
}

}  // namespace fupin::io
