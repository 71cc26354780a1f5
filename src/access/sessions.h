#pragma once
// Logging in and sessions.
//  - A token is 256 random bits, given to the client base64url-encoded (43
//    characters); the database keeps only its BLAKE2b-256 hash.
//  - A session ends after `idle_timeout` without use, after
//    `absolute_timeout` in any case, on logout, and for every session of a
//    user who is disabled or whose password changes.
//  - After `max_failures` wrong passwords in a row an account is locked for
//    `lockout` seconds; while locked even the right password is refused.
//  - Every attempt (success, wrong password, unknown name, disabled, locked)
//    and every logout is recorded in the audit trail.
// Time comes from the Clock, so tests drive it with a FixedClock.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "access/login_throttle.h"
#include "access/password.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::access {

class Audit;
struct User;

struct SessionOptions {
  int64_t idle_timeout = 30 * 60;          // seconds without a request
  int64_t absolute_timeout = 12 * 60 * 60; // seconds after login
  int max_failures = 5;                    // wrong passwords in a row before a lock-out
  int64_t lockout = 15 * 60;               // seconds
  // A session's last use is written at most once in this many seconds: every
  // write makes each server thread's SQLite page cache start cold, so writing
  // it on every second of a busy session cost the reads of all sessions. The
  // session may end up to this much before `idle_timeout`, never after.
  int64_t touch_interval = 60;
};

struct LoginResult {
  std::string token;  // give to the client; never stored or logged
  Caller caller;
  int64_t expires_at = 0;  // absolute end of the session (UTC seconds)
};

// Which second each session's last use was last written in, shared by the
// threads of one server over one database. Authenticate writes a session's
// last use at most once per SessionOptions::touch_interval; without this,
// every request of the session in flight when that write falls due tries it
// and they queue for the database's write lock (SQLite's busy wait sleeps in
// steps of 1-100 ms), which is where the slowest reads of a busy session
// went. With it one request writes and the others go on. If that one write
// fails, a later request writes: the session may then end up to a
// touch_interval early, never late.
class SessionTouches {
 public:
  // True for the first caller of a session in second `now` (who writes).
  bool Claim(int64_t session_id, int64_t now);

 private:
  std::mutex mutex_;
  std::unordered_map<int64_t, int64_t> last_;  // session id -> second claimed
};

class Sessions {
 public:
  // `touches`, if given, must serve only this database (see SessionTouches);
  // `throttle`, if given, is asked before and told after each login.
  Sessions(store::Connection& connection, const Clock& clock, const PasswordHasher& hasher,
           SessionOptions options = {}, SessionTouches* touches = nullptr, LoginThrottle* throttle = nullptr)
      : connection_(connection),
        clock_(clock),
        hasher_(hasher),
        options_(options),
        touches_(touches),
        throttle_(throttle) {}

  // kUnauthenticated ("wrong user name or password") for an unknown name, a
  // wrong password or a disabled account alike, each after exactly one
  // password verification; kResourceExhausted while the account is locked
  // or while the throttle refuses `client` (the remote address) or `name`,
  // with a detail {"Retry-After", seconds}. The failure is recorded before
  // the throw (a throttled attempt is not: it did nothing).
  LoginResult Login(std::string_view name, std::string_view password, std::string_view client = "");

  // The caller a token stands for; touches the session's last use.
  // kUnauthenticated for a malformed, unknown, expired or revoked token.
  // The same as Check, then Touch.
  Caller Authenticate(std::string_view token);

  // Authenticate in two steps, for a caller that reads inside a
  // store::ReadSnapshot (the server's quick reads): Check reads and writes
  // nothing; when the session's last use is due to be written, `touch` is
  // set and Touch must be called (outside the snapshot, before the request's
  // work). The claim on SessionTouches is made by Check.
  struct Checked {
    Caller caller;
    std::optional<int64_t> touch;  // the session whose last use is due
    int64_t now = 0;
  };
  Checked Check(std::string_view token);
  void Touch(const Checked& checked);

  // Ends the session of `token` (nothing happens for an unknown one).
  void Logout(std::string_view token);

  const SessionOptions& options() const { return options_; }

 private:
  // Login's steps once the account is known: a wrong password (counted, the account locked after
  // too many; always throws) and a new session for the right one.
  [[noreturn]] void RefuseWrongPassword(const User& user, Audit& audit, int64_t now);
  LoginResult OpenSession(const User& user, const std::string& hash, std::string_view password, Audit& audit,
                          int64_t now);

  store::Connection& connection_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
  SessionOptions options_;
  SessionTouches* touches_;
  LoginThrottle* throttle_;
};

// The CSRF token of a session (docs/ACCESS.md, "Session cookie"): hex
// BLAKE2b-256 of the session token, keyed with a fixed label. Bound to the
// session, the same in every server process, and it reveals neither the token
// nor the hash stored for it (that one is unkeyed).
std::string CsrfToken(std::string_view token);
// Whether `offered` is the CSRF token of `token` (compared in constant time).
bool CsrfTokenMatches(std::string_view token, std::string_view offered);

// Ends every open session of a user (used when a user is disabled or their
// password changes). Returns how many were ended. Runs on the caller's
// transaction, if any.
int64_t RevokeSessions(store::Connection& connection, int64_t user_id, int64_t now, std::string_view reason);

}  // namespace fupin::access
