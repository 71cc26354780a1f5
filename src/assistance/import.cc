#include "assistance/import.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "access/personal_data.h"
#include "assistance/assistance.h"
#include "assistance/internal.h"
#include "core/area_code.h"
#include "io/table.h"
#include "registry/status.h"
#include "core/text.h"
#include "dataio/sheet.h"

namespace fupin::assistance {
namespace {

struct Cell {
  std::string value;
  std::string header;  // as written in the file
};

struct Record {
  size_t row = 0;
  std::map<std::string, Cell> cells;  // by key
  std::string Get(const std::string& key) const {
    auto it = cells.find(key);
    return it == cells.end() ? "" : it->second.value;
  }
  std::string Header(const std::string& key) const {
    auto it = cells.find(key);
    return it == cells.end() ? key : it->second.header;
  }
};

// Every problem of the file, by row, column, value and reason in Chinese (dataio/sheet.h).
class RowProblems {
 public:
  void Add(const Record& r, const std::string& key, std::string value, std::string reason) {
    items_.push_back({r.row, r.Header(key), std::move(value), std::move(reason)});
  }
  std::vector<dataio::ImportProblem>& items() { return items_; }
  // All or nothing: any problem refuses the file.
  void ThrowIfAny() {
    std::stable_sort(items_.begin(), items_.end(), [](const auto& a, const auto& b) { return a.row < b.row; });
    // (No skip_invalid here, so not dataio::ThrowRefusal, whose message offers it.)
    if (!items_.empty()) {
      throw Error::InvalidArgument(std::to_string(items_.size()) + " 处错误，文件未导入", dataio::RefusalDetails(items_));
    }
  }

 private:
  std::vector<dataio::ImportProblem> items_;
};

// Reads the file (the one sheet reader) into records, dates as YYYY-MM-DD.
std::vector<Record> ReadRecords(const std::string& path, ImportKind kind, RowProblems& problems) {
  auto reader = io::OpenTable(path);
  const auto& cols = ImportSheet(kind);
  const dataio::SheetData sheet = dataio::ReadSheet(cols, *reader);
  problems.items() = sheet.problems;
  std::vector<Record> out;
  for (const auto& rec : sheet.records) {
    Record r;
    r.row = rec.row;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (sheet.header.Has(c)) r.cells[std::string(cols[c].key)] = {rec.cells[c], sheet.column_headers[c]};
    }
    out.push_back(std::move(r));
  }
  return out;
}

void CheckRequired(const Record& r, ImportKind kind, RowProblems& problems) {
  for (const auto& c : ImportSheet(kind)) {
    if (c.required && r.Get(std::string(c.key)).empty()) problems.Add(r, std::string(c.key), "", "必填，不能为空");
  }
}

void CheckDateCell(const Record& r, const std::string& key, RowProblems& problems) {
  const std::string v = r.Get(key);
  if (!v.empty() && !Date::Parse(v)) problems.Add(r, key, v, "不是日期（如 2015-01-01、2015/1/1、2015年1月1日）");
}

// Cadre lookup by code or by name and unit, over every cadre loaded once.
class CadreIndex {
 public:
  explicit CadreIndex(store::Connection& db) {
    auto s = db.Prepare("SELECT id, code, name, unit, left_on FROM cadres");
    while (s->Step()) {
      if (!s->IsNull(1)) by_code_[s->Text(1)] = s->Int(0);
      by_name_unit_[s->Text(2) + '\x1f' + s->Text(3)].push_back(s->Int(0));
      if (!s->IsNull(4)) left_.insert({s->Int(0), s->Text(4)});
    }
  }
  // Cadre id, or nullopt with a problem recorded.
  std::optional<int64_t> Find(const Record& r, const std::string& code_key, const std::string& name_key,
                              const std::string& unit_key, RowProblems& problems) const {
    const std::string code = r.Get(code_key);
    if (!code.empty()) {
      auto it = by_code_.find(code);
      if (it == by_code_.end()) {
        problems.Add(r, code_key, code, "无此干部编号");
        return std::nullopt;
      }
      return Check(r, code_key, code, it->second, problems);
    }
    const std::string name = r.Get(name_key);
    const std::string unit = r.Get(unit_key);
    if (name.empty()) {
      problems.Add(r, name_key, "", "请填写干部姓名和单位，或干部编号");
      return std::nullopt;
    }
    auto it = by_name_unit_.find(name + '\x1f' + unit);
    if (it == by_name_unit_.end()) {
      problems.Add(r, name_key, name, "单位“" + unit + "”中无此干部（请先导入干部）");
      return std::nullopt;
    }
    if (it->second.size() > 1) {
      problems.Add(r, name_key, name,
                   "单位“" + unit + "”中有 " + std::to_string(it->second.size()) + " 名同名干部，请填干部编号");
      return std::nullopt;
    }
    return Check(r, name_key, name, it->second[0], problems);
  }

 private:
  std::optional<int64_t> Check(const Record& r, const std::string& key, const std::string& value, int64_t id,
                               RowProblems& problems) const {
    auto left = left_.find(id);
    if (left != left_.end()) {
      problems.Add(r, key, value, "该干部已于 " + left->second + " 离岗");
      return std::nullopt;
    }
    return id;
  }
  std::map<std::string, int64_t> by_code_;
  std::map<std::string, std::vector<int64_t>> by_name_unit_;
  std::map<int64_t, std::string> left_;
};

bool PlausiblePhone(const std::string& phone) {
  if (phone.size() < 7 || phone.size() > 20) return false;
  return std::all_of(phone.begin(), phone.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' '; });
}

const char* KindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kCadres: return "cadres";
    case ImportKind::kTeams: return "teams";
    case ImportKind::kPairings: return "pairings";
  }
  return "";
}

// A team role by its wire string or Chinese label; empty means member, "" an unknown role.
std::string Role(const std::string& text) {
  if (text.empty()) return WireOf(TeamRoles(), TeamRole::kMember);
  for (const Term& t : TeamRoles()) {
    if (text == t.wire || text == t.zh) return t.wire;
  }
  return "";
}

}  // namespace

// The sheets, declared as data (dataio/sheet.h): key, Chinese and English header, required.
const std::vector<dataio::SheetColumn>& ImportSheet(ImportKind kind) {
  using dataio::CellType;
  using dataio::SheetColumn;
  auto text = [](std::string_view key, std::string_view zh, bool required, std::string_view note = {}) {
    return SheetColumn{.key = key, .header_zh = zh, .header_en = key, .required = required, .note_zh = note};
  };
  auto date = [](std::string_view key, std::string_view zh, bool required) {
    return SheetColumn{.key = key, .header_zh = zh, .header_en = key, .required = required, .type = CellType::kDate};
  };
  static const std::vector<SheetColumn> cadres = {
      text("name", "姓名", true),          text("unit", "单位", true),
      text("position", "职务", false),     text("phone", "电话", false),
      text("code", "干部编号", false, "唯一；结对、工作队可按编号找干部"),
      SheetColumn{.key = "area_code", .header_zh = "区划", .header_en = "area_code", .type = CellType::kAreaCode,
                  .note_zh = "干部所在区划；默认您的范围"}};
  static const std::vector<SheetColumn> teams = {
      SheetColumn{.key = "village_code", .header_zh = "村", .header_en = "village_code", .required = true,
                  .type = CellType::kAreaCode, .note_zh = "12位行政村代码"},
      text("dispatching_unit", "派出单位", true),
      date("start_date", "开始日期", true),
      date("end_date", "结束日期", false),
      text("cadre", "队员", false, "队员姓名（同村、同派出单位、同开始日期的行为一支工作队）"),
      text("cadre_unit", "队员单位", false),
      text("cadre_code", "干部编号", false),
      text("role", "角色", false, "队长、第一书记或队员（默认队员）")};
  static const std::vector<SheetColumn> pairings = {
      text("household_number", "户编号", true, "在册贫困户"), text("cadre", "干部", false, "干部姓名，或填干部编号"),
      text("cadre_unit", "干部单位", false), text("cadre_code", "干部编号", false),
      date("start_date", "开始日期", true)};
  switch (kind) {
    case ImportKind::kCadres: return cadres;
    case ImportKind::kTeams: return teams;
    case ImportKind::kPairings: return pairings;
  }
  return cadres;
}

namespace {

// What every import kind shares: the caller's areas, the problems, the areas written.
struct ImportRun {
  store::Connection& db;
  const Caller& caller;
  const Clock& clock;
  const std::string& path;
  RowProblems& problems;
  ImportResult& result;
  int64_t now = 0;
  std::map<std::string, bool> areas;  // the caller's areas -> is a village
  std::set<std::string> touched;      // areas written, for the access check

  // The areas every row must lie in: checked against the caller per distinct area.
  void ReadAreas() {
    auto s = db.Prepare("SELECT code, level FROM areas WHERE code >= ? AND code < ?");
    s->BindText(1, caller.area_scope);
    s->BindText(2, SubtreeEnd(caller.area_scope));
    while (s->Step()) areas[s->Text(0)] = s->Int(1) == 5;
  }
  // The area code of a cell, in the caller's scope (and a village if asked); nullopt with a problem.
  std::optional<std::string> InScope(const Record& r, const std::string& key, bool village) {
    const std::string v = r.Get(key);
    auto code = NormalizeAreaCode(v);
    if (!code) {
      problems.Add(r, key, v, "不是区划代码");
      return std::nullopt;
    }
    auto it = areas.find(*code);
    if (it == areas.end()) {
      problems.Add(r, key, v, "不在您的管辖范围内（" + (caller.area_scope.empty() ? std::string("全国") : caller.area_scope) + "）");
      return std::nullopt;
    }
    if (village && !it->second) {
      problems.Add(r, key, v, "不是行政村");
      return std::nullopt;
    }
    return code;
  }
  // After the checks: refuse the file on any problem, else require write access to every area touched.
  void RequireWrites(const std::string& entity) {
    problems.ThrowIfAny();
    for (const auto& a : touched) internal::Require(db, clock, caller, access::Access::kWrite, a, std::nullopt, entity);
  }
};

// Cadres: name and unit, an optional unique code and phone, their area (default the caller's).
void ImportCadres(ImportRun& run, const std::vector<Record>& records) {
  std::set<std::string> codes;
  {
    auto s = run.db.Prepare("SELECT code FROM cadres WHERE code IS NOT NULL");
    while (s->Step()) codes.insert(s->Text(0));
  }
  struct Row {
    std::string name, unit, position, code, area;
    std::optional<std::string> phone;
  };
  std::vector<Row> rows;
  for (const auto& r : records) {
    CheckRequired(r, ImportKind::kCadres, run.problems);
    Row x{r.Get("name"), r.Get("unit"), r.Get("position"), r.Get("code"), run.caller.area_scope, std::nullopt};
    if (!r.Get("phone").empty()) {
      x.phone = r.Get("phone");
      if (!PlausiblePhone(*x.phone)) run.problems.Add(r, "phone", *x.phone, "不是电话号码");
    }
    if (!x.code.empty() && !codes.insert(x.code).second) {
      run.problems.Add(r, "code", x.code, "干部编号重复（文件中或库中已有）");
    }
    if (!r.Get("area_code").empty()) {
      if (auto a = run.InScope(r, "area_code", false)) x.area = *a;
    } else if (x.area.empty()) {
      run.problems.Add(r, "area_code", "", "您的范围是全国时必填");
    }
    run.touched.insert(x.area);
    rows.push_back(std::move(x));
  }
  run.RequireWrites("cadre/import");
  store::Transaction tx(run.db);
  auto ins = run.db.Prepare(
      "INSERT INTO cadres (code, name, unit, position, phone_enc, phone_index, phone_masked, area_code, created_at,"
      " updated_at) VALUES (?1, ?2, ?3, ?4, ?8, ?9, ?10, ?6, ?7, ?7)");
  for (const auto& x : rows) {
    ins->BindOptionalText(1, x.code.empty() ? std::nullopt : std::optional<std::string>(x.code));
    ins->BindText(2, x.name);
    ins->BindText(3, x.unit);
    ins->BindText(4, x.position);
    access::BindPhone(*ins, 8, x.phone);
    ins->BindText(6, x.area);
    ins->BindInt(7, run.now);
    ins->Run();
    ++run.result.added;
  }
  access::RecordChange(run.db, run.clock, run.caller, "cadre.import", "cadre/import", run.caller.area_scope, nullptr,
                       {{"file", run.path}, {"rows", run.result.rows}, {"added", run.result.added}});
  tx.Commit();
}

// Work teams: the rows of one village, dispatching unit and start date form one team.
struct TeamMember {
  int64_t cadre_id;
  std::string role;
};
struct Team {
  std::string village, unit, start;
  std::optional<std::string> end;
  std::vector<TeamMember> members;
};
struct Teams {
  std::map<std::string, Team> by_key;  // by village|unit|start
  std::vector<std::string> order;      // keys in the file's order
};

Teams GroupTeams(ImportRun& run, const std::vector<Record>& records) {
  CadreIndex index(run.db);
  Teams teams;
  for (const auto& r : records) {
    CheckRequired(r, ImportKind::kTeams, run.problems);
    CheckDateCell(r, "start_date", run.problems);
    CheckDateCell(r, "end_date", run.problems);
    auto village = run.InScope(r, "village_code", true);
    const std::string role = Role(r.Get("role"));
    if (role.empty()) run.problems.Add(r, "role", r.Get("role"), "应为 队长、第一书记 或 队员");
    std::optional<int64_t> cadre;
    if (!r.Get("cadre").empty() || !r.Get("cadre_code").empty()) {
      cadre = index.Find(r, "cadre_code", "cadre", "cadre_unit", run.problems);
    }
    if (!village) continue;
    const std::string key = *village + '\x1f' + r.Get("dispatching_unit") + '\x1f' + r.Get("start_date");
    auto [it, fresh] = teams.by_key.try_emplace(key);
    if (fresh) {
      teams.order.push_back(key);
      it->second = {*village, r.Get("dispatching_unit"), r.Get("start_date"), std::nullopt, {}};
      if (!r.Get("end_date").empty()) it->second.end = r.Get("end_date");
    }
    if (cadre) {
      for (const auto& m : it->second.members) {
        if (m.cadre_id == *cadre) run.problems.Add(r, "cadre", r.Get("cadre"), "在此工作队中列了两次");
      }
      it->second.members.push_back({*cadre, role});
    }
    run.touched.insert(*village);
  }
  return teams;
}

void ImportTeams(ImportRun& run, const std::vector<Record>& records) {
  Teams teams = GroupTeams(run, records);
  run.RequireWrites("work_team/import");
  store::Transaction tx(run.db);
  auto team = run.db.Prepare(
      "INSERT INTO work_teams (village_code, dispatching_unit, start_date, end_date, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
  auto member = run.db.Prepare(
      "INSERT INTO work_team_members (team_id, cadre_id, role, start_date, created_at) VALUES (?, ?, ?, ?, ?)");
  for (const auto& key : teams.order) {
    const Team& t = teams.by_key[key];
    team->BindText(1, t.village);
    team->BindText(2, t.unit);
    team->BindText(3, t.start);
    team->BindOptionalText(4, t.end);
    team->BindInt(5, run.now);
    team->Step();
    const int64_t id = team->Int(0);
    team->Reset();
    for (const auto& m : t.members) {
      member->BindInt(1, id);
      member->BindInt(2, m.cadre_id);
      member->BindText(3, m.role);
      member->BindText(4, t.start);
      member->BindInt(5, run.now);
      member->Run();
      ++run.result.added;
    }
  }
  access::RecordChange(run.db, run.clock, run.caller, "work_team.import", "work_team/import", run.caller.area_scope,
                       nullptr,
                       {{"file", run.path}, {"rows", run.result.rows}, {"teams", teams.order.size()},
                        {"members", run.result.added}});
  tx.Commit();
}

// Pairings: what the checks read in bulk — the caller's households by number with their
// status today and whether they are paired, every cadre's active pairings, the limit.
struct PairingFacts {
  struct Household {
    int64_t id = 0;
    std::string village, status;
    bool paired = false;
  };
  std::map<std::string, Household> households;
  std::map<int64_t, int64_t> load;  // cadre -> active pairings
  int limit = 5;
};

PairingFacts ReadPairingFacts(store::Connection& db, const Caller& caller, const std::string& today) {
  PairingFacts f;
  {
    auto s = db.Prepare("SELECT h.number, h.id, h.village_code, " + registry::StatusOrUnregisteredOnSql("h.id", "?1") +
                        ", EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.end_date IS NULL)"
                        " FROM households h WHERE h.village_code >= ?2 AND h.village_code < ?3");
    s->BindText(1, today);
    s->BindText(2, caller.area_scope);
    s->BindText(3, SubtreeEnd(caller.area_scope));
    while (s->Step()) f.households[s->Text(0)] = {s->Int(1), s->Text(2), s->Text(3), s->Int(4) != 0};
  }
  {
    auto s = db.Prepare(
        "SELECT cadre_id, count(*) FROM pairings WHERE start_date <= ?1 AND (end_date IS NULL OR end_date > ?1) GROUP BY cadre_id");
    s->BindText(1, today);
    while (s->Step()) f.load[s->Int(0)] = s->Int(1);
  }
  auto s = db.Prepare(
      "SELECT value FROM assessment_parameters WHERE name = 'pairing_household_limit' AND key = '' ORDER BY id DESC LIMIT 1");
  if (s->Step()) f.limit = std::atoi(s->Text(0).c_str());
  return f;
}

struct NewPairing {
  int64_t cadre, household;
  std::string start;
};

// Each row: a registered household of the caller's not paired yet (and once in the file),
// a cadre who stays within the limit.
std::vector<NewPairing> CheckPairings(ImportRun& run, const std::vector<Record>& records, PairingFacts& f) {
  CadreIndex index(run.db);
  std::vector<NewPairing> rows;
  std::set<int64_t> seen;
  for (const auto& r : records) {
    CheckRequired(r, ImportKind::kPairings, run.problems);
    CheckDateCell(r, "start_date", run.problems);
    const std::string number = r.Get("household_number");
    auto h = f.households.find(number);
    std::optional<int64_t> cadre = index.Find(r, "cadre_code", "cadre", "cadre_unit", run.problems);
    if (number.empty()) continue;
    if (h == f.households.end()) {
      run.problems.Add(r, "household_number", number, "您的范围内无此户编号");
      continue;
    }
    if (!internal::IsRegistered(h->second.status)) {
      run.problems.Add(r, "household_number", number, "此户状态为 " + h->second.status + "，不是在册贫困户");
    } else if (h->second.paired) {
      run.problems.Add(r, "household_number", number, "此户已有在帮的结对");
    } else if (!seen.insert(h->second.id).second) {
      run.problems.Add(r, "household_number", number, "此户在文件中结对两次");
    }
    if (cadre && ++f.load[*cadre] > f.limit) {
      const std::string key = r.Get("cadre_code").empty() ? "cadre" : "cadre_code";
      run.problems.Add(r, key, r.Get(key),
                       "该干部将结对 " + std::to_string(f.load[*cadre]) + " 户，超过上限 " + std::to_string(f.limit) + " 户");
    }
    run.touched.insert(h->second.village);
    if (cadre) rows.push_back({*cadre, h->second.id, r.Get("start_date")});
  }
  return rows;
}

void ImportPairings(ImportRun& run, const std::vector<Record>& records) {
  PairingFacts facts = ReadPairingFacts(run.db, run.caller, run.clock.Today().ToString());
  const std::vector<NewPairing> rows = CheckPairings(run, records, facts);
  run.RequireWrites("pairing/import");
  store::Transaction tx(run.db);
  auto ins = run.db.Prepare("INSERT INTO pairings (cadre_id, household_id, start_date, created_at) VALUES (?, ?, ?, ?)");
  for (const auto& p : rows) {
    ins->BindInt(1, p.cadre);
    ins->BindInt(2, p.household);
    ins->BindText(3, p.start);
    ins->BindInt(4, run.now);
    ins->Run();
    ++run.result.added;
  }
  access::RecordChange(run.db, run.clock, run.caller, "pairing.import", "pairing/import", run.caller.area_scope, nullptr,
                       {{"file", run.path}, {"rows", run.result.rows}, {"added", run.result.added}});
  tx.Commit();
}

}  // namespace

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock) {
  RowProblems problems;
  std::vector<Record> records = ReadRecords(path, kind, problems);
  problems.ThrowIfAny();
  ImportResult result{KindName(kind), static_cast<int64_t>(records.size()), 0};
  ImportRun run{db, caller, clock, path, problems, result, clock.NowSeconds(), {}, {}};
  run.ReadAreas();
  switch (kind) {
    case ImportKind::kCadres: ImportCadres(run, records); break;
    case ImportKind::kTeams: ImportTeams(run, records); break;
    case ImportKind::kPairings: ImportPairings(run, records); break;
  }
  return result;
}

}  // namespace fupin::assistance
