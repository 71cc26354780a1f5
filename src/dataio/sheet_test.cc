// The one import framework below every import (dataio/sheet.h): header
// matching, the cell readers as clerks type (table-driven, from
// testdata/sheet_cells.tsv), the problems in Chinese and the one policy.
#include "dataio/sheet.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "registry/vocab.h"

namespace fupin::dataio {
namespace {

SheetData Read(std::span<const SheetColumn> columns, const std::string& csv, const SheetOptions& options = {}) {
  auto reader = io::OpenCsvBytes(csv);
  return ReadSheet(columns, *reader, options);
}

const std::vector<SheetColumn>& Roster() {
  static const std::vector<SheetColumn> kColumns = {
      {.key = "id_number", .header_zh = "身份证号", .header_en = "id_number", .required = true,
       .aliases = {"证件号码"}, .type = CellType::kIdNumber},
      {.key = "amount", .header_zh = "金额", .header_en = "amount", .required = true, .aliases = {},
       .type = CellType::kYuan, .unit = "元"},
      {.key = "date", .header_zh = "日期", .header_en = "date", .required = false, .aliases = {"发放日期"},
       .type = CellType::kDate}};
  return kColumns;
}

TEST(SheetTest, HeadersMatchByChineseEnglishOrAliasWithUnitsAndMarksIgnored) {
  const SheetData d = Read(Roster(), "金额（元）*, 证件号码 ,DATE\n１０００,430424197001010011,2020/9/1\n");
  EXPECT_TRUE(d.problems.empty());
  EXPECT_EQ(d.header_row, 1u);
  EXPECT_EQ(d.column_headers[0], "证件号码");  // as written, for the messages
  EXPECT_EQ(d.column_headers[1], "金额（元）*");
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.records[0].row, 2u);
  EXPECT_EQ(d.records[0].cells[0], "430424197001010011");
  EXPECT_EQ(d.records[0].cells[2], "2020-09-01");  // a date column is read as YYYY-MM-DD
  EXPECT_EQ(SheetTemplateHeader(Roster()[1]), "金额（元）*");
}

TEST(SheetTest, UnknownAndMissingColumnsAreProblemsOfTheHeaderRowUnlessIgnored) {
  SheetData d = Read(Roster(), "身份证号,学校\n430424197001010011,一中\n");
  ASSERT_EQ(d.problems.size(), 2u);
  EXPECT_EQ(d.problems[0].row, 1u);
  EXPECT_EQ(d.problems[0].column, "学校");
  EXPECT_EQ(d.problems[0].reason, "未知的列");
  EXPECT_EQ(d.problems[1].column, "金额");
  EXPECT_EQ(d.problems[1].reason, "缺少必填列");
  d = Read(Roster(), "身份证号,金额,学校\n430424197001010011,1,一中\n", {.ignore_unknown = true});
  EXPECT_TRUE(d.problems.empty());
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "忽略未知的列“学校”");
  // No header at all: the declared columns in order, when allowed.
  d = Read(Roster(), "430424197001010011,1000,2020-09-01\n", {.header_optional = true});
  EXPECT_TRUE(d.problems.empty());
  EXPECT_EQ(d.header_row, 0u);
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.records[0].cells[1], "1000");
  EXPECT_EQ(Read(Roster(), "").problems.at(0).reason, "文件是空的：没有表头行");
  EXPECT_EQ(Read(Roster(), "身份证号,金额\n").problems.at(0).reason, "表头下没有数据行");
}

// Every line of testdata/sheet_cells.tsv: a cell of a type, and what is read
// (the value, or the start of the problem's reason).
TEST(SheetTest, CellsAsClerksTypeThem) {
  std::ifstream file(FUPIN_SHEET_TESTDATA "/sheet_cells.tsv");
  ASSERT_TRUE(file) << "testdata/sheet_cells.tsv";
  const std::vector<SheetColumn> columns = {
      {.key = "integer", .header_zh = "整数", .header_en = "integer", .type = CellType::kInteger},
      {.key = "yuan", .header_zh = "金额", .header_en = "yuan", .type = CellType::kYuan},
      {.key = "bool", .header_zh = "是否", .header_en = "bool", .type = CellType::kBool},
      {.key = "date", .header_zh = "日期", .header_en = "date", .type = CellType::kDate},
      {.key = "term", .header_zh = "在校状况", .header_en = "term", .type = CellType::kTerm,
       .terms = registry::SchoolStatuses},
      {.key = "id", .header_zh = "身份证号", .header_en = "id", .type = CellType::kIdNumber},
      {.key = "required", .header_zh = "姓名", .header_en = "required", .required = true}};
  std::string line;
  int cases = 0;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string type, cell, expected;
    std::getline(fields, type, '\t');
    std::getline(fields, cell, '\t');
    std::getline(fields, expected);
    size_t c = 0;
    while (c < columns.size() && columns[c].key != type) ++c;
    ASSERT_LT(c, columns.size()) << line;
    SheetData data;
    data.column_headers.assign(columns.size(), "");
    for (size_t i = 0; i < columns.size(); ++i) data.column_headers[i] = std::string(columns[i].header_zh);
    SheetRecord record{7, std::vector<std::string>(columns.size()), {}};
    record.cells[c] = cell;
    std::vector<ImportProblem> problems;
    SheetRow row(columns, data, record, problems);
    std::string read = "(empty)";
    const Date today{2026, 11, 28};
    switch (columns[c].type) {
      case CellType::kInteger:
        if (auto v = row.Integer(c, 2000, 2100)) read = std::to_string(*v);
        break;
      case CellType::kYuan:
        if (auto v = row.Yuan(c)) read = std::to_string(*v);
        break;
      case CellType::kBool:
        if (auto v = row.YesNo(c)) read = *v ? "true" : "false";
        break;
      case CellType::kDate:
        if (auto v = row.DateValue(c)) read = v->ToString();
        break;
      case CellType::kTerm:
        if (auto v = row.Term(c)) read = *v;
        break;
      case CellType::kIdNumber:
        if (auto v = row.IdNumber(c, today)) read = *v;
        break;
      default:
        if (auto v = row.Text(c); !v.empty()) read = v;
        break;
    }
    if (expected.starts_with('!')) {
      ASSERT_EQ(problems.size(), 1u) << line;
      EXPECT_EQ(problems[0].row, 7u) << line;
      EXPECT_EQ(problems[0].column, columns[c].header_zh) << line;
      EXPECT_TRUE(problems[0].reason.starts_with(expected.substr(1))) << line << " -> " << problems[0].reason;
    } else {
      EXPECT_TRUE(problems.empty()) << line << " -> " << (problems.empty() ? "" : problems[0].reason);
      EXPECT_EQ(read, expected) << line;
    }
    ++cases;
  }
  EXPECT_GE(cases, 30);
}

TEST(SheetTest, OnePolicyAllOrNothingOrTheValidRows) {
  const std::vector<ImportProblem> rows = {{3, "金额", "abc", "不是金额"}, {5, "日期", "x", "不是日期"}, {3, "日期", "", "必填"}};
  EXPECT_TRUE(SheetPolicy{}.Refuses(rows, 1));
  EXPECT_FALSE(SheetPolicy{true}.Refuses(rows, 1));
  EXPECT_EQ(SheetPolicy::BadRows(rows), (std::set<size_t>{3, 5}));
  // A problem of the header refuses the file whatever the policy.
  EXPECT_TRUE(SheetPolicy{true}.Refuses({{1, "学校", "", "未知的列"}}, 1));
  EXPECT_FALSE(SheetPolicy{}.Refuses({}, 1));
  const auto details = RefusalDetails(rows);
  EXPECT_EQ(details[0].path, "第3行 金额");
  EXPECT_EQ(details[0].problem, "“abc”：不是金额");
  EXPECT_EQ(details[2].problem, "必填");
  try {
    ThrowRefusal(rows);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.details().size(), 3u);
    EXPECT_TRUE(std::string(e.what()).starts_with("3 处错误，文件未导入"));
  }
}

}  // namespace
}  // namespace fupin::dataio
