#include "access/accounts.h"

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "access/sessions.h"
#include "core/area_code.h"
#include "core/error.h"

namespace fupin::access {
namespace {

constexpr std::string_view kUserColumns =
    "id, name, role, area_code, disabled, password_changed_at, failed_attempts, locked_until, version, "
    "created_at, updated_at, department";

User ReadUser(const store::Statement& s) {
  User u;
  u.id = s.Int(0);
  u.name = s.Text(1);
  const auto role = ParseRole(s.Text(2));
  if (!role) throw Error::Internal("user " + std::to_string(u.id) + " has an unknown role");
  u.role = *role;
  u.area_code = s.Text(3);
  u.disabled = s.Int(4) != 0;
  u.password_changed_at = s.Int(5);
  u.failed_attempts = s.Int(6);
  u.locked_until = s.Int(7);
  u.version = s.Int(8);
  u.created_at = s.Int(9);
  u.updated_at = s.Int(10);
  u.department = s.Text(11);
  return u;
}

// The account as the audit trail shows it: never the password hash.
std::string UserJson(const User& u) {
  nlohmann::json j = {{"name", u.name},
                      {"role", RoleName(u.role)},
                      {"area_code", u.area_code},
                      {"disabled", u.disabled},
                      {"version", u.version}};
  if (!u.department.empty()) j["department"] = u.department;
  return j.dump();
}

std::string DepartmentProblem(const NewUser& user) {
  if (user.department.empty()) return "";
  if (user.role != Role::kSectorDepartment) return "only a sector_department account has a department";
  if (user.department.size() > 40) return "must have at most 40 characters";
  for (char c : user.department) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return "must be a lower-case code such as finance or education";
  }
  return "";
}

Target UserTarget(const User& u) { return Target{u.area_code, std::nullopt, "user/" + std::to_string(u.id)}; }

std::string NameProblem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  size_t code_points = 0;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F || c == ' ') return "must not contain spaces or control characters";
    if (c == '/' || c == '\\') return "must not contain slashes";
    if ((c & 0xC0) != 0x80) ++code_points;
  }
  if (code_points > 64) return "must have at most 64 characters";
  return "";
}

User MustLoad(store::Connection& connection, int64_t user_id) {
  auto u = LoadUser(connection, user_id);
  if (!u) throw Error::NotFound("no user " + std::to_string(user_id));
  return *u;
}

}  // namespace

std::optional<User> LoadUser(store::Connection& connection, int64_t user_id) {
  auto s = connection.Prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = ?");
  s->BindInt(1, user_id);
  if (!s->Step()) return std::nullopt;
  return ReadUser(*s);
}

std::optional<User> LoadUserByName(store::Connection& connection, std::string_view name) {
  auto s = connection.Prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE name = ?");
  s->BindText(1, name);
  if (!s->Step()) return std::nullopt;
  return ReadUser(*s);
}

User Accounts::AddUser(const Caller& caller, const NewUser& user, std::string_view password) {
  std::vector<ErrorDetail> problems;
  if (auto p = NameProblem(user.name); !p.empty()) problems.push_back({"name", p});
  std::string area;
  if (!user.area_code.empty()) {
    auto normalized = NormalizeAreaCode(user.area_code);
    if (!normalized) {
      problems.push_back({"area_code", "is not an area code (2, 4, 6, 9 or 12 digits)"});
    } else {
      area = *normalized;
    }
  }
  if (auto p = PasswordProblem(password, user.name); !p.empty()) problems.push_back({"password", p});
  if (auto p = DepartmentProblem(user); !p.empty()) problems.push_back({"department", p});
  if (!problems.empty()) throw Error::InvalidArgument("the new user is not valid", std::move(problems));

  Audit audit(connection_, clock_);
  Guard(audit).RequireWrite(caller, Resource::kUsers, Target{area, std::nullopt, "user/" + user.name});
  if (LoadUserByName(connection_, user.name)) {
    throw Error::AlreadyExists("a user named " + user.name + " exists", {{"name", "is taken"}});
  }

  const std::string hash = hasher_.Hash(password);
  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(connection_);
  auto insert = connection_.Prepare(
      "INSERT INTO users (name, role, area_code, password_hash, password_changed_at, created_at, updated_at,"
      " department) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  insert->BindText(1, user.name);
  insert->BindText(2, RoleName(user.role));
  insert->BindText(3, area);
  insert->BindText(4, hash);
  insert->BindInt(5, now);
  insert->BindInt(6, now);
  insert->BindInt(7, now);
  insert->BindText(8, user.department);
  if (!insert->Step()) throw Error::Internal("inserting a user returned no id");
  const int64_t id = insert->Int(0);
  insert.reset();
  User created = MustLoad(connection_, id);
  audit.Record(caller, AuditEvent{"user.create", "user/" + std::to_string(id), area, std::nullopt, UserJson(created)});
  tx.Commit();
  return created;
}

User Accounts::SetDisabled(const Caller& caller, int64_t user_id, bool disabled,
                           std::optional<int64_t> expected_version) {
  User before = MustLoad(connection_, user_id);
  Audit audit(connection_, clock_);
  Guard(audit).RequireWrite(caller, Resource::kUsers, UserTarget(before));
  if (disabled && user_id == caller.user_id) {
    throw Error::FailedPrecondition("administrators cannot disable their own account");
  }
  if (expected_version && *expected_version != before.version) {
    throw Error::Conflict("user " + before.name + " was changed by someone else; reload and try again");
  }
  if (before.disabled == disabled) return before;

  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(connection_);
  auto update = connection_.Prepare(
      "UPDATE users SET disabled = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
  update->BindInt(1, disabled ? 1 : 0);
  update->BindInt(2, now);
  update->BindInt(3, user_id);
  update->BindInt(4, before.version);
  if (update->Run() != 1) throw Error::Conflict("user " + before.name + " was changed by someone else");
  if (disabled) RevokeSessions(connection_, user_id, now, "user disabled");
  User after = MustLoad(connection_, user_id);
  audit.Record(caller, AuditEvent{disabled ? "user.disable" : "user.enable", "user/" + std::to_string(user_id),
                                  after.area_code, UserJson(before), UserJson(after)});
  tx.Commit();
  return after;
}

void Accounts::ChangePassword(const Caller& caller, int64_t user_id,
                              std::optional<std::string_view> current_password, std::string_view new_password) {
  const User user = MustLoad(connection_, user_id);
  Audit audit(connection_, clock_);
  const bool self = caller.user_id != 0 && caller.user_id == user_id;
  if (!self) Guard(audit).RequireWrite(caller, Resource::kUsers, UserTarget(user));
  if (auto p = PasswordProblem(new_password, user.name); !p.empty()) {
    throw Error::InvalidArgument("the new password is not acceptable", {{"new_password", p}});
  }
  if (self) {
    auto s = connection_.Prepare("SELECT password_hash FROM users WHERE id = ?");
    s->BindInt(1, user_id);
    const std::string hash = s->Step() ? s->Text(0) : "";
    s.reset();
    if (!current_password || !hasher_.Verify(hash, *current_password)) {
      audit.Record(caller, AuditEvent{"user.password_change_refused", "user/" + std::to_string(user_id),
                                      user.area_code, std::nullopt,
                                      nlohmann::json{{"reason", "wrong current password"}}.dump()});
      throw Error::InvalidArgument("the current password is wrong", {{"current_password", "is wrong"}});
    }
  }
  const std::string hash = hasher_.Hash(new_password);
  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(connection_);
  auto update = connection_.Prepare(
      "UPDATE users SET password_hash = ?, password_changed_at = ?, failed_attempts = 0, locked_until = 0, "
      "version = version + 1, updated_at = ? WHERE id = ?");
  update->BindText(1, hash);
  update->BindInt(2, now);
  update->BindInt(3, now);
  update->BindInt(4, user_id);
  update->Run();
  const int64_t ended = RevokeSessions(connection_, user_id, now, "password changed");
  audit.Record(caller, AuditEvent{self ? "user.password_change" : "user.password_reset",
                                  "user/" + std::to_string(user_id), user.area_code, std::nullopt,
                                  nlohmann::json{{"password_changed_at", now}, {"sessions_ended", ended}}.dump()});
  tx.Commit();
}

UserPage Accounts::ListUsers(const Caller& caller, const UserFilter& filter) {
  const ReadScope scope = ReadScopeFor(caller, Resource::kUsers);
  if (!scope.allowed) {
    Audit audit(connection_, clock_);
    Guard(audit).RequireRead(caller, Resource::kUsers, Target{caller.area_scope, std::nullopt, "users"});
  }
  if (filter.limit < 1 || filter.limit > 500) {
    throw Error::InvalidArgument("page size out of range", {{"limit", "must be between 1 and 500"}});
  }
  if (filter.offset < 0) throw Error::InvalidArgument("negative offset", {{"offset", "must not be negative"}});
  std::string where = " WHERE substr(area_code, 1, length(?)) = ?";
  if (!filter.include_disabled) where += " AND disabled = 0";
  if (filter.role) where += " AND role = ?";
  auto bind = [&](store::Statement& s) {
    s.BindText(1, scope.area_prefix);
    s.BindText(2, scope.area_prefix);
    int i = 3;
    if (filter.role) s.BindText(i++, RoleName(*filter.role));
    return i;
  };
  UserPage page;
  auto count = connection_.Prepare("SELECT count(*) FROM users" + where);
  bind(*count);
  if (count->Step()) page.total = count->Int(0);
  auto rows = connection_.Prepare("SELECT " + std::string(kUserColumns) + " FROM users" + where +
                                  " ORDER BY name, id LIMIT ? OFFSET ?");
  const int next = bind(*rows);
  rows->BindInt(next, filter.limit);
  rows->BindInt(next + 1, filter.offset);
  while (rows->Step()) page.users.push_back(ReadUser(*rows));
  return page;
}

User Accounts::GetUser(const Caller& caller, int64_t user_id) {
  User user = MustLoad(connection_, user_id);
  if (caller.user_id == user_id && caller.user_id != 0) return user;  // everyone may see their own account
  Audit audit(connection_, clock_);
  Guard(audit).RequireRead(caller, Resource::kUsers, UserTarget(user));
  return user;
}

User Accounts::GetUserByName(const Caller& caller, std::string_view name) {
  auto user = LoadUserByName(connection_, name);
  if (!user) throw Error::NotFound("no user named " + std::string(name));
  return GetUser(caller, user->id);
}

}  // namespace fupin::access
