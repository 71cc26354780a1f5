#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "assessment/terms.h"
#include "assistance/assistance.h"
#include "core/caller.h"
#include "core/vocabulary.h"
#include "industry/industry.h"
#include "grievance/grievances.h"
#include "monitoring/terms.h"
#include "access/permissions.h"
#include "policy/policy.h"
#include "projects/projects.h"
#include "housing/housing.h"
#include "registry/areas.h"
#include "registry/registry_json.h"
#include "registry/vocab.h"
#include "server/http_server.h"
#include "social/terms.h"
#include "policy/terms.h"
#include "server/jobs.h"

namespace fupin::server {
namespace {

nlohmann::json TermsJson(std::span<const Term> terms) {
  nlohmann::json out = nlohmann::json::array();
  for (const Term& t : terms) out.push_back({{"value", t.wire}, {"label_zh", t.zh}});
  return out;
}

nlohmann::json TermsJson(std::span<const registry::CodeTerm> terms) {
  nlohmann::json out = nlohmann::json::array();
  for (const registry::CodeTerm& t : terms) out.push_back({{"value", t.name}, {"label_zh", t.label_zh}});
  return out;
}

// The keys of records (and of the audit trail's before/after) whose values
// are of a set, besides the set's own name: "key" on any record, or
// "entity/key" where the key means this set on records of that entity kind
// only (`status` of a need is a need status). The one field-to-set table; the
// web reads it from the answer (docs/API.md "Vocabularies").
std::vector<std::string> FieldsOf(std::string_view name) {
  static const std::map<std::string_view, std::vector<std::string>> kFields = {
      {"household_status", {"status", "household/status"}},
      {"event_kind", {"household/kind"}},
      {"household_attribute", {"attribute"}},
      {"cause", {"main_cause", "other_causes"}},
      {"education_level", {"education"}},
      {"health_state", {"health"}},
      {"employment_state", {"employment"}},
      {"need_category", {"category", "need/category"}},
      {"need_status", {"need/status"}},
      {"pledge_status", {"pledge/status"}},
      {"docking_status", {"docking/status"}},
      {"feedback_kind", {"feedback/kind"}},
      {"donor_kind", {"donor/kind"}},
      {"case_step", {"step", "stage", "case/step", "monitoring_case/step"}},
      {"case_status", {"case/status", "monitoring_case/status"}},
      {"monitoring_category", {"case/category", "monitoring_case/category"}},
      {"case_source", {"case/source", "monitoring_case/source"}},
      {"user_department", {"department"}},
  };
  std::vector<std::string> fields = {std::string(name)};
  if (auto it = kFields.find(name); it != kFields.end()) fields.insert(fields.end(), it->second.begin(), it->second.end());
  return fields;
}

// Every closed set the services keep one table of: its name and its values
// with their Chinese labels (docs/API.md "Vocabularies").
nlohmann::json VocabulariesJson() {
  nlohmann::json items = nlohmann::json::array();
  items.push_back({{"name", "role"}, {"terms", TermsJson(RoleTerms())}});
  items.push_back({{"name", "resource"}, {"terms", TermsJson(access::ResourceTerms())}});
  for (const auto& v : registry::Vocabularies()) items.push_back({{"name", v.name}, {"terms", TermsJson(v.terms)}});
  for (const auto& list : {social::Vocabularies(), monitoring::Vocabularies(), industry::Vocabularies(),
                           grievance::Vocabularies(), grievance::GrievanceVocabularies()}) {
    for (const Vocabulary& v : list) items.push_back({{"name", v.name}, {"terms", TermsJson(v.terms)}});
  }
  for (const auto& v : housing::Vocabularies()) items.push_back({{"name", v.name}, {"terms", TermsJson(v.terms)}});
  // Issue 19 item 4: projects and funds, assessment, assistance.
  for (const auto& list : {projects::Vocabularies(), assessment::Vocabularies(), assistance::Vocabularies()}) {
    for (const Vocabulary& v : list) items.push_back({{"name", v.name}, {"terms", TermsJson(v.terms)}});
  }
  // The department of a sector_department user (the users page): finance writes funds, the others hand in rosters.
  nlohmann::json departments = nlohmann::json::array();
  departments.push_back({{"value", std::string(access::kFinanceDepartment)}, {"label_zh", "财政局"}});
  for (const auto& d : policy::Departments()) departments.push_back({{"value", d.code}, {"label_zh", d.label_zh}});
  items.push_back({{"name", "user_department"}, {"terms", departments}});
  for (const Vocabulary& v : policy::Vocabularies()) items.push_back({{"name", v.name}, {"terms", TermsJson(v.terms)}});
  items.push_back({{"name", "job_state"}, {"terms", TermsJson(JobStateTerms())}});
  for (auto& item : items) item["fields"] = FieldsOf(item["name"].get<std::string>());
  return {{"items", items}};
}

}  // namespace

void AddSystemRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/health", false,
                    [](ApiRequest& r) {
                      // A cheap query proves the database answers.
                      r.connection().QueryInt("SELECT 1");
                      return ApiResponse::Ok({{"status", "ok"}});
                    },
                    "Liveness and database check"});
  routes.back().quick = true;  // one SELECT 1
  routes.push_back({"GET", "/api/v1/openapi.json", false,
                    [](ApiRequest&) { return ApiResponse::Ok(nlohmann::json::parse(OpenApiDocument())); },
                    "This API's OpenAPI 3 document"});
  routes.push_back({"GET", "/api/v1/vocabularies", false, [](ApiRequest&) { return ApiResponse::Ok(VocabulariesJson()); },
                    "Every closed set (roles, statuses, event kinds, steps, kinds) with its values and Chinese labels"});
  routes.push_back({"GET", "/api/v1/areas", true,
                    [](ApiRequest& r) {
                      const auto q = r.Query("q");
                      if (!q) throw Error::InvalidArgument("missing query", {{"q", "give part of an area's name"}});
                      const int limit = static_cast<int>(r.QueryInt("limit").value_or(20));
                      return ApiResponse::Ok(registry::AreaMatchesJson(
                          registry::FindAreas(r.connection(), r.caller, *q, r.Query("within").value_or(""), limit)));
                    },
                    "Areas by name (q: part of the name) within an area (default the caller's), with their path"});
  routes.push_back({"GET", "/api/v1/areas/{code}", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(
                          registry::AreaViewJson(registry::ShowArea(r.connection(), r.caller, r.path.at("code"))));
                    },
                    "An area with its parents, children and descendant counts"});
}

}  // namespace fupin::server
