#pragma once
// The county-scale lists of the assistance pages as spreadsheets (issue 24):
// cadres, pairings, work teams and the coverage gap lists, each with every
// row of the list the page shows under the same filters (the page's search
// included), read 1000 rows at a time through the assistance service, which
// checks access. Chinese headers; phones masked (access::MaskPhone); codes
// read out in Chinese (statuses, team roles). XLSX or CSV by the path's
// extension (dataio/exports.h). Each returns the number of data rows written.
#include <cstdint>
#include <optional>
#include <string>

#include "assistance/assistance.h"
#include "assistance/coverage.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::dataio {

// 干部, 单位, 职务, 手机号码 (masked), 管理区划, 结对户数, 离岗日期.
int64_t ExportCadres(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area_code,
                     const std::string& q, const std::string& path);
// 户编号, 行政村代码, 帮扶干部, 开始日期, 结束日期, 结束原因.
int64_t ExportPairings(store::Connection& db, const Clock& clock, const Caller& caller,
                       const assistance::PairingFilter& filter, const std::string& q, const std::string& path);
// One row per member (a team without members: one row): 所在村, 行政村代码,
// 派出单位, 驻村开始, 驻村结束, 队员, 队员单位, 职务, 任职开始, 任职结束.
int64_t ExportWorkTeams(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area_code,
                        const std::string& q, const std::string& path);
// 户编号, 所在村, 行政村代码, 状态, 帮扶干部, 最近走访 on `as_of`.
int64_t ExportCoverageGaps(store::Connection& db, const Clock& clock, const Caller& caller,
                           const std::string& area_code, assistance::GapKind kind, const std::string& as_of,
                           const std::string& q, const std::string& path);

}  // namespace fupin::dataio
