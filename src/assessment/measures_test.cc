#include "assessment/measures.h"

#include <gtest/gtest.h>

#include "assessment/schema.h"
#include "registry/households.h"
#include "registry/testing.h"

namespace fupin::assessment {
namespace {

// z = 100; persons with per-capita income 50, 50 (one household of two), 80, 150.
//   P0 = 3/4 = 0.75
//   P1 = (0.5 + 0.5 + 0.2) / 4 = 0.3
//   P2 = (0.25 + 0.25 + 0.04) / 4 = 0.135
//   Gini: sum of |xi - xj| over ordered pairs = 2 (30+30+100+100+70) = 660;
//         G = 660 / (2 n^2 mean) = 660 / (2 * 16 * 82.5) = 0.25
TEST(FgtTest, SmallExampleByHand) {
  const WeightedIncome v[] = {{50, 2}, {80, 1}, {150, 1}};
  const Fgt f = ComputeFgt(v, 100);
  EXPECT_DOUBLE_EQ(f.p0, 0.75);
  EXPECT_DOUBLE_EQ(f.p1, 0.3);
  EXPECT_DOUBLE_EQ(f.p2, 0.135);
  EXPECT_NEAR(ComputeGini(v), 0.25, 1e-12);
}

TEST(FgtTest, EdgeCases) {
  // Zero income: the whole gap. Gini of a zero total is 0.
  const WeightedIncome zero[] = {{0, 1}};
  EXPECT_DOUBLE_EQ(ComputeFgt(zero, 100).p0, 1.0);
  EXPECT_DOUBLE_EQ(ComputeFgt(zero, 100).p1, 1.0);
  EXPECT_DOUBLE_EQ(ComputeFgt(zero, 100).p2, 1.0);
  EXPECT_DOUBLE_EQ(ComputeGini(zero), 0.0);
  // A negative net income counts as zero.
  const WeightedIncome negative[] = {{-30, 1}};
  EXPECT_DOUBLE_EQ(ComputeFgt(negative, 100).p1, 1.0);
  // Everyone poor at half the line: P0 1, P1 0.5, P2 0.25; equal incomes: Gini 0.
  const WeightedIncome all_poor[] = {{50, 1}, {50, 3}};
  EXPECT_DOUBLE_EQ(ComputeFgt(all_poor, 100).p0, 1.0);
  EXPECT_DOUBLE_EQ(ComputeFgt(all_poor, 100).p1, 0.5);
  EXPECT_DOUBLE_EQ(ComputeFgt(all_poor, 100).p2, 0.25);
  EXPECT_DOUBLE_EQ(ComputeGini(all_poor), 0.0);
  // Nobody poor: 200 and 300 -> FGT 0; Gini = 2 * 100 / (2 * 4 * 250) = 0.1.
  const WeightedIncome none_poor[] = {{200, 1}, {300, 1}};
  EXPECT_DOUBLE_EQ(ComputeFgt(none_poor, 100).p0, 0.0);
  EXPECT_DOUBLE_EQ(ComputeFgt(none_poor, 100).p2, 0.0);
  EXPECT_NEAR(ComputeGini(none_poor), 0.1, 1e-12);
  // One person.
  const WeightedIncome one[] = {{150, 1}};
  EXPECT_DOUBLE_EQ(ComputeFgt(one, 100).p0, 0.0);
  EXPECT_DOUBLE_EQ(ComputeGini(one), 0.0);
  // A household whose members all left weighs nothing.
  const WeightedIncome left[] = {{50, 0}, {150, 1}};
  EXPECT_DOUBLE_EQ(ComputeFgt(left, 100).p0, 0.0);
  EXPECT_DOUBLE_EQ(ComputeGini(left), 0.0);
  // Nobody at all.
  EXPECT_DOUBLE_EQ(ComputeFgt(std::span<const WeightedIncome>{}, 100).p0, 0.0);
}

// Three indicators, equal weights, k = 0.5.
//   A: deprived in 2 of 3 (c = 2/3), 2 persons -> poor
//   B: deprived in 1 of 3 (c = 1/3), 1 person  -> not poor
//   C: deprived in none, 1 person
//   H = 2/4 = 0.5; A = 2/3; M0 = 1/3
TEST(AlkireFosterTest, SmallExampleByHand) {
  const AfUnit units[] = {{{true, true, false}, 2}, {{true, false, false}, 1}, {{false, false, false}, 1}};
  const double w[] = {1, 1, 1};
  const AfResult r = ComputeAlkireFoster(units, w, 0.5);
  EXPECT_DOUBLE_EQ(r.h, 0.5);
  EXPECT_DOUBLE_EQ(r.a, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.m0, 1.0 / 3);
  // k = 1/3 typed as 0.3333: B is poor too. H = 3/4, A = (2 * 2/3 + 1/3) / 3 = 5/9.
  const AfResult r2 = ComputeAlkireFoster(units, w, 0.3333);
  EXPECT_DOUBLE_EQ(r2.h, 0.75);
  EXPECT_NEAR(r2.a, 5.0 / 9, 1e-12);
  // Weights are relative: (2, 1, 1) -> (0.5, 0.25, 0.25); B deprived in the first only: c = 0.5 -> poor at k 0.5.
  const double w2[] = {2, 1, 1};
  EXPECT_DOUBLE_EQ(ComputeAlkireFoster(units, w2, 0.5).h, 0.75);
}

TEST(AlkireFosterTest, EdgeCases) {
  const double w[] = {1, 1};
  const AfUnit everyone[] = {{{true, true}, 1}, {{true, true}, 2}};
  const AfResult all = ComputeAlkireFoster(everyone, w, 1.0);
  EXPECT_DOUBLE_EQ(all.h, 1.0);
  EXPECT_DOUBLE_EQ(all.a, 1.0);
  EXPECT_DOUBLE_EQ(all.m0, 1.0);
  const AfUnit nobody[] = {{{false, false}, 1}};
  EXPECT_DOUBLE_EQ(ComputeAlkireFoster(nobody, w, 0.5).m0, 0.0);
  EXPECT_DOUBLE_EQ(ComputeAlkireFoster(nobody, w, 0.5).a, 0.0);
  EXPECT_DOUBLE_EQ(ComputeAlkireFoster(std::span<const AfUnit>{}, w, 0.5).h, 0.0);
}

// The service on a registry: line 2016 = 2952 yuan.
//   P (2 persons): per capita 2000 yuan, food 1 clothing 1 housing 0 water 1, both insured, no child
//   Q (1 person):  per capita 5000 yuan, all facts 1, insured
//   L: members all moved out before the end of 2016 (weight 0)
//   U: facts for 2016 missing -> outside the population
// Persons 3. P0 = 2/3, P1 = 2/3 * (952/2952), Gini of (2000, 2000, 5000):
//   ordered |diff| sum = 4 * 3000 = 12000; mean 3000; G = 12000 / (2 * 9 * 3000) = 2/9.
// AF, six equal weights, k 0.3333: P is deprived in income and housing (c = 1/3) -> poor.
//   H = 2/3, A = 1/3, M0 = 2/9.
TEST(MeasuresServiceTest, ComputesAndStoresForAnArea) {
  registry::testing::RegistryFixture f(Migrations());
  f.AddAreas();
  const int64_t p = f.AddHousehold("P", "430424100200");
  const int64_t q = f.AddHousehold("Q", "430424100200");
  const int64_t l = f.AddHousehold("L", "430424100201");
  const int64_t u = f.AddHousehold("U", "430424100201");
  registry::HouseholdRegistry households(f.db(), f.clock());
  registry::PersonRegistry persons(f.db(), f.clock());
  const int64_t p1 = f.AddPerson(p, "19700101", "head");
  const int64_t p2 = f.AddPerson(p, "19720101", "spouse");
  const int64_t q1 = f.AddPerson(q, "19600101", "head");
  const int64_t l1 = f.AddPerson(l, "19650101", "head");
  f.AddPerson(u, "19660101", "head");
  auto year = [&](int64_t id, int members, Fen wage, bool housing) {
    registry::HouseholdYear y;
    y.year = 2016;
    y.members = members;
    y.wage_income = wage;
    y.food_secure = y.clothing_secure = y.drinking_water_safe = true;
    y.housing_safe = housing;
    households.SetHouseholdYear(f.admin(), id, y);
  };
  year(p, 2, 400000, false);
  year(q, 1, 500000, true);
  year(l, 1, 100000, true);
  for (int64_t id : {p1, p2, q1, l1}) {
    registry::PersonYear py;
    py.year = 2016;
    py.medical_insured = true;
    persons.SetPersonYear(f.admin(), id, py);
  }
  persons.MovePerson(f.admin(), l1, q, "other", "2016-05-01", "投亲");
  // Q now has 2 members at the end of 2016 but its facts count 1: the weight is the members (2), the
  // income is per capita of the facts (5000). Recompute the hand figures with Q weighing 2:
  //   persons 4; P0 = 2/4; Gini of (2000, 2000, 5000, 5000) = ordered diff sum 8 * 3000 = 24000,
  //   mean 3500, G = 24000 / (2 * 16 * 3500) = 3/14. AF: H = 2/4, A = 1/3, M0 = 1/6.
  // L is still registered with facts but has no members: it counts for nothing.
  const MeasureResult r = ComputeMeasures(f.db(), f.admin(), "430424", 2016, f.clock());
  EXPECT_EQ(r.households, 3);  // P, Q, L (U has no facts)
  EXPECT_EQ(r.persons, 4);
  EXPECT_DOUBLE_EQ(r.fgt.p0, 0.5);
  EXPECT_NEAR(r.fgt.p1, 0.5 * 952.0 / 2952.0, 1e-12);
  EXPECT_NEAR(r.gini, 3.0 / 14, 1e-12);
  EXPECT_NEAR(r.af.h, 0.5, 1e-12);
  EXPECT_NEAR(r.af.a, 1.0 / 3, 1e-12);
  EXPECT_NEAR(r.af.m0, 1.0 / 6, 1e-12);
  // Stored, and a re-run on the same facts gives the same answer.
  const auto stored = f.db().Prepare("SELECT result FROM measure_results WHERE area_code = '430424' AND year = 2016");
  ASSERT_TRUE(stored->Step());
  const std::string first = stored->Text(0);
  stored->Reset();
  ComputeMeasures(f.db(), f.admin(), "430424", 2016, f.clock());
  ASSERT_TRUE(stored->Step());
  EXPECT_EQ(stored->Text(0), first);
}

}  // namespace
}  // namespace fupin::assessment
