// Households and persons.
#include "dataio/exports.h"
#include "grievance/changes.h"
#include "io/table_writer.h"
#include "registry/households.h"
#include "registry/registry_json.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

registry::HouseholdYear ReadHouseholdYear(BodyReader& b, int year) {
  registry::HouseholdYear y;
  y.year = year;
  y.members = static_cast<int>(b.Int("members").value_or(0));
  y.wage_income = b.Yuan("wage_income").value_or(0);
  y.production_income = b.Yuan("production_income").value_or(0);
  y.property_income = b.Yuan("property_income").value_or(0);
  y.transfer_income = b.Yuan("transfer_income").value_or(0);
  y.production_cost = b.Yuan("production_cost").value_or(0);
  y.food_secure = b.Bool("food_secure");
  y.clothing_secure = b.Bool("clothing_secure");
  y.housing_safe = b.Bool("housing_safe");
  y.drinking_water_safe = b.Bool("drinking_water_safe");
  y.dibao_class = b.String("dibao_class", false, 10);
  y.house_grade = b.String("house_grade", false, 30);
  y.relocation = b.Bool("relocation");
  y.pepper_area = b.Int("pepper_area");      // 0.01 mu
  y.camellia_area = b.Int("camellia_area");  // 0.01 mu
  y.pv_share = b.Bool("pv_share");
  return y;
}

int PathYear(const ApiRequest& r) {
  const int64_t y = r.PathId("year");
  if (y < 2000 || y > 2100) throw Error::InvalidArgument("bad year", {{"{year}", std::to_string(y) + " is out of range"}});
  return static_cast<int>(y);
}

ApiResponse HouseholdResponse(ApiRequest& r, int64_t id, int status = 200) {
  registry::HouseholdRegistry reg(r.connection(), *r.clock);
  auto h = reg.GetHousehold(r.caller, id);
  return ApiResponse::VersionedText(registry::HouseholdJsonText(h), h.version, status);
}

ApiResponse PersonResponse(ApiRequest& r, int64_t id, int status = 200) {
  registry::PersonRegistry reg(r.connection(), *r.clock);
  auto p = reg.GetPerson(r.caller, id);
  return ApiResponse::Versioned(registry::PersonJson(p), p.version, status);
}

// The filters of GET /households (and of its XLSX download), without the page.
registry::HouseholdRegistry::ListFilter HouseholdFilter(const ApiRequest& r) {
  registry::HouseholdRegistry::ListFilter f;
  f.area_code = r.Query("area").value_or("");
  f.status = r.Query("status");
  if (auto y = r.QueryInt("year")) f.year = static_cast<int>(*y);
  f.sort = r.Query("sort").value_or("number");
  f.phone = r.Query("phone");
  f.q = r.Query("q");
  return f;
}

// "/change/set/address", "/change/household/number", "/change/to_household_id" -> the body's field.
std::string BodyPath(const std::string& path) {
  for (const char* prefix : {"/change/set/", "/change/household/", "/change/person/", "/change/event/", "/change/"}) {
    if (path.starts_with(prefix)) return path.substr(std::string_view(prefix).size());
  }
  return path;
}

// Issue 23: a village cadre's write becomes a change request (docs/CHANGES.md,
// "Village cadres write through requests"): 202 with the request, the registry
// unchanged until the township (or the county) approves it. std::nullopt: the
// caller writes directly. `change`: the kind's JSON (the body as sent, without its reason).
std::optional<ApiResponse> ProposedInstead(ApiRequest& r, const std::string& kind, nlohmann::json change,
                                           const std::string& reason, std::optional<int64_t> version = std::nullopt) {
  grievance::ChangeRequests changes(r.connection(), *r.clock);
  std::optional<grievance::ChangeRequest> request;
  try {
    request = changes.ProposeInsteadOfWriting(r.caller, {kind, std::move(change), reason, {}}, version);
  } catch (const Error& e) {
    // The request's paths (/change/set/address) named as the body's (address).
    if (e.details().empty()) throw;
    std::vector<ErrorDetail> details;
    for (const auto& d : e.details()) details.push_back({BodyPath(d.path), d.problem});
    throw Error(e.code(), e.what(), details);
  }
  if (!request) return std::nullopt;
  const std::string id = std::to_string(request->id);
  return ApiResponse{202,
                     {{"change_request", grievance::ChangeRequestJson(*request)},
                      {"message", "change request " + id + " proposed; the registry changes when it is approved"},
                      {"message_zh", "已提交变更申请（编号 " + id + "），待乡镇审核"}},
                     {}};
}

nlohmann::json Without(nlohmann::json body, const char* key) {
  if (body.is_object()) body.erase(key);
  return body;
}

}  // namespace

void AddRegistryRoutes(std::vector<Route>& routes, size_t household_text_bytes) {
  // Shared by the handler threads; only the GET answers from it (the writes change the data head anyway).
  auto texts = std::make_shared<registry::HouseholdTexts>(household_text_bytes);
  routes.push_back({"GET", "/api/v1/households", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      registry::HouseholdRegistry::ListFilter f = HouseholdFilter(r);
                      f.limit = p.limit;
                      f.offset = p.offset;
                      registry::HouseholdRegistry reg(r.connection(), *r.clock);
                      auto page = reg.ListHouseholds(r.caller, f);
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& h : page.items) items.push_back(registry::HouseholdJson(h));
                      return ApiResponse::Ok(PageJson(page.total, p, items));
                    },
                    "Households by area, status and year; paginated and sortable"});
  routes.push_back({"GET", "/api/v1/households.xlsx", true,
                    [](ApiRequest& r) {
                      const registry::HouseholdRegistry::ListFilter f = HouseholdFilter(r);
                      std::string bytes = io::BytesWrittenTo(".xlsx", [&](const std::string& path) {
                        dataio::ExportHouseholds(r.connection(), r.caller, f, path);
                      });
                      const std::string area = f.area_code.empty() ? r.caller.area_scope : f.area_code;
                      return ApiResponse::File(std::move(bytes),
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                               "households-" + (area.empty() ? std::string("nation") : area) + ".xlsx");
                    },
                    "Every household of the list's filters (q included) as an XLSX sheet"});
  routes.push_back({"POST", "/api/v1/households", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      registry::HouseholdInput in;
                      in.number = b.String("number", true, 40).value_or("");
                      in.village_code = b.String("village_code", true, 12).value_or("");
                      if (auto y = b.Int("identified_year")) in.identified_year = static_cast<int>(*y);
                      in.identified_date = b.String("identified_date", false, 10);
                      in.attribute = b.String("attribute", false, 40).value_or("general");
                      in.main_cause = b.String("main_cause", false, 40).value_or("none");
                      in.other_causes = b.Strings("other_causes").value_or(std::vector<std::string>{});
                      in.address = b.String("address", false, 500).value_or("");
                      in.phone = b.String("phone", false, 20);
                      const std::string reason = b.String("reason", false, 2000).value_or("");
                      b.Finish();
                      if (auto proposed = ProposedInstead(r, "household_add", {{"household", Without(r.body, "reason")}}, reason)) {
                        return *proposed;
                      }
                      registry::HouseholdRegistry reg(r.connection(), *r.clock);
                      return HouseholdResponse(r, reg.AddHousehold(r.caller, in), 201);
                    },
                    "Add a household"});
  routes.push_back({"GET", "/api/v1/households/{id}", true,
                    [texts](ApiRequest& r) {
                      registry::HouseholdRegistry reg(r.connection(), *r.clock);
                      std::shared_ptr<const registry::HouseholdText> text =
                          reg.GetHouseholdText(r.caller, r.PathId("id"), *texts);
                      const int64_t version = text->version;
                      const std::string* json = &text->json;
                      // The kept text's bytes, shared with `texts` (aliasing: `text` keeps them alive).
                      return ApiResponse::VersionedText(std::shared_ptr<const std::string>(std::move(text), json),
                                                        version);
                    },
                    "A household with members, status history and yearly facts; ETag is its version"});
  routes.back().quick = true;  // reads by key; 2 statements when kept
  routes.push_back({"GET", "/api/v1/households/{id}/phone", true,
                    [](ApiRequest& r) {
                      registry::HouseholdRegistry reg(r.connection(), *r.clock);
                      const int64_t id = r.PathId("id");
                      const std::string phone = reg.RevealPhone(r.caller, id);
                      return ApiResponse::Ok(
                          {{"household_id", id}, {"phone", phone.empty() ? nlohmann::json(nullptr) : nlohmann::json(phone)}});
                    },
                    "The household's full phone number, for the roles that see full ID numbers; audited"});
  routes.push_back({"PATCH", "/api/v1/households/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      registry::HouseholdPatch patch;
                      patch.attribute = b.String("attribute", false, 40);
                      patch.main_cause = b.String("main_cause", false, 40);
                      patch.other_causes = b.Strings("other_causes");
                      patch.address = b.String("address", false, 500);
                      patch.phone = b.NullableString("phone", 20);
                      const std::string reason = b.String("reason", false, 2000).value_or("");
                      b.Finish();
                      const int64_t version = r.RequiredVersion();
                      if (auto proposed = ProposedInstead(r, "household_update",
                                                          {{"household_id", id}, {"set", Without(r.body, "reason")}},
                                                          reason, version)) {
                        return *proposed;
                      }
                      registry::HouseholdRegistry reg(r.connection(), *r.clock);
                      reg.UpdateHousehold(r.caller, id, version, patch);
                      return HouseholdResponse(r, id);
                    },
                    "Change a household; If-Match must carry the ETag read (409 if stale)"});
  routes.push_back({"POST", "/api/v1/households/{id}/events", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      registry::HouseholdRegistry::EventInput in;
                      in.household_id = id;
                      in.kind = b.String("kind", true, 20).value_or("");
                      in.date = b.String("date", true, 10).value_or("");
                      if (auto y = b.Int("year")) in.year = static_cast<int>(*y);
                      in.reason = b.String("reason", false, 2000).value_or("");
                      b.Finish();
                      if (auto proposed = ProposedInstead(r, "household_status", {{"household_id", id}, {"event", r.body}},
                                                          in.reason)) {
                        return *proposed;
                      }
                      registry::HouseholdRegistry reg(r.connection(), *r.clock);
                      reg.RecordEvent(r.caller, in);
                      return HouseholdResponse(r, id, 201);
                    },
                    "Record a status event"});
  routes.push_back({"PUT", "/api/v1/households/{id}/years/{year}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      const int year = PathYear(r);
                      BodyReader b(r.body);
                      auto facts = ReadHouseholdYear(b, year);
                      b.Finish();
                      registry::HouseholdRegistry reg(r.connection(), *r.clock);
                      reg.SetHouseholdYear(r.caller, id, facts);
                      return HouseholdResponse(r, id);
                    },
                    "Record a household's facts for a year (amounts in yuan)"});
  routes.push_back({"POST", "/api/v1/persons", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      registry::PersonInput in;
                      in.household_id = b.Int("household_id", true).value_or(0);
                      in.id_number = b.String("id_number", true, 18).value_or("");
                      in.name = b.String("name", true, 60).value_or("");
                      in.relation = b.String("relation", false, 40).value_or("other");
                      in.start_date = b.String("start_date", false, 10);
                      in.ethnicity = b.String("ethnicity", false, 40).value_or("汉族");
                      in.education = b.String("education", false, 40).value_or("unknown");
                      in.health = b.String("health", false, 40).value_or("healthy");
                      if (auto g = b.Int("disability_grade")) in.disability_grade = static_cast<int>(*g);
                      in.labour_ability = b.String("labour_ability", false, 40).value_or("unknown");
                      in.phone = b.String("phone", false, 20);
                      const std::string reason = b.String("reason", false, 2000).value_or("");
                      b.Finish();
                      if (auto proposed = ProposedInstead(r, "person_add", {{"person", Without(r.body, "reason")}}, reason)) {
                        return *proposed;
                      }
                      registry::PersonRegistry reg(r.connection(), *r.clock);
                      auto p = reg.AddPerson(r.caller, in);
                      return ApiResponse::Versioned(registry::PersonJson(p), p.version, 201);
                    },
                    "Add a person to a household (sex and birth date come from the ID number)"});
  routes.push_back({"GET", "/api/v1/persons/{id}", true,
                    [](ApiRequest& r) { return PersonResponse(r, r.PathId("id")); },
                    "A person with memberships and yearly facts; ID and phone numbers masked"});
  routes.back().quick = true;  // reads by key
  routes.push_back({"GET", "/api/v1/persons/{id}/id_number", true,
                    [](ApiRequest& r) {
                      registry::PersonRegistry reg(r.connection(), *r.clock);
                      const int64_t id = r.PathId("id");
                      return ApiResponse::Ok({{"person_id", id}, {"id_number", reg.RevealIdNumber(r.caller, id)}});
                    },
                    "The full ID number, for roles that register people; every display is audited"});
  routes.push_back({"GET", "/api/v1/persons/{id}/phone", true,
                    [](ApiRequest& r) {
                      registry::PersonRegistry reg(r.connection(), *r.clock);
                      const int64_t id = r.PathId("id");
                      const std::string phone = reg.RevealPhone(r.caller, id);
                      return ApiResponse::Ok(
                          {{"person_id", id}, {"phone", phone.empty() ? nlohmann::json(nullptr) : nlohmann::json(phone)}});
                    },
                    "The person's full phone number, for the roles that see full ID numbers; audited"});
  routes.push_back({"PATCH", "/api/v1/persons/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      registry::PersonPatch patch;
                      patch.name = b.String("name", false, 60);
                      patch.ethnicity = b.String("ethnicity", false, 40);
                      patch.education = b.String("education", false, 40);
                      patch.health = b.String("health", false, 40);
                      if (auto g = b.NullableInt("disability_grade")) {
                        patch.disability_grade = *g ? std::optional<int>(static_cast<int>(**g)) : std::nullopt;
                      }
                      patch.labour_ability = b.String("labour_ability", false, 40);
                      patch.phone = b.NullableString("phone", 20);
                      patch.death_date = b.NullableString("death_date", 10);
                      const std::string reason = b.String("reason", false, 2000).value_or("");
                      b.Finish();
                      const int64_t version = r.RequiredVersion();
                      if (auto proposed = ProposedInstead(r, "person_update",
                                                          {{"person_id", id}, {"set", Without(r.body, "reason")}}, reason,
                                                          version)) {
                        return *proposed;
                      }
                      registry::PersonRegistry reg(r.connection(), *r.clock);
                      reg.UpdatePerson(r.caller, id, version, patch);
                      return PersonResponse(r, id);
                    },
                    "Change a person; If-Match must carry the ETag read (409 if stale)"});
  routes.push_back({"POST", "/api/v1/persons/{id}/move", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const int64_t to = b.Int("to_household_id", true).value_or(0);
                      const std::string relation = b.String("relation", false, 40).value_or("other");
                      const std::string date = b.String("date", true, 10).value_or("");
                      const std::string reason = b.String("reason", false, 500).value_or("");
                      b.Finish();
                      if (auto proposed = ProposedInstead(
                              r, "person_move", {{"person_id", id}, {"to_household_id", to}, {"relation", relation}, {"date", date}},
                              reason)) {
                        return *proposed;
                      }
                      registry::PersonRegistry reg(r.connection(), *r.clock);
                      reg.MovePerson(r.caller, id, to, relation, date, reason);
                      return PersonResponse(r, id);
                    },
                    "Move a person to another household, keeping the history"});
  routes.push_back({"PUT", "/api/v1/persons/{id}/years/{year}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      registry::PersonYear y;
                      y.year = PathYear(r);
                      BodyReader b(r.body);
                      y.school_status = b.String("school_status", false, 40);
                      y.school_stage = b.String("school_stage", false, 40);
                      y.medical_insured = b.Bool("medical_insured");
                      y.pension_insured = b.Bool("pension_insured");
                      y.employment = b.String("employment", false, 40);
                      y.major_disease = b.String("major_disease", false, 60);
                      y.chronic_contract = b.Bool("chronic_contract");
                      b.Finish();
                      registry::PersonRegistry reg(r.connection(), *r.clock);
                      reg.SetPersonYear(r.caller, id, y);
                      return PersonResponse(r, id);
                    },
                    "Record a person's facts for a year"});
}

}  // namespace fupin::server
