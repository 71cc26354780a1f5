#include "dataio/uploads.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "access/abilities.h"
#include "core/money.h"
#include "dataio/templates.h"
#include "io/table_writer.h"
#include "monitoring/monitoring.h"
#include "monitoring/monitoring_json.h"
#include "policy/entitlements.h"

namespace fupin::dataio {
namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// A private temporary file, removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) : path_("/tmp/fupin-upload-XXXXXX" + suffix) {
    const int fd = mkstemps(path_.data(), static_cast<int>(suffix.size()));
    if (fd < 0) throw Error::Internal("cannot create a temporary file");
    close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  std::string Read() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

 private:
  std::string path_;
};

nlohmann::json ProblemsJson(const std::vector<ImportProblem>& problems) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : problems) a.push_back({{"row", p.row}, {"column", p.column}, {"value", p.value}, {"reason", p.reason}});
  return a;
}

nlohmann::json ImportTemplateUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                    TemplateKind kind, const Clock& clock) {
  Importer importer(db, clock);
  ImportOptions options;
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
  const auto kind = monitoring::ParseAlertKind(upload.alert_kind);
  if (!kind) {
    throw Error::InvalidArgument("bad alert kind",
                                 {{"alert_kind", "'" + upload.alert_kind + "' is not medical, disaster or unemployment"}});
  }
  monitoring::MonitoringService service(db, clock);
  io::TableOptions table_options;
  table_options.sheet = upload.sheet;
  auto reader = io::OpenTableBytes(upload.bytes, upload.file_name, table_options);
  monitoring::AlertImportOptions options;
  options.dry_run = upload.dry_run;
  options.skip_unmatched = upload.skip_invalid;
  const auto r = service.ImportAlerts(caller, *kind, upload.year, *reader, upload.file_name, options);
  nlohmann::json j = monitoring::AlertImportJson(r);
  std::vector<ImportProblem> skipped;
  for (int64_t row : r.skipped_rows) {
    skipped.push_back({static_cast<size_t>(row), "身份证号", "", "登记库中没有此身份证号，已跳过"});
  }
  j["alert_kind"] = j["kind"];
  j["kind"] = UploadKindName(upload.kind);
  j["file"] = upload.file_name;
  j["written"] = !r.dry_run;
  j["refused"] = false;
  j["imported_rows"] = r.imported;
  j["rejected_rows"] = r.skipped_rows.size();
  j["problems"] = ProblemsJson(skipped);
  if (r.dry_run) j.erase("import_id");
  return j;
}

nlohmann::json ImportRosterUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                                  const std::vector<policy::Policy>& policies, const Clock& clock) {
  if (upload.skip_invalid) {
    throw Error::InvalidArgument("bad upload", {{"skip_invalid", "a roster is imported whole or not at all"}});
  }
  policy::RosterService service(db, policies, clock);
  policy::RosterService::ImportInput in;
  in.department = upload.department;
  in.policy_id = upload.policy_id;
  in.year = upload.year;
  in.path = upload.file_name;
  in.bytes = upload.bytes;
  in.dry_run = upload.dry_run;
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
                      {"imported_rows", r.rows},
                      {"rejected_rows", 0},
                      {"matched", r.matched},
                      {"unknown", r.unknown},
                      {"amount", FormatYuan(r.amount)},
                      {"replaced", r.replaced},
                      {"problems", nlohmann::json::array()}};
  if (!r.dry_run) j["import_id"] = r.import_id;
  return j;
}

// The header row of a department's roster as XLSX or CSV (the columns the
// service matches by name; see docs/IMPORT_FORMATS.md for what each holds).
std::string RosterTemplateBytes(const std::vector<std::string>& headers, const std::string& sheet,
                                io::TableFormat format) {
  TempFile file(format == io::TableFormat::kXlsx ? ".xlsx" : ".csv");
  io::WriterOptions options;
  options.sheet = sheet;
  auto w = io::OpenTableWriter(file.path(), format, options);
  w->WriteHeader(headers);
  w->Close();
  return file.Read();
}

}  // namespace

const char* UploadKindName(UploadKind kind) {
  switch (kind) {
    case UploadKind::kPersons: return "persons";
    case UploadKind::kHouseholdYears: return "household-years";
    case UploadKind::kAlerts: return "alerts";
    case UploadKind::kRosters: return "rosters";
  }
  return "persons";
}

std::optional<UploadKind> ParseUploadKind(std::string_view text) {
  for (auto k : {UploadKind::kPersons, UploadKind::kHouseholdYears, UploadKind::kAlerts, UploadKind::kRosters}) {
    if (text == UploadKindName(k)) return k;
  }
  return std::nullopt;
}

std::vector<ErrorDetail> RefusalDetails(const std::vector<ImportProblem>& problems) {
  std::vector<ErrorDetail> details;
  details.reserve(problems.size());
  for (const auto& p : problems) {
    details.push_back({"第" + std::to_string(p.row) + "行" + (p.column.empty() ? "" : " " + p.column),
                       (p.value.empty() ? "" : "“" + p.value + "”：") + p.reason});
  }
  return details;
}

void ThrowRefused(const ImportReport& report) {
  throw Error::InvalidArgument(std::to_string(report.problems.size()) +
                                   " 处错误，文件未导入（--skip-invalid / skip_invalid=true 可只导入正确的行）",
                               RefusalDetails(report.problems));
}

nlohmann::json ImportUpload(store::Connection& db, const Caller& caller, const Upload& upload,
                            const std::vector<policy::Policy>& policies, const Clock& clock) {
  if (upload.bytes.empty()) throw Error::InvalidArgument("no file", {{"body", "the file is empty"}});
  if (upload.bytes.size() > kMaxUploadBytes) {
    throw Error::InvalidArgument("the file is too large",
                                 {{"body", "larger than " + std::to_string(kMaxUploadBytes / (1024 * 1024)) + " MiB"}});
  }
  switch (upload.kind) {
    case UploadKind::kPersons: return ImportTemplateUpload(db, caller, upload, TemplateKind::kPersons, clock);
    case UploadKind::kHouseholdYears:
      return ImportTemplateUpload(db, caller, upload, TemplateKind::kHouseholdYears, clock);
    case UploadKind::kAlerts: return ImportAlertUpload(db, caller, upload, clock);
    case UploadKind::kRosters: return ImportRosterUpload(db, caller, upload, policies, clock);
  }
  throw Error::Internal("unknown upload kind");
}

TemplateFile UploadTemplate(UploadKind kind, io::TableFormat format) {
  const std::string ext = format == io::TableFormat::kXlsx ? ".xlsx" : ".csv";
  TemplateFile t;
  t.content_type = format == io::TableFormat::kXlsx ? kXlsxType : "text/csv; charset=utf-8";
  t.file_name = std::string("import-template-") + UploadKindName(kind) + ext;
  switch (kind) {
    case UploadKind::kPersons:
    case UploadKind::kHouseholdYears: {
      TempFile file(ext);
      WriteTemplate(kind == UploadKind::kPersons ? TemplateKind::kPersons : TemplateKind::kHouseholdYears, format,
                    file.path());
      t.bytes = file.Read();
      break;
    }
    case UploadKind::kAlerts:
      t.bytes = RosterTemplateBytes({"身份证号", "姓名", "日期", "金额", "说明"}, "部门预警", format);
      break;
    case UploadKind::kRosters:
      t.bytes = RosterTemplateBytes({"身份证号", "姓名", "金额", "日期", "区划代码"}, "花名册", format);
      break;
  }
  return t;
}

}  // namespace fupin::dataio
