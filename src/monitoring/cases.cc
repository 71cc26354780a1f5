// Cases: opening, the identification steps, measures, the risk-eliminated
// decision, overdue lists, figures and the batch write of case histories.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "access/pairing.h"
#include "core/area_code.h"
#include "core/money.h"
#include "monitoring/internal.h"
#include "monitoring/monitoring.h"
#include "monitoring/terms.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::monitoring {
namespace {

using internal::ParseField;
using internal::Stored;
using internal::Wire;

// The steps in order, from the one table (monitoring/terms.cc).
const std::vector<std::string> kSteps = [] {
  std::vector<std::string> out;
  for (const Term& t : CaseStepTerms()) out.emplace_back(t.wire);
  return out;
}();

// The household's registry status today (nullopt: unregistered).
std::optional<registry::HouseholdState> RegistryStatus(store::Connection& db, int64_t household_id) {
  auto s = db.Prepare("SELECT " + registry::StatusOnSql("?"));
  s->BindInt(1, household_id);
  if (!s->Step() || s->IsNull(0)) return std::nullopt;
  return registry::ParseStatus(s->Text(0));
}

bool Registered(std::optional<registry::HouseholdState> status) {
  return status == registry::HouseholdState::kPoor || status == registry::HouseholdState::kExited;
}

// "('identifying', 'monitored')": the open statuses in SQL, from the table.
std::string OpenStatusesSql() {
  return "('" + Wire(CaseStatus::kIdentifying) + "', '" + Wire(CaseStatus::kMonitored) + "')";
}

std::string Timestamp(int64_t seconds) { return FormatTimestamp(seconds); }

int64_t Days(const std::string& from, const std::string& to) {
  return Date::Parse(to)->ToDays() - Date::Parse(from)->ToDays();
}

Date AddMonths(const Date& d, int months) {
  int y = d.year, m = d.month + months;
  while (m > 12) {
    m -= 12;
    ++y;
  }
  int day = d.day;
  while (!Date::IsValid(y, m, day)) --day;
  return Date{y, m, day};
}

const char* kCaseColumns =
    "c.id, c.household_id, h.number, c.village_code, a.name, c.year, c.category, c.source, c.risks, c.note,"
    " c.status, c.stage, c.alert_date, c.stage_since, c.entered_on, c.closed_on, c.opened_by, c.version";

Case ReadCase(store::Statement& s) {
  Case c;
  c.id = s.Int(0);
  c.household_id = s.Int(1);
  c.household_number = s.Text(2);
  c.village_code = s.Text(3);
  c.village_name = s.IsNull(4) ? "" : s.Text(4);
  c.year = static_cast<int>(s.Int(5));
  c.category = Stored<Category>(CategoryTerms(), s.Text(6), "monitoring_cases.category");
  c.source = s.Text(7);
  c.risks = s.Text(8);
  c.note = s.Text(9);
  c.status = Stored<CaseStatus>(CaseStatusTerms(), s.Text(10), "monitoring_cases.status");
  c.stage = s.OptionalText(11);
  c.alert_date = s.Text(12);
  c.stage_since = s.Text(13);
  c.entered_on = s.OptionalText(14);
  c.closed_on = s.OptionalText(15);
  c.opened_by = s.Text(16);
  c.version = s.Int(17);
  return c;
}

std::optional<Case> LoadCase(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string("SELECT ") + kCaseColumns +
                      " FROM monitoring_cases c JOIN households h ON h.id = c.household_id"
                      " LEFT JOIN areas a ON a.code = c.village_code WHERE c.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) return std::nullopt;
  return ReadCase(*s);
}

Case RequireCase(store::Connection& db, int64_t id) {
  auto c = LoadCase(db, id);
  if (!c) throw Error::NotFound("no monitoring case " + std::to_string(id));
  return *c;
}

std::vector<Measure> LoadMeasures(store::Connection& db, int64_t case_id) {
  auto s = db.Prepare(
      "SELECT id, case_id, kind, description, policy_id, responsible, start_date, status, result, recorded_by"
      " FROM monitoring_measures WHERE case_id = ? ORDER BY id");
  s->BindInt(1, case_id);
  std::vector<Measure> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->Int(1), Stored<MeasureKind>(MeasureKindTerms(), s->Text(2), "monitoring_measures.kind"),
                   s->Text(3), s->OptionalInt(4), s->Text(5), s->Text(6),
                   Stored<MeasureStatus>(MeasureStatusTerms(), s->Text(7), "monitoring_measures.status"), s->Text(8),
                   s->Text(9)});
  }
  return out;
}

nlohmann::json CaseSummary(const Case& c) {
  return {{"id", c.id},          {"household_id", c.household_id}, {"category", Wire(c.category)},
          {"status", Wire(c.status)},
          {"stage", c.stage ? nlohmann::json(*c.stage) : nlohmann::json(nullptr)}, {"version", c.version},
          {"entered_on", c.entered_on ? nlohmann::json(*c.entered_on) : nlohmann::json(nullptr)},
          {"closed_on", c.closed_on ? nlohmann::json(*c.closed_on) : nlohmann::json(nullptr)}};
}

std::string RolesText(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : " or ") + std::string(RoleName(r));
  return out;
}

void RequireStepRole(store::Connection& db, const Clock& clock, const Caller& caller, const Case& c,
                     const std::string& step) {
  if (MayDoStep(caller, step)) return;
  internal::Refuse(db, clock, caller, c.village_code, "monitoring_case/" + std::to_string(c.id),
                   std::string("the step ") + step + " (" + StepLabelZh(step) + ") is done by " +
                       RolesText(StepRoles(step)) + ", not by " + RoleName(caller.role));
}

void InsertStep(store::Connection& db, int64_t case_id, const std::string& step, const std::string& action,
                const std::string& date, const std::optional<std::string>& end_date,
                const std::optional<std::string>& returned_to, const std::string& note, const std::string& actor,
                const std::string& role, int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO monitoring_case_steps (case_id, step, action, date, end_date, returned_to, note, actor, role,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s->BindInt(1, case_id);
  s->BindText(2, step);
  s->BindText(3, action);
  s->BindText(4, date);
  s->BindOptionalText(5, end_date);
  s->BindOptionalText(6, returned_to);
  s->BindText(7, note);
  s->BindText(8, actor);
  s->BindText(9, role);
  s->BindInt(10, now);
  s->Run();
}

Category SuggestCategory(store::Connection& db, int64_t household_id) {
  return Registered(RegistryStatus(db, household_id)) ? Category::kUnstable : Category::kMarginal;
}

}  // namespace

const std::vector<std::string>& StepNames() { return kSteps; }

const char* StepLabelZh(const std::string& step) { return LabelOfWire(CaseStepTerms(), step); }

const char* CategoryLabelZh(const std::string& category) { return LabelOfWire(CategoryTerms(), category); }

namespace {

// Which ability of src/access does a step.
std::optional<access::Ability> StepAbility(const std::string& step) {
  const auto parsed = ParseCaseStep(step);
  if (!parsed) return std::nullopt;
  switch (*parsed) {
    case ProcedureStep::kAlert: return access::Ability::kMonitoringAlert;
    case ProcedureStep::kHomeCheck:
    case ProcedureStep::kConsent:
    case ProcedureStep::kVillageAppraisal:
    case ProcedureStep::kPublicNotice: return access::Ability::kMonitoringVillageStep;
    case ProcedureStep::kDataComparison:
    case ProcedureStep::kTownshipReview: return access::Ability::kMonitoringTownshipStep;
    case ProcedureStep::kCountyApproval:
    case ProcedureStep::kEntry: return access::Ability::kMonitoringCountyStep;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Role> StepRoles(const std::string& step) {
  const auto ability = StepAbility(step);
  return ability ? access::RolesNamed(*ability) : std::vector<Role>{};
}

bool MayDoStep(const Caller& caller, const std::string& step) {
  const auto ability = StepAbility(step);
  return ability && access::Can(caller, *ability);
}

Case MonitoringService::OpenCase(const Caller& caller, const CaseInput& in) {
  Problems problems;
  if (in.year < 2020 || in.year > 2100) problems.Add("year", std::to_string(in.year) + " is not between 2020 and 2100");
  ParseField<int>(CaseSourceTerms(), in.source, "source", problems);
  const auto category = in.category ? ParseField<Category>(CategoryTerms(), *in.category, "category", problems)
                                    : std::nullopt;
  const auto date = internal::ReadDate(in.date, "date", clock_, problems);
  if (in.note.size() > 2000) problems.Add("note", "longer than 2000 bytes");
  problems.ThrowIfAny("invalid monitoring case");
  auto h = db_.Prepare("SELECT village_code FROM households WHERE id = ?");
  h->BindInt(1, in.household_id);
  if (!h->Step()) throw Error::NotFound("no household " + std::to_string(in.household_id));
  const std::string village = h->Text(0);
  h->Reset();
  const std::string entity = "household/" + std::to_string(in.household_id);
  internal::Require(db_, clock_, caller, access::Access::kWrite, village, in.household_id, entity);
  if (!MayDoStep(caller, "alert")) {
    internal::Refuse(db_, clock_, caller, village, entity, std::string(RoleName(caller.role)) + " may not open a monitoring case");
  }
  {
    auto s = db_.Prepare("SELECT id FROM monitoring_cases WHERE household_id = ? AND status IN " + OpenStatusesSql());
    s->BindInt(1, in.household_id);
    if (s->Step()) {
      throw Error::FailedPrecondition("the household already has an open monitoring case",
                                      {{"household_id", "case " + std::to_string(s->Int(0)) + " is open"}});
    }
    const auto registry_status = RegistryStatus(db_, in.household_id);
    if (registry_status == registry::HouseholdState::kRemoved || registry_status == registry::HouseholdState::kDeceased) {
      throw Error::FailedPrecondition("the household is " + std::string(registry::StatusName(*registry_status)) +
                                      " in the registry");
    }
  }
  const Category chosen = category.value_or(SuggestCategory(db_, in.household_id));
  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO monitoring_cases (household_id, village_code, year, category, source, risks, note, status, stage,"
      " alert_date, stage_since, opened_by, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, in.household_id);
  s->BindText(2, village);
  s->BindInt(3, in.year);
  s->BindText(4, Wire(chosen));
  s->BindText(5, in.source);
  s->BindText(6, in.note);
  s->BindText(7, Wire(CaseStatus::kIdentifying));
  s->BindText(8, Wire(ProcedureStep::kHomeCheck));
  s->BindText(9, date->ToString());
  s->BindText(10, date->ToString());
  s->BindText(11, caller.user_name);
  s->BindInt(12, now);
  s->BindInt(13, now);
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  InsertStep(db_, id, Wire(ProcedureStep::kAlert), WireOf(StepOutcomeTerms(), StepOutcome::kDone), date->ToString(), std::nullopt, std::nullopt, in.note, caller.user_name,
             RoleName(caller.role), now);
  Case c = RequireCase(db_, id);
  access::RecordChange(db_, clock_, caller, "monitoring.case_open", "monitoring_case/" + std::to_string(id), village,
                        nullptr, CaseSummary(c));
  tx.Commit();
  return GetCase(caller, id);
}

Case MonitoringService::GetCase(const Caller& caller, int64_t id) {
  Case c = RequireCase(db_, id);
  internal::Require(db_, clock_, caller, access::Access::kRead, c.village_code, c.household_id,
                    "monitoring_case/" + std::to_string(id));
  auto s = db_.Prepare(
      "SELECT id, step, action, date, end_date, returned_to, note, actor, role, recorded_at"
      " FROM monitoring_case_steps WHERE case_id = ? ORDER BY id");
  s->BindInt(1, id);
  while (s->Step()) {
    c.steps.push_back({s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->OptionalText(4), s->OptionalText(5),
                       s->Text(6), s->Text(7), s->Text(8), Timestamp(s->Int(9))});
  }
  c.measures = LoadMeasures(db_, id);
  auto e = db_.Prepare("SELECT date, reason, evidence, checks, decided_by, role FROM monitoring_eliminations WHERE case_id = ?");
  e->BindInt(1, id);
  if (e->Step()) {
    c.elimination = Elimination{e->Text(0),
                                Stored<EliminationReason>(EliminationReasonTerms(), e->Text(1), "monitoring_eliminations.reason"),
                                e->Text(2), e->Text(3), e->Text(4), e->Text(5)};
  }
  return c;
}

CasePage MonitoringService::ListCases(const Caller& caller, const CaseFilter& f) {
  const std::string area = internal::ResolveArea(db_, caller, f.area_code);
  const auto scope = access::ReadScopeFor(caller, access::Resource::kMonitoring);
  if (!scope.allowed || !caller.CoversArea(area)) {
    internal::Require(db_, clock_, caller, access::Access::kRead, area, std::nullopt, "monitoring_cases");
  }
  Problems problems;
  if (f.status) ParseField<CaseStatus>(CaseStatusTerms(), *f.status, "status", problems);
  if (f.category) ParseField<Category>(CategoryTerms(), *f.category, "category", problems);
  if (f.limit < 1 || f.limit > 1000) problems.Add("limit", "must be between 1 and 1000");
  if (f.offset < 0) problems.Add("offset", "may not be negative");
  problems.ThrowIfAny("invalid filter");
  std::string where = " WHERE c.village_code >= ?1 AND c.village_code < ?2";
  if (f.status) where += " AND c.status = ?3";
  if (f.category) where += " AND c.category = ?4";
  if (f.year) where += " AND c.year = ?5";
  if (f.household_id) where += " AND c.household_id = ?10";
  if (scope.paired_households_only) where += " AND c.household_id IN (" + access::PairedHouseholdIdsSql(6, 7) + ")";
  auto bind = [&](store::Statement& s) {
    s.BindText(1, area);
    s.BindText(2, internal::SubtreeEnd(area));
    if (f.status) s.BindText(3, *f.status);
    if (f.category) s.BindText(4, *f.category);
    if (f.year) s.BindInt(5, *f.year);
    if (f.household_id) s.BindInt(10, *f.household_id);
    if (scope.paired_households_only) {
      s.BindInt(6, caller.user_id);
      s.BindText(7, clock_.Today().ToString());
    }
  };
  CasePage page;
  {
    auto s = db_.Prepare("SELECT COUNT(*) FROM monitoring_cases c" + where);
    bind(*s);
    s->Step();
    page.total = s->Int(0);
  }
  auto s = db_.Prepare(std::string("SELECT ") + kCaseColumns +
                       " FROM monitoring_cases c JOIN households h ON h.id = c.household_id"
                       " LEFT JOIN areas a ON a.code = c.village_code" +
                       where + " ORDER BY c.id LIMIT ?8 OFFSET ?9");
  bind(*s);
  s->BindInt(8, f.limit);
  s->BindInt(9, f.offset);
  while (s->Step()) page.items.push_back(ReadCase(*s));
  return page;
}

namespace {

// A step input parsed once: which step, what is asked of it, and when.
struct ParsedStep {
  ProcedureStep step = ProcedureStep::kHomeCheck;
  StepAction action = StepAction::kDone;
  Date date;
};

ParsedStep ParseStepInput(const StepInput& in, const Clock& clock) {
  Problems problems;
  const auto step = ParseCaseStep(in.step);
  if (!step || *step == ProcedureStep::kAlert) problems.Add("step", "'" + in.step + "' is not a step after the alert");
  const auto action = ParseWire<StepAction>(StepActionTerms(), in.action);
  if (!action || *action == StepAction::kOpen) {
    problems.Add("action", "'" + in.action + "' is not done, return or reject");
  }
  const auto date = internal::ReadDate(in.date, "date", clock, problems);
  if ((action == StepAction::kReturn || action == StepAction::kReject) && in.note.empty()) {
    problems.Add("note", "give the reason for sending the case back or rejecting it");
  }
  problems.ThrowIfAny("invalid step");
  return {*step, *action, *date};
}

// The case waits for this step, from this caller, on or after the day it became due.
void RequireStepDue(store::Connection& db, const Clock& clock, const Caller& caller, const Case& c,
                    const ParsedStep& p) {
  const std::string id = std::to_string(c.id);
  const std::string step = Wire(p.step);
  if (c.status != CaseStatus::kIdentifying) {
    throw Error::FailedPrecondition("case " + id + " is " + Wire(c.status) + ", not in identification");
  }
  if (step != *c.stage) {
    throw Error::FailedPrecondition("case " + id + " waits for " + *c.stage + " (" + StepLabelZh(*c.stage) +
                                        "), not " + step,
                                    {{"step", "the current step is " + *c.stage}});
  }
  RequireStepRole(db, clock, caller, c, step);
  if (p.date.ToString() < c.stage_since) {
    throw Error::InvalidArgument("invalid step", {{"date", p.date.ToString() + " is before " + c.stage_since +
                                                               ", when the step became due"}});
  }
}

// Where a step leaves the case.
struct Transition {
  CaseStatus status = CaseStatus::kIdentifying;
  std::optional<ProcedureStep> next_stage;
  std::string stage_since;
  std::optional<std::string> end_date, returned_to, entered_on, closed_on;
};

// The public notice's last day: given, long enough and over (problems at end_date).
std::string NoticeEnd(const StepInput& in, const Date& first, int min_days, const Date& today) {
  Problems problems;
  const auto end = in.end_date ? Date::Parse(*in.end_date) : std::nullopt;
  if (!end) {
    problems.Add("end_date", "the last day of the notice is required (YYYY-MM-DD)");
  } else if (*end < first) {
    problems.Add("end_date", *in.end_date + " is before the first day " + first.ToString());
  } else if (end->ToDays() - first.ToDays() + 1 < min_days) {
    problems.Add("end_date", "the notice lasts " + std::to_string(end->ToDays() - first.ToDays() + 1) +
                                 " days; at least " + std::to_string(min_days) + " are required");
  } else if (*end > today) {
    problems.Add("end_date", *in.end_date + ": record the notice once it is over");
  }
  problems.ThrowIfAny("invalid public notice");
  return end->ToString();
}

// A step done: on to the next step, or into monitoring after the entry.
Transition StepDone(const StepInput& in, const ParsedStep& p, const internal::ParameterValues& params,
                    const Date& today) {
  Transition t;
  t.stage_since = p.date.ToString();
  if (p.step == ProcedureStep::kPublicNotice) {
    t.end_date = NoticeEnd(in, p.date, static_cast<int>(params.Number("notice_min_days")), today);
    t.stage_since = *t.end_date;
  } else if (in.end_date) {
    throw Error::InvalidArgument("invalid step", {{"end_date", "only a public notice has an end date"}});
  }
  if (p.step == ProcedureStep::kEntry) {
    t.status = CaseStatus::kMonitored;
    t.entered_on = p.date.ToString();
  } else {
    t.next_stage = static_cast<ProcedureStep>(static_cast<int>(p.step) + 1);
  }
  return t;
}

// A step sent back to an earlier one (after the alert; the previous one by default).
Transition StepReturned(const StepInput& in, const ParsedStep& p) {
  const std::string target =
      in.return_to.value_or(Wire(static_cast<ProcedureStep>(static_cast<int>(p.step) - 1)));
  const auto back = ParseCaseStep(target);
  if (!back || *back == ProcedureStep::kAlert || *back >= p.step) {
    throw Error::InvalidArgument("invalid step", {{"return_to", "'" + target + "' is not a step before " + in.step +
                                                                    " (and after the alert)"}});
  }
  Transition t;
  t.stage_since = p.date.ToString();
  t.returned_to = target;
  t.next_stage = *back;
  return t;
}

Transition StepRejected(const ParsedStep& p) {
  Transition t;
  t.status = CaseStatus::kRejected;
  t.stage_since = p.date.ToString();
  t.closed_on = p.date.ToString();
  return t;
}

StepOutcome OutcomeOf(StepAction action) {
  return action == StepAction::kDone     ? StepOutcome::kDone
         : action == StepAction::kReturn ? StepOutcome::kReturned
                                         : StepOutcome::kRejected;
}

// The case moved as the step says, if nobody moved it meanwhile.
void MoveCase(store::Connection& db, const Case& c, const Transition& t, int64_t now) {
  auto u = db.Prepare(
      "UPDATE monitoring_cases SET status = ?, stage = ?, stage_since = ?, entered_on = COALESCE(?, entered_on),"
      " closed_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
  u->BindText(1, Wire(t.status));
  t.next_stage ? u->BindText(2, Wire(*t.next_stage)) : u->BindNull(2);
  u->BindText(3, t.stage_since);
  u->BindOptionalText(4, t.entered_on);
  u->BindOptionalText(5, t.closed_on);
  u->BindInt(6, now);
  u->BindInt(7, c.id);
  u->BindInt(8, c.version);
  if (u->Run() != 1) throw Error::Conflict("case " + std::to_string(c.id) + " was changed meanwhile; read it again");
}

}  // namespace

Case MonitoringService::RecordStep(const Caller& caller, int64_t case_id, const StepInput& in) {
  const Case c = RequireCase(db_, case_id);
  const std::string entity = "monitoring_case/" + std::to_string(case_id);
  internal::Require(db_, clock_, caller, access::Access::kWrite, c.village_code, c.household_id, entity);
  const ParsedStep p = ParseStepInput(in, clock_);
  RequireStepDue(db_, clock_, caller, c, p);
  const auto params = internal::LoadParameters(db_);
  const Transition t = p.action == StepAction::kDone     ? StepDone(in, p, params, clock_.Today())
                       : p.action == StepAction::kReturn ? StepReturned(in, p)
                                                         : StepRejected(p);
  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(db_);
  InsertStep(db_, case_id, Wire(p.step), WireOf(StepOutcomeTerms(), OutcomeOf(p.action)), p.date.ToString(),
             t.end_date, t.returned_to, in.note, caller.user_name, RoleName(caller.role), now);
  MoveCase(db_, c, t, now);
  const Case after = RequireCase(db_, case_id);
  nlohmann::json detail = CaseSummary(after);
  detail["step"] = in.step;
  detail["action"] = in.action;
  detail["date"] = p.date.ToString();
  if (!in.note.empty()) detail["note"] = in.note;
  access::RecordChange(db_, clock_, caller, "monitoring.case_step", entity, c.village_code, CaseSummary(c), detail);
  tx.Commit();
  return GetCase(caller, case_id);
}

Measure MonitoringService::AddMeasure(const Caller& caller, int64_t case_id, const MeasureInput& in) {
  const Case c = RequireCase(db_, case_id);
  const std::string entity = "monitoring_case/" + std::to_string(case_id);
  internal::Require(db_, clock_, caller, access::Access::kWrite, c.village_code, c.household_id, entity);
  Problems problems;
  const auto kind = ParseField<MeasureKind>(MeasureKindTerms(), in.kind, "kind", problems);
  if (in.description.empty()) problems.Add("description", "required");
  if (kind == MeasureKind::kPolicy && !in.policy_id) problems.Add("policy_id", "a policy measure names its policy by id");
  if (in.policy_id && *in.policy_id <= 0) problems.Add("policy_id", "must be a positive id");
  const auto status = ParseField<MeasureStatus>(MeasureStatusTerms(), in.status, "status", problems);
  const auto start = internal::ReadDate(in.start_date, "start_date", clock_, problems);
  problems.ThrowIfAny("invalid measure");
  if (c.status != CaseStatus::kMonitored) {
    throw Error::FailedPrecondition("measures are assigned to a household in monitoring; case " +
                                    std::to_string(case_id) + " is " + Wire(c.status));
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO monitoring_measures (case_id, kind, description, policy_id, responsible, start_date, status, result,"
      " recorded_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?) RETURNING id");
  s->BindInt(1, case_id);
  s->BindText(2, in.kind);
  s->BindText(3, in.description);
  s->BindOptionalInt(4, in.policy_id);
  s->BindText(5, in.responsible);
  s->BindText(6, start->ToString());
  s->BindText(7, in.status);
  s->BindText(8, caller.user_name);
  s->BindInt(9, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  Measure m{id, case_id, *kind, in.description, in.policy_id, in.responsible, start->ToString(), *status, "",
            caller.user_name};
  access::RecordChange(db_, clock_, caller, "monitoring.measure_add", entity, c.village_code, nullptr,
                        {{"measure_id", id}, {"kind", in.kind}, {"description", in.description},
                         {"policy_id", in.policy_id ? nlohmann::json(*in.policy_id) : nlohmann::json(nullptr)},
                         {"status", in.status}});
  tx.Commit();
  return m;
}

Measure MonitoringService::UpdateMeasure(const Caller& caller, int64_t case_id, int64_t measure_id,
                                         const MeasureUpdate& up) {
  const Case c = RequireCase(db_, case_id);
  const std::string entity = "monitoring_case/" + std::to_string(case_id);
  internal::Require(db_, clock_, caller, access::Access::kWrite, c.village_code, c.household_id, entity);
  auto measures = LoadMeasures(db_, case_id);
  auto it = std::find_if(measures.begin(), measures.end(), [&](const Measure& m) { return m.id == measure_id; });
  if (it == measures.end()) throw Error::NotFound("no measure " + std::to_string(measure_id) + " in case " + std::to_string(case_id));
  Problems problems;
  // The new status, if one is given and valid (a plain value: GCC 12 misreads an optional enum here).
  MeasureStatus status = MeasureStatus::kPlanned;
  bool new_status = false;
  if (up.status) {
    if (const auto parsed = ParseField<MeasureStatus>(MeasureStatusTerms(), *up.status, "status", problems)) {
      status = *parsed;
      new_status = true;
    }
  }
  if (!up.status && !up.result) problems.Add("status", "give a status or a result");
  if (new_status && status == MeasureStatus::kStopped && up.result.value_or("").empty()) {
    problems.Add("result", "say why the measure stopped");
  }
  problems.ThrowIfAny("invalid measure update");
  if (c.status != CaseStatus::kMonitored) {
    throw Error::FailedPrecondition("case " + std::to_string(case_id) + " is " + Wire(c.status));
  }
  if (it->status == MeasureStatus::kDone || it->status == MeasureStatus::kStopped) {
    throw Error::FailedPrecondition("measure " + std::to_string(measure_id) + " is already " + Wire(it->status));
  }
  Measure before = *it;
  Measure after = *it;
  if (new_status) after.status = status;
  if (up.result) after.result = *up.result;
  store::Transaction tx(db_);
  auto s = db_.Prepare("UPDATE monitoring_measures SET status = ?, result = ?, updated_at = ? WHERE id = ?");
  s->BindText(1, Wire(after.status));
  s->BindText(2, after.result);
  s->BindInt(3, clock_.NowSeconds());
  s->BindInt(4, measure_id);
  s->Run();
  access::RecordChange(db_, clock_, caller, "monitoring.measure_update", entity, c.village_code,
                        {{"measure_id", measure_id}, {"status", Wire(before.status)}, {"result", before.result}},
                        {{"measure_id", measure_id}, {"status", Wire(after.status)}, {"result", after.result}});
  tx.Commit();
  return after;
}

std::vector<Measure> MonitoringService::ListMeasures(const Caller& caller, int64_t case_id) {
  const Case c = RequireCase(db_, case_id);
  internal::Require(db_, clock_, caller, access::Access::kRead, c.village_code, c.household_id,
                    "monitoring_case/" + std::to_string(case_id));
  return LoadMeasures(db_, case_id);
}

namespace {

// What a risk-eliminated decision rests on: the checks recorded with it, and what is not met.
struct EliminationReview {
  nlohmann::json checks = nlohmann::json::object();
  std::vector<ErrorDetail> unmet;
};

// Income stable: the per-capita net income above the monitoring line in each of the years needed since the entry.
void ReviewIncome(store::Connection& db, const Case& c, const Date& entered, const Date& date,
                  const internal::ParameterValues& params, EliminationReview& r) {
  const int years = std::max(1, static_cast<int>(params.Number("elimination_stable_years")));
  const internal::Lines lines(db);
  auto s = db.Prepare(
      "SELECT year, members, wage_income + production_income + property_income + transfer_income - production_cost"
      " FROM household_years WHERE household_id = ? AND year <= ? AND year >= ? ORDER BY year DESC");
  s->BindInt(1, c.household_id);
  s->BindInt(2, date.year);
  s->BindInt(3, entered.year);
  nlohmann::json income = nlohmann::json::array();
  int counted = 0;
  while (s->Step() && counted < years) {
    const int y = static_cast<int>(s->Int(0));
    const Fen per = PerCapita(s->Int(2), s->Int(1));
    const auto line = lines.For(y, c.village_code);
    const Fen l = line ? line->line : 0;
    income.push_back({{"year", y}, {"per_capita_income", FormatYuan(per)}, {"line", FormatYuan(l)}, {"above", per > l}});
    if (per <= l) {
      r.unmet.push_back({"income/" + std::to_string(y), "per-capita net income " + FormatYuan(per) +
                                                            " yuan is not above the monitoring line " + FormatYuan(l)});
    }
    ++counted;
  }
  r.checks["income"] = income;
  if (counted < years) {
    r.unmet.push_back({"income", "per-capita net income is recorded for " + std::to_string(counted) + " of the " +
                                     std::to_string(years) + " year(s) needed since the entry (" +
                                     std::to_string(entered.year) + "-" + std::to_string(date.year) + ")"});
  }
}

// Hardship over: no measure still planned or under way, and at least one carried out.
void ReviewMeasures(const std::vector<Measure>& measures, EliminationReview& r) {
  int done = 0;
  for (const auto& m : measures) {
    if (m.status == MeasureStatus::kPlanned || m.status == MeasureStatus::kInProgress) {
      r.unmet.push_back({"measures/" + std::to_string(m.id), "measure '" + m.description + "' is still " + Wire(m.status)});
    }
    done += m.status == MeasureStatus::kDone ? 1 : 0;
  }
  if (done == 0) r.unmet.push_back({"measures", "no measure has been carried out (done)"});
}

EliminationReview ReviewElimination(store::Connection& db, const Case& c, const EliminationInput& in,
                                    EliminationReason reason, const Date& date) {
  const auto params = internal::LoadParameters(db);
  EliminationReview r;
  if (in.evidence.empty()) {
    r.unmet.push_back({"evidence", "required: what was checked (income verification, the hardship's end) and by whom"});
  }
  const int min_months = static_cast<int>(params.Number("elimination_min_months"));
  const Date entered = *Date::Parse(*c.entered_on);
  const Date earliest = AddMonths(entered, min_months);
  r.checks["entered_on"] = *c.entered_on;
  r.checks["earliest_decision"] = earliest.ToString();
  if (date < entered) {
    r.unmet.push_back({"date", date.ToString() + " is before the entry on " + *c.entered_on});
  } else if (date < earliest) {
    r.unmet.push_back({"date", "monitored since " + *c.entered_on + "; the risk can be marked eliminated from " +
                                   earliest.ToString() + " (" + std::to_string(min_months) + " months)"});
  }
  const auto measures = LoadMeasures(db, c.id);
  nlohmann::json measure_checks = nlohmann::json::array();
  for (const auto& m : measures) {
    measure_checks.push_back({{"id", m.id}, {"kind", Wire(m.kind)}, {"status", Wire(m.status)}});
  }
  r.checks["measures"] = measure_checks;
  if (reason == EliminationReason::kIncomeStable) ReviewIncome(db, c, entered, date, params, r);
  else ReviewMeasures(measures, r);
  return r;
}

// The decision and the case closed, if nobody moved the case meanwhile.
void WriteElimination(store::Connection& db, const Caller& caller, const Case& c, const EliminationInput& in,
                      const Date& date, const nlohmann::json& checks, int64_t now) {
  auto e = db.Prepare(
      "INSERT INTO monitoring_eliminations (case_id, date, reason, evidence, checks, decided_by, role, decided_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  e->BindInt(1, c.id);
  e->BindText(2, date.ToString());
  e->BindText(3, in.reason);
  e->BindText(4, in.evidence);
  e->BindText(5, checks.dump());
  e->BindText(6, caller.user_name);
  e->BindText(7, RoleName(caller.role));
  e->BindInt(8, now);
  e->Run();
  auto u = db.Prepare(
      "UPDATE monitoring_cases SET status = ?, closed_on = ?, version = version + 1, updated_at = ?"
      " WHERE id = ? AND version = ?");
  u->BindText(1, Wire(CaseStatus::kEliminated));
  u->BindText(2, date.ToString());
  u->BindInt(3, now);
  u->BindInt(4, c.id);
  u->BindInt(5, c.version);
  if (u->Run() != 1) throw Error::Conflict("case " + std::to_string(c.id) + " was changed meanwhile; read it again");
}

}  // namespace

Case MonitoringService::Eliminate(const Caller& caller, int64_t case_id, const EliminationInput& in) {
  const Case c = RequireCase(db_, case_id);
  const std::string entity = "monitoring_case/" + std::to_string(case_id);
  internal::Require(db_, clock_, caller, access::Access::kWrite, c.village_code, c.household_id, entity);
  internal::RequireAbility(db_, clock_, caller, access::Ability::kEliminateRisk, c.village_code, entity,
                           std::string("the risk-eliminated decision is made by county_office, not by ") +
                               RoleName(caller.role));
  Problems problems;
  const auto reason = ParseField<EliminationReason>(EliminationReasonTerms(), in.reason, "reason", problems);
  const auto date = internal::ReadDate(in.date, "date", clock_, problems);
  problems.ThrowIfAny("invalid decision");
  if (c.status != CaseStatus::kMonitored) {
    throw Error::FailedPrecondition("case " + std::to_string(case_id) + " is " + Wire(c.status) + ", not in monitoring");
  }
  const EliminationReview review = ReviewElimination(db_, c, in, *reason, *date);
  if (!review.unmet.empty()) {
    throw Error::FailedPrecondition("the risk of case " + std::to_string(case_id) + " cannot be marked eliminated",
                                    review.unmet);
  }
  store::Transaction tx(db_);
  WriteElimination(db_, caller, c, in, *date, review.checks, clock_.NowSeconds());
  access::RecordChange(db_, clock_, caller, "monitoring.case_eliminate", entity, c.village_code, CaseSummary(c),
                        {{"date", date->ToString()}, {"reason", in.reason}, {"evidence", in.evidence},
                         {"checks", review.checks}});
  tx.Commit();
  return GetCase(caller, case_id);
}

std::vector<std::pair<std::string, int64_t>> MonitoringService::WaitingStages(const Caller& caller,
                                                                            const std::string& area_code) {
  const std::string area = internal::ResolveArea(db_, caller, area_code);
  const auto scope = access::ReadScopeFor(caller, access::Resource::kMonitoring);
  if (!scope.allowed || !caller.CoversArea(area)) {
    internal::Require(db_, clock_, caller, access::Access::kRead, area, std::nullopt, "monitoring_cases");
  }
  std::string sql =
      "SELECT c.stage, COUNT(*) FROM monitoring_cases c WHERE c.village_code >= ?1 AND c.village_code < ?2"
      " AND c.status = '" + Wire(CaseStatus::kIdentifying) + "' AND c.stage IS NOT NULL";
  if (scope.paired_households_only) sql += " AND c.household_id IN (" + access::PairedHouseholdIdsSql(3, 4) + ")";
  auto s = db_.Prepare(sql + " GROUP BY c.stage ORDER BY c.stage");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  if (scope.paired_households_only) {
    s->BindInt(3, caller.user_id);
    s->BindText(4, clock_.Today().ToString());
  }
  std::vector<std::pair<std::string, int64_t>> out;
  while (s->Step()) out.emplace_back(s->Text(0), s->Int(1));
  return out;
}

std::vector<OverdueItem> MonitoringService::Overdue(const Caller& caller, const std::string& area_code,
                                                    const std::optional<std::string>& as_of_text) {
  const std::string area = internal::ResolveArea(db_, caller, area_code);
  internal::Require(db_, clock_, caller, access::Access::kRead, area, std::nullopt, "monitoring/overdue");
  Date as_of = clock_.Today();
  if (as_of_text) {
    auto d = Date::Parse(*as_of_text);
    if (!d) throw Error::InvalidArgument("invalid date", {{"as_of", "'" + *as_of_text + "' is not a date YYYY-MM-DD"}});
    as_of = *d;
  }
  const auto params = internal::LoadParameters(db_);
  const int64_t step_days = static_cast<int64_t>(params.Number("step_days"));
  const int max_months = static_cast<int>(params.Number("max_monitored_months"));
  const auto scope = access::ReadScopeFor(caller, access::Resource::kMonitoring);
  std::string sql =
      "SELECT c.id, h.number, c.village_code, c.category, c.status, c.stage, c.stage_since, c.entered_on"
      " FROM monitoring_cases c JOIN households h ON h.id = c.household_id"
      " WHERE c.village_code >= ?1 AND c.village_code < ?2 AND c.status IN " + OpenStatusesSql();
  if (scope.paired_households_only) sql += " AND c.household_id IN (" + access::PairedHouseholdIdsSql(3, 4) + ")";
  sql += " ORDER BY c.village_code, c.id";
  auto s = db_.Prepare(sql);
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  if (scope.paired_households_only) {
    s->BindInt(3, caller.user_id);
    s->BindText(4, as_of.ToString());
  }
  std::vector<OverdueItem> out;
  while (s->Step()) {
    OverdueItem item;
    item.case_id = s->Int(0);
    item.household_number = s->Text(1);
    item.village_code = s->Text(2);
    item.category = Stored<Category>(CategoryTerms(), s->Text(3), "monitoring_cases.category");
    if (Stored<CaseStatus>(CaseStatusTerms(), s->Text(4), "monitoring_cases.status") == CaseStatus::kIdentifying) {
      const auto since = *Date::Parse(s->Text(6));
      const int64_t days = as_of.ToDays() - since.ToDays();
      if (days <= step_days) continue;
      item.kind = OverdueKind::kStepOverdue;
      item.stage = s->Text(5);
      item.since = since.ToString();
      item.days = days;
      item.limit = step_days;
    } else {
      const auto entered = *Date::Parse(s->Text(7));
      const Date limit = AddMonths(entered, max_months);
      if (as_of <= limit) continue;
      item.kind = OverdueKind::kMonitoredTooLong;
      item.since = entered.ToString();
      item.days = as_of.ToDays() - entered.ToDays();
      item.limit = limit.ToDays() - entered.ToDays();
    }
    out.push_back(std::move(item));
  }
  return out;
}

double MonitoringFigures::share_percent() const {
  if (registered_persons <= 0) return 0.0;
  // Rounded to hundredths of a percent (both counts are positive).
  return static_cast<double>(std::llround(static_cast<double>(persons) * 10000.0 /
                                          static_cast<double>(registered_persons))) / 100.0;
}

int64_t MonitoringFigures::days_to_entry_average() const {
  return entries_timed > 0 ? (days_to_entry_total + entries_timed / 2) / entries_timed : 0;
}

int64_t MonitoringFigures::days_to_elimination_average() const {
  return eliminations_timed > 0 ? (days_to_elimination_total + eliminations_timed / 2) / eliminations_timed : 0;
}

namespace {

// The day the figures of `year` are taken: its last day, or `as_of_text` within it.
Date FiguresDay(int year, const std::optional<std::string>& as_of_text) {
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  if (!as_of_text) return Date{year, 12, 31};
  auto d = Date::Parse(*as_of_text);
  if (!d || d->year != year) {
    throw Error::InvalidArgument("invalid date", {{"as_of", "'" + *as_of_text + "' is not a date in " + std::to_string(year)}});
  }
  return *d;
}

// The children of the area (the breakdown's rows), by code, counts at zero.
std::map<std::string, AreaCount> ChildAreas(store::Connection& db, const std::string& area, size_t child_len) {
  std::map<std::string, AreaCount> by_area;
  auto s = db.Prepare("SELECT code, name FROM areas WHERE code >= ? AND code < ? AND length(code) = ? ORDER BY code");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  s->BindInt(3, static_cast<int64_t>(child_len));
  while (s->Step()) by_area[s->Text(0)] = AreaCount{s->Text(0), s->Text(1), 0, 0, 0};
  return by_area;
}

// A case as the figures see it: its status on the day, not today's.
struct CaseOnDay {
  int64_t household_id = 0;
  std::string village;
  Category category = Category::kMarginal;
  CaseStatus on = CaseStatus::kIdentifying;
  std::string alert;
  std::optional<std::string> entered, closed;
};

CaseOnDay ReadCaseOnDay(const store::Statement& s, const std::string& day) {
  CaseOnDay c{s.Int(0), s.Text(1), Stored<Category>(CategoryTerms(), s.Text(2), "monitoring_cases.category"),
              CaseStatus::kIdentifying, s.Text(4), s.OptionalText(5), s.OptionalText(6)};
  const auto status = Stored<CaseStatus>(CaseStatusTerms(), s.Text(3), "monitoring_cases.status");
  const bool closed_by = c.closed && *c.closed <= day;
  if (c.entered && *c.entered <= day) {
    c.on = status == CaseStatus::kEliminated && closed_by ? CaseStatus::kEliminated : CaseStatus::kMonitored;
  } else {
    c.on = status == CaseStatus::kRejected && closed_by ? CaseStatus::kRejected : CaseStatus::kIdentifying;
  }
  return c;
}

void CountByCategory(Category category, int64_t& unstable, int64_t& marginal, int64_t& sudden) {
  switch (category) {
    case Category::kUnstable: ++unstable; break;
    case Category::kMarginal: ++marginal; break;
    case Category::kSudden: ++sudden; break;
  }
}

// An entered case: its household counted once by category, and its days to the entry and to the elimination.
void CountEntry(const CaseOnDay& c, MonitoringFigures& f, std::set<int64_t>& entered_households) {
  if (entered_households.insert(c.household_id).second) CountByCategory(c.category, f.unstable, f.marginal, f.sudden);
  ++f.entries_timed;
  const int64_t d = Days(c.alert, *c.entered);
  f.days_to_entry_total += d;
  f.days_to_entry_max = std::max(f.days_to_entry_max, d);
  if (c.on == CaseStatus::kEliminated) {
    ++f.eliminations_timed;
    const int64_t e = Days(*c.entered, *c.closed);
    f.days_to_elimination_total += e;
    f.days_to_elimination_max = std::max(f.days_to_elimination_max, e);
  }
}

// A case by its status on the day, in the whole and in its child area (`ac`, null when none).
void CountStatus(const CaseOnDay& c, MonitoringFigures& f, AreaCount* ac) {
  switch (c.on) {
    case CaseStatus::kIdentifying:
      ++f.identifying;
      if (ac) ++ac->identifying;
      break;
    case CaseStatus::kMonitored:
      ++f.monitored;
      if (ac) ++ac->monitored;
      CountByCategory(c.category, f.monitored_unstable, f.monitored_marginal, f.monitored_sudden);
      break;
    case CaseStatus::kEliminated:
      ++f.eliminated;
      if (ac) ++ac->eliminated;
      break;
    case CaseStatus::kRejected: ++f.rejected; break;
  }
}

// The cases alerted by the day, counted into `f` and the child areas; returns the entered households.
std::set<int64_t> CountCases(store::Connection& db, const std::string& area, const std::string& day, size_t child_len,
                             std::map<std::string, AreaCount>& by_area, MonitoringFigures& f) {
  std::set<int64_t> entered_households;
  auto s = db.Prepare(
      "SELECT household_id, village_code, category, status, alert_date, entered_on, closed_on"
      " FROM monitoring_cases WHERE village_code >= ? AND village_code < ? AND alert_date <= ?");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  s->BindText(3, day);
  while (s->Step()) {
    const CaseOnDay c = ReadCaseOnDay(*s, day);
    if (c.on == CaseStatus::kMonitored || c.on == CaseStatus::kEliminated) CountEntry(c, f, entered_households);
    AreaCount* ac = nullptr;
    if (c.village.size() >= child_len) {
      if (auto it = by_area.find(c.village.substr(0, child_len)); it != by_area.end()) ac = &it->second;
    }
    CountStatus(c, f, ac);
  }
  return entered_households;
}

// Persons on the day: members of the entered households, and of the registered (poor or exited) ones.
void CountPersons(store::Connection& db, const std::string& area, const std::string& day,
                  const std::set<int64_t>& entered_households, MonitoringFigures& f) {
  const auto status = internal::StatusesOn(db, area, day);
  auto s = db.Prepare(
      "SELECT m.household_id FROM memberships m JOIN households h ON h.id = m.household_id"
      " JOIN persons p ON p.id = m.person_id"
      " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND m.start_date <= ?3"
      " AND (m.end_date IS NULL OR m.end_date > ?3) AND (p.death_date IS NULL OR p.death_date > ?3)");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  s->BindText(3, day);
  while (s->Step()) {
    const int64_t h = s->Int(0);
    if (entered_households.contains(h)) ++f.persons;
    auto it = status.find(h);
    if (it != status.end() && Registered(registry::ParseStatus(it->second))) ++f.registered_persons;
  }
}

}  // namespace

MonitoringFigures MonitoringService::Figures(const Caller& caller, const std::string& area_code, int year,
                                             const std::optional<std::string>& as_of_text) {
  const std::string area = internal::ResolveArea(db_, caller, area_code);
  internal::Require(db_, clock_, caller, access::Access::kRead, area, std::nullopt, "monitoring/figures");
  if (access::ReadScopeFor(caller, access::Resource::kMonitoring).paired_households_only) {
    internal::Refuse(db_, clock_, caller, area, "monitoring/figures", "area figures are not for a paired cadre");
  }
  const std::string day = FiguresDay(year, as_of_text).ToString();
  MonitoringFigures f;
  f.area_code = area;
  f.year = year;
  f.as_of = day;
  // Children of the area for the breakdown.
  const size_t child_len = area.empty() ? 2 : area.size() == 2 ? 4 : area.size() == 4 ? 6 : area.size() == 6 ? 9 : 12;
  std::map<std::string, AreaCount> by_area = ChildAreas(db_, area, child_len);
  const std::set<int64_t> entered_households = CountCases(db_, area, day, child_len, by_area, f);
  f.households = static_cast<int64_t>(entered_households.size());
  CountPersons(db_, area, day, entered_households, f);
  for (auto& [code, ac] : by_area) {
    if (ac.identifying + ac.monitored + ac.eliminated > 0) f.by_area.push_back(ac);
  }
  return f;
}

namespace {

// The histories checked as a whole (every problem by its JSON path) and the caller's
// write access to their villages; returns the village of every household.
std::map<int64_t, std::string> CheckHistories(store::Connection& db, const Caller& caller,
                                              const std::vector<HistoricCase>& cases, const Clock& clock) {
  std::map<int64_t, std::string> village;
  {
    auto s = db.Prepare("SELECT id, village_code FROM households");
    while (s->Step()) village[s->Int(0)] = s->Text(1);
  }
  Problems problems;
  std::set<std::string> villages;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const std::string p = "/" + std::to_string(i);
    if (!village.contains(c.household_id)) problems.Add(p + "/household_id", "no such household");
    else villages.insert(village[c.household_id]);
    if (!ParseWire<Category>(CategoryTerms(), c.category)) problems.Add(p + "/category", "unknown category");
    if (!FindWire(CaseSourceTerms(), c.source)) problems.Add(p + "/source", "unknown source");
    if (!Date::Parse(c.alert_date)) problems.Add(p + "/alert_date", "not a date");
    for (const auto& st : c.steps) {
      const auto step = ParseCaseStep(st.step);
      if (!step || *step == ProcedureStep::kAlert || !Date::Parse(st.date) ||
          !FindWire(StepOutcomeTerms(), st.action) || (st.returned_to && !ParseCaseStep(*st.returned_to))) {
        problems.Add(p + "/steps", "bad step " + st.step);
      }
    }
  }
  problems.ThrowIfAny("invalid case histories");
  for (const auto& v : villages) {
    internal::Require(db, clock, caller, access::Access::kWrite, v, std::nullopt, "monitoring_cases");
  }
  return village;
}

// Where a history's steps leave its case.
struct Replayed {
  CaseStatus status = CaseStatus::kIdentifying;
  ProcedureStep stage = ProcedureStep::kHomeCheck;
  std::string since;
  std::optional<std::string> entered, closed;
};

Replayed Replay(const HistoricCase& c) {
  Replayed r;
  r.since = c.alert_date;
  for (const auto& st : c.steps) {
    r.since = st.end_date.value_or(st.date);
    const StepOutcome outcome = Stored<StepOutcome>(StepOutcomeTerms(), st.action, "steps/action");
    const ProcedureStep step = *ParseCaseStep(st.step);
    if (outcome == StepOutcome::kReturned) {
      if (st.returned_to) r.stage = Stored<ProcedureStep>(CaseStepTerms(), *st.returned_to, "steps/returned_to");
    } else if (outcome == StepOutcome::kRejected) {
      r.status = CaseStatus::kRejected;
      r.closed = st.date;
    } else if (step == ProcedureStep::kEntry) {
      r.status = CaseStatus::kMonitored;
      r.entered = st.date;
    } else {
      r.stage = static_cast<ProcedureStep>(static_cast<int>(step) + 1);
    }
  }
  if (c.elimination && r.status == CaseStatus::kMonitored) {
    r.status = CaseStatus::kEliminated;
    r.closed = c.elimination->date;
  }
  return r;
}

// The statements of the batch, prepared once and run per case.
class HistoryWriter {
 public:
  HistoryWriter(store::Connection& db, const Caller& caller, int64_t now)
      : caller_(caller),
        now_(now),
        case_(db.Prepare(
            "INSERT INTO monitoring_cases (household_id, village_code, year, category, source, risks, note, status,"
            " stage, alert_date, stage_since, entered_on, closed_on, opened_by, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")),
        step_(db.Prepare(
            "INSERT INTO monitoring_case_steps (case_id, step, action, date, end_date, returned_to, note, actor, role,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")),
        measure_(db.Prepare(
            "INSERT INTO monitoring_measures (case_id, kind, description, policy_id, responsible, start_date, status,"
            " result, recorded_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)")),
        elim_(db.Prepare(
            "INSERT INTO monitoring_eliminations (case_id, date, reason, evidence, checks, decided_by, role,"
            " decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {}

  void Write(const HistoricCase& c, const std::string& village) {
    const Replayed r = Replay(c);
    const int64_t id = InsertCase(c, village, r);
    InsertStep(id, {Wire(ProcedureStep::kAlert), WireOf(StepOutcomeTerms(), StepOutcome::kDone), c.alert_date,
                    std::nullopt, std::nullopt, c.note, caller_.user_name, RoleName(caller_.role)});
    for (const auto& st : c.steps) InsertStep(id, st);
    for (const auto& m : c.measures) InsertMeasure(id, m);
    if (c.elimination && r.status == CaseStatus::kEliminated) InsertElimination(id, *c.elimination);
  }

 private:
  int64_t InsertCase(const HistoricCase& c, const std::string& village, const Replayed& r) {
    case_->BindInt(1, c.household_id);
    case_->BindText(2, village);
    case_->BindInt(3, c.year);
    case_->BindText(4, c.category);
    case_->BindText(5, c.source);
    case_->BindText(6, c.risks);
    case_->BindText(7, c.note);
    case_->BindText(8, Wire(r.status));
    r.status == CaseStatus::kIdentifying ? case_->BindText(9, Wire(r.stage)) : case_->BindNull(9);
    case_->BindText(10, c.alert_date);
    case_->BindText(11, r.since);
    case_->BindOptionalText(12, r.entered);
    case_->BindOptionalText(13, r.closed);
    case_->BindText(14, caller_.user_name);
    case_->BindInt(15, static_cast<int64_t>(c.steps.size()) + 1);
    case_->BindInt(16, now_);
    case_->BindInt(17, now_);
    case_->Step();
    const int64_t id = case_->Int(0);
    case_->Reset();
    return id;
  }

  void InsertStep(int64_t id, const HistoricStep& st) {
    step_->BindInt(1, id);
    step_->BindText(2, st.step);
    step_->BindText(3, st.action);
    step_->BindText(4, st.date);
    step_->BindOptionalText(5, st.end_date);
    step_->BindOptionalText(6, st.returned_to);
    step_->BindText(7, st.note);
    step_->BindText(8, st.actor);
    step_->BindText(9, st.role);
    step_->BindInt(10, now_);
    step_->Run();
  }

  void InsertMeasure(int64_t id, const MeasureInput& m) {
    measure_->BindInt(1, id);
    measure_->BindText(2, m.kind);
    measure_->BindText(3, m.description);
    measure_->BindOptionalInt(4, m.policy_id);
    measure_->BindText(5, m.responsible);
    measure_->BindText(6, m.start_date);
    measure_->BindText(7, m.status);
    measure_->BindText(8, caller_.user_name);
    measure_->BindInt(9, now_);
    measure_->Run();
  }

  void InsertElimination(int64_t id, const Elimination& e) {
    elim_->BindInt(1, id);
    elim_->BindText(2, e.date);
    elim_->BindText(3, Wire(e.reason));
    elim_->BindText(4, e.evidence);
    elim_->BindText(5, e.checks.empty() ? "{}" : e.checks);
    elim_->BindText(6, e.decided_by);
    elim_->BindText(7, e.role);
    elim_->BindInt(8, now_);
    elim_->Run();
  }

  const Caller& caller_;
  int64_t now_;
  std::unique_ptr<store::Statement> case_, step_, measure_, elim_;
};

}  // namespace

int64_t WriteHistoricCases(store::Connection& db, const Caller& caller, const std::vector<HistoricCase>& cases,
                           const Clock& clock) {
  internal::RequireAbility(db, clock, caller, access::Ability::kWriteCaseHistories, caller.area_scope, "monitoring_cases",
                           "only an administrator or the county office writes case histories");
  const std::map<int64_t, std::string> village = CheckHistories(db, caller, cases, clock);
  store::Transaction tx(db);
  HistoryWriter writer(db, caller, clock.NowSeconds());
  for (const auto& c : cases) writer.Write(c, village.at(c.household_id));
  access::RecordChange(db, clock, caller, "monitoring.cases_import", "monitoring_cases", caller.area_scope, nullptr,
                        {{"cases", cases.size()}});
  tx.Commit();
  return static_cast<int64_t>(cases.size());
}

}  // namespace fupin::monitoring
