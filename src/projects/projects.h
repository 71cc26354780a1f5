#pragma once
// Projects, funds and assets (项目库、扶贫资金、扶贫资产与收益分配), issue 20.
//
// Who may do what (access::Resource::kProjects; docs/PROJECTS.md): the county
// office and administrators write in their scope; townships and villages read
// theirs; auditors read all in their scope; other roles nothing. Every write
// runs in one transaction with its audit entry; a refusal (access, bad input,
// an illegal step, money spent twice) throws fupin::Error and leaves the
// database as it was.
//
// Money is integer fen; quantities of outputs are thousandths of their unit.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/money.h"
#include "core/vocabulary.h"
#include "store/database.h"

namespace fupin::projects {

// The closed sets of projects, funds and assets (core/vocabulary.h): one table each of the
// stored/wire string and the Chinese label, served by GET /api/v1/vocabularies (project_kind,
// project_level, project_step, asset_kind, station_kind, distribution_kind, notice_kind) and, as
// {code, label}, by GET /api/v1/projects/terms. Wire strings are parsed once where they come in.
enum class ProjectKind {
  kIndustry, kWater, kRoad, kPower, kInfrastructureOther, kRelocation,
  kHousing, kEducation, kHealth, kEmployment, kPhotovoltaic, kOther,
};
enum class ProjectLevel { kProvincial, kMunicipal, kCounty };
// A project's steps in order; its status is the last step taken.
enum class ProjectStatus { kProposed, kReviewed, kListed, kApproved, kUnderWay, kAccepted, kCompleted, kWithdrawn };
enum class AssetKind { kProductive, kPublicWelfare, kHousehold };
enum class StationKind { kJoint, kCentral, kVillage };
enum class DistributionKind { kDividend, kPublicPost, kOther };
enum class NoticeKind { kPlan, kResult };

std::span<const Term> ProjectKinds();       // industry water road power infrastructure_other ...
std::span<const Term> ProjectLevels();      // provincial municipal county
std::span<const Term> ProjectSteps();       // proposed reviewed listed approved under_way accepted completed withdrawn
std::span<const Term> AssetKinds();         // productive public_welfare household
std::span<const Term> StationKinds();       // joint central village
std::span<const Term> DistributionKinds();  // dividend public_post other
std::span<const Term> NoticeKinds();        // plan result
// The sets above by the names GET /api/v1/vocabularies gives them.
std::vector<Vocabulary> Vocabularies();
// Fund sources from the fund_sources table, in order.
std::vector<std::pair<std::string, std::string>> FundSources(store::Connection& db);
// The steps allowed after `status` (empty for completed and withdrawn).
std::vector<ProjectStatus> NextSteps(ProjectStatus status);

struct Output {
  std::string item;              // 管网 道路 光伏 ...
  std::string unit;              // km kVA mu kW 户 ...
  int64_t planned_milli = 0;     // thousandths of the unit
  std::optional<int64_t> actual_milli;
};

struct ProjectInput {
  std::string name;
  std::string kind;
  std::string level;
  std::string area_code;         // county, township or village
  int start_year = 0;
  int end_year = 0;
  std::string implementer;
  std::vector<std::pair<std::string, Fen>> budget;  // source -> planned fen
  std::vector<int64_t> household_ids;               // registered households it benefits
  int64_t outside_beneficiaries = 0;
  std::vector<Output> outputs;
  std::string proposed_on;       // YYYY-MM-DD of 申报 (default today)
  std::string document_no;
};

struct StepRecord {
  std::string step;
  std::string date;
  std::string actor;
  std::string document_no;
  std::string note;
};

struct Notice {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string kind;        // plan | result
  std::string start_date;
  std::string end_date;
  int64_t period_days = 0;  // inclusive of both ends
  std::string place;
  std::string objections;
  std::string recorded_by;
};

struct Beneficiary {
  int64_t household_id = 0;
  std::string number;
  std::string village_code;
  int64_t persons = 0;
};

struct Project {
  int64_t id = 0;
  std::string name, kind, level, area_code, area_name;
  int start_year = 0, end_year = 0;
  std::string implementer;
  std::string status;
  int64_t outside_beneficiaries = 0;
  int64_t households = 0;   // linked households
  int64_t persons = 0;      // their persons
  Fen budget_fen = 0;       // planned, all sources
  Fen given_fen = 0;        // assigned from allocations
  Fen spent_fen = 0;        // disbursed
  int64_t version = 0;
  // Filled by GetProject only:
  std::vector<std::pair<std::string, Fen>> budget;
  std::vector<Beneficiary> beneficiaries;
  std::vector<Output> outputs;
  std::vector<StepRecord> steps;
  std::vector<Notice> notices;
  std::vector<std::string> next_steps;
};

struct ProjectFilter {
  std::string area_code;   // default: the caller's scope
  std::string kind;
  std::string status;
  std::optional<int> year;  // projects running in that year
  int64_t limit = 100;
  int64_t offset = 0;
};

struct ProjectPage {
  std::vector<Project> items;
  int64_t total = 0;
};

struct AllocationInput {
  std::string document_no;
  std::string date;
  int year = 0;
  std::string source;
  std::string area_code;
  Fen amount_fen = 0;
};

struct Allocation {
  int64_t id = 0;
  std::string document_no, date;
  int year = 0;
  std::string source, source_zh, area_code;
  Fen amount_fen = 0;
  Fen assigned_fen = 0;
  Fen spent_fen = 0;
};

struct Assignment {
  int64_t id = 0;
  int64_t allocation_id = 0;
  int64_t project_id = 0;
  std::string date;
  Fen amount_fen = 0;
};

struct DisbursementInput {
  int64_t project_id = 0;
  std::optional<int64_t> allocation_id;  // default: the project's only allocation
  std::string date;
  Fen amount_fen = 0;
  std::string payee;
  std::string purpose;
};

struct Disbursement {
  int64_t id = 0;
  int64_t project_id = 0;
  int64_t allocation_id = 0;
  std::string date;
  Fen amount_fen = 0;
  std::string payee, purpose;
};

// Spending progress (支出进度) grouped by one dimension.
struct ProgressRow {
  std::string key;      // the source code, township/village code, kind, or year
  std::string label;    // Chinese label or area name
  Fen allocated_fen = 0;  // allocations (by source/area/year; 0 by kind)
  Fen assigned_fen = 0;
  Fen spent_fen = 0;
  Fen balance_fen = 0;  // assigned - spent
  double rate() const;  // spent / assigned in percent, two decimals (0 when nothing assigned)
};

struct IdleFunds {  // given to a completed project but not spent
  int64_t project_id = 0;
  std::string name, area_code;
  Fen given_fen = 0, spent_fen = 0, left_fen = 0;
};

struct FundProgress {
  std::string area_code;
  std::optional<int> year;
  std::string by;  // source | area | kind | year
  std::vector<ProgressRow> rows;
  ProgressRow total;
  std::vector<IdleFunds> idle;
};

struct AssetInput {
  int64_t project_id = 0;
  std::string name;
  std::string kind;          // productive | public_welfare | household
  std::string owner;
  std::string custodian;
  std::string area_code;     // default: the project's area
  std::optional<int64_t> household_id;  // kind household
  Fen value_fen = 0;
  std::string formed_on;     // default: the project's completion date
  std::optional<std::string> station_kind;  // a PV station: joint | central | village
  int64_t capacity_w = 0;
  std::vector<int64_t> beneficiary_household_ids;
};

struct Asset {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string project_name;
  std::string name, kind, owner, custodian, area_code, area_name;
  std::optional<int64_t> household_id;
  Fen value_fen = 0;
  std::string formed_on;
  std::optional<std::string> station_kind;
  int64_t capacity_w = 0;
  int64_t beneficiary_households = 0;
  int64_t beneficiary_persons = 0;
  Fen income_fen = 0;       // all years
  Fen distributed_fen = 0;  // all years
};

struct AssetFilter {
  std::string area_code;
  std::string kind;
  bool stations_only = false;
  int64_t limit = 100;
  int64_t offset = 0;
};

struct DistributionInput {
  int64_t asset_id = 0;
  int year = 0;
  std::string kind;          // dividend | public_post | other
  std::optional<int64_t> household_id;
  std::string post;
  std::string date;
  Fen amount_fen = 0;
};

// What one household received: projects that benefit it, assets it holds,
// dividends and pay it was given.
struct Receipt {
  std::string kind;      // project | asset | dividend | station
  int64_t id = 0;        // project, asset or distribution id
  std::string name;
  std::optional<int> year;
  std::optional<std::string> date;
  Fen amount_fen = 0;
};

class ProjectService {
 public:
  ProjectService(store::Connection& db, const Clock& clock) : db_(db), clock_(clock) {}

  // ---- projects
  Project AddProject(const Caller& caller, const ProjectInput& in);
  Project GetProject(const Caller& caller, int64_t id);
  ProjectPage ListProjects(const Caller& caller, const ProjectFilter& filter);
  // Takes the project to `step` (a step of NextSteps(status)), else
  // failed_precondition naming the allowed ones. The date may not precede the
  // previous step's.
  Project Step(const Caller& caller, int64_t id, const std::string& step, const std::string& date,
               const std::string& document_no, const std::string& note = "");
  Notice AddNotice(const Caller& caller, int64_t project_id, const std::string& kind, const std::string& start_date,
                   const std::string& end_date, const std::string& place, const std::string& objections = "");
  // The notice sheet (公示表) of the project's notice `notice_id` as XLSX.
  void WriteNoticeSheet(const Caller& caller, int64_t project_id, int64_t notice_id, const std::string& path);

  // ---- funds
  Allocation Allocate(const Caller& caller, const AllocationInput& in);
  std::vector<Allocation> ListAllocations(const Caller& caller, const std::string& area_code, std::optional<int> year);
  // Refused (failed_precondition, both figures named) when the amount exceeds
  // what is left of the allocation.
  Assignment Assign(const Caller& caller, int64_t allocation_id, int64_t project_id, Fen amount,
                    const std::string& date);
  // Refused (failed_precondition, both figures named) when the amount exceeds
  // what the project has left of the allocation.
  Disbursement Spend(const Caller& caller, const DisbursementInput& in);
  // by: source | area | kind | year. Set-based: a fixed number of queries.
  FundProgress Progress(const Caller& caller, const std::string& area_code, std::optional<int> year,
                        const std::string& by);

  // ---- assets
  Asset AddAsset(const Caller& caller, const AssetInput& in);
  std::vector<Asset> ListAssets(const Caller& caller, const AssetFilter& filter);
  // Records (or replaces) the income of a productive asset in a year.
  void RecordIncome(const Caller& caller, int64_t asset_id, int year, Fen amount, std::optional<int64_t> generation_kwh);
  // Refused (failed_precondition, both figures named) beyond what is left of
  // the year's income.
  int64_t Distribute(const Caller& caller, const DistributionInput& in);
  // What a household received (read with the registry's rights to it).
  std::vector<Receipt> HouseholdReceipts(const Caller& caller, int64_t household_id);

 private:
  store::Connection& db_;
  const Clock& clock_;
};

// The progress report's figures of projects, funds and assets in `area` (a
// code prefix, "" for the nation) on `as_of` (docs/PROJECTS.md):
//  - a project counts once approved (批复 dated on or before as_of) and not
//    withdrawn by then; industry projects by level; water works;
//  - households of industry projects: distinct households linked to them;
//  - stations: PV stations formed on or before as_of, by kind; their
//    households and persons: distinct households benefiting from them;
//  - water investment: funds assigned to the counted water works by as_of;
//    pipe: their outputs in km (actual, else planned); beneficiaries: persons
//    outside the registry plus the persons of linked households.
// No access check: the caller checks read access to projects in the area.
// A fixed number of queries.
struct ProjectFigures {
  int64_t industry_provincial = 0, industry_county = 0, industry_households = 0;
  int64_t pv_joint = 0, pv_central = 0, pv_village = 0, pv_households = 0, pv_persons = 0;
  int64_t water_projects = 0;
  Fen water_investment_fen = 0;
  int64_t water_pipe_milli_km = 0;
  int64_t water_beneficiaries = 0;
};
ProjectFigures ComputeFigures(store::Connection& db, const std::string& area, const std::string& as_of);

// The outputs of the projects of `kind` in `area` counted on `as_of` as
// ComputeFigures counts them (approved by as_of, not withdrawn by then), summed
// by output item in thousandths of their unit (actual, else planned). One
// query. No access check (as ComputeFigures).
std::map<std::string, int64_t> OutputTotals(store::Connection& db, const std::string& area, const std::string& as_of,
                                            const std::string& kind);

// JSON of the records (the API's shapes; money in fen, `_yuan` beside it).
nlohmann::json ProjectJson(const Project& p);
nlohmann::json AllocationJson(const Allocation& a);
nlohmann::json FundProgressJson(const FundProgress& p);
nlohmann::json AssetJson(const Asset& a);
nlohmann::json ReceiptJson(const Receipt& r);

}  // namespace fupin::projects
