#pragma once
// Calendar dates (proleptic Gregorian, no time zone) and a swappable clock.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fupin {

struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  auto operator<=>(const Date&) const = default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>

  // Days since 1970-01-01 (negative before).
  int64_t ToDays() const;
  static Date FromDays(int64_t days);
  // "YYYY-MM-DD".
  std::string ToString() const;
  // Parses "YYYY-MM-DD" strictly; nullopt for anything else or an impossible date.
  static std::optional<Date> Parse(std::string_view text);
  // Whether year/month/day name a real day.
  static bool IsValid(int year, int month, int day);
};

// Completed years of age on `on` for someone born on `birth`.
int AgeOn(const Date& birth, const Date& on);

// Source of "now". Production uses SystemClock; tests pass a FixedClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Date Today() const = 0;
  // Seconds since the Unix epoch, UTC.
  virtual int64_t NowSeconds() const = 0;
};

// The calendar day in Beijing time (UTC+8, no daylight saving) at `seconds` since the epoch:
// what "today" means for people and for every rule that reads the date. Timestamps inside
// (the audit trail, sessions) stay UTC.
Date BeijingDate(int64_t seconds);

// Today() is the date in Beijing (BeijingDate), whatever the machine's time zone.
class SystemClock final : public Clock {
 public:
  Date Today() const override;
  int64_t NowSeconds() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date today, int64_t now_seconds = 0) : today_(today), now_(now_seconds) {}
  Date Today() const override { return today_; }
  int64_t NowSeconds() const override { return now_; }
  void Set(Date today, int64_t now_seconds) { today_ = today; now_ = now_seconds; }

 private:
  Date today_;
  int64_t now_;
};

// The process-wide clock (SystemClock unless a test replaced it).
const Clock& DefaultClock();
// Formats seconds since the epoch as an ISO 8601 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatTimestamp(int64_t seconds);

}  // namespace fupin
