// Social assistance: donors, needs, suggestions, pledges, dockings, feedback.
#include <memory>

#include "core/date.h"
#include "core/money.h"
#include "dataio/list_exports.h"
#include "server/http_server.h"
#include "social/social.h"
#include "social/social_json.h"

namespace fupin::server {
namespace {

using social::SocialService;

std::optional<int64_t> QueryYuan(const ApiRequest& r, const std::string& name) {
  auto v = r.Query(name);
  if (!v) return std::nullopt;
  auto fen = ParseYuan(*v);
  if (!fen) throw Error::InvalidArgument("bad query parameter", {{"?" + name, "'" + *v + "' is not an amount in yuan"}});
  return fen;
}

template <typename T, typename F>
nlohmann::json Items(const std::vector<T>& items, F&& to_json) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) out.push_back(to_json(i));
  return out;
}

// The filters of the needs list (and of its XLSX twin); the window is the caller's.
social::NeedFilter NeedFilterOf(const ApiRequest& r) {
  social::NeedFilter f;
  f.area_code = r.Query("area").value_or("");
  f.category = r.Query("category");
  f.urgency = r.Query("urgency");
  f.status = r.Query("status");
  f.min_amount = QueryYuan(r, "min_amount");
  f.max_amount = QueryYuan(r, "max_amount");
  f.household_id = r.QueryInt("household_id");
  return f;
}

social::ActivityFilter ReadActivityFilter(const ApiRequest& r, const Paging& p) {
  social::ActivityFilter f;
  f.need_id = r.QueryInt("need_id");
  f.donor_id = r.QueryInt("donor_id");
  f.status = r.Query("status");
  f.limit = p.limit;
  f.offset = p.offset;
  return f;
}

}  // namespace

void AddSocialRoutes(std::vector<Route>& routes, const access::PasswordHasher& hasher) {
  const access::PasswordHasher* h = &hasher;
  // The process's suggestion index, shared by every worker thread.
  auto index = std::make_shared<social::NeedIndex>();

  routes.push_back({"POST", "/api/v1/donors", false,
                    [h](ApiRequest& r) {
                      BodyReader b(r.body);
                      social::DonorRegistration d;
                      d.user_name = b.String("user_name", true, 64).value_or("");
                      d.password = b.String("password", true, 256).value_or("");
                      d.display_name = b.String("display_name", true, 400).value_or("");
                      d.kind = b.String("kind", false, 20).value_or("individual");
                      d.county_code = b.String("county_code", true, 12).value_or("");
                      d.township_code = b.String("township_code", false, 12);
                      d.interests = b.Strings("interests").value_or(std::vector<std::string>{});
                      d.team = b.String("team", false, 20);
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Created(social::DonorToJson(s.RegisterDonor(d, *h, r.remote_address)));
                    },
                    "Register as a donor (public, throttled per address): an account with the donor role and a profile"});
  routes.push_back({"GET", "/api/v1/donors", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      SocialService s(r.connection(), *r.clock);
                      auto page = s.ListDonors(r.caller, r.Query("area").value_or(""), r.Query("team"), p.limit, p.offset);
                      return ApiResponse::Ok(PageJson(page.total, p, Items(page.items, social::DonorToJson)));
                    },
                    "Donors living in the caller's area (cadres, the county office)"});
  routes.push_back({"GET", "/api/v1/donors/me", true,
                    [](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock);
                      auto d = s.MyProfile(r.caller);
                      return ApiResponse::Versioned(social::DonorToJson(d), d.version);
                    },
                    "The calling donor's profile"});
  routes.push_back({"GET", "/api/v1/donors/{id}", true,
                    [](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock);
                      auto d = s.GetDonor(r.caller, r.PathId("id"));
                      return ApiResponse::Versioned(social::DonorToJson(d), d.version);
                    },
                    "One donor (the donor themself, or cadres in the area)"});
  routes.push_back({"PATCH", "/api/v1/donors/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t version = r.RequiredVersion();
                      BodyReader b(r.body);
                      social::DonorPatch patch;
                      patch.display_name = b.String("display_name", false, 400);
                      patch.county_code = b.String("county_code", false, 12);
                      patch.township_code = b.NullableString("township_code", 12);
                      patch.interests = b.Strings("interests");
                      patch.team = b.NullableString("team", 20);
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      auto d = s.UpdateDonor(r.caller, r.PathId("id"), version, patch);
                      return ApiResponse::Versioned(social::DonorToJson(d), d.version);
                    },
                    "Change one's donor profile (If-Match: the version read)"});
  routes.push_back({"POST", "/api/v1/households/{id}/platform-enrolment", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto date = b.String("date", false, 10);
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      s.EnrolHousehold(r.caller, r.PathId("id"), date);
                      return ApiResponse{204, nullptr, {}};
                    },
                    "Register a household on the social-assistance platform (cadres)"});
  routes.push_back({"GET", "/api/v1/needs", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      social::NeedFilter f = NeedFilterOf(r);
                      f.limit = p.limit;
                      f.offset = p.offset;
                      SocialService s(r.connection(), *r.clock);
                      auto page = s.ListNeeds(r.caller, f);
                      return ApiResponse::Ok(PageJson(page.total, p, Items(page.items, social::NeedToJson)));
                    },
                    "Needs by area, category, amount range (yuan), urgency and status; donors see published ones"});
  routes.push_back({"GET", "/api/v1/needs.xlsx", true,
                    [](ApiRequest& r) {
                      const auto f = NeedFilterOf(r);
                      const std::string area = f.area_code.empty() ? r.caller.area_scope : f.area_code;
                      return ApiResponse::Xlsx("needs" + (area.empty() ? "" : "-" + area) + ".xlsx",
                                               [&](const std::string& path) {
                                                 dataio::ExportNeeds(r.connection(), *r.clock, r.caller, f, path);
                                               });
                    },
                    "Every need of the list's filters as an XLSX sheet (Chinese headers and labels)"});
  routes.push_back({"POST", "/api/v1/needs", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      social::NeedInput in;
                      in.household_id = b.Int("household_id", true).value_or(0);
                      in.category = b.String("category", true, 20).value_or("");
                      in.title = b.String("title", true, 400).value_or("");
                      in.description = b.String("description", false, 8000).value_or("");
                      in.amount = b.Yuan("amount");
                      in.items = b.String("items", false, 2000).value_or("");
                      in.deadline = b.String("deadline", true, 10).value_or("");
                      in.urgency = b.String("urgency", false, 20).value_or("normal");
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Created(social::NeedToJson(s.PublishNeed(r.caller, in)));
                    },
                    "Publish a need for a household (cadres); public once a reviewer approves it"});
  routes.push_back({"GET", "/api/v1/needs/{id}", true,
                    [](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Ok(social::NeedToJson(s.GetNeed(r.caller, r.PathId("id"))));
                    },
                    "One need (donors: published needs, without household data)"});
  routes.push_back({"POST", "/api/v1/needs/{id}/review", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto approve = b.Bool("approve", true);
                      auto note = b.String("note", false, 2000).value_or("");
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Ok(social::NeedToJson(s.ReviewNeed(r.caller, r.PathId("id"), *approve, note)));
                    },
                    "Approve or reject a need (townships, the county office)"});
  routes.push_back({"POST", "/api/v1/needs/{id}/fulfil", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto note = b.String("note", false, 2000).value_or("");
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Ok(social::NeedToJson(s.MarkFulfilled(r.caller, r.PathId("id"), note)));
                    },
                    "Close an open need as fulfilled (cadres)"});
  routes.push_back({"GET", "/api/v1/needs/{id}/donor-suggestions", true,
                    [](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock);
                      auto list = s.SuggestDonors(r.caller, r.PathId("id"), r.QueryInt("limit").value_or(20));
                      return ApiResponse::Ok({{"items", Items(list, [](const social::DonorSuggestion& d) {
                                                 auto j = social::DonorToJson(d.donor);
                                                 j["reasons"] = d.reasons;
                                                 j["dockings_confirmed"] = d.dockings_confirmed;
                                                 j["pledges_undelivered"] = d.pledges_undelivered;
                                                 return j;
                                               })}});
                    },
                    "Donors suggested for a need (cadres)"});
  routes.push_back({"GET", "/api/v1/need-suggestions", true,
                    [index](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock, index.get());
                      auto list = s.SuggestNeeds(r.caller, r.QueryInt("limit").value_or(20));
                      return ApiResponse::Ok({{"items", Items(list, [](const social::NeedSuggestion& n) {
                                                 auto j = social::NeedToJson(n.need);
                                                 j["reasons"] = n.reasons;
                                                 return j;
                                               })}});
                    },
                    "Needs suggested for the calling donor, best first"});
  routes.push_back({"POST", "/api/v1/needs/{id}/pledges", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto amount = b.Yuan("amount");
                      auto items = b.String("items", false, 2000).value_or("");
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Created(social::PledgeToJson(s.PledgeToNeed(r.caller, r.PathId("id"), amount, items)));
                    },
                    "Pledge money or items to an open need (donors)"});
  routes.push_back({"GET", "/api/v1/pledges", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      SocialService s(r.connection(), *r.clock);
                      auto page = s.ListPledges(r.caller, ReadActivityFilter(r, p));
                      return ApiResponse::Ok(PageJson(page.total, p, Items(page.items, social::PledgeToJson)));
                    },
                    "Pledges: a donor's own; every pledge in scope for supervisors and cadres"});
  routes.push_back({"GET", "/api/v1/pledges/undelivered", true,
                    [](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock);
                      auto list = s.ListUndeliveredPledges(r.caller, r.QueryInt("days").value_or(30));
                      return ApiResponse::Ok({{"items", Items(list, [](const social::UndeliveredPledge& u) {
                                                 auto j = social::PledgeToJson(u.pledge);
                                                 j["days_open"] = u.days_open;
                                                 return j;
                                               })}});
                    },
                    "Pledges open for `days` (default 30) or more without a docking (supervisors)"});
  routes.push_back({"POST", "/api/v1/pledges/{id}/withdraw", true,
                    [](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Ok(social::PledgeToJson(s.WithdrawPledge(r.caller, r.PathId("id"))));
                    },
                    "Withdraw one's open pledge (the donor)"});
  routes.push_back({"POST", "/api/v1/pledges/{id}/dockings", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto amount = b.Yuan("amount");
                      auto items = b.String("items", false, 2000).value_or("");
                      auto on = b.String("delivered_on", false, 10);
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Created(
                          social::DockingToJson(s.RecordDocking(r.caller, r.PathId("id"), amount, items, on)));
                    },
                    "Record that the help of a pledge arrived (the donor: awaits confirmation; a cadre: confirmed)"});
  routes.push_back({"GET", "/api/v1/dockings", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      SocialService s(r.connection(), *r.clock);
                      auto page = s.ListDockings(r.caller, ReadActivityFilter(r, p));
                      return ApiResponse::Ok(PageJson(page.total, p, Items(page.items, social::DockingToJson)));
                    },
                    "Dockings: a donor's own; every docking in scope for supervisors and cadres"});
  routes.push_back({"POST", "/api/v1/dockings/{id}/confirm", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto confirmed = b.Bool("confirmed", true);
                      auto note = b.String("note", false, 2000).value_or("");
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Ok(
                          social::DockingToJson(s.ConfirmDocking(r.caller, r.PathId("id"), *confirmed, note)));
                    },
                    "Confirm (or reject) a reported docking (cadres)"});
  routes.push_back({"GET", "/api/v1/dockings/{id}/feedback", true,
                    [](ApiRequest& r) {
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Ok(
                          {{"items", Items(s.ListFeedback(r.caller, r.PathId("id")), social::FeedbackToJson)}});
                    },
                    "The household's feedback on a docking"});
  routes.push_back({"POST", "/api/v1/dockings/{id}/feedback", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto kind = b.String("kind", true, 20).value_or("");
                      auto text = b.String("text", true, 4000).value_or("");
                      b.Finish();
                      SocialService s(r.connection(), *r.clock);
                      return ApiResponse::Created(
                          social::FeedbackToJson(s.RecordFeedback(r.caller, r.PathId("id"), kind, text)));
                    },
                    "Record the household's thanks or complaint (cadres)"});
  routes.push_back({"GET", "/api/v1/social/figures", true,
                    [](ApiRequest& r) {
                      const Date today = r.clock->Today();
                      const int year = static_cast<int>(r.QueryInt("year").value_or(today.year));
                      Date as_of{year, 12, 31};
                      if (auto text = r.Query("as_of")) {
                        auto d = Date::Parse(*text);
                        if (!d) throw Error::InvalidArgument("bad date", {{"?as_of", "'" + *text + "' is not YYYY-MM-DD"}});
                        as_of = *d;
                      }
                      auto f = social::ProgressFigures(r.connection(), r.caller, r.Query("area").value_or(r.caller.area_scope),
                                                       year, as_of);
                      return ApiResponse::Ok(social::FiguresToJson(f));
                    },
                    "The social-assistance figures of the progress report for an area and date"});
}

}  // namespace fupin::server
