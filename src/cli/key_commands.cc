#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ostream>

#include "access/personal_data.h"
#include "cli/context.h"
#include "registry/audited.h"

namespace fupin::cli {

void AddKeyCommands(CLI::App& app, Context& ctx) {
  auto* init = app.add_subcommand("init", "Create the database and its key file (<db>.key, mode 0600)");
  init->callback([&ctx] {
    ctx.database();  // creates the database, applies migrations, creates the key file if missing
    if (ctx.json) {
      ctx.PrintJson({{"database", ctx.db_url}, {"key_file", ctx.key_path()}});
    } else {
      ctx.out() << "database " << ctx.db_url << " ready; ID numbers are protected with the key in "
                << ctx.key_path() << '\n';
    }
  });

  auto* keys = app.add_subcommand("keys", "Keys that protect personal data");
  keys->require_subcommand(1);
  auto* rotate = keys->add_subcommand("rotate", "Add a new key and re-encrypt every ID and phone number with it");
  rotate->callback([&ctx] {
    // The registry's ID numbers and those the departments' rosters hold (the
    // policy module's roster_entries, keyed by import and file row); the phone
    // numbers of persons, households and cadres, with their blind indexes; the
    // proposed changes of change requests (which may hold either).
    const access::EncryptedColumn columns[] = {
        {"persons", "id_number_enc", "id", "id_number_index", "id_number", ""},
        {"roster_entries", "id_number_enc", "import_id", "", "id_number", "row_number"},
        {"persons", "phone_enc", "id", "phone_index", "phone", ""},
        {"households", "phone_enc", "id", "phone_index", "phone", ""},
        {"cadres", "phone_enc", "id", "phone_index", "phone", ""},
        {"change_requests", "proposal_enc", "id", "", "id_number", ""}};
    const auto rotation =
        access::RotateKeys(ctx.connection(), ctx.caller, DefaultClock(), ctx.key_path(), columns,
                           registry::AuditedTables(), ctx.progress());
    const uint32_t id = rotation.key_id;
    const auto& report = rotation.report;
    if (ctx.json) {
      ctx.PrintJson({{"key_id", id}, {"values", report.values}});
    } else {
      ctx.out() << "key " << id << " is now current; re-encrypted " << report.values << " values\n";
    }
  });
}

}  // namespace fupin::cli
