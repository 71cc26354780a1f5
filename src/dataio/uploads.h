#pragma once
// Imports of uploaded files (the browser's 数据导入 page, POST
// /api/v1/imports/...): the four spreadsheets a county office hands in, each
// taken by the same service the CLI calls, from the file's bytes instead of a
// path, so that the CLI and the server check, refuse, write and audit alike.
//
//   persons          `fupin import persons`          dataio::Importer
//   household-years  `fupin import household-years`  dataio::Importer
//   alerts           `fupin monitor alerts import`   monitoring::MonitoringService::ImportAlerts
//   rosters          `fupin roster import`           policy::RosterService::Import
//   projects            `fupin project import --kind projects`       projects::Import
//   fund-allocations    `fupin project import --kind allocations`    projects::Import
//   fund-disbursements  `fupin project import --kind disbursements`  projects::Import
//   house-inspections       `fupin house import --kind inspections`             housing::Import
//   house-renovations       `fupin house import --kind renovations`             housing::Import
//   relocations             `fupin house import --kind relocations`             housing::Import
//   village-infrastructure  `fupin house import --kind village-infrastructure`  housing::Import
//   plantings           `fupin industry import --kind plantings`     industry::Import
//   links               `fupin industry import --kind links`         industry::Import
//   workers             `fupin industry import --kind workers`       industry::Import
//   purchases           `fupin industry import --kind purchases`     industry::Import
//   loans               `fupin industry import --kind loans`         industry::Import
//
// All or nothing: a file with any problem is refused whole (Error
// invalid_argument whose details name every problem: RefusalDetails), unless
// skip_invalid (persons, household years: the valid rows are imported and the
// rejected ones listed in the result; alerts: ID numbers the registry does
// not hold are left out). dry_run checks everything, access included, and
// writes nothing. Access is the service's: the roles the CLI import is meant
// for, and every row's area within the caller's scope (docs/IMPORT_FORMATS.md
// "Upload over HTTP").
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "core/progress.h"
#include "dataio/importer.h"
#include "io/table.h"
#include "store/database.h"

namespace fupin::policy {
struct Policy;
}  // namespace fupin::policy

namespace fupin::dataio {

// Every import's kind. The first four and those from projects on are uploaded
// (POST /api/v1/imports/KIND); surveys and the assistance sheets are imported
// by `fupin survey import`, `fupin assist import`; every kind has its template
// (UploadTemplate). The project, housing and industry imports are all or
// nothing (no skip_invalid).
enum class UploadKind {
  kPersons,
  kHouseholdYears,
  kAlerts,
  kRosters,
  kSurveys,
  kCadres,
  kTeams,
  kPairings,
  kProjects,
  kFundAllocations,
  kFundDisbursements,
  kHouseInspections,
  kHouseRenovations,
  kRelocations,
  kVillageInfrastructure,
  kPlantings,
  kLinks,
  kWorkers,
  kPurchases,
  kLoans,
};
// "persons", "household-years", "alerts", "rosters", "surveys", "cadres", "teams", "pairings",
// "projects", "fund-allocations", "fund-disbursements", "house-inspections", "house-renovations",
// "relocations", "village-infrastructure", "plantings", "links", "workers", "purchases", "loans"
const char* UploadKindName(UploadKind kind);
std::optional<UploadKind> ParseUploadKind(std::string_view text);
// Every kind's name joined by " | " (what an unknown kind is told).
std::string UploadKindNames();
// Whether the kind is taken by ImportUpload (the first four, the project, housing and industry imports).
bool Uploadable(UploadKind kind);

// The largest file taken (32 MiB: some 300,000 person rows as CSV).
inline constexpr size_t kMaxUploadBytes = 32 * 1024 * 1024;

struct Upload {
  UploadKind kind = UploadKind::kPersons;
  std::string file_name;  // as the user's file was called: .xlsx or .csv (else the content decides)
  std::string bytes;
  bool dry_run = false;
  bool skip_invalid = false;
  std::string sheet;      // XLSX: the sheet to read ("" = the first)
  int year = 0;           // alerts, rosters
  std::string alert_kind; // alerts: medical | disaster | unemployment
  std::string department; // rosters: a Departments() code
  std::string policy_id;  // rosters
};

// Imports the upload as `caller` and returns what the CLI prints with --json
// (ImportReportJson for persons and household years, with "kind", "file",
// "dry_run", "rows" and "problems" for every kind). Throws Error
// invalid_argument naming every problem when the file is refused; the
// services' PermissionDenied when the caller may not import it.
// Reports its stages to `progress` (the person and household-year imports:
// validate, store).
nlohmann::json ImportUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                            const std::vector<policy::Policy>& policies, const Clock& clock = DefaultClock(),
                            Progress& progress = NoProgress());

// RefusalDetails (dataio/sheet.h): what `fupin import` prints and the server sends.
// Throws the refusal of a report with refused set (the CLI and ImportUpload).
[[noreturn]] void ThrowRefused(const ImportReport& report);

// An empty template to fill in, as bytes, and the file name to offer: for
// every kind generated from its declaration (dataio/columns.h for persons and
// household years, the owning module's sheet for the others): the header row,
// text and date cell formats, drop-downs for vocabularies and yes/no, and a
// notes sheet 填写说明 (XLSX); the header row (CSV, UTF-8 with BOM).
struct TemplateFile {
  std::string bytes;
  std::string file_name;
  std::string content_type;
};
TemplateFile UploadTemplate(UploadKind kind, io::TableFormat format);

}  // namespace fupin::dataio
