#pragma once
// Imports of project lists, allocations and disbursements from spreadsheets
// (CSV or XLSX, through io::OpenTable), declared on the shared sheet framework
// (dataio/sheet.h, dataio/clerk_values.h). The first row holds the headers, in
// Chinese or English, in any order.
//
// All or nothing: every row is checked first — cells, areas, fund sources,
// projects, and money against what is left (the rows of the file count
// against each other too) — and any problem rejects the whole file, each
// problem naming the row and the column ("row 5, 金额"); otherwise every row
// is written in one transaction with one audit entry for the file. Set-based:
// a fixed number of reads whatever the number of rows.
//
//  projects:      项目名称/name*, 项目类别/kind*, 项目级别/level*, 实施地点/area_code*, 开始年度/start_year*,
//                 结束年度/end_year*, 实施单位/implementer*, 资金来源/source, 计划金额/budget (元),
//                 区划外受益人数/outside_beneficiaries, 申报日期/proposed_on, 文号/document_no
//  allocations:   文号/document_no*, 下达日期/date*, 年度/year*, 资金来源/source*, 区划/area_code*, 金额/amount* (元)
//  disbursements: 项目编号/project_id*, 资金下达编号/allocation_id*, 支出日期/date*, 金额/amount* (元),
//                 收款单位/payee*, 用途/purpose*
// Kinds, levels and sources are read as their code or Chinese label.
#include <cstdint>
#include <string>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::projects {

enum class ImportKind { kProjects, kAllocations, kDisbursements };

struct ImportResult {
  std::string kind;
  int64_t rows = 0;   // data rows read
  int64_t added = 0;  // records added
};

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock = DefaultClock());

}  // namespace fupin::projects
