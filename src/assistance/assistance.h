#pragma once
// Assistance (帮扶): cadres, sector departments, county leaders linked to
// places (联点), resident work teams (驻村工作队), pairings of cadres with
// households (结对帮扶) and visits (走访).
//
// Every function takes the Caller and checks access through access::Guard
// with Resource::kAssistance before it writes, and records every write in the
// audit trail inside the write's transaction. Phone numbers are returned in
// full; adapters mask them (AssistanceJson in assistance/assistance_json.h).
// Bad input throws invalid_argument with one detail per wrong field; nothing
// is written.
//
// Dates are YYYY-MM-DD. A period is [start_date, end_date): the end date is
// the first day it no longer holds (NULL: open).
//
// Rules (docs/ASSISTANCE.md):
//  - A household has at most one active pairing; pairing needs the household
//    registered (poor or exited: 脱贫不脱帮扶 — an exit ends no pairing).
//  - A cadre holds at most `pairing_household_limit` active pairings
//    (parameter, default 5).
//  - HandOver ends every active pairing of a leaving cadre and opens the same
//    pairings for another cadre in one transaction; the old rows stay.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/caller.h"
#include "core/date.h"
#include "core/vocabulary.h"
#include "store/database.h"

namespace fupin::assistance {

struct CadreInput {
  std::optional<std::string> code;  // 干部编号, unique when set
  std::string name;
  std::string unit;
  std::string position;
  std::optional<std::string> phone;
  std::string area_code;                 // "" = the caller's scope
  std::optional<std::string> user_name;  // a login to link (paired-cadre view)
};

struct Cadre {
  int64_t id = 0;
  std::optional<std::string> code;
  std::string name;
  std::string unit;
  std::string position;
  std::optional<std::string> phone;
  std::string area_code;
  std::optional<std::string> user_name;
  std::optional<std::string> left_on;
  int64_t active_households = 0;  // active pairings today
};

struct Department {
  int64_t id = 0;
  std::string area_code;
  std::string name;
  std::string responsibility;
};

struct LeaderLink {
  int64_t id = 0;
  int64_t cadre_id = 0;
  std::string cadre_name;
  std::string position;
  std::string area_code;
  std::string area_name;
  std::string start_date;
  std::optional<std::string> end_date;
};

struct TeamMember {
  int64_t id = 0;
  int64_t cadre_id = 0;
  std::string cadre_name;
  std::string unit;
  std::string role;  // captain | first_secretary | member
  std::string start_date;
  std::optional<std::string> end_date;
};

struct WorkTeam {
  int64_t id = 0;
  std::string village_code;
  std::string village_name;
  std::string dispatching_unit;
  std::string start_date;
  std::optional<std::string> end_date;
  std::vector<TeamMember> members;  // every member, past ones included
};

struct TeamInput {
  std::string village_code;
  std::string dispatching_unit;
  std::string start_date;
  std::optional<std::string> end_date;
};

struct Pairing {
  int64_t id = 0;
  int64_t cadre_id = 0;
  std::string cadre_name;
  int64_t household_id = 0;
  std::string household_number;
  std::string village_code;
  std::string start_date;
  std::optional<std::string> end_date;
  std::optional<std::string> end_reason;
  std::optional<int64_t> handed_to;
};

struct PairingFilter {
  std::optional<int64_t> cadre_id;
  std::optional<int64_t> household_id;
  bool active_only = false;  // active today
};

// A page of a list and its search (issue 24): `q` narrows the list (see each
// list), `limit` 0 gives every row (the CLI), else 1..1000 rows from `offset`.
struct ListWindow {
  std::string q;
  int64_t limit = 0;
  int64_t offset = 0;
};

template <class T>
struct ListPage {
  int64_t total = 0;      // every row of the list and its search
  std::vector<T> items;   // the window
};

struct HandoverResult {
  int64_t from_cadre_id = 0;
  int64_t to_cadre_id = 0;
  std::string date;
  std::vector<int64_t> ended;   // pairing ids ended
  std::vector<int64_t> opened;  // pairing ids opened, same order
};

struct VisitInput {
  int64_t household_id = 0;
  std::optional<int64_t> cadre_id;  // default: the household's active paired cadre
  std::string date;
  std::string done;      // 帮扶内容
  std::string promised;  // 承诺事项
};

struct Visit {
  int64_t id = 0;
  int64_t household_id = 0;
  int64_t cadre_id = 0;
  std::string cadre_name;
  std::string date;
  std::string done;
  std::string promised;
  std::string recorded_by;
};

// A paired cadre's own view of one household.
struct MyHousehold {
  int64_t household_id = 0;
  std::string number;
  std::string village_code;
  std::string village_name;
  std::string status;  // poor | exited | ...
  std::string paired_since;
  std::optional<std::string> last_visit;
  std::string next_visit_due;  // last visit (or pairing start) + interval
  bool overdue = false;        // next_visit_due < today
  std::string last_promised;   // what the last visit promised
};

struct MyHouseholds {
  Cadre cadre;
  int visit_interval_days = 30;
  std::vector<MyHousehold> households;
};

// The Chinese name of a work-team role (captain 队长, first_secretary 第一书记,
// member 队员); any other text as it is.
std::string TeamRoleZh(const std::string& role);
// The roles in a work team (core/vocabulary.h), in the order teams list their members.
enum class TeamRole { kCaptain, kFirstSecretary, kMember };
std::span<const Term> TeamRoles();  // captain 队长, first_secretary 第一书记, member 队员
// The module's closed sets by the names GET /api/v1/vocabularies gives them (work_team_role).
std::vector<Vocabulary> Vocabularies();

// The assistance parameters in force (assessment_parameters).
struct AssistanceParams {
  int pairing_household_limit = 5;
  int visit_interval_days = 30;
};
AssistanceParams ReadParams(store::Connection& db);

class AssistanceService {
 public:
  explicit AssistanceService(store::Connection& db, const Clock& clock = DefaultClock()) : db_(db), clock_(clock) {}

  int64_t AddCadre(const Caller& caller, const CadreInput& input);
  Cadre GetCadre(const Caller& caller, int64_t id);
  // Cadres of an area (any level; "" = the caller's scope), by name.
  std::vector<Cadre> ListCadres(const Caller& caller, const std::string& area_code);
  // The same list, a window of it; q: part of the cadre's name or unit.
  ListPage<Cadre> ListCadres(const Caller& caller, const std::string& area_code, const ListWindow& window);

  int64_t AddDepartment(const Caller& caller, const std::string& area_code, const std::string& name,
                        const std::string& responsibility);
  // Adds every department of the reference list (sector_department_types)
  // that the area does not have yet; returns how many were added.
  int AddStandardDepartments(const Caller& caller, const std::string& area_code);
  std::vector<Department> ListDepartments(const Caller& caller, const std::string& area_code);

  // Links a county leader (a cadre) to a township or village from `start_date`.
  int64_t LinkLeader(const Caller& caller, int64_t cadre_id, const std::string& area_code,
                     const std::string& start_date);
  std::vector<LeaderLink> ListLeaderLinks(const Caller& caller, const std::string& area_code);

  int64_t AddTeam(const Caller& caller, const TeamInput& input);
  int64_t AddTeamMember(const Caller& caller, int64_t team_id, int64_t cadre_id, const std::string& role,
                        const std::string& start_date);
  WorkTeam GetTeam(const Caller& caller, int64_t id);
  std::vector<WorkTeam> ListTeams(const Caller& caller, const std::string& area_code);
  // The same list, a window of it; q: part of the village's name, the start of
  // its code, part of the dispatching unit or of the team leader's (captain's) name.
  ListPage<WorkTeam> ListTeams(const Caller& caller, const std::string& area_code, const ListWindow& window);

  // Pairs a cadre with a registered household from `start_date`. Refuses
  // (failed_precondition) a household that already has an active pairing, a
  // cadre who left, or a cadre at the limit.
  int64_t Pair(const Caller& caller, int64_t cadre_id, int64_t household_id, const std::string& start_date);
  // Ends one pairing on `date` (first day no longer paired).
  void EndPairing(const Caller& caller, int64_t pairing_id, const std::string& date, const std::string& reason);
  // The cadre leaves on `date`: every active pairing of theirs is ended and
  // handed to `to_cadre_id` from the same day, all or nothing; the leaving
  // cadre's left_on is set. Refuses when the receiving cadre would go over
  // the limit.
  HandoverResult HandOver(const Caller& caller, int64_t from_cadre_id, int64_t to_cadre_id, const std::string& date,
                          const std::string& reason);
  std::vector<Pairing> ListPairings(const Caller& caller, const PairingFilter& filter);
  // The same list, a window of it; q: the household number or the cadre's full name.
  ListPage<Pairing> ListPairings(const Caller& caller, const PairingFilter& filter, const ListWindow& window);

  // Records a visit. A paired cadre records visits to their own households
  // only, as themselves.
  int64_t RecordVisit(const Caller& caller, const VisitInput& input);
  std::vector<Visit> ListVisits(const Caller& caller, int64_t household_id);

  // The calling cadre's households (the cadre whose user is the caller).
  MyHouseholds MyView(const Caller& caller);
  // The same view of any cadre, for the office (read access to the cadre's area).
  MyHouseholds CadreView(const Caller& caller, int64_t cadre_id);

 private:
  MyHouseholds View(int64_t cadre_id);
  store::Connection& db_;
  const Clock& clock_;
};

}  // namespace fupin::assistance
