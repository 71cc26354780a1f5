#include "assessment/criteria.h"

#include "core/date.h"

namespace fupin::assessment {
namespace {

CriterionResult Flag(const char* criterion, const std::optional<bool>& value, const char* what_zh) {
  CriterionResult r;
  r.criterion = criterion;
  r.values = {{criterion, value ? nlohmann::json(*value) : nlohmann::json(nullptr)}};
  r.outcome = FlagOutcome(value);
  if (r.outcome == Outcome::kUnknown) {
    r.reason = std::string("未登记") + what_zh + "情况";
  } else if (r.outcome == Outcome::kPass) {
    r.reason = std::string(what_zh) + "有保障";
  } else {
    r.reason = std::string(what_zh) + "未保障";
  }
  return r;
}

const char* SchoolStatusWire(registry::SchoolStatus status) {
  return WireOf(registry::SchoolStatusTerms(), status);
}

}  // namespace

bool CompulsorySchoolingMet(registry::SchoolStatus status) {
  using registry::SchoolStatus;
  switch (status) {
    case SchoolStatus::kEnrolled:
    case SchoolStatus::kHomeSchooled:
    case SchoolStatus::kExempt:
    case SchoolStatus::kGraduated: return true;
    case SchoolStatus::kNotSchoolAge:
    case SchoolStatus::kDroppedOut: return false;
  }
  return false;
}

bool CompulsorySchoolingMet(std::string_view status) {
  const auto parsed = ParseWire<registry::SchoolStatus>(registry::SchoolStatusTerms(), status);
  return parsed && CompulsorySchoolingMet(*parsed);
}

Outcome IncomeOutcome(bool has_year, Fen per_capita_net_income, Fen poverty_line) {
  if (!has_year) return Outcome::kUnknown;
  return per_capita_net_income > poverty_line ? Outcome::kPass : Outcome::kFail;
}

Outcome FoodClothingOutcome(const std::optional<bool>& food, const std::optional<bool>& clothing) {
  if ((food && !*food) || (clothing && !*clothing)) return Outcome::kFail;
  if (!food || !clothing) return Outcome::kUnknown;
  return Outcome::kPass;
}

Outcome EducationOutcome(int failed, int missing) {
  if (failed > 0) return Outcome::kFail;
  if (missing > 0) return Outcome::kUnknown;
  return Outcome::kPass;
}

Outcome MedicalOutcome(int members, int failed, int missing) {
  if (members == 0) return Outcome::kUnknown;
  if (failed > 0) return Outcome::kFail;
  if (missing > 0) return Outcome::kUnknown;
  return Outcome::kPass;
}

Outcome FlagOutcome(const std::optional<bool>& value) {
  if (!value) return Outcome::kUnknown;
  return *value ? Outcome::kPass : Outcome::kFail;
}

namespace {
constexpr Term kOutcomes[] = {{static_cast<int>(Outcome::kPass), "pass", "达标"},
                              {static_cast<int>(Outcome::kFail), "fail", "未达标"},
                              {static_cast<int>(Outcome::kUnknown), "unknown", "待核实"}};
}  // namespace

std::span<const Term> OutcomeTerms() { return kOutcomes; }

const char* OutcomeName(Outcome outcome) { return WireOf(kOutcomes, outcome); }

int SchoolAge(const std::string& birth_date, int year) {
  auto birth = Date::Parse(birth_date);
  if (!birth) return -1;
  return AgeOn(*birth, Date{year, 9, 1});
}

namespace {

// Income.
CriterionResult IncomeCriterion(const HouseholdFacts& f) {
  CriterionResult r;
  r.criterion = kCriteria[0].wire;
  r.values = {{"poverty_line", f.poverty_line}};
  r.outcome = IncomeOutcome(f.has_year, f.per_capita_net_income, f.poverty_line);
  if (!f.has_year) {
    r.reason = "未登记" + std::to_string(f.year) + "年收入";
    r.values["per_capita_net_income"] = nullptr;
  } else {
    r.values["per_capita_net_income"] = f.per_capita_net_income;
    r.values["counted_members"] = f.counted_members;
    const bool above = r.outcome == Outcome::kPass;
    r.reason = "人均纯收入 " + FormatYuan(f.per_capita_net_income) + " 元" + (above ? "高于" : "未超过") +
               std::to_string(f.year) + "年贫困线 " + FormatYuan(f.poverty_line) + " 元";
  }
  return r;
}

// Food and clothing.
CriterionResult FoodClothingCriterion(const HouseholdFacts& f) {
  CriterionResult r;
  r.criterion = kCriteria[1].wire;
  r.values = {{"food_secure", f.food_secure ? nlohmann::json(*f.food_secure) : nlohmann::json(nullptr)},
              {"clothing_secure", f.clothing_secure ? nlohmann::json(*f.clothing_secure) : nlohmann::json(nullptr)}};
  r.outcome = FoodClothingOutcome(f.food_secure, f.clothing_secure);
  if (r.outcome == Outcome::kFail) {
    r.reason = (f.food_secure && !*f.food_secure) ? "愁吃" : "愁穿";
  } else if (r.outcome == Outcome::kUnknown) {
    r.reason = "未登记吃穿情况";
  } else {
    r.reason = "不愁吃、不愁穿";
  }
  return r;
}

// Compulsory education.
CriterionResult EducationCriterion(const HouseholdFacts& f) {
  CriterionResult r;
  r.criterion = kCriteria[2].wire;
  nlohmann::json children = nlohmann::json::array();
  std::vector<std::string> failed, missing;
  for (const auto& m : f.members) {
    const int age = SchoolAge(m.birth_date, f.year);
    if (!IsCompulsorySchoolAge(age)) continue;
    children.push_back({{"person_id", m.person_id}, {"name", m.name}, {"age_on_1_september", age},
                        {"school_status", m.school_status ? nlohmann::json(SchoolStatusWire(*m.school_status)) : nlohmann::json(nullptr)}});
    if (!m.school_status) {
      missing.push_back(m.name);
    } else if (!CompulsorySchoolingMet(*m.school_status)) {
      failed.push_back(m.name + "（" + SchoolStatusWire(*m.school_status) + "）");
    }
  }
  r.values = {{"school_age_members", children}};
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "、") + x;
    return s;
  };
  r.outcome = EducationOutcome(static_cast<int>(failed.size()), static_cast<int>(missing.size()));
  if (r.outcome == Outcome::kFail) {
    r.reason = "义务教育阶段成员未就学：" + join(failed);
  } else if (r.outcome == Outcome::kUnknown) {
    r.reason = "未登记就学情况：" + join(missing);
  } else {
    r.reason = children.empty() ? "无义务教育阶段（6-15岁）成员" : "义务教育阶段成员均在学、送教上门或免学";
  }
  return r;
}

// Basic medical insurance.
CriterionResult MedicalCriterion(const HouseholdFacts& f) {
  CriterionResult r;
  r.criterion = kCriteria[3].wire;
  nlohmann::json members = nlohmann::json::array();
  std::vector<std::string> failed, missing;
  for (const auto& m : f.members) {
    members.push_back({{"person_id", m.person_id}, {"name", m.name},
                       {"medical_insured", m.medical_insured ? nlohmann::json(*m.medical_insured) : nlohmann::json(nullptr)}});
    if (!m.medical_insured) {
      missing.push_back(m.name);
    } else if (!*m.medical_insured) {
      failed.push_back(m.name);
    }
  }
  r.values = {{"members", members}};
  std::string names;
  for (const auto& x : failed.empty() ? missing : failed) names += (names.empty() ? "" : "、") + x;
  r.outcome = MedicalOutcome(static_cast<int>(f.members.size()), static_cast<int>(failed.size()),
                             static_cast<int>(missing.size()));
  if (f.members.empty()) {
    r.reason = "户内没有在册成员";
  } else if (r.outcome == Outcome::kFail) {
    r.reason = "未参加基本医疗保险：" + names;
  } else if (r.outcome == Outcome::kUnknown) {
    r.reason = "未登记参保情况：" + names;
  } else {
    r.reason = "全部成员参加基本医疗保险";
  }
  return r;
}

}  // namespace

HouseholdDecision Decide(const HouseholdFacts& f) {
  HouseholdDecision d;
  d.criteria.push_back(IncomeCriterion(f));
  d.criteria.push_back(FoodClothingCriterion(f));
  d.criteria.push_back(EducationCriterion(f));
  d.criteria.push_back(MedicalCriterion(f));
  d.criteria.push_back(Flag(kCriteria[4].wire, f.housing_safe, "住房安全"));
  d.criteria.push_back(Flag(kCriteria[5].wire, f.drinking_water_safe, "饮水安全"));
  d.ready = true;
  for (const auto& c : d.criteria) {
    if (c.outcome != Outcome::kPass) {
      d.ready = false;
      d.reasons.push_back(c.reason);
    }
  }
  return d;
}

nlohmann::json DecisionJson(const HouseholdDecision& d) {
  nlohmann::json criteria = nlohmann::json::array();
  for (const auto& c : d.criteria) {
    criteria.push_back({{"criterion", c.criterion}, {"result", OutcomeName(c.outcome)}, {"reason", c.reason},
                        {"values", c.values}});
  }
  return criteria;
}

HouseholdDecision DecisionFromJson(const nlohmann::json& json, bool ready) {
  HouseholdDecision d;
  d.ready = ready;
  for (const auto& c : json) {
    CriterionResult r;
    r.criterion = c.at("criterion").get<std::string>();
    const std::string result = c.at("result").get<std::string>();
    r.outcome = result == "pass" ? Outcome::kPass : result == "fail" ? Outcome::kFail : Outcome::kUnknown;
    r.reason = c.at("reason").get<std::string>();
    r.values = c.at("values");
    if (r.outcome != Outcome::kPass) d.reasons.push_back(r.reason);
    d.criteria.push_back(std::move(r));
  }
  return d;
}

}  // namespace fupin::assessment
