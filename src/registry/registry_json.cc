#include "registry/registry_json.h"

#include "access/personal_data.h"
#include "core/id_number.h"
#include "core/json_writer.h"
#include "registry/vocab.h"

namespace fupin::registry {
namespace {

nlohmann::json OptionalBoolJson(const std::optional<bool>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json OptionalJson(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json AreaJson(const Area& a) {
  return {{"code", a.code},
          {"name", a.name},
          {"level", AreaLevelName(a.level)},
          {"parent_code", a.parent_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.parent_code)}};
}

nlohmann::json AreaViewJson(const AreaView& v) {
  nlohmann::json j = AreaJson(v.area);
  j["parents"] = nlohmann::json::array();
  for (const auto& p : v.parents) j["parents"].push_back(AreaJson(p));
  nlohmann::json by_level = nlohmann::json::object();
  for (const auto& c : v.children) {
    by_level[AreaLevelName(c.level)].push_back(AreaJson(c));
  }
  j["children"] = by_level;
  nlohmann::json counts = nlohmann::json::object();
  for (int level = static_cast<int>(v.area.level) + 1; level <= 5; ++level) {
    counts[AreaLevelName(static_cast<AreaLevel>(level))] = v.descendants[level - 1];
  }
  j["descendant_counts"] = counts;
  return j;
}

nlohmann::json AreaMatchesJson(const std::vector<AreaMatch>& matches) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& m : matches) {
    nlohmann::json j = AreaJson(m.area);
    j["path"] = nlohmann::json::array();
    std::string text;
    for (const auto& p : m.path) {
      j["path"].push_back(AreaJson(p));
      text += (text.empty() ? "" : " › ") + p.name;
    }
    j["path_text"] = text;
    items.push_back(std::move(j));
  }
  return {{"items", items}};
}

nlohmann::json HouseholdYearJson(const HouseholdYear& y) {
  return {{"year", y.year},
          {"members", y.members},
          {"wage_income", y.wage_income},
          {"production_income", y.production_income},
          {"property_income", y.property_income},
          {"transfer_income", y.transfer_income},
          {"production_cost", y.production_cost},
          {"net_income", y.net_income()},
          {"per_capita_net_income", y.per_capita_net_income()},
          {"food_secure", OptionalBoolJson(y.food_secure)},
          {"clothing_secure", OptionalBoolJson(y.clothing_secure)},
          {"housing_safe", OptionalBoolJson(y.housing_safe)},
          {"drinking_water_safe", OptionalBoolJson(y.drinking_water_safe)},
          {"dibao_class", OptionalJson(y.dibao_class)},
          {"house_grade", OptionalJson(y.house_grade)},
          {"relocation", OptionalBoolJson(y.relocation)},
          {"pepper_area", OptionalJson(y.pepper_area)},
          {"camellia_area", OptionalJson(y.camellia_area)},
          {"pv_share", OptionalBoolJson(y.pv_share)}};
}

nlohmann::json HouseholdJson(const Household& h) {
  nlohmann::json j = {{"id", h.id},
                      {"number", h.number},
                      {"village_code", h.village_code},
                      {"village_name", h.village_name},
                      {"identified_year", OptionalJson(h.identified_year)},
                      {"attribute", h.attribute},
                      {"attribute_label", LabelZh(HouseholdAttributes(), h.attribute)},
                      {"main_cause", h.main_cause},
                      {"main_cause_label", LabelZh(Causes(), h.main_cause)},
                      {"other_causes", h.other_causes},
                      {"address", h.address},
                      {"phone", h.phone ? nlohmann::json(access::MaskPhone(*h.phone)) : nullptr},
                      {"status", h.status},
                      {"status_label", LabelZh(HouseholdStatuses(), h.status)},
                      {"version", h.version}};
  if (!h.township_code.empty()) {  // a row of the list
    j["head_name"] = h.head_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.head_name);
    j["township_code"] = h.township_code;
    j["township_name"] = h.township_name;
  }
  if (!h.members.empty()) {
    j["members"] = nlohmann::json::array();
    for (const auto& m : h.members) {
      j["members"].push_back({{"person_id", m.person_id},
                              {"name", m.name},
                              {"id_number", m.id_number},
                              {"sex", m.sex},
                              {"birth_date", m.birth_date},
                              {"relation", m.relation},
                              {"relation_label", LabelZh(Relations(), m.relation)},
                              {"start_date", m.start_date}});
    }
  }
  if (!h.events.empty()) {
    j["events"] = nlohmann::json::array();
    for (const auto& e : h.events) {
      j["events"].push_back({{"id", e.id},
                             {"kind", e.kind},
                             {"kind_label", LabelZh(EventKinds(), e.kind)},
                             {"year", e.year},
                             {"date", e.date},
                             {"reason", e.reason},
                             {"actor", e.actor},
                             {"recorded_at", e.recorded_at}});
    }
  }
  if (!h.years.empty()) {
    j["years"] = nlohmann::json::array();
    for (const auto& y : h.years) j["years"].push_back(HouseholdYearJson(y));
  }
  return j;
}

namespace {

// The arrays of HouseholdJsonText, each element's keys in nlohmann's order.
void WriteEvents(JsonWriter& w, const std::vector<HouseholdEvent>& events) {
  for (const auto& e : events) {
    w.BeginObject();
    w.Key("actor").String(e.actor);
    w.Key("date").String(e.date);
    w.Key("id").Int(e.id);
    w.Key("kind").String(e.kind);
    w.Key("kind_label").String(LabelZh(EventKinds(), e.kind));
    w.Key("reason").String(e.reason);
    w.Key("recorded_at").String(e.recorded_at);
    w.Key("year").Int(e.year);
    w.EndObject();
  }
}

void WriteMembers(JsonWriter& w, const std::vector<Member>& members) {
  for (const auto& m : members) {
    w.BeginObject();
    w.Key("birth_date").String(m.birth_date);
    w.Key("id_number").String(m.id_number);
    w.Key("name").String(m.name);
    w.Key("person_id").Int(m.person_id);
    w.Key("relation").String(m.relation);
    w.Key("relation_label").String(LabelZh(Relations(), m.relation));
    w.Key("sex").String(m.sex);
    w.Key("start_date").String(m.start_date);
    w.EndObject();
  }
}

void WriteYears(JsonWriter& w, const std::vector<HouseholdYear>& years) {
  for (const auto& y : years) {
    w.BeginObject();
    w.Key("camellia_area").OptionalInt(y.camellia_area);
    w.Key("clothing_secure").OptionalBool(y.clothing_secure);
    w.Key("dibao_class").OptionalString(y.dibao_class);
    w.Key("drinking_water_safe").OptionalBool(y.drinking_water_safe);
    w.Key("food_secure").OptionalBool(y.food_secure);
    w.Key("house_grade").OptionalString(y.house_grade);
    w.Key("housing_safe").OptionalBool(y.housing_safe);
    w.Key("members").Int(y.members);
    w.Key("net_income").Int(y.net_income());
    w.Key("pepper_area").OptionalInt(y.pepper_area);
    w.Key("per_capita_net_income").Int(y.per_capita_net_income());
    w.Key("production_cost").Int(y.production_cost);
    w.Key("production_income").Int(y.production_income);
    w.Key("property_income").Int(y.property_income);
    w.Key("pv_share").OptionalBool(y.pv_share);
    w.Key("relocation").OptionalBool(y.relocation);
    w.Key("transfer_income").Int(y.transfer_income);
    w.Key("wage_income").Int(y.wage_income);
    w.Key("year").Int(y.year);
    w.EndObject();
  }
}

}  // namespace

// Keys in nlohmann's order (sorted by bytes); registry_test compares the two.
std::string HouseholdJsonText(const Household& h) {
  JsonWriter w;
  w.BeginObject();
  w.Key("address").String(h.address);
  w.Key("attribute").String(h.attribute);
  w.Key("attribute_label").String(LabelZh(HouseholdAttributes(), h.attribute));
  if (!h.events.empty()) {
    w.Key("events").BeginArray();
    WriteEvents(w, h.events);
    w.EndArray();
  }
  const bool listed = !h.township_code.empty();
  if (listed) {
    w.Key("head_name");
    h.head_name.empty() ? w.Null() : w.String(h.head_name);
  }
  w.Key("id").Int(h.id);
  w.Key("identified_year");
  h.identified_year ? w.Int(*h.identified_year) : w.Null();
  w.Key("main_cause").String(h.main_cause);
  w.Key("main_cause_label").String(LabelZh(Causes(), h.main_cause));
  if (!h.members.empty()) {
    w.Key("members").BeginArray();
    WriteMembers(w, h.members);
    w.EndArray();
  }
  w.Key("number").String(h.number);
  w.Key("other_causes").BeginArray();
  for (const auto& c : h.other_causes) w.String(c);
  w.EndArray();
  w.Key("phone");
  h.phone ? w.String(access::MaskPhone(*h.phone)) : w.Null();
  w.Key("status").String(h.status);
  w.Key("status_label").String(LabelZh(HouseholdStatuses(), h.status));
  if (listed) {
    w.Key("township_code").String(h.township_code);
    w.Key("township_name").String(h.township_name);
  }
  w.Key("version").Int(h.version);
  w.Key("village_code").String(h.village_code);
  w.Key("village_name").String(h.village_name);
  if (!h.years.empty()) {
    w.Key("years").BeginArray();
    WriteYears(w, h.years);
    w.EndArray();
  }
  w.EndObject();
  return w.Take();
}

nlohmann::json PersonJson(const Person& p) {
  nlohmann::json j = {{"id", p.id},
                      {"id_number", p.id_number},
                      {"name", p.name},
                      {"sex", p.sex},
                      {"birth_date", p.birth_date},
                      {"ethnicity", p.ethnicity},
                      {"education", p.education},
                      {"health", p.health},
                      {"disability_grade", OptionalJson(p.disability_grade)},
                      {"labour_ability", p.labour_ability},
                      {"phone", p.phone ? nlohmann::json(access::MaskPhone(*p.phone)) : nullptr},
                      {"death_date", OptionalJson(p.death_date)},
                      {"household_id", OptionalJson(p.household_id)},
                      {"relation", p.relation},
                      {"version", p.version}};
  j["memberships"] = nlohmann::json::array();
  for (const auto& m : p.memberships) {
    j["memberships"].push_back({{"household_id", m.household_id},
                                {"household_number", m.household_number},
                                {"relation", m.relation},
                                {"start_date", m.start_date},
                                {"end_date", OptionalJson(m.end_date)},
                                {"end_reason", OptionalJson(m.end_reason)}});
  }
  j["years"] = nlohmann::json::array();
  for (const auto& y : p.years) {
    j["years"].push_back({{"year", y.year},
                          {"school_status", OptionalJson(y.school_status)},
                          {"school_stage", OptionalJson(y.school_stage)},
                          {"medical_insured", OptionalBoolJson(y.medical_insured)},
                          {"pension_insured", OptionalBoolJson(y.pension_insured)},
                          {"employment", OptionalJson(y.employment)},
                          {"major_disease", OptionalJson(y.major_disease)},
                          {"major_disease_label", y.major_disease ? nlohmann::json(LabelZh(MajorDiseases(), *y.major_disease))
                                                                  : nlohmann::json(nullptr)},
                          {"chronic_contract", OptionalBoolJson(y.chronic_contract)}});
  }
  if (!p.warnings.empty()) j["warnings"] = p.warnings;
  return j;
}

}  // namespace fupin::registry
