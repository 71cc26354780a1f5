#include "access/login_throttle.h"

#include <algorithm>
#include <cctype>

namespace fupin::access {
namespace {

std::string NameKey(std::string_view name) {
  std::string key = "n:";
  for (char c : name) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::string ClientKey(std::string_view client) { return "c:" + std::string(client); }

}  // namespace

int64_t LoginThrottle::Wait(const std::string& key, int limit, int64_t now) {
  auto it = windows_.find(key);
  if (it == windows_.end() || now >= it->second.start + options_.window_seconds) return 0;
  if (it->second.failures < limit) return 0;
  return it->second.start + options_.window_seconds - now;
}

void LoginThrottle::Count(const std::string& key, int64_t now) {
  Window& w = windows_[key];
  if (now >= w.start + options_.window_seconds) w = Window{now, 0};
  ++w.failures;
}

int64_t LoginThrottle::RetryAfter(std::string_view client, std::string_view name, int64_t now) {
  std::scoped_lock lock(mutex_);
  int64_t wait = Wait(NameKey(name), options_.max_failures_per_name, now);
  if (!client.empty()) wait = std::max(wait, Wait(ClientKey(client), options_.max_failures_per_client, now));
  return wait;
}

void LoginThrottle::RecordFailure(std::string_view client, std::string_view name, int64_t now) {
  std::scoped_lock lock(mutex_);
  // Forget ended windows now and then, so the map holds only recent keys.
  if (windows_.size() > 10000) {
    std::erase_if(windows_, [&](const auto& e) { return now >= e.second.start + options_.window_seconds; });
  }
  Count(NameKey(name), now);
  if (!client.empty()) Count(ClientKey(client), now);
}

}  // namespace fupin::access
