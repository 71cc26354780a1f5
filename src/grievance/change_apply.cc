#include "grievance/change_apply.h"

#include <set>

#include "registry/households.h"
#include "registry/registry_json.h"

namespace fupin::grievance::internal {
namespace {

using nlohmann::json;

// Reads the fields of one JSON object, naming each wrong one by its path.
class Fields {
 public:
  Fields(const json& object, std::string path, Problems& problems)
      : object_(object), path_(std::move(path)), problems_(problems) {
    if (!object_.is_object()) problems_.Add(path_.empty() ? "/" : path_, "must be an object");
  }

  std::optional<std::string> Text(const char* key, bool required = false) {
    const json* v = Find(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return Wrong(key, "must be a string");
    return v->get<std::string>();
  }
  std::optional<int64_t> Int(const char* key, bool required = false) {
    const json* v = Find(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer()) return Wrong(key, "must be an integer");
    return v->get<int64_t>();
  }
  std::optional<std::vector<std::string>> Texts(const char* key) {
    const json* v = Find(key, false);
    if (v == nullptr) return std::nullopt;
    std::vector<std::string> out;
    if (!v->is_array()) return Wrong(key, "must be an array of strings");
    for (const auto& item : *v) {
      if (!item.is_string()) return Wrong(key, "must be an array of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  // Present and null: set to nothing (clear the field).
  std::optional<std::optional<std::string>> NullableText(const char* key) {
    const json* v = Find(key, false);
    if (v == nullptr) return std::nullopt;
    if (v->is_null()) return std::optional<std::string>();
    if (!v->is_string()) return Wrong(key, "must be a string or null");
    return std::optional<std::string>(v->get<std::string>());
  }
  std::optional<std::optional<int>> NullableInt(const char* key) {
    std::optional<std::optional<int>> out;
    const json* v = Find(key, false);
    if (v == nullptr) return out;
    if (v->is_null()) {
      out.emplace();
    } else if (!v->is_number_integer()) {
      Wrong(key, "must be an integer or null");
    } else {
      out.emplace(v->get<int>());
    }
    return out;
  }
  const json& Object(const char* key) {
    static const json kNone = json::object();
    const json* v = Find(key, true);
    if (v == nullptr) return kNone;
    if (!v->is_object()) {
      Wrong(key, "must be an object");
      return kNone;
    }
    return *v;
  }
  std::string PathOf(const char* key) const { return path_ + "/" + key; }
  // Every key not read is unknown.
  void RejectOthers() {
    if (!object_.is_object()) return;
    for (const auto& [key, value] : object_.items()) {
      if (!read_.contains(key)) problems_.Add(path_ + "/" + key, "is not a field of this change");
    }
  }

 private:
  const json* Find(const char* key, bool required) {
    read_.insert(key);
    if (!object_.is_object()) return nullptr;
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) problems_.Add(PathOf(key), "is required");
      return nullptr;
    }
    return &*it;
  }
  std::nullopt_t Wrong(const char* key, const char* problem) {
    problems_.Add(PathOf(key), problem);
    return std::nullopt;
  }
  const json& object_;
  std::string path_;
  Problems& problems_;
  std::set<std::string> read_;
};

// Registry refusals of values, with their field names moved under `base`.
template <typename F>
auto Under(const std::string& base, F&& write) {
  try {
    return write();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kInvalidArgument && e.code() != ErrorCode::kAlreadyExists) throw;
    std::vector<ErrorDetail> details;
    for (const auto& d : e.details()) details.push_back({base + "/" + d.path, d.problem});
    if (details.empty()) details.push_back({base, e.what()});
    throw Error(e.code(), e.what(), details);
  }
}

json Pick(const json& record, std::initializer_list<const char*> keys) {
  json out = json::object();
  for (const char* k : keys) out[k] = record.contains(k) ? record[k] : json(nullptr);
  return out;
}

constexpr std::initializer_list<const char*> kHouseholdFields = {"attribute", "main_cause", "other_causes", "address",
                                                                 "phone", "status"};
constexpr std::initializer_list<const char*> kPersonFields = {"name", "ethnicity", "education", "health",
                                                              "disability_grade", "labour_ability", "phone",
                                                              "death_date", "household_id", "relation"};

json HouseholdFields(registry::HouseholdRegistry& reg, const Caller& as, int64_t id) {
  return Pick(registry::HouseholdJson(reg.GetHousehold(as, id)), kHouseholdFields);
}
// A record a change added: each listed field null before, as stored after.
Applied Added(std::string entity, const json& record, std::initializer_list<const char*> keys) {
  Applied a{std::move(entity), json::object(), Pick(record, keys)};
  for (const char* k : keys) a.before[k] = nullptr;
  return a;
}
json PersonFields(registry::PersonRegistry& reg, const Caller& as, int64_t id) {
  return Pick(registry::PersonJson(reg.GetPerson(as, id)), kPersonFields);
}

registry::HouseholdPatch ReadHouseholdPatch(Fields& set) {
  registry::HouseholdPatch p;
  p.attribute = set.Text("attribute");
  p.main_cause = set.Text("main_cause");
  p.other_causes = set.Texts("other_causes");
  p.address = set.Text("address");
  p.phone = set.NullableText("phone");
  set.RejectOthers();
  return p;
}

registry::PersonPatch ReadPersonPatch(Fields& set) {
  registry::PersonPatch p;
  p.name = set.Text("name");
  p.ethnicity = set.Text("ethnicity");
  p.education = set.Text("education");
  p.health = set.Text("health");
  p.disability_grade = set.NullableInt("disability_grade");
  p.labour_ability = set.Text("labour_ability");
  p.phone = set.NullableText("phone");
  p.death_date = set.NullableText("death_date");
  set.RejectOthers();
  return p;
}

registry::HouseholdInput ReadHouseholdInput(Fields& h) {
  registry::HouseholdInput in;
  in.number = h.Text("number", true).value_or("");
  in.village_code = h.Text("village_code", true).value_or("");
  if (auto y = h.Int("identified_year")) in.identified_year = static_cast<int>(*y);
  in.identified_date = h.Text("identified_date");
  if (auto v = h.Text("attribute")) in.attribute = *v;
  if (auto v = h.Text("main_cause")) in.main_cause = *v;
  if (auto v = h.Texts("other_causes")) in.other_causes = *v;
  if (auto v = h.Text("address")) in.address = *v;
  in.phone = h.Text("phone");
  h.RejectOthers();
  return in;
}

registry::PersonInput ReadPersonInput(Fields& p) {
  registry::PersonInput in;
  in.id_number = p.Text("id_number", true).value_or("");
  in.name = p.Text("name", true).value_or("");
  in.household_id = p.Int("household_id", true).value_or(0);
  if (auto v = p.Text("relation")) in.relation = *v;
  in.start_date = p.Text("start_date");
  if (auto v = p.Text("ethnicity")) in.ethnicity = *v;
  if (auto v = p.Text("education")) in.education = *v;
  if (auto v = p.Text("health")) in.health = *v;
  if (auto v = p.NullableInt("disability_grade")) in.disability_grade = *v;
  if (auto v = p.Text("labour_ability")) in.labour_ability = *v;
  in.phone = p.Text("phone");
  p.RejectOthers();
  return in;
}

struct Registries {
  registry::HouseholdRegistry households;
  registry::PersonRegistry persons;
};

Applied AddHousehold(Registries& r, const Caller& as, const json& change) {
  Problems problems;
  Fields top(change, "/change", problems);
  Fields h(top.Object("household"), "/change/household", problems);
  top.RejectOthers();
  const registry::HouseholdInput in = ReadHouseholdInput(h);
  problems.ThrowIfAny("invalid change");
  const int64_t id = Under("/change/household", [&] { return r.households.AddHousehold(as, in); });
  return Added("household/" + std::to_string(id), registry::HouseholdJson(r.households.GetHousehold(as, id)),
               {"number", "village_code", "identified_year", "attribute", "main_cause", "other_causes", "address",
                "phone", "status"});
}

Applied UpdateHousehold(Registries& r, const Caller& as, const json& change) {
  Problems problems;
  Fields top(change, "/change", problems);
  const int64_t id = top.Int("household_id", true).value_or(0);
  Fields set(top.Object("set"), "/change/set", problems);
  top.RejectOthers();
  const registry::HouseholdPatch patch = ReadHouseholdPatch(set);
  problems.ThrowIfAny("invalid change");
  const registry::Household current = r.households.GetHousehold(as, id);
  Applied a{"household/" + std::to_string(id), Pick(registry::HouseholdJson(current), kHouseholdFields), {}};
  Under("/change/set", [&] { return r.households.UpdateHousehold(as, id, current.version, patch); });
  a.after = HouseholdFields(r.households, as, id);
  return a;
}

Applied HouseholdStatus(Registries& r, const Caller& as, const json& change) {
  Problems problems;
  Fields top(change, "/change", problems);
  registry::HouseholdRegistry::EventInput in;
  in.household_id = top.Int("household_id", true).value_or(0);
  Fields event(top.Object("event"), "/change/event", problems);
  top.RejectOthers();
  in.kind = event.Text("kind", true).value_or("");
  in.date = event.Text("date", true).value_or("");
  in.reason = event.Text("reason").value_or("");
  event.RejectOthers();
  problems.ThrowIfAny("invalid change");
  Applied a{"household/" + std::to_string(in.household_id), HouseholdFields(r.households, as, in.household_id), {}};
  Under("/change/event", [&] { return r.households.RecordEvent(as, in); });
  a.after = HouseholdFields(r.households, as, in.household_id);
  a.before["event"] = nullptr;
  a.after["event"] = {{"kind", in.kind}, {"date", in.date}, {"reason", in.reason}};
  return a;
}

Applied AddPerson(Registries& r, const Caller& as, const json& change) {
  Problems problems;
  Fields top(change, "/change", problems);
  Fields p(top.Object("person"), "/change/person", problems);
  top.RejectOthers();
  const registry::PersonInput in = ReadPersonInput(p);
  problems.ThrowIfAny("invalid change");
  const registry::Person added = Under("/change/person", [&] { return r.persons.AddPerson(as, in); });
  return Added("person/" + std::to_string(added.id), registry::PersonJson(added),
               {"id_number", "name", "sex", "birth_date", "household_id", "relation", "ethnicity", "education",
                "health", "disability_grade", "labour_ability", "phone"});
}

Applied UpdatePerson(Registries& r, const Caller& as, const json& change) {
  Problems problems;
  Fields top(change, "/change", problems);
  const int64_t id = top.Int("person_id", true).value_or(0);
  Fields set(top.Object("set"), "/change/set", problems);
  top.RejectOthers();
  const registry::PersonPatch patch = ReadPersonPatch(set);
  problems.ThrowIfAny("invalid change");
  const registry::Person current = r.persons.GetPerson(as, id);
  Applied a{"person/" + std::to_string(id), Pick(registry::PersonJson(current), kPersonFields), {}};
  Under("/change/set", [&] { return r.persons.UpdatePerson(as, id, current.version, patch); });
  a.after = PersonFields(r.persons, as, id);
  return a;
}

Applied MovePerson(Registries& r, const Caller& as, const json& change, const std::string& reason) {
  Problems problems;
  Fields top(change, "/change", problems);
  const int64_t id = top.Int("person_id", true).value_or(0);
  const int64_t to = top.Int("to_household_id", true).value_or(0);
  const std::string relation = top.Text("relation", true).value_or("");
  const std::string date = top.Text("date", true).value_or("");
  top.RejectOthers();
  problems.ThrowIfAny("invalid change");
  Applied a{"person/" + std::to_string(id), PersonFields(r.persons, as, id), {}};
  Under("/change", [&] {
    r.persons.MovePerson(as, id, to, relation, date, reason);
    return 0;
  });
  a.after = PersonFields(r.persons, as, id);
  return a;
}

std::optional<std::string> VillageOfHousehold(store::Connection& db, int64_t id) {
  auto s = db.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, id);
  if (!s->Step()) return std::nullopt;
  return s->Text(0);
}

// The current household and its village of a person.
std::optional<std::pair<int64_t, std::string>> HomeOfPerson(store::Connection& db, int64_t person_id) {
  auto s = db.Prepare(
      "SELECT h.id, h.village_code FROM memberships m JOIN households h ON h.id = m.household_id"
      " WHERE m.person_id = ? AND m.end_date IS NULL");
  s->BindInt(1, person_id);
  if (!s->Step()) return std::nullopt;
  return std::make_pair(s->Int(0), s->Text(1));
}

void TargetHousehold(store::Connection& db, int64_t id, const std::string& path, ChangeTarget& t, Problems& problems) {
  t.household_id = id;
  if (auto v = VillageOfHousehold(db, id)) {
    t.area_code = *v;
  } else {
    problems.Add(path, "no household " + std::to_string(id));
  }
}

}  // namespace

ChangeTarget ResolveTarget(store::Connection& db, ChangeKind kind, const json& change, Problems& problems) {
  ChangeTarget t;
  if (!change.is_object()) {
    problems.Add("/change", "must be an object");
    return t;
  }
  auto int_at = [&](const json& j, const char* key) -> std::optional<int64_t> {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer()) return std::nullopt;
    return j[key].get<int64_t>();
  };
  if (kind == ChangeKind::kHouseholdAdd) {
    t.entity = "household/new";
    const json& h = change.contains("household") ? change["household"] : json();
    if (h.is_object() && h.contains("village_code") && h["village_code"].is_string()) {
      t.area_code = h["village_code"].get<std::string>();
    }
  } else if (kind == ChangeKind::kHouseholdUpdate || kind == ChangeKind::kHouseholdStatus) {
    if (auto id = int_at(change, "household_id")) {
      t.entity = "household/" + std::to_string(*id);
      TargetHousehold(db, *id, "/change/household_id", t, problems);
    }
  } else if (kind == ChangeKind::kPersonAdd) {
    t.entity = "person/new";
    const json& p = change.contains("person") ? change["person"] : json();
    if (auto id = int_at(p, "household_id")) TargetHousehold(db, *id, "/change/person/household_id", t, problems);
  } else if (auto id = int_at(change, "person_id")) {  // person_update, person_move
    t.entity = "person/" + std::to_string(*id);
    t.person_id = *id;
    if (auto home = HomeOfPerson(db, *id)) {
      t.household_id = home->first;
      t.area_code = home->second;
    } else {
      problems.Add("/change/person_id", "no person " + std::to_string(*id) + " in a household");
    }
  }
  return t;
}

Applied ApplyChange(store::Connection& db, const Clock& clock, const access::PersonalDataProtector& protector,
                    const Caller& as, ChangeKind kind, const json& change, const std::string& reason) {
  Registries r{registry::HouseholdRegistry(db, clock), registry::PersonRegistry(db, clock, &protector)};
  switch (kind) {
    case ChangeKind::kHouseholdAdd: return AddHousehold(r, as, change);
    case ChangeKind::kHouseholdUpdate: return UpdateHousehold(r, as, change);
    case ChangeKind::kHouseholdStatus: return HouseholdStatus(r, as, change);
    case ChangeKind::kPersonAdd: return AddPerson(r, as, change);
    case ChangeKind::kPersonUpdate: return UpdatePerson(r, as, change);
    case ChangeKind::kPersonMove: return MovePerson(r, as, change, reason);
  }
  throw Error::Internal("unknown kind of change " + std::to_string(static_cast<int>(kind)));
}

std::string StateOf(store::Connection& db, const ChangeTarget& target) {
  if (target.person_id) {
    auto s = db.Prepare("SELECT version FROM persons WHERE id = ?");
    s->BindInt(1, *target.person_id);
    return s->Step() ? "v" + std::to_string(s->Int(0)) : "gone";
  }
  if (target.entity.starts_with("household/") && target.household_id) {
    auto s = db.Prepare(
        "SELECT h.version, (SELECT COALESCE(max(e.id), 0) FROM household_events e WHERE e.household_id = h.id)"
        " FROM households h WHERE h.id = ?");
    s->BindInt(1, *target.household_id);
    return s->Step() ? "v" + std::to_string(s->Int(0)) + "e" + std::to_string(s->Int(1)) : "gone";
  }
  return "";
}

}  // namespace fupin::grievance::internal
