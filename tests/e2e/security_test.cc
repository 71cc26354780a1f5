// Bad input, login throttling, parameters and common passwords against the
// real server (issue 26). Every body route and every query parameter listed
// in the OpenAPI document gets malformed requests and must answer a 4xx in
// the documented error shape, never a 500, with a line in the request log.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/login.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

struct User {
  std::string name, role, area;
};

const std::vector<User> kUsers = {
    {"admin", "administrator", ""},
    {"town-admin", "administrator", "430424104"},
    {"hengdong", "county_office", "430424"},
    {"nation-office", "county_office", ""},
};

std::string PasswordOf(const std::string& user) { return user + "-Passw0rd"; }

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("fupin.db");
    WriteAreaFixture(dir_->path(), 5, 2);
    ASSERT_EQ(RunFupin(db_, {"areas", "import", dir_->path()}).exit_code, 0);
    for (const auto& u : kUsers) {
      auto r = AddUser(db_, u.name, u.role, u.area, PasswordOf(u.name));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    server_ = new ServerProcess(db_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  ApiClient As(const std::string& user) { return LoggedIn(server_->port(), user, PasswordOf(user)); }

  static bool HasErrorShape(const HttpResult& r) {
    return r.body.is_object() && r.body.contains("error") && r.body["error"]["code"].is_string() &&
           r.body["error"]["message"].is_string() && r.body["error"]["details"].is_array();
  }

  static TempDir* dir_;
  static std::string db_;
  static ServerProcess* server_;
};

TempDir* SecurityTest::dir_ = nullptr;
std::string SecurityTest::db_;
ServerProcess* SecurityTest::server_ = nullptr;

// A concrete path for an OpenAPI pattern: {id} and the like become values
// that parse, so that the request reaches the body and query readers.
std::string Concrete(std::string pattern) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"{id}", "1"},        {"{measure_id}", "1"}, {"{year}", "2020"},   {"{code}", "430424100200"},
      {"{name}", "af_k"},   {"{kind}", "persons"},
  };
  for (const auto& [name, value] : values) {
    for (size_t at = pattern.find(name); at != std::string::npos; at = pattern.find(name)) {
      pattern.replace(at, name.size(), value);
    }
  }
  return pattern;
}

// The type a schema declares ("string"; the first of ["string", "null"]).
std::string TypeOf(const json& schema) {
  const json type = schema.value("type", json(""));
  if (type.is_array()) return type.empty() ? "" : type[0].get<std::string>();
  return type.is_string() ? type.get<std::string>() : "";
}

// A value of the wrong type for a property of the given schema type.
json WrongType(const json& schema) {
  const std::string type = TypeOf(schema);
  if (type == "string") return 12345;
  if (type == "integer" || type == "number") return "not a number";
  if (type == "boolean") return "yes";
  if (type == "array") return json::object();
  return json::array({1, 2});
}

TEST_F(SecurityTest, EveryBodyRouteAndQueryParameterAnswersBadInputWithA4xx) {
  auto admin = As("admin");
  const auto doc = admin.Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const std::string oversized = "{\"x\":\"" + std::string(2 * 1024 * 1024, 'a') + "\"}";
  const std::vector<std::pair<std::string, std::string>> bad_bodies = {
      {"malformed", "{"},
      {"not an object", "[1,2]"},
      {"1e999", "{\"x\":1e999}"},
      {"-1e999", "{\"x\":-1e999}"},
      {"huge integer", "{\"x\":123456789012345678901234567890}"},
      {"invalid UTF-8", "{\"x\":\"\xff\xfe\"}"},
      {"raw NUL", std::string("{\"x\":\"a\0b\"}", 10)},
      {"10,000-deep nesting", deep},
      {"oversized", oversized},
  };
  int requests = 0;
  auto check = [&](const std::string& what, const HttpResult& r) {
    ++requests;
    EXPECT_GE(r.status, 400) << what << ": " << r.text.substr(0, 300);
    EXPECT_LT(r.status, 500) << what << ": " << r.text.substr(0, 300);
    EXPECT_TRUE(HasErrorShape(r)) << what << ": " << r.text.substr(0, 300);
  };
  int body_routes = 0, query_parameters = 0;
  for (const auto& [pattern, methods] : doc.body["paths"].items()) {
    const std::string path = Concrete(pattern);
    for (const auto& [method, op] : methods.items()) {
      std::string m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (pattern == "/api/v1/sessions/current") continue;  // would end the session the test uses
      const json body = op.value("requestBody", json::object()).value("content", json::object());
      const bool json_body = body.contains("application/json");
      if (json_body) {
        ++body_routes;
        for (const auto& [what, text] : bad_bodies) {
          check(m + " " + pattern + " with " + what, admin.Raw(m, path, text));
        }
        // Each declared field with a value of the wrong type, with 1e999, and
        // a string with a NUL character.
        json schema = body["application/json"].value("schema", json::object());
        if (schema.contains("$ref")) {  // "#/components/schemas/Login"
          const std::string ref = schema["$ref"];
          schema = doc.body["components"]["schemas"][ref.substr(ref.rfind('/') + 1)];
        }
        const json properties = schema.value("properties", json::object());
        for (const auto& [field, spec] : properties.items()) {
          check(m + " " + pattern + " " + field + " wrong type", admin.Raw(m, path, json{{field, WrongType(spec)}}.dump()));
          check(m + " " + pattern + " " + field + " 1e999", admin.Raw(m, path, "{\"" + field + "\":1e999}"));
          if (TypeOf(spec) == "string") {
            check(m + " " + pattern + " " + field + " NUL",
                  admin.Raw(m, path, json{{field, std::string("a\0b", 3)}}.dump()));
          }
        }
      }
      std::set<std::string> names, required;
      for (const auto& p : op.value("parameters", json::array())) {
        if (p.value("in", "") != "query") continue;
        names.insert(p["name"].get<std::string>());
        if (p.value("required", false)) required.insert(p["name"].get<std::string>());
      }
      for (const std::string& name : names) {
        ++query_parameters;
        // Valid values for the parameters a route needs, so that the bad one is what it refuses.
        std::string prefix = path, sep = "?";
        const std::map<std::string, std::string> valid = {{"area", "430424"}, {"year", "2020"}, {"from", "2014"},
                                                          {"to", "2020"}};
        for (const std::string& other : names) {
          if (other == name || (!valid.contains(other) && !required.contains(other))) continue;
          // A required parameter without a known value gets a plain one ("q=1": a search that finds nothing).
          prefix += sep + other + "=" + (valid.contains(other) ? valid.at(other) : "1");
          sep = "&";
        }
        for (const char* value : {"%ff", "%00", "a%c3%28b"}) {
          const auto r = admin.Raw(m, prefix + sep + name + "=" + value, m == "GET" ? "" : "{}");
          check(m + " " + pattern + " ?" + name + "=" + value, r);
          EXPECT_EQ(r.status, 400) << m << " " << pattern << " ?" << name << "=" << value;
          ASSERT_TRUE(HasErrorShape(r));
          bool named = false;
          for (const auto& d : r.body["error"]["details"]) named = named || d["path"] == "?" + name;
          EXPECT_TRUE(named) << m << " " << pattern << " ?" << name << ": " << r.text;
        }
        // Huge and non-finite numbers, wrong types: never a 500 (some are fine values).
        for (const char* value : {"1e999", "-1e999", "99999999999999999999999", "abc", "-1"}) {
          const auto r = admin.Raw(m, prefix + sep + name + "=" + value, m == "GET" ? "" : "{}");
          ++requests;
          EXPECT_LT(r.status, 500) << m << " " << pattern << " ?" << name << "=" << value << ": " << r.text;
        }
      }
      // Invalid UTF-8 and NUL in a path parameter.
      if (pattern.find('{') != std::string::npos) {
        for (const std::string& bad : {std::string("%ff"), std::string("%00")}) {
          std::string p = pattern;
          p.replace(p.find('{'), p.find('}') - p.find('{') + 1, bad);
          const auto r = admin.Raw(m, Concrete(p), m == "GET" || m == "DELETE" ? "" : "{}");
          check(m + " " + pattern + " path " + bad, r);
        }
      }
    }
  }
  EXPECT_GT(body_routes, 40);
  EXPECT_GT(query_parameters, 100);
  // The server is still there, and every one of those requests has its log
  // line; none of them a 500. The log is written by a thread of its own
  // (server/request_log.h), whole once the server has stopped.
  EXPECT_EQ(admin.Get("/api/v1/health").status, 200);
  EXPECT_EQ(server_->Stop(), 0);
  const std::string log = server_->Log();
  EXPECT_EQ(log.find("\"status\":500"), std::string::npos);
  int lines = 0;
  for (char c : log) lines += c == '\n';
  EXPECT_GE(lines, requests);
  // A fresh server on the same database for the tests after this one.
  delete server_;
  server_ = new ServerProcess(db_);
}

// A township administrator cannot change nation- or province-wide
// parameters; a county office can where its scope covers them (issue 26).
TEST_F(SecurityTest, ParametersAreChangedOnlyInsideTheCallersScope) {
  const json body = {{"value", "99"}, {"source", "测试"}};
  auto town = As("town-admin");
  EXPECT_EQ(town.Put("/api/v1/params/pairing_household_limit", body).status, 403);
  EXPECT_EQ(town.Put("/api/v1/params/exit_threshold", {{"key", "43"}, {"value", "2"}, {"source", "测试"}}).status, 403);
  EXPECT_EQ(town.Put("/api/v1/params/poverty_line", {{"key", "2020"}, {"value", "9999"}, {"source", "测试"}}).status,
            403);
  EXPECT_EQ(As("hengdong").Put("/api/v1/params/pairing_household_limit", body).status, 403);
  auto nation = As("nation-office");
  auto set = nation.Put("/api/v1/params/pairing_household_limit", {{"value", "12"}, {"source", "测试"}});
  EXPECT_EQ(set.status, 200) << set.text;
  auto now = town.Get("/api/v1/params?name=pairing_household_limit");
  ASSERT_EQ(now.status, 200) << now.text;
  EXPECT_EQ(now.body["items"][0]["value"], "12");
}

// The web UI's session (issue 26 item 7): the login sets an HttpOnly,
// SameSite=Strict cookie; with the cookie alone a GET works, a POST needs the
// session's CSRF token in X-CSRF-Token (403 without it or with another
// session's); Bearer clients need no CSRF token; logout clears the cookie and
// ends the session.
TEST_F(SecurityTest, TheSessionCookieNeedsTheCsrfTokenForChanges) {
  ApiClient anonymous(server_->port());
  auto login = anonymous.Post("/api/v1/sessions", {{"name", "admin"}, {"password", PasswordOf("admin")}});
  ASSERT_EQ(login.status, 201) << login.text;
  ASSERT_TRUE(login.headers.contains("Set-Cookie"));
  const std::string set_cookie = login.headers["Set-Cookie"];
  const std::string token = login.body["token"].get<std::string>();
  EXPECT_EQ(set_cookie.rfind("fupin_session=" + token + ";", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP: " << set_cookie;
  const std::string csrf = login.body["csrf_token"].get<std::string>();
  ASSERT_FALSE(csrf.empty());
  const std::map<std::string, std::string> cookie = {{"Cookie", "theme=dark; fupin_session=" + token}};

  auto me = anonymous.Raw("GET", "/api/v1/me", "", cookie);
  ASSERT_EQ(me.status, 200) << me.text;
  EXPECT_EQ(me.body["name"], "admin");
  EXPECT_EQ(me.body["csrf_token"], csrf);

  const json user = {{"name", "cookie-user"}, {"role", "township"}, {"area_code", "430424100"},
                     {"password", "cookie-user-Passw0rd"}};
  auto without = anonymous.Raw("POST", "/api/v1/users", user.dump(), cookie);
  EXPECT_EQ(without.status, 403) << without.text;
  ASSERT_TRUE(HasErrorShape(without));
  EXPECT_EQ(without.body["error"]["details"][0]["path"], "X-CSRF-Token");
  EXPECT_EQ(without.body["error"]["details"][0]["problem"], "missing");
  EXPECT_NE(without.body["error"]["message_zh"].get<std::string>().find("校验码"), std::string::npos);

  // Another session's CSRF token does not do.
  auto other = As("admin");
  auto other_me = other.Get("/api/v1/me");
  ASSERT_EQ(other_me.status, 200);
  auto with_other = cookie;
  with_other["X-CSRF-Token"] = other_me.body["csrf_token"].get<std::string>();
  EXPECT_NE(with_other["X-CSRF-Token"], csrf);
  EXPECT_EQ(anonymous.Raw("POST", "/api/v1/users", user.dump(), with_other).status, 403);
  EXPECT_EQ(anonymous.Raw("GET", "/api/v1/users?limit=500", "", cookie).body["items"].dump().find("cookie-user"),
            std::string::npos)
      << "a refused request changed nothing";

  auto with = cookie;
  with["X-CSRF-Token"] = csrf;
  auto created = anonymous.Raw("POST", "/api/v1/users", user.dump(), with);
  EXPECT_EQ(created.status, 201) << created.text;

  // Bearer: no CSRF token, as before.
  auto bearer = other.Post("/api/v1/users", {{"name", "bearer-user"}, {"role", "township"}, {"area_code", "430424100"},
                                             {"password", "bearer-user-Passw0rd"}});
  EXPECT_EQ(bearer.status, 201) << bearer.text;

  // Logging out needs the CSRF token too, then clears the cookie and ends the session.
  EXPECT_EQ(anonymous.Raw("DELETE", "/api/v1/sessions/current", "", cookie).status, 403);
  auto out = anonymous.Raw("DELETE", "/api/v1/sessions/current", "", with);
  EXPECT_EQ(out.status, 204) << out.text;
  ASSERT_TRUE(out.headers.contains("Set-Cookie"));
  EXPECT_EQ(out.headers["Set-Cookie"].rfind("fupin_session=;", 0), 0u) << out.headers["Set-Cookie"];
  EXPECT_NE(out.headers["Set-Cookie"].find("Max-Age=0"), std::string::npos) << out.headers["Set-Cookie"];
  EXPECT_EQ(anonymous.Raw("GET", "/api/v1/me", "", cookie).status, 401);
  // A stale cookie does not stand in the way of logging in again.
  auto again = anonymous.Raw("POST", "/api/v1/sessions", json({{"name", "admin"}, {"password", PasswordOf("admin")}}).dump(),
                             cookie);
  EXPECT_EQ(again.status, 201) << again.text;
}

// Common passwords are refused with a Chinese message naming the field.
TEST_F(SecurityTest, CommonPasswordsAreRefused) {
  auto admin = As("admin");
  for (const char* common : {"password", "12345678", "qwertyui", "Password1"}) {
    auto r = admin.Post("/api/v1/users", {{"name", "weak-user"}, {"role", "township"}, {"area_code", "430424100"},
                                          {"password", common}});
    EXPECT_EQ(r.status, 400) << common << ": " << r.text;
    ASSERT_TRUE(HasErrorShape(r));
    ASSERT_FALSE(r.body["error"]["details"].empty());
    EXPECT_EQ(r.body["error"]["details"][0]["path"], "password");
    EXPECT_NE(r.body["error"]["details"][0]["problem"].get<std::string>().find("常见密码"), std::string::npos);
  }
}

// Failed logins from one address are throttled: 429 with Retry-After. Its
// own server, since the throttle then holds for this address a minute.
TEST_F(SecurityTest, FailedLoginsFromOneAddressAreThrottled) {
  ServerProcess server(db_);
  ApiClient c(server.port());
  int throttled = 0;
  for (int i = 0; i < 25; ++i) {
    auto r = c.Login("nobody-" + std::to_string(i), "wrong password");
    if (r.status == 429) {
      ++throttled;
      EXPECT_TRUE(r.headers.contains("Retry-After")) << r.text;
      EXPECT_GT(std::stoi(r.headers["Retry-After"]), 0);
      EXPECT_TRUE(HasErrorShape(r));
    } else {
      EXPECT_EQ(r.status, 401) << r.text;
    }
  }
  EXPECT_EQ(throttled, 5);  // after 20 failures in the minute
}

}  // namespace
}  // namespace fupin::testing
