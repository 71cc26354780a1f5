// Rosters of what sector departments delivered (花名册): import.
#include <algorithm>
#include <filesystem>
#include <set>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/error.h"
#include "core/id_number.h"
#include "core/money.h"
#include "dataio/clerk_values.h"
#include "dataio/sheet.h"
#include "io/table.h"
#include "policy/entitlements.h"
#include "policy/internal.h"
#include "registry/households.h"

namespace fupin::policy {

RosterService::RosterService(store::Connection& db, std::vector<Policy> policies, const Clock& clock,
                             const access::PersonalDataProtector* protector)
    : db_(db),
      policies_(std::move(policies)),
      clock_(clock),
      protector_(protector ? *protector : access::CurrentProtector()) {}

namespace {

enum RosterColumn : size_t { kIdNumber, kAmount, kDate, kArea, kName };

// Whether `place` (a department's 区划代码) is a village, township or county code.
bool IsPlaceCode(const std::string& place) {
  const bool digits = std::all_of(place.begin(), place.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits && (place.size() == 6 || place.size() == 9 || place.size() == 12);
}

}  // namespace

const std::vector<dataio::SheetColumn>& RosterSheet() {
  using dataio::CellType;
  // The order is also the one of a file without a header row: ID number, amount, date.
  static const std::vector<dataio::SheetColumn> kColumns = {
      {.key = "id_number", .header_zh = "身份证号", .header_en = "id_number", .required = true,
       .aliases = {"身份证号码", "证件号码", "证件号", "公民身份号码", "身份证", "id"}, .type = CellType::kIdNumber,
       .note_zh = "18位，单元格须设为文本；登记库中没有的号码也保留，供比对"},
      {.key = "amount", .header_zh = "金额", .header_en = "amount", .required = true,
       .aliases = {"发放金额", "补助金额", "资助金额", "报销金额", "金额元"}, .type = CellType::kYuan, .unit = "元",
       .note_zh = "本次发放的金额，元，最多两位小数"},
      {.key = "date", .header_zh = "日期", .header_en = "date", .required = true,
       .aliases = {"发放日期", "发放时间", "办理日期", "时间"}, .type = CellType::kDate, .note_zh = "发放日期"},
      {.key = "area_code", .header_zh = "区划代码", .header_en = "area_code", .required = false,
       .aliases = {"村代码", "所在地代码", "行政区划代码"}, .type = CellType::kAreaCode,
       .note_zh = "可选：所在村（12位）、乡镇（9位）或县（6位）代码，用于安置登记库中没有的号码"},
      {.key = "name", .header_zh = "姓名", .header_en = "name", .required = false, .aliases = {},
       .type = CellType::kText, .note_zh = "可选，仅供核对，不导入"},
  };
  return kColumns;
}

namespace {

// A roster row that can be imported.
struct Line {
  size_t row;
  std::string id_number;
  std::string area;
  Fen amount;
  std::string date;
  std::optional<std::string> place;  // the area the department wrote, if any
};

// The department is one of Departments() and the year not past this one.
void CheckImportInput(const RosterService::ImportInput& in, const Date& today) {
  std::vector<ErrorDetail> problems;
  auto deps = Departments();
  if (std::none_of(deps.begin(), deps.end(), [&](const Department& d) { return d.code == in.department; })) {
    std::string names;
    for (const auto& d : deps) names += (names.empty() ? "" : ", ") + std::string(d.code);
    problems.push_back({"department", "'" + in.department + "' is not one of " + names});
  }
  if (in.year < 2000 || in.year > today.year) problems.push_back({"year", std::to_string(in.year) + " is out of range"});
  if (!problems.empty()) throw Error::InvalidArgument("invalid roster import", std::move(problems));
}

// One record checked cell by cell (problems to `found`); the line when its number, amount and date hold.
std::optional<Line> ReadLine(const dataio::SheetData& sheet, const dataio::SheetRecord& record, const Caller& caller,
                             const Date& today, std::vector<dataio::ImportProblem>& found) {
  dataio::SheetRow row(RosterSheet(), sheet, record, found);
  Line line{record.row, "", "", 0, "", std::nullopt};
  if (const std::string place = dataio::ClerkText(row.Text(kArea)); !place.empty()) {
    if (!IsPlaceCode(place)) {
      row.Problem(kArea, place, "不是区划代码（6、9或12位数字）");
    } else if (!caller.CoversArea(place)) {
      row.Problem(kArea, place, "不在您的管辖范围内");
    } else {
      line.place = place;
    }
  }
  auto id = row.IdNumber(kIdNumber, today);
  auto amount = row.Yuan(kAmount);
  auto date = row.DateValue(kDate);
  if (date && *date > today) row.Problem(kDate, date->ToString(), "日期在今天之后");
  if (!id || !amount || !date) return std::nullopt;
  line.id_number = *id;
  line.area = line.id_number.substr(0, 6);
  line.amount = *amount;
  line.date = date->ToString();
  return line;
}

// The roster this import replaces (same department, policy and year) deleted.
void DeleteEarlierRoster(store::Connection& db, const std::string& department, const std::string& policy_id,
                         int year) {
  auto del = db.Prepare(
      "DELETE FROM roster_entries WHERE import_id IN (SELECT id FROM roster_imports"
      " WHERE department = ? AND policy_id = ? AND year = ?)");
  del->BindText(1, department);
  del->BindText(2, policy_id);
  del->BindInt(3, year);
  del->Run();
  auto del_imports = db.Prepare("DELETE FROM roster_imports WHERE department = ? AND policy_id = ? AND year = ?");
  del_imports->BindText(1, department);
  del_imports->BindText(2, policy_id);
  del_imports->BindInt(3, year);
  del_imports->Run();
}

// How many entries the earlier roster of the same department, policy and year has.
int64_t EarlierEntries(store::Connection& db, const std::string& department, const std::string& policy_id, int year) {
  auto old = db.Prepare(
      "SELECT count(*) FROM roster_entries r JOIN roster_imports i ON i.id = r.import_id"
      " WHERE i.department = ? AND i.policy_id = ? AND i.year = ?");
  old->BindText(1, department);
  old->BindText(2, policy_id);
  old->BindInt(3, year);
  old->Step();
  return old->Int(0);
}

// The import's record and its entries (one bulk insert); returns the import's id.
int64_t WriteRoster(store::Connection& db, const access::PersonalDataProtector& protector, const Caller& caller,
                    const RosterService::ImportInput& in, const RosterImportResult& result, const std::string& file,
                    const std::vector<Line>& lines, const std::vector<std::optional<int64_t>>& persons, int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO roster_imports (department, policy_id, year, file_name, row_count, unknown, amount, actor,"
      " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, in.department);
  s->BindText(2, result.policy_id);
  s->BindInt(3, in.year);
  s->BindText(4, file);
  s->BindInt(5, result.imported_rows);
  s->BindInt(6, result.unknown);
  s->BindInt(7, result.amount);
  s->BindText(8, caller.user_name.empty() ? "local" : caller.user_name);
  s->BindInt(9, now);
  s->Step();
  const int64_t import_id = s->Int(0);
  s.reset();
  const std::vector<std::string> columns = {"import_id",     "year",             "policy_id", "row_number",
                                            "person_id",     "id_number_enc",    "id_number_masked",
                                            "id_area",       "amount",           "date",      "area_code"};
  auto w = db.BulkInsert("roster_entries", columns);
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    w->Append({import_id, int64_t{in.year}, result.policy_id, static_cast<int64_t>(l.row),
               persons[i] ? store::Value(*persons[i]) : store::Value(nullptr), protector.Encrypt(l.id_number),
               MaskIdNumber(l.id_number), l.area, l.amount, l.date,
               l.place ? store::Value(*l.place) : store::Value(nullptr)});
  }
  w->Finish();
  return import_id;
}

}  // namespace

RosterImportResult RosterService::Import(const Caller& caller, const ImportInput& in) {
  access::Audit audit(db_, clock_);
  const std::string entity = "roster/" + in.policy_id + "/" + std::to_string(in.year);
  const Date today = clock_.Today();
  CheckImportInput(in, today);
  const Policy& policy = internal::FindPolicy(policies_, in.policy_id);
  access::Guard(audit).RequireWrite(caller, access::Resource::kRoster, {caller.area_scope, std::nullopt, entity});

  // Read and check the whole file (the one sheet reader and validator) before anything is written.
  const std::string file = std::filesystem::path(in.path).filename().string();
  auto reader = in.bytes ? io::OpenTableBytes(*in.bytes, file) : io::OpenTable(in.path);
  dataio::SheetData sheet = dataio::ReadSheet(RosterSheet(), *reader, {.ignore_unknown = true, .header_optional = true});
  std::vector<dataio::ImportProblem> found = sheet.problems;
  std::vector<Line> lines;
  for (const auto& record : sheet.records) {
    if (auto line = ReadLine(sheet, record, caller, today, found)) lines.push_back(std::move(*line));
  }
  const dataio::SheetPolicy policy_of_rows{in.skip_invalid};
  if (policy_of_rows.Refuses(found, sheet.header_row)) dataio::ThrowRefusal(found);
  // skip_invalid: the rows with a problem are left out (a row with a bad
  // optional area code has all its values and must go too).
  const std::set<size_t> bad = dataio::SheetPolicy::BadRows(found);
  std::erase_if(lines, [&](const Line& l) { return bad.contains(l.row); });
  if (lines.empty()) {
    found.push_back({sheet.header_row, "", "", "没有可导入的行"});
    dataio::ThrowRefusal(found);
  }
  std::vector<std::string> numbers;
  numbers.reserve(lines.size());
  for (const Line& l : lines) numbers.push_back(l.id_number);
  const auto persons = registry::LookupPersonsByIdNumber(db_, protector_, numbers);

  RosterImportResult result;
  result.department = in.department;
  result.policy_id = policy.id;
  result.year = in.year;
  result.rows = static_cast<int64_t>(sheet.records.size());
  result.imported_rows = static_cast<int64_t>(lines.size());
  result.rejected_rows = static_cast<int64_t>(bad.size());
  result.problems = std::move(found);
  result.warnings = std::move(sheet.warnings);
  for (size_t i = 0; i < lines.size(); ++i) {
    persons[i] ? ++result.matched : ++result.unknown;
    result.amount += lines[i].amount;
  }
  store::Transaction tx(db_);
  result.replaced = EarlierEntries(db_, in.department, policy.id, in.year);
  if (in.dry_run) {
    result.dry_run = true;
    return result;  // the transaction rolls back: it wrote nothing
  }
  DeleteEarlierRoster(db_, in.department, policy.id, in.year);
  result.import_id = WriteRoster(db_, protector_, caller, in, result, file, lines, persons, clock_.NowSeconds());
  nlohmann::json summary = {{"import_id", result.import_id}, {"department", in.department},
                            {"policy", policy.id},           {"year", in.year},
                            {"file", file},                  {"rows", result.imported_rows},
                            {"rejected_rows", result.rejected_rows},
                            {"unknown", result.unknown},     {"amount", result.amount},
                            {"replaced", result.replaced}};
  audit.Record(caller, {"roster.import", entity, caller.area_scope, std::nullopt, summary.dump()});
  tx.Commit();
  return result;
}

}  // namespace fupin::policy
