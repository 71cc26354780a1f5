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

}  // namespace fupin
