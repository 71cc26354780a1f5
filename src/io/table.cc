#include "io/table.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"

namespace fupin::io {
namespace {

bool AllEmpty(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return c.empty(); });
}

class CsvTableReader final : public TableReader {
 public:
  CsvTableReader(std::string bytes, const TableOptions& options, std::string source)
      : source_(std::move(source)), keep_blank_rows_(options.keep_blank_rows) {
    try {
      encoding_ = options.encoding ? *options.encoding : DetectEncoding(bytes);
    } catch (const Error& e) {
      throw Error::InvalidArgument(source_ + ": " + e.what(), {ErrorDetail{source_, e.what()}});
    }
    if (encoding_ == Encoding::kUtf8 && !options.encoding) {
      text_ = std::move(bytes);  // already UTF-8: no copy
    } else {
      text_ = ToUtf8(bytes, encoding_, source_);
    }
    if (!IsValidUtf8(text_)) {
      throw Error::InvalidArgument(source_ + ": the file is not valid " + EncodingName(encoding_),
                                   {ErrorDetail{source_, "not valid UTF-8"}});
    }
    reader_.emplace(text_);
  }

  bool Next(Row& row) override {
    while (true) {
      bool got;
      try {
        got = reader_->Next(row.cells);
      } catch (const Error& e) {
        // CsvReader names the line; add the file.
        throw Error::InvalidArgument(source_ + ": " + e.what(), {ErrorDetail{source_, e.what()}});
      }
      if (!got) return false;
      if (!keep_blank_rows_ && AllEmpty(row.cells)) continue;
      row.number = reader_->record_line();
      row.kinds.assign(row.cells.size(), CellKind::kText);
      for (size_t i = 0; i < row.cells.size(); ++i) {
        if (row.cells[i].empty()) row.kinds[i] = CellKind::kEmpty;
      }
      return true;
    }
  }

  TableFormat format() const override { return TableFormat::kCsv; }
  Encoding encoding() const override { return encoding_; }
  const std::string& sheet() const override { return sheet_; }

 private:
  std::string source_;
  bool keep_blank_rows_;
  Encoding encoding_ = Encoding::kUtf8;
  std::string text_;
  std::string sheet_;
  std::optional<CsvReader> reader_;
};

}  // namespace

const char* TableFormatName(TableFormat format) {
  return format == TableFormat::kXlsx ? "xlsx" : "csv";
}

std::optional<TableFormat> FormatFromPath(std::string_view path) {
  const size_t dot = path.rfind('.');
  const size_t slash = path.find_last_of("/\\");
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return std::nullopt;
  const std::string ext = Lower(path.substr(dot + 1));
  if (ext == "csv" || ext == "txt") return TableFormat::kCsv;
  if (ext == "xlsx" || ext == "xlsm") return TableFormat::kXlsx;
  return std::nullopt;
}

std::unique_ptr<TableReader> OpenCsvBytes(std::string bytes, const TableOptions& options, std::string source) {
  return std::make_unique<CsvTableReader>(std::move(bytes), options, std::move(source));
}

std::unique_ptr<TableReader> OpenTable(const std::string& path, const TableOptions& options) {
  return OpenTableBytes(ReadFile(path), path, options);
}

std::unique_ptr<TableReader> OpenTableBytes(std::string bytes, const std::string& path, const TableOptions& options) {
  std::optional<TableFormat> format = options.format;
  if (!format) format = FormatFromPath(path);
  if (!format) {
    if (bytes.starts_with("PK\x03\x04")) {
      format = TableFormat::kXlsx;
    } else if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
      throw Error::InvalidArgument(path + ": an old Excel .xls file; save it as .xlsx or CSV",
                                   {ErrorDetail{path, "old .xls format is not read"}});
    } else {
      format = TableFormat::kCsv;
    }
  }
  if (*format == TableFormat::kXlsx) return OpenXlsxBytes(std::move(bytes), options, path);
  if (bytes.starts_with("PK\x03\x04")) {
    throw Error::InvalidArgument(path + ": the file is a spreadsheet (ZIP), not CSV; name it .xlsx",
                                 {ErrorDetail{path, "XLSX content in a CSV file"}});
  }
  return OpenCsvBytes(std::move(bytes), options, path);
}

Table ReadTable(const std::string& path, const TableOptions& options) {
  std::unique_ptr<TableReader> reader = OpenTable(path, options);
  return ReadTable(*reader);
}

Table ReadTable(TableReader& reader) {
  Table table;
  table.format = reader.format();
  table.encoding = reader.encoding();
  table.sheet = reader.sheet();
  table.date1904 = reader.date1904();
  Row row;
  while (reader.Next(row)) table.rows.push_back(std::move(row));
  return table;
}

}  // namespace fupin::io
