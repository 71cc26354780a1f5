// End-to-end tests of the command line: each runs the real build/fupin binary
// on a temporary database.
#include <gtest/gtest.h>

#include <map>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/process.h"

namespace fupin::testing {
namespace {

using nlohmann::json;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteAreaFixture(dir_.path(), 3, 4);
    db_ = dir_.File("fupin.db");
    auto r = Fupin({"areas", "import", dir_.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  ProcessResult Fupin(const std::vector<std::string>& args) { return RunFupin(db_, args); }

  json Json(const std::vector<std::string>& args, int expected_exit = 0) {
    std::vector<std::string> all = args;
    all.push_back("--json");
    auto r = Fupin(all);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    return json::parse(r.out);
  }

  // A dump of every table's rows, to show that a refused command changed nothing.
  std::string Snapshot() {
    auto r = RunProcess("sqlite3", {db_, ".dump"});
    return r.out;
  }

  int64_t AddHousehold(const std::string& number, const std::string& village = "430424100200") {
    auto j = Json({"household", "add", "--number", number, "--village", village, "--identified-year", "2014",
                   "--attribute", "general", "--main-cause", "illness"});
    return j["id"].get<int64_t>();
  }

  TempDir dir_;
  std::string db_;
};

TEST_F(CliTest, ShowsAnAreaWithParentsAndChildren) {
  auto j = Json({"areas", "show", "430424"});
  EXPECT_EQ(j["name"], "衡东县");
  EXPECT_EQ(j["level"], "county");
  EXPECT_EQ(j["parents"].size(), 2u);
  EXPECT_EQ(j["parents"][0]["name"], "湖南省");
  EXPECT_EQ(j["descendant_counts"]["township"], 3);
  EXPECT_EQ(j["descendant_counts"]["village"], 12);
  EXPECT_EQ(j["children"]["township"].size(), 3u);
  // The padded 12-digit form names the same area.
  EXPECT_EQ(Json({"areas", "show", "430424000000"})["code"], "430424");
  auto missing = Json({"areas", "show", "430425"}, 3);
  EXPECT_EQ(missing["error"]["code"], "not_found");
}

TEST_F(CliTest, AddsAHouseholdWithMembersAndHistory) {
  const int64_t id = AddHousehold("H1");
  auto p = Json({"person", "add", "--household", std::to_string(id), "--id-number", "11010519491231002X", "--name",
                 "李四", "--relation", "户主", "--start-date", "2014-01-01"});
  EXPECT_EQ(p["sex"], "female");             // read from the number
  EXPECT_EQ(p["birth_date"], "1949-12-31");  // read from the number
  EXPECT_EQ(p["id_number"], "110105********002X");
  // The area prefix 110105 is not in this fixture's tree: a warning, not an error.
  ASSERT_TRUE(p.contains("warnings"));

  Json({"household", "year", std::to_string(id), "--year", "2016", "--wage", "3000", "--production", "1000.50",
        "--cost", "500", "--food", "1", "--clothing", "1", "--housing", "1", "--water", "1"});
  const std::string sid = std::to_string(id);
  // Without the procedure and the insurance fact the exit is refused, naming what is missing.
  auto refused = Json({"household", "event", sid, "--kind", "exited", "--date", "2016-11-20"}, 5);
  std::set<std::string> unmet;
  for (const auto& d : refused["error"]["details"]) unmet.insert(d["path"].get<std::string>());
  EXPECT_EQ(unmet, (std::set<std::string>{"appraisal", "verification", "notice", "criteria/medical"}));
  Json({"person", "year", std::to_string(p["id"].get<int64_t>()), "--year", "2016", "--medical-insured", "1"});
  Json({"exit", "appraisal", sid, "--year", "2016", "--date", "2016-10-20"});
  Json({"exit", "verify", sid, "--year", "2016", "--date", "2016-10-25"});
  Json({"exit", "notice", sid, "--year", "2016", "--date", "2016-11-01", "--end-date", "2016-11-07"});
  EXPECT_EQ(Json({"exit", "check", sid, "--year", "2016", "--date", "2016-11-20"})["may_exit"], true);
  Json({"household", "event", sid, "--kind", "exited", "--date", "2016-11-20", "--reason", "达标"});
  auto h = Json({"household", "show", std::to_string(id)});
  EXPECT_EQ(h["status"], "exited");
  EXPECT_EQ(h["events"].size(), 2u);
  EXPECT_EQ(h["events"][0]["kind"], "identified");
  EXPECT_EQ(h["events"][1]["kind"], "exited");
  EXPECT_EQ(h["years"][0]["per_capita_net_income"], 350050);  // (3000 + 1000.50 - 500) / 1, in fen
  EXPECT_EQ(h["members"][0]["relation"], "head");

  // The history is kept: the household can return and the status follows.
  Json({"household", "event", std::to_string(id), "--kind", "returned", "--date", "2018-03-01"});
  EXPECT_EQ(Json({"household", "show", "--number", "H1"})["status"], "poor");
}

// Issue 25: the CLI's progress report reads the stored snapshot while no record changed since it
// was computed (the nightly `report snapshot`), and recomputes after a write: never a stale figure.
TEST_F(CliTest, TheProgressReportReadsTheSnapshotUntilARecordChanges) {
  AddHousehold("S1");
  auto households = [](const json& report) {
    for (const auto& f : report["figures"]) {
      if (f["key"] == "households_registered") return f["value"].get<int64_t>();
    }
    return int64_t{-1};
  };
  const std::vector<std::string> nation = {"report", "progress", "--area", "nation", "--year", "2016"};
  auto run = Json({"report", "snapshot", "--year", "2016", "--levels", "nation"});
  EXPECT_EQ(run["snapshots"], 1);
  auto first = Json(nation);
  EXPECT_EQ(first["snapshot"]["source"], "snapshot");
  EXPECT_EQ(households(first), 1);
  // The text form is the stored report too, in Chinese.
  auto text = Fupin(nation);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("建档立卡"), std::string::npos) << text.out;
  // A write moves the audit trail's data head: the next report is computed, with the new household.
  AddHousehold("S2");
  auto after = Json(nation);
  EXPECT_EQ(after["snapshot"]["source"], "computed");
  EXPECT_EQ(households(after), 2);
  EXPECT_EQ(Json(nation)["snapshot"]["source"], "snapshot");
  std::vector<std::string> fresh = nation;
  fresh.push_back("--fresh");
  EXPECT_EQ(Json(fresh)["snapshot"]["source"], "computed");
}

TEST_F(CliTest, ListsFilterByAreaStatusAndYear) {
  const int64_t a = AddHousehold("A", "430424100200");
  AddHousehold("B", "430424101200");
  AddHousehold("C", "430424101201");
  Json({"household", "event", std::to_string(a), "--kind", "exited", "--date", "2017-10-01", "--override-reason",
        "测试：不经评估直接退出"});
  EXPECT_EQ(Json({"household", "list", "--area", "430424"})["total"], 3);
  EXPECT_EQ(Json({"household", "list", "--area", "430424101"})["total"], 2);
  EXPECT_EQ(Json({"household", "list", "--area", "430424101201"})["total"], 1);
  EXPECT_EQ(Json({"household", "list", "--status", "exited"})["total"], 1);
  EXPECT_EQ(Json({"household", "list", "--status", "poor", "--year", "2016"})["total"], 3);
  EXPECT_EQ(Json({"household", "list", "--status", "poor", "--year", "2017"})["total"], 2);
  auto page = Json({"household", "list", "--limit", "2", "--offset", "2"});
  EXPECT_EQ(page["total"], 3);
  EXPECT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["number"], "C");
}

TEST_F(CliTest, RefusesInvalidIdNumbersWithAReasonAndChangesNothing) {
  const int64_t id = AddHousehold("H1");
  const std::string before = Snapshot();
  struct Case {
    std::string number;
    std::string reason;
  } cases[] = {
      {"110105194912310021", "check character is 1, expected X"},
      {"11010519491231002", "must be 18 characters"},
      {"11010519491331002X", "not a real date"},
      {MakeIdNumber("11010520991231002"), "in the future"},
  };
  for (const auto& c : cases) {
    auto r = Fupin({"person", "add", "--household", std::to_string(id), "--id-number", c.number, "--name", "x", "--json"});
    EXPECT_EQ(r.exit_code, 2) << c.number;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["error"]["code"], "invalid_argument");
    EXPECT_EQ(j["error"]["details"][0]["path"], "id_number");
    EXPECT_NE(j["error"]["details"][0]["problem"].get<std::string>().find(c.reason), std::string::npos)
        << j.dump();
    // The text form names the field and the value too.
    auto t = Fupin({"person", "add", "--household", std::to_string(id), "--id-number", c.number, "--name", "x"});
    EXPECT_NE(t.err.find("id_number: '" + c.number + "'"), std::string::npos) << t.err;
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(CliTest, AnIdNumberBelongsToOneHouseholdOnly) {
  const int64_t a = AddHousehold("A");
  const int64_t b = AddHousehold("B");
  Json({"person", "add", "--household", std::to_string(a), "--id-number", "440524188001010014", "--name", "王五"});
  const std::string before = Snapshot();
  auto j = Json({"person", "add", "--household", std::to_string(b), "--id-number", "440524188001010014", "--name",
                 "王五"},
                4);
  EXPECT_EQ(j["error"]["code"], "already_exists");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("household A"), std::string::npos) << j.dump();
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(CliTest, RefusesEventsThatDoNotFollowTheStatus) {
  const int64_t id = AddHousehold("H1");
  const std::string before = Snapshot();
  auto j = Json({"household", "event", std::to_string(id), "--kind", "returned", "--date", "2016-01-01"}, 5);
  EXPECT_EQ(j["error"]["details"][0]["path"], "kind");
  Json({"household", "event", std::to_string(id), "--kind", "exited", "--date", "2013-01-01"}, 2);
  Json({"household", "event", std::to_string(id), "--kind", "vanished", "--date", "2016-01-01"}, 2);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(CliTest, AssessesHouseholdsAndReportsIncidence) {
  const int64_t a = AddHousehold("A");
  AddHousehold("B");
  const std::string sid = std::to_string(a);
  auto p = Json({"person", "add", "--household", sid, "--id-number", "440524188001010014", "--name", "王五",
                 "--start-date", "2014-01-01"});
  Json({"household", "year", sid, "--year", "2016", "--wage", "2000", "--food", "1", "--clothing", "1"});
  auto s = Json({"assess", "households", "--year", "2016", "--area", "430424"});
  EXPECT_EQ(s["assessed"], 2);
  EXPECT_EQ(s["ready"], 0);
  EXPECT_EQ(s["poverty_line"], 295200);
  const auto& h = s["households"][0];
  EXPECT_EQ(h["number"], "A");
  EXPECT_EQ(h["criteria"][0]["criterion"], "income");
  EXPECT_EQ(h["criteria"][0]["result"], "fail");
  EXPECT_EQ(h["criteria"][0]["values"]["per_capita_net_income"], 200000);
  EXPECT_EQ(h["criteria"][4]["result"], "unknown");  // housing not recorded
  // The same run again gives the same answer.
  EXPECT_EQ(Json({"assess", "households", "--year", "2016", "--area", "430424"})["households"], s["households"]);

  Json({"areas", "year", "430424100200", "--year", "2016", "--rural-population", "200"});
  auto inc = Json({"report", "incidence", "--area", "430424", "--from", "2016", "--to", "2016"});
  ASSERT_EQ(inc.size(), 1u);
  EXPECT_EQ(inc[0]["poor_households"], 2);
  EXPECT_EQ(inc[0]["poor_persons"], 1);
  EXPECT_EQ(inc[0]["rural_population"], 200);
  EXPECT_DOUBLE_EQ(inc[0]["rate"].get<double>(), 0.005);

  // Parameters are data with a history; only the values in force are listed by default.
  Json({"params", "set", "poverty_line", "3000", "--key", "2016", "--source", "省定标准"});
  auto lines = Json({"params", "list", "poverty_line", "--history"});
  int for_2016 = 0;
  for (const auto& l : lines) for_2016 += l["key"] == "2016";
  EXPECT_EQ(for_2016, 2);
  EXPECT_EQ(Json({"assess", "households", "--year", "2016"})["poverty_line"], 300000);
  auto m = Json({"report", "measures", "--area", "430424", "--year", "2016"});
  EXPECT_EQ(m["persons"], 1);
  EXPECT_DOUBLE_EQ(m["fgt"]["p0"].get<double>(), 1.0);
}

// Village and county exit from the command line: facilities and surveys are
// recorded, a survey file is imported whole or not at all, and each check
// shows its values and where its threshold comes from.
//   county 430424, 2020: H1 poor (1 person), rural population 100 in 430424100201 -> 1 %
//   E exited (override), re-surveyed: income 5000 > 4000, all met -> 0 wrong exits
//   sample 1 household, not poor -> 0 %; satisfaction 1 of 1 -> 100 %
TEST_F(CliTest, AssessesAVillageAndACountyFromRecordedFacts) {
  const int64_t h1 = AddHousehold("H1", "430424100201");
  Json({"person", "add", "--household", std::to_string(h1), "--id-number", "440524188001010014", "--name", "王五",
        "--start-date", "2014-01-01"});
  const int64_t e = AddHousehold("E", "430424100201");
  Json({"exit", "record", std::to_string(e), "--date", "2019-11-01", "--override-reason", "测试：已核实"});
  Json({"areas", "year", "430424100201", "--year", "2020", "--rural-population", "100"});
  auto f = Json({"village", "facilities", "430424100201", "--year", "2020", "--road", "1", "--water", "1", "--power",
                 "1", "--clinic", "1", "--broadband", "1", "--culture-centre", "0", "--collective-income", "20000"});
  EXPECT_EQ(f["collective_income"], 2000000);
  EXPECT_EQ(f["culture_centre"], false);

  auto v = Json({"assess", "village", "430424100201", "--year", "2020"});
  EXPECT_EQ(v["ready"], false);
  EXPECT_EQ(v["checks"][0]["check"], "incidence");
  EXPECT_EQ(v["checks"][0]["result"], "pass");
  EXPECT_DOUBLE_EQ(v["checks"][0]["values"]["rate"].get<double>(), 0.01);
  EXPECT_EQ(v["checks"][0]["values"]["threshold"]["parameter"], "exit_threshold");
  EXPECT_EQ(v["checks"][1]["result"], "fail");
  Json({"village", "facilities", "430424100201", "--year", "2020", "--culture-centre", "1"});
  EXPECT_EQ(Json({"assess", "village", "430424100201", "--year", "2020"})["ready"], true);

  // A bad file: the error names file, row and column, and the database is unchanged.
  WriteText(dir_.File("bad.csv"),
            "kind,year,village_code,date,household_number,per_capita_income,food_clothing,education,medical,housing,"
            "water,subject,poor,satisfied\n"
            "resurvey,2020,430424100201,2020-12-01,E,5000,1,1,1,1,1,,,\n"
            "sample,2020,430424100201,2020-12-02,,,,,,,,赵家,maybe,\n");
  const std::string before = Snapshot();
  auto bad = Fupin({"survey", "import", dir_.File("bad.csv")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("第3行 poor: “maybe”：应填 是/否"), std::string::npos) << bad.err;
  EXPECT_EQ(Snapshot(), before);

  WriteText(dir_.File("good.csv"),
            "kind,year,village_code,date,household_number,per_capita_income,food_clothing,education,medical,housing,"
            "water,subject,poor,satisfied\n"
            "resurvey,2020,430424100201,2020-12-01,E,5000,1,1,1,1,1,,,\n"
            "sample,2020,430424100201,2020-12-02,,,,,,,,赵家,0,\n");
  auto imported = Json({"survey", "import", dir_.File("good.csv")});
  EXPECT_EQ(imported["imported"], 2);
  Json({"survey", "add", "--kind", "satisfaction", "--year", "2020", "--village", "430424100201", "--date",
        "2020-12-03", "--subject", "钱六", "--satisfied", "1"});
  EXPECT_EQ(Json({"survey", "list", "--area", "430424", "--year", "2020"}).size(), 3u);

  auto c = Json({"assess", "county", "430424", "--year", "2020"});
  EXPECT_EQ(c["ready"], true) << c.dump(2);
  ASSERT_EQ(c["checks"].size(), 4u);
  EXPECT_EQ(c["checks"][1]["check"], "wrong_exit");
  EXPECT_EQ(c["checks"][1]["values"]["resurveyed_households"], 1);
  EXPECT_EQ(c["checks"][3]["values"]["threshold"]["parameter"], "county_satisfaction_min");
  // The text form shows each check with its threshold's source.
  auto text = Fupin({"assess", "county", "430424", "--year", "2020"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("达到退出标准"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("county_wrong_exit_max = 2"), std::string::npos) << text.out;
}

TEST_F(CliTest, RefusesBadHouseholdsNamingEveryField) {
  const std::string before = Snapshot();
  auto j = Json({"household", "add", "--number", "X", "--village", "430424100", "--attribute", "rich",
                 "--main-cause", "bad luck", "--identified-year", "1990"},
                2);
  std::set<std::string> paths;
  for (const auto& d : j["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"village", "attribute", "main_cause", "identified_year"}));
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(CliTest, MovesAPersonAndKeepsTheHistory) {
  const int64_t a = AddHousehold("A");
  const int64_t b = AddHousehold("B");
  auto p = Json({"person", "add", "--household", std::to_string(a), "--id-number", "440524188001010014", "--name",
                 "王五", "--start-date", "2014-01-01"});
  const std::string pid = std::to_string(p["id"].get<int64_t>());
  auto moved = Json({"person", "move", pid, "--to", std::to_string(b), "--date", "2019-05-01", "--reason", "分户"});
  EXPECT_EQ(moved["household_id"], b);
  ASSERT_EQ(moved["memberships"].size(), 2u);
  EXPECT_EQ(moved["memberships"][0]["end_date"], "2019-05-01");
  EXPECT_EQ(moved["memberships"][0]["end_reason"], "分户");
  EXPECT_EQ(moved["memberships"][1]["household_number"], "B");
}

TEST_F(CliTest, KeysRotateKeepsEveryIdNumberReadableAndFindable) {
  const int64_t id = AddHousehold("K1");
  const std::string number = "440524188001010014";
  auto p = Json({"person", "add", "--household", std::to_string(id), "--id-number", number, "--name", "王五"});
  const std::string pid = std::to_string(p["id"].get<int64_t>());
  EXPECT_EQ(Json({"person", "show", pid, "--unmasked"})["id_number"], number);
  auto rotated = Json({"keys", "rotate"});
  EXPECT_EQ(rotated["key_id"], 2);
  EXPECT_EQ(rotated["values"], 1);
  // Still readable, still found by its number, and a duplicate is still refused.
  EXPECT_EQ(Json({"person", "show", pid, "--unmasked"})["id_number"], number);
  EXPECT_EQ(Json({"person", "show", "--id-number", number})["id"], p["id"]);
  Json({"person", "add", "--household", std::to_string(id), "--id-number", number, "--name", "x"}, 4);
  // Every display of a full number is in the audit trail.
  auto trail = Json({"audit", "list", "--entity", "person/" + pid});
  int views = 0;
  for (const auto& e : trail["items"]) views += e["action"] == "person.id_number_view" ? 1 : 0;
  EXPECT_EQ(views, 2);
}

// Issue 26 item 8: phone numbers are stored encrypted (no clear column), shown
// masked, found by the full number whatever its separators, shown whole only to
// the roles that see full ID numbers (audited), and the rotation re-encrypts and
// re-indexes them.
TEST_F(CliTest, PhoneNumbersAreEncryptedFindableAndCoveredByKeyRotation) {
  auto h = Json({"household", "add", "--number", "PH1", "--village", "430424100200", "--identified-year", "2014",
                 "--phone", "138-1234-5678"});
  const std::string hid = std::to_string(h["id"].get<int64_t>());
  EXPECT_EQ(h["phone"], "138-****-5678");
  auto p = Json({"person", "add", "--household", hid, "--id-number", "440524188001010014", "--name", "王五",
                 "--phone", "13987654321"});
  const std::string pid = std::to_string(p["id"].get<int64_t>());
  EXPECT_EQ(p["phone"], "139****4321");
  AddHousehold("PH2");
  // No clear column is left, and the stored values are not the numbers.
  auto clear = RunProcess("sqlite3", {db_, "SELECT phone FROM households"});
  EXPECT_NE(clear.exit_code, 0) << clear.out;
  auto stored = [&] {
    return RunProcess("sqlite3", {db_, "SELECT hex(phone_enc) || phone_index || phone_masked FROM households"
                                       " WHERE phone_enc IS NOT NULL UNION ALL SELECT hex(phone_enc) || phone_index"
                                       " FROM persons WHERE phone_enc IS NOT NULL"}).out;
  };
  const std::string before = stored();
  EXPECT_EQ(before.find("1234-5678"), std::string::npos) << before;
  EXPECT_EQ(before.find("13987654321"), std::string::npos) << before;
  EXPECT_NE(before.find("138-****-5678"), std::string::npos) << before;
  auto found = [&](const std::string& number) {
    std::vector<int64_t> ids;
    const json page = Json({"household", "list", "--phone", number});
    for (const auto& item : page["items"]) ids.push_back(item["id"]);
    return ids;
  };
  const std::vector<int64_t> just_h = {h["id"].get<int64_t>()};
  EXPECT_EQ(found("13812345678"), just_h);
  EXPECT_EQ(found("+86 139 8765 4321"), just_h);  // a member's phone, written otherwise
  EXPECT_TRUE(found("13800000000").empty());
  EXPECT_EQ(Json({"person", "show", pid, "--unmasked"})["phone"], "13987654321");

  auto rotated = Json({"keys", "rotate"});
  EXPECT_EQ(rotated["values"], 3);  // one ID number, two phones
  EXPECT_NE(stored(), before);
  EXPECT_EQ(found("13812345678"), just_h);
  EXPECT_EQ(found("13987654321"), just_h);
  EXPECT_EQ(Json({"person", "show", pid, "--unmasked"})["phone"], "13987654321");
  // Issue 24: the search box finds a member's full ID number through the
  // re-keyed blind index too, and the household number.
  auto searched = [&](const std::string& q) {
    std::vector<int64_t> ids;
    const json page = Json({"household", "list", "--q", q});
    for (const auto& item : page["items"]) ids.push_back(item["id"]);
    return ids;
  };
  EXPECT_EQ(searched("440524188001010014"), just_h);
  EXPECT_EQ(searched("PH1"), just_h);
  EXPECT_TRUE(searched("440524188001010022").empty());
  auto trail = Json({"audit", "list", "--entity", "person/" + pid});
  int views = 0;
  for (const auto& e : trail["items"]) views += e["action"] == "person.phone_view" ? 1 : 0;
  EXPECT_EQ(views, 2);
}

// Issue 26 item 9: every audit entry that writes registry rows carries their
// digests; `audit verify --records` names a row edited, added or deleted in
// the database file behind fupin's back (table, id, the entry that audited it).
TEST_F(CliTest, AuditVerifyRecordsFindsRowsEditedInTheFile) {
  const int64_t hid = AddHousehold("R1");
  const std::string h = std::to_string(hid);
  auto p = Json({"person", "add", "--household", h, "--id-number", "440524188001010014", "--name", "王五", "--phone",
                 "13812345678"});
  const std::string pid = std::to_string(p["id"].get<int64_t>());
  Json({"household", "year", h, "--year", "2016", "--wage", "5000"});
  Json({"person", "year", pid, "--year", "2016", "--medical-insured", "1"});
  Json({"household", "event", h, "--kind", "removed", "--date", "2017-03-01", "--reason", "test"});
  Json({"keys", "rotate"});  // re-encrypts the person's ID and phone numbers: recorded too
  auto verify = [&](int expected_exit) {
    auto r = Fupin({"audit", "verify", "--records", "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    return json::parse(r.out.substr(0, r.out.find("\n}\n") + 3));  // the report before any error
  };
  const json ok = verify(0);
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["records"]["rows"], 7);  // household, 2 events, person, membership, 2 yearly facts
  EXPECT_TRUE(ok["records"]["mismatches"].empty()) << ok.dump(1);

  // Edited in the file: a name, a year's income; a membership deleted; an event added.
  auto edit = RunProcess("sqlite3", {db_, "UPDATE persons SET name = '赵六' WHERE id = " + pid +
                                              "; UPDATE household_years SET wage_income = 999999 WHERE household_id = " +
                                              h + "; DELETE FROM memberships WHERE person_id = " + pid +
                                              "; INSERT INTO household_events (household_id, kind, year, date, actor,"
                                              " recorded_at) VALUES (" + h + ", 'returned', 2018, '2018-01-01', 'x', 0)"});
  ASSERT_EQ(edit.exit_code, 0) << edit.err;
  const json bad = verify(5);
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad["first_bad_id"], nullptr);  // the chain itself is intact
  std::map<std::string, json> found;
  for (const auto& m : bad["records"]["mismatches"]) found[m["record"].get<std::string>()] = m;
  ASSERT_EQ(found.size(), 4u) << bad.dump(1);
  const json& person = found.at("persons/" + pid);
  EXPECT_EQ(person["table"], "persons");
  EXPECT_EQ(person["id"], pid);
  EXPECT_TRUE(person["audit_id"].is_number()) << person;
  EXPECT_NE(person["problem"].get<std::string>().find("changed"), std::string::npos);
  EXPECT_TRUE(found.contains("household_years/" + h + "/2016"));
  EXPECT_NE(found.at("memberships/1")["problem"].get<std::string>().find("missing"), std::string::npos);
  bool added = false;
  for (const auto& [record, m] : found) added = added || (record.rfind("household_events/", 0) == 0 && m["audit_id"].is_null());
  EXPECT_TRUE(added) << bad.dump(1);
}

// Issue 6: rotation re-encrypts the ID numbers the departments' rosters hold
// too, and reconciliation (and a new import) still matches them afterwards.
TEST_F(CliTest, KeysRotateCoversRosterIdNumbersAndReconcileStillMatches) {
  const int64_t id = AddHousehold("K3");
  const std::string number = "440524188001010014";
  Json({"person", "add", "--household", std::to_string(id), "--id-number", number, "--name", "王五"});
  const std::string unknown = MakeIdNumber("43042420100101007");
  const std::string roster = dir_.File("roster.csv");
  std::ofstream(roster) << "身份证号,金额,日期\n" << number << ",1000,2020-09-15\n" << unknown << ",500,2020-09-15\n";
  auto imported = Json({"roster", "import", "--department", "education", "--policy", "edu.compulsory_living", "--year",
                        "2020", roster});
  EXPECT_EQ(imported["matched"], 1);
  auto ciphers = [&] {
    return RunProcess("sqlite3", {db_, "SELECT hex(id_number_enc) FROM roster_entries ORDER BY row_number"}).out;
  };
  const std::string before_ciphers = ciphers();
  const json before = Json({"reconcile", "--year", "2020"});
  EXPECT_EQ(before["summary"]["unentitled"], 1);
  EXPECT_EQ(before["summary"]["unknown"], 1);
  auto rotated = Json({"keys", "rotate"});
  EXPECT_EQ(rotated["values"], 3);  // one person, two roster rows
  EXPECT_NE(ciphers(), before_ciphers);
  const json after = Json({"reconcile", "--year", "2020"});
  EXPECT_EQ(after["summary"], before["summary"]);
  EXPECT_EQ(after["items"].size(), before["items"].size());
  // The roster handed in again after the rotation still finds the person.
  auto again = Json({"roster", "import", "--department", "education", "--policy", "edu.compulsory_living", "--year",
                     "2020", roster});
  EXPECT_EQ(again["matched"], 1);
  EXPECT_EQ(again["unknown"], 1);
  EXPECT_EQ(Json({"reconcile", "--year", "2020"})["summary"], before["summary"]);
}

// Issue 24: in a Chinese locale a refusal reads in Chinese (the API's
// message_zh), the English below it; --json carries message_zh always.
TEST_F(CliTest, RefusalsReadInChineseInAChineseLocale) {
  const std::vector<std::string> args = {"household", "show", "987654"};
  auto zh = RunProcess("/usr/bin/env", [&] {
    std::vector<std::string> a = {"LC_ALL=", "LC_MESSAGES=", "LANG=zh_CN.UTF-8", FupinBinary(), "--db", db_};
    a.insert(a.end(), args.begin(), args.end());
    return a;
  }());
  EXPECT_EQ(zh.exit_code, 3) << zh.err;
  EXPECT_NE(zh.err.find("没有户 987654"), std::string::npos) << zh.err;
  EXPECT_NE(zh.err.find("no household"), std::string::npos) << zh.err;
  auto en = RunProcess("/usr/bin/env", [&] {
    std::vector<std::string> a = {"LC_ALL=C", FupinBinary(), "--db", db_};
    a.insert(a.end(), args.begin(), args.end());
    return a;
  }());
  EXPECT_EQ(en.err.find("不存在"), std::string::npos) << en.err;
  auto j = Fupin({"household", "show", "987654", "--json"});
  EXPECT_FALSE(json::parse(j.out)["error"]["message_zh"].get<std::string>().empty()) << j.out;
}

TEST_F(CliTest, AMissingKeyFileIsRefusedOnceIdNumbersExist) {
  const int64_t id = AddHousehold("K2");
  Json({"person", "add", "--household", std::to_string(id), "--id-number", "440524188001010014", "--name", "王五"});
  std::filesystem::rename(db_ + ".key", db_ + ".key.away");
  auto r = Fupin({"household", "list"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("key file"), std::string::npos) << r.err;
  std::filesystem::rename(db_ + ".key.away", db_ + ".key");
  EXPECT_EQ(Fupin({"household", "list"}).exit_code, 0);
}

TEST_F(CliTest, RefusesADatabaseFromANewerFupin) {
  RunProcess("sqlite3", {db_, "INSERT INTO schema_migrations (id, name, applied_at) VALUES (99999, 'future', 0)"});
  auto r = Fupin({"areas", "show", "430424"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("newer fupin"), std::string::npos) << r.err;
}

TEST_F(CliTest, AreaImportRefusesABadRowNamingFileLineAndFieldAndChangesNothing) {
  TempDir bad;
  WriteAreaFixture(bad.path(), 2, 2);
  WriteText(bad.path() + "/villages.csv",
            "code,name,streetCode,provinceCode,cityCode,areaCode\n"
            "430424100200,\"甲村\",430424100,43,4304,430424\n"
            "43042410020,\"乙村\",430424100,43,4304,430424\n");
  const std::string before = Snapshot();
  auto r = Fupin({"areas", "import", bad.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("villages.csv, line 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("field code"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(CliTest, OnlyImportsOneSubtreeAndItsParents) {
  TempDir other;
  auto db = other.File("only.db");
  auto r = RunFupin(db, {"areas", "import", dir_.path(), "--only", "430424101", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["provinces"], 1);
  EXPECT_EQ(j["counties"], 1);
  EXPECT_EQ(j["townships"], 1);
  EXPECT_EQ(j["villages"], 4);
}

// A process killed in the middle of an import leaves the database as it was.
TEST(CliKillTest, KilledImportLeavesTheDatabaseAsItWas) {
  TempDir dir;
  const std::string db = dir.File("fupin.db");
  TempDir small;
  WriteAreaFixture(small.path(), 2, 3);
  ASSERT_EQ(RunFupin(db, {"areas", "import", small.path()}).exit_code, 0);
  const std::string before = RunProcess("sqlite3", {db, "SELECT count(*), group_concat(code) FROM areas"}).out;

  TempDir big;
  WriteAreaFixture(big.path(), 400, 750);  // 300,000 villages
  bool killed_mid_write = false;
  for (int attempt = 0; attempt < 3 && !killed_mid_write; ++attempt) {
    const pid_t pid = Start(FupinBinary(), {"--db", db, "areas", "import", big.path()});
    // Wait until the import is writing (the write-ahead log grows), then kill it.
    const auto wal = db + "-wal";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int status = 0;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      std::error_code ec;
      if (std::filesystem::file_size(wal, ec) > 2'000'000 && !ec) break;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (exited) continue;  // finished before we could kill it: try again
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    killed_mid_write = WIFSIGNALED(status);
  }
  ASSERT_TRUE(killed_mid_write) << "could not kill the import while it was writing";
  EXPECT_EQ(RunProcess("sqlite3", {db, "SELECT count(*), group_concat(code) FROM areas"}).out, before);
  EXPECT_EQ(RunProcess("sqlite3", {db, "PRAGMA integrity_check"}).out, "ok\n");
}

TEST_F(CliTest, AssistanceFromCadresToCoverageWithPlantedGaps) {
  const int64_t h1 = AddHousehold("430424100200001");
  const int64_t h2 = AddHousehold("430424100200002");
  AddHousehold("430424100200003");  // never paired
  ASSERT_EQ(Fupin({"areas", "year", "430424100200", "--year", "2014", "--poor-village"}).exit_code, 0);
  auto a = Json({"cadre", "add", "--name", "张三", "--unit", "县教育局", "--phone", "13812345678", "--area", "430424"});
  EXPECT_EQ(a["phone"].get<std::string>().find("12345678"), std::string::npos);
  auto b = Json({"cadre", "add", "--name", "李四", "--unit", "县民政局", "--area", "430424"});
  const std::string ida = std::to_string(a["id"].get<int64_t>());
  const std::string idb = std::to_string(b["id"].get<int64_t>());
  Json({"pairing", "add", "--cadre", ida, "--household", std::to_string(h1), "--from", "2015-01-01"});
  Json({"pairing", "add", "--cadre", ida, "--household", std::to_string(h2), "--from", "2015-01-01"});
  // A household already paired is refused with status 5 (failed precondition).
  Json({"pairing", "add", "--cadre", idb, "--household", std::to_string(h1), "--from", "2016-01-01"}, 5);
  Json({"visit", "add", "--household", std::to_string(h1), "--date", "2020-01-05", "--done", "走访"});
  auto cov = Json({"coverage", "--area", "430424", "--year", "2025"});
  EXPECT_EQ(cov["as_of"], "2025-12-31");
  EXPECT_EQ(cov["total"]["poor_villages"], 1);
  EXPECT_EQ(cov["gaps"]["villages_without_team"].size(), 1u);
  EXPECT_EQ(cov["gaps"]["households_without_cadre"].size(), 1u);
  EXPECT_EQ(cov["gaps"]["households_not_visited"].size(), 2u);  // visited long ago, and never
  // Issue 24: by default on the latest visit on record, where only the
  // household never visited is overdue.
  auto latest = Json({"coverage", "--area", "430424"});
  EXPECT_EQ(latest["as_of"], "2020-01-05");
  EXPECT_EQ(latest["as_of_basis"], "latest_visit");
  EXPECT_EQ(latest["gaps"]["households_not_visited"].size(), 1u);
  auto text = Fupin({"coverage", "--area", "430424"});
  EXPECT_NE(text.out.find("结对帮扶覆盖率"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("截至 2020-01-05（最近一次走访日）"), std::string::npos) << text.out;
  // The cadre leaves: both households go to the other cadre in one step.
  auto ho = Json({"cadre", "handover", ida, "--to", idb, "--date", "2020-06-01", "--reason", "调离"});
  EXPECT_EQ(ho["opened"].size(), 2u);
  auto mine = Json({"my", "households", "--cadre", idb});
  EXPECT_EQ(mine["households"].size(), 2u);
  auto history = Json({"pairing", "list", "--household", std::to_string(h1)});
  EXPECT_EQ(history["total"], 2);
  EXPECT_EQ(Json({"department", "add", "--area", "430424", "--standard"})["added"], 29);
  auto fig = Json({"assistance-figures", "--area", "430424", "--year", "2020", "--as-of", "2020-09-30"});
  EXPECT_EQ(fig["sector_departments"], 29);
  EXPECT_EQ(fig["paired_cadres"], 1);
  EXPECT_EQ(fig["households_paired"], 2);
  // Import: a bad file names row and column and writes nothing.
  const std::string csv = dir_.File("pairings.csv");
  {
    std::ofstream f(csv);
    f << "户编号,干部,干部单位,开始日期\n430424100200003,李四,县民政局,2015-01-01\n430424100200009,李四,县民政局,2015-01-01\n";
  }
  auto bad = Fupin({"assistance-import", "pairings", csv});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("第3行 户编号: “430424100200009”：您的范围内无此户编号"), std::string::npos) << bad.err;
  EXPECT_EQ(Json({"coverage", "--area", "430424"})["gaps"]["households_without_cadre"].size(), 1u);
}

}  // namespace
}  // namespace fupin::testing
