#pragma once
// The county-scale lists of the monitoring and needs pages as spreadsheets
// (issue 24): every monitoring case (监测对象) and every need (需求) of the
// list the page shows under the same filters, read 500 rows at a time
// through the owning service, which checks access and scope as for the list.
// Chinese headers; codes read out in Chinese (category, status, step,
// urgency). Neither list holds more personal data than its page: a case names
// its household by number, a need names no household (donors never see one).
// XLSX or CSV by the path's extension (dataio/exports.h). Each returns the
// number of data rows written.
#include <cstdint>
#include <string>

#include "core/caller.h"
#include "core/date.h"
#include "monitoring/monitoring.h"
#include "social/social.h"
#include "store/database.h"

namespace fupin::dataio {

// 户编号, 所在村, 行政村代码, 年度, 监测类别, 状态, 当前环节, 预警日期, 纳入监测日期, 结束日期.
// `filter`'s limit and offset are ignored.
int64_t ExportCases(store::Connection& db, const Clock& clock, const Caller& caller, monitoring::CaseFilter filter,
                    const std::string& path);
// 编号, 所在乡镇, 所在村, 类别, 标题, 金额（元）, 已到位（元）, 物资, 紧急程度, 截止日期, 状态, 发布日期, 认捐次数, 对接次数.
// `filter`'s limit and offset are ignored.
int64_t ExportNeeds(store::Connection& db, const Clock& clock, const Caller& caller, social::NeedFilter filter,
                    const std::string& path);

}  // namespace fupin::dataio
