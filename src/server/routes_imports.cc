// Uploads of the import spreadsheets (persons, household years, department
// alert rosters, education/health rosters) and their empty templates. The
// body is the file's bytes; everything else is in the query. The services
// check access and every row (dataio/uploads.h); these handlers only read
// the request.
#include "dataio/uploads.h"

#include <memory>

#include <nlohmann/json.hpp>

#include "server/http_server.h"
#include "server/jobs.h"
#include "server/server_policies.h"

namespace fupin::server {
namespace {

bool QueryFlag(const ApiRequest& r, const std::string& name) {
  const auto v = r.Query(name);
  if (!v || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1") return true;
  throw Error::InvalidArgument("bad query parameter " + name, {{"?" + name, "'" + *v + "' is not true or false"}});
}

dataio::Upload ReadUpload(const ApiRequest& r, dataio::UploadKind kind) {
  dataio::Upload u;
  u.kind = kind;
  Problems problems;
  const auto name = r.Query("file_name") ? r.Query("file_name") : r.file_name;
  if (!name || name->empty()) {
    problems.Add("?file_name", "required (or the X-File-Name header): the file's name, ending .xlsx or .csv");
  } else if (const std::string problem = TextProblem(*name); !problem.empty()) {
    problems.Add("X-File-Name", problem);  // (the query parameter was checked by Query)
  } else {
    u.file_name = *name;
  }
  u.dry_run = QueryFlag(r, "dry_run");
  u.skip_invalid = QueryFlag(r, "skip_invalid");
  u.sheet = r.Query("sheet").value_or("");
  if (kind == dataio::UploadKind::kAlerts || kind == dataio::UploadKind::kRosters) {
    if (auto y = r.QueryInt("year")) u.year = static_cast<int>(*y);
    else problems.Add("?year", "required");
  }
  if (kind == dataio::UploadKind::kAlerts) {
    u.alert_kind = r.Query("alert_kind").value_or("");
    if (u.alert_kind.empty()) problems.Add("?alert_kind", "required: medical | disaster | unemployment");
  }
  if (kind == dataio::UploadKind::kRosters) {
    u.department = r.Query("department").value_or("");
    u.policy_id = r.Query("policy").value_or("");
    if (u.department.empty()) problems.Add("?department", "required, e.g. education");
    if (u.policy_id.empty()) problems.Add("?policy", "required: a policy id");
  }
  problems.ThrowIfAny("bad upload");
  u.bytes = r.raw_body;
  return u;
}

ApiHandler UploadHandler(dataio::UploadKind kind) {
  return [kind](ApiRequest& r) {
    const bool as_job = WantsJob(r);
    auto upload = std::make_shared<const dataio::Upload>(ReadUpload(r, kind));
    const Clock& clock = *r.clock;
    auto run_import = [upload, &clock](store::Connection& db, const Caller& caller, Progress& progress) {
      return dataio::ImportUpload(db, caller, *upload, ServerPolicies(), clock, progress);
    };
    if (as_job) return StartJob(r, std::string("imports.") + dataio::UploadKindName(kind), 200, run_import);
    return ApiResponse::Ok(run_import(r.connection(), r.caller, NoProgress()));
  };
}

}  // namespace

void AddImportRoutes(std::vector<Route>& routes) {
  const struct {
    dataio::UploadKind kind;
    const char* summary;
  } kinds[] = {
      {dataio::UploadKind::kPersons, "Import persons and households (the person template; XLSX or CSV body)"},
      {dataio::UploadKind::kHouseholdYears, "Import yearly household facts (the household-years template)"},
      {dataio::UploadKind::kAlerts, "Import a department's alert roster (monitoring: medical, disaster, unemployment)"},
      {dataio::UploadKind::kRosters, "Import a department's roster of what it delivered (education, health, ...)"},
      {dataio::UploadKind::kProjects, "Import a project list into the project library (all or nothing; projects start as proposed)"},
      {dataio::UploadKind::kFundAllocations, "Import fund allocations (资金下达; all or nothing)"},
      {dataio::UploadKind::kFundDisbursements,
       "Import disbursements (支出; all or nothing, each checked against what its project has left)"},
      {dataio::UploadKind::kHouseInspections, "Import house inspections (住房安全鉴定; all or nothing)"},
      {dataio::UploadKind::kHouseRenovations,
       "Import renovations of dangerous houses (危房改造; all or nothing, each of a C or D inspection)"},
      {dataio::UploadKind::kRelocations, "Import relocated households (易地扶贫搬迁; all or nothing)"},
      {dataio::UploadKind::kVillageInfrastructure,
       "Import villages' infrastructure of a year (村基础设施; all or nothing, a record replaces the village's of that year)"},
      {dataio::UploadKind::kPlantings, "Import households' plantings of industries by year (产业种植; all or nothing)"},
      {dataio::UploadKind::kLinks, "Import entities' links to households by year (利益联结; all or nothing)"},
      {dataio::UploadKind::kWorkers, "Import registered workers' situations by year (务工就业; all or nothing)"},
      {dataio::UploadKind::kPurchases, "Import purchases of certified products (消费扶贫; all or nothing)"},
      {dataio::UploadKind::kLoans, "Import small loans to registered households (扶贫小额信贷; all or nothing)"},
  };
  for (const auto& k : kinds) {
    Route route{"POST", std::string("/api/v1/imports/") + dataio::UploadKindName(k.kind), true, UploadHandler(k.kind),
                k.summary};
    route.raw_body = true;
    routes.push_back(std::move(route));
  }
  routes.push_back({"GET", "/api/v1/imports/templates/{kind}", true,
                    [](ApiRequest& r) {
                      const std::string text = r.path.at("kind");
                      const auto kind = dataio::ParseUploadKind(text);
                      if (!kind) {
                        throw Error::InvalidArgument(
                            "unknown template", {{"{kind}", "'" + text + "': " + dataio::UploadKindNames()}});
                      }
                      const std::string format = r.Query("format").value_or("xlsx");
                      if (format != "xlsx" && format != "csv") {
                        throw Error::InvalidArgument("bad format", {{"?format", "'" + format + "': xlsx | csv"}});
                      }
                      auto t = dataio::UploadTemplate(*kind, format == "xlsx" ? io::TableFormat::kXlsx
                                                                              : io::TableFormat::kCsv);
                      return ApiResponse::File(std::move(t.bytes), std::move(t.content_type), t.file_name);
                    },
                    "An empty import template of any kind, generated from its declaration (XLSX with notes and drop-downs, or CSV)"});
}

}  // namespace fupin::server
