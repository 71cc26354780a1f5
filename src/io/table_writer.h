#pragma once
// Writing any list or report as a spreadsheet: XLSX (bold header on a
// coloured fill, first row frozen, an autofilter, column widths from the
// content, numbers and dates as real numbers) or CSV (UTF-8 with a byte order
// mark so that Excel shows Chinese correctly, CRLF line ends, fields quoted
// per RFC 4180 when they hold a comma, a quote or a line break).
//
// Nothing appears at the path until Close() succeeds: the file is written
// beside it as "<path>.part" and renamed. A writer destroyed without Close()
// removes its partial file.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/date.h"
#include "io/table.h"

namespace fupin::io {

// One cell: empty, text, a whole number, a decimal number, or a date. Text is
// always written as text (an ID number stays "430424199001011234").
using CellValue = std::variant<std::monostate, std::string, int64_t, double, Date>;

struct WriterOptions {
  // XLSX: the sheet name (at most 31 characters, none of []:*?/\).
  std::string sheet = "Sheet1";
  // CSV: start with the UTF-8 byte order mark (Excel needs it for Chinese).
  bool csv_bom = true;
  // CSV: prefix text cells that start with = + - @ with an apostrophe so that
  // Excel does not run them as formulas. Off by default because it changes
  // the data; turn it on for files given out to the public.
  bool csv_guard_formulas = false;
};

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  TableWriter() = default;
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  // The header row: at most once, before any other row.
  virtual void WriteHeader(const std::vector<std::string>& headers) = 0;
  // One data row. Throws fupin::Error (invalid_argument) naming the row and
  // column for text that is not UTF-8 or too long for a cell, and when the
  // sheet is full (1,048,576 rows in XLSX).
  virtual void WriteRow(const std::vector<CellValue>& cells) = 0;
  // A row of text cells (e.g. rows read from a file, written back).
  void WriteTextRow(const std::vector<std::string>& cells);
  // Finishes the file and moves it into place. Throws fupin::Error naming the
  // path if it cannot be written. Nothing may be written afterwards.
  virtual void Close() = 0;
};

// Opens a writer for `format` at `path`.
std::unique_ptr<TableWriter> OpenTableWriter(const std::string& path, TableFormat format,
                                             const WriterOptions& options = {});
// The same, with the format from the extension (.xlsx or .csv); throws
// fupin::Error for any other extension.
std::unique_ptr<TableWriter> OpenTableWriter(const std::string& path, const WriterOptions& options = {});

// For writers that can only write to a path (libxlsxwriter): runs `write` on a
// private temporary file whose name ends in `suffix` (".xlsx"), returns the
// file's bytes and removes it, also when `write` throws.
std::string BytesWrittenTo(const std::string& suffix, const std::function<void(const std::string& path)>& write);

// One CSV record (without the line end) as this writer writes it.
std::string CsvLine(const std::vector<CellValue>& cells, bool guard_formulas = false);

// Display width of UTF-8 text in a spreadsheet column: East Asian characters
// count two, others one.
size_t DisplayWidth(std::string_view text);

}  // namespace fupin::io
