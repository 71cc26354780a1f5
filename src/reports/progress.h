#pragma once
// The progress report (脱贫攻坚进展): every figure of the county's published
// account (figures.md), computed from the records for any area at any level,
// any year and any date in that year. A figure whose module does not exist
// yet is listed as missing with the module that will provide it; no figure is
// ever taken from a constant. Definitions: docs/REPORTS.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::reports {

// kDecimal: a quantity with decimals (328.5 km), `count` holding thousandths.
enum class FigureKind { kCount, kRate, kDecimal };

struct Figure {
  std::string key;       // the key of figures.md, e.g. "households_registered"
  std::string section;   // registry, mobilisation, social, employment, education, health
  std::string label_zh;  // as the text report shows it
  std::string unit_zh;   // 个, 户, 人, 名, 支, 次, 条, 元, %
  std::string module;    // the module that provides it
  FigureKind kind = FigureKind::kCount;
  bool computed = false;  // false: "missing" (the module does not exist yet)
  int64_t count = 0;      // kCount (kDecimal: thousandths)
  // kRate: numerator / denominator; percent() rounds to two decimals.
  int64_t numerator = 0;
  int64_t denominator = 0;
  double percent() const;
};

struct ProgressReport {
  std::string area_code;
  std::string area_name;
  std::string area_level;  // province .. village
  int year = 0;
  std::string as_of;       // YYYY-MM-DD
  std::vector<Figure> figures;  // in the article's order
  // The figure with this key, or nullptr.
  const Figure* Find(const std::string& key) const;
};

// Computes the report for `area_code` (any level) for `year`, counting
// statuses and memberships on `as_of` (default 31 December of `year`; must lie
// in `year`). Needs a role that reads the registry and the area in the
// caller's scope. Set-based: a fixed number of queries whatever the size.
ProgressReport ComputeProgress(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                               const std::optional<std::string>& as_of = std::nullopt);

// {"area": {...}, "year": ..., "as_of": ..., "figures": [{"key", "section", "label",
//  "unit", "module", "status": "computed"|"missing", "value", ...}]}. A rate's value
// is in percent with two decimals, with its numerator and denominator beside it.
nlohmann::json ProgressJson(const ProgressReport& report);
// The report ProgressJson wrote (a stored snapshot read back for the text and XLSX forms).
ProgressReport ProgressFromJson(const nlohmann::json& report_json);
// The report in Chinese, in the article's order.
std::string ProgressText(const ProgressReport& report);
// Writes the report as an XLSX sheet (one row per figure) at `path`.
void WriteProgressXlsx(const ProgressReport& report, const std::string& path);

// The checks every report request makes before reading anything: the area
// ("", "nation" or "全国" is the whole country, returned as ""), a role that may
// read the registry and an area inside the caller's scope, a year 2000-2100,
// and an as-of date in that year (default 31 December).
struct ReportRequest {
  std::string area;  // "" for the nation
  bool nation = false;
  Date as_of;
};
ReportRequest CheckReportRequest(const Caller& caller, const std::string& area_code, int year,
                                 const std::optional<std::string>& as_of_text);

}  // namespace fupin::reports
