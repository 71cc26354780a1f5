#include "assessment/measures.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "assessment/internal.h"
#include "assessment/params.h"
#include "core/error.h"

namespace fupin::assessment {

namespace internal {

AfSetup ReadAfSetup(store::Connection& db) {
  Parameters params(db);
  AfSetup s;
  s.k = params.Number("af_k");
  for (const auto& [name, value] : params.All("af_weight")) {
    const double w = std::strtod(value.c_str(), nullptr);
    if (w > 0) {
      s.names.push_back(name);
      s.weights.push_back(w);
      int index = -1;
      for (int i = 0; i < 6; ++i) {
        if (name == kCriteria[i].wire) index = i;
      }
      s.criterion.push_back(index);
    }
  }
  double sum_w = 0;
  for (double w : s.weights) sum_w += w;
  for (size_t i = 0; i < s.names.size(); ++i) s.normalised[s.names[i]] = s.weights[i] / sum_w;
  return s;
}

bool AfDeprivations(const AfSetup& setup, const std::array<Outcome, 6>& outcomes, uint32_t& mask) {
  mask = 0;
  for (size_t i = 0; i < setup.criterion.size(); ++i) {
    const int c = setup.criterion[i];
    if (c < 0 || outcomes[static_cast<size_t>(c)] == Outcome::kUnknown) return false;
    if (outcomes[static_cast<size_t>(c)] == Outcome::kFail && i < 32) mask |= uint32_t{1} << i;
  }
  return true;
}

}  // namespace internal

Fgt ComputeFgt(std::span<const WeightedIncome> incomes, double z) {
  Fgt f;
  double n = 0;
  for (const auto& x : incomes) {
    n += x.weight;
    const double y = std::max(0.0, x.income);
    if (y < z && z > 0) {
      const double gap = (z - y) / z;
      f.p0 += x.weight;
      f.p1 += x.weight * gap;
      f.p2 += x.weight * gap * gap;
    }
  }
  if (n <= 0) return Fgt{};
  f.p0 /= n;
  f.p1 /= n;
  f.p2 /= n;
  return f;
}

double ComputeGini(std::span<const WeightedIncome> incomes) {
  std::vector<WeightedIncome> v;
  v.reserve(incomes.size());
  for (const auto& x : incomes) {
    if (x.weight <= 0) continue;
    v.push_back({std::max(0.0, x.income), x.weight});
  }
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.income < b.income; });
  return GiniOfSorted(v);
}

double GiniOfSorted(std::span<const WeightedIncome> v) {
  double total_w = 0, total_y = 0;
  for (const auto& x : v) {
    total_w += x.weight;
    total_y += x.income * x.weight;
  }
  if (total_w <= 0 || total_y <= 0) return 0;
  // 1 - sum over groups of (population share) x (L_i + L_{i-1}), the area under the Lorenz curve twice.
  double lorenz_prev = 0, area = 0;
  for (const auto& x : v) {
    const double lorenz = lorenz_prev + x.income * x.weight / total_y;
    area += (x.weight / total_w) * (lorenz + lorenz_prev);
    lorenz_prev = lorenz;
  }
  return 1.0 - area;
}

AfResult ComputeAlkireFoster(std::span<const AfUnit> units, std::span<const double> weights, double k) {
  std::vector<AfMask> masks;
  masks.reserve(units.size());
  for (const auto& u : units) {
    AfMask m;
    m.weight = u.weight;
    for (size_t d = 0; d < u.deprived.size() && d < 32; ++d) {
      if (u.deprived[d]) m.deprived |= uint32_t{1} << d;
    }
    masks.push_back(m);
  }
  return ComputeAlkireFoster(std::span<const AfMask>(masks), weights, k);
}

AfResult ComputeAlkireFoster(std::span<const AfMask> units, std::span<const double> weights, double k) {
  AfResult r;
  double sum_w = 0;
  for (double w : weights) sum_w += w;
  double score_sum = 0;
  for (const auto& u : units) {
    r.persons += u.weight;
    if (sum_w <= 0) continue;
    double c = 0;
    for (size_t d = 0; d < weights.size() && d < 32; ++d) {
      if ((u.deprived >> d) & 1U) c += weights[d] / sum_w;
    }
    // A tolerance so that, e.g., 2 of 6 equal weights (0.3333...) meets k = 1/3 typed as 0.3333.
    if (c > 0 && c + 1e-9 >= k) {
      r.poor_persons += u.weight;
      score_sum += c * u.weight;
    }
  }
  if (r.persons > 0) r.h = r.poor_persons / r.persons;
  if (r.poor_persons > 0) r.a = score_sum / r.poor_persons;
  r.m0 = r.h * r.a;
  return r;
}

namespace internal {

MeasureResult BeginMeasures(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                            const Clock& clock, AfSetup& af) {
  if (year < 2000 || year > 2100) {
    throw Error::InvalidArgument("invalid year", {{"year", std::to_string(year) + " is not between 2000 and 2100"}});
  }
  const std::string area = RequireArea(db, area_code, "area");
  RequireRead(db, caller, area);
  Parameters params(db, clock);
  MeasureResult r;
  r.area_code = area;
  r.year = year;
  r.poverty_line = params.PovertyLine(year);
  af = ReadAfSetup(db);
  r.af_k = af.k;
  r.af_weights = af.normalised;
  return r;
}

void StoreMeasures(store::Connection& db, const Caller& caller, const MeasureResult& r, const Clock& clock) {
  store::Transaction tx(db);
  auto s = db.Prepare(
      "INSERT INTO measure_results (area_code, year, result, computed_by, computed_at) VALUES (?, ?, ?, ?, ?)"
      " ON CONFLICT (area_code, year) DO UPDATE SET result = excluded.result, computed_by = excluded.computed_by,"
      " computed_at = excluded.computed_at");
  s->BindText(1, r.area_code);
  s->BindInt(2, r.year);
  s->BindText(3, MeasureJson(r).dump());
  s->BindText(4, caller.user_name);
  s->BindInt(5, clock.NowSeconds());
  s->Run();
  tx.Commit();
}

}  // namespace internal

MeasureResult ComputeMeasures(store::Connection& db, const Caller& caller, const std::string& area_code, int year,
                              const Clock& clock) {
  internal::AfSetup af;
  MeasureResult r = internal::BeginMeasures(db, caller, area_code, year, clock, af);
  const auto g = internal::Gather(db, r.area_code, year, r.poverty_line, 0, internal::Scope::kMeasures);
  std::vector<WeightedIncome> incomes;
  std::vector<AfMask> units;
  for (const auto& f : g.facts) {
    const double w = static_cast<double>(f.members.size());
    ++r.households;
    r.persons += static_cast<int64_t>(f.members.size());
    incomes.push_back({static_cast<double>(f.per_capita_net_income), w});
    const HouseholdDecision d = Decide(f);
    std::array<Outcome, 6> outcomes{};
    for (size_t i = 0; i < outcomes.size() && i < d.criteria.size(); ++i) outcomes[i] = d.criteria[i].outcome;
    AfMask u;
    u.weight = w;
    if (internal::AfDeprivations(af, outcomes, u.deprived)) {
      units.push_back(u);
    } else {
      r.af_excluded_persons += static_cast<int64_t>(f.members.size());
    }
  }
  r.fgt = ComputeFgt(incomes, static_cast<double>(r.poverty_line));
  r.gini = ComputeGini(incomes);
  r.af = ComputeAlkireFoster(std::span<const AfMask>(units), af.weights, r.af_k);
  internal::StoreMeasures(db, caller, r, clock);
  return r;
}

nlohmann::json MeasureJson(const MeasureResult& r) {
  return {{"area_code", r.area_code},
          {"year", r.year},
          {"poverty_line", r.poverty_line},
          {"households", r.households},
          {"persons", r.persons},
          {"fgt", {{"p0", r.fgt.p0}, {"p1", r.fgt.p1}, {"p2", r.fgt.p2}}},
          {"gini", r.gini},
          {"alkire_foster",
           {{"weights", r.af_weights},
            {"k", r.af_k},
            {"h", r.af.h},
            {"a", r.af.a},
            {"m0", r.af.m0},
            {"persons", r.af.persons},
            {"poor_persons", r.af.poor_persons},
            {"excluded_persons", r.af_excluded_persons}}}};
}

}  // namespace fupin::assessment
