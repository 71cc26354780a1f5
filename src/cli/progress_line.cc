#include "cli/progress_line.h"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace fupin::cli {
namespace {

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// 75 -> "1:15", 3725 -> "1:02:05".
std::string Duration(double seconds) {
  const auto s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  }
  return buf;
}

// Rates below 10 per second keep one decimal.
std::string Rate(double per_second) {
  char buf[32];
  if (per_second < 10) std::snprintf(buf, sizeof buf, "%.1f", per_second);
  else std::snprintf(buf, sizeof buf, "%.0f", per_second);
  return buf;
}

}  // namespace

ProgressLine::ProgressLine(std::ostream& err, Now now) : err_(err), now_(now ? std::move(now) : Now(SteadySeconds)) {}

ProgressLine::~ProgressLine() {
  if (shown_) err_ << "\r\x1b[K" << std::flush;
}

std::string ProgressLine::Format(std::string_view stage, int64_t done, int64_t total, double elapsed_seconds) {
  std::string line(StageLabelZh(stage));
  line += "  " + std::to_string(done);
  if (total > 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * static_cast<double>(done) / static_cast<double>(total));
    line += "/" + std::to_string(total) + "  " + pct;
  }
  if (elapsed_seconds > 0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed_seconds;
    line += "  " + Rate(rate) + "/秒";
    if (total > done) line += "  剩余 " + Duration(static_cast<double>(total - done) / rate);
  }
  line += "  用时 " + Duration(elapsed_seconds);
  return line;
}

void ProgressLine::Begin(std::string_view stage, int64_t total) {
  stage_ = std::string(stage);
  total_ = total;
  done_ = 0;
  started_ = now_();
  Draw();
}

void ProgressLine::Advance(int64_t n) {
  done_ += n;
  if (now_() - drawn_ >= kRedrawSeconds) Draw();
}

void ProgressLine::End() {
  if (shown_) err_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

void ProgressLine::Draw() {
  drawn_ = now_();
  err_ << '\r' << Format(stage_, done_, total_, drawn_ - started_) << "\x1b[K" << std::flush;
  shown_ = true;
}

}  // namespace fupin::cli
