#include "grievance/changes.h"

#include <algorithm>
#include <map>
#include <set>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/authority.h"
#include "access/permissions.h"
#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/error.h"
#include "grievance/change_apply.h"
#include "registry/areas.h"

namespace fupin::grievance {
namespace {

using access::Ability;
using access::Resource;
using nlohmann::json;

template <class E>
constexpr int Id(E value) {
  return static_cast<int>(value);
}

constexpr Term kKinds[] = {{Id(ChangeKind::kHouseholdAdd), "household_add", "新增农户"},
                           {Id(ChangeKind::kHouseholdUpdate), "household_update", "更正农户信息"},
                           {Id(ChangeKind::kHouseholdStatus), "household_status", "变更农户状态"},
                           {Id(ChangeKind::kPersonAdd), "person_add", "新增成员"},
                           {Id(ChangeKind::kPersonUpdate), "person_update", "更正成员信息"},
                           {Id(ChangeKind::kPersonMove), "person_move", "成员迁移"}};
constexpr Term kStatuses[] = {{Id(ChangeStatus::kProposed), "proposed", "待乡镇审核"},
                              {Id(ChangeStatus::kReviewed), "reviewed", "待县级审批"},
                              {Id(ChangeStatus::kApproved), "approved", "已批准"},
                              {Id(ChangeStatus::kRejected), "rejected", "已驳回"},
                              {Id(ChangeStatus::kSentBack), "sent_back", "已退回"}};
constexpr Term kLevels[] = {{Id(ChangeLevel::kTownship), "township", "乡镇审核"},
                            {Id(ChangeLevel::kCounty), "county", "县级审批"}};
constexpr Term kSteps[] = {{Id(ChangeStepKind::kProposed), "proposed", "提出"},
                           {Id(ChangeStepKind::kReviewed), "reviewed", "乡镇审核通过"},
                           {Id(ChangeStepKind::kApproved), "approved", "批准"},
                           {Id(ChangeStepKind::kRejected), "rejected", "驳回"},
                           {Id(ChangeStepKind::kSentBack), "sent_back", "退回"},
                           {Id(ChangeStepKind::kResubmitted), "resubmitted", "重新提交"}};

const char* Wire(ChangeStatus status) { return WireOf(kStatuses, status); }

// A closed set's value as the database keeps it; a string outside the table is a broken store.
template <class E>
E Stored(std::span<const Term> terms, const std::string& text, const char* column) {
  const auto value = ParseWire<E>(terms, text);
  if (!value) throw Error::Internal(std::string(column) + " holds '" + text + "', not one of " + WireList(terms));
  return *value;
}

bool IsPending(ChangeStatus status) {
  return status == ChangeStatus::kProposed || status == ChangeStatus::kReviewed || status == ChangeStatus::kSentBack;
}


std::string Entity(int64_t id) { return "change_request/" + std::to_string(id); }

// The kinds with their level and deadline (change_request_levels).
struct KindRule {
  ChangeLevel level = ChangeLevel::kTownship;
  int64_t deadline_days = 0;
  bool through_request = true;  // a village cadre's write of this kind becomes a request
};
using KindRuleMap = std::map<ChangeKind, KindRule>;
KindRuleMap KindRules(store::Connection& db) {
  KindRuleMap out;
  auto s = db.Prepare("SELECT kind, level, deadline_days, through_request FROM change_request_levels");
  while (s->Step()) {
    const auto kind = ParseWire<ChangeKind>(kKinds, s->Text(0));
    if (!kind) continue;  // a configured kind this build cannot carry out is not offered
    out[*kind] = {Stored<ChangeLevel>(kLevels, s->Text(1), "change_request_levels.level"), s->Int(2), s->Int(3) != 0};
  }
  return out;
}

// The record's version in a state of internal::StateOf ("v3e12", "v3"); 0 for a new record.
int64_t VersionOf(const std::string& state) {
  if (state.size() < 2 || state[0] != 'v') return 0;
  return std::stoll(state.substr(1));  // stops at the 'e'
}

void CheckText(Problems& problems, const std::string& text, const std::string& path, size_t max) {
  if (text.empty()) {
    problems.Add(path, "must not be empty");
  } else if (text.size() > max) {
    problems.Add(path, "is longer than " + std::to_string(max) + " bytes");
  }
}

// The proposal's kind, parsed once here; nullopt (and a problem naming "kind") when it is none of change_kind.
std::optional<ChangeKind> CheckProposal(const ChangeProposal& p, const KindRuleMap& rules, Problems& problems) {
  const auto kind = ParseWire<ChangeKind>(kKinds, p.kind);
  if (!kind || !rules.contains(*kind)) problems.Add("kind", "'" + p.kind + "' is not one of " + WireList(kKinds));
  CheckText(problems, p.reason, "reason", 2000);
  if (p.evidence.size() > 20) problems.Add("evidence", "more than 20 references");
  for (size_t i = 0; i < p.evidence.size(); ++i) {
    CheckText(problems, p.evidence[i], "evidence/" + std::to_string(i), 300);
  }
  return kind && rules.contains(*kind) ? kind : std::nullopt;
}

// The fields whose values differ, in the order of `after`.
std::vector<DiffLine> DiffOf(const internal::Applied& applied) {
  std::vector<DiffLine> out;
  for (const auto& [field, after] : applied.after.items()) {
    const json before = applied.before.contains(field) ? applied.before[field] : json(nullptr);
    if (before != after) out.push_back({field, before, after});
  }
  return out;
}

json DiffJson(const std::vector<DiffLine>& diff) {
  json out = json::array();
  for (const auto& d : diff) out.push_back({{"field", d.field}, {"before", d.before}, {"after", d.after}});
  return out;
}

std::vector<DiffLine> ParseDiff(const std::string& text) {
  std::vector<DiffLine> out;
  for (const auto& d : json::parse(text)) out.push_back({d["field"].get<std::string>(), d["before"], d["after"]});
  return out;
}

constexpr std::string_view kSelect =
    "SELECT r.id, r.kind, r.entity, r.household_id, r.person_id, r.area_code, COALESCE(a.name, r.area_code),"
    " r.diff, r.reason, r.evidence, r.level, r.status, r.proposed_by, r.proposer, r.proposed_on, r.decided_on,"
    " r.result_entity, r.version, l.deadline_days, r.base_state"
    " FROM change_requests r JOIN change_request_levels l ON l.kind = r.kind"
    " LEFT JOIN areas a ON a.code = r.area_code";

ChangeRequest ReadRow(const store::Statement& s, const Date& today) {
  ChangeRequest r;
  r.id = s.Int(0);
  r.kind = Stored<ChangeKind>(kKinds, s.Text(1), "change_requests.kind");
  r.entity = s.Text(2);
  r.household_id = s.OptionalInt(3);
  r.person_id = s.OptionalInt(4);
  r.area_code = s.Text(5);
  r.area_name = s.Text(6);
  r.diff = ParseDiff(s.Text(7));
  r.reason = s.Text(8);
  for (const auto& e : json::parse(s.Text(9))) r.evidence.push_back(e.get<std::string>());
  r.level = Stored<ChangeLevel>(kLevels, s.Text(10), "change_requests.level");
  r.status = Stored<ChangeStatus>(kStatuses, s.Text(11), "change_requests.status");
  r.proposed_by = s.Int(12);
  r.proposer = s.Text(13);
  r.proposed_on = s.Text(14);
  r.decided_on = s.OptionalText(15);
  r.result_entity = s.OptionalText(16);
  r.version = s.Int(17);
  r.deadline_days = s.Int(18);
  const auto from = Date::Parse(r.proposed_on);
  const auto to = r.decided_on ? Date::Parse(*r.decided_on) : std::optional<Date>(today);
  if (from && to) r.age_days = to->ToDays() - from->ToDays();
  r.overdue = IsPending(r.status) && r.age_days > r.deadline_days;
  return r;
}

// Marks the pending requests whose record changed since they were proposed:
// one read of the households' and one of the persons' states for the page.
void MarkStale(store::Connection& db, std::vector<ChangeRequest>& items, const std::vector<std::string>& bases) {
  std::map<std::string, std::string> state;  // entity -> state
  std::string households, persons;
  for (const auto& r : items) {
    if (!IsPending(r.status)) continue;
    if (r.person_id) persons += (persons.empty() ? "" : ",") + std::to_string(*r.person_id);
    else if (r.household_id && r.entity.starts_with("household/")) {
      households += (households.empty() ? "" : ",") + std::to_string(*r.household_id);
    }
  }
  if (!households.empty()) {
    auto s = db.Prepare(
        "SELECT h.id, h.version, (SELECT COALESCE(max(e.id), 0) FROM household_events e WHERE e.household_id = h.id)"
        " FROM households h WHERE h.id IN (" + households + ")");
    while (s->Step()) {
      state["household/" + std::to_string(s->Int(0))] = "v" + std::to_string(s->Int(1)) + "e" + std::to_string(s->Int(2));
    }
  }
  if (!persons.empty()) {
    auto s = db.Prepare("SELECT id, version FROM persons WHERE id IN (" + persons + ")");
    while (s->Step()) state["person/" + std::to_string(s->Int(0))] = "v" + std::to_string(s->Int(1));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    auto& r = items[i];
    if (!IsPending(r.status) || bases[i].empty()) continue;
    auto it = state.find(r.entity);
    r.stale = it == state.end() || it->second != bases[i];
  }
}

struct Head {
  ChangeRequest request;
  std::string base_state;
  int64_t created_at = 0;
};

Head LoadHead(store::Connection& db, int64_t id, const Date& today) {
  auto s = db.Prepare(std::string(kSelect) + " WHERE r.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no change request " + std::to_string(id));
  Head h{ReadRow(*s, today), s->Text(19), 0};
  auto c = db.Prepare("SELECT created_at FROM change_requests WHERE id = ?");
  c->BindInt(1, id);
  c->Step();
  h.created_at = c->Int(0);
  return h;
}

access::Target TargetOf(const ChangeRequest& r) { return {r.area_code, r.household_id, Entity(r.id)}; }

void AddStep(store::Connection& db, const Clock& clock, const Caller& caller, int64_t id, ChangeStepKind step,
             const std::string& note) {
  auto s = db.Prepare(
      "INSERT INTO change_request_steps (request_id, step, actor_id, actor, note, at) VALUES (?, ?, ?, ?, ?, ?)");
  s->BindInt(1, id);
  s->BindText(2, WireOf(kSteps, step));
  s->BindInt(3, caller.user_id);
  s->BindText(4, caller.user_name);
  s->BindText(5, note);
  s->BindInt(6, clock.NowSeconds());
  s->Run();
}

// Moves the request to `status` if it is still at `expected_version`.
void MoveTo(store::Connection& db, const Clock& clock, const Head& h, int64_t expected_version,
            ChangeStatus status, const std::optional<std::string>& result) {
  const bool decided = status == ChangeStatus::kApproved || status == ChangeStatus::kRejected;
  auto s = db.Prepare(
      "UPDATE change_requests SET status = ?, version = version + 1, updated_at = ?, decided_on = ?,"
      " result_entity = ? WHERE id = ? AND version = ?");
  s->BindText(1, Wire(status));
  s->BindInt(2, clock.NowSeconds());
  if (decided) s->BindText(3, clock.Today().ToString());
  else s->BindNull(3);
  if (result) s->BindText(4, *result);
  else s->BindNull(4);
  s->BindInt(5, h.request.id);
  s->BindInt(6, expected_version);
  if (s->Run() != 1) {
    throw Error::Conflict("change request " + std::to_string(h.request.id) + " was changed by someone else since version " +
                          std::to_string(expected_version) + "; reload it and try again");
  }
}

void RequireOther(access::Audit& audit, const Caller& caller, const ChangeRequest& r) {
  if (caller.user_id != 0 && caller.user_id == r.proposed_by) {
    access::Deny(audit, caller,
                 {access::Access::kWrite, Resource::kRegistry, TargetOf(r),
                  "change request " + std::to_string(r.id) + " was proposed by this user; another person must decide it",
                  std::nullopt});
  }
}

// Refuses, naming both, when the record changed since the request was proposed.
void RequireSameState(store::Connection& db, const Head& h) {
  if (h.base_state.empty()) return;
  internal::ChangeTarget t{h.request.entity, h.request.household_id, h.request.person_id, h.request.area_code};
  if (internal::StateOf(db, t) == h.base_state) return;
  auto s = db.Prepare(
      "SELECT id FROM change_requests WHERE entity = ? AND status = ? AND id <> ? AND updated_at >= ?"
      " ORDER BY updated_at DESC, id DESC LIMIT 1");
  s->BindText(1, h.request.entity);
  s->BindText(2, Wire(ChangeStatus::kApproved));
  s->BindInt(3, h.request.id);
  s->BindInt(4, h.created_at);
  const std::string mine = "change request " + std::to_string(h.request.id);
  if (s->Step()) {
    throw Error::Conflict(mine + " was proposed on " + h.request.entity + " as it was then; change request " +
                          std::to_string(s->Int(0)) + " has changed " + h.request.entity +
                          " since; send " + mine + " back or reject it");
  }
  throw Error::Conflict(mine + " was proposed on " + h.request.entity + " as it was then; " + h.request.entity +
                        " has been changed since; send " + mine + " back or reject it");
}

}  // namespace

std::string PendingStatusSql() {
  return std::string("r.status IN ('") + Wire(ChangeStatus::kProposed) + "', '" + Wire(ChangeStatus::kReviewed) +
         "', '" + Wire(ChangeStatus::kSentBack) + "')";
}

ChangeStatusFilter ParseChangeStatusFilter(const std::optional<std::string>& wire, const std::string& field) {
  if (!wire || *wire == "pending") return {};
  if (*wire == "all") return {ChangeStatusFilter::Group::kAll};
  if (const auto status = ParseWire<ChangeStatus>(kStatuses, *wire)) return {ChangeStatusFilter::Group::kOne, *status};
  throw Error::InvalidArgument("invalid filter",
                               {{field, "'" + *wire + "' is not pending, all or one of " + WireList(kStatuses)}});
}

std::span<const Term> ChangeKindTerms() { return kKinds; }
std::span<const Term> ChangeStatusTerms() { return kStatuses; }
std::span<const Term> ChangeLevelTerms() { return kLevels; }

std::vector<Vocabulary> Vocabularies() {
  return {{"change_kind", kKinds}, {"change_status", kStatuses}, {"change_level", kLevels}, {"change_step", kSteps}};
}

ChangeRequests::ChangeRequests(store::Connection& db, const Clock& clock, const access::PersonalDataProtector* protector)
    : db_(db), clock_(clock), protector_(protector ? *protector : access::CurrentProtector()) {}

ChangeRequest ChangeRequests::Propose(const Caller& caller, const ChangeProposal& proposal) {
  const auto rules = KindRules(db_);
  Problems problems;
  const std::optional<ChangeKind> kind = CheckProposal(proposal, rules, problems);
  Problems target_problems;
  const internal::ChangeTarget target =
      kind ? internal::ResolveTarget(db_, *kind, proposal.change, target_problems) : internal::ChangeTarget{};
  for (const auto& d : target_problems.items()) problems.Add(d.path, d.problem);
  access::Audit audit(db_, clock_);
  const access::Target where{target.area_code, target.household_id, target.entity};
  access::Require(audit, caller, Ability::kProposeChange, where);
  if (!target.area_code.empty()) access::Guard(audit).RequireRead(caller, Resource::kRegistry, where);
  const std::string base_state = internal::StateOf(db_, target);
  internal::Applied tried;
  if (kind && target_problems.empty()) {
    store::Transaction dry_run(db_);  // the registry's own checks, tried and rolled back
    try {
      tried = internal::ApplyChange(db_, clock_, protector_, caller, *kind, proposal.change, proposal.reason);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kInvalidArgument && e.code() != ErrorCode::kAlreadyExists) throw;
      for (const auto& d : e.details()) problems.Add(d.path, d.problem);
      if (e.details().empty()) problems.Add("/change", e.what());
    }
  }
  problems.ThrowIfAny("invalid change request");
  const std::vector<DiffLine> diff = DiffOf(tried);
  if (diff.empty()) throw Error::InvalidArgument("invalid change request", {{"/change", "changes nothing"}});
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO change_requests (kind, entity, household_id, person_id, area_code, base_state, diff, proposal_enc,"
      " reason, evidence, level, status, proposed_by, proposer, proposed_on, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, WireOf(kKinds, *kind));
  s->BindText(2, target.entity);
  if (target.household_id) s->BindInt(3, *target.household_id);
  else s->BindNull(3);
  if (target.person_id) s->BindInt(4, *target.person_id);
  else s->BindNull(4);
  s->BindText(5, target.area_code);
  s->BindText(6, base_state);
  s->BindText(7, DiffJson(diff).dump());
  s->BindBlob(8, protector_.Encrypt(proposal.change.dump()));
  s->BindText(9, proposal.reason);
  s->BindText(10, json(proposal.evidence).dump());
  s->BindText(11, WireOf(kLevels, rules.at(*kind).level));
  s->BindText(12, Wire(ChangeStatus::kProposed));
  s->BindInt(13, caller.user_id);
  s->BindText(14, caller.user_name);
  s->BindText(15, clock_.Today().ToString());
  s->BindInt(16, clock_.NowSeconds());
  s->BindInt(17, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  AddStep(db_, clock_, caller, id, ChangeStepKind::kProposed, proposal.reason);
  access::RecordChange(db_, clock_, caller, "change_request.propose", Entity(id), target.area_code, nullptr,
                       {{"kind", proposal.kind}, {"entity", target.entity}, {"diff", DiffJson(diff)},
                        {"reason", proposal.reason}, {"evidence", proposal.evidence}});
  tx.Commit();
  return Get(caller, id);
}

std::optional<ChangeRequest> ChangeRequests::ProposeInsteadOfWriting(const Caller& caller, ChangeProposal proposal,
                                                                     std::optional<int64_t> expected_version) {
  if (!access::Can(caller, Ability::kChangesThroughRequests)) return std::nullopt;
  const auto rules = KindRules(db_);
  const auto kind = ParseWire<ChangeKind>(kKinds, proposal.kind);
  const auto rule = kind ? rules.find(*kind) : rules.end();
  if (rule == rules.end() || !rule->second.through_request) return std::nullopt;
  if (expected_version) {
    Problems ignored;  // Propose names them
    const internal::ChangeTarget target = internal::ResolveTarget(db_, *kind, proposal.change, ignored);
    const int64_t now = VersionOf(internal::StateOf(db_, target));
    if (ignored.empty() && now != 0 && now != *expected_version) {
      throw Error::Conflict(target.entity + " is at version " + std::to_string(now) + ", not " +
                            std::to_string(*expected_version) + "; read it again");
    }
  }
  if (proposal.reason.empty()) proposal.reason = kDefaultReason;
  return Propose(caller, proposal);
}

ChangeRequest ChangeRequests::Get(const Caller& caller, int64_t id) {
  Head h = LoadHead(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kReadChanges, TargetOf(h.request));
  access::Guard(audit).RequireRead(caller, Resource::kRegistry, TargetOf(h.request));
  std::vector<ChangeRequest> one = {h.request};
  MarkStale(db_, one, {h.base_state});
  ChangeRequest r = one.front();
  auto s = db_.Prepare("SELECT step, actor, note, at FROM change_request_steps WHERE request_id = ? ORDER BY id");
  s->BindInt(1, id);
  while (s->Step()) r.steps.push_back({s->Text(0), s->Text(1), s->Text(2), s->Int(3)});
  return r;
}

namespace {

// "(r.kind = 'household_add' AND r.proposed_on < '2026-11-08') OR ...": pending
// requests older than their kind's deadline.
std::string OverdueSql(const KindRuleMap& rules, const Date& today) {
  std::string out;
  for (const auto& [kind, rule] : rules) {
    const std::string cutoff = Date::FromDays(today.ToDays() - rule.deadline_days).ToString();
    out += std::string(out.empty() ? "" : " OR ") + "(r.kind = '" + WireOf(kKinds, kind) + "' AND r.proposed_on < '" +
           cutoff + "')";
  }
  return "(" + PendingStatusSql() + " AND (" + (out.empty() ? "1 = 0" : out) + "))";
}

ChangePage ReadPage(store::Connection& db, const std::string& where, const std::vector<std::string>& texts,
                    const std::string& overdue_sql, int64_t limit, int64_t offset, const Date& today) {
  auto bind = [&](store::Statement& s) {
    for (size_t i = 0; i < texts.size(); ++i) s.BindText(static_cast<int>(i + 1), texts[i]);
  };
  ChangePage page;
  auto c = db.Prepare("SELECT count(*), COALESCE(sum(CASE WHEN " + overdue_sql +
                      " THEN 1 ELSE 0 END), 0) FROM change_requests r" + where);
  bind(*c);
  c->Step();
  page.total = c->Int(0);
  page.overdue = c->Int(1);
  auto s = db.Prepare(std::string(kSelect) + where + " ORDER BY r.proposed_on, r.id LIMIT " + std::to_string(limit) +
                      " OFFSET " + std::to_string(offset));
  bind(*s);
  std::vector<std::string> bases;
  while (s->Step()) {
    page.items.push_back(ReadRow(*s, today));
    bases.push_back(s->Text(19));
  }
  MarkStale(db, page.items, bases);
  return page;
}

}  // namespace

ChangePage ChangeRequests::List(const Caller& caller, const ChangeFilter& f) {
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kReadChanges, {caller.area_scope, std::nullopt, "change_requests"});
  std::string area = access::ReadScopeFor(caller, Resource::kRegistry).area_prefix;
  if (!f.area_code.empty()) {
    area = registry::RequireAreaCode(f.area_code, "area");
    access::Guard(audit).RequireRead(caller, Resource::kRegistry, {area, std::nullopt, "change_requests"});
  }
  Problems problems;
  if (!f.kind.empty() && !FindWire(kKinds, f.kind)) problems.Add("kind", "'" + f.kind + "' is not a kind of change");
  if (f.limit < 1 || f.limit > 500) problems.Add("limit", "must be between 1 and 500");
  if (f.offset < 0) problems.Add("offset", "must not be negative");
  problems.ThrowIfAny("invalid filter");
  const Date today = clock_.Today();
  const std::string overdue = OverdueSql(KindRules(db_), today);
  std::string where = " WHERE r.area_code >= ?1 AND r.area_code < ?2 AND (?3 = '' OR r.kind = ?3)";
  using Group = ChangeStatusFilter::Group;
  if (f.status.group == Group::kPending) where += " AND " + PendingStatusSql();
  if (f.status.group == Group::kOne) where += " AND r.status = ?4";
  if (f.overdue_only) where += " AND " + overdue;
  if (f.household_id) where += " AND r.household_id = " + std::to_string(*f.household_id);
  std::vector<std::string> texts = {area, SubtreeEnd(area), f.kind};
  if (f.status.group == Group::kOne) texts.emplace_back(Wire(f.status.status));
  return ReadPage(db_, where, texts, overdue, f.limit, f.offset, today);
}

ChangeRequest ChangeRequests::Approve(const Caller& caller, int64_t id, int64_t expected_version,
                                      const std::string& note) {
  const Head h = LoadHead(db_, id, clock_.Today());
  const ChangeRequest& r = h.request;
  access::Audit audit(db_, clock_);
  if (r.status != ChangeStatus::kProposed && r.status != ChangeStatus::kReviewed) {
    throw Error::FailedPrecondition("change request " + std::to_string(id) + " is " + Wire(r.status) +
                                    "; only a proposed or reviewed request can be approved");
  }
  access::Require(audit, caller, r.status == ChangeStatus::kProposed ? Ability::kReviewChange : Ability::kApproveChange,
                  TargetOf(r));
  access::Guard(audit).RequireWrite(caller, Resource::kRegistry, TargetOf(r));
  RequireOther(audit, caller, r);
  if (r.version != expected_version) {  // before the registry is touched (MoveTo checks it again)
    throw Error::Conflict("change request " + std::to_string(id) + " was changed by someone else since version " +
                          std::to_string(expected_version) + "; reload it and try again");
  }
  const bool lands = r.status == ChangeStatus::kReviewed || r.level == ChangeLevel::kTownship;
  store::Transaction tx(db_);
  std::optional<std::string> result;
  if (lands) {
    RequireSameState(db_, h);
    auto s = db_.Prepare("SELECT proposal_enc FROM change_requests WHERE id = ?");
    s->BindInt(1, id);
    s->Step();
    const json change = json::parse(protector_.Decrypt(s->Blob(0)));
    const access::AuthorisedBy authority(Entity(id));
    result = internal::ApplyChange(db_, clock_, protector_, caller, r.kind, change, r.reason).entity;
  }
  const ChangeStatus status = lands ? ChangeStatus::kApproved : ChangeStatus::kReviewed;
  MoveTo(db_, clock_, h, expected_version, status, result);
  AddStep(db_, clock_, caller, id, lands ? ChangeStepKind::kApproved : ChangeStepKind::kReviewed, note);
  access::RecordChange(db_, clock_, caller, lands ? "change_request.approve" : "change_request.review", Entity(id),
                       r.area_code, {{"status", Wire(r.status)}},
                       {{"status", Wire(status)}, {"note", note}, {"result", result ? json(*result) : json(nullptr)}});
  tx.Commit();
  return Get(caller, id);
}

namespace {

// Rejecting or sending back: by whoever may take the request's next step.
void RequireDecider(access::Audit& audit, const Caller& caller, const ChangeRequest& r, const std::string& what) {
  if (r.status != ChangeStatus::kProposed && r.status != ChangeStatus::kReviewed) {
    throw Error::FailedPrecondition("change request " + std::to_string(r.id) + " is " + Wire(r.status) +
                                    "; it cannot be " + what);
  }
  access::Require(audit, caller, r.status == ChangeStatus::kProposed ? Ability::kReviewChange : Ability::kApproveChange,
                  TargetOf(r));
  access::Guard(audit).RequireWrite(caller, Resource::kRegistry, TargetOf(r));
  RequireOther(audit, caller, r);
}

}  // namespace

ChangeRequest ChangeRequests::Reject(const Caller& caller, int64_t id, int64_t expected_version,
                                     const std::string& reason) {
  const Head h = LoadHead(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  RequireDecider(audit, caller, h.request, "rejected");
  Problems problems;
  CheckText(problems, reason, "reason", 2000);
  problems.ThrowIfAny("invalid rejection");
  store::Transaction tx(db_);
  MoveTo(db_, clock_, h, expected_version, ChangeStatus::kRejected, std::nullopt);
  AddStep(db_, clock_, caller, id, ChangeStepKind::kRejected, reason);
  access::RecordChange(db_, clock_, caller, "change_request.reject", Entity(id), h.request.area_code,
                       {{"status", Wire(h.request.status)}},
                       {{"status", Wire(ChangeStatus::kRejected)}, {"reason", reason}});
  tx.Commit();
  return Get(caller, id);
}

ChangeRequest ChangeRequests::SendBack(const Caller& caller, int64_t id, int64_t expected_version,
                                       const std::string& reason) {
  const Head h = LoadHead(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  RequireDecider(audit, caller, h.request, "sent back");
  Problems problems;
  CheckText(problems, reason, "reason", 2000);
  problems.ThrowIfAny("invalid sending back");
  store::Transaction tx(db_);
  MoveTo(db_, clock_, h, expected_version, ChangeStatus::kSentBack, std::nullopt);
  AddStep(db_, clock_, caller, id, ChangeStepKind::kSentBack, reason);
  access::RecordChange(db_, clock_, caller, "change_request.send_back", Entity(id), h.request.area_code,
                       {{"status", Wire(h.request.status)}},
                       {{"status", Wire(ChangeStatus::kSentBack)}, {"reason", reason}});
  tx.Commit();
  return Get(caller, id);
}

ChangeRequest ChangeRequests::Resubmit(const Caller& caller, int64_t id, int64_t expected_version,
                                       const std::string& note) {
  const Head h = LoadHead(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kProposeChange, TargetOf(h.request));
  if (h.request.status != ChangeStatus::kSentBack) {
    throw Error::FailedPrecondition("change request " + std::to_string(id) + " is " + Wire(h.request.status) +
                                    "; only a request sent back can be resubmitted");
  }
  if (caller.user_id != h.request.proposed_by) {
    access::Deny(audit, caller, {access::Access::kWrite, Resource::kRegistry, TargetOf(h.request),
                                 "only the proposer resubmits change request " + std::to_string(id), std::nullopt});
  }
  store::Transaction tx(db_);
  MoveTo(db_, clock_, h, expected_version, ChangeStatus::kProposed, std::nullopt);
  AddStep(db_, clock_, caller, id, ChangeStepKind::kResubmitted, note);
  access::RecordChange(db_, clock_, caller, "change_request.resubmit", Entity(id), h.request.area_code,
                       {{"status", Wire(ChangeStatus::kSentBack)}},
                       {{"status", Wire(ChangeStatus::kProposed)}, {"note", note}});
  tx.Commit();
  return Get(caller, id);
}

ChangePage ChangeRequests::Waiting(const Caller& caller, int64_t limit) {
  const auto scope = access::ReadScopeFor(caller, Resource::kRegistry);
  ChangePage none;
  if (!scope.allowed || scope.paired_households_only) return none;
  std::vector<std::string> statuses;
  auto status_is = [](ChangeStatus s) { return std::string("r.status = '") + Wire(s) + "'"; };
  if (access::Can(caller, Ability::kReviewChange)) statuses.push_back(status_is(ChangeStatus::kProposed));
  if (access::Can(caller, Ability::kApproveChange)) statuses.push_back(status_is(ChangeStatus::kReviewed));
  std::string mine = "(" + status_is(ChangeStatus::kSentBack) + " AND r.proposed_by = " + std::to_string(caller.user_id) + ")";
  std::string others;
  for (const auto& s : statuses) others += (others.empty() ? "" : " OR ") + s;
  std::string where = " WHERE r.area_code >= ?1 AND r.area_code < ?2 AND (" + mine;
  if (!others.empty()) {
    where += " OR ((" + others + ")";
    if (caller.user_id != 0) where += " AND r.proposed_by <> " + std::to_string(caller.user_id);
    where += ")";
  }
  where += ")";
  const Date today = clock_.Today();
  return ReadPage(db_, where, {scope.area_prefix, SubtreeEnd(scope.area_prefix)}, OverdueSql(KindRules(db_), today),
                  std::clamp<int64_t>(limit, 1, 500), 0, today);
}

json ChangeRequestJson(const ChangeRequest& r) {
  json steps = json::array();
  for (const auto& s : r.steps) {
    steps.push_back({{"step", s.step}, {"step_label", LabelOfWire(kSteps, s.step)}, {"actor", s.actor},
                     {"note", s.note}, {"at", s.at}});
  }
  auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  return {{"id", r.id},
          {"kind", WireOf(kKinds, r.kind)},
          {"kind_label", LabelOf(kKinds, r.kind)},
          {"entity", r.entity},
          {"household_id", opt(r.household_id)},
          {"person_id", opt(r.person_id)},
          {"area_code", r.area_code},
          {"area_name", r.area_name},
          {"diff", DiffJson(r.diff)},
          {"reason", r.reason},
          {"evidence", r.evidence},
          {"level", WireOf(kLevels, r.level)},
          {"level_label", LabelOf(kLevels, r.level)},
          {"status", Wire(r.status)},
          {"status_label", LabelOf(kStatuses, r.status)},
          {"proposed_by", r.proposed_by},
          {"proposer", r.proposer},
          {"proposed_on", r.proposed_on},
          {"decided_on", opt(r.decided_on)},
          {"age_days", r.age_days},
          {"deadline_days", r.deadline_days},
          {"overdue", r.overdue},
          {"stale", r.stale},
          {"result_entity", opt(r.result_entity)},
          {"version", r.version},
          {"steps", steps}};
}

json ChangePageJson(const ChangePage& page) {
  json items = json::array();
  for (const auto& r : page.items) items.push_back(ChangeRequestJson(r));
  return {{"items", items}, {"total", page.total}, {"overdue", page.overdue}};
}

}  // namespace fupin::grievance
