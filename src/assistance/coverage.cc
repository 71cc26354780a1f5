#include "assistance/coverage.h"

#include <map>
#include <set>

#include "access/pairing.h"
#include "access/permissions.h"
#include "assistance/assistance.h"
#include "assistance/internal.h"
#include "core/area_code.h"
#include "core/text.h"
#include "registry/status.h"

namespace fupin::assistance {
namespace {

double Percent(int64_t n, int64_t d) { return d == 0 ? 100.0 : 100.0 * static_cast<double>(n) / static_cast<double>(d); }

struct Scope {
  std::string area;
  std::string date;
};

// Checks the area and the caller, and fixes the date.
Scope Prepare(store::Connection& db, const Caller& caller, const std::string& area_code,
              const std::optional<std::string>& as_of, const Clock& clock) {
  Problems problems;
  // "", "nation" or "全国": the whole country (a caller whose scope is the nation).
  const bool nation = area_code.empty() || area_code == "nation" || area_code == "全国";
  auto area = nation ? std::optional<std::string>(std::string()) : internal::CheckArea(db, area_code, "area", problems);
  std::string date = clock.Today().ToString();
  if (as_of && internal::CheckDate(*as_of, "as_of", problems)) date = *as_of;
  problems.ThrowIfAny("invalid coverage request");
  const access::ReadScope scope = access::ReadScopeFor(caller, access::Resource::kAssistance);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read assistance");
  internal::Require(db, clock, caller, access::Access::kRead, *area, std::nullopt, "coverage/" + *area);
  return {*area, date};
}

// "('poor', 'exited')": the statuses of a registered household (poor or exited), from the table.
std::string RegisteredSql() {
  return registry::SqlList({registry::HouseholdState::kPoor, registry::HouseholdState::kExited});
}

// The registered households on the date with their active pairing.
constexpr const char* kHouseholdsSql =
    "SELECT q.id, q.number, q.village_code, q.status, p.start_date, c.name,"
    " (SELECT max(v.date) FROM visits v WHERE v.household_id = q.id AND v.date <= ?1), a.name"
    " FROM (SELECT h.id, h.number, h.village_code, {status} AS status FROM households h"
    "       WHERE h.village_code >= ?2 AND h.village_code < ?3) q"
    " JOIN areas a ON a.code = q.village_code"
    " LEFT JOIN pairings p ON p.household_id = q.id AND p.start_date <= ?1 AND (p.end_date IS NULL OR p.end_date > ?1)"
    " LEFT JOIN cadres c ON c.id = p.cadre_id"
    " WHERE q.status IN {registered}{paired} ORDER BY q.number";

// With `paired_only` (a paired cadre), only the households paired with user
// ?4 on the date: the gap lists name no other household.
std::string HouseholdsSql(bool paired_only) {
  std::string sql = kHouseholdsSql;
  sql.replace(sql.find("{status}"), 8, registry::StatusOnSql("h.id", "?1"));
  sql.replace(sql.find("{registered}"), 12, RegisteredSql());
  sql.replace(sql.find("{paired}"), 8,
              paired_only ? " AND q.id IN (" + access::PairedHouseholdIdsSql(4, 1) + ")" : std::string());
  return sql;
}

// One gap list (CoverageGaps): the registered households on ?1 in [?2, ?3)
// with their one active pairing (the lowest id when two overlap), their last
// visit and their village. {paired}: a paired cadre's own (?4); {kind}: the
// list (?5: the date before which the last visit is overdue); {q}: the search
// (?6 contains, ?7 starts with).
constexpr const char* kGapsFromSql =
    " FROM (SELECT h.id, h.number, h.village_code, {status} AS status,"
    "       (SELECT max(v.date) FROM visits v WHERE v.household_id = h.id AND v.date <= ?1) AS last_visit"
    "       FROM households h WHERE h.village_code >= ?2 AND h.village_code < ?3) q"
    " JOIN areas a ON a.code = q.village_code"
    " LEFT JOIN pairings p ON p.id = (SELECT min(p2.id) FROM pairings p2 WHERE p2.household_id = q.id"
    "   AND p2.start_date <= ?1 AND (p2.end_date IS NULL OR p2.end_date > ?1))"
    " LEFT JOIN cadres c ON c.id = p.cadre_id"
    " WHERE q.status IN {registered}{paired}{kind}{q}";

std::string GapsFromSql(bool paired_only, GapKind kind, bool search) {
  std::string sql = kGapsFromSql;
  auto put = [&sql](const char* slot, const std::string& text) { sql.replace(sql.find(slot), std::string(slot).size(), text); };
  put("{status}", registry::StatusOnSql("h.id", "?1"));
  put("{registered}", RegisteredSql());
  put("{paired}", paired_only ? " AND q.id IN (" + access::PairedHouseholdIdsSql(4, 1) + ")" : std::string());
  put("{kind}", kind == GapKind::kWithoutCadre
                    ? std::string(" AND p.id IS NULL")
                    : std::string(" AND p.id IS NOT NULL AND (CASE WHEN q.last_visit IS NOT NULL AND q.last_visit >="
                                  " p.start_date THEN q.last_visit ELSE p.start_date END) < ?5"));
  put("{q}", search ? std::string(" AND (q.number LIKE ?7 ESCAPE '\\' OR a.name LIKE ?6 ESCAPE '\\'"
                                  " OR q.village_code LIKE ?7 ESCAPE '\\' OR c.name LIKE ?6 ESCAPE '\\')")
                    : std::string());
  return sql;
}

constexpr const char* kPoorVillagesSql =
    "SELECT a.code, a.name, EXISTS (SELECT 1 FROM work_teams t WHERE t.village_code = a.code AND t.start_date <= ?1"
    "   AND (t.end_date IS NULL OR t.end_date > ?1) AND EXISTS (SELECT 1 FROM work_team_members m"
    "   WHERE m.team_id = t.id AND m.start_date <= ?1 AND (m.end_date IS NULL OR m.end_date > ?1)))"
    " FROM areas a WHERE a.level = 5 AND a.code >= ?2 AND a.code < ?3"
    " AND EXISTS (SELECT 1 FROM area_years y WHERE y.area_code = a.code AND y.poor_village = 1 AND y.year <= ?4)"
    " ORDER BY a.code";

}  // namespace

double CoverageCounts::resident_coverage_rate() const { return Percent(poor_villages_with_team, poor_villages); }
double CoverageCounts::pairing_coverage_rate() const { return Percent(households_paired, households_registered); }

namespace {

// The breakdown: provinces below the nation, townships below a county or higher, villages
// below a township; and the area's own name in the total.
struct Breakdown {
  size_t child_len = 12;
  std::map<std::string, CoverageCounts> children;
  // The counts of the child a village lies in (nullptr outside them).
  CoverageCounts* Of(const std::string& village) {
    auto it = children.find(village.substr(0, std::min(child_len, village.size())));
    return it == children.end() ? nullptr : &it->second;
  }
};

Breakdown ReadBreakdown(store::Connection& db, const Scope& sc, const std::string& end, CoverageReport& r) {
  Breakdown b;
  const auto level = LevelOfCode(sc.area).value_or(AreaLevel::kVillage);
  b.child_len = sc.area.empty()                                                   ? 2
                : level == AreaLevel::kTownship || level == AreaLevel::kVillage ? 12
                                                                                : 9;
  auto s = db.Prepare("SELECT code, name FROM areas WHERE level = ? AND code >= ? AND code < ? ORDER BY code");
  s->BindInt(1, b.child_len == 12 ? 5 : b.child_len == 9 ? 4 : 1);
  s->BindText(2, sc.area);
  s->BindText(3, end);
  while (s->Step()) b.children[s->Text(0)] = CoverageCounts{s->Text(0), s->Text(1)};
  auto n = db.Prepare("SELECT name FROM areas WHERE code = ?");
  n->BindText(1, sc.area);
  r.total.area_code = sc.area;
  if (n->Step()) r.total.area_name = n->Text(0);
  if (sc.area.empty()) r.total.area_name = "全国";
  return b;
}

// The poor villages and those with a resident work team on the date.
void CountVillages(store::Connection& db, const Scope& sc, const std::string& end, int year, Breakdown& b,
                   CoverageReport& r) {
  auto s = db.Prepare(kPoorVillagesSql);
  s->BindText(1, sc.date);
  s->BindText(2, sc.area);
  s->BindText(3, end);
  s->BindInt(4, year);
  while (s->Step()) {
    const bool team = s->Int(2) != 0;
    for (CoverageCounts* c : {&r.total, b.Of(s->Text(0))}) {
      if (!c) continue;
      ++c->poor_villages;
      if (team) ++c->poor_villages_with_team;
    }
    if (!team) r.villages_without_team.push_back({s->Text(0), s->Text(1)});
  }
}

// The registered households: paired, and visited within the interval since the later of
// the last visit and the pairing's start. The households are registry records: a paired
// cadre sees only their own.
void CountHouseholds(store::Connection& db, const Caller& caller, const Scope& sc, const std::string& end,
                     const std::string& due_before, Breakdown& b, CoverageReport& r) {
  const bool paired_only = access::ReadScopeFor(caller, access::Resource::kRegistry).paired_households_only;
  auto s = db.Prepare(HouseholdsSql(paired_only));
  s->BindText(1, sc.date);
  s->BindText(2, sc.area);
  s->BindText(3, end);
  if (paired_only) s->BindInt(4, caller.user_id);
  std::set<int64_t> seen;
  while (s->Step()) {
    const int64_t id = s->Int(0);
    if (!seen.insert(id).second) continue;  // two overlapping pairings count once
    HouseholdGap g{id,          s->Text(1), s->Text(2), s->Text(7), s->Text(3), s->OptionalText(6),
                   s->IsNull(5) ? "" : s->Text(5)};
    const bool paired = !s->IsNull(4);
    bool overdue = false;
    if (paired) {
      const std::string since = g.last_visit && *g.last_visit >= s->Text(4) ? *g.last_visit : s->Text(4);
      overdue = since < due_before;
    }
    for (CoverageCounts* c : {&r.total, b.Of(g.village_code)}) {
      if (!c) continue;
      ++c->households_registered;
      if (paired) ++c->households_paired;
      if (overdue) ++c->households_overdue;
    }
    if (!paired) {
      r.households_without_cadre.push_back(g);
    } else if (overdue) {
      r.households_not_visited.push_back(g);
    }
  }
}

// The cadres of the area paired with more households than the limit on the date.
void CadresOverLimit(store::Connection& db, const Scope& sc, const std::string& end, int limit, CoverageReport& r) {
  auto s = db.Prepare(
      "SELECT c.id, c.name, c.unit, count(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id"
      " WHERE p.start_date <= ?1 AND (p.end_date IS NULL OR p.end_date > ?1)"
      " AND c.id IN (SELECT p2.cadre_id FROM pairings p2 JOIN households h ON h.id = p2.household_id"
      "   WHERE h.village_code >= ?2 AND h.village_code < ?3)"
      " GROUP BY c.id, c.name, c.unit HAVING count(*) > ?4 ORDER BY count(*) DESC, c.name");
  s->BindText(1, sc.date);
  s->BindText(2, sc.area);
  s->BindText(3, end);
  s->BindInt(4, limit);
  while (s->Step()) r.cadres_over_limit.push_back({s->Int(0), s->Text(1), s->Text(2), s->Int(3)});
}

}  // namespace

CoverageReport Coverage(store::Connection& db, const Caller& caller, const std::string& area_code,
                        const std::optional<std::string>& as_of, const Clock& clock) {
  const Scope sc = Prepare(db, caller, area_code, as_of, clock);
  const AssistanceParams params = ReadParams(db);
  CoverageReport r;
  r.as_of = sc.date;
  r.pairing_household_limit = params.pairing_household_limit;
  r.visit_interval_days = params.visit_interval_days;
  const std::string end = internal::SubtreeEnd(sc.area);
  const Date date = *Date::Parse(sc.date);
  const std::string due_before = Date::FromDays(date.ToDays() - params.visit_interval_days).ToString();
  Breakdown breakdown = ReadBreakdown(db, sc, end, r);
  CountVillages(db, sc, end, date.year, breakdown, r);
  CountHouseholds(db, caller, sc, end, due_before, breakdown, r);
  CadresOverLimit(db, sc, end, params.pairing_household_limit, r);
  if (sc.area.size() < 12) {
    for (auto& [code, c] : breakdown.children) r.townships.push_back(c);
  }
  return r;
}

CoverageDate ResolveCoverageDate(store::Connection& db, const std::string& area_code,
                                 const std::optional<std::string>& as_of, std::optional<int64_t> year,
                                 const Clock& clock) {
  const std::string today = clock.Today().ToString();
  Problems problems;
  if (as_of) {
    internal::CheckDate(*as_of, "as_of", problems);
    problems.ThrowIfAny("invalid coverage request");
    return {*as_of, "given"};
  }
  if (year) {
    if (*year < 2000 || *year > 2100) problems.Add("year", std::to_string(*year) + " is not a year from 2000 to 2100");
    problems.ThrowIfAny("invalid coverage request");
    const std::string end = std::to_string(*year) + "-12-31";
    return end < today ? CoverageDate{end, "year_end"} : CoverageDate{today, "today"};
  }
  // The latest visit to a household of the area (an unknown area: today, and
  // Coverage names the area).
  const std::string area = NormalizeAreaCode(area_code).value_or(area_code);
  auto s = db.Prepare(
      "SELECT max(v.date) FROM visits v JOIN households h ON h.id = v.household_id"
      " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND v.date <= ?3");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  s->BindText(3, today);
  if (s->Step() && !s->IsNull(0)) return {s->Text(0), "latest_visit"};
  return {today, "today"};
}

std::optional<GapKind> ParseGapKind(const std::string& text) {
  if (text == "without_cadre") return GapKind::kWithoutCadre;
  if (text == "not_visited") return GapKind::kNotVisited;
  return std::nullopt;
}

ListPage<HouseholdGap> CoverageGaps(store::Connection& db, const Caller& caller, const std::string& area_code,
                                    GapKind kind, const std::string& as_of, const ListWindow& window,
                                    const Clock& clock) {
  const Scope sc = Prepare(db, caller, area_code, as_of, clock);
  const std::string window_sql = internal::WindowSql(window);
  const std::string q = Trim(window.q);
  const AssistanceParams params = ReadParams(db);
  const std::string due_before =
      Date::FromDays(Date::Parse(sc.date)->ToDays() - params.visit_interval_days).ToString();
  const bool paired_only = access::ReadScopeFor(caller, access::Resource::kRegistry).paired_households_only;
  const std::string from = GapsFromSql(paired_only, kind, !q.empty());
  auto bind = [&](store::Statement& s) {
    s.BindText(1, sc.date);
    s.BindText(2, sc.area);
    s.BindText(3, internal::SubtreeEnd(sc.area));
    if (paired_only) s.BindInt(4, caller.user_id);
    if (kind == GapKind::kNotVisited) s.BindText(5, due_before);
    if (!q.empty()) {
      s.BindText(6, internal::ContainsPattern(q));
      s.BindText(7, internal::PrefixPattern(q));
    }
  };
  ListPage<HouseholdGap> page;
  auto count = db.Prepare("SELECT count(*)" + from);
  bind(*count);
  count->Step();
  page.total = count->Int(0);
  auto s = db.Prepare("SELECT q.id, q.number, q.village_code, a.name, q.status, q.last_visit, c.name" + from +
                      " ORDER BY q.number, q.id" + window_sql);
  bind(*s);
  while (s->Step()) {
    page.items.push_back({s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->OptionalText(5),
                          s->IsNull(6) ? "" : s->Text(6)});
  }
  return page;
}

std::vector<AssistanceFigure> ProgressFigures(store::Connection& db, const Caller& caller,
                                              const std::string& area_code, int year, const std::string& as_of) {
  const Scope sc = Prepare(db, caller, area_code, as_of, DefaultClock());
  if (Date::Parse(sc.date)->year != year) {
    throw Error::InvalidArgument("invalid progress date", {{"as_of", sc.date + " does not lie in " + std::to_string(year)}});
  }
  const std::string end = internal::SubtreeEnd(sc.area);
  // ?1 is the date (only in queries about the date), ?2 and ?3 the subtree.
  auto count = [&](const std::string& sql, bool dated = true) {
    auto s = db.Prepare(sql);
    if (dated) s->BindText(1, sc.date);
    s->BindText(dated ? 2 : 1, sc.area);
    s->BindText(dated ? 3 : 2, end);
    s->Step();
    return s->Int(0);
  };
  const std::string active = " <= ?1 AND ({t}.end_date IS NULL OR {t}.end_date > ?1)";
  auto act = [&](const std::string& t) {
    std::string a = active;
    for (size_t p; (p = a.find("{t}")) != std::string::npos;) a.replace(p, 3, t);
    return t + ".start_date" + a;
  };
  std::vector<AssistanceFigure> f;
  auto add = [&](const char* key, int64_t n) { f.push_back({key, false, n, 0, 0}); };
  add("county_leaders_linked",
      count("SELECT count(DISTINCT l.cadre_id) FROM leader_links l WHERE l.area_code >= ?2 AND l.area_code < ?3 AND " +
            act("l")));
  add("sector_departments",
      count("SELECT count(*) FROM sector_departments d WHERE d.area_code >= ?1 AND d.area_code < ?2", false));
  add("townships", count("SELECT count(*) FROM areas WHERE level = 4 AND code >= ?1 AND code < ?2"
                         " AND substr(code, 7, 1) <> '4'",
                         false));
  {
    auto s = db.Prepare(
        "SELECT count(*) FROM areas a WHERE a.level = 5 AND a.code >= ?2 AND a.code < ?3 AND ("
        " EXISTS (SELECT 1 FROM area_years y WHERE y.area_code = a.code AND y.poor_village = 1 AND y.year <= ?4)"
        " OR EXISTS (SELECT 1 FROM households h WHERE h.village_code = a.code AND " +
        registry::StatusOnSql("h.id", "?1") + " IN " + RegisteredSql() + "))");
    s->BindText(1, sc.date);
    s->BindText(2, sc.area);
    s->BindText(3, end);
    s->BindInt(4, year);
    s->Step();
    add("villages_with_tasks", s->Int(0));
  }
  add("work_teams", count("SELECT count(*) FROM work_teams t WHERE t.village_code >= ?2 AND t.village_code < ?3 AND " +
                          act("t")));
  add("work_team_members",
      count("SELECT count(DISTINCT m.cadre_id) FROM work_team_members m JOIN work_teams t ON t.id = m.team_id"
            " WHERE t.village_code >= ?2 AND t.village_code < ?3 AND " + act("t") + " AND " + act("m")));
  add("paired_cadres",
      count("SELECT count(DISTINCT p.cadre_id) FROM pairings p JOIN households h ON h.id = p.household_id"
            " WHERE h.village_code >= ?2 AND h.village_code < ?3 AND " + act("p")));
  // The rates come from the coverage computation, so both always agree.
  const CoverageReport cov = Coverage(db, caller, sc.area, sc.date);
  add("households_paired", cov.total.households_paired);
  f.push_back({"resident_coverage_rate", true, 0, cov.total.poor_villages_with_team, cov.total.poor_villages});
  f.push_back({"pairing_coverage_rate", true, 0, cov.total.households_paired, cov.total.households_registered});
  return f;
}

}  // namespace fupin::assistance
