#pragma once
// The demo's in-memory plan of a registry (households, persons, their
// histories) and the writer that stores it. Internal to the demo module.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/id_number.h"
#include "core/money.h"
#include "core/progress.h"
#include "demo/prng.h"
#include "store/database.h"

namespace fupin::demo::internal {

inline constexpr int kFirstYear = 2014;
inline constexpr int kLastYear = 2020;

// The national rural poverty line of each year 2014-2020, in fen per person.
Fen PovertyLine(int year);

struct VillagePlan {
  std::string code;
  std::string name;
  bool community = false;   // 居委会 (code 0xx/1xx), not 村委会
  bool task = true;         // receives registered households (有扶贫工作任务)
  bool poor = false;        // provincial poor village
  int exit_year = 0;        // when poor
  std::vector<int64_t> population;  // rural population 2014..2020
  int next_number = 0;      // household number sequence
};

struct PersonPlan {
  std::string name;
  Sex sex = Sex::kMale;
  Date birth;
  std::string relation;
  std::string education;
  std::string health = "healthy";
  std::optional<int> disability_grade;
  std::string labour_ability;
  std::optional<Date> death;
  std::string ethnicity = "汉族";
  std::string id_number;
  // School career: stays on after junior school (senior/vocational), goes to college.
  bool senior_track = false;
  bool vocational = false;
  bool college_track = false;
  bool preschool_track = false;
  int dropout_year = 0;       // 0: never dropped out
  int home_schooled_from = 0; // 送教上门 from this school year on while of compulsory age (0: never)
  bool cause_holder = false;  // the member whose illness/disability is the household's cause
  // Employment in the last year (decided by the scenario's targets); earlier years follow from it.
  std::string employment_last = "not_in_labour_force";
  std::string employment_kind;  // the kind of work when employed
  double medical_draw = 0;      // fixed per person so that coverage grows year by year
  double pension_draw = 0;
  double work_draw = 0;
  std::optional<std::string> phone;
};

enum class Fate { kExited, kPoor, kRemoved };

struct Event {
  Date date;
  int year = 0;
  std::string kind;
  std::string reason;
};

struct HouseholdPlan {
  Fate fate = Fate::kExited;
  size_t village = 0;
  std::string number;
  int identified_year = kFirstYear;
  Date identified_date;
  int exit_year = 0;          // final exit (kExited)
  int first_exit_year = 0;    // for a household that returned: its first exit
  int return_year = 0;
  int removed_year = 0;
  std::string attribute = "general";
  std::string main_cause;
  std::vector<std::string> other_causes;
  std::string address;
  std::vector<PersonPlan> persons;
  std::vector<Event> events;  // filled by BuildEvents
  double income_ratio = 1.3;  // per-capita income over the line in the exit year
  int housing_fixed_year = 0; // unsafe housing made safe in this year (0: always safe)
  int water_fixed_year = 0;
};

// Members on `date`: born by then (membership starts at the later of the
// identification date and birth), not dead by then.
bool IsMemberOn(const HouseholdPlan& h, const PersonPlan& p, const Date& date);
int MembersOn(const HouseholdPlan& h, const Date& date);
// The status ("poor", "exited", "removed", "unregistered") after the events up to `date`.
std::string StatusOn(const HouseholdPlan& h, const Date& date);

// Composes a household of `size` members living on `ref` (all born by then).
// `frail` households (the last to exit) have older heads and more illness.
std::vector<PersonPlan> ComposeHousehold(Prng& rng, int size, const Date& ref, bool frail);
// Chooses attribute and causes, and makes the members agree with the main cause.
void ChooseCauses(Prng& rng, HouseholdPlan& h, bool frail);
// Adds one elderly member who dies between the identification and `last`.
void AddDeceasedMember(Prng& rng, HouseholdPlan& h, const Date& last);
// A Chinese name; `surname` empty: drawn.
std::string MakeName(Prng& rng, Sex sex, const std::string& surname);
std::string Surname(const std::string& name);
// The events of the history from the plan's years (dates drawn in those years).
void BuildEvents(Prng& rng, HouseholdPlan& h, const Date& last_date);

// School status and stage of a person in a school year (age on 1 September).
struct Schooling {
  std::string status;
  std::optional<std::string> stage;
  bool in_school() const { return status == "enrolled" || status == "home_schooled"; }
};
Schooling SchoolingIn(const PersonPlan& p, int year);
// Whether the person is of labour-force age (16-64) on `date` and not in school that year.
bool WorkingAgeOutOfSchool(const PersonPlan& p, const Date& date);

struct WriteCounts {
  int64_t households = 0;
  int64_t persons = 0;
  int64_t events = 0;
  int64_t exit_steps = 0;
  int64_t household_years = 0;
  int64_t person_years = 0;
  uint64_t checksum = 14695981039346656037ULL;
};

// Writes villages' area_years and the households (with persons, memberships,
// events and yearly facts up to `last_date`) with prepared statements reused
// for every row. The caller holds the transaction. IDs are taken from the
// current maxima so the rows keep the plan's order.
// Reports the stage store, one unit per household.
// kRelease frees each household's plan once its rows are written and leaves
// `households` empty: a national plan (about 0.7 KB a person) then shrinks
// while SQLite's page cache grows instead of both being held at the end.
enum class AfterWrite { kKeepPlan, kRelease };
WriteCounts WritePlan(store::Connection& db, Prng& rng, const std::vector<VillagePlan>& villages,
                      std::vector<HouseholdPlan>& households, const Date& last_date,
                      Progress& progress = NoProgress(), AfterWrite after = AfterWrite::kKeepPlan);

}  // namespace fupin::demo::internal
