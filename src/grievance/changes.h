#pragma once
// Change requests to the registry (变更申请, maker-checker), issue 23.
//
// A change to a household or a person proposed by a village cadre, a work
// team or a township becomes a request: the change itself, its field-by-field
// difference (before / after, ID and phone numbers masked), the reason, the
// evidence (file references) and the proposer. The township reviews; kinds
// that the configuration (table change_request_levels) gives to the county
// are approved there after the township's review. Each step may instead
// reject (with a reason) or send the request back to its proposer.
//
// Only an approval changes the registry: in one transaction, through the
// registry's own write functions (registry::HouseholdRegistry,
// PersonRegistry), as the approving caller inside an access::AuthorisedBy
// scope, so each audit entry of the write names "change_request/<id>".
// A request lands only on the state of the record it was proposed on: when
// another change (another request, or a direct write) landed first, the
// approval is refused with kConflict naming both, and nothing is written.
//
// Access (src/access abilities): read_changes to read, propose_change to
// propose, review_change for the township step, approve_change for the
// county's; all within the caller's area scope. Nobody decides a request they
// proposed, except the local operator of the command line (user 0, who holds
// the database file). Refusals throw fupin::Error and leave the database as it
// was. docs/CHANGES.md.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/vocabulary.h"
#include "store/database.h"

namespace fupin::access {
class PersonalDataProtector;
}

namespace fupin::grievance {

// The closed sets with their Chinese labels, for GET /api/v1/vocabularies:
// change_kind (household_add household_update household_status person_add
// person_update person_move), change_status (proposed reviewed approved
// rejected sent_back), change_level (township county), change_step.
std::vector<Vocabulary> Vocabularies();

enum class ChangeKind { kHouseholdAdd, kHouseholdUpdate, kHouseholdStatus, kPersonAdd, kPersonUpdate, kPersonMove };
enum class ChangeStatus { kProposed, kReviewed, kApproved, kRejected, kSentBack };
enum class ChangeLevel { kTownship, kCounty };
// A step of a request's history (change_request_steps.step).
enum class ChangeStepKind { kProposed, kReviewed, kApproved, kRejected, kSentBack, kResubmitted };
std::span<const Term> ChangeKindTerms();
std::span<const Term> ChangeStatusTerms();
std::span<const Term> ChangeLevelTerms();
// "r.status IN ('proposed', 'reviewed', 'sent_back')": a pending request of
// change_requests r, in SQL built from the table.
std::string PendingStatusSql();

// What a proposer hands in. `change` holds the kind's fields (docs/CHANGES.md):
//   household_add     {"household": {number, village_code, identified_year, attribute, main_cause,
//                                    other_causes, address, phone}}
//   household_update  {"household_id", "set": {attribute, main_cause, other_causes, address, phone}}
//   household_status  {"household_id", "event": {kind, date, reason}}
//   person_add        {"person": {id_number, name, household_id, relation, start_date, ethnicity,
//                                 education, health, disability_grade, labour_ability, phone}}
//   person_update     {"person_id", "set": {name, ethnicity, education, health, disability_grade,
//                                           labour_ability, phone, death_date}}
//   person_move       {"person_id", "to_household_id", "relation", "date"}
struct ChangeProposal {
  std::string kind;  // the wire string; Propose refuses one outside change_kind, naming "kind"
  nlohmann::json change = nlohmann::json::object();
  std::string reason;
  std::vector<std::string> evidence;  // file references (upload names, document numbers)
};

// The reason of a write turned into a request when the writer gave none.
inline constexpr const char* kDefaultReason = "村级修改建档立卡信息";

struct DiffLine {
  std::string field;
  nlohmann::json before;  // null when the record is new
  nlohmann::json after;
};

struct ChangeStep {
  std::string step;  // proposed reviewed approved rejected sent_back resubmitted
  std::string actor;
  std::string note;
  int64_t at = 0;    // UTC seconds
};

struct ChangeRequest {
  int64_t id = 0;
  ChangeKind kind = ChangeKind::kHouseholdAdd;
  std::string entity;  // household/12, person/5, household/new, person/new
  std::optional<int64_t> household_id;
  std::optional<int64_t> person_id;
  std::string area_code, area_name;  // the record's village
  std::vector<DiffLine> diff;
  std::string reason;
  std::vector<std::string> evidence;
  ChangeLevel level = ChangeLevel::kTownship;  // who approves
  ChangeStatus status = ChangeStatus::kProposed;
  int64_t proposed_by = 0;
  std::string proposer;
  std::string proposed_on;  // YYYY-MM-DD
  std::optional<std::string> decided_on;
  int64_t age_days = 0;      // from proposed_on to today (or to decided_on)
  int64_t deadline_days = 0;
  bool overdue = false;      // still pending and older than its kind's deadline
  bool stale = false;        // pending, but the record has changed since it was proposed
  std::optional<std::string> result_entity;
  int64_t version = 0;
  std::vector<ChangeStep> steps;  // filled by Get
};

// Which requests a list shows by status: a named group (the pending ones:
// proposed, reviewed or sent back; all of them) or those of one status. The
// default, when the caller names none, is the service's choice: pending.
struct ChangeStatusFilter {
  enum class Group { kPending, kAll, kOne };
  Group group = Group::kPending;
  ChangeStatus status = ChangeStatus::kProposed;  // with kOne
};
// The filter of a wire value ("pending", "all" or a status), read once where
// it comes in; nullopt gives the default. Anything else is InvalidArgument
// naming `field` and the accepted values.
ChangeStatusFilter ParseChangeStatusFilter(const std::optional<std::string>& wire, const std::string& field = "status");

struct ChangeFilter {
  std::string area_code;         // any level; "" = the caller's scope
  ChangeStatusFilter status;     // pending by default
  std::string kind;              // "" = every kind
  bool overdue_only = false;
  std::optional<int64_t> household_id;
  int64_t limit = 50;
  int64_t offset = 0;
};

struct ChangePage {
  std::vector<ChangeRequest> items;  // oldest first
  int64_t total = 0;
  int64_t overdue = 0;  // of the total
};

class ChangeRequests {
 public:
  // `protector` nullptr: the process's (access::CurrentProtector()).
  explicit ChangeRequests(store::Connection& db, const Clock& clock = DefaultClock(),
                          const access::PersonalDataProtector* protector = nullptr);

  // Validates the change as the registry would (it is tried and rolled back),
  // records the request and returns it. kInvalidArgument names every wrong
  // field ("/change/set/attribute", "reason", "evidence/0").
  ChangeRequest Propose(const Caller& caller, const ChangeProposal& proposal);

  ChangeRequest Get(const Caller& caller, int64_t id);
  ChangePage List(const Caller& caller, const ChangeFilter& filter);

  // The next step by the caller: the township's review (which applies the
  // change when the kind's level is the township) or the county's approval.
  // `expected_version`: the request's version the caller read (kConflict if
  // another step came first).
  ChangeRequest Approve(const Caller& caller, int64_t id, int64_t expected_version, const std::string& note = "");
  // Ends the request; the reason is required.
  ChangeRequest Reject(const Caller& caller, int64_t id, int64_t expected_version, const std::string& reason);
  // Hands it back to the proposer (reason required), who may resubmit it.
  ChangeRequest SendBack(const Caller& caller, int64_t id, int64_t expected_version, const std::string& reason);
  // The proposer hands a sent-back request in again, to the township.
  ChangeRequest Resubmit(const Caller& caller, int64_t id, int64_t expected_version, const std::string& note = "");

  // A registry write by a caller whose writes become change requests (the
  // access ability changes_through_requests: village cadres), of a kind the
  // configuration sends through requests (change_request_levels.through_request),
  // is proposed instead: returns the request, and nothing changes until it is
  // approved. std::nullopt: the caller writes directly. `expected_version`:
  // the record's version the writer read (If-Match), kConflict when it moved.
  // An empty reason becomes kDefaultReason.
  std::optional<ChangeRequest> ProposeInsteadOfWriting(const Caller& caller, ChangeProposal proposal,
                                                       std::optional<int64_t> expected_version = std::nullopt);

  // What waits for this caller (for the to-do list, issue 24): requests the
  // caller may review or approve now, and their own sent back. Oldest first.
  ChangePage Waiting(const Caller& caller, int64_t limit = 50);

 private:
  store::Connection& db_;
  const Clock& clock_;
  const access::PersonalDataProtector& protector_;
};

nlohmann::json ChangeRequestJson(const ChangeRequest& request);
nlohmann::json ChangePageJson(const ChangePage& page);

}  // namespace fupin::grievance
