#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <optional>

#include <iostream>
#include <memory>

#include "access/accounts.h"
#include "access/audit.h"
#include "access/records.h"
#include "registry/audited.h"
#include "access/password.h"
#include "cli/context.h"
#include "core/error.h"

namespace fupin::cli {
namespace {

struct UserAdd {
  std::string name;
  std::string role;
  std::string area;
  std::string department;
};
struct AuditList {
  std::string entity;
  int64_t limit = 50;
  int64_t offset = 0;
};

// The password comes from standard input (one line), never from the command line.
std::string ReadPassword() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

nlohmann::json UserJson(const access::User& u) {
  return {{"id", u.id}, {"name", u.name}, {"role", RoleName(u.role)}, {"area_code", u.area_code},
          {"department", u.department}, {"disabled", u.disabled}};
}

}  // namespace

void AddAccessCommands(CLI::App& app, Context& ctx) {
  auto* user = app.add_subcommand("user", "User accounts (the password is read from standard input)");
  user->require_subcommand(1);
  {
    auto o = std::make_shared<UserAdd>();
    auto* add = user->add_subcommand("add", "Add a user; reads the password from standard input");
    add->add_option("NAME", o->name, "User name")->required();
    add->add_option("--role", o->role,
                    "administrator | county_office | township | village_cadre | paired_cadre | "
                    "sector_department | donor | auditor")
        ->required();
    add->add_option("--area", o->area, "Area scope (any level); omit for the whole nation");
    add->add_option("--department", o->department,
                    "sector_department only: its department (finance writes funds in its scope; education, ...)");
    add->callback([&ctx, o] {
      auto role = ParseRole(o->role);
      if (!role) throw Error::InvalidArgument("unknown role", {{"--role", "'" + o->role + "' is not a role"}});
      access::PasswordHasher hasher;
      access::Accounts accounts(ctx.connection(), DefaultClock(), hasher);
      const auto u = accounts.AddUser(ctx.caller, {o->name, *role, o->area, o->department}, ReadPassword());
      if (ctx.json) ctx.PrintJson(UserJson(u));
      else ctx.out() << "added user " << u.name << " (" << RoleNameZh(u.role) << ", area " << (u.area_code.empty() ? "全国" : u.area_code) << ")\n";
    });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* disable = user->add_subcommand("disable", "Disable a user and end their sessions");
    disable->add_option("NAME", *name, "User name")->required();
    disable->callback([&ctx, name] {
      access::PasswordHasher hasher;
      access::Accounts accounts(ctx.connection(), DefaultClock(), hasher);
      const auto u = accounts.GetUserByName(ctx.caller, *name);
      const auto d = accounts.DisableUser(ctx.caller, u.id);
      if (ctx.json) ctx.PrintJson(UserJson(d));
      else ctx.out() << "disabled user " << d.name << '\n';
    });
  }
  {
    auto* list = user->add_subcommand("list", "List users");
    list->callback([&ctx] {
      access::PasswordHasher hasher;
      access::Accounts accounts(ctx.connection(), DefaultClock(), hasher);
      access::UserFilter f;
      f.limit = 500;
      const auto page = accounts.ListUsers(ctx.caller, f);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& u : page.users) items.push_back(UserJson(u));
        ctx.PrintJson({{"total", page.total}, {"items", items}});
        return;
      }
      for (const auto& u : page.users) {
        ctx.out() << u.id << '\t' << u.name << '\t' << RoleName(u.role) << '\t' << u.area_code
                  << (u.disabled ? "\tdisabled" : "") << '\n';
      }
    });
  }

  auto* audit = app.add_subcommand("audit", "The audit trail");
  audit->require_subcommand(1);
  {
    auto records = std::make_shared<bool>(false);
    auto* verify = audit->add_subcommand("verify", "Check that no entry was edited, inserted or deleted");
    verify->add_flag("--records", *records,
                     "Also check every registry row against the digest of its last audit entry (rows edited in the "
                     "database file behind fupin's back)");
    verify->callback([&ctx, records] {
      access::Audit a(ctx.connection(), DefaultClock());
      const auto v = a.Verify();
      std::optional<access::RecordVerification> r;
      if (*records) r = access::VerifyRecords(ctx.connection(), registry::AuditedTables());
      if (ctx.json) {
        nlohmann::json j = {{"ok", v.ok && (!r || r->ok())},
                            {"entries", v.entries},
                            {"first_bad_id", v.first_bad_id ? nlohmann::json(*v.first_bad_id) : nullptr},
                            {"problem", v.problem}};
        if (r) {
          nlohmann::json list = nlohmann::json::array();
          for (const auto& m : r->mismatches) {
            const size_t slash = m.record.find('/');
            list.push_back({{"record", m.record},
                            {"table", m.record.substr(0, slash)},
                            {"id", m.record.substr(slash + 1)},
                            {"audit_id", m.audit_id ? nlohmann::json(*m.audit_id) : nullptr},
                            {"problem", m.problem}});
          }
          j["records"] = {{"rows", r->rows}, {"audited", r->audited}, {"mismatches", list}};
        }
        ctx.PrintJson(j);
      } else {
        if (v.ok) {
          const auto head = a.Head();
          ctx.out() << "audit trail intact: " << v.entries << " entries; head " << head.first << " " << head.second
                    << '\n';
        } else {
          ctx.out() << "audit trail BROKEN at entry " << (v.first_bad_id ? std::to_string(*v.first_bad_id) : "?")
                    << ": " << v.problem << '\n';
        }
        if (r && r->ok()) ctx.out() << "records intact: " << r->rows << " rows match their audited digests\n";
        if (r) {
          for (const auto& m : r->mismatches) ctx.out() << "record " << m.record << " " << m.problem << '\n';
        }
      }
      if (!v.ok) throw Error::FailedPrecondition("the audit trail does not verify");
      if (r && !r->ok()) {
        throw Error::FailedPrecondition(std::to_string(r->mismatches.size()) +
                                        " records do not match the audit trail");
      }
    });
  }
  {
    auto o = std::make_shared<AuditList>();
    auto* list = audit->add_subcommand("list", "List audit entries, newest first");
    list->add_option("--entity", o->entity, "household/12, or household/ for every household");
    list->add_option("--limit", o->limit, "Page size (at most 500)");
    list->add_option("--offset", o->offset, "Entries to skip");
    list->callback([&ctx, o] {
      access::Audit a(ctx.connection(), DefaultClock());
      access::AuditFilter f;
      f.entity = o->entity;
      f.limit = o->limit;
      f.offset = o->offset;
      const auto page = a.List(ctx.caller, f);
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& e : page.entries) {
          items.push_back({{"id", e.id}, {"at", FormatTimestamp(e.at)}, {"actor", e.actor_name}, {"action", e.action},
                           {"entity", e.entity}, {"before", e.before ? nlohmann::json(*e.before) : nullptr},
                           {"after", e.after ? nlohmann::json(*e.after) : nullptr}});
        }
        ctx.PrintJson({{"total", page.total}, {"items", items}});
        return;
      }
      for (const auto& e : page.entries) {
        ctx.out() << e.id << '\t' << FormatTimestamp(e.at) << '\t' << e.actor_name << '\t' << e.action << '\t'
                  << e.entity << '\n';
      }
      ctx.out() << page.entries.size() << " of " << page.total << " entries\n";
    });
  }
}

}  // namespace fupin::cli
