// Change requests on a small registry: only an approval changes the registry,
// through the registry's functions and with the request named in the audit
// entry; a rejection leaves it as it was; of two requests on one record the
// second is refused, naming both, once the first has landed; the levels of
// the configuration; who may do what; every problem of bad input named.
// Runs on SQLite and (pg. copy) PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/vocabulary_testing.h"
#include "grievance/changes.h"
#include "grievance/schema.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::grievance {
namespace {

using nlohmann::json;

constexpr const char* kVillage = "430424100200";

class ChangesTest : public ::testing::Test {
 protected:
  ChangesTest() : fx_(Migrations()), svc_(fx_.db(), fx_.clock()) {
    fx_.AddAreas();
    county_ = As("县扶贫办", Role::kCountyOffice, "430424");
    township_ = As("乡镇干部", Role::kTownship, "430424100");
    other_township_ = As("别乡干部", Role::kTownship, "430424101");
    cadre_ = As("村干部", Role::kVillageCadre, kVillage);
    paired_ = As("帮扶干部", Role::kPairedCadre, kVillage);
    h1_ = fx_.AddHousehold("4304241002000001", kVillage);
    p1_ = fx_.AddPerson(h1_, "19800101", "head", "张三");
    h2_ = fx_.AddHousehold("4304241002000002", kVillage);
  }

  Caller As(const std::string& name, Role role, const std::string& area) {
    auto s = fx_.db().Prepare(
        "INSERT INTO users (name, role, area_code, password_hash, password_changed_at, created_at, updated_at)"
        " VALUES (?, ?, ?, 'x', 0, 0, 0) RETURNING id");
    s->BindText(1, name);
    s->BindText(2, RoleName(role));
    s->BindText(3, area);
    s->Step();
    Caller c;
    c.user_id = s->Int(0);
    c.user_name = name;
    c.role = role;
    c.area_scope = area;
    s->Reset();
    return c;
  }

  ChangeProposal SetAttribute(int64_t household, const std::string& attribute) {
    return {"household_update", {{"household_id", household}, {"set", {{"attribute", attribute}}}}, "核实为低保户",
            {"村委会证明.pdf"}};
  }

  // Every row of the registry's tables that a change touches.
  std::string Registry() {
    std::string out;
    auto h = fx_.db().Prepare("SELECT id, attribute, address, version FROM households ORDER BY id");
    while (h->Step()) out += h->Text(1) + "|" + h->Text(2) + "|" + std::to_string(h->Int(3)) + ";";
    for (const char* t : {"persons", "memberships", "household_events"}) {
      out += std::string(t) + "=" + std::to_string(*fx_.db().QueryInt(std::string("SELECT count(*) FROM ") + t)) + ";";
    }
    return out;
  }
  int64_t Requests() { return *fx_.db().QueryInt("SELECT count(*) FROM change_requests"); }
  std::string Attribute(int64_t household) {
    auto s = fx_.db().Prepare("SELECT attribute FROM households WHERE id = ?");
    s->BindInt(1, household);
    s->Step();
    return s->Text(0);
  }

  registry::testing::RegistryFixture fx_;
  ChangeRequests svc_;
  Caller county_, township_, other_township_, cadre_, paired_;
  int64_t h1_ = 0, p1_ = 0, h2_ = 0;
};

TEST_F(ChangesTest, AProposalRecordsTheDifferenceAndLeavesTheRegistryAsItWas) {
  const std::string before = Registry();
  const ChangeRequest r = svc_.Propose(cadre_, SetAttribute(h1_, "dibao"));
  EXPECT_EQ(Registry(), before);
  EXPECT_EQ(r.status, ChangeStatus::kProposed);
  EXPECT_EQ(r.level, ChangeLevel::kTownship);
  EXPECT_EQ(r.entity, "household/" + std::to_string(h1_));
  EXPECT_EQ(r.area_code, kVillage);
  EXPECT_EQ(r.proposer, "村干部");
  ASSERT_EQ(r.diff.size(), 1U);
  EXPECT_EQ(r.diff[0].field, "attribute");
  EXPECT_EQ(r.diff[0].before, "general");
  EXPECT_EQ(r.diff[0].after, "dibao");
  EXPECT_EQ(r.evidence, std::vector<std::string>{"村委会证明.pdf"});
  ASSERT_EQ(r.steps.size(), 1U);
  EXPECT_EQ(r.steps[0].step, "proposed");
}

TEST_F(ChangesTest, TheTownshipsApprovalChangesTheRegistryAndTheAuditEntryNamesTheRequest) {
  const ChangeRequest r = svc_.Propose(cadre_, SetAttribute(h1_, "dibao"));
  const ChangeRequest done = svc_.Approve(township_, r.id, r.version, "同意");
  EXPECT_EQ(done.status, ChangeStatus::kApproved);
  EXPECT_EQ(done.decided_on, "2026-11-28");
  EXPECT_EQ(done.result_entity, "household/" + std::to_string(h1_));
  EXPECT_EQ(Attribute(h1_), "dibao");
  auto s = fx_.db().Prepare(
      "SELECT actor_name, after FROM audit_log WHERE action = 'household.update' AND entity = ? ORDER BY id DESC");
  s->BindText(1, "household/" + std::to_string(h1_));
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(0), "乡镇干部");
  EXPECT_EQ(json::parse(s->Text(1))["authorised_by"], "change_request/" + std::to_string(r.id));
}

TEST_F(ChangesTest, ARejectedRequestLeavesTheRegistryAsItWas) {
  const std::string before = Registry();
  const ChangeRequest r = svc_.Propose(cadre_, SetAttribute(h1_, "dibao"));
  const ChangeRequest done = svc_.Reject(township_, r.id, r.version, "证明材料不足");
  EXPECT_EQ(done.status, ChangeStatus::kRejected);
  EXPECT_EQ(Registry(), before);
  EXPECT_EQ(done.steps.back().note, "证明材料不足");
  // Decided once: it can be neither approved nor rejected again.
  EXPECT_THROW(svc_.Approve(township_, r.id, done.version), Error);
  EXPECT_EQ(Registry(), before);
  try {
    svc_.Reject(township_, r.id, done.version, "");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  }
}

TEST_F(ChangesTest, OfTwoRequestsOnOneRecordTheSecondIsRefusedOnceTheFirstLandsNamingBoth) {
  const ChangeRequest first = svc_.Propose(cadre_, SetAttribute(h1_, "dibao"));
  ChangeProposal address = {"household_update", {{"household_id", h1_}, {"set", {{"address", "新村 3 组"}}}}, "搬了家", {}};
  const ChangeRequest second = svc_.Propose(cadre_, address);
  EXPECT_FALSE(svc_.Get(township_, second.id).stale);
  svc_.Approve(township_, first.id, first.version);
  const std::string after_first = Registry();
  EXPECT_TRUE(svc_.Get(township_, second.id).stale);
  try {
    svc_.Approve(township_, second.id, second.version);
    FAIL() << "the second request landed on a changed record";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    const std::string message = e.what();
    EXPECT_NE(message.find("change request " + std::to_string(second.id)), std::string::npos) << message;
    EXPECT_NE(message.find("change request " + std::to_string(first.id)), std::string::npos) << message;
  }
  EXPECT_EQ(Registry(), after_first);
  const ChangeRequest still = svc_.Get(township_, second.id);
  EXPECT_EQ(still.status, ChangeStatus::kProposed);
  EXPECT_EQ(still.version, second.version);
  // It can still be sent back, and the proposer sees it waiting.
  svc_.SendBack(township_, second.id, still.version, "请按最新信息重新提出");
  EXPECT_EQ(svc_.Waiting(cadre_).total, 1);
}

TEST_F(ChangesTest, AStatusChangeNeedsTheCountyAfterTheTownship) {
  ChangeProposal removal = {"household_status",
                            {{"household_id", h2_}, {"event", {{"kind", "removed"}, {"date", "2026-11-20"}, {"reason", "识别不准"}}}},
                            "经核查不符合识别标准",
                            {"核查报告-2026-17"}};
  const ChangeRequest r = svc_.Propose(cadre_, removal);
  EXPECT_EQ(r.level, ChangeLevel::kCounty);
  const auto status = std::find_if(r.diff.begin(), r.diff.end(), [](const DiffLine& d) { return d.field == "status"; });
  ASSERT_NE(status, r.diff.end());
  EXPECT_EQ(status->before, "poor");
  EXPECT_EQ(status->after, "removed");
  const std::string before = Registry();
  // The township may review it but not approve it for the county.
  const ChangeRequest reviewed = svc_.Approve(township_, r.id, r.version);
  EXPECT_EQ(reviewed.status, ChangeStatus::kReviewed);
  EXPECT_EQ(Registry(), before);
  EXPECT_THROW(svc_.Approve(township_, r.id, reviewed.version), Error);
  EXPECT_EQ(svc_.Waiting(county_).total, 1);
  EXPECT_EQ(svc_.Waiting(township_).total, 0);
  const ChangeRequest done = svc_.Approve(county_, r.id, reviewed.version);
  EXPECT_EQ(done.status, ChangeStatus::kApproved);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM household_events WHERE kind = 'removed'"), 1);
}

TEST_F(ChangesTest, NobodyDecidesTheirOwnRequestAndRolesKeepToTheirSteps) {
  const ChangeRequest r = svc_.Propose(township_, SetAttribute(h1_, "dibao"));
  EXPECT_THROW(svc_.Approve(township_, r.id, r.version), Error);
  EXPECT_THROW(svc_.Approve(cadre_, r.id, r.version), Error);          // a village cadre does not review
  EXPECT_THROW(svc_.Approve(other_township_, r.id, r.version), Error); // outside their township
  EXPECT_THROW(svc_.Propose(paired_, SetAttribute(h1_, "dibao")), Error);
  EXPECT_THROW(svc_.Get(other_township_, r.id), Error);
  EXPECT_EQ(Attribute(h1_), "general");
  EXPECT_EQ(svc_.Approve(county_, r.id, r.version).status, ChangeStatus::kApproved);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'access.denied'"), 5);
}

TEST_F(ChangesTest, BadInputNamesEveryProblemAndStoresNothing) {
  ChangeProposal bad = {"household_update",
                        {{"household_id", h1_}, {"set", {{"attribute", "rich"}, {"colour", "red"}}}},
                        "",
                        {""}};
  try {
    svc_.Propose(cadre_, bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    std::set<std::string> paths;
    for (const auto& d : e.details()) paths.insert(d.path);
    EXPECT_EQ(paths, (std::set<std::string>{"reason", "evidence/0", "/change/set/colour"})) << e.what();
  }
  bad = {"household_update", {{"household_id", h1_}, {"set", {{"attribute", "rich"}}}}, "理由", {}};
  try {
    svc_.Propose(cadre_, bad);
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1U) << e.what();
    EXPECT_EQ(e.details()[0].path, "/change/set/attribute");
  }
  EXPECT_THROW(svc_.Propose(cadre_, {"household_merge", json::object(), "理由", {}}), Error);
  EXPECT_THROW(svc_.Propose(cadre_, SetAttribute(h1_, "general")), Error);  // changes nothing
  EXPECT_EQ(Requests(), 0);
}

// Issue 19 item 4: kind, level and status are enums inside, parsed once from
// the proposal, the same strings on the wire.
TEST_F(ChangesTest, ClosedSetsAreParsedOnceAndKeepTheirWireStrings) {
  testing::ExpectCompleteTable(ChangeKindTerms(), ChangeKind::kPersonMove);
  testing::ExpectCompleteTable(ChangeStatusTerms(), ChangeStatus::kSentBack);
  testing::ExpectCompleteTable(ChangeLevelTerms(), ChangeLevel::kCounty);
  try {
    svc_.Propose(cadre_, {"household_merge", json::object(), "理由", {}});
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1U) << e.what();
    EXPECT_EQ(e.details()[0].path, "kind");
    EXPECT_NE(e.details()[0].problem.find("person_move"), std::string::npos) << e.details()[0].problem;
  }
  const ChangeRequest r = svc_.Propose(cadre_, SetAttribute(h1_, "dibao"));
  const json j = ChangeRequestJson(r);
  EXPECT_EQ(j["kind"], "household_update");
  EXPECT_EQ(j["level"], "township");
  EXPECT_EQ(j["status"], "proposed");
  EXPECT_EQ(j["status_label"], "待乡镇审核");
  EXPECT_EQ(r.kind, ChangeKind::kHouseholdUpdate);
}

TEST_F(ChangesTest, AnAddedPersonsIdNumberIsStoredEncryptedAndShownMasked) {
  ChangeProposal add = {"person_add",
                        {{"person", {{"id_number", "430424199001010010"}, {"name", "李四"}, {"household_id", h2_},
                                     {"relation", "head"}}}},
                        "新增户主",
                        {}};
  const ChangeRequest r = svc_.Propose(cadre_, add);
  EXPECT_EQ(r.entity, "person/new");
  std::string shown;
  for (const auto& d : r.diff) {
    if (d.field == "id_number") shown = d.after.get<std::string>();
  }
  EXPECT_EQ(shown.find("199001010011"), std::string::npos) << shown;
  EXPECT_FALSE(shown.empty());
  auto s = fx_.db().Prepare("SELECT diff, proposal_enc FROM change_requests");
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(0).find("430424199001010010"), std::string::npos);
  const auto blob = s->Blob(1);
  EXPECT_EQ(std::string(blob.begin(), blob.end()).find("430424199001010010"), std::string::npos);
  s.reset();
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM persons"), 1);
  const ChangeRequest done = svc_.Approve(township_, r.id, r.version);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM persons"), 2);
  EXPECT_TRUE(done.result_entity && done.result_entity->starts_with("person/"));
}

TEST_F(ChangesTest, PendingRequestsAreListedByAreaAndAgeAndTheOldOnesAreOverdue) {
  const ChangeRequest old = svc_.Propose(cadre_, SetAttribute(h1_, "dibao"));
  fx_.clock().Set(Date{2026, 12, 10}, 1796000000);  // 12 days later; household_update has 10
  ChangeProposal address = {"household_update", {{"household_id", h2_}, {"set", {{"address", "新村 3 组"}}}}, "搬了家", {}};
  const ChangeRequest fresh = svc_.Propose(cadre_, address);
  ChangeFilter f;
  ChangePage page = svc_.List(county_, f);
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.overdue, 1);
  EXPECT_EQ(page.items[0].id, old.id);  // oldest first
  EXPECT_EQ(page.items[0].age_days, 12);
  EXPECT_TRUE(page.items[0].overdue);
  EXPECT_FALSE(page.items[1].overdue);
  f.overdue_only = true;
  page = svc_.List(township_, f);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0].id, old.id);
  f = ChangeFilter();
  f.area_code = "430424101";
  EXPECT_EQ(svc_.List(county_, f).total, 0);
  f.area_code = "430424100";
  EXPECT_THROW(svc_.List(other_township_, f), Error);
  EXPECT_EQ(svc_.Waiting(township_).total, 2);
  svc_.Approve(township_, fresh.id, fresh.version);
  EXPECT_EQ(svc_.List(county_, ChangeFilter()).total, 1);
  f = ChangeFilter();
  f.status = ParseChangeStatusFilter("approved");
  EXPECT_EQ(svc_.List(county_, f).total, 1);
  f.status = ParseChangeStatusFilter("all");
  EXPECT_EQ(svc_.List(county_, f).total, 2);
}

// The status filter is typed: read once from its wire value, the default (none given) is the
// service's (pending), and anything else is refused naming the field and the accepted values.
TEST(ChangeStatusFilterTest, ReadsAGroupOrAStatusAndRefusesTheRest) {
  EXPECT_EQ(ParseChangeStatusFilter(std::nullopt).group, ChangeStatusFilter::Group::kPending);
  EXPECT_EQ(ParseChangeStatusFilter("pending").group, ChangeStatusFilter::Group::kPending);
  EXPECT_EQ(ParseChangeStatusFilter("all").group, ChangeStatusFilter::Group::kAll);
  const ChangeStatusFilter sent_back = ParseChangeStatusFilter("sent_back");
  EXPECT_EQ(sent_back.group, ChangeStatusFilter::Group::kOne);
  EXPECT_EQ(sent_back.status, ChangeStatus::kSentBack);
  try {
    ParseChangeStatusFilter("open", "filter/status");
    FAIL() << "open is a grievance group, not a change request's";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    ASSERT_EQ(e.details().size(), 1U);
    EXPECT_EQ(e.details()[0].path, "filter/status");
    EXPECT_EQ(e.details()[0].problem,
              "'open' is not pending, all or one of proposed, reviewed, approved, rejected or sent_back");
  }
}

TEST_F(ChangesTest, ARequestSentBackIsResubmittedByItsProposerOnly) {
  const ChangeRequest r = svc_.Propose(cadre_, SetAttribute(h1_, "dibao"));
  const ChangeRequest back = svc_.SendBack(township_, r.id, r.version, "请补充低保证明");
  EXPECT_EQ(back.status, ChangeStatus::kSentBack);
  EXPECT_THROW(svc_.Approve(township_, r.id, back.version), Error);
  const Caller other_cadre = As("另一村干部", Role::kVillageCadre, kVillage);
  EXPECT_THROW(svc_.Resubmit(other_cadre, r.id, back.version), Error);
  const ChangeRequest again = svc_.Resubmit(cadre_, r.id, back.version, "已补充");
  EXPECT_EQ(again.status, ChangeStatus::kProposed);
  // A step on a version read before another step is refused.
  EXPECT_THROW(svc_.Approve(township_, r.id, back.version), Error);
  EXPECT_EQ(svc_.Approve(township_, r.id, again.version).status, ChangeStatus::kApproved);
  EXPECT_EQ(Attribute(h1_), "dibao");
}

}  // namespace
}  // namespace fupin::grievance

namespace fupin::grievance {
namespace {

// Issue 23: a village cadre's write becomes a request (every kind by default);
// a township's is not diverted; a kind configured off lets the cadre write;
// a stale version is refused before anything is stored.
TEST_F(ChangesTest, AVillageCadresWriteBecomesARequestAsConfiguredPerKind) {
  const std::string before = Registry();
  const auto diverted = svc_.ProposeInsteadOfWriting(cadre_, {"household_update", {{"household_id", h1_}, {"set", {{"attribute", "dibao"}}}}, "", {}});
  ASSERT_TRUE(diverted.has_value());
  EXPECT_EQ(diverted->status, ChangeStatus::kProposed);
  EXPECT_EQ(diverted->reason, kDefaultReason);
  EXPECT_EQ(Registry(), before);
  EXPECT_FALSE(svc_.ProposeInsteadOfWriting(township_, SetAttribute(h1_, "dibao")).has_value());
  EXPECT_EQ(Requests(), 1);
  try {
    svc_.ProposeInsteadOfWriting(cadre_, SetAttribute(h2_, "dibao"), 99);
    FAIL() << "a stale version was proposed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }
  EXPECT_EQ(Requests(), 1);
  fx_.db().Execute("UPDATE change_request_levels SET through_request = 0 WHERE kind = 'household_update'");
  EXPECT_FALSE(svc_.ProposeInsteadOfWriting(cadre_, SetAttribute(h2_, "dibao")).has_value());
  EXPECT_TRUE(svc_.ProposeInsteadOfWriting(
                      cadre_, {"household_status", {{"household_id", h2_}, {"event", {{"kind", "removed"}, {"date", "2016-05-01"}}}}, "", {}})
                  .has_value());
  const auto approved = svc_.Approve(township_, diverted->id, diverted->version);
  EXPECT_EQ(approved.status, ChangeStatus::kApproved);
  EXPECT_EQ(Attribute(h1_), "dibao");
}

}  // namespace
}  // namespace fupin::grievance
