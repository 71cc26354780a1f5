#include "housing/import.h"

#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "dataio/clerk_values.h"
#include "housing/housing.h"
#include "core/progress.h"
#include "io/table.h"

namespace fupin::housing {
namespace {

using dataio::CellType;
using dataio::SheetColumn;

// Column order = the enums below.
const std::vector<SheetColumn> kInspectionSheet = {
    {.key = "household_number", .header_zh = "户编号", .header_en = "household_number",
     .note_zh = "建档立卡户的户编号；非建档立卡户留空并填村代码和户主"},
    {.key = "village_code", .header_zh = "村代码", .header_en = "village_code", .type = CellType::kAreaCode,
     .note_zh = "12位行政村代码"},
    {.key = "householder", .header_zh = "户主", .header_en = "householder", .aliases = {"户主姓名"}},
    {.key = "key_group", .header_zh = "对象类别", .header_en = "key_group", .type = CellType::kTerm,
     .terms = KeyGroups, .note_zh = "四类重点对象或其他；建档立卡户可留空"},
    {.key = "date", .header_zh = "鉴定日期", .header_en = "date", .required = true, .type = CellType::kDate},
    {.key = "inspector", .header_zh = "鉴定人", .header_en = "inspector", .required = true, .aliases = {"鉴定单位"}},
    {.key = "grade", .header_zh = "鉴定等级", .header_en = "grade", .required = true, .aliases = {"危险等级"},
     .type = CellType::kTerm, .terms = registry::HouseGrades},
    {.key = "plate", .header_zh = "已挂牌", .header_en = "plate", .aliases = {"挂牌"}, .type = CellType::kBool}};
enum InspectionCol : size_t { kINumber, kIVillage, kIHolder, kIGroup, kIDate, kIInspector, kIGrade, kIPlate };

const std::vector<SheetColumn> kRenovationSheet = {
    {.key = "inspection_id", .header_zh = "鉴定编号", .header_en = "inspection_id", .required = true,
     .type = CellType::kInteger},
    {.key = "kind", .header_zh = "改造方式", .header_en = "kind", .required = true, .type = CellType::kTerm,
     .terms = RenovationKinds},
    {.key = "subsidy", .header_zh = "补助资金", .header_en = "subsidy", .required = true, .aliases = {"补助金额"},
     .type = CellType::kYuan, .unit = "元"},
    {.key = "start_date", .header_zh = "开工日期", .header_en = "start_date", .required = true, .type = CellType::kDate},
    {.key = "finish_date", .header_zh = "竣工日期", .header_en = "finish_date", .type = CellType::kDate},
    {.key = "accepted_on", .header_zh = "验收日期", .header_en = "accepted_on", .type = CellType::kDate}};
enum RenovationCol : size_t { kRInspection, kRKind, kRSubsidy, kRStart, kRFinish, kRAccepted };

const std::vector<SheetColumn> kRelocationSheet = {
    {.key = "household_number", .header_zh = "户编号", .header_en = "household_number", .required = true},
    {.key = "site_id", .header_zh = "安置点编号", .header_en = "site_id", .required = true, .type = CellType::kInteger},
    {.key = "moved_on", .header_zh = "搬迁入住日期", .header_en = "moved_on", .required = true, .aliases = {"入住日期"},
     .type = CellType::kDate},
    {.key = "demolished_on", .header_zh = "拆旧日期", .header_en = "demolished_on", .type = CellType::kDate},
    {.key = "reclaimed", .header_zh = "已复垦", .header_en = "reclaimed", .aliases = {"复垦"}, .type = CellType::kBool},
    {.key = "jobs", .header_zh = "就业人数", .header_en = "jobs", .type = CellType::kInteger},
    {.key = "school_transfers", .header_zh = "转学人数", .header_en = "school_transfers", .type = CellType::kInteger},
    {.key = "medical_transferred", .header_zh = "医保转移接续", .header_en = "medical_transferred",
     .type = CellType::kBool}};
enum RelocationCol : size_t { kMNumber, kMSite, kMMoved, kMDemolished, kMReclaimed, kMJobs, kMSchool, kMMedical };

const std::vector<SheetColumn> kInfrastructureSheet = {
    {.key = "village_code", .header_zh = "村代码", .header_en = "village_code", .required = true,
     .type = CellType::kAreaCode},
    {.key = "year", .header_zh = "年度", .header_en = "year", .required = true, .type = CellType::kInteger},
    {.key = "road_hardened", .header_zh = "通村硬化路", .header_en = "road_hardened", .required = true,
     .type = CellType::kBool},
    {.key = "natural_villages", .header_zh = "自然村数", .header_en = "natural_villages", .required = true,
     .type = CellType::kInteger},
    {.key = "natural_villages_reached", .header_zh = "通硬化路自然村数", .header_en = "natural_villages_reached",
     .required = true, .type = CellType::kInteger},
    {.key = "water_supply", .header_zh = "饮水方式", .header_en = "water_supply", .required = true,
     .type = CellType::kTerm, .terms = WaterSupplies},
    {.key = "tap_water", .header_zh = "自来水入户", .header_en = "tap_water", .required = true, .type = CellType::kBool},
    {.key = "households", .header_zh = "户数", .header_en = "households", .required = true, .type = CellType::kInteger},
    {.key = "transformer_kva", .header_zh = "配变容量", .header_en = "transformer_kva", .required = true,
     .unit = "千伏安", .note_zh = "最多两位小数"},
    {.key = "broadband", .header_zh = "通宽带", .header_en = "broadband", .required = true, .type = CellType::kBool},
    {.key = "clinic", .header_zh = "标准化卫生室", .header_en = "clinic", .required = true, .type = CellType::kBool},
    {.key = "culture_centre", .header_zh = "综合文化服务中心", .header_en = "culture_centre", .required = true,
     .type = CellType::kBool},
    {.key = "collective_income", .header_zh = "村集体经济收入", .header_en = "collective_income", .required = true,
     .type = CellType::kYuan, .unit = "元"}};
enum InfrastructureCol : size_t { kVVillage, kVYear, kVRoad, kVNatural, kVReached, kVWater, kVTap, kVHouseholds,
                                  kVKva, kVBroadband, kVClinic, kVCulture, kVIncome };

// What the rows name, read in chunks of bound IN lists: a fixed number of
// reads per 500 distinct values.
template <class Fn>
void ForChunks(const std::set<std::string>& values, Fn fn) {
  std::vector<std::string> chunk;
  auto flush = [&] {
    if (chunk.empty()) return;
    fn(chunk);
    chunk.clear();
  };
  for (const auto& v : values) {
    chunk.push_back(v);
    if (chunk.size() == 500) flush();
  }
  flush();
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

struct HouseholdRef {
  int64_t id = 0;
  std::string village;
};

std::map<std::string, HouseholdRef> HouseholdsByNumber(store::Connection& db, const std::set<std::string>& numbers) {
  std::map<std::string, HouseholdRef> out;
  ForChunks(numbers, [&](const std::vector<std::string>& chunk) {
    auto s = db.Prepare("SELECT number, id, village_code FROM households WHERE number IN (" +
                        Placeholders(chunk.size()) + ")");
    for (size_t i = 0; i < chunk.size(); ++i) s->BindText(static_cast<int>(i + 1), chunk[i]);
    while (s->Step()) out[s->Text(0)] = {s->Int(1), s->Text(2)};
  });
  return out;
}

std::set<std::string> KnownVillages(store::Connection& db, const std::set<std::string>& codes) {
  std::set<std::string> out;
  ForChunks(codes, [&](const std::vector<std::string>& chunk) {
    auto s = db.Prepare("SELECT code FROM areas WHERE level = 5 AND code IN (" + Placeholders(chunk.size()) + ")");
    for (size_t i = 0; i < chunk.size(); ++i) s->BindText(static_cast<int>(i + 1), chunk[i]);
    while (s->Step()) out.insert(s->Text(0));
  });
  return out;
}

// The file's rows, the problems found so far, and what every import needs.
struct Job {
  store::Connection& db;
  const Caller& caller;
  const Clock& clock;
  std::span<const SheetColumn> columns;
  dataio::SheetData sheet;
  std::vector<dataio::ImportProblem> problems;
  std::set<std::string> villages;  // written to: write access needed
  std::string file_name;           // named in the audit entry
  bool dry_run = false;            // check everything, access included, and write nothing
};

std::optional<std::string> PastDate(dataio::SheetRow& row, size_t c, const Date& today) {
  const auto d = row.DateValue(c);
  if (!d) return std::nullopt;
  if (*d > today) {
    row.Problem(c, d->ToString(), "日期晚于今天");
    return std::nullopt;
  }
  return d->ToString();
}

// Refuses the file when anything is wrong, else checks write access to every
// village. Returns whether to write (not for a dry run).
bool Conclude(Job& job) {
  if (!job.problems.empty()) dataio::ThrowRefusal(job.problems);
  if (job.sheet.records.empty()) {
    job.problems.push_back({job.sheet.header_row, "", "", "没有可导入的行"});
    dataio::ThrowRefusal(job.problems);
  }
  access::Audit audit(job.db, job.clock);
  access::Guard guard(audit);
  for (const auto& v : job.villages) guard.RequireWrite(job.caller, access::Resource::kProjects, {v, std::nullopt, "housing/import"});
  return !job.dry_run;
}

void Audit(Job& job, const std::string& kind, int64_t added) {
  // The smallest area holding every village of the file.
  std::string area = job.villages.empty() ? job.caller.area_scope : *job.villages.begin();
  for (const auto& v : job.villages) {
    while (!area.empty() && !AreaContains(area, v)) area = ParentAreaCode(area);
  }
  access::RecordChange(job.db, job.clock, job.caller, "housing.import_" + kind, "housing/import_" + kind, area,
                       nullptr,
                       {{"file", job.file_name}, {"rows", static_cast<int64_t>(job.sheet.records.size())}, {"added", added}});
}

int64_t ImportInspections(Job& job) {
  std::vector<Inspection> rows;
  std::set<std::string> numbers, villages;
  const Date today = job.clock.Today();
  for (const auto& record : job.sheet.records) {
    dataio::SheetRow row(job.columns, job.sheet, record, job.problems);
    Inspection i;
    i.household_number = dataio::ClerkText(row.Text(kINumber));
    const std::string village = dataio::ClerkText(row.Text(kIVillage));
    i.village_code = NormalizeAreaCode(village).value_or(village);
    i.householder = row.Text(kIHolder);
    i.key_group = row.Term(kIGroup).value_or("");
    i.date = PastDate(row, kIDate, today).value_or("");
    i.inspector = row.Text(kIInspector);
    i.grade = row.Term(kIGrade).value_or("");
    i.plate = row.YesNo(kIPlate).value_or(false);
    if (!i.household_number.empty()) {
      numbers.insert(i.household_number);
    } else {
      if (i.village_code.empty()) row.Problem(kIVillage, "", "非建档立卡户须填村代码");
      else villages.insert(i.village_code);
      if (i.householder.empty()) row.Problem(kIHolder, "", "非建档立卡户须填户主");
      if (i.key_group.empty() && row.Text(kIGroup).empty()) row.Problem(kIGroup, "", "非建档立卡户须填对象类别");
    }
    rows.push_back(std::move(i));
  }
  const auto households = HouseholdsByNumber(job.db, numbers);
  const auto known = KnownVillages(job.db, villages);
  for (size_t n = 0; n < rows.size(); ++n) {
    Inspection& i = rows[n];
    dataio::SheetRow row(job.columns, job.sheet, job.sheet.records[n], job.problems);
    if (!i.household_number.empty()) {
      auto h = households.find(i.household_number);
      if (h == households.end()) {
        row.Problem(kINumber, i.household_number, "无此户编号");
        continue;
      }
      if (!i.village_code.empty() && i.village_code != h->second.village) {
        row.Problem(kIVillage, i.village_code, "该户住在 " + h->second.village);
      }
      i.household_id = h->second.id;
      i.village_code = h->second.village;
      if (i.key_group.empty()) i.key_group = "registered_poor";
    } else if (!i.village_code.empty() && !known.contains(i.village_code)) {
      row.Problem(kIVillage, i.village_code, "不是已知的行政村代码");
      continue;
    }
    job.villages.insert(i.village_code);
  }
  if (!Conclude(job)) return static_cast<int64_t>(rows.size());
  store::Transaction tx(job.db);
  auto s = job.db.Prepare(
      "INSERT INTO house_inspections (household_id, village_code, householder, key_group, date, inspector, grade,"
      " plate, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& i : rows) {
    s->BindOptionalInt(1, i.household_id);
    s->BindText(2, i.village_code);
    s->BindText(3, i.householder);
    s->BindText(4, i.key_group);
    s->BindText(5, i.date);
    s->BindText(6, i.inspector);
    s->BindText(7, i.grade);
    s->BindInt(8, i.plate ? 1 : 0);
    s->BindText(9, job.caller.user_name);
    s->BindInt(10, job.clock.NowSeconds());
    s->Run();
    s->Reset();
  }
  Audit(job, "inspections", static_cast<int64_t>(rows.size()));
  tx.Commit();
  return static_cast<int64_t>(rows.size());
}

struct InspectionRef {
  std::string village, grade, date;
};

std::map<int64_t, InspectionRef> InspectionsById(store::Connection& db, const std::set<std::string>& ids) {
  std::map<int64_t, InspectionRef> out;
  ForChunks(ids, [&](const std::vector<std::string>& chunk) {
    auto s = db.Prepare("SELECT id, village_code, grade, date FROM house_inspections WHERE id IN (" +
                        Placeholders(chunk.size()) + ")");
    for (size_t i = 0; i < chunk.size(); ++i) s->BindInt(static_cast<int>(i + 1), std::stoll(chunk[i]));
    while (s->Step()) out[s->Int(0)] = {s->Text(1), s->Text(2), s->Text(3)};
  });
  return out;
}

int64_t ImportRenovations(Job& job) {
  std::vector<Renovation> rows;
  std::set<std::string> ids;
  const Date today = job.clock.Today();
  for (const auto& record : job.sheet.records) {
    dataio::SheetRow row(job.columns, job.sheet, record, job.problems);
    Renovation r;
    r.inspection_id = row.Integer(kRInspection, 1, INT64_MAX).value_or(0);
    r.kind = row.Term(kRKind).value_or("");
    r.subsidy_fen = row.Yuan(kRSubsidy).value_or(0);
    r.start_date = PastDate(row, kRStart, today).value_or("");
    r.finish_date = PastDate(row, kRFinish, today);
    r.accepted_on = PastDate(row, kRAccepted, today);
    if (r.finish_date && !r.start_date.empty() && *r.finish_date < r.start_date) {
      row.Problem(kRFinish, *r.finish_date, "竣工日期早于开工日期");
    }
    if (r.accepted_on && !r.finish_date) row.Problem(kRAccepted, *r.accepted_on, "未填竣工日期，不能验收");
    if (r.accepted_on && r.finish_date && *r.accepted_on < *r.finish_date) {
      row.Problem(kRAccepted, *r.accepted_on, "验收日期早于竣工日期");
    }
    if (r.inspection_id > 0) ids.insert(std::to_string(r.inspection_id));
    rows.push_back(std::move(r));
  }
  const auto inspections = InspectionsById(job.db, ids);
  for (size_t n = 0; n < rows.size(); ++n) {
    const Renovation& r = rows[n];
    if (r.inspection_id <= 0) continue;
    dataio::SheetRow row(job.columns, job.sheet, job.sheet.records[n], job.problems);
    auto it = inspections.find(r.inspection_id);
    const std::string id = std::to_string(r.inspection_id);
    if (it == inspections.end()) {
      row.Problem(kRInspection, id, "无此鉴定记录");
      continue;
    }
    if (it->second.grade != "C" && it->second.grade != "D") {
      row.Problem(kRInspection, id, "鉴定等级为" + it->second.grade + "级，只有C、D级危房才改造");
    }
    if (!r.start_date.empty() && r.start_date < it->second.date) {
      row.Problem(kRStart, r.start_date, "早于鉴定日期 " + it->second.date);
    }
    job.villages.insert(it->second.village);
  }
  if (!Conclude(job)) return static_cast<int64_t>(rows.size());
  store::Transaction tx(job.db);
  auto s = job.db.Prepare(
      "INSERT INTO house_renovations (inspection_id, kind, subsidy_fen, start_date, finish_date, accepted_on,"
      " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& r : rows) {
    s->BindInt(1, r.inspection_id);
    s->BindText(2, r.kind);
    s->BindInt(3, r.subsidy_fen);
    s->BindText(4, r.start_date);
    s->BindOptionalText(5, r.finish_date);
    s->BindOptionalText(6, r.accepted_on);
    s->BindText(7, job.caller.user_name);
    s->BindInt(8, job.clock.NowSeconds());
    s->Run();
    s->Reset();
  }
  Audit(job, "renovations", static_cast<int64_t>(rows.size()));
  tx.Commit();
  return static_cast<int64_t>(rows.size());
}

// The members of `households` on each one's moving day, from one read per
// 500 households.
std::map<int64_t, int64_t> MembersOn(store::Connection& db, const std::map<int64_t, std::string>& moved_on) {
  std::set<std::string> ids;
  for (const auto& [id, _] : moved_on) ids.insert(std::to_string(id));
  std::map<int64_t, int64_t> out;
  ForChunks(ids, [&](const std::vector<std::string>& chunk) {
    auto s = db.Prepare(
        "SELECT m.household_id, m.start_date, m.end_date, p.death_date FROM memberships m JOIN persons p"
        " ON p.id = m.person_id WHERE m.household_id IN (" + Placeholders(chunk.size()) + ")");
    for (size_t i = 0; i < chunk.size(); ++i) s->BindInt(static_cast<int>(i + 1), std::stoll(chunk[i]));
    while (s->Step()) {
      const std::string& day = moved_on.at(s->Int(0));
      const auto end = s->OptionalText(2), death = s->OptionalText(3);
      if (s->Text(1) <= day && (!end || *end > day) && (!death || *death > day)) ++out[s->Int(0)];
    }
  });
  return out;
}

// Every row as a relocation, with the checks that need no database.
std::vector<Relocation> ReadRelocations(Job& job) {
  std::vector<Relocation> rows;
  const Date today = job.clock.Today();
  for (const auto& record : job.sheet.records) {
    dataio::SheetRow row(job.columns, job.sheet, record, job.problems);
    Relocation r;
    r.household_number = dataio::ClerkText(row.Text(kMNumber));
    r.site_id = row.Integer(kMSite, 1, INT64_MAX).value_or(0);
    r.moved_on = PastDate(row, kMMoved, today).value_or("");
    r.demolished_on = PastDate(row, kMDemolished, today);
    r.reclaimed = row.YesNo(kMReclaimed).value_or(false);
    r.jobs = row.Integer(kMJobs, 0, 100);
    r.school_transfers = row.Integer(kMSchool, 0, 100);
    r.medical_transferred = row.YesNo(kMMedical);
    if (r.demolished_on && !r.moved_on.empty() && *r.demolished_on < r.moved_on) {
      row.Problem(kMDemolished, *r.demolished_on, "拆旧日期早于入住日期");
    }
    if (r.reclaimed && !r.demolished_on) row.Problem(kMReclaimed, "是", "旧房未拆除，不能复垦");
    rows.push_back(std::move(r));
  }
  return rows;
}

// Each row's household exists, has not moved yet and comes once; its site lies in its county.
void CheckRelocationHouseholds(Job& job, std::vector<Relocation>& rows) {
  std::set<std::string> numbers;
  for (const auto& r : rows) {
    if (!r.household_number.empty()) numbers.insert(r.household_number);
  }
  const auto households = HouseholdsByNumber(job.db, numbers);
  std::map<int64_t, std::string> sites;
  {
    auto s = job.db.Prepare("SELECT id, township_code FROM relocation_sites");
    while (s->Step()) sites[s->Int(0)] = s->Text(1);
  }
  std::set<int64_t> done, seen;
  {
    auto s = job.db.Prepare("SELECT household_id FROM relocations");
    while (s->Step()) done.insert(s->Int(0));
  }
  for (size_t n = 0; n < rows.size(); ++n) {
    Relocation& r = rows[n];
    dataio::SheetRow row(job.columns, job.sheet, job.sheet.records[n], job.problems);
    auto h = households.find(r.household_number);
    if (h == households.end()) {
      if (!r.household_number.empty()) row.Problem(kMNumber, r.household_number, "无此户编号");
      continue;
    }
    r.household_id = h->second.id;
    r.from_village = h->second.village;
    if (done.contains(r.household_id)) row.Problem(kMNumber, r.household_number, "该户已登记搬迁");
    if (!seen.insert(r.household_id).second) row.Problem(kMNumber, r.household_number, "文件中重复");
    auto site = sites.find(r.site_id);
    if (site == sites.end()) {
      if (r.site_id > 0) row.Problem(kMSite, std::to_string(r.site_id), "无此安置点");
    } else if (site->second.substr(0, 6) != r.from_village.substr(0, 6)) {
      row.Problem(kMSite, std::to_string(r.site_id), "安置点不在该户所在县");
    }
    job.villages.insert(r.from_village);
  }
}

// The persons who moved: the household's members on its moving day (none is a problem).
void CountRelocatedPersons(Job& job, std::vector<Relocation>& rows) {
  std::map<int64_t, std::string> moved_on;
  for (const auto& r : rows) moved_on[r.household_id] = r.moved_on;
  const auto members = MembersOn(job.db, moved_on);
  for (size_t n = 0; n < rows.size(); ++n) {
    auto it = members.find(rows[n].household_id);
    rows[n].persons = it == members.end() ? 0 : it->second;
    if (rows[n].persons <= 0) {
      dataio::SheetRow row(job.columns, job.sheet, job.sheet.records[n], job.problems);
      row.Problem(kMMoved, rows[n].moved_on, "该户在入住日期没有成员");
    }
  }
}

int64_t ImportRelocations(Job& job) {
  std::vector<Relocation> rows = ReadRelocations(job);
  CheckRelocationHouseholds(job, rows);
  if (job.problems.empty()) CountRelocatedPersons(job, rows);
  if (!Conclude(job)) return static_cast<int64_t>(rows.size());
  store::Transaction tx(job.db);
  auto s = job.db.Prepare(
      "INSERT INTO relocations (household_id, site_id, from_village, persons, moved_on, demolished_on, reclaimed, jobs,"
      " school_transfers, medical_transferred, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& r : rows) {
    s->BindInt(1, r.household_id);
    s->BindInt(2, r.site_id);
    s->BindText(3, r.from_village);
    s->BindInt(4, r.persons);
    s->BindText(5, r.moved_on);
    s->BindOptionalText(6, r.demolished_on);
    s->BindInt(7, r.reclaimed ? 1 : 0);
    s->BindOptionalInt(8, r.jobs);
    s->BindOptionalInt(9, r.school_transfers);
    if (r.medical_transferred) s->BindInt(10, *r.medical_transferred ? 1 : 0);
    else s->BindNull(10);
    s->BindText(11, job.caller.user_name);
    s->BindInt(12, job.clock.NowSeconds());
    s->Run();
    s->Reset();
  }
  Audit(job, "relocations", static_cast<int64_t>(rows.size()));
  tx.Commit();
  return static_cast<int64_t>(rows.size());
}

Infrastructure ReadInfrastructureRow(dataio::SheetRow& row) {
  Infrastructure v;
  const std::string village = dataio::ClerkText(row.Text(kVVillage));
  v.village_code = NormalizeAreaCode(village).value_or(village);
  v.year = static_cast<int>(row.Integer(kVYear, 2000, 2100).value_or(0));
  v.road_hardened = row.YesNo(kVRoad).value_or(false);
  v.natural_villages = row.Integer(kVNatural, 0, 1000).value_or(0);
  v.natural_villages_reached = row.Integer(kVReached, 0, 1000).value_or(0);
  if (v.natural_villages_reached > v.natural_villages) {
    row.Problem(kVReached, std::to_string(v.natural_villages_reached), "多于自然村数");
  }
  v.water_supply = row.Term(kVWater).value_or("none");
  v.tap_water = row.YesNo(kVTap).value_or(false);
  v.households = row.Integer(kVHouseholds, 0, 100000).value_or(0);
  const std::string kva = row.Text(kVKva);
  if (!kva.empty()) {
    const auto hundredths = dataio::ReadHundredths(kva);
    if (!hundredths || *hundredths < 0) row.Problem(kVKva, kva, "不是千伏安数（最多两位小数）");
    else v.transformer_kva_milli = *hundredths * 10;
  }
  v.broadband = row.YesNo(kVBroadband).value_or(false);
  v.clinic = row.YesNo(kVClinic).value_or(false);
  v.culture_centre = row.YesNo(kVCulture).value_or(false);
  v.collective_income_fen = row.Yuan(kVIncome).value_or(0);
  return v;
}

int64_t ImportInfrastructure(Job& job) {
  std::vector<Infrastructure> rows;
  std::set<std::string> villages;
  std::set<std::pair<std::string, int>> seen;
  for (const auto& record : job.sheet.records) {
    dataio::SheetRow row(job.columns, job.sheet, record, job.problems);
    Infrastructure v = ReadInfrastructureRow(row);
    if (!v.village_code.empty()) villages.insert(v.village_code);
    if (!seen.insert({v.village_code, v.year}).second) row.Problem(kVVillage, v.village_code, "同一村同一年度重复");
    rows.push_back(std::move(v));
  }
  const auto known = KnownVillages(job.db, villages);
  for (size_t n = 0; n < rows.size(); ++n) {
    if (rows[n].village_code.empty()) continue;
    if (!known.contains(rows[n].village_code)) {
      dataio::SheetRow row(job.columns, job.sheet, job.sheet.records[n], job.problems);
      row.Problem(kVVillage, rows[n].village_code, "不是已知的行政村代码");
      continue;
    }
    job.villages.insert(rows[n].village_code);
  }
  if (!Conclude(job)) return static_cast<int64_t>(rows.size());
  store::Transaction tx(job.db);
  WriteInfrastructure(job.db, rows, job.caller.user_name, job.clock.NowSeconds());
  Audit(job, "village_infrastructure", static_cast<int64_t>(rows.size()));
  tx.Commit();
  return static_cast<int64_t>(rows.size());
}

}  // namespace

std::optional<ImportKind> ParseImportKind(std::string_view name) {
  if (name == "inspections") return ImportKind::kInspections;
  if (name == "renovations") return ImportKind::kRenovations;
  if (name == "relocations") return ImportKind::kRelocations;
  if (name == "village-infrastructure") return ImportKind::kInfrastructure;
  return std::nullopt;
}

const char* ImportKindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kInspections: return "inspections";
    case ImportKind::kRenovations: return "renovations";
    case ImportKind::kRelocations: return "relocations";
    case ImportKind::kInfrastructure: return "village-infrastructure";
  }
  return "";
}

std::span<const SheetColumn> ImportSheet(ImportKind kind) {
  switch (kind) {
    case ImportKind::kInspections: return kInspectionSheet;
    case ImportKind::kRenovations: return kRenovationSheet;
    case ImportKind::kRelocations: return kRelocationSheet;
    case ImportKind::kInfrastructure: return kInfrastructureSheet;
  }
  return kInspectionSheet;
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
  if (access::Refusal(caller, access::Access::kWrite, access::Resource::kProjects,
                      {caller.area_scope, std::nullopt, "housing/import"})) {
    access::Audit audit(db, clock);
    access::Guard(audit).RequireWrite(caller, access::Resource::kProjects,
                                      {caller.area_scope, std::nullopt, "housing/import"});
  }
  Job job{db, caller, clock, ImportSheet(kind), {}, {}, {}, options.file_name, options.dry_run};
  {
    ProgressStage stage(progress, "read", 0);
    job.sheet = dataio::ReadSheet(job.columns, reader);
  }
  job.problems = job.sheet.problems;
  if (!job.problems.empty()) dataio::ThrowRefusal(job.problems);
  ImportResult result;
  result.kind = ImportKindName(kind);
  result.rows = static_cast<int64_t>(job.sheet.records.size());
  result.dry_run = options.dry_run;
  // Checking and writing are one stage: each kind's checks end in its transaction.
  ProgressStage stage(progress, options.dry_run ? "validate" : "store", result.rows);
  switch (kind) {
    case ImportKind::kInspections: result.added = ImportInspections(job); break;
    case ImportKind::kRenovations: result.added = ImportRenovations(job); break;
    case ImportKind::kRelocations: result.added = ImportRelocations(job); break;
    case ImportKind::kInfrastructure: result.added = ImportInfrastructure(job); break;
  }
  stage.Advance(result.rows);
  return result;
}

}  // namespace fupin::housing
