// Exports must open in LibreOffice: convert an exported XLSX to CSV with
// soffice and check the content. Skipped where soffice is not installed.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/csv.h"
#include "io/table_writer.h"
#include "io/testing/temp_dir.h"

namespace fupin::io {
namespace {

bool HaveSoffice() { return std::system("command -v soffice >/dev/null 2>&1") == 0; }

TEST(LibreOfficeTest, ExportedXlsxOpensInLibreOffice) {
  if (!HaveSoffice()) GTEST_SKIP() << "soffice not installed";
  testing::TempDir dir;
  const std::string xlsx = dir.Path("export.xlsx");
  auto w = OpenTableWriter(xlsx);
  w->WriteHeader({"户编号", "户主姓名", "身份证号", "人口", "人均纯收入", "脱贫日期"});
  w->WriteRow({std::string("H001"), std::string("张三"), std::string("430424199001011234"), int64_t{4}, 5234.5,
               Date{2020, 12, 31}});
  w->Close();

  // 44 = comma, 34 = quote, 76 = UTF-8.
  const std::string cmd = "HOME=" + dir.Path("home") + " soffice --headless --convert-to " +
                          "'csv:Text - txt - csv (StarCalc):44,34,76' --outdir " + dir.Path("out") + " " + xlsx +
                          " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string csv = ReadFile(dir.Path("out/export.csv"));
  EXPECT_NE(csv.find("户编号,户主姓名,身份证号,人口,人均纯收入,脱贫日期"), std::string::npos) << csv;
  EXPECT_NE(csv.find("H001,张三,430424199001011234,4,5234.5,2020-12-31"), std::string::npos) << csv;
}

}  // namespace
}  // namespace fupin::io
