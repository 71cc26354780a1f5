#include "io/table_writer.h"

#include <zip.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "core/csv.h"
#include "core/error.h"
#include "io/excel_date.h"
#include "io/testing/temp_dir.h"

namespace fupin::io {
namespace {

using Cells = std::vector<std::string>;

void WriteSample(TableWriter& w) {
  w.WriteHeader({"户编号", "姓名", "身份证号", "人口", "年人均纯收入(元)", "脱贫日期", "备注"});
  w.WriteRow({std::string("H001"), std::string("张三"), std::string("430424199001011234"), int64_t{4}, 5234.5,
              Date{2020, 12, 31}, std::string("说明,含\"引号\"\n第二行")});
  w.WriteRow({std::string("H002"), std::string("李四"), std::string("43042419920304567X"), int64_t{1}, -12.25,
              std::monostate{}, std::string()});
  w.Close();
}

TEST(TableWriterTest, XlsxRoundTripKeepsTextNumbersAndDates) {
  testing::TempDir dir;
  const std::string path = dir.Path("名单.xlsx");
  WriterOptions options;
  options.sheet = "脱贫户";
  auto w = OpenTableWriter(path, options);
  WriteSample(*w);

  const Table t = ReadTable(path);
  EXPECT_EQ(t.sheet, "脱贫户");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].cells[4], "年人均纯收入(元)");
  const Row& r = t.rows[1];
  EXPECT_EQ(r.cells, (Cells{"H001", "张三", "430424199001011234", "4", "5234.5", r.cells[5],
                            "说明,含\"引号\"\n第二行"}));
  EXPECT_EQ(r.kinds[2], CellKind::kText);    // an ID number stays text
  EXPECT_EQ(r.kinds[3], CellKind::kNumber);  // numbers are numbers
  EXPECT_EQ(r.kinds[4], CellKind::kNumber);
  EXPECT_EQ(r.kinds[5], CellKind::kDate);
  EXPECT_EQ(ExcelSerialToDate(r.cells[5]), (Date{2020, 12, 31}));
  EXPECT_EQ(t.rows[2].cells, (Cells{"H002", "李四", "43042419920304567X", "1", "-12.25"}));
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
}

// The text of one part of a ZIP archive.
std::string ZipPart(const std::string& path, const char* name) {
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (z == nullptr) return {};
  std::string out;
  if (zip_file_t* f = zip_fopen(z, name, 0)) {
    char buf[4096];
    zip_int64_t n;
    while ((n = zip_fread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    zip_fclose(f);
  }
  zip_discard(z);
  return out;
}

TEST(TableWriterTest, XlsxHeaderIsStyledFrozenFilteredAndColumnsFitContent) {
  testing::TempDir dir;
  const std::string path = dir.Path("styled.xlsx");
  auto w = OpenTableWriter(path);
  WriteSample(*w);
  const std::string sheet = ZipPart(path, "xl/worksheets/sheet1.xml");
  const std::string styles = ZipPart(path, "xl/styles.xml");
  EXPECT_NE(sheet.find(R"(<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>)"),
            std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<autoFilter ref="A1:G3"/>)"), std::string::npos) << sheet;
  // 姓名 (two characters) gets the minimum width; the 18-character ID number
  // column is wide enough to show it whole.
  EXPECT_NE(sheet.find(R"(<col min="2" max="2" width="8.)"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<col min="3" max="3" width="20.)"), std::string::npos) << sheet;
  EXPECT_NE(styles.find("<b/>"), std::string::npos) << styles;
  EXPECT_NE(styles.find(R"(<patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/>)"), std::string::npos)
      << styles;
}

TEST(TableWriterTest, CsvRoundTripWithBomAndQuoting) {
  testing::TempDir dir;
  const std::string path = dir.Path("名单.csv");
  auto w = OpenTableWriter(path);
  WriteSample(*w);

  const std::string bytes = ReadFile(path);
  EXPECT_TRUE(bytes.starts_with("\xEF\xBB\xBF户编号,"));
  EXPECT_NE(bytes.find("H001,张三,430424199001011234,4,5234.5,2020-12-31,\"说明,含\"\"引号\"\"\n第二行\"\r\n"),
            std::string::npos);
  EXPECT_NE(bytes.find("H002,李四,43042419920304567X,1,-12.25,,\r\n"), std::string::npos);

  const Table t = ReadTable(path);
  EXPECT_EQ(t.encoding, Encoding::kUtf8Bom);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[1].cells[6], "说明,含\"引号\"\n第二行");
  EXPECT_EQ(t.rows[2].cells, (Cells{"H002", "李四", "43042419920304567X", "1", "-12.25", "", ""}));
}

TEST(TableWriterTest, ReadRowsWriteBackUnchanged) {
  // Rejected rows go back to the user in the format they came in.
  testing::TempDir dir;
  for (const char* name : {"back.csv", "back.xlsx"}) {
    auto w = OpenTableWriter(dir.Path(name));
    w->WriteHeader({"姓名", "原因"});
    w->WriteTextRow({"-5", "=1+1"});
    w->Close();
    const Table t = ReadTable(dir.Path(name));
    ASSERT_EQ(t.rows.size(), 2u) << name;
    EXPECT_EQ(t.rows[1].cells, (Cells{"-5", "=1+1"})) << name;
  }
}

TEST(TableWriterTest, CsvLineQuotesOnlyWhenNeededAndGuardsFormulas) {
  EXPECT_EQ(CsvLine({std::string("a"), std::string("b c"), int64_t{-3}, 0.1}), "a,b c,-3,0.1");
  EXPECT_EQ(CsvLine({std::string("a,b"), std::string("\"q\""), std::string("x\ry")}), "\"a,b\",\"\"\"q\"\"\",\"x\ry\"");
  EXPECT_EQ(CsvLine({std::string("=SUM(A1)"), std::string("@x,y"), int64_t{-1}}, true), "'=SUM(A1),\"'@x,y\",-1");
}

TEST(TableWriterTest, UnclosedWriterLeavesNoFile) {
  testing::TempDir dir;
  for (const char* name : {"gone.csv", "gone.xlsx"}) {
    {
      auto w = OpenTableWriter(dir.Path(name));
      w->WriteHeader({"a"});
      w->WriteTextRow({"1"});
    }
    EXPECT_FALSE(std::filesystem::exists(dir.Path(name))) << name;
    EXPECT_FALSE(std::filesystem::exists(dir.Path(std::string(name) + ".part"))) << name;
  }
}

TEST(TableWriterTest, BytesWrittenToGivesTheFileAndLeavesNoFile) {
  std::string seen;
  const std::string bytes = BytesWrittenTo(".xlsx", [&](const std::string& path) {
    seen = path;
    auto w = OpenTableWriter(path, TableFormat::kXlsx);
    w->WriteHeader({"姓名"});
    w->WriteTextRow({"张三"});
    w->Close();
  });
  EXPECT_EQ(bytes.substr(0, 2), "PK");  // a zip file: the XLSX itself
  EXPECT_EQ(seen.substr(seen.size() - 5), ".xlsx");
  EXPECT_FALSE(std::filesystem::exists(seen));
  // A writer that fails leaves no file behind either.
  EXPECT_THROW(BytesWrittenTo(".csv", [&](const std::string& path) {
                 seen = path;
                 throw Error::InvalidArgument("refused");
               }),
               Error);
  EXPECT_FALSE(std::filesystem::exists(seen));
}

TEST(TableWriterTest, RefusesBadInput) {
  testing::TempDir dir;
  EXPECT_THROW(OpenTableWriter(dir.Path("x.pdf")), Error);
  WriterOptions bad_sheet;
  bad_sheet.sheet = "a/b";
  EXPECT_THROW(OpenTableWriter(dir.Path("x.xlsx"), bad_sheet), Error);
  for (const char* name : {"u.csv", "u.xlsx"}) {
    auto w = OpenTableWriter(dir.Path(name));
    try {
      w->WriteTextRow({"ok", "\xD5\xC5"});
      FAIL() << name;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("row 1, column 2"), std::string::npos) << e.what();
    }
  }
}

TEST(TableWriterTest, DisplayWidthCountsChineseDouble) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("衡东县"), 6u);
  EXPECT_EQ(DisplayWidth("H001 张三"), 9u);
}

}  // namespace
}  // namespace fupin::io
