#include "registry/vocab.h"

namespace fupin::registry {
namespace {

constexpr Term kAttributes[] = {
    {"general", "一般贫困户"}, {"dibao", "低保贫困户"}, {"destitute", "特困供养户"}, {"none", "非贫困户"}};
constexpr Term kCauses[] = {
    {"illness", "因病"},          {"disability", "因残"},     {"schooling", "因学"},
    {"disaster", "因灾"},         {"lack_of_land", "缺土地"}, {"lack_of_water", "缺水"},
    {"lack_of_skills", "缺技术"}, {"lack_of_labour", "缺劳力"}, {"lack_of_capital", "缺资金"},
    {"poor_transport", "交通条件落后"}, {"lack_of_motivation", "自身发展动力不足"}, {"none", "无"}};
constexpr Term kEventKinds[] = {{"identified", "识别纳入"}, {"exited", "脱贫"}, {"returned", "返贫"},
                                {"removed", "清退"},        {"deceased", "死亡销户"}};
constexpr Term kStatuses[] = {{"poor", "未脱贫"}, {"exited", "已脱贫"}, {"removed", "已清退"},
                              {"deceased", "已销户"}, {"unregistered", "未建档"}};
constexpr Term kRelations[] = {{"head", "户主"},       {"spouse", "配偶"},      {"child", "子女"},
                               {"child_in_law", "儿媳/女婿"}, {"grandchild", "孙子女"}, {"parent", "父母"},
                               {"grandparent", "祖父母"}, {"sibling", "兄弟姐妹"}, {"other", "其他"}};
constexpr Term kEducation[] = {{"none", "文盲或半文盲"}, {"preschool", "学前"}, {"primary", "小学"},
                               {"junior", "初中"},          {"senior", "高中"},    {"vocational", "中职/高职"},
                               {"college", "大专及以上"},   {"unknown", "不详"}};
constexpr Term kHealth[] = {{"healthy", "健康"}, {"chronic", "长期慢性病"}, {"major_disease", "患有大病"},
                            {"disabled", "残疾"}};
constexpr Term kLabour[] = {{"full", "普通劳动力"}, {"partial", "弱劳动力或半劳动力"},
                            {"none", "丧失劳动力"}, {"unknown", "不详"}};
constexpr Term kSchoolStatuses[] = {{"not_school_age", "非在校年龄"}, {"enrolled", "在校"},
                                    {"home_schooled", "送教上门"},   {"exempt", "免学/缓学"},
                                    {"dropped_out", "辍学"},         {"graduated", "已毕业"}};
constexpr Term kSchoolStages[] = {{"preschool", "学前教育"}, {"primary", "小学"},     {"junior", "初中"},
                                  {"senior", "普通高中"},   {"vocational", "中职"}, {"college", "高等教育"}};
constexpr Term kEmployment[] = {{"not_in_labour_force", "非劳动力"}, {"unemployed", "未就业"},
                                {"local", "本地务工"},             {"migrant", "外出务工"},
                                {"public_welfare_job", "公益性岗位"}, {"self_employed", "自主创业/务农"}};

}  // namespace

std::span<const Term> HouseholdAttributes() { return kAttributes; }
std::span<const Term> Causes() { return kCauses; }
std::span<const Term> EventKinds() { return kEventKinds; }
std::span<const Term> HouseholdStatuses() { return kStatuses; }
std::span<const Term> Relations() { return kRelations; }
std::span<const Term> EducationLevels() { return kEducation; }
std::span<const Term> HealthStates() { return kHealth; }
std::span<const Term> LabourAbilities() { return kLabour; }
std::span<const Term> SchoolStatuses() { return kSchoolStatuses; }
std::span<const Term> SchoolStages() { return kSchoolStages; }
std::span<const Term> EmploymentStates() { return kEmployment; }

bool IsTerm(std::span<const Term> terms, std::string_view value) {
  for (const Term& t : terms) {
    if (t.name == value) return true;
  }
  return false;
}

std::string_view LabelZh(std::span<const Term> terms, std::string_view name) {
  for (const Term& t : terms) {
    if (t.name == name) return t.label_zh;
  }
  return {};
}

std::optional<std::string> ParseTerm(std::span<const Term> terms, std::string_view text) {
  for (const Term& t : terms) {
    if (t.name == text || t.label_zh == text) return std::string(t.name);
  }
  return std::nullopt;
}

std::string TermNames(std::span<const Term> terms) {
  std::string out;
  for (const Term& t : terms) {
    if (!out.empty()) out += ", ";
    out += t.name;
  }
  return out;
}

std::string_view StatusAfter(std::string_view event_kind) {
  if (event_kind == "identified" || event_kind == "returned") return "poor";
  if (event_kind == "exited") return "exited";
  if (event_kind == "removed") return "removed";
  if (event_kind == "deceased") return "deceased";
  return "unregistered";
}

}  // namespace fupin::registry
