// Thresholds, rules, rigid spending, department alerts and the scan.
#include "monitoring/monitoring.h"

#include <algorithm>
#include <map>
#include <set>

#include "access/audit.h"
#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/id_number.h"
#include "core/money.h"
#include "grievance/signals.h"
#include "industry/industry.h"
#include "io/table.h"
#include "monitoring/internal.h"
#include "registry/households.h"
#include "registry/vocab.h"
#include "core/text.h"
#include "dataio/clerk_values.h"
#include "dataio/sheet.h"

namespace fupin::monitoring {
namespace {


struct ParameterSpec {
  const char* name;
  const char* unit;
  ParameterKind kind;
  const char* label_zh;
};

constexpr ParameterKind kRisk = ParameterKind::kRisk;
constexpr ParameterKind kProcedure = ParameterKind::kProcedure;

constexpr ParameterSpec kParameterSpecs[] = {
    {"income_below_line", "factor", kRisk, "人均纯收入低于监测线（系数）"},
    {"income_drop", "percent", kRisk, "人均纯收入较上年大幅下降（%）"},
    {"income_drop_below_factor", "factor", kRisk, "收入骤减计入风险的收入上限（监测线倍数）"},
    {"rigid_spending", "percent", kRisk, "刚性支出占家庭纯收入比例（%）"},
    {"job_loss", "persons", kRisk, "家庭成员失业人数"},
    {"overdue_loan", "loans", kRisk, "扶贫小额信贷逾期笔数"},
    {"dividends_stopped", "entities", kRisk, "停止分红的经营主体数"},
    {"self_application", "applications", kRisk, "农户自主申报或反映应纳未纳次数"},
    {"notice_min_days", "days", kProcedure, "公示最少天数"},
    {"step_days", "days", kProcedure, "每步办理时限（天）"},
    {"elimination_min_months", "months", kProcedure, "风险消除前最短监测月数"},
    {"elimination_stable_years", "years", kProcedure, "收入稳定年度数"},
    {"max_monitored_months", "months", kProcedure, "长期监测提示月数"},
};

const ParameterSpec* FindSpec(const std::string& name) {
  for (const auto& s : kParameterSpecs) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

const char* RuleName(RiskRule rule) { return WireOf(RiskRuleTerms(), rule); }

// A rule that fired, labelled from the one table.
RiskHit Hit(RiskRule rule, std::vector<std::pair<std::string, std::string>> values) {
  return {rule, LabelOf(RiskRuleTerms(), rule), std::move(values)};
}

void RequireParamsWriter(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area,
                         const std::string& entity) {
  internal::RequireAbility(db, clock, caller, access::Ability::kSetMonitoringRules, area, entity,
                           std::string(RoleName(caller.role)) + " may not change monitoring thresholds or rules");
  internal::Require(db, clock, caller, access::Access::kWrite, area, std::nullopt, entity);
}

void RequireReader(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& area,
                   const std::string& entity) {
  internal::Require(db, clock, caller, access::Access::kRead, area, std::nullopt, entity);
  if (access::ReadScopeFor(caller, access::Resource::kMonitoring).paired_households_only) {
    internal::Refuse(db, clock, caller, area, entity, "a paired cadre reads the cases of their own households only");
  }
}

bool IsEmployed(const std::string& e) {
  return e == "local" || e == "migrant" || e == "public_welfare_job" || e == "self_employed";
}

}  // namespace

// ---- thresholds and parameters ------------------------------------------

std::vector<Threshold> MonitoringService::Thresholds(const Caller& caller) {
  if (!access::ReadScopeFor(caller, access::Resource::kMonitoring).allowed) {
    internal::Require(db_, clock_, caller, access::Access::kRead, caller.area_scope, std::nullopt,
                      "monitoring_thresholds");
  }
  std::map<std::pair<int, std::string>, Threshold> latest;
  auto s = db_.Prepare("SELECT id, year, province, line, source, set_by FROM monitoring_thresholds ORDER BY id");
  while (s->Step()) {
    Threshold t{s->Int(0), static_cast<int>(s->Int(1)), s->Text(2), s->Int(3), s->Text(4), s->Text(5)};
    latest[{t.year, t.province}] = t;
  }
  std::vector<Threshold> out;
  out.reserve(latest.size());
  for (auto& [k, t] : latest) out.push_back(t);
  return out;
}

Threshold MonitoringService::LineFor(int year, const std::string& area_code) {
  auto t = internal::Lines(db_).For(year, area_code);
  if (!t) throw Error::FailedPrecondition("no monitoring line is set for " + std::to_string(year) + " or before");
  return *t;
}

Threshold MonitoringService::SetThreshold(const Caller& caller, int year, const std::string& province, Fen line,
                                          const std::string& source) {
  Problems problems;
  if (year < 2020 || year > 2100) problems.Add("year", std::to_string(year) + " is not between 2020 and 2100");
  if (!province.empty() && (province.size() != 2 || !LevelOfCode(province))) {
    problems.Add("province", "'" + province + "' is not a 2-digit province code");
  }
  if (line <= 0) problems.Add("line", "must be more than 0");
  if (source.empty()) problems.Add("source", "give the document or decision the line comes from");
  problems.ThrowIfAny("invalid monitoring line");
  RequireParamsWriter(db_, clock_, caller, province, "monitoring_threshold/" + std::to_string(year));
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO monitoring_thresholds (year, province, line, source, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)"
      " RETURNING id");
  s->BindInt(1, year);
  s->BindText(2, province);
  s->BindInt(3, line);
  s->BindText(4, source);
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock_.NowSeconds());
  s->Step();
  Threshold t{s->Int(0), year, province, line, source, caller.user_name};
  s->Reset();
  access::RecordChange(db_, clock_, caller, "monitoring.threshold_set", "monitoring_threshold/" + std::to_string(t.id),
                        province, nullptr,
                        {{"year", year}, {"province", province}, {"line", FormatYuan(line)}, {"source", source}});
  tx.Commit();
  return t;
}

std::vector<RuleParameter> MonitoringService::Parameters(const Caller& caller) {
  if (!access::ReadScopeFor(caller, access::Resource::kMonitoring).allowed) {
    internal::Require(db_, clock_, caller, access::Access::kRead, caller.area_scope, std::nullopt,
                      "monitoring_parameters");
  }
  std::map<std::string, RuleParameter> latest;
  auto s = db_.Prepare("SELECT name, value, enabled, source, set_by FROM monitoring_parameters ORDER BY id");
  while (s->Step()) {
    RuleParameter p;
    p.name = s->Text(0);
    p.value = s->Text(1);
    p.enabled = s->Int(2) == 1;
    p.source = s->Text(3);
    p.set_by = s->Text(4);
    if (const auto* spec = FindSpec(p.name)) {
      p.unit = spec->unit;
      p.kind = spec->kind;
      p.label_zh = spec->label_zh;
    }
    latest[p.name] = p;
  }
  std::vector<RuleParameter> out;
  for (const auto& spec : kParameterSpecs) {
    if (auto it = latest.find(spec.name); it != latest.end()) out.push_back(it->second);
  }
  return out;
}

RuleParameter MonitoringService::SetParameter(const Caller& caller, const std::string& name, const std::string& value,
                                              bool enabled, const std::string& source) {
  Problems problems;
  const ParameterSpec* spec = FindSpec(name);
  if (!spec) {
    std::string names;
    for (const auto& s : kParameterSpecs) names += (names.empty() ? "" : ", ") + std::string(s.name);
    problems.Add("name", "'" + name + "' is not a monitoring parameter (" + names + ")");
  }
  double number = 0;
  try {
    size_t used = 0;
    number = std::stod(value, &used);
    if (used != value.size()) throw std::invalid_argument(value);
  } catch (const std::exception&) {
    problems.Add("value", "'" + value + "' is not a number");
  }
  if (number < 0) problems.Add("value", "may not be negative");
  if (spec && spec->kind == ParameterKind::kProcedure && !enabled) problems.Add("enabled", "a procedure setting cannot be switched off");
  if (source.empty()) problems.Add("source", "give the document or decision the value comes from");
  problems.ThrowIfAny("invalid monitoring parameter");
  RequireParamsWriter(db_, clock_, caller, "", "monitoring_parameter/" + name);
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO monitoring_parameters (name, value, enabled, source, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)");
  s->BindText(1, name);
  s->BindText(2, value);
  s->BindInt(3, enabled ? 1 : 0);
  s->BindText(4, source);
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock_.NowSeconds());
  s->Run();
  access::RecordChange(db_, clock_, caller, "monitoring.parameter_set", "monitoring_parameter/" + name, "", nullptr,
                        {{"name", name}, {"value", value}, {"enabled", enabled}, {"source", source}});
  tx.Commit();
  RuleParameter p{name, value, enabled, spec->unit, spec->label_zh, spec->kind, source, caller.user_name};
  return p;
}

// ---- rigid spending -------------------------------------------------------

int64_t MonitoringService::AddSpending(const Caller& caller, int64_t household_id, int year, const std::string& kind,
                                       Fen amount, const std::string& note) {
  Problems problems;
  if (year < 2000 || year > 2100) problems.Add("year", std::to_string(year) + " is not between 2000 and 2100");
  internal::ParseField<SpendingKind>(SpendingKindTerms(), kind, "kind", problems);
  if (amount <= 0) problems.Add("amount", "must be more than 0");
  problems.ThrowIfAny("invalid rigid spending");
  auto h = db_.Prepare("SELECT village_code FROM households WHERE id = ?");
  h->BindInt(1, household_id);
  if (!h->Step()) throw Error::NotFound("no household " + std::to_string(household_id));
  const std::string village = h->Text(0);
  h->Reset();
  internal::Require(db_, clock_, caller, access::Access::kWrite, village, household_id,
                    "household/" + std::to_string(household_id));
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO monitoring_spending (household_id, year, kind, amount, note, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, household_id);
  s->BindInt(2, year);
  s->BindText(3, kind);
  s->BindInt(4, amount);
  s->BindText(5, note);
  s->BindText(6, caller.user_name);
  s->BindInt(7, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  access::RecordChange(db_, clock_, caller, "monitoring.spending_add", "household/" + std::to_string(household_id),
                        village, nullptr,
                        {{"id", id}, {"year", year}, {"kind", kind}, {"amount", FormatYuan(amount)}, {"note", note}});
  tx.Commit();
  return id;
}

// ---- department alerts ----------------------------------------------------

namespace {

// Person id -> (current household, village, name), in chunks.
struct PersonHome {
  int64_t household_id = 0;
  std::string village;
  std::string name;
};
std::map<int64_t, PersonHome> Homes(store::Connection& db, const std::vector<int64_t>& person_ids) {
  std::map<int64_t, PersonHome> out;
  const size_t chunk = 500;
  for (size_t i = 0; i < person_ids.size(); i += chunk) {
    const size_t n = std::min(chunk, person_ids.size() - i);
    std::string sql =
        "SELECT p.id, p.name, m.household_id, h.village_code FROM persons p"
        " LEFT JOIN memberships m ON m.person_id = p.id AND m.end_date IS NULL"
        " LEFT JOIN households h ON h.id = m.household_id WHERE p.id IN (";
    for (size_t k = 0; k < n; ++k) sql += k ? ",?" : "?";
    sql += ")";
    auto s = db.Prepare(sql);
    for (size_t k = 0; k < n; ++k) s->BindInt(static_cast<int>(k + 1), person_ids[i + k]);
    while (s->Step()) {
      PersonHome home;
      home.name = s->Text(1);
      if (!s->IsNull(2)) {
        home.household_id = s->Int(2);
        home.village = s->Text(3);
      }
      out[s->Int(0)] = home;
    }
  }
  return out;
}

}  // namespace

const std::vector<dataio::SheetColumn>& AlertSheet(AlertKind kind) {
  using dataio::CellType;
  // 金额 is required but for unemployment.
  auto columns = [](bool amount_required) {
    return std::vector<dataio::SheetColumn>{
        {.key = "id_number", .header_zh = "身份证号", .header_en = "id_number", .required = true, .aliases = {},
         .type = CellType::kIdNumber, .note_zh = "18位，单元格须设为文本；须是登记库中的人"},
        {.key = "name", .header_zh = "姓名", .header_en = "name", .required = false, .aliases = {},
         .type = CellType::kText, .note_zh = "可选；填写时须与登记库一致"},
        {.key = "date", .header_zh = "日期", .header_en = "date", .required = true, .aliases = {},
         .type = CellType::kDate, .note_zh = "导入年度内，不晚于今天"},
        {.key = "amount", .header_zh = "金额", .header_en = "amount", .required = amount_required, .aliases = {},
         .type = CellType::kYuan, .unit = "", .note_zh = "元：医疗自付费用或灾害损失，大于0；失业预警可空"},
        {.key = "note", .header_zh = "说明", .header_en = "note", .required = false, .aliases = {},
         .type = CellType::kText, .note_zh = ""}};
  };
  static const std::vector<dataio::SheetColumn> kWithAmount = columns(true), kWithoutAmount = columns(false);
  return kind == AlertKind::kUnemployment ? kWithoutAmount : kWithAmount;
}

AlertImportResult MonitoringService::ImportAlerts(const Caller& caller, AlertKind kind, int year,
                                                  const std::string& path, bool skip_unmatched) {
  AlertImportOptions options;
  options.skip_unmatched = skip_unmatched;
  auto reader = io::OpenTable(path);
  return ImportAlerts(caller, kind, year, *reader, path, options);
}

namespace {

enum AlertColumn : size_t { kAlertId, kAlertName, kAlertDate, kAlertAmount, kAlertNote };

// The roster read and every cell checked (problems by row and column); the valid ID numbers
// with the record they are on, and each record's date and amount.
struct AlertRows {
  dataio::SheetData sheet;
  std::vector<dataio::ImportProblem> problems;
  std::vector<std::string> numbers;
  std::vector<size_t> number_row;  // index into sheet.records
  std::vector<std::optional<Fen>> amounts;
  std::vector<std::string> dates;
};

AlertRows ReadAlertRows(const std::vector<dataio::SheetColumn>& cols, io::TableReader& table, int year,
                        const Date& today) {
  AlertRows a{dataio::ReadSheet(cols, table), {}, {}, {}, {}, {}};
  a.problems = a.sheet.problems;
  if (!a.problems.empty()) dataio::ThrowRefusal(a.problems);  // the header: no row is read
  a.amounts.resize(a.sheet.records.size());
  a.dates.resize(a.sheet.records.size());
  for (size_t i = 0; i < a.sheet.records.size(); ++i) {
    dataio::SheetRow row(cols, a.sheet, a.sheet.records[i], a.problems);
    if (auto id = row.IdNumber(kAlertId, today)) {
      a.numbers.push_back(*id);
      a.number_row.push_back(i);
    }
    if (auto d = row.DateValue(kAlertDate)) {
      if (d->year != year) row.Problem(kAlertDate, d->ToString(), "不在 " + std::to_string(year) + " 年内");
      else if (*d > today) row.Problem(kAlertDate, d->ToString(), "日期在今天之后");
      a.dates[i] = d->ToString();
    }
    a.amounts[i] = row.Yuan(kAlertAmount);
    if (a.amounts[i] == 0) row.Problem(kAlertAmount, a.sheet.records[i].cells[kAlertAmount], "金额应大于0");
  }
  return a;
}

// The rows whose person is in the registry and in a household, as alerts (with the file row);
// the others are problems, or skipped rows when unmatched numbers are skipped.
std::vector<std::pair<size_t, AlertRecord>> MatchAlerts(const std::vector<dataio::SheetColumn>& cols, AlertRows& a,
                                                        const std::vector<std::optional<int64_t>>& found,
                                                        const std::map<int64_t, PersonHome>& homes, AlertKind kind,
                                                        int year, const AlertImportOptions& options,
                                                        AlertImportResult& result) {
  std::vector<std::pair<size_t, AlertRecord>> records;
  for (size_t k = 0; k < found.size(); ++k) {
    const dataio::SheetRecord& r = a.sheet.records[a.number_row[k]];
    dataio::SheetRow row(cols, a.sheet, r, a.problems);
    if (!found[k]) {
      if (options.skip_unmatched && !options.skip_invalid) result.skipped_rows.push_back(static_cast<int64_t>(r.row));
      else row.Problem(kAlertId, MaskIdNumber(a.numbers[k]), "登记库中没有此身份证号");
      continue;
    }
    const PersonHome& home = homes.at(*found[k]);
    if (const std::string name = r.cells[kAlertName]; !name.empty() && name != home.name) {
      row.Problem(kAlertName, name, "与登记库中此身份证号的姓名“" + home.name + "”不符");
    }
    if (home.household_id == 0) {
      row.Problem(kAlertId, MaskIdNumber(a.numbers[k]), "此人目前不属于任何户");
      continue;
    }
    const size_t i = a.number_row[k];
    records.push_back({r.row, {kind, year, *found[k], a.dates[i], a.amounts[i], r.cells[kAlertNote]}});
  }
  return records;
}

// The import and its alerts, one statement prepared for all rows.
int64_t WriteAlerts(store::Connection& db, const Caller& caller, const AlertImportResult& result,
                    const std::string& path, const std::vector<std::pair<size_t, AlertRecord>>& records,
                    const std::map<int64_t, PersonHome>& homes, int64_t now) {
  auto imp = db.Prepare(
      "INSERT INTO monitoring_alert_imports (kind, year, file_name, rows, skipped, imported_by, imported_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  imp->BindText(1, result.kind);
  imp->BindInt(2, result.year);
  imp->BindText(3, path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1));
  imp->BindInt(4, result.rows);
  imp->BindInt(5, static_cast<int64_t>(result.skipped_rows.size()));
  imp->BindText(6, caller.user_name);
  imp->BindInt(7, now);
  imp->Step();
  const int64_t import_id = imp->Int(0);
  imp->Reset();
  auto ins = db.Prepare(
      "INSERT INTO monitoring_alerts (import_id, kind, year, person_id, household_id, date, amount, note, source_row)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  size_t k = 0;
  for (const auto& [_, a] : records) {
    ins->BindInt(1, import_id);
    ins->BindText(2, result.kind);
    ins->BindInt(3, result.year);
    ins->BindInt(4, a.person_id);
    ins->BindInt(5, homes.at(a.person_id).household_id);
    ins->BindText(6, a.date);
    ins->BindOptionalInt(7, a.amount);
    ins->BindText(8, a.note);
    ins->BindInt(9, static_cast<int64_t>(k++));
    ins->Run();
  }
  return import_id;
}

}  // namespace

AlertImportResult MonitoringService::ImportAlerts(const Caller& caller, AlertKind kind, int year,
                                                  io::TableReader& table, const std::string& path,
                                                  const AlertImportOptions& options) {
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  // A sector department hands in its own roster (it writes rosters); the
  // offices and cadres who write monitoring records import them too.
  internal::RequireAbility(db_, clock_, caller, access::Ability::kImportAlerts, caller.area_scope, "monitoring_alerts",
                           std::string(RoleName(caller.role)) + " may not import department alerts");
  // A department (it writes rosters, not monitoring records) is checked as a roster's writer.
  const bool department = !access::Can(caller, access::Ability::kWriteMonitoring);
  // Read the file (the one sheet reader) and check every cell, then match
  // every valid number in one bulk lookup.
  const std::vector<dataio::SheetColumn>& cols = AlertSheet(kind);
  AlertRows rows = ReadAlertRows(cols, table, year, clock_.Today());
  const auto found = registry::LookupPersonsByIdNumber(db_, access::CurrentProtector(), rows.numbers);
  std::vector<int64_t> person_ids;
  for (const auto& f : found) {
    if (f) person_ids.push_back(*f);
  }
  const auto homes = Homes(db_, person_ids);
  AlertImportResult result;
  result.kind = WireOf(AlertKindTerms(), kind);
  result.year = year;
  result.rows = static_cast<int64_t>(rows.sheet.records.size());
  auto records = MatchAlerts(cols, rows, found, homes, kind, year, options, result);
  std::vector<dataio::ImportProblem>& problems = rows.problems;
  std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) { return a.row < b.row; });
  const dataio::SheetPolicy policy{options.skip_invalid};
  if (policy.Refuses(problems, rows.sheet.header_row)) dataio::ThrowRefusal(problems);
  const std::set<size_t> bad = dataio::SheetPolicy::BadRows(problems);
  std::erase_if(records, [&](const auto& r) { return bad.contains(r.first); });
  std::set<std::string> villages;
  for (const auto& [_, a] : records) villages.insert(homes.at(a.person_id).village);
  result.rejected_rows = static_cast<int64_t>(bad.size());
  result.problems = std::move(problems);
  for (const auto& v : villages) {
    if (department) {
      access::Audit audit(db_, clock_);
      access::Guard(audit).RequireWrite(caller, access::Resource::kRoster, {v, std::nullopt, "monitoring_alerts"});
    } else {
      internal::Require(db_, clock_, caller, access::Access::kWrite, v, std::nullopt, "monitoring_alerts");
    }
  }
  result.imported = static_cast<int64_t>(records.size());
  if (options.dry_run) {
    result.dry_run = true;
    return result;
  }
  store::Transaction tx(db_);
  result.import_id = WriteAlerts(db_, caller, result, path, records, homes, clock_.NowSeconds());
  access::RecordChange(db_, clock_, caller, "monitoring.alerts_import",
                        "monitoring_alert_import/" + std::to_string(result.import_id), caller.area_scope, nullptr,
                        {{"kind", result.kind}, {"year", year}, {"rows", result.rows}, {"imported", result.imported},
                         {"skipped_rows", result.skipped_rows}, {"rejected_rows", result.rejected_rows}});
  tx.Commit();
  return result;
}

int64_t MonitoringService::RecordAlerts(const Caller& caller, const std::vector<AlertRecord>& alerts,
                                        const std::string& source_name) {
  std::vector<int64_t> ids;
  ids.reserve(alerts.size());
  for (const auto& a : alerts) ids.push_back(a.person_id);
  const auto homes = Homes(db_, ids);
  Problems problems;
  std::set<std::string> villages;
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string p = "/" + std::to_string(i);
    auto it = homes.find(alerts[i].person_id);
    if (it == homes.end() || it->second.household_id == 0) problems.Add(p + "/person_id", "no person in a household");
    else villages.insert(it->second.village);
    if (!Date::Parse(alerts[i].date)) problems.Add(p + "/date", "'" + alerts[i].date + "' is not a date");
  }
  problems.ThrowIfAny("invalid alerts");
  for (const auto& v : villages) {
    internal::Require(db_, clock_, caller, access::Access::kWrite, v, std::nullopt, "monitoring_alerts");
  }
  store::Transaction tx(db_);
  auto ins = db_.Prepare(
      "INSERT INTO monitoring_alerts (import_id, kind, year, person_id, household_id, date, amount, note, source_row)"
      " VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?)");
  int64_t n = 0;
  for (const auto& a : alerts) {
    ins->BindText(1, WireOf(AlertKindTerms(), a.kind));
    ins->BindInt(2, a.year);
    ins->BindInt(3, a.person_id);
    ins->BindInt(4, homes.at(a.person_id).household_id);
    ins->BindText(5, a.date);
    ins->BindOptionalInt(6, a.amount);
    ins->BindText(7, a.note);
    ins->BindInt(8, n++);
    ins->Run();
  }
  access::RecordChange(db_, clock_, caller, "monitoring.alerts_record", "monitoring_alerts", caller.area_scope,
                        nullptr, {{"source", source_name}, {"alerts", n}});
  tx.Commit();
  return n;
}

std::vector<Alert> MonitoringService::ListAlerts(const Caller& caller, int year, const std::string& area_code) {
  const std::string area = internal::ResolveArea(db_, caller, area_code);
  RequireReader(db_, clock_, caller, area, "monitoring_alerts");
  auto s = db_.Prepare(
      "SELECT a.id, a.kind, a.year, a.person_id, a.household_id, h.number, a.date, a.amount, a.note"
      " FROM monitoring_alerts a JOIN households h ON h.id = a.household_id"
      " WHERE a.year = ? AND h.village_code >= ? AND h.village_code < ? ORDER BY a.id");
  s->BindInt(1, year);
  s->BindText(2, area);
  s->BindText(3, internal::SubtreeEnd(area));
  std::vector<Alert> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->Text(1), static_cast<int>(s->Int(2)), s->Int(3), s->Int(4), s->Text(5), s->Text(6),
                   s->OptionalInt(7), s->Text(8)});
  }
  return out;
}

// ---- scan -------------------------------------------------------------------

namespace {

struct Facts {
  int members = 0;
  Fen net = 0;
  bool has = false;
  Fen PerCapita() const { return fupin::PerCapita(net, members); }
};

struct HouseholdScan {
  std::string number, village;
  Facts now, before;
  int current_members = 0;
  Fen spending = 0;                       // recorded rigid spending
  Fen medical = 0, disaster = 0;          // alert amounts
  int unemployment_alerts = 0;
  int lost_work = 0;                      // members employed last year and unemployed this year
  std::set<int64_t> alert_persons;
};

using Households = std::map<int64_t, HouseholdScan>;

// The households of the area with their income of the year and the year before.
Households ReadHouseholds(store::Connection& db, const std::string& area, int year) {
  Households hs;
  auto s = db.Prepare("SELECT id, number, village_code FROM households WHERE village_code >= ? AND village_code < ?");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  while (s->Step()) {
    auto& h = hs[s->Int(0)];
    h.number = s->Text(1);
    h.village = s->Text(2);
  }
  auto y = db.Prepare(
      "SELECT y.household_id, y.year, y.members,"
      " y.wage_income + y.production_income + y.property_income + y.transfer_income - y.production_cost"
      " FROM household_years y JOIN households h ON h.id = y.household_id"
      " WHERE h.village_code >= ? AND h.village_code < ? AND y.year IN (?, ?)");
  y->BindText(1, area);
  y->BindText(2, internal::SubtreeEnd(area));
  y->BindInt(3, year);
  y->BindInt(4, year - 1);
  while (y->Step()) {
    auto it = hs.find(y->Int(0));
    if (it == hs.end()) continue;
    Facts& f = y->Int(1) == year ? it->second.now : it->second.before;
    f.has = true;
    f.members = static_cast<int>(y->Int(2));
    f.net = y->Int(3);
  }
  return hs;
}

// Members at the end of the year, and those employed last year and unemployed this year.
void CountMembers(store::Connection& db, const std::string& area, int year, Households& hs) {
  auto s = db.Prepare(
      "SELECT m.household_id, m.person_id, py.year, py.employment FROM memberships m"
      " JOIN households h ON h.id = m.household_id"
      " LEFT JOIN person_years py ON py.person_id = m.person_id AND py.year IN (?3, ?4)"
      " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND m.start_date <= ?5"
      " AND (m.end_date IS NULL OR m.end_date > ?5) ORDER BY m.household_id, m.person_id");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  s->BindInt(3, year);
  s->BindInt(4, year - 1);
  s->BindText(5, Date{year, 12, 31}.ToString());
  int64_t last_person = -1;
  std::string prev, cur;
  int64_t household = -1;
  auto flush = [&]() {
    if (last_person < 0) return;
    auto it = hs.find(household);
    if (it == hs.end()) return;
    ++it->second.current_members;
    if (IsEmployed(prev) && cur == "unemployed") ++it->second.lost_work;
  };
  while (s->Step()) {
    const int64_t person = s->Int(1);
    if (person != last_person) {
      flush();
      last_person = person;
      household = s->Int(0);
      prev.clear();
      cur.clear();
    }
    if (!s->IsNull(2)) (s->Int(2) == year ? cur : prev) = s->IsNull(3) ? "" : s->Text(3);
  }
  flush();
}

// The rigid spending recorded for the year and the departments' alerts.
void AddSpendingAndAlerts(store::Connection& db, const std::string& area, int year, Households& hs) {
  auto s = db.Prepare(
      "SELECT x.household_id, SUM(x.amount) FROM monitoring_spending x JOIN households h ON h.id = x.household_id"
      " WHERE x.year = ? AND h.village_code >= ? AND h.village_code < ? GROUP BY x.household_id");
  s->BindInt(1, year);
  s->BindText(2, area);
  s->BindText(3, internal::SubtreeEnd(area));
  while (s->Step()) {
    if (auto it = hs.find(s->Int(0)); it != hs.end()) it->second.spending = s->Int(1);
  }
  auto a = db.Prepare(
      "SELECT a.household_id, a.kind, a.amount, a.person_id FROM monitoring_alerts a"
      " JOIN households h ON h.id = a.household_id"
      " WHERE a.year = ? AND h.village_code >= ? AND h.village_code < ?");
  a->BindInt(1, year);
  a->BindText(2, area);
  a->BindText(3, internal::SubtreeEnd(area));
  while (a->Step()) {
    auto it = hs.find(a->Int(0));
    if (it == hs.end()) continue;
    const auto kind = internal::Stored<AlertKind>(AlertKindTerms(), a->Text(1), "monitoring_alerts.kind");
    const Fen amount = a->IsNull(2) ? 0 : a->Int(2);
    HouseholdScan& h = it->second;
    switch (kind) {
      case AlertKind::kMedical: h.medical += amount; break;
      case AlertKind::kDisaster: h.disaster += amount; break;
      case AlertKind::kUnemployment:
        if (h.alert_persons.insert(a->Int(3)).second) ++h.unemployment_alerts;
        break;
    }
  }
}

// Household id -> its open case.
std::map<int64_t, int64_t> OpenCasesOf(store::Connection& db, const std::string& area) {
  std::map<int64_t, int64_t> open_case;
  auto s = db.Prepare(
      "SELECT c.household_id, c.id FROM monitoring_cases c WHERE c.village_code >= ? AND c.village_code < ?"
      " AND c.status IN (?, ?)");
  s->BindText(1, area);
  s->BindText(2, internal::SubtreeEnd(area));
  s->BindText(3, internal::Wire(CaseStatus::kIdentifying));
  s->BindText(4, internal::Wire(CaseStatus::kMonitored));
  while (s->Step()) open_case[s->Int(0)] = s->Int(1);
  return open_case;
}

// The rules in force (each off, or on with its threshold) and the other modules' signals.
struct ScanRules {
  bool below_on = false, drop_on = false, rigid_on = false, job_on = false, loan_on = false, dividend_on = false,
       self_on = false;
  double below_factor = 0, drop_percent = 0, drop_ceiling = 0, rigid_percent = 0, job_members = 0, loan_count = 0,
         dividend_count = 0, self_count = 0;
  industry::RiskSignals signals;          // jobs lost, loans overdue, dividends stopped (issue 21)
  std::unordered_map<int64_t, int64_t> self_reported;  // households' own applications, grievances of being left out (issue 23)
};

ScanRules LoadRules(store::Connection& db, const internal::ParameterValues& params, const std::string& area,
                    int year) {
  ScanRules r;
  auto rule = [&](RiskRule which, bool& on, double& value) {
    const std::string name = RuleName(which);
    on = params.Enabled(name);
    value = on ? params.Number(name) : 0;
  };
  rule(RiskRule::kIncomeBelowLine, r.below_on, r.below_factor);
  rule(RiskRule::kIncomeDrop, r.drop_on, r.drop_percent);
  r.drop_ceiling = r.drop_on ? params.Number("income_drop_below_factor") : 0;
  rule(RiskRule::kRigidSpending, r.rigid_on, r.rigid_percent);
  rule(RiskRule::kJobLoss, r.job_on, r.job_members);
  r.signals = industry::ScanSignals(db, area, year);
  rule(RiskRule::kOverdueLoan, r.loan_on, r.loan_count);
  rule(RiskRule::kDividendsStopped, r.dividend_on, r.dividend_count);
  r.self_reported = grievance::SelfReportedHouseholds(db, area, year);
  rule(RiskRule::kSelfApplication, r.self_on, r.self_count);
  return r;
}

// The income rules: per-capita income below the line, or fallen far.
void IncomeHits(const HouseholdScan& h, Fen line, const ScanRules& r, std::vector<RiskHit>& hits) {
  if (r.below_on && h.now.has) {
    const Fen limit = static_cast<Fen>(static_cast<double>(line) * r.below_factor);
    if (h.now.PerCapita() < limit) {
      hits.push_back(Hit(RiskRule::kIncomeBelowLine,
                      {{"per_capita_income", internal::YuanText(h.now.PerCapita())}, {"line", internal::YuanText(limit)}}));
    }
  }
  if (r.drop_on && h.now.has && h.before.has && h.before.PerCapita() > 0) {
    const double fall = static_cast<double>(h.before.PerCapita() - h.now.PerCapita()) * 100.0 /
                        static_cast<double>(h.before.PerCapita());
    const double ceiling = static_cast<double>(line) * r.drop_ceiling;
    if (fall >= r.drop_percent && static_cast<double>(h.now.PerCapita()) < ceiling) {
      hits.push_back(Hit(RiskRule::kIncomeDrop,
                      {{"per_capita_income_before", internal::YuanText(h.before.PerCapita())},
                       {"per_capita_income", internal::YuanText(h.now.PerCapita())},
                       {"fall_percent", internal::PercentText(fall)},
                       {"threshold_percent", internal::PercentText(r.drop_percent)}}));
    }
  }
}

// Rigid spending (recorded, and the medical and disaster alerts) against the net income.
void SpendingHit(const HouseholdScan& h, const ScanRules& r, std::vector<RiskHit>& hits) {
  const Fen rigid = h.spending + h.medical + h.disaster;
  if (!r.rigid_on || rigid <= 0) return;
  const Fen net = h.now.has ? h.now.net : (h.before.has ? h.before.net : 0);
  const bool fires = net <= 0 || static_cast<double>(rigid) * 100.0 >= r.rigid_percent * static_cast<double>(net);
  if (!fires) return;
  std::vector<std::pair<std::string, std::string>> values = {{"rigid_spending", internal::YuanText(rigid)},
                                                             {"net_income", internal::YuanText(net)}};
  if (net > 0) {
    values.push_back({"spending_percent", internal::PercentText(static_cast<double>(rigid) * 100.0 / static_cast<double>(net))});
  }
  values.push_back({"threshold_percent", internal::PercentText(r.rigid_percent)});
  if (h.medical > 0) values.push_back({"medical_alert", internal::YuanText(h.medical)});
  if (h.disaster > 0) values.push_back({"disaster_alert", internal::YuanText(h.disaster)});
  if (h.spending > 0) values.push_back({"recorded_spending", internal::YuanText(h.spending)});
  hits.push_back(Hit(RiskRule::kRigidSpending, values));
}

// Work lost (registry, alerts, worker records), loans overdue, dividends stopped, the household's own word.
void SignalHits(int64_t id, const HouseholdScan& h, const ScanRules& r, std::vector<RiskHit>& hits) {
  const auto jobs = r.signals.lost_jobs.find(id);
  const int64_t worker_lost = jobs == r.signals.lost_jobs.end() ? 0 : jobs->second;
  const int64_t lost = std::max({int64_t{h.lost_work}, int64_t{h.unemployment_alerts}, worker_lost});
  if (r.job_on && lost > 0 && static_cast<double>(lost) >= r.job_members) {
    hits.push_back(Hit(RiskRule::kJobLoss,
                    {{"members_lost_work", std::to_string(lost)},
                     {"unemployment_alerts", std::to_string(h.unemployment_alerts)},
                     {"registry_employed_to_unemployed", std::to_string(h.lost_work)},
                     {"worker_records_employed_to_not", std::to_string(worker_lost)}}));
  }
  if (const auto l = r.signals.overdue_loans.find(id);
      r.loan_on && l != r.signals.overdue_loans.end() && static_cast<double>(l->second.first) >= r.loan_count) {
    hits.push_back(Hit(RiskRule::kOverdueLoan,
                    {{"overdue_loans", std::to_string(l->second.first)}, {"owed", internal::YuanText(l->second.second)}}));
  }
  if (const auto d = r.signals.stopped_dividends.find(id);
      r.dividend_on && d != r.signals.stopped_dividends.end() && static_cast<double>(d->second) >= r.dividend_count) {
    hits.push_back(Hit(RiskRule::kDividendsStopped, {{"entities_stopped", std::to_string(d->second)}}));
  }
  if (const auto a = r.self_reported.find(id);
      r.self_on && a != r.self_reported.end() && static_cast<double>(a->second) >= r.self_count) {
    hits.push_back(Hit(RiskRule::kSelfApplication, {{"applications", std::to_string(a->second)}}));
  }
}

// Registered households are unstable; the others sudden (a hardship struck) or marginal.
Category CategoryOf(std::optional<registry::HouseholdState> status, const std::vector<RiskHit>& hits) {
  if (status == registry::HouseholdState::kExited || status == registry::HouseholdState::kPoor) {
    return Category::kUnstable;
  }
  for (const auto& hit : hits) {
    if (hit.rule == RiskRule::kRigidSpending || hit.rule == RiskRule::kJobLoss) return Category::kSudden;
  }
  return Category::kMarginal;
}

// The monitoring line of each province, looked up once.
class ProvinceLines {
 public:
  ProvinceLines(const internal::Lines& lines, int year) : lines_(lines), year_(year) {}
  Fen For(const std::string& village) {
    const std::string province = village.substr(0, 2);
    auto lp = line_.find(province);
    if (lp == line_.end()) {
      auto t = lines_.For(year_, village);
      if (!t) throw Error::FailedPrecondition("no monitoring line is set for " + std::to_string(year_) + " or before");
      lp = line_.emplace(province, t->line).first;
    }
    return lp->second;
  }

 private:
  const internal::Lines& lines_;
  int year_;
  std::map<std::string, Fen> line_;
};

// A case opened from a scan: risks recorded, sourced from the alerts, the household's word or the data.
int64_t OpenScanCase(store::Statement& ins, store::Statement& step, const Candidate& c, const HouseholdScan& h,
                     const Caller& caller, int year, const std::string& today, int64_t now) {
  bool by_alert = false;
  bool by_self = false;
  nlohmann::json risks = nlohmann::json::array();
  for (const auto& hit : c.hits) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [k, v] : hit.values) values[k] = v;
    risks.push_back({{"rule", RuleName(hit.rule)}, {"values", values}});
    by_alert = by_alert || (hit.rule == RiskRule::kRigidSpending && (h.medical > 0 || h.disaster > 0)) ||
               (hit.rule == RiskRule::kJobLoss && h.unemployment_alerts > 0);
    by_self = by_self || hit.rule == RiskRule::kSelfApplication;
  }
  ins.BindInt(1, c.household_id);
  ins.BindText(2, c.village_code);
  ins.BindInt(3, year);
  ins.BindText(4, internal::Wire(c.category));
  ins.BindText(5, WireOf(CaseSourceTerms(), by_alert  ? CaseSource::kDepartmentAlert
                                             : (by_self ? CaseSource::kSelfReport : CaseSource::kDataAnalysis)));
  ins.BindText(6, risks.dump());
  ins.BindText(7, today);
  ins.BindText(8, today);
  ins.BindText(9, caller.user_name);
  ins.BindInt(10, now);
  ins.BindInt(11, now);
  ins.Step();
  const int64_t case_id = ins.Int(0);
  ins.Reset();
  step.BindInt(1, case_id);
  step.BindText(2, today);
  step.BindText(3, std::string("扫描预警：") + c.hits.front().label_zh);
  step.BindText(4, caller.user_name);
  step.BindText(5, RoleName(caller.role));
  step.BindInt(6, now);
  step.Run();
  return case_id;
}

// The candidates without an open case get one, in one transaction, audited as one entry.
void OpenScanCases(store::Connection& db, const Clock& clock, const Caller& caller, int year, const std::string& area,
                   const Households& hs, ScanResult& result) {
  const int64_t now = clock.NowSeconds();
  const std::string today = clock.Today().ToString();
  store::Transaction tx(db);
  auto ins = db.Prepare(
      "INSERT INTO monitoring_cases (household_id, village_code, year, category, source, risks, note, status, stage,"
      " alert_date, stage_since, opened_by, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, '', '" + internal::Wire(CaseStatus::kIdentifying) + "', '" +
      internal::Wire(ProcedureStep::kHomeCheck) + "', ?, ?, ?, ?, ?) RETURNING id");
  auto step = db.Prepare(
      "INSERT INTO monitoring_case_steps (case_id, step, action, date, note, actor, role, recorded_at)"
      " VALUES (?, '" + internal::Wire(ProcedureStep::kAlert) + "', '" +
      std::string(WireOf(StepOutcomeTerms(), StepOutcome::kDone)) + "', ?, ?, ?, ?, ?)");
  nlohmann::json opened = nlohmann::json::array();
  for (auto& c : result.candidates) {
    if (c.case_id) continue;
    const int64_t case_id = OpenScanCase(*ins, *step, c, hs.at(c.household_id), caller, year, today, now);
    c.case_id = case_id;
    c.opened = true;
    ++result.cases_opened;
    opened.push_back(case_id);
  }
  access::RecordChange(db, clock, caller, "monitoring.scan_open", "monitoring/scan", area, nullptr,
                        {{"year", year}, {"cases_opened", result.cases_opened}, {"case_ids", opened}});
  tx.Commit();
}

}  // namespace

ScanResult MonitoringService::Scan(const Caller& caller, int year, const std::string& area_code, bool open_cases) {
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  const std::string area = internal::ResolveArea(db_, caller, area_code);
  RequireReader(db_, clock_, caller, area, "monitoring/scan");
  if (open_cases) internal::Require(db_, clock_, caller, access::Access::kWrite, area, std::nullopt, "monitoring/scan");
  const auto params = internal::LoadParameters(db_);
  const internal::Lines lines(db_);
  Households hs = ReadHouseholds(db_, area, year);
  const auto status = internal::StatusesOn(db_, area, Date{year, 12, 31}.ToString());
  CountMembers(db_, area, year, hs);
  AddSpendingAndAlerts(db_, area, year, hs);
  const std::map<int64_t, int64_t> open_case = OpenCasesOf(db_, area);
  const ScanRules rules = LoadRules(db_, params, area, year);
  ScanResult result;
  result.year = year;
  result.area_code = area;
  if (auto t = lines.For(year, area)) result.line = t->line;
  ProvinceLines line_of(lines, year);
  for (auto& [id, h] : hs) {
    auto st = status.find(id);
    const auto registry_status = st == status.end() ? std::nullopt : registry::ParseStatus(st->second);
    if (registry_status == registry::HouseholdState::kRemoved || registry_status == registry::HouseholdState::kDeceased) {
      continue;
    }
    ++result.households_scanned;
    const Fen line = line_of.For(h.village);
    Candidate c;
    IncomeHits(h, line, rules, c.hits);
    SpendingHit(h, rules, c.hits);
    SignalHits(id, h, rules, c.hits);
    if (c.hits.empty()) continue;
    c.household_id = id;
    c.household_number = h.number;
    c.village_code = h.village;
    c.registry_status = registry_status ? std::string(registry::StatusName(*registry_status)) : "unregistered";
    c.members = h.now.has ? h.now.members : h.current_members;
    c.category = CategoryOf(registry_status, c.hits);
    if (auto oc = open_case.find(id); oc != open_case.end()) c.case_id = oc->second;
    result.candidates.push_back(std::move(c));
  }
  std::sort(result.candidates.begin(), result.candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.village_code, a.household_number) < std::tie(b.village_code, b.household_number);
  });
  if (open_cases) OpenScanCases(db_, clock_, caller, year, area, hs, result);
  return result;
}

}  // namespace fupin::monitoring
