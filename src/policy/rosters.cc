// Rosters of what sector departments delivered (花名册): import.
#include <algorithm>
#include <filesystem>
#include <set>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/error.h"
#include "core/id_number.h"
#include "core/money.h"
#include "io/excel_date.h"
#include "io/table.h"
#include "policy/entitlements.h"
#include "policy/internal.h"
#include "registry/households.h"
#include "core/text.h"

namespace fupin::policy {

RosterService::RosterService(store::Connection& db, std::vector<Policy> policies, const Clock& clock,
                             const access::PersonalDataProtector* protector)
    : db_(db),
      policies_(std::move(policies)),
      clock_(clock),
      protector_(protector ? *protector : access::CurrentProtector()) {}

namespace {

bool Contains(std::string_view text, std::initializer_list<std::string_view> words) {
  for (auto w : words) {
    if (text.find(w) != std::string_view::npos) return true;
  }
  return false;
}

// Column letters as a spreadsheet shows them (0 -> A).
std::string ColumnName(size_t c) {
  std::string out;
  size_t n = c + 1;
  while (n > 0) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
    n = (n - 1) / 26;
  }
  return out;
}

std::optional<Date> ParseRosterDate(const io::Row& row, size_t column, bool date1904) {
  const std::string text = Trim(row.cell(column));
  if (column < row.kinds.size() &&
      (row.kinds[column] == io::CellKind::kDate || row.kinds[column] == io::CellKind::kNumber)) {
    if (auto d = io::ExcelSerialToDate(text, date1904)) return d;
  }
  if (auto d = Date::Parse(text)) return d;
  // 2020/9/1 and 20200901, as departments write them.
  int y = 0, m = 0, d = 0;
  char sep1 = 0, sep2 = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c%d", &y, &sep1, &m, &sep2, &d) == 5 && sep1 == sep2 &&
      (sep1 == '/' || sep1 == '.') && Date::IsValid(y, m, d)) {
    return Date{y, m, d};
  }
  if (text.size() == 8 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    y = std::stoi(text.substr(0, 4));
    m = std::stoi(text.substr(4, 2));
    d = std::stoi(text.substr(6, 2));
    if (Date::IsValid(y, m, d)) return Date{y, m, d};
  }
  return std::nullopt;
}

}  // namespace

RosterImportResult RosterService::Import(const Caller& caller, const ImportInput& in) {
  access::Audit audit(db_, clock_);
  const std::string entity = "roster/" + in.policy_id + "/" + std::to_string(in.year);
  std::vector<ErrorDetail> problems;
  const Date today = clock_.Today();
  auto deps = Departments();
  if (std::none_of(deps.begin(), deps.end(), [&](const Department& d) { return d.code == in.department; })) {
    std::string names;
    for (const auto& d : deps) names += (names.empty() ? "" : ", ") + std::string(d.code);
    problems.push_back({"department", "'" + in.department + "' is not one of " + names});
  }
  if (in.year < 2000 || in.year > today.year) problems.push_back({"year", std::to_string(in.year) + " is out of range"});
  if (!problems.empty()) throw Error::InvalidArgument("invalid roster import", std::move(problems));
  const Policy& policy = internal::FindPolicy(policies_, in.policy_id);
  access::Guard(audit).RequireWrite(caller, access::Resource::kRoster, {caller.area_scope, std::nullopt, entity});

  // Read and check the whole file before anything is written.
  const std::string file = std::filesystem::path(in.path).filename().string();
  auto reader = in.bytes ? io::OpenTableBytes(*in.bytes, file) : io::OpenTable(in.path);
  io::Row row;
  size_t id_col = 0, amount_col = 1, date_col = 2;
  std::optional<size_t> area_col;  // optional: 区划代码 of the village (or township) the row belongs to
  struct Line {
    size_t row;
    std::string id_number;
    std::string area;
    Fen amount;
    std::string date;
    std::optional<std::string> place;  // the area the department wrote, if any
  };
  std::vector<Line> lines;
  bool first = true;
  auto where = [&file](size_t r, size_t c, std::string_view header) {
    return file + ", row " + std::to_string(r) + ", column " + ColumnName(c) +
           (header.empty() ? "" : " (" + std::string(header) + ")");
  };
  std::vector<std::string> headers = {"身份证号", "金额", "日期"};
  std::vector<std::string> header_cells;
  while (reader->Next(row)) {
    if (first) {
      first = false;
      const std::string c0 = Trim(row.cell(0));
      if (!CheckIdNumber(c0, today).ok() && !c0.empty() &&
          !std::all_of(c0.begin(), c0.end(), [](char c) { return (c >= '0' && c <= '9') || c == 'X' || c == 'x'; })) {
        // A header row: find the columns by name.
        std::optional<size_t> id, amount, date;
        for (size_t c = 0; c < row.cells.size(); ++c) {
          const std::string h = Trim(row.cells[c]);
          if (!area_col && Contains(h, {"区划代码", "村代码", "所在地代码", "area_code"})) area_col = c;
          else if (!id && Contains(h, {"身份证", "证件号", "id_number", "ID"})) id = c;
          else if (!amount && Contains(h, {"金额", "amount", "元"})) amount = c;
          else if (!date && Contains(h, {"日期", "时间", "date"})) date = c;
        }
        if (!id) problems.push_back({where(row.number, 0, ""), "no ID number column (身份证号) in the header"});
        if (!amount) problems.push_back({where(row.number, 0, ""), "no amount column (金额) in the header"});
        if (!date) problems.push_back({where(row.number, 0, ""), "no date column (日期) in the header"});
        if (!problems.empty()) break;
        id_col = *id;
        amount_col = *amount;
        date_col = *date;
        headers = {Trim(row.cells[id_col]), Trim(row.cells[amount_col]), Trim(row.cells[date_col])};
        header_cells = row.cells;
        continue;
      }
    }
    Line line{row.number, "", "", 0, "", std::nullopt};
    if (area_col) {
      const std::string place = Trim(row.cell(*area_col));
      const bool digits = std::all_of(place.begin(), place.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!place.empty() && (!digits || (place.size() != 6 && place.size() != 9 && place.size() != 12))) {
        problems.push_back({where(row.number, *area_col, Trim(header_cells[*area_col])),
                            "'" + place + "' is not an area code (6, 9 or 12 digits)"});
      } else if (!place.empty() && !caller.CoversArea(place)) {
        problems.push_back({where(row.number, *area_col, Trim(header_cells[*area_col])),
                            "'" + place + "' is outside your area (" +
                                (caller.area_scope.empty() ? std::string("nation") : caller.area_scope) + ")"});
      } else if (!place.empty()) {
        line.place = place;
      }
    }
    const std::string id_text = Trim(row.cell(id_col));
    auto check = CheckIdNumber(id_text, today);
    if (!check.ok()) {
      problems.push_back({where(row.number, id_col, headers[0]),
                          "'" + MaskIdNumber(id_text) + "' is not an ID number: " + check.problem});
    } else {
      line.id_number = check.number->text;
      line.area = check.number->area_prefix;
    }
    const std::string amount_text = Trim(row.cell(amount_col));
    auto amount = ParseYuan(amount_text);
    if (!amount || *amount < 0) {
      problems.push_back({where(row.number, amount_col, headers[1]),
                          "'" + amount_text + "' is not an amount in yuan (at most two decimals, not negative)"});
    } else {
      line.amount = *amount;
    }
    auto date = ParseRosterDate(row, date_col, reader->date1904());
    if (!date) {
      problems.push_back({where(row.number, date_col, headers[2]),
                          "'" + Trim(row.cell(date_col)) + "' is not a date (YYYY-MM-DD)"});
    } else {
      line.date = date->ToString();
    }
    if (problems.size() >= 100) break;
    lines.push_back(std::move(line));
  }
  if (problems.empty() && lines.empty()) problems.push_back({file, "the roster has no rows"});
  if (!problems.empty()) {
    const std::string message =
        "the roster " + file + " was not imported: " + problems.front().path + ": " + problems.front().problem;
    throw Error::InvalidArgument(message, std::move(problems));
  }

  std::vector<std::string> numbers;
  numbers.reserve(lines.size());
  for (const Line& l : lines) numbers.push_back(l.id_number);
  const auto persons = registry::LookupPersonsByIdNumber(db_, protector_, numbers);

  RosterImportResult result;
  result.department = in.department;
  result.policy_id = policy.id;
  result.year = in.year;
  result.rows = static_cast<int64_t>(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    persons[i] ? ++result.matched : ++result.unknown;
    result.amount += lines[i].amount;
  }
  store::Transaction tx(db_);
  {
    auto old = db_.Prepare(
        "SELECT count(*) FROM roster_entries r JOIN roster_imports i ON i.id = r.import_id"
        " WHERE i.department = ? AND i.policy_id = ? AND i.year = ?");
    old->BindText(1, in.department);
    old->BindText(2, policy.id);
    old->BindInt(3, in.year);
    old->Step();
    result.replaced = old->Int(0);
  }
  if (in.dry_run) {
    result.dry_run = true;
    return result;  // the transaction rolls back: it wrote nothing
  }
  {
    auto del = db_.Prepare(
        "DELETE FROM roster_entries WHERE import_id IN (SELECT id FROM roster_imports"
        " WHERE department = ? AND policy_id = ? AND year = ?)");
    del->BindText(1, in.department);
    del->BindText(2, policy.id);
    del->BindInt(3, in.year);
    del->Run();
    auto del_imports = db_.Prepare("DELETE FROM roster_imports WHERE department = ? AND policy_id = ? AND year = ?");
    del_imports->BindText(1, in.department);
    del_imports->BindText(2, policy.id);
    del_imports->BindInt(3, in.year);
    del_imports->Run();
  }
  {
    auto s = db_.Prepare(
        "INSERT INTO roster_imports (department, policy_id, year, file_name, row_count, unknown, amount, actor,"
        " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    s->BindText(1, in.department);
    s->BindText(2, policy.id);
    s->BindInt(3, in.year);
    s->BindText(4, file);
    s->BindInt(5, result.rows);
    s->BindInt(6, result.unknown);
    s->BindInt(7, result.amount);
    s->BindText(8, caller.user_name.empty() ? "local" : caller.user_name);
    s->BindInt(9, clock_.NowSeconds());
    s->Step();
    result.import_id = s->Int(0);
  }
  {
    const std::vector<std::string> columns = {"import_id",        "year",    "policy_id", "row_number", "person_id",
                                              "id_number_enc",    "id_number_masked", "id_area", "amount", "date",
                                              "area_code"};
    auto w = db_.BulkInsert("roster_entries", columns);
    for (size_t i = 0; i < lines.size(); ++i) {
      const Line& l = lines[i];
      w->Append({result.import_id, int64_t{in.year}, policy.id, static_cast<int64_t>(l.row),
                 persons[i] ? store::Value(*persons[i]) : store::Value(nullptr), protector_.Encrypt(l.id_number),
                 MaskIdNumber(l.id_number), l.area, l.amount, l.date,
                 l.place ? store::Value(*l.place) : store::Value(nullptr)});
    }
    w->Finish();
  }
  nlohmann::json summary = {{"import_id", result.import_id}, {"department", in.department},
                            {"policy", policy.id},           {"year", in.year},
                            {"file", file},                  {"rows", result.rows},
                            {"unknown", result.unknown},     {"amount", result.amount},
                            {"replaced", result.replaced}};
  audit.Record(caller, {"roster.import", entity, caller.area_scope, std::nullopt, summary.dump()});
  tx.Commit();
  return result;
}

}  // namespace fupin::policy
