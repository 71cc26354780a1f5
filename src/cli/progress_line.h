#pragma once
// The terminal's view of core/progress.h: one line on stderr, redrawn in
// place, with the stage in Chinese, done/total, percent, rate and time left:
//
//   计算  1200/5000  24.0%  400/秒  剩余 0:10
//
// It is redrawn at most every kRedrawSeconds (and at each stage's start),
// and erased when a stage ends, so that what the command prints afterwards
// starts on a clean line. Context::progress() hands it out only when stderr
// is a terminal and --json is off; piped output gets nothing extra.
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "core/progress.h"

namespace fupin::cli {

class ProgressLine final : public Progress {
 public:
  // Seconds of a monotonic clock (tests pass a fake one).
  using Now = std::function<double()>;
  static constexpr double kRedrawSeconds = 0.2;

  explicit ProgressLine(std::ostream& err, Now now = {});
  ~ProgressLine() override;

  void Begin(std::string_view stage, int64_t total) override;
  void Advance(int64_t n) override;
  void End() override;

  // The text of the line (without the carriage return and erase codes).
  // `total` 0: unknown, then only the count and the rate are shown.
  static std::string Format(std::string_view stage, int64_t done, int64_t total, double elapsed_seconds);

 private:
  void Draw();
  std::ostream& err_;
  Now now_;
  std::string stage_;
  int64_t total_ = 0;
  int64_t done_ = 0;
  double started_ = 0;
  double drawn_ = 0;
  bool shown_ = false;
};

}  // namespace fupin::cli
