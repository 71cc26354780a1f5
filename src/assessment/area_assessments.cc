#include "assessment/area_assessments.h"

#include <cstdio>
#include <map>

#include "assessment/incidence.h"
#include "assessment/internal.h"
#include "assessment/params.h"
#include "assessment/surveys.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/money.h"
#include "housing/housing.h"

namespace fupin::assessment {
namespace {

struct AreaInfo {
  std::string code;
  std::string name;
};

AreaInfo RequireAreaOfLevel(store::Connection& db, const std::string& text, int year, AreaLevel level) {
  std::vector<ErrorDetail> problems;
  if (year < 2000 || year > 2100) problems.push_back({"year", std::to_string(year) + " is not between 2000 and 2100"});
  auto code = NormalizeAreaCode(text);
  if (!code || LevelOfCode(*code) != level) {
    problems.push_back({level == AreaLevel::kVillage ? "village" : "county",
                        "'" + text + "' is not a " + AreaLevelName(level) + " code"});
  }
  if (!problems.empty()) throw Error::InvalidArgument("invalid area assessment", problems);
  auto s = db.Prepare("SELECT name FROM areas WHERE code = ?");
  s->BindText(1, *code);
  if (!s->Step()) throw Error::NotFound("no area " + *code);
  return {*code, s->Text(0)};
}

nlohmann::json ThresholdJson(const Parameter& p) {
  nlohmann::json value = p.value;
  char* end = nullptr;
  const double n = std::strtod(p.value.c_str(), &end);
  if (!p.value.empty() && end == p.value.c_str() + p.value.size()) {
    // Whole numbers as integers, so "2" reads as 2, not 2.0.
    if (n == static_cast<double>(static_cast<int64_t>(n))) {
      value = static_cast<int64_t>(n);
    } else {
      value = n;
    }
  }
  return {{"parameter", p.name}, {"key", p.key}, {"value", value}, {"source", p.source}};
}

double NumberOf(const Parameter& p) {
  char* end = nullptr;
  const double n = std::strtod(p.value.c_str(), &end);
  if (p.value.empty() || end != p.value.c_str() + p.value.size()) {
    throw Error::Internal("parameter " + p.name + " holds '" + p.value + "', not a number");
  }
  return n;
}

std::string Pct(double numerator, double denominator) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", denominator > 0 ? 100.0 * numerator / denominator : 0.0);
  return buf;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A rate check: pass when numerator / denominator (in percent) is strictly
// below (`below`) or at least (!below) the threshold; unknown when the
// denominator is 0.
AreaCheck RateCheck(const std::string& check, const std::string& what_zh, int64_t numerator, int64_t denominator,
                    const Parameter& threshold, bool below, nlohmann::json values, const std::string& missing_zh) {
  AreaCheck c;
  c.check = check;
  const double t = NumberOf(threshold);
  c.values = std::move(values);
  c.values["threshold"] = ThresholdJson(threshold);
  c.values["rate"] = denominator > 0 ? static_cast<double>(numerator) / static_cast<double>(denominator) : 0.0;
  if (denominator <= 0) {
    c.outcome = Outcome::kUnknown;
    c.reason = missing_zh;
    return c;
  }
  const double lhs = static_cast<double>(numerator) * 100.0;
  const double rhs = t * static_cast<double>(denominator);
  const bool pass = below ? lhs < rhs : lhs >= rhs;
  c.outcome = pass ? Outcome::kPass : Outcome::kFail;
  const std::string rate = Pct(static_cast<double>(numerator), static_cast<double>(denominator));
  const std::string cmp = below ? (pass ? "低于" : "未低于") : (pass ? "不低于" : "低于");
  c.reason = what_zh + " " + rate + "（" + std::to_string(numerator) + "/" + std::to_string(denominator) + "）" + cmp +
             Num(t) + "%";
  return c;
}

AreaCheck IncidenceCheck(store::Connection& db, const Caller& caller, const std::string& area, int year,
                         Parameters& params) {
  const IncidenceRow row = ComputeIncidence(db, caller, area, year, year)[0];
  nlohmann::json values = {{"poor_households", row.poor_households},
                           {"poor_persons", row.poor_persons},
                           {"rural_population", row.rural_population},
                           {"date", std::to_string(year) + "-12-31"}};
  return RateCheck("incidence", "贫困发生率", row.poor_persons, row.rural_population, params.ExitThresholdFor(area),
                   true, std::move(values), "未登记农业人口（" + std::to_string(year) + "年），无法计算贫困发生率");
}

void Finish(AreaAssessment& a) {
  a.ready = true;
  for (const auto& c : a.checks) {
    if (c.outcome != Outcome::kPass) {
      a.ready = false;
      a.reasons.push_back(c.reason);
    }
  }
}

void Save(store::Connection& db, const Caller& caller, const AreaAssessment& a, const Clock& clock) {
  store::Transaction tx(db);
  auto s = db.Prepare(
      "INSERT INTO area_assessments (area_code, year, ready, result, assessed_by, assessed_at) VALUES (?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (area_code, year) DO UPDATE SET ready = excluded.ready, result = excluded.result,"
      " assessed_by = excluded.assessed_by, assessed_at = excluded.assessed_at");
  s->BindText(1, a.area_code);
  s->BindInt(2, a.year);
  s->BindInt(3, a.ready ? 1 : 0);
  s->BindText(4, AreaAssessmentJson(a).dump());
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock.NowSeconds());
  s->Run();
  tx.Commit();
}

}  // namespace

namespace {

// A village's facilities and collective income of a year: from its infrastructure record
// (housing module) where one exists, else from the survey module's facility flags.
struct VillageEvidence {
  std::map<std::string, std::optional<bool>> have;
  std::optional<Fen> collective_income;
  std::optional<housing::Infrastructure> record;
};

VillageEvidence ReadVillageEvidence(store::Connection& db, const Caller& caller, const std::string& code, int year,
                                    const Clock& clock) {
  VillageEvidence e;
  SurveyService surveys(db, clock);
  const VillageFacilities f = surveys.GetFacilities(caller, code, year);
  e.have = {{"road", f.road},     {"water", f.water},         {"power", f.power},
            {"clinic", f.clinic}, {"broadband", f.broadband}, {"culture_centre", f.culture_centre}};
  e.collective_income = f.collective_income;
  e.record = housing::ReadInfrastructure(db, code, year);
  if (e.record) {
    const housing::FacilityFacts facts = housing::FacilitiesOf(*e.record);
    e.have = {{"road", facts.road},     {"water", facts.water},         {"power", facts.power},
              {"clinic", facts.clinic}, {"broadband", facts.broadband}, {"culture_centre", facts.culture_centre}};
    e.collective_income = e.record->collective_income_fen;
  }
  return e;
}

// The facilities the parameter village_facilities requires: fail when one is absent, unknown when one is not recorded.
AreaCheck FacilitiesCheck(const VillageEvidence& e, Parameters& params) {
  static const std::map<std::string, std::string> kNameZh = {{"road", "通硬化路"},  {"water", "通自来水"},
                                                             {"power", "通动力电"}, {"clinic", "标准化卫生室"},
                                                             {"broadband", "通宽带"}, {"culture_centre", "综合文化服务中心"}};
  const Parameter required = params.InForce("village_facilities");
  AreaCheck c;
  c.check = "facilities";
  c.values["threshold"] = ThresholdJson(required);
  nlohmann::json facts = nlohmann::json::object();
  std::string missing, absent;
  size_t start = 0;
  while (!required.value.empty() && start <= required.value.size()) {
    size_t comma = required.value.find(',', start);
    if (comma == std::string::npos) comma = required.value.size();
    const std::string name = required.value.substr(start, comma - start);
    start = comma + 1;
    auto it = e.have.find(name);
    if (it == e.have.end()) continue;
    facts[name] = it->second ? nlohmann::json(*it->second) : nlohmann::json();
    const std::string& zh = kNameZh.at(name);
    if (!it->second) missing += (missing.empty() ? "" : "、") + zh;
    else if (!*it->second) absent += (absent.empty() ? "" : "、") + zh;
  }
  c.values["facilities"] = facts;
  c.values["source"] = e.record ? "village_infrastructure" : "village_facilities";
  if (e.record) c.values["record"] = housing::InfrastructureJson(*e.record);
  if (!absent.empty()) {
    c.outcome = Outcome::kFail;
    c.reason = "基础设施和公共服务未达标：缺" + absent + (missing.empty() ? "" : "；未登记" + missing);
  } else if (!missing.empty()) {
    c.outcome = Outcome::kUnknown;
    c.reason = "未登记基础设施情况：" + missing;
  } else {
    c.outcome = Outcome::kPass;
    c.reason = "基础设施和公共服务均已具备";
  }
  return c;
}

// The village collective's income against village_collective_income_min.
AreaCheck CollectiveIncomeCheck(const VillageEvidence& e, Parameters& params) {
  const Parameter min = params.InForce("village_collective_income_min");
  AreaCheck c;
  c.check = "collective_income";
  c.values["threshold"] = ThresholdJson(min);
  c.values["collective_income"] = e.collective_income ? nlohmann::json(*e.collective_income) : nlohmann::json();
  auto min_fen = ParseYuan(min.value);
  if (!min_fen) throw Error::Internal("village_collective_income_min holds '" + min.value + "'");
  c.values["minimum"] = *min_fen;
  c.values["source"] = e.record ? "village_infrastructure" : "village_facilities";
  if (!e.collective_income) {
    c.outcome = Outcome::kUnknown;
    c.reason = "未登记村集体经济收入";
  } else if (*e.collective_income >= *min_fen) {
    c.outcome = Outcome::kPass;
    c.reason = "村集体经济收入 " + FormatYuan(*e.collective_income) + " 元，不低于 " + FormatYuan(*min_fen) + " 元";
  } else {
    c.outcome = Outcome::kFail;
    c.reason = "村集体经济收入 " + FormatYuan(*e.collective_income) + " 元，低于 " + FormatYuan(*min_fen) + " 元";
  }
  return c;
}

}  // namespace

AreaAssessment AssessVillage(store::Connection& db, const Caller& caller, const std::string& code, int year,
                             const Clock& clock) {
  const AreaInfo area = RequireAreaOfLevel(db, code, year, AreaLevel::kVillage);
  internal::RequireRun(db, caller, area.code);
  Parameters params(db, clock);
  AreaAssessment a;
  a.area_code = area.code;
  a.area_name = area.name;
  a.level = "village";
  a.year = year;
  a.checks.push_back(IncidenceCheck(db, caller, area.code, year, params));
  const VillageEvidence evidence = ReadVillageEvidence(db, caller, area.code, year, clock);
  a.checks.push_back(FacilitiesCheck(evidence, params));
  a.checks.push_back(CollectiveIncomeCheck(evidence, params));
  Finish(a);
  Save(db, caller, a, clock);
  return a;
}

AreaAssessment AssessCounty(store::Connection& db, const Caller& caller, const std::string& code, int year,
                            const Clock& clock) {
  const AreaInfo area = RequireAreaOfLevel(db, code, year, AreaLevel::kCounty);
  internal::RequireRun(db, caller, area.code);
  Parameters params(db, clock);
  AreaAssessment a;
  a.area_code = area.code;
  a.area_name = area.name;
  a.level = "county";
  a.year = year;
  a.checks.push_back(IncidenceCheck(db, caller, area.code, year, params));

  // The survey records of the county and year, read once.
  SurveyService surveys(db, clock);
  const std::vector<SurveyRecord> records = surveys.List(caller, area.code, year);
  // Re-survey: the latest record of each household counts.
  std::map<int64_t, const SurveyRecord*> latest;
  int64_t sampled = 0, found_poor = 0, respondents = 0, satisfied = 0;
  for (const auto& r : records) {
    const auto kind = KindOf(r);
    if (kind == SurveyKind::kResurvey && r.household_id) {
      latest[*r.household_id] = &r;  // records come by id within a village; a household lies in one village
    } else if (kind == SurveyKind::kSample) {
      ++sampled;
      if (r.poor.value_or(false)) ++found_poor;
    } else if (kind == SurveyKind::kSatisfaction) {
      ++respondents;
      if (r.satisfied.value_or(false)) ++satisfied;
    }
  }
  {
    const Parameter line = params.InForce("poverty_line", std::to_string(year));
    auto line_fen = ParseYuan(line.value);
    if (!line_fen) throw Error::Internal("poverty_line " + std::to_string(year) + " holds '" + line.value + "'");
    int64_t wrong = 0;
    nlohmann::json failing = nlohmann::json::array();
    for (const auto& [id, r] : latest) {
      std::vector<std::string> failed;
      if (r->per_capita_income.value_or(0) <= *line_fen) failed.push_back("income");
      if (!r->food_clothing.value_or(false)) failed.push_back("food_clothing");
      if (!r->education.value_or(false)) failed.push_back("education");
      if (!r->medical.value_or(false)) failed.push_back("medical");
      if (!r->housing.value_or(false)) failed.push_back("housing");
      if (!r->water.value_or(false)) failed.push_back("water");
      if (!failed.empty()) {
        ++wrong;
        failing.push_back({{"household_id", id}, {"survey_id", r->id}, {"failed", failed}});
      }
    }
    nlohmann::json values = {{"resurveyed_households", static_cast<int64_t>(latest.size())},
                             {"wrong_exits", wrong},
                             {"failing", failing},
                             {"poverty_line", {{"fen", *line_fen}, {"parameter", ThresholdJson(line)}}}};
    a.checks.push_back(RateCheck("wrong_exit", "错退率", wrong, static_cast<int64_t>(latest.size()),
                                 params.InForce("county_wrong_exit_max"), true, std::move(values),
                                 "未录入已脱贫户回访调查记录，无法计算错退率"));
  }
  a.checks.push_back(RateCheck("missed_registration", "漏评率", found_poor, sampled, params.InForce("county_missed_max"),
                               true, {{"sampled_households", sampled}, {"found_poor", found_poor}},
                               "未录入非建档立卡户抽样调查记录，无法计算漏评率"));
  a.checks.push_back(RateCheck("satisfaction", "群众认可度", satisfied, respondents,
                               params.InForce("county_satisfaction_min"), false,
                               {{"respondents", respondents}, {"satisfied", satisfied}},
                               "未录入群众认可度调查记录，无法计算群众认可度"));
  Finish(a);
  Save(db, caller, a, clock);
  return a;
}

nlohmann::json AreaAssessmentJson(const AreaAssessment& a) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : a.checks) {
    checks.push_back({{"check", c.check}, {"result", OutcomeName(c.outcome)}, {"reason", c.reason}, {"values", c.values}});
  }
  return {{"area_code", a.area_code}, {"area_name", a.area_name}, {"level", a.level}, {"year", a.year},
          {"ready", a.ready},         {"reasons", a.reasons},     {"checks", checks}};
}

}  // namespace fupin::assessment
