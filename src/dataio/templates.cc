#include "dataio/templates.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "io/table_writer.h"

namespace fupin::dataio {
namespace {

struct WorkbookDeleter {
  void operator()(lxw_workbook* w) const { lxw_workbook_free(w); }
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

void WriteXlsxTemplate(TemplateKind kind, const std::string& path) {
  const auto& columns = Columns(kind);
  const std::string part = path + ".part";
  std::unique_ptr<lxw_workbook, WorkbookDeleter> book(workbook_new(part.c_str()));
  if (!book) throw Error::InvalidArgument("cannot write " + path, {{path, "cannot create the file"}});
  const std::string sheet_name = TemplateSheetName(kind);
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
    const ColumnSpec& c = columns[i];
    const auto col = static_cast<lxw_col_t>(i);
    const std::string h = TemplateHeader(c);
    Check(worksheet_write_string(sheet, 0, col, h.c_str(), c.required ? required : header), path);
    const double width = std::max<double>(10.0, static_cast<double>(io::DisplayWidth(h)) + 2.0);
    lxw_format* f = IsTextColumn(c) ? text : c.type == ValueType::kDate ? date : nullptr;
    worksheet_set_column(sheet, col, col, c.type == ValueType::kIdNumber ? 22.0 : width, f);
    // Drop-down lists for single-valued vocabularies (and yes/no); other
    // spellings (the English names) are still accepted on import.
    if (c.type == ValueType::kTerm || c.type == ValueType::kBool) {
      std::vector<std::string> labels;
      if (c.type == ValueType::kBool) {
        labels = {"是", "否"};
      } else {
        for (const auto& t : c.terms()) labels.emplace_back(t.label_zh);
      }
      // Excel keeps a list of at most 255 characters (libxlsxwriter writes it
      // into a fixed buffer): a longer vocabulary (the 29 major diseases) gets
      // no drop-down, its values are on the notes sheet.
      size_t joined = 0;
      for (const auto& l : labels) joined += l.size() + 1;
      if (joined > 255) continue;
      std::vector<char*> list;  // libxlsxwriter's field is char** although it only reads it
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
    const ColumnSpec& c = columns[i];
    const auto row = static_cast<lxw_row_t>(i + 1);
    std::string allowed = AllowedValues(c);
    if (allowed.empty()) allowed = TypeNote(c);
    std::string note(c.note_zh);
    if (c.level == Level::kHousehold) note = "户信息，同户各行须一致。" + note;
    worksheet_write_string(notes, row, 0, std::string(c.header_zh).c_str(), nullptr);
    worksheet_write_string(notes, row, 1, std::string(c.key).c_str(), nullptr);
    worksheet_write_string(notes, row, 2, c.required ? "是" : "", nullptr);
    worksheet_write_string(notes, row, 3, allowed.c_str(), nullptr);
    worksheet_write_string(notes, row, 4, note.c_str(), nullptr);
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

void WriteTemplate(TemplateKind kind, io::TableFormat format, const std::string& path) {
  if (format == io::TableFormat::kXlsx) {
    WriteXlsxTemplate(kind, path);
    return;
  }
  std::vector<std::string> headers;
  for (const auto& c : Columns(kind)) headers.push_back(TemplateHeader(c));
  auto writer = io::OpenTableWriter(path, io::TableFormat::kCsv);
  writer->WriteHeader(headers);
  writer->Close();
}

}  // namespace fupin::dataio
