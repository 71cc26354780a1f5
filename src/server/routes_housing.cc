// Safe housing, relocation and village infrastructure (issue 22,
// docs/HOUSING.md): house inspections and renovations, the "nobody lives in a
// dangerous house" check, relocation sites and households, each village's
// infrastructure per year, and one household's house. Handlers parse, call
// one HousingService function and render with the module's JSON (the same as
// `fupin house|relocation|village-facilities ... --json`).
#include "housing/housing.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

using nlohmann::json;

housing::HousingService Service(ApiRequest& r) { return housing::HousingService(r.connection(), *r.clock); }

template <class T, class F>
json Items(const std::vector<T>& items, F to_json) {
  json out = json::array();
  for (const auto& x : items) out.push_back(to_json(x));
  return out;
}

housing::Inspection ReadInspection(BodyReader& b) {
  housing::Inspection i;
  i.household_id = b.Int("household_id");
  i.village_code = b.String("village_code", false, 20).value_or("");
  i.householder = b.String("householder", false, 200).value_or("");
  i.key_group = b.String("key_group", false, 40).value_or("");
  i.date = b.String("date", true, 10).value_or("");
  i.inspector = b.String("inspector", true, 400).value_or("");
  i.grade = b.String("grade", true, 2).value_or("");
  i.plate = b.Bool("plate").value_or(false);
  return i;
}

housing::Relocation ReadRelocation(BodyReader& b) {
  housing::Relocation m;
  m.household_id = b.Int("household_id", true).value_or(0);
  m.site_id = b.Int("site_id", true).value_or(0);
  m.moved_on = b.String("moved_on", true, 10).value_or("");
  m.demolished_on = b.String("demolished_on", false, 10);
  m.reclaimed = b.Bool("reclaimed").value_or(false);
  m.jobs = b.Int("jobs");
  m.school_transfers = b.Int("school_transfers");
  m.medical_transferred = b.Bool("medical_transferred");
  return m;
}

housing::Infrastructure ReadInfrastructure(BodyReader& b) {
  housing::Infrastructure v;
  v.road_hardened = b.Bool("road_hardened", true).value_or(false);
  v.natural_villages = b.Int("natural_villages", true).value_or(0);
  v.natural_villages_reached = b.Int("natural_villages_reached", true).value_or(0);
  v.water_supply = b.String("water_supply", true, 20).value_or("");
  v.tap_water = b.Bool("tap_water", true).value_or(false);
  v.households = b.Int("households", true).value_or(0);
  v.transformer_kva_milli = b.Milli("transformer_kva", true).value_or(0);
  v.broadband = b.Bool("broadband", true).value_or(false);
  v.clinic = b.Bool("clinic", true).value_or(false);
  v.culture_centre = b.Bool("culture_centre", true).value_or(false);
  v.collective_income_fen = b.Yuan("collective_income", true).value_or(0);
  return v;
}

// The date of a page's summary: ?date=, else the end of ?year= (a year
// 2000-2100), else today (the service's default).
std::string SummaryDate(const ApiRequest& r) {
  if (auto d = r.Query("date")) return *d;
  const auto year = r.QueryInt("year");
  if (!year) return "";
  if (*year < 2000 || *year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"?year", std::to_string(*year) + " is not between 2000 and 2100"}});
  }
  return std::to_string(*year) + "-12-31";
}

void AddHouseRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/houses/inspections", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      housing::InspectionFilter f;
                      f.area_code = r.Query("area").value_or("");
                      f.grade = r.Query("grade").value_or("");
                      f.dangerous_only = r.Query("dangerous").value_or("") == "true";
                      f.limit = p.limit;
                      f.offset = p.offset;
                      return ApiResponse::Ok({{"items", Items(Service(r).ListInspections(r.caller, f), housing::InspectionJson)},
                                              {"limit", p.limit}, {"offset", p.offset}});
                    },
                    "House inspections (住房安全鉴定) of an area, by grade or dangerous (C, D) only"});
  routes.push_back({"POST", "/api/v1/houses/inspections", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const housing::Inspection in = ReadInspection(b);
                      b.Finish();
                      return ApiResponse::Created(housing::InspectionJson(Service(r).Inspect(r.caller, in)));
                    },
                    "Record a house inspection: a registered household, or a village and householder"});
  routes.push_back({"GET", "/api/v1/houses/renovations", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      const auto items = Service(r).ListRenovations(r.caller, r.Query("area").value_or(""), p.limit, p.offset);
                      return ApiResponse::Ok(
                          {{"items", Items(items, housing::RenovationJson)}, {"limit", p.limit}, {"offset", p.offset}});
                    },
                    "Renovations of dangerous houses (危房改造) of an area"});
  routes.push_back({"POST", "/api/v1/houses/renovations", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      housing::Renovation in;
                      in.inspection_id = b.Int("inspection_id", true).value_or(0);
                      in.kind = b.String("kind", true, 40).value_or("");
                      in.subsidy_fen = b.Yuan("subsidy", true).value_or(0);
                      in.start_date = b.String("start_date", true, 10).value_or("");
                      in.finish_date = b.String("finish_date", false, 10);
                      in.accepted_on = b.String("accepted_on", false, 10);
                      b.Finish();
                      return ApiResponse::Created(housing::RenovationJson(Service(r).Renovate(r.caller, in)));
                    },
                    "Record a renovation of a house graded C or D (subsidy in yuan)"});
  routes.push_back({"POST", "/api/v1/houses/renovations/{id}/acceptance", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const std::string finish = b.String("finish_date", true, 10).value_or("");
                      const std::string accepted = b.String("accepted_on", true, 10).value_or("");
                      b.Finish();
                      return ApiResponse::Ok(housing::RenovationJson(Service(r).Accept(r.caller, id, finish, accepted)));
                    },
                    "Record a renovation's finish and acceptance (验收)"});
  routes.push_back({"GET", "/api/v1/houses/dangerous", true,
                    [](ApiRequest& r) {
                      const auto items = Service(r).DangerousHouses(r.caller, r.Query("area").value_or(""),
                                                                    r.Query("date").value_or(""));
                      json out = json::array();
                      for (const auto& d : items) {
                        json j = housing::InspectionJson(d.inspection);
                        j["renovation_id"] = d.renovation_id ? json(*d.renovation_id) : json();
                        out.push_back(std::move(j));
                      }
                      return ApiResponse::Ok({{"items", out}, {"count", out.size()}});
                    },
                    "人不住危房: houses graded C or D on a date with no accepted renovation, not left by relocation"});
  routes.push_back({"GET", "/api/v1/houses/summary", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(housing::HousingSummaryJson(
                          Service(r).Summarize(r.caller, r.Query("area").value_or(""), SummaryDate(r))));
                    },
                    "住房安全 on a date: houses by latest grade and key group, renovations by kind, 人不住危房 per area"});
}

void AddRelocationRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/relocation/sites", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(
                          {{"items", Items(Service(r).ListSites(r.caller, r.Query("area").value_or("")), housing::SiteJson)}});
                    },
                    "Relocation sites (安置点) with the households and persons moved there"});
  routes.push_back({"POST", "/api/v1/relocation/sites", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      housing::Site s;
                      s.name = b.String("name", true, 400).value_or("");
                      s.kind = b.String("kind", true, 20).value_or("");
                      s.township_code = b.String("township_code", true, 20).value_or("");
                      s.capacity = b.Int("capacity").value_or(0);
                      b.Finish();
                      return ApiResponse::Created(housing::SiteJson(Service(r).AddSite(r.caller, s)));
                    },
                    "Record a relocation site in a township"});
  routes.push_back({"GET", "/api/v1/relocation/households", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      const auto items = Service(r).ListRelocations(r.caller, r.Query("area").value_or(""), p.limit, p.offset);
                      return ApiResponse::Ok(
                          {{"items", Items(items, housing::RelocationJson)}, {"limit", p.limit}, {"offset", p.offset}});
                    },
                    "Relocated households (易地扶贫搬迁) by the village they left, with the follow-up"});
  routes.push_back({"POST", "/api/v1/relocation/households", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const housing::Relocation in = ReadRelocation(b);
                      b.Finish();
                      return ApiResponse::Created(housing::RelocationJson(Service(r).Relocate(r.caller, in)));
                    },
                    "Record a registered household's relocation: site, date, demolition, follow-up"});
  routes.push_back({"GET", "/api/v1/relocation/summary", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(housing::RelocationSummaryJson(
                          Service(r).SummarizeRelocation(r.caller, r.Query("area").value_or(""), SummaryDate(r))));
                    },
                    "易地搬迁 on a date: households and persons moved, demolition, reclamation and follow-up by site kind"});
}

void AddInfrastructureRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/villages/infrastructure", true,
                    [](ApiRequest& r) {
                      // The year defaults to this year (docs/API.md, "Years").
                      const int64_t year = r.QueryInt("year").value_or(r.clock->Today().year);
                      const auto items =
                          Service(r).ListInfrastructure(r.caller, r.Query("area").value_or(""), static_cast<int>(year));
                      return ApiResponse::Ok({{"items", Items(items, housing::InfrastructureJson)}});
                    },
                    "Each village's infrastructure checklist of a year (road, water, power, broadband, clinic, centre, income)"});
  routes.push_back({"PUT", "/api/v1/villages/{code}/infrastructure/{year}", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      housing::Infrastructure v = ReadInfrastructure(b);
                      b.Finish();
                      v.village_code = r.path.at("code");
                      v.year = static_cast<int>(r.PathId("year"));
                      return ApiResponse::Ok(housing::InfrastructureJson(Service(r).SetInfrastructure(r.caller, v)));
                    },
                    "Record (replace) a village's infrastructure of a year; kVA and yuan as numbers"});
  routes.push_back({"GET", "/api/v1/households/{id}/housing", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(housing::HouseholdHousingJson(Service(r).ForHousehold(r.caller, r.PathId("id"))));
                    },
                    "A household's house inspections, renovations, relocation and whether its house is safe today"});
}

}  // namespace

void AddHousingRoutes(std::vector<Route>& routes) {
  AddHouseRoutes(routes);
  AddRelocationRoutes(routes);
  AddInfrastructureRoutes(routes);
}

}  // namespace fupin::server
