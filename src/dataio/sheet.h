#pragma once
// A sheet declared as data, read by one header matcher (library fupin_sheet,
// beside clerk_values.h: core, io and the vocabularies only, so that every
// module's import uses it without a cycle).
//
// A module declares its columns (key, Chinese header, English header, other
// accepted headers, required or not, type, vocabulary, unit, note); ReadSheet
// finds them in the file's header row, whatever their order, and returns the
// data rows by declared column; SheetRow reads a row's cells with the
// clerk-value readers and records every problem as an ImportProblem (row,
// column as written, value, reason in Chinese). SheetPolicy applies the one
// policy of every import: all or nothing, or with skip_invalid the rows
// without a problem (docs/IMPORT_FORMATS.md, "One policy for every import").
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/date.h"
#include "core/error.h"
#include "io/table.h"
#include "registry/vocab.h"

namespace fupin::dataio {

// What a column holds: decides the reader, the template's cell format and its note.
enum class CellType {
  kText,
  kInteger,   // ReadInteger ("2019年", "２０１９")
  kYuan,      // ReadHundredths, not negative, in fen ("1,234.50")
  kBool,      // ReadYesNo (是/否, √/×, 有/无, 1/0)
  kDate,      // ReadDate or a spreadsheet date (2014/1/1, 2014年1月1日)
  kIdNumber,  // GB 11643 ID number (text cell)
  kAreaCode,  // area code (text cell)
  kTerm,      // one term of `terms` (English name, Chinese label or a part of it)
};

struct SheetColumn {
  std::string_view key;        // the module's name for the column
  std::string_view header_zh;  // the header in the template
  std::string_view header_en;  // the English header, also accepted (compared in lower case)
  bool required = false;
  std::vector<std::string_view> aliases = {};  // other Chinese headers accepted
  CellType type = CellType::kText;
  std::span<const registry::CodeTerm> (*terms)() = nullptr;  // kTerm: the vocabulary
  std::string_view unit = {};     // shown in the template header: "元"
  std::string_view note_zh = {};  // what to write, for the template's notes sheet
};

struct HeaderMatch {
  std::vector<std::optional<size_t>> column_of;  // per file column: the declared column, or none
  std::vector<std::string> headers;              // per file column: the header as written (trimmed)
  std::vector<std::string> unknown;              // non-empty headers no column declares
  std::vector<size_t> missing;                   // required declared columns not in the file

  // Whether declared column `c` is in the file.
  bool Has(size_t c) const;
};

// Headers are compared as NormalizeHeader leaves them, so "金额（元）*" is 金额.
HeaderMatch MatchHeader(std::span<const SheetColumn> columns, const io::Row& header);

// A header as the matcher compares it: whitespace, '*' marks and units in
// brackets removed ("工资性收入（元）*" -> "工资性收入"), ASCII lower-cased.
std::string NormalizeHeader(std::string_view header);

// One problem of an import, the same for every kind: the row in the file (1 =
// the first row), the column header as written ("" for the whole row or file),
// the cell's value (ID numbers masked) and the reason, in Chinese.
struct ImportProblem {
  size_t row = 0;
  std::string column;
  std::string value;
  std::string reason;
};

// The data rows of a sheet, by declared column.
struct SheetRecord {
  size_t row = 0;                  // row number in the file
  std::vector<std::string> cells;  // per declared column: the cell trimmed ("" when absent); dates as YYYY-MM-DD
  std::vector<io::CellKind> kinds; // per declared column: the cell's kind
};

struct SheetData {
  HeaderMatch header;
  size_t header_row = 0;
  std::vector<std::string> column_headers;  // per declared column: the header as written, or header_zh
  std::vector<SheetRecord> records;
  std::vector<ImportProblem> problems;  // of the header (unknown, missing columns; no header row)
  std::vector<std::string> warnings;    // ignored columns
};

struct SheetOptions {
  // Headers no column declares are left out with a warning (a department's
  // own extra columns) instead of refusing the file.
  bool ignore_unknown = false;
  // A first row whose first cell is made of digits (and X), such as an ID
  // number, is data, not a header: the columns are then the declared ones in
  // their order.
  bool header_optional = false;
};

// Reads the header row (the first non-blank row) and every data row of
// `reader`. Header problems are in `problems`, worded in Chinese.
SheetData ReadSheet(std::span<const SheetColumn> columns, io::TableReader& reader, const SheetOptions& options = {});

// Reads the cells of one record, recording a problem for each bad or missing
// required value. Each reader returns nullopt (and records the problem) when
// the cell is bad, and nullopt without a problem when it is empty and optional.
class SheetRow {
 public:
  SheetRow(std::span<const SheetColumn> columns, const SheetData& data, const SheetRecord& record,
           std::vector<ImportProblem>& problems)
      : columns_(columns), data_(data), record_(record), problems_(problems) {}

  size_t row() const { return record_.row; }
  // The trimmed text (clerk forms kept); "" when empty or absent. Records a
  // problem when the column is required and the cell is empty.
  std::string Text(size_t c);
  std::optional<int64_t> Integer(size_t c, int64_t min, int64_t max);
  std::optional<int64_t> Yuan(size_t c);  // fen, not negative
  std::optional<bool> YesNo(size_t c);
  std::optional<Date> DateValue(size_t c);
  std::optional<std::string> IdNumber(size_t c, const Date& today);  // the number, check character upper-case
  std::optional<std::string> Term(size_t c);                         // the term's name

  // Records a problem with column `c` (value as given).
  void Problem(size_t c, std::string value, std::string reason);
  // Records a problem with the whole row.
  void RowProblem(std::string reason);

 private:
  std::string Cell(size_t c) const;
  bool Missing(size_t c, const std::string& text);
  std::span<const SheetColumn> columns_;
  const SheetData& data_;
  const SheetRecord& record_;
  std::vector<ImportProblem>& problems_;
};

// The one policy of every import. All or nothing by default: any problem
// refuses the file. With skip_invalid the rows without a problem are
// imported and the others reported; a problem of the file itself (header
// row, no data row: row <= header_row) refuses it anyway.
struct SheetPolicy {
  bool skip_invalid = false;
  // Whether the import is refused given `problems`.
  bool Refuses(const std::vector<ImportProblem>& problems, size_t header_row) const;
  // The rows that have a problem (to leave out with skip_invalid).
  static std::set<size_t> BadRows(const std::vector<ImportProblem>& problems);
};

// One ErrorDetail per problem of a refused import: path "第R行 列名" (or
// "第R行" for the whole row), problem "“值”：原因" (or the reason alone).
std::vector<ErrorDetail> RefusalDetails(const std::vector<ImportProblem>& problems);
// The problems as JSON, the same in every import's result: [{row, column, value, reason}].
nlohmann::json ImportProblemsJson(const std::vector<ImportProblem>& problems);
// Throws the refusal: Error invalid_argument "N 处错误，文件未导入 ..." with RefusalDetails.
[[noreturn]] void ThrowRefusal(const std::vector<ImportProblem>& problems);

// The header a template shows for a column: the Chinese header, "（元）" for
// a unit, '*' when required.
std::string SheetTemplateHeader(const SheetColumn& column);
// What a column takes, in Chinese, for the template's notes: the vocabulary's
// labels, 是/否, or the type ("日期 YYYY-MM-DD", ...).
std::string SheetAllowedValues(const SheetColumn& column);

// The text of a date cell as YYYY-MM-DD when it is one: a spreadsheet date
// (serial number), or text ReadDate accepts (2014/1/1, 2014年1月1日, ...).
// Anything else comes back trimmed and unchanged, for the caller to refuse.
std::string DateCellText(const io::Row& row, size_t column, bool date1904);

}  // namespace fupin::dataio
