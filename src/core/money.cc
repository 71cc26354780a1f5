#include "core/money.h"

#include <limits>

namespace fupin {

std::string PerCapitaSql(const std::string& total, const std::string& persons) {
  const std::string t = "(" + total + ")";
  const std::string p = "NULLIF(" + persons + ", 0)";
  // floor(t / p) for p > 0: subtract the non-negative remainder first.
  return "((" + t + " - ((" + t + " % " + p + ") + " + p + ") % " + p + ") / " + p + ")";
}

std::optional<Fen> ParseYuan(std::string_view t) {
  if (t.empty()) return std::nullopt;
  bool negative = false;
  if (t.front() == '-' || t.front() == '+') {
    negative = t.front() == '-';
    t.remove_prefix(1);
  }
  if (t.empty()) return std::nullopt;
  const size_t dot = t.find('.');
  std::string_view whole = t.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : t.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  if (frac.size() > 2) return std::nullopt;
  constexpr Fen kMax = std::numeric_limits<Fen>::max() / 100 - 1;
  Fen yuan = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    if (yuan > (kMax - 9) / 10) return std::nullopt;
    yuan = yuan * 10 + (c - '0');
  }
  Fen cents = 0;
  for (size_t i = 0; i < 2; ++i) {
    cents *= 10;
    if (i < frac.size()) {
      if (frac[i] < '0' || frac[i] > '9') return std::nullopt;
      cents += frac[i] - '0';
    }
  }
  const Fen fen = yuan * 100 + cents;
  return negative ? -fen : fen;
}

std::string FormatYuan(Fen fen) {
  const bool negative = fen < 0;
  // Work in unsigned to format INT64_MIN safely.
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + cents;
}

}  // namespace fupin
