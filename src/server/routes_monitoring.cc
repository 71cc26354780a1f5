// Return-to-poverty monitoring: cases and their steps, measures, the
// risk-eliminated decision, the scan, figures, overdue lists, thresholds and
// rules. Handlers parse, call one MonitoringService function and render with
// monitoring_json.h (the same JSON as `fupin monitor ... --json`).
#include <string>

#include "dataio/list_exports.h"
#include "monitoring/monitoring.h"
#include "monitoring/monitoring_json.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

monitoring::MonitoringService Service(ApiRequest& r) { return monitoring::MonitoringService(r.connection(), *r.clock); }

// The filters of the cases list (and of its XLSX twin); the window is the caller's.
monitoring::CaseFilter CaseFilterOf(const ApiRequest& r) {
  monitoring::CaseFilter f;
  f.area_code = r.Query("area").value_or("");
  f.status = r.Query("status");
  f.category = r.Query("category");
  if (auto y = r.QueryInt("year")) f.year = static_cast<int>(*y);
  f.household_id = r.QueryInt("household");
  return f;
}

int RequiredYear(const ApiRequest& r) {
  const auto year = r.QueryInt("year");
  if (!year) throw Error::InvalidArgument("missing year", {{"year", "required (query parameter)"}});
  return static_cast<int>(*year);
}

}  // namespace

void AddMonitoringRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/monitoring/cases", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      monitoring::CaseFilter f = CaseFilterOf(r);
                      f.limit = p.limit;
                      f.offset = p.offset;
                      return ApiResponse::Ok(monitoring::CasePageJson(Service(r).ListCases(r.caller, f), p.limit, p.offset));
                    },
                    "Monitoring cases by area, status, category, year and household"});
  routes.push_back({"GET", "/api/v1/monitoring/cases.xlsx", true,
                    [](ApiRequest& r) {
                      const auto f = CaseFilterOf(r);
                      const std::string area = f.area_code.empty() ? r.caller.area_scope : f.area_code;
                      const std::string name = "monitoring-cases" + (area.empty() ? "" : "-" + area) +
                                               (f.year ? "-" + std::to_string(*f.year) : "") + ".xlsx";
                      return ApiResponse::Xlsx(name, [&](const std::string& path) {
                        dataio::ExportCases(r.connection(), *r.clock, r.caller, f, path);
                      });
                    },
                    "Every monitoring case of the list's filters as an XLSX sheet (Chinese headers and labels)"});
  routes.push_back({"POST", "/api/v1/monitoring/cases", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      monitoring::CaseInput in;
                      in.household_id = b.Int("household_id", true).value_or(0);
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.source = b.String("source", true, 40).value_or("");
                      in.category = b.String("category", false, 40);
                      in.date = b.String("date", false, 10).value_or("");
                      in.note = b.String("note", false, 2000).value_or("");
                      b.Finish();
                      return ApiResponse::Created(monitoring::CaseJson(Service(r).OpenCase(r.caller, in)));
                    },
                    "Open a case (self-report, cadre report, department alert, data analysis)"});
  routes.push_back({"GET", "/api/v1/monitoring/cases/{id}", true,
                    [](ApiRequest& r) {
                      const auto c = Service(r).GetCase(r.caller, r.PathId("id"));
                      return ApiResponse::Versioned(monitoring::CaseJson(c), c.version);
                    },
                    "A case with its steps, measures and decision"});
  routes.push_back({"GET", "/api/v1/monitoring/cases/{id}/steps", true,
                    [](ApiRequest& r) {
                      const auto c = Service(r).GetCase(r.caller, r.PathId("id"));
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& s : c.steps) items.push_back(monitoring::StepJson(s));
                      nlohmann::json next = nlohmann::json::array();
                      if (c.stage) {
                        for (Role role : monitoring::StepRoles(*c.stage)) next.push_back(RoleName(role));
                      }
                      return ApiResponse::Ok({{"items", items},
                                              {"stage", c.stage ? nlohmann::json(*c.stage) : nlohmann::json(nullptr)},
                                              {"stage_roles", next},
                                              {"may_do", c.stage && monitoring::MayDoStep(r.caller, *c.stage)},
                                              {"status", WireOf(monitoring::CaseStatusTerms(), c.status)}});
                    },
                    "The steps of a case, the step it waits for, the roles that do it and whether the caller may"});
  routes.push_back({"POST", "/api/v1/monitoring/cases/{id}/steps", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      monitoring::StepInput in;
                      in.step = b.String("step", true, 40).value_or("");
                      in.action = b.String("action", false, 10).value_or("done");
                      in.date = b.String("date", false, 10).value_or("");
                      in.end_date = b.String("end_date", false, 10);
                      in.return_to = b.String("return_to", false, 40);
                      in.note = b.String("note", false, 2000).value_or("");
                      b.Finish();
                      const auto c = Service(r).RecordStep(r.caller, id, in);
                      return ApiResponse::Versioned(monitoring::CaseJson(c), c.version, 201);
                    },
                    "Record the current step (done), send the case back (return, with return_to) or reject it"});
  routes.push_back({"GET", "/api/v1/monitoring/cases/{id}/measures", true,
                    [](ApiRequest& r) {
                      const auto ms = Service(r).ListMeasures(r.caller, r.PathId("id"));
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& m : ms) items.push_back(monitoring::MeasureJson(m));
                      return ApiResponse::Ok({{"items", items}, {"total", ms.size()}});
                    },
                    "Measures of a case"});
  routes.push_back({"POST", "/api/v1/monitoring/cases/{id}/measures", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      monitoring::MeasureInput in;
                      in.kind = b.String("kind", true, 40).value_or("");
                      in.description = b.String("description", true, 1000).value_or("");
                      in.policy_id = b.Int("policy_id");
                      in.responsible = b.String("responsible", false, 200).value_or("");
                      in.start_date = b.String("start_date", false, 10).value_or("");
                      in.status = b.String("status", false, 20).value_or("planned");
                      b.Finish();
                      return ApiResponse::Created(monitoring::MeasureJson(Service(r).AddMeasure(r.caller, id, in)));
                    },
                    "Assign a measure to a monitored household"});
  routes.push_back({"PATCH", "/api/v1/monitoring/cases/{id}/measures/{measure_id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      const int64_t measure = r.PathId("measure_id");
                      BodyReader b(r.body);
                      monitoring::MeasureUpdate up;
                      up.status = b.String("status", false, 20);
                      up.result = b.String("result", false, 2000);
                      b.Finish();
                      return ApiResponse::Ok(monitoring::MeasureJson(Service(r).UpdateMeasure(r.caller, id, measure, up)));
                    },
                    "Track a measure: its status and result"});
  routes.push_back({"POST", "/api/v1/monitoring/cases/{id}/eliminate", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      monitoring::EliminationInput in;
                      in.date = b.String("date", false, 10).value_or("");
                      in.reason = b.String("reason", true, 40).value_or("");
                      in.evidence = b.String("evidence", false, 4000).value_or("");
                      b.Finish();
                      const auto c = Service(r).Eliminate(r.caller, id, in);
                      return ApiResponse::Versioned(monitoring::CaseJson(c), c.version);
                    },
                    "Decide that the risk is eliminated (county office); refused without evidence"});
  routes.push_back({"GET", "/api/v1/monitoring/scan", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(monitoring::ScanJson(
                          Service(r).Scan(r.caller, RequiredYear(r), r.Query("area").value_or(""), false)));
                    },
                    "Households a risk rule fires for, with the rule and its values (reads only)"});
  routes.push_back({"POST", "/api/v1/monitoring/scan", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const int year = static_cast<int>(b.Int("year", true).value_or(0));
                      const std::string area = b.String("area", false, 12).value_or("");
                      const bool open = b.Bool("open").value_or(false);
                      b.Finish();
                      return ApiResponse::Ok(monitoring::ScanJson(Service(r).Scan(r.caller, year, area, open)));
                    },
                    "Scan, and with open: true open a case for every new candidate"});
  routes.push_back({"GET", "/api/v1/monitoring/figures", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(monitoring::FiguresJson(
                          Service(r).Figures(r.caller, r.Query("area").value_or(""), RequiredYear(r), r.Query("as_of"))));
                    },
                    "Monitored households by category, status and area; share; durations"});
  routes.push_back({"GET", "/api/v1/monitoring/overdue", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(monitoring::OverdueJson(
                          Service(r).Overdue(r.caller, r.Query("area").value_or(""), r.Query("as_of"))));
                    },
                    "Overdue steps and households monitored too long"});
  routes.push_back({"GET", "/api/v1/monitoring/thresholds", true,
                    [](ApiRequest& r) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& t : Service(r).Thresholds(r.caller)) items.push_back(monitoring::ThresholdJson(t));
                      nlohmann::json rules = nlohmann::json::array();
                      for (const auto& p : Service(r).Parameters(r.caller)) rules.push_back(monitoring::ParameterJson(p));
                      return ApiResponse::Ok({{"thresholds", items}, {"rules", rules}});
                    },
                    "Monitoring lines per year and province, and the risk rules, with sources"});
}

}  // namespace fupin::server
