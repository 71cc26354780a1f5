#pragma once
// A throttle on failed logins, per client (remote address) and per user name,
// kept in the memory of one process (`fupin serve` has one for all its
// threads). It complements the account lock-out of Sessions: the lock-out
// protects one existing account for 15 minutes; the throttle also slows down
// guessing over many names, unknown ones included, and from one address.
//
// Fixed windows: a key (client or name) that has had `max_failures_*` failed
// logins in its current window of `window_seconds` is refused until the
// window ends. Successful logins are not counted. Several server processes
// on one PostgreSQL database each keep their own counts (docs/ACCESS.md).
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fupin::access {

struct LoginThrottleOptions {
  int max_failures_per_client = 20;  // failed logins from one address per window
  int max_failures_per_name = 10;    // failed logins for one name (ASCII case ignored) per window
  int64_t window_seconds = 60;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {}) : options_(options) {}

  // 0 if an attempt from `client` for `name` may go ahead at `now`, else the
  // seconds until it may (for Retry-After). An empty client is not counted.
  int64_t RetryAfter(std::string_view client, std::string_view name, int64_t now);
  // Counts a failed attempt (wrong password, unknown name, disabled account).
  void RecordFailure(std::string_view client, std::string_view name, int64_t now);

 private:
  struct Window {
    int64_t start = 0;
    int failures = 0;
  };
  int64_t Wait(const std::string& key, int limit, int64_t now);
  void Count(const std::string& key, int64_t now);

  LoginThrottleOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;  // "c:<address>" or "n:<lower-case name>"
};

}  // namespace fupin::access
