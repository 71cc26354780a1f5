#include "server/api.h"

#include <gtest/gtest.h>

#include <set>

#include "access/password.h"
#include "server/http_server.h"
#include "server/messages_zh.h"
#include "server/request_head.h"

namespace fupin::server {
namespace {

// The session cookie among others, and what is not one (docs/ACCESS.md).
TEST(RequestHeadTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(SessionCookie("fupin_session=abc"), "abc");
  EXPECT_EQ(SessionCookie("theme=dark; fupin_session=abc; lang=zh"), "abc");
  EXPECT_EQ(SessionCookie("theme=dark;fupin_session=abc"), "abc");
  EXPECT_EQ(SessionCookie("my_fupin_session=abc"), std::nullopt);
  EXPECT_EQ(SessionCookie("fupin_session="), std::nullopt);
  EXPECT_EQ(SessionCookie("fupin_session"), std::nullopt);
  EXPECT_EQ(SessionCookie(""), std::nullopt);
}

TEST(RequestHeadTest, SessionCookieValueIsHttpOnlyStrictAndSecureOverTls) {
  EXPECT_EQ(SessionCookieValue("t0k", false), "fupin_session=t0k; Path=/api/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SessionCookieValue("t0k", true), "fupin_session=t0k; Path=/api/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(SessionCookieValue("", false), "fupin_session=; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=0");
}

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
  AddProjectRoutes(routes);
  AddIndustryRoutes(routes);
  AddHousingRoutes(routes);
  AddReportRoutes(routes);
  AddQualityRoutes(routes);
  AddPolicyRoutes(routes);
  AddImportRoutes(routes);
  AddJobRoutes(routes);
  AddChangeRoutes(routes);
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

namespace fupin::server {
namespace {

// Every refusal carries a Chinese message: the common ones read with their
// names and numbers, any other the sentence of its code.
TEST(MessageZhTest, RefusalsReadInChinese) {
  EXPECT_EQ(MessageZh("permission_denied", "paired_cadre may not read assessment beyond the households paired with them"),
            "结对帮扶干部只能查看本人结对户的退出评估，不能查看整个区划");
  EXPECT_EQ(MessageZh("permission_denied", "donor may not read registry"), "爱心人士无权查看建档立卡信息");
  EXPECT_EQ(MessageZh("permission_denied", "household 2 is not paired with 王五"), "户 2 不是 王五 的结对帮扶户");
  EXPECT_EQ(MessageZh("permission_denied", "area 430424101 lies outside area 430424100 of 张三"),
            "区划 430424101 不在 张三 的管辖范围（430424100）内");
  EXPECT_EQ(MessageZh("permission_denied", "the step home_check (入户核实) is done by village_cadre or paired_cadre, not by township"),
            "“入户核实”环节由村干部/驻村工作队或结对帮扶干部办理，乡镇不能办理");
  EXPECT_EQ(MessageZh("not_found", "no area 430499"), "没有区划 430499");
  EXPECT_EQ(MessageZh("failed_precondition",
                      "spending 1000.01 yuan exceeds what project 1 has left of allocation 1: 1000.00 yuan of 6000.00 yuan"),
            "支出 1000.01 元超出项目 1 在资金下达 1 中的余额：剩余 1000.00 元（已安排 6000.00 元）");
  EXPECT_EQ(MessageZh("failed_precondition",
                      "assigning 5000.00 yuan exceeds what is left of allocation 1: 4000.00 yuan of 10000.00 yuan"),
            "安排 5000.00 元超出资金下达 1 的余额：剩余 4000.00 元（下达 10000.00 元）");
  EXPECT_EQ(MessageZh("failed_precondition", "project 3 is proposed; the step completed is not allowed (allowed: reviewed, withdrawn)"),
            "项目 3 当前为“申报”，不能办理“完工”；可办理：审核、撤销");
  EXPECT_EQ(MessageZh("failed_precondition", "project 3 is completed; the step withdrawn is not allowed (allowed: none)"),
            "项目 3 当前为“完工”，不能办理“撤销”；可办理：无");
  EXPECT_EQ(MessageZh("failed_precondition", "need 7 closed for pledges on its deadline 2020-01-31"),
            "需求 7 已于 2020-01-31 截止，不再接受认捐");
  EXPECT_EQ(MessageZh("failed_precondition", "repaying 20000.01 yuan exceeds what loan 4 still owes: 20000.00 yuan of 50000.00 yuan"),
            "还款 20000.01 元超出贷款 4 的未还金额：未还 20000.00 元（贷款 50000.00 元）");
  EXPECT_EQ(MessageZh("failed_precondition", "loan 4 is referred to by 2 repayments and cannot be deleted"),
            "贷款 4 已有还款记录 2 笔，不能删除");
  EXPECT_EQ(MessageZh("failed_precondition", "entity 3 is referred to by 5 links, 1 branches and cannot be deleted"),
            "经营主体 3 已有利益联结 5 条、产业链党支部 1 个，不能删除");
  EXPECT_EQ(MessageZh("failed_precondition", "loan 4 of 100.00 yuan is less than the 200.00 yuan repaid"),
            "贷款 4 的金额 100.00 元少于已还的 200.00 元");
  EXPECT_EQ(MessageZh("permission_denied", "township may not change industry"), "乡镇无权修改产业就业消费扶贫");
  EXPECT_EQ(MessageZh("conflict", "something nobody translated"), "记录已被他人修改，请重新载入后再改");
  EXPECT_EQ(MessageZh("teapot", "?"), "请求未能完成");
  const auto j = ErrorJson("not_found", "no household 12", {});
  EXPECT_EQ(j["error"]["message"], "no household 12");
  EXPECT_EQ(j["error"]["message_zh"], "没有户 12");
}

}  // namespace
}  // namespace fupin::server
