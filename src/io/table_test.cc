#include "io/table.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "io/testing/temp_dir.h"

namespace fupin::io {
namespace {

using Cells = std::vector<std::string>;

std::vector<Row> ReadCsv(const std::string& bytes, const TableOptions& options = {}) {
  testing::TempDir dir;
  return ReadTable(dir.Write("in.csv", bytes), options).rows;
}

TEST(CsvTableTest, ReadsUtf8WithRowNumbers) {
  testing::TempDir dir;
  const Table t = ReadTable(dir.Write("p.csv", "户编号,姓名\nH001,张三\r\nH002,李四\n"));
  EXPECT_EQ(t.format, TableFormat::kCsv);
  EXPECT_EQ(t.encoding, Encoding::kUtf8);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].cells, (Cells{"户编号", "姓名"}));
  EXPECT_EQ(t.rows[2].cells, (Cells{"H002", "李四"}));
  EXPECT_EQ(t.rows[2].number, 3u);
  EXPECT_EQ(t.rows[2].kinds, (std::vector<CellKind>{CellKind::kText, CellKind::kText}));
}

TEST(CsvTableTest, ReadsUtf8WithBom) {
  testing::TempDir dir;
  const Table t = ReadTable(dir.Write("p.csv", "\xEF\xBB\xBF姓名,年龄\n张三,30\n"));
  EXPECT_EQ(t.encoding, Encoding::kUtf8Bom);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells[0], "姓名");  // no BOM left on the first header
}

TEST(CsvTableTest, ReadsGbkAsWrittenByChineseExcel) {
  // "姓名,住址\r\n张三,衡东县\r\n" in GBK.
  const std::string gbk = "\xD0\xD5\xC3\xFB,\xD7\xA1\xD6\xB7\r\n\xD5\xC5\xC8\xFD,\xBA\xE2\xB6\xAB\xCF\xD8\r\n";
  testing::TempDir dir;
  const Table t = ReadTable(dir.Write("gbk.csv", gbk));
  EXPECT_EQ(t.encoding, Encoding::kGb18030);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells, (Cells{"姓名", "住址"}));
  EXPECT_EQ(t.rows[1].cells, (Cells{"张三", "衡东县"}));
}

TEST(CsvTableTest, ReadsGbkMadeByIconv) {
  testing::TempDir dir;
  const std::string utf8 = dir.Write("u.csv", "姓名,备注\n王五,\"说明,含逗号\"\n");
  const std::string gbk = dir.Path("g.csv");
  const std::string cmd = "iconv -f UTF-8 -t GBK " + utf8 + " > " + gbk;
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "iconv(1) not available";
  const Table t = ReadTable(gbk);
  EXPECT_EQ(t.encoding, Encoding::kGb18030);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1].cells, (Cells{"王五", "说明,含逗号"}));
}

TEST(CsvTableTest, ReadsQuotedFieldsAndKeepsSpaces) {
  const auto rows = ReadCsv("a,b,c\n\" x \",\"say \"\"hi\"\"\",\"two\nlines\"\n4,,\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].cells, (Cells{" x ", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(rows[2].number, 4u);  // the quoted line break counts
  EXPECT_EQ(rows[2].cells, (Cells{"4", "", ""}));
  EXPECT_EQ(rows[2].kinds[1], CellKind::kEmpty);
}

TEST(CsvTableTest, SkipsBlankRowsUnlessAsked) {
  const std::string text = "a,b\n,\n\nc,d\n";
  EXPECT_EQ(ReadCsv(text).size(), 2u);
  TableOptions keep;
  keep.keep_blank_rows = true;
  EXPECT_EQ(ReadCsv(text, keep).size(), 3u);  // ",": a row of two empty cells
}

TEST(CsvTableTest, GivenEncodingOverridesDetection) {
  TableOptions options;
  options.encoding = Encoding::kGb18030;
  const auto rows = ReadCsv("abc\n", options);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"abc"}));
}

TEST(CsvTableTest, ErrorsNameTheFileAndLine) {
  testing::TempDir dir;
  const std::string path = dir.Write("bad.csv", "a,b\nx,\"open\n");
  try {
    ReadTable(path);
    FAIL() << "unterminated quote accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.csv"), std::string::npos) << what;
    EXPECT_NE(what.find("line 2"), std::string::npos) << what;
  }
}

TEST(CsvTableTest, RefusesMissingFilesAndOldXls) {
  testing::TempDir dir;
  EXPECT_THROW(ReadTable(dir.Path("none.csv")), Error);
  const std::string xls = dir.Write("old", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8));
  try {
    ReadTable(xls);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(".xls"), std::string::npos);
  }
  EXPECT_THROW(ReadTable(dir.Write("zip.csv", "PK\x03\x04rest")), Error);
}

TEST(TableTest, FormatFromPath) {
  EXPECT_EQ(FormatFromPath("a/b.CSV"), TableFormat::kCsv);
  EXPECT_EQ(FormatFromPath("人员.xlsx"), TableFormat::kXlsx);
  EXPECT_EQ(FormatFromPath("x.xls"), std::nullopt);
  EXPECT_EQ(FormatFromPath("dir.v2/file"), std::nullopt);
}

}  // namespace
}  // namespace fupin::io
