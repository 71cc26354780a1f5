#include "demo/housing_records.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "assessment/area_assessments.h"
#include "assessment/surveys.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/money.h"
#include "housing/housing.h"
#include "registry/status.h"

namespace fupin::demo::internal {
namespace {

// A household registered on as_of, with what its house records follow.
struct Registered {
  int64_t id = 0;
  std::string village;
  bool exited = false;     // status exited on as_of
  Date deadline;           // its first exit, else as_of: the house is safe by then
  int unsafe_year = 0;     // first year its yearly facts call the house unsafe (0: never)
  int fixed_year = 0;      // first later year they call it safe
  struct Member {
    std::string start;
    std::optional<std::string> end, death;
  };
  std::vector<Member> members;
  int64_t MembersOn(const std::string& day) const {
    int64_t n = 0;
    for (const auto& m : members) n += (m.start <= day && (!m.end || *m.end > day) && (!m.death || *m.death > day)) ? 1 : 0;
    return n;
  }
};

Date AddDays(const Date& d, int64_t days) { return Date::FromDays(d.ToDays() + days); }
std::string Day(int year, int month, int day) { return Date{year, month, day}.ToString(); }

std::vector<Registered> ReadRegistered(store::Connection& db, const std::string& county, const Date& as_of) {
  const std::string lo = county, hi = SubtreeEnd(county);
  std::map<int64_t, Registered> by_id;
  for (const auto& [id, st] : registry::StatusesOn(db, county, as_of.ToString())) {
    if (st.status != "poor" && st.status != "exited") continue;
    Registered r;
    r.id = id;
    r.village = st.village_code;
    r.exited = st.status == "exited";
    r.deadline = as_of;
    by_id[id] = std::move(r);
  }
  auto bind = [&](store::Statement& s) {
    s.BindText(1, lo);
    s.BindText(2, hi);
  };
  auto e = db.Prepare(
      "SELECT e.household_id, min(e.date) FROM household_events e JOIN households h ON h.id = e.household_id"
      " WHERE h.village_code >= ? AND h.village_code < ? AND e.kind = " +
      registry::SqlLiteral(registry::EventKind::kExited) + " GROUP BY e.household_id");
  bind(*e);
  while (e->Step()) {
    auto it = by_id.find(e->Int(0));
    if (it != by_id.end()) it->second.deadline = std::min(it->second.deadline, *Date::Parse(e->Text(1)));
  }
  auto y = db.Prepare(
      "SELECT y.household_id, y.year, y.housing_safe FROM household_years y JOIN households h ON h.id = y.household_id"
      " WHERE h.village_code >= ? AND h.village_code < ? AND y.housing_safe IS NOT NULL AND y.year <= ?"
      " ORDER BY y.household_id, y.year");
  bind(*y);
  y->BindInt(3, as_of.year);
  while (y->Step()) {
    auto it = by_id.find(y->Int(0));
    if (it == by_id.end()) continue;
    Registered& r = it->second;
    const int year = static_cast<int>(y->Int(1));
    if (y->Int(2) == 0 && r.unsafe_year == 0) r.unsafe_year = year;
    if (y->Int(2) == 1 && r.unsafe_year != 0 && r.fixed_year == 0) r.fixed_year = year;
  }
  auto m = db.Prepare(
      "SELECT m.household_id, m.start_date, m.end_date, p.death_date FROM memberships m JOIN households h"
      " ON h.id = m.household_id JOIN persons p ON p.id = m.person_id WHERE h.village_code >= ? AND h.village_code < ?");
  bind(*m);
  while (m->Step()) {
    auto it = by_id.find(m->Int(0));
    if (it != by_id.end()) it->second.members.push_back({m->Text(1), m->OptionalText(2), m->OptionalText(3)});
  }
  std::vector<Registered> out;
  out.reserve(by_id.size());
  for (auto& [id, r] : by_id) out.push_back(std::move(r));
  return out;
}

// `count` households whose members on their moving day add up to `persons`:
// a walk over the shuffled candidates that takes one only while the rest can
// still be made up (each remaining household 1 to 6 persons).
std::vector<size_t> PickRelocated(Prng& rng, const std::vector<Registered>& all, const std::vector<std::string>& moved,
                                  int64_t count, int64_t persons) {
  std::vector<size_t> candidates;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].unsafe_year == 0 && all[i].deadline >= Date{2016, 10, 1}) candidates.push_back(i);
  }
  for (size_t i = candidates.size(); i > 1; --i) std::swap(candidates[i - 1], candidates[rng.Below(i)]);
  std::vector<size_t> out;
  for (size_t i : candidates) {
    if (count == 0) break;
    const int64_t n = all[i].MembersOn(moved[i]);
    const int64_t rest = persons - n, left = count - 1;
    if (n <= 0 || rest < left || rest > left * 6 || (left == 0 && rest != 0)) continue;
    out.push_back(i);
    persons = rest;
    count = left;
  }
  if (count != 0) throw Error::Internal("Hengdong scenario: cannot pick the relocated households");
  std::sort(out.begin(), out.end());
  return out;
}

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴",
                                     "谭", "罗", "彭", "曾", "邓", "肖", "蒋", "唐", "廖", "贺"};
constexpr const char* kGiven[] = {"建国", "秀英", "桂花", "志强", "国华", "淑珍", "德明", "春生", "玉兰", "海波",
                                  "伟", "芳", "军", "红梅", "爱民", "永清", "冬梅", "长发", "金秀", "满堂"};

struct Writer {
  store::Connection& db;
  const Caller& caller;
  int64_t now;
  std::unique_ptr<store::Statement> inspection, renovation;

  int64_t Inspect(std::optional<int64_t> household, const std::string& village, const std::string& householder,
                  const std::string& group, const Date& date, const std::string& grade) {
    inspection->BindOptionalInt(1, household);
    inspection->BindText(2, village);
    inspection->BindText(3, householder);
    inspection->BindText(4, group);
    inspection->BindText(5, date.ToString());
    inspection->BindText(6, "衡东县住房和城乡建设局房屋安全鉴定组");
    inspection->BindText(7, grade);
    inspection->BindText(8, caller.user_name);
    inspection->BindInt(9, now);
    inspection->Step();
    const int64_t id = inspection->Int(0);
    inspection->Reset();
    return id;
  }
  void Renovate(Prng& rng, int64_t inspection_id, const std::string& grade, const Date& accepted, const Date& floor) {
    const char* kind = grade == "C" ? "repair" : rng.Chance(0.5) ? "rebuild" : rng.Chance(0.6) ? "built_on_behalf"
                                                                                              : "unit_bought";
    const Fen subsidy = (grade == "C" ? rng.Between(100, 150) : rng.Between(250, 400)) * 10000;  // yuan x 100
    const Date finish = AddDays(accepted, -10);
    const Date start = std::max(AddDays(floor, 1), AddDays(finish, -90));
    renovation->BindInt(1, inspection_id);
    renovation->BindText(2, kind);
    renovation->BindInt(3, subsidy);
    renovation->BindText(4, start.ToString());
    renovation->BindText(5, std::max(start, finish).ToString());
    renovation->BindText(6, std::max(start, accepted).ToString());
    renovation->BindText(7, caller.user_name);
    renovation->BindInt(8, now);
    renovation->Run();
    renovation->Reset();
  }
};

// The registered households' houses: unsafe ones graded C/D in their first
// unsafe year and renovated (accepted) in the year they were made safe,
// before the first exit; relocated ones graded D before they moved; the
// others A or B before their deadline.
int64_t InspectRegistered(Writer& w, Prng& rng, const std::vector<Registered>& all, const std::set<size_t>& relocated,
                          const std::vector<std::string>& moved, int64_t& renovations) {
  for (size_t i = 0; i < all.size(); ++i) {
    const Registered& r = all[i];
    if (relocated.contains(i)) {
      const Date moved_on = *Date::Parse(moved[i]);
      w.Inspect(r.id, r.village, "", "registered_poor", std::max(Date{2014, 2, 1}, AddDays(moved_on, -60)), "D");
    } else if (r.unsafe_year != 0 && r.fixed_year != 0) {
      const std::string grade = r.fixed_year - r.unsafe_year >= 2 ? "D" : "C";
      const Date inspected{r.unsafe_year, 4, 10};
      const Date accepted = std::min(Date{r.fixed_year, 7, 15}, AddDays(r.deadline, -5));
      const int64_t id = w.Inspect(r.id, r.village, "", "registered_poor", inspected, grade);
      w.Renovate(rng, id, grade, std::max(accepted, AddDays(inspected, 20)), inspected);
      ++renovations;
    } else if (r.unsafe_year != 0) {
      // Not made safe by as_of: graded C, its renovation still to come.
      w.Inspect(r.id, r.village, "", "registered_poor", Date{r.unsafe_year, 4, 10}, "C");
    } else {
      const Date inspected = std::max(Date{2014, 3, 1}, AddDays(r.deadline, -rng.Between(200, 400)));
      w.Inspect(r.id, r.village, "", "registered_poor", inspected, rng.Chance(0.7) ? "A" : "B");
    }
  }
  return static_cast<int64_t>(all.size());
}

// The other key groups' houses (低保户, 分散供养特困人员, 贫困残疾人家庭):
// `count` houses, `dangerous` of them C/D and renovated by as_of.
void InspectOthers(Writer& w, Prng& rng, const std::vector<std::string>& villages, int64_t count, int64_t dangerous) {
  std::set<std::pair<std::string, std::string>> named;
  for (int64_t n = 0; n < count; ++n) {
    const std::string& village = villages[rng.Below(villages.size())];
    std::string name = std::string(kSurnames[rng.Below(20)]) + kGiven[rng.Below(20)];
    while (!named.insert({village, name}).second) name = std::string(kSurnames[rng.Below(20)]) + kGiven[rng.Below(20)] + kGiven[rng.Below(20)];
    const double g = rng.Unit();
    const char* group = g < 0.45 ? "dibao" : g < 0.70 ? "destitute" : "poor_disabled";
    const bool bad = n < dangerous;
    const Date inspected{static_cast<int>(rng.Between(2016, 2019)), static_cast<int>(rng.Between(1, 12)), 10};
    const std::string grade = bad ? (rng.Chance(0.6) ? "C" : "D") : (rng.Chance(0.7) ? "A" : "B");
    const int64_t id = w.Inspect(std::nullopt, village, name, group, inspected, grade);
    if (bad) w.Renovate(rng, id, grade, AddDays(inspected, rng.Between(150, 240)), inspected);
  }
}

struct SitePlan {
  int64_t id = 0;
  std::string township;
  bool central = false;
};

std::vector<SitePlan> WriteSites(store::Connection& db, const Caller& caller, int64_t now,
                                 const std::vector<std::string>& townships) {
  auto s = db.Prepare(
      "INSERT INTO relocation_sites (name, kind, township_code, capacity, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  std::vector<SitePlan> out;
  for (size_t i = 0; i < townships.size(); ++i) {
    for (const bool central : {true, false}) {
      if (central && i % 2 != 0) continue;  // a centralised site in every other township
      s->BindText(1, fmt::format("{}安置点{}号", central ? "集中" : "分散", i + 1));
      s->BindText(2, central ? "centralised" : "scattered");
      s->BindText(3, townships[i]);
      s->BindInt(4, central ? 120 : 60);
      s->BindText(5, caller.user_name);
      s->BindInt(6, now);
      s->Step();
      out.push_back({s->Int(0), townships[i], central});
      s->Reset();
    }
  }
  return out;
}

void WriteRelocations(store::Connection& db, const Caller& caller, int64_t now, Prng& rng, const Date& as_of,
                      const std::vector<Registered>& all, const std::vector<size_t>& picked,
                      const std::vector<std::string>& moved, const std::vector<SitePlan>& sites) {
  std::vector<const SitePlan*> central;
  for (const auto& s : sites) {
    if (s.central) central.push_back(&s);
  }
  auto s = db.Prepare(
      "INSERT INTO relocations (household_id, site_id, from_village, persons, moved_on, demolished_on, reclaimed, jobs,"
      " school_transfers, medical_transferred, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
  for (size_t i : picked) {
    const Registered& r = all[i];
    const SitePlan* site = central[rng.Below(central.size())];
    if (rng.Chance(0.3)) {
      for (const auto& p : sites) {
        if (!p.central && r.village.compare(0, 9, p.township) == 0) site = &p;
      }
    }
    const int64_t persons = r.MembersOn(moved[i]);
    const Date demolished = AddDays(*Date::Parse(moved[i]), rng.Between(30, 120));
    s->BindInt(1, r.id);
    s->BindInt(2, site->id);
    s->BindText(3, r.village);
    s->BindInt(4, persons);
    s->BindText(5, moved[i]);
    if (demolished <= as_of) s->BindText(6, demolished.ToString());
    else s->BindNull(6);
    s->BindInt(7, demolished <= as_of && rng.Chance(0.9) ? 1 : 0);
    s->BindInt(8, std::min<int64_t>(persons, rng.Between(1, 2)));
    s->BindInt(9, std::min<int64_t>(persons - 1, rng.Between(0, 2)));
    s->BindText(10, caller.user_name);
    s->BindInt(11, now);
    s->Run();
    s->Reset();
  }
}

// Every poor village's record of each year 2014 to as_of's: complete from its
// exit year (facilities built the year before it exits, broadband and the
// cultural centre in it); the latest year's transformer capacity adds up to
// `kva_milli` per household over the poor villages (rounded down).
int64_t WriteVillages(store::Connection& db, const Caller& caller, int64_t now, Prng& rng,
                      const std::map<std::string, int>& poor, int last_year, int64_t kva_milli) {
  std::vector<int64_t> households;
  int64_t total = 0;
  for (size_t i = 0; i < poor.size(); ++i) {
    households.push_back(rng.Between(350, 900));
    total += households.back();
  }
  // Whole kVA, the last village taking what is left.
  const int64_t target_kva = (kva_milli * total + 999) / 1000;
  std::vector<int64_t> kva;
  int64_t given = 0;
  for (size_t i = 0; i < poor.size(); ++i) {
    // About 1.7 kVA per household, give or take 20 kVA: the last village's share stays near its own.
    kva.push_back(i + 1 == poor.size() ? target_kva - given : households[i] * 17 / 10 + rng.Between(-20, 20));
    given += kva.back();
  }
  if (kva.back() <= 0) throw Error::Internal("Hengdong scenario: transformer capacity does not add up");
  std::vector<housing::Infrastructure> rows;
  size_t i = 0;
  for (const auto& [village, exit_year] : poor) {
    const int64_t natural = rng.Between(6, 18);
    for (int year = 2014; year <= last_year; ++year) {
      const bool done = year >= exit_year, building = year >= exit_year - 1;
      housing::Infrastructure v;
      v.village_code = village;
      v.year = year;
      v.road_hardened = building;
      v.natural_villages = natural;
      v.natural_villages_reached = done ? natural : building ? natural / 2 : natural / 4;
      v.water_supply = building ? "centralised" : "scattered";
      v.tap_water = done;
      v.households = households[i];
      // Capacity grows to the latest year's.
      v.transformer_kva_milli = kva[i] * 1000 * (60 + 40 * (year - 2014) / std::max(1, last_year - 2014)) / 100;
      v.broadband = done;
      v.clinic = building;
      v.culture_centre = done;
      v.collective_income_fen = (done ? rng.Between(50000, 300000) : rng.Between(0, 30000)) * 100;
      rows.push_back(std::move(v));
    }
    ++i;
  }
  housing::WriteInfrastructure(db, rows, caller.user_name, now);
  return static_cast<int64_t>(rows.size());
}

// The county's verification surveys of 2020 (third-party assessment): a
// re-survey of one exited household in twenty with its 2020 facts (house
// safety as the housing records say), a sample of unregistered households
// (three found poor), and the satisfaction survey; every record dated before
// as_of.
int64_t WriteSurveys(store::Connection& db, const Caller& caller, Prng& rng, const std::string& county,
                     const Date& as_of, const std::vector<Registered>& all, const std::vector<std::string>& villages,
                     int64_t scale) {
  const int year = as_of.year;
  const auto safety = housing::HouseSafetyOn(db, county, as_of.ToString());
  std::unordered_map<int64_t, std::array<int64_t, 5>> facts;  // income, members, food&clothing, water, housing
  auto s = db.Prepare(
      "SELECT y.household_id, y.wage_income + y.production_income + y.property_income + y.transfer_income"
      " - y.production_cost, y.members, COALESCE(y.food_secure, 1) * COALESCE(y.clothing_secure, 1),"
      " COALESCE(y.drinking_water_safe, 1), COALESCE(y.housing_safe, 1) FROM household_years y"
      " JOIN households h ON h.id = y.household_id WHERE h.village_code >= ? AND h.village_code < ? AND y.year = ?");
  s->BindText(1, county);
  s->BindText(2, SubtreeEnd(county));
  s->BindInt(3, year);
  while (s->Step()) facts[s->Int(0)] = {s->Int(1), s->Int(2), s->Int(3), s->Int(4), s->Int(5)};
  std::vector<assessment::SurveyRecord> records;
  auto dated = [&](assessment::SurveyRecord r) {
    r.year = year;
    r.date = Day(year, 8, static_cast<int>(rng.Between(10, 31)));
    r.source = "第三方评估机构";
    records.push_back(std::move(r));
  };
  for (const auto& h : all) {
    auto f = facts.find(h.id);
    if (!h.exited || h.deadline >= Date{year, 8, 1} || f == facts.end() || f->second[1] <= 0 || !rng.Chance(0.05)) {
      continue;
    }
    assessment::SurveyRecord r;
    r.kind = "resurvey";
    r.village_code = h.village;
    r.household_id = h.id;
    r.per_capita_income = PerCapita(f->second[0], f->second[1]);
    r.food_clothing = f->second[2] != 0;
    r.education = true;
    r.medical = true;
    auto st = safety.find(h.id);
    r.housing = st != safety.end() ? st->second.safe : f->second[4] != 0;
    r.water = f->second[3] != 0;
    dated(std::move(r));
  }
  for (int64_t n = 0; n < 600 * scale; ++n) {
    assessment::SurveyRecord r;
    r.kind = "sample";
    r.village_code = villages[rng.Below(villages.size())];
    r.subject = fmt::format("抽查农户{}", n + 1);
    r.poor = n < 3 * scale;
    dated(std::move(r));
  }
  for (int64_t n = 0; n < 1200 * scale; ++n) {
    assessment::SurveyRecord r;
    r.kind = "satisfaction";
    r.village_code = villages[rng.Below(villages.size())];
    r.subject = fmt::format("受访群众{}", n + 1);
    r.satisfied = n >= 24 * scale;  // 98 %
    dated(std::move(r));
  }
  return static_cast<int64_t>(assessment::SurveyService(db).AddMany(caller, std::move(records)).size());
}

std::vector<std::string> Codes(store::Connection& db, const std::string& sql, const std::string& county) {
  auto s = db.Prepare(sql);
  s->BindText(1, county);
  s->BindText(2, SubtreeEnd(county));
  std::vector<std::string> out;
  while (s->Step()) out.push_back(s->Text(0));
  return out;
}

}  // namespace

HousingCounts WriteHousingRecords(store::Connection& db, const Caller& caller, Prng& rng, const std::string& county,
                                  const Date& as_of, int64_t scale, const HousingTargets& t) {
  {
    access::Audit audit(db, DefaultClock());
    access::Guard(audit).RequireWrite(caller, access::Resource::kProjects, {county, std::nullopt, "housing/demo"});
  }
  const std::vector<Registered> all = ReadRegistered(db, county, as_of);
  const auto villages = Codes(db, "SELECT code FROM areas WHERE level = 5 AND code >= ? AND code < ? ORDER BY code", county);
  const auto townships = Codes(db, "SELECT code FROM areas WHERE level = 4 AND code >= ? AND code < ? ORDER BY code", county);
  std::map<std::string, int> poor;
  {
    auto s = db.Prepare(
        "SELECT area_code, max(exit_year) FROM area_years WHERE area_code >= ? AND area_code < ? AND poor_village = 1"
        " GROUP BY area_code");
    s->BindText(1, county);
    s->BindText(2, SubtreeEnd(county));
    while (s->Step()) poor[s->Text(0)] = s->IsNull(1) ? as_of.year + 1 : static_cast<int>(s->Int(1));
  }
  if (villages.empty() || townships.empty()) throw Error::FailedPrecondition("area " + county + " has no villages");
  // Moving days: 30 to 90 days before the household's deadline.
  std::vector<std::string> moved;
  moved.reserve(all.size());
  for (const auto& r : all) moved.push_back(std::max(Date{2016, 6, 1}, AddDays(r.deadline, -rng.Between(30, 90))).ToString());
  const auto picked = PickRelocated(rng, all, moved, t.relocated_households * scale, t.relocated_persons * scale);
  const std::set<size_t> relocated(picked.begin(), picked.end());

  HousingCounts c;
  const int64_t now = DefaultClock().NowSeconds();
  store::Transaction tx(db);
  Writer w{db, caller, now,
           db.Prepare("INSERT INTO house_inspections (household_id, village_code, householder, key_group, date,"
                      " inspector, grade, plate, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
                      " RETURNING id"),
           db.Prepare("INSERT INTO house_renovations (inspection_id, kind, subsidy_fen, start_date, finish_date,"
                      " accepted_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")};
  c.inspections = InspectRegistered(w, rng, all, relocated, moved, c.renovations);
  const int64_t others = t.houses_inspected * scale - c.inspections;
  const int64_t dangerous = t.houses_renovated * scale - c.renovations;
  if (others < dangerous || dangerous < 0) throw Error::Internal("Hengdong scenario: housing targets do not fit");
  InspectOthers(w, rng, villages, others, dangerous);
  c.inspections += others;
  c.renovations += dangerous;
  const auto sites = WriteSites(db, caller, now, townships);
  c.sites = static_cast<int64_t>(sites.size());
  WriteRelocations(db, caller, now, rng, as_of, all, picked, moved, sites);
  c.relocations = static_cast<int64_t>(picked.size());
  c.village_records = WriteVillages(db, caller, now, rng, poor, as_of.year, t.kva_per_household_milli);
  access::RecordChange(db, DefaultClock(), caller, "housing.demo", "housing/demo", county, nullptr,
                       {{"inspections", c.inspections}, {"renovations", c.renovations}, {"sites", c.sites},
                        {"relocations", c.relocations}, {"village_records", c.village_records}});
  tx.Commit();
  c.surveys = WriteSurveys(db, caller, rng, county, as_of, all, villages, scale);
  // Each poor village assessed in the year it exited, on this evidence.
  for (const auto& [village, exit_year] : poor) {
    if (exit_year > as_of.year) continue;
    assessment::AssessVillage(db, caller, village, exit_year);
    ++c.village_assessments;
  }
  return c;
}

}  // namespace fupin::demo::internal
