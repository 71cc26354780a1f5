// Progress-report figures from entitlements, rosters and policy facts
// (docs/POLICY.md, "Progress-report figures", says how each is counted).
//
// Set-based: one query per group of figures, whatever the size of the area.
// A row of a roster is placed in the area of the registry household its
// person belonged to on the row's date; a row whose ID number the registry
// does not hold is placed by the area the department wrote beside it, or by
// the ID number's first six digits, so a township's figures add up to the
// county's whenever the departments place their rows below the county.
#include <map>
#include <optional>
#include <set>

#include "access/audit.h"
#include "access/abilities.h"
#include "access/permissions.h"
#include "core/error.h"
#include "core/money.h"
#include "policy/entitlements.h"
#include "policy/internal.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::policy {
namespace {

// The education department's service policies: recorded in rosters with
// amount 0, counted as persons, not as student aid.
constexpr const char* kDropoutReturn = "edu.dropout_return";
constexpr const char* kHomeSchooling = "edu.home_schooling";

// SQL: whether household `h` is registered (poor or exited) on `date_expr`.
std::string RegisteredOn(const std::string& date_expr) {
  return registry::StatusOnSql("h.id", date_expr) + " IN ('" +
         std::string(registry::StatusName(registry::HouseholdState::kPoor)) + "', '" +
         std::string(registry::StatusName(registry::HouseholdState::kExited)) + "')";
}

struct RosterSums {
  int64_t rows = 0;
  Fen amount = 0;
  int64_t rows_registered = 0;
  Fen amount_registered = 0;
};

constexpr const char* kFiguresEntity = "policy/figures";

// Why the caller may not read the figures of the area, if they may not.
std::optional<std::string> FiguresRefusal(const Caller& caller, const std::string& area_code) {
  using access::Resource;
  for (const Resource r : {Resource::kPolicy, Resource::kRoster, Resource::kRegistry}) {
    auto why = access::Refusal(caller, access::Access::kRead, r, {area_code, std::nullopt, kFiguresEntity});
    if (why) return why;
  }
  if (access::ReadScopeFor(caller, Resource::kRegistry).paired_households_only) {
    return std::string(RoleName(caller.role)) + " reads only paired households, not the figures of an area";
  }
  return std::nullopt;
}

using Range = std::pair<std::string, std::string>;
using Imported = std::set<std::pair<std::string, int>>;  // (policy, year) of the rosters handed in
using EducationSums = std::map<std::pair<std::string, int>, RosterSums>;

bool IsAid(const std::string& policy) {
  return policy.rfind("edu.", 0) == 0 && policy != kDropoutReturn && policy != kHomeSchooling;
}

template <class Pred>
bool AnyImport(const Imported& imported, Pred&& pred) {
  for (const auto& [policy, y] : imported) {
    if (pred(policy, y)) return true;
  }
  return false;
}

template <class Pred>
RosterSums SumEducation(const EducationSums& education, Pred&& pred) {
  RosterSums t;
  for (const auto& [key, v] : education) {
    if (!pred(key.first, key.second)) continue;
    t.rows += v.rows;
    t.amount += v.amount;
    t.rows_registered += v.rows_registered;
    t.amount_registered += v.amount_registered;
  }
  return t;
}

// 农村低保A类标准: the year parameter, in yuan.
void AddDibaoStandard(store::Connection& db, int year, std::vector<PolicyFigure>& out) {
  auto s = db.Prepare(
      "SELECT value FROM assessment_parameters WHERE name = 'dibao_standard_a' AND key = ? ORDER BY id DESC LIMIT 1");
  s->BindText(1, std::to_string(year));
  if (s->Step()) {
    if (auto fen = ParseYuan(s->Text(0))) out.push_back({"dibao_standard_a", false, *fen / 100, 0, 0});
  }
}

// Which rosters were handed in (any area: a roster is the department's list for the county);
// a figure without its roster is missing.
Imported ImportedRosters(store::Connection& db, int year) {
  Imported imported;
  auto s = db.Prepare("SELECT DISTINCT policy_id, year FROM roster_imports WHERE year <= ?");
  s->BindInt(1, year);
  while (s->Step()) imported.insert({s->Text(0), static_cast<int>(s->Int(1))});
  return imported;
}

// Education rosters of every year up to the report's, rows dated up to the as-of date, by
// policy and year; "registered" rows are those of a person of a household registered (poor or
// exited) on the row's date.
EducationSums ReadEducation(store::Connection& db, int year, const std::string& date, const Range& range) {
  EducationSums education;
  auto s = db.Prepare(
      "SELECT x.policy_id, x.year, COUNT(*), COALESCE(SUM(x.amount), 0), COALESCE(SUM(x.registered), 0),"
      " COALESCE(SUM(x.registered * x.amount), 0) FROM ("
      " SELECT r.policy_id, r.year, r.amount, COALESCE(h.village_code, r.area_code, r.id_area) AS place,"
      " CASE WHEN h.id IS NOT NULL AND " + RegisteredOn("r.date") + " THEN 1 ELSE 0 END AS registered"
      " FROM roster_entries r JOIN roster_imports i ON i.id = r.import_id"
      " LEFT JOIN memberships m ON m.person_id = r.person_id AND m.start_date <= r.date"
      " AND (m.end_date IS NULL OR m.end_date > r.date)"
      " LEFT JOIN households h ON h.id = m.household_id"
      " WHERE i.department = 'education' AND r.policy_id LIKE 'edu.%' AND r.year <= ? AND r.date <= ?) x"
      " WHERE x.place >= ? AND x.place < ? GROUP BY x.policy_id, x.year");
  s->BindInt(1, year);
  s->BindText(2, date);
  s->BindText(3, range.first);
  s->BindText(4, range.second);
  while (s->Step()) {
    education[{s->Text(0), static_cast<int>(s->Int(1))}] = {s->Int(2), s->Int(3), s->Int(4), s->Int(5)};
  }
  return education;
}

// Student aid (累计资助), "三帮一"劝返 and 送教上门, each when its rosters were handed in.
void AddEducationFigures(const Imported& imported, const EducationSums& education, int year,
                         std::vector<PolicyFigure>& out) {
  if (AnyImport(imported, [](const std::string& p, int) { return IsAid(p); })) {
    const auto t = SumEducation(education, [](const std::string& p, int) { return IsAid(p); });
    out.push_back({"student_aid_times", false, t.rows, 0, 0});
    out.push_back({"student_aid_yuan", false, t.amount / 100, 0, 0});
    out.push_back({"student_aid_times_registered", false, t.rows_registered, 0, 0});
    out.push_back({"student_aid_yuan_registered", false, t.amount_registered / 100, 0, 0});
  }
  if (AnyImport(imported, [](const std::string& p, int) { return p == kDropoutReturn; })) {
    const auto t = SumEducation(education, [](const std::string& p, int) { return p == kDropoutReturn; });
    out.push_back({"dropouts_returned", false, t.rows, 0, 0});
    out.push_back({"dropouts_returned_registered", false, t.rows_registered, 0, 0});
  }
  if (imported.contains({kHomeSchooling, year})) {
    const auto t = SumEducation(education, [&](const std::string& p, int y) { return p == kHomeSchooling && y == year; });
    out.push_back({"home_schooling", false, t.rows, 0, 0});
    out.push_back({"home_schooling_registered", false, t.rows_registered, 0, 0});
  }
}

// Education-policy coverage (一键式精准助学): registered students entitled to an education policy
// in the year (the stored entitlements), and of them those a roster of that year served for every
// education policy they are entitled to, rows dated up to the as-of date: reconciliation's rule.
void AddEducationCoverage(store::Connection& db, const Imported& imported, int year, const std::string& date,
                          const Range& range, std::vector<PolicyFigure>& out) {
  if (!AnyImport(imported, [&](const std::string& p, int y) { return y == year && p.rfind("edu.", 0) == 0; })) return;
  auto s = db.Prepare(
      "SELECT COUNT(DISTINCT e.person_id), COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM roster_entries r"
      " WHERE r.year = e.year AND r.policy_id = e.policy_id AND r.person_id = e.person_id AND r.date <= ?)"
      " THEN e.person_id END)"
      " FROM entitlements e WHERE e.year = ? AND e.policy_id LIKE 'edu.%' AND e.person_id <> 0"
      " AND e.village_code >= ? AND e.village_code < ?");
  s->BindText(1, date);
  s->BindInt(2, year);
  s->BindText(3, range.first);
  s->BindText(4, range.second);
  s->Step();
  if (s->Int(0) > 0) out.push_back({"education_policy_rate", true, 0, s->Int(0) - s->Int(1), s->Int(0)});
}

// Health: registered persons on the as-of date (member that day, alive, household poor or
// exited). Chronic patients (health 'chronic') with a doctor contract recorded for the year
// (签约); of the signed, those a health roster of the year served (服务); persons with one of
// the 29 major diseases recorded for the year, and of them those a roster treated.
void AddHealthFigures(store::Connection& db, const Imported& imported, int year, const std::string& date,
                      const Range& range, std::vector<PolicyFigure>& out) {
  auto s = db.Prepare(
      "SELECT"
      " COALESCE(SUM(CASE WHEN p.health = 'chronic' THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN p.health = 'chronic' AND py.chronic_contract = 1 THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN p.health = 'chronic' AND py.chronic_contract IS NOT NULL THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN p.health = 'chronic' AND py.chronic_contract = 1 AND EXISTS (SELECT 1 FROM"
      " roster_entries r WHERE r.year = ?1 AND r.policy_id = 'health.chronic_contract' AND r.person_id = p.id"
      " AND r.date <= ?2) THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN py.major_disease IS NOT NULL THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN py.major_disease IS NOT NULL AND EXISTS (SELECT 1 FROM roster_entries r"
      " WHERE r.year = ?1 AND r.policy_id = 'health.major_disease' AND r.person_id = p.id AND r.date <= ?2)"
      " THEN 1 ELSE 0 END), 0)"
      " FROM memberships m JOIN households h ON h.id = m.household_id JOIN persons p ON p.id = m.person_id"
      " LEFT JOIN person_years py ON py.person_id = p.id AND py.year = ?1"
      " WHERE h.village_code >= ?3 AND h.village_code < ?4 AND m.start_date <= ?2"
      " AND (m.end_date IS NULL OR m.end_date > ?2) AND (p.death_date IS NULL OR p.death_date > ?2)"
      " AND (p.health = 'chronic' OR py.major_disease IS NOT NULL) AND " + RegisteredOn("?2"));
  s->BindInt(1, year);
  s->BindText(2, date);
  s->BindText(3, range.first);
  s->BindText(4, range.second);
  s->Step();
  const int64_t chronic = s->Int(0), signed_up = s->Int(1), recorded = s->Int(2), served = s->Int(3);
  const int64_t major = s->Int(4), treated = s->Int(5);
  if (recorded > 0) {
    out.push_back({"chronic_signing_rate", true, 0, signed_up, chronic});
    if (imported.contains({"health.chronic_contract", year}) && signed_up > 0) {
      out.push_back({"chronic_service_rate", true, 0, served, signed_up});
    }
  }
  if (major > 0 && imported.contains({"health.major_disease", year})) {
    out.push_back({"major_disease_treatment_rate", true, 0, treated, major});
  }
}

}  // namespace

bool MayReadProgressFigures(const Caller& caller, const std::string& area_code) {
  return !FiguresRefusal(caller, area_code);
}

std::vector<PolicyFigure> ProgressFigures(store::Connection& db, const Caller& caller, const std::string& area_code,
                                          int year, const Date& as_of) {
  if (auto why = FiguresRefusal(caller, area_code)) {
    access::Audit audit(db, DefaultClock());
    access::Deny(audit, caller,
                 {access::Access::kRead, access::Resource::kPolicy, {area_code, std::nullopt, kFiguresEntity}, *why,
                  std::nullopt});
  }
  std::vector<PolicyFigure> out;
  const Range range = internal::AreaRange(area_code);
  const std::string date = as_of.ToString();
  AddDibaoStandard(db, year, out);
  const Imported imported = ImportedRosters(db, year);
  AddEducationFigures(imported, ReadEducation(db, year, date, range), year, out);
  AddEducationCoverage(db, imported, year, date, range, out);
  AddHealthFigures(db, imported, year, date, range, out);
  return out;
}

}  // namespace fupin::policy
