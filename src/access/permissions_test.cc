#include "access/permissions.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "access/testing/fixture.h"

namespace fupin::access {
namespace {

using testing::CodeOf;
using testing::Filter;

constexpr Resource kResources[] = {Resource::kRegistry,   Resource::kAssessment, Resource::kPolicy, Resource::kRoster,
                                   Resource::kAssistance, Resource::kSocial,     Resource::kMonitoring,
                                   Resource::kProjects,   Resource::kAudit,      Resource::kUsers,      Resource::kParams,
                                   Resource::kIndustry};

// The matrix of docs/ACCESS.md for records inside the caller's scope, in the
// order of kResources: R = read, W = write, - = neither.
struct Row {
  Role role;
  const char* grants;
};
constexpr Row kMatrix[] = {
    //                          reg asm pol ros ast soc mon prj aud usr par ind
    {Role::kAdministrator,     "RW  RW  RW  RW  RW  RW  RW  RW  R-  RW  RW  RW"},
    {Role::kCountyOffice,      "RW  RW  RW  RW  RW  RW  RW  RW  --  --  RW  RW"},
    {Role::kTownship,          "RW  RW  R-  R-  RW  RW  RW  R-  --  --  R-  R-"},
    {Role::kVillageCadre,      "RW  RW  R-  R-  RW  RW  RW  R-  --  --  R-  R-"},
    {Role::kPairedCadre,       "--  --  R-  --  R-  --  --  --  --  --  R-  --"},  // without a household
    {Role::kSectorDepartment,  "R-  R-  R-  RW  R-  --  R-  --  --  --  R-  --"},
    {Role::kDonor,             "--  --  --  --  --  RW  --  --  --  --  --  --"},
    {Role::kAuditor,           "R-  R-  R-  R-  R-  R-  R-  R-  R-  R-  R-  R-"},
};

Caller CallerOf(Role role, std::string scope = "430424100201") {
  return Caller{42, std::string(RoleName(role)), role, std::move(scope)};
}

bool PairedWithSeven(const Caller&, int64_t household_id) { return household_id == 7; }

TEST(PermissionsTest, EveryRoleInsideItsScopeFollowsTheMatrix) {
  for (const Row& row : kMatrix) {
    const Caller c = CallerOf(row.role);
    std::string grants(row.grants);
    std::erase(grants, ' ');
    ASSERT_EQ(grants.size(), 2 * std::size(kResources));
    for (size_t i = 0; i < std::size(kResources); ++i) {
      const Target inside{"430424100201", std::nullopt, ""};
      SCOPED_TRACE(std::string(RoleName(row.role)) + " " + ResourceName(kResources[i]));
      EXPECT_EQ(!Refusal(c, Access::kRead, kResources[i], inside), grants[2 * i] == 'R');
      EXPECT_EQ(!Refusal(c, Access::kWrite, kResources[i], inside), grants[2 * i + 1] == 'W');
    }
  }
}

TEST(PermissionsTest, NoRoleReachesAnythingOutsideItsScope) {
  for (const Row& row : kMatrix) {
    const Caller c = CallerOf(row.role);
    for (Resource r : kResources) {
      for (const char* area : {"430424100202", "430424101201", "4305"}) {
        const Target outside{area, std::nullopt, ""};
        SCOPED_TRACE(std::string(RoleName(row.role)) + " " + ResourceName(r) + " " + area);
        EXPECT_TRUE(Refusal(c, Access::kRead, r, outside));
        EXPECT_TRUE(Refusal(c, Access::kWrite, r, outside));
        EXPECT_TRUE(Refusal(c, Access::kRead, r, Target{area, 7, ""}, PairedWithSeven));
      }
    }
  }
}

TEST(PermissionsTest, PoliciesAndParametersSetAboveTheScopeCanBeReadButNotChanged) {
  for (const Row& row : kMatrix) {
    const Caller c = CallerOf(row.role);
    for (Resource r : kResources) {
      const Target county{"430424", std::nullopt, ""};
      const Target nation{"", std::nullopt, ""};
      const bool rules = (r == Resource::kPolicy || r == Resource::kParams) && row.role != Role::kDonor;
      SCOPED_TRACE(std::string(RoleName(row.role)) + " " + ResourceName(r));
      EXPECT_EQ(!Refusal(c, Access::kRead, r, county), rules);
      EXPECT_EQ(!Refusal(c, Access::kRead, r, nation), rules);
      EXPECT_TRUE(Refusal(c, Access::kWrite, r, county));
    }
  }
}

TEST(PermissionsTest, APairedCadreReachesOnlyTheirOwnHouseholds) {
  const Caller c = CallerOf(Role::kPairedCadre);
  const Target mine{"430424100201", 7, "household/7"};
  const Target not_mine{"430424100201", 8, "household/8"};
  EXPECT_FALSE(Refusal(c, Access::kRead, Resource::kRegistry, mine, PairedWithSeven));
  EXPECT_TRUE(Refusal(c, Access::kRead, Resource::kRegistry, not_mine, PairedWithSeven));
  EXPECT_TRUE(Refusal(c, Access::kWrite, Resource::kRegistry, mine, PairedWithSeven));
  EXPECT_FALSE(Refusal(c, Access::kRead, Resource::kAssessment, mine, PairedWithSeven));
  EXPECT_FALSE(Refusal(c, Access::kWrite, Resource::kAssistance, mine, PairedWithSeven));  // visits
  EXPECT_TRUE(Refusal(c, Access::kWrite, Resource::kAssistance, not_mine, PairedWithSeven));
  EXPECT_FALSE(Refusal(c, Access::kWrite, Resource::kMonitoring, mine, PairedWithSeven));
  EXPECT_TRUE(Refusal(c, Access::kRead, Resource::kMonitoring, not_mine, PairedWithSeven));
  EXPECT_TRUE(Refusal(c, Access::kRead, Resource::kSocial, not_mine, PairedWithSeven));
  // Social assistance: read, like write, only for their own households (issue 26).
  EXPECT_FALSE(Refusal(c, Access::kRead, Resource::kSocial, mine, PairedWithSeven));
  EXPECT_TRUE(ReadScopeFor(c, Resource::kSocial).paired_households_only);
  // Without a pairing check nothing is paired.
  EXPECT_TRUE(Refusal(c, Access::kRead, Resource::kRegistry, mine));
}

TEST(PermissionsTest, OtherRolesReachHouseholdsByAreaWhateverThePairing) {
  const Caller v = CallerOf(Role::kVillageCadre);
  EXPECT_FALSE(Refusal(v, Access::kWrite, Resource::kRegistry, Target{"430424100201", 8, ""}, PairedWithSeven));
  EXPECT_TRUE(Refusal(v, Access::kRead, Resource::kRegistry, Target{"430424100202", 7, ""}, PairedWithSeven));
  const Caller donor = CallerOf(Role::kDonor, "");
  EXPECT_TRUE(Refusal(donor, Access::kRead, Resource::kRegistry, Target{"430424100201", 7, ""}, PairedWithSeven));
}

TEST(PermissionsTest, ReadScopeTellsListQueriesHowToFilter) {
  const ReadScope v = ReadScopeFor(CallerOf(Role::kVillageCadre), Resource::kRegistry);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.area_prefix, "430424100201");
  EXPECT_FALSE(v.paired_households_only);
  EXPECT_TRUE(ReadScopeFor(CallerOf(Role::kPairedCadre), Resource::kRegistry).paired_households_only);
  EXPECT_FALSE(ReadScopeFor(CallerOf(Role::kDonor), Resource::kRegistry).allowed);
  EXPECT_TRUE(ReadScopeFor(CallerOf(Role::kTownship), Resource::kPolicy).include_ancestors);
}

class GuardTest : public testing::AccessFixture {};

TEST_F(GuardTest, ARefusalThrowsPermissionDeniedAndIsRecorded) {
  Audit a = audit();
  Guard guard(a, PairedWithSeven);
  const Caller v = CallerOf(Role::kVillageCadre);
  EXPECT_NO_THROW(guard.RequireRead(v, Resource::kRegistry, Target{"430424100201", 12, "household/12"}));
  EXPECT_EQ(CountAudit("access.denied"), 0);
  EXPECT_EQ(CodeOf([&] { guard.RequireWrite(v, Resource::kRegistry, Target{"430424100202", 13, "household/13"}); }),
            ErrorCode::kPermissionDenied);
  const AuditPage page = a.List(Caller::LocalOperator(), Filter("household/13"));
  ASSERT_EQ(page.total, 1);
  const AuditEntry& e = page.entries[0];
  EXPECT_EQ(e.action, "access.denied");
  EXPECT_EQ(e.actor_id, 42);
  EXPECT_EQ(e.area_code, "430424100202");
  const auto detail = nlohmann::json::parse(*e.after);
  EXPECT_EQ(detail["access"], "write");
  EXPECT_EQ(detail["resource"], "registry");
  EXPECT_EQ(detail["household_id"], 13);
}

}  // namespace
}  // namespace fupin::access
