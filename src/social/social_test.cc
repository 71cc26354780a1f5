// Service tests of the social-assistance platform: every step of the flow,
// every refusal, and what a donor may and may not see.
#include "social/social.h"

#include <gtest/gtest.h>

#include "access/accounts.h"
#include "access/sessions.h"
#include "access/testing/weak_password_hasher.h"
#include "assessment/schema.h"
#include "assistance/schema.h"
#include "core/error.h"
#include "core/id_number.h"
#include "registry/households.h"
#include "registry/testing.h"
#include "social/schema.h"
#include "social/social_json.h"

namespace fupin::social {
namespace {

using registry::testing::RegistryFixture;

constexpr const char* kVillage = "430424100200";        // township 430424100
constexpr const char* kVillageOther = "430424101200";   // township 430424101
constexpr const char* kVillageCounty2 = "430426100200"; // county 430426

template <typename F>
ErrorCode CodeOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error thrown";
  return ErrorCode::kInternal;
}

template <typename F>
std::vector<ErrorDetail> DetailsOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    return e.details();
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

// Social assistance with the assistance module's pairings (for paired cadres).
std::vector<store::Migration> SocialAndAssistance() {
  std::vector<store::Migration> m = assessment::Migrations();
  for (auto& x : assistance::Migrations()) m.push_back(std::move(x));
  for (auto& x : Migrations()) m.push_back(std::move(x));
  return m;
}

class SocialTest : public ::testing::Test {
 protected:
  SocialTest() : fx_(SocialAndAssistance()) {
    fx_.AddAreas();
    household_ = AddHouseholdWithPrivateData();
    household_other_ = fx_.AddHousehold("430424101200-001", kVillageOther);
    household_county2_ = fx_.AddHousehold("430426100200-001", kVillageCounty2);
    cadre_ = AddUser("cadre", Role::kVillageCadre, kVillage);
    town_ = AddUser("town", Role::kTownship, "430424100");
    county_ = AddUser("county", Role::kCountyOffice, "430424");
    auditor_ = AddUser("auditor", Role::kAuditor, "430424");
    alice_ = Register("alice", "430424100", {"education"}, std::nullopt);
    bob_ = Register("bob", std::nullopt, {"medical"}, "supervisors");
    carol_ = Register("carol", std::nullopt, {}, std::nullopt, "430426");
  }

  int64_t AddHouseholdWithPrivateData() {
    registry::HouseholdRegistry households(fx_.db(), fx_.clock());
    registry::HouseholdInput in;
    in.number = "430424100200-001";
    in.village_code = kVillage;
    in.identified_year = 2014;
    in.main_cause = "illness";
    in.phone = "13973412345";
    const int64_t id = households.AddHousehold(fx_.admin(), in);
    registry::PersonRegistry persons(fx_.db(), fx_.clock());
    registry::PersonInput p;
    const std::string first17 = "43042419700305001";
    id_number_ = first17 + IdCheckCharacter(first17);
    p.id_number = id_number_;
    p.name = "户主甲";
    p.household_id = id;
    p.relation = "head";
    p.health = "major_disease";
    p.phone = "13973454321";
    persons.AddPerson(fx_.admin(), p);
    registry::HouseholdYear y;
    y.year = 2026;
    y.members = 1;
    y.wage_income = 321987;
    households.SetHouseholdYear(fx_.admin(), id, y);
    return id;
  }

  Caller AddUser(const std::string& name, Role role, const std::string& area) {
    access::Accounts accounts(fx_.db(), fx_.clock(), hasher_);
    return accounts.AddUser(fx_.admin(), {name, role, area}, name + "-Passw0rd").AsCaller();
  }

  Caller Register(const std::string& name, std::optional<std::string> township, std::vector<std::string> interests,
                  std::optional<std::string> team, const std::string& county = "430424") {
    DonorRegistration r;
    r.user_name = name;
    r.password = name + "-Passw0rd";
    r.display_name = name + "爱心";
    r.county_code = county;
    r.township_code = std::move(township);
    r.interests = std::move(interests);
    r.team = std::move(team);
    Donor d = Service().RegisterDonor(r, hasher_, "test-" + name);
    donor_ids_[name] = d.id;
    return Caller{d.user_id, name, Role::kDonor, ""};
  }

  SocialService Service() { return SocialService(fx_.db(), fx_.clock()); }

  NeedInput Input(int64_t household, const std::string& category = "education") {
    NeedInput in;
    in.household_id = household;
    in.category = category;
    in.title = "孩子上学的学习用品";
    in.description = "家中孩子读初中，需要书包和文具。";
    in.amount = 100000;  // 1000 yuan
    in.items = "书包、文具";
    in.deadline = "2027-03-01";
    in.urgency = "urgent";
    return in;
  }

  // A need published by the cadre and approved by the township.
  Need PublishedNeed(const std::string& category = "education") {
    Need n = Service().PublishNeed(cadre_, Input(household_, category));
    return Service().ReviewNeed(town_, n.id, true, "核实无误");
  }

  int64_t AuditCount(const std::string& action) {
    auto s = fx_.db().Prepare("SELECT COUNT(*) FROM audit_log WHERE action = ?");
    s->BindText(1, action);
    s->Step();
    return s->Int(0);
  }

  RegistryFixture fx_;
  access::testing::WeakPasswordHasher hasher_;
  std::string id_number_;
  int64_t household_ = 0, household_other_ = 0, household_county2_ = 0;
  Caller cadre_, town_, county_, auditor_, alice_, bob_, carol_;
  std::map<std::string, int64_t> donor_ids_;
};

// ---------------------------------------------------------------- registration

TEST_F(SocialTest, ADonorRegistersAndLogsInWithTheDonorRole) {
  access::Sessions sessions(fx_.db(), fx_.clock(), hasher_);
  const auto login = sessions.Login("alice", "alice-Passw0rd");
  EXPECT_EQ(login.caller.role, Role::kDonor);
  const Donor me = Service().MyProfile(login.caller);
  EXPECT_EQ(me.display_name, "alice爱心");
  EXPECT_EQ(me.township_code, "430424100");
  EXPECT_EQ(me.interests, std::vector<std::string>{"education"});
  EXPECT_EQ(Service().MyProfile(bob_).team, "supervisors");
  EXPECT_EQ(AuditCount("donor.register"), 3);
  EXPECT_EQ(AuditCount("user.create"), 4 + 3);
}

TEST_F(SocialTest, RegistrationNamesEveryWrongField) {
  DonorRegistration r;
  r.user_name = "dave";
  r.password = "dave-Passw0rd";
  r.display_name = "";
  r.kind = "company";
  r.county_code = "430499";
  r.township_code = "430426100";
  r.interests = {"education", "music"};
  r.team = "singers";
  auto details = DetailsOf([&] { Service().RegisterDonor(r, hasher_, "x"); });
  std::set<std::string> paths;
  for (const auto& d : details) paths.insert(d.path);
  EXPECT_EQ(paths, (std::set<std::string>{"display_name", "kind", "county_code", "township_code", "interests/1", "team"}));
  // A phone number in the public name is refused too.
  r = DonorRegistration{"dave", "dave-Passw0rd", "王先生13812345678", "individual", "430424", {}, {}, {}};
  details = DetailsOf([&] { Service().RegisterDonor(r, hasher_, "x"); });
  ASSERT_EQ(details.size(), 1u);
  EXPECT_EQ(details[0].path, "display_name");
  // A taken name.
  r = DonorRegistration{"alice", "alice-Passw0rd", "又一个", "individual", "430424", {}, {}, {}};
  EXPECT_EQ(CodeOf([&] { Service().RegisterDonor(r, hasher_, "x"); }), ErrorCode::kAlreadyExists);
}

TEST_F(SocialTest, RegistrationIsThrottledPerSourceAndInTotal) {
  RegistrationLimits limits{2, 6};  // the fixture made 3 already
  auto reg = [&](const std::string& name, const std::string& source) {
    DonorRegistration r{name, name + "-Passw0rd", name, "individual", "430424", {}, {}, {}};
    return Service().RegisterDonor(r, hasher_, source, limits);
  };
  reg("d1", "10.0.0.1");
  reg("d2", "10.0.0.1");
  EXPECT_EQ(CodeOf([&] { reg("d3", "10.0.0.1"); }), ErrorCode::kResourceExhausted);
  reg("d4", "10.0.0.2");
  EXPECT_EQ(CodeOf([&] { reg("d5", "10.0.0.3"); }), ErrorCode::kResourceExhausted);  // 6 this hour
  // An hour later the window has passed.
  fx_.clock().Set(fx_.clock().Today(), fx_.clock().NowSeconds() + 3601);
  reg("d6", "10.0.0.1");
}

// ---------------------------------------------------------------- needs

TEST_F(SocialTest, ANeedIsPublicOnlyAfterReview) {
  const Need n = Service().PublishNeed(cadre_, Input(household_));
  EXPECT_EQ(n.status, NeedStatus::kPendingReview);
  EXPECT_EQ(CodeOf([&] { Service().GetNeed(alice_, n.id); }), ErrorCode::kNotFound);
  EXPECT_EQ(Service().ListNeeds(alice_, {}).total, 0);
  EXPECT_EQ(Service().ListNeeds(cadre_, {}).total, 1);
  // The village cadre cannot review; the submitter cannot review their own need.
  EXPECT_EQ(CodeOf([&] { Service().ReviewNeed(cadre_, n.id, true, ""); }), ErrorCode::kPermissionDenied);
  // A reviewer of another township cannot either.
  const Caller town2 = AddUser("town2", Role::kTownship, "430424101");
  EXPECT_EQ(CodeOf([&] { Service().ReviewNeed(town2, n.id, true, ""); }), ErrorCode::kPermissionDenied);
  const Need approved = Service().ReviewNeed(town_, n.id, true, "核实无误");
  EXPECT_EQ(approved.status, NeedStatus::kOpen);
  EXPECT_EQ(approved.published_on, "2026-11-28");
  EXPECT_EQ(Service().GetNeed(alice_, n.id).status, NeedStatus::kOpen);
  EXPECT_EQ(Service().ListNeeds(alice_, {}).total, 1);
  EXPECT_EQ(CodeOf([&] { Service().ReviewNeed(town_, n.id, true, ""); }), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(AuditCount("need.publish"), 1);
  EXPECT_EQ(AuditCount("need.approve"), 1);
}

TEST_F(SocialTest, ARejectedNeedStaysHiddenAndNeedsAReason) {
  const Need n = Service().PublishNeed(cadre_, Input(household_));
  EXPECT_EQ(DetailsOf([&] { Service().ReviewNeed(town_, n.id, false, ""); })[0].path, "note");
  EXPECT_EQ(Service().ReviewNeed(town_, n.id, false, "已由民政救助").status, NeedStatus::kRejected);
  EXPECT_EQ(CodeOf([&] { Service().GetNeed(alice_, n.id); }), ErrorCode::kNotFound);
}

TEST_F(SocialTest, PlantedIdNumbersAndPhoneNumbersAreRefusedNamingTheField) {
  const std::string first17 = "43042419850612003";
  const std::string id = first17 + IdCheckCharacter(first17);
  struct Case {
    std::string field;
    std::string text;
    std::string found;
  };
  const std::vector<Case> cases = {
      {"description", "户主身份证号" + id + "，因病致贫。", "ID number (" + MaskIdNumber(id) + ")"},
      {"description", "旧证430424850612003", "ID number"},
      {"title", "请联系13912345678", "mobile phone number (139******78)"},
      {"title", "请联系 139 1234 5678", "mobile phone number (139******78)"},
      {"items", "化肥，联系村委0734-5212345", "landline phone number (073******45)"},
      {"items", "化肥，联系（0734）5212345", "landline phone number"},
  };
  for (const auto& c : cases) {
    NeedInput in = Input(household_);
    if (c.field == "description") in.description = c.text;
    if (c.field == "title") in.title = c.text;
    if (c.field == "items") in.items = c.text;
    auto details = DetailsOf([&] { Service().PublishNeed(cadre_, in); });
    ASSERT_EQ(details.size(), 1u) << c.text;
    EXPECT_EQ(details[0].path, c.field);
    EXPECT_NE(details[0].problem.find(c.found), std::string::npos) << details[0].problem;
    EXPECT_EQ(details[0].problem.find(id), std::string::npos) << "the full number must not be echoed";
  }
  EXPECT_EQ(fx_.db().QueryInt("SELECT COUNT(*) FROM needs"), 0);
  // Dates, amounts and counts pass.
  NeedInput ok = Input(household_);
  ok.description = "2026-12-01前需要3000元，2 个孩子，1.5亩地";
  EXPECT_EQ(Service().PublishNeed(cadre_, ok).status, NeedStatus::kPendingReview);
}

// Issue 19 item 4: the statuses are enums inside, the same strings stored and
// on the wire.
TEST_F(SocialTest, StatusesAreEnumsInsideAndTheirStringsOnTheWire) {
  const Need n = Service().PublishNeed(cadre_, Input(household_));
  EXPECT_EQ(NeedToJson(n)["status"], "pending_review");
  EXPECT_EQ(fx_.db().QueryInt("SELECT COUNT(*) FROM needs WHERE status = 'pending_review'"), 1);
}

TEST_F(SocialTest, NeedInputIsValidatedFieldByField) {
  NeedInput in = Input(household_);
  in.category = "luxury";
  in.title = "";
  in.amount.reset();
  in.items = "";
  in.deadline = "2020-01-01";
  in.urgency = "panic";
  std::set<std::string> paths;
  for (const auto& d : DetailsOf([&] { Service().PublishNeed(cadre_, in); })) paths.insert(d.path);
  EXPECT_EQ(paths, (std::set<std::string>{"category", "title", "amount", "deadline", "urgency"}));
}

TEST_F(SocialTest, OnlyCadresInScopePublishNeeds) {
  EXPECT_EQ(CodeOf([&] { Service().PublishNeed(alice_, Input(household_)); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { Service().PublishNeed(cadre_, Input(household_other_)); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { Service().PublishNeed(auditor_, Input(household_)); }), ErrorCode::kPermissionDenied);
  EXPECT_GE(AuditCount("access.denied"), 3);
  // Publishing registers the household on the platform.
  Service().PublishNeed(county_, Input(household_other_));
  EXPECT_EQ(fx_.db().QueryInt("SELECT COUNT(*) FROM household_app_registrations"), 1);
}

TEST_F(SocialTest, TheDonorsViewOfANeedCarriesNoPrivateHouseholdData) {
  const Need n = PublishedNeed();
  const std::string single = NeedToJson(Service().GetNeed(alice_, n.id)).dump();
  const std::string listed = NeedToJson(Service().ListNeeds(alice_, {}).items.at(0)).dump();
  const std::string suggested = NeedToJson(Service().SuggestNeeds(alice_, 5).at(0).need).dump();
  for (const std::string& json : {single, listed, suggested}) {
    EXPECT_EQ(json.find(id_number_), std::string::npos) << json;
    EXPECT_EQ(json.find(id_number_.substr(6, 8)), std::string::npos) << json;  // not even the birth date
    EXPECT_EQ(json.find("13973412345"), std::string::npos) << json;           // household phone
    EXPECT_EQ(json.find("13973454321"), std::string::npos) << json;           // person phone
    EXPECT_EQ(json.find("major_disease"), std::string::npos) << json;
    EXPECT_EQ(json.find("illness"), std::string::npos) << json;
    EXPECT_EQ(json.find("3219"), std::string::npos) << json;                  // income 3219.87
    EXPECT_EQ(json.find("household"), std::string::npos) << json;             // no household id or number
    EXPECT_EQ(json.find("430424100200-001"), std::string::npos) << json;
    EXPECT_EQ(json.find("income"), std::string::npos) << json;
    EXPECT_NE(json.find("甲村"), std::string::npos) << json;                   // the village is shown
    EXPECT_NE(json.find("\"education\""), std::string::npos) << json;          // and the category
  }
  // The cadre's view names the household.
  EXPECT_EQ(Service().GetNeed(cadre_, n.id).household_id, household_);
}

TEST_F(SocialTest, DonorsFilterNeedsByAreaCategoryAmountAndUrgency) {
  const Need a = PublishedNeed("education");
  NeedInput in = Input(household_other_, "medical");
  in.amount = 500000;
  in.urgency = "critical";
  const Need b = Service().ReviewNeed(fx_.admin(), Service().PublishNeed(county_, in).id, true, "");
  auto ids = [&](NeedFilter f) {
    std::vector<int64_t> out;
    for (const auto& n : Service().ListNeeds(alice_, f).items) out.push_back(n.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<int64_t>{b.id, a.id}));
  NeedFilter f;
  f.area_code = "430424101";
  EXPECT_EQ(ids(f), std::vector<int64_t>{b.id});
  f = {};
  f.category = "education";
  EXPECT_EQ(ids(f), std::vector<int64_t>{a.id});
  f = {};
  f.min_amount = 200000;
  EXPECT_EQ(ids(f), std::vector<int64_t>{b.id});
  f = {};
  f.max_amount = 200000;
  EXPECT_EQ(ids(f), std::vector<int64_t>{a.id});
  f = {};
  f.urgency = "critical";
  EXPECT_EQ(ids(f), std::vector<int64_t>{b.id});
  f = {};
  f.status = "pending_review";
  EXPECT_EQ(CodeOf([&] { Service().ListNeeds(alice_, f); }), ErrorCode::kInvalidArgument);
  f = {};
  f.household_id = household_;
  EXPECT_EQ(CodeOf([&] { Service().ListNeeds(alice_, f); }), ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------- suggestions

TEST_F(SocialTest, SuggestionsPutTheDonorsTownshipAndInterestsFirst) {
  // A critical medical need in another township of the county, an education
  // need in alice's township, a need in another county.
  NeedInput other = Input(household_other_, "medical");
  other.urgency = "critical";
  const Need far = Service().ReviewNeed(fx_.admin(), Service().PublishNeed(county_, other).id, true, "");
  const Need near = PublishedNeed("education");
  const Caller admin = fx_.admin();
  const Need away =
      Service().ReviewNeed(admin, Service().PublishNeed(AddUser("c2", Role::kCountyOffice, "430426"),
                                                        Input(household_county2_, "education")).id, true, "");
  const auto sug = Service().SuggestNeeds(alice_, 10);
  ASSERT_EQ(sug.size(), 3u);
  EXPECT_EQ(sug[0].need.id, near.id);
  EXPECT_EQ(sug[0].reasons, (std::vector<std::string>{"same_township", "interest", "urgent", "no_help_yet"}));
  EXPECT_EQ(sug[1].need.id, far.id);
  EXPECT_EQ(sug[2].need.id, away.id);
  // Carol lives in county 430426: her county's need comes first.
  EXPECT_EQ(Service().SuggestNeeds(carol_, 10)[0].need.id, away.id);
  // A closed need leaves the suggestions (the index follows need_changes).
  NeedIndex index;
  SocialService with_index(fx_.db(), fx_.clock(), &index);
  EXPECT_EQ(with_index.SuggestNeeds(alice_, 10).size(), 3u);
  Service().MarkFulfilled(cadre_, near.id, "");
  EXPECT_EQ(with_index.SuggestNeeds(alice_, 10).size(), 2u);
  EXPECT_EQ(index.size(), 2u);
  // Only donors get suggestions.
  EXPECT_EQ(CodeOf([&] { Service().SuggestNeeds(cadre_, 10); }), ErrorCode::kPermissionDenied);
}

TEST_F(SocialTest, ACadreGetsDonorsSuggestedForANeed) {
  const Need n = PublishedNeed("education");
  const auto donors = Service().SuggestDonors(cadre_, n.id, 10);
  ASSERT_EQ(donors.size(), 3u);
  EXPECT_EQ(donors[0].donor.user_name, "alice");  // same township, interested in education
  EXPECT_EQ(donors[0].reasons, (std::vector<std::string>{"same_township", "interest"}));
  EXPECT_EQ(donors[1].donor.user_name, "bob");    // same county
  EXPECT_EQ(donors[2].donor.user_name, "carol");
  // Once alice pledged she is not suggested again.
  Service().PledgeToNeed(alice_, n.id, 10000, "");
  EXPECT_EQ(Service().SuggestDonors(cadre_, n.id, 10)[0].donor.user_name, "bob");
  EXPECT_EQ(CodeOf([&] { Service().SuggestDonors(alice_, n.id, 10); }), ErrorCode::kPermissionDenied);
}

// ---------------------------------------------------------------- pledges, dockings, feedback

// A paired cadre reads needs, donor suggestions, pledges and dockings only of
// the households paired with them, even inside their scope (issue 26): lists
// are filtered, single reads of another household's are refused.
TEST_F(SocialTest, APairedCadreReadsOnlyTheSocialAssistanceOfTheirPairedHouseholds) {
  const Caller paired = AddUser("paired", Role::kPairedCadre, "430424100");
  fx_.db().Execute("INSERT INTO cadres (name, unit, area_code, user_id, created_at, updated_at)"
                " VALUES ('结对干部甲', '县农业局', '430424', " + std::to_string(paired.user_id) + ", 0, 0)");
  fx_.db().Execute("INSERT INTO pairings (cadre_id, household_id, start_date, created_at)"
                " SELECT id, " + std::to_string(household_) + ", '2014-01-01', 0 FROM cadres");
  const int64_t unpaired = fx_.AddHousehold("430424100200-002", kVillage);
  const Need mine = PublishedNeed();
  const Need theirs = Service().ReviewNeed(town_, Service().PublishNeed(cadre_, Input(unpaired)).id, true, "核实");

  EXPECT_EQ(Service().GetNeed(paired, mine.id).id, mine.id);
  EXPECT_EQ(CodeOf([&] { Service().GetNeed(paired, theirs.id); }), ErrorCode::kPermissionDenied);
  const NeedPage page = Service().ListNeeds(paired, {});
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items.at(0).id, mine.id);
  EXPECT_EQ(Service().ListNeeds(cadre_, {}).total, 2);  // the village cadre sees both
  EXPECT_FALSE(Service().SuggestDonors(paired, mine.id, 10).empty());
  EXPECT_EQ(CodeOf([&] { Service().SuggestDonors(paired, theirs.id, 10); }), ErrorCode::kPermissionDenied);

  const Pledge p_mine = Service().PledgeToNeed(alice_, mine.id, 10000, "");
  const Pledge p_theirs = Service().PledgeToNeed(alice_, theirs.id, 10000, "");
  const Docking d_mine = Service().RecordDocking(alice_, p_mine.id, 10000, "", std::nullopt);
  const Docking d_theirs = Service().RecordDocking(alice_, p_theirs.id, 10000, "", std::nullopt);
  const auto pledges = Service().ListPledges(paired, {});
  ASSERT_EQ(pledges.total, 1);
  EXPECT_EQ(pledges.items.at(0).id, p_mine.id);
  const auto dockings = Service().ListDockings(paired, {});
  ASSERT_EQ(dockings.total, 1);
  EXPECT_EQ(dockings.items.at(0).id, d_mine.id);
  EXPECT_EQ(Service().ListDockings(cadre_, {}).total, 2);
  EXPECT_NO_THROW(Service().ListFeedback(paired, d_mine.id));
  EXPECT_EQ(CodeOf([&] { Service().ListFeedback(paired, d_theirs.id); }), ErrorCode::kPermissionDenied);
}

TEST_F(SocialTest, PledgesAndDockingsFulfilAndCloseANeed) {
  const Need n = PublishedNeed();  // 1000 yuan
  const Pledge p1 = Service().PledgeToNeed(alice_, n.id, 60000, "");
  EXPECT_EQ(p1.status, PledgeStatus::kOpen);
  EXPECT_EQ(Service().GetNeed(alice_, n.id).pledges, 1);
  // Alice reports the delivery; the cadre confirms it.
  const Docking d1 = Service().RecordDocking(alice_, p1.id, 60000, "", "2026-11-28");
  EXPECT_EQ(d1.status, DockingStatus::kReported);
  EXPECT_EQ(Service().GetNeed(cadre_, n.id).received, 0);
  EXPECT_EQ(CodeOf([&] { Service().ConfirmDocking(alice_, d1.id, true, ""); }), ErrorCode::kPermissionDenied);
  const Docking c1 = Service().ConfirmDocking(cadre_, d1.id, true, "");
  EXPECT_EQ(c1.status, DockingStatus::kConfirmed);
  EXPECT_EQ(c1.confirmed_by, "cadre");
  Need after = Service().GetNeed(cadre_, n.id);
  EXPECT_EQ(after.received, 60000);
  EXPECT_EQ(after.dockings, 1);
  EXPECT_EQ(after.status, NeedStatus::kOpen);
  EXPECT_EQ(CodeOf([&] { Service().ConfirmDocking(cadre_, d1.id, true, ""); }), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf([&] { Service().RecordDocking(alice_, p1.id, 100, "", std::nullopt); }),
            ErrorCode::kFailedPrecondition);  // one docking per pledge
  // Bob pledges the rest; the cadre records the delivery as it arrives (confirmed at once).
  const Pledge p2 = Service().PledgeToNeed(bob_, n.id, 40000, "");
  const Pledge p3 = Service().PledgeToNeed(carol_, n.id, std::nullopt, "一箱图书");
  const Docking d2 = Service().RecordDocking(cadre_, p2.id, 40000, "", std::nullopt);
  EXPECT_EQ(d2.status, DockingStatus::kConfirmed);
  after = Service().GetNeed(cadre_, n.id);
  EXPECT_EQ(after.status, NeedStatus::kClosed);
  EXPECT_EQ(after.close_reason, "amount_reached");
  EXPECT_EQ(after.received, 100000);
  EXPECT_EQ(after.dockings, 2);
  // Carol's open pledge was released when the need closed; she can still deliver.
  EXPECT_EQ(Service().ListPledges(carol_, {}).items.at(0).status, PledgeStatus::kReleased);
  EXPECT_EQ(Service().RecordDocking(carol_, p3.id, std::nullopt, "一箱图书", std::nullopt).status, DockingStatus::kReported);
  // A closed need takes no pledge.
  EXPECT_EQ(CodeOf([&] { Service().PledgeToNeed(alice_, n.id, 100, ""); }), ErrorCode::kFailedPrecondition);
  // Feedback from the household, through the cadre.
  const Feedback f = Service().RecordFeedback(cadre_, d1.id, "thanks", "收到了，谢谢！");
  EXPECT_EQ(f.kind, "thanks");
  EXPECT_EQ(Service().ListFeedback(alice_, d1.id).size(), 1u);
  EXPECT_EQ(DetailsOf([&] { Service().RecordFeedback(cadre_, d1.id, "complaint", "打我电话13812345678"); })[0].path,
            "text");
  EXPECT_EQ(CodeOf([&] { Service().RecordFeedback(alice_, d1.id, "thanks", "自夸"); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(AuditCount("pledge.create"), 3);
  EXPECT_EQ(AuditCount("docking.record"), 3);
  EXPECT_EQ(AuditCount("docking.confirm"), 2);
  EXPECT_EQ(AuditCount("feedback.record"), 1);
}

TEST_F(SocialTest, ARejectedDockingReopensThePledge) {
  const Need n = PublishedNeed();
  const Pledge p = Service().PledgeToNeed(alice_, n.id, 10000, "");
  const Docking d = Service().RecordDocking(alice_, p.id, 10000, "", std::nullopt);
  EXPECT_EQ(DetailsOf([&] { Service().ConfirmDocking(cadre_, d.id, false, ""); })[0].path, "note");
  EXPECT_EQ(Service().ConfirmDocking(cadre_, d.id, false, "户主未收到").status, DockingStatus::kRejected);
  EXPECT_EQ(Service().ListPledges(alice_, {}).items.at(0).status, PledgeStatus::kOpen);
  EXPECT_EQ(Service().GetNeed(cadre_, n.id).received, 0);
  EXPECT_EQ(AuditCount("docking.reject"), 1);
}

TEST_F(SocialTest, ACadreMarksANeedFulfilledAndItCloses) {
  const Need n = PublishedNeed();
  Service().PledgeToNeed(alice_, n.id, 10000, "");
  EXPECT_EQ(CodeOf([&] { Service().MarkFulfilled(alice_, n.id, ""); }), ErrorCode::kPermissionDenied);
  const Need closed = Service().MarkFulfilled(cadre_, n.id, "已由其他渠道解决");
  EXPECT_EQ(closed.status, NeedStatus::kClosed);
  EXPECT_EQ(closed.close_reason, "marked_fulfilled");
  EXPECT_EQ(CodeOf([&] { Service().MarkFulfilled(cadre_, n.id, ""); }), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Service().ListUndeliveredPledges(county_, 1).size(), 0u);  // released, not undelivered
  EXPECT_EQ(AuditCount("need.fulfil"), 1);
}

TEST_F(SocialTest, APledgeCanBeWithdrawnOnlyByItsDonor) {
  const Need n = PublishedNeed();
  const Pledge p = Service().PledgeToNeed(alice_, n.id, 10000, "");
  EXPECT_EQ(CodeOf([&] { Service().WithdrawPledge(bob_, p.id); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Service().WithdrawPledge(alice_, p.id).status, PledgeStatus::kWithdrawn);
  EXPECT_EQ(Service().GetNeed(alice_, n.id).pledges, 0);
}

// ---------------------------------------------------------------- donors' privacy, supervisors

TEST_F(SocialTest, ADonorReadsNoRegistryRecordAndNoOtherDonorsData) {
  const Need n = PublishedNeed();
  const Pledge bobs = Service().PledgeToNeed(bob_, n.id, 10000, "");
  Service().PledgeToNeed(alice_, n.id, 20000, "");
  // Registry records: refused by the registry's own checks.
  registry::HouseholdRegistry households(fx_.db(), fx_.clock());
  EXPECT_EQ(CodeOf([&] { households.GetHousehold(alice_, household_); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { households.ListHouseholds(alice_, {}); }), ErrorCode::kPermissionDenied);
  registry::PersonRegistry persons(fx_.db(), fx_.clock());
  EXPECT_EQ(CodeOf([&] { persons.GetPersonByIdNumber(alice_, id_number_); }), ErrorCode::kPermissionDenied);
  // Other donors: profile, list, pledges, dockings, feedback.
  EXPECT_EQ(Service().GetDonor(alice_, donor_ids_["alice"]).user_name, "alice");
  EXPECT_EQ(CodeOf([&] { Service().GetDonor(alice_, donor_ids_["bob"]); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { Service().ListDonors(alice_, "", std::nullopt, 50, 0); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { Service().UpdateDonor(alice_, donor_ids_["bob"], 1, {}); }), ErrorCode::kPermissionDenied);
  const auto mine = Service().ListPledges(alice_, {});
  ASSERT_EQ(mine.total, 1);
  EXPECT_EQ(mine.items[0].donor_name, "alice爱心");
  ActivityFilter theirs;
  theirs.donor_id = donor_ids_["bob"];
  EXPECT_EQ(CodeOf([&] { Service().ListPledges(alice_, theirs); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { Service().ListDockings(alice_, theirs); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { Service().RecordDocking(alice_, bobs.id, 10000, "", std::nullopt); }),
            ErrorCode::kPermissionDenied);
  const Docking d = Service().RecordDocking(cadre_, bobs.id, 10000, "", std::nullopt);
  EXPECT_EQ(CodeOf([&] { Service().ListFeedback(alice_, d.id); }), ErrorCode::kNotFound);
  // Cadres read donors in their area.
  EXPECT_EQ(Service().GetDonor(county_, donor_ids_["alice"]).display_name, "alice爱心");
  EXPECT_EQ(Service().ListDonors(county_, "", std::nullopt, 50, 0).total, 2);  // carol lives in 430426
}

TEST_F(SocialTest, ADonorUpdatesTheirOwnProfileWithTheVersionTheyRead) {
  const Donor me = Service().MyProfile(alice_);
  DonorPatch patch;
  patch.team = std::optional<std::string>("volunteers");
  patch.interests = std::vector<std::string>{"education", "medical"};
  const Donor after = Service().UpdateDonor(alice_, me.id, me.version, patch);
  EXPECT_EQ(after.team, "volunteers");
  EXPECT_EQ(after.version, me.version + 1);
  EXPECT_EQ(CodeOf([&] { Service().UpdateDonor(alice_, me.id, me.version, patch); }), ErrorCode::kConflict);
  EXPECT_EQ(AuditCount("donor.update"), 1);
}

// A need past its deadline (已截止) takes no new pledge; the day itself still does.
TEST_F(SocialTest, NoPledgeAfterTheDeadline) {
  const Need n = PublishedNeed();  // deadline 2027-03-01
  const Date deadline = *Date::Parse(n.deadline);
  fx_.clock().Set(deadline, fx_.clock().NowSeconds());
  EXPECT_NO_THROW(Service().PledgeToNeed(alice_, n.id, 10000, ""));
  fx_.clock().Set(Date::FromDays(deadline.ToDays() + 1), fx_.clock().NowSeconds() + 86400);
  EXPECT_EQ(CodeOf([&] { Service().PledgeToNeed(bob_, n.id, 10000, ""); }), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Service().ListPledges(county_, {}).total, 1);
}

TEST_F(SocialTest, SupervisorsSeeEveryPledgeAndTheDonorsWhoNeverDelivered) {
  const Need n = PublishedNeed();
  Service().PledgeToNeed(alice_, n.id, 10000, "");
  const Pledge delivered = Service().PledgeToNeed(carol_, n.id, 10000, "");
  Service().RecordDocking(cadre_, delivered.id, 10000, "", std::nullopt);
  // Bob is in the supervisors team: he sees every pledge and docking.
  EXPECT_EQ(Service().ListPledges(bob_, {}).total, 2);
  EXPECT_EQ(Service().ListDockings(bob_, {}).total, 1);
  EXPECT_EQ(Service().ListDockings(county_, {}).total, 1);
  // 40 days later alice has still not delivered.
  fx_.clock().Set(Date::FromDays(fx_.clock().Today().ToDays() + 40), fx_.clock().NowSeconds() + 40 * 86400);
  for (const Caller& supervisor : {bob_, county_, auditor_}) {
    const auto late = Service().ListUndeliveredPledges(supervisor, 30);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].pledge.donor_name, "alice爱心");
    EXPECT_EQ(late[0].days_open, 40);
  }
  EXPECT_EQ(Service().ListUndeliveredPledges(county_, 41).size(), 0u);
  EXPECT_EQ(CodeOf([&] { Service().ListUndeliveredPledges(alice_, 30); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { Service().ListUndeliveredPledges(cadre_, 30); }), ErrorCode::kPermissionDenied);
}

// ---------------------------------------------------------------- figures

TEST_F(SocialTest, ProgressFiguresCountFromTheRecords) {
  const Need n = PublishedNeed();
  Service().PublishNeed(cadre_, Input(household_));  // not reviewed: not published
  const Pledge p = Service().PledgeToNeed(alice_, n.id, 10000, "");
  Service().RecordDocking(cadre_, p.id, 10000, "", std::nullopt);
  const Date today = fx_.clock().Today();
  SocialFigures f = ProgressFigures(fx_.db(), county_, "430424", today.year, today);
  EXPECT_EQ(f.households_registered, 2);  // both households of 430424 identified in 2014
  EXPECT_EQ(f.households_on_app, 1);      // enrolled by publishing
  EXPECT_DOUBLE_EQ(f.app_household_registration_rate(), 50.0);
  EXPECT_EQ(f.donors_registered, 2);      // alice and bob live in 430424
  EXPECT_EQ(f.needs_published, 1);
  EXPECT_EQ(f.dockings_succeeded, 1);
  Service().EnrolHousehold(cadre_, household_);  // already enrolled: nothing changes
  Service().EnrolHousehold(county_, household_other_, "2026-11-01");
  f = ProgressFigures(fx_.db(), county_, "430424", today.year, today);
  EXPECT_DOUBLE_EQ(f.app_household_registration_rate(), 100.0);
  // The day before, nothing had been published yet.
  const Date before = Date::FromDays(today.ToDays() - 1);
  f = ProgressFigures(fx_.db(), county_, "430424", before.year, before);
  EXPECT_EQ(f.needs_published, 0);
  EXPECT_EQ(f.dockings_succeeded, 0);
  EXPECT_EQ(f.households_on_app, 1);
  EXPECT_EQ(CodeOf([&] { ProgressFigures(fx_.db(), cadre_, "430424", today.year, today); }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { ProgressFigures(fx_.db(), alice_, "430424", today.year, today); }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { ProgressFigures(fx_.db(), county_, "430424", 2025, today); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(AuditCount("household.app_enrol"), 2);
}

}  // namespace
}  // namespace fupin::social
