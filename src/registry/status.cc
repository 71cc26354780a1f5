#include "registry/status.h"

#include "core/area_code.h"
#include "registry/vocab.h"

namespace fupin::registry {

std::string LatestEventKindSql(std::string_view household, std::string_view date) {
  std::string sql = "(SELECT e.kind FROM household_events e WHERE e.household_id = ";
  sql += household;
  if (!date.empty()) {
    sql += " AND e.date <= ";
    sql += date;
  }
  sql += " ORDER BY e.date DESC, e.id DESC LIMIT 1)";
  return sql;
}

std::string StatusOfKindSql(std::string_view kind) {
  std::string k(kind);
  return "(CASE " + k +
         " WHEN 'identified' THEN 'poor' WHEN 'returned' THEN 'poor' WHEN 'exited' THEN 'exited'"
         " WHEN 'removed' THEN 'removed' WHEN 'deceased' THEN 'deceased' END)";
}

std::string StatusOnSql(std::string_view household, std::string_view date) {
  return StatusOfKindSql(LatestEventKindSql(household, date));
}

std::string YearEnd(int year) { return std::to_string(year) + "-12-31"; }

std::unordered_map<int64_t, HouseholdStatus> StatusesOn(store::Connection& db, const std::string& area,
                                                       const std::string& date) {
  std::unordered_map<int64_t, HouseholdStatus> out;
  auto s = db.Prepare(
      "SELECT e.household_id, e.kind, h.village_code FROM household_events e"
      " JOIN households h ON h.id = e.household_id"
      " WHERE h.village_code >= ? AND h.village_code < ? AND e.date <= ?"
      " ORDER BY e.household_id, e.date, e.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindText(3, date);
  while (s->Step()) {
    HouseholdStatus& h = out[s->Int(0)];
    h.status = std::string(StatusAfter(s->Text(1)));  // the latest event comes last
    if (h.village_code.empty()) h.village_code = s->Text(2);
  }
  return out;
}

}  // namespace fupin::registry
