#include "dataio/clerk_values.h"

#include <array>

#include "core/text.h"

namespace fupin::dataio {
namespace {

// Unit suffixes a clerk may type after a number.
constexpr std::array<std::string_view, 8> kIntegerUnits = {"年", "人", "户", "元", "亩", "个", "次", "岁"};
constexpr std::array<std::string_view, 2> kAmountUnits = {"元", "亩"};

template <size_t N>
std::string_view WithoutUnit(std::string_view s, const std::array<std::string_view, N>& units) {
  for (auto u : units) {
    if (s.size() > u.size() && s.ends_with(u)) return s.substr(0, s.size() - u.size());
  }
  return s;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "1,234,567" -> "1234567" when every group after the first has three digits;
// text without commas unchanged; nullopt for misplaced commas.
std::optional<std::string> WithoutThousands(std::string_view s) {
  if (s.find(',') == std::string_view::npos) return std::string(s);
  std::string out;
  size_t start = 0;
  bool first = true;
  for (;;) {
    const size_t comma = s.find(',', start);
    const std::string_view group = s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
    if (!AllDigits(group) || group.size() > 3 || (!first && group.size() != 3)) return std::nullopt;
    out += group;
    first = false;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// Splits "integer[.fraction]" with an optional leading '-'; commas allowed in the integer part.
std::optional<std::string> PlainNumber(std::string_view s, bool allow_fraction) {
  bool negative = false;
  if (s.starts_with('-')) {
    negative = true;
    s.remove_prefix(1);
  }
  const size_t dot = s.find('.');
  if (dot != std::string_view::npos && !allow_fraction) return std::nullopt;
  const std::string_view whole = s.substr(0, dot);
  auto digits = WithoutThousands(whole);
  if (!digits || !AllDigits(*digits)) return std::nullopt;
  std::string out = (negative ? "-" : "") + *digits;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = s.substr(dot + 1);
    if (!AllDigits(fraction)) return std::nullopt;
    out += "." + std::string(fraction);
  }
  return out;
}

}  // namespace

std::string ClerkText(std::string_view text) { return Trim(HalfWidth(text)); }

std::optional<int64_t> ReadInteger(std::string_view text) {
  const std::string t = ClerkText(text);
  auto plain = PlainNumber(WithoutUnit(t, kIntegerUnits), false);
  if (!plain || plain->size() > 18) return std::nullopt;
  return std::stoll(*plain);
}

std::optional<int64_t> ReadHundredths(std::string_view text) {
  const std::string t = ClerkText(text);
  auto plain = PlainNumber(WithoutUnit(t, kAmountUnits), true);
  if (!plain) return std::nullopt;
  return ParseYuan(*plain);
}

std::optional<bool> ReadYesNo(std::string_view text) {
  const std::string t = Lower(ClerkText(text));
  static constexpr std::array<std::string_view, 9> kYes = {"是", "√", "✓", "有", "1", "y", "yes", "true", "对"};
  static constexpr std::array<std::string_view, 9> kNo = {"否", "×", "✗", "无", "0", "n", "no", "false", "不是"};
  for (auto y : kYes) {
    if (t == y) return true;
  }
  for (auto n : kNo) {
    if (t == n) return false;
  }
  return std::nullopt;
}

std::optional<Date> ReadDate(std::string_view text) {
  const std::string t = ClerkText(text);
  if (auto d = Date::Parse(t)) return d;
  if (t.size() == 8 && AllDigits(t)) {
    const int y = std::stoi(t.substr(0, 4)), m = std::stoi(t.substr(4, 2)), d = std::stoi(t.substr(6, 2));
    if (Date::IsValid(y, m, d)) return Date{y, m, d};
    return std::nullopt;
  }
  // Year, month and day separated by - / . or written 年 月 日.
  std::string s = t;
  if (s.ends_with("日")) s.resize(s.size() - 3);
  for (std::string_view sep : {"年", "月"}) {
    for (size_t p = s.find(sep); p != std::string::npos; p = s.find(sep)) s.replace(p, sep.size(), "-");
  }
  for (char& c : s) {
    if (c == '/' || c == '.') c = '-';
  }
  std::array<int, 3> parts{};
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '-') continue;
    const std::string part = s.substr(start, i - start);
    if (k == 3 || part.empty() || part.size() > 4 || !AllDigits(part)) return std::nullopt;
    parts[k++] = std::stoi(part);
    start = i + 1;
  }
  if (k != 3 || parts[0] < 1000 || !Date::IsValid(parts[0], parts[1], parts[2])) return std::nullopt;
  return Date{parts[0], parts[1], parts[2]};
}

std::optional<std::string> ReadTerm(std::span<const registry::CodeTerm> terms, std::string_view text) {
  const std::string t = ClerkText(text);
  if (t.empty()) return std::nullopt;
  if (auto whole = registry::ParseTerm(terms, t)) return whole;
  if (auto lower = registry::ParseTerm(terms, Lower(t))) return lower;
  std::optional<std::string> found;
  for (const registry::CodeTerm& term : terms) {
    std::string_view label = term.label_zh;
    if (label.find('/') == std::string_view::npos) continue;
    for (size_t start = 0; start <= label.size();) {
      size_t slash = label.find('/', start);
      if (slash == std::string_view::npos) slash = label.size();
      if (label.substr(start, slash - start) == t) {
        if (found && *found != term.name) return std::nullopt;  // ambiguous
        found = std::string(term.name);
      }
      start = slash + 1;
    }
  }
  return found;
}

}  // namespace fupin::dataio
