#include "assessment/surveys.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "access/audit.h"
#include "access/permissions.h"
#include "assessment/internal.h"
#include "core/area_code.h"
#include "core/error.h"
#include "io/table.h"

namespace fupin::assessment {
namespace {

constexpr size_t kMaxProblems = 100;  // an import lists at most this many problems
constexpr size_t kChunk = 500;        // bound parameters per IN (...) list

// The fields of a survey record as they appear in files and error paths.
enum class Field {
  kKind, kYear, kVillage, kDate, kHouseholdId, kHouseholdNumber, kSubject, kIncome,
  kFoodClothing, kEducation, kMedical, kHousing, kWater, kPoor, kSatisfied, kSource,
};

struct FieldName {
  Field field;
  const char* name;
  const char* name_zh;
};
constexpr FieldName kFields[] = {
    {Field::kKind, "kind", "类型"},
    {Field::kYear, "year", "年度"},
    {Field::kVillage, "village_code", "村代码"},
    {Field::kDate, "date", "调查日期"},
    {Field::kHouseholdId, "household_id", "户ID"},
    {Field::kHouseholdNumber, "household_number", "户编号"},
    {Field::kSubject, "subject", "调查对象"},
    {Field::kIncome, "per_capita_income", "人均纯收入"},
    {Field::kFoodClothing, "food_clothing", "不愁吃穿"},
    {Field::kEducation, "education", "义务教育"},
    {Field::kMedical, "medical", "基本医疗"},
    {Field::kHousing, "housing", "住房安全"},
    {Field::kWater, "water", "饮水安全"},
    {Field::kPoor, "poor", "是否贫困"},
    {Field::kSatisfied, "satisfied", "是否满意"},
    {Field::kSource, "source", "调查单位"},
};

const char* NameOf(Field f) {
  for (const auto& n : kFields) {
    if (n.field == f) return n.name;
  }
  return "?";
}

std::optional<bool> ParseFlag(std::string_view text) {
  if (text == "1" || text == "是" || text == "true" || text == "TRUE" || text == "yes") return true;
  if (text == "0" || text == "否" || text == "false" || text == "FALSE" || text == "no") return false;
  return std::nullopt;
}

// Where a problem with a field is: the field name for an entered record, the
// file, row and column header for an imported one.
using PathOf = std::function<std::string(Field)>;

// The checks that need no database. Appends to `problems`.
void CheckRecord(const SurveyRecord& r, const Date& today, const PathOf& path, std::vector<ErrorDetail>& problems) {
  const bool resurvey = r.kind == "resurvey", sample = r.kind == "sample", satisfaction = r.kind == "satisfaction";
  if (!resurvey && !sample && !satisfaction) {
    problems.push_back({path(Field::kKind), "'" + r.kind + "' is not one of resurvey, sample, satisfaction"});
    return;
  }
  if (r.year < 2000 || r.year > 2100) {
    problems.push_back({path(Field::kYear), std::to_string(r.year) + " is not a year between 2000 and 2100"});
  }
  if (LevelOfCode(r.village_code) != AreaLevel::kVillage) {
    problems.push_back({path(Field::kVillage), "'" + r.village_code + "' is not a village code (12 digits)"});
  }
  auto date = Date::Parse(r.date);
  if (!date) {
    problems.push_back({path(Field::kDate), "'" + r.date + "' is not a date YYYY-MM-DD"});
  } else if (*date > today) {
    problems.push_back({path(Field::kDate), r.date + " is in the future"});
  }
  auto forbid = [&](bool present, Field f) {
    if (present) problems.push_back({path(f), "not used by a " + r.kind + " record"});
  };
  auto require = [&](bool present, Field f) {
    if (!present) problems.push_back({path(f), "required for a " + r.kind + " record"});
  };
  if (resurvey) {
    require(r.household_id.has_value(), Field::kHouseholdId);
    require(r.per_capita_income.has_value(), Field::kIncome);
    require(r.food_clothing.has_value(), Field::kFoodClothing);
    require(r.education.has_value(), Field::kEducation);
    require(r.medical.has_value(), Field::kMedical);
    require(r.housing.has_value(), Field::kHousing);
    require(r.water.has_value(), Field::kWater);
    forbid(r.poor.has_value(), Field::kPoor);
    forbid(r.satisfied.has_value(), Field::kSatisfied);
  } else {
    require(!r.subject.empty() || r.household_id.has_value(), Field::kSubject);
    forbid(r.per_capita_income.has_value(), Field::kIncome);
    for (auto [v, f] : {std::pair{r.food_clothing, Field::kFoodClothing}, {r.education, Field::kEducation},
                        {r.medical, Field::kMedical}, {r.housing, Field::kHousing}, {r.water, Field::kWater}}) {
      forbid(v.has_value(), f);
    }
    require((sample ? r.poor : r.satisfied).has_value(), sample ? Field::kPoor : Field::kSatisfied);
    forbid((sample ? r.satisfied : r.poor).has_value(), sample ? Field::kSatisfied : Field::kPoor);
  }
  if (r.per_capita_income && *r.per_capita_income < 0) {
    problems.push_back({path(Field::kIncome), "may not be negative"});
  }
}

// Runs `fn(statement)` over `values` in chunks of IN (?, ?, ...) lists.
template <typename T, typename Fn>
void InChunks(store::Connection& db, const std::string& sql_before, const std::string& sql_after,
              const std::vector<T>& values, Fn&& fn) {
  for (size_t start = 0; start < values.size(); start += kChunk) {
    const size_t n = std::min(kChunk, values.size() - start);
    std::string sql = sql_before + "(";
    for (size_t i = 0; i < n; ++i) sql += i ? ",?" : "?";
    sql += ")" + sql_after;
    auto s = db.Prepare(sql);
    for (size_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, std::string>) {
        s->BindText(static_cast<int>(i + 1), values[start + i]);
      } else {
        s->BindInt(static_cast<int>(i + 1), values[start + i]);
      }
    }
    while (s->Step()) fn(*s);
  }
}

struct HouseholdInfo {
  int64_t id = 0;
  std::string village_code;
  bool exited = false;  // has an 'exited' event
};

// Villages that exist (level 5) and the households named by id or number, in bulk.
struct Lookups {
  std::unordered_set<std::string> villages;
  std::unordered_map<int64_t, HouseholdInfo> by_id;
  std::unordered_map<std::string, int64_t> id_by_number;
};

Lookups Lookup(store::Connection& db, const std::set<std::string>& villages, const std::set<int64_t>& ids,
               const std::set<std::string>& numbers) {
  Lookups out;
  InChunks(db, "SELECT code FROM areas WHERE level = 5 AND code IN ", "",
           std::vector<std::string>(villages.begin(), villages.end()),
           [&](store::Statement& s) { out.villages.insert(s.Text(0)); });
  std::vector<int64_t> all_ids(ids.begin(), ids.end());
  InChunks(db, "SELECT id, number FROM households WHERE number IN ", "",
           std::vector<std::string>(numbers.begin(), numbers.end()), [&](store::Statement& s) {
             out.id_by_number[s.Text(1)] = s.Int(0);
             all_ids.push_back(s.Int(0));
           });
  InChunks(db,
           "SELECT h.id, h.village_code, EXISTS (SELECT 1 FROM household_events e WHERE e.household_id = h.id"
           " AND e.kind = 'exited') FROM households h WHERE h.id IN ",
           "", all_ids, [&](store::Statement& s) {
             out.by_id[s.Int(0)] = HouseholdInfo{s.Int(0), s.Text(1), s.Int(2) != 0};
           });
  return out;
}

// The checks against the registry: the village exists, the household exists,
// lies in that village, and (resurvey) has exited.
void CheckAgainstRegistry(const SurveyRecord& r, const Lookups& l, const PathOf& path, Field household_field,
                          std::vector<ErrorDetail>& problems) {
  if (LevelOfCode(r.village_code) == AreaLevel::kVillage && !l.villages.contains(r.village_code)) {
    problems.push_back({path(Field::kVillage), "no village " + r.village_code + " in the area list"});
  }
  if (!r.household_id) return;
  auto it = l.by_id.find(*r.household_id);
  if (it == l.by_id.end()) return;  // reported where the id or number was read
  if (it->second.village_code != r.village_code) {
    problems.push_back({path(household_field), "household " + std::to_string(*r.household_id) + " belongs to village " +
                                                   it->second.village_code + ", not " + r.village_code});
  }
  if (r.kind == "resurvey" && !it->second.exited) {
    problems.push_back({path(household_field),
                        "household " + std::to_string(*r.household_id) + " has not exited: only exited households are re-surveyed"});
  }
}

nlohmann::json Flag(const std::optional<bool>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

std::optional<bool> ReadFlag(store::Statement& s, int c) {
  if (s.IsNull(c)) return std::nullopt;
  return s.Int(c) != 0;
}

void BindFlag(store::Statement& s, int i, const std::optional<bool>& v) {
  if (v) {
    s.BindInt(i, *v ? 1 : 0);
  } else {
    s.BindNull(i);
  }
}

}  // namespace

const std::vector<std::string>& FacilityNames() {
  static const std::vector<std::string> names = {"road", "water", "power", "clinic", "broadband", "culture_centre"};
  return names;
}

nlohmann::json SurveyJson(const SurveyRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"kind", r.kind},
                      {"year", r.year},
                      {"village_code", r.village_code},
                      {"date", r.date},
                      {"household_id", r.household_id ? nlohmann::json(*r.household_id) : nlohmann::json()},
                      {"subject", r.subject},
                      {"source", r.source},
                      {"recorded_by", r.recorded_by}};
  if (r.kind == "resurvey") {
    j["per_capita_income"] = r.per_capita_income ? nlohmann::json(*r.per_capita_income) : nlohmann::json();
    j["food_clothing"] = Flag(r.food_clothing);
    j["education"] = Flag(r.education);
    j["medical"] = Flag(r.medical);
    j["housing"] = Flag(r.housing);
    j["water"] = Flag(r.water);
  } else if (r.kind == "sample") {
    j["poor"] = Flag(r.poor);
  } else {
    j["satisfied"] = Flag(r.satisfied);
  }
  return j;
}

nlohmann::json FacilitiesJson(const VillageFacilities& f) {
  return {{"area_code", f.area_code},
          {"year", f.year},
          {"road", Flag(f.road)},
          {"water", Flag(f.water)},
          {"power", Flag(f.power)},
          {"clinic", Flag(f.clinic)},
          {"broadband", Flag(f.broadband)},
          {"culture_centre", Flag(f.culture_centre)},
          {"collective_income", f.collective_income ? nlohmann::json(*f.collective_income) : nlohmann::json()}};
}

SurveyRecord SurveyService::Add(const Caller& caller, SurveyRecord record) {
  std::vector<ErrorDetail> problems;
  const PathOf path = [](Field f) { return std::string(NameOf(f)); };
  if (auto code = NormalizeAreaCode(record.village_code)) record.village_code = *code;
  CheckRecord(record, clock_.Today(), path, problems);
  std::set<int64_t> ids;
  if (record.household_id) ids.insert(*record.household_id);
  const Lookups l = Lookup(db_, {record.village_code}, ids, {});
  if (record.household_id && !l.by_id.contains(*record.household_id)) {
    problems.push_back({"household_id", "no household with id " + std::to_string(*record.household_id)});
  }
  CheckAgainstRegistry(record, l, path, Field::kHouseholdId, problems);
  if (!problems.empty()) throw Error::InvalidArgument("invalid survey record", problems);
  std::vector<SurveyRecord> one{std::move(record)};
  Store(caller, one);
  return one[0];
}

SurveyImportResult SurveyService::Import(const Caller& caller, const std::string& path, const std::string& sheet) {
  io::TableOptions options;
  options.sheet = sheet;
  auto reader = io::OpenTable(path, options);
  const std::string file = std::filesystem::path(path).filename().string();
  io::Row row;
  if (!reader->Next(row)) throw Error::InvalidArgument("empty survey file", {{file, "no header row"}});
  // Header -> field.
  std::vector<std::optional<Field>> columns;
  std::map<Field, std::string> header_of;
  std::vector<ErrorDetail> problems;
  for (size_t c = 0; c < row.cells.size(); ++c) {
    std::string h = row.cells[c];
    while (!h.empty() && (h.back() == ' ' || h.back() == '\r')) h.pop_back();
    while (!h.empty() && h.front() == ' ') h.erase(0, 1);
    std::optional<Field> f;
    for (const auto& n : kFields) {
      if (h == n.name || h == n.name_zh) f = n.field;
    }
    if (h.empty()) {
      columns.push_back(std::nullopt);
      continue;
    }
    if (!f) {
      problems.push_back({file + ", row " + std::to_string(row.number) + ", column " + h,
                          "unknown column; expected kind, year, village_code, date, household_id or household_number,"
                          " subject, per_capita_income, food_clothing, education, medical, housing, water, poor,"
                          " satisfied, source (or their Chinese names)"});
    } else if (header_of.contains(*f)) {
      problems.push_back({file + ", row " + std::to_string(row.number) + ", column " + h, "column given twice"});
    } else {
      header_of[*f] = h;
    }
    columns.push_back(f);
  }
  for (Field f : {Field::kKind, Field::kYear, Field::kVillage, Field::kDate}) {
    if (!header_of.contains(f)) problems.push_back({file + ", row " + std::to_string(row.number), std::string("missing column ") + NameOf(f)});
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid survey file " + file, problems);
  auto header = [&](Field f) {
    auto it = header_of.find(f);
    return it != header_of.end() ? it->second : std::string(NameOf(f));
  };

  struct Parsed {
    SurveyRecord record;
    size_t row = 0;
    std::optional<std::string> household_number;
  };
  std::vector<Parsed> parsed;
  std::set<std::string> villages, numbers;
  std::set<int64_t> ids;
  const Date today = clock_.Today();
  auto add_problem = [&](size_t r, Field f, std::string problem) {
    if (problems.size() < kMaxProblems) {
      problems.push_back({file + ", row " + std::to_string(r) + ", column " + header(f), std::move(problem)});
    }
  };
  while (reader->Next(row)) {
    Parsed p;
    p.row = row.number;
    SurveyRecord& r = p.record;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (!columns[c]) continue;
      const Field f = *columns[c];
      const std::string text(row.cell(c));
      if (text.empty()) continue;
      auto integer = [&]() -> std::optional<int64_t> {
        char* end = nullptr;
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (end != text.c_str() + text.size()) {
          add_problem(row.number, f, "'" + text + "' is not a whole number");
          return std::nullopt;
        }
        return v;
      };
      auto flag = [&]() -> std::optional<bool> {
        auto v = ParseFlag(text);
        if (!v) add_problem(row.number, f, "'" + text + "' is not 1/0 (是/否)");
        return v;
      };
      switch (f) {
        case Field::kKind: r.kind = text; break;
        case Field::kYear: {
          if (auto v = integer()) r.year = static_cast<int>(*v);
          else r.year = -1;
          break;
        }
        case Field::kVillage: {
          auto code = NormalizeAreaCode(text);
          r.village_code = code ? *code : text;
          break;
        }
        case Field::kDate: r.date = text; break;
        case Field::kHouseholdId: {
          if (auto v = integer()) r.household_id = *v;
          break;
        }
        case Field::kHouseholdNumber: p.household_number = text; break;
        case Field::kSubject: r.subject = text; break;
        case Field::kIncome: {
          if (auto v = ParseYuan(text)) {
            r.per_capita_income = *v;
          } else {
            add_problem(row.number, f, "'" + text + "' is not an amount in yuan (at most two decimals)");
          }
          break;
        }
        case Field::kFoodClothing: r.food_clothing = flag(); break;
        case Field::kEducation: r.education = flag(); break;
        case Field::kMedical: r.medical = flag(); break;
        case Field::kHousing: r.housing = flag(); break;
        case Field::kWater: r.water = flag(); break;
        case Field::kPoor: r.poor = flag(); break;
        case Field::kSatisfied: r.satisfied = flag(); break;
        case Field::kSource: r.source = text; break;
      }
    }
    if (r.year == -1) r.year = 0;
    villages.insert(r.village_code);
    if (r.household_id) ids.insert(*r.household_id);
    if (p.household_number) numbers.insert(*p.household_number);
    parsed.push_back(std::move(p));
  }
  if (parsed.empty()) throw Error::InvalidArgument("empty survey file", {{file, "no record below the header row"}});

  const Lookups l = Lookup(db_, villages, ids, numbers);
  for (auto& p : parsed) {
    SurveyRecord& r = p.record;
    Field household_field = Field::kHouseholdId;
    if (p.household_number) {
      household_field = Field::kHouseholdNumber;
      auto it = l.id_by_number.find(*p.household_number);
      if (it == l.id_by_number.end()) {
        add_problem(p.row, Field::kHouseholdNumber, "no household numbered '" + *p.household_number + "'");
      } else if (r.household_id && *r.household_id != it->second) {
        add_problem(p.row, Field::kHouseholdNumber, "is household " + std::to_string(it->second) + ", not " +
                                                        std::to_string(*r.household_id) + " as household_id says");
      } else {
        r.household_id = it->second;
      }
    } else if (r.household_id && !l.by_id.contains(*r.household_id)) {
      add_problem(p.row, Field::kHouseholdId, "no household with id " + std::to_string(*r.household_id));
    }
    std::vector<ErrorDetail> found;
    const size_t row_number = p.row;
    const PathOf where = [&](Field f) {
      if (f == Field::kHouseholdId && p.household_number) f = Field::kHouseholdNumber;
      return file + ", row " + std::to_string(row_number) + ", column " + header(f);
    };
    CheckRecord(r, today, where, found);
    CheckAgainstRegistry(r, l, where, household_field, found);
    for (auto& d : found) {
      if (problems.size() < kMaxProblems) problems.push_back(std::move(d));
    }
  }
  if (!problems.empty()) {
    throw Error::InvalidArgument("survey file " + file + " has errors; nothing was imported", problems);
  }
  std::vector<SurveyRecord> records;
  records.reserve(parsed.size());
  for (auto& p : parsed) records.push_back(std::move(p.record));
  Store(caller, records);
  SurveyImportResult out;
  out.file = file;
  out.imported = static_cast<int64_t>(records.size());
  for (const auto& r : records) {
    if (r.kind == "resurvey") ++out.resurvey;
    else if (r.kind == "sample") ++out.sample;
    else ++out.satisfaction;
  }
  return out;
}

void SurveyService::Store(const Caller& caller, std::vector<SurveyRecord>& records) {
  access::Audit audit(db_, clock_);
  access::Guard guard(audit);
  std::map<std::string, int64_t> per_village;
  for (const auto& r : records) ++per_village[r.village_code];
  for (const auto& [village, _] : per_village) {
    guard.RequireWrite(caller, access::Resource::kAssessment, {village, std::nullopt, "survey/" + village});
  }
  store::Transaction tx(db_);
  auto ins = db_.Prepare(
      "INSERT INTO county_surveys (kind, year, village_code, date, household_id, subject, per_capita_income,"
      " food_clothing, education, medical, housing, water, poor, satisfied, source, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  const int64_t now = clock_.NowSeconds();
  for (auto& r : records) {
    ins->BindText(1, r.kind);
    ins->BindInt(2, r.year);
    ins->BindText(3, r.village_code);
    ins->BindText(4, r.date);
    if (r.household_id) ins->BindInt(5, *r.household_id); else ins->BindNull(5);
    ins->BindText(6, r.subject);
    if (r.per_capita_income) ins->BindInt(7, *r.per_capita_income); else ins->BindNull(7);
    BindFlag(*ins, 8, r.food_clothing);
    BindFlag(*ins, 9, r.education);
    BindFlag(*ins, 10, r.medical);
    BindFlag(*ins, 11, r.housing);
    BindFlag(*ins, 12, r.water);
    BindFlag(*ins, 13, r.poor);
    BindFlag(*ins, 14, r.satisfied);
    ins->BindText(15, r.source);
    ins->BindText(16, caller.user_name);
    ins->BindInt(17, now);
    ins->Step();
    r.id = ins->Int(0);
    r.recorded_by = caller.user_name;
    ins->Reset();
  }
  // One audit entry per village: a single record in full, an import as counts.
  for (const auto& [village, count] : per_village) {
    access::AuditEvent e;
    e.area_code = village;
    if (records.size() == 1) {
      e.action = "survey.add";
      e.entity = "survey/" + std::to_string(records[0].id);
      e.after = SurveyJson(records[0]).dump();
    } else {
      e.action = "survey.import";
      e.entity = "survey/" + village;
      e.after = nlohmann::json({{"records", count}}).dump();
    }
    audit.Record(caller, e);
  }
  tx.Commit();
}

std::vector<SurveyRecord> SurveyService::List(const Caller& caller, const std::string& area_code, int year,
                                              const std::string& kind) {
  const std::string area = internal::RequireArea(db_, area_code, "area");
  internal::RequireRead(db_, caller, area);
  auto s = db_.Prepare(
      "SELECT id, kind, year, village_code, date, household_id, subject, per_capita_income, food_clothing, education,"
      " medical, housing, water, poor, satisfied, source, recorded_by FROM county_surveys"
      " WHERE year = ? AND village_code >= ? AND village_code < ? AND (? = '' OR kind = ?) ORDER BY village_code, id");
  s->BindInt(1, year);
  s->BindText(2, area);
  s->BindText(3, internal::SubtreeEnd(area));
  s->BindText(4, kind);
  s->BindText(5, kind);
  std::vector<SurveyRecord> out;
  while (s->Step()) {
    SurveyRecord r;
    r.id = s->Int(0);
    r.kind = s->Text(1);
    r.year = static_cast<int>(s->Int(2));
    r.village_code = s->Text(3);
    r.date = s->Text(4);
    if (!s->IsNull(5)) r.household_id = s->Int(5);
    r.subject = s->Text(6);
    if (!s->IsNull(7)) r.per_capita_income = s->Int(7);
    r.food_clothing = ReadFlag(*s, 8);
    r.education = ReadFlag(*s, 9);
    r.medical = ReadFlag(*s, 10);
    r.housing = ReadFlag(*s, 11);
    r.water = ReadFlag(*s, 12);
    r.poor = ReadFlag(*s, 13);
    r.satisfied = ReadFlag(*s, 14);
    r.source = s->Text(15);
    r.recorded_by = s->Text(16);
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

std::string RequireVillage(store::Connection& db, const std::string& text, int year) {
  std::vector<ErrorDetail> problems;
  if (year < 2000 || year > 2100) problems.push_back({"year", std::to_string(year) + " is not between 2000 and 2100"});
  auto code = NormalizeAreaCode(text);
  if (!code || LevelOfCode(*code) != AreaLevel::kVillage) {
    problems.push_back({"village", "'" + text + "' is not a village code (12 digits)"});
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid village facilities", problems);
  return internal::RequireArea(db, *code, "village");
}

VillageFacilities ReadFacilities(store::Connection& db, const std::string& village, int year) {
  VillageFacilities f;
  f.area_code = village;
  f.year = year;
  auto s = db.Prepare(
      "SELECT road, water, power, clinic, broadband, culture_centre, collective_income FROM village_facilities"
      " WHERE area_code = ? AND year = ?");
  s->BindText(1, village);
  s->BindInt(2, year);
  if (s->Step()) {
    f.road = ReadFlag(*s, 0);
    f.water = ReadFlag(*s, 1);
    f.power = ReadFlag(*s, 2);
    f.clinic = ReadFlag(*s, 3);
    f.broadband = ReadFlag(*s, 4);
    f.culture_centre = ReadFlag(*s, 5);
    if (!s->IsNull(6)) f.collective_income = s->Int(6);
  }
  return f;
}

}  // namespace

VillageFacilities SurveyService::SetFacilities(const Caller& caller, const VillageFacilities& facts) {
  const std::string village = RequireVillage(db_, facts.area_code, facts.year);
  if (facts.collective_income && *facts.collective_income < 0) {
    throw Error::InvalidArgument("invalid village facilities", {{"collective_income", "may not be negative"}});
  }
  access::Audit audit(db_, clock_);
  access::Guard(audit).RequireWrite(caller, access::Resource::kAssessment,
                                    {village, std::nullopt, "village_facilities/" + village});
  store::Transaction tx(db_);
  const VillageFacilities before = ReadFacilities(db_, village, facts.year);
  VillageFacilities after = before;
  auto merge = [](std::optional<bool>& to, const std::optional<bool>& from) {
    if (from) to = from;
  };
  merge(after.road, facts.road);
  merge(after.water, facts.water);
  merge(after.power, facts.power);
  merge(after.clinic, facts.clinic);
  merge(after.broadband, facts.broadband);
  merge(after.culture_centre, facts.culture_centre);
  if (facts.collective_income) after.collective_income = facts.collective_income;
  auto s = db_.Prepare(
      "INSERT INTO village_facilities (area_code, year, road, water, power, clinic, broadband, culture_centre,"
      " collective_income, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (area_code, year) DO UPDATE SET road = excluded.road, water = excluded.water,"
      " power = excluded.power, clinic = excluded.clinic, broadband = excluded.broadband,"
      " culture_centre = excluded.culture_centre, collective_income = excluded.collective_income,"
      " updated_at = excluded.updated_at");
  s->BindText(1, village);
  s->BindInt(2, facts.year);
  BindFlag(*s, 3, after.road);
  BindFlag(*s, 4, after.water);
  BindFlag(*s, 5, after.power);
  BindFlag(*s, 6, after.clinic);
  BindFlag(*s, 7, after.broadband);
  BindFlag(*s, 8, after.culture_centre);
  if (after.collective_income) s->BindInt(9, *after.collective_income); else s->BindNull(9);
  s->BindInt(10, clock_.NowSeconds());
  s->Run();
  access::AuditEvent e;
  e.action = "village_facilities.set";
  e.entity = "village_facilities/" + village + "/" + std::to_string(facts.year);
  e.area_code = village;
  e.before = FacilitiesJson(before).dump();
  e.after = FacilitiesJson(after).dump();
  audit.Record(caller, e);
  tx.Commit();
  return after;
}

VillageFacilities SurveyService::GetFacilities(const Caller& caller, const std::string& village_code, int year) {
  const std::string village = RequireVillage(db_, village_code, year);
  internal::RequireRead(db_, caller, village);
  return ReadFacilities(db_, village, year);
}

}  // namespace fupin::assessment
