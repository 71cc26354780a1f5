// The overview's reads against the village counts the registry keeps current
// (issue 25, registry/rollup.h), and what keeping them costs a write. On an
// existing registry (a demo or the national generator's):
//
//   rollup_bench DB [RUNS] [--after-only]
//
// --after-only skips the "before" columns (printed as nan): at 12 million
// persons the nation's list totals alone take minutes.
//
// For a village, its township, county and province and the nation (the areas
// of a village picked from the registry) it times, median of RUNS (default 9):
//   - "before": what the overview read before the counts: the households list
//     totals the page asked for (4 headline counts, poor and exited for each year
//     2014-2020, poor and all for each child area) and the incidence 2014-2020
//     computed from events and memberships (one date: as_of 2020-12-31, the
//     computation the year form ran per year end in one read);
//   - "after": GET /reports/overview's read (registry::ReadOverview) and the
//     incidence 2014-2020 from the counts (assessment::ComputeIncidence);
//   - the cost a single write adds: refreshing one village's counts (in a
//     transaction rolled back), median over RUNS villages;
//   - a rebuild of every village's counts (once, rolled back);
//   - the rural population 2014-2020 of the same areas summed over the tree
//     as the incidence did before it was kept (session 9) and read from the
//     kept rows (registry/population.h), with a check that both agree; what
//     refreshing one village's figure costs, and a rebuild of all.
// Prints a Markdown table. Nothing is changed in DB (every write rolls back).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "assessment/incidence.h"
#include "core/area_code.h"
#include "core/caller.h"
#include "registry/households.h"
#include "registry/overview.h"
#include "registry/population.h"
#include "registry/rollup.h"
#include "schema/all_migrations.h"
#include "store/database.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

double Median(std::vector<double> v) {
  if (v.empty()) return std::nan("");  // not run (--after-only)
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double TimeIt(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto a = Clock::now();
    f();
    t.push_back(Ms(a, Clock::now()));
  }
  return Median(t);
}

// The households-list totals the overview page asked for before the counts.
void OldOverview(fupin::store::Connection& db, const fupin::Caller& caller, const std::string& area) {
  fupin::FixedClock clock(fupin::Date{2026, 12, 1}, 1796000000);
  fupin::registry::HouseholdRegistry reg(db, clock);
  auto total = [&](const std::string& a, std::optional<std::string> status, std::optional<int> year) {
    fupin::registry::HouseholdRegistry::ListFilter f;
    f.area_code = a;
    f.status = std::move(status);
    f.year = year;
    f.limit = 1;
    return reg.ListHouseholds(caller, f).total;
  };
  total(area, std::nullopt, std::nullopt);
  for (const char* s : {"poor", "exited", "removed"}) total(area, s, std::nullopt);
  for (int y = 2014; y <= 2020; ++y) {
    total(area, "poor", y);
    total(area, "exited", y);
  }
  auto children = db.Prepare(area.empty() ? "SELECT code FROM areas WHERE parent_code IS NULL"
                                          : "SELECT code FROM areas WHERE parent_code = ?");
  if (!area.empty()) children->BindText(1, area);
  std::vector<std::string> codes;
  while (children->Step()) codes.push_back(children->Text(0));
  if (codes.size() > 60) codes.resize(60);  // the page ranks 60 at most
  for (const auto& c : codes) {
    total(c, "poor", std::nullopt);
    total(c, std::nullopt, std::nullopt);
  }
}

// The rural population as the incidence summed it before it was kept
// (session 9: every figure of the subtree read, own figure else the children's
// sum, up the tree).
std::vector<int64_t> TreeRuralPopulation(fupin::store::Connection& db, const std::string& area, int from, int to) {
  const size_t n = static_cast<size_t>(to - from) + 1;
  std::vector<int64_t> out(n, 0);
  std::map<std::string, std::vector<int64_t>> own;
  auto s = db.Prepare(
      "SELECT area_code, year, rural_population FROM area_years WHERE area_code >= ? AND area_code < ?"
      " AND year BETWEEN ? AND ? AND rural_population IS NOT NULL");
  s->BindText(1, area);
  s->BindText(2, fupin::SubtreeEnd(area));
  s->BindInt(3, from);
  s->BindInt(4, to);
  while (s->Step()) {
    auto& row = own[s->Text(0)];
    if (row.empty()) row.assign(n, -1);
    row[static_cast<size_t>(s->Int(1) - from)] = s->Int(2);
  }
  std::map<std::string, std::set<std::string>> children;
  for (const auto& [code, _] : own) {
    for (std::string c = code; c != area && !c.empty(); c = fupin::ParentAreaCode(c)) {
      children[fupin::ParentAreaCode(c)].insert(c);
    }
  }
  auto value = [&](auto&& self, const std::string& code, size_t year) -> int64_t {
    if (auto it = own.find(code); it != own.end() && it->second[year] >= 0) return it->second[year];
    int64_t sum = 0;
    if (auto it = children.find(code); it != children.end()) {
      for (const auto& c : it->second) sum += self(self, c, year);
    }
    return sum;
  };
  for (size_t y = 0; y < n; ++y) out[y] = value(value, area, y);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: rollup_bench DB [RUNS]\n";
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
  const bool after_only = argc > 3 && std::string(argv[3]) == "--after-only";
  auto database = fupin::store::OpenDatabase(argv[1], fupin::AllMigrations());
  auto conn = database->Connect();
  fupin::store::Connection& db = *conn;
  {
    const auto a = Clock::now();
    if (fupin::registry::BuildPendingVillageCounts(db)) {
      std::cout << "built the counts of an older database in " << Ms(a, Clock::now()) / 1000 << " s\n";
    }
  }
  const fupin::Caller admin = fupin::Caller::LocalOperator();
  std::vector<std::string> villages;
  auto s = db.Prepare("SELECT DISTINCT village_code FROM households ORDER BY village_code");
  while (s->Step()) villages.push_back(s->Text(0));
  if (villages.empty()) {
    std::cerr << "rollup_bench: no households in " << argv[1] << "\n";
    return 1;
  }
  const std::string v = villages[villages.size() / 2];
  std::printf("| area | before: overview (list totals) ms | after: overview ms | before: incidence (computed, one date) ms | after: incidence 2014-2020 ms |\n|---|---|---|---|---|\n");
  for (const std::string& area : {v, v.substr(0, 9), v.substr(0, 6), v.substr(0, 2), std::string()}) {
    const int slow_runs = area.size() <= 2 ? 1 : std::min(runs, 3);
    const int before_runs = after_only ? 0 : slow_runs;
    const double old_overview = TimeIt(before_runs, [&] { OldOverview(db, admin, area); });
    const double overview = TimeIt(runs, [&] { fupin::registry::ReadOverview(db, admin, area, 2014, 2020); });
    const double old_incidence =
        TimeIt(before_runs, [&] { fupin::assessment::ComputeIncidenceAt(db, admin, area, "2020-12-31"); });
    const double incidence = TimeIt(runs, [&] { fupin::assessment::ComputeIncidence(db, admin, area, 2014, 2020); });
    std::printf("| %s | %.1f | %.2f | %.1f | %.2f |\n", area.empty() ? "nation" : area.c_str(), old_overview, overview,
                old_incidence, incidence);
  }
  // The rural population alone (the part of the incidence that grew with the
  // number of areas): summed over the tree as in session 9, and read from the
  // kept rows (registry/population.h); the two must agree.
  std::printf("\n| area | rural population 2014-2020: tree walk ms | kept rows ms | equal |\n|---|---|---|---|\n");
  for (const std::string& area : {v, v.substr(0, 9), v.substr(0, 6), v.substr(0, 2), std::string()}) {
    const double tree = TimeIt(runs, [&] { TreeRuralPopulation(db, area, 2014, 2020); });
    const double kept = TimeIt(runs, [&] { fupin::registry::ReadRuralPopulation(db, area, 2014, 2020); });
    const bool equal =
        TreeRuralPopulation(db, area, 2014, 2020) == fupin::registry::ReadRuralPopulation(db, area, 2014, 2020);
    std::printf("| %s | %.2f | %.3f | %s |\n", area.empty() ? "nation" : area.c_str(), tree, kept, equal ? "yes" : "NO");
  }
  std::vector<double> refresh;
  for (int i = 0; i < runs; ++i) {
    const std::string village = villages[(villages.size() * static_cast<size_t>(i)) / static_cast<size_t>(runs)];
    fupin::store::Transaction tx(db);  // rolled back
    const auto a = Clock::now();
    fupin::registry::RefreshVillageCounts(db, {village});
    refresh.push_back(Ms(a, Clock::now()));
  }
  std::printf("\nrefresh of one village (what a single registry write adds), median of %d villages: %.2f ms\n", runs,
              Median(refresh));
  std::vector<double> population;
  for (int i = 0; i < runs; ++i) {
    const std::string village = villages[(villages.size() * static_cast<size_t>(i)) / static_cast<size_t>(runs)];
    fupin::store::Transaction tx(db);  // rolled back
    const auto a = Clock::now();
    fupin::registry::RefreshRuralPopulation(db, {village});
    population.push_back(Ms(a, Clock::now()));
  }
  std::printf("refresh of one village's rural population and the areas above (what SetAreaYear adds), median of %d"
              " villages: %.2f ms\n", runs, Median(population));
  {
    fupin::store::Transaction tx(db);  // rolled back
    const auto a = Clock::now();
    fupin::registry::RebuildRuralPopulation(db);
    std::printf("rebuild of every area's rural population: %.2f s\n", Ms(a, Clock::now()) / 1000);
  }
  {
    fupin::store::Transaction tx(db);  // rolled back
    const auto a = Clock::now();
    fupin::registry::RebuildVillageCounts(db);
    std::printf("rebuild of every village's counts (%zu villages with households): %.2f s\n", villages.size(),
                Ms(a, Clock::now()) / 1000);
  }
  return 0;
}
