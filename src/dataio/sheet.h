#pragma once
// A sheet declared as data, read by one header matcher (library fupin_sheet,
// beside clerk_values.h: core, io and the vocabularies only, so that every
// module's import uses it without a cycle).
//
// A module declares its columns (key, Chinese header, English header, other
// accepted headers, required or not); MatchHeader finds them in the file's
// header row, whatever their order, and says which headers it does not know
// and which required columns are missing. The module reports those in its own
// wording and reads the cells with the clerk-value readers.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/table.h"

namespace fupin::dataio {

struct SheetColumn {
  std::string_view key;        // the module's name for the column
  std::string_view header_zh;  // the header in the template
  std::string_view header_en;  // the English header, also accepted (compared in lower case)
  bool required = false;
  std::vector<std::string_view> aliases = {};  // other Chinese headers accepted
};

struct HeaderMatch {
  std::vector<std::optional<size_t>> column_of;  // per file column: the declared column, or none
  std::vector<std::string> headers;              // per file column: the header as written (trimmed)
  std::vector<std::string> unknown;              // non-empty headers no column declares
  std::vector<size_t> missing;                   // required declared columns not in the file

  // Whether declared column `c` is in the file.
  bool Has(size_t c) const;
};

HeaderMatch MatchHeader(std::span<const SheetColumn> columns, const io::Row& header);

// The text of a date cell as YYYY-MM-DD when it is one: a spreadsheet date
// (serial number), or text ReadDate accepts (2014/1/1, 2014年1月1日, ...).
// Anything else comes back trimmed and unchanged, for the caller to refuse.
std::string DateCellText(const io::Row& row, size_t column, bool date1904);

}  // namespace fupin::dataio
