#pragma once
// Lists leaving the system as spreadsheets: the household list
// (`fupin household list --output`) and the public-notice list of households
// proposed for exit (公示名单, `fupin notice exits`). XLSX through
// io::TableWriter (styled header, frozen first row, widths from the content)
// or CSV (UTF-8 with BOM; formula-looking text guarded, since these lists are
// given out).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "io/table_writer.h"
#include "registry/households.h"
#include "store/database.h"

namespace fupin::dataio {

// A writer for a list given out, by the path's extension (.xlsx or .csv,
// else invalid_argument at --output): `sheet` names the XLSX sheet; CSV text
// that looks like a formula is guarded.
std::unique_ptr<io::TableWriter> OpenListWriter(const std::string& path, const std::string& sheet);

// Every household matching `filter` (limit/offset ignored), read page by page
// through the registry service (which checks access), written to `path`.
// Returns the number of households written.
int64_t ExportHouseholds(store::Connection& db, const Caller& caller,
                         registry::HouseholdRegistry::ListFilter filter, const std::string& path);

struct ExitNoticeRow {
  std::string township_name;
  std::string village_name;
  std::string household_number;
  std::string head_name;
  std::string head_id_masked;  // 430424********002X
  int64_t members = 0;
  std::optional<int64_t> per_capita_income;  // fen, the year's facts
  std::string main_cause;                    // Chinese label
  std::string appraisal_date;                // 村评议
  std::string notice_start, notice_end;      // 公示期
  std::string status;                        // 拟退出 / 已退出
};

struct ExitNoticeList {
  std::string area_code;
  std::string area_name;
  int year = 0;
  std::string title;  // "衡东县2019年度拟退出贫困户公示名单"
  std::vector<ExitNoticeRow> rows;
};

// Households of `area_code` with an exit procedure step (appraisal,
// verification or notice) for `year`, ordered by village and number. Needs a
// role that reads the registry in that area. One query.
ExitNoticeList BuildExitNotice(store::Connection& db, const Caller& caller, const std::string& area_code, int year);
void WriteExitNotice(const ExitNoticeList& list, const std::string& path);
nlohmann::json ExitNoticeJson(const ExitNoticeList& list);

}  // namespace fupin::dataio
