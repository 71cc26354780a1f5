// Progress-report figures from entitlements, rosters and policy facts.
#include <set>

#include "core/error.h"
#include "core/money.h"
#include "policy/entitlements.h"
#include "policy/internal.h"

namespace fupin::policy {

std::vector<PolicyFigure> ProgressFigures(store::Connection& db, const Caller& caller, const std::string& area_code,
                                          int year, const Date& as_of) {
  (void)caller;  // the report checks the caller's right to read the area's records
  std::vector<PolicyFigure> out;
  const auto [lo, hi] = internal::AreaRange(area_code);
  const std::string date = as_of.ToString();

  // 农村低保A类标准: the year parameter, in yuan.
  {
    auto s = db.Prepare(
        "SELECT value FROM assessment_parameters WHERE name = 'dibao_standard_a' AND key = ? ORDER BY id DESC LIMIT 1");
    s->BindText(1, std::to_string(year));
    if (s->Step()) {
      if (auto fen = ParseYuan(s->Text(0))) out.push_back({"dibao_standard_a", false, *fen / 100, 0, 0});
    }
  }

  // Student aid (累计资助): education roster rows paid up to the as-of date,
  // in all years so far; "registered" ones are persons of registered households.
  {
    auto s = db.Prepare(
        "SELECT COUNT(*), COALESCE(SUM(r.amount), 0),"
        " COALESCE(SUM(CASE WHEN h.identified_year IS NOT NULL THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN h.identified_year IS NOT NULL THEN r.amount ELSE 0 END), 0)"
        " FROM roster_entries r JOIN roster_imports i ON i.id = r.import_id"
        " LEFT JOIN memberships m ON m.person_id = r.person_id AND m.end_date IS NULL"
        " LEFT JOIN households h ON h.id = m.household_id"
        " WHERE i.department = 'education' AND r.year <= ? AND r.date <= ?"
        " AND ((h.village_code >= ? AND h.village_code < ?) OR (h.id IS NULL AND r.id_area >= ? AND r.id_area < ?))");
    s->BindInt(1, year);
    s->BindText(2, date);
    s->BindText(3, lo);
    s->BindText(4, hi);
    s->BindText(5, lo.substr(0, std::min<size_t>(lo.size(), 6)));
    s->BindText(6, lo.substr(0, std::min<size_t>(lo.size(), 6)) + ":");
    s->Step();
    if (s->Int(0) > 0) {
      out.push_back({"student_aid_times", false, s->Int(0), 0, 0});
      out.push_back({"student_aid_yuan", false, s->Int(1) / 100, 0, 0});
      out.push_back({"student_aid_times_registered", false, s->Int(2), 0, 0});
      out.push_back({"student_aid_yuan_registered", false, s->Int(3) / 100, 0, 0});
    }
  }

  // Coverage rates: of those entitled in the year (stored entitlements), the
  // share a department's roster of that year paid or served.
  auto coverage = [&](const std::string& key, const std::string& policy_like) {
    auto has = db.Prepare("SELECT COUNT(*) FROM roster_imports WHERE year = ? AND policy_id LIKE ?");
    has->BindInt(1, year);
    has->BindText(2, policy_like);
    has->Step();
    if (has->Int(0) == 0) return;
    auto s = db.Prepare(
        "SELECT COUNT(DISTINCT e.person_id), COUNT(DISTINCT CASE WHEN r.person_id IS NOT NULL THEN e.person_id END)"
        " FROM entitlements e LEFT JOIN roster_entries r ON r.person_id = e.person_id AND r.year = e.year"
        " AND r.policy_id LIKE ?"
        " WHERE e.year = ? AND e.policy_id LIKE ? AND e.person_id <> 0 AND e.village_code >= ? AND e.village_code < ?");
    s->BindText(1, policy_like);
    s->BindInt(2, year);
    s->BindText(3, policy_like);
    s->BindText(4, lo);
    s->BindText(5, hi);
    s->Step();
    if (s->Int(0) > 0) out.push_back({key, true, 0, s->Int(1), s->Int(0)});
  };
  coverage("education_policy_rate", "edu.%");
  coverage("chronic_service_rate", "health.chronic_contract");
  coverage("major_disease_treatment_rate", "health.major_disease");

  // Doctor-contract signing: chronic patients of registered households with
  // the contract recorded for the year, when the fact is recorded at all.
  {
    auto s = db.Prepare(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN py.chronic_contract = 1 THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN py.chronic_contract IS NOT NULL THEN 1 ELSE 0 END), 0)"
        " FROM persons p JOIN memberships m ON m.person_id = p.id AND m.end_date IS NULL"
        " JOIN households h ON h.id = m.household_id"
        " LEFT JOIN person_years py ON py.person_id = p.id AND py.year = ?"
        " WHERE p.health = 'chronic' AND h.identified_year IS NOT NULL AND (p.death_date IS NULL OR p.death_date > ?)"
        " AND h.village_code >= ? AND h.village_code < ?");
    s->BindInt(1, year);
    s->BindText(2, date);
    s->BindText(3, lo);
    s->BindText(4, hi);
    s->Step();
    if (s->Int(2) > 0) out.push_back({"chronic_signing_rate", true, 0, s->Int(1), s->Int(0)});
  }
  return out;
}

}  // namespace fupin::policy
