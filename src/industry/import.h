#pragma once
// Imports of industry rows from spreadsheets (CSV in UTF-8 or GBK, or XLSX),
// declared on the one sheet framework (dataio/sheet.h, clerk_values.h). The
// header row names the columns in Chinese or English, in any order.
//
// All or nothing: every row is checked first — cells, vocabularies (code or
// Chinese label), households (by 户编号) and persons (by ID number) inside the
// caller's scope, industries, entities and products — and any problem refuses
// the whole file, each problem naming its row and column; otherwise every
// row is written in one transaction with one audit entry for the file
// ("industry.import_<kind>"). Set-based: a fixed number of reads whatever
// the number of rows. Needs a caller who writes industry in their scope.
//
//  plantings: 产业/industry*, 户编号/household_number*, 年度/year*, 种植面积/mu*, 产量/output,
//             收入/income (元), 奖补/subsidy (元), 资金支出编号/disbursement_id
//  links:     经营主体编号/entity_id*, 户编号/household_number*, 年度/year*, 联结方式/link_kind*, 收益/earned (元)
//  workers:   身份证号/id_number*, 年度/year*, 是否就业/employed*, 就业地点/place, 就业渠道/channel,
//             就业单位/employer, 务工月数/months, 务工收入/income (元), 培训/training, 未就业原因/reason
//  purchases: 产品编号/product_id*, 购买日期/date*, 购买方类型/buyer_kind*, 购买方/buyer*, 购买渠道/channel*,
//             金额/amount* (元)
//  loans:     户编号/household_number*, 贷款银行/bank*, 贷款金额/amount* (元), 放款日期/issued_on*,
//             到期日期/due_on*, 用途/purpose*, 入股经营主体编号/entity_id, 贴息/interest_subsidy (元)
//
// The same import serves `fupin industry import --kind KIND` (a path) and the
// upload routes POST /api/v1/imports/plantings|links|workers|purchases|loans
// (dataio/uploads.h: the file's bytes through a reader).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/caller.h"
#include "core/date.h"
#include "core/progress.h"
#include "dataio/sheet.h"
#include "io/table.h"
#include "store/database.h"

namespace fupin::industry {

enum class ImportKind { kPlantings, kLinks, kWorkers, kPurchases, kLoans };
std::optional<ImportKind> ParseImportKind(std::string_view name);  // plantings links workers purchases loans
const char* ImportKindName(ImportKind kind);
// The declared columns of a kind (for templates and the reader).
std::span<const dataio::SheetColumn> ImportColumns(ImportKind kind);

struct ImportResult {
  std::string kind;
  int64_t rows = 0;  // data rows read and written (with dry_run: that would be written)
  bool dry_run = false;
};

struct ImportOptions {
  std::string file_name;  // named in the audit entry
  bool dry_run = false;   // check everything, access included, and write nothing
};

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock = DefaultClock());
// The same from an open table. Reports the stages read, validate and store.
// Throws Error invalid_argument naming every problem ("第3行 户编号"), or
// PermissionDenied (recorded) for a caller who may not write industry.
ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, io::TableReader& reader,
                    const ImportOptions& options, const Clock& clock = DefaultClock(),
                    Progress& progress = NoProgress());

}  // namespace fupin::industry
