#include "housing/housing.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/pairing.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "registry/areas.h"

namespace fupin::housing {
namespace {

using access::Resource;
using nlohmann::json;
using Term = registry::CodeTerm;

constexpr Term kKeyGroups[] = {{"registered_poor", "建档立卡贫困户"},
                               {"dibao", "低保户"},
                               {"destitute", "分散供养特困人员"},
                               {"poor_disabled", "贫困残疾人家庭"},
                               {"other", "其他"}};
constexpr Term kRenovationKinds[] = {
    {"repair", "维修加固"}, {"rebuild", "拆除重建"}, {"built_on_behalf", "代建"}, {"unit_bought", "购房安置"}};
constexpr Term kSiteKinds[] = {{"centralised", "集中安置"}, {"scattered", "分散安置"}};
constexpr Term kWaterSupplies[] = {{"centralised", "集中供水"}, {"scattered", "分散供水"}, {"none", "未解决"}};
constexpr registry::CodeList kVocabularies[] = {{"house_key_group", kKeyGroups},
                                                  {"renovation_kind", kRenovationKinds},
                                                  {"relocation_site_kind", kSiteKinds},
                                                  {"water_supply", kWaterSupplies}};
constexpr RoadItem kRoadItems[] = {{"road_widened_km", "窄路加宽", "km"},
                                   {"road_natural_village_km", "通自然村公路", "km"},
                                   {"road_safety_km", "安防工程", "km"},
                                   {"road_bridges", "危桥改造", "座"},
                                   {"road_bus_widened_km", "客运线路窄路加宽", "km"},
                                   {"road_connection_km", "通畅工程", "km"}};

void RequireTerm(Problems& p, std::span<const Term> terms, const std::string& value, const std::string& field) {
  if (!registry::IsTerm(terms, value)) p.Add(field, "'" + value + "' is not one of " + registry::TermNames(terms));
}

void RequireText(Problems& p, const std::string& text, const std::string& field) {
  if (text.empty()) p.Add(field, "must not be empty");
  else if (text.size() > 400) p.Add(field, "is longer than 400 bytes");
}

// A date not after today; nullopt (and a problem) otherwise.
std::optional<Date> PastDate(Problems& p, const std::string& text, const std::string& field, const Clock& clock) {
  const auto d = Date::Parse(text);
  if (!d) {
    p.Add(field, "'" + text + "' is not a date (YYYY-MM-DD)");
    return std::nullopt;
  }
  if (*d > clock.Today()) {
    p.Add(field, text + " is in the future");
    return std::nullopt;
  }
  return d;
}

void Require(store::Connection& db, const Clock& clock, const Caller& caller, access::Access a,
             const std::string& area, const std::string& entity) {
  access::Audit audit(db, clock);
  access::Guard(audit).Require(caller, a, Resource::kProjects, {area, std::nullopt, entity});
}

// The area of a listing: the one asked (read access checked) or the caller's scope.
std::string ListArea(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& asked,
                     const std::string& what) {
  const auto scope = access::ReadScopeFor(caller, Resource::kProjects);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read " + what);
  if (asked.empty()) return scope.area_prefix;
  std::string area = registry::RequireAreaCode(asked, "area");
  Require(db, clock, caller, access::Access::kRead, area, what);
  return area;
}

void RequirePage(int64_t limit, int64_t offset) {
  if (limit < 1 || limit > 1000 || offset < 0) {
    throw Error::InvalidArgument("page size out of range", {{"limit", "1-1000, offset not negative"}});
  }
}

std::string VillageOfHousehold(store::Connection& db, int64_t household_id, std::string* number = nullptr) {
  auto s = db.Prepare("SELECT village_code, number FROM households WHERE id = ?");
  s->BindInt(1, household_id);
  if (!s->Step()) return "";
  if (number) *number = s->Text(1);
  return s->Text(0);
}

constexpr std::string_view kInspectionSelect =
    "SELECT i.id, i.household_id, COALESCE(h.number, ''), i.village_code, COALESCE(a.name, i.village_code),"
    " i.householder, i.key_group, i.date, i.inspector, i.grade, i.plate, i.recorded_by FROM house_inspections i"
    " LEFT JOIN households h ON h.id = i.household_id LEFT JOIN areas a ON a.code = i.village_code";

Inspection ReadInspection(const store::Statement& s) {
  Inspection i;
  i.id = s.Int(0);
  i.household_id = s.OptionalInt(1);
  i.household_number = s.Text(2);
  i.village_code = s.Text(3);
  i.village_name = s.Text(4);
  i.householder = s.Text(5);
  i.key_group = s.Text(6);
  i.date = s.Text(7);
  i.inspector = s.Text(8);
  i.grade = s.Text(9);
  i.plate = s.Int(10) != 0;
  i.recorded_by = s.Text(11);
  return i;
}

Inspection LoadInspection(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string(kInspectionSelect) + " WHERE i.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no house inspection " + std::to_string(id));
  return ReadInspection(*s);
}

constexpr std::string_view kRenovationSelect =
    "SELECT r.id, r.inspection_id, r.kind, r.subsidy_fen, r.start_date, r.finish_date, r.accepted_on,"
    " i.household_id, i.village_code, i.householder FROM house_renovations r"
    " JOIN house_inspections i ON i.id = r.inspection_id";

Renovation ReadRenovation(const store::Statement& s) {
  Renovation r;
  r.id = s.Int(0);
  r.inspection_id = s.Int(1);
  r.kind = s.Text(2);
  r.subsidy_fen = s.Int(3);
  r.start_date = s.Text(4);
  r.finish_date = s.OptionalText(5);
  r.accepted_on = s.OptionalText(6);
  r.household_id = s.OptionalInt(7);
  r.village_code = s.Text(8);
  r.householder = s.Text(9);
  return r;
}

Renovation LoadRenovation(store::Connection& db, int64_t id) {
  auto s = db.Prepare(std::string(kRenovationSelect) + " WHERE r.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no house renovation " + std::to_string(id));
  return ReadRenovation(*s);
}

constexpr std::string_view kRelocationSelect =
    "SELECT r.household_id, h.number, r.site_id, s.name, r.from_village, r.persons, r.moved_on, r.demolished_on,"
    " r.reclaimed, r.jobs, r.school_transfers, r.medical_transferred FROM relocations r"
    " JOIN households h ON h.id = r.household_id JOIN relocation_sites s ON s.id = r.site_id";

Relocation ReadRelocation(const store::Statement& s) {
  Relocation r;
  r.household_id = s.Int(0);
  r.household_number = s.Text(1);
  r.site_id = s.Int(2);
  r.site_name = s.Text(3);
  r.from_village = s.Text(4);
  r.persons = s.Int(5);
  r.moved_on = s.Text(6);
  r.demolished_on = s.OptionalText(7);
  r.reclaimed = s.Int(8) != 0;
  r.jobs = s.OptionalInt(9);
  r.school_transfers = s.OptionalInt(10);
  if (!s.IsNull(11)) r.medical_transferred = s.Int(11) != 0;
  return r;
}

constexpr std::string_view kInfrastructureSelect =
    "SELECT v.village_code, COALESCE(a.name, v.village_code), v.year, v.road_hardened, v.natural_villages,"
    " v.natural_villages_reached, v.water_supply, v.tap_water, v.households, v.transformer_kva_milli, v.broadband,"
    " v.clinic, v.culture_centre, v.collective_income_fen FROM village_infrastructure v"
    " LEFT JOIN areas a ON a.code = v.village_code";

Infrastructure ReadInfrastructureRow(const store::Statement& s) {
  Infrastructure i;
  i.village_code = s.Text(0);
  i.village_name = s.Text(1);
  i.year = static_cast<int>(s.Int(2));
  i.road_hardened = s.Int(3) != 0;
  i.natural_villages = s.Int(4);
  i.natural_villages_reached = s.Int(5);
  i.water_supply = s.Text(6);
  i.tap_water = s.Int(7) != 0;
  i.households = s.Int(8);
  i.transformer_kva_milli = s.Int(9);
  i.broadband = s.Int(10) != 0;
  i.clinic = s.Int(11) != 0;
  i.culture_centre = s.Int(12) != 0;
  i.collective_income_fen = s.Int(13);
  return i;
}


// The key of a house: its registered household, else village and householder.
using HouseKey = std::tuple<int64_t, std::string, std::string>;
HouseKey KeyOf(const Inspection& i) {
  if (i.household_id) return {*i.household_id, "", ""};
  return {0, i.village_code, i.householder};
}

// The latest inspection of every house of `area` on or before `date`
// (registered households only when `registered_only`), and the accepted
// renovations and relocations by then: three reads.
struct HouseState {
  std::map<HouseKey, Inspection> latest;
  std::map<int64_t, int64_t> accepted;        // inspection id -> renovation id
  std::map<int64_t, int64_t> started;         // inspection id -> renovation id (not accepted by date)
  std::map<int64_t, std::string> relocated;   // household id -> moved_on
};

HouseState ReadHouseState(store::Connection& db, const std::string& area, const std::string& date,
                          bool registered_only) {
  HouseState st;
  const std::string hi = SubtreeEnd(area);
  auto s = db.Prepare(std::string(kInspectionSelect) +
                      " WHERE i.village_code >= ? AND i.village_code < ? AND i.date <= ?"
                      " AND (? = 0 OR i.household_id IS NOT NULL) ORDER BY i.date, i.id");
  s->BindText(1, area);
  s->BindText(2, hi);
  s->BindText(3, date);
  s->BindInt(4, registered_only ? 1 : 0);
  while (s->Step()) {
    Inspection i = ReadInspection(*s);
    const HouseKey key = KeyOf(i);
    st.latest[key] = std::move(i);
  }
  auto r = db.Prepare(
      "SELECT r.inspection_id, r.id, r.accepted_on FROM house_renovations r JOIN house_inspections i"
      " ON i.id = r.inspection_id WHERE i.village_code >= ? AND i.village_code < ? AND r.start_date <= ? ORDER BY r.id");
  r->BindText(1, area);
  r->BindText(2, hi);
  r->BindText(3, date);
  while (r->Step()) {
    const auto accepted = r->OptionalText(2);
    if (accepted && *accepted <= date) st.accepted[r->Int(0)] = r->Int(1);
    else st.started[r->Int(0)] = r->Int(1);
  }
  auto m = db.Prepare(
      "SELECT household_id, moved_on FROM relocations WHERE from_village >= ? AND from_village < ? AND moved_on <= ?");
  m->BindText(1, area);
  m->BindText(2, hi);
  m->BindText(3, date);
  while (m->Step()) st.relocated[m->Int(0)] = m->Text(1);
  return st;
}

bool Dangerous(const std::string& grade) { return grade == "C" || grade == "D"; }

json Opt(const std::optional<std::string>& v) { return v ? json(*v) : json(); }
json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }

}  // namespace

std::span<const Term> KeyGroups() { return kKeyGroups; }
std::span<const Term> RenovationKinds() { return kRenovationKinds; }
std::span<const Term> SiteKinds() { return kSiteKinds; }
std::span<const Term> WaterSupplies() { return kWaterSupplies; }
std::span<const registry::CodeList> Vocabularies() { return kVocabularies; }
std::span<const RoadItem> RoadItems() { return kRoadItems; }

bool HousingTablesExist(store::Connection& db) {
  return db.QueryInt("SELECT count(*) FROM schema_migrations WHERE id = 1200").value_or(0) > 0;
}

int64_t Infrastructure::KvaPerHouseholdMilli() const {
  return households > 0 ? transformer_kva_milli / households : 0;
}

FacilityFacts FacilitiesOf(const Infrastructure& r) {
  FacilityFacts f;
  f.road = r.road_hardened;
  f.water = r.water_supply != "none";
  f.power = r.transformer_kva_milli > 0;
  f.clinic = r.clinic;
  f.broadband = r.broadband;
  f.culture_centre = r.culture_centre;
  return f;
}

std::unordered_map<int64_t, HouseSafety> HouseSafetyOn(store::Connection& db, const std::string& area,
                                                      const std::string& date) {
  std::unordered_map<int64_t, HouseSafety> out;
  if (!HousingTablesExist(db)) return out;
  const HouseState st = ReadHouseState(db, area, date, true);
  for (const auto& [key, i] : st.latest) {
    HouseSafety h;
    h.inspection_id = i.id;
    h.grade = i.grade;
    h.inspected_on = i.date;
    if (auto a = st.accepted.find(i.id); a != st.accepted.end()) h.renovation_id = a->second;
    h.safe = !Dangerous(i.grade) || h.renovation_id.has_value();
    out[*i.household_id] = std::move(h);
  }
  for (const auto& [household, moved_on] : st.relocated) {
    HouseSafety& h = out[household];
    h.relocated_on = moved_on;
    h.safe = true;
  }
  return out;
}

json HouseSafetyJson(const HouseSafety& h) {
  return {{"safe", h.safe},          {"inspection_id", Opt(h.inspection_id)},
          {"grade", h.grade.empty() ? json() : json(h.grade)},
          {"inspected_on", h.inspected_on.empty() ? json() : json(h.inspected_on)},
          {"renovation_id", Opt(h.renovation_id)}, {"relocated_on", Opt(h.relocated_on)}};
}

std::optional<Infrastructure> ReadInfrastructure(store::Connection& db, const std::string& village, int year) {
  if (!HousingTablesExist(db)) return std::nullopt;
  auto s = db.Prepare(std::string(kInfrastructureSelect) + " WHERE v.village_code = ? AND v.year = ?");
  s->BindText(1, village);
  s->BindInt(2, year);
  if (!s->Step()) return std::nullopt;
  return ReadInfrastructureRow(*s);
}

namespace {

const char* const kUpsertInfrastructure =
    "INSERT INTO village_infrastructure (village_code, year, road_hardened, natural_villages, natural_villages_reached,"
    " water_supply, tap_water, households, transformer_kva_milli, broadband, clinic, culture_centre,"
    " collective_income_fen, recorded_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (village_code, year) DO UPDATE SET road_hardened = excluded.road_hardened,"
    " natural_villages = excluded.natural_villages, natural_villages_reached = excluded.natural_villages_reached,"
    " water_supply = excluded.water_supply, tap_water = excluded.tap_water, households = excluded.households,"
    " transformer_kva_milli = excluded.transformer_kva_milli, broadband = excluded.broadband,"
    " clinic = excluded.clinic, culture_centre = excluded.culture_centre,"
    " collective_income_fen = excluded.collective_income_fen, recorded_by = excluded.recorded_by,"
    " updated_at = excluded.updated_at";

void BindInfrastructure(store::Statement& s, const Infrastructure& v, const std::string& user, int64_t now) {
  s.BindText(1, v.village_code);
  s.BindInt(2, v.year);
  s.BindInt(3, v.road_hardened ? 1 : 0);
  s.BindInt(4, v.natural_villages);
  s.BindInt(5, v.natural_villages_reached);
  s.BindText(6, v.water_supply);
  s.BindInt(7, v.tap_water ? 1 : 0);
  s.BindInt(8, v.households);
  s.BindInt(9, v.transformer_kva_milli);
  s.BindInt(10, v.broadband ? 1 : 0);
  s.BindInt(11, v.clinic ? 1 : 0);
  s.BindInt(12, v.culture_centre ? 1 : 0);
  s.BindInt(13, v.collective_income_fen);
  s.BindText(14, user);
  s.BindInt(15, now);
}

}  // namespace

void WriteInfrastructure(store::Connection& db, std::span<const Infrastructure> rows, const std::string& user,
                         int64_t now) {
  auto s = db.Prepare(kUpsertInfrastructure);
  for (const auto& v : rows) {
    BindInfrastructure(*s, v, user, now);
    s->Run();
    s->Reset();
  }
}

// ---- housing safety ---------------------------------------------------------

Inspection HousingService::Inspect(const Caller& caller, const Inspection& in) {
  Problems p;
  Inspection i = in;
  if (i.household_id) {
    const std::string village = VillageOfHousehold(db_, *i.household_id, &i.household_number);
    if (village.empty()) p.Add("household_id", "no household " + std::to_string(*i.household_id));
    else if (!i.village_code.empty() && NormalizeAreaCode(i.village_code) != village) {
      p.Add("village_code", "household " + std::to_string(*i.household_id) + " lives in " + village);
    }
    i.village_code = village;
    if (i.key_group.empty()) i.key_group = "registered_poor";
  } else {
    const auto code = NormalizeAreaCode(i.village_code);
    if (!code || LevelOfCode(*code) != AreaLevel::kVillage) {
      p.Add("village_code", "'" + i.village_code + "' is not a village code (12 digits)");
    } else if (!registry::FindArea(db_, *code)) {
      p.Add("village_code", "no area " + *code);
    } else {
      i.village_code = *code;
    }
    RequireText(p, i.householder, "householder");
  }
  RequireTerm(p, kKeyGroups, i.key_group, "key_group");
  RequireTerm(p, registry::HouseGrades(), i.grade, "grade");
  RequireText(p, i.inspector, "inspector");
  PastDate(p, i.date, "date", clock_);
  p.ThrowIfAny("invalid house inspection");
  Require(db_, clock_, caller, access::Access::kWrite, i.village_code, "house_inspections");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO house_inspections (household_id, village_code, householder, key_group, date, inspector, grade,"
      " plate, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindOptionalInt(1, i.household_id);
  s->BindText(2, i.village_code);
  s->BindText(3, i.householder);
  s->BindText(4, i.key_group);
  s->BindText(5, i.date);
  s->BindText(6, i.inspector);
  s->BindText(7, i.grade);
  s->BindInt(8, i.plate ? 1 : 0);
  s->BindText(9, caller.user_name);
  s->BindInt(10, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  Inspection out = LoadInspection(db_, id);
  access::RecordChange(db_, clock_, caller, "housing.inspect", "house_inspection/" + std::to_string(id),
                       out.village_code, nullptr, InspectionJson(out));
  tx.Commit();
  return out;
}

std::vector<Inspection> HousingService::ListInspections(const Caller& caller, const InspectionFilter& f) {
  const std::string area = ListArea(db_, clock_, caller, f.area_code, "house_inspections");
  if (!f.grade.empty() && !registry::IsTerm(registry::HouseGrades(), f.grade)) {
    throw Error::InvalidArgument("invalid grade", {{"grade", "'" + f.grade + "' is not one of A, B, C, D"}});
  }
  RequirePage(f.limit, f.offset);
  auto s = db_.Prepare(std::string(kInspectionSelect) +
                       " WHERE i.village_code >= ? AND i.village_code < ? AND (? = '' OR i.grade = ?)"
                       " AND (? = 0 OR i.grade = 'C' OR i.grade = 'D') ORDER BY i.village_code, i.date, i.id"
                       " LIMIT " + std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset));
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindText(3, f.grade);
  s->BindText(4, f.grade);
  s->BindInt(5, f.dangerous_only ? 1 : 0);
  std::vector<Inspection> out;
  while (s->Step()) out.push_back(ReadInspection(*s));
  return out;
}

Renovation HousingService::Renovate(const Caller& caller, const Renovation& in) {
  const Inspection inspection = LoadInspection(db_, in.inspection_id);
  Problems p;
  RequireTerm(p, kRenovationKinds, in.kind, "kind");
  if (in.subsidy_fen < 0) p.Add("subsidy", "must not be negative");
  const auto start = PastDate(p, in.start_date, "start_date", clock_);
  if (start && start->ToString() < inspection.date) {
    p.Add("start_date", in.start_date + " is before the inspection of " + inspection.date);
  }
  std::optional<Date> finish, accepted;
  if (in.finish_date) finish = PastDate(p, *in.finish_date, "finish_date", clock_);
  if (in.accepted_on) accepted = PastDate(p, *in.accepted_on, "accepted_on", clock_);
  if (start && finish && *finish < *start) p.Add("finish_date", "is before start_date");
  if (in.accepted_on && !in.finish_date) p.Add("accepted_on", "needs finish_date");
  if (finish && accepted && *accepted < *finish) p.Add("accepted_on", "is before finish_date");
  p.ThrowIfAny("invalid house renovation");
  Require(db_, clock_, caller, access::Access::kWrite, inspection.village_code, "house_renovations");
  if (!Dangerous(inspection.grade)) {
    throw Error::FailedPrecondition("inspection " + std::to_string(inspection.id) + " graded the house " +
                                    inspection.grade + "; only a C or D house is renovated");
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO house_renovations (inspection_id, kind, subsidy_fen, start_date, finish_date, accepted_on,"
      " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindInt(1, in.inspection_id);
  s->BindText(2, in.kind);
  s->BindInt(3, in.subsidy_fen);
  s->BindText(4, in.start_date);
  s->BindOptionalText(5, in.finish_date);
  s->BindOptionalText(6, in.accepted_on);
  s->BindText(7, caller.user_name);
  s->BindInt(8, clock_.NowSeconds());
  s->Step();
  const int64_t id = s->Int(0);
  s->Reset();
  Renovation out = LoadRenovation(db_, id);
  access::RecordChange(db_, clock_, caller, "housing.renovate", "house_renovation/" + std::to_string(id),
                       out.village_code, nullptr, RenovationJson(out));
  tx.Commit();
  return out;
}

Renovation HousingService::Accept(const Caller& caller, int64_t id, const std::string& finish_date,
                                  const std::string& accepted_on) {
  const Renovation before = LoadRenovation(db_, id);
  Problems p;
  const auto finish = PastDate(p, finish_date, "finish_date", clock_);
  const auto accepted = PastDate(p, accepted_on, "accepted_on", clock_);
  if (finish && finish->ToString() < before.start_date) p.Add("finish_date", "is before the start " + before.start_date);
  if (finish && accepted && *accepted < *finish) p.Add("accepted_on", "is before finish_date");
  p.ThrowIfAny("invalid acceptance");
  Require(db_, clock_, caller, access::Access::kWrite, before.village_code, "house_renovation/" + std::to_string(id));
  store::Transaction tx(db_);
  auto s = db_.Prepare("UPDATE house_renovations SET finish_date = ?, accepted_on = ? WHERE id = ?");
  s->BindText(1, finish_date);
  s->BindText(2, accepted_on);
  s->BindInt(3, id);
  s->Run();
  Renovation out = LoadRenovation(db_, id);
  access::RecordChange(db_, clock_, caller, "housing.accept", "house_renovation/" + std::to_string(id),
                       out.village_code, RenovationJson(before), RenovationJson(out));
  tx.Commit();
  return out;
}

std::vector<Renovation> HousingService::ListRenovations(const Caller& caller, const std::string& asked, int64_t limit,
                                                        int64_t offset) {
  const std::string area = ListArea(db_, clock_, caller, asked, "house_renovations");
  RequirePage(limit, offset);
  auto s = db_.Prepare(std::string(kRenovationSelect) +
                       " WHERE i.village_code >= ? AND i.village_code < ? ORDER BY i.village_code, r.id LIMIT " +
                       std::to_string(limit) + " OFFSET " + std::to_string(offset));
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  std::vector<Renovation> out;
  while (s->Step()) out.push_back(ReadRenovation(*s));
  return out;
}

std::vector<DangerousHouse> HousingService::DangerousHouses(const Caller& caller, const std::string& asked,
                                                            const std::string& date) {
  const std::string area = ListArea(db_, clock_, caller, asked, "house_inspections");
  std::string on = date;
  if (on.empty()) on = clock_.Today().ToString();
  else if (!Date::Parse(on)) throw Error::InvalidArgument("invalid date", {{"date", "'" + on + "' is not a date"}});
  const HouseState st = ReadHouseState(db_, area, on, false);
  std::vector<DangerousHouse> out;
  for (const auto& [key, i] : st.latest) {
    if (!Dangerous(i.grade) || st.accepted.contains(i.id)) continue;
    if (i.household_id && st.relocated.contains(*i.household_id)) continue;
    DangerousHouse d;
    d.inspection = i;
    if (auto r = st.started.find(i.id); r != st.started.end()) d.renovation_id = r->second;
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const DangerousHouse& a, const DangerousHouse& b) {
    return std::tie(a.inspection.village_code, a.inspection.id) < std::tie(b.inspection.village_code, b.inspection.id);
  });
  return out;
}

// ---- the pages' summaries ---------------------------------------------------

namespace {

// The date of a summary: the one asked, or today.
std::string SummaryDate(const std::string& asked, const Clock& clock) {
  if (asked.empty()) return clock.Today().ToString();
  if (!Date::Parse(asked)) throw Error::InvalidArgument("invalid date", {{"date", "'" + asked + "' is not a date"}});
  return asked;
}

// The areas one level below `area` (the village itself for a village), by code, with an empty count.
std::vector<AreaSafety> AreasBelow(store::Connection& db, const std::string& area) {
  std::vector<AreaSafety> out;
  auto s = db.Prepare("SELECT code, name FROM areas WHERE parent_code = ? OR (code = ? AND level = 5) ORDER BY code");
  s->BindText(1, area);
  s->BindText(2, area);
  while (s->Step()) out.push_back({s->Text(0), s->Text(1), 0, 0});
  return out;
}

std::vector<RenovationCount> CountRenovations(store::Connection& db, const std::string& area, const std::string& date) {
  std::map<std::string, RenovationCount> by_kind;
  auto s = db.Prepare(
      "SELECT r.kind, count(*), COALESCE(sum(CASE WHEN r.accepted_on <= ?3 THEN 1 ELSE 0 END), 0),"
      " COALESCE(sum(r.subsidy_fen), 0) FROM house_renovations r JOIN house_inspections i ON i.id = r.inspection_id"
      " WHERE i.village_code >= ?1 AND i.village_code < ?2 AND r.start_date <= ?3 GROUP BY r.kind");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindText(3, date);
  while (s->Step()) by_kind[s->Text(0)] = {s->Text(0), s->Int(1), s->Int(2), s->Int(3)};
  std::vector<RenovationCount> out;
  for (const Term& k : kRenovationKinds) {
    auto it = by_kind.find(std::string(k.name));
    RenovationCount c;
    c.kind = k.name;
    out.push_back(it == by_kind.end() ? c : it->second);
  }
  return out;
}

}  // namespace

HousingSummary HousingService::Summarize(const Caller& caller, const std::string& asked, const std::string& date) {
  HousingSummary out;
  out.area = ListArea(db_, clock_, caller, asked, "house_inspections");
  out.date = SummaryDate(date, clock_);
  const HouseState st = ReadHouseState(db_, out.area, out.date, false);
  std::map<std::pair<std::string, std::string>, HouseCount> counts;
  out.areas = AreasBelow(db_, out.area);
  for (const auto& [key, i] : st.latest) {
    HouseCount& c = counts[{i.grade, i.key_group}];
    c.grade = i.grade;
    c.key_group = i.key_group;
    ++c.houses;
    if (i.plate) ++c.plates;
    const bool dangerous = Dangerous(i.grade) && !st.accepted.contains(i.id) &&
                           !(i.household_id && st.relocated.contains(*i.household_id));
    if (dangerous) ++out.dangerous;
    // The area below the one asked that holds the village (areas are sorted by code).
    auto a = std::upper_bound(out.areas.begin(), out.areas.end(), i.village_code,
                              [](const std::string& v, const AreaSafety& x) { return v < x.code; });
    if (a == out.areas.begin() || !AreaContains(std::prev(a)->code, i.village_code)) continue;
    ++std::prev(a)->houses;
    if (dangerous) ++std::prev(a)->dangerous;
  }
  for (auto& [key, c] : counts) out.houses.push_back(std::move(c));
  out.renovations = CountRenovations(db_, out.area, out.date);
  return out;
}

RelocationSummary HousingService::SummarizeRelocation(const Caller& caller, const std::string& asked,
                                                      const std::string& date) {
  RelocationSummary out;
  out.area = ListArea(db_, clock_, caller, asked, "relocations");
  out.date = SummaryDate(date, clock_);
  auto s = db_.Prepare(
      "SELECT s.kind, count(*), COALESCE(sum(r.persons), 0),"
      " COALESCE(sum(CASE WHEN r.demolished_on <= ?3 THEN 1 ELSE 0 END), 0),"
      " COALESCE(sum(CASE WHEN r.demolished_on <= ?3 AND r.reclaimed = 1 THEN 1 ELSE 0 END), 0),"
      " COALESCE(sum(r.jobs), 0), COALESCE(sum(r.school_transfers), 0),"
      " COALESCE(sum(CASE WHEN r.medical_transferred = 1 THEN 1 ELSE 0 END), 0)"
      " FROM relocations r JOIN relocation_sites s ON s.id = r.site_id"
      " WHERE r.from_village >= ?1 AND r.from_village < ?2 AND r.moved_on <= ?3 GROUP BY s.kind");
  s->BindText(1, out.area);
  s->BindText(2, SubtreeEnd(out.area));
  s->BindText(3, out.date);
  std::map<std::string, RelocationCount> by_kind;
  while (s->Step()) {
    by_kind[s->Text(0)] = {s->Text(0), s->Int(1), s->Int(2), s->Int(3), s->Int(4), s->Int(5), s->Int(6), s->Int(7)};
  }
  for (const Term& k : kSiteKinds) {
    auto it = by_kind.find(std::string(k.name));
    RelocationCount c;
    c.site_kind = k.name;
    if (it != by_kind.end()) c = it->second;
    out.kinds.push_back(c);
    out.total.households += c.households;
    out.total.persons += c.persons;
    out.total.demolished += c.demolished;
    out.total.reclaimed += c.reclaimed;
    out.total.jobs += c.jobs;
    out.total.school_transfers += c.school_transfers;
    out.total.medical_transferred += c.medical_transferred;
  }
  return out;
}

// ---- relocation --------------------------------------------------------------

Site HousingService::AddSite(const Caller& caller, const Site& in) {
  Problems p;
  RequireText(p, in.name, "name");
  RequireTerm(p, kSiteKinds, in.kind, "kind");
  if (in.capacity < 0) p.Add("capacity", "must not be negative");
  const auto code = NormalizeAreaCode(in.township_code);
  if (!code || LevelOfCode(*code) != AreaLevel::kTownship) {
    p.Add("township_code", "'" + in.township_code + "' is not a township code (9 digits)");
  } else if (!registry::FindArea(db_, *code)) {
    p.Add("township_code", "no area " + *code);
  }
  p.ThrowIfAny("invalid relocation site");
  Require(db_, clock_, caller, access::Access::kWrite, *code, "relocation_sites");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO relocation_sites (name, kind, township_code, capacity, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, in.name);
  s->BindText(2, in.kind);
  s->BindText(3, *code);
  s->BindInt(4, in.capacity);
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock_.NowSeconds());
  s->Step();
  Site out = in;
  out.id = s->Int(0);
  s->Reset();
  out.township_code = *code;
  out.township_name = registry::FindArea(db_, *code)->name;
  access::RecordChange(db_, clock_, caller, "housing.site_add", "relocation_site/" + std::to_string(out.id), *code,
                       nullptr, SiteJson(out));
  tx.Commit();
  return out;
}

std::vector<Site> HousingService::ListSites(const Caller& caller, const std::string& asked) {
  const std::string area = ListArea(db_, clock_, caller, asked, "relocation_sites");
  // A county's sites are listed for any of its townships' callers too: a site
  // lies in one township, and the area asked may be a village.
  auto s = db_.Prepare(
      "SELECT s.id, s.name, s.kind, s.township_code, COALESCE(a.name, s.township_code), s.capacity,"
      " (SELECT count(*) FROM relocations r WHERE r.site_id = s.id),"
      " (SELECT COALESCE(sum(r.persons), 0) FROM relocations r WHERE r.site_id = s.id)"
      " FROM relocation_sites s LEFT JOIN areas a ON a.code = s.township_code"
      " WHERE s.township_code >= ? AND s.township_code < ? ORDER BY s.township_code, s.id");
  s->BindText(1, area.size() > 9 ? area.substr(0, 9) : area);
  s->BindText(2, SubtreeEnd(area.size() > 9 ? area.substr(0, 9) : area));
  std::vector<Site> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->Int(5), s->Int(6), s->Int(7)});
  }
  return out;
}

Relocation HousingService::Relocate(const Caller& caller, const Relocation& in) {
  Problems p;
  std::string number;
  const std::string village = VillageOfHousehold(db_, in.household_id, &number);
  if (village.empty()) p.Add("household_id", "no household " + std::to_string(in.household_id));
  std::string township;
  {
    auto s = db_.Prepare("SELECT township_code FROM relocation_sites WHERE id = ?");
    s->BindInt(1, in.site_id);
    if (s->Step()) township = s->Text(0);
    else p.Add("site_id", "no relocation site " + std::to_string(in.site_id));
  }
  if (!village.empty() && !township.empty() && village.substr(0, 6) != township.substr(0, 6)) {
    p.Add("site_id", "site " + std::to_string(in.site_id) + " lies outside the county of household " +
                         std::to_string(in.household_id));
  }
  const auto moved = PastDate(p, in.moved_on, "moved_on", clock_);
  if (in.demolished_on) {
    const auto d = PastDate(p, *in.demolished_on, "demolished_on", clock_);
    if (d && moved && *d < *moved) p.Add("demolished_on", "is before moved_on");
  }
  if (in.reclaimed && !in.demolished_on) p.Add("reclaimed", "the old house is not demolished");
  if ((in.jobs && *in.jobs < 0) || (in.school_transfers && *in.school_transfers < 0)) {
    p.Add("follow_up", "counts must not be negative");
  }
  p.ThrowIfAny("invalid relocation");
  Require(db_, clock_, caller, access::Access::kWrite, village, "relocation/" + std::to_string(in.household_id));
  store::Transaction tx(db_);
  int64_t members = 0;
  {
    auto m = db_.Prepare(
        "SELECT count(*) FROM memberships m JOIN persons p ON p.id = m.person_id WHERE m.household_id = ?1"
        " AND m.start_date <= ?2 AND (m.end_date IS NULL OR m.end_date > ?2) AND (p.death_date IS NULL OR p.death_date > ?2)");
    m->BindInt(1, in.household_id);
    m->BindText(2, in.moved_on);
    m->Step();
    members = m->Int(0);
  }
  if (members <= 0) {
    throw Error::FailedPrecondition("household " + std::to_string(in.household_id) + " has no members on " +
                                    in.moved_on);
  }
  auto s = db_.Prepare(
      "INSERT INTO relocations (household_id, site_id, from_village, persons, moved_on, demolished_on, reclaimed, jobs,"
      " school_transfers, medical_transferred, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s->BindInt(1, in.household_id);
  s->BindInt(2, in.site_id);
  s->BindText(3, village);
  s->BindInt(4, members);
  s->BindText(5, in.moved_on);
  s->BindOptionalText(6, in.demolished_on);
  s->BindInt(7, in.reclaimed ? 1 : 0);
  s->BindOptionalInt(8, in.jobs);
  s->BindOptionalInt(9, in.school_transfers);
  if (in.medical_transferred) s->BindInt(10, *in.medical_transferred ? 1 : 0);
  else s->BindNull(10);
  s->BindText(11, caller.user_name);
  s->BindInt(12, clock_.NowSeconds());
  s->Run();
  auto r = db_.Prepare(std::string(kRelocationSelect) + " WHERE r.household_id = ?");
  r->BindInt(1, in.household_id);
  r->Step();
  Relocation out = ReadRelocation(*r);
  access::RecordChange(db_, clock_, caller, "housing.relocate", "relocation/" + std::to_string(in.household_id),
                       village, nullptr, RelocationJson(out));
  tx.Commit();
  return out;
}

std::vector<Relocation> HousingService::ListRelocations(const Caller& caller, const std::string& asked, int64_t limit,
                                                        int64_t offset) {
  const std::string area = ListArea(db_, clock_, caller, asked, "relocations");
  RequirePage(limit, offset);
  auto s = db_.Prepare(std::string(kRelocationSelect) +
                       " WHERE r.from_village >= ? AND r.from_village < ? ORDER BY r.from_village, r.household_id"
                       " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset));
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  std::vector<Relocation> out;
  while (s->Step()) out.push_back(ReadRelocation(*s));
  return out;
}

// ---- village infrastructure --------------------------------------------------

Infrastructure HousingService::SetInfrastructure(const Caller& caller, const Infrastructure& in) {
  Problems p;
  Infrastructure v = in;
  const auto code = NormalizeAreaCode(in.village_code);
  if (!code || LevelOfCode(*code) != AreaLevel::kVillage) {
    p.Add("village_code", "'" + in.village_code + "' is not a village code (12 digits)");
  } else if (!registry::FindArea(db_, *code)) {
    p.Add("village_code", "no area " + *code);
  } else {
    v.village_code = *code;
  }
  if (in.year < 2000 || in.year > 2100) p.Add("year", std::to_string(in.year) + " is not between 2000 and 2100");
  RequireTerm(p, kWaterSupplies, in.water_supply, "water_supply");
  if (in.natural_villages < 0) p.Add("natural_villages", "must not be negative");
  if (in.natural_villages_reached < 0 || in.natural_villages_reached > in.natural_villages) {
    p.Add("natural_villages_reached", "must lie between 0 and natural_villages");
  }
  if (in.households < 0) p.Add("households", "must not be negative");
  if (in.transformer_kva_milli < 0) p.Add("transformer_kva", "must not be negative");
  if (in.collective_income_fen < 0) p.Add("collective_income", "must not be negative");
  p.ThrowIfAny("invalid village infrastructure");
  Require(db_, clock_, caller, access::Access::kWrite, v.village_code, "village_infrastructure/" + v.village_code);
  store::Transaction tx(db_);
  const auto before = ReadInfrastructure(db_, v.village_code, v.year);
  WriteInfrastructure(db_, std::span<const Infrastructure>(&v, 1), caller.user_name, clock_.NowSeconds());
  Infrastructure out = *ReadInfrastructure(db_, v.village_code, v.year);
  access::RecordChange(db_, clock_, caller, "housing.infrastructure_set",
                       "village_infrastructure/" + v.village_code + "/" + std::to_string(v.year), v.village_code,
                       before ? InfrastructureJson(*before) : json(), InfrastructureJson(out));
  tx.Commit();
  return out;
}

std::vector<Infrastructure> HousingService::ListInfrastructure(const Caller& caller, const std::string& asked,
                                                               int year) {
  const std::string area = ListArea(db_, clock_, caller, asked, "village_infrastructure");
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  auto s = db_.Prepare(std::string(kInfrastructureSelect) +
                       " WHERE v.village_code >= ? AND v.village_code < ? AND v.year = ? ORDER BY v.village_code");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindInt(3, year);
  std::vector<Infrastructure> out;
  while (s->Step()) out.push_back(ReadInfrastructureRow(*s));
  return out;
}

// ---- one household ---------------------------------------------------------

HouseholdHousing HousingService::ForHousehold(const Caller& caller, int64_t household_id) {
  const std::string village = VillageOfHousehold(db_, household_id);
  if (village.empty()) throw Error::NotFound("no household " + std::to_string(household_id));
  {
    access::Audit audit(db_, clock_);
    access::Guard(audit, access::ActivePairingCheck(db_, clock_.Today()))
        .RequireRead(caller, Resource::kRegistry, {village, household_id, "household/" + std::to_string(household_id)});
  }
  HouseholdHousing out;
  auto i = db_.Prepare(std::string(kInspectionSelect) + " WHERE i.household_id = ? ORDER BY i.date, i.id");
  i->BindInt(1, household_id);
  while (i->Step()) out.inspections.push_back(ReadInspection(*i));
  auto r = db_.Prepare(std::string(kRenovationSelect) + " WHERE i.household_id = ? ORDER BY r.id");
  r->BindInt(1, household_id);
  while (r->Step()) out.renovations.push_back(ReadRenovation(*r));
  auto m = db_.Prepare(std::string(kRelocationSelect) + " WHERE r.household_id = ?");
  m->BindInt(1, household_id);
  if (m->Step()) out.relocation = ReadRelocation(*m);
  auto safety = HouseSafetyOn(db_, village, clock_.Today().ToString());
  if (auto it = safety.find(household_id); it != safety.end()) out.safety = it->second;
  return out;
}

// ---- JSON --------------------------------------------------------------------

json InspectionJson(const Inspection& i) {
  return {{"id", i.id},
          {"household_id", Opt(i.household_id)},
          {"household_number", i.household_number.empty() ? json() : json(i.household_number)},
          {"village_code", i.village_code},
          {"village_name", i.village_name},
          {"householder", i.householder},
          {"key_group", i.key_group},
          {"key_group_zh", std::string(registry::LabelZh(kKeyGroups, i.key_group))},
          {"date", i.date},
          {"inspector", i.inspector},
          {"grade", i.grade},
          {"dangerous", Dangerous(i.grade)},
          {"plate", i.plate},
          {"recorded_by", i.recorded_by}};
}

json RenovationJson(const Renovation& r) {
  return {{"id", r.id},
          {"inspection_id", r.inspection_id},
          {"kind", r.kind},
          {"kind_zh", std::string(registry::LabelZh(kRenovationKinds, r.kind))},
          {"subsidy_fen", r.subsidy_fen},
          {"subsidy_yuan", FormatYuan(r.subsidy_fen)},
          {"start_date", r.start_date},
          {"finish_date", Opt(r.finish_date)},
          {"accepted_on", Opt(r.accepted_on)},
          {"household_id", Opt(r.household_id)},
          {"village_code", r.village_code},
          {"householder", r.householder}};
}

json SiteJson(const Site& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"kind", s.kind},
          {"kind_zh", std::string(registry::LabelZh(kSiteKinds, s.kind))},
          {"township_code", s.township_code},
          {"township_name", s.township_name},
          {"capacity", s.capacity},
          {"households", s.households},
          {"persons", s.persons}};
}

json RelocationJson(const Relocation& r) {
  return {{"household_id", r.household_id},
          {"household_number", r.household_number},
          {"site_id", r.site_id},
          {"site_name", r.site_name},
          {"from_village", r.from_village},
          {"persons", r.persons},
          {"moved_on", r.moved_on},
          {"demolished_on", Opt(r.demolished_on)},
          {"reclaimed", r.reclaimed},
          {"jobs", Opt(r.jobs)},
          {"school_transfers", Opt(r.school_transfers)},
          {"medical_transferred", r.medical_transferred ? json(*r.medical_transferred) : json()}};
}

json InfrastructureJson(const Infrastructure& i) {
  const FacilityFacts f = FacilitiesOf(i);
  return {{"village_code", i.village_code},
          {"village_name", i.village_name},
          {"year", i.year},
          {"road_hardened", i.road_hardened},
          {"natural_villages", i.natural_villages},
          {"natural_villages_reached", i.natural_villages_reached},
          {"water_supply", i.water_supply},
          {"water_supply_zh", std::string(registry::LabelZh(kWaterSupplies, i.water_supply))},
          {"tap_water", i.tap_water},
          {"households", i.households},
          {"transformer_kva", static_cast<double>(i.transformer_kva_milli) / 1000.0},
          {"kva_per_household", static_cast<double>(i.KvaPerHouseholdMilli()) / 1000.0},
          {"broadband", i.broadband},
          {"clinic", i.clinic},
          {"culture_centre", i.culture_centre},
          {"collective_income_fen", i.collective_income_fen},
          {"collective_income_yuan", FormatYuan(i.collective_income_fen)},
          {"facilities",
           {{"road", f.road}, {"water", f.water}, {"power", f.power}, {"clinic", f.clinic},
            {"broadband", f.broadband}, {"culture_centre", f.culture_centre}}}};
}

json HouseholdHousingJson(const HouseholdHousing& h) {
  json inspections = json::array(), renovations = json::array();
  for (const auto& i : h.inspections) inspections.push_back(InspectionJson(i));
  for (const auto& r : h.renovations) renovations.push_back(RenovationJson(r));
  return {{"inspections", inspections},
          {"renovations", renovations},
          {"relocation", h.relocation ? RelocationJson(*h.relocation) : json()},
          {"safety", h.safety ? HouseSafetyJson(*h.safety) : json()}};
}

json HousingSummaryJson(const HousingSummary& s) {
  json houses = json::array(), renovations = json::array(), areas = json::array();
  for (const auto& c : s.houses) {
    houses.push_back({{"grade", c.grade}, {"key_group", c.key_group},
                      {"key_group_zh", std::string(registry::LabelZh(kKeyGroups, c.key_group))},
                      {"houses", c.houses}, {"plates", c.plates}});
  }
  for (const auto& r : s.renovations) {
    renovations.push_back({{"kind", r.kind}, {"kind_zh", std::string(registry::LabelZh(kRenovationKinds, r.kind))},
                           {"started", r.started}, {"accepted", r.accepted}, {"subsidy_fen", r.subsidy_fen},
                           {"subsidy_yuan", FormatYuan(r.subsidy_fen)}});
  }
  for (const auto& a : s.areas) {
    areas.push_back({{"code", a.code}, {"name", a.name}, {"houses", a.houses}, {"dangerous", a.dangerous},
                     {"passed", a.dangerous == 0}});
  }
  return {{"area", s.area}, {"date", s.date}, {"houses", houses}, {"renovations", renovations},
          {"areas", areas}, {"dangerous", s.dangerous}};
}

json RelocationSummaryJson(const RelocationSummary& s) {
  auto count = [](const RelocationCount& c) {
    json j = {{"households", c.households}, {"persons", c.persons}, {"demolished", c.demolished},
              {"reclaimed", c.reclaimed}, {"jobs", c.jobs}, {"school_transfers", c.school_transfers},
              {"medical_transferred", c.medical_transferred}};
    if (!c.site_kind.empty()) {
      j["site_kind"] = c.site_kind;
      j["site_kind_zh"] = std::string(registry::LabelZh(kSiteKinds, c.site_kind));
    }
    return j;
  };
  json kinds = json::array();
  for (const auto& c : s.kinds) kinds.push_back(count(c));
  return {{"area", s.area}, {"date", s.date}, {"kinds", kinds}, {"total", count(s.total)}};
}

}  // namespace fupin::housing
