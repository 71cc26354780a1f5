#include <set>
#include <span>
#include <unordered_map>

#include "access/abilities.h"
#include "access/personal_data.h"
#include "core/error.h"
#include "core/id_number.h"
#include "registry/areas.h"
#include "registry/audited.h"
#include "registry/households.h"
#include "registry/registry_json.h"
#include "registry/registry_internal.h"
#include "registry/rollup.h"
#include "registry/vocab.h"

namespace fupin::registry {


namespace {

constexpr const char* kPersonSelect =
    "SELECT p.id, p.id_number_masked, p.name, p.sex, p.birth_date, p.ethnicity, p.education, p.health,"
    " p.disability_grade, p.labour_ability, p.phone_masked, p.death_date, p.version, m.household_id, m.relation,"
    " h.village_code FROM persons p"
    " LEFT JOIN memberships m ON m.person_id = p.id AND m.end_date IS NULL"
    " LEFT JOIN households h ON h.id = m.household_id";

Person ReadPerson(store::Statement& s) {
  Person p;
  p.id = s.Int(0);
  p.id_number = s.Text(1);
  p.name = s.Text(2);
  p.sex = s.Text(3);
  p.birth_date = s.Text(4);
  p.ethnicity = s.Text(5);
  p.education = s.Text(6);
  p.health = s.Text(7);
  if (!s.IsNull(8)) p.disability_grade = static_cast<int>(s.Int(8));
  p.labour_ability = s.Text(9);
  p.phone = s.OptionalText(10);
  p.death_date = s.OptionalText(11);
  p.version = s.Int(12);
  p.household_id = s.OptionalInt(13);
  p.relation = s.IsNull(14) ? "" : s.Text(14);
  return p;
}

// The audited fields of a person, with ID and phone numbers masked.
nlohmann::json PersonSummaryJson(const Person& p) {
  nlohmann::json j = PersonJson(p);
  j.erase("memberships");
  j.erase("years");
  j.erase("version");
  return j;
}

// Village of the person's current household, or "" if they have none.
std::string VillageOf(store::Statement& s) { return s.IsNull(15) ? "" : s.Text(15); }

void RequireVocab(Problems& problems, const char* field, std::span<const CodeTerm> terms, const std::string& value,
                  std::string& out) {
  if (auto name = ParseTerm(terms, value)) {
    out = *name;
  } else {
    problems.Add(field, "'" + value + "' is not one of " + TermNames(terms));
  }
}

void RequireNoOtherHead(store::Connection& db, int64_t household_id) {
  auto head = db.Prepare(
      "SELECT p.name FROM memberships m JOIN persons p ON p.id = m.person_id"
      " WHERE m.household_id = ? AND m.end_date IS NULL AND m.relation = 'head'");
  head->BindInt(1, household_id);
  if (head->Step()) {
    throw Error::FailedPrecondition("the household already has a head",
                                    {{"relation", "household " + std::to_string(household_id) +
                                                      " already has a head: " + head->Text(0)}});
  }
}

// A new person's input, checked: every problem named by field (thrown together).
struct CheckedPerson {
  IdNumberCheck id;
  std::string relation, education, health, labour;
  std::string start;  // the membership's start date
};

CheckedPerson CheckPersonInput(const PersonInput& in, const Date& today) {
  Problems problems;
  CheckedPerson c{CheckIdNumber(in.id_number, today), {}, {}, {}, {}, today.ToString()};
  const IdNumberCheck& id = c.id;
  if (!id.ok()) problems.Add("id_number", "'" + in.id_number + "': " + id.problem);
  if (in.name.empty() || in.name.size() > 60) problems.Add("name", "must be 1 to 60 bytes");
  RequireVocab(problems, "relation", Relations(), in.relation, c.relation);
  RequireVocab(problems, "education", EducationLevels(), in.education, c.education);
  RequireVocab(problems, "health", HealthStates(), in.health, c.health);
  RequireVocab(problems, "labour_ability", LabourAbilities(), in.labour_ability, c.labour);
  if (in.disability_grade && (*in.disability_grade < 1 || *in.disability_grade > 4)) {
    problems.Add("disability_grade", std::to_string(*in.disability_grade) + " is not a grade 1 to 4");
  }
  if (in.disability_grade && c.health != "disabled") problems.Add("disability_grade", "given for a person who is not disabled");
  if (in.ethnicity.empty() || in.ethnicity.size() > 40) problems.Add("ethnicity", "must be 1 to 40 bytes");
  if (in.phone && !internal::IsPlausiblePhone(*in.phone)) problems.Add("phone", "'" + *in.phone + "' is not a phone number");
  if (in.start_date) {
    auto d = Date::Parse(*in.start_date);
    if (!d) {
      problems.Add("start_date", "'" + *in.start_date + "' is not a date YYYY-MM-DD");
    } else if (*d > today) {
      problems.Add("start_date", *in.start_date + " is in the future");
    } else if (id.ok() && *d < id.number->birth_date) {
      problems.Add("start_date", *in.start_date + " is before the birth date");
    } else {
      c.start = *in.start_date;
    }
  }
  problems.ThrowIfAny("invalid person");
  return c;
}

// Refuses an ID number (by its blind index) that is already in the registry.
void RequireNewIdNumber(store::Connection& db, const std::string& blind_index, const std::string& id_number) {
  auto dup = db.Prepare(
      "SELECT p.id, h.number FROM persons p LEFT JOIN memberships m ON m.person_id = p.id AND m.end_date IS NULL"
      " LEFT JOIN households h ON h.id = m.household_id WHERE p.id_number_index = ?");
  dup->BindText(1, blind_index);
  if (dup->Step()) {
    const std::string where = dup->IsNull(1) ? "the registry (no current household)" : "household " + dup->Text(1);
    throw Error::AlreadyExists("ID number " + MaskIdNumber(id_number) + " is already in " + where,
                               {{"id_number", "already registered as person " + std::to_string(dup->Int(0)) +
                                                  " in " + where}});
  }
}

// Inserts the person and their membership of in.household_id; the person's id.
int64_t InsertPerson(store::Connection& db, const access::PersonalDataProtector& protector, const PersonInput& in,
                     const CheckedPerson& c, int64_t now) {
  const IdNumber& number = *c.id.number;
  auto insert = db.Prepare(
      "INSERT INTO persons (id_number_enc, id_number_index, id_number_masked, name, sex, birth_date, ethnicity,"
      " education, health, disability_grade, labour_ability, phone_enc, phone_index, phone_masked, created_at,"
      " updated_at) VALUES (?13, ?14, ?15, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?16, ?17, ?18, ?11, ?12) RETURNING id");
  const std::vector<uint8_t> encrypted = protector.Encrypt(number.text);
  insert->BindBlob(13, encrypted);
  insert->BindText(14, protector.BlindIndex(number.text));
  insert->BindText(15, MaskIdNumber(number.text));
  insert->BindText(2, in.name);
  insert->BindText(3, SexName(number.sex));
  insert->BindText(4, number.birth_date.ToString());
  insert->BindText(5, in.ethnicity);
  insert->BindText(6, c.education);
  insert->BindText(7, c.health);
  in.disability_grade ? insert->BindInt(8, *in.disability_grade) : insert->BindNull(8);
  insert->BindText(9, c.labour);
  access::BindPhone(*insert, 16, in.phone, &protector);
  insert->BindInt(11, now);
  insert->BindInt(12, now);
  insert->Step();
  const int64_t person_id = insert->Int(0);
  insert->Reset();
  auto member = db.Prepare(
      "INSERT INTO memberships (person_id, household_id, relation, start_date) VALUES (?, ?, ?, ?)");
  member->BindInt(1, person_id);
  member->BindInt(2, in.household_id);
  member->BindText(3, c.relation);
  member->BindText(4, c.start);
  member->Run();
  return person_id;
}

}  // namespace

Person PersonRegistry::AddPerson(const Caller& caller, const PersonInput& in) {
  const CheckedPerson c = CheckPersonInput(in, clock_.Today());
  const IdNumber& number = *c.id.number;
  const std::string village = internal::HouseholdVillage(db_, in.household_id);
  internal::RequireRegistryWrite(db_, clock_, caller, village, in.household_id,
                                 "household/" + std::to_string(in.household_id));

  std::vector<std::string> warnings;
  if (!FindArea(db_, number.area_prefix)) {
    warnings.push_back("the area code " + number.area_prefix +
                       " of the ID number is not in the area tree (codes change over time)");
  }
  store::Transaction tx(db_);
  RequireNewIdNumber(db_, protector_.BlindIndex(number.text), number.text);
  if (c.relation == "head") RequireNoOtherHead(db_, in.household_id);
  const int64_t person_id = InsertPerson(db_, protector_, in, c, clock_.NowSeconds());
  access::RecordChange(db_, clock_, caller, "person.add", "person/" + std::to_string(person_id), village, nullptr,
                        {{"id_number", MaskIdNumber(number.text)},
                         {"name", in.name},
                         {"sex", SexName(number.sex)},
                         {"birth_date", number.birth_date.ToString()},
                         {"household_id", in.household_id},
                         {"relation", c.relation},
                         {"start_date", c.start}},
                        RowDigests(db_, {{"persons", "id = ?1", {person_id}}, {"memberships", "person_id = ?1", {person_id}}}));
  RefreshVillageCounts(db_, {village});
  tx.Commit();
  Person result = GetPerson(caller, person_id);
  result.warnings = std::move(warnings);
  return result;
}

Person PersonRegistry::GetPerson(const Caller& caller, int64_t id) {
  auto s = db_.Prepare(std::string(kPersonSelect) + " WHERE p.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no person with id " + std::to_string(id));
  Person p = ReadPerson(*s);
  const std::string village = VillageOf(*s);
  if (village.empty()) {
    // A person with no current household is visible to callers of the whole nation only.
    if (!access::Can(caller, access::Ability::kReadRegistry) || !caller.area_scope.empty()) {
      throw Error::PermissionDenied("person " + std::to_string(id) + " has no household in your area");
    }
  } else {
    internal::RequireRegistryRead(db_, clock_, caller, village, p.household_id, "person/" + std::to_string(id));
  }
  auto history = db_.Prepare(
      "SELECT m.household_id, h.number, m.relation, m.start_date, m.end_date, m.end_reason FROM memberships m"
      " JOIN households h ON h.id = m.household_id WHERE m.person_id = ? ORDER BY m.start_date, m.id");
  history->BindInt(1, id);
  while (history->Step()) {
    p.memberships.push_back({history->Int(0), history->Text(1), history->Text(2), history->Text(3),
                             history->OptionalText(4), history->OptionalText(5)});
  }
  auto years = db_.Prepare(
      "SELECT year, school_status, school_stage, medical_insured, pension_insured, employment, major_disease,"
      " chronic_contract FROM person_years"
      " WHERE person_id = ? ORDER BY year");
  years->BindInt(1, id);
  while (years->Step()) {
    PersonYear y;
    y.year = static_cast<int>(years->Int(0));
    y.school_status = years->OptionalText(1);
    y.school_stage = years->OptionalText(2);
    if (!years->IsNull(3)) y.medical_insured = years->Int(3) != 0;
    if (!years->IsNull(4)) y.pension_insured = years->Int(4) != 0;
    y.employment = years->OptionalText(5);
    y.major_disease = years->OptionalText(6);
    if (!years->IsNull(7)) y.chronic_contract = years->Int(7) != 0;
    p.years.push_back(y);
  }
  return p;
}

Person PersonRegistry::GetPersonByIdNumber(const Caller& caller, const std::string& id_number) {
  const IdNumberCheck id = CheckIdNumber(id_number, clock_.Today());
  if (!id.ok()) throw Error::InvalidArgument("invalid ID number", {{"id_number", id.problem}});
  auto s = db_.Prepare("SELECT id FROM persons WHERE id_number_index = ?");
  s->BindText(1, protector_.BlindIndex(id.number->text));
  if (!s->Step()) throw Error::NotFound("no person with ID number " + MaskIdNumber(id.number->text));
  return GetPerson(caller, s->Int(0));
}

void PersonRegistry::MovePerson(const Caller& caller, int64_t person_id, int64_t to_household_id,
                                const std::string& relation_text, const std::string& date_text,
                                const std::string& reason) {
  Person p = GetPerson(caller, person_id);
  const std::string to_village = internal::HouseholdVillage(db_, to_household_id);
  const std::string entity = "person/" + std::to_string(person_id);
  internal::RequireRegistryWrite(db_, clock_, caller, to_village, to_household_id, entity);
  if (p.household_id) {
    internal::RequireRegistryWrite(db_, clock_, caller, internal::HouseholdVillage(db_, *p.household_id),
                                   p.household_id, entity);
  }
  Problems problems;
  std::string relation;
  RequireVocab(problems, "relation", Relations(), relation_text, relation);
  auto date = Date::Parse(date_text);
  if (!date) {
    problems.Add("date", "'" + date_text + "' is not a date YYYY-MM-DD");
  } else if (*date > clock_.Today()) {
    problems.Add("date", date_text + " is in the future");
  } else if (!p.memberships.empty() && date_text < p.memberships.back().start_date) {
    problems.Add("date", date_text + " is before the current membership began (" + p.memberships.back().start_date + ")");
  }
  if (p.household_id && *p.household_id == to_household_id) problems.Add("to", "the person is already in that household");
  if (p.death_date) problems.Add("person", "the person is deceased");
  problems.ThrowIfAny("invalid move");
  store::Transaction tx(db_);
  if (relation == "head") RequireNoOtherHead(db_, to_household_id);
  auto close = db_.Prepare(
      "UPDATE memberships SET end_date = ?, end_reason = ? WHERE person_id = ? AND end_date IS NULL");
  close->BindText(1, date_text);
  close->BindText(2, reason.empty() ? "moved" : reason);
  close->BindInt(3, person_id);
  close->Run();
  auto open = db_.Prepare("INSERT INTO memberships (person_id, household_id, relation, start_date) VALUES (?, ?, ?, ?)");
  open->BindInt(1, person_id);
  open->BindInt(2, to_household_id);
  open->BindText(3, relation);
  open->BindText(4, date_text);
  open->Run();
  auto bump = db_.Prepare("UPDATE persons SET version = version + 1, updated_at = ? WHERE id = ?");
  bump->BindInt(1, clock_.NowSeconds());
  bump->BindInt(2, person_id);
  bump->Run();
  access::RecordChange(db_, clock_, caller, "person.move", entity, to_village,
                        {{"household_id", p.household_id ? nlohmann::json(*p.household_id) : nullptr},
                         {"relation", p.relation}},
                        {{"household_id", to_household_id}, {"relation", relation}, {"date", date_text},
                         {"reason", reason}},
                        RowDigests(db_, {{"persons", "id = ?1", {person_id}}, {"memberships", "person_id = ?1", {person_id}}}));
  // The household left and the one joined (and any earlier one: a superset).
  std::set<std::string> villages;
  AddVillagesOfPersons(db_, std::span<const int64_t>(&person_id, 1), villages);
  RefreshVillageCounts(db_, villages);
  tx.Commit();
}

void PersonRegistry::SetPersonYear(const Caller& caller, int64_t person_id, const PersonYear& f) {
  Person p = GetPerson(caller, person_id);
  if (!p.household_id) throw Error::FailedPrecondition("person " + std::to_string(person_id) + " has no household");
  const std::string village = internal::HouseholdVillage(db_, *p.household_id);
  const std::string entity = "person/" + std::to_string(person_id);
  internal::RequireRegistryWrite(db_, clock_, caller, village, p.household_id, entity);
  Problems problems;
  if (f.year < 2000 || f.year > clock_.Today().year) problems.Add("year", std::to_string(f.year) + " is out of range");
  std::optional<std::string> status, stage, employment;
  auto vocab = [&](const char* field, std::span<const CodeTerm> terms, const std::optional<std::string>& in,
                   std::optional<std::string>& out) {
    if (!in) return;
    std::string name;
    RequireVocab(problems, field, terms, *in, name);
    out = name;
  };
  vocab("school_status", SchoolStatuses(), f.school_status, status);
  vocab("school_stage", SchoolStages(), f.school_stage, stage);
  vocab("employment", EmploymentStates(), f.employment, employment);
  std::optional<std::string> disease;
  vocab("major_disease", MajorDiseases(), f.major_disease, disease);
  problems.ThrowIfAny("invalid person facts");
  auto s = db_.Prepare(
      "INSERT INTO person_years (person_id, year, school_status, school_stage, medical_insured, pension_insured,"
      " employment, updated_at, major_disease, chronic_contract) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (person_id, year) DO UPDATE SET"
      " school_status = excluded.school_status, school_stage = excluded.school_stage,"
      " medical_insured = excluded.medical_insured, pension_insured = excluded.pension_insured,"
      " employment = excluded.employment, updated_at = excluded.updated_at,"
      " major_disease = excluded.major_disease, chronic_contract = excluded.chronic_contract");
  s->BindInt(1, person_id);
  s->BindInt(2, f.year);
  s->BindOptionalText(3, status);
  s->BindOptionalText(4, stage);
  f.medical_insured ? s->BindInt(5, *f.medical_insured ? 1 : 0) : s->BindNull(5);
  f.pension_insured ? s->BindInt(6, *f.pension_insured ? 1 : 0) : s->BindNull(6);
  s->BindOptionalText(7, employment);
  s->BindInt(8, clock_.NowSeconds());
  s->BindOptionalText(9, disease);
  f.chronic_contract ? s->BindInt(10, *f.chronic_contract ? 1 : 0) : s->BindNull(10);
  store::Transaction tx(db_);
  s->Run();
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  access::RecordChange(db_, clock_, caller, "person.year", entity, village, nullptr,
                        {{"year", f.year}, {"school_status", opt(status)}, {"school_stage", opt(stage)},
                         {"medical_insured", opt(f.medical_insured)}, {"pension_insured", opt(f.pension_insured)},
                         {"employment", opt(employment)}, {"major_disease", opt(disease)},
                         {"chronic_contract", opt(f.chronic_contract)}},
                        RowDigests(db_, {{"person_years", "person_id = ?1 AND year = ?2", {person_id, f.year}}}));
  tx.Commit();
}

}  // namespace fupin::registry

namespace fupin::registry {

Person PersonRegistry::UpdatePerson(const Caller& caller, int64_t id, int64_t expected_version,
                                    const PersonPatch& patch) {
  Person p = GetPerson(caller, id);
  const std::string entity = "person/" + std::to_string(id);
  const std::string village = p.household_id ? internal::HouseholdVillage(db_, *p.household_id) : "";
  const nlohmann::json before = PersonSummaryJson(p);
  if (p.household_id) internal::RequireRegistryWrite(db_, clock_, caller, village, p.household_id, entity);
  else if (!access::Can(caller, access::Ability::kWriteRegistry) || !caller.area_scope.empty()) {
    throw Error::PermissionDenied("person " + std::to_string(id) + " has no household in your area");
  }
  Problems problems;
  if (patch.name) {
    if (patch.name->empty() || patch.name->size() > 60) problems.Add("name", "must be 1 to 60 bytes");
    p.name = *patch.name;
  }
  if (patch.ethnicity) {
    if (patch.ethnicity->empty() || patch.ethnicity->size() > 40) problems.Add("ethnicity", "must be 1 to 40 bytes");
    p.ethnicity = *patch.ethnicity;
  }
  if (patch.education) RequireVocab(problems, "education", EducationLevels(), *patch.education, p.education);
  if (patch.health) RequireVocab(problems, "health", HealthStates(), *patch.health, p.health);
  if (patch.labour_ability) RequireVocab(problems, "labour_ability", LabourAbilities(), *patch.labour_ability, p.labour_ability);
  if (patch.disability_grade) p.disability_grade = *patch.disability_grade;
  if (p.disability_grade && (*p.disability_grade < 1 || *p.disability_grade > 4)) {
    problems.Add("disability_grade", std::to_string(*p.disability_grade) + " is not a grade 1 to 4");
  }
  if (p.disability_grade && p.health != "disabled") problems.Add("disability_grade", "given for a person who is not disabled");
  if (patch.phone) {
    p.phone = *patch.phone;
    if (p.phone && !internal::IsPlausiblePhone(*p.phone)) problems.Add("phone", "'" + *p.phone + "' is not a phone number");
  }
  if (patch.death_date) {
    p.death_date = *patch.death_date;
    if (p.death_date) {
      auto d = Date::Parse(*p.death_date);
      if (!d) problems.Add("death_date", "'" + *p.death_date + "' is not a date YYYY-MM-DD");
      else if (*d > clock_.Today()) problems.Add("death_date", *p.death_date + " is in the future");
      else if (*p.death_date < p.birth_date) problems.Add("death_date", *p.death_date + " is before the birth date");
    }
  }
  problems.ThrowIfAny("invalid person change");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "UPDATE persons SET name = ?, ethnicity = ?, education = ?, health = ?, disability_grade = ?,"
      " labour_ability = ?, death_date = ?, version = version + 1, updated_at = ?"
      " WHERE id = ? AND version = ?");
  s->BindText(1, p.name);
  s->BindText(2, p.ethnicity);
  s->BindText(3, p.education);
  s->BindText(4, p.health);
  p.disability_grade ? s->BindInt(5, *p.disability_grade) : s->BindNull(5);
  s->BindText(6, p.labour_ability);
  s->BindOptionalText(7, p.death_date);
  s->BindInt(8, clock_.NowSeconds());
  s->BindInt(9, id);
  s->BindInt(10, expected_version);
  if (s->Run() != 1) {
    throw Error::Conflict("person " + std::to_string(id) + " was changed by someone else since version " +
                          std::to_string(expected_version) + "; reload and try again");
  }
  if (patch.phone) {
    internal::SetPhone(db_, "persons", id, p.phone);
    if (p.phone) p.phone = access::MaskPhone(*p.phone);
  }
  access::RecordChange(db_, clock_, caller, "person.update", entity, village, before, PersonSummaryJson(p),
                        RowDigests(db_, {{"persons", "id = ?1", {id}}}));
  if (patch.death_date) {
    // A death date ends the person's membership on that day in every household it counted for.
    std::set<std::string> villages;
    AddVillagesOfPersons(db_, std::span<const int64_t>(&id, 1), villages);
    RefreshVillageCounts(db_, villages);
  }
  tx.Commit();
  return GetPerson(caller, id);
}

}  // namespace fupin::registry

namespace fupin::registry {

std::string PersonRegistry::RevealIdNumber(const Caller& caller, int64_t person_id) {
  Person p = GetPerson(caller, person_id);
  const std::string village = p.household_id ? internal::HouseholdVillage(db_, *p.household_id) : "";
  const std::string entity = "person/" + std::to_string(person_id);
  // Seeing a full ID number is a write-level right in the registry (the roles
  // that register people), never a reader's (auditor, sector department, paired cadre).
  internal::RequireRegistryWrite(db_, clock_, caller, village, p.household_id, entity);
  auto s = db_.Prepare("SELECT id_number_enc FROM persons WHERE id = ?");
  s->BindInt(1, person_id);
  if (!s->Step()) throw Error::NotFound("no person with id " + std::to_string(person_id));
  const std::vector<uint8_t> blob = s->Blob(0);
  std::string number = protector_.Decrypt(blob);
  store::Transaction tx(db_);
  access::RecordChange(db_, clock_, caller, "person.id_number_view", entity, village, nullptr,
                        {{"id_number", MaskIdNumber(number)}});
  tx.Commit();
  return number;
}

std::string PersonRegistry::RevealPhone(const Caller& caller, int64_t person_id) {
  Person p = GetPerson(caller, person_id);
  const std::string village = p.household_id ? internal::HouseholdVillage(db_, *p.household_id) : "";
  const std::string entity = "person/" + std::to_string(person_id);
  // As for ID numbers: a write-level right in the registry.
  internal::RequireRegistryWrite(db_, clock_, caller, village, p.household_id, entity);
  std::string phone = internal::RevealPhone(db_, "persons", person_id);
  store::Transaction tx(db_);
  access::RecordChange(db_, clock_, caller, "person.phone_view", entity, village, nullptr,
                        {{"phone", access::MaskPhone(phone)}});
  tx.Commit();
  return phone;
}

std::vector<std::optional<int64_t>> LookupPersonsByIdNumber(store::Connection& db,
                                                           const access::PersonalDataProtector& protector,
                                                           std::span<const std::string> id_numbers) {
  std::vector<std::optional<int64_t>> out(id_numbers.size());
  // One query per batch of up to 500 distinct numbers: the blind index makes it
  // an exact match. Each number is normalised and indexed once.
  constexpr size_t kBatch = 500;
  std::unordered_map<std::string, std::vector<size_t>> positions;
  std::vector<const std::string*> keys;
  for (size_t start = 0; start < id_numbers.size(); start += kBatch) {
    const size_t end = std::min(id_numbers.size(), start + kBatch);
    positions.clear();
    keys.clear();
    for (size_t i = start; i < end; ++i) {
      std::string text = id_numbers[i];
      if (text.size() == 18 && text[17] == 'x') text[17] = 'X';
      auto [it, inserted] = positions.try_emplace(protector.BlindIndex(text));
      it->second.push_back(i);
      if (inserted) keys.push_back(&it->first);
    }
    std::string sql = "SELECT id_number_index, id FROM persons WHERE id_number_index IN (";
    for (size_t k = 0; k < keys.size(); ++k) sql += k == 0 ? "?" : ", ?";
    sql += ")";
    auto s = db.Prepare(sql);
    int index = 1;
    for (const std::string* key : keys) s->BindText(index++, *key);
    while (s->Step()) {
      auto it = positions.find(s->Text(0));
      if (it == positions.end()) continue;
      for (size_t pos : it->second) out[pos] = s->Int(1);
    }
  }
  return out;
}

}  // namespace fupin::registry
