#pragma once
// Import of cadres, work teams and pairings from spreadsheets (CSV or XLSX,
// read through io::OpenTable). The first non-blank row holds the headers,
// in Chinese or English (aliases below, case-insensitive for English).
// All or nothing: every row is checked first; any problem rejects the whole
// file and each problem names the row, the column header, the value and the
// reason (ErrorDetail path "row 5, 电话"); otherwise every row is written in
// one transaction, audited as one import entry per file.
//
//  cadres:   姓名/name*, 单位/unit*, 职务/position, 电话/phone, 干部编号/code, 区划/area_code
//  teams:    村/village_code*, 派出单位/dispatching_unit*, 开始日期/start_date*, 结束日期/end_date,
//            队员/cadre (name), 队员单位/cadre_unit, 干部编号/cadre_code, 角色/role
//            (队长/captain, 第一书记/first_secretary, 队员/member). Rows with the same village,
//            unit and start date form one team; each row adds one member.
//  pairings: 户编号/household_number*, 干部/cadre (name), 干部单位/cadre_unit, 干部编号/cadre_code,
//            开始日期/start_date*
// A cadre is found by cadre code, else by name and unit (it must match exactly one).
// Dates are YYYY-MM-DD, YYYY/MM/DD or XLSX dates.
#include <cstdint>
#include <string>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::assistance {

enum class ImportKind { kCadres, kTeams, kPairings };

struct ImportResult {
  std::string kind;
  int64_t rows = 0;   // data rows read
  int64_t added = 0;  // records added (cadres, team members, pairings)
};

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock = DefaultClock());

}  // namespace fupin::assistance
