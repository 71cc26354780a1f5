#include "access/sessions.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "access/accounts.h"
#include "access/audit.h"
#include "access/crypto_util.h"
#include "core/error.h"

namespace fupin::access {
namespace {

constexpr size_t kTokenBytes = 32;  // 256 bits
constexpr char kWrongCredentials[] = "wrong user name or password";

Error Unauthenticated(const std::string& message) { return Error(ErrorCode::kUnauthenticated, message); }

std::string EncodeToken(std::span<const uint8_t> raw) {
  std::string out(sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

// The stored form of a token: hex BLAKE2b-256 of its raw bytes; nullopt if
// the text is not a token this service could have issued.
std::optional<std::string> TokenHash(std::string_view token) {
  internal::EnsureSodium();
  std::vector<uint8_t> raw(kTokenBytes);
  size_t len = 0;
  const char* end = nullptr;
  if (token.size() != 43 ||
      sodium_base642bin(raw.data(), raw.size(), token.data(), token.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != kTokenBytes || end != token.data() + token.size()) {
    return std::nullopt;
  }
  return internal::ToHex(internal::Blake2b256(raw));
}

std::string Json(std::initializer_list<std::pair<const std::string, nlohmann::json>> fields) {
  return nlohmann::json(nlohmann::json::object_t(fields)).dump();
}

}  // namespace

std::string CsrfToken(std::string_view token) {
  static constexpr std::string_view kLabel = "fupin-csrf-token-v1";  // 19 bytes: a BLAKE2b key needs 16-64
  const auto* data = reinterpret_cast<const uint8_t*>(token.data());
  const auto* key = reinterpret_cast<const uint8_t*>(kLabel.data());
  return internal::ToHex(internal::Blake2b256({data, token.size()}, {key, kLabel.size()}));
}

bool CsrfTokenMatches(std::string_view token, std::string_view offered) {
  if (token.empty()) return false;
  const std::string expected = CsrfToken(token);
  return offered.size() == expected.size() && sodium_memcmp(offered.data(), expected.data(), expected.size()) == 0;
}

bool SessionTouches::Claim(int64_t session_id, int64_t now) {
  std::scoped_lock lock(mutex_);
  // Forget sessions unused for a minute, so the map holds only the busy ones.
  if (last_.size() > 4096) std::erase_if(last_, [now](const auto& e) { return e.second < now - 60; });
  int64_t& last = last_[session_id];
  if (last >= now) return false;
  last = now;
  return true;
}

int64_t RevokeSessions(store::Connection& connection, int64_t user_id, int64_t now, std::string_view reason) {
  auto s = connection.Prepare(
      "UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL");
  s->BindInt(1, now);
  s->BindText(2, reason);
  s->BindInt(3, user_id);
  return s->Run();
}

void Sessions::RefuseWrongPassword(const User& user, Audit& audit, int64_t now) {
  const Caller as_user = user.AsCaller();
  const std::string entity = "user/" + std::to_string(user.id);
  const int64_t failures = user.failed_attempts + 1;
  const bool lock = failures >= options_.max_failures;
  store::Transaction tx(connection_);
  auto update = connection_.Prepare("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?");
  update->BindInt(1, lock ? 0 : failures);
  update->BindInt(2, lock ? now + options_.lockout : user.locked_until);
  update->BindInt(3, user.id);
  update->Run();
  nlohmann::json detail = {{"reason", "wrong password"}, {"failures", failures}};
  if (lock) detail["locked_until"] = now + options_.lockout;
  audit.Record(as_user, AuditEvent{"login.failure", entity, user.area_code, std::nullopt, detail.dump()});
  tx.Commit();
  if (lock) {
    throw Error(ErrorCode::kResourceExhausted,
                "too many failed logins: the account is locked until " + FormatTimestamp(now + options_.lockout),
                {{"Retry-After", std::to_string(options_.lockout)}});
  }
  throw Unauthenticated(kWrongCredentials);
}

LoginResult Sessions::OpenSession(const User& user, const std::string& hash, std::string_view password, Audit& audit,
                                  int64_t now) {
  const Caller as_user = user.AsCaller();
  const std::string entity = "user/" + std::to_string(user.id);
  std::vector<uint8_t> raw(kTokenBytes);
  randombytes_buf(raw.data(), raw.size());
  LoginResult result;
  result.token = EncodeToken(raw);
  result.caller = as_user;
  result.expires_at = now + options_.absolute_timeout;
  const std::optional<std::string> new_hash =
      hasher_.NeedsRehash(hash) ? std::optional<std::string>(hasher_.Hash(password)) : std::nullopt;

  store::Transaction tx(connection_);
  {
    auto update = connection_.Prepare(
        "UPDATE users SET failed_attempts = 0, locked_until = 0, password_hash = coalesce(?, password_hash) "
        "WHERE id = ?");
    update->BindOptionalText(1, new_hash);
    update->BindInt(2, user.id);
    update->Run();
    auto insert = connection_.Prepare(
        "INSERT INTO sessions (user_id, token_hash, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)");
    insert->BindInt(1, user.id);
    insert->BindText(2, internal::ToHex(internal::Blake2b256(raw)));
    insert->BindInt(3, now);
    insert->BindInt(4, now);
    insert->BindInt(5, result.expires_at);
    insert->Run();
  }
  audit.Record(as_user, AuditEvent{"login.success", entity, user.area_code, std::nullopt,
                                   Json({{"expires_at", result.expires_at}})});
  tx.Commit();
  return result;
}

LoginResult Sessions::Login(std::string_view name, std::string_view password, std::string_view client) {
  internal::EnsureSodium();
  const int64_t now = clock_.NowSeconds();
  if (throttle_) {
    if (const int64_t wait = throttle_->RetryAfter(client, name, now); wait > 0) {
      throw Error(ErrorCode::kResourceExhausted,
                  "too many failed logins from this address or for this name: try again in " +
                      std::to_string(wait) + " seconds",
                  {{"Retry-After", std::to_string(wait)}});
    }
  }
  // Every refusal below counts against the client and the name.
  struct CountFailure {
    LoginThrottle* throttle;
    std::string_view client, name;
    int64_t now;
    bool succeeded = false;
    ~CountFailure() {
      if (throttle && !succeeded) throttle->RecordFailure(client, name, now);
    }
  } count{throttle_, client, name, now};
  Audit audit(connection_, clock_);
  const std::optional<User> user = LoadUserByName(connection_, name);

  if (!user) {
    // Spend the same effort as for a real account (one verification against
    // a hash made once per hasher), so the time taken does not tell which
    // names exist.
    (void)hasher_.Verify(hasher_.DummyHash(), password);
    Caller unknown{0, std::string(name), Role::kAuditor, ""};
    audit.Record(unknown, AuditEvent{"login.failure", "user/0", "", std::nullopt,
                                     Json({{"name", std::string(name)}, {"reason", "unknown user"}})});
    throw Unauthenticated(kWrongCredentials);
  }
  const Caller as_user = user->AsCaller();
  const std::string entity = "user/" + std::to_string(user->id);

  if (user->locked_until > now) {
    audit.Record(as_user, AuditEvent{"login.refused", entity, user->area_code, std::nullopt,
                                     Json({{"reason", "locked"}, {"locked_until", user->locked_until}})});
    throw Error(ErrorCode::kResourceExhausted,
                "too many failed logins: the account is locked until " + FormatTimestamp(user->locked_until),
                {{"Retry-After", std::to_string(user->locked_until - now)}});
  }

  std::string hash;
  {
    auto s = connection_.Prepare("SELECT password_hash FROM users WHERE id = ?");
    s->BindInt(1, user->id);
    if (s->Step()) hash = s->Text(0);
  }
  if (!hasher_.Verify(hash, password)) RefuseWrongPassword(*user, audit, now);

  if (user->disabled) {
    audit.Record(as_user, AuditEvent{"login.failure", entity, user->area_code, std::nullopt,
                                     Json({{"reason", "disabled"}})});
    throw Unauthenticated(kWrongCredentials);
  }

  LoginResult result = OpenSession(*user, hash, password, audit, now);
  count.succeeded = true;
  return result;
}

Sessions::Checked Sessions::Check(std::string_view token) {
  const std::optional<std::string> token_hash = TokenHash(token);
  if (!token_hash) throw Unauthenticated("not a session token");
  const int64_t now = clock_.NowSeconds();
  auto s = connection_.Prepare(
      "SELECT s.id, s.last_seen_at, s.expires_at, s.revoked_at, u.id, u.name, u.role, u.area_code, u.disabled, "
      "u.department FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
  s->BindText(1, *token_hash);
  if (!s->Step()) throw Unauthenticated("unknown session; log in again");
  const int64_t session_id = s->Int(0);
  const int64_t last_seen = s->Int(1);
  const int64_t expires_at = s->Int(2);
  const bool revoked = !s->IsNull(3);
  Caller caller;
  caller.user_id = s->Int(4);
  caller.user_name = s->Text(5);
  const auto role = ParseRole(s->Text(6));
  caller.area_scope = s->Text(7);
  const bool disabled = s->Int(8) != 0;
  caller.department = s->Text(9);
  s.reset();

  if (revoked || disabled || !role) throw Unauthenticated("the session has ended; log in again");
  caller.role = *role;
  if (now >= expires_at) throw Unauthenticated("the session has expired; log in again");
  if (now - last_seen >= options_.idle_timeout) {
    throw Unauthenticated("the session expired after inactivity; log in again");
  }
  Checked checked{std::move(caller), std::nullopt, now};
  if (now - last_seen >= options_.touch_interval && (!touches_ || touches_->Claim(session_id, now))) {
    checked.touch = session_id;
  }
  return checked;
}

void Sessions::Touch(const Checked& checked) {
  if (!checked.touch) return;
  auto touch = connection_.Prepare("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?");
  touch->BindInt(1, checked.now);
  touch->BindInt(2, *checked.touch);
  touch->BindInt(3, checked.now);
  touch->Run();
}

Caller Sessions::Authenticate(std::string_view token) {
  Checked checked = Check(token);
  Touch(checked);
  return std::move(checked.caller);
}

void Sessions::Logout(std::string_view token) {
  const std::optional<std::string> token_hash = TokenHash(token);
  if (!token_hash) return;
  const int64_t now = clock_.NowSeconds();
  auto s = connection_.Prepare(
      "SELECT s.id, u.id, u.name, u.role, u.area_code FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.token_hash = ? AND s.revoked_at IS NULL");
  s->BindText(1, *token_hash);
  if (!s->Step()) return;
  const int64_t session_id = s->Int(0);
  Caller caller{s->Int(1), s->Text(2), ParseRole(s->Text(3)).value_or(Role::kAuditor), s->Text(4)};
  s.reset();
  store::Transaction tx(connection_);
  auto end = connection_.Prepare("UPDATE sessions SET revoked_at = ?, revoke_reason = 'logout' WHERE id = ?");
  end->BindInt(1, now);
  end->BindInt(2, session_id);
  end->Run();
  Audit(connection_, clock_)
      .Record(caller, AuditEvent{"logout", "user/" + std::to_string(caller.user_id), caller.area_scope, std::nullopt,
                                 std::nullopt});
  tx.Commit();
}

}  // namespace fupin::access
