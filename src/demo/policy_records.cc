#include "demo/policy_records.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "access/personal_data.h"
#include "core/area_code.h"
#include "core/error.h"
#include "core/id_number.h"
#include "core/money.h"
#include "policy/entitlements.h"
#include "registry/households.h"
#include "registry/vocab.h"

namespace fupin::demo::internal {
namespace {

template <typename T>
void Shuffle(Prng& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.Below(i)]);
}

Date DateIn(Prng& rng, const Date& from, const Date& to) {
  if (to.ToDays() <= from.ToDays()) return from;
  return Date::FromDays(rng.Between(from.ToDays(), to.ToDays()));
}

Date Later(const Date& a, const Date& b) { return a.ToDays() >= b.ToDays() ? a : b; }

int64_t Seconds(const Date& d) { return d.ToDays() * 86400 + 9 * 3600; }

// A member of a household registered (poor or exited) on `d`: how the
// progress report decides whether a roster row is a registered student's.
bool Registered(const HouseholdPlan& h, const PersonPlan& p, const Date& d) {
  if (!IsMemberOn(h, p, d)) return false;
  const std::string s = StatusOn(h, d);
  return s == "poor" || s == "exited";
}

// The year by which the household's children are all in school (its first exit).
int FixedBy(const HouseholdPlan& h) {
  return h.fate == Fate::kExited ? (h.first_exit_year > 0 ? h.first_exit_year : h.exit_year) : kLastYear;
}

// Student aid policies by school stage, with their yearly amounts (fen) as
// the shipped policies pay them and the year each came into force.
struct AidPolicy {
  const char* id;
  Fen amount;
  int from_year;
};
std::vector<AidPolicy> AidPolicies(const std::string& stage) {
  if (stage == "preschool") return {{"edu.preschool", 100000, 2014}};
  if (stage == "primary") return {{"edu.compulsory_living", 100000, 2014}};
  if (stage == "junior") return {{"edu.compulsory_living", 125000, 2014}};
  if (stage == "senior") return {{"edu.senior_grant", 200000, 2014}, {"edu.senior_fee_waiver", 80000, 2016}};
  if (stage == "vocational") return {{"edu.vocational", 200000, 2014}};
  if (stage == "college") return {{"edu.college", 300000, 2014}};
  return {};
}

// A generated non-registered student's stage in a school year.
std::string StageOf(int age, bool preschool, bool senior, bool vocational, bool college) {
  if (age >= 3 && age <= 5) return preschool ? "preschool" : "";
  if (age >= 6 && age <= 11) return "primary";
  if (age >= 12 && age <= 14) return "junior";
  if (age >= 15 && age <= 17) return senior ? (vocational ? "vocational" : "senior") : "";
  if (age >= 18 && age <= 21) return senior && college ? "college" : "";
  return "";
}

struct RosterRow {
  std::string id_number;
  std::optional<int64_t> person_id;
  std::string place;  // the village the department wrote beside the row
  Fen amount = 0;
  Date date;
};
using Rosters = std::map<std::pair<std::string, int>, std::vector<RosterRow>>;  // (policy, year) -> rows

// One aid payment owed for a school year: paid once in the autumn, or in two
// halves (spring and autumn semesters) when `split`.
struct AidPair {
  std::string policy;
  int year = 0;
  std::string id_number;
  std::optional<int64_t> person_id;
  std::string place;
  Fen amount = 0;      // for the year
  bool fixed = false;  // the 2020 amount the entitlement owes (not rescaled)
  Date autumn;
  std::optional<Date> spring;
  bool split = false;
};

// Rescales the amounts of the pairs not `fixed` (whole yuan) so that all the
// pairs add up to `total` fen exactly.
void ScaleAmounts(std::vector<AidPair>& pairs, Fen total) {
  Fen fixed = 0, base = 0;
  for (const auto& p : pairs) (p.fixed ? fixed : base) += p.amount;
  const Fen rest_yuan = (total - fixed) / 100;
  if (base <= 0 || rest_yuan <= 0 || (total - fixed) % 100 != 0) {
    throw Error::Internal(fmt::format("demo: cannot spread {} fen of student aid over {} fen of payments", total - fixed, base));
  }
  const Fen base_yuan = base / 100;  // whole yuan: base is a sum of whole-yuan payments
  const double f = static_cast<double>(rest_yuan) / static_cast<double>(base_yuan);
  Fen sum = 0;
  for (auto& p : pairs) {
    if (p.fixed) continue;
    const Fen yuan = p.amount / 100;
    p.amount = static_cast<Fen>(static_cast<double>(yuan) * f) * 100;
    sum += p.amount;
  }
  for (size_t i = 0; sum < rest_yuan * 100; i = (i + 1) % pairs.size()) {
    if (pairs[i].fixed) continue;
    pairs[i].amount += 100;
    sum += 100;
  }
}

void AddPairs(Rosters& rosters, const std::vector<AidPair>& pairs) {
  for (const auto& p : pairs) {
    auto& rows = rosters[{p.policy, p.year}];
    if (p.split) {
      const Fen half = p.fixed ? p.amount / 2 : p.amount / 200 * 100;
      rows.push_back({p.id_number, p.person_id, p.place, half, *p.spring});
      rows.push_back({p.id_number, p.person_id, p.place, p.amount - half, p.autumn});
    } else {
      rows.push_back({p.id_number, p.person_id, p.place, p.amount, p.autumn});
    }
  }
}

// Non-registered students: ID numbers the registry does not hold, placed by
// the village the department writes beside them.
class Outsiders {
 public:
  Outsiders(Prng& rng, const std::vector<VillagePlan>& villages, IdNumberAllocator& ids)
      : rng_(rng), villages_(villages), ids_(ids) {
    for (const auto& v : villages) weights_.push_back(static_cast<double>(v.population.empty() ? 0 : v.population.back()));
  }
  struct Student {
    std::string id_number;
    std::string village;
    Date birth;
  };
  Student Draw(Date from, Date to) {
    static constexpr std::array<const char*, 5> kNeighbours = {"430421", "430422", "430423", "430426", "430482"};
    Student s;
    s.birth = DateIn(rng_, from, to);
    const Sex sex = rng_.Chance(0.52) ? Sex::kMale : Sex::kFemale;
    const std::string& code = villages_[rng_.Pick(weights_)].code;
    s.village = code;
    // Mostly born in the county; some in the neighbouring counties of Hengyang.
    const std::string prefix = rng_.Chance(0.94) ? code.substr(0, 6) : kNeighbours[rng_.Below(kNeighbours.size())];
    s.id_number = ids_.Allocate(prefix, s.birth, sex);
    return s;
  }

 private:
  Prng& rng_;
  const std::vector<VillagePlan>& villages_;
  IdNumberAllocator& ids_;
  std::vector<double> weights_;
};

// round(n * 10000 / d) == bp: the rate the report shows, to two decimals.
std::optional<int64_t> NumeratorFor(int64_t d, int64_t bp) {
  if (d <= 0) return std::nullopt;
  const int64_t guess = (d * bp) / 10000;
  for (int64_t n = std::max<int64_t>(0, guess - 2); n <= std::min(d, guess + 2); ++n) {
    const double pct = static_cast<double>(n) * 10000.0 / static_cast<double>(d);
    if (std::llround(pct) == bp) return n;  // pct >= 0: the same as adding a half and truncating
  }
  return std::nullopt;
}

}  // namespace

void PlanEducationCases(Prng& rng, std::vector<HouseholdPlan>& households, const PolicyTargets& t, int64_t k,
                        const Date& as_of) {
  // "三帮一" dropouts: those the plan already has, then more (or fewer) to reach the figure.
  {
    std::vector<PersonPlan*> dropped;
    struct Candidate {
      PersonPlan* p;
      int year;
    };
    std::vector<Candidate> candidates;
    for (auto& h : households) {
      if (h.fate == Fate::kRemoved) continue;
      const int last = std::min(kLastYear - 1, FixedBy(h) - 1);
      for (auto& p : h.persons) {
        if (p.dropout_year > 0) {
          dropped.push_back(&p);
          continue;
        }
        std::vector<int> years;
        for (int y = h.identified_year; y <= last; ++y) {
          const int age = AgeOn(p.birth, Date{y, 9, 1});
          if (age >= 7 && age <= 15 && IsMemberOn(h, p, Date{y, 12, 20})) years.push_back(y);
        }
        if (!years.empty()) candidates.push_back({&p, years[rng.Below(years.size())]});
      }
    }
    const int64_t target = t.dropouts_returned_registered * k;
    Shuffle(rng, dropped);
    while (static_cast<int64_t>(dropped.size()) > target) {
      dropped.back()->dropout_year = 0;
      dropped.pop_back();
    }
    Shuffle(rng, candidates);
    for (size_t i = 0; static_cast<int64_t>(dropped.size()) < target && i < candidates.size(); ++i) {
      candidates[i].p->dropout_year = candidates[i].year;
      dropped.push_back(candidates[i].p);
    }
    if (static_cast<int64_t>(dropped.size()) != target) throw Error::Internal("demo: too few children for the dropouts");
  }
  // 送教上门: severely disabled children of compulsory age schooled at home in the report year.
  {
    std::vector<PersonPlan*> candidates;
    for (auto& h : households) {
      if (h.fate == Fate::kRemoved) continue;
      for (auto& p : h.persons) {
        const int age = AgeOn(p.birth, Date{as_of.year, 9, 1});
        if (age >= 6 && age <= 15 && p.dropout_year == 0 && Registered(h, p, as_of)) candidates.push_back(&p);
      }
    }
    Shuffle(rng, candidates);
    const auto target = static_cast<size_t>(t.home_schooling_registered * k);
    if (candidates.size() < target) throw Error::Internal("demo: too few children for home schooling");
    for (size_t i = 0; i < target; ++i) {
      PersonPlan& p = *candidates[i];
      int from = as_of.year - static_cast<int>(rng.Between(0, 2));
      while (AgeOn(p.birth, Date{from, 9, 1}) < 6) ++from;  // not before school age
      p.home_schooled_from = from;
      p.health = "disabled";
      p.disability_grade = static_cast<int>(rng.Between(1, 2));
      p.labour_ability = "none";
    }
  }
}

PolicyRecordCounts WritePolicyRecords(store::Connection& db, const Caller& caller, Prng& rng,
                                      const std::vector<VillagePlan>& villages,
                                      const std::vector<HouseholdPlan>& households, IdNumberAllocator& ids,
                                      const PolicyTargets& t, int64_t k, const Date& as_of) {
  if (villages.empty()) return {};
  const std::string county = villages.front().code.substr(0, 6);
  const int year = as_of.year;
  const access::PersonalDataProtector& protector = access::CurrentProtector();
  PolicyRecordCounts counts;

  // The registry's ids of the generated persons, by their ID numbers (bulk).
  struct Ref {
    const HouseholdPlan* h;
    const PersonPlan* p;
  };
  std::vector<Ref> refs;
  std::vector<std::string> numbers;
  for (const auto& h : households) {
    for (const auto& p : h.persons) {
      refs.push_back({&h, &p});
      numbers.push_back(p.id_number);
    }
  }
  const auto found = registry::LookupPersonsByIdNumber(db, protector, numbers);
  std::unordered_map<int64_t, size_t> by_id;
  std::vector<int64_t> person_ids(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    if (!found[i]) throw Error::Internal("demo: a generated person is not in the registry");
    person_ids[i] = *found[i];
    by_id.emplace(*found[i], i);
  }
  auto village_of = [&villages](const HouseholdPlan& h) { return villages[h.village].code; };

  // --- Health facts: doctor contracts of every chronic patient from 2016;
  // the major disease of those who have one, from 2017 (the 29 diseases).
  {
    store::Transaction tx(db);
    auto contracts = db.Prepare(
        "UPDATE person_years SET chronic_contract = 1 WHERE year >= 2016 AND person_id IN (SELECT p.id FROM persons p"
        " JOIN memberships m ON m.person_id = p.id JOIN households h ON h.id = m.household_id"
        " WHERE p.health = 'chronic' AND h.village_code >= ? AND h.village_code < ?)");
    contracts->BindText(1, county);
    contracts->BindText(2, SubtreeEnd(county));
    contracts->Run();
    const auto diseases = registry::MajorDiseases();
    std::vector<std::string_view> child, adult;
    for (const auto& d : diseases) {
      const bool c = d.name.starts_with("child_") || d.name == "cleft_lip_palate" || d.name == "hypospadias" ||
                     d.name == "neuroblastoma" || d.name == "thalassaemia" || d.name == "haemophilia";
      (c ? child : adult).push_back(d.name);
    }
    std::vector<std::pair<size_t, std::string_view>> sick;  // ref, disease
    int64_t registered_sick = 0;
    std::vector<size_t> chronic;
    for (size_t i = 0; i < refs.size(); ++i) {
      const auto& [h, p] = refs[i];
      if (p->health == "major_disease") {
        const auto& list = AgeOn(p->birth, as_of) < 18 ? child : adult;
        sick.push_back({i, list[rng.Below(list.size())]});
        registered_sick += Registered(*h, *p, as_of) ? 1 : 0;
      } else if (p->health == "chronic" && h->fate != Fate::kRemoved && Registered(*h, *p, as_of) &&
                 AgeOn(p->birth, as_of) >= 18) {
        chronic.push_back(i);
      }
    }
    // A few chronic patients also have one of the list (终末期肾病) until the
    // treatment rate can show the article's two decimals.
    Shuffle(rng, chronic);
    for (size_t c = 0; !NumeratorFor(registered_sick, t.major_disease_basis_points); ++c) {
      if (c >= chronic.size()) throw Error::Internal("demo: cannot reach the major-disease treatment rate");
      sick.push_back({chronic[c], "end_stage_renal"});
      ++registered_sick;
    }
    auto disease = db.Prepare("UPDATE person_years SET major_disease = ? WHERE person_id = ? AND year >= 2017");
    for (const auto& [i, name] : sick) {
      disease->BindText(1, name);
      disease->BindInt(2, person_ids[i]);
      disease->Run();
      disease->Reset();
    }
    tx.Commit();
  }

  // --- The 2020 entitlements, as the county office runs them on the report date.
  {
    FixedClock clock(as_of, Seconds(as_of));
    policy::EntitlementService service(db, policy::PolicySet(), clock);
    policy::EntitlementService::RunInput in;
    in.year = year;
    in.area_code = county;
    in.ref_date = as_of.ToString();
    counts.entitlements = service.Run(caller, in).entitled;
  }
  struct Owed {
    std::string policy;
    size_t ref;
    Fen amount;
  };
  std::vector<Owed> owed;
  {
    auto s = db.Prepare(
        "SELECT policy_id, person_id, amount FROM entitlements WHERE year = ? AND person_id <> 0"
        " AND village_code >= ? AND village_code < ? AND (policy_id LIKE 'edu.%'"
        " OR policy_id IN ('health.chronic_contract', 'health.major_disease')) ORDER BY policy_id, person_id");
    s->BindInt(1, year);
    s->BindText(2, county);
    s->BindText(3, SubtreeEnd(county));
    while (s->Step()) {
      auto it = by_id.find(s->Int(1));
      if (it == by_id.end()) continue;
      owed.push_back({s->Text(0), it->second, s->Int(2)});
    }
  }

  Rosters rosters;
  // --- Student aid to registered students: 2014-2019 from the plan (a
  // student of a household registered on the payment date), 2020 as entitled.
  {
    std::vector<AidPair> pairs;
    for (size_t i = 0; i < refs.size(); ++i) {
      const auto& [h, p] = refs[i];
      for (int y = kFirstYear; y < year; ++y) {
        const Schooling school = SchoolingIn(*p, y);
        if (!school.in_school() || !school.stage) continue;
        Date autumn = DateIn(rng, Later(Date{y, 9, 10}, Date::FromDays(h->identified_date.ToDays() + 3)), Date{y, 12, 20});
        if (!Registered(*h, *p, autumn)) continue;
        const Date spring = DateIn(rng, Date{y, 3, 10}, Date{y, 4, 30});
        for (const auto& a : AidPolicies(*school.stage)) {
          if (y < a.from_year) continue;
          AidPair pair{a.id, y, p->id_number, person_ids[i], village_of(*h), a.amount, false, autumn, std::nullopt, false};
          if (Registered(*h, *p, spring)) pair.spring = spring;
          pairs.push_back(std::move(pair));
        }
      }
    }
    const size_t early = pairs.size();
    for (const auto& o : owed) {
      if (!o.policy.starts_with("edu.") || o.amount == 0) continue;
      const auto& [h, p] = refs[o.ref];
      AidPair pair{o.policy, year, p->id_number, person_ids[o.ref], village_of(*h), o.amount, true,
                   DateIn(rng, Date{year, 9, 1}, Date{year, 9, 28}), std::nullopt, false};
      const Date spring = DateIn(rng, Date{year, 3, 10}, Date{year, 4, 30});
      if (Registered(*h, *p, spring)) pair.spring = spring;
      pairs.push_back(std::move(pair));
    }
    // Exactly the article's person-times: payments in two halves (spring and
    // autumn semesters) where the student was registered at both, or, when
    // there are too many, fewer payments in the early years.
    const int64_t target = t.student_aid_times_registered * k;
    auto rows = static_cast<int64_t>(pairs.size());
    std::vector<size_t> order(pairs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    Shuffle(rng, order);
    for (size_t i : order) {
      if (rows >= target) break;
      if (pairs[i].spring) {
        pairs[i].split = true;
        ++rows;
      }
    }
    if (rows > target) {
      std::vector<size_t> drop;
      for (size_t i : order) {
        if (i < early) drop.push_back(i);
      }
      std::vector<char> dropped(pairs.size(), 0);
      for (size_t j = 0; rows > target && j < drop.size(); ++j, --rows) dropped[drop[j]] = 1;
      std::vector<AidPair> kept;
      for (size_t i = 0; i < pairs.size(); ++i) {
        if (!dropped[i]) kept.push_back(std::move(pairs[i]));
      }
      pairs = std::move(kept);
    }
    if (rows != target) throw Error::Internal(fmt::format("demo: {} registered aid payments, not {}", rows, target));
    ScaleAmounts(pairs, t.student_aid_yuan_registered * k * 100);
    AddPairs(rosters, pairs);
  }
  // --- Student aid to non-registered students (the whole rural population's
  // difficult families), in spring and autumn halves, from the same rosters.
  Outsiders outsiders(rng, villages, ids);
  {
    const int64_t target = (t.student_aid_times - t.student_aid_times_registered) * k;
    std::vector<AidPair> pairs;
    int64_t rows = 0;
    while (rows < target) {
      const auto s = outsiders.Draw(Date{1996, 1, 1}, Date{2016, 12, 31});
      const bool preschool = rng.Chance(0.5), senior = rng.Chance(0.6), vocational = rng.Chance(0.4),
                 college = rng.Chance(0.45);
      const int from = static_cast<int>(rng.Between(kFirstYear, year));
      const int to = static_cast<int>(rng.Between(from, year));
      for (int y = from; y <= to && rows < target; ++y) {
        const std::string stage = StageOf(AgeOn(s.birth, Date{y, 9, 1}), preschool, senior, vocational, college);
        for (const auto& a : AidPolicies(stage)) {
          if (y < a.from_year || rows >= target) continue;
          const Date autumn = DateIn(rng, Date{y, 9, 1}, y == year ? Date{y, 9, 28} : Date{y, 11, 30});
          AidPair pair{a.id, y, s.id_number, std::nullopt, s.village, a.amount, false, autumn, std::nullopt, false};
          if (rows + 2 <= target) {
            pair.spring = DateIn(rng, Date{y, 3, 1}, Date{y, 4, 30});
            pair.split = true;
          }
          rows += pair.split ? 2 : 1;
          pairs.push_back(std::move(pair));
        }
      }
    }
    ScaleAmounts(pairs, (t.student_aid_yuan - t.student_aid_yuan_registered) * k * 100);
    AddPairs(rosters, pairs);
  }
  // --- "三帮一" dropouts persuaded back, registered (from the plan) and not.
  {
    for (size_t i = 0; i < refs.size(); ++i) {
      const auto& [h, p] = refs[i];
      if (p->dropout_year == 0 || h->fate == Fate::kRemoved) continue;
      const int y = p->dropout_year;
      const Date d = DateIn(rng, Later(Date{y, 9, 15}, Date::FromDays(h->identified_date.ToDays() + 1)), Date{y, 12, 20});
      if (!Registered(*h, *p, d)) throw Error::Internal("demo: a dropout returned outside the registry");
      rosters[{"edu.dropout_return", y}].push_back({p->id_number, person_ids[i], village_of(*h), 0, d});
    }
    const std::array<double, 6> by_year = {0.08, 0.10, 0.14, 0.24, 0.24, 0.20};
    for (int64_t n = 0; n < (t.dropouts_returned - t.dropouts_returned_registered) * k; ++n) {
      const int y = kFirstYear + static_cast<int>(rng.Pick(by_year));
      const auto s = outsiders.Draw(Date{y - 15, 9, 2}, Date{y - 7, 9, 1});
      rosters[{"edu.dropout_return", y}].push_back(
          {s.id_number, std::nullopt, s.village, 0, DateIn(rng, Date{y, 9, 15}, Date{y, 12, 20})});
    }
  }
  // --- 送教上门 in the report year: the registered children entitled, and others.
  {
    auto& rows = rosters[{"edu.home_schooling", year}];
    for (const auto& o : owed) {
      if (o.policy != "edu.home_schooling") continue;
      const auto& [h, p] = refs[o.ref];
      rows.push_back({p->id_number, person_ids[o.ref], village_of(*h), 0, DateIn(rng, Date{year, 9, 1}, Date{year, 9, 28})});
    }
    if (static_cast<int64_t>(rows.size()) != t.home_schooling_registered * k) {
      throw Error::Internal(fmt::format("demo: {} children entitled to home schooling", rows.size()));
    }
    for (int64_t n = 0; n < (t.home_schooling - t.home_schooling_registered) * k; ++n) {
      const auto s = outsiders.Draw(Date{year - 15, 9, 2}, Date{year - 6, 9, 1});
      rows.push_back({s.id_number, std::nullopt, s.village, 0, DateIn(rng, Date{year, 9, 1}, Date{year, 9, 28})});
    }
  }
  // --- Health in the report year: every signed chronic patient served (家庭医生
  // 服务), and all but a few of the major-disease patients treated.
  {
    std::vector<size_t> major;
    for (const auto& o : owed) {
      const auto& [h, p] = refs[o.ref];
      const Date start = Later(Date{year, 1, 6}, Later(h->identified_date, p->birth));
      if (o.policy == "health.chronic_contract") {
        rosters[{o.policy, year}].push_back(
            {p->id_number, person_ids[o.ref], village_of(*h), 0, DateIn(rng, start, Date{year, 9, 28})});
      } else if (o.policy == "health.major_disease") {
        major.push_back(o.ref);
      }
    }
    const auto treated = NumeratorFor(static_cast<int64_t>(major.size()), t.major_disease_basis_points);
    if (!treated) throw Error::Internal(fmt::format("demo: {} major-disease patients entitled", major.size()));
    Shuffle(rng, major);
    major.resize(static_cast<size_t>(*treated));
    std::sort(major.begin(), major.end());
    for (size_t i : major) {
      const auto& [h, p] = refs[i];
      const Date start = Later(Date{year, 1, 6}, Later(h->identified_date, p->birth));
      rosters[{"health.major_disease", year}].push_back(
          {p->id_number, person_ids[i], village_of(*h), 0, DateIn(rng, start, Date{year, 9, 28})});
    }
  }

  // --- Written as the departments' imports: one per department, policy and year.
  {
    store::Transaction tx(db);
    auto ins = db.Prepare(
        "INSERT INTO roster_imports (department, policy_id, year, file_name, row_count, unknown, amount, actor,"
        " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'demo', ?) RETURNING id");
    const std::vector<std::string> columns = {"import_id", "year",   "policy_id", "row_number", "person_id",
                                              "id_number_enc", "id_number_masked", "id_area", "amount", "date",
                                              "area_code"};
    // The imports first: on PostgreSQL the bulk writer holds the connection (COPY) until it finishes.
    std::vector<int64_t> import_ids;
    for (const auto& [key, rows] : rosters) {
      const auto& [policy, y] = key;
      const std::string department = policy.starts_with("edu.") ? "education" : "health";
      int64_t unknown = 0;
      Fen amount = 0;
      for (const auto& r : rows) {
        unknown += r.person_id ? 0 : 1;
        amount += r.amount;
      }
      ins->BindText(1, department);
      ins->BindText(2, policy);
      ins->BindInt(3, y);
      ins->BindText(4, fmt::format("{}_{}_{}.xlsx", department, policy, y));
      ins->BindInt(5, static_cast<int64_t>(rows.size()));
      ins->BindInt(6, unknown);
      ins->BindInt(7, amount);
      ins->BindInt(8, Seconds(y == year ? as_of : Date{y, 12, 31}));
      ins->Step();
      import_ids.push_back(ins->Int(0));
      ins->Reset();
      ++counts.roster_imports;
    }
    auto writer = db.BulkInsert("roster_entries", columns);
    size_t next_import = 0;
    for (const auto& [key, rows] : rosters) {
      const auto& [policy, y] = key;
      const int64_t import_id = import_ids[next_import++];
      int64_t unknown = 0;
      for (const auto& r : rows) unknown += r.person_id ? 0 : 1;
      for (size_t i = 0; i < rows.size(); ++i) {
        const RosterRow& r = rows[i];
        writer->Append({import_id, int64_t{y}, policy, static_cast<int64_t>(i + 2),
                        r.person_id ? store::Value(*r.person_id) : store::Value(nullptr), protector.Encrypt(r.id_number),
                        MaskIdNumber(r.id_number), r.id_number.substr(0, 6), r.amount, r.date.ToString(), r.place});
      }
      counts.roster_rows += static_cast<int64_t>(rows.size());
      counts.roster_rows_unknown += unknown;
    }
    writer->Finish();
    tx.Commit();
  }
  return counts;
}

}  // namespace fupin::demo::internal
