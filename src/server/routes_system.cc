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
  routes.push_back({"GET", "/api/v1/areas/{code}", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(
                          registry::AreaViewJson(registry::ShowArea(r.connection(), r.caller, r.path.at("code"))));
                    },
                    "An area with its parents, children and descendant counts"});
}

}  // namespace fupin::server
