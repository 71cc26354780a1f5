#include "reports/snapshot.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "assessment/schema.h"
#include "industry/schema.h"
#include "projects/schema.h"
#include "assistance/schema.h"
#include "core/error.h"
#include "monitoring/schema.h"
#include "policy/schema.h"
#include "registry/households.h"
#include "registry/population.h"
#include "registry/testing.h"
#include "social/schema.h"

namespace fupin::reports {
namespace {

std::vector<store::Migration> Extra() {
  auto all = assessment::Migrations();
  for (auto& m : assistance::Migrations()) all.push_back(std::move(m));
  for (auto& m : social::Migrations()) all.push_back(std::move(m));
  for (auto& m : projects::Migrations()) all.push_back(std::move(m));
  for (auto& m : industry::Migrations()) all.push_back(std::move(m));
  for (auto& m : monitoring::Migrations()) all.push_back(std::move(m));
  for (auto& m : policy::Migrations()) all.push_back(std::move(m));
  for (auto& m : reports::Migrations()) all.push_back(std::move(m));
  return all;
}

class SnapshotTest : public ::testing::Test {
 protected:
  SnapshotTest() : f_(Extra()) {
    f_.AddAreas();
    f_.db().Execute(
        "INSERT INTO area_years (area_code, year, rural_population, poor_village, exit_year) VALUES"
        " ('430424100200', 2014, 1000, 1, NULL), ('430424100201', 2014, 500, 0, NULL),"
        " ('430424100200', 2016, 1000, 1, NULL), ('430424100201', 2016, 500, 0, NULL)");
    registry::RebuildRuralPopulation(f_.db());  // what the registry keeps when it writes the figures
    f_.AddHousehold("A", "430424100200", 2014);
    f_.AddHousehold("B", "430424100201", 2014);
  }

  nlohmann::json Read(const Caller& caller, const std::string& area, SnapshotOptions options = {}) {
    return ProgressJsonWithSnapshot(f_.db(), caller, area, 2016, std::nullopt, f_.clock(), options);
  }

  static int64_t Households(const nlohmann::json& report) {
    for (const auto& f : report.at("figures")) {
      if (f.at("key") == "households_registered") return f.at("value").get<int64_t>();
    }
    ADD_FAILURE() << "no households_registered";
    return -1;
  }

  // A write through the registry service: recorded in the audit trail.
  void AddHouseholdThroughRegistry(const std::string& number) {
    registry::HouseholdRegistry reg(f_.db(), f_.clock());
    registry::HouseholdInput in;
    in.number = number;
    in.village_code = "430424100201";
    in.identified_year = 2014;
    reg.AddHousehold(f_.admin(), in);
  }

  void Later(int64_t seconds) { f_.clock().Set(f_.clock().Today(), f_.clock().NowSeconds() + seconds); }

  static Caller Office(const std::string& scope, Role role = Role::kCountyOffice) {
    Caller c;
    c.user_id = 7;
    c.user_name = "office";
    c.role = role;
    c.area_scope = scope;
    return c;
  }

  registry::testing::RegistryFixture f_;
};

TEST_F(SnapshotTest, ServedWhenNothingChanged) {
  const auto first = Read(f_.admin(), "430424");
  EXPECT_EQ(first.at("snapshot").at("source"), "computed");
  EXPECT_EQ(Households(first), 2);
  Later(60);
  const auto second = Read(f_.admin(), "430424");
  EXPECT_EQ(second.at("snapshot").at("source"), "snapshot");
  EXPECT_FALSE(second.at("snapshot").at("stale").get<bool>());
  EXPECT_EQ(second.at("snapshot").at("computed_at"), first.at("snapshot").at("computed_at"));
  EXPECT_EQ(second.at("figures"), first.at("figures"));
}

TEST_F(SnapshotTest, RecomputedAfterAWrite) {
  EXPECT_EQ(Households(Read(f_.admin(), "430424")), 2);
  AddHouseholdThroughRegistry("C");
  const auto after = Read(f_.admin(), "430424");
  EXPECT_EQ(after.at("snapshot").at("source"), "computed");
  EXPECT_FALSE(after.at("snapshot").at("stale").get<bool>());
  EXPECT_EQ(Households(after), 3);
  // A county is never served stale; the new snapshot is served next time.
  EXPECT_EQ(Read(f_.admin(), "430424").at("snapshot").at("source"), "snapshot");
}

TEST_F(SnapshotTest, LoginsRefusalsAndReadsLeaveItFreshAnEditMakesItStale) {
  const auto first = Read(f_.admin(), "43");  // a province: served stale rather than recomputed
  EXPECT_EQ(first.at("snapshot").at("source"), "computed");
  // Audited, but no record changes: a login, a logout, a refusal, a read of an ID number.
  access::Audit audit(f_.db(), f_.clock());
  const auto head_before = audit.Head().first;
  for (const char* action : {"login.success", "logout", "access.denied", "person.id_number_view", "user.create"}) {
    audit.Record(f_.admin(), {action, "user/1", "", std::nullopt, std::nullopt});
  }
  EXPECT_EQ(audit.Head().first, head_before + 5);
  Later(60);
  const auto after_login = Read(f_.admin(), "43");
  EXPECT_EQ(after_login.at("snapshot").at("source"), "snapshot");
  EXPECT_FALSE(after_login.at("snapshot").at("stale").get<bool>());

  // An edit of the registry: the province snapshot is served flagged stale.
  registry::HouseholdRegistry reg(f_.db(), f_.clock());
  const auto a = reg.GetHouseholdByNumber(f_.admin(), "A");
  registry::HouseholdPatch patch;
  patch.address = "新地址";
  reg.UpdateHousehold(f_.admin(), a.id, a.version, patch);
  const auto after_edit = Read(f_.admin(), "43");
  EXPECT_EQ(after_edit.at("snapshot").at("source"), "snapshot");
  EXPECT_TRUE(after_edit.at("snapshot").at("stale").get<bool>());
  // And a county report is recomputed.
  Read(f_.admin(), "430424");
  AddHouseholdThroughRegistry("C");
  EXPECT_EQ(Read(f_.admin(), "430424").at("snapshot").at("source"), "computed");
}

TEST_F(SnapshotTest, StaleProvinceServedWithinTheAgeAndFlagged) {
  const auto first = Read(f_.admin(), "43");
  EXPECT_EQ(Households(first), 2);
  AddHouseholdThroughRegistry("C");
  Later(3600);
  const auto stale = Read(f_.admin(), "43");
  EXPECT_EQ(stale.at("snapshot").at("source"), "snapshot");
  EXPECT_TRUE(stale.at("snapshot").at("stale").get<bool>());
  EXPECT_EQ(stale.at("snapshot").at("audit_head_id"), first.at("snapshot").at("audit_head_id"));
  EXPECT_EQ(Households(stale), 2);
  // fresh=true recomputes for an administrator.
  SnapshotOptions fresh;
  fresh.fresh = true;
  const auto forced = Read(f_.admin(), "43", fresh);
  EXPECT_EQ(forced.at("snapshot").at("source"), "computed");
  EXPECT_EQ(Households(forced), 3);
}

TEST_F(SnapshotTest, StaleProvinceRecomputedAfterTheAge) {
  Read(f_.admin(), "43");
  AddHouseholdThroughRegistry("C");
  Later(kDefaultSnapshotMaxAgeSeconds + 1);
  const auto after = Read(f_.admin(), "43");
  EXPECT_EQ(after.at("snapshot").at("source"), "computed");
  EXPECT_EQ(Households(after), 3);
}

TEST_F(SnapshotTest, NationStaleAlsoServedButZeroAgeNever) {
  Read(f_.admin(), "");
  AddHouseholdThroughRegistry("C");
  EXPECT_TRUE(Read(f_.admin(), "nation").at("snapshot").at("stale").get<bool>());
  SnapshotOptions never;
  never.max_stale_seconds = 0;
  EXPECT_EQ(Households(Read(f_.admin(), "", never)), 3);
}

TEST_F(SnapshotTest, AccessIsCheckedBeforeASnapshotIsServed) {
  Read(f_.admin(), "430424");
  Read(f_.admin(), "43");
  // Another county's office: the stored reports are outside its area.
  EXPECT_THROW(Read(Office("430426"), "430424"), Error);
  EXPECT_THROW(Read(Office("430426"), "43"), Error);
  // A donor never reads registry figures, stored or not.
  EXPECT_THROW(Read(Office("", Role::kDonor), "43"), Error);
  // The county's own office gets the stored report.
  const auto own = Read(Office("430424"), "430424");
  EXPECT_EQ(Households(own), 2);
  // A township may not force a recomputation.
  SnapshotOptions fresh;
  fresh.fresh = true;
  try {
    Read(Office("430424100", Role::kTownship), "430424100", fresh);
    ADD_FAILURE() << "a township forced a recomputation";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
}

TEST_F(SnapshotTest, PrecomputeWritesOneSnapshotPerArea) {
  const auto run = PrecomputeSnapshots(f_.db(), f_.admin(), 2016, std::nullopt, {"nation", "province", "county"},
                                       f_.clock());
  EXPECT_EQ(run.reports, 1 + 1 + 2);  // nation, 43, 430424 and 430426
  EXPECT_EQ(Read(f_.admin(), "430426").at("snapshot").at("source"), "snapshot");
  EXPECT_EQ(Read(f_.admin(), "").at("snapshot").at("source"), "snapshot");
  EXPECT_THROW(PrecomputeSnapshots(f_.db(), f_.admin(), 2016, std::nullopt, {"galaxy"}, f_.clock()), Error);
}

}  // namespace
}  // namespace fupin::reports
