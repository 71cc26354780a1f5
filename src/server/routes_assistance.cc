// Assistance: cadres, departments, leader links, work teams, pairings, visits,
// coverage, the paired cadre's own view and the progress figures.
#include "assistance/assistance.h"
#include "assistance/assistance_json.h"
#include "assistance/coverage.h"
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
                      return ApiResponse::Ok(
                          Items(Array(svc.ListTeams(r.caller, r.Query("area").value_or("")), assistance::TeamJson)));
                    },
                    "Resident work teams with their members"});
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
                      assistance::PairingFilter f;
                      f.cadre_id = r.QueryInt("cadre_id");
                      f.household_id = r.QueryInt("household_id");
                      f.active_only = r.Query("active").value_or("") == "true";
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
                      return ApiResponse::Ok(assistance::CoverageJson(
                          assistance::Coverage(r.connection(), r.caller, *area, r.Query("as_of"), *r.clock)));
                    },
                    "Resident and pairing coverage with the lists of gaps, by township"});
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
}

}  // namespace fupin::server
