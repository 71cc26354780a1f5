#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>

#include "access/audit.h"
#include "cli/context.h"
#include "core/error.h"
#include "schema/all_migrations.h"
#include "store/copy.h"

namespace fupin::cli {
namespace {

struct MigrateStoreOptions {
  std::string from;
  std::string to;
};

}  // namespace

void AddStoreCommands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<MigrateStoreOptions>();
  auto* cmd = app.add_subcommand(
      "migrate-store", "Copy a whole database (e.g. a county's SQLite file) into an empty one (e.g. PostgreSQL)");
  cmd->add_option("--from", o->from, "Source database: a SQLite file")->required();
  cmd->add_option("--to", o->to, "Target database: postgresql://user@host:port/db (created tables, no data)")
      ->required();
  cmd->callback([&ctx, o] {
    const auto migrations = AllMigrations();
    store::OpenOptions source_options;
    source_options.create = false;
    auto from_db = store::OpenDatabase(o->from, migrations, source_options);
    auto to_db = store::OpenDatabase(o->to, migrations);
    auto from = from_db->Connect();
    auto to = to_db->Connect();
    const auto source_chain = access::Audit(*from, DefaultClock()).Verify();
    if (!source_chain.ok) {
      throw Error::FailedPrecondition("the audit trail of " + from_db->description() +
                                      " does not verify (entry " + std::to_string(source_chain.first_bad_id.value_or(0)) +
                                      ": " + source_chain.problem + "); nothing was copied");
    }
    const auto tables = store::CopyDatabase(*from, *to, ctx.progress());
    const auto chain = access::Audit(*to, DefaultClock()).Verify();
    if (!chain.ok) {
      throw Error::Internal("the audit trail copied to " + to_db->description() + " does not verify: " + chain.problem);
    }
    int64_t total = 0;
    for (const auto& t : tables) total += t.target_rows;
    if (ctx.json) {
      nlohmann::json j = {{"from", from_db->description()},
                          {"to", to_db->description()},
                          {"rows", total},
                          {"audit_entries", chain.entries},
                          {"audit_verified", chain.ok}};
      for (const auto& t : tables) j["tables"].push_back({{"table", t.table}, {"rows", t.target_rows}});
      ctx.PrintJson(j);
      return;
    }
    ctx.out() << "已迁移 " << from_db->description() << " → " << to_db->description() << "\n";
    for (const auto& t : tables) ctx.out() << "  " << t.table << ": " << t.target_rows << " 行（一致）\n";
    ctx.out() << "共 " << total << " 行；审计日志 " << chain.entries << " 条，哈希链校验通过\n";
  });
}

}  // namespace fupin::cli
