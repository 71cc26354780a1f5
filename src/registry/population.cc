#include "registry/population.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

#include "core/area_code.h"

namespace fupin::registry {
namespace {

constexpr size_t kChunk = 500;
// Above this many touched areas a refresh rebuilds everything in one pass.
constexpr size_t kRebuildAbove = 5000;

// code -> year -> figure
using Figures = std::map<std::string, std::map<int, int64_t>, std::less<>>;

// "?, ?, ?" for n parameters.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// Runs `sql` + " (?, ...)" once per chunk of 500 codes, calling `row` for each
// row it returns.
template <typename Row>
void ForChunks(store::Connection& db, const std::string& sql, std::span<const std::string> codes, Row&& row) {
  for (size_t at = 0; at < codes.size(); at += kChunk) {
    const size_t n = std::min(kChunk, codes.size() - at);
    auto s = db.Prepare(sql + " (" + Placeholders(n) + ")");
    for (size_t i = 0; i < n; ++i) s->BindText(static_cast<int>(i + 1), codes[at + i]);
    while (s->Step()) row(*s);
  }
}

// `codes` and every area above them, the nation ('') included.
std::set<std::string> WithAncestors(const std::set<std::string>& codes) {
  std::set<std::string> out;
  for (const auto& code : codes) {
    for (std::string c = code;; c = ParentAreaCode(c)) {
      if (!out.insert(c).second || c.empty()) break;  // the rest of the chain is in already
    }
  }
  out.insert("");
  return out;
}

// The effective figures of `areas` (a set that holds the parent of each of its
// members), deepest first: the own figure of a year, else the sum of the
// children's. `child_sums` starts with what the children outside `areas`
// contribute (their kept rows). Zeros are left out.
Figures Compute(const std::set<std::string>& areas, const Figures& own, Figures child_sums) {
  std::vector<std::string> order(areas.begin(), areas.end());
  std::stable_sort(order.begin(), order.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  Figures out;
  for (const std::string& code : order) {
    std::map<int, int64_t> value = std::move(child_sums[code]);
    if (auto it = own.find(code); it != own.end()) {
      for (const auto& [year, figure] : it->second) value[year] = figure;
    }
    std::map<int, int64_t>* parent = code.empty() ? nullptr : &child_sums[ParentAreaCode(code)];
    for (const auto& [year, figure] : value) {
      if (figure == 0) continue;
      out[code][year] = figure;
      if (parent) (*parent)[year] += figure;
    }
  }
  return out;
}

void Store(store::Connection& db, const Figures& figures) {
  static const std::vector<std::string> kCols = {"area_code", "year", "parent_code", "population"};
  auto w = db.BulkInsert("area_rural_population", kCols);
  for (const auto& [code, years] : figures) {
    const store::Value parent = code.empty() ? store::Value(nullptr) : store::Value(ParentAreaCode(code));
    for (const auto& [year, figure] : years) w->Append({code, int64_t{year}, parent, figure});
  }
  w->Finish();
}

void AddFigure(Figures& figures, store::Statement& s) {
  figures[s.Text(0)][static_cast<int>(s.Int(1))] = s.Int(2);
}

}  // namespace

std::vector<int64_t> ReadRuralPopulation(store::Connection& db, const std::string& area, int from, int to) {
  std::vector<int64_t> out(static_cast<size_t>(std::max(0, to - from + 1)), 0);
  auto s = db.Prepare(
      "SELECT year, population FROM area_rural_population WHERE area_code = ? AND year BETWEEN ? AND ?");
  s->BindText(1, area);
  s->BindInt(2, from);
  s->BindInt(3, to);
  while (s->Step()) out[static_cast<size_t>(s->Int(0) - from)] = s->Int(1);
  return out;
}

void RefreshRuralPopulation(store::Connection& db, const std::set<std::string>& areas) {
  if (areas.empty()) return;
  if (areas.size() > kRebuildAbove) {
    RebuildRuralPopulation(db);
    return;
  }
  const std::set<std::string> touched = WithAncestors(areas);
  const std::vector<std::string> list(touched.begin(), touched.end());
  Figures own;
  ForChunks(db,
            "SELECT area_code, year, rural_population FROM area_years WHERE rural_population IS NOT NULL AND"
            " area_code IN",
            list, [&own](store::Statement& s) { AddFigure(own, s); });
  // What the children that are not recomputed contribute: their kept rows.
  Figures child_sums;
  ForChunks(db, "SELECT area_code, parent_code, year, population FROM area_rural_population WHERE parent_code IN",
            list, [&](store::Statement& s) {
              if (!touched.contains(s.Text(0))) child_sums[s.Text(1)][static_cast<int>(s.Int(2))] += s.Int(3);
            });
  const Figures figures = Compute(touched, own, std::move(child_sums));
  ForChunks(db, "DELETE FROM area_rural_population WHERE area_code IN", list, [](store::Statement&) {});
  Store(db, figures);
}

void RebuildRuralPopulation(store::Connection& db) {
  db.Execute("DELETE FROM area_rural_population");
  Figures own;
  auto s = db.Prepare("SELECT area_code, year, rural_population FROM area_years WHERE rural_population IS NOT NULL");
  while (s->Step()) AddFigure(own, *s);
  s.reset();
  std::set<std::string> codes;
  for (const auto& [code, _] : own) codes.insert(code);
  Store(db, Compute(WithAncestors(codes), own, {}));
}

void WriteAreaYears(store::Connection& db, std::span<const AreaYearRow> rows) {
  if (rows.empty()) return;
  db.Execute(
      "CREATE TEMP TABLE IF NOT EXISTS area_year_import (area_code TEXT NOT NULL, year INTEGER NOT NULL,"
      " rural_population INTEGER, poor_village INTEGER NOT NULL, exit_year INTEGER)");
  db.Execute("DELETE FROM area_year_import");
  std::set<std::string> codes;
  {
    static const std::vector<std::string> kCols = {"area_code", "year", "rural_population", "poor_village",
                                                   "exit_year"};
    auto w = db.BulkInsert("area_year_import", kCols);
    for (const AreaYearRow& r : rows) {
      w->Append({r.area_code, int64_t{r.year},
                 r.rural_population ? store::Value(*r.rural_population) : store::Value(nullptr),
                 int64_t{r.poor_village ? 1 : 0}, r.exit_year ? store::Value(int64_t{*r.exit_year}) : store::Value(nullptr)});
      codes.insert(r.area_code);
    }
    w->Finish();
  }
  // "WHERE 1 = 1" keeps SQLite from reading ON CONFLICT as a join's ON.
  db.Execute(
      "INSERT INTO area_years (area_code, year, rural_population, poor_village, exit_year)"
      " SELECT area_code, year, rural_population, poor_village, exit_year FROM area_year_import WHERE 1 = 1"
      " ON CONFLICT (area_code, year) DO UPDATE SET rural_population = excluded.rural_population,"
      " poor_village = excluded.poor_village, exit_year = excluded.exit_year");
  db.Execute("DROP TABLE area_year_import");
  RefreshRuralPopulation(db, codes);
}

}  // namespace fupin::registry
