#include "io/table_writer.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.h"
#include "core/temp_file.h"
#include "io/encoding.h"
#include "io/excel_date.h"

namespace fupin::io {
namespace {

constexpr size_t kXlsxMaxRows = 1048576;
constexpr size_t kXlsxMaxColumns = 16384;
constexpr size_t kXlsxMaxText = 32767;
constexpr double kMinWidth = 8;
constexpr double kMaxWidth = 60;

std::string FormatDouble(double d) {
  if (!std::isfinite(d)) return "";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

std::string CellText(const CellValue& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const { return FormatDouble(d); }
    std::string operator()(const Date& d) const { return d.ToString(); }
  };
  return std::visit(Visitor{}, v);
}

std::string CellWhere(size_t row, size_t col) {
  return "row " + std::to_string(row) + ", column " + std::to_string(col + 1);
}

void CheckText(const std::string& text, size_t row, size_t col) {
  if (!IsValidUtf8(text)) {
    throw Error::InvalidArgument("cannot export " + CellWhere(row, col) + ": text is not valid UTF-8",
                                 {ErrorDetail{CellWhere(row, col), "not valid UTF-8"}});
  }
}

// Removes the partial file unless released.
class PartFile {
 public:
  explicit PartFile(std::string final_path) : final_(std::move(final_path)), part_(final_ + ".part") {}
  ~PartFile() {
    if (!committed_) {
      std::error_code ec;
      std::filesystem::remove(part_, ec);
    }
  }
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;
  const std::string& part() const { return part_; }
  const std::string& final_path() const { return final_; }
  void Commit() {
    std::error_code ec;
    std::filesystem::rename(part_, final_, ec);
    if (ec) {
      throw Error::InvalidArgument("cannot write " + final_ + ": " + ec.message(),
                                   {ErrorDetail{final_, ec.message()}});
    }
    committed_ = true;
  }

 private:
  std::string final_;
  std::string part_;
  bool committed_ = false;
};

// --- CSV ------------------------------------------------------------------

void AppendCsvField(std::string& out, std::string_view text, bool guard) {
  const bool needs_guard = guard && !text.empty() &&
                           (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@');
  const bool needs_quotes = text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!needs_quotes && !needs_guard) {
    out.append(text);
    return;
  }
  if (!needs_quotes) {
    out.push_back('\'');
    out.append(text);
    return;
  }
  out.push_back('"');
  if (needs_guard) out.push_back('\'');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

class CsvTableWriter final : public TableWriter {
 public:
  CsvTableWriter(const std::string& path, const WriterOptions& options)
      : file_(path), guard_(options.csv_guard_formulas) {
    out_.open(file_.part(), std::ios::binary | std::ios::trunc);
    if (!out_) {
      throw Error::InvalidArgument("cannot create " + path, {ErrorDetail{path, "cannot create the file"}});
    }
    if (options.csv_bom) out_ << "\xEF\xBB\xBF";
  }

  void WriteHeader(const std::vector<std::string>& headers) override {
    if (rows_ > 0) throw Error::Internal("CSV header written after rows");
    WriteTextRow(headers);
  }

  void WriteRow(const std::vector<CellValue>& cells) override {
    ++rows_;
    line_.clear();
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line_.push_back(',');
      if (const auto* s = std::get_if<std::string>(&cells[i])) {
        CheckText(*s, rows_, i);
        AppendCsvField(line_, *s, guard_);
      } else {
        line_.append(CellText(cells[i]));
      }
    }
    line_.append("\r\n");
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }

  void Close() override {
    out_.close();
    if (!out_) {
      throw Error::InvalidArgument("cannot write " + file_.final_path(),
                                   {ErrorDetail{file_.final_path(), "write failed (disk full?)"}});
    }
    file_.Commit();
  }

 private:
  PartFile file_;
  bool guard_;
  std::ofstream out_;
  std::string line_;
  size_t rows_ = 0;
};

// --- XLSX -----------------------------------------------------------------

struct WorkbookDeleter {
  void operator()(lxw_workbook* w) const { lxw_workbook_free(w); }
};

class XlsxTableWriter final : public TableWriter {
 public:
  XlsxTableWriter(const std::string& path, const WriterOptions& options) : file_(path) {
    // libxlsxwriter's own temporary files in TMPDIR too (it would use tmpfile(): /tmp).
    std::string tmpdir = TempDirectory();
    lxw_workbook_options book_options{};
    book_options.tmpdir = tmpdir.data();
    workbook_.reset(workbook_new_opt(file_.part().c_str(), &book_options));
    if (!workbook_) {
      throw Error::InvalidArgument("cannot create " + path, {ErrorDetail{path, "cannot create the workbook"}});
    }
    const lxw_error name_error = workbook_validate_sheet_name(workbook_.get(), options.sheet.c_str());
    if (name_error != LXW_NO_ERROR) {
      throw Error::InvalidArgument("bad sheet name \"" + options.sheet + "\": " + lxw_strerror(name_error),
                                   {ErrorDetail{"sheet", lxw_strerror(name_error)}});
    }
    sheet_ = workbook_add_worksheet(workbook_.get(), options.sheet.c_str());
    if (sheet_ == nullptr) throw Error::Internal("libxlsxwriter: cannot add a worksheet");

    header_format_ = workbook_add_format(workbook_.get());
    format_set_bold(header_format_);
    format_set_bg_color(header_format_, 0xDDEBF7);
    format_set_pattern(header_format_, LXW_PATTERN_SOLID);
    format_set_border(header_format_, LXW_BORDER_THIN);
    format_set_align(header_format_, LXW_ALIGN_CENTER);
    format_set_align(header_format_, LXW_ALIGN_VERTICAL_CENTER);
    date_format_ = workbook_add_format(workbook_.get());
    format_set_num_format(date_format_, "yyyy-mm-dd");
  }

  void WriteHeader(const std::vector<std::string>& headers) override {
    if (next_row_ > 0) throw Error::Internal("XLSX header written after rows");
    CheckRow(headers.size());
    for (size_t c = 0; c < headers.size(); ++c) {
      CheckText(headers[c], 1, c);
      Check(worksheet_write_string(sheet_, 0, Col(c), headers[c].c_str(), header_format_), c);
      // Bold text is a little wider.
      Widen(c, static_cast<double>(DisplayWidth(headers[c])) * 1.1);
    }
    header_columns_ = headers.size();
    worksheet_freeze_panes(sheet_, 1, 0);
    next_row_ = 1;
  }

  void WriteRow(const std::vector<CellValue>& cells) override {
    CheckRow(cells.size());
    const auto row = static_cast<lxw_row_t>(next_row_);
    for (size_t c = 0; c < cells.size(); ++c) {
      const CellValue& v = cells[c];
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (s->empty()) continue;
        CheckText(*s, next_row_ + 1, c);
        if (s->size() > kXlsxMaxText) {
          throw Error::InvalidArgument("cannot export " + CellWhere(next_row_ + 1, c) + ": text longer than 32767",
                                       {ErrorDetail{CellWhere(next_row_ + 1, c), "text too long for a cell"}});
        }
        Check(worksheet_write_string(sheet_, row, Col(c), s->c_str(), nullptr), c);
        Widen(c, static_cast<double>(DisplayWidth(*s)));
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        const std::string text = std::to_string(*n);
        if (*n > (int64_t{1} << 53) || *n < -(int64_t{1} << 53)) {
          // Beyond a double's exact range: keep every digit as text.
          Check(worksheet_write_string(sheet_, row, Col(c), text.c_str(), nullptr), c);
        } else {
          Check(worksheet_write_number(sheet_, row, Col(c), static_cast<double>(*n), nullptr), c);
        }
        Widen(c, static_cast<double>(text.size()));
      } else if (const auto* d = std::get_if<double>(&v)) {
        if (!std::isfinite(*d)) continue;
        Check(worksheet_write_number(sheet_, row, Col(c), *d, nullptr), c);
        Widen(c, static_cast<double>(std::min<size_t>(FormatDouble(*d).size(), 15)));
      } else if (const auto* date = std::get_if<Date>(&v)) {
        Check(worksheet_write_number(sheet_, row, Col(c), DateToExcelSerial(*date), date_format_), c);
        Widen(c, 10);
      }
    }
    columns_ = std::max(columns_, cells.size());
    ++next_row_;
  }

  void Close() override {
    const size_t columns = std::max(columns_, header_columns_);
    for (size_t c = 0; c < columns && c < widths_.size(); ++c) {
      const double width = std::clamp(widths_[c] + 2, kMinWidth, kMaxWidth);
      worksheet_set_column(sheet_, Col(c), Col(c), width, nullptr);
    }
    if (header_columns_ > 0) {
      worksheet_autofilter(sheet_, 0, 0, static_cast<lxw_row_t>(std::max<size_t>(next_row_, 1) - 1),
                           Col(header_columns_ - 1));
    }
    const lxw_error error = workbook_close(workbook_.release());
    if (error != LXW_NO_ERROR) {
      throw Error::InvalidArgument("cannot write " + file_.final_path() + ": " + lxw_strerror(error),
                                   {ErrorDetail{file_.final_path(), lxw_strerror(error)}});
    }
    file_.Commit();
  }

 private:
  static lxw_col_t Col(size_t c) { return static_cast<lxw_col_t>(c); }

  void CheckRow(size_t columns) const {
    if (next_row_ >= kXlsxMaxRows) {
      throw Error::InvalidArgument("the list has more rows than an XLSX sheet holds (1048576); export as CSV",
                                   {ErrorDetail{CellWhere(next_row_ + 1, 0), "too many rows for XLSX"}});
    }
    if (columns > kXlsxMaxColumns) {
      throw Error::InvalidArgument("more than 16384 columns", {ErrorDetail{"columns", "too many for XLSX"}});
    }
  }

  void Check(lxw_error error, size_t col) const {
    if (error != LXW_NO_ERROR) {
      throw Error::InvalidArgument("cannot export " + CellWhere(next_row_ + 1, col) + ": " + lxw_strerror(error),
                                   {ErrorDetail{CellWhere(next_row_ + 1, col), lxw_strerror(error)}});
    }
  }

  void Widen(size_t col, double width) {
    if (widths_.size() <= col) widths_.resize(col + 1, 0);
    widths_[col] = std::max(widths_[col], width);
  }

  PartFile file_;
  std::unique_ptr<lxw_workbook, WorkbookDeleter> workbook_;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* header_format_ = nullptr;
  lxw_format* date_format_ = nullptr;
  size_t next_row_ = 0;
  size_t columns_ = 0;
  size_t header_columns_ = 0;
  std::vector<double> widths_;
};

}  // namespace

void TableWriter::WriteTextRow(const std::vector<std::string>& cells) {
  std::vector<CellValue> values(cells.begin(), cells.end());
  WriteRow(values);
}

std::unique_ptr<TableWriter> OpenTableWriter(const std::string& path, TableFormat format,
                                             const WriterOptions& options) {
  if (format == TableFormat::kXlsx) return std::make_unique<XlsxTableWriter>(path, options);
  return std::make_unique<CsvTableWriter>(path, options);
}

std::unique_ptr<TableWriter> OpenTableWriter(const std::string& path, const WriterOptions& options) {
  const std::optional<TableFormat> format = FormatFromPath(path);
  if (!format) {
    throw Error::InvalidArgument(path + ": export needs a .xlsx or .csv file name",
                                 {ErrorDetail{path, "unknown extension"}});
  }
  return OpenTableWriter(path, *format, options);
}

std::string CsvLine(const std::vector<CellValue>& cells, bool guard_formulas) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line.push_back(',');
    if (const auto* s = std::get_if<std::string>(&cells[i])) {
      AppendCsvField(line, *s, guard_formulas);
    } else {
      line.append(CellText(cells[i]));
    }
  }
  return line;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      width += 1;
      i += 1;
    } else if ((c & 0xE0) == 0xC0) {
      width += 1;
      i += 2;
    } else if ((c & 0xF0) == 0xE0) {
      width += 2;  // CJK, full-width forms
      i += 3;
    } else {
      width += 2;
      i += 4;
    }
  }
  return width;
}

std::string BytesWrittenTo(const std::string& suffix, const std::function<void(const std::string& path)>& write) {
  const TempFile file(suffix);
  write(file.path());
  return file.Read();
}

}  // namespace fupin::io
