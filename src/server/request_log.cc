#include "server/request_log.h"

#include <charconv>
#include <ostream>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "core/error.h"
#include "core/json_writer.h"

namespace fupin::server {

RequestLog::RequestLog(std::ostream& out, std::chrono::milliseconds interval)
    : out_(out), interval_(interval), writer_([this] { Run(); }) {}

RequestLog::~RequestLog() {
  {
    std::scoped_lock lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void RequestLog::Append(std::string_view line) {
  std::unique_lock lock(mutex_);
  // A stream far behind (a blocked pipe): wait for it rather than drop a line or grow without bound.
  written_.wait(lock, [this] { return pending_.size() < kMaxPendingBytes || stop_; });
  const size_t before = pending_.size();
  pending_ += line;
  ++appended_;
  // The writer sleeps until the first line, then gathers for interval_ unless kWriteBytes are waiting.
  if (before == 0 || (before < kWriteBytes && pending_.size() >= kWriteBytes)) wake_.notify_one();
}

void RequestLog::Flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = appended_;
  if (written_lines_ >= target) return;
  flush_requested_ = true;
  wake_.notify_one();
  written_.wait(lock, [this, target] { return written_lines_ >= target; });
}

void RequestLog::Run() {
  std::string batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || flush_requested_ || !pending_.empty(); });
    wake_.wait_for(lock, interval_, [this] { return stop_ || flush_requested_ || pending_.size() >= kWriteBytes; });
    flush_requested_ = false;
    if (!pending_.empty()) {
      batch.swap(pending_);  // the lines in the order they were appended; pending_ keeps batch's old buffer
      const uint64_t upto = appended_;
      lock.unlock();
      out_.write(batch.data(), static_cast<std::streamsize>(batch.size()));
      out_.flush();
      batch.clear();
      lock.lock();
      written_lines_ = upto;
    }
    written_.notify_all();
    if (stop_ && pending_.empty()) return;
  }
}

namespace {

// "2026-12-07T21:21:51Z" for `seconds`, formatted once per second and thread.
const std::string& Timestamp(int64_t seconds) {
  thread_local int64_t formatted_at = -1;
  thread_local std::string text;
  if (seconds != formatted_at) {
    text = FormatTimestamp(seconds);
    formatted_at = seconds;
  }
  return text;
}

// The milliseconds as nlohmann::json prints the double hundredths / 100.0:
// the shortest decimal that reads back as it, which for a whole number of
// hundredths is those digits, with ".0" for a whole number.
void AppendMilliseconds(std::string& out, double ms) {
  const auto hundredths = static_cast<int64_t>(ms * 100);
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, hundredths / 100).ptr);
  const int64_t fraction = hundredths % 100;
  out += '.';
  if (fraction == 0) {
    out += '0';
  } else {
    out += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0) out += static_cast<char>('0' + fraction % 10);
  }
}

// The same line through nlohmann::json, which replaces invalid UTF-8 (an
// exception's text may hold any byte) instead of refusing it.
std::string ReplacingLine(const RequestLogEntry& e) {
  nlohmann::json line = {{"at", Timestamp(e.at)},
                         {"method", e.method},
                         {"route", e.route ? nlohmann::json(*e.route) : nullptr},
                         {"status", e.status},
                         {"ms", static_cast<double>(static_cast<int64_t>(e.ms * 100)) / 100},
                         {"user_id", e.user_id ? nlohmann::json(*e.user_id) : nullptr}};
  if (!e.internal_error.empty()) line["internal_error"] = e.internal_error;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

}  // namespace

std::string RequestLogLine(const RequestLogEntry& e) {
  std::string ms;
  AppendMilliseconds(ms, e.ms);
  try {
    // Keys in nlohmann's (sorted) order: at, internal_error, method, ms, route, status, user_id.
    JsonWriter w;
    w.BeginObject().Key("at").String(Timestamp(e.at));
    if (!e.internal_error.empty()) w.Key("internal_error").String(e.internal_error);
    w.Key("method").String(e.method).Key("ms").Raw(ms).Key("route");
    if (e.route) w.String(*e.route);
    else w.Null();
    w.Key("status").Int(e.status).Key("user_id").OptionalInt(e.user_id).EndObject();
    std::string line = w.Take();
    line += '\n';
    return line;
  } catch (const Error&) {
    return ReplacingLine(e);
  }
}

}  // namespace fupin::server
