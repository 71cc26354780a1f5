#include "assistance/assistance.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "access/abilities.h"
#include "access/personal_data.h"
#include "assistance/internal.h"
#include "core/area_code.h"
#include "core/text.h"
#include "registry/registry_json.h"
#include "store/database.h"
#include "registry/status.h"

namespace fupin::assistance {
namespace {

using access::Access;

std::string Id(const char* kind, int64_t id) { return std::string(kind) + "/" + std::to_string(id); }

bool PlausiblePhone(const std::string& phone) {
  if (phone.size() < 7 || phone.size() > 20) return false;
  return std::all_of(phone.begin(), phone.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' '; });
}

nlohmann::json CadreAudit(const Cadre& c) {
  nlohmann::json j = {{"name", c.name}, {"unit", c.unit}, {"position", c.position}, {"area_code", c.area_code}};
  if (c.code) j["code"] = *c.code;
  if (c.phone) j["phone"] = access::MaskPhone(*c.phone);
  if (c.user_name) j["user"] = *c.user_name;
  if (c.left_on) j["left_on"] = *c.left_on;
  return j;
}

constexpr const char* kCadreColumns =
    "c.id, c.code, c.name, c.unit, c.position, c.phone_masked, c.area_code, u.name, c.left_on,"
    " (SELECT count(*) FROM pairings p WHERE p.cadre_id = c.id AND p.start_date <= ?1"
    "  AND (p.end_date IS NULL OR p.end_date > ?1))";

Cadre ReadCadre(store::Statement& s) {
  Cadre c;
  c.id = s.Int(0);
  c.code = s.OptionalText(1);
  c.name = s.Text(2);
  c.unit = s.Text(3);
  c.position = s.Text(4);
  c.phone = s.OptionalText(5);
  c.area_code = s.Text(6);
  c.user_name = s.OptionalText(7);
  c.left_on = s.OptionalText(8);
  c.active_households = s.Int(9);
  return c;
}

std::optional<Cadre> FindCadre(store::Connection& db, const Date& today, int64_t id) {
  auto s = db.Prepare(std::string("SELECT ") + kCadreColumns +
                      " FROM cadres c LEFT JOIN users u ON u.id = c.user_id WHERE c.id = ?2");
  s->BindText(1, today.ToString());
  s->BindInt(2, id);
  if (!s->Step()) return std::nullopt;
  return ReadCadre(*s);
}

Cadre MustFindCadre(store::Connection& db, const Date& today, int64_t id) {
  auto c = FindCadre(db, today, id);
  if (!c) throw Error::NotFound("no cadre with id " + std::to_string(id));
  return *c;
}

struct HouseholdInfo {
  int64_t id = 0;
  std::string number;
  std::string village;
  std::string status;
};

HouseholdInfo MustFindHousehold(store::Connection& db, const Date& on, int64_t id) {
  auto s = db.Prepare("SELECT h.id, h.number, h.village_code, " + registry::StatusOrUnregisteredOnSql("h.id", "?1") +
                      " FROM households h WHERE h.id = ?2");
  s->BindText(1, on.ToString());
  s->BindInt(2, id);
  if (!s->Step()) throw Error::NotFound("no household with id " + std::to_string(id));
  return {s->Int(0), s->Text(1), s->Text(2), s->Text(3)};
}

// The area a caller lists by default, or the given one checked against the scope.
std::string ListArea(store::Connection& db, const Caller& caller, const std::string& area_code) {
  if (area_code.empty()) return caller.area_scope;
  Problems problems;
  auto code = internal::CheckArea(db, area_code, "area", problems);
  problems.ThrowIfAny("invalid area");
  if (AreaContains(*code, caller.area_scope)) return caller.area_scope;  // wider than the scope: narrowed
  return *code;
}

void RequireListRead(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area) {
  const access::ReadScope scope = access::ReadScopeFor(caller, access::Resource::kAssistance);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read assistance");
  internal::Require(db, clock, caller, Access::kRead, area, std::nullopt, "assistance/" + area);
}

int64_t ActiveCount(store::Connection& db, int64_t cadre_id, const std::string& on) {
  auto s = db.Prepare(
      "SELECT count(*) FROM pairings WHERE cadre_id = ? AND start_date <= ?2 AND (end_date IS NULL OR end_date > ?2)");
  s->BindInt(1, cadre_id);
  s->BindText(2, on);
  s->Step();
  return s->Int(0);
}

}  // namespace

AssistanceParams ReadParams(store::Connection& db) {
  AssistanceParams p;
  auto s = db.Prepare(
      "SELECT name, value FROM assessment_parameters a WHERE name IN ('pairing_household_limit', 'visit_interval_days')"
      " AND key = '' AND id = (SELECT max(id) FROM assessment_parameters b WHERE b.name = a.name AND b.key = '')");
  while (s->Step()) {
    const int v = static_cast<int>(std::lround(std::strtod(s->Text(1).c_str(), nullptr)));
    if (s->Text(0) == "pairing_household_limit") p.pairing_household_limit = v;
    else p.visit_interval_days = std::max(1, v);
  }
  return p;
}

// ---- cadres ----

int64_t AssistanceService::AddCadre(const Caller& caller, const CadreInput& in) {
  Problems problems;
  if (in.name.empty()) problems.Add("name", "required");
  if (in.name.size() > 100) problems.Add("name", "longer than 100 bytes");
  if (in.unit.empty()) problems.Add("unit", "required");
  if (in.code && in.code->empty()) problems.Add("code", "must not be empty when given");
  if (in.phone && !PlausiblePhone(*in.phone)) problems.Add("phone", "'" + *in.phone + "' is not a phone number");
  std::string area = caller.area_scope;
  if (!in.area_code.empty()) {
    if (auto a = internal::CheckArea(db_, in.area_code, "area_code", problems)) area = *a;
  } else if (area.empty()) {
    problems.Add("area_code", "required for a caller whose scope is the nation");
  }
  std::optional<int64_t> user_id;
  if (in.user_name) {
    auto s = db_.Prepare("SELECT id, role FROM users WHERE name = ?");
    s->BindText(1, *in.user_name);
    if (!s->Step()) {
      problems.Add("user", "no user named '" + *in.user_name + "'");
    } else {
      user_id = s->Int(0);
      auto taken = db_.Prepare("SELECT name FROM cadres WHERE user_id = ?");
      taken->BindInt(1, *user_id);
      if (taken->Step()) problems.Add("user", "user '" + *in.user_name + "' is already the cadre " + taken->Text(0));
    }
  }
  if (in.code) {
    auto s = db_.Prepare("SELECT id FROM cadres WHERE code = ?");
    s->BindText(1, *in.code);
    if (s->Step()) problems.Add("code", "cadre code " + *in.code + " is already used (cadre " + std::to_string(s->Int(0)) + ")");
  }
  problems.ThrowIfAny("invalid cadre");
  internal::Require(db_, clock_, caller, Access::kWrite, area, std::nullopt, "cadre/new");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO cadres (code, name, unit, position, phone_enc, phone_index, phone_masked, area_code, user_id,"
      " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?9, ?10, ?11, ?6, ?7, ?8, ?8) RETURNING id");
  s->BindOptionalText(1, in.code);
  s->BindText(2, in.name);
  s->BindText(3, in.unit);
  s->BindText(4, in.position);
  access::BindPhone(*s, 9, in.phone);
  s->BindText(6, area);
  s->BindOptionalInt(7, user_id);
  s->BindInt(8, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  const Cadre c = MustFindCadre(db_, clock_.Today(), id);
  access::RecordChange(db_, clock_, caller, "cadre.add", Id("cadre", id), area, nullptr, CadreAudit(c));
  tx.Commit();
  return id;
}

Cadre AssistanceService::GetCadre(const Caller& caller, int64_t id) {
  Cadre c = MustFindCadre(db_, clock_.Today(), id);
  internal::Require(db_, clock_, caller, Access::kRead, c.area_code, std::nullopt, Id("cadre", id));
  return c;
}

std::vector<Cadre> AssistanceService::ListCadres(const Caller& caller, const std::string& area_code) {
  return ListCadres(caller, area_code, ListWindow{}).items;
}

ListPage<Cadre> AssistanceService::ListCadres(const Caller& caller, const std::string& area_code,
                                              const ListWindow& window) {
  const std::string area = ListArea(db_, caller, area_code);
  RequireListRead(db_, clock_, caller, area);
  const std::string window_sql = internal::WindowSql(window);
  const std::string q = Trim(window.q);
  std::string where = " WHERE c.area_code >= ?2 AND c.area_code < ?3";
  if (!q.empty()) where += " AND (c.name LIKE ?4 ESCAPE '\\' OR c.unit LIKE ?4 ESCAPE '\\')";
  auto bind = [&](store::Statement& s) {
    s.BindText(2, area);
    s.BindText(3, internal::SubtreeEnd(area));
    if (!q.empty()) s.BindText(4, internal::ContainsPattern(q));
  };
  ListPage<Cadre> page;
  auto count = db_.Prepare("SELECT count(*) FROM cadres c" + where);
  bind(*count);
  count->Step();
  page.total = count->Int(0);
  auto s = db_.Prepare(std::string("SELECT ") + kCadreColumns + " FROM cadres c LEFT JOIN users u ON u.id = c.user_id" +
                       where + " ORDER BY c.name, c.unit, c.id" + window_sql);
  s->BindText(1, clock_.Today().ToString());
  bind(*s);
  while (s->Step()) page.items.push_back(ReadCadre(*s));
  return page;
}

// ---- departments ----

int64_t AssistanceService::AddDepartment(const Caller& caller, const std::string& area_code, const std::string& name,
                                         const std::string& responsibility) {
  Problems problems;
  auto area = internal::CheckArea(db_, area_code, "area_code", problems);
  if (name.empty()) problems.Add("name", "required");
  if (area) {
    auto s = db_.Prepare("SELECT id FROM sector_departments WHERE area_code = ? AND name = ?");
    s->BindText(1, *area);
    s->BindText(2, name);
    if (s->Step()) problems.Add("name", "area " + *area + " already has the department " + name);
  }
  problems.ThrowIfAny("invalid sector department");
  internal::Require(db_, clock_, caller, Access::kWrite, *area, std::nullopt, "department/new");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO sector_departments (area_code, name, responsibility, created_at) VALUES (?, ?, ?, ?) RETURNING id");
  s->BindText(1, *area);
  s->BindText(2, name);
  s->BindText(3, responsibility);
  s->BindInt(4, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  access::RecordChange(db_, clock_, caller, "department.add", Id("department", id), *area, nullptr,
                        {{"name", name}, {"responsibility", responsibility}});
  tx.Commit();
  return id;
}

int AssistanceService::AddStandardDepartments(const Caller& caller, const std::string& area_code) {
  Problems problems;
  auto area = internal::CheckArea(db_, area_code, "area_code", problems);
  problems.ThrowIfAny("invalid area");
  internal::Require(db_, clock_, caller, Access::kWrite, *area, std::nullopt, "department/new");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO sector_departments (area_code, name, responsibility, created_at)"
      " SELECT ?1, t.name, t.responsibility, ?2 FROM sector_department_types t"
      " WHERE NOT EXISTS (SELECT 1 FROM sector_departments d WHERE d.area_code = ?1 AND d.name = t.name)"
      " ORDER BY t.sort_order");
  s->BindText(1, *area);
  s->BindInt(2, clock_.NowSeconds());
  const int64_t added = s->Run();
  access::RecordChange(db_, clock_, caller, "department.add_standard", "department/" + *area, *area, nullptr,
                        {{"added", added}});
  tx.Commit();
  return static_cast<int>(added);
}

std::vector<Department> AssistanceService::ListDepartments(const Caller& caller, const std::string& area_code) {
  const std::string area = ListArea(db_, caller, area_code);
  RequireListRead(db_, clock_, caller, area);
  auto s = db_.Prepare(
      "SELECT d.id, d.area_code, d.name, d.responsibility FROM sector_departments d"
      " LEFT JOIN sector_department_types t ON t.name = d.name"
      " WHERE d.area_code >= ? AND d.area_code < ? ORDER BY d.area_code, coalesce(t.sort_order, 1000), d.name");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  std::vector<Department> out;
  while (s->Step()) out.push_back({s->Int(0), s->Text(1), s->Text(2), s->Text(3)});
  return out;
}

// ---- county leaders ----

int64_t AssistanceService::LinkLeader(const Caller& caller, int64_t cadre_id, const std::string& area_code,
                                      const std::string& start_date) {
  Problems problems;
  auto area = internal::CheckArea(db_, area_code, "area_code", problems);
  if (area) {
    const auto level = LevelOfCode(*area);
    if (level != AreaLevel::kTownship && level != AreaLevel::kVillage) {
      problems.Add("area_code", "a county leader is linked to a township or a village, not " + *area);
    }
  }
  internal::CheckDate(start_date, "start_date", problems);
  const Cadre c = MustFindCadre(db_, clock_.Today(), cadre_id);
  if (c.left_on) problems.Add("cadre_id", "cadre " + c.name + " left on " + *c.left_on);
  problems.ThrowIfAny("invalid leader link");
  internal::Require(db_, clock_, caller, Access::kWrite, *area, std::nullopt, "leader_link/new");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO leader_links (cadre_id, area_code, start_date, created_at) VALUES (?, ?, ?, ?) RETURNING id");
  s->BindInt(1, cadre_id);
  s->BindText(2, *area);
  s->BindText(3, start_date);
  s->BindInt(4, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  access::RecordChange(db_, clock_, caller, "leader.link", Id("leader_link", id), *area, nullptr,
                        {{"cadre_id", cadre_id}, {"cadre", c.name}, {"start_date", start_date}});
  tx.Commit();
  return id;
}

std::vector<LeaderLink> AssistanceService::ListLeaderLinks(const Caller& caller, const std::string& area_code) {
  const std::string area = ListArea(db_, caller, area_code);
  RequireListRead(db_, clock_, caller, area);
  auto s = db_.Prepare(
      "SELECT l.id, l.cadre_id, c.name, c.position, l.area_code, a.name, l.start_date, l.end_date"
      " FROM leader_links l JOIN cadres c ON c.id = l.cadre_id JOIN areas a ON a.code = l.area_code"
      " WHERE l.area_code >= ? AND l.area_code < ? ORDER BY l.area_code, c.name, l.id");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  std::vector<LeaderLink> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->Int(1), s->Text(2), s->Text(3), s->Text(4), s->Text(5), s->Text(6),
                   s->OptionalText(7)});
  }
  return out;
}

// ---- work teams ----

int64_t AssistanceService::AddTeam(const Caller& caller, const TeamInput& in) {
  Problems problems;
  auto village = internal::CheckArea(db_, in.village_code, "village_code", problems);
  if (village && LevelOfCode(*village) != AreaLevel::kVillage) {
    problems.Add("village_code", *village + " is not a village");
  }
  if (in.dispatching_unit.empty()) problems.Add("dispatching_unit", "required");
  const bool start_ok = internal::CheckDate(in.start_date, "start_date", problems);
  if (in.end_date && internal::CheckDate(*in.end_date, "end_date", problems) && start_ok &&
      *in.end_date <= in.start_date) {
    problems.Add("end_date", "must be after the start date");
  }
  problems.ThrowIfAny("invalid work team");
  internal::Require(db_, clock_, caller, Access::kWrite, *village, std::nullopt, "work_team/new");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO work_teams (village_code, dispatching_unit, start_date, end_date, created_at)"
      " VALUES (?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, *village);
  s->BindText(2, in.dispatching_unit);
  s->BindText(3, in.start_date);
  s->BindOptionalText(4, in.end_date);
  s->BindInt(5, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  nlohmann::json after = {{"village_code", *village}, {"dispatching_unit", in.dispatching_unit},
                          {"start_date", in.start_date}};
  if (in.end_date) after["end_date"] = *in.end_date;
  access::RecordChange(db_, clock_, caller, "work_team.add", Id("work_team", id), *village, nullptr, after);
  tx.Commit();
  return id;
}

int64_t AssistanceService::AddTeamMember(const Caller& caller, int64_t team_id, int64_t cadre_id,
                                         const std::string& role, const std::string& start_date) {
  auto t = db_.Prepare("SELECT village_code FROM work_teams WHERE id = ?");
  t->BindInt(1, team_id);
  if (!t->Step()) throw Error::NotFound("no work team with id " + std::to_string(team_id));
  const std::string village = t->Text(0);
  t.reset();
  Problems problems;
  if (!ParseWire<TeamRole>(TeamRoles(), role)) {
    problems.Add("role", "'" + role + "' is not one of " + WireList(TeamRoles()));
  }
  internal::CheckDate(start_date, "start_date", problems);
  const Cadre c = MustFindCadre(db_, clock_.Today(), cadre_id);
  if (c.left_on) problems.Add("cadre_id", "cadre " + c.name + " left on " + *c.left_on);
  {
    auto s = db_.Prepare("SELECT 1 FROM work_team_members WHERE team_id = ? AND cadre_id = ? AND end_date IS NULL");
    s->BindInt(1, team_id);
    s->BindInt(2, cadre_id);
    if (s->Step()) problems.Add("cadre_id", c.name + " is already a member of this team");
  }
  problems.ThrowIfAny("invalid team member");
  internal::Require(db_, clock_, caller, Access::kWrite, village, std::nullopt, Id("work_team", team_id));
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO work_team_members (team_id, cadre_id, role, start_date, created_at) VALUES (?, ?, ?, ?, ?)"
      " RETURNING id");
  s->BindInt(1, team_id);
  s->BindInt(2, cadre_id);
  s->BindText(3, role);
  s->BindText(4, start_date);
  s->BindInt(5, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  access::RecordChange(db_, clock_, caller, "work_team.member_add", Id("work_team", team_id), village, nullptr,
                        {{"cadre_id", cadre_id}, {"cadre", c.name}, {"role", role}, {"start_date", start_date}});
  tx.Commit();
  return id;
}

namespace {

// Teams chosen by `where` over work_teams t joined with their village a
// (parameters bound by `bind`), sorted by village, a window of them (`tail`),
// with every member: two statements, whatever the number of teams.
std::vector<WorkTeam> LoadTeams(store::Connection& db, const std::string& where,
                                const std::function<void(store::Statement&)>& bind, const std::string& tail = "") {
  std::vector<WorkTeam> teams;
  auto s = db.Prepare(
      "SELECT t.id, t.village_code, a.name, t.dispatching_unit, t.start_date, t.end_date FROM work_teams t"
      " JOIN areas a ON a.code = t.village_code WHERE " + where + " ORDER BY t.village_code, t.id" + tail);
  bind(*s);
  std::map<int64_t, size_t> index;
  std::string ids;
  while (s->Step()) {
    WorkTeam t;
    t.id = s->Int(0);
    t.village_code = s->Text(1);
    t.village_name = s->Text(2);
    t.dispatching_unit = s->Text(3);
    t.start_date = s->Text(4);
    t.end_date = s->OptionalText(5);
    index[t.id] = teams.size();
    ids += (ids.empty() ? "" : ",") + std::to_string(t.id);
    teams.push_back(std::move(t));
  }
  if (teams.empty()) return teams;
  // Members of all the teams in one query (the ids are the integers just read).
  auto m = db.Prepare(
      "SELECT m.team_id, m.id, m.cadre_id, c.name, c.unit, m.role, m.start_date, m.end_date FROM work_team_members m"
      " JOIN cadres c ON c.id = m.cadre_id WHERE m.team_id IN (" + ids + ")"
      " ORDER BY m.team_id, " + SqlOrderOf(TeamRoles(), "m.role") + ", m.id");
  while (m->Step()) {
    auto it = index.find(m->Int(0));
    if (it == index.end()) continue;
    teams[it->second].members.push_back(
        {m->Int(1), m->Int(2), m->Text(3), m->Text(4), m->Text(5), m->Text(6), m->OptionalText(7)});
  }
  return teams;
}

}  // namespace

std::span<const Term> TeamRoles() {
  static constexpr Term kRoles[] = {{static_cast<int>(TeamRole::kCaptain), "captain", "队长"},
                                    {static_cast<int>(TeamRole::kFirstSecretary), "first_secretary", "第一书记"},
                                    {static_cast<int>(TeamRole::kMember), "member", "队员"}};
  return kRoles;
}

std::vector<Vocabulary> Vocabularies() { return {{"work_team_role", TeamRoles()}}; }

std::string TeamRoleZh(const std::string& role) {
  const char* zh = LabelOfWire(TeamRoles(), role);
  return *zh != 0 ? zh : role;
}

WorkTeam AssistanceService::GetTeam(const Caller& caller, int64_t id) {
  auto teams = LoadTeams(db_, "t.id = ?1", [id](store::Statement& s) { s.BindInt(1, id); });
  if (teams.empty()) throw Error::NotFound("no work team with id " + std::to_string(id));
  internal::Require(db_, clock_, caller, Access::kRead, teams[0].village_code, std::nullopt, Id("work_team", id));
  return teams[0];
}

std::vector<WorkTeam> AssistanceService::ListTeams(const Caller& caller, const std::string& area_code) {
  return ListTeams(caller, area_code, ListWindow{}).items;
}

ListPage<WorkTeam> AssistanceService::ListTeams(const Caller& caller, const std::string& area_code,
                                                const ListWindow& window) {
  const std::string area = ListArea(db_, caller, area_code);
  RequireListRead(db_, clock_, caller, area);
  const std::string window_sql = internal::WindowSql(window);
  const std::string q = Trim(window.q);
  std::string where = "t.village_code >= ?1 AND t.village_code < ?2";
  if (!q.empty()) {
    // The village by name or code, the dispatching unit, the team leader (captain) by name.
    where +=
        " AND (a.name LIKE ?3 ESCAPE '\\' OR t.village_code LIKE ?4 ESCAPE '\\' OR t.dispatching_unit LIKE ?3 ESCAPE '\\'"
        " OR EXISTS (SELECT 1 FROM work_team_members l JOIN cadres lc ON lc.id = l.cadre_id"
        "   WHERE l.team_id = t.id AND l.role = " +
        SqlWire(TeamRoles(), TeamRole::kCaptain) + " AND lc.name LIKE ?3 ESCAPE '\\'))";
  }
  auto bind = [&](store::Statement& s) {
    s.BindText(1, area);
    s.BindText(2, internal::SubtreeEnd(area));
    if (!q.empty()) {
      s.BindText(3, internal::ContainsPattern(q));
      s.BindText(4, internal::PrefixPattern(q));
    }
  };
  ListPage<WorkTeam> page;
  auto count = db_.Prepare("SELECT count(*) FROM work_teams t JOIN areas a ON a.code = t.village_code WHERE " + where);
  bind(*count);
  count->Step();
  page.total = count->Int(0);
  page.items = LoadTeams(db_, where, bind, window_sql);
  return page;
}

// ---- pairings ----

int64_t AssistanceService::Pair(const Caller& caller, int64_t cadre_id, int64_t household_id,
                                const std::string& start_date) {
  Problems problems;
  const bool date_ok = internal::CheckDate(start_date, "start_date", problems);
  problems.ThrowIfAny("invalid pairing");
  const Date on = *Date::Parse(start_date);
  const Cadre c = MustFindCadre(db_, clock_.Today(), cadre_id);
  const HouseholdInfo h = MustFindHousehold(db_, std::max(on, clock_.Today()), household_id);
  // Writing a pairing is management work: no household id in the target, so
  // a paired cadre cannot pair themselves.
  internal::Require(db_, clock_, caller, Access::kWrite, h.village, std::nullopt, "pairing/new");
  (void)date_ok;
  if (!internal::IsRegistered(h.status)) {
    throw Error::FailedPrecondition("household " + h.number + " is " + h.status + ", not registered (poor or exited)",
                                    {{"household_id", "only registered households are paired"}});
  }
  if (c.left_on) {
    throw Error::FailedPrecondition("cadre " + c.name + " left on " + *c.left_on, {{"cadre_id", "cadre has left"}});
  }
  {
    auto s = db_.Prepare(
        "SELECT p.id, c.name FROM pairings p JOIN cadres c ON c.id = p.cadre_id"
        " WHERE p.household_id = ? AND p.end_date IS NULL");
    s->BindInt(1, household_id);
    if (s->Step()) {
      throw Error::FailedPrecondition(
          "household " + h.number + " is already paired with " + s->Text(1) + " (pairing " +
              std::to_string(s->Int(0)) + ")",
          {{"household_id", "end or hand over the current pairing first"}});
    }
  }
  const AssistanceParams params = ReadParams(db_);
  const int64_t active = ActiveCount(db_, cadre_id, std::max(on, clock_.Today()).ToString());
  if (active >= params.pairing_household_limit) {
    throw Error::FailedPrecondition(
        "cadre " + c.name + " already has " + std::to_string(active) + " households, the limit is " +
            std::to_string(params.pairing_household_limit),
        {{"cadre_id", "at the limit of pairing_household_limit = " + std::to_string(params.pairing_household_limit)}});
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO pairings (cadre_id, household_id, start_date, created_at) VALUES (?, ?, ?, ?) RETURNING id");
  s->BindInt(1, cadre_id);
  s->BindInt(2, household_id);
  s->BindText(3, start_date);
  s->BindInt(4, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  access::RecordChange(db_, clock_, caller, "pairing.add", Id("pairing", id), h.village, nullptr,
                        {{"cadre_id", cadre_id}, {"cadre", c.name}, {"household", h.number},
                         {"start_date", start_date}});
  tx.Commit();
  return id;
}

void AssistanceService::EndPairing(const Caller& caller, int64_t pairing_id, const std::string& date,
                                   const std::string& reason) {
  Problems problems;
  internal::CheckDate(date, "date", problems);
  if (reason.empty()) problems.Add("reason", "say why the pairing ends");
  problems.ThrowIfAny("invalid end of pairing");
  auto s = db_.Prepare(
      "SELECT p.start_date, p.end_date, h.village_code, h.number FROM pairings p"
      " JOIN households h ON h.id = p.household_id WHERE p.id = ?");
  s->BindInt(1, pairing_id);
  if (!s->Step()) throw Error::NotFound("no pairing with id " + std::to_string(pairing_id));
  const std::string start = s->Text(0);
  const bool open = s->IsNull(1);
  const std::string village = s->Text(2);
  const std::string number = s->Text(3);
  s.reset();
  internal::Require(db_, clock_, caller, Access::kWrite, village, std::nullopt, Id("pairing", pairing_id));
  if (!open) throw Error::FailedPrecondition("pairing " + std::to_string(pairing_id) + " has already ended");
  if (date <= start) {
    throw Error::InvalidArgument("invalid end of pairing", {{"date", "must be after the start " + start}});
  }
  store::Transaction tx(db_);
  auto u = db_.Prepare("UPDATE pairings SET end_date = ?, end_reason = ? WHERE id = ?");
  u->BindText(1, date);
  u->BindText(2, reason);
  u->BindInt(3, pairing_id);
  u->Run();
  access::RecordChange(db_, clock_, caller, "pairing.end", Id("pairing", pairing_id), village, {{"end_date", nullptr}},
                        {{"household", number}, {"end_date", date}, {"end_reason", reason}});
  tx.Commit();
}

HandoverResult AssistanceService::HandOver(const Caller& caller, int64_t from_cadre_id, int64_t to_cadre_id,
                                           const std::string& date, const std::string& reason) {
  Problems problems;
  internal::CheckDate(date, "date", problems);
  if (from_cadre_id == to_cadre_id) problems.Add("to_cadre_id", "must be another cadre");
  problems.ThrowIfAny("invalid handover");
  const Cadre from = MustFindCadre(db_, clock_.Today(), from_cadre_id);
  const Cadre to = MustFindCadre(db_, clock_.Today(), to_cadre_id);
  internal::Require(db_, clock_, caller, Access::kWrite, from.area_code, std::nullopt, Id("cadre", from_cadre_id));
  if (from.left_on) throw Error::FailedPrecondition("cadre " + from.name + " already left on " + *from.left_on);
  if (to.left_on) throw Error::FailedPrecondition("cadre " + to.name + " left on " + *to.left_on);
  // The open pairings of the leaving cadre, with their households' villages.
  struct Open {
    int64_t id, household_id;
    std::string start, village, number;
  };
  std::vector<Open> open;
  {
    auto s = db_.Prepare(
        "SELECT p.id, p.household_id, p.start_date, h.village_code, h.number FROM pairings p"
        " JOIN households h ON h.id = p.household_id WHERE p.cadre_id = ? AND p.end_date IS NULL ORDER BY p.id");
    s->BindInt(1, from_cadre_id);
    while (s->Step()) open.push_back({s->Int(0), s->Int(1), s->Text(2), s->Text(3), s->Text(4)});
  }
  for (const auto& o : open) {
    internal::Require(db_, clock_, caller, Access::kWrite, o.village, std::nullopt, Id("pairing", o.id));
    if (date <= o.start) {
      throw Error::InvalidArgument("invalid handover",
                                   {{"date", "must be after the start " + o.start + " of pairing " + std::to_string(o.id)}});
    }
  }
  const AssistanceParams params = ReadParams(db_);
  const int64_t has = ActiveCount(db_, to_cadre_id, std::max(*Date::Parse(date), clock_.Today()).ToString());
  if (has + static_cast<int64_t>(open.size()) > params.pairing_household_limit) {
    throw Error::FailedPrecondition(
        "cadre " + to.name + " has " + std::to_string(has) + " households and would have " +
            std::to_string(has + static_cast<int64_t>(open.size())) + ", over the limit of " +
            std::to_string(params.pairing_household_limit),
        {{"to_cadre_id", "choose a cadre with room, or hand the households over one by one"}});
  }
  HandoverResult result{from_cadre_id, to_cadre_id, date, {}, {}};
  store::Transaction tx(db_);
  auto insert = db_.Prepare(
      "INSERT INTO pairings (cadre_id, household_id, start_date, created_at) VALUES (?, ?, ?, ?) RETURNING id");
  auto end = db_.Prepare("UPDATE pairings SET end_date = ?, end_reason = ?, handed_to = ? WHERE id = ?");
  for (const auto& o : open) {
    // End first: a household has one open pairing at a time.
    end->BindText(1, date);
    end->BindText(2, reason.empty() ? "帮扶干部调离" : reason);
    end->BindNull(3);
    end->BindInt(4, o.id);
    end->Run();
    insert->BindInt(1, to_cadre_id);
    insert->BindInt(2, o.household_id);
    insert->BindText(3, date);
    insert->BindInt(4, clock_.NowSeconds());
    insert->Step();
    const int64_t next = insert->Int(0);
    insert->Reset();
    auto link = db_.Prepare("UPDATE pairings SET handed_to = ? WHERE id = ?");
    link->BindInt(1, next);
    link->BindInt(2, o.id);
    link->Run();
    result.ended.push_back(o.id);
    result.opened.push_back(next);
  }
  auto left = db_.Prepare("UPDATE cadres SET left_on = ?, updated_at = ? WHERE id = ?");
  left->BindText(1, date);
  left->BindInt(2, clock_.NowSeconds());
  left->BindInt(3, from_cadre_id);
  left->Run();
  access::RecordChange(db_, clock_, caller, "cadre.handover", Id("cadre", from_cadre_id), from.area_code,
                        {{"left_on", nullptr}, {"pairings", result.ended}},
                        {{"left_on", date}, {"to_cadre_id", to_cadre_id}, {"to", to.name},
                         {"pairings", result.opened}, {"reason", reason}});
  tx.Commit();
  return result;
}

std::vector<Pairing> AssistanceService::ListPairings(const Caller& caller, const PairingFilter& f) {
  return ListPairings(caller, f, ListWindow{}).items;
}

ListPage<Pairing> AssistanceService::ListPairings(const Caller& caller, const PairingFilter& f,
                                                  const ListWindow& window) {
  std::string where = " WHERE h.village_code >= ?1 AND h.village_code < ?2";
  std::string area = caller.area_scope;
  if (f.household_id) {
    const HouseholdInfo h = MustFindHousehold(db_, clock_.Today(), *f.household_id);
    internal::Require(db_, clock_, caller, Access::kRead, h.village, h.id, Id("household", h.id));
    where += " AND p.household_id = ?3";
  } else {
    RequireListRead(db_, clock_, caller, area);
  }
  const std::string window_sql = internal::WindowSql(window);
  const std::string q = Trim(window.q);
  if (f.cadre_id) where += " AND p.cadre_id = ?4";
  if (f.active_only) where += " AND p.start_date <= ?5 AND (p.end_date IS NULL OR p.end_date > ?5)";
  const bool paired_only = access::ReadScopeFor(caller, access::Resource::kAssistance).paired_households_only ||
                           access::Can(caller, access::Ability::kOwnPairingsOnly);
  if (paired_only) where += " AND c.user_id = ?6";
  if (!q.empty()) where += " AND (h.number = ?7 OR c.name = ?7)";
  auto bind = [&](store::Statement& s) {
    s.BindText(1, area);
    s.BindText(2, internal::SubtreeEnd(area));
    if (f.household_id) s.BindInt(3, *f.household_id);
    if (f.cadre_id) s.BindInt(4, *f.cadre_id);
    if (f.active_only) s.BindText(5, clock_.Today().ToString());
    if (paired_only) s.BindInt(6, caller.user_id);
    if (!q.empty()) s.BindText(7, q);
  };
  const std::string from =
      " FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN households h ON h.id = p.household_id" + where;
  ListPage<Pairing> page;
  auto count = db_.Prepare("SELECT count(*)" + from);
  bind(*count);
  count->Step();
  page.total = count->Int(0);
  auto s = db_.Prepare(
      "SELECT p.id, p.cadre_id, c.name, p.household_id, h.number, h.village_code, p.start_date, p.end_date,"
      " p.end_reason, p.handed_to" + from + " ORDER BY h.number, p.start_date, p.id" + window_sql);
  bind(*s);
  while (s->Step()) {
    page.items.push_back({s->Int(0), s->Int(1), s->Text(2), s->Int(3), s->Text(4), s->Text(5), s->Text(6),
                          s->OptionalText(7), s->OptionalText(8), s->OptionalInt(9)});
  }
  return page;
}

// ---- visits ----

int64_t AssistanceService::RecordVisit(const Caller& caller, const VisitInput& in) {
  Problems problems;
  if (internal::CheckDate(in.date, "date", problems) && in.date > clock_.Today().ToString()) {
    problems.Add("date", in.date + " is in the future");
  }
  if (in.done.empty()) problems.Add("done", "say what was done on the visit");
  problems.ThrowIfAny("invalid visit");
  const HouseholdInfo h = MustFindHousehold(db_, clock_.Today(), in.household_id);
  internal::Require(db_, clock_, caller, Access::kWrite, h.village, h.id, Id("household", h.id));
  // The cadre: the one named, or the household's cadre on the visit date.
  std::optional<int64_t> cadre_id = in.cadre_id;
  if (access::Can(caller, access::Ability::kOwnPairingsOnly)) {
    auto s = db_.Prepare("SELECT id FROM cadres WHERE user_id = ?");
    s->BindInt(1, caller.user_id);
    if (!s->Step()) throw Error::FailedPrecondition("your login is not linked to a cadre");
    if (cadre_id && *cadre_id != s->Int(0)) {
      throw Error::PermissionDenied("a paired cadre records their own visits only");
    }
    cadre_id = s->Int(0);
  }
  if (!cadre_id) {
    auto s = db_.Prepare(
        "SELECT cadre_id FROM pairings WHERE household_id = ? AND start_date <= ?2"
        " AND (end_date IS NULL OR end_date > ?2)");
    s->BindInt(1, h.id);
    s->BindText(2, in.date);
    if (!s->Step()) {
      throw Error::InvalidArgument("invalid visit",
                                   {{"cadre_id", "household " + h.number + " had no paired cadre on " + in.date +
                                                     "; name the cadre"}});
    }
    cadre_id = s->Int(0);
  } else {
    MustFindCadre(db_, clock_.Today(), *cadre_id);
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO visits (household_id, cadre_id, date, done, promised, recorded_by, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, h.id);
  s->BindInt(2, *cadre_id);
  s->BindText(3, in.date);
  s->BindText(4, in.done);
  s->BindText(5, in.promised);
  s->BindText(6, caller.user_name);
  s->BindInt(7, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s.reset();
  access::RecordChange(db_, clock_, caller, "visit.add", Id("visit", id), h.village, nullptr,
                        {{"household", h.number}, {"cadre_id", *cadre_id}, {"date", in.date}, {"done", in.done},
                         {"promised", in.promised}});
  tx.Commit();
  return id;
}

std::vector<Visit> AssistanceService::ListVisits(const Caller& caller, int64_t household_id) {
  const HouseholdInfo h = MustFindHousehold(db_, clock_.Today(), household_id);
  internal::Require(db_, clock_, caller, Access::kRead, h.village, h.id, Id("household", h.id));
  auto s = db_.Prepare(
      "SELECT v.id, v.household_id, v.cadre_id, c.name, v.date, v.done, v.promised, v.recorded_by FROM visits v"
      " JOIN cadres c ON c.id = v.cadre_id WHERE v.household_id = ? ORDER BY v.date DESC, v.id DESC");
  s->BindInt(1, household_id);
  std::vector<Visit> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->Int(1), s->Int(2), s->Text(3), s->Text(4), s->Text(5), s->Text(6), s->Text(7)});
  }
  return out;
}

MyHouseholds AssistanceService::MyView(const Caller& caller) {
  if (caller.user_id == 0) throw Error::FailedPrecondition("the own view needs a login linked to a cadre");
  auto s = db_.Prepare("SELECT id FROM cadres WHERE user_id = ?");
  s->BindInt(1, caller.user_id);
  if (!s->Step()) throw Error::NotFound("user " + caller.user_name + " is not linked to a cadre");
  const int64_t cadre_id = s->Int(0);
  s.reset();
  // The view holds only the caller's own cadre record and pairings, found by
  // the caller's user id: no further check.
  return View(cadre_id);
}

MyHouseholds AssistanceService::CadreView(const Caller& caller, int64_t cadre_id) {
  const Cadre c = MustFindCadre(db_, clock_.Today(), cadre_id);
  internal::Require(db_, clock_, caller, Access::kRead, c.area_code, std::nullopt, Id("cadre", cadre_id));
  if (access::Can(caller, access::Ability::kOwnPairingsOnly)) {
    auto s = db_.Prepare("SELECT 1 FROM cadres WHERE id = ? AND user_id = ?");
    s->BindInt(1, cadre_id);
    s->BindInt(2, caller.user_id);
    if (!s->Step()) throw Error::PermissionDenied("a paired cadre sees their own households only");
  }
  return View(cadre_id);
}

MyHouseholds AssistanceService::View(int64_t cadre_id) {
  MyHouseholds view;
  view.cadre = MustFindCadre(db_, clock_.Today(), cadre_id);
  const AssistanceParams params = ReadParams(db_);
  view.visit_interval_days = params.visit_interval_days;
  const std::string today = clock_.Today().ToString();
  auto q = db_.Prepare(
      "SELECT h.id, h.number, h.village_code, a.name, " + registry::StatusOrUnregisteredOnSql("h.id", "?1") +
      ", p.start_date,"
      " (SELECT max(v.date) FROM visits v WHERE v.household_id = h.id AND v.date >= p.start_date),"
      " (SELECT v.promised FROM visits v WHERE v.household_id = h.id ORDER BY v.date DESC, v.id DESC LIMIT 1)"
      " FROM pairings p JOIN households h ON h.id = p.household_id JOIN areas a ON a.code = h.village_code"
      " WHERE p.cadre_id = ?2 AND p.start_date <= ?1 AND (p.end_date IS NULL OR p.end_date > ?1) ORDER BY h.number");
  q->BindText(1, today);
  q->BindInt(2, cadre_id);
  while (q->Step()) {
    MyHousehold m;
    m.household_id = q->Int(0);
    m.number = q->Text(1);
    m.village_code = q->Text(2);
    m.village_name = q->Text(3);
    m.status = q->Text(4);
    m.paired_since = q->Text(5);
    m.last_visit = q->OptionalText(6);
    m.last_promised = q->IsNull(7) ? "" : q->Text(7);
    const Date base = *Date::Parse(m.last_visit ? *m.last_visit : m.paired_since);
    m.next_visit_due = Date::FromDays(base.ToDays() + params.visit_interval_days).ToString();
    m.overdue = m.next_visit_due < today;
    view.households.push_back(std::move(m));
  }
  return view;
}

}  // namespace fupin::assistance
