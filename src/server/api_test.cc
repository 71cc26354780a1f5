#include "server/api.h"

#include <gtest/gtest.h>

#include <set>

#include "access/password.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

TEST(BodyReaderTest, CollectsEveryProblemWithItsPath) {
  auto body = nlohmann::json::parse(R"({"number": 5, "village_code": "4304", "extra": 1, "other_causes": ["a", 2]})");
  BodyReader b(body);
  b.String("number", true);
  b.String("village_code", true);
  b.String("address", true);
  b.Strings("other_causes");
  try {
    b.Finish();
    FAIL();
  } catch (const Error& e) {
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_EQ(paths, (std::set<std::string>{"/number", "/address", "/other_causes/1", "/extra"}));
  }
}

TEST(BodyReaderTest, ReadsYuanExactly) {
  auto body = nlohmann::json::parse(R"({"a": 12.5, "b": "3000.25", "c": 7, "d": 0.125, "e": true})");
  BodyReader b(body);
  EXPECT_EQ(b.Yuan("a"), 1250);
  EXPECT_EQ(b.Yuan("b"), 300025);
  EXPECT_EQ(b.Yuan("c"), 700);
  EXPECT_FALSE(b.Yuan("d"));
  EXPECT_FALSE(b.Yuan("e"));
  EXPECT_THROW(b.Finish(), Error);
}

TEST(BodyReaderTest, RefusesANonObject) {
  auto body = nlohmann::json::parse("[1, 2]");
  EXPECT_THROW(BodyReader b(body), Error);
}

TEST(ApiTest, ErrorCodesMapToStatuses) {
  EXPECT_EQ(HttpStatus(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatus(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatus(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatus(ErrorCode::kInternal), 500);
}

// The OpenAPI document lists exactly the routes the server has.
TEST(ApiTest, OpenApiDocumentMatchesTheRoutes) {
  std::vector<Route> routes;
  access::PasswordHasher hasher;
  AddSystemRoutes(routes);
  AddAccessRoutes(routes, hasher, {});
  AddRegistryRoutes(routes);
  AddAssessmentRoutes(routes);
  AddAssistanceRoutes(routes);
  AddSocialRoutes(routes, hasher);
  AddMonitoringRoutes(routes);
  AddReportRoutes(routes);
  AddQualityRoutes(routes);
  AddPolicyRoutes(routes);
  AddImportRoutes(routes);
  std::set<std::string> served;
  for (const auto& r : routes) {
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    served.insert(m + " " + r.pattern);
  }
  const auto doc = nlohmann::json::parse(OpenApiDocument());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      documented.insert(method + " " + path);
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  }
  EXPECT_EQ(served, documented);
}

}  // namespace
}  // namespace fupin::server
