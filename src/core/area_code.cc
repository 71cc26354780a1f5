#include "core/area_code.h"

namespace fupin {

const char* AreaLevelName(AreaLevel level) {
  switch (level) {
    case AreaLevel::kProvince: return "province";
    case AreaLevel::kCity: return "city";
    case AreaLevel::kCounty: return "county";
    case AreaLevel::kTownship: return "township";
    case AreaLevel::kVillage: return "village";
  }
  return "village";
}

const char* AreaLevelNameZh(AreaLevel level) {
  switch (level) {
    case AreaLevel::kProvince: return "省";
    case AreaLevel::kCity: return "市";
    case AreaLevel::kCounty: return "县";
    case AreaLevel::kTownship: return "乡镇";
    case AreaLevel::kVillage: return "村";
  }
  return "村";
}

std::optional<AreaLevel> ParseAreaLevel(std::string_view name) {
  for (int i = 1; i <= 5; ++i) {
    const auto level = static_cast<AreaLevel>(i);
    if (name == AreaLevelName(level)) return level;
  }
  return std::nullopt;
}

std::optional<AreaLevel> LevelOfCode(std::string_view code) {
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  switch (code.size()) {
    case 2: return AreaLevel::kProvince;
    case 4: return AreaLevel::kCity;
    case 6: return AreaLevel::kCounty;
    case 9: return AreaLevel::kTownship;
    case 12: return AreaLevel::kVillage;
    default: return std::nullopt;
  }
}

std::optional<std::string> NormalizeAreaCode(std::string_view text) {
  if (!LevelOfCode(text)) return std::nullopt;
  if (text.size() != 12) return std::string(text);
  // Reduce a padded code: strip the zero parts from the right.
  static constexpr size_t kCuts[] = {12, 9, 6, 4, 2};
  for (size_t i = 0; i + 1 < std::size(kCuts); ++i) {
    const size_t len = kCuts[i];
    const size_t shorter = kCuts[i + 1];
    if (text.substr(shorter, len - shorter).find_first_not_of('0') != std::string_view::npos) {
      return std::string(text.substr(0, len));
    }
  }
  return std::string(text.substr(0, 2));
}

std::string ParentAreaCode(std::string_view code) {
  switch (code.size()) {
    case 12: return std::string(code.substr(0, 9));
    case 9: return std::string(code.substr(0, 6));
    case 6: return std::string(code.substr(0, 4));
    case 4: return std::string(code.substr(0, 2));
    default: return "";
  }
}

bool AreaContains(std::string_view ancestor, std::string_view code) {
  return code.substr(0, ancestor.size()) == ancestor;
}

}  // namespace fupin
