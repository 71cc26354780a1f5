#include <zip.h>

#include <map>

#include <gtest/gtest.h>

#include "core/error.h"
#include "io/excel_date.h"
#include "io/table.h"
#include "io/testing/temp_dir.h"

namespace fupin::io {
namespace {

using Cells = std::vector<std::string>;
using Kinds = std::vector<CellKind>;

std::string Fixture(const std::string& name) { return std::string(FUPIN_IO_FIXTURE_DIR) + "/" + name; }

// Writes a ZIP with the given parts (name -> content).
std::string MakeZip(const testing::TempDir& dir, const std::string& name,
                    const std::map<std::string, std::string>& parts) {
  const std::string path = dir.Path(name);
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(z, nullptr);
  for (const auto& [part, content] : parts) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    zip_file_add(z, part.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
  }
  EXPECT_EQ(zip_close(z), 0);
  return path;
}

const char* kWorkbook =
    R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>)"
    R"(<sheet name="表1" sheetId="1"/></sheets></workbook>)";

std::string Sheet(const std::string& rows) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>)"
         R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
         rows + "</sheetData></worksheet>";
}

// The rows both fixtures share (see tests/fixtures/xlsx/make_fixtures.py).
void ExpectPersons(const Table& t, bool formula_computed) {
  EXPECT_EQ(t.format, TableFormat::kXlsx);
  EXPECT_EQ(t.sheet, "人员");
  EXPECT_FALSE(t.date1904);
  ASSERT_EQ(t.rows.size(), 5u);
  EXPECT_EQ(t.rows[0].cells, (Cells{"户编号", "姓名", "身份证号", "出生日期", "年收入", "在校", "备注"}));
  EXPECT_EQ(t.rows[0].number, 1u);

  const Row& zhang = t.rows[1];
  EXPECT_EQ(zhang.cells, (Cells{"H001", "张三", "430424199001011234", "32874", "12345.67", "TRUE", "多行\n备注"}));
  EXPECT_EQ(zhang.kinds, (Kinds{CellKind::kText, CellKind::kText, CellKind::kText, CellKind::kDate,
                                CellKind::kNumber, CellKind::kBool, CellKind::kText}));
  EXPECT_EQ(ExcelSerialToDate(zhang.cells[3]), (Date{1990, 1, 1}));

  EXPECT_EQ(t.rows[2].cells, (Cells{"H001", "李四", "43042419920304567X", "33667", "0", "FALSE"}));

  // Row 4 is empty and skipped; row 5 has gaps in B and D.
  const Row& gaps = t.rows[3];
  EXPECT_EQ(gaps.number, 5u);
  EXPECT_EQ(gaps.cells, (Cells{"H002", "", "430424200001011111", "", "3"}));
  EXPECT_EQ(gaps.kinds[1], CellKind::kEmpty);

  const Row& odd = t.rows[4];
  EXPECT_EQ(odd.number, 6u);
  ASSERT_GE(odd.cells.size(), 5u);
  EXPECT_EQ(odd.cells[0], "  空格  ");
  EXPECT_EQ(odd.cells[1], "a,\"b\"");
  EXPECT_EQ(odd.cells[2], "1e+20");
  EXPECT_EQ(ExcelSerialToDate(odd.cells[3]), (Date{2024, 2, 29}));
  EXPECT_EQ(odd.cells[4], "-0.5");
  if (formula_computed) {
    EXPECT_EQ(odd.cell(5), "24691.34");
  } else {
    EXPECT_EQ(odd.cell(5), "");  // openpyxl stores formulas without a value
  }
}

TEST(XlsxReaderTest, ReadsFileWrittenByOpenpyxl) {
  ExpectPersons(ReadTable(Fixture("persons_openpyxl.xlsx")), false);
}

TEST(XlsxReaderTest, ReadsFileWrittenByLibreOffice) {
  ExpectPersons(ReadTable(Fixture("persons_libreoffice.xlsx")), true);
}

TEST(XlsxReaderTest, ReadsNamedSheetAndListsSheets) {
  for (const char* name : {"persons_openpyxl.xlsx", "persons_libreoffice.xlsx"}) {
    EXPECT_EQ(ListSheets(Fixture(name)), (Cells{"人员", "家庭"})) << name;
    TableOptions options;
    options.sheet = "家庭";
    const Table t = ReadTable(Fixture(name), options);
    EXPECT_EQ(t.sheet, "家庭");
    ASSERT_EQ(t.rows.size(), 2u) << name;
    EXPECT_EQ(t.rows[1].cells, (Cells{"H001", "2"}));
    EXPECT_EQ(t.rows[1].kinds[1], CellKind::kNumber);
  }
}

TEST(XlsxReaderTest, MissingSheetNamesTheSheetsThereAre) {
  TableOptions options;
  options.sheet = "户";
  try {
    ReadTable(Fixture("persons_openpyxl.xlsx"), options);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("人员, 家庭"), std::string::npos) << e.what();
  }
}

TEST(XlsxReaderTest, ReadsInlineStringsRunsErrorsAndPrefixedNames) {
  testing::TempDir dir;
  const std::string rows =
      R"(<row r="2"><c r="b2" t="inlineStr"><is><t>内联</t></is></c>)"
      R"(<c t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r><rPh><t>フリ</t></rPh></is></c>)"
      R"(<c r="E2" t="e"><v>#N/A</v></c><c r="F2" t="str"><f>A1</f><v>公式</v></c></row>)"
      R"(<row><c><v>7</v></c></row>)";
  const std::string path = MakeZip(dir, "inline.xlsx",
                                   {{"xl/workbook.xml", kWorkbook}, {"xl/worksheets/sheet1.xml", Sheet(rows)}});
  const Table t = ReadTable(path);
  EXPECT_EQ(t.sheet, "表1");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].number, 2u);
  EXPECT_EQ(t.rows[0].cells, (Cells{"", "内联", "富文本", "", "#N/A", "公式"}));
  EXPECT_EQ(t.rows[0].kinds[4], CellKind::kError);
  EXPECT_EQ(t.rows[1].number, 3u);  // no r: the row after
  EXPECT_EQ(t.rows[1].cells, (Cells{"7"}));

  // Element names with a namespace prefix, as some generators write them.
  const std::string ns_sheet =
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>)"
      R"(<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>)";
  const Table p = ReadTable(MakeZip(dir, "ns.xlsx", {{"xl/workbook.xml", kWorkbook},
                                                      {"xl/worksheets/sheet1.xml", ns_sheet}}));
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].cells, (Cells{"前缀"}));
}

TEST(XlsxReaderTest, ErrorsNameFileSheetRowAndColumn) {
  testing::TempDir dir;
  const std::string path = MakeZip(
      dir, "bad.xlsx",
      {{"xl/workbook.xml", kWorkbook},
       {"xl/worksheets/sheet1.xml", Sheet(R"(<row r="1"><c r="A1"><v>1</v></c></row>)"
                                          R"(<row r="7"><c r="C7" t="s"><v>5</v></c></row>)")}});
  auto reader = OpenTable(path);
  Row row;
  ASSERT_TRUE(reader->Next(row));  // row 1 is fine and handed out first
  try {
    reader->Next(row);
    FAIL() << "a missing shared string was accepted";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, path + ", sheet 表1, row 7, column C");
    EXPECT_NE(std::string(e.what()).find("shared string 5"), std::string::npos) << e.what();
  }

  const std::string bad_number = MakeZip(
      dir, "num.xlsx",
      {{"xl/workbook.xml", kWorkbook}, {"xl/worksheets/sheet1.xml", Sheet(R"(<row r="3"><c r="AB3"><v>1,5</v></c></row>)")}});
  try {
    ReadTable(bad_number);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 3, column AB"), std::string::npos) << e.what();
  }
}

TEST(XlsxReaderTest, RefusesBrokenFiles) {
  testing::TempDir dir;
  EXPECT_THROW(ReadTable(dir.Write("junk.xlsx", "not a zip at all")), Error);
  EXPECT_THROW(ReadTable(MakeZip(dir, "empty.xlsx", {{"a.txt", "x"}})), Error);
  EXPECT_THROW(ReadTable(MakeZip(dir, "xml.xlsx", {{"xl/workbook.xml", kWorkbook},
                                                   {"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"}})),
               Error);
  // A DTD (the way to an entity bomb) is refused.
  const std::string dtd = R"(<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet/>)";
  EXPECT_THROW(ReadTable(MakeZip(dir, "dtd.xlsx", {{"xl/workbook.xml", kWorkbook},
                                                   {"xl/worksheets/sheet1.xml", dtd}})),
               Error);
}

TEST(XlsxReaderTest, DetectsXlsxByContentWithoutExtension) {
  testing::TempDir dir;
  const std::string path = MakeZip(dir, "upload.bin",
                                   {{"xl/workbook.xml", kWorkbook},
                                    {"xl/worksheets/sheet1.xml", Sheet(R"(<row><c><v>1</v></c></row>)")}});
  EXPECT_EQ(ReadTable(path).format, TableFormat::kXlsx);
}

}  // namespace
}  // namespace fupin::io
