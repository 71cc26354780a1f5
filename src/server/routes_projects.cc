// Projects, funds and assets (issue 20): the project library with its steps
// and notices, allocations, assignments, disbursements, spending progress,
// assets, their income and its distribution, and what a household received.
// Handlers parse, call one ProjectService function and render with the
// module's JSON (the same as `fupin project|fund|asset ... --json`).
#include "io/table_writer.h"
#include "projects/projects.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

using nlohmann::json;

projects::ProjectService Service(ApiRequest& r) { return projects::ProjectService(r.connection(), *r.clock); }

std::optional<int> Year(const ApiRequest& r) {
  if (auto y = r.QueryInt("year")) return static_cast<int>(*y);
  return std::nullopt;
}

json Terms(std::span<const Term> terms) {
  json out = json::array();
  for (const auto& t : terms) out.push_back({{"code", t.wire}, {"label", t.zh}});
  return out;
}

}  // namespace

void AddProjectRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/projects", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      projects::ProjectFilter f;
                      f.area_code = r.Query("area").value_or("");
                      f.kind = r.Query("kind").value_or("");
                      f.status = r.Query("status").value_or("");
                      f.year = Year(r);
                      f.limit = p.limit;
                      f.offset = p.offset;
                      const auto page = Service(r).ListProjects(r.caller, f);
                      json items = json::array();
                      for (const auto& x : page.items) items.push_back(projects::ProjectJson(x));
                      return ApiResponse::Ok(
                          {{"items", items}, {"total", page.total}, {"limit", p.limit}, {"offset", p.offset}});
                    },
                    "Projects of the project library by area, kind, status and year"});
  routes.push_back({"GET", "/api/v1/projects/terms", true,
                    [](ApiRequest& r) {
                      json sources = json::array();
                      for (const auto& [code, label] : projects::FundSources(r.connection())) {
                        sources.push_back({{"code", code}, {"label", label}});
                      }
                      return ApiResponse::Ok({{"kinds", Terms(projects::ProjectKinds())},
                                              {"levels", Terms(projects::ProjectLevels())},
                                              {"steps", Terms(projects::ProjectSteps())},
                                              {"fund_sources", sources},
                                              {"asset_kinds", Terms(projects::AssetKinds())},
                                              {"station_kinds", Terms(projects::StationKinds())},
                                              {"distribution_kinds", Terms(projects::DistributionKinds())}});
                    },
                    "The vocabularies of projects, funds and assets with their Chinese labels"});
  routes.push_back({"POST", "/api/v1/projects", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      projects::ProjectInput in;
                      in.name = b.String("name", true, 400).value_or("");
                      in.kind = b.String("kind", true, 40).value_or("");
                      in.level = b.String("level", true, 40).value_or("");
                      in.area_code = b.String("area_code", true, 20).value_or("");
                      in.start_year = static_cast<int>(b.Int("start_year", true).value_or(0));
                      in.end_year = static_cast<int>(b.Int("end_year", true).value_or(0));
                      in.implementer = b.String("implementer", true, 400).value_or("");
                      b.Objects("budget", [&in](BodyReader& e) {
                        const auto source = e.String("source", true, 40);
                        const auto amount = e.Yuan("amount", true);
                        if (source && amount) in.budget.emplace_back(*source, *amount);
                      });
                      in.household_ids = b.Ints("household_ids").value_or(std::vector<int64_t>{});
                      in.outside_beneficiaries = b.Int("outside_beneficiaries").value_or(0);
                      b.Objects("outputs", [&in](BodyReader& e) {
                        projects::Output o;
                        o.item = e.String("item", true, 200).value_or("");
                        o.unit = e.String("unit", true, 40).value_or("");
                        o.planned_milli = e.Milli("planned", true).value_or(0);
                        o.actual_milli = e.Milli("actual");
                        in.outputs.push_back(std::move(o));
                      });
                      in.proposed_on = b.String("date", false, 10).value_or("");
                      in.document_no = b.String("document_no", false, 200).value_or("");
                      b.Finish();
                      return ApiResponse::Created(projects::ProjectJson(Service(r).AddProject(r.caller, in)));
                    },
                    "Propose (申报) a project: budget by source (yuan), households, outputs"});
  routes.push_back({"GET", "/api/v1/projects/{id}", true,
                    [](ApiRequest& r) {
                      const auto p = Service(r).GetProject(r.caller, r.PathId("id"));
                      return ApiResponse::Versioned(projects::ProjectJson(p), p.version);
                    },
                    "A project with its budget, beneficiaries, outputs, steps, notices and allowed next steps"});
  routes.push_back({"POST", "/api/v1/projects/{id}/steps", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const std::string step = b.String("step", true, 40).value_or("");
                      const std::string date = b.String("date", false, 10).value_or("");
                      const std::string document = b.String("document_no", false, 200).value_or("");
                      const std::string note = b.String("note", false, 2000).value_or("");
                      b.Finish();
                      const auto p = Service(r).Step(r.caller, id, step, date, document, note);
                      return ApiResponse::Versioned(projects::ProjectJson(p), p.version);
                    },
                    "Take a project to its next step or withdraw it; an illegal step is refused naming the allowed ones"});
  routes.push_back({"POST", "/api/v1/projects/{id}/notices", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const std::string kind = b.String("kind", true, 10).value_or("");
                      const std::string start = b.String("start_date", true, 10).value_or("");
                      const std::string end = b.String("end_date", true, 10).value_or("");
                      const std::string place = b.String("place", false, 400).value_or("");
                      const std::string objections = b.String("objections", false, 2000).value_or("");
                      b.Finish();
                      const auto n = Service(r).AddNotice(r.caller, id, kind, start, end, place, objections);
                      return ApiResponse::Created({{"id", n.id},
                                                   {"project_id", n.project_id},
                                                   {"kind", n.kind},
                                                   {"start_date", n.start_date},
                                                   {"end_date", n.end_date},
                                                   {"period_days", n.period_days},
                                                   {"place", n.place},
                                                   {"objections", n.objections}});
                    },
                    "Record a public notice (公告公示) of the plan or the result"});
  routes.push_back({"GET", "/api/v1/projects/{id}/notices/{notice}/sheet", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id"), notice = r.PathId("notice");
                      auto svc = Service(r);
                      const std::string bytes = io::BytesWrittenTo(
                          ".xlsx", [&](const std::string& path) { svc.WriteNoticeSheet(r.caller, id, notice, path); });
                      return ApiResponse::File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                               "notice-" + std::to_string(id) + "-" + std::to_string(notice) + ".xlsx");
                    },
                    "The notice sheet (公示表) of a project's notice as XLSX"});

  routes.push_back({"GET", "/api/v1/funds/allocations", true,
                    [](ApiRequest& r) {
                      json items = json::array();
                      for (const auto& a : Service(r).ListAllocations(r.caller, r.Query("area").value_or(""), Year(r))) {
                        items.push_back(projects::AllocationJson(a));
                      }
                      return ApiResponse::Ok({{"items", items}});
                    },
                    "Allocations (资金下达) of an area, with what was assigned and spent of each"});
  routes.push_back({"POST", "/api/v1/funds/allocations", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      projects::AllocationInput in;
                      in.document_no = b.String("document_no", true, 200).value_or("");
                      in.date = b.String("date", true, 10).value_or("");
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.source = b.String("source", true, 40).value_or("");
                      in.area_code = b.String("area_code", true, 20).value_or("");
                      in.amount_fen = b.Yuan("amount", true).value_or(0);
                      b.Finish();
                      return ApiResponse::Created(projects::AllocationJson(Service(r).Allocate(r.caller, in)));
                    },
                    "Record an allocation (document number, date, year, source, area, amount in yuan)"});
  routes.push_back({"POST", "/api/v1/funds/assignments", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const int64_t allocation = b.Int("allocation_id", true).value_or(0);
                      const int64_t project = b.Int("project_id", true).value_or(0);
                      const Fen amount = b.Yuan("amount", true).value_or(0);
                      const std::string date = b.String("date", false, 10).value_or("");
                      b.Finish();
                      const auto g = Service(r).Assign(r.caller, allocation, project, amount, date);
                      return ApiResponse::Created({{"id", g.id},
                                                   {"allocation_id", g.allocation_id},
                                                   {"project_id", g.project_id},
                                                   {"date", g.date},
                                                   {"amount_fen", g.amount_fen}});
                    },
                    "Give part of an allocation to a project; refused beyond what is left of the allocation"});
  routes.push_back({"POST", "/api/v1/funds/disbursements", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      projects::DisbursementInput in;
                      in.project_id = b.Int("project_id", true).value_or(0);
                      in.allocation_id = b.Int("allocation_id");
                      in.date = b.String("date", false, 10).value_or("");
                      in.amount_fen = b.Yuan("amount", true).value_or(0);
                      in.payee = b.String("payee", true, 400).value_or("");
                      in.purpose = b.String("purpose", true, 400).value_or("");
                      b.Finish();
                      const auto d = Service(r).Spend(r.caller, in);
                      return ApiResponse::Created({{"id", d.id},
                                                   {"project_id", d.project_id},
                                                   {"allocation_id", d.allocation_id},
                                                   {"date", d.date},
                                                   {"amount_fen", d.amount_fen},
                                                   {"payee", d.payee},
                                                   {"purpose", d.purpose}});
                    },
                    "Record a disbursement (支出); refused beyond what the project has left of the allocation"});
  routes.push_back({"GET", "/api/v1/funds/progress", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(projects::FundProgressJson(Service(r).Progress(
                          r.caller, r.Query("area").value_or(""), Year(r), r.Query("by").value_or("source"))));
                    },
                    "Spending progress (支出进度) by source, area, kind or year; balances; idle funds of completed projects"});

  routes.push_back({"GET", "/api/v1/assets", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      projects::AssetFilter f;
                      f.area_code = r.Query("area").value_or("");
                      f.kind = r.Query("kind").value_or("");
                      f.stations_only = r.Query("stations").value_or("") == "true";
                      f.limit = p.limit;
                      f.offset = p.offset;
                      json items = json::array();
                      for (const auto& a : Service(r).ListAssets(r.caller, f)) items.push_back(projects::AssetJson(a));
                      return ApiResponse::Ok({{"items", items}, {"limit", p.limit}, {"offset", p.offset}});
                    },
                    "Assets formed by projects (stations=true: photovoltaic stations only)"});
  routes.push_back({"POST", "/api/v1/assets", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      projects::AssetInput in;
                      in.project_id = b.Int("project_id", true).value_or(0);
                      in.name = b.String("name", true, 400).value_or("");
                      in.kind = b.String("kind", true, 40).value_or("");
                      in.owner = b.String("owner", true, 400).value_or("");
                      in.custodian = b.String("custodian", true, 400).value_or("");
                      in.area_code = b.String("area_code", false, 20).value_or("");
                      in.household_id = b.Int("household_id");
                      in.value_fen = b.Yuan("value", true).value_or(0);
                      in.formed_on = b.String("formed_on", false, 10).value_or("");
                      in.station_kind = b.String("station_kind", false, 20);
                      in.capacity_w = b.Milli("capacity_kw").value_or(0);
                      in.beneficiary_household_ids = b.Ints("beneficiary_household_ids").value_or(std::vector<int64_t>{});
                      b.Finish();
                      return ApiResponse::Created(projects::AssetJson(Service(r).AddAsset(r.caller, in)));
                    },
                    "Record an asset formed by a completed project (a PV station with station_kind and capacity_kw)"});
  routes.push_back({"PUT", "/api/v1/assets/{id}/income/{year}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id"), year = r.PathId("year");
                      BodyReader b(r.body);
                      const Fen amount = b.Yuan("amount", true).value_or(0);
                      const auto kwh = b.Int("generation_kwh");
                      b.Finish();
                      Service(r).RecordIncome(r.caller, id, static_cast<int>(year), amount, kwh);
                      return ApiResponse::Ok({{"asset_id", id}, {"year", year}, {"amount_fen", amount}});
                    },
                    "Record a productive asset's income of a year (and a station's generation)"});
  routes.push_back({"POST", "/api/v1/assets/{id}/distributions", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      projects::DistributionInput in;
                      in.asset_id = r.PathId("id");
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.kind = b.String("kind", true, 20).value_or("");
                      in.household_id = b.Int("household_id");
                      in.post = b.String("post", false, 200).value_or("");
                      in.date = b.String("date", false, 10).value_or("");
                      in.amount_fen = b.Yuan("amount", true).value_or(0);
                      b.Finish();
                      return ApiResponse::Created({{"id", Service(r).Distribute(r.caller, in)}});
                    },
                    "Distribute a year's income (分红, 公益岗位, other); refused beyond what is left of it"});
  routes.push_back({"GET", "/api/v1/households/{id}/received", true,
                    [](ApiRequest& r) {
                      json items = json::array();
                      for (const auto& x : Service(r).HouseholdReceipts(r.caller, r.PathId("id"))) {
                        items.push_back(projects::ReceiptJson(x));
                      }
                      return ApiResponse::Ok({{"items", items}});
                    },
                    "What a household received: projects, assets, stations and dividends"});
}

}  // namespace fupin::server
