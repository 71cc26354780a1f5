#include "assessment/households.h"

#include <algorithm>
#include <unordered_map>

#include "assessment/internal.h"
#include "assessment/params.h"
#include "core/error.h"
#include "core/money.h"
#include "housing/housing.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::assessment {
namespace {

void RequireYear(int year) {
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
}

}  // namespace

namespace internal {
namespace {

// The households that exited in `year`.
std::unordered_map<int64_t, bool> ExitedInYear(store::Connection& db, const std::string& area, int year) {
  std::unordered_map<int64_t, bool> exited_in_year;
  auto s = db.Prepare(
      "SELECT e.household_id FROM household_events e JOIN households h ON h.id = e.household_id"
      " WHERE h.village_code >= ? AND h.village_code < ? AND e.kind = " +
      registry::SqlLiteral(registry::EventKind::kExited) + " AND e.year = ?");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  s->BindInt(3, year);
  while (s->Step()) exited_in_year[s->Int(0)] = true;
  return exited_in_year;
}

// The members of the gathered households at the end of `year`, with their person facts.
void AddMembers(store::Connection& db, const std::string& area, int year, int64_t only,
                const std::unordered_map<int64_t, size_t>& index, Gathered& g) {
  const std::string end = std::to_string(year) + "-12-31";
  auto m = db.Prepare(
      "SELECT m.household_id, p.id, p.name, p.birth_date, py.school_status, py.medical_insured FROM memberships m"
      " JOIN households h ON h.id = m.household_id JOIN persons p ON p.id = m.person_id"
      " LEFT JOIN person_years py ON py.person_id = p.id AND py.year = ?"
      " WHERE h.village_code >= ? AND h.village_code < ? AND (? = 0 OR h.id = ?)"
      " AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date > ?)"
      " AND (p.death_date IS NULL OR p.death_date > ?) ORDER BY m.household_id, p.birth_date, p.id");
  m->BindInt(1, year);
  m->BindText(2, area);
  m->BindText(3, internal::SubtreeEnd(area));
  m->BindInt(4, only);
  m->BindInt(5, only);
  m->BindText(6, end);
  m->BindText(7, end);
  m->BindText(8, end);
  while (m->Step()) {
    auto it = index.find(m->Int(0));
    if (it == index.end()) continue;
    MemberFacts mf;
    mf.person_id = m->Int(1);
    mf.name = m->Text(2);
    mf.birth_date = m->Text(3);
    if (const auto stored = m->OptionalText(4)) {
      mf.school_status = ParseWire<registry::SchoolStatus>(registry::SchoolStatusTerms(), *stored);
      if (!mf.school_status) throw Error::Internal("person_years.school_status holds '" + *stored + "'");
    }
    if (!m->IsNull(5)) mf.medical_insured = m->Int(5) != 0;
    g.facts[it->second].members.push_back(std::move(mf));
  }
}

}  // namespace

// Reads every fact needed in four queries: households with their year facts,
// statuses (events), exits in the year, and members with their person facts.
// `only` restricts to one household (0: the whole area).
Gathered Gather(store::Connection& db, const std::string& area, int year, Fen line, int64_t only, Scope scope) {
  using internal::Status;
  const std::string end = std::to_string(year) + "-12-31";
  const auto statuses = internal::StatusesAt(db, area, {end});
  const std::unordered_map<int64_t, bool> exited_in_year = ExitedInYear(db, area, year);
  Gathered g;
  std::unordered_map<int64_t, size_t> index;
  auto s = db.Prepare(
      "SELECT h.id, h.number, h.village_code, y.members, y.wage_income + y.production_income + y.property_income"
      " + y.transfer_income - y.production_cost, y.food_secure, y.clothing_secure, y.housing_safe,"
      " y.drinking_water_safe, y.household_id IS NOT NULL FROM households h"
      " LEFT JOIN household_years y ON y.household_id = h.id AND y.year = ?"
      " WHERE h.village_code >= ? AND h.village_code < ? AND (? = 0 OR h.id = ?) ORDER BY h.number");
  s->BindInt(1, year);
  s->BindText(2, area);
  s->BindText(3, internal::SubtreeEnd(area));
  s->BindInt(4, only);
  s->BindInt(5, only);
  auto flag = [&](int c) -> std::optional<bool> {
    if (s->IsNull(c)) return std::nullopt;
    return s->Int(c) != 0;
  };
  while (s->Step()) {
    const int64_t id = s->Int(0);
    auto st = statuses.find(id);
    const Status status = st == statuses.end() ? Status::kUnregistered : st->second[0];
    if (only == 0) {
      if (scope == Scope::kAssessment && status != Status::kPoor && !exited_in_year.contains(id)) continue;
      if (scope == Scope::kMeasures && ((status != Status::kPoor && status != Status::kExited) || s->Int(9) == 0)) {
        continue;
      }
    }
    HouseholdFacts f;
    f.household_id = id;
    f.year = year;
    f.poverty_line = line;
    f.has_year = s->Int(9) != 0;
    if (f.has_year) {
      f.counted_members = static_cast<int>(s->Int(3));
      f.per_capita_net_income = PerCapita(s->Int(4), f.counted_members);
      f.food_secure = flag(5);
      f.clothing_secure = flag(6);
      f.housing_safe = flag(7);
      f.drinking_water_safe = flag(8);
    }
    HouseholdAssessment a;
    a.household_id = id;
    a.number = s->Text(1);
    a.village_code = s->Text(2);
    a.status = internal::StatusName(status);
    index[id] = g.facts.size();
    g.facts.push_back(std::move(f));
    g.rows.push_back(std::move(a));
  }
  AddMembers(db, area, year, only, index, g);
  // Safe housing on evidence: where the household's house was inspected (or
  // the household relocated) by the end of the year, the housing module's
  // rule decides the exit criterion (housing::HouseSafetyOn); elsewhere the
  // yearly fact stays. The measures read the yearly fact (docs/HOUSING.md).
  if (scope != Scope::kAssessment) return g;
  for (const auto& [id, safety] : housing::HouseSafetyOn(db, area, end)) {
    if (auto it = index.find(id); it != index.end()) g.facts[it->second].housing_safe = safety.safe;
  }
  return g;
}

}  // namespace internal

using internal::Gather;
using internal::Gathered;

AssessmentSummary AssessHouseholds(store::Connection& db, const Caller& caller, int year, const std::string& area_code,
                                   const Clock& clock) {
  RequireYear(year);
  const std::string area = internal::RequireArea(db, area_code.empty() ? caller.area_scope : area_code, "area");
  internal::RequireRun(db, caller, area);
  Parameters params(db, clock);
  AssessmentSummary out;
  out.year = year;
  out.area_code = area;
  out.poverty_line = params.PovertyLine(year);
  Gathered g = Gather(db, area, year, out.poverty_line, 0, internal::Scope::kAssessment);
  for (size_t i = 0; i < g.facts.size(); ++i) {
    g.rows[i].decision = Decide(g.facts[i]);
    if (g.rows[i].decision.ready) ++out.ready;
  }
  out.assessed = static_cast<int64_t>(g.rows.size());

  store::Transaction tx(db);
  auto del = db.Prepare(
      "DELETE FROM household_assessments WHERE year = ? AND household_id IN"
      " (SELECT id FROM households WHERE village_code >= ? AND village_code < ?)");
  del->BindInt(1, year);
  del->BindText(2, area);
  del->BindText(3, internal::SubtreeEnd(area));
  del->Run();
  auto ins = db.Prepare(
      "INSERT INTO household_assessments (household_id, year, ready, criteria, assessed_by, assessed_at)"
      " VALUES (?, ?, ?, ?, ?, ?)");
  const int64_t now = clock.NowSeconds();
  for (const auto& r : g.rows) {
    ins->BindInt(1, r.household_id);
    ins->BindInt(2, year);
    ins->BindInt(3, r.decision.ready ? 1 : 0);
    ins->BindText(4, DecisionJson(r.decision).dump());
    ins->BindText(5, caller.user_name);
    ins->BindInt(6, now);
    ins->Run();
  }
  tx.Commit();
  out.households = std::move(g.rows);
  return out;
}

nlohmann::json HouseholdAssessmentJson(const HouseholdAssessment& a) {
  return {{"household_id", a.household_id}, {"number", a.number},
          {"village_code", a.village_code}, {"status", a.status},
          {"ready", a.decision.ready},      {"reasons", a.decision.reasons},
          {"criteria", DecisionJson(a.decision)}};
}

nlohmann::json AssessmentSummaryJson(const AssessmentSummary& s) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& h : s.households) items.push_back(HouseholdAssessmentJson(h));
  return {{"year", s.year},         {"area_code", s.area_code}, {"poverty_line", s.poverty_line},
          {"assessed", s.assessed}, {"ready", s.ready},         {"households", items}};
}

HouseholdAssessment AssessOneHousehold(store::Connection& db, const Caller& caller, int64_t household_id, int year) {
  RequireYear(year);
  auto s = db.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, household_id);
  if (!s->Step()) throw Error::NotFound("no household with id " + std::to_string(household_id));
  const std::string village = s->Text(0);
  internal::RequireRead(db, caller, village, household_id);
  Parameters params(db);
  Gathered g = Gather(db, village, year, params.PovertyLine(year), household_id, internal::Scope::kAssessment);
  if (g.rows.empty()) throw Error::NotFound("no household with id " + std::to_string(household_id));
  g.rows[0].decision = Decide(g.facts[0]);
  return g.rows[0];
}

}  // namespace fupin::assessment
