#include "cli/progress_line.h"

#include <gtest/gtest.h>

#include <sstream>

namespace fupin::cli {
namespace {

int Draws(const std::string& text) {
  // Each drawing ends with the erase-to-end code after the line's text; an
  // erasure is "\r\x1b[K" right after the carriage return.
  int draws = 0;
  for (size_t at = text.find('\r'); at != std::string::npos; at = text.find('\r', at + 1)) {
    if (text.compare(at + 1, 3, "\x1b[K") != 0) ++draws;
  }
  return draws;
}

TEST(ProgressLineFormat, CountsPercentRateAndTimeLeft) {
  EXPECT_EQ(ProgressLine::Format("evaluate", 1200, 5000, 3.0), "计算  1200/5000  24.0%  400/秒  剩余 0:10  用时 0:03");
  EXPECT_EQ(ProgressLine::Format("validate", 10, 100, 0.0), "检查数据  10/100  10.0%  用时 0:00");
  // Unknown total: no percent, no time left.
  EXPECT_EQ(ProgressLine::Format("read", 7, 0, 2.0), "读取数据  7  3.5/秒  用时 0:02");
  // Hours, and nothing left once done.
  EXPECT_EQ(ProgressLine::Format("households", 1, 3, 1800.0), "生成农户  1/3  33.3%  0.0/秒  剩余 1:00:00  用时 30:00");
  EXPECT_EQ(ProgressLine::Format("store", 4, 4, 2.0), "保存结果  4/4  100.0%  2.0/秒  用时 0:02");
  // A key outside the table is shown as it is.
  EXPECT_EQ(ProgressLine::Format("other", 0, 2, 0.0), "other  0/2  0.0%  用时 0:00");
}

TEST(ProgressLine, RedrawsAtMostFiveTimesASecond) {
  double now = 100.0;
  std::ostringstream err;
  {
    ProgressLine line(err, [&now] { return now; });
    line.Begin("validate", 1000);  // drawn at once
    EXPECT_EQ(Draws(err.str()), 1);
    for (int i = 0; i < 100; ++i) {  // 100 chunks within 0.1 s: no redraw
      now += 0.001;
      line.Advance(1);
    }
    EXPECT_EQ(Draws(err.str()), 1);
    now = 100.2;
    line.Advance(1);
    EXPECT_EQ(Draws(err.str()), 2);
    EXPECT_NE(err.str().find("检查数据  101/1000  10.1%"), std::string::npos) << err.str();
    // One second of chunks every millisecond: five more drawings.
    for (int i = 0; i < 1010; ++i) {
      now += 0.001;
      line.Advance(0);
    }
    EXPECT_EQ(Draws(err.str()), 7);
    line.End();
    EXPECT_EQ(err.str().substr(err.str().size() - 4), "\r\x1b[K");  // erased for what follows
    const size_t before = err.str().size();
    line.Begin("store", 1);
    line.Advance(1);
    EXPECT_EQ(Draws(err.str()), 8);
    EXPECT_GT(err.str().size(), before);
  }
  // Destroyed in the middle of a stage: the line is erased too.
  EXPECT_EQ(err.str().substr(err.str().size() - 4), "\r\x1b[K");
}

TEST(ProgressLine, NothingWrittenWithoutAStage) {
  std::ostringstream err;
  { ProgressLine line(err, [] { return 0.0; }); }
  EXPECT_EQ(err.str(), "");
}

TEST(Progress, StageLabelsAndSilentSink) {
  EXPECT_EQ(StageLabelZh("read"), "读取数据");
  EXPECT_EQ(StageLabelZh("nope"), "nope");
  ProgressStage stage(NoProgress(), "read", 3);
  stage.Advance(3);  // no effect, no crash
}

}  // namespace
}  // namespace fupin::cli
