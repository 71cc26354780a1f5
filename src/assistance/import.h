#pragma once
// Import of cadres, work teams and pairings from spreadsheets (CSV or XLSX),
// through the one import framework (dataio/sheet.h; ImportSheet declares the
// columns, and the template is generated from it). The first non-blank row
// holds the headers, in Chinese or English (case-insensitive for English).
// All or nothing: every row is checked first; any problem rejects the whole
// file (dataio::ThrowRefusal: "第5行 电话" / "“值”：原因", in Chinese);
// otherwise every row is written in one transaction, audited as one import
// entry per file. (No skip_invalid: a team's rows depend on one another.)
//
//  cadres:   姓名/name*, 单位/unit*, 职务/position, 电话/phone, 干部编号/code, 区划/area_code
//  teams:    村/village_code*, 派出单位/dispatching_unit*, 开始日期/start_date*, 结束日期/end_date,
//            队员/cadre (name), 队员单位/cadre_unit, 干部编号/cadre_code, 角色/role
//            (队长/captain, 第一书记/first_secretary, 队员/member). Rows with the same village,
//            unit and start date form one team; each row adds one member.
//  pairings: 户编号/household_number*, 干部/cadre (name), 干部单位/cadre_unit, 干部编号/cadre_code,
//            开始日期/start_date*
// A cadre is found by cadre code, else by name and unit (it must match exactly one).
// Dates as clerks write them: 2015-01-01, 2015/1/1, 2015年1月1日 or XLSX dates.
#include <cstdint>
#include <string>
#include <vector>

#include "core/caller.h"
#include "core/date.h"
#include "dataio/sheet.h"
#include "store/database.h"

namespace fupin::assistance {

enum class ImportKind { kCadres, kTeams, kPairings };

struct ImportResult {
  std::string kind;
  int64_t rows = 0;   // data rows read
  int64_t added = 0;  // records added (cadres, team members, pairings)
};

// The columns of each kind, declared as data (dataio/sheet.h): the reader and the template read them.
const std::vector<dataio::SheetColumn>& ImportSheet(ImportKind kind);

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock = DefaultClock());

}  // namespace fupin::assistance
