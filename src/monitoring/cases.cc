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

namespace fupin::monitoring {
namespace {


// The steps in order, from the one table (monitoring/terms.cc).
const std::vector<std::string> kSteps = [] {
  std::vector<std::string> out;
  for (const Term& t : CaseStepTerms()) out.emplace_back(t.wire);
  return out;
}();

int StepIndex(const std::string& step) {
  for (size_t i = 0; i < kSteps.size(); ++i) {
    if (kSteps[i] == step) return static_cast<int>(i);
  }
  return -1;
}

bool OneOf(const std::string& v, std::initializer_list<const char*> set) {
  for (const char* s : set) {
    if (v == s) return true;
  }
  return false;
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
  c.category = s.Text(6);
  c.source = s.Text(7);
  c.risks = s.Text(8);
  c.note = s.Text(9);
  c.status = s.Text(10);
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
    out.push_back({s->Int(0), s->Int(1), s->Text(2), s->Text(3), s->OptionalInt(4), s->Text(5), s->Text(6), s->Text(7),
                   s->Text(8), s->Text(9)});
  }
  return out;
}

nlohmann::json CaseSummary(const Case& c) {
  return {{"id", c.id},          {"household_id", c.household_id}, {"category", c.category}, {"status", c.status},
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

std::string SuggestCategory(store::Connection& db, int64_t household_id) {
  auto s = db.Prepare("SELECT " + registry::StatusOnSql("?"));
  s->BindInt(1, household_id);
  s->Step();
  const std::string status = s->IsNull(0) ? std::string() : s->Text(0);
  return status == "poor" || status == "exited" ? "unstable" : "marginal";
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
  if (!OneOf(in.source, {"self_report", "cadre_report", "department_alert", "data_analysis"})) {
    problems.Add("source", "'" + in.source + "' is not self_report, cadre_report, department_alert or data_analysis");
  }
  if (in.category && !OneOf(*in.category, {"unstable", "marginal", "sudden"})) {
    problems.Add("category", "'" + *in.category + "' is not unstable, marginal or sudden");
  }
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
    auto s = db_.Prepare(
        "SELECT id FROM monitoring_cases WHERE household_id = ? AND status IN ('identifying', 'monitored')");
    s->BindInt(1, in.household_id);
    if (s->Step()) {
      throw Error::FailedPrecondition("the household already has an open monitoring case",
                                      {{"household_id", "case " + std::to_string(s->Int(0)) + " is open"}});
    }
    auto st = db_.Prepare("SELECT " + registry::StatusOnSql("?"));
    st->BindInt(1, in.household_id);
    if (st->Step() && !st->IsNull(0) && (st->Text(0) == "removed" || st->Text(0) == "deceased")) {
      throw Error::FailedPrecondition("the household is " + st->Text(0) + " in the registry");
    }
  }
  const std::string category = in.category.value_or(SuggestCategory(db_, in.household_id));
  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO monitoring_cases (household_id, village_code, year, category, source, risks, note, status, stage,"
      " alert_date, stage_since, opened_by, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, '[]', ?, 'identifying', 'home_check', ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, in.household_id);
  s->BindText(2, village);
  s->BindInt(3, in.year);
  s->BindText(4, category);
  s->BindText(5, in.source);
  s->BindText(6, in.note);
  s->BindText(7, date->ToString());
  s->BindText(8, date->ToString());
  s->BindText(9, caller.user_name);
  s->BindInt(10, now);
  s->BindInt(11, now);
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  InsertStep(db_, id, "alert", "done", date->ToString(), std::nullopt, std::nullopt, in.note, caller.user_name,
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
  if (e->Step()) c.elimination = Elimination{e->Text(0), e->Text(1), e->Text(2), e->Text(3), e->Text(4), e->Text(5)};
  return c;
}

CasePage MonitoringService::ListCases(const Caller& caller, const CaseFilter& f) {
  const std::string area = internal::ResolveArea(db_, caller, f.area_code);
  const auto scope = access::ReadScopeFor(caller, access::Resource::kMonitoring);
  if (!scope.allowed || !caller.CoversArea(area)) {
    internal::Require(db_, clock_, caller, access::Access::kRead, area, std::nullopt, "monitoring_cases");
  }
  Problems problems;
  if (f.status && !OneOf(*f.status, {"identifying", "monitored", "eliminated", "rejected"})) {
    problems.Add("status", "'" + *f.status + "' is not identifying, monitored, eliminated or rejected");
  }
  if (f.category && !OneOf(*f.category, {"unstable", "marginal", "sudden"})) {
    problems.Add("category", "'" + *f.category + "' is not unstable, marginal or sudden");
  }
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

Case MonitoringService::RecordStep(const Caller& caller, int64_t case_id, const StepInput& in) {
  const Case c = RequireCase(db_, case_id);
  const std::string entity = "monitoring_case/" + std::to_string(case_id);
  internal::Require(db_, clock_, caller, access::Access::kWrite, c.village_code, c.household_id, entity);
  Problems problems;
  if (StepIndex(in.step) < 1) problems.Add("step", "'" + in.step + "' is not a step after the alert");
  if (!OneOf(in.action, {"done", "return", "reject"})) problems.Add("action", "'" + in.action + "' is not done, return or reject");
  const auto date = internal::ReadDate(in.date, "date", clock_, problems);
  if ((in.action == "return" || in.action == "reject") && in.note.empty()) {
    problems.Add("note", "give the reason for sending the case back or rejecting it");
  }
  problems.ThrowIfAny("invalid step");
  if (c.status != "identifying") {
    throw Error::FailedPrecondition("case " + std::to_string(case_id) + " is " + c.status + ", not in identification");
  }
  if (in.step != *c.stage) {
    throw Error::FailedPrecondition("case " + std::to_string(case_id) + " waits for " + *c.stage + " (" +
                                        StepLabelZh(*c.stage) + "), not " + in.step,
                                    {{"step", "the current step is " + *c.stage}});
  }
  RequireStepRole(db_, clock_, caller, c, in.step);
  if (date->ToString() < c.stage_since) {
    throw Error::InvalidArgument("invalid step", {{"date", date->ToString() + " is before " + c.stage_since +
                                                               ", when the step became due"}});
  }
  const auto params = internal::LoadParameters(db_);
  std::optional<std::string> end_date;
  std::optional<std::string> returned_to;
  std::string next_stage;
  std::string status = "identifying";
  std::optional<std::string> entered_on, closed_on;
  std::string stage_since = date->ToString();
  if (in.action == "done") {
    if (in.step == "public_notice") {
      const auto end = in.end_date ? Date::Parse(*in.end_date) : std::nullopt;
      const int min_days = static_cast<int>(params.Number("notice_min_days"));
      if (!end) {
        problems.Add("end_date", "the last day of the notice is required (YYYY-MM-DD)");
      } else if (*end < *date) {
        problems.Add("end_date", *in.end_date + " is before the first day " + date->ToString());
      } else if (end->ToDays() - date->ToDays() + 1 < min_days) {
        problems.Add("end_date", "the notice lasts " + std::to_string(end->ToDays() - date->ToDays() + 1) +
                                     " days; at least " + std::to_string(min_days) + " are required");
      } else if (*end > clock_.Today()) {
        problems.Add("end_date", *in.end_date + ": record the notice once it is over");
      }
      problems.ThrowIfAny("invalid public notice");
      end_date = end->ToString();
      stage_since = *end_date;
    } else if (in.end_date) {
      throw Error::InvalidArgument("invalid step", {{"end_date", "only a public notice has an end date"}});
    }
    if (in.step == "entry") {
      status = "monitored";
      entered_on = date->ToString();
    } else {
      next_stage = kSteps[static_cast<size_t>(StepIndex(in.step)) + 1];
    }
  } else if (in.action == "return") {
    const std::string target = in.return_to.value_or(kSteps[static_cast<size_t>(StepIndex(in.step) - 1)]);
    const int ti = StepIndex(target);
    if (ti < 1 || ti >= StepIndex(in.step)) {
      throw Error::InvalidArgument("invalid step", {{"return_to", "'" + target + "' is not a step before " + in.step +
                                                                      " (and after the alert)"}});
    }
    returned_to = target;
    next_stage = target;
  } else {
    status = "rejected";
    closed_on = date->ToString();
  }
  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(db_);
  InsertStep(db_, case_id, in.step, in.action == "done" ? "done" : (in.action == "return" ? "returned" : "rejected"),
             date->ToString(), end_date, returned_to, in.note, caller.user_name, RoleName(caller.role), now);
  auto u = db_.Prepare(
      "UPDATE monitoring_cases SET status = ?, stage = ?, stage_since = ?, entered_on = COALESCE(?, entered_on),"
      " closed_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
  u->BindText(1, status);
  next_stage.empty() ? u->BindNull(2) : u->BindText(2, next_stage);
  u->BindText(3, stage_since);
  u->BindOptionalText(4, entered_on);
  u->BindOptionalText(5, closed_on);
  u->BindInt(6, now);
  u->BindInt(7, case_id);
  u->BindInt(8, c.version);
  if (u->Run() != 1) throw Error::Conflict("case " + std::to_string(case_id) + " was changed meanwhile; read it again");
  const Case after = RequireCase(db_, case_id);
  nlohmann::json detail = CaseSummary(after);
  detail["step"] = in.step;
  detail["action"] = in.action;
  detail["date"] = date->ToString();
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
  if (!OneOf(in.kind, {"policy", "assistance", "employment", "industry", "other"})) {
    problems.Add("kind", "'" + in.kind + "' is not policy, assistance, employment, industry or other");
  }
  if (in.description.empty()) problems.Add("description", "required");
  if (in.kind == "policy" && !in.policy_id) problems.Add("policy_id", "a policy measure names its policy by id");
  if (in.policy_id && *in.policy_id <= 0) problems.Add("policy_id", "must be a positive id");
  if (!OneOf(in.status, {"planned", "in_progress", "done", "stopped"})) {
    problems.Add("status", "'" + in.status + "' is not planned, in_progress, done or stopped");
  }
  const auto start = internal::ReadDate(in.start_date, "start_date", clock_, problems);
  problems.ThrowIfAny("invalid measure");
  if (c.status != "monitored") {
    throw Error::FailedPrecondition("measures are assigned to a household in monitoring; case " +
                                    std::to_string(case_id) + " is " + c.status);
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
  Measure m{id, case_id, in.kind, in.description, in.policy_id, in.responsible, start->ToString(), in.status, "",
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
  if (up.status && !OneOf(*up.status, {"planned", "in_progress", "done", "stopped"})) {
    problems.Add("status", "'" + *up.status + "' is not planned, in_progress, done or stopped");
  }
  if (!up.status && !up.result) problems.Add("status", "give a status or a result");
  if (up.status && *up.status == "stopped" && up.result.value_or("").empty()) {
    problems.Add("result", "say why the measure stopped");
  }
  problems.ThrowIfAny("invalid measure update");
  if (c.status != "monitored") throw Error::FailedPrecondition("case " + std::to_string(case_id) + " is " + c.status);
  if (it->status == "done" || it->status == "stopped") {
    throw Error::FailedPrecondition("measure " + std::to_string(measure_id) + " is already " + it->status);
  }
  Measure before = *it;
  Measure after = *it;
  if (up.status) after.status = *up.status;
  if (up.result) after.result = *up.result;
  store::Transaction tx(db_);
  auto s = db_.Prepare("UPDATE monitoring_measures SET status = ?, result = ?, updated_at = ? WHERE id = ?");
  s->BindText(1, after.status);
  s->BindText(2, after.result);
  s->BindInt(3, clock_.NowSeconds());
  s->BindInt(4, measure_id);
  s->Run();
  access::RecordChange(db_, clock_, caller, "monitoring.measure_update", entity, c.village_code,
                        {{"measure_id", measure_id}, {"status", before.status}, {"result", before.result}},
                        {{"measure_id", measure_id}, {"status", after.status}, {"result", after.result}});
  tx.Commit();
  return after;
}

std::vector<Measure> MonitoringService::ListMeasures(const Caller& caller, int64_t case_id) {
  const Case c = RequireCase(db_, case_id);
  internal::Require(db_, clock_, caller, access::Access::kRead, c.village_code, c.household_id,
                    "monitoring_case/" + std::to_string(case_id));
  return LoadMeasures(db_, case_id);
}

Case MonitoringService::Eliminate(const Caller& caller, int64_t case_id, const EliminationInput& in) {
  const Case c = RequireCase(db_, case_id);
  const std::string entity = "monitoring_case/" + std::to_string(case_id);
  internal::Require(db_, clock_, caller, access::Access::kWrite, c.village_code, c.household_id, entity);
  internal::RequireAbility(db_, clock_, caller, access::Ability::kEliminateRisk, c.village_code, entity,
                           std::string("the risk-eliminated decision is made by county_office, not by ") +
                               RoleName(caller.role));
  Problems problems;
  if (!OneOf(in.reason, {"income_stable", "hardship_over"})) {
    problems.Add("reason", "'" + in.reason + "' is not income_stable or hardship_over");
  }
  const auto date = internal::ReadDate(in.date, "date", clock_, problems);
  problems.ThrowIfAny("invalid decision");
  if (c.status != "monitored") {
    throw Error::FailedPrecondition("case " + std::to_string(case_id) + " is " + c.status + ", not in monitoring");
  }
  const auto params = internal::LoadParameters(db_);
  std::vector<ErrorDetail> unmet;
  nlohmann::json checks = nlohmann::json::object();
  if (in.evidence.empty()) {
    unmet.push_back({"evidence", "required: what was checked (income verification, the hardship's end) and by whom"});
  }
  const int min_months = static_cast<int>(params.Number("elimination_min_months"));
  const Date entered = *Date::Parse(*c.entered_on);
  const Date earliest = AddMonths(entered, min_months);
  checks["entered_on"] = *c.entered_on;
  checks["earliest_decision"] = earliest.ToString();
  if (*date < entered) {
    unmet.push_back({"date", date->ToString() + " is before the entry on " + *c.entered_on});
  } else if (*date < earliest) {
    unmet.push_back({"date", "monitored since " + *c.entered_on + "; the risk can be marked eliminated from " +
                                 earliest.ToString() + " (" + std::to_string(min_months) + " months)"});
  }
  const auto measures = LoadMeasures(db_, case_id);
  nlohmann::json measure_checks = nlohmann::json::array();
  for (const auto& m : measures) measure_checks.push_back({{"id", m.id}, {"kind", m.kind}, {"status", m.status}});
  checks["measures"] = measure_checks;
  if (in.reason == "income_stable") {
    const int years = std::max(1, static_cast<int>(params.Number("elimination_stable_years")));
    const internal::Lines lines(db_);
    auto s = db_.Prepare(
        "SELECT year, members, wage_income + production_income + property_income + transfer_income - production_cost"
        " FROM household_years WHERE household_id = ? AND year <= ? AND year >= ? ORDER BY year DESC");
    s->BindInt(1, c.household_id);
    s->BindInt(2, date->year);
    s->BindInt(3, entered.year);
    nlohmann::json income = nlohmann::json::array();
    int counted = 0;
    while (s->Step() && counted < years) {
      const int y = static_cast<int>(s->Int(0));
      const int64_t members = s->Int(1);
      const Fen per = PerCapita(s->Int(2), members);
      const auto line = lines.For(y, c.village_code);
      const Fen l = line ? line->line : 0;
      income.push_back({{"year", y}, {"per_capita_income", FormatYuan(per)}, {"line", FormatYuan(l)}, {"above", per > l}});
      if (per <= l) {
        unmet.push_back({"income/" + std::to_string(y), "per-capita net income " + FormatYuan(per) +
                                                            " yuan is not above the monitoring line " + FormatYuan(l)});
      }
      ++counted;
    }
    checks["income"] = income;
    if (counted < years) {
      unmet.push_back({"income", "per-capita net income is recorded for " + std::to_string(counted) + " of the " +
                                     std::to_string(years) + " year(s) needed since the entry (" +
                                     std::to_string(entered.year) + "-" + std::to_string(date->year) + ")"});
    }
  } else if (in.reason == "hardship_over") {
    int done = 0;
    for (const auto& m : measures) {
      if (m.status == "planned" || m.status == "in_progress") {
        unmet.push_back({"measures/" + std::to_string(m.id), "measure '" + m.description + "' is still " + m.status});
      }
      done += m.status == "done" ? 1 : 0;
    }
    if (done == 0) unmet.push_back({"measures", "no measure has been carried out (done)"});
  }
  if (!unmet.empty()) {
    throw Error::FailedPrecondition("the risk of case " + std::to_string(case_id) + " cannot be marked eliminated",
                                    unmet);
  }
  const int64_t now = clock_.NowSeconds();
  store::Transaction tx(db_);
  auto e = db_.Prepare(
      "INSERT INTO monitoring_eliminations (case_id, date, reason, evidence, checks, decided_by, role, decided_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  e->BindInt(1, case_id);
  e->BindText(2, date->ToString());
  e->BindText(3, in.reason);
  e->BindText(4, in.evidence);
  e->BindText(5, checks.dump());
  e->BindText(6, caller.user_name);
  e->BindText(7, RoleName(caller.role));
  e->BindInt(8, now);
  e->Run();
  auto u = db_.Prepare(
      "UPDATE monitoring_cases SET status = 'eliminated', closed_on = ?, version = version + 1, updated_at = ?"
      " WHERE id = ? AND version = ?");
  u->BindText(1, date->ToString());
  u->BindInt(2, now);
  u->BindInt(3, case_id);
  u->BindInt(4, c.version);
  if (u->Run() != 1) throw Error::Conflict("case " + std::to_string(case_id) + " was changed meanwhile; read it again");
  access::RecordChange(db_, clock_, caller, "monitoring.case_eliminate", entity, c.village_code, CaseSummary(c),
                        {{"date", date->ToString()}, {"reason", in.reason}, {"evidence", in.evidence}, {"checks", checks}});
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
      " AND c.status = 'identifying' AND c.stage IS NOT NULL";
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
      " WHERE c.village_code >= ?1 AND c.village_code < ?2 AND c.status IN ('identifying', 'monitored')";
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
    item.category = s->Text(3);
    if (s->Text(4) == "identifying") {
      const auto since = *Date::Parse(s->Text(6));
      const int64_t days = as_of.ToDays() - since.ToDays();
      if (days <= step_days) continue;
      item.kind = "step_overdue";
      item.stage = s->Text(5);
      item.since = since.ToString();
      item.days = days;
      item.limit = step_days;
    } else {
      const auto entered = *Date::Parse(s->Text(7));
      const Date limit = AddMonths(entered, max_months);
      if (as_of <= limit) continue;
      item.kind = "monitored_too_long";
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

MonitoringFigures MonitoringService::Figures(const Caller& caller, const std::string& area_code, int year,
                                             const std::optional<std::string>& as_of_text) {
  const std::string area = internal::ResolveArea(db_, caller, area_code);
  internal::Require(db_, clock_, caller, access::Access::kRead, area, std::nullopt, "monitoring/figures");
  if (access::ReadScopeFor(caller, access::Resource::kMonitoring).paired_households_only) {
    internal::Refuse(db_, clock_, caller, area, "monitoring/figures", "area figures are not for a paired cadre");
  }
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  Date as_of{year, 12, 31};
  if (as_of_text) {
    auto d = Date::Parse(*as_of_text);
    if (!d || d->year != year) {
      throw Error::InvalidArgument("invalid date", {{"as_of", "'" + *as_of_text + "' is not a date in " + std::to_string(year)}});
    }
    as_of = *d;
  }
  const std::string date = as_of.ToString();
  const std::string end = internal::SubtreeEnd(area);
  MonitoringFigures f;
  f.area_code = area;
  f.year = year;
  f.as_of = date;
  // Children of the area for the breakdown.
  const size_t child_len = area.empty() ? 2 : area.size() == 2 ? 4 : area.size() == 4 ? 6 : area.size() == 6 ? 9 : 12;
  std::map<std::string, AreaCount> by_area;
  {
    auto s = db_.Prepare("SELECT code, name FROM areas WHERE code >= ? AND code < ? AND length(code) = ? ORDER BY code");
    s->BindText(1, area);
    s->BindText(2, end);
    s->BindInt(3, static_cast<int64_t>(child_len));
    while (s->Step()) by_area[s->Text(0)] = AreaCount{s->Text(0), s->Text(1), 0, 0, 0};
  }
  std::set<int64_t> entered_households;
  {
    auto s = db_.Prepare(
        "SELECT household_id, village_code, category, status, alert_date, entered_on, closed_on"
        " FROM monitoring_cases WHERE village_code >= ? AND village_code < ? AND alert_date <= ?");
    s->BindText(1, area);
    s->BindText(2, end);
    s->BindText(3, date);
    while (s->Step()) {
      const std::string category = s->Text(2);
      const std::string status = s->Text(3);
      const std::string alert = s->Text(4);
      const auto entered = s->OptionalText(5);
      const auto closed = s->OptionalText(6);
      const bool closed_by = closed && *closed <= date;
      std::string on;
      if (entered && *entered <= date) {
        on = status == "eliminated" && closed_by ? "eliminated" : "monitored";
        if (entered_households.insert(s->Int(0)).second) {
          if (category == "unstable") ++f.unstable;
          else if (category == "marginal") ++f.marginal;
          else ++f.sudden;
        }
        ++f.entries_timed;
        const int64_t d = Days(alert, *entered);
        f.days_to_entry_total += d;
        f.days_to_entry_max = std::max(f.days_to_entry_max, d);
        if (on == "eliminated") {
          ++f.eliminations_timed;
          const int64_t e = Days(*entered, *closed);
          f.days_to_elimination_total += e;
          f.days_to_elimination_max = std::max(f.days_to_elimination_max, e);
        }
      } else {
        on = status == "rejected" && closed_by ? "rejected" : "identifying";
      }
      AreaCount* ac = nullptr;
      const std::string village = s->Text(1);
      if (village.size() >= child_len) {
        if (auto it = by_area.find(village.substr(0, child_len)); it != by_area.end()) ac = &it->second;
      }
      if (on == "identifying") {
        ++f.identifying;
        if (ac) ++ac->identifying;
      } else if (on == "monitored") {
        ++f.monitored;
        if (ac) ++ac->monitored;
        if (category == "unstable") ++f.monitored_unstable;
        else if (category == "marginal") ++f.monitored_marginal;
        else ++f.monitored_sudden;
      } else if (on == "eliminated") {
        ++f.eliminated;
        if (ac) ++ac->eliminated;
      } else {
        ++f.rejected;
      }
    }
  }
  f.households = static_cast<int64_t>(entered_households.size());
  // Persons: members on as_of of the monitored households and of the registered ones.
  const auto status = internal::StatusesOn(db_, area, date);
  {
    auto s = db_.Prepare(
        "SELECT m.household_id FROM memberships m JOIN households h ON h.id = m.household_id"
        " JOIN persons p ON p.id = m.person_id"
        " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND m.start_date <= ?3"
        " AND (m.end_date IS NULL OR m.end_date > ?3) AND (p.death_date IS NULL OR p.death_date > ?3)");
    s->BindText(1, area);
    s->BindText(2, end);
    s->BindText(3, date);
    while (s->Step()) {
      const int64_t h = s->Int(0);
      if (entered_households.contains(h)) ++f.persons;
      auto it = status.find(h);
      if (it != status.end() && (it->second == "poor" || it->second == "exited")) ++f.registered_persons;
    }
  }
  for (auto& [code, ac] : by_area) {
    if (ac.identifying + ac.monitored + ac.eliminated > 0) f.by_area.push_back(ac);
  }
  return f;
}

int64_t WriteHistoricCases(store::Connection& db, const Caller& caller, const std::vector<HistoricCase>& cases,
                           const Clock& clock) {
  internal::RequireAbility(db, clock, caller, access::Ability::kWriteCaseHistories, caller.area_scope, "monitoring_cases",
                           "only an administrator or the county office writes case histories");
  // Villages of the households, in bulk.
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
    if (!OneOf(c.category, {"unstable", "marginal", "sudden"})) problems.Add(p + "/category", "unknown category");
    if (!OneOf(c.source, {"self_report", "cadre_report", "department_alert", "data_analysis"})) {
      problems.Add(p + "/source", "unknown source");
    }
    if (!Date::Parse(c.alert_date)) problems.Add(p + "/alert_date", "not a date");
    for (const auto& st : c.steps) {
      if (StepIndex(st.step) < 1 || !Date::Parse(st.date)) problems.Add(p + "/steps", "bad step " + st.step);
    }
  }
  problems.ThrowIfAny("invalid case histories");
  for (const auto& v : villages) {
    internal::Require(db, clock, caller, access::Access::kWrite, v, std::nullopt, "monitoring_cases");
  }
  const int64_t now = clock.NowSeconds();
  store::Transaction tx(db);
  auto ins = db.Prepare(
      "INSERT INTO monitoring_cases (household_id, village_code, year, category, source, risks, note, status, stage,"
      " alert_date, stage_since, entered_on, closed_on, opened_by, version, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  auto step = db.Prepare(
      "INSERT INTO monitoring_case_steps (case_id, step, action, date, end_date, returned_to, note, actor, role,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto measure = db.Prepare(
      "INSERT INTO monitoring_measures (case_id, kind, description, policy_id, responsible, start_date, status, result,"
      " recorded_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)");
  auto elim = db.Prepare(
      "INSERT INTO monitoring_eliminations (case_id, date, reason, evidence, checks, decided_by, role, decided_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& c : cases) {
    // Replay the steps to find the state.
    std::string status = "identifying", stage = "home_check", since = c.alert_date;
    std::optional<std::string> entered, closed;
    for (const auto& st : c.steps) {
      since = st.end_date.value_or(st.date);
      if (st.action == "returned") {
        stage = st.returned_to.value_or(stage);
      } else if (st.action == "rejected") {
        status = "rejected";
        closed = st.date;
      } else if (st.step == "entry") {
        status = "monitored";
        entered = st.date;
      } else {
        stage = kSteps[static_cast<size_t>(StepIndex(st.step)) + 1];
      }
    }
    if (c.elimination && status == "monitored") {
      status = "eliminated";
      closed = c.elimination->date;
    }
    ins->BindInt(1, c.household_id);
    ins->BindText(2, village[c.household_id]);
    ins->BindInt(3, c.year);
    ins->BindText(4, c.category);
    ins->BindText(5, c.source);
    ins->BindText(6, c.risks);
    ins->BindText(7, c.note);
    ins->BindText(8, status);
    status == "identifying" ? ins->BindText(9, stage) : ins->BindNull(9);
    ins->BindText(10, c.alert_date);
    ins->BindText(11, since);
    ins->BindOptionalText(12, entered);
    ins->BindOptionalText(13, closed);
    ins->BindText(14, caller.user_name);
    ins->BindInt(15, static_cast<int64_t>(c.steps.size()) + 1);
    ins->BindInt(16, now);
    ins->BindInt(17, now);
    ins->Step();
    const int64_t id = ins->Int(0);
    ins->Reset();
    auto add_step = [&](const HistoricStep& st) {
      step->BindInt(1, id);
      step->BindText(2, st.step);
      step->BindText(3, st.action);
      step->BindText(4, st.date);
      step->BindOptionalText(5, st.end_date);
      step->BindOptionalText(6, st.returned_to);
      step->BindText(7, st.note);
      step->BindText(8, st.actor);
      step->BindText(9, st.role);
      step->BindInt(10, now);
      step->Run();
    };
    add_step({"alert", "done", c.alert_date, std::nullopt, std::nullopt, c.note, caller.user_name, RoleName(caller.role)});
    for (const auto& st : c.steps) add_step(st);
    for (const auto& m : c.measures) {
      measure->BindInt(1, id);
      measure->BindText(2, m.kind);
      measure->BindText(3, m.description);
      measure->BindOptionalInt(4, m.policy_id);
      measure->BindText(5, m.responsible);
      measure->BindText(6, m.start_date);
      measure->BindText(7, m.status);
      measure->BindText(8, caller.user_name);
      measure->BindInt(9, now);
      measure->Run();
    }
    if (c.elimination && status == "eliminated") {
      elim->BindInt(1, id);
      elim->BindText(2, c.elimination->date);
      elim->BindText(3, c.elimination->reason);
      elim->BindText(4, c.elimination->evidence);
      elim->BindText(5, c.elimination->checks.empty() ? "{}" : c.elimination->checks);
      elim->BindText(6, c.elimination->decided_by);
      elim->BindText(7, c.elimination->role);
      elim->BindInt(8, now);
      elim->Run();
    }
  }
  access::RecordChange(db, clock, caller, "monitoring.cases_import", "monitoring_cases", caller.area_scope, nullptr,
                        {{"cases", cases.size()}});
  tx.Commit();
  return static_cast<int64_t>(cases.size());
}

}  // namespace fupin::monitoring
