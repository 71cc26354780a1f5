// Sessions, users and the audit trail.
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "access/abilities.h"
#include "access/accounts.h"
#include "access/audit.h"
#include "access/permissions.h"
#include "access/sessions.h"
#include "core/area_code.h"
#include "registry/areas.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

nlohmann::json UserJson(const access::User& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"role", RoleName(u.role)},
          {"role_label", RoleNameZh(u.role)},
          {"area_code", u.area_code},
          {"department", u.department},
          {"disabled", u.disabled},
          {"version", u.version}};
}

// What the caller may do, as src/access computes it (access::Summarize): per
// resource in their own scope {read, write, paired_only}, and every ability of
// access/abilities.h by name (the web builds its menus and buttons from these).
nlohmann::json CallerJson(const Caller& c) {
  const access::AccessSummary summary = access::Summarize(c);
  nlohmann::json resources = nlohmann::json::object();
  for (const auto& r : summary.resources) {
    resources[access::ResourceName(r.resource)] = {{"read", r.read}, {"write", r.write}, {"paired_only", r.paired_only}};
  }
  nlohmann::json abilities = nlohmann::json::object();
  for (const auto& [ability, allowed] : summary.abilities) abilities[access::AbilityName(ability)] = allowed;
  return {{"id", c.user_id},         {"name", c.user_name},     {"role", RoleName(c.role)},
          {"role_label", RoleNameZh(c.role)}, {"area_code", c.area_scope}, {"department", c.department},
          {"access", resources},        {"abilities", abilities}};
}

nlohmann::json AuditEntryJson(const access::AuditEntry& e) {
  auto parse = [](const std::optional<std::string>& s) {
    if (!s) return nlohmann::json(nullptr);
    auto j = nlohmann::json::parse(*s, nullptr, false);
    return j.is_discarded() ? nlohmann::json(*s) : j;
  };
  return {{"id", e.id},         {"at", FormatTimestamp(e.at)}, {"actor_id", e.actor_id}, {"actor_name", e.actor_name},
          {"action", e.action}, {"entity", e.entity},          {"area_code", e.area_code}, {"before", parse(e.before)},
          {"after", parse(e.after)}};
}

// The area codes an entry names: its area, the id of an entity named by a
// village (survey/430424100200), and the values of the keys ending in "_code"
// of its before and after (village_code, area_code, county_code).
std::set<std::string> AreaCodesOf(const nlohmann::json& entry) {
  std::set<std::string> codes;
  if (!entry["area_code"].get<std::string>().empty()) codes.insert(entry["area_code"].get<std::string>());
  const std::string entity = entry["entity"].get<std::string>();
  for (const std::string_view kind : {"survey/", "village_facilities/", "village_infrastructure/"}) {
    if (entity.starts_with(kind)) codes.insert(entity.substr(kind.size()));
  }
  for (const char* side : {"before", "after"}) {
    const auto& j = entry[side];
    if (!j.is_object()) continue;
    for (const auto& [key, value] : j.items()) {
      if (key.ends_with("_code") && value.is_string() && !value.get<std::string>().empty()) codes.insert(value.get<std::string>());
    }
  }
  return codes;
}

// The page's entries, each with `area_names` {code: name} of the areas it
// names, so that the web shows areas by name (one query for the page).
nlohmann::json AuditItemsJson(store::Connection& db, const std::vector<access::AuditEntry>& entries) {
  nlohmann::json items = nlohmann::json::array();
  std::set<std::string> all;
  for (const auto& e : entries) {
    items.push_back(AuditEntryJson(e));
    all.merge(AreaCodesOf(items.back()));
  }
  const auto areas = registry::AreasByCode(db, all);
  for (auto& item : items) {
    nlohmann::json names = nlohmann::json::object();
    for (const auto& code : AreaCodesOf(item)) {
      if (auto it = areas.find(code); it != areas.end()) names[code] = it->second.name;
    }
    item["area_names"] = std::move(names);
  }
  return items;
}

}  // namespace

void AddAccessRoutes(std::vector<Route>& routes, const access::PasswordHasher& hasher,
                     const access::SessionOptions& options) {
  const access::PasswordHasher* h = &hasher;
  // One throttle for every request of this server (process): failed logins
  // per remote address and per name (docs/ACCESS.md).
  auto throttle = std::make_shared<access::LoginThrottle>();
  routes.push_back({"POST", "/api/v1/sessions", false,
                    [h, options, throttle](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto name = b.String("name", true, 64);
                      auto password = b.String("password", true, 256);
                      b.Finish();
                      access::Sessions sessions(r.connection(), *r.clock, *h, options, nullptr, throttle.get());
                      access::LoginResult result;
                      try {
                        result = sessions.Login(*name, *password, r.remote_address);
                      } catch (const Error& e) {
                        // A throttle or lock-out: 429 with the wait in Retry-After.
                        if (e.code() != ErrorCode::kResourceExhausted) throw;
                        ApiResponse refused{HttpStatus(e.code()), ErrorJson(ErrorCodeName(e.code()), e.what(), e.details()),
                                            {}};
                        for (const auto& d : e.details()) {
                          if (d.path == "Retry-After") refused.headers["Retry-After"] = d.problem;
                        }
                        return refused;
                      }
                      // The token for Bearer clients (CLI, scripts); the cookie and CSRF token for the web UI.
                      ApiResponse created = ApiResponse::Created({{"token", result.token},
                                                                  {"csrf_token", access::CsrfToken(result.token)},
                                                                  {"expires_at", FormatTimestamp(result.expires_at)},
                                                                  {"user", CallerJson(result.caller)}});
                      created.headers["Set-Cookie"] = SessionCookieValue(result.token, r.tls);
                      return created;
                    },
                    "Log in: a session token for a user name and password"});
  routes.push_back({"DELETE", "/api/v1/sessions/current", true,
                    [h, options](ApiRequest& r) {
                      access::Sessions sessions(r.connection(), *r.clock, *h, options);
                      sessions.Logout(r.token);
                      return ApiResponse{204, nullptr, {{"Set-Cookie", SessionCookieValue("", r.tls)}}};
                    },
                    "Log out"});
  routes.push_back({"GET", "/api/v1/me", true,
                    [](ApiRequest& r) {
                      nlohmann::json me = CallerJson(r.caller);
                      me["csrf_token"] = access::CsrfToken(r.token);  // for a page reloaded with the cookie
                      return ApiResponse::Ok(std::move(me));
                    },
                    "The logged-in user"});
  routes.back().quick = true;  // the session only
  routes.push_back({"GET", "/api/v1/users", true,
                    [h](ApiRequest& r) {
                      const Paging p = ReadPaging(r, 500);
                      access::Accounts accounts(r.connection(), *r.clock, *h);
                      access::UserFilter f;
                      f.limit = p.limit;
                      f.offset = p.offset;
                      if (auto role = r.Query("role")) {
                        f.role = ParseRole(*role);
                        if (!f.role) throw Error::InvalidArgument("bad role", {{"?role", "unknown role " + *role}});
                      }
                      auto page = accounts.ListUsers(r.caller, f);
                      nlohmann::json items = nlohmann::json::array();
                      std::set<std::string> codes;
                      for (const auto& u : page.users) codes.insert(u.area_code);
                      // Each user's area by name too (one query for the page), as the web shows it.
                      const auto areas = registry::AreasByCode(r.connection(), codes);
                      for (const auto& u : page.users) {
                        items.push_back(UserJson(u));
                        const auto a = areas.find(u.area_code);
                        items.back()["area_name"] = a == areas.end() ? std::string() : a->second.name;
                      }
                      return ApiResponse::Ok(PageJson(page.total, p, items));
                    },
                    "Users in the caller's scope (administrators, auditors)"});
  routes.push_back({"POST", "/api/v1/users", true,
                    [h](ApiRequest& r) {
                      BodyReader b(r.body);
                      access::NewUser u;
                      u.name = b.String("name", true, 64).value_or("");
                      auto role = b.String("role", true, 40);
                      if (role) {
                        if (auto parsed = ParseRole(*role)) u.role = *parsed;
                        else b.Problem("role", "unknown role " + *role);
                      }
                      u.area_code = b.String("area_code", false, 12).value_or("");
                      u.department = b.String("department", false, 40).value_or("");
                      auto password = b.String("password", true, 256);
                      b.Finish();
                      access::Accounts accounts(r.connection(), *r.clock, *h);
                      return ApiResponse::Created(UserJson(accounts.AddUser(r.caller, u, *password)));
                    },
                    "Create a user (administrators)"});
  routes.push_back({"POST", "/api/v1/users/{id}/disable", true,
                    [h](ApiRequest& r) {
                      access::Accounts accounts(r.connection(), *r.clock, *h);
                      return ApiResponse::Ok(UserJson(accounts.DisableUser(r.caller, r.PathId("id"))));
                    },
                    "Disable a user and end their sessions (administrators)"});
  routes.push_back({"PUT", "/api/v1/users/{id}/password", true,
                    [h](ApiRequest& r) {
                      BodyReader b(r.body);
                      auto current = b.String("current_password", false, 256);
                      auto fresh = b.String("new_password", true, 256);
                      b.Finish();
                      access::Accounts accounts(r.connection(), *r.clock, *h);
                      std::optional<std::string_view> cur;
                      if (current) cur = *current;
                      accounts.ChangePassword(r.caller, r.PathId("id"), cur, *fresh);
                      return ApiResponse{204, nullptr, {}};
                    },
                    "Change a password (one's own with the current one; administrators reset others)"});
  routes.push_back({"GET", "/api/v1/audit", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r, access::kMaxAuditPage);
                      access::AuditFilter f;
                      f.limit = p.limit;
                      f.offset = p.offset;
                      f.entity = r.Query("entity").value_or("");
                      f.action_prefix = r.Query("action").value_or("");
                      f.actor_id = r.QueryInt("actor_id");
                      access::Audit audit(r.connection(), *r.clock);
                      auto page = audit.List(r.caller, f);
                      return ApiResponse::Ok(PageJson(page.total, p, AuditItemsJson(r.connection(), page.entries)));
                    },
                    "The audit trail in the caller's scope (auditors, administrators)"});
  routes.push_back({"GET", "/api/v1/audit/verify", true,
                    [](ApiRequest& r) {
                      access::Audit audit(r.connection(), *r.clock);
                      access::Guard(audit).RequireRead(r.caller, access::Resource::kAudit,
                                                       {r.caller.area_scope, std::nullopt, "audit"});
                      auto v = audit.Verify();
                      return ApiResponse::Ok({{"ok", v.ok},
                                              {"entries", v.entries},
                                              {"first_bad_id", v.first_bad_id ? nlohmann::json(*v.first_bad_id) : nullptr},
                                              {"problem", v.problem}});
                    },
                    "Check the audit trail's hash chain"});
}

}  // namespace fupin::server
