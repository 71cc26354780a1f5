// The demo generator on small synthetic registries: the figures come out as
// asked, the same seed gives the same rows, and it refuses to run twice.
#include "social/demo.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "registry/households.h"
#include "registry/testing.h"
#include "social/schema.h"
#include "social/social.h"

namespace fupin::social {
namespace {

using registry::testing::RegistryFixture;

struct DemoCase {
  int households;
  int64_t donors;
  int64_t needs;
  int64_t dockings;
};

class DemoTest : public ::testing::TestWithParam<DemoCase> {
 protected:
  // `households` registered households in 430424 (one more removed in 2016),
  // and two in county 430426 that the demo must leave alone.
  static void Fill(RegistryFixture& fx, int households) {
    fx.AddAreas();
    const char* villages[] = {"430424100200", "430424100201", "430424101200"};
    for (int i = 0; i < households; ++i) {
      fx.AddHousehold("H" + std::to_string(i), villages[i % 3], 2014 + i % 4);
    }
    const int64_t removed = fx.AddHousehold("HR", "430424100200", 2014);
    registry::HouseholdRegistry reg(fx.db(), fx.clock());
    reg.RecordEvent(fx.admin(), {removed, "removed", "2016-06-30", std::nullopt, "清退"});
    fx.AddHousehold("HX1", "430426100200", 2014);
    fx.AddHousehold("HX2", "430426100200", 2015);
  }

  static DemoOptions Options(const DemoCase& c) {
    DemoOptions o;
    o.area_code = "430424";
    o.donors = c.donors;
    o.needs = c.needs;
    o.dockings = c.dockings;
    o.undelivered_pledges = 3;
    return o;
  }
};

TEST_P(DemoTest, TheFiguresComeOutAsAsked) {
  const DemoCase c = GetParam();
  RegistryFixture fx(Migrations());
  Fill(fx, c.households);
  const DemoSocialSummary summary = GenerateDemo(fx.db(), 42, fx.admin(), Options(c));
  EXPECT_EQ(summary.households_enrolled, c.households);
  EXPECT_EQ(summary.donors, c.donors);
  EXPECT_EQ(summary.needs, c.needs);
  EXPECT_EQ(summary.dockings, c.dockings);

  const SocialFigures f = ProgressFigures(fx.db(), fx.admin(), "430424", 2020, Date{2020, 9, 30});
  EXPECT_EQ(f.households_registered, c.households);  // the removed household is not counted
  EXPECT_EQ(f.households_on_app, c.households);
  EXPECT_DOUBLE_EQ(f.app_household_registration_rate(), 100.0);
  EXPECT_EQ(f.donors_registered, c.donors);
  EXPECT_EQ(f.needs_published, c.needs);
  EXPECT_EQ(f.dockings_succeeded, c.dockings);

  // The other county has none of it; townships add up to the county.
  const SocialFigures other = ProgressFigures(fx.db(), fx.admin(), "430426", 2020, Date{2020, 9, 30});
  EXPECT_EQ(other.households_on_app, 0);
  EXPECT_EQ(other.needs_published, 0);
  const SocialFigures t1 = ProgressFigures(fx.db(), fx.admin(), "430424100", 2020, Date{2020, 9, 30});
  const SocialFigures t2 = ProgressFigures(fx.db(), fx.admin(), "430424101", 2020, Date{2020, 9, 30});
  EXPECT_EQ(t1.needs_published + t2.needs_published, c.needs);
  EXPECT_EQ(t1.dockings_succeeded + t2.dockings_succeeded, c.dockings);

  // Every docking belongs to a pledge of a donor registered by then; every
  // closed need got exactly what it asked for.
  EXPECT_EQ(fx.db().QueryInt("SELECT COUNT(*) FROM dockings k JOIN pledges p ON p.id = k.pledge_id"
                             " JOIN donor_profiles d ON d.id = k.donor_id"
                             " WHERE p.pledged_on < d.registered_on OR k.confirmed_on > '2020-09-30'"
                             " OR k.delivered_on < p.pledged_on"),
            0);
  EXPECT_EQ(fx.db().QueryInt("SELECT COUNT(*) FROM needs WHERE status = 'closed' AND received_fen <> amount_fen"), 0);
  EXPECT_EQ(fx.db().QueryInt("SELECT COUNT(*) FROM needs n WHERE docking_count <>"
                             " (SELECT COUNT(*) FROM dockings k WHERE k.need_id = n.id)"),
            0);
  // Demo donors cannot log in.
  EXPECT_EQ(fx.db().QueryInt("SELECT COUNT(*) FROM users WHERE role = 'donor' AND disabled = 0"), 0);
  // One audit entry for the batch.
  EXPECT_EQ(fx.db().QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'social.demo'"), 1);
  // The supervisors see the undelivered pledges, if any need is still open.
  if (summary.needs_open > 0) {
    SocialService service(fx.db(), fx.clock());
    EXPECT_GE(service.ListUndeliveredPledges(fx.admin(), 30).size(), 3u);
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, DemoTest,
                         ::testing::Values(DemoCase{9, 40, 15, 50}, DemoCase{12, 5, 30, 30}, DemoCase{3, 1, 2, 0},
                                           DemoCase{30, 300, 31, 137}));

TEST(DemoTestOnce, SameSeedSameRowsAndNoSecondRun) {
  RegistryFixture a(Migrations());
  RegistryFixture b(Migrations());
  DemoOptions o;
  o.donors = 50;
  o.needs = 20;
  o.dockings = 77;
  for (RegistryFixture* fx : {&a, &b}) {
    fx->AddAreas();
    for (int i = 0; i < 10; ++i) fx->AddHousehold("H" + std::to_string(i), "430424100200", 2014);
    GenerateDemo(fx->db(), 7, fx->admin(), o);
  }
  auto digest = [](store::Connection& db) {
    std::string out;
    auto s = db.Prepare(
        "SELECT COALESCE(group_concat(x, ';'), '') FROM (SELECT d.display_name || d.registered_on || COALESCE(d.team, '')"
        " AS x FROM donor_profiles d ORDER BY d.id)");
    s->Step();
    out += s->Text(0);
    auto t = db.Prepare(
        "SELECT COALESCE(group_concat(x, ';'), '') FROM (SELECT n.title || n.amount_fen || n.published_on || k.donor_id"
        " || k.confirmed_on AS x FROM dockings k JOIN needs n ON n.id = k.need_id ORDER BY k.id)");
    t->Step();
    out += t->Text(0);
    return out;
  };
  EXPECT_EQ(digest(a.db()), digest(b.db()));
  EXPECT_FALSE(digest(a.db()).empty());
  try {
    GenerateDemo(a.db(), 7, a.admin(), o);
    ADD_FAILURE() << "a second run was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  }
}

TEST(DemoTestOnce, RefusesAnEmptyRegistryAndAnyoneButTheCountyOffice) {
  RegistryFixture fx(Migrations());
  fx.AddAreas();
  try {
    GenerateDemo(fx.db(), 1, fx.admin(), {});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  }
  fx.AddHousehold("H1", "430424100200", 2014);
  const Caller cadre{5, "cadre", Role::kVillageCadre, "430424100200"};
  try {
    GenerateDemo(fx.db(), 1, cadre, {});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(fx.db().QueryInt("SELECT COUNT(*) FROM donor_profiles"), 0);
}

}  // namespace
}  // namespace fupin::social
