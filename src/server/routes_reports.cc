// Reports (the progress report as JSON and XLSX, the overview's breakdowns)
// and the policy parameters. Access is checked in the report and assessment
// services with the caller's rights.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "assessment/households.h"
#include "io/table_writer.h"
#include "assessment/params.h"
#include "registry/overview.h"
#include "reports/breakdown.h"
#include "reports/progress.h"
#include "reports/snapshot.h"
#include "reports/todo.h"
#include "reports/years.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

int ReportYear(const ApiRequest& r) {
  const int64_t year = r.QueryInt("year").value_or(r.clock->Today().year);
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("bad year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  return static_cast<int>(year);
}

std::string ReportArea(const ApiRequest& r) { return r.Query("area").value_or(r.caller.area_scope); }

std::string ProgressXlsxBytes(const reports::ProgressReport& report) {
  return io::BytesWrittenTo(".xlsx", [&](const std::string& path) { reports::WriteProgressXlsx(report, path); });
}

nlohmann::json ParamJson(const assessment::Parameter& p) {
  return {{"id", p.id},         {"name", p.name},     {"key", p.key},
          {"value", p.value},   {"source", p.source}, {"effective_from", p.effective_from},
          {"set_by", p.set_by}, {"set_at", p.set_at}};
}

}  // namespace

void AddReportRoutes(std::vector<Route>& routes, int64_t snapshot_max_age_seconds) {
  routes.push_back({"GET", "/api/v1/reports/progress", true,
                    [snapshot_max_age_seconds](ApiRequest& r) {
                      reports::SnapshotOptions options;
                      options.max_stale_seconds = snapshot_max_age_seconds;
                      const auto fresh = r.Query("fresh").value_or("false");
                      if (fresh != "true" && fresh != "false") {
                        throw Error::InvalidArgument("bad fresh", {{"fresh", "'" + fresh + "' is not true or false"}});
                      }
                      options.fresh = fresh == "true";
                      return ApiResponse::Ok(reports::ProgressJsonWithSnapshot(
                          r.connection(), r.caller, ReportArea(r), ReportYear(r), r.Query("as_of"), *r.clock, options));
                    },
                    "The progress report (脱贫攻坚进展) of an area (default: the caller's) for a year and date, served "
                    "from its snapshot while the audit head is unchanged (province and nation: also while younger "
                    "than the server's snapshot age, flagged stale); fresh=true recomputes (administrator, county office)"});
  routes.push_back({"GET", "/api/v1/reports/progress.xlsx", true,
                    [](ApiRequest& r) {
                      const auto report =
                          reports::ComputeProgress(r.connection(), r.caller, ReportArea(r), ReportYear(r), r.Query("as_of"));
                      const std::string name = "progress-" + (report.area_code.empty() ? "nation" : report.area_code) +
                                               "-" + report.as_of + ".xlsx";
                      return ApiResponse::File(ProgressXlsxBytes(report),
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
                    },
                    "The progress report as an XLSX sheet (one row per figure)"});
  routes.push_back({"GET", "/api/v1/reports/breakdown", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(reports::BreakdownJson(reports::ComputeBreakdown(
                          r.connection(), r.caller, ReportArea(r), ReportYear(r), r.Query("as_of"))));
                    },
                    "Exits per year and registered households by main cause of an area up to a date"});
  routes.push_back({"GET", "/api/v1/reports/overview", true,
                    [](ApiRequest& r) {
                      const int from = static_cast<int>(r.QueryInt("from").value_or(2014));
                      const int to = static_cast<int>(r.QueryInt("to").value_or(r.clock->Today().year));
                      return ApiResponse::Ok(registry::OverviewJson(
                          registry::ReadOverview(r.connection(), r.caller, r.Query("area").value_or(""), from, to)));
                    },
                    "The overview's household counts of an area: by status now and at the end of each year, and per "
                    "child area, from the village counts the registry keeps current (no household recomputed)"});
  routes.push_back({"GET", "/api/v1/reports/years", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(reports::DataYearsJson(reports::LatestDataYears(
                          r.connection(), r.caller, ReportArea(r), r.clock->Today().year)));
                    },
                    "The latest year that has data in an area (default: the caller's): for reports, assessment and "
                    "monitoring; the web UI's pages open on these years"});
  routes.push_back({"GET", "/api/v1/todo", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(reports::TodoJson(reports::ListTodo(r.connection(), r.caller, *r.clock)));
                    },
                    "What waits for the caller in their scope (待办): each source with its count and the web page "
                    "where it is done"});
  routes.push_back({"GET", "/api/v1/households/{id}/assessment", true,
                    [](ApiRequest& r) {
                      const int year = ReportYear(r);
                      return ApiResponse::Ok(assessment::HouseholdAssessmentJson(
                          assessment::AssessOneHousehold(r.connection(), r.caller, r.PathId("id"), year)));
                    },
                    "One household checked against each exit criterion for a year, computed now (not stored)"});
  routes.push_back({"GET", "/api/v1/params", true,
                    [](ApiRequest& r) {
                      assessment::Parameters p(r.connection(), *r.clock);
                      const auto rows = p.List(r.caller, r.Query("history").value_or("") == "true", r.Query("name").value_or(""));
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& x : rows) items.push_back(ParamJson(x));
                      nlohmann::json specs = nlohmann::json::array();
                      for (const auto& s : assessment::ParameterSpecs()) {
                        specs.push_back({{"name", s.name}, {"key", WireOf(assessment::ParamKeyTerms(), s.key)},
                                         {"value", WireOf(assessment::ParamValueTerms(), s.value)}, {"label", s.label_zh}});
                      }
                      return ApiResponse::Ok({{"items", items}, {"specs", specs}});
                    },
                    "Policy parameters in force (or their history) and what each one is"});
  routes.push_back({"PUT", "/api/v1/params/{name}", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const std::string key = b.String("key", false, 20).value_or("");
                      const std::string value = b.String("value", true, 400).value_or("");
                      const std::string source = b.String("source", true, 2000).value_or("");
                      const auto from = b.String("effective_from", false, 10);
                      b.Finish();
                      assessment::Parameters p(r.connection(), *r.clock);
                      return ApiResponse::Ok(ParamJson(p.Set(r.caller, r.path.at("name"), key, value, source, from)));
                    },
                    "Set a policy parameter (administrator or county office, in scope; audited); earlier values stay in the history"});
}

}  // namespace fupin::server
