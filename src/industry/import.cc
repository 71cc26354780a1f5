#include "industry/import.h"

#include <algorithm>
#include <climits>
#include <map>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/error.h"
#include "dataio/clerk_values.h"
#include "industry/industry.h"
#include "industry/statements.h"
#include "io/table.h"
#include "registry/households.h"

namespace fupin::industry {
namespace {

using dataio::CellType;
using dataio::SheetColumn;
using store::Value;

// Column indices of each kind, in the order declared below.
enum PlantingCol : size_t { kPIndustry, kPHousehold, kPYear, kPMu, kPOutput, kPIncome, kPSubsidy, kPDisbursement };
enum LinkCol : size_t { kLEntity, kLHousehold, kLYear, kLKind, kLEarned };
enum WorkerCol : size_t { kWId, kWYear, kWEmployed, kWPlace, kWChannel, kWEmployer, kWMonths, kWIncome, kWTraining, kWReason };
enum PurchaseCol : size_t { kBProduct, kBDate, kBBuyerKind, kBBuyer, kBChannel, kBAmount };
enum LoanCol : size_t { kNHousehold, kNBank, kNAmount, kNIssued, kNDue, kNPurpose, kNEntity, kNSubsidy };

const std::vector<SheetColumn> kPlantings = {
    {"industry", "产业", "industry", true, {"产业名称"}},
    {"household_number", "户编号", "household_number", true},
    {"year", "年度", "year", true, {}, CellType::kInteger},
    {"mu", "种植面积", "mu", true, {"面积"}, CellType::kText, nullptr, "亩"},
    {"output", "产量", "output", false, {}, CellType::kInteger},
    {"income", "收入", "income", false, {}, CellType::kYuan, nullptr, "元"},
    {"subsidy", "奖补", "subsidy", false, {"奖补资金"}, CellType::kYuan, nullptr, "元"},
    {"disbursement_id", "资金支出编号", "disbursement_id", false, {}, CellType::kInteger}};
const std::vector<SheetColumn> kLinks = {
    {"entity_id", "经营主体编号", "entity_id", true, {}, CellType::kInteger},
    {"household_number", "户编号", "household_number", true},
    {"year", "年度", "year", true, {}, CellType::kInteger},
    {"link_kind", "联结方式", "link_kind", true},
    {"earned", "收益", "earned", false, {}, CellType::kYuan, nullptr, "元"}};
const std::vector<SheetColumn> kWorkers = {
    {"id_number", "身份证号", "id_number", true, {"身份证号码"}, CellType::kIdNumber},
    {"year", "年度", "year", true, {}, CellType::kInteger},
    {"employed", "是否就业", "employed", true, {}, CellType::kBool},
    {"place", "就业地点", "place", false},
    {"channel", "就业渠道", "channel", false},
    {"employer", "就业单位", "employer", false},
    {"months", "务工月数", "months", false, {}, CellType::kInteger},
    {"income", "务工收入", "income", false, {}, CellType::kYuan, nullptr, "元"},
    {"training", "培训", "training", false},
    {"reason", "未就业原因", "reason", false}};
const std::vector<SheetColumn> kPurchases = {
    {"product_id", "产品编号", "product_id", true, {}, CellType::kInteger},
    {"date", "购买日期", "date", true, {"日期"}, CellType::kDate},
    {"buyer_kind", "购买方类型", "buyer_kind", true},
    {"buyer", "购买方", "buyer", true},
    {"channel", "购买渠道", "channel", true},
    {"amount", "金额", "amount", true, {}, CellType::kYuan, nullptr, "元"}};
const std::vector<SheetColumn> kLoans = {
    {"household_number", "户编号", "household_number", true},
    {"bank", "贷款银行", "bank", true},
    {"amount", "贷款金额", "amount", true, {}, CellType::kYuan, nullptr, "元"},
    {"issued_on", "放款日期", "issued_on", true, {}, CellType::kDate},
    {"due_on", "到期日期", "due_on", true, {}, CellType::kDate},
    {"purpose", "用途", "purpose", true},
    {"entity_id", "入股经营主体编号", "entity_id", false, {}, CellType::kInteger},
    {"interest_subsidy", "贴息", "interest_subsidy", false, {}, CellType::kYuan, nullptr, "元"}};

// A vocabulary cell: the code or the Chinese label.
std::optional<std::string> TermOf(dataio::SheetRow& row, size_t c, std::span<const Term> terms) {
  const std::string text = dataio::ClerkText(row.Text(c));
  if (text.empty()) return std::nullopt;
  for (const Term& t : terms) {
    if (text == t.wire || text == t.zh) return std::string(t.wire);
  }
  std::string names;
  for (const Term& t : terms) names += (names.empty() ? "" : "、") + std::string(t.zh);
  row.Problem(c, text, "应为 " + names + " 之一");
  return std::nullopt;
}

// What the checks read once for the whole file, in the caller's scope.
struct Lookups {
  std::string scope;
  std::unordered_map<std::string, std::pair<int64_t, std::string>> households;  // number -> (id, village)
  std::map<std::string, int64_t> industries;                                    // name or code -> id
  std::unordered_map<int64_t, std::string> entities;                            // id -> area
  std::unordered_map<int64_t, std::pair<std::string, std::string>> products;    // id -> (area, certified_on)
  std::unordered_map<int64_t, bool> disbursements;
};

void ReadLookups(store::Connection& db, ImportKind kind, Lookups& l) {
  auto scoped = [&](const std::string& text) {
    auto s = db.Prepare(text);
    s->BindText(1, l.scope);
    s->BindText(2, SubtreeEnd(l.scope));
    return s;
  };
  if (kind == ImportKind::kPlantings || kind == ImportKind::kLinks || kind == ImportKind::kLoans) {
    auto s = scoped("SELECT id, number, village_code FROM households WHERE village_code >= ? AND village_code < ?");
    while (s->Step()) l.households[s->Text(1)] = {s->Int(0), s->Text(2)};
  }
  if (kind == ImportKind::kPlantings) {
    auto s = db.Prepare("SELECT id, name, code FROM industries");
    while (s->Step()) {
      l.industries[s->Text(1)] = s->Int(0);
      if (!s->IsNull(2)) l.industries[s->Text(2)] = s->Int(0);
    }
    auto d = db.Prepare("SELECT id FROM fund_disbursements");
    while (d->Step()) l.disbursements[d->Int(0)] = true;
  }
  if (kind == ImportKind::kLinks || kind == ImportKind::kLoans) {
    auto s = db.Prepare("SELECT id, area_code FROM entities");
    while (s->Step()) l.entities[s->Int(0)] = s->Text(1);
  }
  if (kind == ImportKind::kPurchases) {
    auto s = scoped("SELECT id, area_code, certified_on FROM products WHERE area_code >= ? AND area_code < ?");
    while (s->Step()) l.products[s->Int(0)] = {s->Text(1), s->Text(2)};
  }
}

// A household of the scope by its number, else a problem.
std::optional<std::pair<int64_t, std::string>> HouseholdOf(dataio::SheetRow& row, size_t c, const Lookups& l) {
  const std::string number = row.Text(c);
  if (number.empty()) return std::nullopt;
  const auto it = l.households.find(number);
  if (it == l.households.end()) {
    row.Problem(c, number, "没有此户，或不在您的管辖范围内");
    return std::nullopt;
  }
  return it->second;
}

using Rows = std::vector<std::vector<Value>>;

Value Opt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); }

void Bind(store::Statement& s, int index, const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) s.BindInt(index, *i);
  else if (const auto* t = std::get_if<std::string>(&v)) s.BindText(index, *t);
  else if (const auto* d = std::get_if<double>(&v)) s.BindDouble(index, *d);
  else s.BindNull(index);
}

void ReadPlanting(dataio::SheetRow& row, const Lookups& l, Rows& out) {
  std::optional<int64_t> industry;
  if (const std::string name = row.Text(kPIndustry); !name.empty()) {
    const auto it = l.industries.find(name);
    if (it == l.industries.end()) row.Problem(kPIndustry, name, "没有此产业");
    else industry = it->second;
  }
  const auto household = HouseholdOf(row, kPHousehold, l);
  const auto year = row.Integer(kPYear, 2000, 2100);
  std::optional<int64_t> mu;
  if (const std::string text = row.Text(kPMu); !text.empty()) {
    mu = dataio::ReadHundredths(text);
    if (!mu || *mu < 0) row.Problem(kPMu, text, "不是面积（亩，最多两位小数）");
  }
  const auto output = row.Integer(kPOutput, 0, INT64_MAX / 2);
  const auto income = row.Yuan(kPIncome);
  const auto subsidy = row.Yuan(kPSubsidy);
  const auto disbursement = row.Integer(kPDisbursement, 1, INT64_MAX);
  if (disbursement && !l.disbursements.contains(*disbursement)) {
    row.Problem(kPDisbursement, std::to_string(*disbursement), "没有此资金支出");
  }
  if (!industry || !household || !year || !mu || (mu && *mu < 0)) return;
  out.push_back({*industry, household->first, *year, household->second, *mu * 10, output.value_or(0),
                 income.value_or(0), subsidy.value_or(0), Opt(disbursement)});
}

void ReadLink(dataio::SheetRow& row, const Lookups& l, Rows& out) {
  const auto entity = row.Integer(kLEntity, 1, INT64_MAX);
  if (entity && !l.entities.contains(*entity)) row.Problem(kLEntity, std::to_string(*entity), "没有此经营主体");
  const auto household = HouseholdOf(row, kLHousehold, l);
  const auto year = row.Integer(kLYear, 2000, 2100);
  const auto link = TermOf(row, kLKind, LinkKinds());
  const auto earned = row.Yuan(kLEarned);
  if (!entity || !l.entities.contains(*entity) || !household || !year || !link) return;
  out.push_back({*entity, household->first, *year, *link, household->second, earned.value_or(0)});
}

// Workers: the ID numbers are looked up in one batch after the rows are read.
struct WorkerRow {
  size_t row = 0;
  std::string id_number;
  std::vector<Value> values;  // from ?2 on: year, (household, area filled later), employed, place, ...
};

void ReadWorker(dataio::SheetRow& row, const Date& today, std::vector<WorkerRow>& out) {
  const auto id = row.IdNumber(kWId, today);
  const auto year = row.Integer(kWYear, 2000, 2100);
  const auto employed = row.YesNo(kWEmployed);
  const auto place = TermOf(row, kWPlace, WorkPlaces());
  const auto channel = TermOf(row, kWChannel, JobChannels());
  const auto reason = TermOf(row, kWReason, NotEmployedReasons());
  const auto months = row.Integer(kWMonths, 0, 12);
  const auto income = row.Yuan(kWIncome);
  if (employed && *employed && (!place || !channel)) row.RowProblem("已就业的须填就业地点和就业渠道");
  if (employed && !*employed && !reason) row.RowProblem("未就业的须填未就业原因");
  if (employed && !*employed && (place || channel)) row.RowProblem("未就业的不填就业地点和就业渠道");
  if (employed && *employed && reason) row.RowProblem("已就业的不填未就业原因");
  if (!id || !year || !employed) return;
  const bool e = *employed;
  out.push_back({row.row(), *id,
                 {*year, Value(nullptr), Value(nullptr), int64_t{e ? 1 : 0}, e && place ? Value(*place) : Value(nullptr),
                  e && channel ? Value(*channel) : Value(nullptr), row.Text(kWEmployer), months.value_or(0),
                  income.value_or(0), row.Text(kWTraining), !e && reason ? Value(*reason) : Value(nullptr)}});
}

void ReadPurchase(dataio::SheetRow& row, const Lookups& l, Rows& out) {
  const auto product = row.Integer(kBProduct, 1, INT64_MAX);
  const auto date = row.DateValue(kBDate);
  const auto buyer_kind = TermOf(row, kBBuyerKind, BuyerKinds());
  const std::string buyer = row.Text(kBBuyer);
  const auto channel = TermOf(row, kBChannel, PurchaseChannels());
  const auto amount = row.Yuan(kBAmount);
  if (amount && *amount == 0) row.Problem(kBAmount, "0", "金额应大于 0");
  std::optional<std::pair<std::string, std::string>> p;
  if (product) {
    const auto it = l.products.find(*product);
    if (it == l.products.end()) row.Problem(kBProduct, std::to_string(*product), "没有此扶贫产品，或不在您的管辖范围内");
    else p = it->second;
  }
  if (p && date && date->ToString() < p->second) {
    row.Problem(kBDate, date->ToString(), "早于产品认定日期 " + p->second);
    return;
  }
  if (!p || !date || !buyer_kind || buyer.empty() || !channel || !amount || *amount == 0) return;
  out.push_back({date->ToString(), *buyer_kind, buyer, *channel, *product, p->first, *amount});
}

void ReadLoan(dataio::SheetRow& row, const Lookups& l, Rows& out) {
  const auto household = HouseholdOf(row, kNHousehold, l);
  const std::string bank = row.Text(kNBank);
  const auto amount = row.Yuan(kNAmount);
  const auto issued = row.DateValue(kNIssued);
  const auto due = row.DateValue(kNDue);
  const std::string purpose = row.Text(kNPurpose);
  const auto entity = row.Integer(kNEntity, 1, INT64_MAX);
  const auto subsidy = row.Yuan(kNSubsidy);
  if (amount && *amount == 0) row.Problem(kNAmount, "0", "金额应大于 0");
  if (entity && !l.entities.contains(*entity)) row.Problem(kNEntity, std::to_string(*entity), "没有此经营主体");
  if (issued && due && *due <= *issued) row.Problem(kNDue, due->ToString(), "应晚于放款日期");
  if (!household || bank.empty() || !amount || *amount == 0 || !issued || !due || *due <= *issued || purpose.empty()) {
    return;
  }
  if (entity && !l.entities.contains(*entity)) return;
  out.push_back({household->first, household->second, bank, *amount, issued->ToString(), due->ToString(), purpose,
                 Opt(entity), subsidy.value_or(0)});
}

// The workers' persons by ID number (the registry's lookup), then their open
// memberships in the scope; fills household and area, or records a problem.
void ResolveWorkers(store::Connection& db, const Lookups& l, std::vector<WorkerRow>& workers,
                    const std::string& id_header, std::vector<dataio::ImportProblem>& problems) {
  std::vector<std::string> numbers;
  numbers.reserve(workers.size());
  for (const auto& w : workers) numbers.push_back(w.id_number);
  const auto ids = registry::LookupPersonsByIdNumber(db, access::CurrentProtector(), numbers);
  std::unordered_map<int64_t, std::pair<int64_t, std::string>> member;  // person -> (household, village)
  auto s = db.Prepare(
      "SELECT m.person_id, m.household_id, h.village_code FROM memberships m JOIN households h ON h.id = m.household_id"
      " WHERE m.end_date IS NULL AND h.village_code >= ? AND h.village_code < ?");
  s->BindText(1, l.scope);
  s->BindText(2, SubtreeEnd(l.scope));
  while (s->Step()) member[s->Int(0)] = {s->Int(1), s->Text(2)};
  for (size_t i = 0; i < workers.size(); ++i) {
    const auto it = ids[i] ? member.find(*ids[i]) : member.end();
    if (it == member.end()) {
      problems.push_back({workers[i].row, id_header, workers[i].id_number.substr(0, 6) + "********" +
                          workers[i].id_number.substr(14), "没有此人，或其所在户不在您的管辖范围内"});
      continue;
    }
    workers[i].values.insert(workers[i].values.begin(), *ids[i]);
    workers[i].values[2] = it->second.first;
    workers[i].values[3] = it->second.second;
  }
}

// Every row checked against the lookups read once; throws the refusal naming
// every problem, else returns the rows to write (without actor and time).
Rows CheckedRows(store::Connection& db, const Caller& caller, ImportKind kind, const dataio::SheetData& sheet,
                 const Date& today) {
  const auto columns = ImportColumns(kind);
  std::vector<dataio::ImportProblem> problems = sheet.problems;
  Lookups l;
  l.scope = caller.area_scope;
  ReadLookups(db, kind, l);
  Rows rows;
  std::vector<WorkerRow> workers;
  for (const auto& record : sheet.records) {
    dataio::SheetRow row(columns, sheet, record, problems);
    switch (kind) {
      case ImportKind::kPlantings: ReadPlanting(row, l, rows); break;
      case ImportKind::kLinks: ReadLink(row, l, rows); break;
      case ImportKind::kWorkers: ReadWorker(row, today, workers); break;
      case ImportKind::kPurchases: ReadPurchase(row, l, rows); break;
      case ImportKind::kLoans: ReadLoan(row, l, rows); break;
    }
  }
  if (kind == ImportKind::kWorkers) {
    ResolveWorkers(db, l, workers, sheet.column_headers[kWId], problems);
    for (auto& w : workers) rows.push_back(std::move(w.values));
  }
  if (sheet.records.empty() && problems.empty()) problems.push_back({sheet.header_row + 1, "", "", "文件没有数据行"});
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) { return a.row < b.row; });
    throw Error::InvalidArgument(std::to_string(problems.size()) + " 处错误，文件未导入", dataio::RefusalDetails(problems));
  }
  return rows;
}

// One prepared statement for all the rows, inside the caller's transaction.
void WriteRows(store::Connection& db, const Caller& caller, ImportKind kind, Rows& rows, int64_t now) {
  const char* statement = kind == ImportKind::kPlantings ? sql::kUpsertPlanting
                    : kind == ImportKind::kLinks   ? sql::kUpsertLink
                    : kind == ImportKind::kWorkers ? sql::kUpsertWorker
                    : kind == ImportKind::kPurchases ? sql::kInsertPurchase
                                                     : sql::kInsertLoan;
  auto s = db.Prepare(statement);
  for (auto& values : rows) {
    values.emplace_back(caller.user_name);
    values.emplace_back(now);
    for (size_t i = 0; i < values.size(); ++i) Bind(*s, static_cast<int>(i + 1), values[i]);
    s->Step();
    s->Reset();
  }
}

}  // namespace

std::optional<ImportKind> ParseImportKind(std::string_view name) {
  if (name == "plantings") return ImportKind::kPlantings;
  if (name == "links") return ImportKind::kLinks;
  if (name == "workers") return ImportKind::kWorkers;
  if (name == "purchases") return ImportKind::kPurchases;
  if (name == "loans") return ImportKind::kLoans;
  return std::nullopt;
}

const char* ImportKindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kPlantings: return "plantings";
    case ImportKind::kLinks: return "links";
    case ImportKind::kWorkers: return "workers";
    case ImportKind::kPurchases: return "purchases";
    case ImportKind::kLoans: return "loans";
  }
  return "";
}

std::span<const SheetColumn> ImportColumns(ImportKind kind) {
  switch (kind) {
    case ImportKind::kPlantings: return kPlantings;
    case ImportKind::kLinks: return kLinks;
    case ImportKind::kWorkers: return kWorkers;
    case ImportKind::kPurchases: return kPurchases;
    case ImportKind::kLoans: return kLoans;
  }
  return kPlantings;
}

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock) {
  auto reader = io::OpenTable(path);
  ImportOptions options;
  options.file_name = path;
  return Import(db, caller, kind, *reader, options, clock);
}

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, io::TableReader& reader,
                    const ImportOptions& options, const Clock& clock, Progress& progress) {
  // The role first: a caller who may not import learns so before the file is read.
  {
    access::Audit audit(db, clock);
    access::Guard(audit).RequireWrite(caller, access::Resource::kIndustry,
                                      {caller.area_scope, std::nullopt, std::string("industry/import_") + ImportKindName(kind)});
  }
  const auto columns = ImportColumns(kind);
  dataio::SheetData sheet;
  {
    ProgressStage stage(progress, "read", 0);
    sheet = dataio::ReadSheet(columns, reader);
  }
  Rows rows;
  {
    ProgressStage stage(progress, "validate", static_cast<int64_t>(sheet.records.size()));
    rows = CheckedRows(db, caller, kind, sheet, clock.Today());
    stage.Advance(static_cast<int64_t>(sheet.records.size()));
  }
  ImportResult result{ImportKindName(kind), static_cast<int64_t>(rows.size()), options.dry_run};
  if (options.dry_run) return result;
  ProgressStage stage(progress, "store", result.rows);
  store::Transaction tx(db);
  WriteRows(db, caller, kind, rows, clock.NowSeconds());
  const std::string action = std::string("industry.import_") + ImportKindName(kind);
  access::RecordChange(db, clock, caller, action, action, caller.area_scope, nullptr,
                       {{"file", options.file_name}, {"rows", rows.size()}});
  tx.Commit();
  stage.Advance(result.rows);
  return result;
}

}  // namespace fupin::industry
