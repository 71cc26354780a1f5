#pragma once
// User accounts: who may log in, with which role and area scope. Only
// administrators manage accounts, and only inside their own scope (an
// administrator of township 430424100 cannot create a county-wide user).
// Every change is written to the audit trail in the same transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/password.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::access {

struct User {
  int64_t id = 0;
  std::string name;
  Role role = Role::kAuditor;
  std::string area_code;  // natural code of the scope; "" = the nation
  bool disabled = false;
  int64_t password_changed_at = 0;
  int64_t failed_attempts = 0;
  int64_t locked_until = 0;  // 0 or a UTC time before which login is refused
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string department{};  // a sector department's department ("finance", ...); "" otherwise

  Caller AsCaller() const { return Caller{id, name, role, area_code, department}; }
};

struct NewUser {
  std::string name;  // 1-64 characters, no spaces or control characters, unique ignoring ASCII case
  Role role = Role::kVillageCadre;
  std::string area_code;  // natural or 12-digit padded code, or "" for the nation
  // Sector departments only: their department, a lower-case code of at most 40
  // letters and underscores ("finance": the finance bureau, which writes funds).
  std::string department{};
};

struct UserFilter {
  bool include_disabled = true;
  std::optional<Role> role;
  int64_t offset = 0;
  int64_t limit = 50;  // 1..500
};

struct UserPage {
  std::vector<User> users;  // by name
  int64_t total = 0;
};

class Accounts {
 public:
  Accounts(store::Connection& connection, const Clock& clock, const PasswordHasher& hasher)
      : connection_(connection), clock_(clock), hasher_(hasher) {}

  // Creates a user. kInvalidArgument (with details "name", "area_code",
  // "password") for bad input, kAlreadyExists for a taken name,
  // kPermissionDenied unless the caller administers the new user's area.
  User AddUser(const Caller& caller, const NewUser& user, std::string_view password);

  // Disables (or enables again) a user; disabling ends all their sessions.
  // `expected_version`, when given, must match (kConflict otherwise).
  User SetDisabled(const Caller& caller, int64_t user_id, bool disabled,
                   std::optional<int64_t> expected_version = std::nullopt);
  User DisableUser(const Caller& caller, int64_t user_id) { return SetDisabled(caller, user_id, true); }

  // A user changing their own password gives the current one
  // (kInvalidArgument on "current_password" if it is wrong); an
  // administrator resetting another user's password in scope gives none.
  // Ends all the user's sessions and clears any lock-out.
  void ChangePassword(const Caller& caller, int64_t user_id, std::optional<std::string_view> current_password,
                      std::string_view new_password);

  UserPage ListUsers(const Caller& caller, const UserFilter& filter = {});
  // kNotFound for no such user, kPermissionDenied (recorded) outside the scope.
  User GetUser(const Caller& caller, int64_t user_id);
  User GetUserByName(const Caller& caller, std::string_view name);

 private:
  store::Connection& connection_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
};

// Reads one user without any access check (for the session service).
std::optional<User> LoadUser(store::Connection& connection, int64_t user_id);
std::optional<User> LoadUserByName(store::Connection& connection, std::string_view name);

}  // namespace fupin::access
