#pragma once
// Money is an integer number of fen (1 yuan = 100 fen); never a float.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fupin {

using Fen = int64_t;

// "1234.56", "-3.5", "42" -> fen. At most two decimals; nullopt on anything else
// or on overflow.
std::optional<Fen> ParseYuan(std::string_view text);
// 123456 -> "1234.56"; always two decimals.
std::string FormatYuan(Fen fen);

// Floor division: a / b rounded toward minus infinity (-1000 / 3 = -334, not -333).
// 0 when b is 0. The one rounding of every per-capita amount (docs/API.md).
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  if (b == 0) return 0;
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
// Per-capita amount (人均): total over persons, rounded down to the fen; 0 without persons.
constexpr Fen PerCapita(Fen total, int64_t persons) { return persons > 0 ? FloorDiv(total, persons) : 0; }
// The same in SQL (SQLite and PostgreSQL both truncate integer division toward zero):
// `total` and `persons` are SQL expressions; NULL when persons is 0 or NULL.
std::string PerCapitaSql(const std::string& total, const std::string& persons);

}  // namespace fupin
