#include "registry/batch.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "core/date.h"
#include "core/error.h"
#include "core/id_number.h"
#include "registry/rollup.h"

namespace fupin::registry {
namespace {

struct Field {
  const char* name;
  const char* sql_type;
};

constexpr Field kHouseholdFields[] = {{"village_code", "TEXT"}, {"attribute", "TEXT"}, {"main_cause", "TEXT"},
                                      {"other_causes", "TEXT"}, {"address", "TEXT"},   {"phone", "TEXT"}};
constexpr Field kPersonFields[] = {{"name", "TEXT"},           {"ethnicity", "TEXT"}, {"education", "TEXT"},
                                   {"health", "TEXT"},         {"disability_grade", "INTEGER"},
                                   {"labour_ability", "TEXT"}, {"phone", "TEXT"},     {"death_date", "TEXT"}};
constexpr Field kHouseholdYearFields[] = {
    {"members", "INTEGER"},         {"wage_income", "INTEGER"},         {"production_income", "INTEGER"},
    {"property_income", "INTEGER"}, {"transfer_income", "INTEGER"},     {"production_cost", "INTEGER"},
    {"food_secure", "INTEGER"},     {"clothing_secure", "INTEGER"},     {"housing_safe", "INTEGER"},
    {"drinking_water_safe", "INTEGER"}, {"dibao_class", "TEXT"},        {"house_grade", "TEXT"},
    {"relocation", "INTEGER"},      {"pepper_area", "INTEGER"},         {"camellia_area", "INTEGER"},
    {"pv_share", "INTEGER"}};
constexpr Field kPersonYearFields[] = {{"school_status", "TEXT"},    {"school_stage", "TEXT"},
                                       {"medical_insured", "INTEGER"}, {"pension_insured", "INTEGER"},
                                       {"employment", "TEXT"},       {"major_disease", "TEXT"},
                                       {"chronic_contract", "INTEGER"}};

// The SQL type of each field, refusing a name the table does not let a batch set.
template <size_t N>
std::vector<std::string> FieldTypes(const Field (&allowed)[N], std::span<const std::string> fields,
                                    const char* table) {
  std::vector<std::string> types;
  for (const auto& f : fields) {
    auto it = std::find_if(std::begin(allowed), std::end(allowed), [&f](const Field& a) { return f == a.name; });
    if (it == std::end(allowed)) {
      throw Error::Internal("a registry batch may not set " + std::string(table) + "." + f);
    }
    types.emplace_back(it->sql_type);
  }
  return types;
}

std::vector<std::string> AllowedTypes(const std::string& table, std::span<const std::string> fields) {
  if (table == "households") return FieldTypes(kHouseholdFields, fields, "households");
  if (table == "persons") return FieldTypes(kPersonFields, fields, "persons");
  if (table == "household_years") return FieldTypes(kHouseholdYearFields, fields, "household_years");
  return FieldTypes(kPersonYearFields, fields, "person_years");
}

void CheckWidth(size_t values, size_t fields) {
  if (values != fields) throw Error::Internal("a registry batch row has a value count unlike its fields");
}

// A temporary staging table (emptied) for an UPDATE ... FROM or an upsert.
void CreateStage(store::Connection& db, const std::string& name, const std::vector<std::string>& columns_with_types) {
  std::string sql = "CREATE TEMP TABLE IF NOT EXISTS " + name + " (";
  for (size_t i = 0; i < columns_with_types.size(); ++i) sql += (i ? ", " : "") + columns_with_types[i];
  sql += ")";
  db.Execute(store::TranslateSql(sql, db.dialect()));  // {{blob}} of the encrypted phone
  db.Execute("DELETE FROM " + name);
}

// A batch sets "phone" in clear; the table keeps it encrypted, blind-indexed and
// masked (access::kPhoneColumns, made by access::PhoneValues): the one place the
// importer's and the demo's phones are protected.
bool IsPhone(const std::string& field) { return field == "phone"; }

// The stored columns of `fields` (with their SQL types when `types` is given).
std::vector<std::string> StoredColumns(std::span<const std::string> fields,
                                       const std::vector<std::string>* types = nullptr) {
  static const char* const kPhone[][2] = {{"phone_enc", "{{blob}}"}, {"phone_index", "TEXT"}, {"phone_masked", "TEXT"}};
  std::vector<std::string> out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!IsPhone(fields[i])) {
      out.push_back(fields[i] + (types ? " " + (*types)[i] : std::string()));
      continue;
    }
    for (const auto& c : kPhone) out.push_back(std::string(c[0]) + (types ? std::string(" ") + c[1] : std::string()));
  }
  return out;
}

// Appends `values` (one per field) as the stored columns' values.
void AppendStored(std::vector<store::Value>& row, std::span<const std::string> fields,
                  const std::vector<store::Value>& values, const access::PersonalDataProtector& protector) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!IsPhone(fields[i])) {
      row.push_back(values[i]);
      continue;
    }
    const auto* text = std::get_if<std::string>(&values[i]);
    for (auto& v : access::PhoneValues(text ? std::optional<std::string>(*text) : std::nullopt, &protector)) {
      row.push_back(std::move(v));
    }
  }
}

}  // namespace

RegistryBatch::RegistryBatch(store::Connection& db, const access::PersonalDataProtector& protector, int64_t now,
                             std::string actor)
    : db_(db), protector_(protector), now_(now), actor_(std::move(actor)) {}

std::vector<int64_t> RegistryBatch::IdsByKey(const std::string& table, const std::string& key_column,
                                             const std::vector<std::string>& keys, int64_t above) {
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i].empty()) position.emplace(keys[i], i);
  }
  std::vector<int64_t> ids(keys.size(), 0);
  if (position.empty()) return ids;
  auto s = db_.Prepare("SELECT id, " + key_column + " FROM " + table + " WHERE id > ?");
  s->BindInt(1, above);
  size_t found = 0;
  while (s->Step()) {
    auto it = position.find(s->Text(1));
    if (it == position.end()) continue;
    ids[it->second] = s->Int(0);
    ++found;
  }
  if (found != position.size()) throw Error::Internal("a row just added to " + table + " was not found again");
  return ids;
}

std::vector<int64_t> RegistryBatch::AddHouseholds(std::span<const std::string> fields,
                                                  std::span<const NewHousehold> rows) {
  AllowedTypes("households", fields);
  const int64_t max_before = db_.QueryInt("SELECT COALESCE(MAX(id), 0) FROM households").value_or(0);
  std::vector<std::string> cols = {"id", "number", "identified_year", "version", "created_at", "updated_at"};
  const std::vector<std::string> stored = StoredColumns(fields);
  cols.insert(cols.end(), stored.begin(), stored.end());
  std::vector<std::string> numbers(rows.size());  // of the rows the store numbers
  {
    // Rows with their own ids and rows without go through two writers (a NULL
    // id is not "number it" on PostgreSQL's COPY).
    std::vector<std::string> no_id(cols.begin() + 1, cols.end());
    auto with_id = db_.BulkInsert("households", cols);
    std::vector<store::Value> row;
    row.reserve(cols.size());
    bool any_without = false;
    for (const NewHousehold& h : rows) {
      CheckWidth(h.values.size(), fields.size());
      if (!h.id) {
        any_without = true;
        continue;
      }
      const int64_t created = h.created_at.value_or(now_);
      row = {*h.id, h.number,
             h.identified_year ? store::Value(int64_t{*h.identified_year}) : store::Value(nullptr), int64_t{1},
             created, created};
      AppendStored(row, fields, h.values, protector_);
      with_id->Append(row);
    }
    with_id->Finish();
    if (any_without) {
      auto without = db_.BulkInsert("households", no_id);
      std::vector<store::Value> r;
      for (size_t i = 0; i < rows.size(); ++i) {
        const NewHousehold& h = rows[i];
        if (h.id) continue;
        const int64_t created = h.created_at.value_or(now_);
        r = {h.number, h.identified_year ? store::Value(int64_t{*h.identified_year}) : store::Value(nullptr),
             int64_t{1}, created, created};
        AppendStored(r, fields, h.values, protector_);
        without->Append(r);
        numbers[i] = h.number;
      }
      without->Finish();
    }
  }
  std::vector<int64_t> ids = IdsByKey("households", "number", numbers, max_before);
  std::vector<NewEvent> events;
  for (size_t i = 0; i < rows.size(); ++i) {
    const NewHousehold& h = rows[i];
    if (h.id) ids[i] = *h.id;
    if (!h.identified_year) continue;
    events.push_back({ids[i], "identified", *h.identified_year,
                      h.identified_date.value_or(std::to_string(*h.identified_year) + "-01-01"),
                      h.identified_reason, h.created_at});
  }
  AppendEvents(events);
  const auto village = std::find(fields.begin(), fields.end(), "village_code");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (village == fields.end()) {
      households_.insert(ids[i]);
    } else if (const auto* code = std::get_if<std::string>(&rows[i].values[static_cast<size_t>(village - fields.begin())])) {
      villages_.insert(*code);
    }
  }
  return ids;
}

void RegistryBatch::AppendEvents(std::span<const NewEvent> events) {
  if (events.empty()) return;
  static const std::vector<std::string> kCols = {"household_id", "kind", "year", "date",
                                                 "reason",       "actor", "recorded_at"};
  auto w = db_.BulkInsert("household_events", kCols);
  for (const NewEvent& e : events) {
    households_.insert(e.household_id);
    w->Append({e.household_id, e.kind, int64_t{e.year}, e.date, e.reason, actor_, e.recorded_at.value_or(now_)});
  }
  w->Finish();
}

std::vector<int64_t> RegistryBatch::AddPersons(std::span<const std::string> fields, std::span<const NewPerson> rows) {
  AllowedTypes("persons", fields);
  const int64_t max_before = db_.QueryInt("SELECT COALESCE(MAX(id), 0) FROM persons").value_or(0);
  std::vector<std::string> cols = {"id_number_enc", "id_number_index", "id_number_masked", "sex", "birth_date",
                                   "version", "created_at", "updated_at"};
  const std::vector<std::string> stored = StoredColumns(fields);
  cols.insert(cols.end(), stored.begin(), stored.end());
  std::vector<std::string> with_id_cols = cols;
  with_id_cols.insert(with_id_cols.begin(), "id");
  std::vector<std::string> indexes(rows.size());  // blind indexes of the rows the store numbers
  const Date today = BeijingDate(now_);
  // One pass per kind of row (own id or not): the two writers are never open together.
  for (const bool own_id : {true, false}) {
    std::unique_ptr<store::BulkWriter> w;
    std::vector<store::Value> row;
    for (size_t i = 0; i < rows.size(); ++i) {
      const NewPerson& p = rows[i];
      if (p.id.has_value() != own_id) continue;
      CheckWidth(p.values.size(), fields.size());
      if (!w) w = db_.BulkInsert("persons", own_id ? with_id_cols : cols);
      const IdNumberCheck check = CheckIdNumber(p.id_number, today);
      if (!check.number) throw Error::Internal("a registry batch was given an unchecked ID number");
      row.clear();
      if (own_id) row.emplace_back(*p.id);
      std::string index = protector_.BlindIndex(p.id_number);
      row.emplace_back(protector_.Encrypt(p.id_number));
      row.emplace_back(index);
      row.emplace_back(MaskIdNumber(p.id_number));
      row.emplace_back(std::string(SexName(check.number->sex)));
      row.emplace_back(check.number->birth_date.ToString());
      row.emplace_back(int64_t{1});
      row.emplace_back(p.created_at.value_or(now_));
      row.emplace_back(p.created_at.value_or(now_));
      AppendStored(row, fields, p.values, protector_);
      w->Append(row);
      if (!own_id) indexes[i] = std::move(index);
    }
    if (w) w->Finish();
  }
  std::vector<int64_t> ids = IdsByKey("persons", "id_number_index", indexes, max_before);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].id) ids[i] = *rows[i].id;
  }
  return ids;
}

void RegistryBatch::OpenMemberships(std::span<const NewMembership> memberships) {
  if (memberships.empty()) return;
  static const std::vector<std::string> kCols = {"person_id",  "household_id", "relation",
                                                 "start_date", "end_date",     "end_reason"};
  auto w = db_.BulkInsert("memberships", kCols);
  for (const NewMembership& m : memberships) {
    households_.insert(m.household_id);
    w->Append({m.person_id, m.household_id, m.relation, m.start_date,
               m.end_date ? store::Value(*m.end_date) : store::Value(nullptr),
               m.end_reason ? store::Value(*m.end_reason) : store::Value(nullptr)});
  }
  w->Finish();
}

void RegistryBatch::EndMemberships(std::span<const std::pair<int64_t, std::string>> person_dates,
                                   const std::string& reason) {
  if (person_dates.empty()) return;
  CreateStage(db_, "registry_membership_ends", {"person_id INTEGER", "end_date TEXT"});
  static const std::vector<std::string> kCols = {"person_id", "end_date"};
  auto w = db_.BulkInsert("registry_membership_ends", kCols);
  for (const auto& [person, date] : person_dates) {
    w->Append({person, date});
    persons_.insert(person);
  }
  w->Finish();
  auto u = db_.Prepare(
      "UPDATE memberships SET end_date = u.end_date, end_reason = ? FROM registry_membership_ends u"
      " WHERE memberships.person_id = u.person_id AND memberships.end_date IS NULL");
  u->BindText(1, reason);
  u->Run();
  db_.Execute("DROP TABLE IF EXISTS registry_membership_ends");
}

void RegistryBatch::ChangeRelations(std::span<const std::pair<int64_t, std::string>> person_relations) {
  if (person_relations.empty()) return;
  CreateStage(db_, "registry_relations", {"person_id INTEGER", "relation TEXT"});
  static const std::vector<std::string> kCols = {"person_id", "relation"};
  auto w = db_.BulkInsert("registry_relations", kCols);
  for (const auto& [person, relation] : person_relations) w->Append({person, relation});
  w->Finish();
  db_.Execute(
      "UPDATE memberships SET relation = u.relation FROM registry_relations u"
      " WHERE memberships.person_id = u.person_id AND memberships.end_date IS NULL");
  db_.Execute("DROP TABLE IF EXISTS registry_relations");
}

void RegistryBatch::Update(const std::string& table, std::span<const std::string> fields,
                           std::span<const RowUpdate> rows) {
  if (rows.empty()) return;
  const std::vector<std::string> types = AllowedTypes(table, fields);
  const std::string stage = "registry_" + table + "_updates";
  std::vector<std::string> stage_cols = {"id INTEGER"};
  std::vector<std::string> cols = {"id"};
  std::string set;
  for (const std::string& c : StoredColumns(fields, &types)) stage_cols.push_back(c);
  for (const std::string& c : StoredColumns(fields)) {
    cols.push_back(c);
    set += c + " = u." + c + ", ";
  }
  CreateStage(db_, stage, stage_cols);
  {
    auto w = db_.BulkInsert(stage, cols);
    std::vector<store::Value> row;
    for (const RowUpdate& r : rows) {
      CheckWidth(r.values.size(), fields.size());
      row = {r.id};
      AppendStored(row, fields, r.values, protector_);
      w->Append(row);
    }
    w->Finish();
  }
  auto u = db_.Prepare("UPDATE " + table + " SET " + set + "version = " + table + ".version + 1, updated_at = ? FROM " +
                       stage + " u WHERE " + table + ".id = u.id");
  u->BindInt(1, now_);
  u->Run();
  db_.Execute("DROP TABLE IF EXISTS " + stage);
}

void RegistryBatch::UpdateHouseholds(std::span<const std::string> fields, std::span<const RowUpdate> rows) {
  if (std::find(fields.begin(), fields.end(), "village_code") != fields.end()) {
    // A household moved: the village it leaves (read now) and the one it joins.
    std::vector<int64_t> ids;
    ids.reserve(rows.size());
    for (const RowUpdate& r : rows) ids.push_back(r.id);
    AddVillagesOfHouseholds(db_, ids, villages_);
    households_.insert(ids.begin(), ids.end());
  }
  Update("households", fields, rows);
}

void RegistryBatch::UpdatePersons(std::span<const std::string> fields, std::span<const RowUpdate> rows) {
  if (std::find(fields.begin(), fields.end(), "death_date") != fields.end()) {
    for (const RowUpdate& r : rows) persons_.insert(r.id);
  }
  Update("persons", fields, rows);
}

void RegistryBatch::WriteYears(const std::string& table, const std::string& owner, std::span<const std::string> fields,
                               std::span<const YearRow> rows, bool replace) {
  if (rows.empty()) return;
  const std::vector<std::string> types = AllowedTypes(table, fields);
  std::vector<std::string> cols = {owner, "year", "updated_at"};
  cols.insert(cols.end(), fields.begin(), fields.end());
  const std::string target = replace ? "registry_" + table + "_stage" : table;
  if (replace) {
    std::vector<std::string> stage_cols = {owner + " INTEGER", "year INTEGER", "updated_at INTEGER"};
    for (size_t i = 0; i < fields.size(); ++i) stage_cols.push_back(fields[i] + " " + types[i]);
    CreateStage(db_, target, stage_cols);
  }
  {
    auto w = db_.BulkInsert(target, cols);
    std::vector<store::Value> row(cols.size());
    for (const YearRow& r : rows) {
      CheckWidth(r.values.size(), fields.size());
      row[0] = r.owner_id;
      row[1] = r.year;
      row[2] = r.updated_at.value_or(now_);
      std::copy(r.values.begin(), r.values.end(), row.begin() + 3);
      w->Append(row);
    }
    w->Finish();
  }
  if (!replace) return;
  std::string names, set;
  for (const auto& f : fields) {
    names += ", " + f;
    set += f + " = excluded." + f + ", ";
  }
  db_.Execute("INSERT INTO " + table + " (" + owner + ", year, updated_at" + names + ") SELECT " + owner +
              ", year, updated_at" + names + " FROM " + target + " WHERE 1 = 1 ON CONFLICT (" + owner +
              ", year) DO UPDATE SET " + set + "updated_at = excluded.updated_at");
  db_.Execute("DROP TABLE IF EXISTS " + target);
}

void RegistryBatch::WriteHouseholdYears(std::span<const std::string> fields, std::span<const YearRow> rows,
                                        bool replace) {
  WriteYears("household_years", "household_id", fields, rows, replace);
}

void RegistryBatch::WritePersonYears(std::span<const std::string> fields, std::span<const YearRow> rows,
                                     bool replace) {
  WriteYears("person_years", "person_id", fields, rows, replace);
}

void RegistryBatch::Finish() {
  // Past this many villages the refresh is a rebuild, whatever the ids would add.
  constexpr size_t kManyVillages = 5000;
  if (villages_.size() <= kManyVillages) {
    const std::vector<int64_t> households(households_.begin(), households_.end());
    const std::vector<int64_t> persons(persons_.begin(), persons_.end());
    AddVillagesOfHouseholds(db_, households, villages_);
    AddVillagesOfPersons(db_, persons, villages_);
  }
  RefreshVillageCounts(db_, villages_);
  villages_.clear();
  households_.clear();
  persons_.clear();
}

}  // namespace fupin::registry
