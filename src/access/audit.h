#pragma once
// The audit trail: who did what to which entity, when (UTC), with the values
// before and after. Entries are append-only and hash-chained:
//   hash(n) = BLAKE2b-256(hash(n-1) || canonical fields of n)
// so Verify() finds an entry that was edited, inserted or deleted even when
// the SQL triggers that forbid UPDATE and DELETE have been dropped. The last
// id and hash are also kept in audit_head, so cutting entries off the end is
// found too (unless audit_head is rewritten as well: print Head() after each
// verify and keep it outside the database for a stronger anchor).
//
// Record() runs in a (nested) transaction on the given connection: call it
// inside the transaction of the write it describes, and both commit or
// neither does.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/records.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::access {

struct AuditEntry {
  int64_t id = 0;
  int64_t at = 0;  // UTC seconds
  int64_t actor_id = 0;
  std::string actor_name;
  std::string action;  // "household.update"
  std::string entity;  // "household/12"
  std::string area_code;
  std::optional<std::string> before;  // JSON text
  std::optional<std::string> after;   // JSON text
  std::string hash;                   // hex
  // RecordListHash of the rows the entry changed, as they were after it
  // (access/records.h); absent for entries that change no covered row.
  std::optional<std::string> records = std::nullopt;
};

// What Record() is told about a change.
struct AuditEvent {
  std::string action;
  std::string entity;
  std::string area_code;  // area of the entity ("" when it has none); decides which auditors see it
  std::optional<std::string> before;
  std::optional<std::string> after;
  // The digests of the covered rows the change wrote (access/records.h):
  // kept in audit_records, their hash in the entry.
  std::vector<RecordDigest> records = {};
};

struct AuditVerification {
  bool ok = true;
  int64_t entries = 0;                 // entries read
  std::optional<int64_t> first_bad_id; // the first entry found wrong (or missing)
  std::string problem;                 // why, in English
};

struct AuditFilter {
  std::string entity;         // exact entity ("household/12"), or a kind followed by '/' ("household/"); "" = all
  std::string action_prefix;  // "login." ; "" = all
  std::optional<int64_t> actor_id;
  std::optional<int64_t> from_at;  // inclusive
  std::optional<int64_t> to_at;    // exclusive
  int64_t offset = 0;
  int64_t limit = 50;  // at most kMaxAuditPage
};

inline constexpr int64_t kMaxAuditPage = 500;

struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first
  int64_t total = 0;                // entries matching the filter in the caller's scope
};

class Audit {
 public:
  Audit(store::Connection& connection, const Clock& clock) : connection_(connection), clock_(clock) {}

  // Appends an entry by `actor` and returns its id.
  int64_t Record(const Caller& actor, const AuditEvent& event);

  // Walks the whole chain once (one query) and reports the first entry that
  // does not hold. Needs no caller: it reveals no content.
  AuditVerification Verify();

  // The id and hash of the last entry as recorded in audit_head.
  std::pair<int64_t, std::string> Head();

  // The id of the last entry that changed records (ChangesRecords), one
  // primary-key read: unchanged means no record changed since. Report
  // snapshots are keyed by it, so logins and reads leave them fresh.
  int64_t DataHead();

  // Entries for auditors and administrators, limited to their area scope
  // (entries with area "" only for callers whose scope is the nation, and
  // login events by the area of the user). Refusals throw PermissionDenied
  // and are recorded.
  AuditPage List(const Caller& caller, const AuditFilter& filter);

 private:
  store::Connection& connection_;
  const Clock& clock_;
};

// Appends a change to the trail inside the current transaction: `before` and
// `after` are JSON (null for none); ID and phone numbers in them must already
// be masked. The one way the modules record their writes.
// `records`: the digests of the covered rows written (DigestRows).
void RecordChange(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
                  const std::string& entity, const std::string& area_code, const nlohmann::json& before,
                  const nlohmann::json& after, std::vector<RecordDigest> records = {});

// Whether an entry of this action records a change to records a report may
// read. False for logins, logouts, refusals (access.denied), reads
// (*_view, export.*), accounts (user.*) and key rotation (the values stay
// the same); true for anything else, so an action added later counts as a
// change until it is named here.
bool ChangesRecords(std::string_view action);

// The hash of one entry given the previous entry's hash ("" for the first):
// hex BLAKE2b-256 over length-prefixed fields. Exposed for tests.
std::string AuditEntryHash(std::string_view previous_hash, const AuditEntry& entry);

}  // namespace fupin::access
