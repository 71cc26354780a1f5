// The monitoring scan's signals from the industry records (docs/INDUSTRY.md,
// "Monitoring signals"). Three grouped queries.
#include "core/area_code.h"
#include "industry/industry.h"

namespace fupin::industry {

RiskSignals ScanSignals(store::Connection& db, const std::string& area, int year) {
  RiskSignals out;
  {
    auto s = db.Prepare("SELECT count(*) FROM schema_migrations WHERE id = 1100");
    s->Step();
    if (s->Int(0) == 0) return out;  // the industry module's tables are not in this database
  }
  const std::string first = std::to_string(year) + "-01-01";
  const std::string last = std::to_string(year) + "-12-31";
  {
    // Workers employed last year and not this year.
    auto s = db.Prepare(
        "SELECT now.household_id, count(*) FROM worker_years now JOIN worker_years before"
        " ON before.person_id = now.person_id AND before.year = ?3 - 1 AND before.employed = 1"
        " WHERE now.year = ?3 AND now.employed = 0 AND now.area_code >= ?1 AND now.area_code < ?2"
        " GROUP BY now.household_id");
    s->BindText(1, area);
    s->BindText(2, SubtreeEnd(area));
    s->BindInt(3, year);
    while (s->Step()) out.lost_jobs[s->Int(0)] = s->Int(1);
  }
  {
    // Loans due in the year and not repaid in full by its end.
    auto s = db.Prepare(
        "SELECT l.household_id, count(*), sum(l.amount_fen - COALESCE((SELECT sum(r.amount_fen) FROM loan_repayments r"
        " WHERE r.loan_id = l.id AND r.date <= ?4), 0)) FROM loans l"
        " WHERE l.area_code >= ?1 AND l.area_code < ?2 AND l.due_on >= ?3 AND l.due_on <= ?4"
        " AND l.amount_fen > COALESCE((SELECT sum(r.amount_fen) FROM loan_repayments r WHERE r.loan_id = l.id"
        " AND r.date <= ?4), 0) GROUP BY l.household_id");
    s->BindText(1, area);
    s->BindText(2, SubtreeEnd(area));
    s->BindText(3, first);
    s->BindText(4, last);
    while (s->Step()) out.overdue_loans[s->Int(0)] = {s->Int(1), s->Int(2)};
  }
  {
    // Share links that paid last year, of entities recorded this year that paid this household nothing now.
    const std::string shares = SqlWire(LinkKinds(), LinkKind::kShares);
    auto s = db.Prepare(
        "SELECT b.household_id, count(*) FROM entity_links b"
        " WHERE b.link_kind = " + shares + " AND b.year = ?3 - 1 AND b.earned_fen > 0 AND b.area_code >= ?1"
        " AND b.area_code < ?2 AND EXISTS (SELECT 1 FROM entity_links x WHERE x.entity_id = b.entity_id AND x.year = ?3)"
        " AND NOT EXISTS (SELECT 1 FROM entity_links n WHERE n.entity_id = b.entity_id AND n.household_id = b.household_id"
        " AND n.year = ?3 AND n.link_kind = " + shares + " AND n.earned_fen > 0) GROUP BY b.household_id");
    s->BindText(1, area);
    s->BindText(2, SubtreeEnd(area));
    s->BindInt(3, year);
    while (s->Step()) out.stopped_dividends[s->Int(0)] = s->Int(1);
  }
  return out;
}

}  // namespace fupin::industry
