#include "registry/households.h"

#include <algorithm>
#include <utility>

#include "access/audit.h"
#include "access/pairing.h"
#include "access/permissions.h"
#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/id_number.h"
#include "core/text.h"
#include "registry/registry_json.h"
#include "core/error.h"
#include "registry/areas.h"
#include "registry/audited.h"
#include "registry/registry_internal.h"
#include "registry/rollup.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::registry {
namespace internal {

void RequireRegistryRead(store::Connection& db, const Clock& clock, const Caller& caller,
                         const std::string& village_code, std::optional<int64_t> household_id,
                         const std::string& entity) {
  access::Audit audit(db, clock);
  access::Guard(audit, access::ActivePairingCheck(db, clock.Today())).RequireRead(caller, access::Resource::kRegistry, {village_code, household_id, entity});
}

void RequireRegistryWrite(store::Connection& db, const Clock& clock, const Caller& caller,
                          const std::string& village_code, std::optional<int64_t> household_id,
                          const std::string& entity) {
  access::Audit audit(db, clock);
  access::Guard(audit, access::ActivePairingCheck(db, clock.Today())).RequireWrite(caller, access::Resource::kRegistry, {village_code, household_id, entity});
}

std::string HouseholdVillage(store::Connection& db, int64_t household_id) {
  auto s = db.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, household_id);
  if (!s->Step()) throw Error::NotFound("no household with id " + std::to_string(household_id));
  return s->Text(0);
}

bool IsPlausiblePhone(const std::string& phone) {
  if (phone.size() < 7 || phone.size() > 20) return false;
  int digits = 0;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != '+' && c != ' ') {
      return false;
    }
  }
  return digits >= 7;
}

void SetPhone(store::Connection& db, std::string_view table, int64_t id, const std::optional<std::string>& phone) {
  auto s = db.Prepare("UPDATE " + std::string(table) +
                      " SET phone_enc = ?1, phone_index = ?2, phone_masked = ?3 WHERE id = ?4");
  access::BindPhone(*s, 1, phone);
  s->BindInt(4, id);
  s->Run();
}

std::string RevealPhone(store::Connection& db, std::string_view table, int64_t id) {
  auto s = db.Prepare("SELECT phone_enc FROM " + std::string(table) + " WHERE id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no row " + std::to_string(id) + " in " + std::string(table));
  if (s->IsNull(0)) return "";
  return access::CurrentProtector().Decrypt(s->Blob(0));
}

}  // namespace internal


namespace {

std::vector<std::string> SplitCauses(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string JoinCauses(const std::vector<std::string>& causes) {
  std::string out;
  for (const auto& c : causes) {
    if (!out.empty()) out += ",";
    out += c;
  }
  return out;
}

// Columns read for a household row, with its status as of `as_of` (a date
// string, '9999-12-31' for now) in the last column.
std::string HouseholdSelect() {
  return std::string(
             "SELECT h.id, h.number, h.village_code, a.name, h.identified_year, h.attribute, h.main_cause,"
             " h.other_causes, h.address, h.phone_masked, h.version, ") + StatusOrUnregisteredOnSql("h.id", "?1") +
         " AS status FROM households h JOIN areas a ON a.code = h.village_code";
}

Household ReadHousehold(store::Statement& s) {
  Household h;
  h.id = s.Int(0);
  h.number = s.Text(1);
  h.village_code = s.Text(2);
  h.village_name = s.Text(3);
  if (!s.IsNull(4)) h.identified_year = static_cast<int>(s.Int(4));
  h.attribute = s.Text(5);
  h.main_cause = s.Text(6);
  h.other_causes = SplitCauses(s.Text(7));
  h.address = s.Text(8);
  h.phone = s.OptionalText(9);
  h.version = s.Int(10);
  h.status = s.Text(11);
  return h;
}

std::optional<bool> OptionalBool(store::Statement& s, int c) {
  if (s.IsNull(c)) return std::nullopt;
  return s.Int(c) != 0;
}

void BindOptionalBool(store::Statement& s, int i, const std::optional<bool>& v) {
  v ? s.BindInt(i, *v ? 1 : 0) : s.BindNull(i);
}

// The policy facts of household_years (migration 102), in this order.
constexpr std::string_view kPolicyFacts = " dibao_class, house_grade, relocation, pepper_area, camellia_area, pv_share";

void ReadPolicyFacts(store::Statement& s, int c, HouseholdYear& y) {
  y.dibao_class = s.OptionalText(c);
  y.house_grade = s.OptionalText(c + 1);
  y.relocation = OptionalBool(s, c + 2);
  if (!s.IsNull(c + 3)) y.pepper_area = s.Int(c + 3);
  if (!s.IsNull(c + 4)) y.camellia_area = s.Int(c + 4);
  y.pv_share = OptionalBool(s, c + 5);
}

void BindOptionalInt(store::Statement& s, int i, const std::optional<int64_t>& v) {
  v ? s.BindInt(i, *v) : s.BindNull(i);
}

// The columns of a household_years row as ReadYearRow reads them.
std::string YearColumns() {
  return "year, members, wage_income, production_income, property_income, transfer_income, production_cost,"
         " food_secure, clothing_secure, housing_safe, drinking_water_safe," + std::string(kPolicyFacts);
}

HouseholdYear ReadYearRow(store::Statement& s) {
  HouseholdYear y;
  y.year = static_cast<int>(s.Int(0));
  y.members = static_cast<int>(s.Int(1));
  y.wage_income = s.Int(2);
  y.production_income = s.Int(3);
  y.property_income = s.Int(4);
  y.transfer_income = s.Int(5);
  y.production_cost = s.Int(6);
  y.food_secure = OptionalBool(s, 7);
  y.clothing_secure = OptionalBool(s, 8);
  y.housing_safe = OptionalBool(s, 9);
  y.drinking_water_safe = OptionalBool(s, 10);
  ReadPolicyFacts(s, 11, y);
  return y;
}

// A household's facts of a year, checked; `members` 0 takes the number of
// current members. Every problem named by field (thrown together).
void CheckHouseholdYear(store::Connection& db, int64_t household_id, int this_year, HouseholdYear& f) {
  Problems problems;
  if (f.year < 2000 || f.year > this_year) problems.Add("year", std::to_string(f.year) + " is out of range");
  const struct {
    const char* name;
    Fen value;
  } amounts[] = {{"wage_income", f.wage_income},
                 {"production_income", f.production_income},
                 {"property_income", f.property_income},
                 {"transfer_income", f.transfer_income},
                 {"production_cost", f.production_cost}};
  for (const auto& a : amounts) {
    if (a.value < 0) problems.Add(a.name, "must not be negative");
  }
  auto vocab = [&problems](const char* field, std::span<const CodeTerm> terms, std::optional<std::string>& value) {
    if (!value) return;
    if (auto name = ParseTerm(terms, *value)) {
      value = *name;
    } else {
      problems.Add(field, "'" + *value + "' is not one of " + TermNames(terms));
    }
  };
  vocab("dibao_class", DibaoClasses(), f.dibao_class);
  vocab("house_grade", HouseGrades(), f.house_grade);
  // 0.01 mu; a household farms at most a few hundred mu.
  if (f.pepper_area && (*f.pepper_area < 0 || *f.pepper_area > 10'000'000)) {
    problems.Add("pepper_area", std::to_string(*f.pepper_area) + " (0.01 mu) is out of range");
  }
  if (f.camellia_area && (*f.camellia_area < 0 || *f.camellia_area > 10'000'000)) {
    problems.Add("camellia_area", std::to_string(*f.camellia_area) + " (0.01 mu) is out of range");
  }
  if (f.members == 0) {
    auto count = db.Prepare("SELECT count(*) FROM memberships WHERE household_id = ? AND end_date IS NULL");
    count->BindInt(1, household_id);
    count->Step();
    f.members = static_cast<int>(count->Int(0));
    if (f.members == 0) problems.Add("members", "the household has no members; give the number counted");
  } else if (f.members < 0 || f.members > 100) {
    problems.Add("members", std::to_string(f.members) + " is out of range");
  }
  problems.ThrowIfAny("invalid household facts");
}

// Writes a household's facts of a year (a new row or over the old one).
void UpsertHouseholdYear(store::Connection& db, int64_t household_id, const HouseholdYear& f, int64_t now) {
  auto s = db.Prepare(
      "INSERT INTO household_years (household_id, year, members, wage_income, production_income, property_income,"
      " transfer_income, production_cost, food_secure, clothing_secure, housing_safe, drinking_water_safe, updated_at," +
      std::string(kPolicyFacts) +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (household_id, year) DO UPDATE SET"
      " members = excluded.members, wage_income = excluded.wage_income,"
      " production_income = excluded.production_income, property_income = excluded.property_income,"
      " transfer_income = excluded.transfer_income, production_cost = excluded.production_cost,"
      " food_secure = excluded.food_secure, clothing_secure = excluded.clothing_secure,"
      " housing_safe = excluded.housing_safe, drinking_water_safe = excluded.drinking_water_safe,"
      " updated_at = excluded.updated_at, dibao_class = excluded.dibao_class, house_grade = excluded.house_grade,"
      " relocation = excluded.relocation, pepper_area = excluded.pepper_area,"
      " camellia_area = excluded.camellia_area, pv_share = excluded.pv_share");
  s->BindInt(1, household_id);
  s->BindInt(2, f.year);
  s->BindInt(3, f.members);
  s->BindInt(4, f.wage_income);
  s->BindInt(5, f.production_income);
  s->BindInt(6, f.property_income);
  s->BindInt(7, f.transfer_income);
  s->BindInt(8, f.production_cost);
  BindOptionalBool(*s, 9, f.food_secure);
  BindOptionalBool(*s, 10, f.clothing_secure);
  BindOptionalBool(*s, 11, f.housing_safe);
  BindOptionalBool(*s, 12, f.drinking_water_safe);
  s->BindInt(13, now);
  s->BindOptionalText(14, f.dibao_class);
  s->BindOptionalText(15, f.house_grade);
  BindOptionalBool(*s, 16, f.relocation);
  BindOptionalInt(*s, 17, f.pepper_area);
  BindOptionalInt(*s, 18, f.camellia_area);
  BindOptionalBool(*s, 19, f.pv_share);
  s->Run();
}

// The village of a new household: the code of an area that is a village.
std::string CheckVillage(store::Connection& db, const std::string& text, Problems& problems) {
  const auto code = NormalizeAreaCode(text);
  if (!code) {
    problems.Add("village", "'" + text + "' is not an area code");
    return {};
  }
  const auto area = FindArea(db, *code);
  if (!area) {
    problems.Add("village", "no area " + *code);
  } else if (area->level != AreaLevel::kVillage) {
    problems.Add("village", *code + " (" + area->name + ") is a " + AreaLevelName(area->level) + ", not a village");
  }
  return *code;
}

// The date of the "identified" event of a household registered in
// in.identified_year (1 January when no date is given); none if unregistered.
std::optional<Date> CheckIdentified(const HouseholdInput& in, const Date& today, Problems& problems) {
  if (!in.identified_year) {
    if (in.identified_date) problems.Add("identified_date", "given without identified_year");
    return std::nullopt;
  }
  const int y = *in.identified_year;
  if (y < 2000 || y > today.year) problems.Add("identified_year", std::to_string(y) + " is not between 2000 and this year");
  if (!in.identified_date) return Date{y, 1, 1};
  const auto date = Date::Parse(*in.identified_date);
  if (!date) {
    problems.Add("identified_date", "'" + *in.identified_date + "' is not a date YYYY-MM-DD");
  } else if (date->year != y) {
    problems.Add("identified_date", *in.identified_date + " is not in " + std::to_string(y));
  } else if (*date > today) {
    problems.Add("identified_date", *in.identified_date + " is in the future");
  }
  return date;
}

// A new household's input, checked: every problem named by field (thrown together).
struct CheckedHousehold {
  std::string village, attribute, main_cause;
  std::vector<std::string> other_causes;
  std::optional<Date> identified_date;
};

CheckedHousehold CheckHouseholdInput(store::Connection& db, const HouseholdInput& in, const Date& today) {
  Problems problems;
  CheckedHousehold c;
  if (in.number.empty() || in.number.size() > 40) problems.Add("number", "must be 1 to 40 characters");
  c.village = CheckVillage(db, in.village_code, problems);
  const auto attribute = ParseTerm(HouseholdAttributes(), in.attribute);
  if (!attribute) problems.Add("attribute", "'" + in.attribute + "' is not one of " + TermNames(HouseholdAttributes()));
  const auto main_cause = ParseTerm(Causes(), in.main_cause);
  if (!main_cause) problems.Add("main_cause", "'" + in.main_cause + "' is not one of " + TermNames(Causes()));
  for (const auto& cause : in.other_causes) {
    if (auto parsed = ParseTerm(Causes(), cause)) {
      c.other_causes.push_back(*parsed);
    } else {
      problems.Add("other_causes", "'" + cause + "' is not one of " + TermNames(Causes()));
    }
  }
  c.identified_date = CheckIdentified(in, today, problems);
  if (in.identified_year && attribute == "none") problems.Add("attribute", "a registered household needs a poverty attribute");
  if (in.phone && !internal::IsPlausiblePhone(*in.phone)) problems.Add("phone", "'" + *in.phone + "' is not a phone number");
  problems.ThrowIfAny("invalid household");
  c.attribute = *attribute;
  c.main_cause = *main_cause;
  return c;
}

// Inserts the household and, when registered, its "identified" event; its id.
int64_t InsertHousehold(store::Connection& db, const HouseholdInput& in, const CheckedHousehold& c,
                        const std::string& actor, int64_t now) {
  auto dup = db.Prepare("SELECT id FROM households WHERE number = ?");
  dup->BindText(1, in.number);
  if (dup->Step()) {
    throw Error::AlreadyExists("household number " + in.number + " already exists",
                               {{"number", "already used by household " + std::to_string(dup->Int(0))}});
  }
  dup.reset();
  auto insert = db.Prepare(
      "INSERT INTO households (number, village_code, identified_year, attribute, main_cause, other_causes,"
      " address, phone_enc, phone_index, phone_masked, created_at, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id");
  insert->BindText(1, in.number);
  insert->BindText(2, c.village);
  in.identified_year ? insert->BindInt(3, *in.identified_year) : insert->BindNull(3);
  insert->BindText(4, c.attribute);
  insert->BindText(5, c.main_cause);
  insert->BindText(6, JoinCauses(c.other_causes));
  insert->BindText(7, in.address);
  access::BindPhone(*insert, 8, in.phone);
  insert->BindInt(11, now);
  insert->BindInt(12, now);
  insert->Step();
  const int64_t id = insert->Int(0);
  insert->Reset();
  if (c.identified_date) {
    auto event = db.Prepare(
        "INSERT INTO household_events (household_id, kind, year, date, reason, actor, recorded_at)"
        " VALUES (?, " + SqlLiteral(EventKind::kIdentified) + ", ?, ?, ?, ?, ?)");
    event->BindInt(1, id);
    event->BindInt(2, *in.identified_year);
    event->BindText(3, c.identified_date->ToString());
    event->BindText(4, "建档立卡");
    event->BindText(5, actor);
    event->BindInt(6, now);
    event->Run();
  }
  return id;
}

// The household as added, for the audit trail.
Household AddedHousehold(int64_t id, const HouseholdInput& in, const CheckedHousehold& c) {
  Household added;
  added.id = id;
  added.number = in.number;
  added.village_code = c.village;
  added.identified_year = in.identified_year;
  added.attribute = c.attribute;
  added.main_cause = c.main_cause;
  added.other_causes = c.other_causes;
  added.address = in.address;
  if (in.phone) added.phone = access::MaskPhone(*in.phone);
  added.status = c.identified_date ? "poor" : "unregistered";
  added.version = 1;
  return added;
}

}  // namespace

int64_t HouseholdRegistry::AddHousehold(const Caller& caller, const HouseholdInput& in) {
  const CheckedHousehold c = CheckHouseholdInput(db_, in, clock_.Today());
  internal::RequireRegistryWrite(db_, clock_, caller, c.village, std::nullopt, "household/new");
  store::Transaction tx(db_);
  const int64_t id = InsertHousehold(db_, in, c, caller.user_name, clock_.NowSeconds());
  access::RecordChange(db_, clock_, caller, "household.add", "household/" + std::to_string(id), c.village, nullptr,
                        HouseholdJson(AddedHousehold(id, in, c)),
                        RowDigests(db_, {{"households", "id = ?1", {id}}, {"household_events", "household_id = ?1", {id}}}));
  RefreshVillageCounts(db_, {c.village});
  tx.Commit();
  return id;
}

Household HouseholdRegistry::GetHousehold(const Caller& caller, int64_t id) {
  // The status is taken from the events read below, not by HouseholdSelect's subquery.
  auto s = db_.Prepare(
      "SELECT h.id, h.number, h.village_code, a.name, h.identified_year, h.attribute, h.main_cause,"
      " h.other_causes, h.address, h.phone_masked, h.version, '' FROM households h JOIN areas a ON a.code = h.village_code"
      " WHERE h.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no household with id " + std::to_string(id));
  Household h = ReadHousehold(*s);
  s.reset();
  internal::RequireRegistryRead(db_, clock_, caller, h.village_code, h.id, "household/" + std::to_string(id));

  auto members = db_.Prepare(
      "SELECT p.id, p.name, p.id_number_masked, p.sex, p.birth_date, m.relation, m.start_date FROM memberships m"
      " JOIN persons p ON p.id = m.person_id WHERE m.household_id = ? AND m.end_date IS NULL"
      " ORDER BY CASE m.relation WHEN 'head' THEN 0 ELSE 1 END, p.birth_date, p.id");
  members->BindInt(1, id);
  while (members->Step()) {
    h.members.push_back({members->Int(0), members->Text(1), members->Text(2), members->Text(3), members->Text(4),
                         members->Text(5), members->Text(6)});
  }
  members.reset();
  auto events = db_.Prepare(
      "SELECT id, kind, year, date, reason, actor, recorded_at FROM household_events WHERE household_id = ?"
      " ORDER BY date, id");
  events->BindInt(1, id);
  while (events->Step()) {
    h.events.push_back({events->Int(0), events->Text(1), static_cast<int>(events->Int(2)), events->Text(3),
                        events->Text(4), events->Text(5), FormatTimestamp(events->Int(6))});
  }
  events.reset();
  // The latest event by (date, id), as HouseholdSelect's subquery orders them.
  h.status = std::string(StatusAfter(h.events.empty() ? std::string_view() : std::string_view(h.events.back().kind)));
  auto years = db_.Prepare("SELECT " + YearColumns() + " FROM household_years WHERE household_id = ? ORDER BY year");
  years->BindInt(1, id);
  while (years->Step()) h.years.push_back(ReadYearRow(*years));
  return h;
}

std::shared_ptr<const HouseholdText> HouseholdRegistry::GetHouseholdText(const Caller& caller, int64_t id,
                                                                         HouseholdTexts& texts) {
  // The head first: a change committed after it leaves the text stored below
  // under a head that is no longer the current one, so it is never served.
  const int64_t head = access::Audit(db_, clock_).DataHead();
  if (auto kept = texts.Find(id, head)) {
    internal::RequireRegistryRead(db_, clock_, caller, kept->village_code, id, "household/" + std::to_string(id));
    return std::move(kept->text);
  }
  const Household h = GetHousehold(caller, id);
  auto text = std::make_shared<const HouseholdText>(HouseholdText{HouseholdJsonText(h), h.version});
  texts.Store(id, head, h.village_code, text);
  return text;
}

std::string HouseholdRegistry::RevealPhone(const Caller& caller, int64_t id) {
  const std::string village = internal::HouseholdVillage(db_, id);
  const std::string entity = "household/" + std::to_string(id);
  internal::RequireRegistryWrite(db_, clock_, caller, village, id, entity);
  std::string phone = internal::RevealPhone(db_, "households", id);
  store::Transaction tx(db_);
  access::RecordChange(db_, clock_, caller, "household.phone_view", entity, village, nullptr,
                        {{"phone", access::MaskPhone(phone)}});
  tx.Commit();
  return phone;
}

Household HouseholdRegistry::GetHouseholdByNumber(const Caller& caller, const std::string& number) {
  auto s = db_.Prepare("SELECT id FROM households WHERE number = ?");
  s->BindText(1, number);
  if (!s->Step()) throw Error::NotFound("no household with number " + number);
  return GetHousehold(caller, s->Int(0));
}

namespace {

// The condition of ListFilter::q on the households `h` and its value (bound
// as ?9), or {"", ""} without q. A valid ID number is matched through the
// blind index of a current member; anything else is the household number or
// the current head's full name. Each side is an index lookup (households.number,
// persons_name, persons.id_number_index), never a scan of the persons.
std::pair<std::string, std::string> SearchCondition(const std::optional<std::string>& q, const Date& today) {
  if (!q) return {"", ""};
  std::string text = Trim(*q);
  if (text.empty()) return {"", ""};
  if (text.size() == 18 && text[17] == 'x') text[17] = 'X';
  if (CheckIdNumber(text, today).ok()) {
    return {" AND h.id IN (SELECT m.household_id FROM persons p JOIN memberships m ON m.person_id = p.id"
            " AND m.end_date IS NULL WHERE p.id_number_index = ?9)",
            access::CurrentProtector().BlindIndex(text)};
  }
  return {" AND (h.number = ?9 OR h.id IN (SELECT m.household_id FROM persons p JOIN memberships m"
          " ON m.person_id = p.id AND m.end_date IS NULL AND m.relation = 'head' WHERE p.name = ?9))",
          text};
}

// A page of the list `base` (ordered by `order`, a checked sort key) with each
// household's current head and township beside it: the subquery and the join
// run for the page's rows only.
std::string WithHeadAndTownship(const std::string& base, const std::string& order, int64_t limit, int64_t offset) {
  return "SELECT x.*, (SELECT p.name FROM memberships m JOIN persons p ON p.id = m.person_id"
         " WHERE m.household_id = x.id AND m.end_date IS NULL AND m.relation = 'head' ORDER BY p.id LIMIT 1),"
         " t.code, t.name FROM (" + base + " ORDER BY q." + order + ", q.number LIMIT " + std::to_string(limit) +
         " OFFSET " + std::to_string(offset) + ") x LEFT JOIN areas t ON t.code = substr(x.village_code, 1, 9)"
         " ORDER BY x." + order + ", x.number";
}

}  // namespace

HouseholdRegistry::ListPage HouseholdRegistry::ListHouseholds(const Caller& caller, const ListFilter& f) {
  const access::ReadScope scope = access::ReadScopeFor(caller, access::Resource::kRegistry);
  if (!scope.allowed) throw Error::PermissionDenied("this role may not read registry records");
  Problems problems;
  std::string area = scope.area_prefix;
  if (!f.area_code.empty()) {
    if (auto code = NormalizeAreaCode(f.area_code)) {
      area = *code;
      if (!caller.CoversArea(area) && !AreaContains(area, caller.area_scope)) {
        throw Error::PermissionDenied("area " + area + " is outside your area " + caller.area_scope);
      }
      // A wider area than the caller's scope is narrowed to the scope.
      if (AreaContains(area, caller.area_scope)) area = caller.area_scope;
    } else {
      problems.Add("area", "'" + f.area_code + "' is not an area code");
    }
  }
  if (f.status && !IsTerm(HouseholdStatuses(), *f.status)) {
    problems.Add("status", "'" + *f.status + "' is not one of " + TermNames(HouseholdStatuses()));
  }
  if (f.year && (*f.year < 2000 || *f.year > 2100)) problems.Add("year", std::to_string(*f.year) + " is out of range");
  const bool descending = !f.sort.empty() && f.sort[0] == '-';
  const std::string sort_key = descending ? f.sort.substr(1) : f.sort;
  static const std::vector<std::string> kSortKeys = {"number", "identified_year", "village_code", "status"};
  if (std::find(kSortKeys.begin(), kSortKeys.end(), sort_key) == kSortKeys.end()) {
    problems.Add("sort", "'" + f.sort + "' is not one of number, identified_year, village_code, status (- for descending)");
  }
  if (f.limit < 1 || f.limit > 1000) problems.Add("limit", "must be between 1 and 1000");
  if (f.offset < 0) problems.Add("offset", "must not be negative");
  if (f.phone && !internal::IsPlausiblePhone(*f.phone)) {
    problems.Add("phone", "'" + access::MaskPhone(*f.phone) + "' is not a phone number");
  }
  problems.ThrowIfAny("invalid household list filter");

  const std::string as_of = f.year ? YearEnd(*f.year) : "9999-12-31";
  std::string where = " WHERE h.village_code >= ?2 AND h.village_code < ?3";
  if (f.year && !f.status) where += " AND h.identified_year <= ?4";
  // A paired cadre lists only the households paired with them today.
  if (scope.paired_households_only) where += " AND h.id IN (" + access::PairedHouseholdIdsSql(6, 7) + ")";
  std::string phone_index;
  if (f.phone) {
    phone_index = access::PhoneIndex(access::CurrentProtector(), *f.phone);
    where += " AND (h.phone_index = ?8 OR h.id IN (SELECT m.household_id FROM memberships m JOIN persons p"
             " ON p.id = m.person_id WHERE m.end_date IS NULL AND p.phone_index = ?8))";
  }
  // (Not a structured binding: the lambda below captures it, which clang-tidy's clang refuses.)
  const std::pair<std::string, std::string> search = SearchCondition(f.q, clock_.Today());
  where += search.first;
  std::string base = "SELECT * FROM (" + HouseholdSelect() + where + ") q";
  if (f.status) base += " WHERE q.status = ?5";
  auto bind = [&](store::Statement& s) {
    s.BindText(1, as_of);
    s.BindText(2, area);
    s.BindText(3, SubtreeEnd(area));
    if (f.year && !f.status) s.BindInt(4, *f.year);
    if (f.status) s.BindText(5, *f.status);
    if (scope.paired_households_only) {
      s.BindInt(6, caller.user_id);
      s.BindText(7, clock_.Today().ToString());
    }
    if (f.phone) s.BindText(8, phone_index);
    if (!search.first.empty()) s.BindText(9, search.second);
  };
  ListPage page;
  auto count = db_.Prepare("SELECT count(*) FROM (" + base + ") c");
  bind(*count);
  count->Step();
  page.total = count->Int(0);
  // sort_key is one of the names checked above, never user text.
  auto list = db_.Prepare(WithHeadAndTownship(base, sort_key + (descending ? " DESC" : ""), f.limit, f.offset));
  bind(*list);
  while (list->Step()) {
    Household h = ReadHousehold(*list);
    h.head_name = list->OptionalText(12).value_or("");
    h.township_code = list->OptionalText(13).value_or("");
    h.township_name = list->OptionalText(14).value_or("");
    page.items.push_back(std::move(h));
  }
  return page;
}

int64_t HouseholdRegistry::RecordEvent(const Caller& caller, const EventInput& in) {
  if (in.kind == "exited") {
    internal::RequireRegistryWrite(db_, clock_, caller, internal::HouseholdVillage(db_, in.household_id),
                                   in.household_id, "household/" + std::to_string(in.household_id));
    throw Error::FailedPrecondition(
        "an exit is recorded through the exit procedure (village appraisal, work-team verification, public notice)",
        {{"kind", "use `fupin exit record` (or `fupin household event --kind exited`, which runs the exit checks)"}});
  }
  return AppendEvent(caller, in);
}

int64_t HouseholdRegistry::RecordExit(const Caller& caller, const EventInput& in, const ExitPermit& /*permit*/) {
  if (in.kind != "exited") {
    throw Error::InvalidArgument("invalid exit", {{"kind", "RecordExit records 'exited' events only"}});
  }
  return AppendEvent(caller, in);
}

int64_t HouseholdRegistry::AppendEvent(const Caller& caller, const EventInput& in) {
  const std::string village = internal::HouseholdVillage(db_, in.household_id);
  const std::string entity = "household/" + std::to_string(in.household_id);
  internal::RequireRegistryWrite(db_, clock_, caller, village, in.household_id, entity);
  Problems problems;
  if (!IsTerm(EventKinds(), in.kind)) problems.Add("kind", "'" + in.kind + "' is not one of " + TermNames(EventKinds()));
  auto date = Date::Parse(in.date);
  if (!date) {
    problems.Add("date", "'" + in.date + "' is not a date YYYY-MM-DD");
  } else if (*date > clock_.Today()) {
    problems.Add("date", in.date + " is in the future");
  }
  int year = date ? date->year : 0;
  if (in.year) {
    year = *in.year;
    if (date && year != date->year && year != date->year - 1) {
      problems.Add("year", std::to_string(year) + " must be the year of the date or the year before");
    }
  }
  if (in.reason.size() > 2000) problems.Add("reason", "longer than 2000 characters");
  problems.ThrowIfAny("invalid household event");

  store::Transaction tx(db_);
  auto last = db_.Prepare(
      "SELECT kind, date FROM household_events WHERE household_id = ? ORDER BY date DESC, id DESC LIMIT 1");
  last->BindInt(1, in.household_id);
  std::string status = "unregistered";
  if (last->Step()) {
    status = std::string(StatusAfter(last->Text(0)));
    const std::string last_date = last->Text(1);
    if (in.date < last_date) {
      throw Error::InvalidArgument("event before the last one",
                                   {{"date", in.date + " is before the last event's date " + last_date}});
    }
  }
  const std::string& k = in.kind;
  const bool allowed = (k == "identified" && (status == "unregistered" || status == "removed")) ||
                       (k == "exited" && status == "poor") || (k == "returned" && status == "exited") ||
                       (k == "removed" && (status == "poor" || status == "exited")) ||
                       (k == "deceased" && status != "deceased" && status != "unregistered");
  if (!allowed) {
    throw Error::FailedPrecondition("a household whose status is " + status + " cannot be " + k,
                                    {{"kind", k + " does not follow from status " + status}});
  }
  auto insert = db_.Prepare(
      "INSERT INTO household_events (household_id, kind, year, date, reason, actor, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  insert->BindInt(1, in.household_id);
  insert->BindText(2, k);
  insert->BindInt(3, year);
  insert->BindText(4, in.date);
  insert->BindText(5, in.reason);
  insert->BindText(6, caller.user_name);
  insert->BindInt(7, clock_.NowSeconds());
  insert->Step();
  const int64_t id = insert->Int(0);
  insert->Reset();
  if (k == "identified") {
    auto set_year = db_.Prepare("UPDATE households SET identified_year = COALESCE(identified_year, ?) WHERE id = ?");
    set_year->BindInt(1, year);
    set_year->BindInt(2, in.household_id);
    set_year->Run();
  }
  auto bump = db_.Prepare("UPDATE households SET version = version + 1, updated_at = ? WHERE id = ?");
  bump->BindInt(1, clock_.NowSeconds());
  bump->BindInt(2, in.household_id);
  bump->Run();
  access::RecordChange(db_, clock_, caller, "household.event", entity, village, {{"status", status}},
                        {{"event_id", id}, {"kind", k}, {"year", year}, {"date", in.date}, {"reason", in.reason},
                         {"status", StatusAfter(k)}},
                        RowDigests(db_, {{"households", "id = ?1", {in.household_id}}, {"household_events", "id = ?1", {id}}}));
  RefreshVillageCounts(db_, {village});
  tx.Commit();
  return id;
}

void HouseholdRegistry::SetHouseholdYear(const Caller& caller, int64_t household_id, HouseholdYear f) {
  const std::string village = internal::HouseholdVillage(db_, household_id);
  const std::string entity = "household/" + std::to_string(household_id);
  internal::RequireRegistryWrite(db_, clock_, caller, village, household_id, entity);
  CheckHouseholdYear(db_, household_id, clock_.Today().year, f);
  store::Transaction tx(db_);
  nlohmann::json before = nullptr;
  {
    auto old = db_.Prepare("SELECT " + YearColumns() + " FROM household_years WHERE household_id = ? AND year = ?");
    old->BindInt(1, household_id);
    old->BindInt(2, f.year);
    if (old->Step()) before = HouseholdYearJson(ReadYearRow(*old));
  }
  UpsertHouseholdYear(db_, household_id, f, clock_.NowSeconds());
  auto bump = db_.Prepare("UPDATE households SET version = version + 1, updated_at = ? WHERE id = ?");
  bump->BindInt(1, clock_.NowSeconds());
  bump->BindInt(2, household_id);
  bump->Run();
  access::RecordChange(db_, clock_, caller, "household.year", entity, village, before, HouseholdYearJson(f),
                        RowDigests(db_, {{"households", "id = ?1", {household_id}},
                                         {"household_years", "household_id = ?1 AND year = ?2", {household_id, f.year}}}));
  tx.Commit();
}

}  // namespace fupin::registry

namespace fupin::registry {

Household HouseholdRegistry::UpdateHousehold(const Caller& caller, int64_t id, int64_t expected_version,
                                             const HouseholdPatch& patch) {
  Household current = GetHousehold(caller, id);
  const std::string entity = "household/" + std::to_string(id);
  internal::RequireRegistryWrite(db_, clock_, caller, current.village_code, id, entity);
  Problems problems;
  std::string attribute = current.attribute, main_cause = current.main_cause, address = current.address;
  std::vector<std::string> others = current.other_causes;
  std::optional<std::string> phone = current.phone;  // masked; the clear number only when patched
  if (patch.attribute) {
    if (auto a = ParseTerm(HouseholdAttributes(), *patch.attribute)) {
      attribute = *a;
    } else {
      problems.Add("attribute", "'" + *patch.attribute + "' is not one of " + TermNames(HouseholdAttributes()));
    }
  }
  if (patch.main_cause) {
    if (auto c = ParseTerm(Causes(), *patch.main_cause)) {
      main_cause = *c;
    } else {
      problems.Add("main_cause", "'" + *patch.main_cause + "' is not one of " + TermNames(Causes()));
    }
  }
  if (patch.other_causes) {
    others.clear();
    for (const auto& c : *patch.other_causes) {
      if (auto cause = ParseTerm(Causes(), c)) {
        others.push_back(*cause);
      } else {
        problems.Add("other_causes", "'" + c + "' is not one of " + TermNames(Causes()));
      }
    }
  }
  if (patch.address) {
    if (patch.address->size() > 500) problems.Add("address", "longer than 500 bytes");
    address = *patch.address;
  }
  if (patch.phone) {
    phone = *patch.phone;
    if (phone && !internal::IsPlausiblePhone(*phone)) problems.Add("phone", "'" + *phone + "' is not a phone number");
  }
  problems.ThrowIfAny("invalid household change");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "UPDATE households SET attribute = ?, main_cause = ?, other_causes = ?, address = ?,"
      " version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
  s->BindText(1, attribute);
  s->BindText(2, main_cause);
  s->BindText(3, JoinCauses(others));
  s->BindText(4, address);
  s->BindInt(5, clock_.NowSeconds());
  s->BindInt(6, id);
  s->BindInt(7, expected_version);
  if (s->Run() != 1) {
    throw Error::Conflict("household " + std::to_string(id) + " was changed by someone else since version " +
                          std::to_string(expected_version) + "; reload it and try again");
  }
  if (patch.phone) {
    internal::SetPhone(db_, "households", id, phone);
    if (phone) phone = access::MaskPhone(*phone);
  }
  Household after = current;
  after.attribute = attribute;
  after.main_cause = main_cause;
  after.other_causes = others;
  after.address = address;
  after.phone = phone;
  after.version = expected_version + 1;
  current.members.clear();
  current.events.clear();
  current.years.clear();
  after.members.clear();
  after.events.clear();
  after.years.clear();
  access::RecordChange(db_, clock_, caller, "household.update", entity, current.village_code,
                        HouseholdJson(current), HouseholdJson(after), RowDigests(db_, {{"households", "id = ?1", {id}}}));
  tx.Commit();
  return GetHousehold(caller, id);
}

}  // namespace fupin::registry
