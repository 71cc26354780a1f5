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
#include "core/progress.h"
#include "dataio/sheet.h"
#include "io/table.h"
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
  int64_t added = 0;  // records written (with dry_run: that would be written)
  bool dry_run = false;
};

struct ImportOptions {
  std::string file_name;  // named in the audit entry
  bool dry_run = false;   // check everything, access included, and write nothing
};

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock = DefaultClock());
// The same from an open table: `fupin house import` (a path) and the upload
// routes POST /api/v1/imports/house-inspections|house-renovations|relocations|
// village-infrastructure (dataio/uploads.h: the file's bytes through a reader).
// Reports the stages read and validate (dry run) or store.
ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, io::TableReader& reader,
                    const ImportOptions& options, const Clock& clock = DefaultClock(),
                    Progress& progress = NoProgress());

}  // namespace fupin::housing
