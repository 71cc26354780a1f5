#pragma once
// Safe housing, relocation and village infrastructure (issue 22,
// docs/HOUSING.md).
//
// Who may do what: the records are the development half's, under
// access::Resource::kProjects (docs/ACCESS.md): the county office and
// administrators write in their scope; townships and villages read theirs;
// auditors read all in their scope; other roles nothing. What one household
// has (its inspections, renovations, relocation) is also read with the
// registry's rights to the household (a paired cadre sees their own). Every
// write is one transaction with its audit entry (`housing.*`); a refusal
// (access, bad input) throws fupin::Error naming every wrong field and leaves
// the database as it was.
//
// Money is integer fen; transformer capacity is in thousandths of a kVA.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "registry/vocab.h"
#include "store/database.h"

namespace fupin::housing {

// Closed sets with their Chinese labels (GET /api/v1/vocabularies).
std::span<const registry::CodeTerm> KeyGroups();        // registered_poor dibao destitute poor_disabled other
std::span<const registry::CodeTerm> RenovationKinds();  // repair rebuild built_on_behalf unit_bought
std::span<const registry::CodeTerm> SiteKinds();        // centralised scattered
std::span<const registry::CodeTerm> WaterSupplies();    // centralised scattered none
std::span<const registry::CodeList> Vocabularies();

struct Inspection {
  int64_t id = 0;
  std::optional<int64_t> household_id;  // a registered household, else the householder names the house
  std::string household_number;
  std::string village_code, village_name;
  std::string householder;
  std::string key_group;
  std::string date;
  std::string inspector;
  std::string grade;  // A B C D (C, D: dangerous)
  bool plate = false;  // 挂牌
  std::string recorded_by;
};

struct Renovation {
  int64_t id = 0;
  int64_t inspection_id = 0;
  std::string kind;
  Fen subsidy_fen = 0;
  std::string start_date;
  std::optional<std::string> finish_date, accepted_on;
  // Of the inspection, when listed:
  std::optional<int64_t> household_id;
  std::string village_code, householder;
};

struct Site {
  int64_t id = 0;
  std::string name;
  std::string kind;  // centralised | scattered
  std::string township_code, township_name;
  int64_t capacity = 0;  // households
  int64_t households = 0, persons = 0;  // relocated there
};

struct Relocation {
  int64_t household_id = 0;
  std::string household_number;
  int64_t site_id = 0;
  std::string site_name;
  std::string from_village;
  int64_t persons = 0;  // members on moved_on (set when recorded)
  std::string moved_on;
  std::optional<std::string> demolished_on;  // 拆旧
  bool reclaimed = false;                    // 复垦
  std::optional<int64_t> jobs;               // persons given a job
  std::optional<int64_t> school_transfers;   // children moved to a school near the site
  std::optional<bool> medical_transferred;   // insurance and care transferred
};

struct Infrastructure {
  std::string village_code, village_name;
  int year = 0;
  bool road_hardened = false;  // 通村硬化路
  int64_t natural_villages = 0, natural_villages_reached = 0;  // 自然村（组）, of them with a hardened road
  std::string water_supply = "none";  // centralised | scattered | none (安全饮水)
  bool tap_water = false;             // piped into the houses
  int64_t households = 0;
  int64_t transformer_kva_milli = 0;  // 配变容量, thousandths of a kVA
  bool broadband = false, clinic = false, culture_centre = false;
  Fen collective_income_fen = 0;
  // Thousandths of a kVA per household (rounded down; 0 without households).
  int64_t KvaPerHouseholdMilli() const;
};

// The facilities of the village exit as the village assessment reads them
// from a record: road = hardened road to the village, water = a safe supply
// (not "none"), power = transformer capacity above 0, and the three services.
struct FacilityFacts {
  bool road = false, water = false, power = false, clinic = false, broadband = false, culture_centre = false;
};
FacilityFacts FacilitiesOf(const Infrastructure& record);

// Whether a household lives in a safe house on a date (docs/HOUSING.md):
//  - relocated (moved on or before the date): safe;
//  - else its latest inspection on or before the date decides: grade A or B
//    safe; C or D safe only once a renovation of that inspection was accepted
//    on or before the date;
//  - no inspection and no relocation: not in the map (the assessment then
//    keeps the household's yearly housing fact).
struct HouseSafety {
  bool safe = false;
  std::optional<int64_t> inspection_id;
  std::string grade;
  std::string inspected_on;
  std::optional<int64_t> renovation_id;
  std::optional<std::string> relocated_on;
};
// For the registered households of `area` (a code prefix) on `date`. Two
// reads. Empty on a database without the housing tables (another module's
// test fixture).
std::unordered_map<int64_t, HouseSafety> HouseSafetyOn(store::Connection& db, const std::string& area,
                                                      const std::string& date);
nlohmann::json HouseSafetyJson(const HouseSafety& safety);

// Whether the database has the housing tables (migration 1200): another
// module's test fixture may not.
bool HousingTablesExist(store::Connection& db);

// A village's record of `year`; nullopt when there is none (or no housing tables).
std::optional<Infrastructure> ReadInfrastructure(store::Connection& db, const std::string& village, int year);

// A house whose latest inspection on `date` is C or D with no accepted
// renovation, its household not relocated: someone may live in a dangerous
// house (人住危房).
struct DangerousHouse {
  Inspection inspection;
  std::optional<int64_t> renovation_id;  // started, not yet accepted
};

struct InspectionFilter {
  std::string area_code;  // default the caller's scope
  std::string grade;      // A B C D or ""
  bool dangerous_only = false;  // C or D
  int64_t limit = 100, offset = 0;
};

// The 住房安全 page on a date (docs/HOUSING.md "Summaries"): every house's
// latest inspection on or before the date counted by grade and key group; the
// renovations started by then by kind (accepted by then, subsidy); and, for
// each area one level below the one asked (the village itself when a village
// is asked), its houses and how many rule 2 calls dangerous with the
// household not relocated (人不住危房 holds where that is 0).
struct HouseCount {
  std::string grade, key_group;
  int64_t houses = 0, plates = 0;  // plates: with the plate (挂牌) up
};
struct RenovationCount {
  std::string kind;
  int64_t started = 0, accepted = 0;
  Fen subsidy_fen = 0;  // of those started
};
struct AreaSafety {
  std::string code, name;
  int64_t houses = 0, dangerous = 0;
};
struct HousingSummary {
  std::string area, date;
  std::vector<HouseCount> houses;  // by grade, then key group
  std::vector<RenovationCount> renovations;  // by kind, in vocabulary order
  std::vector<AreaSafety> areas;   // by code
  int64_t dangerous = 0;
};

// The 易地搬迁 page on a date: households moved by then (by the village they
// left) with their persons, the old houses demolished and reclaimed by then
// and the follow-up recorded, by site kind (centralised, scattered).
struct RelocationCount {
  std::string site_kind;
  int64_t households = 0, persons = 0, demolished = 0, reclaimed = 0;
  int64_t jobs = 0, school_transfers = 0, medical_transferred = 0;
};
struct RelocationSummary {
  std::string area, date;
  std::vector<RelocationCount> kinds;  // centralised, scattered
  RelocationCount total;               // site_kind ""
};

struct HouseholdHousing {
  std::vector<Inspection> inspections;
  std::vector<Renovation> renovations;
  std::optional<Relocation> relocation;
  std::optional<HouseSafety> safety;  // today
};

class HousingService {
 public:
  HousingService(store::Connection& db, const Clock& clock) : db_(db), clock_(clock) {}

  Inspection Inspect(const Caller& caller, const Inspection& in);
  std::vector<Inspection> ListInspections(const Caller& caller, const InspectionFilter& filter);
  // Of an inspection graded C or D; the acceptance needs the finish date.
  Renovation Renovate(const Caller& caller, const Renovation& in);
  // Records the finish and acceptance (验收) of a renovation.
  Renovation Accept(const Caller& caller, int64_t renovation_id, const std::string& finish_date,
                    const std::string& accepted_on);
  std::vector<Renovation> ListRenovations(const Caller& caller, const std::string& area, int64_t limit = 100,
                                          int64_t offset = 0);
  // "Nobody lives in a dangerous house" (人不住危房) checked on `date` (default today).
  std::vector<DangerousHouse> DangerousHouses(const Caller& caller, const std::string& area, const std::string& date);

  // The 住房安全 page's figures on `date` (default today). A fixed number of reads.
  HousingSummary Summarize(const Caller& caller, const std::string& area, const std::string& date);

  Site AddSite(const Caller& caller, const Site& in);
  std::vector<Site> ListSites(const Caller& caller, const std::string& area);
  // A registered household of the county moved to a site; persons = its members on moved_on.
  Relocation Relocate(const Caller& caller, const Relocation& in);
  std::vector<Relocation> ListRelocations(const Caller& caller, const std::string& area, int64_t limit = 100,
                                          int64_t offset = 0);
  // The 易地搬迁 page's figures on `date` (default today). One read.
  RelocationSummary SummarizeRelocation(const Caller& caller, const std::string& area, const std::string& date);

  // Records (or replaces) a village's infrastructure of a year.
  Infrastructure SetInfrastructure(const Caller& caller, const Infrastructure& in);
  // The villages of `area` with a record for `year`, by code.
  std::vector<Infrastructure> ListInfrastructure(const Caller& caller, const std::string& area, int year);

  // A household's house and relocation, read with the registry's rights to it.
  HouseholdHousing ForHousehold(const Caller& caller, int64_t household_id);

 private:
  store::Connection& db_;
  const Clock& clock_;
};

// Writes many villages' records (insert or replace) with one reused
// statement, inside the caller's transaction. No checks, access or audit: the
// caller (an import, the demo) validated the rows, checked write access for
// every village and audits the batch.
void WriteInfrastructure(store::Connection& db, std::span<const Infrastructure> rows, const std::string& user,
                         int64_t now);

// The progress report's figures of section 九 in `area` on `as_of`
// (docs/HOUSING.md): houses inspected (distinct houses of the four key
// groups inspected with the plate put up), houses renovated (renovations
// accepted), households and persons relocated (moved by as_of, by the village
// they left), the road works' outputs (road projects counted as the projects
// module counts them: approved by as_of, not withdrawn), and the power per
// household over the poor villages (each village's latest record of a year up
// to as_of's). No access check: the caller checks read access to projects.
struct HousingFigures {
  int64_t houses_inspected = 0, houses_renovated = 0;
  int64_t relocated_households = 0, relocated_persons = 0;
  std::map<std::string, int64_t> road_milli;  // by road output item (RoadItems)
  int64_t power_villages = 0, power_households = 0, power_kva_milli = 0;
};
HousingFigures ComputeFigures(store::Connection& db, const std::string& area, const std::string& as_of);

// The outputs of road projects the figures read: the figure key, the output
// item as projects record it, its unit.
struct RoadItem {
  const char* key = nullptr;   // road_widened_km ...
  const char* item = nullptr;  // 窄路加宽
  const char* unit = nullptr;  // km, 座
};
std::span<const RoadItem> RoadItems();

nlohmann::json InspectionJson(const Inspection& i);
nlohmann::json RenovationJson(const Renovation& r);
nlohmann::json SiteJson(const Site& s);
nlohmann::json RelocationJson(const Relocation& r);
nlohmann::json InfrastructureJson(const Infrastructure& i);
nlohmann::json HouseholdHousingJson(const HouseholdHousing& h);
nlohmann::json HousingSummaryJson(const HousingSummary& s);
nlohmann::json RelocationSummaryJson(const RelocationSummary& s);

}  // namespace fupin::housing
