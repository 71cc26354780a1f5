#pragma once
// Imports of project lists, allocations and disbursements from spreadsheets
// (CSV or XLSX, through io::OpenTable), declared on the shared sheet framework
// (dataio/sheet.h, dataio/clerk_values.h). The first row holds the headers, in
// Chinese or English, in any order.
//
// All or nothing: every row is checked first — cells, areas, fund sources,
// projects, and money against what is left (the rows of the file count
// against each other too) — and any problem rejects the whole file, each
// problem naming the row and the column ("第5行 金额", in Chinese as every
// import: dataio::RefusalDetails); otherwise every row
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
//
// The same import serves `fupin project import` (a path) and the upload
// routes POST /api/v1/imports/projects|fund-allocations|fund-disbursements
// (dataio/uploads.h: the file's bytes through a reader).
#include <cstdint>
#include <span>
#include <string>

#include "core/caller.h"
#include "core/date.h"
#include "core/progress.h"
#include "dataio/sheet.h"
#include "io/table.h"
#include "store/database.h"

namespace fupin::projects {

enum class ImportKind { kProjects, kAllocations, kDisbursements };

struct ImportResult {
  std::string kind;
  int64_t rows = 0;   // data rows read
  int64_t added = 0;  // records added (with dry_run: that would be added)
  bool dry_run = false;
};

struct ImportOptions {
  std::string file_name;  // named in the audit entry
  bool dry_run = false;   // check everything, access included, and write nothing
};

// The declared columns of a kind (for the empty template, dataio::UploadTemplate).
std::span<const dataio::SheetColumn> ImportColumns(ImportKind kind);

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock = DefaultClock());
// The same from an open table. Reports the stages read, validate and store.
// Throws Error invalid_argument naming every problem ("第3行 金额"), or
// PermissionDenied (recorded) for a caller who may not write the rows' areas.
ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, io::TableReader& reader,
                    const ImportOptions& options, const Clock& clock = DefaultClock(),
                    Progress& progress = NoProgress());

}  // namespace fupin::projects
