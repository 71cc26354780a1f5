#pragma once
// Income and multidimensional poverty measures of an area and year:
// Foster-Greer-Thorbecke P0, P1, P2 and the Gini coefficient of per-capita
// net income, and Alkire-Foster H, A, M0.
//
// Population: the registered households of the area (status poor or exited
// at the end of the year) that have facts (household_years) for that year.
// Every measure is over persons: a household counts with the number of its
// members on 31 December (a household whose members all left counts for
// nothing). Negative net incomes are counted as zero.
//
// Alkire-Foster indicators are the six exit criteria (criteria.h): a person is
// deprived in an indicator when their household fails that criterion. Weights
// (parameter af_weight, relative: divided by their sum; weight 0 drops an
// indicator) and the cut-off k (af_k) are parameters. A household with an
// unknown fact in a weighted indicator is left out of Alkire-Foster (counted
// in `af_excluded_persons`).
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::assessment {

struct WeightedIncome {
  double income = 0;  // per-capita, any unit (the same as the line)
  double weight = 0;  // persons
};

struct Fgt {
  double p0 = 0, p1 = 0, p2 = 0;
};
// FGT_a = (1/N) sum over the poor (y < z) of ((z - y) / z)^a, weighted. All 0 when N = 0.
Fgt ComputeFgt(std::span<const WeightedIncome> incomes, double poverty_line);
// Weighted Gini (0 = equal). 0 when there is no one or total income is 0.
// Incomes are ordered by a stable sort, so equal incomes keep their order and
// the figure is the same to the last digit however the area is computed.
double ComputeGini(std::span<const WeightedIncome> incomes);
// The same of incomes already kept (weight > 0), made non-negative and sorted
// ascending (stably) as ComputeGini does.
double GiniOfSorted(std::span<const WeightedIncome> sorted);

struct AfUnit {
  std::vector<bool> deprived;  // one per indicator
  double weight = 0;           // persons
};
struct AfResult {
  double h = 0;  // headcount ratio: share of persons with score >= k
  double a = 0;  // intensity: mean score among the poor
  double m0 = 0; // adjusted headcount H * A
  double poor_persons = 0;
  double persons = 0;
};
// `weights` relative (divided by their sum); scores c = sum w_d g_d; poor if c >= k.
AfResult ComputeAlkireFoster(std::span<const AfUnit> units, std::span<const double> weights, double k);
// The same with the deprivations as bits (bit d: deprived in indicator d; at most 32 indicators).
struct AfMask {
  uint32_t deprived = 0;
  double weight = 0;
};
AfResult ComputeAlkireFoster(std::span<const AfMask> units, std::span<const double> weights, double k);

struct MeasureResult {
  std::string area_code;
  int year = 0;
  int64_t poverty_line = 0;  // fen
  int64_t households = 0;
  int64_t persons = 0;
  Fgt fgt;
  double gini = 0;
  std::map<std::string, double> af_weights;  // normalised
  double af_k = 0;
  AfResult af;
  int64_t af_excluded_persons = 0;
};

// Computes from bulk reads and stores the result (measure_results). Needs
// read access to the area.
MeasureResult ComputeMeasures(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                              const Clock& clock = DefaultClock());
nlohmann::json MeasureJson(const MeasureResult& result);

}  // namespace fupin::assessment
