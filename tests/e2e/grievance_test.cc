// End-to-end test of issue 23 through `fupin serve` and the CLI: a village
// cadre proposes a registry change, the township approves it with the ETag it
// read (the registry changes only then), a stale step is 409; the command
// line lists the requests; the public application form (no login) asks its
// question, names every problem of bad input and stores nothing, takes a
// good application, answers the lookup only with the right phone, and stops
// a client that submits too often (429).
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <set>
#include <tuple>

#include "support/process.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

constexpr const char* kVillage = "430424100200";

class GrievanceE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("fupin.db");
    WriteAreaFixture(dir_.path(), 2, 2);
    ASSERT_EQ(RunFupin(db_, {"areas", "import", dir_.path()}).exit_code, 0);
    for (const auto& [name, role, area] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"town", "township", "430424100"}, {"cadre", "village_cadre", kVillage}}) {
      auto r = RunFupin(db_, {"user", "add", name, "--role", role, "--area", area}, name + "-Passw0rd\n");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto h = RunFupin(db_, {"--json", "household", "add", "--number", "H-1", "--village", kVillage, "--identified-year",
                            "2014", "--address", "老屋 1 号"});
    ASSERT_EQ(h.exit_code, 0) << h.err;
    household_ = json::parse(h.out)["id"].get<int64_t>();
    server_ = std::make_unique<ServerProcess>(db_);
  }

  ApiClient As(const std::string& user) {
    ApiClient c(server_->port());
    EXPECT_EQ(c.Login(user, user + "-Passw0rd").status, 201);
    return c;
  }

  TempDir dir_;
  std::string db_;
  int64_t household_ = 0;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(GrievanceE2eTest, AChangeLandsOnlyWhenTheTownshipApprovesIt) {
  ApiClient cadre = As("cadre");
  ApiClient town = As("town");
  auto proposed = cadre.Post("/api/v1/change-requests",
                             {{"kind", "household_update"},
                              {"change", {{"household_id", household_}, {"set", {{"address", "新村 2 号"}}}}},
                              {"reason", "门牌调整"},
                              {"evidence", {"村委会证明"}}});
  ASSERT_EQ(proposed.status, 201) << proposed.text;
  const int64_t id = proposed.body["id"].get<int64_t>();
  EXPECT_EQ(proposed.headers["ETag"], "\"v1\"");
  const std::string path = "/api/v1/households/" + std::to_string(household_);
  EXPECT_EQ(town.Get(path).body["address"], "老屋 1 号");
  // Bad input: every problem named by its path.
  auto bad = cadre.Post("/api/v1/change-requests", {{"kind", "household_update"},
                                                     {"change", {{"household_id", household_}, {"set", {{"attribute", "rich"}}}}},
                                                     {"reason", ""}});
  ASSERT_EQ(bad.status, 400) << bad.text;
  std::set<std::string> paths;
  for (const auto& d : bad.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"reason", "/change/set/attribute"})) << bad.text;
  // The proposer may not approve; the township may, with the version it read.
  const std::string approve = "/api/v1/change-requests/" + std::to_string(id) + "/approve";
  EXPECT_EQ(cadre.Raw("POST", approve, "{}", {{"If-Match", "\"v1\""}, {"Content-Type", "application/json"}}).status, 403);
  EXPECT_EQ(town.Raw("POST", approve, "{}", {{"Content-Type", "application/json"}}).status, 422);  // no If-Match
  EXPECT_EQ(town.Raw("POST", approve, "{}", {{"If-Match", "\"v2\""}, {"Content-Type", "application/json"}}).status,
            409);  // a version nobody read
  auto done = town.Raw("POST", approve, R"({"note": "同意"})", {{"If-Match", "\"v1\""}, {"Content-Type", "application/json"}});
  ASSERT_EQ(done.status, 200) << done.text;
  EXPECT_EQ(done.body["status"], "approved");
  EXPECT_EQ(town.Get(path).body["address"], "新村 2 号");
  EXPECT_EQ(town.Raw("POST", approve, "{}", {{"If-Match", "\"v2\""}, {"Content-Type", "application/json"}}).status,
            422);  // decided already
  // The command line sees the same request.
  auto listed = RunFupin(db_, {"--json", "change", "list", "--status", "all"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out)["total"], 1);
}

// The lists' status filters are typed (issue 19 item 5): none given is the service's default
// (pending, open), a group or a status is read once, anything else is refused naming the field
// and the accepted values, on the HTTP API and on the command line alike.
TEST_F(GrievanceE2eTest, TheListsRefuseAStatusFilterOutsideTheirGroupsAndStatuses) {
  ApiClient town = As("town");
  auto proposed = As("cadre").Post("/api/v1/change-requests",
                                   {{"kind", "household_update"},
                                    {"change", {{"household_id", household_}, {"set", {{"address", "新村 3 号"}}}}},
                                    {"reason", "门牌调整"}});
  ASSERT_EQ(proposed.status, 201) << proposed.text;
  EXPECT_EQ(town.Get("/api/v1/change-requests").body["total"], 1);
  EXPECT_EQ(town.Get("/api/v1/change-requests?status=proposed").body["total"], 1);
  EXPECT_EQ(town.Get("/api/v1/change-requests?status=approved").body["total"], 0);
  for (const auto& [path, problem] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/change-requests?status=open",
            "'open' is not pending, all or one of proposed, reviewed, approved, rejected or sent_back"},
           {"/api/v1/grievances?status=pending",
            "'pending' is not open, all or one of received, accepted, investigating, answered or closed"}}) {
    auto bad = town.Get(path);
    ASSERT_EQ(bad.status, 400) << path << " " << bad.text;
    ASSERT_EQ(bad.body["error"]["details"].size(), 1U) << bad.text;
    EXPECT_EQ(bad.body["error"]["details"][0]["path"], "status") << bad.text;
    EXPECT_EQ(bad.body["error"]["details"][0]["problem"], problem) << bad.text;
    EXPECT_FALSE(bad.body["error"]["message_zh"].get<std::string>().empty()) << bad.text;
  }
  auto cli = RunFupin(db_, {"change", "list", "--status", "open"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("'open' is not pending, all"), std::string::npos) << cli.err;
}

TEST_F(GrievanceE2eTest, ThePublicFormNamesEveryProblemStoresNothingAndIsRateLimited) {
  ApiClient anonymous(server_->port());
  auto challenge = [&] {
    auto c = anonymous.Get("/api/v1/public/challenge");
    EXPECT_EQ(c.status, 200) << c.text;
    int a = 0, b = 0;
    EXPECT_EQ(std::sscanf(c.body["question"].get<std::string>().c_str(), "%d 加 %d", &a, &b), 2);
    return std::make_pair(c.body["token"].get<std::string>(), std::to_string(a + b));
  };
  const auto [token, answer] = challenge();
  auto bad = anonymous.Post("/api/v1/public/applications", {{"name", ""},
                                                            {"id_number", "430424199001010000"},
                                                            {"phone", "abc"},
                                                            {"village_code", "430424100"},
                                                            {"applies_for", "money"},
                                                            {"text", ""},
                                                            {"challenge_token", token},
                                                            {"challenge_answer", "1000"}});
  ASSERT_EQ(bad.status, 400) << bad.text;
  std::set<std::string> paths;
  for (const auto& d : bad.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"name", "id_number", "phone", "village_code", "applies_for", "text",
                                          "challenge_answer"}))
      << bad.text;
  EXPECT_FALSE(bad.body["error"]["message_zh"].get<std::string>().empty());
  auto count = [&] {
    auto r = RunFupin(db_, {"--json", "grievance", "list", "--status", "all"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)["total"].get<int64_t>();
  };
  EXPECT_EQ(count(), 0);
  json good = {{"name", "赵六"},          {"id_number", MakeIdNumber("43042419850315077")},
               {"phone", "13907341234"},  {"village_code", kVillage},
               {"applies_for", "monitoring"}, {"text", "今年住院花了六万元"},
               {"challenge_token", token}, {"challenge_answer", answer}};
  auto created = anonymous.Post("/api/v1/public/applications", good);
  ASSERT_EQ(created.status, 201) << created.text;
  const std::string number = created.body["number"].get<std::string>();
  EXPECT_EQ(count(), 1);
  auto state = anonymous.Get("/api/v1/public/applications/" + number + "?phone=13907341234");
  ASSERT_EQ(state.status, 200) << state.text;
  EXPECT_EQ(state.body["status"], "received");
  EXPECT_EQ(anonymous.Get("/api/v1/public/applications/" + number + "?phone=13900000000").status, 404);
  // Five applications from one address in ten minutes, then 429 with Retry-After.
  for (int i = 0; i < 4; ++i) {
    const auto [t, a] = challenge();
    good["challenge_token"] = t;
    good["challenge_answer"] = a;
    EXPECT_EQ(anonymous.Post("/api/v1/public/applications", good).status, 201);
  }
  const auto [t, a] = challenge();
  good["challenge_token"] = t;
  good["challenge_answer"] = a;
  auto refused = anonymous.Post("/api/v1/public/applications", good);
  EXPECT_EQ(refused.status, 429) << refused.text;
  EXPECT_FALSE(refused.headers["Retry-After"].empty());
  EXPECT_EQ(count(), 5);
}

// Issue 23: a village cadre's edit through the registry's own routes becomes a
// change request (202, the registry as it was); a wrong field is named as the
// body names it; the household lands when the township approves the request.
TEST_F(GrievanceE2eTest, AVillageCadresEditBecomesAChangeRequest) {
  ApiClient cadre = As("cadre");
  ApiClient town = As("town");
  const std::string path = "/api/v1/households/" + std::to_string(household_);
  const std::string etag = cadre.Get(path).headers["ETag"];
  auto bad = cadre.Patch(path, {{"attribute", "rich"}}, etag);
  ASSERT_EQ(bad.status, 400) << bad.text;
  EXPECT_EQ(bad.body["error"]["details"][0]["path"], "attribute") << bad.text;
  EXPECT_EQ(cadre.Patch(path, {{"address", "新村 3 号"}}, "\"v9\"").status, 409);
  auto proposed = cadre.Patch(path, {{"address", "新村 3 号"}, {"reason", "门牌调整"}}, etag);
  ASSERT_EQ(proposed.status, 202) << proposed.text;
  EXPECT_EQ(proposed.body["message_zh"].get<std::string>().find("待乡镇审核") != std::string::npos, true);
  EXPECT_EQ(proposed.body["change_request"]["reason"], "门牌调整");
  EXPECT_EQ(town.Get(path).body["address"], "老屋 1 号");
  auto member = cadre.Post("/api/v1/persons", {{"household_id", household_}, {"id_number", MakeIdNumber("43042419800101001")},
                                               {"name", "张三"}});
  ASSERT_EQ(member.status, 202) << member.text;
  EXPECT_EQ(member.body["change_request"]["kind"], "person_add");
  EXPECT_FALSE(town.Get(path).body.contains("members"));  // no member until the request is approved
  const std::string approve =
      "/api/v1/change-requests/" + std::to_string(proposed.body["change_request"]["id"].get<int64_t>()) + "/approve";
  auto done = town.Raw("POST", approve, "{}", {{"If-Match", "\"v1\""}, {"Content-Type", "application/json"}});
  ASSERT_EQ(done.status, 200) << done.text;
  EXPECT_EQ(town.Get(path).body["address"], "新村 3 号");
  // The township's own edit is not diverted.
  auto direct = town.Patch(path, {{"address", "新村 4 号"}}, town.Get(path).headers["ETag"]);
  EXPECT_EQ(direct.status, 200) << direct.text;
}

// The day `days` before today in Beijing, YYYY-MM-DD.
std::string BeijingDaysAgo(int days) {
  const std::time_t t = std::time(nullptr) + 8 * 3600 - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Issue 23: what comes in is counted. An application taken in 45 days ago
// and not answered is a finding of the data-quality checks, and a signal
// (自主申报) of the monitoring scan of its year for the household.
TEST_F(GrievanceE2eTest, AnApplicationNotAnsweredIsAQualityFindingAndAMonitoringSignal) {
  const std::string received = BeijingDaysAgo(45);
  auto check = [&] {
    auto r = RunFupin(db_, {"--json", "check", "--area", "430424", "--check", "application_unanswered"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  };
  EXPECT_EQ(check()["total"], 0);
  auto g = As("cadre").Post("/api/v1/grievances", {{"channel", "self_application"},
                                                   {"category", "self_application"},
                                                   {"household_id", household_},
                                                   {"complainant", "李大姐"},
                                                   {"phone", "13907340000"},
                                                   {"text", "今年住院花了六万元，收入减少"},
                                                   {"received_on", received}});
  ASSERT_EQ(g.status, 201) << g.text;
  const json found = check();
  ASSERT_EQ(found["total"], 1) << found.dump();
  EXPECT_EQ(found["findings"][0]["household_id"], household_);
  EXPECT_NE(found["findings"][0]["detail"].get<std::string>().find(g.body["number"].get<std::string>()), std::string::npos);
  auto scan = RunFupin(db_, {"--json", "monitor", "scan", "--area", "430424", "--year", received.substr(0, 4)});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  const json candidates = json::parse(scan.out)["candidates"];
  ASSERT_EQ(candidates.size(), 1U) << scan.out;
  EXPECT_EQ(candidates[0]["household_id"], household_);
  EXPECT_EQ(candidates[0]["rules"][0]["rule"], "self_application") << scan.out;
}

}  // namespace
}  // namespace fupin::testing
