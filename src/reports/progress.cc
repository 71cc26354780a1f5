#include "reports/progress.h"

#include <algorithm>
#include <map>
#include <optional>

#include "access/abilities.h"
#include "access/permissions.h"
#include "assistance/coverage.h"
#include "monitoring/monitoring.h"
#include "industry/industry.h"
#include "projects/projects.h"
#include "housing/housing.h"
#include "social/social.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "assessment/incidence.h"
#include "core/area_code.h"
#include "core/date.h"
#include "core/error.h"
#include "io/table_writer.h"
#include "policy/entitlements.h"
#include "registry/areas.h"
#include "registry/status.h"
#include "registry/vocab.h"

namespace fupin::reports {
namespace {

struct Spec {
  const char* key;
  const char* section;
  const char* label_zh;
  const char* unit_zh;
  const char* module;
  FigureKind kind;
};

// Every keyed figure of figures.md, in the article's order, with the module
// that provides it. "registry" figures are computed here from the records.
constexpr Spec kSpecs[] = {
    {"poor_villages", "registry", "建档立卡省级贫困村", "个", "registry", FigureKind::kCount},
    {"poor_villages_exited", "registry", "贫困村已摘帽", "个", "registry", FigureKind::kCount},
    {"households_registered", "registry", "建档立卡贫困户", "户", "registry", FigureKind::kCount},
    {"persons_registered", "registry", "建档立卡贫困人口", "人", "registry", FigureKind::kCount},
    {"households_exited", "registry", "已脱贫户", "户", "registry", FigureKind::kCount},
    {"persons_exited", "registry", "已脱贫人口", "人", "registry", FigureKind::kCount},
    {"incidence_2014", "registry", "2014年贫困发生率", "%", "assessment", FigureKind::kRate},
    {"incidence_current", "registry", "当前贫困发生率", "%", "assessment", FigureKind::kRate},
    {"county_leaders_linked", "mobilisation", "联点县级领导", "名", "assistance", FigureKind::kCount},
    {"sector_departments", "mobilisation", "行业扶贫部门", "个", "assistance", FigureKind::kCount},
    {"townships", "mobilisation", "乡镇", "个", "registry", FigureKind::kCount},
    {"villages_with_tasks", "mobilisation", "有扶贫工作任务的村（社区）", "个", "registry", FigureKind::kCount},
    {"work_teams", "mobilisation", "扶贫工作队", "支", "assistance", FigureKind::kCount},
    {"work_team_members", "mobilisation", "工作队队员", "人", "assistance", FigureKind::kCount},
    {"paired_cadres", "mobilisation", "结对帮扶党员干部", "名", "assistance", FigureKind::kCount},
    {"households_paired", "mobilisation", "结对帮扶贫困户", "户", "assistance", FigureKind::kCount},
    {"resident_coverage_rate", "mobilisation", "驻村帮扶覆盖率", "%", "assistance", FigureKind::kRate},
    {"pairing_coverage_rate", "mobilisation", "结对帮扶覆盖率", "%", "assistance", FigureKind::kRate},
    {"app_household_registration_rate", "social", "社会扶贫网贫困户注册率", "%", "social", FigureKind::kRate},
    {"donors_registered", "social", "爱心人士注册", "人", "social", FigureKind::kCount},
    {"needs_published", "social", "帮助贫困户发布需求", "条", "social", FigureKind::kCount},
    {"dockings_succeeded", "social", "累计对接成功", "次", "social", FigureKind::kCount},
    {"labor_force", "employment", "建档立卡农村贫困劳动力", "人", "registry", FigureKind::kCount},
    {"labor_employed", "employment", "已就业", "人", "registry", FigureKind::kCount},
    {"employment_rate", "employment", "就业占比", "%", "registry", FigureKind::kRate},
    {"dropouts_returned", "education", "“三帮一”劝返学生", "人", "education", FigureKind::kCount},
    {"dropouts_returned_registered", "education", "其中建档立卡贫困学生", "人", "education", FigureKind::kCount},
    {"home_schooling", "education", "“送教上门”", "人", "education", FigureKind::kCount},
    {"home_schooling_registered", "education", "其中建档立卡贫困学生", "人", "education", FigureKind::kCount},
    {"student_aid_times", "education", "累计资助各类学生", "人次", "education", FigureKind::kCount},
    {"student_aid_yuan", "education", "资助金额", "元", "education", FigureKind::kCount},
    {"student_aid_times_registered", "education", "其中建档立卡学生", "人次", "education", FigureKind::kCount},
    {"student_aid_yuan_registered", "education", "建档立卡学生资助金额", "元", "education", FigureKind::kCount},
    {"school_enrolment_rate", "education", "建档立卡适龄儿童就学率", "%", "registry", FigureKind::kRate},
    {"education_policy_rate", "education", "建档立卡学生享受教育扶贫政策比例", "%", "policy", FigureKind::kRate},
    {"medical_insured_rate", "health", "建档立卡贫困人口医保参保率", "%", "registry", FigureKind::kRate},
    {"chronic_signing_rate", "health", "慢性病患者家庭医生签约率", "%", "health", FigureKind::kRate},
    {"chronic_service_rate", "health", "慢性病患者家庭医生服务率", "%", "health", FigureKind::kRate},
    {"major_disease_treatment_rate", "health", "大病集中救治率", "%", "health", FigureKind::kRate},
    {"dibao_standard_a", "health", "农村低保标准A类", "元/人·年", "policy", FigureKind::kCount},
    {"disabled_pension_insured", "health", "残疾贫困人口参加城乡居民养老保险", "人", "registry", FigureKind::kCount},
    {"industry_projects_provincial", "projects", "省级重点产业扶贫项目", "个", "projects", FigureKind::kCount},
    {"industry_projects_county", "projects", "县级重点产业扶贫项目", "个", "projects", FigureKind::kCount},
    {"industry_project_households", "projects", "产业扶贫项目帮扶贫困户", "户", "projects", FigureKind::kCount},
    {"pv_stations_joint", "projects", "联村并建式光伏电站", "处", "projects", FigureKind::kCount},
    {"pv_stations_central", "projects", "集中式光伏电站", "处", "projects", FigureKind::kCount},
    {"pv_stations_village", "projects", "村级光伏电站", "处", "projects", FigureKind::kCount},
    {"pv_households", "projects", "光伏扶贫电站收益惠及贫困户", "户", "projects", FigureKind::kCount},
    {"pv_persons", "projects", "光伏扶贫电站收益惠及贫困人口", "人", "projects", FigureKind::kCount},
    {"water_projects", "projects", "集中供水工程", "处", "projects", FigureKind::kCount},
    {"water_investment_yuan", "projects", "饮水工程投入", "元", "projects", FigureKind::kCount},
    {"water_pipe_km", "projects", "埋设主管网", "公里", "projects", FigureKind::kDecimal},
    {"water_beneficiaries", "projects", "饮水工程受益人口", "人", "projects", FigureKind::kCount},
    {"pepper_households", "industry", "种植黄贡椒贫困户", "户", "industry", FigureKind::kCount},
    {"pepper_persons", "industry", "种植黄贡椒贫困人口", "人", "industry", FigureKind::kCount},
    {"pepper_mu", "industry", "贫困户种植黄贡椒面积", "亩", "industry", FigureKind::kCount},
    {"pepper_yuan_per_mu", "industry", "黄贡椒每亩收益", "元/亩", "industry", FigureKind::kCount},
    {"camellia_mu", "industry", "新造、垦复油茶林", "亩", "industry", FigureKind::kCount},
    {"camellia_households", "industry", "油茶带动贫困户", "户", "industry", FigureKind::kCount},
    {"camellia_subsidy_yuan", "industry", "发放油茶奖补资金", "元", "industry", FigureKind::kCount},
    {"camellia_yuan_per_household", "industry", "油茶户均增收", "元/户", "industry", FigureKind::kCount},
    {"branches_new", "industry", "扶贫产业链上新建党组织", "个", "industry", FigureKind::kCount},
    {"branches_joint", "industry", "联合企业党组织", "个", "industry", FigureKind::kCount},
    {"branches_strengthened", "industry", "建强原有村党支部", "个", "industry", FigureKind::kCount},
    {"branch_households", "industry", "党支部带动增收贫困户", "户", "industry", FigureKind::kCount},
    {"branch_persons", "industry", "党支部带动增收贫困人口", "人", "industry", FigureKind::kCount},
    {"consumption_purchases_yuan", "industry", "2019年以来购买贫困村和贫困户农产品", "元", "industry", FigureKind::kCount},
    {"houses_renovated", "housing", "实施农村危房改造", "户", "housing", FigureKind::kCount},
    {"houses_inspected", "housing", "“四类重点对象”住房核查鉴定和挂牌标识", "户", "housing", FigureKind::kCount},
    {"relocated_households", "housing", "易地扶贫搬迁", "户", "housing", FigureKind::kCount},
    {"relocated_persons", "housing", "易地扶贫搬迁人口", "人", "housing", FigureKind::kCount},
    {"road_widened_km", "housing", "窄路加宽", "公里", "housing", FigureKind::kDecimal},
    {"road_natural_village_km", "housing", "通自然村水泥（沥青）公路", "公里", "housing", FigureKind::kDecimal},
    {"road_safety_km", "housing", "农村公路安防工程", "公里", "housing", FigureKind::kDecimal},
    {"road_bridges", "housing", "改造农村公路危桥", "座", "housing", FigureKind::kCount},
    {"road_bus_widened_km", "housing", "交通扶贫通客班车线路窄路加宽", "公里", "housing", FigureKind::kDecimal},
    {"road_connection_km", "housing", "通畅工程", "公里", "housing", FigureKind::kDecimal},
    {"power_kva_per_household", "housing", "贫困村户均配变容量", "千伏安", "housing", FigureKind::kDecimal},
};

constexpr std::pair<const char*, const char*> kSections[] = {
    {"registry", "一、建档立卡"},     {"mobilisation", "二、帮扶力量"}, {"social", "三、社会扶贫"},
    {"employment", "四、就业扶贫"},   {"education", "五、教育扶贫"},    {"health", "六、健康扶贫与社会保障"},
    {"projects", "七、项目资金与资产"}, {"industry", "八、产业就业与消费扶贫"},
    {"housing", "九、住房安全、易地搬迁与基础设施"}, {"monitoring", "十、防止返贫动态监测"}};

// A figure of section 九 from the housing records (docs/HOUSING.md).
void SetHousingFigure(const housing::HousingFigures& h, const std::string& key, Figure& f) {
  f.computed = true;
  if (key == "houses_renovated") f.count = h.houses_renovated;
  else if (key == "houses_inspected") f.count = h.houses_inspected;
  else if (key == "relocated_households") f.count = h.relocated_households;
  else if (key == "relocated_persons") f.count = h.relocated_persons;
  else if (key == "road_bridges") f.count = h.road_milli.at(key) / 1000;
  else if (key == "power_kva_per_household") f.count = h.power_households > 0 ? h.power_kva_milli / h.power_households : 0;
  else if (auto it = h.road_milli.find(key); it != h.road_milli.end()) f.count = it->second;
  else f.computed = false;
}

// From 2021 (the monitoring years): the monitoring module's figures.
constexpr int kMonitoringFromYear = 2021;
constexpr Spec kMonitoringSpecs[] = {
    {"monitoring_households", "monitoring", "纳入监测对象", "户", "monitoring", FigureKind::kCount},
    {"monitoring_persons", "monitoring", "纳入监测人口", "人", "monitoring", FigureKind::kCount},
    {"monitoring_unstable", "monitoring", "其中脱贫不稳定户", "户", "monitoring", FigureKind::kCount},
    {"monitoring_marginal", "monitoring", "其中边缘易致贫户", "户", "monitoring", FigureKind::kCount},
    {"monitoring_sudden", "monitoring", "其中突发严重困难户", "户", "monitoring", FigureKind::kCount},
    {"monitoring_share", "monitoring", "监测人口占建档立卡人口比例", "%", "monitoring", FigureKind::kRate},
    {"monitoring_identifying", "monitoring", "识别程序中", "户", "monitoring", FigureKind::kCount},
    {"monitoring_at_risk", "monitoring", "风险未消除", "户", "monitoring", FigureKind::kCount},
    {"monitoring_risk_eliminated", "monitoring", "已标注风险消除", "户", "monitoring", FigureKind::kCount},
    {"monitoring_days_to_entry", "monitoring", "预警到纳入监测平均用时", "天", "monitoring", FigureKind::kCount},
    {"monitoring_days_to_elimination", "monitoring", "纳入监测到风险消除平均用时", "天", "monitoring", FigureKind::kCount},
};

bool IsEmployed(const std::string& employment) {
  return employment == "local" || employment == "migrant" || employment == "public_welfare_job" ||
         employment == "self_employed";
}

// What the records say on the as-of date, gathered in a fixed number of queries.
struct Counts {
  int64_t poor_villages = 0, poor_villages_exited = 0;
  int64_t households_registered = 0, persons_registered = 0, households_exited = 0, persons_exited = 0;
  int64_t townships = 0, villages_with_tasks = 0;
  int64_t labor_force = 0, labor_employed = 0;
  bool labor_from_workers = false;  // counted from the workers' records of the year (industry)
  int64_t school_age = 0, school_enrolled = 0;
  int64_t medical_insured = 0;
  int64_t disabled_pension_insured = 0;
};

// Poor villages (and those exited by `year`) and townships of the area.
void CountVillages(store::Connection& db, const std::string& area, const std::string& end, int year, Counts& c) {
  {
    auto s = db.Prepare(
        "SELECT COALESCE(SUM(y.poor_village), 0),"
        " COALESCE(SUM(CASE WHEN y.poor_village = 1 AND y.exit_year IS NOT NULL AND y.exit_year <= ?3 THEN 1 ELSE 0 END), 0)"
        " FROM area_years y JOIN areas a ON a.code = y.area_code"
        " WHERE a.level = 5 AND a.code >= ?1 AND a.code < ?2 AND y.year = ?3");
    s->BindText(1, area);
    s->BindText(2, end);
    s->BindInt(3, year);
    s->Step();
    c.poor_villages = s->Int(0);
    c.poor_villages_exited = s->Int(1);
  }
  // Township-level areas, development zones and industrial parks (codes 4xx) left out.
  auto s = db.Prepare(
      "SELECT COUNT(*) FROM areas WHERE level = 4 AND code >= ? AND code < ? AND substr(code, 7, 1) <> '4'");
  s->BindText(1, area);
  s->BindText(2, end);
  s->Step();
  c.townships = s->Int(0);
}

// Registered (poor or exited) households by id, with whether they have exited.
using Registered = std::unordered_map<int64_t, bool>;

// The households registered on the as-of date, and the villages with tasks.
Registered CountHouseholds(store::Connection& db, const std::string& area, const std::string& date, Counts& c) {
  Registered registered;
  std::unordered_set<std::string> task_villages;
  for (auto& [id, h] : registry::StatusesOn(db, area, date)) {
    const auto state = registry::ParseStatus(h.status);
    const bool exited = state == registry::HouseholdState::kExited;
    if (!exited && state != registry::HouseholdState::kPoor) continue;
    ++c.households_registered;
    if (exited) ++c.households_exited;
    task_villages.insert(h.village_code);
    registered.emplace(id, exited);
  }
  c.villages_with_tasks = static_cast<int64_t>(task_villages.size());
  return registered;
}

// Members of registered households on the as-of date with their facts of the year.
void CountMembers(store::Connection& db, const std::string& area, const std::string& end, int year,
                  const Date& as_of, const Registered& registered, Counts& c) {
  auto s = db.Prepare(
      "SELECT m.household_id, p.birth_date, p.health, p.labour_ability,"
      " y.school_status, y.employment, y.medical_insured, y.pension_insured"
      " FROM memberships m JOIN households h ON h.id = m.household_id"
      " JOIN persons p ON p.id = m.person_id"
      " LEFT JOIN person_years y ON y.person_id = p.id AND y.year = ?4"
      " WHERE h.village_code >= ?1 AND h.village_code < ?2 AND m.start_date <= ?3"
      " AND (m.end_date IS NULL OR m.end_date > ?3) AND (p.death_date IS NULL OR p.death_date > ?3)");
  s->BindText(1, area);
  s->BindText(2, end);
  s->BindText(3, as_of.ToString());
  s->BindInt(4, year);
  const Date school_day{year, 9, 1};
  while (s->Step()) {
    const auto it = registered.find(s->Int(0));
    if (it == registered.end()) continue;
    ++c.persons_registered;
    if (it->second) ++c.persons_exited;
    const auto birth = Date::Parse(s->Text(1));
    if (!birth) continue;
    const int age = AgeOn(*birth, as_of);
    const std::string health = s->Text(2);
    const std::string labour = s->Text(3);
    const std::string school = s->IsNull(4) ? "" : s->Text(4);
    const std::string employment = s->IsNull(5) ? "" : s->Text(5);
    const bool in_school = school == "enrolled" || school == "home_schooled";
    if (!c.labor_from_workers && age >= 16 && age <= 64 && !in_school && (labour == "full" || labour == "partial")) {
      ++c.labor_force;
      if (IsEmployed(employment)) ++c.labor_employed;
    }
    const int school_age = AgeOn(*birth, school_day);
    if (school_age >= 6 && school_age <= 15) {
      ++c.school_age;
      if (in_school) ++c.school_enrolled;
    }
    if (!s->IsNull(6) && s->Int(6) == 1) ++c.medical_insured;
    if (health == "disabled" && !s->IsNull(7) && s->Int(7) == 1) ++c.disabled_pension_insured;
  }
}

// `workers`: the workers' records of the year by household, when the caller
// reads them and there are any; the labour force is then theirs.
Counts Count(store::Connection& db, const std::string& area, int year, const Date& as_of,
             const industry::IndustryFigures* workers) {
  Counts c;
  const std::string end = SubtreeEnd(area);
  CountVillages(db, area, end, year, c);
  const Registered registered = CountHouseholds(db, area, as_of.ToString(), c);
  if (workers && !workers->workers_by_household.empty()) {
    c.labor_from_workers = true;
    for (const auto& [household, n] : workers->workers_by_household) {
      if (!registered.contains(household)) continue;
      c.labor_force += n.workers;
      c.labor_employed += n.employed;
    }
  }
  CountMembers(db, area, end, year, as_of, registered, c);
  return c;
}

// The figures of section 八 from the industry records (docs/INDUSTRY.md).
template <typename Count>
void SetIndustryFigure(const industry::IndustryFigures& x, const std::string& key, Count count) {
  if (key == "pepper_households") count(x.pepper_households);
  else if (key == "pepper_persons") count(x.pepper_persons);
  else if (key == "pepper_mu") count(FloorDiv(x.pepper_mu_milli, 1000));
  else if (key == "pepper_yuan_per_mu") count(x.pepper_mu_milli > 0 ? x.pepper_income_fen * 10 / x.pepper_mu_milli : 0);
  else if (key == "camellia_mu") count(FloorDiv(x.camellia_mu_milli, 1000));
  else if (key == "camellia_households") count(x.camellia_households);
  else if (key == "camellia_subsidy_yuan") count(FloorDiv(x.camellia_subsidy_fen, 100));
  else if (key == "camellia_yuan_per_household") {
    count(x.camellia_households > 0 ? x.camellia_income_fen / 100 / x.camellia_households : 0);
  }
  else if (key == "branches_new") count(x.branches_new);
  else if (key == "branches_joint") count(x.branches_joint);
  else if (key == "branches_strengthened") count(x.branches_strengthened);
  else if (key == "branch_households") count(x.branch_households);
  else if (key == "branch_persons") count(x.branch_persons);
  else if (key == "consumption_purchases_yuan") count(FloorDiv(x.purchases_fen, 100));
}

}  // namespace

double Figure::percent() const {
  if (denominator <= 0) return 0.0;
  return std::round(static_cast<double>(numerator) * 10000.0 / static_cast<double>(denominator)) / 100.0;
}

const Figure* ProgressReport::Find(const std::string& key) const {
  for (const auto& f : figures) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

ReportRequest CheckReportRequest(const Caller& caller, const std::string& area_code, int year,
                                 const std::optional<std::string>& as_of_text) {
  ReportRequest r;
  r.nation = area_code.empty() || area_code == "nation" || area_code == "全国";
  r.area = r.nation ? std::string() : registry::RequireAreaCode(area_code, "area");
  if (!access::Can(caller, access::Ability::kReadRegistry)) throw Error::PermissionDenied("this role may not read registry records");
  if (!caller.CoversArea(r.area)) {
    throw Error::PermissionDenied("area " + r.area + " is outside your area " + caller.area_scope);
  }
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  r.as_of = Date{year, 12, 31};
  if (as_of_text) {
    const auto d = Date::Parse(*as_of_text);
    if (!d) throw Error::InvalidArgument("invalid date", {{"as_of", "'" + *as_of_text + "' is not a date YYYY-MM-DD"}});
    if (d->year != year) {
      throw Error::InvalidArgument("invalid date",
                                   {{"as_of", *as_of_text + " is not in the report's year " + std::to_string(year)}});
    }
    r.as_of = *d;
  }
  return r;
}

namespace {

// What the figures of sections 一 to 九 are read from. The mobilisation figures
// come from the assistance records, the social ones from the social-assistance
// platform, and so on, each read with the caller's rights; a source the caller
// may not read in the whole area stays empty and its figures are missing, not
// refused.
struct Sources {
  Counts counts;
  std::optional<industry::IndustryFigures> industry;        // section 八
  std::map<std::string, assistance::AssistanceFigure> mobilisation;
  std::optional<social::SocialFigures> platform;
  std::map<std::string, policy::PolicyFigure> policy;       // education and health
  std::optional<projects::ProjectFigures> development;      // projects, funds and assets
  std::optional<housing::HousingFigures> living;            // houses, relocation, roads, power (issue 22)
  assessment::IncidenceRow incidence_2014, incidence_now;
};

Sources ReadSources(store::Connection& db, const Caller& caller, const std::string& code, int year,
                    const Date& as_of) {
  Sources x;
  const std::string date = as_of.ToString();
  if (!access::Refusal(caller, access::Access::kRead, access::Resource::kIndustry, {code, std::nullopt, "industry/figures"})) {
    x.industry = industry::ComputeFigures(db, code, date);
  }
  x.counts = Count(db, code, year, as_of, x.industry ? &*x.industry : nullptr);
  for (auto& f : assistance::ProgressFigures(db, caller, code, year, date)) x.mobilisation[f.key] = f;
  if (!access::Refusal(caller, access::Access::kRead, access::Resource::kSocial, {code, std::nullopt, "social/figures"})) {
    x.platform = social::ProgressFigures(db, caller, code, year, as_of);
  }
  if (policy::MayReadProgressFigures(caller, code)) {
    for (auto& f : policy::ProgressFigures(db, caller, code, year, as_of)) x.policy[f.key] = f;
  }
  if (!access::Refusal(caller, access::Access::kRead, access::Resource::kProjects, {code, std::nullopt, "projects/figures"})) {
    x.development = projects::ComputeFigures(db, code, date);
    if (housing::HousingTablesExist(db)) x.living = housing::ComputeFigures(db, code, date);
  }
  x.incidence_2014 = assessment::ComputeIncidence(db, caller, code, 2014, 2014).at(0);
  x.incidence_now = assessment::ComputeIncidenceAt(db, caller, code, date);
  return x;
}

Figure FigureOf(const Spec& spec) {
  Figure f;
  f.key = spec.key;
  f.section = spec.section;
  f.label_zh = spec.label_zh;
  f.unit_zh = spec.unit_zh;
  f.module = spec.module;
  f.kind = spec.kind;
  return f;
}

void SetProjectFigure(const projects::ProjectFigures& dev, const std::string& key, Figure& f) {
  auto count = [&f](int64_t v) {
    f.computed = true;
    f.count = v;
  };
  if (key == "industry_projects_provincial") count(dev.industry_provincial);
  else if (key == "industry_projects_county") count(dev.industry_county);
  else if (key == "industry_project_households") count(dev.industry_households);
  else if (key == "pv_stations_joint") count(dev.pv_joint);
  else if (key == "pv_stations_central") count(dev.pv_central);
  else if (key == "pv_stations_village") count(dev.pv_village);
  else if (key == "pv_households") count(dev.pv_households);
  else if (key == "pv_persons") count(dev.pv_persons);
  else if (key == "water_projects") count(dev.water_projects);
  else if (key == "water_investment_yuan") count(FloorDiv(dev.water_investment_fen, 100));
  else if (key == "water_pipe_km") count(dev.water_pipe_milli_km);
  else if (key == "water_beneficiaries") count(dev.water_beneficiaries);
}

// One figure of sections 一 to 九 from its source (left missing when the
// caller may not read that source).
void SetFigure(const Sources& x, Figure& f) {
  auto count = [&f](int64_t v) {
    f.computed = true;
    f.count = v;
  };
  auto rate = [&f](int64_t n, int64_t d) {
    f.computed = true;
    f.numerator = n;
    f.denominator = d;
  };
  const Counts& c = x.counts;
  const std::string key = f.key;
  const std::string module = f.module;  // a copy: the labour figures may change f.module
  if (key == "poor_villages") count(c.poor_villages);
  else if (key == "poor_villages_exited") count(c.poor_villages_exited);
  else if (key == "households_registered") count(c.households_registered);
  else if (key == "persons_registered") count(c.persons_registered);
  else if (key == "households_exited") count(c.households_exited);
  else if (key == "persons_exited") count(c.persons_exited);
  else if (key == "incidence_2014") rate(x.incidence_2014.poor_persons, x.incidence_2014.rural_population);
  else if (key == "incidence_current") rate(x.incidence_now.poor_persons, x.incidence_now.rural_population);
  else if (key == "townships") count(c.townships);
  else if (key == "villages_with_tasks") count(c.villages_with_tasks);
  else if (auto m = x.mobilisation.find(key); m != x.mobilisation.end() && module == "assistance") {
    if (m->second.is_rate) rate(m->second.numerator, m->second.denominator);
    else count(m->second.count);
  }
  else if (module == "social" && !x.platform) {}  // not for this caller: missing
  else if (key == "app_household_registration_rate") rate(x.platform->households_on_app, x.platform->households_registered);
  else if (key == "donors_registered") count(x.platform->donors_registered);
  else if (key == "needs_published") count(x.platform->needs_published);
  else if (key == "dockings_succeeded") count(x.platform->dockings_succeeded);
  else if (key == "labor_force" || key == "labor_employed" || key == "employment_rate") {
    if (key == "labor_force") count(c.labor_force);
    else if (key == "labor_employed") count(c.labor_employed);
    else rate(c.labor_employed, c.labor_force);
    if (c.labor_from_workers) f.module = "industry";
  }
  else if (key == "school_enrolment_rate") rate(c.school_enrolled, c.school_age);
  else if (key == "medical_insured_rate") rate(c.medical_insured, c.persons_registered);
  else if (key == "disabled_pension_insured") count(c.disabled_pension_insured);
  else if (module == "projects") {
    if (x.development) SetProjectFigure(*x.development, key, f);
  }
  else if (module == "industry") {
    if (x.industry) SetIndustryFigure(*x.industry, key, count);
  }
  else if (module == "housing") {
    if (x.living) SetHousingFigure(*x.living, key, f);
  }
  else if (auto pf = x.policy.find(key); pf != x.policy.end()) {
    if (pf->second.is_rate) rate(pf->second.numerator, pf->second.denominator);
    else count(pf->second.count);
  }
}

// Section 十 (monitoring after exit, from 2021), read with the caller's rights:
// a caller who may not read the monitoring records of the whole area gets the
// figures as missing.
void AddMonitoringFigures(store::Connection& db, const Caller& caller, const std::string& code, ProgressReport& r) {
  const auto scope = access::ReadScopeFor(caller, access::Resource::kMonitoring);
  std::optional<monitoring::MonitoringFigures> m;
  if (scope.allowed && !scope.paired_households_only) {
    m = monitoring::MonitoringService(db).Figures(caller, code, r.year, r.as_of);
  }
  for (const Spec& spec : kMonitoringSpecs) {
    Figure f = FigureOf(spec);
    if (m) {
      f.computed = true;
      const std::string key = spec.key;
      if (key == "monitoring_households") f.count = m->households;
      else if (key == "monitoring_persons") f.count = m->persons;
      else if (key == "monitoring_unstable") f.count = m->unstable;
      else if (key == "monitoring_marginal") f.count = m->marginal;
      else if (key == "monitoring_sudden") f.count = m->sudden;
      else if (key == "monitoring_identifying") f.count = m->identifying;
      else if (key == "monitoring_at_risk") f.count = m->monitored;
      else if (key == "monitoring_risk_eliminated") f.count = m->eliminated;
      else if (key == "monitoring_days_to_entry") f.count = m->days_to_entry_average();
      else if (key == "monitoring_days_to_elimination") f.count = m->days_to_elimination_average();
      else if (key == "monitoring_share") {
        f.numerator = m->persons;
        f.denominator = m->registered_persons;
      }
    }
    r.figures.push_back(std::move(f));
  }
}

}  // namespace

ProgressReport ComputeProgress(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                               const std::optional<std::string>& as_of_text) {
  // "", "nation" or "全国": the whole country.
  const ReportRequest request = CheckReportRequest(caller, area_code, year, as_of_text);
  const std::string& code = request.area;
  ProgressReport r;
  if (request.nation) {
    r.area_name = "全国";
    r.area_level = "nation";
  } else {
    const auto area = registry::FindArea(db, code);
    if (!area) throw Error::NotFound("no area " + code);
    r.area_code = area->code;
    r.area_name = area->name;
    r.area_level = AreaLevelName(area->level);
  }
  r.year = year;
  r.as_of = request.as_of.ToString();
  const Sources sources = ReadSources(db, caller, code, year, request.as_of);
  for (const Spec& spec : kSpecs) {
    Figure f = FigureOf(spec);
    SetFigure(sources, f);
    r.figures.push_back(std::move(f));
  }
  if (year >= kMonitoringFromYear) AddMonitoringFigures(db, caller, code, r);
  return r;
}

nlohmann::json ProgressJson(const ProgressReport& r) {
  nlohmann::json figures = nlohmann::json::array();
  for (const auto& f : r.figures) {
    nlohmann::json j = {{"key", f.key},       {"section", f.section},
                        {"label", f.label_zh}, {"unit", f.kind == FigureKind::kRate ? "%" : f.unit_zh},
                        {"module", f.module},  {"status", f.computed ? "computed" : "missing"}};
    if (!f.computed) {
      j["value"] = nullptr;
    } else if (f.kind == FigureKind::kRate) {
      j["value"] = f.denominator > 0 ? nlohmann::json(f.percent()) : nlohmann::json(nullptr);
      j["numerator"] = f.numerator;
      j["denominator"] = f.denominator;
    } else if (f.kind == FigureKind::kDecimal) {
      j["value"] = static_cast<double>(f.count) / 1000.0;
    } else {
      j["value"] = f.count;
    }
    figures.push_back(std::move(j));
  }
  return {{"area", {{"code", r.area_code}, {"name", r.area_name}, {"level", r.area_level}}},
          {"year", r.year},
          {"as_of", r.as_of},
          {"figures", figures}};
}

ProgressReport ProgressFromJson(const nlohmann::json& j) {
  ProgressReport r;
  const auto& area = j.at("area");
  r.area_code = area.at("code").get<std::string>();
  r.area_name = area.at("name").get<std::string>();
  r.area_level = area.at("level").get<std::string>();
  r.year = j.at("year").get<int>();
  r.as_of = j.at("as_of").get<std::string>();
  for (const auto& fj : j.at("figures")) {
    Figure f;
    f.key = fj.at("key").get<std::string>();
    f.section = fj.at("section").get<std::string>();
    f.label_zh = fj.at("label").get<std::string>();
    f.unit_zh = fj.at("unit").get<std::string>();
    f.module = fj.at("module").get<std::string>();
    f.computed = fj.at("status") == "computed";
    const auto& value = fj.at("value");
    // ProgressJson writes a rate with its numerator and denominator, a decimal as a
    // floating-point number (thousandths exact), a count as an integer.
    if (fj.contains("numerator")) {
      f.kind = FigureKind::kRate;
      f.numerator = fj.at("numerator").get<int64_t>();
      f.denominator = fj.at("denominator").get<int64_t>();
    } else if (value.is_number_float()) {
      f.kind = FigureKind::kDecimal;
      f.count = std::llround(value.get<double>() * 1000.0);
    } else if (value.is_number_integer()) {
      f.count = value.get<int64_t>();
    }
    r.figures.push_back(std::move(f));
  }
  return r;
}

namespace {

std::string ValueText(const Figure& f) {
  if (!f.computed) return "—（待" + f.module + "模块）";
  if (f.kind == FigureKind::kRate) {
    if (f.denominator <= 0) return "—（无分母）";
    return fmt::format("{:.2f}%（{}/{}）", f.percent(), f.numerator, f.denominator);
  }
  if (f.kind == FigureKind::kDecimal) return fmt::format("{}{}", static_cast<double>(f.count) / 1000.0, f.unit_zh);
  return fmt::format("{}{}", f.count, f.unit_zh);
}

}  // namespace

std::string ProgressText(const ProgressReport& r) {
  const auto d = Date::Parse(r.as_of);
  const std::string who = r.area_code.empty() ? r.area_name : r.area_name + "（" + r.area_code + "）";
  std::string out = fmt::format("{}脱贫攻坚进展　截至{}年{}月{}日\n", who, d->year, d->month, d->day);
  auto value = [&r](const char* key) -> std::string {
    const Figure* f = r.Find(key);
    return f ? ValueText(*f) : "—";
  };
  auto pct = [&r](const char* key) -> std::string {
    const Figure* f = r.Find(key);
    if (!f || !f->computed || f->denominator <= 0) return "—";
    return fmt::format("{:.2f}%", f->percent());
  };
  // The article's opening sentence, then every figure by section.
  out += fmt::format("建档立卡省级贫困村{}，已摘帽{}；建档立卡贫困户{}{}，已脱贫{}{}，贫困发生率由2014年的{}下降至{}。\n\n",
                     value("poor_villages"), value("poor_villages_exited"), value("households_registered"),
                     value("persons_registered"), value("households_exited"), value("persons_exited"),
                     pct("incidence_2014"), pct("incidence_current"));
  for (const auto& [section, title] : kSections) {
    const bool any = std::any_of(r.figures.begin(), r.figures.end(),
                                 [section = section](const Figure& f) { return f.section == section; });
    if (!any) continue;
    out += std::string(title) + "\n";
    for (const auto& f : r.figures) {
      if (f.section != section) continue;
      out += fmt::format("  {}：{}\n", f.label_zh, ValueText(f));
    }
  }
  return out;
}

void WriteProgressXlsx(const ProgressReport& r, const std::string& path) {
  io::WriterOptions options;
  options.sheet = "脱贫攻坚进展";
  auto w = io::OpenTableWriter(path, io::TableFormat::kXlsx, options);
  w->WriteHeader({"地区代码", "地区", "年度", "截至日期", "指标键", "指标", "数值", "单位", "分子", "分母", "状态",
                  "模块"});
  for (const auto& f : r.figures) {
    std::vector<io::CellValue> row = {r.area_code, r.area_name, static_cast<int64_t>(r.year), *Date::Parse(r.as_of),
                                      f.key,       f.label_zh};
    if (!f.computed) {
      row.insert(row.end(), {std::monostate{}, f.kind == FigureKind::kRate ? "%" : f.unit_zh, std::monostate{},
                             std::monostate{}, "missing", f.module});
    } else if (f.kind == FigureKind::kRate) {
      row.insert(row.end(), {f.denominator > 0 ? io::CellValue(f.percent()) : io::CellValue(std::monostate{}), "%",
                             f.numerator, f.denominator, "computed", f.module});
    } else if (f.kind == FigureKind::kDecimal) {
      row.insert(row.end(), {static_cast<double>(f.count) / 1000.0, f.unit_zh, std::monostate{}, std::monostate{},
                             "computed", f.module});
    } else {
      row.insert(row.end(), {f.count, f.unit_zh, std::monostate{}, std::monostate{}, "computed", f.module});
    }
    w->WriteRow(row);
  }
  w->Close();
}

}  // namespace fupin::reports
