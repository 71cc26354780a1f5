#pragma once
// What every CLI command gets: the database (opened on first use, with every
// migration applied), the caller, output streams and the --json switch.
// Commands parse their options, call one service function and render the
// result; they hold no business rules.
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/progress.h"
#include "store/database.h"

namespace CLI {
class App;
}

namespace fupin::cli {

class Context {
 public:
  Context(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  std::string db_url = "fupin.db";
  std::string key_file;  // --key-file; "" for FUPIN_KEY_FILE or the default place (key_path())
  bool json = false;
  Caller caller = Caller::LocalOperator();

  // Both erase the progress line first, so what is printed starts clean.
  std::ostream& out();
  std::ostream& err();

  // Opens the database (applying migrations) and configures the key that
  // protects personal data (FUPIN_KEY, or the file at key_path()).
  store::Database& database();
  // --key-file, else FUPIN_KEY_FILE, else <database>.key for SQLite and
  // ServerKeyPath(url) for PostgreSQL.
  std::string key_path() const;
  store::Connection& connection();

  // Prints `value` as indented JSON followed by a newline.
  void PrintJson(const nlohmann::json& value);

  // Where long commands report their progress: a ProgressLine on err() when
  // stderr is a terminal and --json is off, else NoProgress() (nothing extra
  // when piped). Decided on first use, after the options are parsed.
  Progress& progress();

 private:
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<store::Connection> connection_;
  std::unique_ptr<Progress> progress_;
};

// The default key file of a database server's URL:
// $XDG_CONFIG_HOME/fupin/keys/<host>_<port>_<database>.key (XDG_CONFIG_HOME
// defaults to ~/.config); no user, password or options in the name.
std::string ServerKeyPath(std::string_view url);

// Each module adds its subcommands; the callback of a subcommand runs the command.
void AddAreaCommands(CLI::App& app, Context& ctx);
void AddRegistryCommands(CLI::App& app, Context& ctx);
void AddAccessCommands(CLI::App& app, Context& ctx);
void AddServeCommands(CLI::App& app, Context& ctx);
void AddKeyCommands(CLI::App& app, Context& ctx);
void AddAssessmentCommands(CLI::App& app, Context& ctx);
void AddDemoCommands(CLI::App& app, Context& ctx);
// Adds to the `report` subcommand when another module has created it.
void AddReportCommands(CLI::App& app, Context& ctx);
void AddStoreCommands(CLI::App& app, Context& ctx);
void AddAssistanceCommands(CLI::App& app, Context& ctx);
void AddSocialCommands(CLI::App& app, Context& ctx);
void AddMonitoringCommands(CLI::App& app, Context& ctx);
// project add|show|list|step|notice, fund allocate|assign|spend|progress, asset add|list|income|distribute.
void AddProjectCommands(CLI::App& app, Context& ctx);
// industry, entity, branch, job, purchase, loan (issue 21).
void AddIndustryCommands(CLI::App& app, Context& ctx);
// change propose|list|show|approve|reject|send-back|resubmit (issue 23).
void AddChangeCommands(CLI::App& app, Context& ctx);
// grievance add|list|show|accept|step|figures, application show (issue 23).
void AddGrievanceCommands(CLI::App& app, Context& ctx);
void AddHousingCommands(CLI::App& app, Context& ctx);  // house, relocation, village-facilities (issue 22)
// import, notice, check (module dataio).
void AddDataioCommands(CLI::App& app, Context& ctx);
// policy check|list|show, entitle, roster import, reconcile.
void AddPolicyCommands(CLI::App& app, Context& ctx);

// Runs the whole command line; returns the process exit status. Errors are
// printed on `err` (or as {"error": ...} on `out` with --json):
//   0 ok, 1 internal, 2 usage / invalid input, 3 not found, 4 conflict or
//   already exists, 5 failed precondition, 6 permission denied.
int Run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace fupin::cli
