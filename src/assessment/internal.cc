#include "assessment/internal.h"

#include <algorithm>

#include "access/audit.h"
#include "access/pairing.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "registry/vocab.h"

namespace fupin::assessment::internal {

std::string RequireArea(store::Connection& db, const std::string& text, const std::string& field) {
  if (text.empty() || text == "nation" || text == "全国") return "";
  auto code = NormalizeAreaCode(text);
  if (!code) throw Error::InvalidArgument("invalid area code", {{field, "'" + text + "' is not an area code"}});
  auto s = db.Prepare("SELECT 1 FROM areas WHERE code = ?");
  s->BindText(1, *code);
  if (!s->Step()) throw Error::NotFound("no area " + *code);
  return *code;
}

void RequireRead(store::Connection& db, const Caller& caller, const std::string& area,
                 std::optional<int64_t> household_id) {
  access::Audit audit(db, DefaultClock());
  const std::string entity = household_id ? "household/" + std::to_string(*household_id)
                                          : "assessment/" + (area.empty() ? std::string("nation") : area);
  // A paired cadre reads the assessment of the households paired with them
  // (Reach::kPaired): the Guard needs the pairings to tell which those are.
  access::Guard(audit, access::ActivePairingCheck(db, DefaultClock().Today()))
      .RequireRead(caller, access::Resource::kAssessment, {area, household_id, entity});
}

void RequireRun(store::Connection& db, const Caller& caller, const std::string& area) {
  access::Audit audit(db, DefaultClock());
  access::Guard(audit).RequireWrite(caller, access::Resource::kAssessment,
                                    {area, std::nullopt, "assessment/" + (area.empty() ? std::string("nation") : area)});
}

Status StatusOfEvent(const std::string& kind) {
  const auto event = registry::ParseEventKind(kind);
  if (!event) return Status::kUnregistered;
  switch (*event) {
    case registry::EventKind::kIdentified:
    case registry::EventKind::kReturned: return Status::kPoor;
    case registry::EventKind::kExited: return Status::kExited;
    case registry::EventKind::kRemoved: return Status::kRemoved;
    case registry::EventKind::kDeceased: return Status::kDeceased;
  }
  return Status::kUnregistered;
}

const char* StatusName(Status status) {
  switch (status) {
    case Status::kUnregistered: return "unregistered";
    case Status::kPoor: return "poor";
    case Status::kExited: return "exited";
    case Status::kRemoved: return "removed";
    case Status::kDeceased: return "deceased";
  }
  return "unregistered";
}

std::unordered_map<int64_t, std::vector<Status>> StatusesAt(store::Connection& db, const std::string& area,
                                                            const std::vector<std::string>& dates) {
  std::unordered_map<int64_t, std::vector<Status>> out;
  // Events in order per household; the latest on or before a date decides.
  auto s = db.Prepare(
      "SELECT e.household_id, e.kind, e.date FROM household_events e JOIN households h ON h.id = e.household_id"
      " WHERE h.village_code >= ? AND h.village_code < ? ORDER BY e.household_id, e.date, e.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  int64_t current = -1;
  std::vector<Status>* row = nullptr;
  while (s->Step()) {
    const int64_t id = s->Int(0);
    if (id != current) {
      current = id;
      row = &out.emplace(id, std::vector<Status>(dates.size(), Status::kUnregistered)).first->second;
    }
    const Status st = StatusOfEvent(s->Text(1));
    const std::string date = s->Text(2);
    // Events come in date order, so this event decides every date from its own on
    // (a later event overwrites the later dates).
    auto first = std::lower_bound(dates.begin(), dates.end(), date);
    for (auto it = first; it != dates.end(); ++it) (*row)[static_cast<size_t>(it - dates.begin())] = st;
  }
  return out;
}

std::unordered_map<int64_t, std::vector<int32_t>> MembersAt(store::Connection& db, const std::string& area,
                                                            const std::vector<std::string>& dates) {
  std::unordered_map<int64_t, std::vector<int32_t>> out;
  auto s = db.Prepare(
      "SELECT m.household_id, m.start_date, m.end_date, p.death_date FROM memberships m"
      " JOIN households h ON h.id = m.household_id JOIN persons p ON p.id = m.person_id"
      " WHERE h.village_code >= ? AND h.village_code < ?");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  while (s->Step()) {
    const int64_t id = s->Int(0);
    const std::string start = s->Text(1);
    std::string end = s->IsNull(2) ? "9999-12-31" : s->Text(2);
    if (!s->IsNull(3)) end = std::min(end, s->Text(3));
    auto& row = out[id];
    if (row.empty()) row.assign(dates.size(), 0);
    for (size_t i = 0; i < dates.size(); ++i) {
      if (start <= dates[i] && dates[i] < end) ++row[i];
    }
  }
  return out;
}

}  // namespace fupin::assessment::internal
