#include "dataio/sheet.h"

#include <algorithm>
#include <cstdlib>

#include "core/text.h"
#include "dataio/clerk_values.h"
#include "io/excel_date.h"

namespace fupin::dataio {

bool HeaderMatch::Has(size_t c) const {
  return std::find(column_of.begin(), column_of.end(), std::optional<size_t>(c)) != column_of.end();
}

HeaderMatch MatchHeader(std::span<const SheetColumn> columns, const io::Row& header) {
  HeaderMatch m;
  for (const std::string& cell : header.cells) {
    const std::string h = Trim(cell);
    const std::string lower = Lower(h);
    std::optional<size_t> match;
    for (size_t c = 0; c < columns.size() && !match; ++c) {
      const SheetColumn& col = columns[c];
      if (h == col.header_zh || lower == col.header_en) match = c;
      for (auto alias : col.aliases) {
        if (!match && h == alias) match = c;
      }
    }
    if (!match && !h.empty()) m.unknown.push_back(h);
    m.headers.push_back(h);
    m.column_of.push_back(match);
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].required && !m.Has(c)) m.missing.push_back(c);
  }
  return m;
}

std::string DateCellText(const io::Row& row, size_t column, bool date1904) {
  const std::string text = Trim(row.cell(column));
  if (column < row.kinds.size() && row.kinds[column] == io::CellKind::kDate) {
    if (double serial = std::strtod(text.c_str(), nullptr); serial > 0) {
      if (auto d = io::ExcelSerialToDate(serial, date1904)) return d->ToString();
    }
  }
  if (auto d = ReadDate(text)) return d->ToString();
  return text;
}

}  // namespace fupin::dataio
