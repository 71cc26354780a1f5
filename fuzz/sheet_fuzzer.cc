// libFuzzer target: any bytes as an uploaded import sheet read through the one
// import framework (dataio/sheet.h, clerk_values.h): the first byte picks
// XLSX or CSV (OpenTableBytes by file name, as an upload is read), the first
// row is matched against a declared set of columns, and every cell of the
// other rows goes through each clerk-value reader. Checks besides "no crash":
// the header match has an entry per file column and names only declared
// columns; a date read is a real calendar day; a yes/no, an integer or an
// amount read from a cell reads the same from ClerkText of the cell.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "dataio/clerk_values.h"
#include "dataio/sheet.h"
#include "io/table.h"
#include "registry/vocab.h"

namespace {

using fupin::dataio::SheetColumn;

const SheetColumn kColumns[] = {
    {"id_number", "身份证号", "ID number", true},
    {"name", "姓名", "name", true, {"户主姓名"}},
    {"relation", "与户主关系", "relation", false},
    {"income", "家庭年纯收入", "net income", false},
    {"date", "识别日期", "identified on", false, {"日期"}},
    {"insured", "是否参保", "insured", false},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool xlsx = (data[0] & 1) != 0;
  try {
    auto reader = fupin::io::OpenTableBytes(std::string(reinterpret_cast<const char*>(data + 1), size - 1),
                                            xlsx ? "upload.xlsx" : "upload.csv");
    fupin::io::Row row;
    if (!reader->Next(row)) return 0;
    const auto match = fupin::dataio::MatchHeader(kColumns, row);
    if (match.column_of.size() != row.cells.size() || match.headers.size() != row.cells.size()) __builtin_trap();
    for (const auto& c : match.column_of) {
      if (c && *c >= std::size(kColumns)) __builtin_trap();
    }
    for (size_t m : match.missing) {
      if (m >= std::size(kColumns) || !kColumns[m].required || match.Has(m)) __builtin_trap();
    }
    while (reader->Next(row)) {
      for (size_t i = 0; i < row.cells.size(); ++i) {
        const std::string& cell = row.cells[i];
        const std::string clerk = fupin::dataio::ClerkText(cell);
        if (auto d = fupin::dataio::ReadDate(cell); d && !fupin::Date::IsValid(d->year, d->month, d->day)) {
          __builtin_trap();
        }
        if (fupin::dataio::ReadInteger(cell) != fupin::dataio::ReadInteger(clerk)) __builtin_trap();
        if (fupin::dataio::ReadHundredths(cell) != fupin::dataio::ReadHundredths(clerk)) __builtin_trap();
        if (fupin::dataio::ReadYesNo(cell) != fupin::dataio::ReadYesNo(clerk)) __builtin_trap();
        (void)fupin::dataio::ReadTerm(fupin::registry::Relations(), cell);
        (void)fupin::dataio::DateCellText(row, i, reader->date1904());
      }
    }
  } catch (const fupin::Error&) {
    // Refusing bad input is fine; crashing or hanging is not.
  }
  return 0;
}
