#include "access/accounts.h"

#include <gtest/gtest.h>

#include "access/testing/fixture.h"

namespace fupin::access {
namespace {

using testing::CodeOf;

class AccountsTest : public testing::AccessFixture {};

TEST_F(AccountsTest, AddUserNormalisesThePaddedAreaCodeAndAudits) {
  const User u = Add("lihua", Role::kTownship, "430424100000");
  EXPECT_EQ(u.area_code, "430424100");
  EXPECT_EQ(u.role, Role::kTownship);
  EXPECT_FALSE(u.disabled);
  EXPECT_EQ(CountAudit("user.create"), 1);
}

TEST_F(AccountsTest, AddUserValidatesEveryField) {
  try {
    accounts().AddUser(Caller::LocalOperator(), NewUser{"bad name", Role::kTownship, "43x"}, "short");
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.code(), ErrorCode::kInvalidArgument);
    ASSERT_EQ(e.details().size(), 3u);
    EXPECT_EQ(e.details()[0].path, "name");
    EXPECT_EQ(e.details()[1].path, "area_code");
    EXPECT_EQ(e.details()[2].path, "password");
  }
  Add("lihua", Role::kTownship, "430424100");
  EXPECT_EQ(CodeOf([&] { Add("LIHUA", Role::kTownship, "430424100"); }), ErrorCode::kAlreadyExists);
}

TEST_F(AccountsTest, AdministratorsManageOnlyUsersInsideTheirScope) {
  const User admin = Add("town-admin", Role::kAdministrator, "430424100");
  const Caller a = admin.AsCaller();
  EXPECT_NO_THROW(accounts().AddUser(a, NewUser{"v1", Role::kVillageCadre, "430424100201"}, "correct horse"));
  EXPECT_EQ(CodeOf([&] {
              accounts().AddUser(a, NewUser{"v2", Role::kVillageCadre, "430424101201"}, "correct horse");
            }),
            ErrorCode::kPermissionDenied);
  // Not even a user of a wider scope than their own.
  EXPECT_EQ(CodeOf([&] { accounts().AddUser(a, NewUser{"c", Role::kCountyOffice, "430424"}, "correct horse"); }),
            ErrorCode::kPermissionDenied);
  const User outside = Add("outside", Role::kVillageCadre, "430424101201");
  EXPECT_EQ(CodeOf([&] { accounts().DisableUser(a, outside.id); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { accounts().ChangePassword(a, outside.id, std::nullopt, "new password"); }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { accounts().GetUser(a, outside.id); }), ErrorCode::kPermissionDenied);

  const UserPage page = accounts().ListUsers(a);
  ASSERT_EQ(page.total, 2);  // town-admin and v1
  EXPECT_EQ(page.users[0].name, "town-admin");
  EXPECT_EQ(page.users[1].name, "v1");
  EXPECT_EQ(CountAudit("access.denied"), 5);
}

TEST_F(AccountsTest, OnlyAdministratorsManageAndOnlyAuditorsAlsoReadUsers) {
  const User county = Add("county", Role::kCountyOffice, "430424");
  const User auditor = Add("auditor", Role::kAuditor, "430424");
  const User v = Add("v", Role::kVillageCadre, "430424100201");
  EXPECT_EQ(CodeOf([&] {
              accounts().AddUser(county.AsCaller(), NewUser{"x", Role::kVillageCadre, "430424100201"}, "correct horse");
            }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { accounts().ListUsers(county.AsCaller()); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(accounts().ListUsers(auditor.AsCaller()).total, 3);
  EXPECT_EQ(CodeOf([&] { accounts().DisableUser(auditor.AsCaller(), v.id); }), ErrorCode::kPermissionDenied);
  // Everyone sees their own account.
  EXPECT_EQ(accounts().GetUser(v.AsCaller(), v.id).name, "v");
}

TEST_F(AccountsTest, DisableIsVersionedAndAudited) {
  const User v = Add("v", Role::kVillageCadre, "430424100201");
  EXPECT_EQ(CodeOf([&] { accounts().SetDisabled(Caller::LocalOperator(), v.id, true, v.version + 1); }),
            ErrorCode::kConflict);
  const User d = accounts().SetDisabled(Caller::LocalOperator(), v.id, true, v.version);
  EXPECT_TRUE(d.disabled);
  EXPECT_EQ(d.version, v.version + 1);
  EXPECT_EQ(CountAudit("user.disable"), 1);
  EXPECT_EQ(accounts().ListUsers(Caller::LocalOperator(), UserFilter{false, std::nullopt, 0, 50}).total, 0);
  EXPECT_EQ(CodeOf([&] { accounts().DisableUser(Caller::LocalOperator(), 999); }), ErrorCode::kNotFound);
}

TEST_F(AccountsTest, ChangingYourOwnPasswordNeedsTheCurrentOne) {
  const User v = Add("v", Role::kVillageCadre, "430424100201");
  EXPECT_EQ(CodeOf([&] { accounts().ChangePassword(v.AsCaller(), v.id, std::string_view("wrong one"), "new password"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { accounts().ChangePassword(v.AsCaller(), v.id, std::nullopt, "new password"); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CountAudit("user.password_change_refused"), 2);
  const User other = Add("w", Role::kVillageCadre, "430424100201");
  EXPECT_EQ(CodeOf([&] { accounts().ChangePassword(v.AsCaller(), other.id, std::nullopt, "new password"); }),
            ErrorCode::kPermissionDenied);
  accounts().ChangePassword(v.AsCaller(), v.id, std::string_view("correct horse"), "new password");
  EXPECT_EQ(CountAudit("user.password_change"), 1);
}

TEST_F(AccountsTest, TheAuditTrailNeverHoldsThePasswordOrItsHash) {
  Add("v", Role::kVillageCadre, "430424100201", "a secret pass");
  auto s = conn_->Prepare("SELECT count(*) FROM audit_log WHERE after LIKE '%secret%' OR after LIKE '%argon%'");
  s->Step();
  EXPECT_EQ(s->Int(0), 0);
}

}  // namespace
}  // namespace fupin::access
