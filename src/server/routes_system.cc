#include "server/http_server.h"
#include "registry/areas.h"
#include "registry/registry_json.h"

namespace fupin::server {

void AddSystemRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/health", false,
                    [](ApiRequest& r) {
                      // A cheap query proves the database answers.
                      r.connection().QueryInt("SELECT 1");
                      return ApiResponse::Ok({{"status", "ok"}});
                    },
                    "Liveness and database check"});
  routes.push_back({"GET", "/api/v1/openapi.json", false,
                    [](ApiRequest&) { return ApiResponse::Ok(nlohmann::json::parse(OpenApiDocument())); },
                    "This API's OpenAPI 3 document"});
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
