#include "server/request_log.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/date.h"

namespace fupin::server {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Eight threads append at once (more than kWriteBytes, so that the writer
// writes in several batches while they append): once the log is gone, the
// stream holds every line, whole, and each thread's lines in its order.
TEST(RequestLogTest, KeepsEveryLineInOrderUnderConcurrentAppends) {
  constexpr int kThreads = 8;
  constexpr int kLines = 5000;
  std::ostringstream out;
  {
    RequestLog log(out);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) {
          log.Append("{\"thread\":" + std::to_string(t) + ",\"line\":" + std::to_string(i) + ",\"pad\":\"" +
                     std::string(static_cast<size_t>(i % 50), 'x') + "\"}\n");
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    const nlohmann::json j = nlohmann::json::parse(line);  // whole lines only
    const int t = j["thread"];
    EXPECT_EQ(j["line"], next[static_cast<size_t>(t)]) << line;
    next[static_cast<size_t>(t)] = j["line"].get<int>() + 1;
  }
  for (int n : next) EXPECT_EQ(n, kLines);
}

// Flush() returns with every line appended before it on the stream, however
// long the writer would otherwise gather lines; the destructor writes the rest.
TEST(RequestLogTest, FlushAndTheDestructorWriteWhatWasAppended) {
  std::ostringstream out;
  auto log = std::make_unique<RequestLog>(out, std::chrono::hours(1));
  log->Append("a\n");
  log->Append("b\n");
  log->Flush();
  EXPECT_EQ(out.str(), "a\nb\n");
  log->Flush();  // nothing new: returns at once
  log->Append("c\n");
  log.reset();
  EXPECT_EQ(out.str(), "a\nb\nc\n");
}

// The line the server wrote through nlohmann::json before, byte for byte.
std::string NlohmannLine(const RequestLogEntry& e) {
  nlohmann::json line = {{"at", FormatTimestamp(e.at)},
                         {"method", e.method},
                         {"route", e.route ? nlohmann::json(*e.route) : nullptr},
                         {"status", e.status},
                         {"ms", static_cast<double>(static_cast<int64_t>(e.ms * 100)) / 100},
                         {"user_id", e.user_id ? nlohmann::json(*e.user_id) : nullptr}};
  if (!e.internal_error.empty()) line["internal_error"] = e.internal_error;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

TEST(RequestLogLineTest, IsTheLineNlohmannWrote) {
  const std::string invalid = "bad \xff byte";
  for (double ms : {0.0, 0.004, 0.01, 0.05, 0.1, 0.129, 1.0, 1.5, 12.34, 99.99, 1234.5, 60000.07}) {
    for (bool routed : {false, true}) {
      for (bool user : {false, true}) {
        for (std::string_view error : {std::string_view(), std::string_view("a \"quoted\"\nline 错误"),
                                       std::string_view(invalid)}) {
          RequestLogEntry e;
          e.at = 1796678511 + static_cast<int64_t>(ms);
          e.method = "GET";
          if (routed) e.route = "/api/v1/households/{id}";
          e.status = routed ? 200 : 404;
          e.ms = ms;
          if (user) e.user_id = 35541;
          e.internal_error = error;
          EXPECT_EQ(RequestLogLine(e), NlohmannLine(e)) << ms << " " << routed << " " << user << " " << error;
        }
      }
    }
  }
}

}  // namespace
}  // namespace fupin::server
