#include "dataio/columns.h"

#include "core/error.h"

namespace fupin::dataio {

const char* TemplateKindName(TemplateKind kind) {
  return kind == TemplateKind::kPersons ? "persons" : "household-years";
}

std::optional<TemplateKind> ParseTemplateKind(std::string_view text) {
  if (text == "persons" || text == "person") return TemplateKind::kPersons;
  if (text == "household-years" || text == "household_years") return TemplateKind::kHouseholdYears;
  return std::nullopt;
}

const std::vector<ColumnSpec>& PersonColumns() {
  using L = Level;
  using T = ValueType;
  static const std::vector<ColumnSpec> kColumns = {
      // Household columns: repeated on every row of the household; they must agree.
      {"household_number", "户编号", {"户号", "家庭编号"}, L::kKey, T::kText, true, nullptr, "number", nullptr, 0, 0, 40,
       "每户唯一的编号；同户每行相同。再次导入时按户编号更新"},
      {"village_code", "行政村代码", {"村代码", "行政区划代码", "所在村代码"}, L::kHousehold, T::kAreaCode, true, nullptr,
       "village_code", nullptr, 0, 0, 12, "12位行政村统计用区划代码"},
      {"identified_year", "识别年度", {"识别年份", "纳入年度"}, L::kHousehold, T::kInteger, false, nullptr, "", nullptr, 2000,
       2100, 0, "建档立卡识别年度；新户填写时记录“识别纳入”事件；已有户不可通过导入修改"},
      {"attribute", "贫困户属性", {"户属性"}, L::kHousehold, T::kTerm, false, registry::HouseholdAttributes, "attribute",
       std::string("general"), 0, 0, 0, "默认一般贫困户"},
      {"main_cause", "主要致贫原因", {"致贫原因"}, L::kHousehold, T::kTerm, false, registry::Causes, "main_cause",
       std::string("none"), 0, 0, 0, ""},
      {"other_causes", "其他致贫原因", {}, L::kHousehold, T::kTerms, false, registry::Causes, "other_causes",
       std::string(""), 0, 0, 0, "多个用顿号或逗号分隔"},
      {"address", "家庭住址", {"住址"}, L::kHousehold, T::kText, false, nullptr, "address", std::string(""), 0, 0, 200, ""},
      {"household_phone", "户联系电话", {"户主联系电话"}, L::kHousehold, T::kPhone, false, nullptr, "phone", nullptr, 0, 0,
       20, ""},
      // Person columns.
      {"name", "姓名", {"成员姓名"}, L::kPerson, T::kText, true, nullptr, "name", nullptr, 0, 0, 50, ""},
      {"id_number", "身份证号", {"身份证号码", "证件号码", "公民身份号码"}, L::kKey, T::kIdNumber, true, nullptr, "", nullptr, 0,
       0, 18, "18位，单元格须设为文本；再次导入时按身份证号更新"},
      {"relation", "与户主关系", {"关系"}, L::kMembership, T::kTerm, true, registry::Relations, "relation", nullptr, 0, 0, 0,
       "每户应有且只有一名户主"},
      {"start_date", "入户日期", {}, L::kMembership, T::kDate, false, nullptr, "start_date", nullptr, 0, 0, 0,
       "默认导入当天；成员从他户迁入时为迁入日期"},
      {"ethnicity", "民族", {}, L::kPerson, T::kText, false, nullptr, "ethnicity", std::string("汉族"), 0, 0, 20,
       "默认汉族"},
      {"education", "文化程度", {}, L::kPerson, T::kTerm, false, registry::EducationLevels, "education",
       std::string("unknown"), 0, 0, 0, ""},
      {"health", "健康状况", {}, L::kPerson, T::kTerm, false, registry::HealthStates, "health", std::string("healthy"), 0,
       0, 0, ""},
      {"disability_grade", "残疾等级", {}, L::kPerson, T::kInteger, false, nullptr, "disability_grade", nullptr, 1, 4, 0,
       "1-4级，无残疾留空"},
      {"labour_ability", "劳动能力", {"劳动技能"}, L::kPerson, T::kTerm, false, registry::LabourAbilities,
       "labour_ability", std::string("unknown"), 0, 0, 0, ""},
      {"phone", "联系电话", {"本人联系电话"}, L::kPerson, T::kPhone, false, nullptr, "phone", nullptr, 0, 0, 20, ""},
      {"death_date", "死亡日期", {}, L::kPerson, T::kDate, false, nullptr, "death_date", nullptr, 0, 0, 0,
       "已故成员填写"},
      // Yearly facts of the person, for the year in 年度 (required when any is given).
      {"year", "年度", {"年份"}, L::kKey, T::kInteger, false, nullptr, "year", nullptr, 2000, 2100, 0,
       "以下年度信息所属年度；填写任一年度信息时必填"},
      {"school_status", "在校状况", {"在校生状况"}, L::kPersonYear, T::kTerm, false, registry::SchoolStatuses,
       "school_status", nullptr, 0, 0, 0, "6-15岁儿童须填写"},
      {"school_stage", "就学阶段", {}, L::kPersonYear, T::kTerm, false, registry::SchoolStages, "school_stage", nullptr,
       0, 0, 0, ""},
      {"medical_insured", "参加基本医疗保险", {"参加医保"}, L::kPersonYear, T::kBool, false, nullptr, "medical_insured",
       nullptr, 0, 0, 0, ""},
      {"pension_insured", "参加养老保险", {"参加城乡居民养老保险"}, L::kPersonYear, T::kBool, false, nullptr,
       "pension_insured", nullptr, 0, 0, 0, ""},
      {"employment", "务工状况", {"就业状况"}, L::kPersonYear, T::kTerm, false, registry::EmploymentStates,
       "employment", nullptr, 0, 0, 0, ""},
      // Policy facts of the year (registry migration 102), read by the policies.
      {"major_disease", "大病病种", {"29种大病", "患大病病种", "大病种类"}, L::kPersonYear, T::kTerm, false,
       registry::MajorDiseases, "major_disease", nullptr, 0, 0, 0, "患29种大病之一者填写病种，无则留空"},
      {"chronic_contract", "慢病家庭医生签约", {"家庭医生签约", "慢病签约"}, L::kPersonYear, T::kBool, false, nullptr,
       "chronic_contract", nullptr, 0, 0, 0, "慢性病患者是否已签约家庭医生"},
  };
  return kColumns;
}

const std::vector<ColumnSpec>& HouseholdYearColumns() {
  using L = Level;
  using T = ValueType;
  static const std::vector<ColumnSpec> kColumns = {
      {"household_number", "户编号", {"户号", "家庭编号"}, L::kKey, T::kText, true, nullptr, "", nullptr, 0, 0, 40,
       "已在系统中的户"},
      {"year", "年度", {"年份"}, L::kKey, T::kInteger, true, nullptr, "year", nullptr, 2000, 2100, 0, ""},
      {"members", "家庭人口", {"家庭人数", "人口数"}, L::kHouseholdYear, T::kInteger, false, nullptr, "members", nullptr, 1,
       50, 0, "计算人均收入的人数；默认当前成员数"},
      {"wage_income", "工资性收入", {}, L::kHouseholdYear, T::kYuan, false, nullptr, "wage_income", int64_t{0}, 0, 0, 0,
       "全户全年，元"},
      {"production_income", "生产经营性收入", {"家庭经营性收入"}, L::kHouseholdYear, T::kYuan, false, nullptr,
       "production_income", int64_t{0}, 0, 0, 0, "全户全年，元"},
      {"property_income", "财产性收入", {}, L::kHouseholdYear, T::kYuan, false, nullptr, "property_income", int64_t{0}, 0,
       0, 0, "全户全年，元"},
      {"transfer_income", "转移性收入", {}, L::kHouseholdYear, T::kYuan, false, nullptr, "transfer_income", int64_t{0}, 0,
       0, 0, "全户全年，元（含低保、养老金、各类补贴）"},
      {"production_cost", "生产经营性支出", {}, L::kHouseholdYear, T::kYuan, false, nullptr, "production_cost",
       int64_t{0}, 0, 0, 0, "全户全年，元"},
      {"food_secure", "不愁吃", {}, L::kHouseholdYear, T::kBool, false, nullptr, "food_secure", nullptr, 0, 0, 0, ""},
      {"clothing_secure", "不愁穿", {}, L::kHouseholdYear, T::kBool, false, nullptr, "clothing_secure", nullptr, 0, 0, 0,
       ""},
      {"housing_safe", "住房安全有保障", {"住房安全"}, L::kHouseholdYear, T::kBool, false, nullptr, "housing_safe", nullptr,
       0, 0, 0, ""},
      {"drinking_water_safe", "饮水安全有保障", {"饮水安全"}, L::kHouseholdYear, T::kBool, false, nullptr,
       "drinking_water_safe", nullptr, 0, 0, 0, ""},
      // Policy facts of the year (registry migration 102), read by the policies.
      {"dibao_class", "低保类别", {"低保分类", "低保类型"}, L::kHouseholdYear, T::kTerm, false, registry::DibaoClasses,
       "dibao_class", nullptr, 0, 0, 0, "农村低保户填A、B或C类，非低保户留空"},
      {"house_grade", "房屋危险等级", {"危房等级", "房屋安全等级"}, L::kHouseholdYear, T::kTerm, false,
       registry::HouseGrades, "house_grade", nullptr, 0, 0, 0, "房屋安全鉴定等级A-D（C级局部危房、D级整栋危房）"},
      {"relocation", "易地扶贫搬迁对象", {"易地搬迁", "搬迁对象"}, L::kHouseholdYear, T::kBool, false, nullptr,
       "relocation", nullptr, 0, 0, 0, ""},
      {"pepper_area", "黄贡椒种植面积", {"辣椒种植面积", "黄贡椒面积"}, L::kHouseholdYear, T::kMu, false, nullptr,
       "pepper_area", nullptr, 0, 0, 0, "亩，最多两位小数"},
      {"camellia_area", "油茶种植面积", {"油茶面积"}, L::kHouseholdYear, T::kMu, false, nullptr, "camellia_area", nullptr,
       0, 0, 0, "亩，最多两位小数"},
      {"pv_share", "光伏收益分配对象", {"光伏收益", "光伏扶贫对象"}, L::kHouseholdYear, T::kBool, false, nullptr,
       "pv_share", nullptr, 0, 0, 0, ""},
  };
  return kColumns;
}

const std::vector<ColumnSpec>& Columns(TemplateKind kind) {
  return kind == TemplateKind::kPersons ? PersonColumns() : HouseholdYearColumns();
}

size_t ColumnIndex(const std::vector<ColumnSpec>& columns, std::string_view key) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].key == key) return i;
  }
  throw Error::Internal("no template column " + std::string(key));
}

std::string TemplateHeader(const ColumnSpec& spec) {
  std::string h(spec.header_zh);
  if (spec.type == ValueType::kYuan) h += "（元）";
  if (spec.type == ValueType::kMu) h += "（亩）";
  if (spec.required) h += "*";
  return h;
}

std::string AllowedValues(const ColumnSpec& spec) {
  if (spec.type == ValueType::kBool) return "是/否";
  if (!spec.terms) return "";
  std::string out;
  for (const registry::CodeTerm& t : spec.terms()) {
    if (!out.empty()) out += "、";
    out += t.label_zh;
  }
  return out;
}

}  // namespace fupin::dataio
