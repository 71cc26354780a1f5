#include "cli/context.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <unistd.h>

#include "access/personal_data.h"
#include "access/records.h"
#include "cli/progress_line.h"
#include "core/error.h"
#include "registry/audited.h"
#include "registry/rollup.h"
#include "schema/all_migrations.h"
#include "server/messages_zh.h"

namespace fupin::cli {

namespace {

// "host_port_database" of a postgresql:// URL: no user, password or options,
// so the file name reveals no secret and stays the same whatever the options.
std::string ServerKeyName(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find('?'));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  std::string name;
  for (char c : rest) name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  return name.empty() ? "default" : name;
}

// Whether the user reads Chinese: the first of LC_ALL, LC_MESSAGES and LANG
// that is set names a zh locale (zh_CN.UTF-8, ...).
bool ChineseLocale() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return std::string_view(value).starts_with("zh");
  }
  return false;
}

}  // namespace

std::string ServerKeyPath(std::string_view url) {
  std::string base;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::string(home) + "/.config";
  } else {
    throw Error::FailedPrecondition("no place for the key file of " + std::string(url.substr(0, url.find("://"))) +
                                        " database: set HOME or XDG_CONFIG_HOME, or name the file",
                                    {{"--key-file", "the key file (or FUPIN_KEY_FILE; or the keys in FUPIN_KEY)"}});
  }
  return base + "/fupin/keys/" + ServerKeyName(url) + ".key";
}

std::string Context::key_path() const {
  if (!key_file.empty()) return key_file;
  if (const char* file = std::getenv("FUPIN_KEY_FILE"); file && *file) return file;
  // A database server has no folder of ours: the key lives in the user's
  // configuration folder, named after the server and database.
  if (db_url.find("://") != std::string::npos) return ServerKeyPath(db_url);
  const std::string path = db_url.rfind("sqlite:", 0) == 0 ? db_url.substr(7) : db_url;
  return access::DefaultKeyPath(path);
}

store::Database& Context::database() {
  if (!database_) {
    database_ = store::OpenDatabase(db_url, AllMigrations());
    // Configure the key that protects ID numbers; a new database gets a new key file.
    auto connection = database_->Connect();
    // Whether any protected value is stored (not how many: counting reads whole tables).
    const bool empty = !connection->QueryInt(
        "SELECT 1 FROM persons UNION ALL SELECT 1 FROM households WHERE phone_enc IS NOT NULL"
        " UNION ALL SELECT 1 FROM cadres WHERE phone_enc IS NOT NULL UNION ALL SELECT 1 FROM roster_entries"
        " LIMIT 1").has_value();
    const std::string key = key_path();
    if (db_url.find("://") != std::string::npos && key_file.empty() && !std::getenv("FUPIN_KEY_FILE")) {
      std::filesystem::create_directories(std::filesystem::path(key).parent_path());
      std::filesystem::permissions(std::filesystem::path(key).parent_path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace);
    }
    bool created = false;
    access::ConfigureProtector(access::OpenProtectorFor(key, empty, &created));
    if (created) {
      err_ << "fupin: created the key file " << key
           << " (keep it safe and back it up: without it the ID and phone numbers cannot be read)\n";
    }
    // The upgrade step of the migrations that encrypt phone numbers (once).
    if (const int64_t phones = access::EncryptPendingPhones(*connection, access::CurrentProtector()); phones > 0) {
      err_ << "fupin: encrypted " << phones << " phone numbers stored in clear by an older fupin\n";
    }
    // The village counts and the rural population of a database written before
    // registry migrations 154 and 155 (once).
    if (registry::BuildPendingVillageCounts(*connection)) {
      err_ << "fupin: built the area counts of a database written by an older fupin\n";
    }
    // Rows written before the audit covered them get one baseline entry (once).
    if (const int64_t rows = access::RecordBaseline(*connection, DefaultClock(), registry::AuditedTables()); rows > 0) {
      err_ << "fupin: recorded the digests of " << rows << " registry rows written by an older fupin (audit baseline)\n";
    }
  }
  return *database_;
}

store::Connection& Context::connection() {
  if (!connection_) connection_ = database().Connect();
  return *connection_;
}

std::ostream& Context::out() {
  if (progress_) progress_->End();
  return out_;
}

std::ostream& Context::err() {
  if (progress_) progress_->End();
  return err_;
}

void Context::PrintJson(const nlohmann::json& value) { out() << value.dump(2) << '\n'; }

Progress& Context::progress() {
  if (json || isatty(STDERR_FILENO) == 0) return NoProgress();
  if (!progress_) progress_ = std::make_unique<ProgressLine>(err_);
  return *progress_;
}

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
  app.add_option("--key-file", ctx.key_file,
                 "The key file that protects ID and phone numbers (or $FUPIN_KEY_FILE; default <db>.key for SQLite,"
                 " $XDG_CONFIG_HOME/fupin/keys/<host>_<port>_<db>.key for PostgreSQL)");
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
  AddProjectCommands(app, ctx);
  AddIndustryCommands(app, ctx);
  AddChangeCommands(app, ctx);
  AddGrievanceCommands(app, ctx);
  AddHousingCommands(app, ctx);
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
      ctx.PrintJson({{"error",
                      {{"code", ErrorCodeName(e.code())},
                       {"message", e.what()},
                       {"message_zh", server::MessageZh(ErrorCodeName(e.code()), e.what())},
                       {"details", details}}}});
    } else if (ChineseLocale()) {  // the Chinese of the API's refusals, the English below it
      err << "fupin: " << server::MessageZh(ErrorCodeName(e.code()), e.what()) << "\n  （" << e.what() << "）\n";
      for (const auto& d : e.details()) err << "  " << d.path << ": " << d.problem << '\n';
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
