#include "grievance/signals.h"

#include "core/area_code.h"
#include "grievance/changes.h"
#include "grievance/grievances.h"

#include <algorithm>
#include <tuple>

namespace fupin::grievance {
namespace {

// The module's tables are in this database (its migration `id` ran).
bool Migrated(store::Connection& db, int64_t id) {
  return db.QueryInt("SELECT count(*) FROM schema_migrations WHERE id = " + std::to_string(id)).value_or(0) > 0;
}

}  // namespace

std::unordered_map<int64_t, int64_t> SelfReportedHouseholds(store::Connection& db, const std::string& area, int year) {
  std::unordered_map<int64_t, int64_t> out;
  if (!Migrated(db, 1301)) return out;
  auto s = db.Prepare(
      "SELECT household_id, count(*) FROM grievances WHERE household_id IS NOT NULL AND area_code >= ? AND area_code < ?"
      " AND received_on >= ? AND received_on <= ? AND (channel = " + ApplicationChannelSql() +
      " OR category = 'wrongly_excluded')"
      " GROUP BY household_id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindText(3, std::to_string(year) + "-01-01");
  s->BindText(4, std::to_string(year) + "-12-31");
  while (s->Step()) out[s->Int(0)] = s->Int(1);
  return out;
}

std::vector<OverdueIntake> OverdueIntakeOn(store::Connection& db, const std::string& area, const Date& today) {
  std::vector<OverdueIntake> out;
  if (!Migrated(db, 1301)) return out;
  const std::string day = today.ToString();
  {
    auto s = db.Prepare(
        "SELECT id, number, area_code, household_id, received_on, deadline FROM grievances"
        " WHERE channel = " + ApplicationChannelSql() + " AND status IN " + OpenStatusesSql() +
        " AND deadline < ? AND area_code >= ? AND area_code < ?");
    s->BindText(1, day);
    s->BindText(2, area);
    s->BindText(3, SubtreeEnd(area));
    while (s->Step()) {
      out.push_back({"application", s->Int(0), s->Text(1), s->Text(2),
                     s->IsNull(3) ? std::nullopt : std::optional<int64_t>(s->Int(3)), s->Text(4), s->Text(5)});
    }
  }
  {
    // The kind's days counted in memory: the two stores add days to a date differently.
    auto s = db.Prepare(
        "SELECT r.id, r.area_code, r.household_id, r.proposed_on, l.deadline_days FROM change_requests r"
        " JOIN change_request_levels l ON l.kind = r.kind WHERE " + PendingStatusSql() +
        " AND r.area_code >= ? AND r.area_code < ?");
    s->BindText(1, area);
    s->BindText(2, SubtreeEnd(area));
    while (s->Step()) {
      const auto proposed = Date::Parse(s->Text(3));
      if (!proposed) continue;
      const Date deadline = Date::FromDays(proposed->ToDays() + s->Int(4));
      if (!(deadline.ToDays() < today.ToDays())) continue;
      out.push_back({"change_request", s->Int(0), std::to_string(s->Int(0)), s->Text(1),
                     s->IsNull(2) ? std::nullopt : std::optional<int64_t>(s->Int(2)), s->Text(3), deadline.ToString()});
    }
  }
  std::sort(out.begin(), out.end(), [](const OverdueIntake& a, const OverdueIntake& b) {
    return std::tie(a.area_code, a.since, a.id) < std::tie(b.area_code, b.since, b.id);
  });
  return out;
}

}  // namespace fupin::grievance
