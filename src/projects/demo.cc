#include "projects/demo.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "core/money.h"
#include "registry/status.h"

namespace fupin::projects {
namespace {

using Random = DemoRandom;
using HouseholdRow = DemoHousehold;

// `total` split into `n` positive parts of random weight 1..3, exactly.
std::vector<int64_t> Split(Random& rng, int64_t total, int n, int64_t quantum = 1) {
  std::vector<int64_t> w(static_cast<size_t>(n));
  for (auto& x : w) x = rng.Between(10, 30);
  const int64_t sum = std::accumulate(w.begin(), w.end(), int64_t{0});
  std::vector<int64_t> out;
  int64_t given = 0;
  for (int i = 0; i < n; ++i) {
    // The last part takes what rounding left over.
    const int64_t part = i + 1 == n ? total - given : total / quantum * w[static_cast<size_t>(i)] / sum * quantum;
    out.push_back(part);
    given += part;
  }
  return out;
}

std::string Day(int year, int month, int day) { return Date{year, month, day}.ToString(); }

}  // namespace

// Picks `count` households whose persons add up to `persons` exactly: a
// random start, then swaps of a picked household for an unpicked one of
// another size until the sum is right.
std::vector<DemoHousehold> PickExactly(DemoRandom& rng, std::vector<DemoHousehold> pool, int64_t count, int64_t persons) {
  if (count > static_cast<int64_t>(pool.size())) {
    throw Error::FailedPrecondition(fmt::format("the county has {} registered households, fewer than {}", pool.size(), count));
  }
  rng.Shuffle(pool);
  std::vector<HouseholdRow> in(pool.begin(), pool.begin() + count), out(pool.begin() + count, pool.end());
  int64_t sum = 0;
  for (const auto& h : in) sum += h.persons;
  // Buckets by size of the unpicked ones.
  for (int guard = 0; sum != persons; ++guard) {
    if (guard > 1000000) {
      throw Error::FailedPrecondition(fmt::format("no {} households with {} persons among the registered", count, persons));
    }
    const bool lower = sum > persons;
    const size_t i = static_cast<size_t>(rng.Next() % in.size());
    size_t best = out.size();
    for (size_t j = 0; j < out.size(); ++j) {
      const int64_t d = in[i].persons - out[j].persons;  // > 0 lowers the sum
      if ((lower && d > 0 && d <= sum - persons) || (!lower && d < 0 && -d <= persons - sum)) {
        best = j;
        break;
      }
    }
    if (best == out.size()) continue;
    sum -= in[i].persons - out[best].persons;
    std::swap(in[i], out[best]);
  }
  std::sort(in.begin(), in.end(), [](const HouseholdRow& a, const HouseholdRow& b) { return a.id < b.id; });
  return in;
}

std::vector<DemoHousehold> RegisteredHouseholds(store::Connection& db, const std::string& county,
                                                const std::string& as_of) {
  const std::string& lo = county;
  const std::string hi = SubtreeEnd(county);
  std::vector<DemoHousehold> households;
  const auto statuses = registry::StatusesOn(db, county, as_of);
  std::map<int64_t, int64_t> members;
  auto s = db.Prepare(
      "SELECT m.household_id, count(*) FROM memberships m JOIN households h ON h.id = m.household_id"
      " JOIN persons p ON p.id = m.person_id"
      " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND m.start_date <= ?3"
      " AND (m.end_date IS NULL OR m.end_date > ?3) AND (p.death_date IS NULL OR p.death_date > ?3)"
      " GROUP BY m.household_id");
  s->BindText(1, lo);
  s->BindText(2, hi);
  s->BindText(3, as_of);
  while (s->Step()) members[s->Int(0)] = s->Int(1);
  for (const auto& [id, st] : statuses) {
    if (st.status != "poor" && st.status != "exited") continue;
    households.push_back({id, st.village_code, members.count(id) ? members[id] : 0});
  }
  std::sort(households.begin(), households.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return households;
}

DemoProjectsSummary GenerateDemo(store::Connection& db, uint64_t seed, const Caller& caller, const DemoOptions& o) {
  const std::string county = o.county_code;
  {
    access::Audit audit(db, DefaultClock());
    access::Guard(audit).RequireWrite(caller, access::Resource::kProjects, {county, std::nullopt, "projects/demo"});
  }
  const auto as_of = Date::Parse(o.as_of);
  if (!as_of) throw Error::InvalidArgument("invalid date", {{"as_of", "'" + o.as_of + "' is not a date"}});
  const std::string& lo = county;
  const std::string hi = SubtreeEnd(county);
  {
    auto s = db.Prepare("SELECT count(*) FROM projects WHERE area_code >= ? AND area_code < ?");
    s->BindText(1, lo);
    s->BindText(2, hi);
    s->Step();
    if (s->Int(0) > 0) throw Error::FailedPrecondition("area " + county + " already has projects; demo data is made once");
  }
  // The registered households on as_of and their members then, in two reads.
  const std::vector<HouseholdRow> households = RegisteredHouseholds(db, county, o.as_of);
  // Townships and (poor) villages of the county.
  std::vector<std::string> townships;
  {
    auto s = db.Prepare("SELECT code FROM areas WHERE parent_code = ? AND level = 4 ORDER BY code");
    s->BindText(1, county);
    while (s->Step()) townships.push_back(s->Text(0));
  }
  if (townships.empty()) throw Error::FailedPrecondition("area " + county + " has no townships");

  Random rng(seed ^ 0x9A0F1Eull);
  const std::vector<HouseholdRow> pv_households = PickExactly(rng, households, o.pv_households, o.pv_persons);
  std::vector<HouseholdRow> industry_households = households;
  rng.Shuffle(industry_households);
  if (static_cast<int64_t>(industry_households.size()) < o.industry_households) {
    throw Error::FailedPrecondition("too few registered households for the industry projects");
  }
  industry_households.resize(static_cast<size_t>(o.industry_households));

  DemoProjectsSummary summary;
  const std::string actor = caller.user_name;
  const int64_t now = DefaultClock().NowSeconds();
  store::Transaction tx(db);
  auto project = db.Prepare(
      "INSERT INTO projects (name, kind, level, area_code, start_year, end_year, implementer, status,"
      " outside_beneficiaries, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  auto budget = db.Prepare("INSERT INTO project_budgets (project_id, source, amount_fen) VALUES (?, ?, ?)");
  auto link = db.Prepare("INSERT INTO project_households (project_id, household_id, persons) VALUES (?, ?, ?)");
  auto output = db.Prepare(
      "INSERT INTO project_outputs (project_id, item, unit, planned_milli, actual_milli) VALUES (?, ?, ?, ?, ?)");
  auto step = db.Prepare(
      "INSERT INTO project_steps (project_id, step, date, actor, document_no, note, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, '', ?)");
  auto notice = db.Prepare(
      "INSERT INTO project_notices (project_id, kind, start_date, end_date, place, objections, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, '村务公开栏', '', ?, ?)");
  auto allocation = db.Prepare(
      "INSERT INTO fund_allocations (document_no, date, year, source, area_code, amount_fen, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  auto assignment = db.Prepare(
      "INSERT INTO fund_assignments (allocation_id, project_id, date, amount_fen, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?)");
  auto disbursement = db.Prepare(
      "INSERT INTO fund_disbursements (project_id, allocation_id, date, amount_fen, payee, purpose, recorded_by,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  auto asset = db.Prepare(
      "INSERT INTO assets (project_id, name, kind, owner, custodian, area_code, household_id, value_fen, formed_on,"
      " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?) RETURNING id");
  auto station = db.Prepare("INSERT INTO pv_stations (asset_id, station_kind, capacity_w) VALUES (?, ?, ?)");
  auto beneficiary = db.Prepare("INSERT INTO asset_beneficiaries (asset_id, household_id, persons) VALUES (?, ?, ?)");
  auto income = db.Prepare(
      "INSERT INTO asset_incomes (asset_id, year, amount_fen, generation_kwh, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?)");
  auto distribution = db.Prepare(
      "INSERT INTO income_distributions (asset_id, year, kind, household_id, post, date, amount_fen, recorded_by,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");

  // One allocation per source and year, made up of what its projects get
  // plus a reserve not yet assigned.
  struct Planned {
    int64_t project_id;
    std::string source;
    int year;
    Fen amount;
    Fen spent;
    std::string paid_on;
  };
  std::vector<Planned> planned;

  // A project with its seven steps (or fewer if still under way on as_of).
  auto add_project = [&](const std::string& name, const std::string& kind, const std::string& level,
                         const std::string& area, int year, const std::string& implementer,
                         int64_t outside, Fen amount, const std::string& source, bool finished) {
    const char* steps[] = {"proposed", "reviewed", "listed", "approved", "under_way", "accepted", "completed"};
    const std::string dates[] = {Day(year - 1, 10, 15), Day(year - 1, 11, 10), Day(year - 1, 12, 1),
                                 Day(year, 3, 1),       Day(year, 4, 1),       Day(year, finished ? 8 : 12, 20),
                                 Day(year, finished ? 9 : 12, 1)};
    const int last = finished ? 6 : 4;
    project->BindText(1, name);
    project->BindText(2, kind);
    project->BindText(3, level);
    project->BindText(4, area);
    project->BindInt(5, year);
    project->BindInt(6, year);
    project->BindText(7, implementer);
    project->BindText(8, steps[last]);
    project->BindInt(9, outside);
    project->BindInt(10, now);
    project->BindInt(11, now);
    project->Step();
    const int64_t id = project->Int(0);
    project->Reset();
    for (int i = 0; i <= last; ++i) {
      step->BindInt(1, id);
      step->BindText(2, steps[i]);
      step->BindText(3, dates[i]);
      step->BindText(4, actor);
      step->BindText(5, i == 3 ? fmt::format("衡扶发〔{}〕{}号", year, 10 + id % 80) : std::string());
      step->BindInt(6, now);
      step->Run();
      step->Reset();
    }
    notice->BindInt(1, id);
    notice->BindText(2, "plan");
    notice->BindText(3, Day(year - 1, 11, 11));
    notice->BindText(4, Day(year - 1, 11, 20));
    notice->BindText(5, actor);
    notice->BindInt(6, now);
    notice->Run();
    notice->Reset();
    if (finished) {
      notice->BindInt(1, id);
      notice->BindText(2, "result");
      notice->BindText(3, Day(year, 9, 2));
      notice->BindText(4, Day(year, 9, 11));
      notice->BindText(5, actor);
      notice->BindInt(6, now);
      notice->Run();
      notice->Reset();
    }
    budget->BindInt(1, id);
    budget->BindText(2, source);
    budget->BindInt(3, amount);
    budget->Run();
    budget->Reset();
    // Finished projects spent all but (one in ten) a small remainder; the
    // ones under way about 60 % so far.
    Fen spent = amount;
    if (!finished) spent = amount / 100 * 60;
    else if (id % 10 == 3) spent = amount - amount / 100 * 2;
    planned.push_back({id, source, year, amount, spent, Day(year, finished ? 8 : 6, 25)});
    ++summary.projects;
    return id;
  };

  const std::string as_of_text = as_of->ToString();
  const int last_year = as_of->year;
  auto finished_by = [&](int year) { return Day(year, 9, 1) <= as_of_text; };
  const char* sources[] = {"central", "provincial", "integrated", "county", "east_west", "paired_units"};

  // Industry projects: 7 provincial, 16 county, benefiting the picked households.
  const int industry = o.industry_provincial + o.industry_county;
  std::vector<int64_t> industry_ids;
  const char* trades[] = {"油茶", "黄贡椒", "湘黄鸡", "土菜", "中药材", "稻虾共养", "蔬菜", "生猪", "茶叶", "果蔬"};
  for (int i = 0; i < industry; ++i) {
    const bool provincial = i < o.industry_provincial;
    const int year = static_cast<int>(rng.Between(2016, last_year));
    const std::string& town = townships[static_cast<size_t>(rng.Next() % townships.size())];
    const Fen amount = rng.Between(80, 600) * 1000000;  // 80万-600万元
    industry_ids.push_back(add_project(fmt::format("{}{}产业扶贫项目{}", provincial ? "省级重点" : "县级重点",
                                                   trades[i % 10], i + 1),
                                       "industry", provincial ? "provincial" : "county", provincial ? county : town,
                                       year, "县农业农村局", 0, amount, sources[i % 4], finished_by(year)));
  }
  for (size_t i = 0; i < industry_households.size(); ++i) {
    const auto& h = industry_households[i];
    link->BindInt(1, industry_ids[i % industry_ids.size()]);
    link->BindInt(2, h.id);
    link->BindInt(3, h.persons);
    link->Run();
    link->Reset();
  }

  // Water works: 40, with their investment, pipes and beneficiaries.
  const auto water_fen = Split(rng, o.water_investment_yuan * 100, o.water_projects, 100000);
  const auto pipe = Split(rng, o.water_pipe_m, o.water_projects, 100);
  const auto people = Split(rng, o.water_beneficiaries, o.water_projects, 10);
  for (int i = 0; i < o.water_projects; ++i) {
    const int year = 2015 + i % (last_year - 2015 + 1);
    const std::string& town = townships[static_cast<size_t>(i) % townships.size()];
    const int64_t id =
        add_project(fmt::format("集中供水工程{}号", i + 1), "water", "county", town, year, "县水利局",
                    people[static_cast<size_t>(i)], water_fen[static_cast<size_t>(i)], sources[(i + 2) % 6],
                    finished_by(year));
    output->BindInt(1, id);
    output->BindText(2, "主管网");
    output->BindText(3, "km");
    output->BindInt(4, pipe[static_cast<size_t>(i)]);
    if (finished_by(year)) output->BindInt(5, pipe[static_cast<size_t>(i)]);
    else output->BindNull(5);
    output->Run();
    output->Reset();
  }

  // Photovoltaic stations: each a completed project forming a productive
  // asset; the picked households share them.
  struct StationPlan {
    const char* kind;
    const char* label;
    int64_t kw;
  };
  std::vector<StationPlan> stations;
  stations.reserve(static_cast<size_t>(o.pv_joint) + static_cast<size_t>(o.pv_central) +
                   static_cast<size_t>(o.pv_village));
  for (int i = 0; i < o.pv_joint; ++i) stations.push_back({"joint", "联村并建光伏电站", 1000});
  for (int i = 0; i < o.pv_central; ++i) stations.push_back({"central", "集中式光伏电站", 5000});
  for (int i = 0; i < o.pv_village; ++i) stations.push_back({"village", "村级光伏电站", 60});
  std::vector<int64_t> station_assets;
  for (size_t i = 0; i < stations.size(); ++i) {
    const int year = 2017 + static_cast<int>(i % 2);
    const std::string& town = townships[(i * 3) % townships.size()];
    const Fen value = stations[i].kw * 700000;  // about 7,000 yuan per kW
    const int64_t pid = add_project(fmt::format("{}{}号", stations[i].label, i + 1), "photovoltaic", "county",
                                    stations[i].kind == std::string("central") ? county : town, year, "县发展和改革局",
                                    0, value, "integrated", true);
    asset->BindInt(1, pid);
    asset->BindText(2, fmt::format("{}{}号", stations[i].label, i + 1));
    asset->BindText(3, "productive");
    asset->BindText(4, stations[i].kind == std::string("central") ? "县扶贫开发投资公司" : "受益村村集体");
    asset->BindText(5, "县光伏扶贫电站运维中心");
    asset->BindText(6, stations[i].kind == std::string("central") ? county : town);
    asset->BindInt(7, value);
    asset->BindText(8, Day(year, 9, 1));
    asset->BindText(9, actor);
    asset->BindInt(10, now);
    asset->Step();
    const int64_t aid = asset->Int(0);
    asset->Reset();
    station->BindInt(1, aid);
    station->BindText(2, stations[i].kind);
    station->BindInt(3, stations[i].kw * 1000);
    station->Run();
    station->Reset();
    station_assets.push_back(aid);
    ++summary.assets;
    ++summary.stations;
  }
  // Every picked household benefits from one station; dividends 2019 (paid 12-20).
  std::vector<std::vector<const HouseholdRow*>> shares(station_assets.size());
  for (size_t i = 0; i < pv_households.size(); ++i) shares[i % shares.size()].push_back(&pv_households[i]);
  for (size_t s = 0; s < station_assets.size(); ++s) {
    const int64_t aid = station_assets[s];
    for (const auto* h : shares[s]) {
      beneficiary->BindInt(1, aid);
      beneficiary->BindInt(2, h->id);
      beneficiary->BindInt(3, h->persons);
      beneficiary->Run();
      beneficiary->Reset();
    }
    for (int year = 2018; year <= std::min(2019, last_year); ++year) {
      const int64_t kwh = stations[s].kw * 1100;  // 1,100 full-load hours
      const Fen money = kwh * 80;                 // 0.80 yuan per kWh
      income->BindInt(1, aid);
      income->BindInt(2, year);
      income->BindInt(3, money);
      income->BindInt(4, kwh);
      income->BindText(5, actor);
      income->BindInt(6, now);
      income->Run();
      income->Reset();
      if (year != 2019 || shares[s].empty()) continue;
      // 60 % to the households as dividends, 30 % to public-welfare posts.
      const Fen each = money * 60 / 100 / static_cast<Fen>(shares[s].size());
      for (const auto* h : shares[s]) {
        if (each <= 0) break;
        distribution->BindInt(1, aid);
        distribution->BindInt(2, year);
        distribution->BindText(3, "dividend");
        distribution->BindInt(4, h->id);
        distribution->BindText(5, "");
        distribution->BindText(6, Day(year, 12, 20));
        distribution->BindInt(7, each);
        distribution->BindText(8, actor);
        distribution->BindInt(9, now);
        distribution->Run();
        distribution->Reset();
        ++summary.distributions;
      }
      distribution->BindInt(1, aid);
      distribution->BindInt(2, year);
      distribution->BindText(3, "public_post");
      distribution->BindNull(4);
      distribution->BindText(5, "村级公益岗位（保洁、护林、水管）");
      distribution->BindText(6, Day(year, 12, 20));
      distribution->BindInt(7, money * 30 / 100);
      distribution->BindText(8, actor);
      distribution->BindInt(9, now);
      distribution->Run();
      distribution->Reset();
      ++summary.distributions;
    }
  }

  // Other works (roads for the housing figures): each output total split
  // over its projects, years 2016 to as_of's, townships in turn.
  int work_number = 0;
  for (const DemoWorks& w : o.works) {
    const auto parts = Split(rng, w.total_milli, w.projects, w.quantum);
    for (int i = 0; i < w.projects; ++i) {
      const int year = 2016 + (work_number + i) % (last_year - 2016 + 1);
      const std::string& town = townships[static_cast<size_t>(work_number + i * 5) % townships.size()];
      const Fen amount = parts[static_cast<size_t>(i)] / 1000 * 40000000 / std::max<int64_t>(1, w.quantum / 1000) + 10000000;
      const int64_t id = add_project(fmt::format("{}{}号", w.name, i + 1), w.kind, "county", town, year, w.implementer,
                                     0, amount, sources[(work_number + i) % 6], finished_by(year));
      output->BindInt(1, id);
      output->BindText(2, w.item);
      output->BindText(3, w.unit);
      output->BindInt(4, parts[static_cast<size_t>(i)]);
      if (finished_by(year)) output->BindInt(5, parts[static_cast<size_t>(i)]);
      else output->BindNull(5);
      output->Run();
      output->Reset();
    }
    work_number += w.projects;
  }

  // Allocations per (source, year): what its projects got plus a 5 % reserve;
  // then the assignments and disbursements.
  std::map<std::pair<std::string, int>, Fen> totals;
  for (const auto& p : planned) totals[{p.source, p.year}] += p.amount;
  std::map<std::pair<std::string, int>, int64_t> allocation_ids;
  int n = 0;
  for (const auto& [key, total] : totals) {
    allocation->BindText(1, fmt::format("衡财农〔{}〕{}号", key.second, ++n));
    allocation->BindText(2, Day(key.second, 2, 15));
    allocation->BindInt(3, key.second);
    allocation->BindText(4, key.first);
    allocation->BindText(5, county);
    allocation->BindInt(6, total + total / 100 * 5);
    allocation->BindText(7, actor);
    allocation->BindInt(8, now);
    allocation->Step();
    allocation_ids[key] = allocation->Int(0);
    allocation->Reset();
    ++summary.allocations;
  }
  for (const auto& p : planned) {
    const int64_t aid = allocation_ids[{p.source, p.year}];
    assignment->BindInt(1, aid);
    assignment->BindInt(2, p.project_id);
    assignment->BindText(3, Day(p.year, 3, 5));
    assignment->BindInt(4, p.amount);
    assignment->BindText(5, actor);
    assignment->BindInt(6, now);
    assignment->Run();
    assignment->Reset();
    disbursement->BindInt(1, p.project_id);
    disbursement->BindInt(2, aid);
    disbursement->BindText(3, p.paid_on);
    disbursement->BindInt(4, p.spent);
    disbursement->BindText(5, "项目实施单位");
    disbursement->BindText(6, "工程款");
    disbursement->BindText(7, actor);
    disbursement->BindInt(8, now);
    disbursement->Run();
    disbursement->Reset();
    ++summary.disbursements;
  }
  access::RecordChange(db, DefaultClock(), caller, "projects.demo", "projects/demo", county, nullptr,
                       {{"seed", seed},
                        {"projects", summary.projects},
                        {"allocations", summary.allocations},
                        {"stations", summary.stations},
                        {"distributions", summary.distributions}});
  tx.Commit();
  return summary;
}

}  // namespace fupin::projects
