#include "dataio/sheet.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/id_number.h"
#include "core/text.h"
#include "dataio/clerk_values.h"
#include "io/excel_date.h"

namespace fupin::dataio {

bool HeaderMatch::Has(size_t c) const {
  return std::find(column_of.begin(), column_of.end(), std::optional<size_t>(c)) != column_of.end();
}

std::string NormalizeHeader(std::string_view header) {
  std::string out;
  size_t i = 0;
  auto starts = [&](std::string_view s) { return header.substr(i, s.size()) == s; };
  int depth = 0;
  while (i < header.size()) {
    // Brackets (ASCII or full-width) and what is inside them are dropped.
    if (starts("(") || starts("[")) { ++depth; ++i; continue; }
    if (starts(")") || starts("]")) { depth = depth > 0 ? depth - 1 : 0; ++i; continue; }
    if (starts("（") || starts("【")) { ++depth; i += 3; continue; }
    if (starts("）") || starts("】")) { depth = depth > 0 ? depth - 1 : 0; i += 3; continue; }
    if (starts("\xE3\x80\x80")) { i += 3; continue; }  // ideographic space
    if (starts("＊")) { i += 3; continue; }
    const unsigned char c = static_cast<unsigned char>(header[i]);
    ++i;
    if (depth > 0) continue;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '*') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
  }
  return out;
}

HeaderMatch MatchHeader(std::span<const SheetColumn> columns, const io::Row& header) {
  HeaderMatch m;
  for (const std::string& cell : header.cells) {
    const std::string h = Trim(cell);
    const std::string key = NormalizeHeader(h);
    std::optional<size_t> match;
    for (size_t c = 0; c < columns.size() && !match && !key.empty(); ++c) {
      const SheetColumn& col = columns[c];
      if (key == NormalizeHeader(col.header_zh) || key == col.header_en) match = c;
      for (auto alias : col.aliases) {
        if (!match && key == NormalizeHeader(alias)) match = c;
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

namespace {

// Whether a first row is data: its first cell digits (and X), an ID number.
bool LooksLikeData(const io::Row& row) {
  const std::string first = ClerkText(row.cell(0));
  return !first.empty() && std::all_of(first.begin(), first.end(),
                                       [](char c) { return (c >= '0' && c <= '9') || c == 'X' || c == 'x'; });
}

}  // namespace

SheetData ReadSheet(std::span<const SheetColumn> columns, io::TableReader& reader, const SheetOptions& options) {
  SheetData data;
  data.column_headers.assign(columns.size(), "");
  for (size_t c = 0; c < columns.size(); ++c) data.column_headers[c] = std::string(columns[c].header_zh);
  io::Row row;
  bool have_header = false;
  while (reader.Next(row)) {
    bool blank = true;
    for (const auto& cell : row.cells) blank = blank && Trim(cell).empty();
    if (blank) continue;
    if (!have_header && options.header_optional && LooksLikeData(row)) {
      have_header = true;  // no header row: the declared columns in order
      for (size_t c = 0; c < columns.size(); ++c) data.header.column_of.emplace_back(c);
    }
    if (!have_header) {
      have_header = true;
      data.header_row = row.number;
      data.header = MatchHeader(columns, row);
      for (size_t i = 0; i < data.header.column_of.size(); ++i) {
        if (auto c = data.header.column_of[i]) data.column_headers[*c] = data.header.headers[i];
      }
      for (const auto& h : data.header.unknown) {
        if (options.ignore_unknown) data.warnings.push_back("忽略未知的列“" + h + "”");
        else data.problems.push_back({row.number, h, "", "未知的列"});
      }
      for (size_t c : data.header.missing) {
        data.problems.push_back({row.number, std::string(columns[c].header_zh), "", "缺少必填列"});
      }
      continue;
    }
    SheetRecord r;
    r.row = row.number;
    r.cells.assign(columns.size(), "");
    r.kinds.assign(columns.size(), io::CellKind::kEmpty);
    for (size_t i = 0; i < data.header.column_of.size(); ++i) {
      const auto c = data.header.column_of[i];
      if (!c) continue;
      r.cells[*c] = columns[*c].type == CellType::kDate ? DateCellText(row, i, reader.date1904()) : Trim(row.cell(i));
      if (i < row.kinds.size()) r.kinds[*c] = row.kinds[i];
    }
    data.records.push_back(std::move(r));
  }
  if (!have_header) {
    data.problems.push_back({1, "", "", "文件是空的：没有表头行"});
  } else if (data.records.empty() && data.problems.empty()) {
    data.problems.push_back({data.header_row, "", "", "表头下没有数据行"});
  }
  return data;
}

std::string SheetRow::Cell(size_t c) const { return record_.cells.at(c); }

bool SheetRow::Missing(size_t c, const std::string& text) {
  if (!text.empty()) return false;
  if (columns_[c].required) Problem(c, "", "必填，不能为空");
  return true;
}

void SheetRow::Problem(size_t c, std::string value, std::string reason) {
  problems_.push_back({record_.row, data_.column_headers.at(c), std::move(value), std::move(reason)});
}

void SheetRow::RowProblem(std::string reason) { problems_.push_back({record_.row, "", "", std::move(reason)}); }

std::string SheetRow::Text(size_t c) {
  std::string text = Cell(c);
  Missing(c, text);
  return text;
}

std::optional<int64_t> SheetRow::Integer(size_t c, int64_t min, int64_t max) {
  const std::string text = Cell(c);
  if (Missing(c, text)) return std::nullopt;
  auto v = ReadInteger(text);
  if (!v) {
    Problem(c, text, "不是整数");
  } else if (*v < min || *v > max) {
    Problem(c, text, "应在 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间");
    v.reset();
  }
  return v;
}

std::optional<int64_t> SheetRow::Yuan(size_t c) {
  const std::string text = Cell(c);
  if (Missing(c, text)) return std::nullopt;
  auto v = ReadHundredths(text);
  if (!v || *v < 0) {
    Problem(c, text, "不是金额（元，最多两位小数，不能为负）");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> SheetRow::YesNo(size_t c) {
  const std::string text = Cell(c);
  if (Missing(c, text)) return std::nullopt;
  auto v = ReadYesNo(text);
  if (!v) Problem(c, text, "应填 是/否（或 √/×、有/无、1/0）");
  return v;
}

std::optional<Date> SheetRow::DateValue(size_t c) {
  const std::string text = Cell(c);
  if (Missing(c, text)) return std::nullopt;
  auto v = ReadDate(text);
  if (!v) Problem(c, text, "不是日期（如 2020-09-15、2020/9/15、2020年9月15日）");
  return v;
}

std::optional<std::string> SheetRow::IdNumber(size_t c, const Date& today) {
  const std::string text = ClerkText(Cell(c));
  if (Missing(c, text)) return std::nullopt;
  const IdNumberCheck check = CheckIdNumber(text, today);
  if (!check.ok()) {
    Problem(c, MaskIdNumber(text), "身份证号无效：" + check.problem_zh);
    return std::nullopt;
  }
  return check.number->text;
}

std::optional<std::string> SheetRow::Term(size_t c) {
  const std::string text = Cell(c);
  if (Missing(c, text)) return std::nullopt;
  auto v = columns_[c].terms ? ReadTerm(columns_[c].terms(), text) : std::nullopt;
  if (!v) Problem(c, text, "不是可选值之一：" + SheetAllowedValues(columns_[c]));
  return v;
}

bool SheetPolicy::Refuses(const std::vector<ImportProblem>& problems, size_t header_row) const {
  if (problems.empty()) return false;
  if (!skip_invalid) return true;
  for (const auto& p : problems) {
    if (p.row <= header_row) return true;
  }
  return false;
}

std::set<size_t> SheetPolicy::BadRows(const std::vector<ImportProblem>& problems) {
  std::set<size_t> rows;
  for (const auto& p : problems) rows.insert(p.row);
  return rows;
}

std::vector<ErrorDetail> RefusalDetails(const std::vector<ImportProblem>& problems) {
  std::vector<ErrorDetail> details;
  details.reserve(problems.size());
  for (const auto& p : problems) {
    details.push_back({"第" + std::to_string(p.row) + "行" + (p.column.empty() ? "" : " " + p.column),
                       (p.value.empty() ? "" : "“" + p.value + "”：") + p.reason});
  }
  return details;
}

nlohmann::json ImportProblemsJson(const std::vector<ImportProblem>& problems) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : problems) a.push_back({{"row", p.row}, {"column", p.column}, {"value", p.value}, {"reason", p.reason}});
  return a;
}

void ThrowRefusal(const std::vector<ImportProblem>& problems) {
  throw Error::InvalidArgument(std::to_string(problems.size()) +
                                   " 处错误，文件未导入（--skip-invalid / skip_invalid=true 可只导入正确的行）",
                               RefusalDetails(problems));
}

std::string SheetTemplateHeader(const SheetColumn& column) {
  std::string h(column.header_zh);
  if (!column.unit.empty()) h += "（" + std::string(column.unit) + "）";
  if (column.required) h += "*";
  return h;
}

std::string SheetAllowedValues(const SheetColumn& column) {
  switch (column.type) {
    case CellType::kText: return "文本";
    case CellType::kInteger: return "整数";
    case CellType::kYuan: return "金额（元），最多两位小数，不能为负";
    case CellType::kBool: return "是/否";
    case CellType::kDate: return "日期，如 2020-09-15、2020/9/15、2020年9月15日";
    case CellType::kIdNumber: return "18位身份证号（文本）";
    case CellType::kAreaCode: return "区划代码（文本）";
    case CellType::kTerm: break;
  }
  std::string out;
  if (column.terms) {
    for (const registry::CodeTerm& t : column.terms()) {
      if (!out.empty()) out += "、";
      out += t.label_zh;
    }
  }
  return out;
}

std::string DateCellText(const io::Row& row, size_t column, bool date1904) {
  std::string text = Trim(row.cell(column));
  if (column < row.kinds.size() && row.kinds[column] == io::CellKind::kDate) {
    if (double serial = std::strtod(text.c_str(), nullptr); serial > 0) {
      if (auto d = io::ExcelSerialToDate(serial, date1904)) return d->ToString();
    }
  }
  if (auto d = ReadDate(text)) return d->ToString();
  return text;
}

}  // namespace fupin::dataio
