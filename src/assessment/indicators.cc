#include "assessment/indicators.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "assessment/criteria.h"
#include "assessment/internal.h"
#include "assessment/params.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/money.h"
#include "facts/facts.h"
#include "housing/housing.h"
#include "io/table_writer.h"

namespace fupin::assessment {
namespace {

using facts::At;  // the copy's date encoding and growth helper, shared with it
using facts::DayNumber;
using facts::kNoDate;
using internal::Status;

int32_t ToIndex(int64_t v) { return static_cast<int32_t>(v); }

// Facts read by one of the two readers; ids as stored, mapped to dense
// household numbers afterwards.
struct RawEvent {
  int32_t household_id;
  int32_t date;
  Status status;
  bool exited_in_year;
};
struct RawMembership {
  int32_t household_id, person_id, start, end;
};
struct RawYear {
  int32_t household_id;
  int32_t members;
  int64_t net_income;
  int8_t food, clothing, housing, water;  // -1 unknown, 0, 1
  int8_t house_rule;  // the housing module's rule where the house was inspected (-1 none, 0, 1)
};
struct RawAreaYear {
  std::string code;  // or, read from the facts copy, the area's index in the report
  int year;
  int64_t population;
  int32_t area = -1;
};

int8_t Flag(store::Statement& s, int c) { return s.IsNull(c) ? int8_t{-1} : static_cast<int8_t>(s.Int(c) != 0); }
std::optional<bool> Opt(int8_t f) { return f < 0 ? std::nullopt : std::optional<bool>(f != 0); }

// Reader B: events, household years, memberships, area years.
struct SecondTables {
  std::vector<RawEvent> events;
  std::vector<RawYear> years;
  std::vector<RawMembership> memberships;
  std::vector<RawAreaYear> area_years;
};

// Safe housing on evidence, as the exit assessment reads it (households.cc):
// where the house was inspected by the end of the year, the housing module's
// rule decides the exit criterion (housing::HouseSafetyOn, three reads);
// elsewhere the yearly fact stays. The measures keep the yearly fact, as
// `report measures` does.
void ApplyHouseRule(store::Connection& db, const std::string& area, int year, std::vector<RawYear>& years) {
  const auto safety = housing::HouseSafetyOn(db, area, std::to_string(year) + "-12-31");
  for (RawYear& y : years) {
    if (auto it = safety.find(y.household_id); it != safety.end()) y.house_rule = it->second.safe ? 1 : 0;
  }
}

SecondTables ReadSecond(store::Connection& db, const std::string& area, int from_year, int year) {
  SecondTables t;
  {
    auto s = db.Prepare("SELECT household_id, kind, year, date FROM household_events");
    while (s->Step()) {
      const Status st = internal::StatusOfEvent(s->Text(1));
      t.events.push_back({ToIndex(s->Int(0)), DayNumber(s->Text(3)), st,
                          st == Status::kExited && s->Int(2) == year});
    }
  }
  {
    auto s = db.Prepare(
        "SELECT household_id, members, wage_income + production_income + property_income + transfer_income"
        " - production_cost, food_secure, clothing_secure, housing_safe, drinking_water_safe FROM household_years"
        " WHERE year = ?");
    s->BindInt(1, year);
    while (s->Step()) {
      t.years.push_back({ToIndex(s->Int(0)), static_cast<int32_t>(s->Int(1)), s->Int(2), Flag(*s, 3), Flag(*s, 4),
                         Flag(*s, 5), Flag(*s, 6), int8_t{-1}});
    }
  }
  ApplyHouseRule(db, area, year, t.years);
  {
    auto s = db.Prepare("SELECT household_id, person_id, start_date, end_date FROM memberships");
    while (s->Step()) {
      t.memberships.push_back(
          {ToIndex(s->Int(0)), ToIndex(s->Int(1)), DayNumber(s->Text(2)), s->IsNull(3) ? kNoDate : DayNumber(s->Text(3))});
    }
  }
  {
    auto s = db.Prepare(
        "SELECT area_code, year, rural_population FROM area_years WHERE area_code >= ? AND area_code < ?"
        " AND year BETWEEN ? AND ? AND rural_population IS NOT NULL");
    s->BindText(1, area);
    s->BindText(2, internal::SubtreeEnd(area));
    s->BindInt(3, from_year);
    s->BindInt(4, year);
    while (s->Step()) t.area_years.push_back({s->Text(0), static_cast<int>(s->Int(1)), s->Int(2)});
  }
  return t;
}

// Reader A: the area tree, the households, persons and their facts of the year.
struct Areas {
  std::vector<AreaIndicators> rows;
  std::vector<int32_t> parent;                 // -1 for the root
  std::vector<std::array<int32_t, 6>> anc;     // ancestor at each level (0 root .. 5), -1 none
  std::unordered_map<std::string, int32_t> index;
};
struct FirstTables {
  Areas areas;
  std::vector<int32_t> household_id;    // by dense number (household number order)
  std::vector<int32_t> household_area;
  std::vector<int32_t> birth, death;    // by person id
  std::vector<uint8_t> school;          // by person id: 0 unknown, 1 meets compulsory schooling, 2 not
  std::vector<uint8_t> medical;         // by person id: 0 unknown, 1 insured, 2 not
};

// Each area's ancestor at each level, from the parents (which come first).
void FillAncestors(Areas& a) {
  a.anc.assign(a.rows.size(), {-1, -1, -1, -1, -1, -1});
  for (size_t i = 0; i < a.rows.size(); ++i) {
    if (i > 0) a.anc[i] = a.anc[static_cast<size_t>(a.parent[i])];
    const int level = i == 0 ? 0 : std::clamp(a.rows[i].level, 1, 5);
    a.anc[i][static_cast<size_t>(level)] = static_cast<int32_t>(i);
    a.anc[i][0] = 0;
  }
}

Areas ReadAreas(store::Connection& db, const std::string& area) {
  Areas a;
  if (area.empty()) {
    AreaIndicators root;
    root.name = "全国";
    a.rows.push_back(std::move(root));
    a.index.emplace("", 0);
  }
  {
    // Sized once: the nation has 665,276 areas.
    auto c = db.Prepare("SELECT count(*) FROM areas WHERE code >= ? AND code < ?");
    c->BindText(1, area);
    c->BindText(2, internal::SubtreeEnd(area));
    const auto n = c->Step() ? static_cast<size_t>(c->Int(0)) + 1 : 1;
    a.rows.reserve(n);
    a.index.reserve(n);
  }
  auto s = db.Prepare("SELECT code, name, level FROM areas WHERE code >= ? AND code < ? ORDER BY code");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  while (s->Step()) {
    AreaIndicators r;
    r.area_code = s->Text(0);
    r.name = s->Text(1);
    r.level = static_cast<int>(s->Int(2));
    a.index.emplace(r.area_code, static_cast<int32_t>(a.rows.size()));
    a.rows.push_back(std::move(r));
  }
  // Parents by the natural code (as RuralPopulation walks them); an area whose
  // parent is missing hangs from the nearest ancestor present, else the root.
  // Parents come first in code order.
  a.parent.assign(a.rows.size(), -1);
  for (size_t i = 1; i < a.rows.size(); ++i) {
    int32_t p = 0;
    for (std::string c = ParentAreaCode(a.rows[i].area_code); c.size() >= area.size(); c = ParentAreaCode(c)) {
      if (auto it = a.index.find(c); it != a.index.end()) {
        p = it->second;
        break;
      }
      if (c.empty()) break;
    }
    a.parent[i] = p;
  }
  FillAncestors(a);
  return a;
}

FirstTables ReadFirst(store::Connection& db, const std::string& area, int year) {
  FirstTables t;
  t.areas = ReadAreas(db, area);
  {
    std::vector<std::string> numbers;
    std::vector<int32_t> ids, areas;
    auto s = db.Prepare("SELECT id, number, village_code FROM households WHERE village_code >= ? AND village_code < ?");
    s->BindText(1, area);
    s->BindText(2, internal::SubtreeEnd(area));
    std::string last_code;
    int32_t last_area = -1;
    bool sorted = true;
    while (s->Step()) {
      std::string code = s->Text(2);
      if (code != last_code || last_area < 0) {
        auto it = t.areas.index.find(code);
        last_area = it == t.areas.index.end() ? 0 : it->second;
        last_code = std::move(code);
      }
      ids.push_back(ToIndex(s->Int(0)));
      areas.push_back(last_area);
      numbers.push_back(s->Text(1));
      if (numbers.size() > 1 && numbers[numbers.size() - 2] > numbers.back()) sorted = false;
    }
    // In household number order (the order of the older services' sums).
    if (sorted) {
      t.household_id = std::move(ids);
      t.household_area = std::move(areas);
    } else {
      std::vector<int32_t> order(ids.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](int32_t x, int32_t y) {
        return numbers[static_cast<size_t>(x)] < numbers[static_cast<size_t>(y)];
      });
      t.household_id.reserve(ids.size());
      t.household_area.reserve(ids.size());
      for (int32_t o : order) {
        t.household_id.push_back(ids[static_cast<size_t>(o)]);
        t.household_area.push_back(areas[static_cast<size_t>(o)]);
      }
    }
  }
  {
    auto s = db.Prepare("SELECT id, birth_date, death_date FROM persons");
    while (s->Step()) {
      const auto id = static_cast<size_t>(s->Int(0));
      // An unreadable birth date has no school age (SchoolAge gives -1).
      const std::string birth = s->Text(1);
      At(t.birth, id, int32_t{-1}) = Date::Parse(birth) ? DayNumber(birth) : -1;
      At(t.death, id, kNoDate) = s->IsNull(2) ? kNoDate : DayNumber(s->Text(2));
    }
  }
  {
    auto s = db.Prepare("SELECT person_id, school_status, medical_insured FROM person_years WHERE year = ?");
    s->BindInt(1, year);
    while (s->Step()) {
      const auto id = static_cast<size_t>(s->Int(0));
      At(t.school, id, uint8_t{0}) = s->IsNull(1) ? 0 : CompulsorySchoolingMet(s->Text(1)) ? 1 : 2;
      At(t.medical, id, uint8_t{0}) = s->IsNull(2) ? 0 : s->Int(2) != 0 ? 1 : 2;
    }
  }
  return t;
}

template <typename T>
T Get(const std::vector<T>& v, int32_t i, T fill) {
  return i >= 0 && static_cast<size_t>(i) < v.size() ? v[static_cast<size_t>(i)] : fill;
}

// Lists of indexes grouped by key (a counting sort: within a key the order of `items` is kept).
struct Buckets {
  std::vector<size_t> start;   // key -> first position; start[key + 1] the end
  std::vector<int32_t> items;
};
Buckets Group(std::span<const int32_t> items, std::span<const int32_t> key_of_item, size_t keys) {
  Buckets b;
  b.start.assign(keys + 1, 0);
  for (size_t i = 0; i < items.size(); ++i) {
    if (key_of_item[i] >= 0) ++b.start[static_cast<size_t>(key_of_item[i]) + 1];
  }
  for (size_t k = 0; k < keys; ++k) b.start[k + 1] += b.start[k];
  b.items.resize(b.start[keys]);
  std::vector<size_t> next(b.start.begin(), b.start.end() - 1);
  for (size_t i = 0; i < items.size(); ++i) {
    if (key_of_item[i] >= 0) b.items[next[static_cast<size_t>(key_of_item[i])]++] = items[i];
  }
  return b;
}

}  // namespace

std::vector<IncidenceRow> IndicatorReport::IncidenceRows(size_t area) const {
  std::vector<IncidenceRow> rows;
  const auto counts = IncidenceOf(area);
  for (size_t y = 0; y < counts.size(); ++y) {
    IncidenceRow r;
    r.area_code = areas[area].area_code;
    r.year = from_year + static_cast<int>(y);
    r.poor_households = counts[y].poor_households;
    r.poor_persons = counts[y].poor_persons;
    r.rural_population = counts[y].rural_population;
    rows.push_back(std::move(r));
  }
  return rows;
}

MeasureResult IndicatorReport::Measures(size_t area) const {
  const AreaIndicators& a = areas[area];
  MeasureResult r;
  r.area_code = a.area_code;
  r.year = year;
  r.poverty_line = poverty_line;
  r.households = a.measure_households;
  r.persons = a.measure_persons;
  r.fgt = a.fgt;
  r.gini = a.gini;
  r.af_weights = af_weights;
  r.af_k = af_k;
  r.af = a.af;
  r.af_excluded_persons = a.af_excluded_persons;
  return r;
}

namespace {

void CheckIndicatorYears(int from_year, int year) {
  for (const auto& [field, y] : {std::pair{"from", from_year}, std::pair{"year", year}}) {
    if (y < 2000 || y > 2100) {
      throw Error::InvalidArgument("invalid year", {{field, std::to_string(y) + " is not between 2000 and 2100"}});
    }
  }
  if (from_year > year) {
    throw Error::InvalidArgument("invalid years",
                                 {{"from", std::to_string(from_year) + " is after " + std::to_string(year)}});
  }
}

// Both readers: at once on two connections when there is a second one, else one after the other.
void ReadTables(store::Connection& db, store::Connection* second, const std::string& area, int from_year, int year,
                ProgressStage& stage, FirstTables& a, SecondTables& b) {
  if (second != nullptr) {
    InParallel([&] { b = ReadSecond(*second, area, from_year, year); },
               [&] {
                 a = ReadFirst(db, area, year);
                 stage.Advance();
               });
  } else {
    a = ReadFirst(db, area, year);
    stage.Advance();
    b = ReadSecond(db, area, from_year, year);
  }
  stage.Advance();
}

// Every household's status at each date (the latest event, by date then id, on or before
// it) and whether it exited in the year; the raw events are released.
struct Statuses {
  std::vector<Status> at;  // household number * dates + date
  std::vector<uint8_t> exited_in_year;
};
Statuses StatusAtDates(std::vector<RawEvent>& raw, const std::vector<int32_t>& dense,
                       const std::vector<int32_t>& dates, size_t n) {
  const size_t nd = dates.size();
  Statuses out{std::vector<Status>(n * nd, Status::kUnregistered), std::vector<uint8_t>(n, 0)};
  std::vector<RawEvent> events;
  events.reserve(raw.size());
  for (const auto& e : raw) {
    const int32_t h = Get(dense, e.household_id, int32_t{-1});
    if (h < 0) continue;
    events.push_back({h, e.date, e.status, e.exited_in_year});
  }
  std::vector<RawEvent>().swap(raw);
  auto by_household_date = [](const RawEvent& x, const RawEvent& y) {
    return x.household_id != y.household_id ? x.household_id < y.household_id : x.date < y.date;
  };
  // Read in id order: a stable sort keeps the id order among equal dates.
  if (!std::is_sorted(events.begin(), events.end(), by_household_date)) {
    std::stable_sort(events.begin(), events.end(), by_household_date);
  }
  for (const auto& e : events) {
    const auto h = static_cast<size_t>(e.household_id);
    if (e.exited_in_year) out.exited_in_year[h] = 1;
    for (size_t i = 0; i < nd; ++i) {
      if (e.date <= dates[i]) out.at[h * nd + i] = e.status;
    }
  }
  return out;
}

// Every household's members at each date and, at the end of the year, its education and
// medical counts; the raw memberships are released.
struct MemberCounts {
  uint16_t edu_failed = 0, edu_missing = 0, med_failed = 0, med_missing = 0;
};
struct Members {
  std::vector<int32_t> at;  // household number * dates + date
  std::vector<MemberCounts> counts;
};
Members MembersAtDates(const FirstTables& a, std::vector<RawMembership>& raw, const std::vector<int32_t>& dense,
                       const std::vector<int32_t>& dates, int year) {
  const size_t n = a.household_id.size(), nd = dates.size();
  Members out{std::vector<int32_t>(n * nd, 0), std::vector<MemberCounts>(n)};
  const int32_t end_of_year = dates[nd - 1];
  for (const auto& m : raw) {
    const int32_t h = Get(dense, m.household_id, int32_t{-1});
    if (h < 0) continue;
    const auto hh = static_cast<size_t>(h);
    const int32_t end = std::min(m.end, Get(a.death, m.person_id, kNoDate));
    for (size_t i = 0; i < nd; ++i) {
      if (m.start <= dates[i] && dates[i] < end) ++out.at[hh * nd + i];
    }
    if (!(m.start <= end_of_year && end_of_year < end)) continue;
    MemberCounts& c = out.counts[hh];
    const int32_t birth = Get(a.birth, m.person_id, int32_t{-1});
    if (birth >= 0) {
      // SchoolAge: completed years on 1 September of the year.
      const int age = year - birth / 10000 - (901 < birth % 10000 ? 1 : 0);
      if (IsCompulsorySchoolAge(age)) {
        const uint8_t school = Get(a.school, m.person_id, uint8_t{0});
        if (school == 0) ++c.edu_missing;
        if (school == 2) ++c.edu_failed;
      }
    }
    const uint8_t medical = Get(a.medical, m.person_id, uint8_t{0});
    if (medical == 0) ++c.med_missing;
    if (medical == 2) ++c.med_failed;
  }
  std::vector<RawMembership>().swap(raw);
  return out;
}

// The households in the measures' population, in number order, with what the measures read.
struct Measured {
  std::vector<int32_t> households;
  std::vector<double> income, weight;  // per-capita income, persons
  std::vector<uint32_t> deprived;
  std::vector<uint8_t> af_complete;
};

// A household of the year's assessment: its six criteria (the housing module's rule where
// the house was inspected) counted at its area.
void CountAssessed(const RawYear* y, std::array<Outcome, 6> criteria, AreaIndicators& r) {
  ++r.assessed;
  bool ready = true;
  if (y != nullptr && y->house_rule >= 0) criteria[4] = FlagOutcome(Opt(y->house_rule));  // housing
  for (size_t c = 0; c < 6; ++c) {
    if (criteria[c] == Outcome::kFail) ++r.failed[c];
    if (criteria[c] == Outcome::kUnknown) ++r.unknown[c];
    if (criteria[c] != Outcome::kPass) ready = false;
  }
  if (ready) ++r.ready;
}

// One pass over the households: incidence, assessment and measure counts at each household's
// own area (report.incidence, rows), and the measured households.
Measured CountHouseholds(const FirstTables& a, const SecondTables& b, const std::vector<int32_t>& dense,
                         const Statuses& status, const Members& members, const internal::AfSetup& af,
                         IndicatorReport& report, std::vector<AreaIndicators>& rows) {
  const size_t n = a.household_id.size(), nd = report.years(), last = nd - 1;
  std::vector<int32_t> year_row(n, -1);  // the household's facts of the year
  for (size_t i = 0; i < b.years.size(); ++i) {
    const int32_t h = Get(dense, b.years[i].household_id, int32_t{-1});
    if (h >= 0) year_row[static_cast<size_t>(h)] = static_cast<int32_t>(i);
  }
  report.incidence.assign(rows.size() * nd, IncidenceCounts{});
  Measured m;
  for (size_t h = 0; h < n; ++h) {
    const auto ar = static_cast<size_t>(a.household_area[h]);
    for (size_t i = 0; i < nd; ++i) {
      if (status.at[h * nd + i] != Status::kPoor) continue;
      IncidenceCounts& c = report.incidence[ar * nd + i];
      ++c.poor_households;
      c.poor_persons += members.at[h * nd + i];
    }
    const Status st = status.at[h * nd + last];
    const bool assessed = st == Status::kPoor || status.exited_in_year[h] != 0;
    const int32_t yr = year_row[h];
    const bool measure = (st == Status::kPoor || st == Status::kExited) && yr >= 0;
    if (!assessed && !measure) continue;
    const RawYear* y = yr >= 0 ? &b.years[static_cast<size_t>(yr)] : nullptr;
    const Fen per_capita = y != nullptr ? PerCapita(y->net_income, y->members) : 0;
    const MemberCounts& mc = members.counts[h];
    const int32_t persons = members.at[h * nd + last];
    const std::array<Outcome, 6> outcomes = {
        IncomeOutcome(y != nullptr, per_capita, report.poverty_line),
        FoodClothingOutcome(y ? Opt(y->food) : std::nullopt, y ? Opt(y->clothing) : std::nullopt),
        EducationOutcome(mc.edu_failed, mc.edu_missing),
        MedicalOutcome(persons, mc.med_failed, mc.med_missing),
        FlagOutcome(y ? Opt(y->housing) : std::nullopt),
        FlagOutcome(y ? Opt(y->water) : std::nullopt)};
    AreaIndicators& r = rows[ar];
    if (assessed) CountAssessed(y, outcomes, r);
    if (!measure) continue;
    ++r.measure_households;
    r.measure_persons += persons;
    uint32_t mask = 0;
    const bool complete = internal::AfDeprivations(af, outcomes, mask);
    if (!complete) r.af_excluded_persons += persons;
    m.households.push_back(static_cast<int32_t>(h));
    m.income.push_back(static_cast<double>(per_capita));
    m.weight.push_back(static_cast<double>(persons));
    m.deprived.push_back(mask);
    m.af_complete.push_back(complete ? 1 : 0);
  }
  return m;
}

// Rolls the counts up the tree (children come after their parents in code order).
void RollUp(const Areas& areas, std::vector<AreaIndicators>& rows, IndicatorReport& report) {
  const size_t nd = report.years();
  for (size_t i = rows.size(); i-- > 1;) {
    const auto p = static_cast<size_t>(areas.parent[i]);
    AreaIndicators& from = rows[i];
    AreaIndicators& to = rows[p];
    to.assessed += from.assessed;
    to.ready += from.ready;
    for (size_t c = 0; c < 6; ++c) {
      to.failed[c] += from.failed[c];
      to.unknown[c] += from.unknown[c];
    }
    to.measure_households += from.measure_households;
    to.measure_persons += from.measure_persons;
    to.af_excluded_persons += from.af_excluded_persons;
    for (size_t y = 0; y < nd; ++y) {
      report.incidence[p * nd + y].poor_households += report.incidence[i * nd + y].poor_households;
      report.incidence[p * nd + y].poor_persons += report.incidence[i * nd + y].poor_persons;
    }
  }
}

// Rural population: the area's own figure, else the sum over its children.
void RuralPopulation(const Areas& areas, const std::vector<RawAreaYear>& area_years, IndicatorReport& report) {
  const size_t na = areas.rows.size(), nd = report.years();
  std::vector<int64_t> own(na * nd, -1), sum(na * nd, 0);
  for (const auto& r : area_years) {
    int32_t i = r.area;
    if (i < 0) {
      auto it = areas.index.find(r.code);
      if (it == areas.index.end()) continue;
      i = it->second;
    }
    own[static_cast<size_t>(i) * nd + static_cast<size_t>(r.year - report.from_year)] = r.population;
  }
  for (size_t i = na; i-- > 0;) {
    for (size_t y = 0; y < nd; ++y) {
      const int64_t v = own[i * nd + y] >= 0 ? own[i * nd + y] : sum[i * nd + y];
      report.incidence[i * nd + y].rural_population = v;
      if (i > 0) sum[static_cast<size_t>(areas.parent[i]) * nd + y] += v;
    }
  }
}

// The measures of every area: its measured households in number order (FGT, Alkire-Foster)
// and by income (Gini), grouped level by level.
void ComputeMeasures(const FirstTables& a, const Measured& m, const internal::AfSetup& af, Fen poverty_line,
                     ProgressStage& stage, std::vector<AreaIndicators>& rows) {
  const size_t na = rows.size();
  std::vector<int32_t> positions(m.households.size());
  std::iota(positions.begin(), positions.end(), 0);
  std::vector<int32_t> by_income;  // positions with a weight, stably by income (as ComputeGini)
  for (int32_t p : positions) {
    if (m.weight[static_cast<size_t>(p)] > 0) by_income.push_back(p);
  }
  auto clamped = [&](int32_t p) { return std::max(0.0, m.income[static_cast<size_t>(p)]); };
  std::stable_sort(by_income.begin(), by_income.end(), [&](int32_t x, int32_t y) { return clamped(x) < clamped(y); });
  const int root_level = rows[0].level;
  auto levels = [&](int first, int last) {
    std::vector<int32_t> key(m.households.size()), key_sorted(by_income.size());
    std::vector<WeightedIncome> incomes, sorted;
    std::vector<AfMask> units;
    for (int level = first; level <= last; ++level) {
      if (level > 0 && (level <= root_level || na == 1)) continue;
      const auto l = static_cast<size_t>(level);
      for (size_t p = 0; p < m.households.size(); ++p) {
        key[p] = a.areas.anc[static_cast<size_t>(a.household_area[static_cast<size_t>(m.households[p])])][l];
      }
      for (size_t q = 0; q < by_income.size(); ++q) key_sorted[q] = key[static_cast<size_t>(by_income[q])];
      const Buckets plain = Group(positions, key, na);
      const Buckets gini = Group(by_income, key_sorted, na);
      for (size_t ar = 0; ar < na; ++ar) {
        if (plain.start[ar] == plain.start[ar + 1]) continue;
        incomes.clear();
        units.clear();
        for (size_t j = plain.start[ar]; j < plain.start[ar + 1]; ++j) {
          const auto p = static_cast<size_t>(plain.items[j]);
          incomes.push_back({m.income[p], m.weight[p]});
          if (m.af_complete[p] != 0) units.push_back({m.deprived[p], m.weight[p]});
        }
        sorted.clear();
        for (size_t j = gini.start[ar]; j < gini.start[ar + 1]; ++j) {
          const auto p = gini.items[j];
          sorted.push_back({clamped(p), m.weight[static_cast<size_t>(p)]});
        }
        AreaIndicators& r = rows[ar];
        r.fgt = ComputeFgt(incomes, static_cast<double>(poverty_line));
        r.gini = GiniOfSorted(sorted);
        r.af = ComputeAlkireFoster(std::span<const AfMask>(units), af.weights, af.k);
      }
    }
  };
  // A level writes only the rows of its own areas: the levels on the two cores, half each.
  InParallel([&] { levels(3, 5); }, [&] { levels(0, 2); });
  for (int level = 0; level <= 5; ++level) stage.Advance();
}

}  // namespace

namespace {

// What both ways of reading need first: the checks, the poverty line and the Alkire-Foster setup.
IndicatorReport BeginReport(store::Connection& db, const Caller& caller, const std::string& area_code, int from_year,
                            int year, internal::AfSetup& af) {
  const std::string area = internal::RequireArea(db, area_code.empty() ? caller.area_scope : area_code, "area");
  internal::RequireRead(db, caller, area);
  CheckIndicatorYears(from_year, year);
  IndicatorReport report;
  report.area_code = area;
  report.from_year = from_year;
  report.year = year;
  {
    Parameters params(db);
    report.poverty_line = params.PovertyLine(year);
  }
  af = internal::ReadAfSetup(db);
  report.af_weights = af.normalised;
  report.af_k = af.k;
  return report;
}

// Everything after the reads, whichever way the tables were read.
void Evaluate(FirstTables& a, SecondTables& b, const internal::AfSetup& af, Progress& progress,
              IndicatorReport& report) {
  ProgressStage stage(progress, "evaluate", 7);
  // Dense household numbers, and 31 December of each year.
  const size_t nd = report.years();
  std::vector<int32_t> dates(nd);
  for (size_t i = 0; i < nd; ++i) dates[i] = (report.from_year + static_cast<int>(i)) * 10000 + 1231;
  std::vector<int32_t> dense;  // household id -> number, -1 outside the area
  for (size_t h = 0; h < a.household_id.size(); ++h) {
    At(dense, static_cast<size_t>(a.household_id[h]), int32_t{-1}) = static_cast<int32_t>(h);
  }
  // Statuses and members on the two cores.
  Statuses status;
  Members members;
  InParallel([&] { status = StatusAtDates(b.events, dense, dates, a.household_id.size()); },
             [&] { members = MembersAtDates(a, b.memberships, dense, dates, report.year); });
  std::vector<AreaIndicators>& rows = a.areas.rows;
  const Measured measured = CountHouseholds(a, b, dense, status, members, af, report, rows);
  std::vector<Status>().swap(status.at);
  RollUp(a.areas, rows, report);
  RuralPopulation(a.areas, b.area_years, report);
  stage.Advance();
  ComputeMeasures(a, measured, af, report.poverty_line, stage, rows);
  report.areas = std::move(rows);
}

// Reading from the columnar copy (facts/facts.h): the same tables, in the same orders.

// The rows [first, second) of a column sorted by year that hold `year`.
std::pair<size_t, size_t> YearSlice(std::span<const int16_t> years, int year) {
  const auto [lo, hi] = std::equal_range(years.begin(), years.end(), static_cast<int16_t>(year));
  return {static_cast<size_t>(lo - years.begin()), static_cast<size_t>(hi - years.begin())};
}

// The areas of the subtree: rows [lo, hi) of the copy's areas, sorted by code.
struct Subtree {
  size_t lo = 0, hi = 0;
  int32_t offset = 0;  // 1 when the nation's row comes first (it has no row in the copy)
  bool flat = false;   // the subtree as one area, its top (the measures of one area)
  // The report's index of the copy's area `i`, -1 outside the subtree.
  int32_t Local(int32_t i) const {
    if (i < 0 || static_cast<size_t>(i) < lo || static_cast<size_t>(i) >= hi) return -1;
    return flat ? 0 : static_cast<int32_t>(static_cast<size_t>(i) - lo) + offset;
  }
};
Subtree FindSubtree(const facts::TextColumn& codes, const std::string& area) {
  auto lower = [&codes](std::string_view key) {
    size_t lo = 0, hi = codes.size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (codes[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  return {lower(area), lower(internal::SubtreeEnd(area)), area.empty() ? 1 : 0};
}

Areas AreasFromFacts(const facts::Facts& f, const std::string& area, const Subtree& sub) {
  const auto code = f.Text("area.code"), name = f.Text("area.name");
  const auto level = f.Get<uint8_t>("area.level");
  const auto parent = f.Get<int32_t>("area.parent");
  Areas a;
  a.rows.reserve(sub.hi - sub.lo + 1);
  if (area.empty()) {
    AreaIndicators root;
    root.name = "全国";
    a.rows.push_back(std::move(root));
  }
  for (size_t i = sub.lo; i < sub.hi; ++i) {
    AreaIndicators r;
    r.area_code = code[i];
    r.name = name[i];
    r.level = level[i];
    a.rows.push_back(std::move(r));
  }
  // The nearest ancestor present inside the subtree (always found below its top: the
  // area itself is present), else the top.
  a.parent.assign(a.rows.size(), -1);
  for (size_t i = 1; i < a.rows.size(); ++i) {
    const int32_t p = sub.Local(parent[sub.lo + i - static_cast<size_t>(sub.offset)]);
    a.parent[i] = p < 0 ? 0 : p;
  }
  FillAncestors(a);
  return a;
}

// A flat subtree's one area: its top, holding every household of the subtree.
Areas TopAreaFromFacts(const facts::Facts& f, const std::string& area, const Subtree& sub) {
  Areas a;
  AreaIndicators top;
  top.name = "全国";
  if (!area.empty()) {  // present: the area was checked, and it sorts first in its subtree
    top.area_code = area;
    top.name = f.Text("area.name")[sub.lo];
    top.level = f.Get<uint8_t>("area.level")[sub.lo];
  }
  a.rows.push_back(std::move(top));
  a.parent.assign(1, -1);
  FillAncestors(a);
  return a;
}

FirstTables FirstFromFacts(const facts::Facts& f, const std::string& area, const Subtree& sub, int year) {
  FirstTables t;
  t.areas = sub.flat ? TopAreaFromFacts(f, area, sub) : AreasFromFacts(f, area, sub);
  const auto ids = f.Get<int32_t>("household.id");
  const auto areas = f.Get<int32_t>("household.area");
  for (size_t h = 0; h < ids.size(); ++h) {
    const int32_t local = sub.Local(areas[h]);
    if (local < 0) continue;
    t.household_id.push_back(ids[h]);
    t.household_area.push_back(local);
  }
  const auto birth = f.Get<int32_t>("person.birth"), death = f.Get<int32_t>("person.death");
  t.birth.assign(birth.begin(), birth.end());
  t.death.assign(death.begin(), death.end());
  const auto dict = f.Text("person_year.school_dict");
  std::vector<uint8_t> school_of(dict.size() + 1, 0);  // by code: 0 unknown, 1 met, 2 not
  for (size_t c = 0; c < dict.size(); ++c) school_of[c + 1] = CompulsorySchoolingMet(dict[c]) ? 1 : 2;
  const auto [lo, hi] = YearSlice(f.Get<int16_t>("person_year.year"), year);
  const auto person = f.Get<int32_t>("person_year.person");
  const auto school = f.Get<uint8_t>("person_year.school");
  const auto medical = f.Get<int8_t>("person_year.medical");
  for (size_t i = lo; i < hi; ++i) {
    const auto id = static_cast<size_t>(person[i]);
    At(t.school, id, uint8_t{0}) = school_of[school[i]];
    At(t.medical, id, uint8_t{0}) = medical[i] < 0 ? 0 : medical[i] != 0 ? 1 : 2;
  }
  return t;
}

SecondTables SecondFromFacts(const facts::Facts& f, const Subtree& sub, int from_year, int year) {
  SecondTables t;
  const auto dict = f.Text("event.kind_dict");
  std::vector<Status> status_of(dict.size());
  for (size_t c = 0; c < dict.size(); ++c) status_of[c] = internal::StatusOfEvent(std::string(dict[c]));
  const auto household = f.Get<int32_t>("event.household"), date = f.Get<int32_t>("event.date");
  const auto event_year = f.Get<int16_t>("event.year");
  const auto kind = f.Get<uint8_t>("event.kind");
  t.events.reserve(household.size());
  for (size_t i = 0; i < household.size(); ++i) {
    const Status st = status_of[kind[i]];
    t.events.push_back({household[i], date[i], st, st == Status::kExited && event_year[i] == year});
  }
  {
    const auto [lo, hi] = YearSlice(f.Get<int16_t>("household_year.year"), year);
    const auto h = f.Get<int32_t>("household_year.household"), members = f.Get<int32_t>("household_year.members");
    const auto income = f.Get<int64_t>("household_year.net_income");
    const auto food = f.Get<int8_t>("household_year.food"), clothing = f.Get<int8_t>("household_year.clothing");
    const auto housing = f.Get<int8_t>("household_year.housing"), water = f.Get<int8_t>("household_year.water");
    t.years.reserve(hi - lo);
    for (size_t i = lo; i < hi; ++i) {
      t.years.push_back({h[i], members[i], income[i], food[i], clothing[i], housing[i], water[i], int8_t{-1}});
    }
  }
  const auto mh = f.Get<int32_t>("membership.household"), mp = f.Get<int32_t>("membership.person");
  const auto start = f.Get<int32_t>("membership.start"), end = f.Get<int32_t>("membership.end");
  t.memberships.reserve(mh.size());
  for (size_t i = 0; i < mh.size(); ++i) t.memberships.push_back({mh[i], mp[i], start[i], end[i]});
  const auto aa = f.Get<int32_t>("area_year.area");
  const auto ay = f.Get<int16_t>("area_year.year");
  const auto pop = f.Get<int64_t>("area_year.population");
  for (size_t i = 0; i < aa.size(); ++i) {
    const int32_t local = sub.Local(aa[i]);
    if (local < 0 || ay[i] < from_year || ay[i] > year) continue;
    t.area_years.push_back({std::string(), ay[i], pop[i], local});
  }
  return t;
}

}  // namespace

IndicatorReport ComputeIndicators(store::Connection& db, const Caller& caller, const std::string& area_code,
                                  int from_year, int year, store::Connection* second, Progress& progress) {
  internal::AfSetup af;
  IndicatorReport report = BeginReport(db, caller, area_code, from_year, year, af);
  FirstTables a;
  SecondTables b;
  {
    ProgressStage read(progress, "read", 2);
    ReadTables(db, second, report.area_code, from_year, year, read, a, b);
  }
  Evaluate(a, b, af, progress, report);
  return report;
}

IndicatorReport ComputeIndicatorsFromFacts(store::Connection& db, const Caller& caller, const std::string& area_code,
                                           int from_year, int year, const std::string& facts_path,
                                           Progress& progress) {
  internal::AfSetup af;
  IndicatorReport report = BeginReport(db, caller, area_code, from_year, year, af);
  std::shared_ptr<const facts::Facts> mapped;
  {
    ProgressStage stage(progress, "facts", 1);
    mapped = facts::OpenShared(db, facts_path);
    stage.Advance();
  }
  const facts::Facts& copy = *mapped;
  const std::string& area = report.area_code;
  const Subtree sub = FindSubtree(copy.Text("area.code"), area);
  FirstTables a;
  SecondTables b;
  {
    // The two halves on the two cores.
    ProgressStage read(progress, "read", 2);
    InParallel([&] { b = SecondFromFacts(copy, sub, from_year, year); },
               [&] { a = FirstFromFacts(copy, area, sub, year); });
    read.Advance();
    ApplyHouseRule(db, area, year, b.years);
    read.Advance();
  }
  Evaluate(a, b, af, progress, report);
  return report;
}

IndicatorReport ComputeIndicatorsPreferringFacts(store::Connection& db, const Caller& caller,
                                                 const std::string& area_code, int from_year, int year,
                                                 const FactsChoice& facts, store::Connection* second,
                                                 Progress& progress) {
  return facts::FromCopyOrTables(
      facts.path,
      [&](const std::string& path) {
        return ComputeIndicatorsFromFacts(db, caller, area_code, from_year, year, path, progress);
      },
      [&] { return ComputeIndicators(db, caller, area_code, from_year, year, second, progress); }, facts.warn);
}

MeasureResult ComputeMeasuresPreferringFacts(store::Connection& db, const Caller& caller, const std::string& area_code,
                                             int year, const FactsChoice& facts, const Clock& clock) {
  return facts::FromCopyOrTables(
      facts.path,
      [&](const std::string& path) { return ComputeMeasuresFromFacts(db, caller, area_code, year, path, clock); },
      [&] { return ComputeMeasures(db, caller, area_code, year, clock); }, facts.warn);
}

MeasureResult ComputeMeasuresFromFacts(store::Connection& db, const Caller& caller, const std::string& area_code,
                                       int year, const std::string& facts_path, const Clock& clock) {
  internal::AfSetup af;
  MeasureResult r = internal::BeginMeasures(db, caller, area_code, year, clock, af);
  const auto copy = facts::OpenShared(db, facts_path);
  // The area as one row: the households of its subtree, the evaluation of one year.
  Subtree sub = FindSubtree(copy->Text("area.code"), r.area_code);
  sub.flat = true;
  IndicatorReport report;
  report.area_code = r.area_code;
  report.from_year = year;
  report.year = year;
  report.poverty_line = r.poverty_line;
  FirstTables a;
  SecondTables b;
  InParallel([&] { b = SecondFromFacts(*copy, sub, year, year); },
             [&] { a = FirstFromFacts(*copy, r.area_code, sub, year); });
  b.area_years.clear();  // no incidence
  ApplyHouseRule(db, r.area_code, year, b.years);
  Evaluate(a, b, af, NoProgress(), report);
  const AreaIndicators& top = report.areas.at(0);
  r.households = top.measure_households;
  r.persons = top.measure_persons;
  r.fgt = top.fgt;
  r.gini = top.gini;
  r.af = top.af;
  r.af_excluded_persons = top.af_excluded_persons;
  internal::StoreMeasures(db, caller, r, clock);
  return r;
}

namespace {

const char* LevelName(int level) {
  static constexpr const char* kNames[] = {"nation", "province", "city", "county", "township", "village"};
  return level >= 0 && level <= 5 ? kNames[level] : "other";
}

}  // namespace

nlohmann::json IndicatorSummaryJson(const IndicatorReport& report) {
  const AreaIndicators& a = report.areas.at(0);
  nlohmann::json criteria = nlohmann::json::object();
  for (size_t c = 0; c < 6; ++c) criteria[kCriteria[c].wire] = {{"fail", a.failed[c]}, {"unknown", a.unknown[c]}};
  nlohmann::json incidence = nlohmann::json::array();
  for (const auto& r : report.IncidenceRows(0)) {
    incidence.push_back({{"area_code", r.area_code}, {"year", r.year}, {"poor_households", r.poor_households},
                         {"poor_persons", r.poor_persons}, {"rural_population", r.rural_population},
                         {"rate", r.rate()}});
  }
  nlohmann::json levels = nlohmann::json::object();
  for (const auto& r : report.areas) {
    auto& v = levels[LevelName(r.level)];
    v = v.is_null() ? 1 : v.get<int64_t>() + 1;
  }
  return {{"area_code", a.area_code},
          {"name", a.name},
          {"year", report.year},
          {"from", report.from_year},
          {"poverty_line", report.poverty_line},
          {"assessment", {{"assessed", a.assessed}, {"ready", a.ready}, {"criteria", criteria}}},
          {"incidence", incidence},
          {"measures", MeasureJson(report.Measures(0))},
          {"areas", {{"count", report.areas.size()}, {"by_level", levels}}}};
}

int64_t WriteIndicatorTable(const IndicatorReport& report, const std::string& path) {
  auto w = io::OpenTableWriter(path, io::WriterOptions{.sheet = "指标"});
  std::vector<std::string> header = {"地区代码", "地区名称", "层级", "评估户数", "达标户数"};
  for (size_t c = 0; c < 6; ++c) {
    header.push_back(std::string(kCriteria[c].wire) + "_未达标");
    header.push_back(std::string(kCriteria[c].wire) + "_未知");
  }
  for (int y = report.from_year; y <= report.year; ++y) {
    const std::string ys = std::to_string(y);
    for (const char* h : {"贫困户", "贫困人口", "农业人口", "贫困发生率"}) header.push_back(ys + h);
  }
  for (const char* h : {"测算户数", "测算人数", "FGT_P0", "FGT_P1", "FGT_P2", "基尼系数", "AF_H", "AF_A", "AF_M0",
                        "AF_人数", "AF_贫困人数", "AF_未计入人数"}) {
    header.push_back(h);
  }
  w->WriteHeader(header);
  std::vector<io::CellValue> cells;
  for (size_t i = 0; i < report.areas.size(); ++i) {
    const AreaIndicators& a = report.areas[i];
    cells.clear();
    cells.emplace_back(a.area_code);
    cells.emplace_back(a.name);
    cells.emplace_back(std::string(LevelName(a.level)));
    cells.emplace_back(a.assessed);
    cells.emplace_back(a.ready);
    for (size_t c = 0; c < 6; ++c) {
      cells.emplace_back(a.failed[c]);
      cells.emplace_back(a.unknown[c]);
    }
    for (const auto& r : report.IncidenceRows(i)) {
      cells.emplace_back(r.poor_households);
      cells.emplace_back(r.poor_persons);
      cells.emplace_back(r.rural_population);
      cells.emplace_back(r.rate());
    }
    cells.emplace_back(a.measure_households);
    cells.emplace_back(a.measure_persons);
    for (double v : {a.fgt.p0, a.fgt.p1, a.fgt.p2, a.gini, a.af.h, a.af.a, a.af.m0, a.af.persons, a.af.poor_persons}) {
      cells.emplace_back(v);
    }
    cells.emplace_back(a.af_excluded_persons);
    w->WriteRow(cells);
  }
  w->Close();
  return static_cast<int64_t>(report.areas.size());
}

}  // namespace fupin::assessment
