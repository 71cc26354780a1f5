#pragma once
// Importing the standard templates (columns.h) into the registry:
// `fupin import persons FILE` and `fupin import household-years FILE`.
//
// The whole file is read and checked first; every problem names the row,
// the column header as written in the file, the value and the reason. Then,
// by default, all or nothing: a file with any problem is refused and nothing
// is written. With skip_invalid the valid rows are imported and the rejected
// ones written to an error file in the input's format, with a 错误原因 column.
// With dry_run nothing is written either way; the report says what would be.
//
// Re-importing updates: households by 户编号, persons by ID number, yearly
// facts by (household or person, year). A blank cell keeps the registry's
// value. Every field changed is recorded in import_changes with the run, the
// run in import_runs and in the audit trail; a person who appears in another
// household is moved (the old membership is ended, the history kept), a new
// household with a 识别年度 gets its 'identified' event.
//
// Set-based: lookups go in batches (ID numbers through the registry's blind
// index, registry::LookupPersonsByIdNumber), new records through the bulk
// insert path, updates through staging tables and one UPDATE ... FROM per
// table, all in one transaction. ID numbers are encrypted as the registry
// stores them and never appear in SQL or messages unmasked.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/personal_data.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/progress.h"
#include "dataio/columns.h"
#include "dataio/sheet.h"
#include "io/table.h"
#include "store/database.h"

namespace fupin::dataio {

// ImportProblem (dataio/sheet.h): row, column as written, value (ID numbers masked), reason in Chinese.

// Progress of a long import: `phase` is 读取 / 校验 / 写入; `total` 0 when not known yet.
using ProgressFn = std::function<void(std::string_view phase, size_t done, size_t total)>;
// The same reports handed to a core/progress.h sink (stages read, validate, store).
ProgressFn ReportTo(Progress& progress);

struct ImportOptions {
  bool dry_run = false;
  bool skip_invalid = false;
  // Where rejected rows go (same format as the input unless the extension
  // says otherwise); written whenever a row is rejected and this is set.
  std::optional<std::string> errors_path;
  io::TableOptions table;  // format, sheet
  ProgressFn progress;
};

struct ImportReport {
  TemplateKind kind = TemplateKind::kPersons;
  std::string file;
  bool dry_run = false;
  bool written = false;       // something was committed
  size_t rows = 0;            // data rows read
  size_t imported_rows = 0;   // rows written (or that would be, on a dry run)
  size_t rejected_rows = 0;
  int64_t households_added = 0, households_updated = 0;
  int64_t persons_added = 0, persons_updated = 0, persons_moved = 0;
  int64_t person_years = 0;
  int64_t household_years_added = 0, household_years_updated = 0;
  int64_t changes = 0;        // field changes recorded
  std::optional<int64_t> run_id;
  std::vector<ImportProblem> problems;
  std::vector<std::string> warnings;  // ignored columns and the like
  std::string errors_file;            // where rejected rows were written, if anywhere

  // Refused whole: a problem with the file itself (headers), or problems in
  // rows of an all-or-nothing import. Nothing was written.
  bool refused = false;
};

nlohmann::json ImportReportJson(const ImportReport& report);

class Importer {
 public:
  // `protector`: nullptr for the process's (access::CurrentProtector()).
  explicit Importer(store::Connection& db, const Clock& clock = DefaultClock(),
           const access::PersonalDataProtector* protector = nullptr);

  // Needs a role that writes the registry; each row's village (and, for a
  // person or household already registered, its current village) must be in
  // the caller's scope, otherwise the row is refused like any other problem.
  ImportReport Import(const Caller& caller, TemplateKind kind, const std::string& path, const ImportOptions& options);

  // The same for a table already read (`source` names it in the report).
  ImportReport ImportTable(const Caller& caller, TemplateKind kind, const io::Table& table, const std::string& source,
                           const ImportOptions& options);

 private:
  store::Connection& db_;
  const Clock& clock_;
  const access::PersonalDataProtector& protector_;
};

// The checks that need no database: headers, each cell, household columns
// agreeing, duplicates within the file. For fuzzing and tests; `problems`
// receives what was found. Returns the number of data rows.
size_t CheckTableOnly(TemplateKind kind, const io::Table& table, const Date& today, std::vector<ImportProblem>& problems);

}  // namespace fupin::dataio
