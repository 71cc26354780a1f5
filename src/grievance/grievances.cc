#include "grievance/grievances.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/permissions.h"
#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/id_number.h"
#include "registry/areas.h"
#include "registry/households.h"

namespace fupin::grievance {
namespace {

using access::Ability;
using access::Resource;
using nlohmann::json;

constexpr int kApplicationChannel = 5;  // the public applications' channel
constexpr Term kChannels[] = {{0, "hotline", "12317 热线"}, {1, "letter", "来信"},   {2, "visit", "来访"},
                              {3, "online", "网上信访"},    {4, "cadre", "干部代办"},
                              {kApplicationChannel, "self_application", "自主申报"}};
template <class E>
constexpr int Id(E value) {
  return static_cast<int>(value);
}

constexpr Term kStatuses[] = {{Id(GrievanceStatus::kReceived), "received", "已登记"},
                              {Id(GrievanceStatus::kAccepted), "accepted", "已受理"},
                              {Id(GrievanceStatus::kInvestigating), "investigating", "调查核实中"},
                              {Id(GrievanceStatus::kAnswered), "answered", "已答复"},
                              {Id(GrievanceStatus::kClosed), "closed", "已办结"}};
constexpr Term kSteps[] = {{Id(GrievanceStepKind::kReceived), "received", "登记"},
                           {Id(GrievanceStepKind::kAccepted), "accepted", "受理"},
                           {Id(GrievanceStepKind::kInvestigating), "investigating", "调查核实"},
                           {Id(GrievanceStepKind::kAnswered), "answered", "答复"},
                           {Id(GrievanceStepKind::kClosed), "closed", "办结"},
                           {Id(GrievanceStepKind::kReopened), "reopened", "重新办理"},
                           {Id(GrievanceStepKind::kChangeRequested), "change_requested", "提出变更申请"}};
constexpr Term kSatisfaction[] = {{0, "satisfied", "满意"}, {1, "basically_satisfied", "基本满意"},
                                  {2, "dissatisfied", "不满意"}};

const char* Wire(GrievanceStatus status) { return WireOf(kStatuses, status); }
const char* Wire(GrievanceStepKind step) { return WireOf(kSteps, step); }

// "('received', 'accepted', 'investigating')": the statuses still open, in SQL, from the table.
std::string OpenSql() {
  return std::string("('") + Wire(GrievanceStatus::kReceived) + "', '" + Wire(GrievanceStatus::kAccepted) + "', '" +
         Wire(GrievanceStatus::kInvestigating) + "')";
}

// "status = 'answered'": the assignment of a status, from the table.
std::string SetStatus(GrievanceStatus status) { return std::string("status = '") + Wire(status) + "'"; }

std::string Entity(int64_t id) { return "grievance/" + std::to_string(id); }

// "张*", "欧阳**": the first character kept.
std::string MaskName(const std::string& name) {
  if (name.empty()) return name;
  size_t first = 1;
  const auto lead = static_cast<unsigned char>(name[0]);
  if (lead >= 0xF0) first = 4;
  else if (lead >= 0xE0) first = 3;
  else if (lead >= 0xC0) first = 2;
  first = std::min(first, name.size());
  size_t rest = 0;
  for (size_t i = first; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) ++rest;
  }
  return name.substr(0, first) + std::string(std::max<size_t>(rest, 1), '*');
}

void CheckText(Problems& problems, const std::string& text, const std::string& path, size_t max) {
  if (text.empty()) problems.Add(path, "must not be empty");
  else if (text.size() > max) problems.Add(path, "is longer than " + std::to_string(max) + " bytes");
}

std::optional<std::string> VillageOf(store::Connection& db, int64_t household_id) {
  auto s = db.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, household_id);
  if (!s->Step()) return std::nullopt;
  return s->Text(0);
}

bool AreaExists(store::Connection& db, const std::string& code) {
  auto s = db.Prepare("SELECT 1 FROM areas WHERE code = ?");
  s->BindText(1, code);
  return s->Step();
}

// Checks the input; returns the area of the matter and the category's days.
std::pair<std::string, int64_t> CheckInput(store::Connection& db, const GrievanceInput& in, Problems& problems) {
  if (!FindWire(kChannels, in.channel)) problems.Add("channel", "'" + in.channel + "' is not a channel");
  int64_t days = 0;
  for (const auto& c : GrievanceCategories(db)) {
    if (c.code == in.category) days = c.deadline_days;
  }
  if (days == 0) problems.Add("category", "'" + in.category + "' is not a category");
  CheckText(problems, in.text, "text", 4000);
  if (in.anonymous && (in.complainant || in.phone)) {
    problems.Add("complainant", "an anonymous grievance names no complainant");
  }
  if (!in.anonymous && (!in.complainant || in.complainant->empty())) problems.Add("complainant", "is required");
  if (in.complainant && in.complainant->size() > 100) problems.Add("complainant", "is longer than 100 bytes");
  if (in.phone && access::NormalizePhone(*in.phone).size() < 7) problems.Add("phone", "is not a phone number");
  if (!in.received_on.empty() && !Date::Parse(in.received_on)) {
    problems.Add("received_on", "'" + in.received_on + "' is not a date (YYYY-MM-DD)");
  }
  std::string area = in.area_code;
  if (in.household_id) {
    if (auto v = VillageOf(db, *in.household_id)) area = *v;
    else problems.Add("household_id", "no household " + std::to_string(*in.household_id));
  } else if (area.empty()) {
    problems.Add("area_code", "give the area of the matter or the household");
  } else if (!AreaExists(db, area)) {
    problems.Add("area_code", "'" + area + "' is not a known area");
  }
  return {area, days};
}

constexpr std::string_view kSelect =
    "SELECT g.id, g.number, g.channel, g.category, g.area_code, COALESCE(a.name, g.area_code), g.household_id,"
    " g.anonymous, g.complainant_masked, g.phone_masked, g.text, g.unit, g.status, g.received_on, g.deadline,"
    " g.answered_on, g.closed_on, g.answer, g.satisfaction, g.change_request_id, g.version"
    " FROM grievances g LEFT JOIN areas a ON a.code = g.area_code";

Grievance ReadRow(const store::Statement& s, const Date& today) {
  Grievance g;
  g.id = s.Int(0);
  g.number = s.Text(1);
  g.channel = s.Text(2);
  g.category = s.Text(3);
  g.area_code = s.Text(4);
  g.area_name = s.Text(5);
  g.household_id = s.OptionalInt(6);
  g.anonymous = s.Int(7) != 0;
  g.complainant = s.OptionalText(8);
  g.phone = s.OptionalText(9);
  g.text = s.Text(10);
  g.unit = s.Text(11);
  const auto status = ParseWire<GrievanceStatus>(kStatuses, s.Text(12));
  if (!status) throw Error::Internal("grievances.status holds '" + s.Text(12) + "', not one of " + WireList(kStatuses));
  g.status = *status;
  g.received_on = s.Text(13);
  g.deadline = s.Text(14);
  g.answered_on = s.OptionalText(15);
  g.closed_on = s.OptionalText(16);
  g.answer = s.Text(17);
  g.satisfaction = s.OptionalText(18);
  g.change_request_id = s.OptionalInt(19);
  g.version = s.Int(20);
  g.overdue = !g.answered_on && g.status != GrievanceStatus::kClosed && today.ToString() > g.deadline;
  return g;
}

Grievance Load(store::Connection& db, int64_t id, const Date& today) {
  auto s = db.Prepare(std::string(kSelect) + " WHERE g.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no grievance " + std::to_string(id));
  return ReadRow(*s, today);
}

access::Target TargetOf(const Grievance& g) { return {g.area_code, g.household_id, Entity(g.id)}; }

void AddStep(store::Connection& db, const Clock& clock, const Caller& caller, int64_t id, GrievanceStepKind step,
             const std::string& note) {
  auto s = db.Prepare("INSERT INTO grievance_steps (grievance_id, step, actor, note, at) VALUES (?, ?, ?, ?, ?)");
  s->BindInt(1, id);
  s->BindText(2, Wire(step));
  s->BindText(3, caller.user_name);
  s->BindText(4, note);
  s->BindInt(5, clock.NowSeconds());
  s->Run();
}

std::string NextNumber(store::Connection& db, const Date& day) {
  const std::string stem = fmt::format("XF{:04d}{:02d}{:02d}-", day.year, day.month, day.day);
  auto s = db.Prepare("SELECT count(*) FROM grievances WHERE number >= ? AND number < ?");
  s->BindText(1, stem);
  s->BindText(2, stem + ":");
  s->Step();
  return stem + fmt::format("{:04d}", s->Int(0) + 1);
}

}  // namespace

GrievanceStatusFilter ParseGrievanceStatusFilter(const std::optional<std::string>& wire, const std::string& field) {
  if (!wire || *wire == "open") return {};
  if (*wire == "all") return {GrievanceStatusFilter::Group::kAll};
  if (const auto status = ParseWire<GrievanceStatus>(kStatuses, *wire)) {
    return {GrievanceStatusFilter::Group::kOne, *status};
  }
  throw Error::InvalidArgument("invalid filter",
                               {{field, "'" + *wire + "' is not open, all or one of " + WireList(kStatuses)}});
}

std::span<const Term> GrievanceStatusTerms() { return kStatuses; }
std::span<const Term> GrievanceStepTerms() { return kSteps; }

std::string OpenStatusesSql() { return OpenSql(); }
std::string ApplicationChannelSql() { return SqlWire(kChannels, kApplicationChannel); }

std::vector<Vocabulary> GrievanceVocabularies() {
  return {{"grievance_channel", kChannels},
          {"grievance_status", kStatuses},
          {"grievance_step", kSteps},
          {"satisfaction", kSatisfaction}};
}

std::vector<Category> GrievanceCategories(store::Connection& db) {
  std::vector<Category> out;
  auto s = db.Prepare("SELECT code, label_zh, deadline_days FROM grievance_categories ORDER BY position");
  while (s->Step()) out.push_back({s->Text(0), s->Text(1), s->Int(2)});
  return out;
}

Grievances::Grievances(store::Connection& db, const Clock& clock, const access::PersonalDataProtector* protector)
    : db_(db), clock_(clock), protector_(protector ? *protector : access::CurrentProtector()) {}

Grievance Grievances::Intake(const Caller& caller, const GrievanceInput& in) {
  Problems problems;
  const auto [area, days] = CheckInput(db_, in, problems);
  access::Audit audit(db_, clock_);
  const access::Target where{area, in.household_id, "grievances"};
  access::Require(audit, caller, Ability::kRecordGrievance, where);
  if (!area.empty() && problems.empty()) access::Guard(audit).RequireRead(caller, Resource::kRegistry, where);
  problems.ThrowIfAny("invalid grievance");
  return Record(caller, in, area, days, nullptr);
}

Grievance Grievances::Record(const Caller& caller, const GrievanceInput& in, const std::string& area, int64_t days,
                             const ApplicationInput* application) {
  const Date received = in.received_on.empty() ? clock_.Today() : *Date::Parse(in.received_on);
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO grievances (number, channel, category, area_code, household_id, anonymous, complainant_enc,"
      " complainant_masked, " + std::string(access::kPhoneColumns) + ", text, status, received_on, deadline,"
      " recorded_by, created_at, updated_at, id_number_enc, id_number_masked, applies_for) VALUES (?1, ?2, ?3, ?4,"
      " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?20, ?13, ?14, ?15, ?16, ?16, ?17, ?18, ?19) RETURNING id");
  s->BindText(1, NextNumber(db_, received));
  s->BindText(2, in.channel);
  s->BindText(3, in.category);
  s->BindText(4, area);
  if (in.household_id) s->BindInt(5, *in.household_id);
  else s->BindNull(5);
  s->BindInt(6, in.anonymous ? 1 : 0);
  if (in.complainant) {
    s->BindBlob(7, protector_.Encrypt(*in.complainant));
    s->BindText(8, MaskName(*in.complainant));
  } else {
    s->BindNull(7);
    s->BindNull(8);
  }
  access::BindPhone(*s, 9, in.phone, &protector_);
  s->BindText(12, in.text);
  s->BindText(13, received.ToString());
  s->BindText(14, Date::FromDays(received.ToDays() + days).ToString());
  s->BindText(15, caller.user_name);
  s->BindInt(16, clock_.NowSeconds());
  if (application) {
    s->BindBlob(17, protector_.Encrypt(application->id_number));
    s->BindText(18, MaskIdNumber(application->id_number));
    s->BindText(19, application->applies_for);
  } else {
    for (int i = 17; i <= 19; ++i) s->BindNull(i);
  }
  s->BindText(20, Wire(GrievanceStatus::kReceived));
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  AddStep(db_, clock_, caller, id, GrievanceStepKind::kReceived, in.channel);
  Grievance g = Load(db_, id, clock_.Today());
  access::RecordChange(db_, clock_, caller, application ? "grievance.application" : "grievance.intake", Entity(id),
                       area, nullptr, GrievanceJson(g));
  tx.Commit();
  return g;
}

Grievance Grievances::Get(const Caller& caller, int64_t id) {
  Grievance g = Load(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kReadGrievances, TargetOf(g));
  access::Guard(audit).RequireRead(caller, Resource::kRegistry, TargetOf(g));
  auto s = db_.Prepare("SELECT step, actor, note, at FROM grievance_steps WHERE grievance_id = ? ORDER BY id");
  s->BindInt(1, id);
  while (s->Step()) g.steps.push_back({s->Text(0), s->Text(1), s->Text(2), s->Int(3)});
  return g;
}

namespace {

GrievancePage ReadPage(store::Connection& db, const std::string& where, const std::vector<std::string>& texts,
                       int64_t limit, int64_t offset, const Date& today) {
  auto bind = [&](store::Statement& s) {
    for (size_t i = 0; i < texts.size(); ++i) s.BindText(static_cast<int>(i + 1), texts[i]);
  };
  const std::string overdue =
      "(g.answered_on IS NULL AND g.status IN " + OpenSql() + " AND g.deadline < '" + today.ToString() + "')";
  GrievancePage page;
  auto c = db.Prepare("SELECT count(*), COALESCE(sum(CASE WHEN " + overdue + " THEN 1 ELSE 0 END), 0) FROM grievances g" +
                      where);
  bind(*c);
  c->Step();
  page.total = c->Int(0);
  page.overdue = c->Int(1);
  auto s = db.Prepare(std::string(kSelect) + where + " ORDER BY g.received_on, g.id LIMIT " + std::to_string(limit) +
                      " OFFSET " + std::to_string(offset));
  bind(*s);
  while (s->Step()) page.items.push_back(ReadRow(*s, today));
  return page;
}

}  // namespace

GrievancePage Grievances::List(const Caller& caller, const GrievanceFilter& f) {
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kReadGrievances, {caller.area_scope, std::nullopt, "grievances"});
  std::string area = access::ReadScopeFor(caller, Resource::kRegistry).area_prefix;
  if (!f.area_code.empty()) {
    area = registry::RequireAreaCode(f.area_code, "area");
    access::Guard(audit).RequireRead(caller, Resource::kRegistry, {area, std::nullopt, "grievances"});
  }
  Problems problems;
  if (f.year && (*f.year < 2000 || *f.year > 2100)) problems.Add("year", "is not between 2000 and 2100");
  if (f.limit < 1 || f.limit > 500) problems.Add("limit", "must be between 1 and 500");
  if (f.offset < 0) problems.Add("offset", "must not be negative");
  problems.ThrowIfAny("invalid filter");
  const Date today = clock_.Today();
  std::string where = " WHERE g.area_code >= ?1 AND g.area_code < ?2 AND (?3 = '' OR g.category = ?3)";
  std::vector<std::string> texts = {area, SubtreeEnd(area), f.category};
  if (f.status.group == GrievanceStatusFilter::Group::kOpen) {
    where += " AND g.status IN " + OpenSql();
  } else if (f.status.group == GrievanceStatusFilter::Group::kOne) {
    where += " AND g.status = ?4";
    texts.emplace_back(Wire(f.status.status));
  }
  if (f.overdue_only) {
    where += " AND g.answered_on IS NULL AND g.status IN " + OpenSql() + " AND g.deadline < '" +
             today.ToString() + "'";
  }
  if (f.year) where += " AND g.received_on >= '" + std::to_string(*f.year) + "' AND g.received_on < '" +
                       std::to_string(*f.year + 1) + "'";
  if (f.household_id) where += " AND g.household_id = " + std::to_string(*f.household_id);
  return ReadPage(db_, where, texts, f.limit, f.offset, today);
}

GrievancePage Grievances::Waiting(const Caller& caller, int64_t limit) {
  GrievancePage none;
  if (!access::Can(caller, Ability::kHandleGrievance)) return none;
  const auto scope = access::ReadScopeFor(caller, Resource::kRegistry);
  if (!scope.allowed || scope.paired_households_only) return none;
  return ReadPage(db_, " WHERE g.area_code >= ?1 AND g.area_code < ?2 AND g.status IN " + OpenSql(),
                  {scope.area_prefix, SubtreeEnd(scope.area_prefix)}, std::clamp<int64_t>(limit, 1, 500), 0, clock_.Today());
}

namespace {

// Moves the grievance on if it is still at `expected_version`; `sets` are the
// extra assignments ("answer = ?4"), bound from `texts` starting at ?4.
void Update(store::Connection& db, const Clock& clock, int64_t id, int64_t expected_version, const std::string& sets,
            const std::vector<std::optional<std::string>>& texts) {
  auto s = db.Prepare("UPDATE grievances SET " + sets + ", version = version + 1, updated_at = ?1"
                      " WHERE id = ?2 AND version = ?3");
  s->BindInt(1, clock.NowSeconds());
  s->BindInt(2, id);
  s->BindInt(3, expected_version);
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i]) s->BindText(static_cast<int>(i + 4), *texts[i]);
    else s->BindNull(static_cast<int>(i + 4));
  }
  if (s->Run() != 1) {
    throw Error::Conflict("grievance " + std::to_string(id) + " was changed by someone else since version " +
                          std::to_string(expected_version) + "; reload it and try again");
  }
}

void RequireFrom(const Grievance& g, std::initializer_list<GrievanceStatus> statuses, const std::string& step) {
  for (const GrievanceStatus s : statuses) {
    if (g.status == s) return;
  }
  throw Error::FailedPrecondition("grievance " + g.number + " is " + Wire(g.status) + "; it cannot be " + step +
                                  " now");
}

// What a step changes: the grievance's columns (`sets`, bound from `values` at ?4) and the step's own problems.
struct StepChange {
  std::string sets;
  std::vector<std::optional<std::string>> values;
};

StepChange ChangeOfStep(const Grievance& g, GrievanceStepKind step, const std::string& text,
                        const std::optional<std::string>& satisfaction, const std::string& today, Problems& problems) {
  switch (step) {
    case GrievanceStepKind::kInvestigating:
      RequireFrom(g, {GrievanceStatus::kAccepted}, "investigated");
      return {SetStatus(GrievanceStatus::kInvestigating), {}};
    case GrievanceStepKind::kAnswered:
      RequireFrom(g, {GrievanceStatus::kAccepted, GrievanceStatus::kInvestigating}, "answered");
      CheckText(problems, text, "answer", 4000);
      return {SetStatus(GrievanceStatus::kAnswered) + ", answer = ?4, answered_on = ?5", {text, today}};
    case GrievanceStepKind::kClosed:
      RequireFrom(g, {GrievanceStatus::kAnswered}, "closed");
      if (satisfaction && !FindWire(kSatisfaction, *satisfaction)) {
        problems.Add("satisfaction", "'" + *satisfaction + "' is not " + WireList(kSatisfaction));
      }
      return {SetStatus(GrievanceStatus::kClosed) + ", closed_on = ?4, satisfaction = ?5", {today, satisfaction}};
    case GrievanceStepKind::kReopened:
      RequireFrom(g, {GrievanceStatus::kAnswered, GrievanceStatus::kClosed}, "reopened");
      CheckText(problems, text, "reason", 2000);
      return {SetStatus(GrievanceStatus::kInvestigating) + ", answered_on = NULL, closed_on = NULL, satisfaction = NULL",
              {}};
    default:
      return {};
  }
}

}  // namespace

Grievance Grievances::Accept(const Caller& caller, int64_t id, int64_t expected_version, const std::string& unit,
                             const std::string& note) {
  const Grievance g = Load(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kHandleGrievance, TargetOf(g));
  access::Guard(audit).RequireWrite(caller, Resource::kRegistry, TargetOf(g));
  RequireFrom(g, {GrievanceStatus::kReceived}, "accepted");
  Problems problems;
  CheckText(problems, unit, "unit", 200);
  problems.ThrowIfAny("invalid acceptance");
  store::Transaction tx(db_);
  Update(db_, clock_, id, expected_version, SetStatus(GrievanceStatus::kAccepted) + ", unit = ?4", {unit});
  AddStep(db_, clock_, caller, id, GrievanceStepKind::kAccepted, note.empty() ? unit : unit + "：" + note);
  access::RecordChange(db_, clock_, caller, "grievance.accept", Entity(id), g.area_code, {{"status", Wire(g.status)}},
                       {{"status", Wire(GrievanceStatus::kAccepted)}, {"unit", unit}});
  tx.Commit();
  return Get(caller, id);
}

Grievance Grievances::Step(const Caller& caller, int64_t id, int64_t expected_version, const std::string& step,
                           const std::string& text, const std::optional<std::string>& satisfaction) {
  const Grievance g = Load(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kHandleGrievance, TargetOf(g));
  access::Guard(audit).RequireWrite(caller, Resource::kRegistry, TargetOf(g));
  // The steps a handler takes here; received, accepted and change_requested have their own calls.
  constexpr GrievanceStepKind kTaken[] = {GrievanceStepKind::kInvestigating, GrievanceStepKind::kAnswered,
                                          GrievanceStepKind::kClosed, GrievanceStepKind::kReopened};
  const auto kind = ParseWire<GrievanceStepKind>(kSteps, step);
  Problems problems;
  if (!kind || std::find(std::begin(kTaken), std::end(kTaken), *kind) == std::end(kTaken)) {
    problems.Add("step", "'" + step + "' is not investigating, answered, closed or reopened");
    problems.ThrowIfAny("invalid step");
  }
  const StepChange change = ChangeOfStep(g, *kind, text, satisfaction, clock_.Today().ToString(), problems);
  problems.ThrowIfAny("invalid step");
  store::Transaction tx(db_);
  Update(db_, clock_, id, expected_version, change.sets, change.values);
  const bool closing = *kind == GrievanceStepKind::kClosed;
  AddStep(db_, clock_, caller, id, *kind, closing ? satisfaction.value_or("") : text);
  access::RecordChange(db_, clock_, caller, "grievance." + step, Entity(id), g.area_code, {{"status", Wire(g.status)}},
                       {{"step", step}, {"text", text}, {"satisfaction", satisfaction ? json(*satisfaction) : json()}});
  tx.Commit();
  return Get(caller, id);
}

Grievance Grievances::RequestChange(const Caller& caller, int64_t id, int64_t expected_version,
                                    const ChangeProposal& proposal) {
  const Grievance g = Load(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kHandleGrievance, TargetOf(g));
  if (g.status == GrievanceStatus::kClosed) {
    RequireFrom(g, {GrievanceStatus::kReceived, GrievanceStatus::kAccepted, GrievanceStatus::kInvestigating,
                    GrievanceStatus::kAnswered},
                "linked to a change");
  }
  store::Transaction tx(db_);
  ChangeProposal linked = proposal;
  linked.evidence.push_back("信访 " + g.number);
  const ChangeRequest r = ChangeRequests(db_, clock_, &protector_).Propose(caller, linked);
  Update(db_, clock_, id, expected_version, "change_request_id = " + std::to_string(r.id), {});
  AddStep(db_, clock_, caller, id, GrievanceStepKind::kChangeRequested, "change_request/" + std::to_string(r.id));
  access::RecordChange(db_, clock_, caller, "grievance.change_request", Entity(id), g.area_code, nullptr,
                       {{"change_request_id", r.id}});
  tx.Commit();
  return Get(caller, id);
}

Complainant Grievances::Reveal(const Caller& caller, int64_t id) {
  const Grievance g = Load(db_, id, clock_.Today());
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kHandleGrievance, TargetOf(g));
  access::Guard(audit).RequireWrite(caller, Resource::kRegistry, TargetOf(g));
  auto s = db_.Prepare("SELECT complainant_enc, phone_enc FROM grievances WHERE id = ?");
  s->BindInt(1, id);
  s->Step();
  Complainant c;
  if (!s->IsNull(0)) c.name = protector_.Decrypt(s->Blob(0));
  if (!s->IsNull(1)) c.phone = protector_.Decrypt(s->Blob(1));
  store::Transaction tx(db_);
  access::RecordChange(db_, clock_, caller, "grievance.complainant_view", Entity(id), g.area_code, nullptr,
                       {{"complainant", g.complainant ? json(*g.complainant) : json()},
                        {"phone", g.phone ? json(*g.phone) : json()}});
  tx.Commit();
  return c;
}

GrievanceFigures Grievances::Figures(const Caller& caller, const std::string& area_code, std::optional<int> year,
                                     const std::string& by) {
  access::Audit audit(db_, clock_);
  access::Require(audit, caller, Ability::kReadGrievances, {caller.area_scope, std::nullopt, "grievance_figures"});
  GrievanceFigures out;
  out.area_code = access::ReadScopeFor(caller, Resource::kRegistry).area_prefix;
  if (!area_code.empty()) {
    out.area_code = registry::RequireAreaCode(area_code, "area");
    access::Guard(audit).RequireRead(caller, Resource::kRegistry, {out.area_code, std::nullopt, "grievance_figures"});
  }
  out.year = year;
  out.by = by.empty() ? "area" : by;
  if (out.by != "area" && out.by != "category" && out.by != "channel" && out.by != "year") {
    throw Error::InvalidArgument("invalid grouping", {{"by", "'" + by + "' is not one of area, category, channel, year"}});
  }
  const size_t n = out.area_code.size();
  const size_t child_len = n == 0 ? 2 : n == 2 ? 4 : n == 4 ? 6 : n == 6 ? 9 : 12;
  const std::string key = out.by == "area"     ? "substr(g.area_code, 1, " + std::to_string(child_len) + ")"
                          : out.by == "category" ? "g.category"
                          : out.by == "channel"  ? "g.channel"
                                                 : "substr(g.received_on, 1, 4)";
  const std::string today = clock_.Today().ToString();
  auto s = db_.Prepare(
      "SELECT t.*, COALESCE(a.name, t.k) FROM (SELECT " + key + " AS k, count(*) AS received,"
      " sum(CASE WHEN g.answered_on IS NOT NULL THEN 1 ELSE 0 END) AS answered,"
      " sum(CASE WHEN g.answered_on IS NOT NULL AND g.answered_on <= g.deadline THEN 1 ELSE 0 END) AS on_time,"
      " sum(CASE WHEN g.answered_on IS NULL AND g.status IN " + OpenSql() + " AND g.deadline < ?3 THEN 1 ELSE 0 END) AS overdue,"
      " sum(CASE WHEN g.satisfaction IS NOT NULL THEN 1 ELSE 0 END) AS rated,"
      " sum(CASE WHEN g.satisfaction = 'satisfied' OR g.satisfaction = 'basically_satisfied' THEN 1 ELSE 0 END) AS satisfied"
      " FROM grievances g WHERE g.area_code >= ?1 AND g.area_code < ?2"
      " AND (?4 = '' OR substr(g.received_on, 1, 4) = ?4) GROUP BY " + key + ") t"
      " LEFT JOIN areas a ON a.code = t.k ORDER BY t.k");
  s->BindText(1, out.area_code);
  s->BindText(2, SubtreeEnd(out.area_code));
  s->BindText(3, today);
  s->BindText(4, year ? std::to_string(*year) : "");
  std::map<std::string, std::string> labels;
  for (const auto& c : GrievanceCategories(db_)) labels[c.code] = c.label_zh;
  while (s->Step()) {
    GrievanceFigureRow r{s->Text(0), "", s->Int(1), s->Int(2), s->Int(3), s->Int(4), s->Int(5), s->Int(6)};
    r.label = out.by == "category" ? labels[r.key]
              : out.by == "channel"  ? std::string(LabelOfWire(kChannels, r.key))
                                     : s->Text(7);
    out.total.received += r.received;
    out.total.answered += r.answered;
    out.total.answered_on_time += r.answered_on_time;
    out.total.overdue += r.overdue;
    out.total.rated += r.rated;
    out.total.satisfied += r.satisfied;
    out.rows.push_back(std::move(r));
  }
  out.total.key = out.area_code;
  out.total.label = "合计";
  return out;
}

namespace {

void CheckApplication(store::Connection& db, const ApplicationInput& a, const Date& today, Problems& problems) {
  CheckText(problems, a.name, "name", 60);
  if (a.id_number.empty()) {
    problems.Add("id_number", "must not be empty");
  } else if (const IdNumberCheck id = CheckIdNumber(a.id_number, today); !id.number) {
    problems.Add("id_number", id.problem);
  }
  const std::string digits = access::NormalizePhone(a.phone);
  if (a.phone.empty()) {
    problems.Add("phone", "must not be empty");
  } else if (digits.size() < 7 || digits.size() > 15 || digits.find_first_not_of("0123456789") != std::string::npos) {
    problems.Add("phone", "'" + a.phone + "' is not a phone number");
  }
  if (a.village_code.size() != 12 || a.village_code.find_first_not_of("0123456789") != std::string::npos) {
    problems.Add("village_code", "'" + a.village_code + "' is not a village code (12 digits)");
  } else if (auto area = registry::FindArea(db, a.village_code); !area || area->level != AreaLevel::kVillage) {
    problems.Add("village_code", "no village " + a.village_code);
  }
  if (a.applies_for != "monitoring" && a.applies_for != "assistance") {
    problems.Add("applies_for", "'" + a.applies_for + "' is not monitoring or assistance");
  }
  CheckText(problems, a.text, "text", 2000);
}

// The current household of the registered person holding `id_number`, if any.
std::optional<std::pair<int64_t, std::string>> HouseholdOf(store::Connection& db,
                                                          const access::PersonalDataProtector& protector,
                                                          const std::string& id_number) {
  const std::vector<std::string> numbers = {id_number};
  const auto found = registry::LookupPersonsByIdNumber(db, protector, numbers);
  if (found.empty() || !found[0]) return std::nullopt;
  auto s = db.Prepare(
      "SELECT h.id, h.village_code FROM memberships m JOIN households h ON h.id = m.household_id"
      " WHERE m.person_id = ? AND m.end_date IS NULL");
  s->BindInt(1, *found[0]);
  if (!s->Step()) return std::nullopt;
  return std::make_pair(s->Int(0), s->Text(1));
}

}  // namespace

Grievance Grievances::SubmitApplication(const ApplicationInput& input, Problems problems) {
  const Date today = clock_.Today();
  CheckApplication(db_, input, today, problems);
  problems.ThrowIfAny("invalid application");
  ApplicationInput a = input;
  a.id_number = CheckIdNumber(input.id_number, today).number->text;
  GrievanceInput in;
  in.channel = "self_application";
  in.category = "self_application";
  in.complainant = a.name;
  in.phone = a.phone;
  in.text = a.text;
  std::string area = a.village_code;
  if (auto home = HouseholdOf(db_, protector_, a.id_number)) {
    in.household_id = home->first;
    area = home->second;
  }
  int64_t days = 15;
  for (const auto& c : GrievanceCategories(db_)) {
    if (c.code == in.category) days = c.deadline_days;
  }
  return Record(access::ApplicationDesk(), in, area, days, &a);
}

ApplicationState Grievances::ApplicationStateOf(const std::string& number, const std::string& phone) {
  auto s = db_.Prepare("SELECT id FROM grievances WHERE number = ? AND phone_index = ? AND channel = " +
                       ApplicationChannelSql());
  s->BindText(1, number);
  s->BindText(2, access::PhoneIndex(protector_, phone));
  if (!s->Step()) throw Error::NotFound("no application " + number + " with this phone number");
  const Grievance g = Load(db_, s->Int(0), clock_.Today());
  return {g.number, Wire(g.status), LabelOf(kStatuses, g.status), g.received_on, g.deadline, g.answered_on, g.answer};
}

json ApplicationStateJson(const ApplicationState& a) {
  return {{"number", a.number},
          {"status", a.status},
          {"status_label", a.status_label},
          {"received_on", a.received_on},
          {"deadline", a.deadline},
          {"answered_on", a.answered_on ? json(*a.answered_on) : json(nullptr)},
          {"answer", a.answer}};
}

json GrievanceJson(const Grievance& g) {
  auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  json steps = json::array();
  for (const auto& s : g.steps) {
    steps.push_back({{"step", s.step}, {"step_label", LabelOfWire(kSteps, s.step)}, {"actor", s.actor},
                     {"note", s.note}, {"at", s.at}});
  }
  return {{"id", g.id},
          {"number", g.number},
          {"channel", g.channel},
          {"channel_label", LabelOfWire(kChannels, g.channel)},
          {"category", g.category},
          {"area_code", g.area_code},
          {"area_name", g.area_name},
          {"household_id", opt(g.household_id)},
          {"anonymous", g.anonymous},
          {"complainant", opt(g.complainant)},
          {"phone", opt(g.phone)},
          {"text", g.text},
          {"unit", g.unit},
          {"status", Wire(g.status)},
          {"status_label", LabelOf(kStatuses, g.status)},
          {"received_on", g.received_on},
          {"deadline", g.deadline},
          {"answered_on", opt(g.answered_on)},
          {"closed_on", opt(g.closed_on)},
          {"answer", g.answer},
          {"satisfaction", opt(g.satisfaction)},
          {"change_request_id", opt(g.change_request_id)},
          {"overdue", g.overdue},
          {"version", g.version},
          {"steps", steps}};
}

json GrievancePageJson(const GrievancePage& page) {
  json items = json::array();
  for (const auto& g : page.items) items.push_back(GrievanceJson(g));
  return {{"items", items}, {"total", page.total}, {"overdue", page.overdue}};
}

json GrievanceFiguresJson(const GrievanceFigures& f) {
  auto row = [](const GrievanceFigureRow& r) {
    const double on_time = r.answered == 0 ? 0.0 : 100.0 * static_cast<double>(r.answered_on_time) / static_cast<double>(r.answered);
    const double satisfied = r.rated == 0 ? 0.0 : 100.0 * static_cast<double>(r.satisfied) / static_cast<double>(r.rated);
    return json{{"key", r.key},           {"label", r.label},
                {"received", r.received}, {"answered", r.answered},
                {"answered_on_time", r.answered_on_time}, {"overdue", r.overdue},
                {"rated", r.rated},       {"satisfied", r.satisfied},
                {"on_time_rate", std::round(on_time * 100) / 100}, {"satisfaction_rate", std::round(satisfied * 100) / 100}};
  };
  json rows = json::array();
  for (const auto& r : f.rows) rows.push_back(row(r));
  return {{"area_code", f.area_code}, {"year", f.year ? json(*f.year) : json()}, {"by", f.by}, {"rows", rows},
          {"total", row(f.total)}};
}

}  // namespace fupin::grievance
