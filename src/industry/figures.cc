// The progress report's figures of industry, employment and consumption
// (section 八; docs/INDUSTRY.md). A fixed number of queries.
#include <string>

#include "core/area_code.h"
#include "industry/industry.h"

namespace fupin::industry {
namespace {

// Members on `as_of` (alive, membership open then) of the households the
// subquery `households` selects (it may use ?1 ?2 ?3 ?4 as the caller binds).
std::string MembersOnSql(const std::string& households) {
  return "SELECT count(*) FROM memberships m JOIN persons p ON p.id = m.person_id WHERE m.household_id IN (" +
         households +
         ") AND m.start_date <= ?4 AND (m.end_date IS NULL OR m.end_date > ?4)"
         " AND (p.death_date IS NULL OR p.death_date > ?4)";
}

// Binds ?1 ?2 (the area's code range), ?3 (the year) and, unless empty, ?4 (as_of).
void BindScope(store::Statement& s, const std::string& area, int year, const std::string& as_of) {
  s.BindText(1, area);
  s.BindText(2, SubtreeEnd(area));
  s.BindInt(3, year);
  if (!as_of.empty()) s.BindText(4, as_of);
}

constexpr const char* kPepperHouseholds =
    "SELECT h.household_id FROM industry_households h JOIN industries i ON i.id = h.industry_id"
    " WHERE i.code = 'pepper' AND h.year = ?3 AND h.area_code >= ?1 AND h.area_code < ?2";
constexpr const char* kBranchHouseholds =
    "SELECT bh.household_id FROM branch_households bh JOIN party_branches b ON b.id = bh.branch_id"
    " JOIN households hh ON hh.id = bh.household_id"
    " WHERE b.founded_on <= ?4 AND hh.village_code >= ?1 AND hh.village_code < ?2 AND ?3 = ?3";

void CountIndustries(store::Connection& db, IndustryFigures& f, const std::string& area, int year,
                     const std::string& as_of) {
  auto s = db.Prepare(
      "SELECT i.code, count(*), COALESCE(sum(h.mu_milli), 0), COALESCE(sum(h.income_fen), 0)"
      " FROM industry_households h JOIN industries i ON i.id = h.industry_id"
      " WHERE i.code IN ('pepper', 'camellia') AND h.area_code >= ?1 AND h.area_code < ?2 AND h.year = ?3"
      " GROUP BY i.code");
  BindScope(*s, area, year, "");
  while (s->Step()) {
    if (s->Text(0) == "pepper") {
      f.pepper_households = s->Int(1);
      f.pepper_mu_milli = s->Int(2);
      f.pepper_income_fen = s->Int(3);
    } else {
      f.camellia_households = s->Int(1);
      f.camellia_mu_milli = s->Int(2);
      f.camellia_income_fen = s->Int(3);
    }
  }
  // Subsidies paid to camellia growers up to the report's year.
  auto sub = db.Prepare(
      "SELECT COALESCE(sum(h.subsidy_fen), 0) FROM industry_households h JOIN industries i ON i.id = h.industry_id"
      " WHERE i.code = 'camellia' AND h.area_code >= ?1 AND h.area_code < ?2 AND h.year <= ?3");
  BindScope(*sub, area, year, "");
  sub->Step();
  f.camellia_subsidy_fen = sub->Int(0);
  auto persons = db.Prepare(MembersOnSql(kPepperHouseholds));
  BindScope(*persons, area, year, as_of);
  persons->Step();
  f.pepper_persons = persons->Int(0);
}

void CountBranches(store::Connection& db, IndustryFigures& f, const std::string& area, int year,
                   const std::string& as_of) {
  auto s = db.Prepare(
      "SELECT kind, count(*) FROM party_branches WHERE area_code >= ?1 AND area_code < ?2 AND founded_on <= ?4"
      " AND ?3 = ?3 GROUP BY kind");
  BindScope(*s, area, year, as_of);
  while (s->Step()) {
    const auto kind = ParseWire<BranchKind>(BranchKinds(), s->Text(0));
    if (kind == BranchKind::kNew) f.branches_new = s->Int(1);
    else if (kind == BranchKind::kJoint) f.branches_joint = s->Int(1);
    else f.branches_strengthened = s->Int(1);
  }
  auto h = db.Prepare(std::string("SELECT count(DISTINCT x.household_id) FROM (") + kBranchHouseholds + ") x");
  BindScope(*h, area, year, as_of);
  h->Step();
  f.branch_households = h->Int(0);
  auto p = db.Prepare(MembersOnSql(kBranchHouseholds));
  BindScope(*p, area, year, as_of);
  p->Step();
  f.branch_persons = p->Int(0);
}

}  // namespace

IndustryFigures ComputeFigures(store::Connection& db, const std::string& area, const std::string& as_of) {
  IndustryFigures f;
  const int year = std::stoi(as_of.substr(0, 4));
  CountIndustries(db, f, area, year, as_of);
  CountBranches(db, f, area, year, as_of);
  {
    // Purchases since 2019 (the article: 2019年以来).
    auto s = db.Prepare(
        "SELECT COALESCE(sum(amount_fen), 0) FROM purchases WHERE area_code >= ?1 AND area_code < ?2"
        " AND date >= '2019-01-01' AND date <= ?4 AND ?3 = ?3");
    BindScope(*s, area, year, as_of);
    s->Step();
    f.purchases_fen = s->Int(0);
  }
  {
    auto s = db.Prepare(
        "SELECT w.household_id, count(*), COALESCE(sum(w.employed), 0) FROM worker_years w"
        " JOIN memberships m ON m.person_id = w.person_id AND m.household_id = w.household_id"
        " JOIN persons p ON p.id = w.person_id"
        " WHERE w.area_code >= ?1 AND w.area_code < ?2 AND w.year = ?3 AND m.start_date <= ?4"
        " AND (m.end_date IS NULL OR m.end_date > ?4) AND (p.death_date IS NULL OR p.death_date > ?4)"
        " GROUP BY w.household_id");
    BindScope(*s, area, year, as_of);
    while (s->Step()) f.workers_by_household[s->Int(0)] = {s->Int(1), s->Int(2)};
  }
  return f;
}

}  // namespace fupin::industry
