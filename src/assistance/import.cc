#include "assistance/import.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "access/personal_data.h"
#include "assistance/internal.h"
#include "core/area_code.h"
#include "io/table.h"
#include "registry/status.h"
#include "core/text.h"
#include "dataio/sheet.h"

namespace fupin::assistance {
namespace {

using dataio::SheetColumn;

// The sheets, declared as data (dataio/sheet.h): key, Chinese and English header, required.
const std::vector<SheetColumn>& Columns(ImportKind kind) {
  static const std::vector<SheetColumn> cadres = {
      {"name", "姓名", "name", true},        {"unit", "单位", "unit", true},
      {"position", "职务", "position", false}, {"phone", "电话", "phone", false},
      {"code", "干部编号", "code", false},     {"area_code", "区划", "area_code", false}};
  static const std::vector<SheetColumn> teams = {
      {"village_code", "村", "village_code", true},     {"dispatching_unit", "派出单位", "dispatching_unit", true},
      {"start_date", "开始日期", "start_date", true},    {"end_date", "结束日期", "end_date", false},
      {"cadre", "队员", "cadre", false},                 {"cadre_unit", "队员单位", "cadre_unit", false},
      {"cadre_code", "干部编号", "cadre_code", false},   {"role", "角色", "role", false}};
  static const std::vector<SheetColumn> pairings = {
      {"household_number", "户编号", "household_number", true}, {"cadre", "干部", "cadre", false},
      {"cadre_unit", "干部单位", "cadre_unit", false},          {"cadre_code", "干部编号", "cadre_code", false},
      {"start_date", "开始日期", "start_date", true}};
  switch (kind) {
    case ImportKind::kCadres: return cadres;
    case ImportKind::kTeams: return teams;
    case ImportKind::kPairings: return pairings;
  }
  return cadres;
}

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
  std::string Where(const std::string& key) const {
    auto it = cells.find(key);
    return "row " + std::to_string(row) + ", " + (it == cells.end() ? key : it->second.header);
  }
};

// Reads the file into records, with dates from XLSX converted to YYYY-MM-DD.
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
      for (const auto& h : header.unknown) problems.Add("row " + std::to_string(row.number) + ", " + h, "unknown column '" + h + "'");
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
      // Dates as spreadsheet dates, 2014/1/1 or 2014年1月1日 read as YYYY-MM-DD.
      std::string v = key.find("date") != std::string::npos ? dataio::DateCellText(row, i, reader->date1904())
                                                            : Trim(row.cell(i));
      r.cells[key] = {v, header.headers[i]};
    }
    out.push_back(std::move(r));
  }
  if (!have_header) problems.Add("row 1", "the file is empty: no header row");
  return out;
}

void CheckRequired(const Record& r, ImportKind kind, Problems& problems) {
  for (const auto& c : Columns(kind)) {
    if (c.required && r.Get(std::string(c.key)).empty()) {
      problems.Add(r.Where(std::string(c.key)), "empty: " + std::string(c.header_zh) + " is required");
    }
  }
}

void CheckDateCell(const Record& r, const std::string& key, Problems& problems) {
  const std::string v = r.Get(key);
  if (!v.empty() && !Date::Parse(v)) problems.Add(r.Where(key), "'" + v + "' is not a date (YYYY-MM-DD)");
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
                              const std::string& unit_key, Problems& problems) const {
    const std::string code = r.Get(code_key);
    if (!code.empty()) {
      auto it = by_code_.find(code);
      if (it == by_code_.end()) {
        problems.Add(r.Where(code_key), "'" + code + "': no cadre with this code");
        return std::nullopt;
      }
      return Check(r, code_key, code, it->second, problems);
    }
    const std::string name = r.Get(name_key);
    const std::string unit = r.Get(unit_key);
    if (name.empty()) {
      problems.Add(r.Where(name_key), "empty: give the cadre's name and unit, or the cadre code");
      return std::nullopt;
    }
    auto it = by_name_unit_.find(name + '\x1f' + unit);
    if (it == by_name_unit_.end()) {
      problems.Add(r.Where(name_key), "'" + name + "' of '" + unit + "': no such cadre (import the cadres first)");
      return std::nullopt;
    }
    if (it->second.size() > 1) {
      problems.Add(r.Where(name_key), "'" + name + "' of '" + unit + "' matches " + std::to_string(it->second.size()) +
                                          " cadres; use the cadre code");
      return std::nullopt;
    }
    return Check(r, name_key, name, it->second[0], problems);
  }

 private:
  std::optional<int64_t> Check(const Record& r, const std::string& key, const std::string& value, int64_t id,
                               Problems& problems) const {
    auto left = left_.find(id);
    if (left != left_.end()) {
      problems.Add(r.Where(key), "'" + value + "': the cadre left on " + left->second);
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

std::string Role(const std::string& text) {
  if (text.empty() || text == "队员" || text == "member") return "member";
  if (text == "队长" || text == "captain") return "captain";
  if (text == "第一书记" || text == "first_secretary") return "first_secretary";
  return "";
}

}  // namespace

ImportResult Import(store::Connection& db, const Caller& caller, ImportKind kind, const std::string& path,
                    const Clock& clock) {
  Problems problems;
  std::vector<Record> records = ReadRecords(path, kind, problems);
  problems.ThrowIfAny("cannot import " + path);
  ImportResult result{KindName(kind), static_cast<int64_t>(records.size()), 0};
  const int64_t now = clock.NowSeconds();
  // The areas every row must lie in: checked against the caller per distinct area.
  std::map<std::string, bool> areas;  // area -> exists
  {
    auto s = db.Prepare("SELECT code, level FROM areas WHERE code >= ? AND code < ?");
    s->BindText(1, caller.area_scope);
    s->BindText(2, caller.area_scope + ":");
    while (s->Step()) areas[s->Text(0)] = s->Int(1) == 5;
  }
  auto in_scope = [&](const Record& r, const std::string& key, bool village) -> std::optional<std::string> {
    const std::string v = r.Get(key);
    auto code = NormalizeAreaCode(v);
    if (!code) {
      problems.Add(r.Where(key), "'" + v + "' is not an area code");
      return std::nullopt;
    }
    auto it = areas.find(*code);
    if (it == areas.end()) {
      problems.Add(r.Where(key), "'" + v + "' is not an area inside your scope " +
                                     (caller.area_scope.empty() ? std::string("(nation)") : caller.area_scope));
      return std::nullopt;
    }
    if (village && !it->second) {
      problems.Add(r.Where(key), "'" + v + "' is not a village");
      return std::nullopt;
    }
    return code;
  };
  std::set<std::string> touched;  // areas written, for the access check

  if (kind == ImportKind::kCadres) {
    CadreIndex index(db);
    std::set<std::string> codes;
    {
      auto s = db.Prepare("SELECT code FROM cadres WHERE code IS NOT NULL");
      while (s->Step()) codes.insert(s->Text(0));
    }
    struct Row {
      std::string name, unit, position, code, area;
      std::optional<std::string> phone;
    };
    std::vector<Row> rows;
    for (const auto& r : records) {
      CheckRequired(r, kind, problems);
      Row x{r.Get("name"), r.Get("unit"), r.Get("position"), r.Get("code"), caller.area_scope, std::nullopt};
      if (!r.Get("phone").empty()) {
        x.phone = r.Get("phone");
        if (!PlausiblePhone(*x.phone)) problems.Add(r.Where("phone"), "'" + *x.phone + "' is not a phone number");
      }
      if (!x.code.empty() && !codes.insert(x.code).second) {
        problems.Add(r.Where("code"), "'" + x.code + "': cadre code used twice (in the file or the database)");
      }
      if (!r.Get("area_code").empty()) {
        if (auto a = in_scope(r, "area_code", false)) x.area = *a;
      } else if (x.area.empty()) {
        problems.Add(r.Where("area_code"), "empty: required when your scope is the nation");
      }
      touched.insert(x.area);
      rows.push_back(std::move(x));
    }
    problems.ThrowIfAny("cannot import " + path);
    for (const auto& a : touched) internal::Require(db, clock, caller, access::Access::kWrite, a, std::nullopt, "cadre/import");
    store::Transaction tx(db);
    auto ins = db.Prepare(
        "INSERT INTO cadres (code, name, unit, position, phone_enc, phone_index, phone_masked, area_code, created_at,"
        " updated_at) VALUES (?1, ?2, ?3, ?4, ?8, ?9, ?10, ?6, ?7, ?7)");
    for (const auto& x : rows) {
      ins->BindOptionalText(1, x.code.empty() ? std::nullopt : std::optional<std::string>(x.code));
      ins->BindText(2, x.name);
      ins->BindText(3, x.unit);
      ins->BindText(4, x.position);
      access::BindPhone(*ins, 8, x.phone);
      ins->BindText(6, x.area);
      ins->BindInt(7, now);
      ins->Run();
      ++result.added;
    }
    access::RecordChange(db, clock, caller, "cadre.import", "cadre/import", caller.area_scope, nullptr,
                          {{"file", path}, {"rows", result.rows}, {"added", result.added}});
    tx.Commit();
    return result;
  }

  CadreIndex index(db);
  if (kind == ImportKind::kTeams) {
    struct Member {
      int64_t cadre_id;
      std::string role;
    };
    struct Team {
      std::string village, unit, start;
      std::optional<std::string> end;
      std::vector<Member> members;
    };
    std::map<std::string, Team> teams;  // by village|unit|start
    std::vector<std::string> order;
    for (const auto& r : records) {
      CheckRequired(r, kind, problems);
      CheckDateCell(r, "start_date", problems);
      CheckDateCell(r, "end_date", problems);
      auto village = in_scope(r, "village_code", true);
      const std::string role = Role(r.Get("role"));
      if (role.empty()) problems.Add(r.Where("role"), "'" + r.Get("role") + "' is not 队长, 第一书记 or 队员");
      std::optional<int64_t> cadre;
      if (!r.Get("cadre").empty() || !r.Get("cadre_code").empty()) {
        cadre = index.Find(r, "cadre_code", "cadre", "cadre_unit", problems);
      }
      if (!village) continue;
      const std::string key = *village + '\x1f' + r.Get("dispatching_unit") + '\x1f' + r.Get("start_date");
      auto [it, fresh] = teams.try_emplace(key);
      if (fresh) {
        order.push_back(key);
        it->second = {*village, r.Get("dispatching_unit"), r.Get("start_date"), std::nullopt, {}};
        if (!r.Get("end_date").empty()) it->second.end = r.Get("end_date");
      }
      if (cadre) {
        for (const auto& m : it->second.members) {
          if (m.cadre_id == *cadre) problems.Add(r.Where("cadre"), "'" + r.Get("cadre") + "' is listed twice in this team");
        }
        it->second.members.push_back({*cadre, role});
      }
      touched.insert(*village);
    }
    problems.ThrowIfAny("cannot import " + path);
    for (const auto& a : touched) internal::Require(db, clock, caller, access::Access::kWrite, a, std::nullopt, "work_team/import");
    store::Transaction tx(db);
    auto team = db.Prepare(
        "INSERT INTO work_teams (village_code, dispatching_unit, start_date, end_date, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
    auto member = db.Prepare(
        "INSERT INTO work_team_members (team_id, cadre_id, role, start_date, created_at) VALUES (?, ?, ?, ?, ?)");
    for (const auto& key : order) {
      const Team& t = teams[key];
      team->BindText(1, t.village);
      team->BindText(2, t.unit);
      team->BindText(3, t.start);
      team->BindOptionalText(4, t.end);
      team->BindInt(5, now);
      team->Step();
      const int64_t id = team->Int(0);
      team->Reset();
      for (const auto& m : t.members) {
        member->BindInt(1, id);
        member->BindInt(2, m.cadre_id);
        member->BindText(3, m.role);
        member->BindText(4, t.start);
        member->BindInt(5, now);
        member->Run();
        ++result.added;
      }
    }
    access::RecordChange(db, clock, caller, "work_team.import", "work_team/import", caller.area_scope, nullptr,
                          {{"file", path}, {"rows", result.rows}, {"teams", order.size()}, {"members", result.added}});
    tx.Commit();
    return result;
  }

  // Pairings: households by number, in bulk.
  const std::string today = clock.Today().ToString();
  struct HouseholdRow {
    int64_t id = 0;
    std::string village, status;
    bool paired = false;
  };
  std::map<std::string, HouseholdRow> households;
  {
    auto s = db.Prepare("SELECT h.number, h.id, h.village_code, coalesce(" + registry::StatusOnSql("h.id", "?1") +
                        ", 'unregistered'), EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.end_date IS NULL)"
                        " FROM households h WHERE h.village_code >= ?2 AND h.village_code < ?3");
    s->BindText(1, today);
    s->BindText(2, caller.area_scope);
    s->BindText(3, caller.area_scope + ":");
    while (s->Step()) households[s->Text(0)] = {s->Int(1), s->Text(2), s->Text(3), s->Int(4) != 0};
  }
  std::map<int64_t, int64_t> load;  // cadre -> active pairings
  {
    auto s = db.Prepare(
        "SELECT cadre_id, count(*) FROM pairings WHERE start_date <= ?1 AND (end_date IS NULL OR end_date > ?1) GROUP BY cadre_id");
    s->BindText(1, today);
    while (s->Step()) load[s->Int(0)] = s->Int(1);
  }
  int limit = 5;
  {
    auto s = db.Prepare(
        "SELECT value FROM assessment_parameters WHERE name = 'pairing_household_limit' AND key = '' ORDER BY id DESC LIMIT 1");
    if (s->Step()) limit = std::atoi(s->Text(0).c_str());
  }
  struct P {
    int64_t cadre, household;
    std::string start;
  };
  std::vector<P> rows;
  std::set<int64_t> seen;
  for (const auto& r : records) {
    CheckRequired(r, kind, problems);
    CheckDateCell(r, "start_date", problems);
    const std::string number = r.Get("household_number");
    auto h = households.find(number);
    std::optional<int64_t> cadre = index.Find(r, "cadre_code", "cadre", "cadre_unit", problems);
    if (number.empty()) continue;
    if (h == households.end()) {
      problems.Add(r.Where("household_number"), "'" + number + "': no household with this number in your scope");
      continue;
    }
    if (!internal::IsRegistered(h->second.status)) {
      problems.Add(r.Where("household_number"), "'" + number + "': the household is " + h->second.status + ", not registered");
    } else if (h->second.paired) {
      problems.Add(r.Where("household_number"), "'" + number + "': the household already has an active pairing");
    } else if (!seen.insert(h->second.id).second) {
      problems.Add(r.Where("household_number"), "'" + number + "': the household is paired twice in this file");
    }
    if (cadre && ++load[*cadre] > limit) {
      problems.Add(r.Where(r.Get("cadre_code").empty() ? "cadre" : "cadre_code"),
                   "'" + (r.Get("cadre_code").empty() ? r.Get("cadre") : r.Get("cadre_code")) + "': the cadre would have " +
                       std::to_string(load[*cadre]) + " households, over the limit of " + std::to_string(limit));
    }
    touched.insert(h->second.village);
    if (cadre) rows.push_back({*cadre, h->second.id, r.Get("start_date")});
  }
  problems.ThrowIfAny("cannot import " + path);
  for (const auto& a : touched) internal::Require(db, clock, caller, access::Access::kWrite, a, std::nullopt, "pairing/import");
  store::Transaction tx(db);
  auto ins = db.Prepare("INSERT INTO pairings (cadre_id, household_id, start_date, created_at) VALUES (?, ?, ?, ?)");
  for (const auto& p : rows) {
    ins->BindInt(1, p.cadre);
    ins->BindInt(2, p.household);
    ins->BindText(3, p.start);
    ins->BindInt(4, now);
    ins->Run();
    ++result.added;
  }
  access::RecordChange(db, clock, caller, "pairing.import", "pairing/import", caller.area_scope, nullptr,
                        {{"file", path}, {"rows", result.rows}, {"added", result.added}});
  tx.Commit();
  return result;
}

}  // namespace fupin::assistance
