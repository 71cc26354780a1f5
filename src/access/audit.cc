#include "access/audit.h"

#include <nlohmann/json.hpp>

#include "access/authority.h"
#include "access/crypto_util.h"
#include "access/record_packs.h"
#include "access/permissions.h"
#include "core/error.h"

namespace fupin::access {
namespace {

constexpr std::string_view kColumns =
    "id, at, actor_id, actor_name, action, entity, area_code, before, after, hash, records";

AuditEntry ReadEntry(const store::Statement& s) {
  AuditEntry e;
  e.id = s.Int(0);
  e.at = s.Int(1);
  e.actor_id = s.Int(2);
  e.actor_name = s.Text(3);
  e.action = s.Text(4);
  e.entity = s.Text(5);
  e.area_code = s.Text(6);
  e.before = s.OptionalText(7);
  e.after = s.OptionalText(8);
  e.hash = s.Text(9);
  e.records = s.OptionalText(10);
  return e;
}

// An absent value and an empty one must hash differently.
std::string OptionalField(const std::optional<std::string>& value) { return value ? "1" + *value : "0"; }

}  // namespace

std::string AuditEntryHash(std::string_view previous_hash, const AuditEntry& e) {
  std::vector<uint8_t> data;
  internal::AppendField(data, "fupin-audit-v1");
  internal::AppendField(data, previous_hash);
  internal::AppendField(data, std::to_string(e.id));
  internal::AppendField(data, std::to_string(e.at));
  internal::AppendField(data, std::to_string(e.actor_id));
  internal::AppendField(data, e.actor_name);
  internal::AppendField(data, e.action);
  internal::AppendField(data, e.entity);
  internal::AppendField(data, e.area_code);
  internal::AppendField(data, OptionalField(e.before));
  internal::AppendField(data, OptionalField(e.after));
  // Entries written before records were covered hash as they did then.
  if (e.records) internal::AppendField(data, "records:" + *e.records);
  return internal::ToHex(internal::Blake2b256(data));
}

namespace {

// Audit::Record, with the entry's digests given as a list (event.records) or,
// for a batch, spooled packs.
int64_t Append(store::Connection& connection, const Clock& clock, const Caller& actor, const AuditEvent& event,
               const RecordPacks* packs) {
  if (packs && packs->empty()) packs = nullptr;
  if (packs && !event.records.empty()) throw Error::Internal("an audit entry carries record digests or packs, not both");
  store::Transaction tx(connection);
  // The chain has one end, so writers take turns here. SQLite already has
  // one writer at a time (BEGIN IMMEDIATE); PostgreSQL locks the head row until
  // commit, and under READ COMMITTED the next writer then reads the new head.
  auto head = connection.Prepare(connection.dialect() == store::Dialect::kPostgres
                                     ? "SELECT last_id, hash, data_id FROM audit_head WHERE one = 1 FOR UPDATE"
                                     : "SELECT last_id, hash, data_id FROM audit_head WHERE one = 1");
  if (!head->Step()) throw Error::Internal("audit_head is missing: the audit trail was tampered with");
  const int64_t last_id = head->Int(0);
  const std::string last_hash = head->Text(1);
  const int64_t last_data_id = head->IsNull(2) ? last_id : head->Int(2);
  head.reset();

  AuditEntry e;
  e.id = last_id + 1;
  e.at = clock.NowSeconds();
  e.actor_id = actor.user_id;
  e.actor_name = actor.user_name;
  e.action = event.action;
  e.entity = event.entity;
  e.area_code = event.area_code;
  e.before = event.before;
  e.after = event.after;
  if (!event.records.empty()) e.records = RecordListHashOf(event.records);
  if (packs) e.records = packs->ListHash();
  e.hash = AuditEntryHash(last_hash, e);

  auto insert = connection.Prepare(
      "INSERT INTO audit_log (id, at, actor_id, actor_name, action, entity, area_code, before, after, hash, records) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert->BindInt(1, e.id);
  insert->BindInt(2, e.at);
  insert->BindInt(3, e.actor_id);
  insert->BindText(4, e.actor_name);
  insert->BindText(5, e.action);
  insert->BindText(6, e.entity);
  insert->BindText(7, e.area_code);
  insert->BindOptionalText(8, e.before);
  insert->BindOptionalText(9, e.after);
  insert->BindText(10, e.hash);
  insert->BindOptionalText(11, e.records);
  insert->Run();
  if (!event.records.empty() || packs) {
    static const std::vector<std::string> kRecordColumns = {"audit_id", "record", "digest"};
    auto writer = connection.BulkInsert("audit_records", kRecordColumns);
    for (const RecordDigest& r : event.records) writer->Append({e.id, r.record, r.digest});
    if (packs) packs->ForEach([&](const RecordDigest& r) { writer->Append({e.id, r.record, r.digest}); });
    writer->Finish();
  }
  auto move = connection.Prepare("UPDATE audit_head SET last_id = ?, hash = ?, data_id = ? WHERE one = 1");
  move->BindInt(1, e.id);
  move->BindText(2, e.hash);
  move->BindInt(3, ChangesRecords(e.action) ? e.id : last_data_id);
  move->Run();
  tx.Commit();
  return e.id;
}

}  // namespace

int64_t Audit::Record(const Caller& actor, const AuditEvent& event) {
  return Append(connection_, clock_, actor, event, nullptr);
}

int64_t RecordPacked(store::Connection& connection, const Clock& clock, const Caller& actor, const AuditEvent& event,
                     const RecordPacks& packs) {
  return Append(connection, clock, actor, event, &packs);
}

int64_t Audit::DataHead() {
  auto head = connection_.Prepare("SELECT COALESCE(data_id, last_id) FROM audit_head WHERE one = 1");
  if (!head->Step()) throw Error::Internal("audit_head is missing: the audit trail was tampered with");
  return head->Int(0);
}

bool ChangesRecords(std::string_view action) {
  for (std::string_view prefix : {"login.", "logout", "session.", "access.denied", "user.", "export.", "keys.rotate"}) {
    if (action.starts_with(prefix)) return false;
  }
  return !action.ends_with("_view");
}

AuditVerification Audit::Verify() {
  AuditVerification v;
  auto fail = [&v](int64_t id, std::string problem) {
    v.ok = false;
    v.first_bad_id = id;
    v.problem = std::move(problem);
    return v;
  };
  auto rows = connection_.Prepare("SELECT " + std::string(kColumns) + " FROM audit_log ORDER BY id");
  std::string previous_hash;
  int64_t expected_id = 1;
  while (rows->Step()) {
    const AuditEntry e = ReadEntry(*rows);
    ++v.entries;
    if (e.id < expected_id) return fail(e.id, "entry " + std::to_string(e.id) + " is out of sequence (inserted)");
    if (e.id > expected_id) {
      return fail(expected_id, e.id == expected_id + 1
                                   ? "entry " + std::to_string(expected_id) + " is missing (deleted)"
                                   : "entries " + std::to_string(expected_id) + " to " + std::to_string(e.id - 1) +
                                         " are missing (deleted)");
    }
    if (AuditEntryHash(previous_hash, e) != e.hash) {
      // Either this entry was changed, or it was put in place of the one
      // that followed the previous entry, or the previous entry was rewritten
      // together with its hash (which breaks the link to this one).
      return fail(e.id, "entry " + std::to_string(e.id) +
                            " does not match its hash: it was edited, inserted, or an entry before it was rewritten");
    }
    previous_hash = e.hash;
    ++expected_id;
  }
  const auto [head_id, head_hash] = Head();
  const int64_t last_id = expected_id - 1;
  if (head_id > last_id) {
    return fail(last_id + 1, "entries " + std::to_string(last_id + 1) + " to " + std::to_string(head_id) +
                                 " were cut off the end (deleted)");
  }
  if (head_id < last_id) {
    return fail(head_id + 1, "entries after " + std::to_string(head_id) +
                                 " were not written through fupin (inserted)");
  }
  if (head_hash != previous_hash) {
    return fail(last_id, "the last entry " + std::to_string(last_id) + " does not match the recorded head (edited)");
  }
  return v;
}

std::pair<int64_t, std::string> Audit::Head() {
  auto head = connection_.Prepare("SELECT last_id, hash FROM audit_head WHERE one = 1");
  if (!head->Step()) return {0, ""};
  return {head->Int(0), head->Text(1)};
}

AuditPage Audit::List(const Caller& caller, const AuditFilter& filter) {
  Target target;
  target.area_code = caller.area_scope;
  target.entity = "audit";
  Guard guard(*this);
  guard.RequireRead(caller, Resource::kAudit, target);
  if (filter.limit < 1 || filter.limit > kMaxAuditPage) {
    throw Error::InvalidArgument("page size out of range",
                                 {{"limit", "must be between 1 and " + std::to_string(kMaxAuditPage)}});
  }
  if (filter.offset < 0) throw Error::InvalidArgument("negative offset", {{"offset", "must not be negative"}});

  // One WHERE clause for both the count and the page.
  std::string where = " WHERE substr(area_code, 1, length(?)) = ?";
  std::vector<std::string> texts = {caller.area_scope, caller.area_scope};
  std::vector<int64_t> ints;
  if (!filter.entity.empty()) {
    if (filter.entity.back() == '/') {
      where += " AND substr(entity, 1, length(?)) = ?";
      texts.push_back(filter.entity);
      texts.push_back(filter.entity);
    } else {
      where += " AND entity = ?";
      texts.push_back(filter.entity);
    }
  }
  if (!filter.action_prefix.empty()) {
    where += " AND substr(action, 1, length(?)) = ?";
    texts.push_back(filter.action_prefix);
    texts.push_back(filter.action_prefix);
  }
  if (filter.actor_id) {
    where += " AND actor_id = ?";
    ints.push_back(*filter.actor_id);
  }
  if (filter.from_at) {
    where += " AND at >= ?";
    ints.push_back(*filter.from_at);
  }
  if (filter.to_at) {
    where += " AND at < ?";
    ints.push_back(*filter.to_at);
  }
  auto bind = [&](store::Statement& s) {
    int i = 1;
    for (const auto& t : texts) s.BindText(i++, t);
    for (int64_t n : ints) s.BindInt(i++, n);
    return i;
  };
  AuditPage page;
  auto count = connection_.Prepare("SELECT count(*) FROM audit_log" + where);
  bind(*count);
  if (count->Step()) page.total = count->Int(0);
  auto rows = connection_.Prepare("SELECT " + std::string(kColumns) + " FROM audit_log" + where +
                                  " ORDER BY id DESC LIMIT ? OFFSET ?");
  const int next = bind(*rows);
  rows->BindInt(next, filter.limit);
  rows->BindInt(next + 1, filter.offset);
  while (rows->Step()) page.entries.push_back(ReadEntry(*rows));
  return page;
}

namespace {
thread_local std::string current_authority;
}  // namespace

AuthorisedBy::AuthorisedBy(std::string entity) : previous_(std::move(current_authority)) {
  current_authority = std::move(entity);
}
AuthorisedBy::~AuthorisedBy() { current_authority = std::move(previous_); }
std::string_view CurrentAuthority() { return current_authority; }

namespace {

AuditEvent ChangeEvent(const std::string& action, const std::string& entity, const std::string& area_code,
                       const nlohmann::json& before, const nlohmann::json& after) {
  AuditEvent event;
  event.action = action;
  event.entity = entity;
  event.area_code = area_code;
  if (!before.is_null()) event.before = before.dump();
  if (!CurrentAuthority().empty()) {
    nlohmann::json marked = after.is_object() ? after : nlohmann::json{{"value", after}};
    marked["authorised_by"] = std::string(CurrentAuthority());
    event.after = marked.dump();
  } else if (!after.is_null()) {
    event.after = after.dump();
  }
  return event;
}

}  // namespace

void RecordChange(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
                  const std::string& entity, const std::string& area_code, const nlohmann::json& before,
                  const nlohmann::json& after, std::vector<RecordDigest> records) {
  AuditEvent event = ChangeEvent(action, entity, area_code, before, after);
  event.records = std::move(records);
  Audit(db, clock).Record(caller, event);
}

void RecordChange(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
                  const std::string& entity, const std::string& area_code, const nlohmann::json& before,
                  const nlohmann::json& after, const RecordPacks& packs) {
  RecordPacked(db, clock, caller, ChangeEvent(action, entity, area_code, before, after), packs);
}

}  // namespace fupin::access
