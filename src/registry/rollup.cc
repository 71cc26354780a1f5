#include "registry/rollup.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/area_code.h"
#include "registry/population.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::registry {
namespace {

constexpr size_t kChunk = 500;
// Above this many villages a refresh rebuilds everything in one pass.
constexpr size_t kRebuildAbove = 5000;
constexpr std::string_view kUnregistered = "unregistered";

struct Interval {
  std::string start;
  std::string end;  // exclusive; "9999-12-31" when open
};

struct HouseholdFacts {
  std::string village;
  std::vector<std::pair<std::string, std::string>> events;  // (date, status after), by date then id
  std::vector<Interval> members;
};

using Facts = std::unordered_map<int64_t, HouseholdFacts>;
// (village, status, year) -> change
using Changes = std::map<std::tuple<std::string, std::string, int>, StatusCount>;

int YearOf(const std::string& date) { return date.size() >= 4 ? std::stoi(date.substr(0, 4)) : 0; }

// "?, ?, ?" for n parameters.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// Reads the events and memberships of the households of the villages matched
// by `where` (a condition on h.village_code with `params` bound in order).
Facts ReadFacts(store::Connection& db, const std::string& where, std::span<const std::string> params) {
  Facts facts;
  auto events = db.Prepare(
      "SELECT e.household_id, h.village_code, e.kind, e.date FROM household_events e"
      " JOIN households h ON h.id = e.household_id WHERE " + where + " ORDER BY e.household_id, e.date, e.id");
  for (size_t i = 0; i < params.size(); ++i) events->BindText(static_cast<int>(i + 1), params[i]);
  while (events->Step()) {
    HouseholdFacts& h = facts[events->Int(0)];
    if (h.village.empty()) h.village = events->Text(1);
    h.events.emplace_back(events->Text(3), std::string(StatusAfter(events->Text(2))));
  }
  auto members = db.Prepare(
      "SELECT m.household_id, m.start_date, m.end_date, p.death_date FROM memberships m"
      " JOIN households h ON h.id = m.household_id JOIN persons p ON p.id = m.person_id WHERE " + where);
  for (size_t i = 0; i < params.size(); ++i) members->BindText(static_cast<int>(i + 1), params[i]);
  while (members->Step()) {
    auto it = facts.find(members->Int(0));
    if (it == facts.end()) continue;  // no event: unregistered every year, never counted
    std::string end = members->IsNull(2) ? "9999-12-31" : members->Text(2);
    if (!members->IsNull(3)) end = std::min(end, members->Text(3));
    it->second.members.push_back({members->Text(1), std::move(end)});
  }
  return facts;
}

// Adds one household's changes: its status and member count are evaluated at
// the end of every year in which one of its dates falls (between two such
// years nothing of it changes).
void AddChanges(const HouseholdFacts& h, Changes& out) {
  std::vector<int> years;
  years.reserve(h.events.size() + 2 * h.members.size());
  for (const auto& e : h.events) years.push_back(YearOf(e.first));
  for (const auto& m : h.members) {
    years.push_back(YearOf(m.start));
    if (m.end < "9999") years.push_back(YearOf(m.end));
  }
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  std::string_view status = kUnregistered;
  int64_t persons = 0;
  size_t next_event = 0;
  for (const int y : years) {
    const std::string end = YearEnd(y);
    std::string_view now = status;
    while (next_event < h.events.size() && h.events[next_event].first <= end) now = h.events[next_event++].second;
    int64_t members = 0;
    for (const auto& m : h.members) members += (m.start <= end && end < m.end) ? 1 : 0;
    if (now == status && members == persons) continue;
    if (status != kUnregistered) {
      StatusCount& c = out[{h.village, std::string(status), y}];
      c.households -= 1;
      c.persons -= persons;
    }
    if (now != kUnregistered) {
      StatusCount& c = out[{h.village, std::string(now), y}];
      c.households += 1;
      c.persons += members;
    }
    status = now;
    persons = members;
  }
}

// The village rows of the villages matched by `where`, computed from their
// events and memberships ('all' rows included).
Changes VillageRows(store::Connection& db, const std::string& where, std::span<const std::string> params) {
  Changes changes;
  for (const auto& [id, h] : ReadFacts(db, where, params)) AddChanges(h, changes);
  auto all = db.Prepare("SELECT h.village_code, count(*) FROM households h WHERE " + where + " GROUP BY h.village_code");
  for (size_t i = 0; i < params.size(); ++i) all->BindText(static_cast<int>(i + 1), params[i]);
  while (all->Step()) changes[{all->Text(0), "all", 0}].households += all->Int(1);
  return changes;
}

// The rows stored for these areas.
Changes StoredRows(store::Connection& db, std::span<const std::string> areas) {
  Changes rows;
  auto s = db.Prepare("SELECT area_code, status, year, households, persons FROM area_year_counts WHERE area_code IN (" +
                      Placeholders(areas.size()) + ")");
  for (size_t i = 0; i < areas.size(); ++i) s->BindText(static_cast<int>(i + 1), areas[i]);
  while (s->Step()) rows[{s->Text(0), s->Text(1), static_cast<int>(s->Int(2))}] = {s->Int(3), s->Int(4)};
  return rows;
}

// What `to` minus `from` (village rows) adds to each area above the villages.
Changes AncestorDeltas(const Changes& from, const Changes& to) {
  Changes deltas;
  auto add = [&deltas](const std::tuple<std::string, std::string, int>& key, int64_t sign, const StatusCount& c) {
    if (c.households == 0 && c.persons == 0) return;
    for (std::string a = ParentAreaCode(std::get<0>(key));; a = ParentAreaCode(a)) {
      StatusCount& d = deltas[{a, std::get<1>(key), std::get<2>(key)}];
      d.households += sign * c.households;
      d.persons += sign * c.persons;
      if (a.empty()) break;
    }
  };
  for (const auto& [key, c] : to) add(key, 1, c);
  for (const auto& [key, c] : from) add(key, -1, c);
  return deltas;
}

void Append(store::BulkWriter& w, const Changes& rows) {
  for (const auto& [key, c] : rows) {
    if (c.households == 0 && c.persons == 0) continue;
    w.Append({std::get<0>(key), std::get<1>(key), int64_t{std::get<2>(key)}, c.households, c.persons});
  }
}

// Adds the deltas to the stored rows of the areas above the villages, and
// drops the rows that come to zero.
void ApplyDeltas(store::Connection& db, const Changes& deltas) {
  auto upsert = db.Prepare(
      "INSERT INTO area_year_counts (area_code, status, year, households, persons) VALUES (?, ?, ?, ?, ?)"
      " ON CONFLICT (area_code, status, year) DO UPDATE SET households = area_year_counts.households +"
      " excluded.households, persons = area_year_counts.persons + excluded.persons");
  std::set<std::string> areas;
  for (const auto& [key, d] : deltas) {
    if (d.households == 0 && d.persons == 0) continue;
    upsert->BindText(1, std::get<0>(key));
    upsert->BindText(2, std::get<1>(key));
    upsert->BindInt(3, std::get<2>(key));
    upsert->BindInt(4, d.households);
    upsert->BindInt(5, d.persons);
    upsert->Run();
    areas.insert(std::get<0>(key));
  }
  const std::vector<std::string> list(areas.begin(), areas.end());
  for (size_t at = 0; at < list.size(); at += kChunk) {
    const size_t n = std::min(kChunk, list.size() - at);
    auto zero = db.Prepare("DELETE FROM area_year_counts WHERE households = 0 AND persons = 0 AND area_code IN (" +
                           Placeholders(n) + ")");
    for (size_t i = 0; i < n; ++i) zero->BindText(static_cast<int>(i + 1), list[at + i]);
    zero->Run();
  }
}

void AddRow(AreaCounts& counts, store::Statement& s) {
  const std::string status = s.Text(1);
  if (status == "all") {
    counts.registered += s.Int(3);
    return;
  }
  StatusCount& c = counts.changes[status][static_cast<int>(s.Int(2))];
  c.households += s.Int(3);
  c.persons += s.Int(4);
}

void AddVillagesOf(store::Connection& db, const std::string& select, std::span<const int64_t> ids,
                   std::set<std::string>& out) {
  for (size_t at = 0; at < ids.size(); at += kChunk) {
    const size_t n = std::min(kChunk, ids.size() - at);
    auto s = db.Prepare(select + " (" + Placeholders(n) + ")");
    for (size_t i = 0; i < n; ++i) s->BindInt(static_cast<int>(i + 1), ids[at + i]);
    while (s->Step()) out.insert(s->Text(0));
  }
}

}  // namespace

StatusCount AreaCounts::AtYearEnd(std::string_view status, int year) const {
  StatusCount out;
  auto it = changes.find(status);
  if (it == changes.end()) return out;
  for (const auto& [y, c] : it->second) {
    if (y > year) break;
    out.households += c.households;
    out.persons += c.persons;
  }
  return out;
}

int64_t AreaCounts::Current(std::string_view status) const {
  int64_t n = 0;
  auto it = changes.find(status);
  if (it == changes.end()) return n;
  for (const auto& [y, c] : it->second) n += c.households;
  return n;
}

AreaCounts ReadAreaCounts(store::Connection& db, const std::string& area) {
  AreaCounts counts;
  auto s = db.Prepare("SELECT area_code, status, year, households, persons FROM area_year_counts WHERE area_code = ?");
  s->BindText(1, area);
  while (s->Step()) AddRow(counts, *s);
  return counts;
}

std::map<std::string, AreaCounts> ReadChildCounts(store::Connection& db, std::span<const std::string> areas) {
  std::map<std::string, AreaCounts> out;
  for (size_t at = 0; at < areas.size(); at += kChunk) {
    const size_t n = std::min(kChunk, areas.size() - at);
    auto s = db.Prepare("SELECT area_code, status, year, households, persons FROM area_year_counts WHERE area_code IN (" +
                        Placeholders(n) + ")");
    for (size_t i = 0; i < n; ++i) s->BindText(static_cast<int>(i + 1), areas[at + i]);
    while (s->Step()) AddRow(out[s->Text(0)], *s);
  }
  return out;
}

void RefreshVillageCounts(store::Connection& db, const std::set<std::string>& villages) {
  if (villages.empty()) return;
  if (villages.size() > kRebuildAbove) {
    RebuildVillageCounts(db);
    return;
  }
  const std::vector<std::string> all(villages.begin(), villages.end());
  for (size_t at = 0; at < all.size(); at += kChunk) {
    const std::span<const std::string> chunk(all.data() + at, std::min(kChunk, all.size() - at));
    const std::string in = "(" + Placeholders(chunk.size()) + ")";
    const Changes before = StoredRows(db, chunk);
    auto del = db.Prepare("DELETE FROM area_year_counts WHERE area_code IN " + in);
    for (size_t i = 0; i < chunk.size(); ++i) del->BindText(static_cast<int>(i + 1), chunk[i]);
    del->Run();
    const Changes after = VillageRows(db, "h.village_code IN " + in, chunk);
    static const std::vector<std::string> kCols = {"area_code", "status", "year", "households", "persons"};
    auto w = db.BulkInsert("area_year_counts", kCols);
    Append(*w, after);
    w->Finish();
    ApplyDeltas(db, AncestorDeltas(before, after));
  }
}

void RebuildVillageCounts(store::Connection& db) {
  db.Execute("DELETE FROM area_year_counts");
  const Changes villages = VillageRows(db, "1 = 1", {});
  static const std::vector<std::string> kCols = {"area_code", "status", "year", "households", "persons"};
  auto w = db.BulkInsert("area_year_counts", kCols);
  Append(*w, villages);
  Append(*w, AncestorDeltas({}, villages));
  w->Finish();
}

bool BuildPendingVillageCounts(store::Connection& db) {
  const bool counts = db.QueryInt("SELECT 1 FROM pending_area_counts WHERE name = 'area_year_counts'").has_value();
  const bool population =
      db.QueryInt("SELECT 1 FROM pending_area_counts WHERE name = 'area_rural_population'").has_value();
  if (!counts && !population) return false;
  store::Transaction tx(db);
  if (counts) RebuildVillageCounts(db);
  if (population) RebuildRuralPopulation(db);
  db.Execute("DELETE FROM pending_area_counts");
  tx.Commit();
  return true;
}

void AddVillagesOfHouseholds(store::Connection& db, std::span<const int64_t> ids, std::set<std::string>& out) {
  AddVillagesOf(db, "SELECT DISTINCT village_code FROM households WHERE id IN", ids, out);
}

void AddVillagesOfPersons(store::Connection& db, std::span<const int64_t> ids, std::set<std::string>& out) {
  AddVillagesOf(db,
                "SELECT DISTINCT h.village_code FROM memberships m JOIN households h ON h.id = m.household_id"
                " WHERE m.person_id IN",
                ids, out);
}

}  // namespace fupin::registry
