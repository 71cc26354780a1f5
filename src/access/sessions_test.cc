#include "access/sessions.h"

#include <gtest/gtest.h>

#include "access/testing/fixture.h"

namespace fupin::access {
namespace {

using testing::CodeOf;

class SessionsTest : public testing::AccessFixture {
 protected:
  Sessions sessions() { return Sessions(*conn_, clock_, hasher_, options_); }
  SessionOptions options_;
};

// A department's account carries its department into every request's
// Caller (finance writes funds: docs/ACCESS.md "Finance"); other roles have none.
TEST_F(SessionsTest, TheDepartmentOfADepartmentsAccountReachesTheCaller) {
  const User u = accounts().AddUser(Caller::LocalOperator(),
                                    NewUser{"czj", Role::kSectorDepartment, "430424", "finance"}, "correct horse");
  EXPECT_EQ(u.department, "finance");
  EXPECT_EQ(u.AsCaller().department, "finance");
  auto s = sessions();
  EXPECT_EQ(s.Authenticate(s.Login("czj", "correct horse").token).department, "finance");
  try {
    accounts().AddUser(Caller::LocalOperator(), NewUser{"town", Role::kTownship, "430424100", "finance"}, "correct horse");
    FAIL() << "a township account was given a department";
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "department");
  }
  EXPECT_EQ(CodeOf([&] {
              accounts().AddUser(Caller::LocalOperator(), NewUser{"x", Role::kSectorDepartment, "430424", "财政"},
                                 "correct horse");
            }),
            ErrorCode::kInvalidArgument);
}

TEST_F(SessionsTest, LoginGivesA256BitTokenThatAuthenticatesAndIsStoredOnlyHashed) {
  const User u = Add("lihua", Role::kVillageCadre, "430424100201");
  auto s = sessions();
  const LoginResult r = s.Login("lihua", "correct horse");
  EXPECT_EQ(r.token.size(), 43u);  // 32 bytes base64url
  EXPECT_EQ(r.expires_at, clock_.NowSeconds() + 12 * 3600);
  const Caller c = s.Authenticate(r.token);
  EXPECT_EQ(c.user_id, u.id);
  EXPECT_EQ(c.role, Role::kVillageCadre);
  EXPECT_EQ(c.area_scope, "430424100201");
  // The token itself is nowhere in the database.
  auto q = conn_->Prepare("SELECT count(*) FROM sessions WHERE token_hash = ?");
  q->BindText(1, r.token);
  q->Step();
  EXPECT_EQ(q->Int(0), 0);
  EXPECT_NE(s.Login("lihua", "correct horse").token, r.token);
  EXPECT_EQ(CountAudit("login.success"), 2);
}

TEST_F(SessionsTest, NameLookupIgnoresAsciiCase) {
  Add("LiHua", Role::kTownship, "430424100");
  EXPECT_EQ(sessions().Login("lihua", "correct horse").caller.user_name, "LiHua");
}

TEST_F(SessionsTest, WrongPasswordUnknownNameAndDisabledAccountAllLookTheSame) {
  const User u = Add("lihua", Role::kVillageCadre, "430424100201");
  Add("zhang", Role::kTownship, "430424100");
  auto s = sessions();
  auto message = [&](std::string name, std::string pw) {
    try {
      s.Login(name, pw);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
      return std::string(e.what());
    }
    return std::string("logged in");
  };
  const std::string wrong = message("lihua", "not the password");
  EXPECT_EQ(message("nobody", "correct horse"), wrong);
  accounts().DisableUser(Caller::LocalOperator(), u.id);
  EXPECT_EQ(message("lihua", "correct horse"), wrong);
  EXPECT_EQ(CountAudit("login.failure"), 3);
}

// An unknown name costs one password verification, like a wrong password;
// the dummy hash it is verified against is made once per hasher (the server
// has one per process), not per Sessions (the server makes one per request).
// Counted, not timed (issue 26).
TEST_F(SessionsTest, AnUnknownNameCostsOneVerificationLikeAWrongPassword) {
  testing::CountingPasswordHasher counting;
  Accounts(*conn_, clock_, counting).AddUser(Caller::LocalOperator(), NewUser{"lihua", Role::kTownship, "430424100"},
                                             "correct horse");
  const int hashes = counting.hashes;
  for (int i = 0; i < 3; ++i) {
    Sessions s(*conn_, clock_, counting, options_);  // a new one per request, as the server does
    int before = counting.verifications;
    EXPECT_EQ(CodeOf([&] { s.Login("nobody", "guess"); }), ErrorCode::kUnauthenticated);
    EXPECT_EQ(counting.verifications - before, 1);
    before = counting.verifications;
    EXPECT_EQ(CodeOf([&] { s.Login("lihua", "guess"); }), ErrorCode::kUnauthenticated);
    EXPECT_EQ(counting.verifications - before, 1);
  }
  EXPECT_EQ(counting.hashes - hashes, 1);  // the dummy hash, once
}

// Failed logins are throttled per client address and per name, unknown names
// included; the refusal says how long to wait (issue 26).
TEST_F(SessionsTest, TheThrottleRefusesAClientOrANameAfterTooManyFailures) {
  Add("lihua", Role::kTownship, "430424100");
  LoginThrottle throttle(LoginThrottleOptions{4, 3, 60});
  Sessions s(*conn_, clock_, hasher_, options_, nullptr, &throttle);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(CodeOf([&] { s.Login("nobody" + std::to_string(i), "guess", "10.0.0.1"); }),
              ErrorCode::kUnauthenticated);
  }
  try {
    s.Login("nobody9", "guess", "10.0.0.1");
    ADD_FAILURE() << "not throttled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "Retry-After");
    EXPECT_EQ(e.details()[0].problem, "60");
  }
  // Even the right password from that address waits; another address does not.
  EXPECT_EQ(CodeOf([&] { s.Login("lihua", "correct horse", "10.0.0.1"); }), ErrorCode::kResourceExhausted);
  EXPECT_NO_THROW(s.Login("lihua", "correct horse", "10.0.0.2"));
  // One name from many addresses, whatever its case.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(CodeOf([&] { s.Login("Ghost", "guess", "10.1.0." + std::to_string(i)); }), ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(CodeOf([&] { s.Login("ghost", "guess", "10.2.0.1"); }), ErrorCode::kResourceExhausted);
  // The window ends.
  Advance(60);
  EXPECT_EQ(CodeOf([&] { s.Login("ghost", "guess", "10.0.0.1"); }), ErrorCode::kUnauthenticated);
  // Throttled attempts are not in the audit trail (they did nothing); the others are.
  EXPECT_EQ(CountAudit("login.failure"), 4 + 3 + 1);
}

TEST_F(SessionsTest, MalformedAndUnknownTokensAreRefused) {
  auto s = sessions();
  EXPECT_EQ(CodeOf([&] { s.Authenticate(""); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { s.Authenticate("not a token"); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { s.Authenticate(std::string(43, 'A')); }), ErrorCode::kUnauthenticated);
}

TEST_F(SessionsTest, FiveFailuresLockTheAccountForFifteenMinutesEvenAgainstTheRightPassword) {
  Add("lihua", Role::kVillageCadre, "430424100201");
  auto s = sessions();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(CodeOf([&] { s.Login("lihua", "guess"); }), ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(CodeOf([&] { s.Login("lihua", "guess"); }), ErrorCode::kResourceExhausted);
  EXPECT_EQ(CodeOf([&] { s.Login("lihua", "correct horse"); }), ErrorCode::kResourceExhausted);
  Advance(14 * 60);
  EXPECT_EQ(CodeOf([&] { s.Login("lihua", "correct horse"); }), ErrorCode::kResourceExhausted);
  Advance(61);
  EXPECT_NO_THROW(s.Login("lihua", "correct horse"));
  EXPECT_EQ(CountAudit("login.failure"), 5);
  EXPECT_EQ(CountAudit("login.refused"), 2);
  EXPECT_EQ(CountAudit("login.success"), 1);
}

TEST_F(SessionsTest, ASuccessfulLoginResetsTheFailureCount) {
  Add("lihua", Role::kVillageCadre, "430424100201");
  auto s = sessions();
  for (int i = 0; i < 4; ++i) EXPECT_ANY_THROW(s.Login("lihua", "guess"));
  s.Login("lihua", "correct horse");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(CodeOf([&] { s.Login("lihua", "guess"); }), ErrorCode::kUnauthenticated);
  }
}

TEST_F(SessionsTest, InactivityEndsASessionAndUseKeepsItAlive) {
  Add("lihua", Role::kVillageCadre, "430424100201");
  auto s = sessions();
  const std::string token = s.Login("lihua", "correct horse").token;
  Advance(29 * 60);
  EXPECT_NO_THROW(s.Authenticate(token));  // touches it
  Advance(29 * 60);
  EXPECT_NO_THROW(s.Authenticate(token));
  Advance(30 * 60);
  EXPECT_EQ(CodeOf([&] { s.Authenticate(token); }), ErrorCode::kUnauthenticated);
}

// The server's threads share one SessionTouches: a session's last use is
// written by the first request of each second, and inactivity is still
// counted from the last request whichever thread served it.
TEST_F(SessionsTest, ThreadsSharingTouchesKeepTheInactivityRule) {
  Add("lihua", Role::kVillageCadre, "430424100201");
  SessionTouches touches;
  Sessions a(*conn_, clock_, hasher_, options_, &touches);
  Sessions b(*conn_, clock_, hasher_, options_, &touches);
  const std::string token = a.Login("lihua", "correct horse").token;
  auto last_seen = [&] {
    auto q = conn_->Prepare("SELECT last_seen_at FROM sessions");
    q->Step();
    return q->Int(0);
  };
  Advance(29 * 60);
  EXPECT_NO_THROW(a.Authenticate(token));
  EXPECT_NO_THROW(b.Authenticate(token));  // same second: a wrote it
  EXPECT_EQ(last_seen(), clock_.NowSeconds());
  Advance(29 * 60);
  EXPECT_NO_THROW(b.Authenticate(token));  // 29 min after a's use
  EXPECT_EQ(last_seen(), clock_.NowSeconds());
  Advance(30 * 60);
  EXPECT_EQ(CodeOf([&] { a.Authenticate(token); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { b.Authenticate(token); }), ErrorCode::kUnauthenticated);
}

TEST_F(SessionsTest, TheAbsoluteTimeoutEndsEvenABusySessionAndLoginRenewsIt) {
  Add("lihua", Role::kVillageCadre, "430424100201");
  options_.idle_timeout = 3600;
  options_.absolute_timeout = 4 * 3600;
  auto s = sessions();
  const std::string token = s.Login("lihua", "correct horse").token;
  for (int i = 0; i < 7; ++i) {
    Advance(1800);
    EXPECT_NO_THROW(s.Authenticate(token)) << i;
  }
  Advance(1800);  // 4 h after login
  EXPECT_EQ(CodeOf([&] { s.Authenticate(token); }), ErrorCode::kUnauthenticated);
  const std::string again = s.Login("lihua", "correct horse").token;
  Advance(3 * 3600 + 1800);
  EXPECT_EQ(CodeOf([&] { s.Authenticate(again); }), ErrorCode::kUnauthenticated);  // idle 3.5 h
}

TEST_F(SessionsTest, LogoutEndsOnlyThatSession) {
  Add("lihua", Role::kVillageCadre, "430424100201");
  auto s = sessions();
  const std::string a = s.Login("lihua", "correct horse").token;
  const std::string b = s.Login("lihua", "correct horse").token;
  s.Logout(a);
  EXPECT_EQ(CodeOf([&] { s.Authenticate(a); }), ErrorCode::kUnauthenticated);
  EXPECT_NO_THROW(s.Authenticate(b));
  EXPECT_NO_THROW(s.Logout(a));  // again: nothing happens
  EXPECT_EQ(CountAudit("logout"), 1);
}

TEST_F(SessionsTest, DisablingAUserEndsAllTheirSessions) {
  const User u = Add("lihua", Role::kVillageCadre, "430424100201");
  Add("other", Role::kVillageCadre, "430424100201");
  auto s = sessions();
  const std::string a = s.Login("lihua", "correct horse").token;
  const std::string b = s.Login("lihua", "correct horse").token;
  const std::string other = s.Login("other", "correct horse").token;
  accounts().DisableUser(Caller::LocalOperator(), u.id);
  EXPECT_EQ(CodeOf([&] { s.Authenticate(a); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { s.Authenticate(b); }), ErrorCode::kUnauthenticated);
  EXPECT_NO_THROW(s.Authenticate(other));
  // Enabling again does not revive the old sessions.
  accounts().SetDisabled(Caller::LocalOperator(), u.id, false);
  EXPECT_EQ(CodeOf([&] { s.Authenticate(a); }), ErrorCode::kUnauthenticated);
  EXPECT_NO_THROW(s.Login("lihua", "correct horse"));
}

TEST_F(SessionsTest, ChangingThePasswordEndsAllSessionsAndOnlyTheNewPasswordWorks) {
  const User u = Add("lihua", Role::kVillageCadre, "430424100201");
  auto s = sessions();
  const LoginResult r = s.Login("lihua", "correct horse");
  accounts().ChangePassword(r.caller, u.id, std::string_view("correct horse"), "battery staple");
  EXPECT_EQ(CodeOf([&] { s.Authenticate(r.token); }), ErrorCode::kUnauthenticated);
  EXPECT_EQ(CodeOf([&] { s.Login("lihua", "correct horse"); }), ErrorCode::kUnauthenticated);
  EXPECT_NO_THROW(s.Login("lihua", "battery staple"));
}

TEST_F(SessionsTest, AHashMadeAtALowerCostIsUpgradedAtLogin) {
  Add("lihua", Role::kVillageCadre, "430424100201");
  PasswordHasher production;  // the minimum production cost
  Sessions s(*conn_, clock_, production);
  s.Login("lihua", "correct horse");
  auto q = conn_->Prepare("SELECT password_hash FROM users WHERE name = 'lihua'");
  q->Step();
  const std::string hash = q->Text(0);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_NE(hash.find("m=19456,t=2"), std::string::npos) << hash;
  EXPECT_FALSE(production.NeedsRehash(hash));
}

TEST(PasswordHasherTest, RefusesACostBelowTheMinimum) {
  EXPECT_EQ(CodeOf([] { PasswordHasher h(PasswordCost{1, 19u << 20}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([] { PasswordHasher h(PasswordCost{2, 1u << 20}); }), ErrorCode::kInvalidArgument);
  EXPECT_NO_THROW(PasswordHasher(PasswordCost{3, 64u << 20}));
}

TEST(PasswordHasherTest, VerifiesOnlyTheRightPasswordAndSurvivesGarbage) {
  testing::WeakPasswordHasher h;
  const std::string hash = h.Hash("密码是八个字符啊");
  EXPECT_TRUE(h.Verify(hash, "密码是八个字符啊"));
  EXPECT_FALSE(h.Verify(hash, "密码是八个字符"));
  EXPECT_FALSE(h.Verify("garbage", "x"));
  EXPECT_FALSE(h.Verify("", ""));
}

TEST(PasswordHasherTest, PasswordRules) {
  EXPECT_NE(PasswordProblem("short", "u"), "");
  EXPECT_EQ(PasswordProblem("八个汉字的密码啊", "u"), "");  // 8 characters, 24 bytes
  EXPECT_NE(PasswordProblem("aaaaaaaaaa", "u"), "");
  EXPECT_NE(PasswordProblem("LiHua2020", "lihua2020"), "");
}

// Common passwords from Debian's john-data list are refused, ignoring case,
// with a Chinese message the web form shows as it is (issue 26).
TEST(PasswordHasherTest, CommonPasswordsAreRefused) {
  for (const char* common : {"password", "12345678", "qwertyui", "Password1", "PASSWORD1", "iloveyou"}) {
    EXPECT_TRUE(IsCommonPassword(common)) << common;
    EXPECT_NE(PasswordProblem(common, "u").find("常见密码"), std::string::npos) << common;
  }
  EXPECT_FALSE(IsCommonPassword("correct horse"));
  EXPECT_FALSE(IsCommonPassword("#!comment: This list has been compiled by Solar Designer of Openwall Project"));
  EXPECT_EQ(PasswordProblem("lihua-Passw0rd", "lihua"), "");
}

}  // namespace
}  // namespace fupin::access
