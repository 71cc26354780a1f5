// Assistance: cadres, departments, leader links, work teams, pairings, visits,
// coverage, the paired cadre's own view and the progress figures.
#include <functional>

#include "assistance/assistance.h"
#include "assistance/assistance_json.h"
#include "assistance/coverage.h"
#include "dataio/assistance_exports.h"
#include "io/table_writer.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

assistance::AssistanceService Service(ApiRequest& r) { return assistance::AssistanceService(r.connection(), *r.clock); }

nlohmann::json Items(nlohmann::json items) {
  const auto n = items.size();
  return {{"items", std::move(items)}, {"total", n}};
}

template <typename T, typename F>
nlohmann::json Array(const std::vector<T>& v, F f) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& x : v) a.push_back(f(x));
  return a;
}

// ?q=&limit=&offset= of a paged list (no limit: every row).
assistance::ListWindow Window(const ApiRequest& r) {
  return {r.Query("q").value_or(""), r.QueryInt("limit").value_or(0), r.QueryInt("offset").value_or(0)};
}

template <typename T, typename F>
nlohmann::json WindowJson(const assistance::ListPage<T>& page, const assistance::ListWindow& w, F f) {
  return {{"items", Array(page.items, f)}, {"total", page.total}, {"limit", w.limit}, {"offset", w.offset}};
}

// The coverage date of ?as_of= or ?year= (assistance::ResolveCoverageDate).
assistance::CoverageDate CoverageDate(const ApiRequest& r, const std::string& area) {
  return assistance::ResolveCoverageDate(r.connection(), area, r.Query("as_of"), r.QueryInt("year"), *r.clock);
}

// A list as an XLSX download named `name` (issue 24): `write` fills the file.
ApiResponse Sheet(const std::string& name, const std::function<void(const std::string& path)>& write) {
  return ApiResponse::Xlsx(name, write);
}

// "-<area>" of a file name ("" for the caller's own scope).
std::string AreaSuffix(const ApiRequest& r) {
  const std::string area = r.Query("area").value_or(r.caller.area_scope);
  return area.empty() ? std::string() : "-" + area;
}

assistance::PairingFilter PairingFilterOf(const ApiRequest& r) {
  assistance::PairingFilter f;
  f.cadre_id = r.QueryInt("cadre_id");
  f.household_id = r.QueryInt("household_id");
  f.active_only = r.Query("active").value_or("") == "true";
  return f;
}

// The XLSX twins of the paged lists: every row of the same filters and search.
void AddAssistanceSheetRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/cadres.xlsx", true,
                    [](ApiRequest& r) {
                      return Sheet("cadres" + AreaSuffix(r) + ".xlsx", [&](const std::string& path) {
                        dataio::ExportCadres(r.connection(), *r.clock, r.caller, r.Query("area").value_or(""),
                                             r.Query("q").value_or(""), path);
                      });
                    },
                    "Every cadre of the list's filters (q included) as an XLSX sheet; phones masked"});
  routes.push_back({"GET", "/api/v1/pairings.xlsx", true,
                    [](ApiRequest& r) {
                      return Sheet("pairings.xlsx", [&](const std::string& path) {
                        dataio::ExportPairings(r.connection(), *r.clock, r.caller, PairingFilterOf(r),
                                               r.Query("q").value_or(""), path);
                      });
                    },
                    "Every pairing of the list's filters (q included) as an XLSX sheet"});
  routes.push_back({"GET", "/api/v1/work-teams.xlsx", true,
                    [](ApiRequest& r) {
                      return Sheet("work-teams" + AreaSuffix(r) + ".xlsx", [&](const std::string& path) {
                        dataio::ExportWorkTeams(r.connection(), *r.clock, r.caller, r.Query("area").value_or(""),
                                                r.Query("q").value_or(""), path);
                      });
                    },
                    "Every work team of the list's filters (q included), one row per member, as an XLSX sheet"});
  routes.push_back({"GET", "/api/v1/coverage/gaps.xlsx", true,
                    [](ApiRequest& r) {
                      const auto area = r.Query("area");
                      const std::string kind_text = r.Query("kind").value_or("not_visited");
                      const auto kind = assistance::ParseGapKind(kind_text);
                      Problems problems;
                      if (!area) problems.Add("area", "required");
                      if (!kind) problems.Add("kind", "'" + kind_text + "' is not without_cadre or not_visited");
                      problems.ThrowIfAny("invalid coverage gap request");
                      const auto date = CoverageDate(r, *area);
                      return Sheet("coverage-" + kind_text + "-" + *area + "-" + date.date + ".xlsx",
                                   [&](const std::string& path) {
                                     dataio::ExportCoverageGaps(r.connection(), *r.clock, r.caller, *area, *kind,
                                                                date.date, r.Query("q").value_or(""), path);
                                   });
                    },
                    "Every household of one gap list (the same parameters as /coverage/gaps) as an XLSX sheet"});
}

}  // namespace

void AddAssistanceRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/cadres", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      const assistance::ListWindow w = Window(r);
                      return ApiResponse::Ok(
                          WindowJson(svc.ListCadres(r.caller, r.Query("area").value_or(""), w), w, assistance::CadreJson));
                    },
                    "Cadres of an area; phones masked; q (name or unit), limit and offset page it"});
  routes.push_back({"POST", "/api/v1/cadres", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      assistance::CadreInput in;
                      in.code = b.String("code", false, 40);
                      in.name = b.String("name", true, 100).value_or("");
                      in.unit = b.String("unit", true, 200).value_or("");
                      in.position = b.String("position", false, 100).value_or("");
                      in.phone = b.String("phone", false, 20);
                      in.area_code = b.String("area_code", false, 12).value_or("");
                      in.user_name = b.String("user", false, 100);
                      b.Finish();
                      auto svc = Service(r);
                      const int64_t id = svc.AddCadre(r.caller, in);
                      return ApiResponse::Created(assistance::CadreJson(svc.GetCadre(r.caller, id)));
                    },
                    "Add a cadre"});
  routes.push_back({"GET", "/api/v1/cadres/{id}", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      return ApiResponse::Ok(assistance::CadreJson(svc.GetCadre(r.caller, r.PathId("id"))));
                    },
                    "A cadre"});
  routes.push_back({"POST", "/api/v1/cadres/{id}/handover", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const int64_t to = b.Int("to_cadre_id", true).value_or(0);
                      const std::string date = b.String("date", true, 10).value_or("");
                      const std::string reason = b.String("reason", false, 500).value_or("");
                      b.Finish();
                      auto svc = Service(r);
                      return ApiResponse::Ok(assistance::HandoverJson(svc.HandOver(r.caller, id, to, date, reason)));
                    },
                    "The cadre leaves: hand every paired household to another cadre in one step"});
  routes.push_back({"GET", "/api/v1/departments", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      return ApiResponse::Ok(Items(Array(svc.ListDepartments(r.caller, r.Query("area").value_or("")),
                                                         assistance::DepartmentJson)));
                    },
                    "Sector departments and their responsibilities"});
  routes.push_back({"POST", "/api/v1/departments", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const std::string area = b.String("area_code", true, 12).value_or("");
                      const auto name = b.String("name", false, 100);
                      const std::string resp = b.String("responsibility", false, 500).value_or("");
                      const bool standard = b.Bool("standard").value_or(false);
                      if (!name && !standard) b.Problem("name", "give a name, or standard: true for the reference list");
                      b.Finish();
                      auto svc = Service(r);
                      if (standard) return ApiResponse::Created({{"added", svc.AddStandardDepartments(r.caller, area)}});
                      return ApiResponse::Created({{"id", svc.AddDepartment(r.caller, area, *name, resp)}});
                    },
                    "Add a sector department, or (standard: true) the reference list"});
  routes.push_back({"GET", "/api/v1/leader-links", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      return ApiResponse::Ok(Items(Array(svc.ListLeaderLinks(r.caller, r.Query("area").value_or("")),
                                                         assistance::LeaderLinkJson)));
                    },
                    "County leaders linked to townships and villages"});
  routes.push_back({"POST", "/api/v1/leader-links", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const int64_t cadre = b.Int("cadre_id", true).value_or(0);
                      const std::string area = b.String("area_code", true, 12).value_or("");
                      const std::string start = b.String("start_date", true, 10).value_or("");
                      b.Finish();
                      auto svc = Service(r);
                      return ApiResponse::Created({{"id", svc.LinkLeader(r.caller, cadre, area, start)}});
                    },
                    "Link a county leader to a township or village"});
  routes.push_back({"GET", "/api/v1/work-teams", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      const assistance::ListWindow w = Window(r);
                      return ApiResponse::Ok(
                          WindowJson(svc.ListTeams(r.caller, r.Query("area").value_or(""), w), w, assistance::TeamJson));
                    },
                    "Resident work teams with their members; q (village name or code, unit, team leader), limit and "
                    "offset page it"});
  routes.push_back({"POST", "/api/v1/work-teams", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      assistance::TeamInput in;
                      in.village_code = b.String("village_code", true, 12).value_or("");
                      in.dispatching_unit = b.String("dispatching_unit", true, 200).value_or("");
                      in.start_date = b.String("start_date", true, 10).value_or("");
                      in.end_date = b.String("end_date", false, 10);
                      b.Finish();
                      auto svc = Service(r);
                      const int64_t id = svc.AddTeam(r.caller, in);
                      return ApiResponse::Created(assistance::TeamJson(svc.GetTeam(r.caller, id)));
                    },
                    "Add a work team"});
  routes.push_back({"GET", "/api/v1/work-teams/{id}", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      return ApiResponse::Ok(assistance::TeamJson(svc.GetTeam(r.caller, r.PathId("id"))));
                    },
                    "A work team"});
  routes.push_back({"POST", "/api/v1/work-teams/{id}/members", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const int64_t cadre = b.Int("cadre_id", true).value_or(0);
                      const std::string role = b.String("role", true, 20).value_or("");
                      const std::string start = b.String("start_date", true, 10).value_or("");
                      b.Finish();
                      auto svc = Service(r);
                      svc.AddTeamMember(r.caller, id, cadre, role, start);
                      return ApiResponse::Created(assistance::TeamJson(svc.GetTeam(r.caller, id)));
                    },
                    "Add a member (captain, first_secretary, member) to a work team"});
  routes.push_back({"GET", "/api/v1/pairings", true,
                    [](ApiRequest& r) {
                      const assistance::PairingFilter f = PairingFilterOf(r);
                      auto svc = Service(r);
                      const assistance::ListWindow w = Window(r);
                      return ApiResponse::Ok(WindowJson(svc.ListPairings(r.caller, f, w), w, assistance::PairingJson));
                    },
                    "Pairings of cadres with households, history included"});
  routes.push_back({"POST", "/api/v1/pairings", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const int64_t cadre = b.Int("cadre_id", true).value_or(0);
                      const int64_t household = b.Int("household_id", true).value_or(0);
                      const std::string start = b.String("start_date", true, 10).value_or("");
                      b.Finish();
                      auto svc = Service(r);
                      return ApiResponse::Created({{"id", svc.Pair(r.caller, cadre, household, start)}});
                    },
                    "Pair a cadre with a household (limit per cadre enforced)"});
  routes.push_back({"POST", "/api/v1/pairings/{id}/end", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const std::string date = b.String("date", true, 10).value_or("");
                      const std::string reason = b.String("reason", true, 500).value_or("");
                      b.Finish();
                      auto svc = Service(r);
                      svc.EndPairing(r.caller, id, date, reason);
                      return ApiResponse::Ok({{"id", id}, {"end_date", date}});
                    },
                    "End a pairing"});
  routes.push_back({"GET", "/api/v1/households/{id}/visits", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      return ApiResponse::Ok(Items(Array(svc.ListVisits(r.caller, r.PathId("id")), assistance::VisitJson)));
                    },
                    "Visits to a household, newest first"});
  routes.push_back({"POST", "/api/v1/households/{id}/visits", true,
                    [](ApiRequest& r) {
                      assistance::VisitInput in;
                      in.household_id = r.PathId("id");
                      BodyReader b(r.body);
                      in.cadre_id = b.Int("cadre_id");
                      in.date = b.String("date", true, 10).value_or("");
                      in.done = b.String("done", true, 2000).value_or("");
                      in.promised = b.String("promised", false, 2000).value_or("");
                      b.Finish();
                      auto svc = Service(r);
                      return ApiResponse::Created({{"id", svc.RecordVisit(r.caller, in)}});
                    },
                    "Record a visit (a paired cadre: own households only)"});
  routes.push_back({"GET", "/api/v1/coverage", true,
                    [](ApiRequest& r) {
                      const auto area = r.Query("area");
                      if (!area) throw Error::InvalidArgument("area is required", {{"area", "required"}});
                      const auto date = CoverageDate(r, *area);
                      nlohmann::json j = assistance::CoverageJson(
                          assistance::Coverage(r.connection(), r.caller, *area, date.date, *r.clock));
                      j["as_of_basis"] = date.basis;
                      // lists=false: the counts only (the web pages the gap lists through /coverage/gaps).
                      if (r.Query("lists").value_or("") == "false") {
                        j["gaps"]["households_without_cadre"] = nlohmann::json::array();
                        j["gaps"]["households_not_visited"] = nlohmann::json::array();
                      }
                      return ApiResponse::Ok(j);
                    },
                    "Resident and pairing coverage with the lists of gaps, by township, on as_of (default: the end "
                    "of year, else the latest visit on record)"});
  routes.push_back({"GET", "/api/v1/coverage/gaps", true,
                    [](ApiRequest& r) {
                      const auto area = r.Query("area");
                      const std::string kind_text = r.Query("kind").value_or("not_visited");
                      const auto kind = assistance::ParseGapKind(kind_text);
                      Problems problems;
                      if (!area) problems.Add("area", "required");
                      if (!kind) problems.Add("kind", "'" + kind_text + "' is not without_cadre or not_visited");
                      problems.ThrowIfAny("invalid coverage gap request");
                      const auto date = CoverageDate(r, *area);
                      const assistance::ListWindow w = Window(r);
                      nlohmann::json j = WindowJson(
                          assistance::CoverageGaps(r.connection(), r.caller, *area, *kind, date.date, w, *r.clock), w,
                          assistance::GapJson);
                      j["as_of"] = date.date;
                      j["as_of_basis"] = date.basis;
                      j["visit_interval_days"] = assistance::ReadParams(r.connection()).visit_interval_days;
                      return ApiResponse::Ok(j);
                    },
                    "One gap list of the coverage (kind without_cadre or not_visited) on as_of; q (household "
                    "number, village name or code, cadre), limit and offset page it"});
  routes.push_back({"GET", "/api/v1/me/households", true,
                    [](ApiRequest& r) {
                      auto svc = Service(r);
                      return ApiResponse::Ok(assistance::MyHouseholdsJson(svc.MyView(r.caller)));
                    },
                    "A paired cadre's own households, last visit and what is due"});
  routes.push_back({"GET", "/api/v1/assistance/figures", true,
                    [](ApiRequest& r) {
                      const auto area = r.Query("area");
                      const auto year = r.QueryInt("year");
                      if (!area || !year) {
                        throw Error::InvalidArgument("area and year are required", {{"area", "required"}, {"year", "required"}});
                      }
                      const std::string as_of = r.Query("as_of").value_or(std::to_string(*year) + "-12-31");
                      return ApiResponse::Ok(assistance::FiguresJson(
                          assistance::ProgressFigures(r.connection(), r.caller, *area, static_cast<int>(*year), as_of)));
                    },
                    "Mobilisation figures of the progress report"});
  AddAssistanceSheetRoutes(routes);
}

}  // namespace fupin::server
