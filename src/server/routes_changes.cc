// Change requests to the registry and grievances (issue 23): propose, list
// by area and age, read, and the steps (approve, reject, send back,
// resubmit); grievances taken in, handled, figured. Handlers parse, call one
// function of the grievance module and render with the module's JSON (the
// same as `fupin change|grievance ... --json`).
#include "access/login_throttle.h"
#include "access/personal_data.h"
#include "grievance/challenge.h"
#include "grievance/changes.h"
#include "grievance/grievances.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

using nlohmann::json;

grievance::ChangeRequests Service(ApiRequest& r) { return grievance::ChangeRequests(r.connection(), *r.clock); }

ApiResponse RequestResponse(const grievance::ChangeRequest& c, int status = 200) {
  return ApiResponse::Versioned(grievance::ChangeRequestJson(c), c.version, status);
}

// POST /api/v1/change-requests/{id}/<step> with {"reason"} or {"note"}.
Route StepRoute(const std::string& step, const char* text_key, bool required, const std::string& summary) {
  return {"POST", "/api/v1/change-requests/{id}/" + step, true,
          [step, text_key, required](ApiRequest& r) {
            const int64_t id = r.PathId("id");
            BodyReader b(r.body);
            const std::string text = b.String(text_key, required, 2000).value_or("");
            b.Finish();
            const int64_t version = r.RequiredVersion();
            auto svc = Service(r);
            if (step == "approve") return RequestResponse(svc.Approve(r.caller, id, version, text));
            if (step == "reject") return RequestResponse(svc.Reject(r.caller, id, version, text));
            if (step == "send-back") return RequestResponse(svc.SendBack(r.caller, id, version, text));
            return RequestResponse(svc.Resubmit(r.caller, id, version, text));
          },
          summary};
}

grievance::Grievances Grievances(ApiRequest& r) { return grievance::Grievances(r.connection(), *r.clock); }

ApiResponse GrievanceResponse(const grievance::Grievance& g, int status = 200) {
  return ApiResponse::Versioned(grievance::GrievanceJson(g), g.version, status);
}

// Splits {"change": {...}, ...}: the change is read by the service (paths /change/...).
grievance::ChangeProposal ReadProposal(const json& body, json& rest) {
  grievance::ChangeProposal p;
  rest = body;
  if (rest.is_object() && rest.contains("change")) {
    p.change = rest["change"];
    rest.erase("change");
  } else {
    p.change = nullptr;  // the service names "/change"
  }
  return p;
}

void AddGrievanceRoutes(std::vector<Route>& routes);
void AddGrievanceStepRoutes(std::vector<Route>& routes);
void AddPublicApplicationRoutes(std::vector<Route>& routes);

}  // namespace

void AddChangeRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/change-requests", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      grievance::ChangeFilter f;
                      f.area_code = r.Query("area").value_or("");
                      f.status = grievance::ParseChangeStatusFilter(r.Query("status"));
                      f.kind = r.Query("kind").value_or("");
                      f.overdue_only = r.Query("overdue").value_or("") == "true";
                      f.household_id = r.QueryInt("household_id");
                      f.limit = p.limit;
                      f.offset = p.offset;
                      json out = grievance::ChangePageJson(Service(r).List(r.caller, f));
                      out["limit"] = p.limit;
                      out["offset"] = p.offset;
                      return ApiResponse::Ok(out);
                    },
                    "Change requests by area, status, kind and age, oldest first; overdue ones flagged"});
  routes.push_back({"POST", "/api/v1/change-requests", true,
                    [](ApiRequest& r) {
                      json rest;
                      grievance::ChangeProposal p = ReadProposal(r.body, rest);
                      BodyReader b(rest);
                      p.kind = b.String("kind", true, 40).value_or("");
                      p.reason = b.String("reason", true, 2000).value_or("");
                      p.evidence = b.Strings("evidence").value_or(std::vector<std::string>{});
                      b.Finish();
                      return RequestResponse(Service(r).Propose(r.caller, p), 201);
                    },
                    "Propose a change to a household or person (a request; the registry is unchanged)"});
  routes.push_back({"GET", "/api/v1/change-requests/waiting", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      return ApiResponse::Ok(grievance::ChangePageJson(Service(r).Waiting(r.caller, p.limit)));
                    },
                    "Change requests waiting for the caller's step (for the to-do list)"});
  routes.push_back({"GET", "/api/v1/change-requests/{id}", true,
                    [](ApiRequest& r) { return RequestResponse(Service(r).Get(r.caller, r.PathId("id"))); },
                    "A change request with its difference and steps"});
  routes.push_back(StepRoute("approve", "note", false,
                             "The township's review or the county's approval; an approval changes the registry"));
  routes.push_back(StepRoute("reject", "reason", true, "Reject a change request, with the reason"));
  routes.push_back(StepRoute("send-back", "reason", true, "Send a change request back to its proposer"));
  routes.push_back(StepRoute("resubmit", "note", false, "The proposer hands a request sent back in again"));
  AddGrievanceRoutes(routes);
  AddGrievanceStepRoutes(routes);
  AddPublicApplicationRoutes(routes);
}

namespace {

grievance::GrievanceInput ReadGrievance(BodyReader& b) {
  grievance::GrievanceInput in;
  in.channel = b.String("channel", true, 40).value_or("");
  in.category = b.String("category", true, 40).value_or("");
  in.area_code = b.String("area_code", false, 20).value_or("");
  in.household_id = b.Int("household_id");
  in.anonymous = b.Bool("anonymous").value_or(false);
  in.complainant = b.String("complainant", false, 100);
  in.phone = b.String("phone", false, 40);
  in.text = b.String("text", true, 4000).value_or("");
  in.received_on = b.String("received_on", false, 10).value_or("");
  return in;
}

void AddGrievanceRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/grievances", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      grievance::GrievanceFilter f;
                      f.area_code = r.Query("area").value_or("");
                      f.status = grievance::ParseGrievanceStatusFilter(r.Query("status"));
                      f.category = r.Query("category").value_or("");
                      f.overdue_only = r.Query("overdue").value_or("") == "true";
                      if (auto y = r.QueryInt("year")) f.year = static_cast<int>(*y);
                      f.household_id = r.QueryInt("household_id");
                      f.limit = p.limit;
                      f.offset = p.offset;
                      json out = grievance::GrievancePageJson(Grievances(r).List(r.caller, f));
                      out["limit"] = p.limit;
                      out["offset"] = p.offset;
                      return ApiResponse::Ok(out);
                    },
                    "Grievances by area, status, category and year, oldest first; overdue ones flagged"});
  routes.push_back({"POST", "/api/v1/grievances", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const grievance::GrievanceInput in = ReadGrievance(b);
                      b.Finish();
                      return GrievanceResponse(Grievances(r).Intake(r.caller, in), 201);
                    },
                    "Take a grievance in (any channel; anonymous allowed)"});
  routes.push_back({"GET", "/api/v1/grievances/categories", true,
                    [](ApiRequest& r) {
                      json items = json::array();
                      for (const auto& c : grievance::GrievanceCategories(r.connection())) {
                        items.push_back({{"code", c.code}, {"label", c.label_zh}, {"deadline_days", c.deadline_days}});
                      }
                      return ApiResponse::Ok({{"items", items}});
                    },
                    "The categories of grievances with their deadlines in days (configuration)"});
  routes.push_back({"GET", "/api/v1/grievances/figures", true,
                    [](ApiRequest& r) {
                      std::optional<int> year;
                      if (auto y = r.QueryInt("year")) year = static_cast<int>(*y);
                      return ApiResponse::Ok(grievance::GrievanceFiguresJson(Grievances(r).Figures(
                          r.caller, r.Query("area").value_or(""), year, r.Query("by").value_or("area"))));
                    },
                    "Grievance figures: received, answered on time, overdue, satisfaction by area, category or year"});
}

void AddGrievanceStepRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/grievances/{id}", true,
                    [](ApiRequest& r) { return GrievanceResponse(Grievances(r).Get(r.caller, r.PathId("id"))); },
                    "A grievance with its steps (the complainant masked)"});
  routes.push_back({"POST", "/api/v1/grievances/{id}/accept", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const std::string unit = b.String("unit", true, 200).value_or("");
                      const std::string note = b.String("note", false, 2000).value_or("");
                      b.Finish();
                      return GrievanceResponse(
                          Grievances(r).Accept(r.caller, r.PathId("id"), r.RequiredVersion(), unit, note));
                    },
                    "Accept (受理) a grievance and assign the responsible unit"});
  routes.push_back({"POST", "/api/v1/grievances/{id}/steps", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const std::string step = b.String("step", true, 40).value_or("");
                      const std::string text = b.String("text", false, 4000).value_or("");
                      const auto satisfaction = b.String("satisfaction", false, 40);
                      b.Finish();
                      return GrievanceResponse(
                          Grievances(r).Step(r.caller, r.PathId("id"), r.RequiredVersion(), step, text, satisfaction));
                    },
                    "The next step of a grievance: investigating, answered (text: the answer), closed (satisfaction), reopened (text: why)"});
  routes.push_back({"POST", "/api/v1/grievances/{id}/change-requests", true,
                    [](ApiRequest& r) {
                      json rest;
                      grievance::ChangeProposal p = ReadProposal(r.body, rest);
                      BodyReader b(rest);
                      p.kind = b.String("kind", true, 40).value_or("");
                      p.reason = b.String("reason", true, 2000).value_or("");
                      p.evidence = b.Strings("evidence").value_or(std::vector<std::string>{});
                      b.Finish();
                      return GrievanceResponse(
                          Grievances(r).RequestChange(r.caller, r.PathId("id"), r.RequiredVersion(), p), 201);
                    },
                    "Open a change request for the registry error a grievance found, linked to it"});
  routes.push_back({"GET", "/api/v1/grievances/{id}/complainant", true,
                    [](ApiRequest& r) {
                      const auto c = Grievances(r).Reveal(r.caller, r.PathId("id"));
                      return ApiResponse::Ok({{"name", c.name}, {"phone", c.phone}});
                    },
                    "The complainant in full, for those who handle grievances; audited"});
}

}  // namespace

namespace {

// The public form's limits in this process (each server process keeps its
// own, as the login throttle): per client address, applications submitted and
// lookups that found nothing, 5 of each in 10 minutes.
access::LoginThrottle& ApplicationThrottle() {
  static access::LoginThrottle throttle(access::LoginThrottleOptions{5, 1000000, 600});
  return throttle;
}
access::LoginThrottle& LookupThrottle() {
  static access::LoginThrottle throttle(access::LoginThrottleOptions{5, 1000000, 600});
  return throttle;
}

ApiResponse TooMany(int64_t wait) {
  ApiResponse refused{429,
                      ErrorJson("resource_exhausted", "too many applications from this address; try again later",
                                {{"Retry-After", std::to_string(wait)}}),
                      {}};
  refused.headers["Retry-After"] = std::to_string(wait);
  return refused;
}

void AddPublicApplicationRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/public/challenge", false,
                    [](ApiRequest& r) {
                      const auto c = grievance::IssueChallenge(access::CurrentProtector(), r.clock->NowSeconds());
                      return ApiResponse::Ok({{"question", c.question},
                                              {"token", c.token},
                                              {"expires_at", FormatTimestamp(c.expires_at)}});
                    },
                    "A simple arithmetic question for the public application form, with its token"});
  routes.push_back({"POST", "/api/v1/public/applications", false,
                    [](ApiRequest& r) {
                      const int64_t now = r.clock->NowSeconds();
                      if (const int64_t wait = ApplicationThrottle().RetryAfter(r.remote_address, "application", now)) {
                        return TooMany(wait);
                      }
                      BodyReader b(r.body);
                      grievance::ApplicationInput in;
                      in.name = b.String("name", true, 60).value_or("");
                      in.id_number = b.String("id_number", true, 40).value_or("");
                      in.phone = b.String("phone", true, 40).value_or("");
                      in.village_code = b.String("village_code", true, 12).value_or("");
                      in.applies_for = b.String("applies_for", true, 20).value_or("");
                      in.text = b.String("text", true, 2000).value_or("");
                      const std::string token = b.String("challenge_token", true, 200).value_or("");
                      const std::string answer = b.String("challenge_answer", true, 10).value_or("");
                      b.Finish();
                      Problems problems;
                      const std::string wrong = grievance::CheckChallenge(access::CurrentProtector(), token, answer, now);
                      if (!wrong.empty()) problems.Add("challenge_answer", wrong);
                      const auto g = Grievances(r).SubmitApplication(in, problems);
                      ApplicationThrottle().RecordFailure(r.remote_address, "application", now);  // counts submissions
                      return ApiResponse::Created({{"number", g.number},
                                                   {"status", WireOf(grievance::GrievanceStatusTerms(), g.status)},
                                                   {"received_on", g.received_on},
                                                   {"deadline", g.deadline}});
                    },
                    "A household's own application (自主申报), no login: every problem named, nothing stored on any"});
  routes.push_back({"GET", "/api/v1/public/applications/{number}", false,
                    [](ApiRequest& r) {
                      const int64_t now = r.clock->NowSeconds();
                      if (const int64_t wait = LookupThrottle().RetryAfter(r.remote_address, "lookup", now)) {
                        return TooMany(wait);
                      }
                      const auto phone = r.Query("phone");
                      if (!phone || phone->empty() || phone->size() > 40) {
                        throw Error::InvalidArgument("missing phone", {{"?phone", "give the phone of the application"}});
                      }
                      try {
                        return ApiResponse::Ok(grievance::ApplicationStateJson(
                            Grievances(r).ApplicationStateOf(r.path.at("number"), *phone)));
                      } catch (const Error& e) {
                        if (e.code() == ErrorCode::kNotFound) LookupThrottle().RecordFailure(r.remote_address, "lookup", now);
                        throw;
                      }
                    },
                    "The state of an application, by its number and the applicant's phone (no login)"});
}

}  // namespace

}  // namespace fupin::server
