#pragma once
// The server's request log (one JSON line per answer: no personal data, see
// http_server.h), written to its stream by a thread of its own, so that the
// I/O and handler threads that answer requests never wait on the stream
// (issue 25: a synchronous write per answer was a fifth of a household read's
// CPU; docs/PERFORMANCE.md, "Household reads, session 13").
//
// Contract:
//  - Every line given to Append is written, whole and in the order of the
//    Append calls (the order in which the answers were logged); none is
//    dropped. When the stream falls more than kMaxPendingBytes behind, Append
//    waits for it instead.
//  - A line reaches the stream at most `interval` after it was appended, or
//    sooner once kWriteBytes are waiting; the stream is flushed after each write.
//  - Flush() returns once every line appended before the call is on the
//    stream; the destructor writes what is left before it returns.
//  - Thread-safe: any number of threads may Append at once. The stream is
//    written by the log's own thread only, from construction to destruction.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace fupin::server {

class RequestLog {
 public:
  static constexpr auto kDefaultInterval = std::chrono::milliseconds(100);
  static constexpr size_t kWriteBytes = size_t{64} << 10;
  static constexpr size_t kMaxPendingBytes = size_t{16} << 20;

  explicit RequestLog(std::ostream& out, std::chrono::milliseconds interval = kDefaultInterval);
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  // `line` is one whole line, its '\n' included.
  void Append(std::string_view line);
  void Flush();

 private:
  void Run();

  std::ostream& out_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;     // the writer: lines, a flush or the stop
  std::condition_variable written_;  // Flush() and a waiting Append: a batch is on the stream
  std::string pending_;              // appended, not yet taken by the writer
  uint64_t appended_ = 0;            // lines appended so far
  uint64_t written_lines_ = 0;       // lines on the stream so far
  bool flush_requested_ = false;
  bool stop_ = false;
  std::thread writer_;               // last: started once the rest is ready
};

// One request's line as the log holds it.
struct RequestLogEntry {
  int64_t at = 0;                   // seconds since the epoch
  std::string_view method;
  std::optional<std::string_view> route;  // the route's pattern; none: no route matched
  int status = 0;
  double ms = 0;                    // written to 0.01 ms, rounded down
  std::optional<int64_t> user_id;   // the caller, when the request was authenticated
  std::string_view internal_error;  // "" when none
};

// The entry as one JSON line ending in '\n': the keys sorted, no spaces, as
// nlohmann::json's dump() writes it (an invalid UTF-8 byte becomes U+FFFD).
std::string RequestLogLine(const RequestLogEntry& entry);

}  // namespace fupin::server
