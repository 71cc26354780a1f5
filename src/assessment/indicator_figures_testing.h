#pragma once
// Tests only: every figure of every area of an IndicatorReport as one JSON
// value, so that two ways of computing it compare exactly (doubles included).
#include <nlohmann/json.hpp>

#include "assessment/indicators.h"

namespace fupin::assessment::testing {

inline nlohmann::json AllFigures(const IndicatorReport& r) {
  nlohmann::json out = {{"area", r.area_code}, {"from", r.from_year}, {"year", r.year}, {"line", r.poverty_line}};
  nlohmann::json areas = nlohmann::json::array();
  for (size_t i = 0; i < r.areas.size(); ++i) {
    const AreaIndicators& a = r.areas[i];
    nlohmann::json incidence = nlohmann::json::array();
    for (const auto& y : r.IncidenceRows(i)) {
      incidence.push_back({y.year, y.poor_households, y.poor_persons, y.rural_population});
    }
    areas.push_back({{"code", a.area_code},
                     {"name", a.name},
                     {"level", a.level},
                     {"assessed", a.assessed},
                     {"ready", a.ready},
                     {"failed", a.failed},
                     {"unknown", a.unknown},
                     {"incidence", incidence},
                     {"measures", MeasureJson(r.Measures(i))}});
  }
  out["areas"] = std::move(areas);
  return out;
}

}  // namespace fupin::assessment::testing
