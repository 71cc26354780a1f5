#pragma once
// Households, persons, their status history and yearly facts (建档立卡).
//
// Every function takes the Caller and checks access: reading needs a role that
// reads the registry and the household's village inside the caller's scope;
// writing needs a role that writes the registry, too. Refusals throw
// fupin::Error (permission_denied); bad input throws invalid_argument with one
// detail per wrong field, and nothing is written.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <span>

#include "access/personal_data.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "registry/household_texts.h"
#include "store/database.h"

namespace fupin::assessment {
class ExitService;
}

namespace fupin::registry {

// Permission to record an 'exited' event. Only the exit procedure
// (assessment::ExitService, which checks the procedure steps and the exit
// criteria) can make one; the registry itself knows nothing of the criteria
// and does not link the assessment module — it only names the one class
// allowed to exit a household.
class ExitPermit {
 private:
  ExitPermit() = default;
  friend class fupin::assessment::ExitService;
};

struct HouseholdInput {
  std::string number;                   // 户编号, unique
  std::string village_code;             // a village (level 5) area
  std::optional<int> identified_year;   // records an 'identified' event when set
  std::optional<std::string> identified_date;  // default: 1 January of identified_year
  std::string attribute = "general";    // vocab HouseholdAttributes (name or Chinese label)
  std::string main_cause = "none";      // vocab Causes
  std::vector<std::string> other_causes;
  std::string address;
  std::optional<std::string> phone;
};

struct HouseholdEvent {
  int64_t id = 0;
  std::string kind;    // vocab EventKinds
  int year = 0;
  std::string date;    // YYYY-MM-DD
  std::string reason;
  std::string actor;
  std::string recorded_at;  // ISO 8601 UTC
};

struct Member {
  int64_t person_id = 0;
  std::string name;
  std::string id_number;  // masked: 430424********002X
  std::string sex;
  std::string birth_date;
  std::string relation;
  std::string start_date;
};

struct HouseholdYear {
  int year = 0;
  int members = 0;
  Fen wage_income = 0;
  Fen production_income = 0;
  Fen property_income = 0;
  Fen transfer_income = 0;
  Fen production_cost = 0;
  std::optional<bool> food_secure;
  std::optional<bool> clothing_secure;
  std::optional<bool> housing_safe;
  std::optional<bool> drinking_water_safe;
  // Facts the policies read (registry migration 102); unset: not recorded.
  std::optional<std::string> dibao_class;  // vocab DibaoClasses: A, B, C
  std::optional<std::string> house_grade;  // vocab HouseGrades: A-D
  std::optional<bool> relocation;          // on the relocation plan (易地扶贫搬迁)
  std::optional<int64_t> pepper_area;      // 0.01 mu
  std::optional<int64_t> camellia_area;    // 0.01 mu
  std::optional<bool> pv_share;            // shares a photovoltaic station's income

  Fen net_income() const {
    return wage_income + production_income + property_income + transfer_income - production_cost;
  }
  // Per-capita net income (人均纯收入) in fen, rounded down.
  Fen per_capita_net_income() const { return PerCapita(net_income(), members); }
};

struct Household {
  int64_t id = 0;
  std::string number;
  std::string village_code;
  std::string village_name;
  std::optional<int> identified_year;
  std::string attribute;
  std::string main_cause;
  std::vector<std::string> other_causes;
  std::string address;
  std::optional<std::string> phone;  // masked (the full number only through RevealPhone)
  std::string status;       // derived from the events: poor, exited, removed, deceased, unregistered
  int64_t version = 0;
  // Filled by ListHouseholds only: the current head's name ("" without one)
  // and the village's township.
  std::string head_name;
  std::string township_code;
  std::string township_name;
  std::vector<Member> members;          // current members (filled by GetHousehold)
  std::vector<HouseholdEvent> events;   // oldest first (filled by GetHousehold)
  std::vector<HouseholdYear> years;     // ascending (filled by GetHousehold)
};

// Fields of a household that can be changed; unset ones stay as they are.
struct HouseholdPatch {
  std::optional<std::string> attribute;
  std::optional<std::string> main_cause;
  std::optional<std::vector<std::string>> other_causes;
  std::optional<std::string> address;
  std::optional<std::optional<std::string>> phone;  // set to nullopt inside to clear
};

class HouseholdRegistry {
 public:
  explicit HouseholdRegistry(store::Connection& db, const Clock& clock = DefaultClock()) : db_(db), clock_(clock) {}

  // Adds a household; returns its id. Refuses a duplicate number, an unknown
  // area or one that is not a village, unknown vocabulary.
  int64_t AddHousehold(const Caller& caller, const HouseholdInput& input);

  // By id or number; NotFound if neither matches.
  Household GetHousehold(const Caller& caller, int64_t id);
  Household GetHouseholdByNumber(const Caller& caller, const std::string& number);
  // GetHousehold's household as HouseholdJsonText writes it, with its version
  // (what GET /households/{id} sends): the text kept in `texts` when it was
  // stored at the current data head (one primary-key read), else read and
  // kept there. The same access check and errors as GetHousehold, every time.
  // Shared with `texts`, not copied (the server sends it as it is).
  std::shared_ptr<const HouseholdText> GetHouseholdText(const Caller& caller, int64_t id, HouseholdTexts& texts);
  // The household's full phone number ("" when none): the roles that see full
  // ID numbers, audited (household.phone_view).
  std::string RevealPhone(const Caller& caller, int64_t id);

  struct ListFilter {
    std::string area_code;                 // any level; "" = caller's scope
    std::optional<std::string> status;     // as of the end of `year` (or now)
    std::optional<int> year;               // with status: the status at the end of that year;
                                           // alone: households identified up to that year
    // number | identified_year | village_code | status, with '-' in front for descending.
    std::string sort = "number";
    // A full phone number: households whose phone, or a current member's, is
    // this number (exact, through the blind index; separators and +86 ignored).
    std::optional<std::string> phone;
    // Find a household (户查询): a valid full ID number finds the household
    // of the person holding it (a current member, through the blind index;
    // nothing is decrypted); anything else is the household number or the
    // current head's full name, exactly. Surrounding spaces are ignored.
    std::optional<std::string> q;
    int64_t limit = 50;
    int64_t offset = 0;
  };
  struct ListPage {
    int64_t total = 0;
    std::vector<Household> items;  // members/events/years not filled
  };
  ListPage ListHouseholds(const Caller& caller, const ListFilter& filter);

  struct EventInput {
    int64_t household_id = 0;
    std::string kind;
    std::string date;                 // YYYY-MM-DD; year is taken from it unless given
    std::optional<int> year;
    std::string reason;
  };
  // Appends an event to the history, after checking that it follows from the
  // current status (exit only from poor, return only from exited, ...).
  // Returns the event id. Refuses 'exited' (FailedPrecondition): an exit goes
  // through the exit procedure (`fupin exit ...`, assessment::ExitService).
  int64_t RecordEvent(const Caller& caller, const EventInput& input);

  // Records an 'exited' event; callable only by the exit procedure, which
  // holds the permit after its own checks. Same status checks as RecordEvent.
  int64_t RecordExit(const Caller& caller, const EventInput& input, const ExitPermit& permit);

  // Records the yearly facts (insert or replace). `members` defaults to the
  // current member count.
  void SetHouseholdYear(const Caller& caller, int64_t household_id, HouseholdYear facts);

  // Changes the fields that are set in `patch`, if the household is still at
  // `expected_version` (the version the caller read); otherwise throws
  // Conflict and writes nothing, so two cadres never lose each other's changes.
  Household UpdateHousehold(const Caller& caller, int64_t id, int64_t expected_version, const HouseholdPatch& patch);

 private:
  int64_t AppendEvent(const Caller& caller, const EventInput& input);
  friend class PersonRegistry;
  store::Connection& db_;
  const Clock& clock_;
};

struct PersonInput {
  std::string id_number;
  std::string name;
  int64_t household_id = 0;
  std::string relation = "other";
  std::optional<std::string> start_date;  // default: today
  std::string ethnicity = "汉族";
  std::string education = "unknown";
  std::string health = "healthy";
  std::optional<int> disability_grade;
  std::string labour_ability = "unknown";
  std::optional<std::string> phone;
};

struct PersonYear {
  int year = 0;
  std::optional<std::string> school_status;
  std::optional<std::string> school_stage;
  std::optional<bool> medical_insured;
  std::optional<bool> pension_insured;
  std::optional<std::string> employment;
  std::optional<std::string> major_disease;  // vocab MajorDiseases (registry migration 102)
  std::optional<bool> chronic_contract;      // signed a family-doctor contract (家庭医生签约)
};

struct MembershipRecord {
  int64_t household_id = 0;
  std::string household_number;
  std::string relation;
  std::string start_date;
  std::optional<std::string> end_date;
  std::optional<std::string> end_reason;
};

struct Person {
  int64_t id = 0;
  std::string id_number;  // masked (the full number only through RevealIdNumber)
  std::string name;
  std::string sex;
  std::string birth_date;
  std::string ethnicity;
  std::string education;
  std::string health;
  std::optional<int> disability_grade;
  std::string labour_ability;
  std::optional<std::string> phone;
  std::optional<std::string> death_date;
  int64_t version = 0;
  std::optional<int64_t> household_id;   // current household
  std::string relation;                  // in the current household
  std::vector<MembershipRecord> memberships;  // oldest first
  std::vector<PersonYear> years;
  std::vector<std::string> warnings;     // e.g. an unknown area prefix (on add)
};

// Fields of a person that can be changed (the ID number, and so sex and birth
// date, cannot: a wrong number is corrected by removing and adding the person).
struct PersonPatch {
  std::optional<std::string> name;
  std::optional<std::string> ethnicity;
  std::optional<std::string> education;
  std::optional<std::string> health;
  std::optional<std::optional<int>> disability_grade;
  std::optional<std::string> labour_ability;
  std::optional<std::optional<std::string>> phone;
  std::optional<std::optional<std::string>> death_date;
};

class PersonRegistry {
 public:
  // ID numbers are encrypted with `protector` (nullptr: the process's, see
  // access::ConfigureProtector, looked up when the registry is made).
  explicit PersonRegistry(store::Connection& db, const Clock& clock = DefaultClock(),
                 const access::PersonalDataProtector* protector = nullptr)
      : db_(db), clock_(clock), protector_(protector ? *protector : access::CurrentProtector()) {}

  // Adds a person to a household. The ID number is validated (GB 11643); sex
  // and birth date are read from it. A number already in the registry is
  // refused, naming the household that holds it. An unknown area prefix is a
  // warning returned in Person::warnings.
  Person AddPerson(const Caller& caller, const PersonInput& input);

  Person GetPerson(const Caller& caller, int64_t id);
  Person GetPersonByIdNumber(const Caller& caller, const std::string& id_number);

  // Ends the current membership on `date` and opens one in `to_household_id`.
  void MovePerson(const Caller& caller, int64_t person_id, int64_t to_household_id, const std::string& relation,
                  const std::string& date, const std::string& reason);

  void SetPersonYear(const Caller& caller, int64_t person_id, const PersonYear& facts);

  // Changes the fields set in `patch` if the person is still at `expected_version`.
  Person UpdatePerson(const Caller& caller, int64_t id, int64_t expected_version, const PersonPatch& patch);

  // The full ID number, for a role that registers people in the person's
  // village; every display is written to the audit trail.
  std::string RevealIdNumber(const Caller& caller, int64_t person_id);
  // The full phone number ("" when none): the same roles, and audited
  // (person.phone_view) as RevealIdNumber. Elsewhere phones are masked.
  std::string RevealPhone(const Caller& caller, int64_t person_id);

 private:
  store::Connection& db_;
  const Clock& clock_;
  const access::PersonalDataProtector& protector_;
};

// Bulk exact matching of ID numbers (rosters, imports): for each number, the
// id of the person who holds it, or nullopt. A few queries per thousand
// numbers, through the blind index; no access check (callers check theirs).
std::vector<std::optional<int64_t>> LookupPersonsByIdNumber(store::Connection& db,
                                                           const access::PersonalDataProtector& protector,
                                                           std::span<const std::string> id_numbers);

}  // namespace fupin::registry
