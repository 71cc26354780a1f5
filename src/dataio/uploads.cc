#include "dataio/uploads.h"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "assessment/surveys.h"
#include "assistance/import.h"
#include "core/money.h"
#include "core/temp_file.h"
#include "dataio/templates.h"
#include "housing/import.h"
#include "industry/import.h"
#include "io/table_writer.h"
#include "monitoring/monitoring.h"
#include "monitoring/monitoring_json.h"
#include "policy/entitlements.h"
#include "projects/import.h"

namespace fupin::dataio {
namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

nlohmann::json ImportTemplateUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                    TemplateKind kind, const Clock& clock, Progress& progress) {
  Importer importer(db, clock);
  ImportOptions options;
  options.progress = ReportTo(progress);
  options.dry_run = upload.dry_run;
  options.skip_invalid = upload.skip_invalid;
  options.table.sheet = upload.sheet;
  io::TableOptions table_options;
  table_options.sheet = upload.sheet;
  // The role first: a caller who may not import learns so before the file is read.
  if (!access::Can(caller, access::Ability::kImportRegistry)) throw Error::PermissionDenied("this role may not import into the registry");
  auto reader = io::OpenTableBytes(upload.bytes, upload.file_name, table_options);
  const io::Table table = io::ReadTable(*reader);
  const ImportReport report = importer.ImportTable(caller, kind, table, upload.file_name, options);
  if (report.refused) ThrowRefused(report);
  nlohmann::json j = ImportReportJson(report);
  j["kind"] = UploadKindName(upload.kind);
  return j;
}

nlohmann::json ImportAlertUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                 const Clock& clock) {
  const auto kind = monitoring::AlertKindOf(upload.alert_kind, "alert_kind");
  monitoring::MonitoringService service(db, clock);
  io::TableOptions table_options;
  table_options.sheet = upload.sheet;
  auto reader = io::OpenTableBytes(upload.bytes, upload.file_name, table_options);
  monitoring::AlertImportOptions options;
  options.dry_run = upload.dry_run;
  options.skip_invalid = upload.skip_invalid;
  const auto r = service.ImportAlerts(caller, kind, upload.year, *reader, upload.file_name, options);
  nlohmann::json j = monitoring::AlertImportJson(r);
  j["alert_kind"] = j["kind"];
  j["kind"] = UploadKindName(upload.kind);
  j["file"] = upload.file_name;
  j["written"] = !r.dry_run;
  j["refused"] = false;
  j["imported_rows"] = r.imported;
  j["rejected_rows"] = r.rejected_rows;
  j["problems"] = ImportProblemsJson(r.problems);
  if (r.dry_run) j.erase("import_id");
  return j;
}

nlohmann::json ImportRosterUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                  const std::vector<policy::Policy>& policies, const Clock& clock) {
  policy::RosterService service(db, policies, clock);
  policy::RosterService::ImportInput in;
  in.department = upload.department;
  in.policy_id = upload.policy_id;
  in.year = upload.year;
  in.path = upload.file_name;
  in.bytes = upload.bytes;
  in.dry_run = upload.dry_run;
  in.skip_invalid = upload.skip_invalid;
  const auto r = service.Import(caller, in);
  nlohmann::json j = {{"kind", UploadKindName(upload.kind)},
                      {"file", upload.file_name},
                      {"dry_run", r.dry_run},
                      {"written", !r.dry_run},
                      {"refused", false},
                      {"department", r.department},
                      {"policy_id", r.policy_id},
                      {"year", r.year},
                      {"rows", r.rows},
                      {"imported_rows", r.imported_rows},
                      {"rejected_rows", r.rejected_rows},
                      {"matched", r.matched},
                      {"unknown", r.unknown},
                      {"amount", FormatYuan(r.amount)},
                      {"replaced", r.replaced},
                      {"problems", ImportProblemsJson(r.problems)},
                      {"warnings", r.warnings}};
  if (!r.dry_run) j["import_id"] = r.import_id;
  return j;
}

// What an all-or-nothing import (projects, industry, housing) reports: the rows read and added.
struct AllOrNothingCounts {
  int64_t rows = 0;
  int64_t added = 0;
};
using AllOrNothingImport = std::function<AllOrNothingCounts(io::TableReader& reader)>;

// The uploads that are all or nothing (skip_invalid is refused rather than
// ignored): opens the bytes as a table and renders the result as every upload.
nlohmann::json ImportAllOrNothingUpload(const Upload& upload, const AllOrNothingImport& run) {
  if (upload.skip_invalid) {
    throw Error::InvalidArgument("skip_invalid is not offered",
                                 {{"?skip_invalid", std::string(UploadKindName(upload.kind)) + " files are all or nothing"}});
  }
  io::TableOptions table_options;
  table_options.sheet = upload.sheet;
  auto reader = io::OpenTableBytes(upload.bytes, upload.file_name, table_options);
  const AllOrNothingCounts counts = run(*reader);
  return {{"kind", UploadKindName(upload.kind)},
          {"file", upload.file_name},
          {"dry_run", upload.dry_run},
          {"written", !upload.dry_run},
          {"refused", false},
          {"rows", counts.rows},
          {"imported_rows", counts.added},
          {"rejected_rows", 0},
          {"problems", nlohmann::json::array()}};
}

projects::ImportKind ProjectImportKind(UploadKind kind) {
  switch (kind) {
    case UploadKind::kFundAllocations: return projects::ImportKind::kAllocations;
    case UploadKind::kFundDisbursements: return projects::ImportKind::kDisbursements;
    default: return projects::ImportKind::kProjects;
  }
}

nlohmann::json ImportProjectUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                   const Clock& clock, Progress& progress) {
  return ImportAllOrNothingUpload(upload, [&](io::TableReader& reader) {
    projects::ImportOptions options;
    options.file_name = upload.file_name;
    options.dry_run = upload.dry_run;
    const auto r = projects::Import(db, caller, ProjectImportKind(upload.kind), reader, options, clock, progress);
    return AllOrNothingCounts{r.rows, r.added};
  });
}

// The industry kinds are named as `fupin industry import --kind`.
nlohmann::json ImportIndustryUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                    const Clock& clock, Progress& progress) {
  const auto kind = industry::ParseImportKind(UploadKindName(upload.kind));
  if (!kind) throw Error::Internal("not an industry upload");
  return ImportAllOrNothingUpload(upload, [&](io::TableReader& reader) {
    industry::ImportOptions options;
    options.file_name = upload.file_name;
    options.dry_run = upload.dry_run;
    const auto r = industry::Import(db, caller, *kind, reader, options, clock, progress);
    return AllOrNothingCounts{r.rows, r.rows};
  });
}

// An industry kind's template: its declared columns under a Chinese sheet name.
void WriteIndustryTemplate(UploadKind kind, io::TableFormat format, const std::string& path) {
  static const std::map<UploadKind, const char*> kSheetNames = {{UploadKind::kPlantings, "产业种植"},
                                                                {UploadKind::kLinks, "利益联结"},
                                                                {UploadKind::kWorkers, "务工就业"},
                                                                {UploadKind::kPurchases, "消费扶贫"},
                                                                {UploadKind::kLoans, "小额信贷"}};
  const auto industry_kind = industry::ParseImportKind(UploadKindName(kind));
  if (!industry_kind) throw Error::Internal("not an industry template");
  WriteSheetTemplate(industry::ImportColumns(*industry_kind), kSheetNames.at(kind), format, path);
}

housing::ImportKind HousingImportKind(UploadKind kind) {
  switch (kind) {
    case UploadKind::kHouseRenovations: return housing::ImportKind::kRenovations;
    case UploadKind::kRelocations: return housing::ImportKind::kRelocations;
    case UploadKind::kVillageInfrastructure: return housing::ImportKind::kInfrastructure;
    default: return housing::ImportKind::kInspections;
  }
}

nlohmann::json ImportHousingUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                   const Clock& clock, Progress& progress) {
  return ImportAllOrNothingUpload(upload, [&](io::TableReader& reader) {
    housing::ImportOptions options;
    options.file_name = upload.file_name;
    options.dry_run = upload.dry_run;
    const auto r = housing::Import(db, caller, HousingImportKind(upload.kind), reader, options, clock, progress);
    return AllOrNothingCounts{r.rows, r.added};
  });
}

}  // namespace

constexpr UploadKind kAllKinds[] = {UploadKind::kPersons, UploadKind::kHouseholdYears, UploadKind::kAlerts,
                                    UploadKind::kRosters,  UploadKind::kSurveys,        UploadKind::kCadres,
                                    UploadKind::kTeams,    UploadKind::kPairings,       UploadKind::kProjects,
                                    UploadKind::kFundAllocations, UploadKind::kFundDisbursements,
                                    UploadKind::kHouseInspections, UploadKind::kHouseRenovations,
                                    UploadKind::kRelocations, UploadKind::kVillageInfrastructure,
                                    UploadKind::kPlantings, UploadKind::kLinks, UploadKind::kWorkers,
                                    UploadKind::kPurchases, UploadKind::kLoans};

const char* UploadKindName(UploadKind kind) {
  switch (kind) {
    case UploadKind::kPersons: return "persons";
    case UploadKind::kHouseholdYears: return "household-years";
    case UploadKind::kAlerts: return "alerts";
    case UploadKind::kRosters: return "rosters";
    case UploadKind::kSurveys: return "surveys";
    case UploadKind::kCadres: return "cadres";
    case UploadKind::kTeams: return "teams";
    case UploadKind::kPairings: return "pairings";
    case UploadKind::kProjects: return "projects";
    case UploadKind::kFundAllocations: return "fund-allocations";
    case UploadKind::kFundDisbursements: return "fund-disbursements";
    case UploadKind::kHouseInspections: return "house-inspections";
    case UploadKind::kHouseRenovations: return "house-renovations";
    case UploadKind::kRelocations: return "relocations";
    case UploadKind::kVillageInfrastructure: return "village-infrastructure";
    case UploadKind::kPlantings: return "plantings";
    case UploadKind::kLinks: return "links";
    case UploadKind::kWorkers: return "workers";
    case UploadKind::kPurchases: return "purchases";
    case UploadKind::kLoans: return "loans";
  }
  return "persons";
}

std::optional<UploadKind> ParseUploadKind(std::string_view text) {
  for (auto k : kAllKinds) {
    if (text == UploadKindName(k)) return k;
  }
  return std::nullopt;
}

std::string UploadKindNames() {
  std::string names;
  for (auto k : kAllKinds) names += (names.empty() ? "" : " | ") + std::string(UploadKindName(k));
  return names;
}

bool Uploadable(UploadKind kind) {
  return kind != UploadKind::kSurveys && kind != UploadKind::kCadres && kind != UploadKind::kTeams &&
         kind != UploadKind::kPairings;
}

void ThrowRefused(const ImportReport& report) { ThrowRefusal(report.problems); }

nlohmann::json ImportUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                            const std::vector<policy::Policy>& policies, const Clock& clock, Progress& progress) {
  if (upload.bytes.empty()) throw Error::InvalidArgument("no file", {{"body", "the file is empty"}});
  if (upload.bytes.size() > kMaxUploadBytes) {
    throw Error::InvalidArgument("the file is too large",
                                 {{"body", "larger than " + std::to_string(kMaxUploadBytes / (1024 * 1024)) + " MiB"}});
  }
  switch (upload.kind) {
    case UploadKind::kPersons:
      return ImportTemplateUpload(db, caller, upload, TemplateKind::kPersons, clock, progress);
    case UploadKind::kHouseholdYears:
      return ImportTemplateUpload(db, caller, upload, TemplateKind::kHouseholdYears, clock, progress);
    case UploadKind::kAlerts: return ImportAlertUpload(db, caller, upload, clock);
    case UploadKind::kRosters: return ImportRosterUpload(db, caller, upload, policies, clock);
    case UploadKind::kProjects:
    case UploadKind::kFundAllocations:
    case UploadKind::kFundDisbursements: return ImportProjectUpload(db, caller, upload, clock, progress);
    case UploadKind::kHouseInspections:
    case UploadKind::kHouseRenovations:
    case UploadKind::kRelocations:
    case UploadKind::kVillageInfrastructure: return ImportHousingUpload(db, caller, upload, clock, progress);
    case UploadKind::kPlantings:
    case UploadKind::kLinks:
    case UploadKind::kWorkers:
    case UploadKind::kPurchases:
    case UploadKind::kLoans: return ImportIndustryUpload(db, caller, upload, clock, progress);
    default: break;
  }
  throw Error::InvalidArgument("not an upload", {{"kind", std::string(UploadKindName(upload.kind)) +
                                                             " is imported from the command line"}});
}

TemplateFile UploadTemplate(UploadKind kind, io::TableFormat format) {
  const std::string ext = format == io::TableFormat::kXlsx ? ".xlsx" : ".csv";
  TemplateFile t;
  t.content_type = format == io::TableFormat::kXlsx ? kXlsxType : "text/csv; charset=utf-8";
  t.file_name = std::string("import-template-") + UploadKindName(kind) + ext;
  TempFile file(ext);
  switch (kind) {
    case UploadKind::kPersons:
    case UploadKind::kHouseholdYears:
      WriteTemplate(kind == UploadKind::kPersons ? TemplateKind::kPersons : TemplateKind::kHouseholdYears, format,
                    file.path());
      break;
    case UploadKind::kAlerts:
      WriteSheetTemplate(monitoring::AlertSheet(monitoring::AlertKind::kMedical), "部门预警", format, file.path());
      break;
    case UploadKind::kRosters: WriteSheetTemplate(policy::RosterSheet(), "花名册", format, file.path()); break;
    case UploadKind::kSurveys: WriteSheetTemplate(assessment::SurveySheet(), "调查记录", format, file.path()); break;
    case UploadKind::kCadres:
      WriteSheetTemplate(assistance::ImportSheet(assistance::ImportKind::kCadres), "帮扶干部", format, file.path());
      break;
    case UploadKind::kTeams:
      WriteSheetTemplate(assistance::ImportSheet(assistance::ImportKind::kTeams), "驻村工作队", format, file.path());
      break;
    case UploadKind::kPairings:
      WriteSheetTemplate(assistance::ImportSheet(assistance::ImportKind::kPairings), "结对帮扶", format, file.path());
      break;
    case UploadKind::kProjects:
      WriteSheetTemplate(projects::ImportColumns(projects::ImportKind::kProjects), "项目库", format, file.path());
      break;
    case UploadKind::kFundAllocations:
      WriteSheetTemplate(projects::ImportColumns(projects::ImportKind::kAllocations), "资金下达", format, file.path());
      break;
    case UploadKind::kFundDisbursements:
      WriteSheetTemplate(projects::ImportColumns(projects::ImportKind::kDisbursements), "资金支出", format, file.path());
      break;
    case UploadKind::kHouseInspections:
      WriteSheetTemplate(housing::ImportSheet(housing::ImportKind::kInspections), "住房鉴定", format, file.path());
      break;
    case UploadKind::kHouseRenovations:
      WriteSheetTemplate(housing::ImportSheet(housing::ImportKind::kRenovations), "危房改造", format, file.path());
      break;
    case UploadKind::kRelocations:
      WriteSheetTemplate(housing::ImportSheet(housing::ImportKind::kRelocations), "易地搬迁", format, file.path());
      break;
    case UploadKind::kVillageInfrastructure:
      WriteSheetTemplate(housing::ImportSheet(housing::ImportKind::kInfrastructure), "村基础设施", format, file.path());
      break;
    case UploadKind::kPlantings:
    case UploadKind::kLinks:
    case UploadKind::kWorkers:
    case UploadKind::kPurchases:
    case UploadKind::kLoans: WriteIndustryTemplate(kind, format, file.path()); break;
  }
  t.bytes = file.Read();
  return t;
}

}  // namespace fupin::dataio
