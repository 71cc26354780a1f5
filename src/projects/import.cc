#include "projects/import.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

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

using dataio::SheetColumn;

const std::vector<SheetColumn>& Columns(ImportKind kind) {
  static const std::vector<SheetColumn> project_list = {
      {"name", "项目名称", "name", true},
      {"kind", "项目类别", "kind", true},
      {"level", "项目级别", "level", true},
      {"area_code", "实施地点", "area_code", true, {"区划", "区划代码"}},
      {"start_year", "开始年度", "start_year", true},
      {"end_year", "结束年度", "end_year", true},
      {"implementer", "实施单位", "implementer", true},
      {"source", "资金来源", "source", false},
      {"budget", "计划金额", "budget", false},
      {"outside_beneficiaries", "区划外受益人数", "outside_beneficiaries", false},
      {"proposed_on", "申报日期", "proposed_on", false},
      {"document_no", "文号", "document_no", false}};
  static const std::vector<SheetColumn> allocations = {
      {"document_no", "文号", "document_no", true},  {"date", "下达日期", "date", true},
      {"year", "年度", "year", true},                {"source", "资金来源", "source", true},
      {"area_code", "区划", "area_code", true, {"区划代码"}}, {"amount", "金额", "amount", true}};
  static const std::vector<SheetColumn> disbursements = {
      {"project_id", "项目编号", "project_id", true}, {"allocation_id", "资金下达编号", "allocation_id", true},
      {"date", "支出日期", "date", true},             {"amount", "金额", "amount", true},
      {"payee", "收款单位", "payee", true},           {"purpose", "用途", "purpose", true}};
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
  std::string Where(const std::string& key) const {
    auto it = cells.find(key);
    return "row " + std::to_string(row) + ", " + (it == cells.end() ? key : it->second.second);
  }
};

std::vector<Record> ReadRecords(const std::string& path, ImportKind kind, Problems& problems) {
  auto reader = io::OpenTable(path);
  io::Row row;
  std::vector<Record> out;
  dataio::HeaderMatch header;
  const auto& cols = Columns(kind);
  bool have_header = false;
  while (reader->Next(row)) {
    if (!have_header) {
      have_header = true;
      header = dataio::MatchHeader(cols, row);
      for (const auto& h : header.unknown) {
        problems.Add("row " + std::to_string(row.number) + ", " + h, "unknown column '" + h + "'");
      }
      for (size_t c : header.missing) {
        problems.Add("row " + std::to_string(row.number),
                     "missing column " + std::string(cols[c].header_zh) + " (" + std::string(cols[c].header_en) + ")");
      }
      continue;
    }
    Record r;
    r.row = row.number;
    for (size_t i = 0; i < header.column_of.size(); ++i) {
      if (!header.column_of[i]) continue;
      const std::string key(cols[*header.column_of[i]].key);
      const bool date = key == "date" || key == "proposed_on";
      r.cells[key] = {date ? dataio::DateCellText(row, i, reader->date1904()) : Trim(row.cell(i)), header.headers[i]};
    }
    for (const auto& c : cols) {
      if (c.required && r.Get(std::string(c.key)).empty()) {
        problems.Add(r.Where(std::string(c.key)), "empty: " + std::string(c.header_zh) + " is required");
      }
    }
    out.push_back(std::move(r));
  }
  if (!have_header) problems.Add("row 1", "the file is empty: no header row");
  return out;
}

std::optional<std::string> ReadVocab(const std::vector<Term>& terms, const std::string& text) {
  const std::string t = dataio::ClerkText(text);
  for (const auto& term : terms) {
    if (t == term.code || t == term.label_zh) return std::string(term.code);
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

std::optional<int64_t> Integer(const Record& r, const std::string& key, Problems& problems) {
  const std::string v = r.Get(key);
  if (v.empty()) return std::nullopt;
  const auto n = dataio::ReadInteger(v);
  if (!n) problems.Add(r.Where(key), "'" + v + "' is not a whole number");
  return n;
}

std::optional<Fen> Amount(const Record& r, const std::string& key, Problems& problems) {
  const std::string v = r.Get(key);
  if (v.empty()) return std::nullopt;
  const auto n = dataio::ReadHundredths(v);
  if (!n || *n <= 0) {
    problems.Add(r.Where(key), "'" + v + "' is not an amount in yuan above 0 (at most two decimals)");
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> DateOf(const Record& r, const std::string& key, Problems& problems) {
  const std::string v = r.Get(key);
  if (v.empty()) return std::nullopt;
  const auto d = dataio::ReadDate(v);
  if (!d) {
    problems.Add(r.Where(key), "'" + v + "' is not a date (YYYY-MM-DD)");
    return std::nullopt;
  }
  return d->ToString();
}

// Every area code of the area tree inside the caller's scope, in one read.
std::set<std::string> KnownAreas(store::Connection& db, const std::string& scope) {
  std::set<std::string> out;
  auto s = db.Prepare("SELECT code FROM areas WHERE code >= ? AND code < ? AND level >= 3");
  s->BindText(1, scope);
  s->BindText(2, scope + ":");
  while (s->Step()) out.insert(s->Text(0));
  return out;
}

void RequireWriteAreas(store::Connection& db, const Clock& clock, const Caller& caller, const std::set<std::string>& areas) {
  access::Audit audit(db, clock);
  access::Guard guard(audit);
  for (const auto& a : areas) guard.RequireWrite(caller, access::Resource::kProjects, {a, std::nullopt, "projects/import"});
}

}  // namespace

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock) {
  if (access::Refusal(caller, access::Access::kWrite, access::Resource::kProjects,
                      {caller.area_scope, std::nullopt, "projects/import"})) {
    RequireWriteAreas(db, clock, caller, {caller.area_scope});
  }
  Problems problems;
  const std::vector<Record> records = ReadRecords(path, kind, problems);
  problems.ThrowIfAny("the file was not imported");
  ImportResult result;
  result.kind = KindName(kind);
  result.rows = static_cast<int64_t>(records.size());
  const auto sources = FundSources(db);
  const std::string actor = caller.user_name;
  const int64_t now = clock.NowSeconds();

  if (kind == ImportKind::kProjects || kind == ImportKind::kAllocations) {
    const std::set<std::string> known = KnownAreas(db, caller.area_scope);
    std::set<std::string> areas;
    struct Row {
      std::string name, kind, level, area, implementer, source, date, document;
      int64_t start = 0, end = 0, outside = 0;
      Fen amount = 0;
    };
    std::vector<Row> rows;
    for (const auto& r : records) {
      Row x;
      const std::string area_text = r.Get("area_code");
      const auto area = NormalizeAreaCode(dataio::ClerkText(area_text));
      if (!area || !known.contains(*area)) {
        problems.Add(r.Where("area_code"), "'" + area_text + "' is not a county, township or village in your scope");
      } else {
        x.area = *area;
        areas.insert(*area);
      }
      if (const std::string s = r.Get("source"); !s.empty()) {
        if (auto code = ReadSource(sources, s)) x.source = *code;
        else problems.Add(r.Where("source"), "'" + s + "' is not a fund source");
      }
      x.document = r.Get("document_no");
      if (kind == ImportKind::kAllocations) {
        x.amount = Amount(r, "amount", problems).value_or(0);
        x.date = DateOf(r, "date", problems).value_or("");
        x.start = Integer(r, "year", problems).value_or(0);
        if (x.start && (x.start < 2000 || x.start > 2100)) problems.Add(r.Where("year"), "is not between 2000 and 2100");
      } else {
        x.name = r.Get("name");
        x.implementer = r.Get("implementer");
        if (auto k = ReadVocab(ProjectKinds(), r.Get("kind"))) x.kind = *k;
        else if (!r.Get("kind").empty()) problems.Add(r.Where("kind"), "'" + r.Get("kind") + "' is not a project kind");
        if (auto l = ReadVocab(ProjectLevels(), r.Get("level"))) x.level = *l;
        else if (!r.Get("level").empty()) problems.Add(r.Where("level"), "'" + r.Get("level") + "' is not a level");
        x.start = Integer(r, "start_year", problems).value_or(0);
        x.end = Integer(r, "end_year", problems).value_or(0);
        if (x.start && (x.start < 2000 || x.start > 2100)) problems.Add(r.Where("start_year"), "is not between 2000 and 2100");
        if (x.end && (x.end < x.start || x.end > 2100)) problems.Add(r.Where("end_year"), "is before the start year or after 2100");
        x.outside = Integer(r, "outside_beneficiaries", problems).value_or(0);
        if (x.outside < 0) problems.Add(r.Where("outside_beneficiaries"), "must not be negative");
        x.amount = r.Get("budget").empty() ? 0 : Amount(r, "budget", problems).value_or(0);
        if (x.amount > 0 && x.source.empty()) problems.Add(r.Where("source"), "a budget names its fund source");
        x.date = DateOf(r, "proposed_on", problems).value_or(clock.Today().ToString());
      }
      rows.push_back(std::move(x));
    }
    problems.ThrowIfAny("the file was not imported");
    RequireWriteAreas(db, clock, caller, areas);
    store::Transaction tx(db);
    if (kind == ImportKind::kAllocations) {
      auto s = db.Prepare(
          "INSERT INTO fund_allocations (document_no, date, year, source, area_code, amount_fen, recorded_by,"
          " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      for (const auto& x : rows) {
        s->BindText(1, x.document);
        s->BindText(2, x.date);
        s->BindInt(3, x.start);
        s->BindText(4, x.source);
        s->BindText(5, x.area);
        s->BindInt(6, x.amount);
        s->BindText(7, actor);
        s->BindInt(8, now);
        result.added += s->Run();
        s->Reset();
      }
    } else {
      auto p = db.Prepare(
          "INSERT INTO projects (name, kind, level, area_code, start_year, end_year, implementer, status,"
          " outside_beneficiaries, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?)"
          " RETURNING id");
      auto b = db.Prepare("INSERT INTO project_budgets (project_id, source, amount_fen) VALUES (?, ?, ?)");
      auto st = db.Prepare(
          "INSERT INTO project_steps (project_id, step, date, actor, document_no, note, recorded_at)"
          " VALUES (?, 'proposed', ?, ?, ?, 'import', ?)");
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
        ++result.added;
      }
    }
    access::RecordChange(db, clock, caller, std::string("projects.import_") + result.kind, "projects/import",
                         caller.area_scope, nullptr, {{"file", path}, {"rows", result.rows}, {"added", result.added}});
    tx.Commit();
    return result;
  }

  // Disbursements: checked against what each project has left of each
  // allocation, the file's earlier rows included.
  struct Row {
    int64_t project = 0, allocation = 0;
    std::string date, payee, purpose;
    Fen amount = 0;
  };
  std::vector<Row> rows;
  for (const auto& r : records) {
    Row x;
    x.project = Integer(r, "project_id", problems).value_or(0);
    x.allocation = Integer(r, "allocation_id", problems).value_or(0);
    x.amount = Amount(r, "amount", problems).value_or(0);
    x.date = DateOf(r, "date", problems).value_or("");
    x.payee = r.Get("payee");
    x.purpose = r.Get("purpose");
    rows.push_back(std::move(x));
  }
  problems.ThrowIfAny("the file was not imported");
  std::map<int64_t, std::pair<std::string, std::string>> known;  // project id -> (area, status)
  std::map<std::pair<int64_t, int64_t>, std::pair<Fen, Fen>> left;    // (project, allocation) -> (given, spent)
  {
    auto s = db.Prepare("SELECT id, area_code, status FROM projects WHERE area_code >= ? AND area_code < ?");
    s->BindText(1, caller.area_scope);
    s->BindText(2, caller.area_scope + ":");
    while (s->Step()) known[s->Int(0)] = {s->Text(1), s->Text(2)};
    auto g = db.Prepare(
        "SELECT g.project_id, g.allocation_id, sum(g.amount_fen) FROM fund_assignments g JOIN projects p"
        " ON p.id = g.project_id WHERE p.area_code >= ? AND p.area_code < ? GROUP BY g.project_id, g.allocation_id");
    g->BindText(1, caller.area_scope);
    g->BindText(2, caller.area_scope + ":");
    while (g->Step()) left[{g->Int(0), g->Int(1)}].first = g->Int(2);
    auto d = db.Prepare(
        "SELECT d.project_id, d.allocation_id, sum(d.amount_fen) FROM fund_disbursements d JOIN projects p"
        " ON p.id = d.project_id WHERE p.area_code >= ? AND p.area_code < ? GROUP BY d.project_id, d.allocation_id");
    d->BindText(1, caller.area_scope);
    d->BindText(2, caller.area_scope + ":");
    while (d->Step()) left[{d->Int(0), d->Int(1)}].second = d->Int(2);
  }
  std::set<std::string> areas;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& x = rows[i];
    const Record& r = records[i];
    const auto p = known.find(x.project);
    if (p == known.end()) {
      problems.Add(r.Where("project_id"), "no project " + std::to_string(x.project) + " in your scope");
      continue;
    }
    if (p->second.second == "withdrawn") {
      problems.Add(r.Where("project_id"), "project " + std::to_string(x.project) + " is withdrawn");
      continue;
    }
    areas.insert(p->second.first);
    auto& [given, spent] = left[{x.project, x.allocation}];
    if (x.amount > given - spent) {
      problems.Add(r.Where("amount"), "spending " + FormatYuan(x.amount) + " yuan exceeds what project " +
                                          std::to_string(x.project) + " has left of allocation " +
                                          std::to_string(x.allocation) + ": " + FormatYuan(given - spent) +
                                          " yuan of " + FormatYuan(given) + " yuan");
      continue;
    }
    spent += x.amount;
  }
  problems.ThrowIfAny("the file was not imported");
  RequireWriteAreas(db, clock, caller, areas);
  store::Transaction tx(db);
  auto s = db.Prepare(
      "INSERT INTO fund_disbursements (project_id, allocation_id, date, amount_fen, payee, purpose, recorded_by,"
      " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& x : rows) {
    s->BindInt(1, x.project);
    s->BindInt(2, x.allocation);
    s->BindText(3, x.date);
    s->BindInt(4, x.amount);
    s->BindText(5, x.payee);
    s->BindText(6, x.purpose);
    s->BindText(7, actor);
    s->BindInt(8, now);
    result.added += s->Run();
    s->Reset();
  }
  access::RecordChange(db, clock, caller, "projects.import_disbursements", "projects/import", caller.area_scope, nullptr,
                       {{"file", path}, {"rows", result.rows}, {"added", result.added}});
  tx.Commit();
  return result;
}

}  // namespace fupin::projects
