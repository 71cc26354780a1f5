#pragma once
// The household exit criteria (贫困户退出标准) as a pure function of the
// facts: no database, so rule cases can be run from data files.
//
//   income         per-capita net income of the year strictly above that year's poverty line
//   food_clothing  不愁吃、不愁穿: both recorded as secure
//   education      义务教育有保障: every member aged 6-15 on 1 September of the year is enrolled,
//                  taught at home, exempt or has finished compulsory school (graduated)
//   medical        基本医疗有保障: every member has basic medical insurance that year
//   housing        住房安全有保障
//   water          饮水安全有保障
//
// A criterion whose facts are missing is "unknown", and an unknown criterion
// makes the household "not ready" just as a failed one does: the system never
// assumes a fact it was not given.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/money.h"
#include "core/vocabulary.h"
#include "registry/vocab.h"

namespace fupin::assessment {

enum class Outcome { kPass, kFail, kUnknown };
const char* OutcomeName(Outcome outcome);  // "pass", "fail", "unknown"
// The outcomes with their Chinese labels (达标, 未达标, 待核实), served as criterion_result.
std::span<const Term> OutcomeTerms();

struct MemberFacts {
  int64_t person_id = 0;
  std::string name;
  std::string birth_date;                    // YYYY-MM-DD
  std::optional<registry::SchoolStatus> school_status;  // person_years of the year
  std::optional<bool> medical_insured;
};

struct HouseholdFacts {
  int64_t household_id = 0;
  int year = 0;
  Fen poverty_line = 0;                      // fen per person, that year
  bool has_year = false;                     // a household_years row exists
  int counted_members = 0;                   // household_years.members
  Fen per_capita_net_income = 0;
  std::optional<bool> food_secure, clothing_secure, housing_safe, drinking_water_safe;
  std::vector<MemberFacts> members;          // members at the end of the year
};

struct CriterionResult {
  std::string criterion;   // income, food_clothing, education, medical, housing, water
  Outcome outcome = Outcome::kUnknown;
  std::string reason;      // Chinese, for the user; says what was used or what is missing
  nlohmann::json values;   // the facts used
};

struct HouseholdDecision {
  bool ready = false;                     // 达到退出标准
  std::vector<CriterionResult> criteria;  // always the six, in the order above
  std::vector<std::string> reasons;       // one per failed or unknown criterion
};

HouseholdDecision Decide(const HouseholdFacts& facts);

// The outcome of each criterion from the facts reduced to counts: the one
// statement of each rule, used by Decide and by the national engine
// (indicators.h), which decides millions of households without their texts.
Outcome IncomeOutcome(bool has_year, Fen per_capita_net_income, Fen poverty_line);
Outcome FoodClothingOutcome(const std::optional<bool>& food_secure, const std::optional<bool>& clothing_secure);
// Counts over the members of compulsory-school age (IsCompulsorySchoolAge).
Outcome EducationOutcome(int failed, int missing);
// Counts over every member at the end of the year.
Outcome MedicalOutcome(int members, int failed, int missing);
Outcome FlagOutcome(const std::optional<bool>& value);  // housing, water
inline bool IsCompulsorySchoolAge(int age) { return age >= 6 && age <= 15; }
// enrolled, home_schooled, exempt, graduated
bool CompulsorySchoolingMet(registry::SchoolStatus school_status);
// The same for a stored value; one outside registry::SchoolStatusTerms() is not met.
bool CompulsorySchoolingMet(std::string_view school_status);
// The criteria in the order of HouseholdDecision::criteria: the one table of
// their names and labels (also the `indicator` parameter key's values,
// ParamIndicatorTerms). The ids are places in the table.
inline constexpr Term kCriteria[6] = {{0, "income", "收入"},  {1, "food_clothing", "吃穿"}, {2, "education", "教育"},
                                      {3, "medical", "医疗"}, {4, "housing", "住房"},       {5, "water", "饮水"}};

// The age used for compulsory education: completed years on 1 September of `year`.
int SchoolAge(const std::string& birth_date, int year);

nlohmann::json DecisionJson(const HouseholdDecision& decision);
HouseholdDecision DecisionFromJson(const nlohmann::json& json, bool ready);

}  // namespace fupin::assessment
