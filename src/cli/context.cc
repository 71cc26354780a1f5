#include "cli/context.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <iostream>

#include "access/personal_data.h"
#include "core/error.h"
#include "schema/all_migrations.h"

namespace fupin::cli {

std::string Context::key_path() const {
  if (const char* file = std::getenv("FUPIN_KEY_FILE"); file && *file) return file;
  if (db_url.find("://") != std::string::npos) {
    // A database server: the key file lives in the working folder, named after the URL.
    std::string name = "fupin-";
    for (char c : db_url.substr(db_url.find("://") + 3)) {
      name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    }
    return name + ".key";
  }
  const std::string path = db_url.rfind("sqlite:", 0) == 0 ? db_url.substr(7) : db_url;
  return access::DefaultKeyPath(path);
}

store::Database& Context::database() {
  if (!database_) {
    database_ = store::OpenDatabase(db_url, AllMigrations());
    // Configure the key that protects ID numbers; a new database gets a new key file.
    auto connection = database_->Connect();
    // Whether any person is stored (not how many: counting reads the whole table).
    const bool empty = !connection->QueryInt("SELECT 1 FROM persons LIMIT 1").has_value();
    bool created = false;
    access::ConfigureProtector(access::OpenProtectorFor(key_path(), empty, &created));
    if (created) {
      err_ << "fupin: created the key file " << key_path()
           << " (keep it safe and back it up: without it the ID numbers cannot be read)\n";
    }
  }
  return *database_;
}

store::Connection& Context::connection() {
  if (!connection_) connection_ = database().Connect();
  return *connection_;
}

void Context::PrintJson(const nlohmann::json& value) { out_ << value.dump(2) << '\n'; }

namespace {

int ExitStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 2;
    case ErrorCode::kNotFound: return 3;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict: return 4;
    case ErrorCode::kFailedPrecondition: return 5;
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated: return 6;
    case ErrorCode::kResourceExhausted: return 7;
    case ErrorCode::kInternal: return 1;
  }
  return 1;
}

}  // namespace

int Run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Context ctx(out, err);
  CLI::App app{"fupin: precision poverty-alleviation information system (精准扶贫信息系统)", "fupin"};
  app.require_subcommand(1);
  app.fallthrough();  // --db and --json are accepted after the subcommand too
  if (const char* env = std::getenv("FUPIN_DB"); env && *env) ctx.db_url = env;
  app.add_option("--db", ctx.db_url, "Database: a SQLite file path (default ./fupin.db, or $FUPIN_DB)");
  app.add_flag("--json", ctx.json, "Print JSON instead of text");
  AddAreaCommands(app, ctx);
  AddRegistryCommands(app, ctx);
  AddAccessCommands(app, ctx);
  AddServeCommands(app, ctx);
  AddKeyCommands(app, ctx);
  AddAssessmentCommands(app, ctx);
  AddDemoCommands(app, ctx);
  AddReportCommands(app, ctx);
  AddStoreCommands(app, ctx);
  AddAssistanceCommands(app, ctx);
  AddSocialCommands(app, ctx);
  AddMonitoringCommands(app, ctx);
  AddDataioCommands(app, ctx);
  AddPolicyCommands(app, ctx);
  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? 0 : 2;
  } catch (const Error& e) {
    if (ctx.json) {
      nlohmann::json details = nlohmann::json::array();
      for (const auto& d : e.details()) details.push_back({{"path", d.path}, {"problem", d.problem}});
      ctx.PrintJson({{"error", {{"code", ErrorCodeName(e.code()), }, {"message", e.what()}, {"details", details}}}});
    } else {
      err << "fupin: " << e.what() << '\n';
      for (const auto& d : e.details()) err << "  " << d.path << ": " << d.problem << '\n';
    }
    return ExitStatus(e.code());
  } catch (const std::exception& e) {
    err << "fupin: internal error: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace fupin::cli
