// End-to-end: long work shows its progress (issue 19 item 7).
//  - On a terminal the CLI draws one progress line on stderr; piped, or with
//    --json, it prints nothing extra (a pseudo-terminal from script(1)).
//  - Over HTTP a batch started with ?async=true (or Prefer: respond-async)
//    answers 202 with a job; GET /api/v1/jobs/{id} follows it to done, and
//    its result is what the synchronous route answers; another user gets 404.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <tuple>

#include "support/process.h"
#include "support/login.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

std::string PasswordOf(const std::string& user) { return user + "-Passw0rd"; }

// Runs fupin inside script(1), so that its stdout and stderr are a terminal;
// returns everything the terminal received.
ProcessResult RunOnTerminal(const std::string& db, const std::string& args) {
  const std::string command = "'" + FupinBinary() + "' --db '" + db + "' " + args;
  return RunProcess("script", {"-qec", command, "/dev/null"});
}

TEST(ProgressLineE2e, DrawnOnATerminalNothingWhenPipedOrJson) {
  TempDir dir;
  WriteAreaFixture(dir.path(), 3, 4);
  const auto on_terminal = RunOnTerminal(dir.File("a.db"), "areas import '" + dir.path() + "'");
  ASSERT_EQ(on_terminal.exit_code, 0) << on_terminal.out << on_terminal.err;
  // The stages of the area import, each line redrawn with a carriage return and erased at its end.
  EXPECT_NE(on_terminal.out.find("\r读取数据  "), std::string::npos) << on_terminal.out;
  EXPECT_NE(on_terminal.out.find("\r保存结果  "), std::string::npos) << on_terminal.out;
  EXPECT_NE(on_terminal.out.find("\r\x1b[K"), std::string::npos) << on_terminal.out;

  const auto piped = RunFupin(dir.File("b.db"), {"areas", "import", dir.path()});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out.find('\r'), std::string::npos) << piped.out;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("保存结果"), std::string::npos) << piped.err;

  const auto json_on_terminal = RunOnTerminal(dir.File("c.db"), "--json areas import '" + dir.path() + "'");
  ASSERT_EQ(json_on_terminal.exit_code, 0) << json_on_terminal.out;
  EXPECT_NE(json_on_terminal.out.find("\"villages\""), std::string::npos) << json_on_terminal.out;
  EXPECT_EQ(json_on_terminal.out.find("读取数据"), std::string::npos) << json_on_terminal.out;
  EXPECT_EQ(json_on_terminal.out.find("保存结果"), std::string::npos) << json_on_terminal.out;
}

class JobsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("fupin.db");
    WriteAreaFixture(dir_->path(), 3, 4);
    ASSERT_EQ(RunFupin(db_, {"areas", "import", dir_->path()}).exit_code, 0);
    for (const auto& [user, role, area] : {std::tuple{"admin", "administrator", ""},
                                           std::tuple{"county", "county_office", "430424"},
                                           std::tuple{"county2", "county_office", "430424"}}) {
      auto r = AddUser(db_, user, role, area, PasswordOf(user));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    server_ = new ServerProcess(db_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  ApiClient As(const std::string& user) { return LoggedIn(server_->port(), user, PasswordOf(user)); }

  // Polls a job until it is done or failed (bounded, so a hung job fails the test).
  static json Follow(ApiClient& client, const json& job) {
    const std::string path = job.at("location").get<std::string>();
    json last;
    for (int i = 0; i < 6000; ++i) {
      auto r = client.Get(path);
      EXPECT_EQ(r.status, 200) << r.text;
      last = r.body;
      const std::string state = last.value("state", "");
      if (state == "done" || state == "failed") return last;
      EXPECT_TRUE(state == "queued" || state == "running") << r.text;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job did not finish: " << last.dump();
    return last;
  }

  static TempDir* dir_;
  static std::string db_;
  static ServerProcess* server_;
};

TempDir* JobsE2eTest::dir_ = nullptr;
std::string JobsE2eTest::db_;
ServerProcess* JobsE2eTest::server_ = nullptr;

// Twelve households of a head (born 1970) and a child (born 2012) in three villages, members since 2014.
std::string PersonsCsv() {
  std::string csv = "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系,入户日期\n";
  const char* villages[] = {"430424100200", "430424100201", "430424101200"};
  for (int h = 0; h < 12; ++h) {
    const std::string day = (h < 9 ? "0" : "") + std::to_string(h + 1);
    const std::string number = "J" + std::to_string(h);
    const std::string village = villages[h % 3];
    csv += number + "," + village + ",2014,户主" + std::to_string(h) + "," + MakeIdNumber("430424197001" + day + "011") +
           ",户主,2014-05-01\n";
    csv += number + "," + village + ",2014,子女" + std::to_string(h) + "," + MakeIdNumber("430424201201" + day + "021") +
           ",子女,2014-05-01\n";
  }
  return csv;
}

TEST_F(JobsE2eTest, ImportAsAJobGivesTheSynchronousAnswer) {
  ApiClient county = As("county");
  const std::string csv = PersonsCsv();
  // A dry run writes nothing: the job's result must be the synchronous answer, key for key.
  auto sync = county.Raw("POST", "/api/v1/imports/persons?file_name=p.csv&dry_run=true", csv);
  ASSERT_EQ(sync.status, 200) << sync.text;
  ASSERT_EQ(sync.body["imported_rows"], 24) << sync.text;
  auto started = county.Raw("POST", "/api/v1/imports/persons?file_name=p.csv&dry_run=true&async=true", csv);
  ASSERT_EQ(started.status, 202) << started.text;
  EXPECT_EQ(started.body["kind"], "imports.persons");
  EXPECT_EQ(started.headers["Location"], started.body["location"].get<std::string>());
  const json job = Follow(county, started.body);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result_status"], 200);
  EXPECT_EQ(job["result"], sync.body);
  EXPECT_EQ(job["progress"]["percent"], 100);
  EXPECT_TRUE(job["error"].is_null());

  // For real, with the header instead of the parameter.
  auto real = county.Raw("POST", "/api/v1/imports/persons?file_name=p.csv", csv, {{"Prefer", "respond-async"}});
  ASSERT_EQ(real.status, 202) << real.text;
  const json done = Follow(county, real.body);
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["result"]["households_added"], 12) << done.dump();
  EXPECT_EQ(done["progress"]["stage"], "store");
  EXPECT_EQ(done["progress"]["stage_zh"], "保存结果");
  auto households = county.Get("/api/v1/households?limit=1");
  EXPECT_EQ(households.body["total"], 12) << households.text;

  // A refused file: the job fails with the refusal the synchronous route gives.
  auto bad = county.Raw("POST", "/api/v1/imports/persons?file_name=bad.csv&async=true",
                        "户编号,行政村代码,识别年度,姓名,身份证号,与户主关系\nX1,430424999999,2014,李,1,户主\n");
  ASSERT_EQ(bad.status, 202) << bad.text;
  const json failed = Follow(county, bad.body);
  ASSERT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(failed["error"]["status"], 400);
  EXPECT_EQ(failed["error"]["code"], "invalid_argument");
  EXPECT_TRUE(failed["error"]["message_zh"].is_string());
  EXPECT_FALSE(failed["error"]["details"].empty());
  EXPECT_TRUE(failed["result"].is_null());

  // What the request itself gets wrong is refused at once, as without async.
  EXPECT_EQ(county.Raw("POST", "/api/v1/imports/persons?async=true", csv).status, 400);
  EXPECT_EQ(county.Raw("POST", "/api/v1/imports/persons?file_name=p.csv&async=maybe", csv).status, 400);
}

TEST_F(JobsE2eTest, EntitlementsAsAJobOwnedByItsCaller) {
  ApiClient county = As("county");
  // A registry to compute over (a re-import when the import test ran first in this process).
  auto imported = county.Raw("POST", "/api/v1/imports/persons?file_name=p.csv", PersonsCsv());
  ASSERT_EQ(imported.status, 200) << imported.text;
  auto sync = county.Post("/api/v1/entitlements/runs", {{"year", 2020}, {"area", "430424"}});
  ASSERT_EQ(sync.status, 201) << sync.text;
  auto started = county.Post("/api/v1/entitlements/runs?async=true", {{"year", 2020}, {"area", "430424"}});
  ASSERT_EQ(started.status, 202) << started.text;
  EXPECT_EQ(started.body["state"], "queued");
  EXPECT_EQ(started.body["kind"], "entitlements.run");
  const json job = Follow(county, started.body);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result_status"], 201);
  const json& result = job["result"];
  // The same figures as the synchronous run of the same registry (the run
  // itself is a new one: its id, and what changed since the last).
  for (const char* key : {"year", "area_code", "ref_date", "persons", "households", "entitled", "amount", "by_policy"}) {
    EXPECT_EQ(result[key], sync.body[key]) << key;
  }
  EXPECT_EQ(result["id"], sync.body["id"].get<int64_t>() + 1);
  EXPECT_FALSE(result["first_run"].get<bool>());
  EXPECT_GT(result["persons"].get<int64_t>(), 0);
  auto latest = county.Get("/api/v1/entitlements/runs/latest?year=2020&area=430424");
  ASSERT_EQ(latest.status, 200) << latest.text;
  EXPECT_EQ(latest.body["run"]["id"], result["id"]);

  // The caller lists it; another user (same role, same area) neither reads nor lists it.
  auto mine = county.Get("/api/v1/jobs");
  ASSERT_EQ(mine.status, 200) << mine.text;
  bool listed = false;
  for (const auto& j : mine.body["items"]) listed = listed || j["id"] == job["id"];
  EXPECT_TRUE(listed) << mine.text;
  ApiClient other = As("county2");
  auto peek = other.Get(job["location"].get<std::string>());
  EXPECT_EQ(peek.status, 404) << peek.text;
  EXPECT_EQ(peek.body["error"]["code"], "not_found");
  auto theirs = other.Get("/api/v1/jobs");
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.body["items"].empty()) << theirs.text;
  EXPECT_EQ(As("admin").Get(job["location"].get<std::string>()).status, 404);
  EXPECT_EQ(ApiClient(server_->port()).Get(job["location"].get<std::string>()).status, 401);

  // What the service refuses (a year out of range) is the job's error.
  auto refused = county.Post("/api/v1/entitlements/runs?async=true", {{"year", 1990}});
  ASSERT_EQ(refused.status, 202) << refused.text;
  const json failed = Follow(county, refused.body);
  ASSERT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(failed["error"]["status"], 400);
  EXPECT_EQ(failed["error"]["details"][0]["path"], "year");
  EXPECT_EQ(county.Get("/api/v1/jobs/999999").status, 404);
}

TEST_F(JobsE2eTest, IndicatorsAsAJobGiveTheSynchronousFigures) {
  ApiClient county = As("county");
  auto sync = county.Get("/api/v1/reports/indicators?area=430424&year=2020&from=2018");
  ASSERT_EQ(sync.status, 200) << sync.text;
  auto started = county.Get("/api/v1/reports/indicators?area=430424&year=2020&from=2018&async=true");
  ASSERT_EQ(started.status, 202) << started.text;
  const json job = Follow(county, started.body);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"], sync.body);
  EXPECT_EQ(job["progress"]["stage"], "evaluate");
  EXPECT_EQ(job["progress"]["done"], job["progress"]["total"]);
  // Outside the caller's area: refused when the job runs, as the synchronous route refuses it.
  auto outside = county.Get("/api/v1/reports/indicators?area=43&year=2020&async=true");
  ASSERT_EQ(outside.status, 202) << outside.text;
  const json refused = Follow(county, outside.body);
  EXPECT_EQ(refused["state"], "failed");
  EXPECT_EQ(refused["error"]["status"], county.Get("/api/v1/reports/indicators?area=43&year=2020").status);
}

}  // namespace
}  // namespace fupin::testing
