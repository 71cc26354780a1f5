#include "projects/import.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/text.h"
#include "dataio/clerk_values.h"
#include "dataio/sheet.h"
#include "io/table.h"
#include "projects/projects.h"

namespace fupin::projects {
namespace {

using dataio::CellType;
using dataio::SheetColumn;

// The kinds and levels as the sheet framework's terms (the template's drop-downs).
std::vector<registry::CodeTerm> AsSheetTerms(std::span<const Term> terms) {
  std::vector<registry::CodeTerm> out;
  out.reserve(terms.size());
  for (const auto& t : terms) out.push_back({t.wire, t.zh});
  return out;
}
std::span<const registry::CodeTerm> KindTerms() {
  static const std::vector<registry::CodeTerm> terms = AsSheetTerms(ProjectKinds());
  return terms;
}
std::span<const registry::CodeTerm> LevelTerms() {
  static const std::vector<registry::CodeTerm> terms = AsSheetTerms(ProjectLevels());
  return terms;
}

constexpr const char* kSourceNote =
    "资金来源名称或代码：中央财政专项扶贫资金 central、省级 provincial、市级 municipal、县级 county、"
    "统筹整合涉农资金 integrated、东西部扶贫协作资金 east_west、定点帮扶单位资金 paired_units、"
    "社会捐赠资金 donations、扶贫小额信贷贴息资金 credit_subsidy";

const std::vector<SheetColumn>& Columns(ImportKind kind) {
  static const std::vector<SheetColumn> project_list = {
      {"name", "项目名称", "name", true},
      {"kind", "项目类别", "kind", true, {}, CellType::kTerm, KindTerms},
      {"level", "项目级别", "level", true, {}, CellType::kTerm, LevelTerms},
      {"area_code", "实施地点", "area_code", true, {"区划", "区划代码"}, CellType::kAreaCode, nullptr, {},
       "县、乡镇或村的区划代码"},
      {"start_year", "开始年度", "start_year", true, {}, CellType::kInteger},
      {"end_year", "结束年度", "end_year", true, {}, CellType::kInteger},
      {"implementer", "实施单位", "implementer", true},
      {"source", "资金来源", "source", false, {}, CellType::kText, nullptr, {}, kSourceNote},
      {"budget", "计划金额", "budget", false, {}, CellType::kYuan, nullptr, "元", "填写计划金额时须填资金来源"},
      {"outside_beneficiaries", "区划外受益人数", "outside_beneficiaries", false, {}, CellType::kInteger},
      {"proposed_on", "申报日期", "proposed_on", false, {}, CellType::kDate, nullptr, {}, "不填为今天"},
      {"document_no", "文号", "document_no", false}};
  static const std::vector<SheetColumn> allocations = {
      {"document_no", "文号", "document_no", true},
      {"date", "下达日期", "date", true, {}, CellType::kDate},
      {"year", "年度", "year", true, {}, CellType::kInteger, nullptr, {}, "预算年度"},
      {"source", "资金来源", "source", true, {}, CellType::kText, nullptr, {}, kSourceNote},
      {"area_code", "区划", "area_code", true, {"区划代码"}, CellType::kAreaCode, nullptr, {}, "资金下达到的县、乡镇或村"},
      {"amount", "金额", "amount", true, {}, CellType::kYuan, nullptr, "元"}};
  static const std::vector<SheetColumn> disbursements = {
      {"project_id", "项目编号", "project_id", true, {}, CellType::kInteger},
      {"allocation_id", "资金下达编号", "allocation_id", true, {}, CellType::kInteger},
      {"date", "支出日期", "date", true, {}, CellType::kDate},
      {"amount", "金额", "amount", true, {}, CellType::kYuan, nullptr, "元", "不得超过项目在该笔资金中的余额"},
      {"payee", "收款单位", "payee", true},
      {"purpose", "用途", "purpose", true}};
  switch (kind) {
    case ImportKind::kProjects: return project_list;
    case ImportKind::kAllocations: return allocations;
    case ImportKind::kDisbursements: return disbursements;
  }
  return project_list;
}

const char* KindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kProjects: return "projects";
    case ImportKind::kAllocations: return "allocations";
    case ImportKind::kDisbursements: return "disbursements";
  }
  return "";
}

struct Record {
  size_t row = 0;
  std::map<std::string, std::pair<std::string, std::string>> cells;  // key -> (value, header)
  std::string Get(const std::string& key) const {
    auto it = cells.find(key);
    return it == cells.end() ? "" : it->second.first;
  }
  // The column's header as written in the file.
  std::string Header(const std::string& key) const {
    auto it = cells.find(key);
    return it == cells.end() ? key : it->second.second;
  }
};

// Every problem of a file as the sheet framework words them (the row, the
// column as written, the value, the reason in Chinese); any problem refuses
// the whole file (details "第3行 金额", "“值”：原因", as the other imports).
class FileProblems {
 public:
  void Add(const Record& r, const std::string& key, std::string value, std::string reason) {
    problems_.push_back({r.row, r.Header(key), std::move(value), std::move(reason)});
  }
  void AddRow(size_t row, std::string column, std::string reason) {
    problems_.push_back({row, std::move(column), "", std::move(reason)});
  }
  void ThrowIfAny() const {
    if (problems_.empty()) return;
    throw Error::InvalidArgument(std::to_string(problems_.size()) + " 处错误，文件未导入",
                                 dataio::RefusalDetails(problems_));
  }

 private:
  std::vector<dataio::ImportProblem> problems_;
};

std::vector<Record> ReadRecords(io::TableReader& reader, ImportKind kind, FileProblems& problems) {
  io::Row row;
  std::vector<Record> out;
  dataio::HeaderMatch header;
  const auto& cols = Columns(kind);
  bool have_header = false;
  while (reader.Next(row)) {
    if (!have_header) {
      have_header = true;
      header = dataio::MatchHeader(cols, row);
      for (const auto& h : header.unknown) {
        problems.AddRow(row.number, h, "不认识的列");
      }
      for (size_t c : header.missing) {
        problems.AddRow(row.number, "", "缺少列“" + std::string(cols[c].header_zh) + "”（" + std::string(cols[c].header_en) + "）");
      }
      continue;
    }
    Record r;
    r.row = row.number;
    for (size_t i = 0; i < header.column_of.size(); ++i) {
      if (!header.column_of[i]) continue;
      const std::string key(cols[*header.column_of[i]].key);
      const bool date = key == "date" || key == "proposed_on";
      r.cells[key] = {date ? dataio::DateCellText(row, i, reader.date1904()) : Trim(row.cell(i)), header.headers[i]};
    }
    for (const auto& c : cols) {
      if (c.required && r.Get(std::string(c.key)).empty()) {
        problems.Add(r, std::string(c.key), "", "必填，不能为空");
      }
    }
    out.push_back(std::move(r));
  }
  if (!have_header) problems.AddRow(1, "", "文件是空的：没有表头行");
  return out;
}

std::optional<std::string> ReadVocab(std::span<const Term> terms, const std::string& text) {
  const std::string t = dataio::ClerkText(text);
  for (const auto& term : terms) {
    if (t == term.wire || t == term.zh) return std::string(term.wire);
  }
  return std::nullopt;
}

std::optional<std::string> ReadSource(const std::vector<std::pair<std::string, std::string>>& sources,
                                      const std::string& text) {
  const std::string t = dataio::ClerkText(text);
  for (const auto& [code, label] : sources) {
    if (t == code || t == label) return code;
  }
  return std::nullopt;
}

std::optional<int64_t> Integer(const Record& r, const std::string& key, FileProblems& problems) {
  const std::string v = r.Get(key);
  if (v.empty()) return std::nullopt;
  const auto n = dataio::ReadInteger(v);
  if (!n) problems.Add(r, key, v, "不是整数");
  return n;
}

std::optional<Fen> Amount(const Record& r, const std::string& key, FileProblems& problems) {
  const std::string v = r.Get(key);
  if (v.empty()) return std::nullopt;
  const auto n = dataio::ReadHundredths(v);
  if (!n || *n <= 0) {
    problems.Add(r, key, v, "不是大于 0 的金额（元，最多两位小数）");
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> DateOf(const Record& r, const std::string& key, FileProblems& problems) {
  const std::string v = r.Get(key);
  if (v.empty()) return std::nullopt;
  const auto d = dataio::ReadDate(v);
  if (!d) {
    problems.Add(r, key, v, "不是日期（如 2019-03-01）");
    return std::nullopt;
  }
  return d->ToString();
}

// Every area code of the area tree inside the caller's scope, in one read.
std::set<std::string> KnownAreas(store::Connection& db, const std::string& scope) {
  std::set<std::string> out;
  auto s = db.Prepare("SELECT code FROM areas WHERE code >= ? AND code < ? AND level >= 3");
  s->BindText(1, scope);
  s->BindText(2, SubtreeEnd(scope));
  while (s->Step()) out.insert(s->Text(0));
  return out;
}

// Project lists are writes of projects; allocations and disbursements writes
// of funds (the offices and the finance department).
void RequireWriteAreas(store::Connection& db, const Clock& clock, const Caller& caller, ImportKind kind,
                       const std::set<std::string>& areas) {
  access::Audit audit(db, clock);
  access::Guard guard(audit);
  for (const auto& a : areas) {
    const access::Target target{a, std::nullopt, "projects/import"};
    if (kind == ImportKind::kProjects) guard.RequireWrite(caller, access::Resource::kProjects, target);
    else access::RequireInScope(audit, caller, access::Ability::kWriteFunds, target);
  }
}

// A row of a project list or an allocation sheet, checked.
struct ListRow {
  std::string name, kind, level, area, implementer, source, date, document;
  int64_t start = 0, end = 0, outside = 0;
  Fen amount = 0;
};

void CheckProjectCells(const Record& r, const Clock& clock, ListRow& x, FileProblems& problems) {
  x.name = r.Get("name");
  x.implementer = r.Get("implementer");
  if (auto k = ReadVocab(ProjectKinds(), r.Get("kind"))) x.kind = *k;
  else if (!r.Get("kind").empty()) problems.Add(r, "kind", r.Get("kind"), "不是项目类别");
  if (auto l = ReadVocab(ProjectLevels(), r.Get("level"))) x.level = *l;
  else if (!r.Get("level").empty()) problems.Add(r, "level", r.Get("level"), "不是项目级别（省级、市级、县级）");
  x.start = Integer(r, "start_year", problems).value_or(0);
  x.end = Integer(r, "end_year", problems).value_or(0);
  if (x.start && (x.start < 2000 || x.start > 2100)) problems.Add(r, "start_year", r.Get("start_year"), "不在 2000 至 2100 年之间");
  if (x.end && (x.end < x.start || x.end > 2100)) problems.Add(r, "end_year", r.Get("end_year"), "早于开始年度或晚于 2100 年");
  x.outside = Integer(r, "outside_beneficiaries", problems).value_or(0);
  if (x.outside < 0) problems.Add(r, "outside_beneficiaries", r.Get("outside_beneficiaries"), "不能为负数");
  x.amount = r.Get("budget").empty() ? 0 : Amount(r, "budget", problems).value_or(0);
  if (x.amount > 0 && x.source.empty()) problems.Add(r, "source", "", "填写计划金额时须填资金来源");
  x.date = DateOf(r, "proposed_on", problems).value_or(clock.Today().ToString());
}

// Checks every row of a project list or an allocation sheet; the areas they name in `areas`.
std::vector<ListRow> CheckListRows(store::Connection& db, const Caller& caller, ImportKind kind,
                                   const std::vector<Record>& records, const Clock& clock,
                                   std::set<std::string>& areas, FileProblems& problems) {
  const std::set<std::string> known = KnownAreas(db, caller.area_scope);
  const auto sources = FundSources(db);
  std::vector<ListRow> rows;
  for (const auto& r : records) {
    ListRow x;
    const std::string area_text = r.Get("area_code");
    const auto area = NormalizeAreaCode(dataio::ClerkText(area_text));
    if (!area || !known.contains(*area)) {
      problems.Add(r, "area_code", area_text, "不是您范围内的县、乡镇或村");
    } else {
      x.area = *area;
      areas.insert(*area);
    }
    if (const std::string s = r.Get("source"); !s.empty()) {
      if (auto code = ReadSource(sources, s)) x.source = *code;
      else problems.Add(r, "source", s, "不是资金来源");
    }
    x.document = r.Get("document_no");
    if (kind == ImportKind::kAllocations) {
      x.amount = Amount(r, "amount", problems).value_or(0);
      x.date = DateOf(r, "date", problems).value_or("");
      x.start = Integer(r, "year", problems).value_or(0);
      if (x.start && (x.start < 2000 || x.start > 2100)) problems.Add(r, "year", r.Get("year"), "不在 2000 至 2100 年之间");
    } else {
      CheckProjectCells(r, clock, x, problems);
    }
    rows.push_back(std::move(x));
  }
  return rows;
}

int64_t WriteAllocations(store::Connection& db, const std::vector<ListRow>& rows, const std::string& actor, int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO fund_allocations (document_no, date, year, source, area_code, amount_fen, recorded_by,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  int64_t added = 0;
  for (const auto& x : rows) {
    s->BindText(1, x.document);
    s->BindText(2, x.date);
    s->BindInt(3, x.start);
    s->BindText(4, x.source);
    s->BindText(5, x.area);
    s->BindInt(6, x.amount);
    s->BindText(7, actor);
    s->BindInt(8, now);
    added += s->Run();
    s->Reset();
  }
  return added;
}

int64_t WriteProjects(store::Connection& db, const std::vector<ListRow>& rows, const std::string& actor, int64_t now) {
  const std::string proposed = SqlWire(ProjectSteps(), ProjectStatus::kProposed);
  auto p = db.Prepare(
      "INSERT INTO projects (name, kind, level, area_code, start_year, end_year, implementer, status,"
      " outside_beneficiaries, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, " + proposed + ", ?, ?, ?)"
      " RETURNING id");
  auto b = db.Prepare("INSERT INTO project_budgets (project_id, source, amount_fen) VALUES (?, ?, ?)");
  auto st = db.Prepare(
      "INSERT INTO project_steps (project_id, step, date, actor, document_no, note, recorded_at)"
      " VALUES (?, " + proposed + ", ?, ?, ?, 'import', ?)");
  int64_t added = 0;
  for (const auto& x : rows) {
    p->BindText(1, x.name);
    p->BindText(2, x.kind);
    p->BindText(3, x.level);
    p->BindText(4, x.area);
    p->BindInt(5, x.start);
    p->BindInt(6, x.end);
    p->BindText(7, x.implementer);
    p->BindInt(8, x.outside);
    p->BindInt(9, now);
    p->BindInt(10, now);
    p->Step();
    const int64_t id = p->Int(0);
    p->Reset();
    if (x.amount > 0) {
      b->BindInt(1, id);
      b->BindText(2, x.source);
      b->BindInt(3, x.amount);
      b->Run();
      b->Reset();
    }
    st->BindInt(1, id);
    st->BindText(2, x.date);
    st->BindText(3, actor);
    st->BindText(4, x.document);
    st->BindInt(5, now);
    st->Run();
    st->Reset();
    ++added;
  }
  return added;
}

struct DisbursementRow {
  int64_t project = 0, allocation = 0;
  std::string date, payee, purpose;
  Fen amount = 0;
};

std::vector<DisbursementRow> ReadDisbursementCells(const std::vector<Record>& records, FileProblems& problems) {
  std::vector<DisbursementRow> rows;
  for (const auto& r : records) {
    DisbursementRow x;
    x.project = Integer(r, "project_id", problems).value_or(0);
    x.allocation = Integer(r, "allocation_id", problems).value_or(0);
    x.amount = Amount(r, "amount", problems).value_or(0);
    x.date = DateOf(r, "date", problems).value_or("");
    x.payee = r.Get("payee");
    x.purpose = r.Get("purpose");
    rows.push_back(std::move(x));
  }
  return rows;
}

// Checks each disbursement against what its project has left of its
// allocation, the file's earlier rows included (three grouped reads); the
// projects' areas in `areas`.
void CheckDisbursements(store::Connection& db, const Caller& caller, const std::vector<Record>& records,
                        const std::vector<DisbursementRow>& rows, std::set<std::string>& areas, FileProblems& problems) {
  std::map<int64_t, std::pair<std::string, std::string>> known;  // project id -> (area, status)
  std::map<std::pair<int64_t, int64_t>, std::pair<Fen, Fen>> left;    // (project, allocation) -> (given, spent)
  auto s = db.Prepare("SELECT id, area_code, status FROM projects WHERE area_code >= ? AND area_code < ?");
  s->BindText(1, caller.area_scope);
  s->BindText(2, SubtreeEnd(caller.area_scope));
  while (s->Step()) known[s->Int(0)] = {s->Text(1), s->Text(2)};
  auto g = db.Prepare(
      "SELECT g.project_id, g.allocation_id, sum(g.amount_fen) FROM fund_assignments g JOIN projects p"
      " ON p.id = g.project_id WHERE p.area_code >= ? AND p.area_code < ? GROUP BY g.project_id, g.allocation_id");
  g->BindText(1, caller.area_scope);
  g->BindText(2, SubtreeEnd(caller.area_scope));
  while (g->Step()) left[{g->Int(0), g->Int(1)}].first = g->Int(2);
  auto d = db.Prepare(
      "SELECT d.project_id, d.allocation_id, sum(d.amount_fen) FROM fund_disbursements d JOIN projects p"
      " ON p.id = d.project_id WHERE p.area_code >= ? AND p.area_code < ? GROUP BY d.project_id, d.allocation_id");
  d->BindText(1, caller.area_scope);
  d->BindText(2, SubtreeEnd(caller.area_scope));
  while (d->Step()) left[{d->Int(0), d->Int(1)}].second = d->Int(2);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& x = rows[i];
    const Record& r = records[i];
    const auto p = known.find(x.project);
    if (p == known.end()) {
      problems.Add(r, "project_id", r.Get("project_id"), "您的范围内没有这个项目");
      continue;
    }
    if (p->second.second == "withdrawn") {
      problems.Add(r, "project_id", r.Get("project_id"), "项目已撤销");
      continue;
    }
    areas.insert(p->second.first);
    auto& [given, spent] = left[{x.project, x.allocation}];
    if (x.amount > given - spent) {
      problems.Add(r, "amount", r.Get("amount"),
                   "支出 " + FormatYuan(x.amount) + " 元超出项目 " + std::to_string(x.project) + " 在资金下达 " +
                       std::to_string(x.allocation) + " 中的余额：剩余 " + FormatYuan(given - spent) + " 元（已安排 " +
                       FormatYuan(given) + " 元）");
      continue;
    }
    spent += x.amount;
  }
}

int64_t WriteDisbursements(store::Connection& db, const std::vector<DisbursementRow>& rows, const std::string& actor,
                           int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO fund_disbursements (project_id, allocation_id, date, amount_fen, payee, purpose, recorded_by,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  int64_t added = 0;
  for (const auto& x : rows) {
    s->BindInt(1, x.project);
    s->BindInt(2, x.allocation);
    s->BindText(3, x.date);
    s->BindInt(4, x.amount);
    s->BindText(5, x.payee);
    s->BindText(6, x.purpose);
    s->BindText(7, actor);
    s->BindInt(8, now);
    added += s->Run();
    s->Reset();
  }
  return added;
}

}  // namespace

std::span<const dataio::SheetColumn> ImportColumns(ImportKind kind) { return Columns(kind); }

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
  RequireWriteAreas(db, clock, caller, kind, {caller.area_scope});
  FileProblems problems;
  std::vector<Record> records;
  {
    ProgressStage stage(progress, "read", 0);
    records = ReadRecords(reader, kind, problems);
  }
  problems.ThrowIfAny();
  ImportResult result;
  result.kind = KindName(kind);
  result.rows = static_cast<int64_t>(records.size());
  result.dry_run = options.dry_run;
  std::set<std::string> areas;
  std::vector<ListRow> listed;
  std::vector<DisbursementRow> paid;
  {
    ProgressStage stage(progress, "validate", result.rows);
    if (kind == ImportKind::kDisbursements) {
      paid = ReadDisbursementCells(records, problems);
      problems.ThrowIfAny();
      CheckDisbursements(db, caller, records, paid, areas, problems);
    } else {
      listed = CheckListRows(db, caller, kind, records, clock, areas, problems);
    }
    problems.ThrowIfAny();
    RequireWriteAreas(db, clock, caller, kind, areas);
    stage.Advance(result.rows);
  }
  if (options.dry_run) {
    result.added = result.rows;
    return result;
  }
  ProgressStage stage(progress, "store", result.rows);
  store::Transaction tx(db);
  const int64_t now = clock.NowSeconds();
  switch (kind) {
    case ImportKind::kAllocations: result.added = WriteAllocations(db, listed, caller.user_name, now); break;
    case ImportKind::kProjects: result.added = WriteProjects(db, listed, caller.user_name, now); break;
    case ImportKind::kDisbursements: result.added = WriteDisbursements(db, paid, caller.user_name, now); break;
  }
  access::RecordChange(db, clock, caller, std::string("projects.import_") + result.kind, "projects/import",
                       caller.area_scope, nullptr,
                       {{"file", options.file_name}, {"rows", result.rows}, {"added", result.added}});
  tx.Commit();
  stage.Advance(result.rows);
  return result;
}

}  // namespace fupin::projects
