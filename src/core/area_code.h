#pragma once
// Statistical division codes (GB/T 2260 plus township and village parts):
// province 2 digits, city 4, county 6, township 9, village 12. fupin stores an
// area by its natural (unpadded) code; the 12-digit padded form used in NBS
// tables (430424000000) is accepted as input and reduced to the natural one.
#include <optional>
#include <string>
#include <string_view>

namespace fupin {

enum class AreaLevel { kProvince = 1, kCity = 2, kCounty = 3, kTownship = 4, kVillage = 5 };

const char* AreaLevelName(AreaLevel level);     // "province", ...
const char* AreaLevelNameZh(AreaLevel level);   // "省", "市", "县", "乡镇", "村"
std::optional<AreaLevel> ParseAreaLevel(std::string_view name);

// The level a natural code of this length has; nullopt if the length is not
// 2, 4, 6, 9 or 12 or the text is not all digits.
std::optional<AreaLevel> LevelOfCode(std::string_view code);

// Accepts a natural code or a 12-digit padded one and returns the natural
// code ("430424000000" -> "430424", "430424100000" -> "430424100"); nullopt
// if the text is not a code.
std::optional<std::string> NormalizeAreaCode(std::string_view text);

// The code of the parent area ("" for a province).
std::string ParentAreaCode(std::string_view code);

// Whether `code` is `ancestor` or lies below it. "" is the whole nation.
bool AreaContains(std::string_view ancestor, std::string_view code);

// The end of the code range of an area's subtree ("430424" -> "430424:", ':'
// sorting after every digit): `code >= area AND code < SubtreeEnd(area)` is
// the area and everything below it ("" gives ":", the whole nation).
inline std::string SubtreeEnd(std::string_view area) { return std::string(area) + ":"; }

}  // namespace fupin
