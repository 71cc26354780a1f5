#pragma once
// Return-to-poverty monitoring (防止返贫动态监测, docs/MONITORING.md).
//
// Thresholds and risk rules are data (migration 700): the monitoring line per
// year and province, and named rules with their values and sources. A scan
// reads the registry's yearly facts, the rigid spending recorded here and the
// department alerts (rosters of large medical bills, disaster losses, lost
// employment) in bulk and lists every household a rule fires for, with the
// values that made it fire. Candidates, self-reports and cadre reports become
// cases that follow the identification steps
//   alert -> home_check -> consent -> data_comparison -> village_appraisal ->
//   public_notice -> township_review -> county_approval -> entry
// each done by the role that owns it (StepRole), recorded with who and when,
// and each able to send the case back to an earlier step with a reason (or
// to reject it). Entered households get measures, tracked to the end, and
// leave through a risk-eliminated decision with its reason and evidence.
//
// Every function takes the Caller and checks access with access::Guard on
// Resource::kMonitoring (refusals are audited); every write is audited inside
// its own transaction. Bad input throws invalid_argument with one detail per
// field or file cell; a state that does not allow the action throws
// failed_precondition. Dates are YYYY-MM-DD; money is fen.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <utility>

#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "dataio/sheet.h"
#include "monitoring/terms.h"
#include "store/database.h"

namespace fupin::io {
class TableReader;
}  // namespace fupin::io

namespace fupin::monitoring {

// ---- thresholds and rules -------------------------------------------------

struct Threshold {
  int64_t id = 0;
  int year = 0;
  std::string province;  // "" national, else 2 digits
  Fen line = 0;          // fen per person and year
  std::string source;
  std::string set_by;
};

struct RuleParameter {
  std::string name;   // income_below_line, income_drop, ... (see kParameterNames in the .cc)
  std::string value;
  bool enabled = true;
  std::string unit;   // factor, percent, persons, days, months, years
  std::string label_zh;
  ParameterKind kind = ParameterKind::kRisk;  // a rule a scan applies, or a procedure setting
  std::string source;
  std::string set_by;
};

// ---- alerts -------------------------------------------------------------

// AlertKind, ParseAlertKind and AlertKindOf: monitoring/terms.h.

struct AlertImportResult {
  int64_t import_id = 0;
  std::string kind;
  int year = 0;
  int64_t rows = 0;       // data rows read
  int64_t imported = 0;   // alerts written
  std::vector<int64_t> skipped_rows;  // unmatched ID numbers left out (skip_unmatched only)
  int64_t rejected_rows = 0;          // rows left out (skip_invalid)
  std::vector<dataio::ImportProblem> problems;  // of the rows left out (skip_invalid)
  bool dry_run = false;   // checked only: nothing written, import_id 0, `imported` what would be
};

// A department's alert roster, declared as data (dataio/sheet.h): 身份证号,
// 姓名, 日期, 金额 (required but for unemployment), 说明.
const std::vector<dataio::SheetColumn>& AlertSheet(AlertKind kind);

struct AlertImportOptions {
  bool skip_unmatched = false;  // ID numbers the registry does not hold are left out (skipped_rows)
  bool skip_invalid = false;    // every row with a problem is left out (problems), the others imported
  bool dry_run = false;  // check everything (access too), write nothing
};

// One alert already matched to a person (the demo and tests write these).
struct AlertRecord {
  AlertKind kind = AlertKind::kMedical;
  int year = 0;
  int64_t person_id = 0;
  std::string date;
  std::optional<Fen> amount;
  std::string note;
};

struct Alert {
  int64_t id = 0;
  std::string kind;
  int year = 0;
  int64_t person_id = 0;
  int64_t household_id = 0;
  std::string household_number;
  std::string date;
  std::optional<Fen> amount;
  std::string note;
};

// ---- scan ---------------------------------------------------------------

struct RiskHit {
  RiskRule rule = RiskRule::kIncomeBelowLine;
  std::string label_zh;  // the rule's label (RiskRuleTerms)
  std::vector<std::pair<std::string, std::string>> values;  // name -> value as text (yuan, percent, count)
};

struct Candidate {
  int64_t household_id = 0;
  std::string household_number;
  std::string village_code;
  std::string registry_status;  // exited, poor, unregistered
  Category category = Category::kMarginal;  // suggested
  int members = 0;
  std::vector<RiskHit> hits;
  std::optional<int64_t> case_id;   // an open or monitored case already exists
  bool opened = false;              // a case was opened by this scan
};

struct ScanResult {
  int year = 0;
  std::string area_code;
  Fen line = 0;             // the line of the area's province (or national) that year
  int64_t households_scanned = 0;
  std::vector<Candidate> candidates;  // by village, then household number
  int64_t cases_opened = 0;
};

// ---- cases --------------------------------------------------------------

// The steps in order; "alert" is recorded when the case is opened.
const std::vector<std::string>& StepNames();
const char* StepLabelZh(const std::string& step);
const char* CategoryLabelZh(const std::string& category);
// Roles that do a step (access::RolesNamed of the step's ability; the
// administrator, who may do any step, is not listed).
std::vector<Role> StepRoles(const std::string& step);
// Whether the caller may do a step (access::Can of the step's ability).
bool MayDoStep(const Caller& caller, const std::string& step);

struct CaseInput {
  int64_t household_id = 0;
  int year = 0;
  std::string source;                 // self_report | cadre_report | department_alert | data_analysis
  std::optional<std::string> category;  // default: suggested from the registry status and the risks
  std::string date;                   // the alert date; default today
  std::string note;
};

struct CaseStep {
  int64_t id = 0;
  std::string step;
  std::string action;  // done | returned | rejected
  std::string date;
  std::optional<std::string> end_date;
  std::optional<std::string> returned_to;
  std::string note;
  std::string actor;
  std::string role;
  std::string recorded_at;  // ISO 8601 UTC
};

struct Measure {
  int64_t id = 0;
  int64_t case_id = 0;
  MeasureKind kind = MeasureKind::kPolicy;
  std::string description;
  std::optional<int64_t> policy_id;
  std::string responsible;
  std::string start_date;
  MeasureStatus status = MeasureStatus::kPlanned;
  std::string result;
  std::string recorded_by;
};

struct Elimination {
  std::string date;
  EliminationReason reason = EliminationReason::kIncomeStable;
  std::string evidence;
  std::string checks;  // JSON text
  std::string decided_by;
  std::string role;
};

struct Case {
  int64_t id = 0;
  int64_t household_id = 0;
  std::string household_number;
  std::string village_code;
  std::string village_name;
  int year = 0;
  Category category = Category::kMarginal;
  std::string source;
  std::string risks;  // JSON text
  std::string note;
  CaseStatus status = CaseStatus::kIdentifying;
  std::optional<std::string> stage;
  std::string alert_date;
  std::string stage_since;
  std::optional<std::string> entered_on;
  std::optional<std::string> closed_on;
  std::string opened_by;
  int64_t version = 0;
  std::vector<CaseStep> steps;        // filled by GetCase
  std::vector<Measure> measures;      // filled by GetCase
  std::optional<Elimination> elimination;
};

struct CaseFilter {
  std::string area_code;  // any level; "" = the caller's scope
  std::optional<std::string> status;
  std::optional<std::string> category;
  std::optional<int> year;
  std::optional<int64_t> household_id;  // the cases of one household
  int64_t limit = 50;
  int64_t offset = 0;
};

struct CasePage {
  int64_t total = 0;
  std::vector<Case> items;  // steps and measures not filled
};

struct StepInput {
  std::string step;     // must be the case's current stage
  std::string action = "done";  // done | return | reject
  std::string date;     // default today
  std::optional<std::string> end_date;     // public_notice: the last day of the notice
  std::optional<std::string> return_to;    // return: an earlier step (default the previous one)
  std::string note;     // required for return and reject (the reason)
};

struct MeasureInput {
  std::string kind;
  std::string description;
  std::optional<int64_t> policy_id;
  std::string responsible;
  std::string start_date;  // default today
  std::string status = "planned";
};

struct MeasureUpdate {
  std::optional<std::string> status;
  std::optional<std::string> result;
};

struct EliminationInput {
  std::string date;       // default today
  std::string reason;     // income_stable | hardship_over
  std::string evidence;   // what was checked: required
};

// ---- overdue and figures ------------------------------------------------

struct OverdueItem {
  int64_t case_id = 0;
  std::string household_number;
  std::string village_code;
  Category category = Category::kMarginal;
  OverdueKind kind = OverdueKind::kStepOverdue;
  std::string stage;   // the step waiting (step_overdue)
  std::string since;   // stage_since or entered_on
  int64_t days = 0;    // days waiting / days monitored
  int64_t limit = 0;   // the allowed days
};

struct AreaCount {
  std::string area_code;
  std::string area_name;
  int64_t identifying = 0, monitored = 0, eliminated = 0;
};

struct MonitoringFigures {
  std::string area_code;
  int year = 0;
  std::string as_of;
  // Households entered into monitoring by as_of (risk eliminated or not), by category.
  int64_t households = 0, persons = 0;
  int64_t unstable = 0, marginal = 0, sudden = 0;
  // Status on as_of.
  int64_t identifying = 0, monitored = 0, eliminated = 0, rejected = 0;
  int64_t monitored_unstable = 0, monitored_marginal = 0, monitored_sudden = 0;  // risk not eliminated yet
  // Persons of the registered population (poor or exited) on as_of, for the share.
  int64_t registered_persons = 0;
  double share_percent() const;  // persons / registered_persons * 100, two decimals
  // Days from the alert to the entry, and from the entry to the risk eliminated (cases that got there by as_of).
  int64_t entries_timed = 0, days_to_entry_total = 0, days_to_entry_max = 0;
  int64_t eliminations_timed = 0, days_to_elimination_total = 0, days_to_elimination_max = 0;
  int64_t days_to_entry_average() const;
  int64_t days_to_elimination_average() const;
  std::vector<AreaCount> by_area;  // the area's children
};

// ---- the service --------------------------------------------------------

class MonitoringService {
 public:
  explicit MonitoringService(store::Connection& db, const Clock& clock = DefaultClock()) : db_(db), clock_(clock) {}

  std::vector<Threshold> Thresholds(const Caller& caller);
  // The line in force for a year and an area (its province's, else the national one, carried forward).
  Threshold LineFor(int year, const std::string& area_code);
  // Appends a line (administrator or county office; refuses an empty source).
  Threshold SetThreshold(const Caller& caller, int year, const std::string& province, Fen line,
                         const std::string& source);
  std::vector<RuleParameter> Parameters(const Caller& caller);
  RuleParameter SetParameter(const Caller& caller, const std::string& name, const std::string& value, bool enabled,
                             const std::string& source);

  // Rigid spending of a household in a year.
  int64_t AddSpending(const Caller& caller, int64_t household_id, int year, const std::string& kind, Fen amount,
                      const std::string& note);

  // A department roster: CSV or XLSX with 身份证号/id_number*, 姓名/name, 日期/date*,
  // 金额/amount (medical: out-of-pocket; disaster: the loss), 说明/note.
  // Read by the one sheet reader (AlertSheet). All or nothing: any problem
  // refuses the file (dataio::ThrowRefusal: row, column, value, reason in
  // Chinese); with options.skip_invalid the rows without a problem are
  // imported and the others reported in `problems`. A valid ID number the
  // registry does not hold is a problem unless skip_unmatched.
  AlertImportResult ImportAlerts(const Caller& caller, AlertKind kind, int year, const std::string& path,
                                 bool skip_unmatched = false);
  // The same from a reader already opened (an uploaded file); `file_name`
  // names it in messages and in the import record.
  AlertImportResult ImportAlerts(const Caller& caller, AlertKind kind, int year, io::TableReader& reader,
                                 const std::string& file_name, const AlertImportOptions& options);
  // Alerts already matched to persons, in one transaction (one audit entry).
  int64_t RecordAlerts(const Caller& caller, const std::vector<AlertRecord>& alerts, const std::string& source_name);
  std::vector<Alert> ListAlerts(const Caller& caller, int year, const std::string& area_code);

  // Set-based scan of the area (any level; "" = the caller's scope) for the
  // year. With open_cases, opens a case (source data_analysis, or
  // department_alert when an alert made a rule fire) for every candidate
  // without an open or monitored case, in one transaction.
  ScanResult Scan(const Caller& caller, int year, const std::string& area_code, bool open_cases = false);

  Case OpenCase(const Caller& caller, const CaseInput& input);
  Case GetCase(const Caller& caller, int64_t id);
  CasePage ListCases(const Caller& caller, const CaseFilter& filter);
  // The cases of an area ("" = the caller's scope) still being identified,
  // counted by the step each waits for (one grouped query; the scope of
  // ListCases). Steps without a waiting case are left out.
  std::vector<std::pair<std::string, int64_t>> WaitingStages(const Caller& caller, const std::string& area_code);
  // Records the current step (done), sends the case back, or rejects it.
  // Refuses a role that does not own the step, a step that is not the
  // current stage, a missing reason, a public notice shorter than
  // notice_min_days, a date before the previous step or in the future.
  Case RecordStep(const Caller& caller, int64_t case_id, const StepInput& input);

  Measure AddMeasure(const Caller& caller, int64_t case_id, const MeasureInput& input);
  Measure UpdateMeasure(const Caller& caller, int64_t case_id, int64_t measure_id, const MeasureUpdate& update);
  std::vector<Measure> ListMeasures(const Caller& caller, int64_t case_id);

  // The risk-eliminated decision (county office or administrator). Refused
  // (failed_precondition, one detail per unmet condition) without evidence,
  // before elimination_min_months in monitoring, for income_stable unless
  // the per-capita income of each of the last elimination_stable_years years
  // is above that year's line, for hardship_over while a measure is still
  // planned or in progress.
  Case Eliminate(const Caller& caller, int64_t case_id, const EliminationInput& input);

  // Steps waiting longer than step_days and households monitored longer than
  // max_monitored_months, on `as_of` (default today).
  std::vector<OverdueItem> Overdue(const Caller& caller, const std::string& area_code,
                                   const std::optional<std::string>& as_of = std::nullopt);

  MonitoringFigures Figures(const Caller& caller, const std::string& area_code, int year,
                            const std::optional<std::string>& as_of = std::nullopt);

 private:
  store::Connection& db_;
  const Clock& clock_;
};

// ---- batch write of a case history (demo data, records from an older system)

struct HistoricStep {
  std::string step;
  std::string action = "done";
  std::string date;
  std::optional<std::string> end_date;
  std::optional<std::string> returned_to;
  std::string note;
  std::string actor;
  std::string role;
};

struct HistoricCase {
  int64_t household_id = 0;
  int year = 0;
  std::string category;
  std::string source;
  std::string risks = "[]";
  std::string note;
  std::string alert_date;
  std::vector<HistoricStep> steps;     // after the alert, in order
  std::vector<MeasureInput> measures;  // with their final status
  std::optional<Elimination> elimination;
};

// Writes whole case histories in one transaction (stage, status and dates
// derived from the steps), audited as one "monitoring.cases_import" entry.
// Needs an administrator or the county office of every household's area.
// Returns the number of cases written.
int64_t WriteHistoricCases(store::Connection& db, const Caller& caller, const std::vector<HistoricCase>& cases,
                           const Clock& clock = DefaultClock());

}  // namespace fupin::monitoring
