#include <gtest/gtest.h>

#include "access/schema.h"
#include "assessment/schema.h"
#include "assistance/assistance.h"
#include "assistance/coverage.h"
#include "assistance/assistance_json.h"
#include "assistance/schema.h"
#include "core/error.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::assistance {
namespace {

std::vector<store::Migration> Extra() {
  auto m = assessment::Migrations();
  for (auto& x : Migrations()) m.push_back(std::move(x));
  return m;
}

class AssistanceTest : public ::testing::Test {
 protected:
  AssistanceTest() : fx_(Extra()), svc_(fx_.db(), fx_.clock()) { fx_.AddAreas(); }

  int64_t Cadre(const std::string& name, const std::optional<std::string>& user = std::nullopt) {
    CadreInput in;
    in.name = name;
    in.unit = "县教育局";
    in.phone = "13812345678";
    in.area_code = "430424";
    in.user_name = user;
    return svc_.AddCadre(fx_.admin(), in);
  }
  int64_t AddUser(const std::string& name, const std::string& role, const std::string& area) {
    auto s = fx_.db().Prepare(
        "INSERT INTO users (name, role, area_code, password_hash, password_changed_at, created_at, updated_at)"
        " VALUES (?, ?, ?, 'x', 0, 0, 0) RETURNING id");
    s->BindText(1, name);
    s->BindText(2, role);
    s->BindText(3, area);
    s->Step();
    return s->Int(0);
  }
  Caller As(int64_t user_id, const std::string& name, Role role, const std::string& area) {
    Caller c;
    c.user_id = user_id;
    c.user_name = name;
    c.role = role;
    c.area_scope = area;
    return c;
  }
  int64_t AuditCount(const std::string& action) {
    auto s = fx_.db().Prepare("SELECT count(*) FROM audit_log WHERE action = ?");
    s->BindText(1, action);
    s->Step();
    return s->Int(0);
  }

  registry::testing::RegistryFixture fx_;
  AssistanceService svc_;
};

// Issue 24: the county's long lists come a page at a time, with a search.
TEST_F(AssistanceTest, CadresAndPairingsArePagedAndSearchable) {
  std::vector<int64_t> cadres;
  for (const char* name : {"甲干部", "乙干部", "丙干部", "丁主任", "戊_干部"}) cadres.push_back(Cadre(name));
  auto page = svc_.ListCadres(fx_.admin(), "430424", {"", 2, 2});
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(svc_.ListCadres(fx_.admin(), "430424", {"干部", 0, 0}).total, 4);
  EXPECT_EQ(svc_.ListCadres(fx_.admin(), "430424", {"_", 0, 0}).total, 1);  // a wildcard is a character
  EXPECT_EQ(svc_.ListCadres(fx_.admin(), "430424", {"教育局", 0, 0}).total, 5);  // the unit
  EXPECT_THROW(svc_.ListCadres(fx_.admin(), "430424", {"", 1001, 0}), Error);
  const int64_t h1 = fx_.AddHousehold("P1", "430424100200");
  const int64_t h2 = fx_.AddHousehold("P2", "430424100201");
  svc_.Pair(fx_.admin(), cadres[0], h1, "2015-01-01");
  svc_.Pair(fx_.admin(), cadres[1], h2, "2015-01-01");
  auto pairs = svc_.ListPairings(fx_.admin(), {}, {"", 1, 1});
  EXPECT_EQ(pairs.total, 2);
  ASSERT_EQ(pairs.items.size(), 1u);
  EXPECT_EQ(pairs.items[0].household_number, "P2");
  EXPECT_EQ(svc_.ListPairings(fx_.admin(), {}, {"P1", 0, 0}).total, 1);
  EXPECT_EQ(svc_.ListPairings(fx_.admin(), {}, {"乙干部", 0, 0}).items.at(0).household_number, "P2");
}

TEST_F(AssistanceTest, HandoverMovesEveryHouseholdInOneStepAndKeepsTheHistory) {
  const int64_t a = Cadre("甲干部");
  const int64_t b = Cadre("乙干部");
  const int64_t h1 = fx_.AddHousehold("H1", "430424100200");
  const int64_t h2 = fx_.AddHousehold("H2", "430424100201");
  svc_.Pair(fx_.admin(), a, h1, "2015-01-01");
  svc_.Pair(fx_.admin(), a, h2, "2015-01-01");
  const auto r = svc_.HandOver(fx_.admin(), a, b, "2020-03-01", "调离");
  EXPECT_EQ(r.ended.size(), 2u);
  EXPECT_EQ(svc_.GetCadre(fx_.admin(), a).left_on, "2020-03-01");
  EXPECT_EQ(svc_.GetCadre(fx_.admin(), a).active_households, 0);
  EXPECT_EQ(svc_.GetCadre(fx_.admin(), b).active_households, 2);
  // The old pairings stay, ended and pointing at their successors.
  const auto history = svc_.ListPairings(fx_.admin(), {std::nullopt, h1, false});
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].cadre_id, a);
  EXPECT_EQ(history[0].end_date, "2020-03-01");
  EXPECT_EQ(history[0].handed_to, history[1].id);
  EXPECT_EQ(history[1].cadre_id, b);
  EXPECT_FALSE(history[1].end_date);
  EXPECT_EQ(AuditCount("cadre.handover"), 1);
}

TEST_F(AssistanceTest, TheLimitPerCadreIsEnforcedForPairingsAndHandovers) {
  const int64_t a = Cadre("甲干部");
  std::vector<int64_t> hs;
  for (int i = 0; i < 6; ++i) hs.push_back(fx_.AddHousehold("L" + std::to_string(i), "430424100200"));
  for (int i = 0; i < 5; ++i) svc_.Pair(fx_.admin(), a, hs[static_cast<size_t>(i)], "2015-01-01");
  try {
    svc_.Pair(fx_.admin(), a, hs[5], "2015-01-01");
    FAIL() << "the sixth household was paired";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(std::string(e.what()).find("limit is 5"), std::string::npos) << e.what();
  }
  // A receiving cadre with room for fewer households refuses the whole handover.
  const int64_t b = Cadre("乙干部");
  const int64_t c = Cadre("丙干部");
  svc_.Pair(fx_.admin(), b, hs[5], "2015-01-01");
  EXPECT_THROW(svc_.HandOver(fx_.admin(), a, b, "2020-01-01", "调离"), Error);
  EXPECT_EQ(svc_.GetCadre(fx_.admin(), a).active_households, 5);  // nothing moved
  EXPECT_FALSE(svc_.GetCadre(fx_.admin(), a).left_on);
  EXPECT_NO_THROW(svc_.HandOver(fx_.admin(), a, c, "2020-01-01", "调离"));
  // A household has one active pairing.
  EXPECT_THROW(svc_.Pair(fx_.admin(), b, hs[0], "2020-02-01"), Error);
}

TEST_F(AssistanceTest, PairingContinuesAfterTheHouseholdExits) {
  const int64_t a = Cadre("甲干部");
  const int64_t h = fx_.AddHousehold("E1", "430424100200");
  svc_.Pair(fx_.admin(), a, h, "2015-01-01");
  fx_.AddEvent(h, "exited", "2018-12-01");
  const auto cov = Coverage(fx_.db(), fx_.admin(), "430424", "2019-06-01", fx_.clock());
  EXPECT_EQ(cov.total.households_registered, 1);
  EXPECT_EQ(cov.total.households_paired, 1);
  // A removed household is no longer registered, and cannot be paired.
  const int64_t r = fx_.AddHousehold("R1", "430424100200");
  registry::HouseholdRegistry reg(fx_.db(), fx_.clock());
  reg.RecordEvent(fx_.admin(), {r, "removed", "2016-01-01", std::nullopt, "清退"});
  EXPECT_THROW(svc_.Pair(fx_.admin(), a, r, "2017-01-01"), Error);
}

TEST_F(AssistanceTest, CoverageFindsPlantedGapsOfEachKind) {
  fx_.db().Execute(
      "INSERT INTO area_years (area_code, year, poor_village) VALUES ('430424100200', 2014, 1),"
      " ('430424101200', 2014, 1), ('430424100201', 2014, 0)");
  // 100200 has a team with a member; 101200 has none.
  TeamInput t{"430424100200", "县教育局", "2015-10-01", std::nullopt};
  const int64_t team = svc_.AddTeam(fx_.admin(), t);
  svc_.AddTeamMember(fx_.admin(), team, Cadre("队长"), "captain", "2015-10-01");
  const int64_t a = Cadre("甲干部");
  const int64_t b = Cadre("乙干部");
  const int64_t visited = fx_.AddHousehold("V1", "430424100200");
  const int64_t late = fx_.AddHousehold("V2", "430424100200");
  const int64_t alone = fx_.AddHousehold("V3", "430424101200");
  svc_.Pair(fx_.admin(), a, visited, "2015-01-01");
  svc_.Pair(fx_.admin(), b, late, "2015-01-01");
  svc_.RecordVisit(fx_.admin(), {visited, std::nullopt, "2026-11-20", "走访", ""});
  svc_.RecordVisit(fx_.admin(), {late, std::nullopt, "2026-06-01", "走访", "下次带种苗"});
  // Over the limit: the limit lowered under a cadre's load.
  fx_.db().Execute(
      "INSERT INTO assessment_parameters (name, key, value, source, effective_from, set_by, set_at)"
      " VALUES ('pairing_household_limit', '', '0', 'test', '2014-01-01', 't', 0)");
  const auto cov = Coverage(fx_.db(), fx_.admin(), "430424", std::nullopt, fx_.clock());
  EXPECT_EQ(cov.total.poor_villages, 2);
  EXPECT_EQ(cov.total.poor_villages_with_team, 1);
  ASSERT_EQ(cov.villages_without_team.size(), 1u);
  EXPECT_EQ(cov.villages_without_team[0].village_code, "430424101200");
  ASSERT_EQ(cov.households_without_cadre.size(), 1u);
  EXPECT_EQ(cov.households_without_cadre[0].household_id, alone);
  ASSERT_EQ(cov.households_not_visited.size(), 1u);
  EXPECT_EQ(cov.households_not_visited[0].household_id, late);
  EXPECT_EQ(cov.cadres_over_limit.size(), 2u);
  EXPECT_DOUBLE_EQ(cov.total.resident_coverage_rate(), 50.0);
  ASSERT_EQ(cov.townships.size(), 2u);
  EXPECT_EQ(cov.townships[0].households_paired, 2);
  EXPECT_EQ(cov.townships[1].households_registered, 1);
  EXPECT_EQ(cov.townships[1].households_paired, 0);
  const auto j = CoverageJson(cov);
  EXPECT_EQ(j["total"]["pairing_coverage_rate"], 66.67);

  // The whole country ("nation"): the same households, broken down by province;
  // a county officer may not ask for it.
  const auto nation = Coverage(fx_.db(), fx_.admin(), "nation", std::nullopt, fx_.clock());
  EXPECT_EQ(nation.total.area_name, "全国");
  EXPECT_EQ(nation.total.households_registered, cov.total.households_registered);
  EXPECT_EQ(nation.total.households_paired, cov.total.households_paired);
  ASSERT_EQ(nation.townships.size(), 1u);
  EXPECT_EQ(nation.townships[0].area_code, "43");
  const Caller county = As(AddUser("county1", "county_office", "430424"), "county1", Role::kCountyOffice, "430424");
  EXPECT_THROW(Coverage(fx_.db(), county, "nation", std::nullopt, fx_.clock()), Error);
}

// Issue 24: work teams a page at a time, found by village, unit or leader;
// a team added later to an earlier village keeps its members.
TEST_F(AssistanceTest, WorkTeamsArePagedAndSearchable) {
  const int64_t later = svc_.AddTeam(fx_.admin(), {"430424101200", "县民政局", "2016-01-01", std::nullopt});
  const int64_t early = svc_.AddTeam(fx_.admin(), {"430424100200", "县教育局", "2015-10-01", std::nullopt});
  svc_.AddTeamMember(fx_.admin(), later, Cadre("王队长"), "captain", "2016-01-01");
  svc_.AddTeamMember(fx_.admin(), later, Cadre("赵队员"), "member", "2016-01-01");
  svc_.AddTeamMember(fx_.admin(), early, Cadre("李队长"), "captain", "2015-10-01");
  const auto all = svc_.ListTeams(fx_.admin(), "430424", ListWindow{});
  EXPECT_EQ(all.total, 2);
  ASSERT_EQ(all.items.size(), 2u);
  EXPECT_EQ(all.items[0].id, early);  // by village
  ASSERT_EQ(all.items[0].members.size(), 1u);
  ASSERT_EQ(all.items[1].members.size(), 2u);
  EXPECT_EQ(all.items[1].members[0].cadre_name, "王队长");
  const auto second = svc_.ListTeams(fx_.admin(), "430424", {"", 1, 1});
  EXPECT_EQ(second.total, 2);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, later);
  EXPECT_EQ(second.items[0].members.size(), 2u);
  EXPECT_EQ(svc_.ListTeams(fx_.admin(), "430424", {"王队长", 0, 0}).items.at(0).id, later);  // the leader
  EXPECT_EQ(svc_.ListTeams(fx_.admin(), "430424", {"赵队员", 0, 0}).total, 0);             // a member is no leader
  EXPECT_EQ(svc_.ListTeams(fx_.admin(), "430424", {"430424100", 0, 0}).items.at(0).id, early);  // the code's start
  EXPECT_EQ(svc_.ListTeams(fx_.admin(), "430424", {"民政", 0, 0}).total, 1);                 // the unit
  const std::string village = svc_.GetTeam(fx_.admin(), later).village_name;
  EXPECT_EQ(svc_.ListTeams(fx_.admin(), "430424", {village, 0, 0}).items.at(0).id, later);  // the village's name
  EXPECT_THROW(svc_.ListTeams(fx_.admin(), "430424", {"", 1001, 0}), Error);
}

// Issue 24: the gap lists a page at a time on a chosen date, counting as the
// coverage counts; the default date is the latest visit, not today.
TEST_F(AssistanceTest, CoverageGapsArePagedOnTheDateOfTheLatestVisit) {
  const int64_t a = Cadre("甲干部");
  const int64_t b = Cadre("乙干部");
  std::vector<int64_t> hs;
  for (const char* n : {"G1", "G2", "G3", "G4"}) hs.push_back(fx_.AddHousehold(n, "430424100200"));
  const int64_t alone = fx_.AddHousehold("G5", "430424101200");
  svc_.Pair(fx_.admin(), a, hs[0], "2015-01-01");
  svc_.Pair(fx_.admin(), a, hs[1], "2015-01-01");
  svc_.Pair(fx_.admin(), b, hs[2], "2015-01-01");
  svc_.Pair(fx_.admin(), b, hs[3], "2015-01-01");
  svc_.RecordVisit(fx_.admin(), {hs[0], std::nullopt, "2020-09-30", "走访", ""});
  svc_.RecordVisit(fx_.admin(), {hs[1], std::nullopt, "2020-09-10", "走访", ""});
  svc_.RecordVisit(fx_.admin(), {hs[2], std::nullopt, "2020-05-01", "走访", ""});
  // G4 never visited: overdue since its pairing.
  const auto date = ResolveCoverageDate(fx_.db(), "430424", std::nullopt, std::nullopt, fx_.clock());
  EXPECT_EQ(date.date, "2020-09-30");
  EXPECT_EQ(date.basis, "latest_visit");
  EXPECT_EQ(ResolveCoverageDate(fx_.db(), "430424", std::nullopt, 2019, fx_.clock()).date, "2019-12-31");
  EXPECT_EQ(ResolveCoverageDate(fx_.db(), "430424", std::nullopt, 2026, fx_.clock()).basis, "today");
  EXPECT_EQ(ResolveCoverageDate(fx_.db(), "430424", "2020-01-01", 2019, fx_.clock()).basis, "given");
  EXPECT_EQ(ResolveCoverageDate(fx_.db(), "430424101200", std::nullopt, std::nullopt, fx_.clock()).basis, "today");
  EXPECT_THROW(ResolveCoverageDate(fx_.db(), "430424", "2020-13-01", std::nullopt, fx_.clock()), Error);
  EXPECT_THROW(ResolveCoverageDate(fx_.db(), "430424", std::nullopt, 1900, fx_.clock()), Error);

  const auto cov = Coverage(fx_.db(), fx_.admin(), "430424", date.date, fx_.clock());
  const auto late = CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kNotVisited, date.date, {"", 0, 0}, fx_.clock());
  EXPECT_EQ(late.total, cov.total.households_overdue);
  ASSERT_EQ(late.total, 2);  // G3 (May) and G4 (never); G1 and G2 within 30 days
  EXPECT_EQ(late.items[0].number, "G3");
  EXPECT_EQ(late.items[0].last_visit, "2020-05-01");
  EXPECT_EQ(late.items[0].cadre_name, "乙干部");
  EXPECT_FALSE(late.items[0].village_name.empty());
  EXPECT_EQ(late.items[1].number, "G4");
  EXPECT_FALSE(late.items[1].last_visit);
  // Today (2026) everyone paired is overdue: what the default date avoids.
  EXPECT_EQ(CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kNotVisited, "2026-11-28", {"", 0, 0}, fx_.clock()).total, 4);
  // A page and the search.
  const auto page = CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kNotVisited, date.date, {"", 1, 1}, fx_.clock());
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].number, "G4");
  EXPECT_EQ(CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kNotVisited, date.date, {"G4", 0, 0}, fx_.clock()).total, 1);
  EXPECT_EQ(CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kNotVisited, date.date, {"乙干", 0, 0}, fx_.clock()).total, 2);
  EXPECT_EQ(CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kNotVisited, date.date, {"甲干", 0, 0}, fx_.clock()).total, 0);
  EXPECT_EQ(CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kNotVisited, date.date, {"甲村", 0, 0}, fx_.clock()).total, 2);
  const auto without = CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kWithoutCadre, date.date, {"", 0, 0}, fx_.clock());
  EXPECT_EQ(static_cast<size_t>(without.total), cov.households_without_cadre.size());
  ASSERT_EQ(without.items.size(), 1u);
  EXPECT_EQ(without.items[0].household_id, alone);
  EXPECT_EQ(CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kWithoutCadre, date.date, {"430424101", 0, 0}, fx_.clock()).total, 1);
  EXPECT_EQ(CoverageGaps(fx_.db(), fx_.admin(), "430424", GapKind::kWithoutCadre, date.date, {"430424100", 0, 0}, fx_.clock()).total, 0);
  EXPECT_EQ(ParseGapKind("not_visited"), GapKind::kNotVisited);
  EXPECT_FALSE(ParseGapKind("late"));
  // A donor may not read them.
  const Caller donor = As(0, "donor", Role::kDonor, "430424");
  EXPECT_THROW(CoverageGaps(fx_.db(), donor, "430424", GapKind::kNotVisited, date.date, {"", 0, 0}, fx_.clock()), Error);
}

TEST_F(AssistanceTest, APairedCadreReachesExactlyTheirOwnHouseholds) {
  const int64_t user = AddUser("paired1", "paired_cadre", "430424100200");
  const int64_t mine_cadre = Cadre("甲干部", "paired1");
  const int64_t other_cadre = Cadre("乙干部");
  const int64_t mine = fx_.AddHousehold("M1", "430424100200");
  const int64_t other = fx_.AddHousehold("M2", "430424100200");
  svc_.Pair(fx_.admin(), mine_cadre, mine, "2015-01-01");
  svc_.Pair(fx_.admin(), other_cadre, other, "2015-01-01");
  const Caller me = As(user, "paired1", Role::kPairedCadre, "430424100200");
  registry::HouseholdRegistry reg(fx_.db(), fx_.clock());
  EXPECT_EQ(reg.GetHousehold(me, mine).number, "M1");
  EXPECT_THROW(reg.GetHousehold(me, other), Error);
  const auto page = reg.ListHouseholds(me, {});
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0].id, mine);
  // Visits: own households only, as themselves.
  EXPECT_NO_THROW(svc_.RecordVisit(me, {mine, std::nullopt, "2026-11-01", "走访", ""}));
  EXPECT_THROW(svc_.RecordVisit(me, {other, std::nullopt, "2026-11-01", "走访", ""}), Error);
  EXPECT_THROW(svc_.RecordVisit(me, {mine, other_cadre, "2026-11-01", "走访", ""}), Error);
  // Managing pairings is not theirs.
  EXPECT_THROW(svc_.Pair(me, mine_cadre, other, "2016-01-01"), Error);
  const auto view = svc_.MyView(me);
  ASSERT_EQ(view.households.size(), 1u);
  EXPECT_EQ(view.households[0].last_visit, "2026-11-01");
  EXPECT_EQ(view.households[0].next_visit_due, "2026-12-01");
  EXPECT_FALSE(view.households[0].overdue);
  // Masked phone in every output.
  EXPECT_NE(CadreJson(view.cadre)["phone"], "13812345678");
  // Coverage counts and names only their own households (issue 26), while
  // the village's office sees the unpaired one.
  fx_.AddHousehold("M3", "430424100200");
  const CoverageReport cov = Coverage(fx_.db(), me, "430424100200", std::nullopt, fx_.clock());
  EXPECT_EQ(cov.total.households_registered, 1);
  EXPECT_TRUE(cov.households_without_cadre.empty());
  for (const auto& g : cov.households_not_visited) EXPECT_EQ(g.household_id, mine);
  EXPECT_EQ(CoverageGaps(fx_.db(), me, "430424100200", GapKind::kWithoutCadre, "2026-11-28", {}, fx_.clock()).total, 0);
  const auto my_late = CoverageGaps(fx_.db(), me, "430424100200", GapKind::kNotVisited, "2027-06-01", {}, fx_.clock());
  ASSERT_EQ(my_late.total, 1);
  EXPECT_EQ(my_late.items[0].household_id, mine);
  const CoverageReport all = Coverage(fx_.db(), fx_.admin(), "430424100200", std::nullopt, fx_.clock());
  EXPECT_EQ(all.total.households_registered, 3);
  ASSERT_EQ(all.households_without_cadre.size(), 1u);
  EXPECT_EQ(all.households_without_cadre[0].number, "M3");
  // After the pairing ends, the household is out of reach.
  const auto pairs = svc_.ListPairings(fx_.admin(), {mine_cadre, std::nullopt, true});
  ASSERT_EQ(pairs.size(), 1u);
  svc_.EndPairing(fx_.admin(), pairs[0].id, "2026-11-15", "调整");
  EXPECT_THROW(reg.GetHousehold(me, mine), Error);
}

TEST_F(AssistanceTest, RolesOutsideTheScopeOrWithoutAssistanceAreRefusedAndAudited) {
  const Caller donor = As(0, "donor", Role::kDonor, "430424");
  const Caller town = As(0, "town", Role::kTownship, "430424101");
  EXPECT_THROW(svc_.ListCadres(donor, ""), Error);
  TeamInput t{"430424100200", "县教育局", "2015-10-01", std::nullopt};
  EXPECT_THROW(svc_.AddTeam(town, t), Error);
  EXPECT_GE(AuditCount("access.denied"), 1);
  const Caller auditor = As(0, "auditor", Role::kAuditor, "430424");
  EXPECT_NO_THROW(Coverage(fx_.db(), auditor, "430424", std::nullopt, fx_.clock()));
  CadreInput in{std::nullopt, "某", "县局", "", std::nullopt, "430424", std::nullopt};
  EXPECT_THROW(svc_.AddCadre(auditor, in), Error);
  EXPECT_EQ(svc_.AddStandardDepartments(fx_.admin(), "430424"), 29);
  EXPECT_EQ(svc_.AddStandardDepartments(fx_.admin(), "430424"), 0);
  EXPECT_EQ(svc_.ListDepartments(auditor, "430424").front().name, "县委组织部");
}

TEST_F(AssistanceTest, ProgressFiguresCountFromTheRecords) {
  fx_.db().Execute("INSERT INTO area_years (area_code, year, poor_village) VALUES ('430424100200', 2020, 1)");
  const int64_t leader = Cadre("县长");
  svc_.LinkLeader(fx_.admin(), leader, "430424100", "2015-01-01");
  svc_.LinkLeader(fx_.admin(), leader, "430424100200", "2015-01-01");
  svc_.AddStandardDepartments(fx_.admin(), "430424");
  const int64_t team = svc_.AddTeam(fx_.admin(), {"430424100200", "县教育局", "2015-10-01", std::nullopt});
  svc_.AddTeamMember(fx_.admin(), team, Cadre("队长"), "captain", "2015-10-01");
  svc_.AddTeamMember(fx_.admin(), team, Cadre("书记"), "first_secretary", "2015-10-01");
  const int64_t h = fx_.AddHousehold("F1", "430424101200");
  fx_.AddHousehold("F2", "430424101200");
  svc_.Pair(fx_.admin(), Cadre("甲"), h, "2015-01-01");
  const auto figures = ProgressFigures(fx_.db(), fx_.admin(), "430424", 2020, "2020-09-30");
  const auto j = FiguresJson(figures);
  EXPECT_EQ(j["county_leaders_linked"], 1);
  EXPECT_EQ(j["sector_departments"], 29);
  EXPECT_EQ(j["townships"], 2);
  EXPECT_EQ(j["villages_with_tasks"], 2);
  EXPECT_EQ(j["work_teams"], 1);
  EXPECT_EQ(j["work_team_members"], 2);
  EXPECT_EQ(j["paired_cadres"], 1);
  EXPECT_EQ(j["households_paired"], 1);
  EXPECT_EQ(j["resident_coverage_rate"]["value"], 100.0);
  EXPECT_EQ(j["pairing_coverage_rate"]["value"], 50.0);
}

}  // namespace
}  // namespace fupin::assistance
