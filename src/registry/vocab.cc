#include "registry/vocab.h"

#include <vector>

namespace fupin::registry {
namespace {

constexpr CodeTerm kAttributes[] = {
    {"general", "一般贫困户"}, {"dibao", "低保贫困户"}, {"destitute", "特困供养户"}, {"none", "非贫困户"}};
constexpr CodeTerm kCauses[] = {
    {"illness", "因病"},          {"disability", "因残"},     {"schooling", "因学"},
    {"disaster", "因灾"},         {"lack_of_land", "缺土地"}, {"lack_of_water", "缺水"},
    {"lack_of_skills", "缺技术"}, {"lack_of_labour", "缺劳力"}, {"lack_of_capital", "缺资金"},
    {"poor_transport", "交通条件落后"}, {"lack_of_motivation", "自身发展动力不足"}, {"none", "无"}};
constexpr CodeTerm kEventKinds[] = {{"identified", "识别纳入"}, {"exited", "脱贫"}, {"returned", "返贫"},
                                {"removed", "清退"},        {"deceased", "死亡销户"}};
constexpr CodeTerm kStatuses[] = {{"poor", "未脱贫"}, {"exited", "已脱贫"}, {"removed", "已清退"},
                              {"deceased", "已销户"}, {"unregistered", "未建档"}};
constexpr CodeTerm kRelations[] = {{"head", "户主"},       {"spouse", "配偶"},      {"child", "子女"},
                               {"child_in_law", "儿媳/女婿"}, {"grandchild", "孙子女"}, {"parent", "父母"},
                               {"grandparent", "祖父母"}, {"sibling", "兄弟姐妹"}, {"other", "其他"}};
constexpr CodeTerm kEducation[] = {{"none", "文盲或半文盲"}, {"preschool", "学前"}, {"primary", "小学"},
                               {"junior", "初中"},          {"senior", "高中"},    {"vocational", "中职/高职"},
                               {"college", "大专及以上"},   {"unknown", "不详"}};
constexpr CodeTerm kHealth[] = {{"healthy", "健康"}, {"chronic", "长期慢性病"}, {"major_disease", "患有大病"},
                            {"disabled", "残疾"}};
constexpr CodeTerm kLabour[] = {{"full", "普通劳动力"}, {"partial", "弱劳动力或半劳动力"},
                            {"none", "丧失劳动力"}, {"unknown", "不详"}};
constexpr fupin::Term kSchoolStatusTerms[] = {
    {static_cast<int>(SchoolStatus::kNotSchoolAge), "not_school_age", "非在校年龄"},
    {static_cast<int>(SchoolStatus::kEnrolled), "enrolled", "在校"},
    {static_cast<int>(SchoolStatus::kHomeSchooled), "home_schooled", "送教上门"},
    {static_cast<int>(SchoolStatus::kExempt), "exempt", "免学/缓学"},
    {static_cast<int>(SchoolStatus::kDroppedOut), "dropped_out", "辍学"},
    {static_cast<int>(SchoolStatus::kGraduated), "graduated", "已毕业"}};
constexpr CodeTerm kSchoolStages[] = {{"preschool", "学前教育"}, {"primary", "小学"},     {"junior", "初中"},
                                  {"senior", "普通高中"},   {"vocational", "中职"}, {"college", "高等教育"}};
constexpr CodeTerm kEmployment[] = {{"not_in_labour_force", "非劳动力"}, {"unemployed", "未就业"},
                                {"local", "本地务工"},             {"migrant", "外出务工"},
                                {"public_welfare_job", "公益性岗位"}, {"self_employed", "自主创业/务农"}};
constexpr CodeTerm kMajorDiseases[] = {{"child_congenital_heart", "儿童先天性心脏病"},
                                   {"child_all", "儿童急性淋巴细胞白血病"},
                                   {"child_apl", "儿童急性早幼粒细胞白血病"},
                                   {"esophageal_cancer", "食管癌"},
                                   {"gastric_cancer", "胃癌"},
                                   {"colon_cancer", "结肠癌"},
                                   {"rectal_cancer", "直肠癌"},
                                   {"end_stage_renal", "终末期肾病"},
                                   {"breast_cancer", "乳腺癌"},
                                   {"cervical_cancer", "宫颈癌"},
                                   {"severe_mental", "重性精神病"},
                                   {"mdr_tuberculosis", "耐多药结核病"},
                                   {"aids_opportunistic", "艾滋病机会性感染"},
                                   {"lung_cancer", "肺癌"},
                                   {"liver_cancer", "肝癌"},
                                   {"chronic_myeloid_leukaemia", "慢性粒细胞白血病"},
                                   {"cleft_lip_palate", "唇腭裂"},
                                   {"haemophilia", "血友病"},
                                   {"acute_myocardial_infarction", "急性心肌梗死"},
                                   {"cerebral_infarction", "脑梗死"},
                                   {"type1_diabetes", "1型糖尿病"},
                                   {"hyperthyroidism", "甲状腺功能亢进"},
                                   {"hypospadias", "尿道下裂"},
                                   {"child_phenylketonuria", "儿童苯丙酮尿症"},
                                   {"pneumoconiosis", "尘肺病"},
                                   {"neuroblastoma", "神经母细胞瘤"},
                                   {"child_lymphoma", "儿童淋巴瘤"},
                                   {"osteosarcoma", "骨肉瘤"},
                                   {"thalassaemia", "地中海贫血"}};
constexpr CodeTerm kDibaoClasses[] = {{"A", "A类"}, {"B", "B类"}, {"C", "C类"}};
constexpr CodeTerm kHouseGrades[] = {{"A", "A级"}, {"B", "B级"}, {"C", "C级(局部危房)"}, {"D", "D级(整栋危房)"}};

// A person's sex as read from the ID number (persons.sex).
constexpr CodeTerm kSexes[] = {{"male", "男"}, {"female", "女"}};

}  // namespace

std::span<const CodeTerm> MajorDiseases() { return kMajorDiseases; }
std::span<const CodeTerm> DibaoClasses() { return kDibaoClasses; }
std::span<const CodeTerm> HouseGrades() { return kHouseGrades; }
std::span<const CodeTerm> HouseholdAttributes() { return kAttributes; }
std::span<const CodeTerm> Causes() { return kCauses; }
std::span<const CodeTerm> EventKinds() { return kEventKinds; }
std::span<const CodeTerm> HouseholdStatuses() { return kStatuses; }
std::span<const CodeTerm> Relations() { return kRelations; }
std::span<const CodeTerm> EducationLevels() { return kEducation; }
std::span<const CodeTerm> HealthStates() { return kHealth; }
std::span<const CodeTerm> LabourAbilities() { return kLabour; }
std::span<const CodeTerm> SchoolStatuses() {
  static const std::vector<CodeTerm> list = [] {
    std::vector<CodeTerm> out;
    for (const fupin::Term& t : kSchoolStatusTerms) out.push_back({t.wire, t.zh});
    return out;
  }();
  return list;
}
std::span<const fupin::Term> SchoolStatusTerms() { return kSchoolStatusTerms; }
std::span<const CodeTerm> SchoolStages() { return kSchoolStages; }
std::span<const CodeTerm> EmploymentStates() { return kEmployment; }

bool IsTerm(std::span<const CodeTerm> terms, std::string_view value) {
  for (const CodeTerm& t : terms) {
    if (t.name == value) return true;
  }
  return false;
}

std::string_view LabelZh(std::span<const CodeTerm> terms, std::string_view name) {
  for (const CodeTerm& t : terms) {
    if (t.name == name) return t.label_zh;
  }
  return {};
}

std::optional<std::string> ParseTerm(std::span<const CodeTerm> terms, std::string_view text) {
  for (const CodeTerm& t : terms) {
    if (t.name == text || t.label_zh == text) return std::string(t.name);
  }
  return std::nullopt;
}

std::string TermNames(std::span<const CodeTerm> terms) {
  std::string out;
  for (const CodeTerm& t : terms) {
    if (!out.empty()) out += ", ";
    out += t.name;
  }
  return out;
}

std::string_view StatusAfter(std::string_view event_kind) {
  const auto kind = ParseEventKind(event_kind);
  if (!kind) return StatusName(HouseholdState::kUnregistered);
  switch (*kind) {
    case EventKind::kIdentified:
    case EventKind::kReturned: return StatusName(HouseholdState::kPoor);
    case EventKind::kExited: return StatusName(HouseholdState::kExited);
    case EventKind::kRemoved: return StatusName(HouseholdState::kRemoved);
    case EventKind::kDeceased: return StatusName(HouseholdState::kDeceased);
  }
  return StatusName(HouseholdState::kUnregistered);
}

namespace {

template <class E>
std::optional<E> IndexOf(std::span<const CodeTerm> terms, std::string_view name) {
  for (size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].name == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view StatusName(HouseholdState status) { return kStatuses[static_cast<size_t>(status)].name; }
std::optional<HouseholdState> ParseStatus(std::string_view name) { return IndexOf<HouseholdState>(kStatuses, name); }
std::string_view EventKindName(EventKind kind) { return kEventKinds[static_cast<size_t>(kind)].name; }
std::optional<EventKind> ParseEventKind(std::string_view name) { return IndexOf<EventKind>(kEventKinds, name); }

std::span<const CodeList> Vocabularies() {
  static const CodeList all[] = {
      {"household_status", kStatuses},   {"event_kind", kEventKinds},      {"household_attribute", kAttributes},
      {"cause", kCauses},                {"relation", kRelations},         {"education_level", kEducation},
      {"health_state", kHealth},         {"labour_ability", kLabour},      {"school_status", SchoolStatuses()},
      {"school_stage", kSchoolStages},   {"employment_state", kEmployment}, {"dibao_class", kDibaoClasses},
      {"house_grade", kHouseGrades},     {"major_disease", kMajorDiseases},
      {"sex", kSexes},
  };
  return all;
}

}  // namespace fupin::registry
