#include "projects/projects.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/pairing.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/vocabulary.h"
#include "io/table_writer.h"
#include "registry/areas.h"

namespace fupin::projects {
namespace {

using access::Resource;
using nlohmann::json;

template <class E>
constexpr Term T(E value, const char* wire, const char* zh) {
  return {static_cast<int>(value), wire, zh};
}
using K = ProjectKind;
constexpr Term kKinds[] = {
    T(K::kIndustry, "industry", "产业扶贫"),       T(K::kWater, "water", "饮水安全"),
    T(K::kRoad, "road", "道路交通"),               T(K::kPower, "power", "电力"),
    T(K::kInfrastructureOther, "infrastructure_other", "其他基础设施"),
    T(K::kRelocation, "relocation", "易地扶贫搬迁配套"), T(K::kHousing, "housing", "危房改造"),
    T(K::kEducation, "education", "教育扶贫"),     T(K::kHealth, "health", "健康扶贫"),
    T(K::kEmployment, "employment", "就业扶贫"),   T(K::kPhotovoltaic, "photovoltaic", "光伏扶贫"),
    T(K::kOther, "other", "其他")};
constexpr Term kLevels[] = {T(ProjectLevel::kProvincial, "provincial", "省级"),
                            T(ProjectLevel::kMunicipal, "municipal", "市级"),
                            T(ProjectLevel::kCounty, "county", "县级")};
using S = ProjectStatus;
constexpr Term kSteps[] = {T(S::kProposed, "proposed", "申报"), T(S::kReviewed, "reviewed", "审核"),
                           T(S::kListed, "listed", "入库"),     T(S::kApproved, "approved", "批复"),
                           T(S::kUnderWay, "under_way", "实施"), T(S::kAccepted, "accepted", "验收"),
                           T(S::kCompleted, "completed", "完工"), T(S::kWithdrawn, "withdrawn", "撤销")};
constexpr Term kAssetKinds[] = {T(AssetKind::kProductive, "productive", "经营性资产"),
                                T(AssetKind::kPublicWelfare, "public_welfare", "公益性资产"),
                                T(AssetKind::kHousehold, "household", "到户类资产")};
constexpr Term kStationKinds[] = {T(StationKind::kJoint, "joint", "联村并建"), T(StationKind::kCentral, "central", "集中式"),
                                  T(StationKind::kVillage, "village", "村级")};
constexpr Term kDistributionKinds[] = {T(DistributionKind::kDividend, "dividend", "分红"),
                                       T(DistributionKind::kPublicPost, "public_post", "公益岗位"),
                                       T(DistributionKind::kOther, "other", "其他")};
constexpr Term kNoticeKinds[] = {T(NoticeKind::kPlan, "plan", "计划公示"), T(NoticeKind::kResult, "result", "结果公示")};

// A wire string of a closed set, or invalid_argument naming the field and the accepted values.
template <class E>
E ParseField(std::span<const Term> terms, const std::string& wire, const std::string& field) {
  const auto v = ParseWire<E>(terms, wire);
  if (!v) {
    throw Error::InvalidArgument("invalid " + field, {{field, "'" + wire + "' is not one of " + WireList(terms)}});
  }
  return *v;
}
// The same where problems are gathered: nullopt after adding the problem.
template <class E>
std::optional<E> ParseField(std::span<const Term> terms, const std::string& wire, const std::string& field,
                            std::vector<ErrorDetail>& problems) {
  const auto v = ParseWire<E>(terms, wire);
  if (!v) problems.push_back({field, "'" + wire + "' is not one of " + WireList(terms)});
  return v;
}
// A value the database holds: a stored string outside the set is a fault of the data, not of the caller.
template <class E>
E ParseStored(std::span<const Term> terms, const std::string& stored, const char* column) {
  const auto v = ParseWire<E>(terms, stored);
  if (!v) throw Error::Internal(std::string(column) + " holds '" + stored + "', not one of " + WireList(terms));
  return *v;
}
std::string LabelOfCode(std::span<const Term> terms, const std::string& code) {
  const char* zh = LabelOfWire(terms, code);
  return *zh != 0 ? zh : code;
}

void Require(const Caller& caller, access::Access a, store::Connection& db, const Clock& clock,
             const std::string& area, const std::string& entity) {
  access::Audit audit(db, clock);
  access::Guard(audit).Require(caller, a, Resource::kProjects, {area, std::nullopt, entity});
}

// Writes of funds (allocations, assignments, disbursements): the offices and
// the finance department, in their scope (access::Ability::kWriteFunds).
void RequireFunds(const Caller& caller, store::Connection& db, const Clock& clock, const std::string& area,
                  const std::string& entity) {
  access::Audit audit(db, clock);
  access::RequireInScope(audit, caller, access::Ability::kWriteFunds, {area, std::nullopt, entity});
}

std::string Yuan(Fen f) { return FormatYuan(f) + " yuan"; }

Date RequireDate(const std::string& text, const std::string& field, const Clock& clock) {
  if (text.empty()) return clock.Today();
  const auto d = Date::Parse(text);
  if (!d) throw Error::InvalidArgument("invalid date", {{field, "'" + text + "' is not a date (YYYY-MM-DD)"}});
  return *d;
}

void RequireYear(int year, const std::string& field) {
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{field, std::to_string(year) + " is not between 2000 and 2100"}});
  }
}

void RequireAmount(Fen amount, const std::string& field) {
  if (amount <= 0) throw Error::InvalidArgument("invalid amount", {{field, "must be more than 0"}});
}

void RequireText(std::vector<ErrorDetail>& problems, const std::string& text, const std::string& field) {
  if (text.empty()) problems.push_back({field, "must not be empty"});
  else if (text.size() > 400) problems.push_back({field, "is longer than 400 bytes"});
}

// The area (natural code) of a project, or not_found.
struct ProjectHead {
  std::string area_code;
  ProjectStatus status = ProjectStatus::kProposed;
  std::string name;
  int64_t version = 0;
};
ProjectHead LoadHead(store::Connection& db, int64_t id) {
  auto s = db.Prepare("SELECT area_code, status, name, version FROM projects WHERE id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no project " + std::to_string(id));
  return {s->Text(0), ParseStored<ProjectStatus>(kSteps, s->Text(1), "projects.status"), s->Text(2), s->Int(3)};
}

int64_t MembersOf(store::Connection& db, int64_t household_id) {
  auto s = db.Prepare("SELECT count(*) FROM memberships WHERE household_id = ? AND end_date IS NULL");
  s->BindInt(1, household_id);
  s->Step();
  return s->Int(0);
}

// Checks that every household exists and lies in `area`; returns its village.
std::string HouseholdVillage(store::Connection& db, int64_t household_id, const std::string& field) {
  auto s = db.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, household_id);
  if (!s->Step()) throw Error::InvalidArgument("no household " + std::to_string(household_id),
                                               {{field, "no household " + std::to_string(household_id)}});
  return s->Text(0);
}

constexpr std::string_view kProjectSelect =
    "SELECT p.id, p.name, p.kind, p.level, p.area_code, COALESCE(a.name, p.area_code), p.start_year, p.end_year,"
    " p.implementer, p.status, p.outside_beneficiaries, p.version,"
    " (SELECT count(*) FROM project_households h WHERE h.project_id = p.id),"
    " (SELECT COALESCE(sum(h.persons), 0) FROM project_households h WHERE h.project_id = p.id),"
    " (SELECT COALESCE(sum(b.amount_fen), 0) FROM project_budgets b WHERE b.project_id = p.id),"
    " (SELECT COALESCE(sum(g.amount_fen), 0) FROM fund_assignments g WHERE g.project_id = p.id),"
    " (SELECT COALESCE(sum(d.amount_fen), 0) FROM fund_disbursements d WHERE d.project_id = p.id)"
    " FROM projects p LEFT JOIN areas a ON a.code = p.area_code";

Project ReadProject(const store::Statement& s) {
  Project p;
  p.id = s.Int(0);
  p.name = s.Text(1);
  p.kind = s.Text(2);
  p.level = s.Text(3);
  p.area_code = s.Text(4);
  p.area_name = s.Text(5);
  p.start_year = static_cast<int>(s.Int(6));
  p.end_year = static_cast<int>(s.Int(7));
  p.implementer = s.Text(8);
  p.status = s.Text(9);
  p.outside_beneficiaries = s.Int(10);
  p.version = s.Int(11);
  p.households = s.Int(12);
  p.persons = s.Int(13);
  p.budget_fen = s.Int(14);
  p.given_fen = s.Int(15);
  p.spent_fen = s.Int(16);
  return p;
}

json ProjectAudit(const Project& p) {
  return {{"name", p.name}, {"kind", p.kind}, {"level", p.level}, {"area_code", p.area_code}, {"status", p.status}};
}

// The project's own fields; its area (natural code) when that names a county, township or village.
std::optional<std::string> CheckProject(store::Connection& db, const ProjectInput& in,
                                        std::vector<ErrorDetail>& problems) {
  RequireText(problems, in.name, "name");
  RequireText(problems, in.implementer, "implementer");
  ParseField<ProjectKind>(kKinds, in.kind, "kind", problems);
  ParseField<ProjectLevel>(kLevels, in.level, "level", problems);
  if (in.start_year < 2000 || in.start_year > 2100) problems.push_back({"start_year", "is not between 2000 and 2100"});
  if (in.end_year < in.start_year || in.end_year > 2100) problems.push_back({"end_year", "is before start_year or after 2100"});
  if (in.outside_beneficiaries < 0) problems.push_back({"outside_beneficiaries", "must not be negative"});
  if (const auto a = NormalizeAreaCode(in.area_code); !a || a->size() < 6) {
    problems.push_back({"area_code", "'" + in.area_code + "' is not a county, township or village code"});
  } else if (!registry::FindArea(db, *a)) {
    problems.push_back({"area_code", "no area " + *a});
  } else {
    return *a;
  }
  return std::nullopt;
}

// The planned budget: known fund sources, each once, no negative amount.
void CheckBudget(const std::vector<std::pair<std::string, Fen>>& budget,
                 const std::vector<std::pair<std::string, std::string>>& sources, std::vector<ErrorDetail>& problems) {
  std::set<std::string> seen;
  for (size_t i = 0; i < budget.size(); ++i) {
    // Named members, not a structured binding: the lambda below uses `source`, and a
    // structured binding cannot be captured before C++20's P1091 (clang 14 refuses it).
    const auto& source = budget[i].first;
    const auto& amount = budget[i].second;
    const std::string path = "budget/" + std::to_string(i);
    if (std::none_of(sources.begin(), sources.end(), [&](const auto& s) { return s.first == source; })) {
      problems.push_back({path + "/source", "'" + source + "' is not a fund source"});
    } else if (!seen.insert(source).second) {
      problems.push_back({path + "/source", "'" + source + "' is given twice"});
    }
    if (amount < 0) problems.push_back({path + "/amount", "must not be negative"});
  }
}

// The planned outputs: named, with a unit, each item once, no negative quantity.
void CheckOutputs(const std::vector<Output>& outputs, std::vector<ErrorDetail>& problems) {
  std::set<std::string> items;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& o = outputs[i];
    const std::string path = "outputs/" + std::to_string(i);
    RequireText(problems, o.item, path + "/item");
    RequireText(problems, o.unit, path + "/unit");
    if (!o.item.empty() && !items.insert(o.item).second) problems.push_back({path + "/item", "is given twice"});
    if (o.planned_milli < 0 || (o.actual_milli && *o.actual_milli < 0)) {
      problems.push_back({path, "quantities must not be negative"});
    }
  }
}

// A county project may benefit any village of the county; a village project only its own households.
void CheckBeneficiaries(store::Connection& db, const std::vector<int64_t>& household_ids, const std::string& area) {
  for (size_t i = 0; i < household_ids.size(); ++i) {
    const std::string village = HouseholdVillage(db, household_ids[i], "household_ids/" + std::to_string(i));
    if (!AreaContains(area, village) && !AreaContains(village, area)) {
      throw Error::InvalidArgument("household outside the project's area",
                                   {{"household_ids/" + std::to_string(i),
                                     "household " + std::to_string(household_ids[i]) + " lives in " + village +
                                         ", outside " + area}});
    }
  }
}

// The project's row, proposed; its id.
int64_t InsertProject(store::Connection& db, const ProjectInput& in, const std::string& area, int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO projects (name, kind, level, area_code, start_year, end_year, implementer, status,"
      " outside_beneficiaries, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, " +
      SqlWire(kSteps, S::kProposed) + ", ?, ?, ?) RETURNING id");
  s->BindText(1, in.name);
  s->BindText(2, in.kind);
  s->BindText(3, in.level);
  s->BindText(4, area);
  s->BindInt(5, in.start_year);
  s->BindInt(6, in.end_year);
  s->BindText(7, in.implementer);
  s->BindInt(8, in.outside_beneficiaries);
  s->BindInt(9, now);
  s->BindInt(10, now);
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  return id;
}

// The project's budget lines, beneficiary households (with today's members) and planned outputs.
void InsertProjectParts(store::Connection& db, int64_t id, const ProjectInput& in) {
  auto b = db.Prepare("INSERT INTO project_budgets (project_id, source, amount_fen) VALUES (?, ?, ?)");
  for (const auto& [source, amount] : in.budget) {
    b->BindInt(1, id);
    b->BindText(2, source);
    b->BindInt(3, amount);
    b->Run();
    b->Reset();
  }
  const std::set<int64_t> households(in.household_ids.begin(), in.household_ids.end());
  auto h = db.Prepare("INSERT INTO project_households (project_id, household_id, persons) VALUES (?, ?, ?)");
  for (int64_t hh : households) {
    h->BindInt(1, id);
    h->BindInt(2, hh);
    h->BindInt(3, MembersOf(db, hh));
    h->Run();
    h->Reset();
  }
  auto o = db.Prepare(
      "INSERT INTO project_outputs (project_id, item, unit, planned_milli, actual_milli) VALUES (?, ?, ?, ?, ?)");
  for (const auto& out : in.outputs) {
    o->BindInt(1, id);
    o->BindText(2, out.item);
    o->BindText(3, out.unit);
    o->BindInt(4, out.planned_milli);
    o->BindOptionalInt(5, out.actual_milli);
    o->Run();
    o->Reset();
  }
}

}  // namespace

std::span<const Term> ProjectKinds() { return kKinds; }
std::span<const Term> ProjectLevels() { return kLevels; }
std::span<const Term> ProjectSteps() { return kSteps; }
std::span<const Term> AssetKinds() { return kAssetKinds; }
std::span<const Term> StationKinds() { return kStationKinds; }
std::span<const Term> DistributionKinds() { return kDistributionKinds; }
std::span<const Term> NoticeKinds() { return kNoticeKinds; }

std::vector<Vocabulary> Vocabularies() {
  return {{"project_kind", kKinds},         {"project_level", kLevels},        {"project_step", kSteps},
          {"asset_kind", kAssetKinds},      {"station_kind", kStationKinds},   {"distribution_kind", kDistributionKinds},
          {"notice_kind", kNoticeKinds}};
}

std::vector<std::pair<std::string, std::string>> FundSources(store::Connection& db) {
  std::vector<std::pair<std::string, std::string>> out;
  auto s = db.Prepare("SELECT code, label_zh FROM fund_sources ORDER BY position");
  while (s->Step()) out.emplace_back(s->Text(0), s->Text(1));
  return out;
}

std::vector<ProjectStatus> NextSteps(ProjectStatus status) {
  // Every step but the last leads to the next one or to withdrawal; completed and withdrawn end it.
  if (status == ProjectStatus::kCompleted || status == ProjectStatus::kWithdrawn) return {};
  return {static_cast<ProjectStatus>(static_cast<int>(status) + 1), ProjectStatus::kWithdrawn};
}

double ProgressRow::rate() const {
  if (assigned_fen <= 0) return 0;
  // Truncated to hundredths of a percent, in integers, then shown as a percentage.
  const int64_t basis_points = spent_fen * 10000 / assigned_fen;
  return static_cast<double>(basis_points) / 100.0;
}

// ---- projects ---------------------------------------------------------------

Project ProjectService::AddProject(const Caller& caller, const ProjectInput& in) {
  std::vector<ErrorDetail> problems;
  const std::optional<std::string> area = CheckProject(db_, in, problems);
  CheckBudget(in.budget, FundSources(db_), problems);
  CheckOutputs(in.outputs, problems);
  const Date proposed = in.proposed_on.empty() ? clock_.Today() : [&] {
    const auto d = Date::Parse(in.proposed_on);
    if (!d) problems.push_back({"proposed_on", "'" + in.proposed_on + "' is not a date (YYYY-MM-DD)"});
    return d.value_or(clock_.Today());
  }();
  if (!problems.empty()) throw Error::InvalidArgument("invalid project", problems);
  Require(caller, access::Access::kWrite, db_, clock_, *area, "projects");
  CheckBeneficiaries(db_, in.household_ids, *area);

  store::Transaction tx(db_);
  const int64_t now = clock_.NowSeconds();
  const int64_t id = InsertProject(db_, in, *area, now);
  InsertProjectParts(db_, id, in);
  auto st = db_.Prepare(
      "INSERT INTO project_steps (project_id, step, date, actor, document_no, note, recorded_at)"
      " VALUES (?, " + SqlWire(kSteps, S::kProposed) + ", ?, ?, ?, '', ?)");
  st->BindInt(1, id);
  st->BindText(2, proposed.ToString());
  st->BindText(3, caller.user_name);
  st->BindText(4, in.document_no);
  st->BindInt(5, now);
  st->Run();
  Project p = GetProject(caller, id);
  access::RecordChange(db_, clock_, caller, "projects.project_add", "project/" + std::to_string(id), *area, nullptr,
                       ProjectAudit(p));
  tx.Commit();
  return p;
}

Project ProjectService::GetProject(const Caller& caller, int64_t id) {
  const ProjectHead head = LoadHead(db_, id);
  Require(caller, access::Access::kRead, db_, clock_, head.area_code, "project/" + std::to_string(id));
  auto s = db_.Prepare(std::string(kProjectSelect) + " WHERE p.id = ?");
  s->BindInt(1, id);
  s->Step();
  Project p = ReadProject(*s);
  auto b = db_.Prepare(
      "SELECT b.source, b.amount_fen FROM project_budgets b JOIN fund_sources f ON f.code = b.source"
      " WHERE b.project_id = ? ORDER BY f.position");
  b->BindInt(1, id);
  while (b->Step()) p.budget.emplace_back(b->Text(0), b->Int(1));
  auto h = db_.Prepare(
      "SELECT h.id, h.number, h.village_code, ph.persons FROM project_households ph JOIN households h"
      " ON h.id = ph.household_id WHERE ph.project_id = ? ORDER BY h.id");
  h->BindInt(1, id);
  while (h->Step()) p.beneficiaries.push_back({h->Int(0), h->Text(1), h->Text(2), h->Int(3)});
  auto o = db_.Prepare(
      "SELECT item, unit, planned_milli, actual_milli FROM project_outputs WHERE project_id = ? ORDER BY item");
  o->BindInt(1, id);
  while (o->Step()) p.outputs.push_back({o->Text(0), o->Text(1), o->Int(2), o->OptionalInt(3)});
  auto st = db_.Prepare(
      "SELECT step, date, actor, document_no, note FROM project_steps WHERE project_id = ? ORDER BY id");
  st->BindInt(1, id);
  while (st->Step()) p.steps.push_back({st->Text(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4)});
  auto n = db_.Prepare(
      "SELECT id, kind, start_date, end_date, place, objections, recorded_by FROM project_notices"
      " WHERE project_id = ? ORDER BY id");
  n->BindInt(1, id);
  while (n->Step()) {
    Notice x{n->Int(0), id, n->Text(1), n->Text(2), n->Text(3), 0, n->Text(4), n->Text(5), n->Text(6)};
    x.period_days = Date::Parse(x.end_date)->ToDays() - Date::Parse(x.start_date)->ToDays() + 1;
    p.notices.push_back(std::move(x));
  }
  for (const ProjectStatus next : NextSteps(head.status)) p.next_steps.emplace_back(WireOf(kSteps, next));
  return p;
}

ProjectPage ProjectService::ListProjects(const Caller& caller, const ProjectFilter& f) {
  const auto scope = access::ReadScopeFor(caller, Resource::kProjects);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read projects");
  std::string area = scope.area_prefix;
  if (!f.area_code.empty()) {
    area = registry::RequireAreaCode(f.area_code, "area");
    Require(caller, access::Access::kRead, db_, clock_, area, "projects");
  }
  if (!f.kind.empty()) ParseField<ProjectKind>(kKinds, f.kind, "kind");
  if (!f.status.empty()) ParseField<ProjectStatus>(kSteps, f.status, "status");
  if (f.year) RequireYear(*f.year, "year");
  if (f.limit < 1 || f.limit > 1000 || f.offset < 0) throw Error::InvalidArgument("page size out of range");
  const std::string where =
      " WHERE p.area_code >= ?1 AND p.area_code < ?2 AND (?3 = '' OR p.kind = ?3) AND (?4 = '' OR p.status = ?4)"
      " AND (?5 = 0 OR (p.start_year <= ?5 AND p.end_year >= ?5))";
  auto bind = [&](store::Statement& s) {
    s.BindText(1, area);
    s.BindText(2, SubtreeEnd(area));
    s.BindText(3, f.kind);
    s.BindText(4, f.status);
    s.BindInt(5, f.year.value_or(0));
  };
  ProjectPage page;
  auto c = db_.Prepare("SELECT count(*) FROM projects p" + where);
  bind(*c);
  c->Step();
  page.total = c->Int(0);
  auto s = db_.Prepare(std::string(kProjectSelect) + where + " ORDER BY p.id LIMIT " + std::to_string(f.limit) +
                       " OFFSET " + std::to_string(f.offset));
  bind(*s);
  while (s->Step()) page.items.push_back(ReadProject(*s));
  return page;
}

Project ProjectService::Step(const Caller& caller, int64_t id, const std::string& step, const std::string& date,
                             const std::string& document_no, const std::string& note) {
  const ProjectHead head = LoadHead(db_, id);
  Require(caller, access::Access::kWrite, db_, clock_, head.area_code, "project/" + std::to_string(id));
  const auto next = ParseField<ProjectStatus>(kSteps, step, "step");
  const Date day = RequireDate(date, "date", clock_);
  const auto allowed = NextSteps(head.status);
  if (std::find(allowed.begin(), allowed.end(), next) == allowed.end()) {
    std::string names;
    for (const auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(WireOf(kSteps, a));
    throw Error::FailedPrecondition("project " + std::to_string(id) + " is " + WireOf(kSteps, head.status) +
                                    "; the step " + step + " is not allowed (allowed: " +
                                    (names.empty() ? "none" : names) + ")");
  }
  auto last = db_.Prepare("SELECT max(date) FROM project_steps WHERE project_id = ?");
  last->BindInt(1, id);
  last->Step();
  if (!last->IsNull(0) && day.ToString() < last->Text(0)) {
    throw Error::InvalidArgument("invalid date",
                                 {{"date", day.ToString() + " is before the previous step's date " + last->Text(0)}});
  }
  store::Transaction tx(db_);
  auto u = db_.Prepare("UPDATE projects SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
  u->BindText(1, step);
  u->BindInt(2, clock_.NowSeconds());
  u->BindInt(3, id);
  u->BindInt(4, head.version);
  if (u->Run() != 1) throw Error::Conflict("project " + std::to_string(id) + " was changed by someone else");
  auto st = db_.Prepare(
      "INSERT INTO project_steps (project_id, step, date, actor, document_no, note, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)");
  st->BindInt(1, id);
  st->BindText(2, step);
  st->BindText(3, day.ToString());
  st->BindText(4, caller.user_name);
  st->BindText(5, document_no);
  st->BindText(6, note);
  st->BindInt(7, clock_.NowSeconds());
  st->Run();
  access::RecordChange(db_, clock_, caller, "projects.project_step", "project/" + std::to_string(id), head.area_code,
                       {{"status", WireOf(kSteps, head.status)}},
                       {{"status", step}, {"date", day.ToString()}, {"document_no", document_no}});
  Project p = GetProject(caller, id);
  tx.Commit();
  return p;
}

Notice ProjectService::AddNotice(const Caller& caller, int64_t project_id, const std::string& kind,
                                 const std::string& start_date, const std::string& end_date, const std::string& place,
                                 const std::string& objections) {
  const ProjectHead head = LoadHead(db_, project_id);
  Require(caller, access::Access::kWrite, db_, clock_, head.area_code, "project/" + std::to_string(project_id));
  const auto notice_kind = ParseWire<NoticeKind>(kNoticeKinds, kind);
  if (!notice_kind) {
    throw Error::InvalidArgument("invalid notice", {{"kind", "'" + kind + "' is not " + WireList(kNoticeKinds)}});
  }
  const Date start = RequireDate(start_date, "start_date", clock_);
  const Date end = RequireDate(end_date, "end_date", clock_);
  if (end.ToDays() < start.ToDays()) {
    throw Error::InvalidArgument("invalid notice", {{"end_date", end.ToString() + " is before " + start.ToString()}});
  }
  if (*notice_kind == NoticeKind::kResult && head.status != ProjectStatus::kAccepted &&
      head.status != ProjectStatus::kCompleted) {
    throw Error::FailedPrecondition("project " + std::to_string(project_id) + " is " + WireOf(kSteps, head.status) +
                                    "; the result is published once it is accepted or completed");
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO project_notices (project_id, kind, start_date, end_date, place, objections, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, project_id);
  s->BindText(2, kind);
  s->BindText(3, start.ToString());
  s->BindText(4, end.ToString());
  s->BindText(5, place);
  s->BindText(6, objections);
  s->BindText(7, caller.user_name);
  s->BindInt(8, clock_.NowSeconds());
  s->Step();
  Notice n{s->Int(0), project_id, kind, start.ToString(), end.ToString(), end.ToDays() - start.ToDays() + 1, place,
           objections, caller.user_name};
  s->Reset();
  access::RecordChange(db_, clock_, caller, "projects.notice_add", "project/" + std::to_string(project_id),
                       head.area_code, nullptr,
                       {{"notice", n.id}, {"kind", kind}, {"start_date", n.start_date}, {"end_date", n.end_date}});
  tx.Commit();
  return n;
}

void ProjectService::WriteNoticeSheet(const Caller& caller, int64_t project_id, int64_t notice_id,
                                      const std::string& path) {
  const Project p = GetProject(caller, project_id);
  const auto n = std::find_if(p.notices.begin(), p.notices.end(), [&](const Notice& x) { return x.id == notice_id; });
  if (n == p.notices.end()) throw Error::NotFound("no notice " + std::to_string(notice_id) + " of project " +
                                                  std::to_string(project_id));
  io::WriterOptions options;
  const auto notice_kind = ParseStored<NoticeKind>(kNoticeKinds, n->kind, "project_notices.kind");
  options.sheet = notice_kind == NoticeKind::kPlan ? "项目计划公示" : "项目结果公示";
  auto w = io::OpenTableWriter(path, io::TableFormat::kXlsx, options);
  w->WriteHeader({"项目名称", "项目类别", "项目级别", "实施地点", "实施单位", "建设年度", "资金来源", "计划金额（元）",
                  "已下达（元）", "已支出（元）", "建设内容", "受益户数", "受益人数", "区划外受益人数", "公示开始",
                  "公示截止", "公示期（天）", "公示地点", "异议情况"});
  std::string sources;
  for (const auto& [code, label] : FundSources(db_)) {
    for (const auto& [source, amount] : p.budget) {
      if (source == code) sources += (sources.empty() ? "" : "；") + label + " " + FormatYuan(amount) + "元";
    }
  }
  std::string outputs;
  for (const auto& o : p.outputs) {
    const int64_t q = o.actual_milli && notice_kind == NoticeKind::kResult ? *o.actual_milli : o.planned_milli;
    outputs += (outputs.empty() ? "" : "；") + o.item + " " + fmt::format("{}", static_cast<double>(q) / 1000.0) + o.unit;
  }
  w->WriteRow({p.name, LabelOfCode(kKinds, p.kind), LabelOfCode(kLevels, p.level), p.area_name, p.implementer,
               fmt::format("{}-{}", p.start_year, p.end_year), sources, FormatYuan(p.budget_fen),
               FormatYuan(p.given_fen), FormatYuan(p.spent_fen), outputs, p.households, p.persons,
               p.outside_beneficiaries, *Date::Parse(n->start_date), *Date::Parse(n->end_date), n->period_days, n->place,
               n->objections.empty() ? std::string("无异议") : n->objections});
  w->Close();
}

// ---- funds ------------------------------------------------------------------

namespace {

// An allocation with what was given out of it and spent; one statement for one
// allocation or for a list (a WHERE clause on `a` follows).
constexpr const char* kAllocationSelect =
    "SELECT a.id, a.document_no, a.date, a.year, a.source, f.label_zh, a.area_code, a.amount_fen,"
    " (SELECT COALESCE(sum(g.amount_fen), 0) FROM fund_assignments g WHERE g.allocation_id = a.id),"
    " (SELECT COALESCE(sum(d.amount_fen), 0) FROM fund_disbursements d WHERE d.allocation_id = a.id)"
    " FROM fund_allocations a JOIN fund_sources f ON f.code = a.source";

Allocation ReadAllocation(store::Statement& s) {
  return {s.Int(0), s.Text(1), s.Text(2), static_cast<int>(s.Int(3)), s.Text(4), s.Text(5), s.Text(6),
          s.Int(7), s.Int(8), s.Int(9)};
}

Allocation LoadAllocation(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string(kAllocationSelect) + " WHERE a.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no allocation " + std::to_string(id));
  return ReadAllocation(*s);
}

}  // namespace

Allocation ProjectService::Allocate(const Caller& caller, const AllocationInput& in) {
  std::vector<ErrorDetail> problems;
  RequireText(problems, in.document_no, "document_no");
  const auto sources = FundSources(db_);
  if (std::none_of(sources.begin(), sources.end(), [&](const auto& s) { return s.first == in.source; })) {
    std::string names;
    for (const auto& s : sources) names += (names.empty() ? "" : ", ") + s.first;
    problems.push_back({"source", "'" + in.source + "' is not one of " + names});
  }
  if (in.amount_fen <= 0) problems.push_back({"amount", "must be more than 0"});
  if (in.year < 2000 || in.year > 2100) problems.push_back({"year", "is not between 2000 and 2100"});
  const auto date = Date::Parse(in.date);
  if (!date) problems.push_back({"date", "'" + in.date + "' is not a date (YYYY-MM-DD)"});
  const auto area = NormalizeAreaCode(in.area_code);
  if (!area || area->size() < 6 || !registry::FindArea(db_, *area)) {
    problems.push_back({"area_code", "'" + in.area_code + "' is not a known county, township or village"});
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid allocation", problems);
  RequireFunds(caller, db_, clock_, *area, "fund_allocations");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO fund_allocations (document_no, date, year, source, area_code, amount_fen, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, in.document_no);
  s->BindText(2, date->ToString());
  s->BindInt(3, in.year);
  s->BindText(4, in.source);
  s->BindText(5, *area);
  s->BindInt(6, in.amount_fen);
  s->BindText(7, caller.user_name);
  s->BindInt(8, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  access::RecordChange(db_, clock_, caller, "projects.fund_allocate", "fund_allocation/" + std::to_string(id), *area,
                       nullptr,
                       {{"document_no", in.document_no}, {"year", in.year}, {"source", in.source},
                        {"amount", FormatYuan(in.amount_fen)}});
  Allocation a = LoadAllocation(db_, id);
  tx.Commit();
  return a;
}

std::vector<Allocation> ProjectService::ListAllocations(const Caller& caller, const std::string& area_code,
                                                        std::optional<int> year) {
  const auto scope = access::ReadScopeFor(caller, Resource::kProjects);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read projects");
  std::string area = scope.area_prefix;
  if (!area_code.empty()) {
    area = registry::RequireAreaCode(area_code, "area");
    Require(caller, access::Access::kRead, db_, clock_, area, "fund_allocations");
  }
  if (year) RequireYear(*year, "year");
  // One statement for the list (it loaded each allocation by id before).
  auto s = db_.Prepare(std::string(kAllocationSelect) +
                       " WHERE a.area_code >= ? AND a.area_code < ? AND (? = 0 OR a.year = ?)"
                       " ORDER BY a.year, a.id LIMIT 1000");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindInt(3, year.value_or(0));
  s->BindInt(4, year.value_or(0));
  std::vector<Allocation> out;
  while (s->Step()) out.push_back(ReadAllocation(*s));
  return out;
}

Assignment ProjectService::Assign(const Caller& caller, int64_t allocation_id, int64_t project_id, Fen amount,
                                  const std::string& date) {
  RequireAmount(amount, "amount");
  const Date day = RequireDate(date, "date", clock_);
  const ProjectHead head = LoadHead(db_, project_id);
  RequireFunds(caller, db_, clock_, head.area_code, "project/" + std::to_string(project_id));
  if (head.status == ProjectStatus::kWithdrawn || head.status == ProjectStatus::kCompleted) {
    throw Error::FailedPrecondition("project " + std::to_string(project_id) + " is " + WireOf(kSteps, head.status) +
                                    "; funds are given to projects before completion");
  }
  const Allocation before = LoadAllocation(db_, allocation_id);
  RequireFunds(caller, db_, clock_, before.area_code, "fund_allocation/" + std::to_string(before.id));
  if (!AreaContains(before.area_code, head.area_code)) {
    throw Error::FailedPrecondition("project " + std::to_string(project_id) + " in " + head.area_code +
                                    " lies outside allocation " + std::to_string(before.id) + "'s area " +
                                    before.area_code);
  }
  store::Transaction tx(db_);
  const Allocation a = LoadAllocation(db_, allocation_id);
  const Fen left = a.amount_fen - a.assigned_fen;
  if (amount > left) {
    throw Error::FailedPrecondition("assigning " + Yuan(amount) + " exceeds what is left of allocation " +
                                    std::to_string(a.id) + ": " + Yuan(left) + " of " + Yuan(a.amount_fen));
  }
  auto s = db_.Prepare(
      "INSERT INTO fund_assignments (allocation_id, project_id, date, amount_fen, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, allocation_id);
  s->BindInt(2, project_id);
  s->BindText(3, day.ToString());
  s->BindInt(4, amount);
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock_.NowSeconds());
  s->Step();
  Assignment g{s->Int(0), allocation_id, project_id, day.ToString(), amount};
  s->Reset();
  access::RecordChange(db_, clock_, caller, "projects.fund_assign", "project/" + std::to_string(project_id),
                       head.area_code, nullptr,
                       {{"allocation", allocation_id}, {"amount", FormatYuan(amount)}, {"date", g.date}});
  tx.Commit();
  return g;
}

Disbursement ProjectService::Spend(const Caller& caller, const DisbursementInput& in) {
  RequireAmount(in.amount_fen, "amount");
  const Date day = RequireDate(in.date, "date", clock_);
  std::vector<ErrorDetail> problems;
  RequireText(problems, in.payee, "payee");
  RequireText(problems, in.purpose, "purpose");
  if (!problems.empty()) throw Error::InvalidArgument("invalid disbursement", problems);
  const ProjectHead head = LoadHead(db_, in.project_id);
  RequireFunds(caller, db_, clock_, head.area_code, "project/" + std::to_string(in.project_id));
  if (head.status == ProjectStatus::kWithdrawn) {
    throw Error::FailedPrecondition("project " + std::to_string(in.project_id) + " is withdrawn");
  }
  store::Transaction tx(db_);
  // What the project was given and spent, per allocation.
  auto g = db_.Prepare(
      "SELECT g.allocation_id, sum(g.amount_fen),"
      " (SELECT COALESCE(sum(d.amount_fen), 0) FROM fund_disbursements d"
      "   WHERE d.project_id = g.project_id AND d.allocation_id = g.allocation_id)"
      " FROM fund_assignments g WHERE g.project_id = ? GROUP BY g.allocation_id, g.project_id ORDER BY g.allocation_id");
  g->BindInt(1, in.project_id);
  std::map<int64_t, std::pair<Fen, Fen>> given;
  while (g->Step()) given[g->Int(0)] = {g->Int(1), g->Int(2)};
  int64_t allocation = 0;
  if (in.allocation_id) {
    allocation = *in.allocation_id;
  } else if (given.size() == 1) {
    allocation = given.begin()->first;
  } else {
    throw Error::InvalidArgument("invalid disbursement",
                                 {{"allocation_id", given.empty() ? "the project has been given no funds"
                                                                  : "the project has funds of " +
                                                                        std::to_string(given.size()) +
                                                                        " allocations; name one"}});
  }
  const auto [got, spent] = given.count(allocation) ? given[allocation] : std::pair<Fen, Fen>{0, 0};
  const Fen left = got - spent;
  if (in.amount_fen > left) {
    throw Error::FailedPrecondition("spending " + Yuan(in.amount_fen) + " exceeds what project " +
                                    std::to_string(in.project_id) + " has left of allocation " +
                                    std::to_string(allocation) + ": " + Yuan(left) + " of " + Yuan(got));
  }
  auto s = db_.Prepare(
      "INSERT INTO fund_disbursements (project_id, allocation_id, date, amount_fen, payee, purpose, recorded_by,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, in.project_id);
  s->BindInt(2, allocation);
  s->BindText(3, day.ToString());
  s->BindInt(4, in.amount_fen);
  s->BindText(5, in.payee);
  s->BindText(6, in.purpose);
  s->BindText(7, caller.user_name);
  s->BindInt(8, clock_.NowSeconds());
  s->Step();
  Disbursement d{s->Int(0), in.project_id, allocation, day.ToString(), in.amount_fen, in.payee, in.purpose};
  s->Reset();
  access::RecordChange(db_, clock_, caller, "projects.fund_spend", "project/" + std::to_string(in.project_id),
                       head.area_code, nullptr,
                       {{"allocation", allocation}, {"amount", FormatYuan(in.amount_fen)}, {"payee", in.payee},
                        {"purpose", in.purpose}, {"date", d.date}});
  tx.Commit();
  return d;
}

namespace {

// How fund progress is grouped (the `by` parameter).
enum class Grouping { kSource, kArea, kKind, kYear };
constexpr fupin::Term kGroupings[] = {{static_cast<int>(Grouping::kSource), "source", "资金来源"},
                                      {static_cast<int>(Grouping::kArea), "area", "地区"},
                                      {static_cast<int>(Grouping::kKind), "kind", "项目类型"},
                                      {static_cast<int>(Grouping::kYear), "year", "年度"}};

Grouping ParseGrouping(const std::string& by) {
  if (by.empty()) return Grouping::kSource;
  const auto g = ParseWire<Grouping>(kGroupings, by);
  if (!g) throw Error::InvalidArgument("invalid grouping", {{"by", "'" + by + "' is not one of source, area, kind, year"}});
  return *g;
}

// The three sums of fund progress (allocated, assigned, spent) by group key, within [lo, hi) and the year (0: all).
std::map<std::string, ProgressRow> SumProgress(store::Connection& db, Grouping by, const std::string& area_code,
                                               int year) {
  // The group of an allocation-side row and of a project-side row.
  const size_t n = area_code.size();
  const size_t child_len = n == 0 ? 2 : n == 2 ? 4 : n == 4 ? 6 : n == 6 ? 9 : 12;
  std::string key_alloc, key_project;
  if (by == Grouping::kSource) key_alloc = key_project = "a.source";
  else if (by == Grouping::kYear) key_alloc = key_project = "CAST(a.year AS TEXT)";
  else if (by == Grouping::kArea) {
    key_alloc = "substr(a.area_code, 1, " + std::to_string(child_len) + ")";
    key_project = "substr(p.area_code, 1, " + std::to_string(child_len) + ")";
  } else {
    key_alloc = "''";
    key_project = "p.kind";
  }
  const std::string lo = area_code, hi = SubtreeEnd(area_code);
  std::map<std::string, ProgressRow> rows;
  auto run = [&](const std::string& sql, Fen ProgressRow::*field) {
    auto s = db.Prepare(sql);
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->BindInt(3, year);
    while (s->Step()) {
      auto& row = rows[s->Text(0)];
      row.key = s->Text(0);
      row.*field += s->Int(1);
    }
  };
  if (by != Grouping::kKind) {
    run("SELECT " + key_alloc + ", sum(a.amount_fen) FROM fund_allocations a"
        " WHERE a.area_code >= ?1 AND a.area_code < ?2 AND (?3 = 0 OR a.year = ?3) GROUP BY 1",
        &ProgressRow::allocated_fen);
  }
  run("SELECT " + key_project + ", sum(g.amount_fen) FROM fund_assignments g"
      " JOIN fund_allocations a ON a.id = g.allocation_id JOIN projects p ON p.id = g.project_id"
      " WHERE p.area_code >= ?1 AND p.area_code < ?2 AND (?3 = 0 OR a.year = ?3) GROUP BY 1",
      &ProgressRow::assigned_fen);
  run("SELECT " + key_project + ", sum(d.amount_fen) FROM fund_disbursements d"
      " JOIN fund_allocations a ON a.id = d.allocation_id JOIN projects p ON p.id = d.project_id"
      " WHERE p.area_code >= ?1 AND p.area_code < ?2 AND (?3 = 0 OR a.year = ?3) GROUP BY 1",
      &ProgressRow::spent_fen);
  return rows;
}

// The Chinese label of each group key: the fund source's, the project kind's, the area's name.
std::map<std::string, std::string> GroupLabels(store::Connection& db, Grouping by, const std::string& area_code) {
  std::map<std::string, std::string> labels;
  if (by == Grouping::kSource) {
    for (const auto& [code, label] : FundSources(db)) labels[code] = label;
  } else if (by == Grouping::kKind) {
    for (const auto& t : kKinds) labels[t.wire] = t.zh;
  } else if (by == Grouping::kArea) {
    auto s = db.Prepare("SELECT code, name FROM areas WHERE COALESCE(parent_code, '') = ? OR code = ?");
    s->BindText(1, area_code);
    s->BindText(2, area_code);
    while (s->Step()) labels[s->Text(0)] = s->Text(1);
  }
  return labels;
}

// The rows in order (fund sources in their own order, other keys sorted), labelled, and their total.
void AddProgressRows(store::Connection& db, Grouping by, std::map<std::string, ProgressRow>& rows,
                     std::map<std::string, std::string>& labels, FundProgress& r) {
  std::vector<std::pair<int, std::string>> order;
  if (by == Grouping::kSource) {
    int i = 0;
    for (const auto& [code, label] : FundSources(db)) {
      if (rows.count(code)) order.emplace_back(i, code);
      ++i;
    }
  } else {
    for (const auto& [k, row] : rows) order.emplace_back(0, k);
  }
  for (const auto& [pos, k] : order) {
    ProgressRow row = rows[k];
    row.label = labels.count(k) ? labels[k] : (by == Grouping::kYear ? k + "年" : k);
    row.balance_fen = row.assigned_fen - row.spent_fen;
    r.total.allocated_fen += row.allocated_fen;
    r.total.assigned_fen += row.assigned_fen;
    r.total.spent_fen += row.spent_fen;
    r.rows.push_back(std::move(row));
  }
  r.total.key = "total";
  r.total.label = "合计";
  r.total.balance_fen = r.total.assigned_fen - r.total.spent_fen;
}

// Funds given to completed projects of the area and not spent.
std::vector<IdleFunds> IdleFundsIn(store::Connection& db, const std::string& area_code) {
  std::vector<IdleFunds> out;
  auto idle = db.Prepare(
      "SELECT p.id, p.name, p.area_code, g.given, COALESCE(d.spent, 0) FROM projects p"
      " JOIN (SELECT project_id, sum(amount_fen) AS given FROM fund_assignments GROUP BY project_id) g"
      "   ON g.project_id = p.id"
      " LEFT JOIN (SELECT project_id, sum(amount_fen) AS spent FROM fund_disbursements GROUP BY project_id) d"
      "   ON d.project_id = p.id"
      " WHERE p.status = " + SqlWire(kSteps, S::kCompleted) +
      " AND p.area_code >= ? AND p.area_code < ? AND g.given > COALESCE(d.spent, 0)"
      " ORDER BY p.id LIMIT 1000");
  idle->BindText(1, area_code);
  idle->BindText(2, SubtreeEnd(area_code));
  while (idle->Step()) {
    out.push_back({idle->Int(0), idle->Text(1), idle->Text(2), idle->Int(3), idle->Int(4),
                   idle->Int(3) - idle->Int(4)});
  }
  return out;
}

}  // namespace

FundProgress ProjectService::Progress(const Caller& caller, const std::string& area_code, std::optional<int> year,
                                      const std::string& by) {
  const auto scope = access::ReadScopeFor(caller, Resource::kProjects);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read projects");
  FundProgress r;
  r.area_code = scope.area_prefix;
  if (!area_code.empty()) {
    r.area_code = registry::RequireAreaCode(area_code, "area");
    Require(caller, access::Access::kRead, db_, clock_, r.area_code, "fund_progress");
  }
  if (year) RequireYear(*year, "year");
  r.year = year;
  const Grouping grouping = ParseGrouping(by);
  r.by = WireOf(kGroupings, grouping);
  std::map<std::string, ProgressRow> rows = SumProgress(db_, grouping, r.area_code, year.value_or(0));
  std::map<std::string, std::string> labels = GroupLabels(db_, grouping, r.area_code);
  AddProgressRows(db_, grouping, rows, labels, r);
  r.idle = IdleFundsIn(db_, r.area_code);
  return r;
}

// ---- assets -----------------------------------------------------------------

namespace {

constexpr std::string_view kAssetSelect =
    "SELECT s.id, s.project_id, p.name, s.name, s.kind, s.owner, s.custodian, s.area_code, COALESCE(ar.name, s.area_code),"
    " s.household_id, s.value_fen, s.formed_on, v.station_kind, COALESCE(v.capacity_w, 0),"
    " (SELECT count(*) FROM asset_beneficiaries b WHERE b.asset_id = s.id),"
    " (SELECT COALESCE(sum(b.persons), 0) FROM asset_beneficiaries b WHERE b.asset_id = s.id),"
    " (SELECT COALESCE(sum(i.amount_fen), 0) FROM asset_incomes i WHERE i.asset_id = s.id),"
    " (SELECT COALESCE(sum(x.amount_fen), 0) FROM income_distributions x WHERE x.asset_id = s.id)"
    " FROM assets s JOIN projects p ON p.id = s.project_id LEFT JOIN pv_stations v ON v.asset_id = s.id"
    " LEFT JOIN areas ar ON ar.code = s.area_code";

Asset ReadAsset(const store::Statement& s) {
  Asset a;
  a.id = s.Int(0);
  a.project_id = s.Int(1);
  a.project_name = s.Text(2);
  a.name = s.Text(3);
  a.kind = s.Text(4);
  a.owner = s.Text(5);
  a.custodian = s.Text(6);
  a.area_code = s.Text(7);
  a.area_name = s.Text(8);
  a.household_id = s.OptionalInt(9);
  a.value_fen = s.Int(10);
  a.formed_on = s.Text(11);
  a.station_kind = s.OptionalText(12);
  a.capacity_w = s.Int(13);
  a.beneficiary_households = s.Int(14);
  a.beneficiary_persons = s.Int(15);
  a.income_fen = s.Int(16);
  a.distributed_fen = s.Int(17);
  return a;
}

Asset LoadAsset(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string(kAssetSelect) + " WHERE s.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no asset " + std::to_string(id));
  return ReadAsset(*s);
}

// The asset's own fields: its kind, the household of a household asset, a PV station's kind and capacity.
void CheckAsset(const AssetInput& in, std::vector<ErrorDetail>& problems) {
  RequireText(problems, in.name, "name");
  RequireText(problems, in.owner, "owner");
  RequireText(problems, in.custodian, "custodian");
  const auto kind = ParseField<AssetKind>(kAssetKinds, in.kind, "kind", problems);
  const bool household = kind == AssetKind::kHousehold;
  if (household && !in.household_id) problems.push_back({"household_id", "a household asset names its household"});
  if (!household && in.household_id) problems.push_back({"household_id", "only household assets name a household"});
  if (in.value_fen < 0) problems.push_back({"value", "must not be negative"});
  if (in.station_kind) {
    ParseField<StationKind>(kStationKinds, *in.station_kind, "station_kind", problems);
    if (kind != AssetKind::kProductive) problems.push_back({"kind", "a photovoltaic station is a productive asset"});
    if (in.capacity_w <= 0) problems.push_back({"capacity_kw", "must be more than 0"});
  }
}

// The date a project was completed (its last 完工 step).
std::optional<Date> CompletedOn(store::Connection& db, int64_t project_id) {
  auto s = db.Prepare("SELECT max(date) FROM project_steps WHERE project_id = ? AND step = " + SqlWire(kSteps, S::kCompleted));
  s->BindInt(1, project_id);
  s->Step();
  return Date::Parse(s->Text(0));
}

// The asset's row, its PV station and its beneficiary households (with today's members); its id.
int64_t InsertAsset(store::Connection& db, const AssetInput& in, const std::string& area, Date formed,
                    const std::string& recorded_by, int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO assets (project_id, name, kind, owner, custodian, area_code, household_id, value_fen, formed_on,"
      " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, in.project_id);
  s->BindText(2, in.name);
  s->BindText(3, in.kind);
  s->BindText(4, in.owner);
  s->BindText(5, in.custodian);
  s->BindText(6, area);
  s->BindOptionalInt(7, in.household_id);
  s->BindInt(8, in.value_fen);
  s->BindText(9, formed.ToString());
  s->BindText(10, recorded_by);
  s->BindInt(11, now);
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  if (in.station_kind) {
    auto v = db.Prepare("INSERT INTO pv_stations (asset_id, station_kind, capacity_w) VALUES (?, ?, ?)");
    v->BindInt(1, id);
    v->BindText(2, *in.station_kind);
    v->BindInt(3, in.capacity_w);
    v->Run();
  }
  const std::set<int64_t> households(in.beneficiary_household_ids.begin(), in.beneficiary_household_ids.end());
  auto b = db.Prepare("INSERT INTO asset_beneficiaries (asset_id, household_id, persons) VALUES (?, ?, ?)");
  for (int64_t h : households) {
    b->BindInt(1, id);
    b->BindInt(2, h);
    b->BindInt(3, MembersOf(db, h));
    b->Run();
    b->Reset();
  }
  return id;
}

}  // namespace

Asset ProjectService::AddAsset(const Caller& caller, const AssetInput& in) {
  const ProjectHead head = LoadHead(db_, in.project_id);
  std::vector<ErrorDetail> problems;
  CheckAsset(in, problems);
  std::string area = head.area_code;
  if (!in.area_code.empty()) {
    const auto a = NormalizeAreaCode(in.area_code);
    if (!a || !registry::FindArea(db_, *a)) problems.push_back({"area_code", "'" + in.area_code + "' is not a known area"});
    else area = *a;
  }
  std::optional<Date> formed;
  if (!in.formed_on.empty()) {
    formed = Date::Parse(in.formed_on);
    if (!formed) problems.push_back({"formed_on", "'" + in.formed_on + "' is not a date (YYYY-MM-DD)"});
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid asset", problems);
  Require(caller, access::Access::kWrite, db_, clock_, area, "project/" + std::to_string(in.project_id));
  if (head.status != ProjectStatus::kCompleted) {
    throw Error::FailedPrecondition("project " + std::to_string(in.project_id) + " is " + WireOf(kSteps, head.status) +
                                    "; assets are formed by completed projects");
  }
  if (!formed) formed = CompletedOn(db_, in.project_id);
  if (in.household_id) HouseholdVillage(db_, *in.household_id, "household_id");
  for (size_t i = 0; i < in.beneficiary_household_ids.size(); ++i) {
    HouseholdVillage(db_, in.beneficiary_household_ids[i], "beneficiary_household_ids/" + std::to_string(i));
  }
  store::Transaction tx(db_);
  const int64_t id = InsertAsset(db_, in, area, *formed, caller.user_name, clock_.NowSeconds());
  Asset a = LoadAsset(db_, id);
  access::RecordChange(db_, clock_, caller, "projects.asset_add", "asset/" + std::to_string(id), area, nullptr,
                       {{"project", in.project_id}, {"name", in.name}, {"kind", in.kind},
                        {"value", FormatYuan(in.value_fen)}});
  tx.Commit();
  return a;
}

std::vector<Asset> ProjectService::ListAssets(const Caller& caller, const AssetFilter& f) {
  const auto scope = access::ReadScopeFor(caller, Resource::kProjects);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read projects");
  std::string area = scope.area_prefix;
  if (!f.area_code.empty()) {
    area = registry::RequireAreaCode(f.area_code, "area");
    Require(caller, access::Access::kRead, db_, clock_, area, "assets");
  }
  if (!f.kind.empty()) ParseField<AssetKind>(kAssetKinds, f.kind, "kind");
  if (f.limit < 1 || f.limit > 1000 || f.offset < 0) throw Error::InvalidArgument("page size out of range");
  auto s = db_.Prepare(std::string(kAssetSelect) +
                       " WHERE s.area_code >= ? AND s.area_code < ? AND (? = '' OR s.kind = ?) AND (? = 0 OR"
                       " v.asset_id IS NOT NULL) ORDER BY s.id LIMIT " + std::to_string(f.limit) + " OFFSET " +
                       std::to_string(f.offset));
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindText(3, f.kind);
  s->BindText(4, f.kind);
  s->BindInt(5, f.stations_only ? 1 : 0);
  std::vector<Asset> out;
  while (s->Step()) out.push_back(ReadAsset(*s));
  return out;
}

void ProjectService::RecordIncome(const Caller& caller, int64_t asset_id, int year, Fen amount,
                                  std::optional<int64_t> generation_kwh) {
  RequireYear(year, "year");
  if (amount < 0) throw Error::InvalidArgument("invalid amount", {{"amount", "must not be negative"}});
  if (generation_kwh && *generation_kwh < 0) {
    throw Error::InvalidArgument("invalid generation", {{"generation_kwh", "must not be negative"}});
  }
  const Asset a = LoadAsset(db_, asset_id);
  Require(caller, access::Access::kWrite, db_, clock_, a.area_code, "asset/" + std::to_string(asset_id));
  if (ParseStored<AssetKind>(kAssetKinds, a.kind, "assets.kind") != AssetKind::kProductive) {
    throw Error::FailedPrecondition("asset " + std::to_string(asset_id) + " is " + a.kind +
                                    "; only productive assets earn income");
  }
  store::Transaction tx(db_);
  auto d = db_.Prepare("SELECT COALESCE(sum(amount_fen), 0) FROM income_distributions WHERE asset_id = ? AND year = ?");
  d->BindInt(1, asset_id);
  d->BindInt(2, year);
  d->Step();
  if (d->Int(0) > amount) {
    throw Error::FailedPrecondition("the income " + Yuan(amount) + " is less than what asset " +
                                    std::to_string(asset_id) + " already distributed in " + std::to_string(year) +
                                    ": " + Yuan(d->Int(0)));
  }
  auto s = db_.Prepare(
      "INSERT INTO asset_incomes (asset_id, year, amount_fen, generation_kwh, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (asset_id, year) DO UPDATE SET amount_fen = excluded.amount_fen,"
      " generation_kwh = excluded.generation_kwh, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at");
  s->BindInt(1, asset_id);
  s->BindInt(2, year);
  s->BindInt(3, amount);
  s->BindOptionalInt(4, generation_kwh);
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock_.NowSeconds());
  s->Run();
  json after = {{"year", year}, {"amount", FormatYuan(amount)}};
  if (generation_kwh) after["generation_kwh"] = *generation_kwh;
  access::RecordChange(db_, clock_, caller, "projects.asset_income", "asset/" + std::to_string(asset_id), a.area_code,
                       nullptr, after);
  tx.Commit();
}

int64_t ProjectService::Distribute(const Caller& caller, const DistributionInput& in) {
  RequireYear(in.year, "year");
  RequireAmount(in.amount_fen, "amount");
  const Date day = RequireDate(in.date, "date", clock_);
  const auto kind = ParseWire<DistributionKind>(kDistributionKinds, in.kind);
  if (!kind) {
    throw Error::InvalidArgument("invalid distribution",
                                 {{"kind", "'" + in.kind + "' is not one of " + WireList(kDistributionKinds)}});
  }
  if (*kind == DistributionKind::kDividend && !in.household_id) {
    throw Error::InvalidArgument("invalid distribution", {{"household_id", "a dividend names its household"}});
  }
  if (*kind == DistributionKind::kPublicPost && in.post.empty()) {
    throw Error::InvalidArgument("invalid distribution", {{"post", "a public-welfare post is named"}});
  }
  const Asset a = LoadAsset(db_, in.asset_id);
  Require(caller, access::Access::kWrite, db_, clock_, a.area_code, "asset/" + std::to_string(in.asset_id));
  if (in.household_id) HouseholdVillage(db_, *in.household_id, "household_id");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "SELECT (SELECT amount_fen FROM asset_incomes WHERE asset_id = ?1 AND year = ?2),"
      " (SELECT COALESCE(sum(amount_fen), 0) FROM income_distributions WHERE asset_id = ?1 AND year = ?2)");
  s->BindInt(1, in.asset_id);
  s->BindInt(2, in.year);
  s->Step();
  if (s->IsNull(0)) {
    throw Error::FailedPrecondition("asset " + std::to_string(in.asset_id) + " has no income recorded for " +
                                    std::to_string(in.year));
  }
  const Fen income = s->Int(0), done = s->Int(1), left = income - done;
  if (in.amount_fen > left) {
    throw Error::FailedPrecondition("distributing " + Yuan(in.amount_fen) + " exceeds what is left of asset " +
                                    std::to_string(in.asset_id) + "'s income in " + std::to_string(in.year) + ": " +
                                    Yuan(left) + " of " + Yuan(income));
  }
  auto w = db_.Prepare(
      "INSERT INTO income_distributions (asset_id, year, kind, household_id, post, date, amount_fen, recorded_by,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  w->BindInt(1, in.asset_id);
  w->BindInt(2, in.year);
  w->BindText(3, in.kind);
  w->BindOptionalInt(4, in.household_id);
  w->BindText(5, in.post);
  w->BindText(6, day.ToString());
  w->BindInt(7, in.amount_fen);
  w->BindText(8, caller.user_name);
  w->BindInt(9, clock_.NowSeconds());
  w->Step();
  const int64_t id = w->Int(0);
  w->Reset();
  json after = {{"distribution", id}, {"year", in.year}, {"kind", in.kind}, {"amount", FormatYuan(in.amount_fen)}};
  if (in.household_id) after["household_id"] = *in.household_id;
  access::RecordChange(db_, clock_, caller, "projects.income_distribute", "asset/" + std::to_string(in.asset_id),
                       a.area_code, nullptr, after);
  tx.Commit();
  return id;
}

std::vector<Receipt> ProjectService::HouseholdReceipts(const Caller& caller, int64_t household_id) {
  auto v = db_.Prepare("SELECT village_code FROM households WHERE id = ?");
  v->BindInt(1, household_id);
  if (!v->Step()) throw Error::NotFound("no household " + std::to_string(household_id));
  const std::string village = v->Text(0);
  {
    access::Audit audit(db_, clock_);
    access::Guard(audit, access::ActivePairingCheck(db_, clock_.Today()))
        .RequireRead(caller, Resource::kRegistry, {village, household_id, "household/" + std::to_string(household_id)});
  }
  std::vector<Receipt> out;
  auto p = db_.Prepare(
      "SELECT p.id, p.name, p.start_year FROM project_households ph JOIN projects p ON p.id = ph.project_id"
      " WHERE ph.household_id = ? AND p.status <> " + SqlWire(kSteps, S::kWithdrawn) + " ORDER BY p.start_year, p.id");
  p->BindInt(1, household_id);
  while (p->Step()) out.push_back({"project", p->Int(0), p->Text(1), static_cast<int>(p->Int(2)), std::nullopt, 0});
  auto a = db_.Prepare(
      "SELECT id, name, formed_on, value_fen, 'asset' FROM assets WHERE household_id = ?1"
      " UNION ALL SELECT s.id, s.name, s.formed_on, 0, 'station' FROM asset_beneficiaries b JOIN assets s"
      " ON s.id = b.asset_id WHERE b.household_id = ?1 ORDER BY 3, 1");
  a->BindInt(1, household_id);
  while (a->Step()) out.push_back({a->Text(4), a->Int(0), a->Text(1), std::nullopt, a->Text(2), a->Int(3)});
  auto d = db_.Prepare(
      "SELECT x.id, s.name, x.year, x.date, x.amount_fen FROM income_distributions x JOIN assets s ON s.id = x.asset_id"
      " WHERE x.household_id = ? ORDER BY x.year, x.id");
  d->BindInt(1, household_id);
  while (d->Step()) {
    out.push_back({"dividend", d->Int(0), d->Text(1), static_cast<int>(d->Int(2)), d->Text(3), d->Int(4)});
  }
  return out;
}

// ---- figures ----------------------------------------------------------------

namespace {

// The projects the figures count: approved by ?3 and not withdrawn by then (SQL on `p`).
std::string CountedOnSql() {
  return " AND EXISTS (SELECT 1 FROM project_steps s WHERE s.project_id = p.id AND s.step = " +
         SqlWire(kSteps, S::kApproved) +
         " AND s.date <= ?3)"
         " AND NOT EXISTS (SELECT 1 FROM project_steps s WHERE s.project_id = p.id AND s.step = " +
         SqlWire(kSteps, S::kWithdrawn) + " AND s.date <= ?3)";
}

}  // namespace

ProjectFigures ComputeFigures(store::Connection& db, const std::string& area, const std::string& as_of) {
  ProjectFigures f;
  const std::string lo = area, hi = SubtreeEnd(area);
  // The projects counted: approved by as_of, not withdrawn by then.
  const std::string counted =
      "SELECT p.id, p.kind, p.level, p.outside_beneficiaries FROM projects p"
      " WHERE p.area_code >= ?1 AND p.area_code < ?2" +
      CountedOnSql();
  auto bind = [&](store::Statement& s) {
    s.BindText(1, lo);
    s.BindText(2, hi);
    s.BindText(3, as_of);
  };
  {
    auto s = db.Prepare("SELECT c.kind, c.level, count(*), COALESCE(sum(c.outside_beneficiaries), 0) FROM (" + counted +
                        ") c GROUP BY c.kind, c.level");
    bind(*s);
    while (s->Step()) {
      const auto kind = ParseStored<ProjectKind>(kKinds, s->Text(0), "projects.kind");
      const auto level = ParseStored<ProjectLevel>(kLevels, s->Text(1), "projects.level");
      if (kind == ProjectKind::kIndustry && level == ProjectLevel::kProvincial) f.industry_provincial += s->Int(2);
      if (kind == ProjectKind::kIndustry && level == ProjectLevel::kCounty) f.industry_county += s->Int(2);
      if (kind == ProjectKind::kWater) {
        f.water_projects += s->Int(2);
        f.water_beneficiaries += s->Int(3);
      }
    }
  }
  {
    auto s = db.Prepare(
        "SELECT c.kind, count(DISTINCT h.household_id), COALESCE(sum(h.persons), 0) FROM (" + counted +
        ") c JOIN project_households h ON h.project_id = c.id WHERE c.kind IN " +
        SqlWireList(kKinds, {K::kIndustry, K::kWater}) + " GROUP BY c.kind");
    bind(*s);
    while (s->Step()) {
      if (ParseStored<ProjectKind>(kKinds, s->Text(0), "projects.kind") == ProjectKind::kIndustry) {
        f.industry_households = s->Int(1);
      } else {
        f.water_beneficiaries += s->Int(2);
      }
    }
  }
  {
    const std::string water = SqlWire(kKinds, K::kWater);
    auto s = db.Prepare(
        "SELECT (SELECT COALESCE(sum(g.amount_fen), 0) FROM fund_assignments g WHERE g.date <= ?3 AND g.project_id IN"
        "   (SELECT c.id FROM (" + counted + ") c WHERE c.kind = " + water + ")),"
        " (SELECT COALESCE(sum(COALESCE(o.actual_milli, o.planned_milli)), 0) FROM project_outputs o"
        "   WHERE o.unit = 'km' AND o.project_id IN (SELECT c.id FROM (" + counted + ") c WHERE c.kind = " + water + "))");
    bind(*s);
    s->Step();
    f.water_investment_fen = s->Int(0);
    f.water_pipe_milli_km = s->Int(1);
  }
  const std::string stations =
      "SELECT a.id, v.station_kind FROM assets a JOIN pv_stations v ON v.asset_id = a.id"
      " WHERE a.area_code >= ?1 AND a.area_code < ?2 AND a.formed_on <= ?3";
  {
    auto s = db.Prepare("SELECT t.station_kind, count(*) FROM (" + stations + ") t GROUP BY t.station_kind");
    bind(*s);
    while (s->Step()) {
      const auto kind = ParseStored<StationKind>(kStationKinds, s->Text(0), "pv_stations.station_kind");
      (kind == StationKind::kJoint ? f.pv_joint : kind == StationKind::kCentral ? f.pv_central : f.pv_village) +=
          s->Int(1);
    }
  }
  {
    auto s = db.Prepare(
        "SELECT count(*), COALESCE(sum(x.persons), 0) FROM (SELECT b.household_id, max(b.persons) AS persons"
        " FROM asset_beneficiaries b JOIN (" + stations + ") t ON t.id = b.asset_id GROUP BY b.household_id) x");
    bind(*s);
    s->Step();
    f.pv_households = s->Int(0);
    f.pv_persons = s->Int(1);
  }
  return f;
}

std::map<std::string, int64_t> OutputTotals(store::Connection& db, const std::string& area, const std::string& as_of,
                                            const std::string& kind) {
  auto s = db.Prepare(
      "SELECT o.item, COALESCE(sum(COALESCE(o.actual_milli, o.planned_milli)), 0) FROM project_outputs o"
      " JOIN projects p ON p.id = o.project_id WHERE p.kind = ?4 AND p.area_code >= ?1 AND p.area_code < ?2" +
      CountedOnSql() + " GROUP BY o.item");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindText(3, as_of);
  s->BindText(4, kind);
  std::map<std::string, int64_t> out;
  while (s->Step()) out[s->Text(0)] = s->Int(1);
  return out;
}

// ---- JSON -------------------------------------------------------------------

namespace {

json Money(Fen f) { return f; }

}  // namespace

json ProjectJson(const Project& p) {
  json j = {{"id", p.id},
            {"name", p.name},
            {"kind", p.kind},
            {"kind_zh", LabelOfCode(kKinds, p.kind)},
            {"level", p.level},
            {"level_zh", LabelOfCode(kLevels, p.level)},
            {"area_code", p.area_code},
            {"area_name", p.area_name},
            {"start_year", p.start_year},
            {"end_year", p.end_year},
            {"implementer", p.implementer},
            {"status", p.status},
            {"status_zh", LabelOfCode(kSteps, p.status)},
            {"households", p.households},
            {"persons", p.persons},
            {"outside_beneficiaries", p.outside_beneficiaries},
            {"budget_fen", Money(p.budget_fen)},
            {"given_fen", Money(p.given_fen)},
            {"spent_fen", Money(p.spent_fen)},
            {"version", p.version}};
  if (!p.steps.empty()) {
    json budget = json::array(), beneficiaries = json::array(), outputs = json::array(), steps = json::array(),
         notices = json::array();
    for (const auto& [source, amount] : p.budget) budget.push_back({{"source", source}, {"amount_fen", amount}});
    for (const auto& b : p.beneficiaries) {
      beneficiaries.push_back(
          {{"household_id", b.household_id}, {"number", b.number}, {"village_code", b.village_code}, {"persons", b.persons}});
    }
    for (const auto& o : p.outputs) {
      json x = {{"item", o.item}, {"unit", o.unit}, {"planned", static_cast<double>(o.planned_milli) / 1000.0}};
      x["actual"] = o.actual_milli ? json(static_cast<double>(*o.actual_milli) / 1000.0) : json(nullptr);
      outputs.push_back(std::move(x));
    }
    for (const auto& s : p.steps) {
      steps.push_back({{"step", s.step}, {"step_zh", LabelOfCode(kSteps, s.step)}, {"date", s.date}, {"actor", s.actor},
                       {"document_no", s.document_no}, {"note", s.note}});
    }
    for (const auto& n : p.notices) {
      notices.push_back({{"id", n.id}, {"kind", n.kind}, {"start_date", n.start_date}, {"end_date", n.end_date},
                         {"period_days", n.period_days}, {"place", n.place}, {"objections", n.objections},
                         {"recorded_by", n.recorded_by}});
    }
    j["budget"] = budget;
    j["beneficiaries"] = beneficiaries;
    j["outputs"] = outputs;
    j["steps"] = steps;
    j["notices"] = notices;
    j["next_steps"] = p.next_steps;
  }
  return j;
}

json AllocationJson(const Allocation& a) {
  return {{"id", a.id},
          {"document_no", a.document_no},
          {"date", a.date},
          {"year", a.year},
          {"source", a.source},
          {"source_zh", a.source_zh},
          {"area_code", a.area_code},
          {"amount_fen", a.amount_fen},
          {"assigned_fen", a.assigned_fen},
          {"spent_fen", a.spent_fen}};
}

json FundProgressJson(const FundProgress& p) {
  auto row = [](const ProgressRow& r) {
    return json{{"key", r.key},
                {"label", r.label},
                {"allocated_fen", r.allocated_fen},
                {"assigned_fen", r.assigned_fen},
                {"spent_fen", r.spent_fen},
                {"balance_fen", r.balance_fen},
                {"rate", r.rate()}};
  };
  json rows = json::array(), idle = json::array();
  for (const auto& r : p.rows) rows.push_back(row(r));
  for (const auto& i : p.idle) {
    idle.push_back({{"project_id", i.project_id}, {"name", i.name}, {"area_code", i.area_code},
                    {"given_fen", i.given_fen}, {"spent_fen", i.spent_fen}, {"left_fen", i.left_fen}});
  }
  return {{"area_code", p.area_code},
          {"year", p.year ? json(*p.year) : json(nullptr)},
          {"by", p.by},
          {"rows", rows},
          {"total", row(p.total)},
          {"idle", idle}};
}

json AssetJson(const Asset& a) {
  json j = {{"id", a.id},
            {"project_id", a.project_id},
            {"project_name", a.project_name},
            {"name", a.name},
            {"kind", a.kind},
            {"kind_zh", LabelOfCode(kAssetKinds, a.kind)},
            {"owner", a.owner},
            {"custodian", a.custodian},
            {"area_code", a.area_code},
            {"area_name", a.area_name},
            {"household_id", a.household_id ? json(*a.household_id) : json(nullptr)},
            {"value_fen", a.value_fen},
            {"formed_on", a.formed_on},
            {"beneficiary_households", a.beneficiary_households},
            {"beneficiary_persons", a.beneficiary_persons},
            {"income_fen", a.income_fen},
            {"distributed_fen", a.distributed_fen}};
  if (a.station_kind) {
    j["station"] = {{"kind", *a.station_kind},
                    {"kind_zh", LabelOfCode(kStationKinds, *a.station_kind)},
                    {"capacity_kw", static_cast<double>(a.capacity_w) / 1000.0}};
  } else {
    j["station"] = nullptr;
  }
  return j;
}

json ReceiptJson(const Receipt& r) {
  return {{"kind", r.kind},
          {"id", r.id},
          {"name", r.name},
          {"year", r.year ? json(*r.year) : json(nullptr)},
          {"date", r.date ? json(*r.date) : json(nullptr)},
          {"amount_fen", r.amount_fen}};
}

}  // namespace fupin::projects
