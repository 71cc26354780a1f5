#pragma once
// Industry, employment, consumption assistance and small loans
// (产业扶贫、就业扶贫、消费扶贫、扶贫小额信贷), issue 21; docs/INDUSTRY.md.
//
// Who may do what (access::Resource::kIndustry): the county office and
// administrators write in their scope; townships and villages read theirs;
// auditors read all in their scope; other roles nothing. What one household
// has (plantings, links, jobs, loans) is read with the registry's rights on
// the household, so a paired cadre sees it for their own households.
//
// Every write runs in one transaction with its audit entry ("industry.*");
// a refusal (access, bad input naming the field, an unknown household)
// throws fupin::Error and leaves the database as it was. Registry tables are
// only read: a worker's household is their open membership.
//
// Money is integer fen; areas planted are thousandths of a mu.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "core/vocabulary.h"
#include "store/database.h"

namespace fupin::industry {

// Closed vocabularies with their Chinese labels (served to the web).
std::span<const Term> EntityKinds();         // cooperative enterprise family_farm workshop
std::span<const Term> LinkKinds();           // orders work shares land_lease trusteeship
std::span<const Term> BranchKinds();         // new joint strengthened
std::span<const Term> WorkPlaces();          // county province outside
std::span<const Term> JobChannels();         // placement job_fair workshop welfare_post own
std::span<const Term> NotEmployedReasons();  // illness disability caring no_skills no_jobs unwilling other
std::span<const Term> SupplierKinds();       // household entity village
std::span<const Term> BuyerKinds();          // unit union company cadre other
std::span<const Term> PurchaseChannels();    // fair ecommerce canteen market tourism other
std::span<const Term> PostFunding();         // asset_income funds
// The sets compared inside the module as types; the value of each is its Term's id.
enum class BranchKind { kNew, kJoint, kStrengthened };
enum class SupplierKind { kHousehold, kEntity, kVillage };
// Named in SQL the module builds (SqlWire); the value of each is its Term's id.
enum class EntityKind { kCooperative, kEnterprise, kFamilyFarm, kWorkshop };
enum class LinkKind { kOrders, kWork, kShares, kLandLease, kTrusteeship };
// All of them with their names, for GET /api/v1/vocabularies (entity_kind, link_kind, ...).
std::vector<Vocabulary> Vocabularies();

// ---- industries -------------------------------------------------------------

struct Industry {
  int64_t id = 0;
  std::optional<std::string> code;  // pepper, camellia: the industries the progress report names
  std::string name, unit;
  // Totals of the year asked (ListIndustries) in the area.
  int64_t households = 0;
  int64_t mu_milli = 0;
  int64_t output = 0;
  Fen income_fen = 0;
  Fen subsidy_fen = 0;
  Fen income_per_mu_fen() const;  // income / mu (0 without area)
};

struct PlantingInput {
  int64_t industry_id = 0;
  int64_t household_id = 0;
  int year = 0;
  int64_t mu_milli = 0;
  int64_t output = 0;
  Fen income_fen = 0;
  Fen subsidy_fen = 0;
  std::optional<int64_t> disbursement_id;  // the projects disbursement the subsidy was paid from
};

// ---- entities and branches ----------------------------------------------------

struct EntityInput {
  std::string name;
  std::string kind;
  std::string area_code;
  std::optional<int64_t> industry_id;
};

struct Entity {
  int64_t id = 0;
  std::string name, kind, area_code, area_name;
  std::optional<int64_t> industry_id;
  int64_t households = 0;  // linked households (the year asked, else all years)
  Fen earned_fen = 0;      // what they earned from the links
  int64_t version = 1;     // raised by each correction (UpdateEntity)
};

struct LinkInput {
  int64_t entity_id = 0;
  int64_t household_id = 0;
  int year = 0;
  std::string link_kind;
  Fen earned_fen = 0;
};

struct BranchInput {
  std::string name;
  std::string kind;        // new | joint | strengthened
  std::string area_code;
  std::string founded_on;  // YYYY-MM-DD (default today)
  std::vector<int64_t> entity_ids;
  std::vector<int64_t> household_ids;
};

struct Branch {
  int64_t id = 0;
  std::string name, kind, area_code, founded_on;
  int64_t entities = 0;
  int64_t households = 0;
};

// ---- employment ---------------------------------------------------------------

struct WorkerInput {
  int64_t person_id = 0;
  int year = 0;
  bool employed = false;
  std::string place;    // employed: county | province | outside
  std::string channel;  // employed: placement | job_fair | workshop | welfare_post | own
  std::string employer;
  int months = 0;
  Fen income_fen = 0;
  std::string training;
  std::string reason;   // not employed: illness | disability | ...
};

struct Worker {
  int64_t person_id = 0;
  std::string name;
  int64_t household_id = 0;
  std::string household_number, area_code;
  int year = 0;
  bool employed = false;
  std::string place, channel, employer;
  int months = 0;
  Fen income_fen = 0;
  std::string training, reason;
  std::string registry_employment;  // the registry's status of the person that year ("" unknown)
};

struct WorkerFilter {
  std::string area_code;          // default: the caller's scope
  int year = 0;
  std::optional<bool> employed;   // false: who is not employed, with why
  int64_t limit = 100;
  int64_t offset = 0;
};

struct WorkerPage {
  std::vector<Worker> items;
  int64_t total = 0;
};

struct WelfarePostInput {
  std::string name;
  std::string area_code;
  std::optional<int64_t> person_id;  // the holder (a registered person)
  Fen monthly_pay_fen = 0;
  std::string funded_by;             // asset_income | funds
  std::optional<int64_t> asset_id;   // the productive asset whose income pays it
  std::string start_date;
  std::string end_date;
};

struct WelfarePost {
  int64_t id = 0;
  std::string name, area_code;
  std::optional<int64_t> person_id, household_id;
  std::string holder;
  Fen monthly_pay_fen = 0;
  std::string funded_by;
  std::optional<int64_t> asset_id;
  std::string start_date, end_date;
};

// ---- consumption assistance --------------------------------------------------

struct ProductInput {
  std::string name;
  std::string category;
  std::string certificate_no;
  std::string certified_on;
  std::string supplier_kind;          // household | entity | village
  std::optional<int64_t> household_id;
  std::optional<int64_t> entity_id;
  std::string area_code;              // village: the village supplying
};

struct Product {
  int64_t id = 0;
  std::string name, category, certificate_no, certified_on, supplier_kind, supplier, area_code;
  std::optional<int64_t> household_id, entity_id;
  Fen sold_fen = 0;
  int64_t version = 1;
};

// What a correction of a product changes; the supplier stays (a product of
// another supplier is certified anew).
struct ProductEdit {
  std::string name;
  std::string category;
  std::string certificate_no;
  std::string certified_on;  // not after the product's first purchase
};

struct PurchaseInput {
  std::string date;
  std::string buyer_kind;
  std::string buyer;
  std::string channel;
  int64_t product_id = 0;
  Fen amount_fen = 0;
};

struct Purchase {
  int64_t id = 0;
  std::string date, buyer_kind, buyer, channel;
  int64_t product_id = 0;
  std::string product, area_code;
  Fen amount_fen = 0;
};

struct PurchaseFilter {
  std::string area_code;              // default: the caller's scope
  std::optional<int> year;            // of the purchase's date
  std::optional<int64_t> product_id;
  std::string buyer_kind;             // "" any
  int64_t limit = 50;
  int64_t offset = 0;
};

// A page of purchases, newest first, with the count and amount of all that match.
struct PurchasePage {
  std::vector<Purchase> items;
  int64_t total = 0;
  Fen amount_fen = 0;
};

struct PurchaseTotal {
  std::string key;    // the year, the township/village code, or the channel
  std::string label;
  int64_t purchases = 0;
  Fen amount_fen = 0;
};

struct PurchaseTotals {
  std::string area_code;
  std::optional<int> year;
  std::string by;  // year | area | channel
  std::vector<PurchaseTotal> rows;
  PurchaseTotal total;
};

// ---- small loans --------------------------------------------------------------

struct LoanInput {
  int64_t household_id = 0;
  std::string bank;
  Fen amount_fen = 0;
  std::string issued_on;
  std::string due_on;
  std::string purpose;
  std::optional<int64_t> entity_id;  // the loan bought a share in this entity (入股)
  Fen interest_subsidy_fen = 0;
};

struct Loan {
  int64_t id = 0;
  int64_t household_id = 0;
  std::string household_number, area_code, bank;
  Fen amount_fen = 0;
  std::string issued_on, due_on, purpose;
  std::optional<int64_t> entity_id;
  Fen interest_subsidy_fen = 0;
  Fen repaid_fen = 0;
  bool overdue = false;  // due before today and not repaid in full
  int64_t version = 1;
};

// What one household has: the industries it grows, its links to entities, its
// members' situations as workers, its loans.
struct HouseholdIndustry {
  struct Planting {
    std::string industry;
    int year = 0;
    int64_t mu_milli = 0;
    Fen income_fen = 0, subsidy_fen = 0;
  };
  struct Link {
    int64_t entity_id = 0;
    std::string entity, link_kind;
    int year = 0;
    Fen earned_fen = 0;
  };
  std::vector<Planting> plantings;
  std::vector<Link> links;
  std::vector<Worker> jobs;
  std::vector<Loan> loans;
};

class IndustryService {
 public:
  IndustryService(store::Connection& db, const Clock& clock) : db_(db), clock_(clock) {}

  // ---- industries (the county office names them; any area reads them)
  Industry AddIndustry(const Caller& caller, const std::string& name, const std::string& unit,
                       const std::optional<std::string>& code = std::nullopt);
  // Every industry with its totals of `year` in `area` (default: the caller's scope).
  std::vector<Industry> ListIndustries(const Caller& caller, const std::string& area, int year);
  // Records or replaces a household's row of an industry in a year.
  void RecordPlanting(const Caller& caller, const PlantingInput& in);

  // ---- entities, links, branches
  Entity AddEntity(const Caller& caller, const EntityInput& in);
  std::vector<Entity> ListEntities(const Caller& caller, const std::string& area, std::optional<int> year);
  // Records or replaces a link of an entity with a household in a year.
  void Link(const Caller& caller, const LinkInput& in);
  Branch AddBranch(const Caller& caller, const BranchInput& in);
  std::vector<Branch> ListBranches(const Caller& caller, const std::string& area);

  // ---- employment
  // Records or replaces a registered person's situation in a year; the
  // person's household is their open membership.
  Worker RecordWorker(const Caller& caller, const WorkerInput& in);
  WorkerPage ListWorkers(const Caller& caller, const WorkerFilter& filter);
  WelfarePost AddWelfarePost(const Caller& caller, const WelfarePostInput& in);
  std::vector<WelfarePost> ListWelfarePosts(const Caller& caller, const std::string& area);

  // ---- consumption assistance
  Product AddProduct(const Caller& caller, const ProductInput& in);
  std::vector<Product> ListProducts(const Caller& caller, const std::string& area);
  Purchase RecordPurchase(const Caller& caller, const PurchaseInput& in);
  // One statement: the page and the count and sum of every match.
  PurchasePage ListPurchases(const Caller& caller, const PurchaseFilter& filter);
  // by: year | area | channel. Two grouped queries.
  PurchaseTotals Totals(const Caller& caller, const std::string& area, std::optional<int> year, const std::string& by);

  // ---- small loans
  Loan AddLoan(const Caller& caller, const LoanInput& in);
  // Refused (failed_precondition, both figures named) beyond what is owed.
  Loan Repay(const Caller& caller, int64_t loan_id, const std::string& date, Fen amount);
  std::vector<Loan> ListLoans(const Caller& caller, const std::string& area, bool overdue_only);

  // ---- corrections (docs/INDUSTRY.md "Corrections"): `version` is the one
  // the caller read; a stale one is refused (conflict) and nothing changes.
  // Each is one transaction with its audit entry (before and after). A
  // record others refer to is not deleted: failed_precondition naming what
  // refers to it (an entity's links, branches, products and loans; a
  // product's purchases; a loan's repayments).
  // The entity's area cannot change while it has products (their area is its area).
  Entity UpdateEntity(const Caller& caller, int64_t id, const EntityInput& in, int64_t version);
  void DeleteEntity(const Caller& caller, int64_t id, int64_t version);
  Product UpdateProduct(const Caller& caller, int64_t id, const ProductEdit& in, int64_t version);
  void DeleteProduct(const Caller& caller, int64_t id, int64_t version);
  // The household stays (in.household_id is 0 or the loan's); the amount not
  // below what is repaid.
  Loan UpdateLoan(const Caller& caller, int64_t id, const LoanInput& in, int64_t version);
  void DeleteLoan(const Caller& caller, int64_t id, int64_t version);

  // ---- one household (read with the registry's rights on it)
  HouseholdIndustry ForHousehold(const Caller& caller, int64_t household_id);

 private:
  void RequireIn(const Caller& caller, bool write, const std::string& area, const std::string& entity);
  std::string ReadArea(const Caller& caller, const std::string& area);
  std::string VillageOf(int64_t household_id, const std::string& field);
  Loan GetLoan(int64_t id);
  Entity GetEntity(int64_t id);
  Product GetProduct(int64_t id);

  store::Connection& db_;
  const Clock& clock_;
};

// The progress report's figures of section 八 in `area` (a code prefix, ""
// for the nation) on `as_of` (docs/INDUSTRY.md): the rows of as_of's year of
// the industries coded pepper and camellia; branches founded by as_of and the
// households they drive; purchases from 2019-01-01 to as_of; workers'
// situations of the year. Persons are the households' members on as_of.
// No access check: the caller checks read access to industry in the area.
// A fixed number of queries.
struct IndustryFigures {
  int64_t pepper_households = 0, pepper_persons = 0, pepper_mu_milli = 0;
  Fen pepper_income_fen = 0;
  int64_t camellia_households = 0, camellia_mu_milli = 0;
  Fen camellia_income_fen = 0, camellia_subsidy_fen = 0;
  int64_t branches_new = 0, branches_joint = 0, branches_strengthened = 0;
  int64_t branch_households = 0, branch_persons = 0;
  Fen purchases_fen = 0;
  // Workers' records of the year by household, for persons who are members
  // of that household on as_of (the report keeps the registered households).
  struct WorkerCount {
    int64_t workers = 0, employed = 0;
  };
  std::unordered_map<int64_t, WorkerCount> workers_by_household;
};
IndustryFigures ComputeFigures(store::Connection& db, const std::string& area, const std::string& as_of);

// What the industry records say for the monitoring scan of `year` in `area`
// (docs/INDUSTRY.md, "Monitoring signals"), by household: members whose
// worker record says employed last year and not employed this year; loans due
// in the year and not repaid in full by its end (count, fen owed); entities
// that paid the household share dividends last year, reported links this
// year, and paid it none. Empty when the industry tables are not applied.
// No access check (the scan checks monitoring access). Three queries.
struct RiskSignals {
  std::unordered_map<int64_t, int64_t> lost_jobs;
  std::unordered_map<int64_t, std::pair<int64_t, Fen>> overdue_loans;
  std::unordered_map<int64_t, int64_t> stopped_dividends;
};
RiskSignals ScanSignals(store::Connection& db, const std::string& area, int year);

// JSON of the records (the API's shapes; money in fen with `_yuan` beside it).
nlohmann::json IndustryJson(const Industry& x);
nlohmann::json EntityJson(const Entity& x);
nlohmann::json BranchJson(const Branch& x);
nlohmann::json WorkerJson(const Worker& x);
nlohmann::json WelfarePostJson(const WelfarePost& x);
nlohmann::json ProductJson(const Product& x);
nlohmann::json PurchaseJson(const Purchase& x);
nlohmann::json PurchaseTotalsJson(const PurchaseTotals& x);
nlohmann::json PurchasePageJson(const PurchasePage& x, int64_t limit, int64_t offset);
nlohmann::json LoanJson(const Loan& x);
nlohmann::json HouseholdIndustryJson(const HouseholdIndustry& x);
nlohmann::json TermsJson();  // every vocabulary above

}  // namespace fupin::industry
