#pragma once
// Tabular files as rows of UTF-8 strings: CSV (UTF-8, UTF-8 with BOM, or
// GBK/GB18030, detected) and XLSX (the first sheet or a named one).
//
// A TableReader yields one Row at a time, with the row number a user sees
// (the CSV line where the record starts, the spreadsheet row number in XLSX),
// so that every problem found later can name the row. Blank rows (no cell, or
// every cell empty) are skipped unless TableOptions::keep_blank_rows is set.
// Cell text is never trimmed or otherwise changed, except that XLSX numbers
// are written in their shortest form (see CellKind).
//
// Errors that end the reading throw fupin::Error (invalid_argument) whose
// message and details name the file, the sheet (XLSX), the row and the column.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/encoding.h"

namespace fupin::io {

enum class TableFormat { kCsv, kXlsx };

// "csv" or "xlsx".
const char* TableFormatName(TableFormat format);

// The format named by a path's extension (.csv/.txt -> CSV, .xlsx/.xlsm ->
// XLSX, case-insensitive); nullopt for anything else.
std::optional<TableFormat> FormatFromPath(std::string_view path);

// What a cell held in its source. CSV cells are all kText.
enum class CellKind {
  kEmpty,   // no cell in the sheet, or an empty string
  kText,    // a string (shared, inline, or a formula's string result)
  kNumber,  // a number; text is its shortest decimal form ("12", "3.5", "1E+20")
  kDate,    // a number whose cell format is a date or time; text is the Excel
            // serial number as for kNumber (see excel_date.h to convert)
  kBool,    // text is "TRUE" or "FALSE"
  kError,   // a formula error; text is Excel's code ("#N/A", "#DIV/0!")
};

struct Row {
  size_t number = 0;                // 1-based row in the source
  std::vector<std::string> cells;   // UTF-8
  std::vector<CellKind> kinds;      // same size as cells

  // The cell at `column` (0-based) or "" when the row is shorter.
  std::string_view cell(size_t column) const {
    return column < cells.size() ? std::string_view(cells[column]) : std::string_view();
  }
};

struct TableOptions {
  // Format; by default from the extension, else from the content (a ZIP
  // signature means XLSX).
  std::optional<TableFormat> format;
  // XLSX: the sheet to read by its name; empty means the first sheet.
  std::string sheet;
  // CSV: the encoding; by default detected (see encoding.h).
  std::optional<Encoding> encoding;
  bool keep_blank_rows = false;
};

class TableReader {
 public:
  virtual ~TableReader() = default;
  TableReader() = default;
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  // Reads the next row into `row` (overwritten). Returns false at the end.
  virtual bool Next(Row& row) = 0;

  virtual TableFormat format() const = 0;
  // CSV: the detected or given encoding. XLSX: always kUtf8.
  virtual Encoding encoding() const = 0;
  // XLSX: the name of the sheet being read. CSV: "".
  virtual const std::string& sheet() const = 0;
  // XLSX: whether dates count from 1904 (old Mac workbooks) rather than 1900.
  virtual bool date1904() const { return false; }
};

// Opens a file for reading row by row. Throws fupin::Error naming the path if
// it cannot be opened, is not a known format, or (XLSX) has no such sheet.
std::unique_ptr<TableReader> OpenTable(const std::string& path, const TableOptions& options = {});

// Reads CSV from bytes already in memory; `source` names it in errors.
std::unique_ptr<TableReader> OpenCsvBytes(std::string bytes, const TableOptions& options = {},
                                          std::string source = "CSV");

// Reads XLSX from bytes already in memory; `source` names it in errors.
std::unique_ptr<TableReader> OpenXlsxBytes(std::string bytes, const TableOptions& options = {},
                                           std::string source = "XLSX");

// Reads bytes already in memory (an uploaded file): the format from
// options.format, else from the extension of `file_name`, else from the
// content (a ZIP signature means XLSX); `file_name` names it in errors.
// Throws as OpenTable does.
std::unique_ptr<TableReader> OpenTableBytes(std::string bytes, const std::string& file_name,
                                            const TableOptions& options = {});

// The whole table at once.
struct Table {
  TableFormat format = TableFormat::kCsv;
  Encoding encoding = Encoding::kUtf8;
  std::string sheet;
  bool date1904 = false;
  std::vector<Row> rows;
};

Table ReadTable(const std::string& path, const TableOptions& options = {});
// The rest of a reader's rows as a Table.
Table ReadTable(TableReader& reader);

// Names of the sheets of an XLSX file, in workbook order.
std::vector<std::string> ListSheets(const std::string& path);

}  // namespace fupin::io
