// Person-policy evaluations per second over a synthetic county of 1 million
// persons in 333,334 households. See docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include <random>

#include "policy/eval.h"
#include "policy/frame.h"
#include "policy/policy.h"

namespace {

using namespace fupin::policy;

constexpr size_t kPersons = 1'000'000;
constexpr size_t kPerHousehold = 3;

// Every stored catalogue field, filled with random values of its vocabulary.
const Frame& County() {
  static const Frame frame = [] {
    Frame f;
    std::mt19937_64 rng(42);
    const size_t households = (kPersons + kPerHousehold - 1) / kPerHousehold;
    f.households().set_rows(households);
    for (size_t p = 0; p < kPersons; ++p) f.person_household().push_back(static_cast<int32_t>(p / kPerHousehold));
    for (const Field& field : Catalogue::Default().fields()) {
      if (field.IsDerived()) continue;
      size_t rows = 0;
      Column* col = nullptr;
      switch (field.entity) {
        case Entity::kPerson: rows = kPersons; col = &f.persons().Add(field.name, field.type); break;
        case Entity::kHousehold:
        case Entity::kArea: rows = households; col = &f.households().Add(field.name, field.type); break;
        case Entity::kScalar: f.SetScalar(field.name, field.type == Type::kDate ? 20200901 : 420000); continue;
      }
      col->Reserve(rows);
      for (size_t i = 0; i < rows; ++i) {
        switch (field.type) {
          case Type::kInt: col->AppendInt(static_cast<int64_t>(rng() % 5)); break;
          case Type::kBool: col->AppendBool(rng() % 2 == 0); break;
          case Type::kDate:
            col->AppendDate({static_cast<int>(1930 + rng() % 90), static_cast<int>(1 + rng() % 12),
                             static_cast<int>(1 + rng() % 28)});
            break;
          case Type::kString:
            if (field.values.empty()) {
              col->AppendString(std::to_string(rng() % 300));
            } else {
              size_t k = rng() % (field.values.size() + 1);
              col->AppendString(k == field.values.size() ? "" : field.values[k].name);
            }
            break;
        }
      }
    }
    f.SetScalar("year", 2020);
    f.Validate();
    return f;
  }();
  return frame;
}

std::vector<CompiledPolicy> PersonPolicies() {
  std::vector<CompiledPolicy> out;
  for (Policy& p : LoadPolicies(std::filesystem::path(FUPIN_SOURCE_DIR) / "policies")) {
    if (p.target == Target::kPerson) out.emplace_back(std::move(p));
  }
  return out;
}

// One eligibility expression (compulsory-school living allowance).
void BM_OneEligibility(benchmark::State& state) {
  const Frame& f = County();
  Program p(CheckOrThrow(
      "household.status in [\"poor\", \"exited\"] && person.school_stage in [\"primary\", \"junior\"] && "
      "person.school_status in [\"enrolled\", \"home_schooled\"] && person.age in 6..15",
      Catalogue::Default(), Target::kPerson));
  std::vector<int64_t> out;
  for (auto _ : state) {
    p.EvaluateInto(f, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(static_cast<size_t>(state.iterations()) * kPersons));
}
BENCHMARK(BM_OneEligibility)->Unit(benchmark::kMillisecond)->UseRealTime();

// Every shipped person policy, eligibility and amount, over every person.
void BM_AllPersonPolicies(benchmark::State& state) {
  const Frame& f = County();
  auto policies = PersonPolicies();
  CompiledPolicy::Result out;
  for (auto _ : state) {
    for (const CompiledPolicy& p : policies) {
      p.EvaluateInto(f, out);
      benchmark::DoNotOptimize(out.amount.data());
    }
  }
  state.counters["policies"] = static_cast<double>(policies.size());
  state.SetItemsProcessed(static_cast<int64_t>(static_cast<size_t>(state.iterations()) * kPersons * policies.size()));
}
BENCHMARK(BM_AllPersonPolicies)->Unit(benchmark::kMillisecond)->UseRealTime();

// Each person policy on its own (argument: index in id order).
void BM_EachPersonPolicy(benchmark::State& state) {
  const Frame& f = County();
  auto policies = PersonPolicies();
  const CompiledPolicy& p = policies.at(static_cast<size_t>(state.range(0)));
  state.SetLabel(p.policy().id);
  CompiledPolicy::Result out;
  for (auto _ : state) {
    p.EvaluateInto(f, out);
    benchmark::DoNotOptimize(out.amount.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(static_cast<size_t>(state.iterations()) * kPersons));
}
BENCHMARK(BM_EachPersonPolicy)->DenseRange(0, 13)->Unit(benchmark::kMillisecond)->UseRealTime();

// A household policy reading its members (any/count over 1M persons).
void BM_HouseholdMembersAggregate(benchmark::State& state) {
  const Frame& f = County();
  Program p(CheckOrThrow("any(members, m.age < 16 && m.school_stage != \"\") && count(members, m.health == \"chronic\") >= 1",
                         Catalogue::Default(), Target::kHousehold));
  std::vector<int64_t> out;
  for (auto _ : state) {
    p.EvaluateInto(f, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(static_cast<size_t>(state.iterations()) * kPersons));
}
BENCHMARK(BM_HouseholdMembersAggregate)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
