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

std::string SqlLiteral(HouseholdState status) { return "'" + std::string(StatusName(status)) + "'"; }
std::string SqlLiteral(EventKind kind) { return "'" + std::string(EventKindName(kind)) + "'"; }

std::string SqlList(std::initializer_list<HouseholdState> statuses) {
  std::string out = "(";
  for (const HouseholdState s : statuses) out += (out.size() > 1 ? ", " : "") + SqlLiteral(s);
  return out + ")";
}

std::string SqlList(std::initializer_list<EventKind> kinds) {
  std::string out = "(";
  for (const EventKind k : kinds) out += (out.size() > 1 ? ", " : "") + SqlLiteral(k);
  return out + ")";
}

// Every event kind and the status it leads to (StatusAfter), from the table.
std::string StatusOfKindSql(std::string_view kind) {
  std::string sql = "(CASE " + std::string(kind);
  for (const CodeTerm& k : EventKinds()) {
    sql += " WHEN '" + std::string(k.name) + "' THEN '" + std::string(StatusAfter(k.name)) + "'";
  }
  return sql + " END)";
}

std::string StatusOnSql(std::string_view household, std::string_view date) {
  return StatusOfKindSql(LatestEventKindSql(household, date));
}

std::string StatusOrUnregisteredOnSql(std::string_view household, std::string_view date) {
  return "COALESCE(" + StatusOnSql(household, date) + ", " + SqlLiteral(HouseholdState::kUnregistered) + ")";
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
