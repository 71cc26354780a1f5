// Grievances on a small registry: intake from any channel with every problem
// named, the complainant kept as personal data, the steps, deadlines by
// category and what is overdue, a grievance that opens a change request, and
// the figures. Runs on SQLite and (pg. copy) PostgreSQL.
#include <gtest/gtest.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "access/personal_data.h"
#include "core/error.h"
#include "core/vocabulary_testing.h"
#include "core/id_number.h"
#include "grievance/challenge.h"
#include "grievance/changes.h"
#include "grievance/grievances.h"
#include "grievance/signals.h"
#include "grievance/schema.h"
#include "registry/testing.h"

namespace fupin::grievance {
namespace {

using nlohmann::json;

constexpr const char* kVillage = "430424100200";

class GrievancesTest : public ::testing::Test {
 protected:
  GrievancesTest() : fx_(Migrations()), svc_(fx_.db(), fx_.clock()) {
    fx_.AddAreas();
    county_ = As("县扶贫办", Role::kCountyOffice, "430424");
    township_ = As("乡镇干部", Role::kTownship, "430424100");
    other_township_ = As("别乡干部", Role::kTownship, "430424101");
    cadre_ = As("村干部", Role::kVillageCadre, kVillage);
    auditor_ = As("审计", Role::kAuditor, "430424");
    h1_ = fx_.AddHousehold("4304241002000001", kVillage);
  }

  Caller As(const std::string& name, Role role, const std::string& area) {
    auto s = fx_.db().Prepare(
        "INSERT INTO users (name, role, area_code, password_hash, password_changed_at, created_at, updated_at)"
        " VALUES (?, ?, ?, 'x', 0, 0, 0) RETURNING id");
    s->BindText(1, name);
    s->BindText(2, RoleName(role));
    s->BindText(3, area);
    s->Step();
    Caller c{s->Int(0), name, role, area};
    s->Reset();
    return c;
  }

  GrievanceInput Excluded() {
    GrievanceInput in;
    in.channel = "hotline";
    in.category = "wrongly_excluded";
    in.household_id = h1_;
    in.complainant = "王五六";
    in.phone = "13812345678";
    in.text = "家里因病致贫，未被纳入监测";
    return in;
  }

  int64_t Count(const char* table) { return *fx_.db().QueryInt(std::string("SELECT count(*) FROM ") + table); }

  registry::testing::RegistryFixture fx_;
  Grievances svc_;
  Caller county_, township_, other_township_, cadre_, auditor_;
  int64_t h1_ = 0;
};

TEST_F(GrievancesTest, BadInputNamesEveryProblemAndStoresNothing) {
  GrievanceInput in;
  in.channel = "fax";
  in.category = "weather";
  in.area_code = "999999";
  in.phone = "12";
  in.received_on = "2026-13-01";
  try {
    svc_.Intake(cadre_, in);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_EQ(paths, (std::set<std::string>{"channel", "category", "text", "complainant", "phone", "received_on",
                                            "area_code"}))
        << e.what();
  }
  EXPECT_EQ(Count("grievances"), 0);
  EXPECT_EQ(Count("grievance_steps"), 0);
}

TEST_F(GrievancesTest, TheComplainantIsStoredEncryptedShownMaskedAndRevealedOnlyToHandlers) {
  const Grievance g = svc_.Intake(cadre_, Excluded());
  EXPECT_EQ(g.number, "XF20261128-0001");
  EXPECT_EQ(g.area_code, kVillage);
  EXPECT_EQ(g.status, GrievanceStatus::kReceived);
  EXPECT_EQ(g.deadline, "2026-12-28");  // wrongly_excluded: 30 days
  EXPECT_EQ(g.complainant, "王**");
  EXPECT_EQ(g.phone, "138****5678");
  auto s = fx_.db().Prepare("SELECT complainant_enc FROM grievances");
  ASSERT_TRUE(s->Step());
  const auto blob = s->Blob(0);
  EXPECT_EQ(std::string(blob.begin(), blob.end()).find("王五六"), std::string::npos);
  s.reset();
  const Complainant c = svc_.Reveal(township_, g.id);
  EXPECT_EQ(c.name, "王五六");
  EXPECT_EQ(c.phone, "13812345678");
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'grievance.complainant_view'"), 1);
  EXPECT_THROW(svc_.Reveal(auditor_, g.id), Error);
  EXPECT_THROW(svc_.Reveal(cadre_, g.id), Error);
  EXPECT_THROW(svc_.Get(other_township_, g.id), Error);
  EXPECT_EQ(svc_.Get(auditor_, g.id).complainant, "王**");
  // Anonymous: no complainant at all.
  GrievanceInput anonymous = Excluded();
  anonymous.anonymous = true;
  anonymous.complainant.reset();
  anonymous.phone.reset();
  const Grievance a = svc_.Intake(county_, anonymous);
  EXPECT_EQ(a.number, "XF20261128-0002");
  EXPECT_FALSE(a.complainant.has_value());
  EXPECT_EQ(svc_.Reveal(county_, a.id).name, "");
}

TEST_F(GrievancesTest, StepsRunInOrderAndAGrievanceCanBeReopened) {
  Grievance g = svc_.Intake(cadre_, Excluded());
  EXPECT_THROW(svc_.Step(township_, g.id, g.version, "answered", "答复"), Error);  // not yet accepted
  g = svc_.Accept(township_, g.id, g.version, "大浦镇扶贫站");
  EXPECT_EQ(g.status, GrievanceStatus::kAccepted);
  EXPECT_EQ(g.unit, "大浦镇扶贫站");
  EXPECT_THROW(svc_.Step(cadre_, g.id, g.version, "investigating", ""), Error);  // village cadres do not handle
  g = svc_.Step(township_, g.id, g.version, "investigating", "");
  EXPECT_THROW(svc_.Step(township_, g.id, g.version, "answered", ""), Error);   // the answer is required
  g = svc_.Step(township_, g.id, g.version, "answered", "已入户核实，纳入监测对象");
  EXPECT_EQ(g.answered_on, "2026-11-28");
  EXPECT_THROW(svc_.Step(township_, g.id, g.version, "closed", "", std::string("happy")), Error);
  g = svc_.Step(township_, g.id, g.version, "closed", "", std::string("satisfied"));
  EXPECT_EQ(g.status, GrievanceStatus::kClosed);
  EXPECT_EQ(g.satisfaction, "satisfied");
  g = svc_.Step(county_, g.id, g.version, "reopened", "群众再次反映");
  EXPECT_EQ(g.status, GrievanceStatus::kInvestigating);
  EXPECT_FALSE(g.satisfaction.has_value());
  std::vector<std::string> steps;
  for (const auto& s : g.steps) steps.push_back(s.step);
  EXPECT_EQ(steps, (std::vector<std::string>{"received", "accepted", "investigating", "answered", "closed", "reopened"}));
  EXPECT_THROW(svc_.Step(county_, g.id, g.version - 1, "answered", "旧版本"), Error);
}

// Issue 19 item 4: the step is parsed once, a wrong one named with the accepted
// values; the wire strings stay.
TEST_F(GrievancesTest, StepsAndStatusesAreParsedOnceAndKeepTheirWireStrings) {
  testing::ExpectCompleteTable(GrievanceStatusTerms(), GrievanceStatus::kClosed);
  testing::ExpectCompleteTable(GrievanceStepTerms(), GrievanceStepKind::kChangeRequested);
  const Grievance intake = svc_.Intake(cadre_, Excluded());
  Grievance g = svc_.Accept(township_, intake.id, intake.version, "大浦镇扶贫站");
  for (const char* step : {"escalated", "received", "change_requested"}) {
    try {
      svc_.Step(township_, g.id, g.version, step, "");
      FAIL() << step;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      ASSERT_EQ(e.details().size(), 1U) << e.what();
      EXPECT_EQ(e.details()[0].path, "step");
      EXPECT_NE(e.details()[0].problem.find("reopened"), std::string::npos);
    }
  }
  g = svc_.Step(township_, g.id, g.version, "investigating", "");
  EXPECT_EQ(GrievanceJson(g)["status"], "investigating");
  EXPECT_EQ(GrievanceJson(g)["status_label"], "调查核实中");
}

TEST_F(GrievancesTest, AGrievancePastItsDeadlineIsOverdueAndCountedSo) {
  const Grievance late = svc_.Intake(cadre_, Excluded());
  GrievanceInput conduct = Excluded();
  conduct.category = "cadre_conduct";  // 60 days
  const Grievance slow = svc_.Intake(cadre_, conduct);
  Grievance answered = svc_.Intake(cadre_, Excluded());
  answered = svc_.Accept(township_, answered.id, answered.version, "镇扶贫站");
  svc_.Step(township_, answered.id, answered.version, "answered", "已答复");
  fx_.clock().Set(Date{2027, 1, 5}, 1799000000);  // 38 days later
  GrievanceFilter f;
  GrievancePage page = svc_.List(township_, f);
  ASSERT_EQ(page.total, 2);  // open: the answered one is not
  EXPECT_EQ(page.overdue, 1);
  f.overdue_only = true;
  page = svc_.List(county_, f);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0].id, late.id);
  EXPECT_TRUE(page.items[0].overdue);
  EXPECT_FALSE(svc_.Get(county_, slow.id).overdue);
  const GrievanceFigures by_category = svc_.Figures(county_, "", 2026, "category");
  EXPECT_EQ(by_category.total.received, 3);
  EXPECT_EQ(by_category.total.answered, 1);
  EXPECT_EQ(by_category.total.answered_on_time, 1);
  EXPECT_EQ(by_category.total.overdue, 1);
  ASSERT_EQ(by_category.rows.size(), 2U);
  const GrievanceFigures by_area = svc_.Figures(county_, "430424", std::nullopt, "area");
  ASSERT_EQ(by_area.rows.size(), 1U);
  EXPECT_EQ(by_area.rows[0].key, "430424100");
  EXPECT_EQ(svc_.Figures(county_, "", 2027, "area").total.received, 0);
  EXPECT_THROW(svc_.Figures(cadre_, "", std::nullopt, "area"), Error);
  EXPECT_EQ(svc_.Waiting(township_).total, 2);
  EXPECT_EQ(svc_.Waiting(cadre_).total, 0);
}

TEST_F(GrievancesTest, AGrievanceThatFindsARegistryErrorOpensALinkedChangeRequest) {
  Grievance g = svc_.Intake(cadre_, Excluded());
  g = svc_.Accept(township_, g.id, g.version, "镇扶贫站");
  ChangeProposal p{"household_update", {{"household_id", h1_}, {"set", {{"main_cause", "disability"}}}}, "信访核实：因残", {}};
  g = svc_.RequestChange(township_, g.id, g.version, p);
  ASSERT_TRUE(g.change_request_id.has_value());
  const ChangeRequest r = ChangeRequests(fx_.db(), fx_.clock()).Get(county_, *g.change_request_id);
  EXPECT_EQ(r.status, ChangeStatus::kProposed);
  EXPECT_EQ(r.evidence.back(), "信访 " + g.number);
  EXPECT_EQ(g.steps.back().step, "change_requested");
  // A change that is wrong leaves the grievance unlinked.
  p.change["set"]["main_cause"] = "bad luck";
  EXPECT_THROW(svc_.RequestChange(township_, g.id, g.version, p), Error);
  EXPECT_EQ(Count("change_requests"), 1);
}

TEST_F(GrievancesTest, AnApplicationWithBadInputNamesEveryProblemAndStoresNothing) {
  ApplicationInput bad;
  bad.id_number = "430424198001010010";  // wrong check character
  bad.phone = "call me";
  bad.village_code = "430424100";        // a township
  bad.applies_for = "money";
  Problems challenge;
  challenge.Add("challenge_answer", "is not the answer to the question");
  try {
    svc_.SubmitApplication(bad, challenge);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_EQ(paths, (std::set<std::string>{"challenge_answer", "name", "id_number", "phone", "village_code",
                                            "applies_for", "text"}))
        << e.what();
  }
  EXPECT_EQ(Count("grievances"), 0);
  EXPECT_EQ(Count("grievance_steps"), 0);
}

TEST_F(GrievancesTest, AnApplicationOfARegisteredPersonIsAboutTheirHouseholdAndCanBeLookedUpWithThePhone) {
  fx_.AddPerson(h1_, "19800101", "head", "赵六");
  const std::string first17 = "43042419800101001";
  ApplicationInput a;
  a.name = "赵六";
  a.id_number = first17 + IdCheckCharacter(first17);
  a.phone = "139-0000-1111";
  a.village_code = "430424101200";  // they wrote another village; the registry knows theirs
  a.applies_for = "monitoring";
  a.text = "今年住院花了六万元";
  const Grievance g = svc_.SubmitApplication(a);
  EXPECT_EQ(g.channel, "self_application");
  EXPECT_EQ(g.category, "self_application");
  EXPECT_EQ(g.household_id, h1_);
  EXPECT_EQ(g.area_code, kVillage);
  EXPECT_EQ(g.deadline, "2026-12-13");  // 15 days
  auto s = fx_.db().Prepare("SELECT id_number_masked, id_number_enc, recorded_by FROM grievances");
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(0).find("19800101"), std::string::npos);
  const auto blob = s->Blob(1);
  EXPECT_EQ(std::string(blob.begin(), blob.end()).find(first17), std::string::npos);
  EXPECT_EQ(s->Text(2), "public-application");
  s.reset();
  const ApplicationState state = svc_.ApplicationStateOf(g.number, "13900001111");
  EXPECT_EQ(state.status, "received");
  EXPECT_EQ(state.status_label, "已登记");
  EXPECT_THROW(svc_.ApplicationStateOf(g.number, "13900002222"), Error);
  // The township sees it among the grievances to handle.
  EXPECT_EQ(svc_.Waiting(township_).total, 1);
  EXPECT_EQ(svc_.Figures(county_, "", std::nullopt, "channel").rows.at(0).label, "自主申报");
}

TEST(ChallengeTest, OnlyTheRightAnswerBeforeTheExpiryHolds) {
  access::KeyRing keys;
  keys.AddRandom();
  const access::PersonalDataProtector protector(keys);
  const Challenge c = IssueChallenge(protector, 1000);
  EXPECT_EQ(c.expires_at, 1000 + kChallengeSeconds);
  // The question is "a 加 b 等于几？".
  int a = 0, b = 0;
  ASSERT_EQ(std::sscanf(c.question.c_str(), "%d 加 %d", &a, &b), 2) << c.question;
  const std::string right = std::to_string(a + b);
  EXPECT_EQ(CheckChallenge(protector, c.token, right, 1001), "");
  EXPECT_NE(CheckChallenge(protector, c.token, std::to_string(a + b + 1), 1001), "");
  EXPECT_NE(CheckChallenge(protector, c.token, right, c.expires_at + 1), "");
  EXPECT_NE(CheckChallenge(protector, "99999999999." + c.token.substr(c.token.find('.') + 1), right, 1001), "");
  EXPECT_NE(CheckChallenge(protector, "nonsense", right, 1001), "");
  access::KeyRing other;
  other.AddRandom();
  EXPECT_NE(CheckChallenge(access::PersonalDataProtector(other), c.token, right, 1001), "");
}

}  // namespace
}  // namespace fupin::grievance

namespace fupin::grievance {
namespace {

// Issue 23: what comes in counts elsewhere. A household's own application and
// a grievance of being left out are signals of the monitoring scan for their
// year; an application not answered and a change request not decided in
// their days are findings of the data-quality checks (on that day, not before).
TEST_F(GrievancesTest, WhatComesInFeedsTheScanAndTheQualityChecks) {
  fx_.AddPerson(h1_, "19800101", "head", "赵六");
  const std::string first17 = "43042419800101001";
  ApplicationInput a;
  a.name = "赵六";
  a.id_number = first17 + IdCheckCharacter(first17);
  a.phone = "13900001111";
  a.village_code = kVillage;
  a.applies_for = "monitoring";
  a.text = "今年住院花了六万元";
  const Grievance applied = svc_.SubmitApplication(a);
  GrievanceInput conduct = Excluded();
  conduct.category = "cadre_conduct";  // not a sign of difficulty
  svc_.Intake(cadre_, conduct);
  EXPECT_EQ(SelfReportedHouseholds(fx_.db(), "430424", 2026), (std::unordered_map<int64_t, int64_t>{{h1_, 1}}));
  svc_.Intake(cadre_, Excluded());
  EXPECT_EQ(SelfReportedHouseholds(fx_.db(), "430424", 2026).at(h1_), 2);
  EXPECT_TRUE(SelfReportedHouseholds(fx_.db(), "430424", 2025).empty());
  EXPECT_TRUE(SelfReportedHouseholds(fx_.db(), "430424101", 2026).empty());
  const ChangeRequest r = ChangeRequests(fx_.db(), fx_.clock())
                              .Propose(cadre_, {"household_update", {{"household_id", h1_}, {"set", {{"address", "新址"}}}},
                                                "门牌调整", {}});
  EXPECT_TRUE(OverdueIntakeOn(fx_.db(), "430424", fx_.clock().Today()).empty());
  // 2026-11-28 + 15 days = 2026-12-13 (the application), + 10 days = 2026-12-08 (the request).
  EXPECT_TRUE(OverdueIntakeOn(fx_.db(), "430424", Date{2026, 12, 8}).empty());
  auto late = OverdueIntakeOn(fx_.db(), "430424", Date{2026, 12, 9});
  ASSERT_EQ(late.size(), 1U);
  EXPECT_EQ(late[0].kind, "change_request");
  EXPECT_EQ(late[0].id, r.id);
  EXPECT_EQ(late[0].deadline, "2026-12-08");
  late = OverdueIntakeOn(fx_.db(), "430424", Date{2026, 12, 14});
  ASSERT_EQ(late.size(), 2U);
  EXPECT_EQ(late[0].kind, "application");
  EXPECT_EQ(late[0].number, applied.number);
  EXPECT_EQ(late[0].household_id, h1_);
  EXPECT_TRUE(OverdueIntakeOn(fx_.db(), "430424101", Date{2026, 12, 14}).empty());
  // Answered, it waits no more.
  Grievance g = svc_.Accept(township_, applied.id, applied.version, "镇扶贫站");
  svc_.Step(township_, g.id, g.version, "answered", "已纳入监测");
  EXPECT_EQ(OverdueIntakeOn(fx_.db(), "430424", Date{2026, 12, 14}).size(), 1U);
}

}  // namespace
// The status filter is typed: read once from its wire value, the default (none given) is the
// service's (open), and anything else is refused naming the field and the accepted values.
TEST(GrievanceStatusFilterTest, ReadsAGroupOrAStatusAndRefusesTheRest) {
  EXPECT_EQ(ParseGrievanceStatusFilter(std::nullopt).group, GrievanceStatusFilter::Group::kOpen);
  EXPECT_EQ(ParseGrievanceStatusFilter("open").group, GrievanceStatusFilter::Group::kOpen);
  EXPECT_EQ(ParseGrievanceStatusFilter("all").group, GrievanceStatusFilter::Group::kAll);
  const GrievanceStatusFilter answered = ParseGrievanceStatusFilter("answered");
  EXPECT_EQ(answered.group, GrievanceStatusFilter::Group::kOne);
  EXPECT_EQ(answered.status, GrievanceStatus::kAnswered);
  try {
    ParseGrievanceStatusFilter("pending");
    FAIL() << "pending is a change request's group, not a grievance's";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    ASSERT_EQ(e.details().size(), 1U);
    EXPECT_EQ(e.details()[0].path, "status");
    EXPECT_EQ(e.details()[0].problem,
              "'pending' is not open, all or one of received, accepted, investigating, answered or closed");
  }
}

}  // namespace fupin::grievance
