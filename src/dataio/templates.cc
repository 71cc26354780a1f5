#include "dataio/templates.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "core/temp_file.h"
#include "io/table_writer.h"

namespace fupin::dataio {
namespace {

struct WorkbookDeleter {
  void operator()(lxw_workbook* w) const { lxw_workbook_free(w); }
};

// A column as a template shows it, from either declaration (ColumnSpec of
// the registry templates, SheetColumn of the other imports).
struct TemplateColumn {
  std::string header;  // with unit and '*'
  std::string header_zh, key;
  bool required = false;
  bool text = false, date = false, id_number = false;
  std::vector<std::string> choices;  // drop-down
  std::string allowed, note;
};

bool IsTextColumn(const ColumnSpec& c) {
  return c.type == ValueType::kText || c.type == ValueType::kIdNumber || c.type == ValueType::kAreaCode ||
         c.type == ValueType::kPhone;
}

std::string TypeNote(const ColumnSpec& c) {
  switch (c.type) {
    case ValueType::kText: return "文本";
    case ValueType::kInteger: return "整数 " + std::to_string(c.min) + "-" + std::to_string(c.max);
    case ValueType::kYuan: return "金额（元），最多两位小数，不能为负";
    case ValueType::kMu: return "面积（亩），最多两位小数，不能为负";
    case ValueType::kBool: return "是/否";
    case ValueType::kTerm: return "取值之一";
    case ValueType::kTerms: return "取值，可多个";
    case ValueType::kDate: return "日期 YYYY-MM-DD";
    case ValueType::kIdNumber: return "18位身份证号（文本）";
    case ValueType::kAreaCode: return "12位区划代码（文本）";
    case ValueType::kPhone: return "电话号码（文本）";
  }
  return "";
}

void Check(lxw_error error, const std::string& path) {
  if (error != LXW_NO_ERROR) {
    throw Error::InvalidArgument("cannot write " + path + ": " + lxw_strerror(error), {{path, lxw_strerror(error)}});
  }
}

std::vector<TemplateColumn> FromSpecs(const std::vector<ColumnSpec>& specs) {
  std::vector<TemplateColumn> out;
  for (const ColumnSpec& c : specs) {
    TemplateColumn t{TemplateHeader(c), std::string(c.header_zh), std::string(c.key), c.required, IsTextColumn(c),
                     c.type == ValueType::kDate, c.type == ValueType::kIdNumber, {}, AllowedValues(c),
                     std::string(c.note_zh)};
    if (c.type == ValueType::kBool) t.choices = {"是", "否"};
    if (c.type == ValueType::kTerm) {
      for (const auto& term : c.terms()) t.choices.emplace_back(term.label_zh);
    }
    if (t.allowed.empty()) t.allowed = TypeNote(c);
    if (c.level == Level::kHousehold) t.note = "户信息，同户各行须一致。" + t.note;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<TemplateColumn> FromSheet(std::span<const SheetColumn> sheet) {
  std::vector<TemplateColumn> out;
  for (const SheetColumn& c : sheet) {
    TemplateColumn t{SheetTemplateHeader(c), std::string(c.header_zh), std::string(c.header_en), c.required,
                     c.type == CellType::kText || c.type == CellType::kIdNumber || c.type == CellType::kAreaCode,
                     c.type == CellType::kDate, c.type == CellType::kIdNumber, {}, SheetAllowedValues(c),
                     std::string(c.note_zh)};
    if (c.type == CellType::kBool) t.choices = {"是", "否"};
    if (c.type == CellType::kTerm && c.terms) {
      for (const auto& term : c.terms()) t.choices.emplace_back(term.label_zh);
    }
    out.push_back(std::move(t));
  }
  return out;
}

void WriteXlsxTemplate(const std::vector<TemplateColumn>& columns, const std::string& sheet_name,
                       const std::string& path) {
  const std::string part = path + ".part";
  std::string tmpdir = TempDirectory();  // libxlsxwriter's temporary files in TMPDIR too
  lxw_workbook_options options{};
  options.tmpdir = tmpdir.data();
  std::unique_ptr<lxw_workbook, WorkbookDeleter> book(workbook_new_opt(part.c_str(), &options));
  if (!book) throw Error::InvalidArgument("cannot write " + path, {{path, "cannot create the file"}});
  lxw_worksheet* sheet = workbook_add_worksheet(book.get(), sheet_name.c_str());
  lxw_worksheet* notes = workbook_add_worksheet(book.get(), "填写说明");
  lxw_format* header = workbook_add_format(book.get());
  format_set_bold(header);
  format_set_bg_color(header, 0xDDEBF7);
  format_set_pattern(header, LXW_PATTERN_SOLID);
  format_set_border(header, LXW_BORDER_THIN);
  format_set_align(header, LXW_ALIGN_CENTER);
  lxw_format* required = workbook_add_format(book.get());
  format_set_bold(required);
  format_set_bg_color(required, 0xFCE4D6);
  format_set_pattern(required, LXW_PATTERN_SOLID);
  format_set_border(required, LXW_BORDER_THIN);
  format_set_align(required, LXW_ALIGN_CENTER);
  lxw_format* text = workbook_add_format(book.get());
  format_set_num_format(text, "@");
  lxw_format* date = workbook_add_format(book.get());
  format_set_num_format(date, "yyyy-mm-dd");

  for (size_t i = 0; i < columns.size(); ++i) {
    const TemplateColumn& c = columns[i];
    const auto col = static_cast<lxw_col_t>(i);
    Check(worksheet_write_string(sheet, 0, col, c.header.c_str(), c.required ? required : header), path);
    const double width = std::max<double>(10.0, static_cast<double>(io::DisplayWidth(c.header)) + 2.0);
    lxw_format* f = c.text ? text : c.date ? date : nullptr;
    worksheet_set_column(sheet, col, col, c.id_number ? 22.0 : width, f);
    // Drop-down lists for single-valued vocabularies (and yes/no); other
    // spellings (the English names) are still accepted on import.
    if (!c.choices.empty()) {
      std::vector<std::string> labels = c.choices;
      // Excel keeps a list of at most 255 characters (libxlsxwriter writes it
      // into a fixed buffer): a longer vocabulary (the 29 major diseases) gets
      // no drop-down, its values are on the notes sheet.
      size_t joined = 0;
      for (const auto& l : labels) joined += l.size() + 1;
      if (joined > 255) continue;
      std::vector<char*> list;  // libxlsxwriter's field is char** although it only reads it
      list.reserve(labels.size() + 1);
      for (auto& l : labels) list.push_back(l.data());
      list.push_back(nullptr);
      lxw_data_validation v{};
      v.validate = LXW_VALIDATION_TYPE_LIST;
      v.value_list = list.data();
      v.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
      worksheet_data_validation_range(sheet, 1, col, 1048575, col, &v);
    }
  }
  worksheet_freeze_panes(sheet, 1, 0);

  const char* note_headers[] = {"列名", "英文列名", "必填", "取值", "说明"};
  for (lxw_col_t c = 0; c < 5; ++c) Check(worksheet_write_string(notes, 0, c, note_headers[c], header), path);
  for (size_t i = 0; i < columns.size(); ++i) {
    const TemplateColumn& c = columns[i];
    const auto row = static_cast<lxw_row_t>(i + 1);
    worksheet_write_string(notes, row, 0, c.header_zh.c_str(), nullptr);
    worksheet_write_string(notes, row, 1, c.key.c_str(), nullptr);
    worksheet_write_string(notes, row, 2, c.required ? "是" : "", nullptr);
    worksheet_write_string(notes, row, 3, c.allowed.c_str(), nullptr);
    worksheet_write_string(notes, row, 4, c.note.c_str(), nullptr);
  }
  worksheet_set_column(notes, 0, 0, 18, nullptr);
  worksheet_set_column(notes, 1, 1, 20, nullptr);
  worksheet_set_column(notes, 2, 2, 6, nullptr);
  worksheet_set_column(notes, 3, 3, 60, nullptr);
  worksheet_set_column(notes, 4, 4, 60, nullptr);
  worksheet_freeze_panes(notes, 1, 0);
  Check(workbook_close(book.release()), path);
  std::error_code ec;
  std::filesystem::rename(part, path, ec);
  if (ec) {
    std::remove(part.c_str());
    throw Error::InvalidArgument("cannot write " + path + ": " + ec.message(), {{path, ec.message()}});
  }
}

}  // namespace

std::string TemplateSheetName(TemplateKind kind) {
  return kind == TemplateKind::kPersons ? "人员" : "户年度信息";
}

namespace {

void WriteColumns(const std::vector<TemplateColumn>& columns, const std::string& sheet_name, io::TableFormat format,
                  const std::string& path) {
  if (format == io::TableFormat::kXlsx) {
    WriteXlsxTemplate(columns, sheet_name, path);
    return;
  }
  std::vector<std::string> headers;
  headers.reserve(columns.size());
  for (const auto& c : columns) headers.push_back(c.header);
  auto writer = io::OpenTableWriter(path, io::TableFormat::kCsv);
  writer->WriteHeader(headers);
  writer->Close();
}

}  // namespace

void WriteTemplate(TemplateKind kind, io::TableFormat format, const std::string& path) {
  WriteColumns(FromSpecs(Columns(kind)), TemplateSheetName(kind), format, path);
}

void WriteSheetTemplate(std::span<const SheetColumn> columns, const std::string& sheet_name, io::TableFormat format,
                        const std::string& path) {
  WriteColumns(FromSheet(columns), sheet_name, format, path);
}

}  // namespace fupin::dataio
