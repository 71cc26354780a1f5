#pragma once
// Entitlements ("one click", 一键式): who is owed what in a year under the
// policies, with the clauses that made each one eligible, stored per year;
// sector departments' rosters of what they delivered; and the reconciliation
// of the two (应享未享, 不应享而享, amount differences, unknown ID numbers).
//
// Set-based throughout: the Frame is filled from a handful of bulk reads
// (no query per person), every policy is evaluated over its columns, and the
// results are written in one transaction. Access: running entitlements needs
// write access to policy in the area; reading them needs read access to
// policy and to the registry there (a paired cadre does not list them);
// importing a roster needs write access to rosters; reconciling reads both.
// Every run and import is written to the audit trail.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/personal_data.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "core/progress.h"
#include "dataio/sheet.h"
#include "policy/frame.h"
#include "policy/policy.h"
#include "policy/terms.h"
#include "store/database.h"

namespace fupin::io {
class TableWriter;
}

namespace fupin::policy {

// The policies shipped in policies/, compiled into the program (checked when
// first used). `dir` non-empty: the *.toml files of that folder instead.
std::vector<Policy> PolicySet(const std::string& dir = "");
// The shipped files as (file name, text), for `fupin policy check` and tests.
const std::vector<std::pair<std::string, std::string>>& ShippedPolicyFiles();

// A Frame filled from the registry, with the ids behind its rows.
struct RegistryFrame {
  Frame frame;
  std::vector<int64_t> person_ids;        // per person row
  std::vector<int64_t> household_ids;     // per household row
  std::vector<std::string> village_codes; // per household row
};

// Every catalogue field of the persons and households whose village code
// starts with `area_prefix` ("" = all), as of `ref_date` (membership on that
// date, status from the events up to it) with the yearly facts of `year`,
// and the scalars year, ref_date and params.* (a parameter not set for the
// year is left out: a policy reading it fails naming it). Four bulk reads.
RegistryFrame FillFrame(store::Connection& db, int year, const Date& ref_date, const std::string& area_prefix);

struct Entitlement {
  int year = 0;
  std::string policy_id;
  std::string policy_name;
  std::string department;
  int64_t household_id = 0;
  std::string household_number;
  int64_t person_id = 0;        // 0 for a household policy
  std::string person_name;      // "" for a household policy
  std::string id_number;        // masked
  std::string village_code;
  std::string village_name;
  Fen amount = 0;               // per year
  std::string reason;           // 符合条件说明, read out to the household
  nlohmann::json clauses;       // [{text, holds, facts: [{field, label, value}]}]
};

struct EntitlementChange {
  EntitlementChangeKind kind = EntitlementChangeKind::kAdded;
  std::string policy_id;
  int64_t household_id = 0;
  int64_t person_id = 0;
  std::string village_code;
  std::optional<Fen> old_amount;
  std::optional<Fen> new_amount;
};

struct PolicyTotal {
  std::string policy_id;
  std::string name;
  std::string department;
  std::string target;   // person | household
  int64_t entitled = 0;
  Fen amount = 0;
};

struct EntitlementRun {
  int64_t id = 0;
  int year = 0;
  std::string area_code;
  std::string policy_id;    // "" = every policy in force
  std::string ref_date;
  int64_t persons = 0;
  int64_t households = 0;
  int64_t entitled = 0;
  Fen amount = 0;
  bool first_run = true;    // nothing was stored for this scope before
  int64_t added = 0;
  int64_t removed = 0;
  int64_t changed = 0;
  std::vector<PolicyTotal> by_policy;
  // What the run changed: from Run(), the first 1000; from LatestRun(), the
  // page asked for, added, removed, changed in that order, each by policy,
  // household and person. changes_total counts them all.
  std::vector<EntitlementChange> changes;
  int64_t changes_total = 0;
  double seconds_fill = 0;                 // timings of the run (shown by the CLI with --timing)
  double seconds_eval = 0;                 // rules and explanations (those of the rows written too)
  double seconds_rules = 0;                // of which the rules alone (bulk evaluation)
  double seconds_store = 0;
  // Rows the run wrote (new or different); a row computed again unchanged is
  // compared by its digest alone and left as stored.
  int64_t written = 0;
  // Explanations (a reason and its clauses, stored once in
  // entitlement_explanations for every row that has the same) the run built:
  // those of the rows it wrote that were not stored yet.
  int64_t explained = 0;
};

struct Page {
  int64_t total = 0;
  std::vector<Entitlement> items;
};

class EntitlementService {
 public:
  EntitlementService(store::Connection& db, std::vector<Policy> policies, const Clock& clock = DefaultClock());
  ~EntitlementService();

  const std::vector<Policy>& policies() const { return policies_; }
  // The policy with this id; NotFound naming the known ids.
  const Policy& FindPolicy(const std::string& id) const;

  struct RunInput {
    int year = 0;
    std::string area_code;                 // "" = the caller's scope
    std::string policy_id;                 // "" = every policy in force that year
    std::optional<std::string> ref_date;   // default: 31 December of the year, or today if earlier
  };
  // Evaluates the policies over the area, replaces the stored entitlements of
  // that year, area and policies, records what changed and audits the run.
  // Reports the stages read (1), evaluate (one unit per policy) and store (1).
  EntitlementRun Run(const Caller& caller, const RunInput& input, Progress& progress = NoProgress());

  struct ListFilter {
    int year = 0;
    std::string area_code;
    std::string policy_id;
    std::optional<int64_t> household_id;
    int64_t limit = 50;     // 1-1000
    int64_t offset = 0;
  };
  // Stored entitlements, by village, household, person, policy.
  Page List(const Caller& caller, const ListFilter& filter);
  // Every stored entitlement the filter selects (limit and offset ignored),
  // in the list's order and with the same access check and masked ID
  // numbers, handed to `row` one at a time without its clauses (for a
  // download); returns how many.
  int64_t ForEach(const Caller& caller, const ListFilter& filter, const std::function<void(const Entitlement&)>& row);

  // The latest run for a year and area (and policy), if any, with its counts
  // and `changes_limit` of its changes from `changes_offset` (0-1000; none by
  // default). by_policy is left empty (a later run of a smaller area may have
  // replaced part of what it stored).
  std::optional<EntitlementRun> LatestRun(const Caller& caller, int year, const std::string& area_code,
                                          const std::string& policy_id = "", int64_t changes_limit = 0,
                                          int64_t changes_offset = 0);

 private:
  // List and ForEach: the rows of the filter (a page of them when `paged`),
  // to `row`; returns the total the filter selects (paged) or the rows read.
  int64_t Select(const Caller& caller, const ListFilter& filter, bool paged, bool with_clauses,
                 const std::function<void(Entitlement&&)>& row);

  store::Connection& db_;
  std::vector<Policy> policies_;
  const Clock& clock_;
};

// ------------------------------------------------------------------ rosters

struct RosterImportResult {
  int64_t import_id = 0;
  std::string department;
  std::string policy_id;
  int year = 0;
  int64_t rows = 0;           // data rows read
  int64_t imported_rows = 0;  // rows stored (or that would be, on a dry run)
  int64_t rejected_rows = 0;  // rows left out (skip_invalid)
  std::vector<dataio::ImportProblem> problems;  // of the rows left out
  std::vector<std::string> warnings;            // columns ignored
  int64_t matched = 0;
  int64_t unknown = 0;     // ID numbers the registry does not hold (kept as such)
  Fen amount = 0;
  int64_t replaced = 0;    // rows of an earlier import of the same department, policy and year
  bool dry_run = false;    // checked only: nothing written, import_id 0
};

// The roster's columns as data (身份证号, 金额, 日期, optional 区划代码 and
// 姓名): the reader, the validator and the template all read it. A file
// without a header row holds ID number, amount and date in that order.
const std::vector<dataio::SheetColumn>& RosterSheet();

class RosterService {
 public:
  RosterService(store::Connection& db, std::vector<Policy> policies, const Clock& clock = DefaultClock(),
                const access::PersonalDataProtector* protector = nullptr);

  struct ImportInput {
    std::string department;  // a Departments() code (the policy's own, normally)
    std::string policy_id;
    int year = 0;
    std::string path;        // CSV (UTF-8 or GBK) or XLSX: ID number, amount (yuan), date
    // The file's bytes when it was uploaded (then `path` is only its name).
    std::optional<std::string> bytes = std::nullopt;
    bool dry_run = false;    // check everything (access too), write nothing
    bool skip_invalid = false;  // import the valid rows, report the others
  };
  // Reads the whole file first (RosterSheet, the one sheet reader): any bad
  // row fails the import with every problem by row, column, value and reason
  // in Chinese (dataio::ThrowRefusal), and nothing is written; with
  // skip_invalid the valid rows are imported and the others reported in the
  // result. Stores the rows (unknown ID numbers too) in one transaction,
  // replacing an earlier import of the same department, policy and year. A
  // row's 区划代码 outside the caller's scope is a problem like any other.
  RosterImportResult Import(const Caller& caller, const ImportInput& input);

 private:
  store::Connection& db_;
  std::vector<Policy> policies_;
  const Clock& clock_;
  const access::PersonalDataProtector& protector_;
};

// ------------------------------------------------------------ reconciliation

struct ReconcileItem {
  ReconcileKind kind = ReconcileKind::kMissed;
  std::string policy_id;
  std::string policy_name;
  std::string village_code; // for unknown: the area the ID number's first six digits name
  int64_t household_id = 0;
  std::string household_number;
  int64_t person_id = 0;
  std::string person_name;
  std::string id_number;    // masked
  Fen entitled_amount = 0;
  Fen paid_amount = 0;
  std::string reason;       // the entitlement's explanation, when there is one
};

struct ReconcileGroup {
  std::string area_code;    // village (or the ID number's area for unknown numbers)
  std::string area_name;
  std::string policy_id;
  int64_t entitled = 0;
  int64_t paid = 0;
  int64_t missed = 0;
  int64_t unentitled = 0;
  int64_t amount_differences = 0;
  int64_t unknown = 0;
};

struct Reconciliation {
  int year = 0;
  std::string area_code;
  std::string policy_id;
  std::vector<std::string> policies_with_rosters;
  std::vector<std::string> policies_without_rosters;  // entitled but no roster handed in: not reconciled
  int64_t missed = 0;
  int64_t unentitled = 0;
  int64_t amount_differences = 0;
  int64_t unknown = 0;
  std::vector<ReconcileGroup> groups;  // by area and policy
  std::vector<ReconcileItem> items;    // every gap
};

// Compares the stored entitlements of a year with the rosters handed in, for
// the policies that have a roster that year.
Reconciliation Reconcile(store::Connection& db, const std::vector<Policy>& policies, const Caller& caller, int year,
                         const std::string& area_code, const std::string& policy_id, const Clock& clock = DefaultClock());

// JSON forms shared by the CLI and the HTTP API.
nlohmann::json PolicyJson(const Policy& policy, bool full);
nlohmann::json EntitlementJson(const Entitlement& e);
nlohmann::json RunJson(const EntitlementRun& run);
// The gaps a reconciliation answer lists: those of `kind` ("" = every kind,
// else the wire string of reconcile_kind, parsed here once for the route and
// the command line), `limit` of them (1-1000; 0 = all) from `offset`. Counts and groups are always whole; "items_total"
// says how many gaps of that kind there are. Bad values: InvalidArgument
// naming kind, limit or offset.
struct GapPage {
  std::string kind;
  int64_t limit = 0;
  int64_t offset = 0;
};
nlohmann::json ReconciliationJson(const Reconciliation& r, const GapPage& page = {});
// Every gap as a row of a sheet (the CLI's --output and the HTTP download):
// 类别, 政策, 政策名称, 地区代码, 地区, 户编号, 姓名, 身份证号, amounts, 说明.
void WriteReconciliation(const Reconciliation& r, io::TableWriter& w);

}  // namespace fupin::policy

namespace fupin::policy {

// The education and health figures of the progress report that come from
// entitlements, rosters and the policy facts (docs/POLICY.md says how each is
// counted). A figure whose source is absent (no roster handed in, no fact
// recorded) is left out, so the report shows it as missing rather than 0.
//
// Access: the figures count persons of the registry, entitlements and the
// departments' rosters of the whole area, so the caller needs read access to
// policy, rosters and the registry by area there (not a paired cadre, not a
// donor). ProgressFigures throws kPermissionDenied otherwise and records the
// refusal in the audit trail; MayReadProgressFigures answers the same
// question without side effects, for the progress report, which shows the
// figures as missing to a caller who may not read them.
struct PolicyFigure {
  std::string key;
  bool is_rate = false;
  int64_t count = 0;
  int64_t numerator = 0;
  int64_t denominator = 0;
};
bool MayReadProgressFigures(const Caller& caller, const std::string& area_code);
std::vector<PolicyFigure> ProgressFigures(store::Connection& db, const Caller& caller, const std::string& area_code,
                                          int year, const Date& as_of);

}  // namespace fupin::policy
