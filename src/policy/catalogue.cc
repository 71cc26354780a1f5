#include "policy/catalogue.h"

#include <algorithm>
#include <span>
#include <utility>

#include "core/error.h"
#include "registry/vocab.h"

namespace fupin::policy {

const char* TypeName(Type type) {
  switch (type) {
    case Type::kInt: return "int";
    case Type::kBool: return "bool";
    case Type::kString: return "string";
    case Type::kDate: return "date";
  }
  return "?";
}

const char* EntityName(Entity entity) {
  switch (entity) {
    case Entity::kPerson: return "person";
    case Entity::kHousehold: return "household";
    case Entity::kArea: return "area";
    case Entity::kScalar: return "scalar";
  }
  return "?";
}

std::string_view Field::ValueLabel(std::string_view value) const {
  for (const FieldValue& t : values) {
    if (t.name == value) return t.label_zh;
  }
  return value;
}

void Catalogue::Add(Field field) {
  if (Find(field.name) != nullptr) {
    throw Error::InvalidArgument("duplicate catalogue field", {{field.name, "defined twice"}});
  }
  fields_.push_back(std::move(field));
}

const Field* Catalogue::Find(std::string_view name) const {
  for (const Field& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

namespace {

// Levenshtein distance, small strings only.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1);
  std::vector<size_t> cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string Catalogue::Suggest(std::string_view name) const {
  std::string best;
  size_t best_distance = 3;  // suggest only near misses
  for (const Field& f : fields_) {
    size_t d = Distance(name, f.name);
    if (d < best_distance) {
      best_distance = d;
      best = f.name;
    }
  }
  return best;
}

namespace {

// The vocabularies are the registry's (registry/vocab.h), so a policy can only
// compare a fact with a value the registry accepts.
std::vector<FieldValue> FromRegistry(std::span<const registry::CodeTerm> terms) {
  std::vector<FieldValue> out;
  out.reserve(terms.size());
  for (const registry::CodeTerm& t : terms) out.push_back({std::string(t.name), std::string(t.label_zh)});
  return out;
}
std::vector<FieldValue> Sexes() { return {{"male", "男"}, {"female", "女"}}; }  // persons.sex CHECK
std::vector<FieldValue> Attributes() { return FromRegistry(registry::HouseholdAttributes()); }
std::vector<FieldValue> Causes() { return FromRegistry(registry::Causes()); }
std::vector<FieldValue> Statuses() { return FromRegistry(registry::HouseholdStatuses()); }
std::vector<FieldValue> Relations() { return FromRegistry(registry::Relations()); }
std::vector<FieldValue> Education() { return FromRegistry(registry::EducationLevels()); }
std::vector<FieldValue> Health() { return FromRegistry(registry::HealthStates()); }
std::vector<FieldValue> Labour() { return FromRegistry(registry::LabourAbilities()); }
std::vector<FieldValue> SchoolStatuses() { return FromRegistry(registry::SchoolStatuses()); }
std::vector<FieldValue> SchoolStages() { return FromRegistry(registry::SchoolStages()); }
std::vector<FieldValue> Employment() { return FromRegistry(registry::EmploymentStates()); }
std::vector<FieldValue> MajorDiseases() { return FromRegistry(registry::MajorDiseases()); }

Catalogue BuildDefault() {
  Catalogue c;
  auto add = [&c](std::string name, Type type, Entity entity, std::string label, std::string source,
                  std::string absent, std::vector<FieldValue> values = {}, std::string unit = "",
                  std::string description = "") {
    Field f;
    f.name = std::move(name);
    f.type = type;
    f.entity = entity;
    f.label_zh = std::move(label);
    f.source = std::move(source);
    f.absent = std::move(absent);
    f.values = std::move(values);
    f.unit = std::move(unit);
    f.description = std::move(description);
    c.Add(std::move(f));
  };
  auto derive = [&c](std::string name, Type type, Entity entity, std::string label, std::string expr,
                     std::string unit, std::string description) {
    Field f;
    f.name = std::move(name);
    f.type = type;
    f.entity = entity;
    f.label_zh = std::move(label);
    f.source = "derived";
    f.derived = std::move(expr);
    f.unit = std::move(unit);
    f.description = std::move(description);
    c.Add(std::move(f));
  };
  const Entity P = Entity::kPerson;
  const Entity H = Entity::kHousehold;
  const Entity A = Entity::kArea;
  const Entity S = Entity::kScalar;

  // The run.
  add("year", Type::kInt, S, "年度", "the year evaluated", "");
  add("ref_date", Type::kDate, S, "基准日", "the reference date of the run (ages are taken on it)", "");
  add("params.poverty_line", Type::kInt, S, "扶贫标准", "year parameters (assessment)", "", {}, "fen",
      "national rural poverty line of the year, per person per year");
  add("params.dibao_standard_a", Type::kInt, S, "农村低保A类标准", "year parameters", "", {}, "fen",
      "per person per year; Hengdong 2020: 4200 yuan");
  add("params.dibao_standard_b", Type::kInt, S, "农村低保B类标准", "year parameters", "", {}, "fen",
      "per person per year");
  add("params.dibao_standard_c", Type::kInt, S, "农村低保C类标准", "year parameters", "", {}, "fen",
      "per person per year");
  add("params.destitute_standard", Type::kInt, S, "特困供养标准", "year parameters", "", {}, "fen",
      "basic living support per destitute person per year");
  add("params.medical_premium", Type::kInt, S, "城乡居民医保个人缴费标准", "year parameters", "", {}, "fen",
      "individual premium of resident basic medical insurance");
  add("params.pension_premium_min", Type::kInt, S, "城乡居民养老保险最低缴费档次", "year parameters", "", {},
      "fen", "lowest premium grade of resident pension insurance");

  // persons (registry migration 101).
  add("person.id", Type::kInt, P, "人员编号", "persons.id", "");
  add("person.sex", Type::kString, P, "性别", "persons.sex", "", Sexes());
  add("person.birth_date", Type::kDate, P, "出生日期", "persons.birth_date", "");
  add("person.death_date", Type::kDate, P, "死亡日期", "persons.death_date", "9999-12-31");
  add("person.ethnicity", Type::kString, P, "民族", "persons.ethnicity", "汉族");
  add("person.education", Type::kString, P, "文化程度", "persons.education", "unknown", Education());
  add("person.health", Type::kString, P, "健康状况", "persons.health", "healthy", Health());
  add("person.disability_grade", Type::kInt, P, "残疾等级", "persons.disability_grade", "0", {}, "",
      "1 (most severe) to 4; 0 when not disabled");
  add("person.labour_ability", Type::kString, P, "劳动技能", "persons.labour_ability", "unknown", Labour());
  add("person.relation", Type::kString, P, "与户主关系", "memberships.relation (open membership)", "", Relations());
  add("person.school_status", Type::kString, P, "在校生状况", "person_years.school_status", "", SchoolStatuses());
  add("person.school_stage", Type::kString, P, "在读学段", "person_years.school_stage", "", SchoolStages());
  add("person.medical_insured", Type::kBool, P, "参加基本医疗保险", "person_years.medical_insured", "false");
  add("person.pension_insured", Type::kBool, P, "参加城乡居民养老保险", "person_years.pension_insured", "false");
  add("person.employment", Type::kString, P, "务工状况", "person_years.employment", "", Employment());
  derive("person.age", Type::kInt, P, "年龄", "age_on(person.birth_date, ref_date)", "years",
         "completed years of age on the reference date");
  derive("person.alive", Type::kBool, P, "在世", "person.death_date > ref_date", "",
         "not deceased on the reference date");
  add("person.major_disease", Type::kString, P, "大病病种", "person_years.major_disease", "", MajorDiseases(), "",
      "which of the 29 major diseases of the special treatment the person has (registry migration 102)");
  add("person.chronic_contract", Type::kBool, P, "已签约家庭医生", "person_years.chronic_contract", "false", {}, "",
      "whether the person has signed a family-doctor contract this year");

  // households, household_events, household_years.
  add("household.id", Type::kInt, H, "户编号(内部)", "households.id", "");
  add("household.number", Type::kString, H, "户编号", "households.number", "");
  add("household.identified_year", Type::kInt, H, "识别年度", "households.identified_year", "0", {}, "",
      "0 when never registered poor");
  add("household.attribute", Type::kString, H, "贫困户属性", "households.attribute", "none", Attributes());
  add("household.main_cause", Type::kString, H, "主要致贫原因", "households.main_cause", "none", Causes());
  add("household.status", Type::kString, H, "脱贫状态", "household_events (latest event up to ref_date)",
      "unregistered", Statuses());
  add("household.exit_year", Type::kInt, H, "脱贫年度", "household_events (latest 'exited' up to ref_date)", "0");
  add("household.members", Type::kInt, H, "家庭人口(收入测算)", "household_years.members", "0");
  add("household.wage_income", Type::kInt, H, "工资性收入", "household_years.wage_income", "0", {}, "fen");
  add("household.production_income", Type::kInt, H, "生产经营性收入", "household_years.production_income", "0", {},
      "fen");
  add("household.property_income", Type::kInt, H, "财产性收入", "household_years.property_income", "0", {}, "fen");
  add("household.transfer_income", Type::kInt, H, "转移性收入", "household_years.transfer_income", "0", {}, "fen");
  add("household.production_cost", Type::kInt, H, "生产经营性支出", "household_years.production_cost", "0", {},
      "fen");
  add("household.food_secure", Type::kBool, H, "不愁吃", "household_years.food_secure", "true");
  add("household.clothing_secure", Type::kBool, H, "不愁穿", "household_years.clothing_secure", "true");
  add("household.housing_safe", Type::kBool, H, "住房安全有保障", "household_years.housing_safe", "true");
  add("household.drinking_water_safe", Type::kBool, H, "饮水安全", "household_years.drinking_water_safe", "true");
  derive("household.registered", Type::kBool, H, "建档立卡户", "household.identified_year > 0", "",
         "registered as poor in some year");
  derive("household.net_income", Type::kInt, H, "家庭纯收入",
         "household.wage_income + household.production_income + household.property_income + "
         "household.transfer_income - household.production_cost",
         "fen", "net income of the year");
  derive("household.per_capita_net_income", Type::kInt, H, "人均纯收入",
         "household.net_income / household.members", "fen",
         "net income over household.members (0 when members is 0)");
  derive("household.members_count", Type::kInt, H, "在册人口", "count(members, m.alive)", "",
         "living members in the frame (open memberships)");
  add("household.dibao_class", Type::kString, H, "低保类别", "household_years.dibao_class", "",
      FromRegistry(registry::DibaoClasses()), "", "rural dibao class set by civil affairs");
  add("household.house_grade", Type::kString, H, "房屋危险等级", "household_years.house_grade", "",
      FromRegistry(registry::HouseGrades()), "", "dangerous-house appraisal grade");
  add("household.relocation", Type::kBool, H, "易地扶贫搬迁对象", "household_years.relocation", "false", {}, "",
      "on the relocation plan (易地扶贫搬迁) that year");
  add("household.pepper_area", Type::kInt, H, "黄贡椒种植面积", "household_years.pepper_area", "0", {}, "0.01 mu",
      "area planted with pepper, in hundredths of a mu");
  add("household.camellia_area", Type::kInt, H, "油茶种植面积", "household_years.camellia_area", "0", {}, "0.01 mu",
      "area planted with camellia, in hundredths of a mu");
  add("household.pv_share", Type::kBool, H, "光伏收益分配对象", "household_years.pv_share", "false", {}, "",
      "shares the income of a photovoltaic station that year");

  // area_years of the household's village.
  add("area.code", Type::kString, A, "村代码", "households.village_code", "");
  add("area.poor_village", Type::kBool, A, "贫困村", "area_years.poor_village", "false");
  add("area.exit_year", Type::kInt, A, "贫困村出列年度", "area_years.exit_year", "0");
  add("area.rural_population", Type::kInt, A, "农村人口", "area_years.rural_population", "0");
  return c;
}

}  // namespace

const Catalogue& Catalogue::Default() {
  static const Catalogue catalogue = BuildDefault();
  return catalogue;
}

}  // namespace fupin::policy
