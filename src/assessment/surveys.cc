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
#include "dataio/clerk_values.h"
#include "dataio/sheet.h"
#include "io/table.h"
#include "registry/status.h"

namespace fupin::assessment {
namespace {

constexpr size_t kChunk = 500;        // bound parameters per IN (...) list

// The fields of a survey record as they appear in files and error paths.
enum class Field {
  kKind, kYear, kVillage, kDate, kHouseholdId, kHouseholdNumber, kSubject, kIncome,
  kFoodClothing, kEducation, kMedical, kHousing, kWater, kPoor, kSatisfied, kSource,
};

constexpr Term kKinds[] = {{static_cast<int>(SurveyKind::kResurvey), "resurvey", "错退复核"},
                           {static_cast<int>(SurveyKind::kSample), "sample", "漏评抽查"},
                           {static_cast<int>(SurveyKind::kSatisfaction), "satisfaction", "群众认可度"}};

// The kinds as the sheet framework's terms (the template's drop-down), from the one table.
std::span<const registry::CodeTerm> SheetKinds() {
  static const std::vector<registry::CodeTerm> terms = [] {
    std::vector<registry::CodeTerm> out;
    for (const Term& t : kKinds) out.push_back({t.wire, t.zh});
    return out;
  }();
  return terms;
}

const dataio::SheetColumn& ColumnOf(Field f) { return SurveySheet().at(static_cast<size_t>(f)); }
std::string NameOf(Field f) { return std::string(ColumnOf(f).header_en); }

// A problem with a field: its English wording names the field of an entered
// record (the API's path), its Chinese one the cell of an imported row.
using Report = std::function<void(Field, const std::string& value, std::string en, std::string zh)>;

// The checks that need no database.
void CheckRecord(const SurveyRecord& r, const Date& today, const Report& report) {
  const auto kind = KindOf(r);
  const bool resurvey = kind == SurveyKind::kResurvey, sample = kind == SurveyKind::kSample;
  if (!kind) {
    report(Field::kKind, r.kind, "'" + r.kind + "' is not one of resurvey, sample, satisfaction",
           "不是可选值之一：错退复核（resurvey）、漏评抽查（sample）、群众认可度（satisfaction）");
    return;
  }
  if (r.year < 2000 || r.year > 2100) {
    report(Field::kYear, std::to_string(r.year), std::to_string(r.year) + " is not a year between 2000 and 2100",
           "年度应在 2000 到 2100 之间");
  }
  if (LevelOfCode(r.village_code) != AreaLevel::kVillage) {
    report(Field::kVillage, r.village_code, "'" + r.village_code + "' is not a village code (12 digits)",
           "不是村代码（12位数字）");
  }
  auto date = Date::Parse(r.date);
  if (!date) {
    report(Field::kDate, r.date, "'" + r.date + "' is not a date YYYY-MM-DD", "不是日期（如 2020-12-10）");
  } else if (*date > today) {
    report(Field::kDate, r.date, r.date + " is in the future", "日期在今天之后");
  }
  auto forbid = [&](bool present, Field f) {
    if (present) report(f, "", "not used by a " + r.kind + " record", std::string(LabelOf(kKinds, *kind)) + "记录不填此项");
  };
  auto require = [&](bool present, Field f) {
    if (!present) report(f, "", "required for a " + r.kind + " record", std::string(LabelOf(kKinds, *kind)) + "记录必填");
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
    report(Field::kIncome, FormatYuan(*r.per_capita_income), "may not be negative", "不能为负");
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
           " AND e.kind = " + registry::SqlLiteral(registry::EventKind::kExited) + ") FROM households h WHERE h.id IN ",
           "", all_ids, [&](store::Statement& s) {
             out.by_id[s.Int(0)] = HouseholdInfo{s.Int(0), s.Text(1), s.Int(2) != 0};
           });
  return out;
}

// The checks against the registry: the village exists, the household exists,
// lies in that village, and (resurvey) has exited.
void CheckAgainstRegistry(const SurveyRecord& r, const Lookups& l, Field household_field, const Report& report) {
  if (LevelOfCode(r.village_code) == AreaLevel::kVillage && !l.villages.contains(r.village_code)) {
    report(Field::kVillage, r.village_code, "no village " + r.village_code + " in the area list", "无此村");
  }
  if (!r.household_id) return;
  auto it = l.by_id.find(*r.household_id);
  if (it == l.by_id.end()) return;  // reported where the id or number was read
  const std::string id = std::to_string(*r.household_id);
  if (it->second.village_code != r.village_code) {
    report(household_field, "", "household " + id + " belongs to village " + it->second.village_code + ", not " +
                                    r.village_code,
           "此户属于村 " + it->second.village_code + "，不是 " + r.village_code);
  }
  if (KindOf(r) == SurveyKind::kResurvey && !it->second.exited) {
    report(household_field, "", "household " + id + " has not exited: only exited households are re-surveyed",
           "此户未脱贫退出：只复核已退出的户");
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

const std::vector<dataio::SheetColumn>& SurveySheet() {
  using dataio::CellType;
  static const std::vector<dataio::SheetColumn> kColumns = {
      {.key = "kind", .header_zh = "类型", .header_en = "kind", .required = true, .aliases = {"调查类型"},
       .type = CellType::kTerm, .terms = SheetKinds, .note_zh = "错退复核、漏评抽查或群众认可度"},
      {.key = "year", .header_zh = "年度", .header_en = "year", .required = true, .aliases = {"年份"},
       .type = CellType::kInteger, .note_zh = "2000-2100"},
      {.key = "village_code", .header_zh = "村代码", .header_en = "village_code", .required = true,
       .aliases = {"行政村代码"}, .type = CellType::kAreaCode, .note_zh = "12位行政村代码"},
      {.key = "date", .header_zh = "调查日期", .header_en = "date", .required = true, .aliases = {"日期"},
       .type = CellType::kDate, .note_zh = "不晚于今天"},
      {.key = "household_id", .header_zh = "户ID", .header_en = "household_id", .required = false, .aliases = {},
       .type = CellType::kInteger, .note_zh = "系统中的户ID；可用户编号代替"},
      {.key = "household_number", .header_zh = "户编号", .header_en = "household_number", .required = false,
       .aliases = {"户号"}, .type = CellType::kText, .note_zh = "错退复核必填户（户编号或户ID）：已退出、属于该村的户"},
      {.key = "subject", .header_zh = "调查对象", .header_en = "subject", .required = false, .aliases = {},
       .type = CellType::kText, .note_zh = "漏评抽查、群众认可度填写（或填户）"},
      {.key = "per_capita_income", .header_zh = "人均纯收入", .header_en = "per_capita_income", .required = false,
       .aliases = {}, .type = CellType::kYuan, .unit = "元", .note_zh = "错退复核必填"},
      {.key = "food_clothing", .header_zh = "不愁吃穿", .header_en = "food_clothing", .required = false, .aliases = {},
       .type = CellType::kBool, .note_zh = "错退复核必填"},
      {.key = "education", .header_zh = "义务教育", .header_en = "education", .required = false, .aliases = {},
       .type = CellType::kBool, .note_zh = "错退复核必填"},
      {.key = "medical", .header_zh = "基本医疗", .header_en = "medical", .required = false, .aliases = {},
       .type = CellType::kBool, .note_zh = "错退复核必填"},
      {.key = "housing", .header_zh = "住房安全", .header_en = "housing", .required = false, .aliases = {},
       .type = CellType::kBool, .note_zh = "错退复核必填"},
      {.key = "water", .header_zh = "饮水安全", .header_en = "water", .required = false, .aliases = {},
       .type = CellType::kBool, .note_zh = "错退复核必填"},
      {.key = "poor", .header_zh = "是否贫困", .header_en = "poor", .required = false, .aliases = {},
       .type = CellType::kBool, .note_zh = "漏评抽查必填"},
      {.key = "satisfied", .header_zh = "是否满意", .header_en = "satisfied", .required = false, .aliases = {},
       .type = CellType::kBool, .note_zh = "群众认可度必填"},
      {.key = "source", .header_zh = "调查单位", .header_en = "source", .required = false, .aliases = {},
       .type = CellType::kText, .note_zh = "第三方机构或工作队"},
  };
  return kColumns;
}

std::span<const Term> SurveyKinds() { return kKinds; }

std::optional<SurveyKind> KindOf(const SurveyRecord& record) { return ParseWire<SurveyKind>(kKinds, record.kind); }

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
  const auto kind = KindOf(r);
  if (kind == SurveyKind::kResurvey) {
    j["per_capita_income"] = r.per_capita_income ? nlohmann::json(*r.per_capita_income) : nlohmann::json();
    j["food_clothing"] = Flag(r.food_clothing);
    j["education"] = Flag(r.education);
    j["medical"] = Flag(r.medical);
    j["housing"] = Flag(r.housing);
    j["water"] = Flag(r.water);
  } else if (kind == SurveyKind::kSample) {
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
  const Report report = [&](Field f, const std::string&, std::string en, const std::string&) {
    problems.push_back({NameOf(f), std::move(en)});
  };
  if (auto code = NormalizeAreaCode(record.village_code)) record.village_code = *code;
  CheckRecord(record, clock_.Today(), report);
  std::set<int64_t> ids;
  if (record.household_id) ids.insert(*record.household_id);
  const Lookups l = Lookup(db_, {record.village_code}, ids, {});
  if (record.household_id && !l.by_id.contains(*record.household_id)) {
    problems.push_back({"household_id", "no household with id " + std::to_string(*record.household_id)});
  }
  CheckAgainstRegistry(record, l, Field::kHouseholdId, report);
  if (!problems.empty()) throw Error::InvalidArgument("invalid survey record", problems);
  std::vector<SurveyRecord> one{std::move(record)};
  Store(caller, one);
  return one[0];
}

std::vector<SurveyRecord> SurveyService::AddMany(const Caller& caller, std::vector<SurveyRecord> records) {
  std::vector<ErrorDetail> problems;
  std::set<std::string> villages;
  std::set<int64_t> ids;
  for (auto& r : records) {
    if (auto code = NormalizeAreaCode(r.village_code)) r.village_code = *code;
    villages.insert(r.village_code);
    if (r.household_id) ids.insert(*r.household_id);
  }
  const Lookups l = Lookup(db_, villages, ids, {});
  const Date today = clock_.Today();
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string at = "/" + std::to_string(i) + "/";
    const Report report = [&](Field f, const std::string&, std::string en, const std::string&) {
      problems.push_back({at + NameOf(f), std::move(en)});
    };
    CheckRecord(records[i], today, report);
    if (records[i].household_id && !l.by_id.contains(*records[i].household_id)) {
      problems.push_back({at + "household_id", "no household with id " + std::to_string(*records[i].household_id)});
    }
    CheckAgainstRegistry(records[i], l, Field::kHouseholdId, report);
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid survey records", problems);
  Store(caller, records);
  return records;
}

namespace {

// A record read from a row of the sheet, with the household number it may name instead of its id.
struct ParsedRow {
  SurveyRecord record;
  size_t row = 0;
  size_t index = 0;  // in sheet.records
  std::optional<std::string> household_number;
};

// Every row of the sheet as a record; a cell its reader refuses adds its problem.
std::vector<ParsedRow> ReadRecords(const dataio::SheetData& sheet, std::vector<dataio::ImportProblem>& problems) {
  const auto& columns = SurveySheet();
  std::vector<ParsedRow> parsed;
  for (const auto& record : sheet.records) {
    dataio::SheetRow row(columns, sheet, record, problems);
    auto col = [](Field f) { return static_cast<size_t>(f); };
    ParsedRow p;
    p.row = record.row;
    p.index = parsed.size();
    SurveyRecord& r = p.record;
    const std::string kind_text = row.Text(col(Field::kKind));
    if (!kind_text.empty()) r.kind = row.Term(col(Field::kKind)).value_or(kind_text);
    r.year = static_cast<int>(row.Integer(col(Field::kYear), 2000, 2100).value_or(0));
    const std::string village = dataio::ClerkText(row.Text(col(Field::kVillage)));
    r.village_code = NormalizeAreaCode(village).value_or(village);
    const std::string date_text = row.Text(col(Field::kDate));
    if (auto d = dataio::ReadDate(date_text)) r.date = d->ToString();
    else r.date = date_text;
    if (auto id = row.Integer(col(Field::kHouseholdId), 1, INT64_MAX)) r.household_id = *id;
    if (auto n = row.Text(col(Field::kHouseholdNumber)); !n.empty()) p.household_number = n;
    r.subject = row.Text(col(Field::kSubject));
    r.per_capita_income = row.Yuan(col(Field::kIncome));
    r.food_clothing = row.YesNo(col(Field::kFoodClothing));
    r.education = row.YesNo(col(Field::kEducation));
    r.medical = row.YesNo(col(Field::kMedical));
    r.housing = row.YesNo(col(Field::kHousing));
    r.water = row.YesNo(col(Field::kWater));
    r.poor = row.YesNo(col(Field::kPoor));
    r.satisfied = row.YesNo(col(Field::kSatisfied));
    r.source = row.Text(col(Field::kSource));
    parsed.push_back(std::move(p));
  }
  return parsed;
}

// The villages and households the rows name, looked up in bulk.
Lookups LookupRows(store::Connection& db, const std::vector<ParsedRow>& parsed) {
  std::set<std::string> villages, numbers;
  std::set<int64_t> ids;
  for (const auto& p : parsed) {
    villages.insert(p.record.village_code);
    if (p.record.household_id) ids.insert(*p.record.household_id);
    if (p.household_number) numbers.insert(*p.household_number);
  }
  return Lookup(db, villages, ids, numbers);
}

// The household a row names by number (it must agree with the id if both are given) or by id.
void ResolveHousehold(ParsedRow& p, dataio::SheetRow& row, const Lookups& l, size_t household_col) {
  SurveyRecord& r = p.record;
  if (p.household_number) {
    auto it = l.id_by_number.find(*p.household_number);
    if (it == l.id_by_number.end()) {
      row.Problem(household_col, *p.household_number, "无此户编号");
    } else if (r.household_id && *r.household_id != it->second) {
      row.Problem(household_col, *p.household_number,
                  "是户 " + std::to_string(it->second) + "，与户ID " + std::to_string(*r.household_id) + " 不符");
    } else {
      r.household_id = it->second;
    }
  } else if (r.household_id && !l.by_id.contains(*r.household_id)) {
    row.Problem(household_col, std::to_string(*r.household_id), "无此户ID");
  }
}

// Every row's checks (CheckRecord, CheckAgainstRegistry), reported on its cells in Chinese.
void CheckRows(std::vector<ParsedRow>& parsed, const dataio::SheetData& sheet, const Lookups& l, const Date& today,
               std::vector<dataio::ImportProblem>& problems) {
  for (auto& p : parsed) {
    dataio::SheetRow row(SurveySheet(), sheet, sheet.records[p.index], problems);
    const Field household_field = p.household_number ? Field::kHouseholdNumber : Field::kHouseholdId;
    ResolveHousehold(p, row, l, static_cast<size_t>(household_field));
    const size_t before = problems.size();
    const Report report = [&](Field f, const std::string& value, const std::string&, std::string zh) {
      if (f == Field::kHouseholdId && p.household_number) f = Field::kHouseholdNumber;
      // A cell already refused by its reader is not reported twice.
      for (size_t i = 0; i < before; ++i) {
        if (problems[i].row == p.row && problems[i].column == sheet.column_headers[static_cast<size_t>(f)]) return;
      }
      row.Problem(static_cast<size_t>(f), value, std::move(zh));
    };
    CheckRecord(p.record, today, report);
    CheckAgainstRegistry(p.record, l, household_field, report);
  }
}

}  // namespace

SurveyImportResult SurveyService::Import(const Caller& caller, const std::string& path, const std::string& sheet_name,
                                        bool skip_invalid) {
  io::TableOptions options;
  options.sheet = sheet_name;
  auto reader = io::OpenTable(path, options);
  const std::string file = std::filesystem::path(path).filename().string();
  const dataio::SheetData sheet = dataio::ReadSheet(SurveySheet(), *reader);
  std::vector<dataio::ImportProblem> problems = sheet.problems;
  const dataio::SheetPolicy policy{skip_invalid};
  if (!problems.empty()) dataio::ThrowRefusal(problems);  // the header: nothing is read

  std::vector<ParsedRow> parsed = ReadRecords(sheet, problems);
  CheckRows(parsed, sheet, LookupRows(db_, parsed), clock_.Today(), problems);
  std::stable_sort(problems.begin(), problems.end(),
                   [](const dataio::ImportProblem& a, const dataio::ImportProblem& b) { return a.row < b.row; });
  if (policy.Refuses(problems, sheet.header_row)) dataio::ThrowRefusal(problems);
  const std::set<size_t> bad = dataio::SheetPolicy::BadRows(problems);
  std::vector<SurveyRecord> records;
  records.reserve(parsed.size());
  for (auto& p : parsed) {
    if (!bad.contains(p.row)) records.push_back(std::move(p.record));
  }
  if (records.empty()) {
    problems.push_back({sheet.header_row, "", "", "没有可导入的行"});
    dataio::ThrowRefusal(problems);
  }
  Store(caller, records);
  SurveyImportResult out;
  out.file = file;
  out.rows = static_cast<int64_t>(sheet.records.size());
  out.imported = static_cast<int64_t>(records.size());
  out.rejected_rows = static_cast<int64_t>(bad.size());
  out.problems = std::move(problems);
  for (const auto& r : records) {
    const auto kind = KindOf(r);
    if (kind == SurveyKind::kResurvey) ++out.resurvey;
    else if (kind == SurveyKind::kSample) ++out.sample;
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
