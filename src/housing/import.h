#pragma once
// Imports of house inspections, renovations, relocations and village
// infrastructure from spreadsheets (CSV in UTF-8 or GBK, or XLSX), declared on
// the one sheet framework (dataio/sheet.h, dataio/clerk_values.h): headers in
// Chinese or English in any order, clerk values, vocabularies by code or label.
//
// All or nothing: every row is read and checked first — the cells, then the
// records they name (households by number, villages, inspections, sites), in a
// fixed number of reads — and any problem refuses the whole file
// (dataio::ThrowRefusal: every problem by row, column, value and reason in
// Chinese); otherwise every row is written in one transaction with one audit
// entry (`housing.import_<kind>`). The caller needs write access to projects
// (kProjects) for every village of the file. Columns: docs/HOUSING.md.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/caller.h"
#include "core/date.h"
#include "dataio/sheet.h"
#include "store/database.h"

namespace fupin::housing {

enum class ImportKind { kInspections, kRenovations, kRelocations, kInfrastructure };
// "inspections", "renovations", "relocations", "village-infrastructure".
std::optional<ImportKind> ParseImportKind(std::string_view name);
const char* ImportKindName(ImportKind kind);
// The sheet of a kind (its template comes from the same declaration).
std::span<const dataio::SheetColumn> ImportSheet(ImportKind kind);

struct ImportResult {
  std::string kind;
  int64_t rows = 0;   // data rows read
  int64_t added = 0;  // records written
};

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock = DefaultClock());

}  // namespace fupin::housing
