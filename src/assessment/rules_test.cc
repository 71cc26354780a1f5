// Rule cases as data: each file in testdata/rules holds the facts of one
// household and year, and the decision and reasons expected. Adding a case
// needs no C++.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "assessment/criteria.h"
#include "core/money.h"

namespace fupin::assessment {
namespace {

Fen YuanToFen(const nlohmann::json& v) { return static_cast<Fen>(v.get<double>() * 100 + 0.5); }

std::optional<bool> OptBool(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<bool>();
}

HouseholdFacts FactsFrom(const nlohmann::json& c) {
  HouseholdFacts f;
  f.year = c.at("year").get<int>();
  f.poverty_line = YuanToFen(c.at("poverty_line_yuan"));
  const auto& h = c.at("household");
  if (!h.is_null()) {
    f.has_year = true;
    f.per_capita_net_income = YuanToFen(h.at("per_capita_net_income_yuan"));
    f.counted_members = static_cast<int>(c.at("members").size());
    f.food_secure = OptBool(h, "food");
    f.clothing_secure = OptBool(h, "clothing");
    f.housing_safe = OptBool(h, "housing");
    f.drinking_water_safe = OptBool(h, "water");
  }
  int64_t id = 1;
  for (const auto& m : c.at("members")) {
    MemberFacts mf;
    mf.person_id = id++;
    mf.name = m.at("name").get<std::string>();
    mf.birth_date = m.at("birth_date").get<std::string>();
    if (m.contains("school_status")) {
      mf.school_status = ParseWire<registry::SchoolStatus>(registry::SchoolStatusTerms(), m["school_status"].get<std::string>());
      EXPECT_TRUE(mf.school_status.has_value()) << m["school_status"];
    }
    mf.medical_insured = OptBool(m, "medical_insured");
    f.members.push_back(mf);
  }
  return f;
}

TEST(RuleCasesTest, EveryCaseGivesTheExpectedDecisionAndReasons) {
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(FUPIN_RULES_DIR)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::ifstream in(entry.path());
    const auto c = nlohmann::json::parse(in);
    const HouseholdDecision d = Decide(FactsFrom(c));
    const auto& expect = c.at("expect");
    EXPECT_EQ(d.ready, expect.at("ready").get<bool>()) << c.at("description");
    for (const auto& [criterion, outcome] : expect.at("criteria").items()) {
      bool found = false;
      for (const auto& r : d.criteria) {
        if (r.criterion != criterion) continue;
        found = true;
        EXPECT_EQ(OutcomeName(r.outcome), outcome.get<std::string>()) << criterion << ": " << r.reason;
      }
      EXPECT_TRUE(found) << criterion;
    }
    // Every expected reason appears, in order, and no other reason is given.
    const auto& reasons = expect.at("reasons");
    ASSERT_EQ(d.reasons.size(), reasons.size()) << nlohmann::json(d.reasons).dump();
    for (size_t i = 0; i < reasons.size(); ++i) {
      EXPECT_NE(d.reasons[i].find(reasons[i].get<std::string>()), std::string::npos) << d.reasons[i];
    }
    ++cases;
  }
  EXPECT_GE(cases, 10);
}

}  // namespace
}  // namespace fupin::assessment
