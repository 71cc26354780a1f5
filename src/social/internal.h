#pragma once
// Helpers shared by the social module's .cc files (not part of its API).
#include <string>
#include <utility>
#include <vector>

#include "core/area_code.h"

namespace fupin::social::internal {

// [lo, hi) of the area codes that lie in `prefix` ("" = every code).
inline std::pair<std::string, std::string> AreaRange(const std::string& prefix) { return {prefix, SubtreeEnd(prefix)}; }

inline std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

inline std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

}  // namespace fupin::social::internal
