#include "industry/industry.h"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/pairing.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "industry/statements.h"
#include "projects/projects.h"
#include "registry/areas.h"

namespace fupin::industry {
namespace {

using access::Resource;
using nlohmann::json;

constexpr std::array kEntityKinds = {Term{0, "cooperative", "农民专业合作社"}, Term{1, "enterprise", "企业"},
                                     Term{2, "family_farm", "家庭农场"}, Term{3, "workshop", "扶贫车间"}};
constexpr std::array kLinkKinds = {Term{0, "orders", "订单收购"}, Term{1, "work", "务工就业"},
                                   Term{2, "shares", "入股分红"}, Term{3, "land_lease", "土地流转"},
                                   Term{4, "trusteeship", "托管代养"}};
constexpr std::array kBranchKinds = {Term{0, "new", "新建党组织"}, Term{1, "joint", "联合企业党组织"},
                                     Term{2, "strengthened", "建强村党支部"}};
constexpr std::array kPlaces = {Term{0, "county", "县内"}, Term{1, "province", "省内县外"}, Term{2, "outside", "省外"}};
constexpr std::array kChannels = {Term{0, "placement", "有组织转移"}, Term{1, "job_fair", "招聘会"},
                                  Term{2, "workshop", "扶贫车间"}, Term{3, "welfare_post", "公益性岗位"},
                                  Term{4, "own", "自主就业"}};
constexpr std::array kReasons = {Term{0, "illness", "因病"}, Term{1, "disability", "因残"},
                                 Term{2, "caring", "照料家人"}, Term{3, "no_skills", "缺技能"},
                                 Term{4, "no_jobs", "无合适岗位"}, Term{5, "unwilling", "就业意愿不足"},
                                 Term{6, "other", "其他"}};
constexpr std::array kSupplierKinds = {Term{0, "household", "贫困户"}, Term{1, "entity", "经营主体"},
                                       Term{2, "village", "贫困村"}};
constexpr std::array kBuyerKinds = {Term{0, "unit", "预算单位"}, Term{1, "union", "工会"}, Term{2, "company", "企业"},
                                    Term{3, "cadre", "结对帮扶干部"}, Term{4, "other", "其他"}};
constexpr std::array kPurchaseChannels = {Term{0, "fair", "展销会"},    Term{1, "ecommerce", "电商"},
                                          Term{2, "canteen", "食堂"},   Term{3, "market", "商场超市"},
                                          Term{4, "tourism", "旅游景点"}, Term{5, "other", "其他"}};
constexpr std::array kPostFunding = {Term{0, "asset_income", "资产收益"}, Term{1, "funds", "扶贫资金"}};

bool Known(std::span<const Term> terms, const std::string& wire) { return FindWire(terms, wire).has_value(); }

std::string Names(std::span<const Term> terms) {
  std::string out;
  for (const Term& t : terms) out += (out.empty() ? "" : ", ") + std::string(t.wire);
  return out;
}

void CheckTerm(std::vector<ErrorDetail>& problems, std::span<const Term> terms, const std::string& value,
               const std::string& field) {
  if (!Known(terms, value)) problems.push_back({field, "'" + value + "' is not one of " + Names(terms)});
}

void CheckText(std::vector<ErrorDetail>& problems, const std::string& text, const std::string& field) {
  if (text.empty()) problems.push_back({field, "must not be empty"});
  else if (text.size() > 400) problems.push_back({field, "is longer than 400 bytes"});
}

void CheckYear(std::vector<ErrorDetail>& problems, int year, const std::string& field = "year") {
  if (year < 2000 || year > 2100) problems.push_back({field, std::to_string(year) + " is not between 2000 and 2100"});
}

void CheckNotNegative(std::vector<ErrorDetail>& problems, int64_t value, const std::string& field) {
  if (value < 0) problems.push_back({field, "must not be negative"});
}

// A date YYYY-MM-DD ("" gives `fallback` when there is one).
std::string CheckDate(std::vector<ErrorDetail>& problems, const std::string& text, const std::string& field,
                      const std::optional<Date>& fallback) {
  if (text.empty() && fallback) return fallback->ToString();
  const auto d = Date::Parse(text);
  if (!d) {
    problems.push_back({field, "'" + text + "' is not a date (YYYY-MM-DD)"});
    return "";
  }
  return d->ToString();
}

void ThrowIf(const std::vector<ErrorDetail>& problems, const std::string& what) {
  if (!problems.empty()) throw Error::InvalidArgument(what, problems);
}

std::string Yuan(Fen f) { return FormatYuan(f) + " yuan"; }

void Audit(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
           const std::string& entity, const std::string& area, const json& after) {
  access::RecordChange(db, clock, caller, "industry." + action, entity, area, nullptr, after);
}

// A known county, township or village code ("" and a problem otherwise).
std::string KnownArea(store::Connection& db, std::vector<ErrorDetail>& problems, const std::string& text) {
  const auto a = NormalizeAreaCode(text);
  if (!a || a->size() < 6 || !registry::FindArea(db, *a)) {
    problems.push_back({"area_code", "'" + text + "' is not a known county, township or village"});
    return "";
  }
  return *a;
}

// The id an INSERT ... RETURNING gave; the statement is reset, so that no
// statement is left in progress when the transaction goes on.
int64_t Returned(store::Statement& s) {
  s.Step();
  const int64_t id = s.Int(0);
  s.Reset();
  return id;
}

}  // namespace

std::span<const Term> EntityKinds() { return kEntityKinds; }
std::span<const Term> LinkKinds() { return kLinkKinds; }
std::span<const Term> BranchKinds() { return kBranchKinds; }
std::span<const Term> WorkPlaces() { return kPlaces; }
std::span<const Term> JobChannels() { return kChannels; }
std::span<const Term> NotEmployedReasons() { return kReasons; }
std::span<const Term> SupplierKinds() { return kSupplierKinds; }
std::span<const Term> BuyerKinds() { return kBuyerKinds; }
std::span<const Term> PurchaseChannels() { return kPurchaseChannels; }
std::span<const Term> PostFunding() { return kPostFunding; }

std::vector<Vocabulary> Vocabularies() {
  return {{"entity_kind", kEntityKinds},        {"link_kind", kLinkKinds},
          {"branch_kind", kBranchKinds},        {"work_place", kPlaces},
          {"job_channel", kChannels},           {"not_employed_reason", kReasons},
          {"supplier_kind", kSupplierKinds},    {"buyer_kind", kBuyerKinds},
          {"purchase_channel", kPurchaseChannels}, {"post_funding", kPostFunding}};
}

Fen Industry::income_per_mu_fen() const { return mu_milli > 0 ? FloorDiv(income_fen * 1000, mu_milli) : 0; }

// ---- helpers of the service ---------------------------------------------------

void IndustryService::RequireIn(const Caller& caller, bool write, const std::string& area, const std::string& entity) {
  access::Audit audit(db_, clock_);
  access::Guard(audit).Require(caller, write ? access::Access::kWrite : access::Access::kRead, Resource::kIndustry,
                               {area, std::nullopt, entity});
}

// The area a list reads: the one asked (checked) or the caller's scope.
std::string IndustryService::ReadArea(const Caller& caller, const std::string& area) {
  const auto scope = access::ReadScopeFor(caller, Resource::kIndustry);
  if (!scope.allowed) throw Error::PermissionDenied(std::string(RoleName(caller.role)) + " may not read industry");
  if (area.empty()) return scope.area_prefix;
  std::string code = registry::RequireAreaCode(area, "area");
  RequireIn(caller, false, code, "industry");
  return code;
}

std::string IndustryService::VillageOf(int64_t household_id, const std::string& field) {
  auto s = db_.Prepare("SELECT village_code FROM households WHERE id = ?");
  s->BindInt(1, household_id);
  if (!s->Step()) {
    throw Error::InvalidArgument("no household " + std::to_string(household_id),
                                 {{field, "no household " + std::to_string(household_id)}});
  }
  return s->Text(0);
}

// ---- industries -----------------------------------------------------------------

Industry IndustryService::AddIndustry(const Caller& caller, const std::string& name, const std::string& unit,
                                      const std::optional<std::string>& code) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, name, "name");
  CheckText(problems, unit, "unit");
  if (code && (code->empty() || code->size() > 40)) problems.push_back({"code", "must be 1 to 40 bytes"});
  ThrowIf(problems, "invalid industry");
  RequireIn(caller, true, caller.area_scope, "industries");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO industries (code, name, unit, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
  s->BindOptionalText(1, code);
  s->BindText(2, name);
  s->BindText(3, unit);
  s->BindText(4, caller.user_name);
  s->BindInt(5, clock_.NowSeconds());
  Industry x;
  x.id = Returned(*s);
  x.code = code;
  x.name = name;
  x.unit = unit;
  Audit(db_, clock_, caller, "industry_add", "industry/" + std::to_string(x.id), caller.area_scope,
        {{"name", name}, {"unit", unit}});
  tx.Commit();
  return x;
}

std::vector<Industry> IndustryService::ListIndustries(const Caller& caller, const std::string& area_asked, int year) {
  const std::string area = ReadArea(caller, area_asked);
  std::vector<ErrorDetail> problems;
  CheckYear(problems, year);
  ThrowIf(problems, "invalid year");
  auto s = db_.Prepare(
      "SELECT i.id, i.code, i.name, i.unit, count(h.household_id), COALESCE(sum(h.mu_milli), 0),"
      " COALESCE(sum(h.output), 0), COALESCE(sum(h.income_fen), 0), COALESCE(sum(h.subsidy_fen), 0)"
      " FROM industries i LEFT JOIN industry_households h ON h.industry_id = i.id AND h.year = ?3"
      " AND h.area_code >= ?1 AND h.area_code < ?2 GROUP BY i.id, i.code, i.name, i.unit ORDER BY i.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindInt(3, year);
  std::vector<Industry> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->OptionalText(1), s->Text(2), s->Text(3), s->Int(4), s->Int(5), s->Int(6), s->Int(7),
                   s->Int(8)});
  }
  return out;
}

void IndustryService::RecordPlanting(const Caller& caller, const PlantingInput& in) {
  std::vector<ErrorDetail> problems;
  CheckYear(problems, in.year);
  CheckNotNegative(problems, in.mu_milli, "mu");
  CheckNotNegative(problems, in.output, "output");
  CheckNotNegative(problems, in.income_fen, "income");
  CheckNotNegative(problems, in.subsidy_fen, "subsidy");
  {
    auto s = db_.Prepare("SELECT 1 FROM industries WHERE id = ?");
    s->BindInt(1, in.industry_id);
    if (!s->Step()) problems.push_back({"industry_id", "no industry " + std::to_string(in.industry_id)});
  }
  if (in.disbursement_id) {
    auto s = db_.Prepare("SELECT 1 FROM fund_disbursements WHERE id = ?");
    s->BindInt(1, *in.disbursement_id);
    if (!s->Step()) problems.push_back({"disbursement_id", "no disbursement " + std::to_string(*in.disbursement_id)});
    if (in.subsidy_fen == 0) problems.push_back({"disbursement_id", "names a disbursement but no subsidy is paid"});
  }
  ThrowIf(problems, "invalid planting");
  const std::string village = VillageOf(in.household_id, "household_id");
  RequireIn(caller, true, village, "household/" + std::to_string(in.household_id));
  store::Transaction tx(db_);
  auto s = db_.Prepare(sql::kUpsertPlanting);
  s->BindInt(1, in.industry_id);
  s->BindInt(2, in.household_id);
  s->BindInt(3, in.year);
  s->BindText(4, village);
  s->BindInt(5, in.mu_milli);
  s->BindInt(6, in.output);
  s->BindInt(7, in.income_fen);
  s->BindInt(8, in.subsidy_fen);
  s->BindOptionalInt(9, in.disbursement_id);
  s->BindText(10, caller.user_name);
  s->BindInt(11, clock_.NowSeconds());
  s->Run();
  Audit(db_, clock_, caller, "planting_record", "household/" + std::to_string(in.household_id), village,
        {{"industry_id", in.industry_id}, {"year", in.year}, {"mu_milli", in.mu_milli}, {"income_fen", in.income_fen},
         {"subsidy_fen", in.subsidy_fen}});
  tx.Commit();
}

// ---- entities, links, branches ----------------------------------------------------

Entity IndustryService::AddEntity(const Caller& caller, const EntityInput& in) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.name, "name");
  CheckTerm(problems, EntityKinds(), in.kind, "kind");
  const std::string area = KnownArea(db_, problems, in.area_code);
  if (in.industry_id) {
    auto s = db_.Prepare("SELECT 1 FROM industries WHERE id = ?");
    s->BindInt(1, *in.industry_id);
    if (!s->Step()) problems.push_back({"industry_id", "no industry " + std::to_string(*in.industry_id)});
  }
  ThrowIf(problems, "invalid entity");
  RequireIn(caller, true, area, "entities");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO entities (name, kind, area_code, industry_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)"
      " RETURNING id");
  s->BindText(1, in.name);
  s->BindText(2, in.kind);
  s->BindText(3, area);
  s->BindOptionalInt(4, in.industry_id);
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock_.NowSeconds());
  Entity x;
  x.id = Returned(*s);
  x.name = in.name;
  x.kind = in.kind;
  x.area_code = area;
  x.industry_id = in.industry_id;
  Audit(db_, clock_, caller, "entity_add", "entity/" + std::to_string(x.id), area,
        {{"name", in.name}, {"kind", in.kind}, {"area_code", area}});
  tx.Commit();
  return x;
}

std::vector<Entity> IndustryService::ListEntities(const Caller& caller, const std::string& area_asked,
                                                  std::optional<int> year) {
  const std::string area = ReadArea(caller, area_asked);
  auto s = db_.Prepare(
      "SELECT e.id, e.name, e.kind, e.area_code, COALESCE(a.name, e.area_code), e.industry_id,"
      " (SELECT count(DISTINCT l.household_id) FROM entity_links l WHERE l.entity_id = e.id AND (?3 = 0 OR l.year = ?3)),"
      " (SELECT COALESCE(sum(l.earned_fen), 0) FROM entity_links l WHERE l.entity_id = e.id AND (?3 = 0 OR l.year = ?3)),"
      " e.version FROM entities e LEFT JOIN areas a ON a.code = e.area_code"
      " WHERE e.area_code >= ?1 AND e.area_code < ?2 ORDER BY e.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindInt(3, year.value_or(0));
  std::vector<Entity> out;
  while (s->Step()) {
    out.push_back(
        {s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->OptionalInt(5), s->Int(6), s->Int(7), s->Int(8)});
  }
  return out;
}

void IndustryService::Link(const Caller& caller, const LinkInput& in) {
  std::vector<ErrorDetail> problems;
  CheckYear(problems, in.year);
  CheckTerm(problems, LinkKinds(), in.link_kind, "link_kind");
  CheckNotNegative(problems, in.earned_fen, "earned");
  {
    auto s = db_.Prepare("SELECT 1 FROM entities WHERE id = ?");
    s->BindInt(1, in.entity_id);
    if (!s->Step()) problems.push_back({"entity_id", "no entity " + std::to_string(in.entity_id)});
  }
  ThrowIf(problems, "invalid link");
  const std::string village = VillageOf(in.household_id, "household_id");
  RequireIn(caller, true, village, "household/" + std::to_string(in.household_id));
  store::Transaction tx(db_);
  auto s = db_.Prepare(sql::kUpsertLink);
  s->BindInt(1, in.entity_id);
  s->BindInt(2, in.household_id);
  s->BindInt(3, in.year);
  s->BindText(4, in.link_kind);
  s->BindText(5, village);
  s->BindInt(6, in.earned_fen);
  s->BindText(7, caller.user_name);
  s->BindInt(8, clock_.NowSeconds());
  s->Run();
  Audit(db_, clock_, caller, "link_record", "household/" + std::to_string(in.household_id), village,
        {{"entity_id", in.entity_id}, {"year", in.year}, {"link_kind", in.link_kind}, {"earned_fen", in.earned_fen}});
  tx.Commit();
}

Branch IndustryService::AddBranch(const Caller& caller, const BranchInput& in) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.name, "name");
  CheckTerm(problems, BranchKinds(), in.kind, "kind");
  const std::string founded = CheckDate(problems, in.founded_on, "founded_on", clock_.Today());
  const std::string area = KnownArea(db_, problems, in.area_code);
  for (size_t i = 0; i < in.entity_ids.size(); ++i) {
    auto s = db_.Prepare("SELECT 1 FROM entities WHERE id = ?");
    s->BindInt(1, in.entity_ids[i]);
    if (!s->Step()) problems.push_back({"entity_ids/" + std::to_string(i), "no entity " + std::to_string(in.entity_ids[i])});
  }
  ThrowIf(problems, "invalid branch");
  RequireIn(caller, true, area, "branches");
  for (size_t i = 0; i < in.household_ids.size(); ++i) {
    const std::string field = "household_ids/" + std::to_string(i);
    const std::string village = VillageOf(in.household_ids[i], field);
    if (!AreaContains(area, village)) {
      throw Error::InvalidArgument("household outside the branch's area",
                                   {{field, "household " + std::to_string(in.household_ids[i]) + " lives in " + village +
                                                ", outside " + area}});
    }
  }
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO party_branches (name, kind, area_code, founded_on, recorded_by, recorded_at)"
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, in.name);
  s->BindText(2, in.kind);
  s->BindText(3, area);
  s->BindText(4, founded);
  s->BindText(5, caller.user_name);
  s->BindInt(6, clock_.NowSeconds());
  Branch b{Returned(*s), in.name, in.kind, area, founded, 0, 0};
  s.reset();
  const std::set<int64_t> entities(in.entity_ids.begin(), in.entity_ids.end());
  const std::set<int64_t> households(in.household_ids.begin(), in.household_ids.end());
  auto e = db_.Prepare("INSERT INTO branch_entities (branch_id, entity_id) VALUES (?, ?)");
  for (int64_t id : entities) {
    e->BindInt(1, b.id);
    e->BindInt(2, id);
    e->Run();
    e->Reset();
  }
  auto h = db_.Prepare("INSERT INTO branch_households (branch_id, household_id) VALUES (?, ?)");
  for (int64_t id : households) {
    h->BindInt(1, b.id);
    h->BindInt(2, id);
    h->Run();
    h->Reset();
  }
  b.entities = static_cast<int64_t>(entities.size());
  b.households = static_cast<int64_t>(households.size());
  Audit(db_, clock_, caller, "branch_add", "branch/" + std::to_string(b.id), area,
        {{"name", in.name}, {"kind", in.kind}, {"entities", b.entities}, {"households", b.households}});
  tx.Commit();
  return b;
}

std::vector<Branch> IndustryService::ListBranches(const Caller& caller, const std::string& area_asked) {
  const std::string area = ReadArea(caller, area_asked);
  auto s = db_.Prepare(
      "SELECT b.id, b.name, b.kind, b.area_code, b.founded_on,"
      " (SELECT count(*) FROM branch_entities e WHERE e.branch_id = b.id),"
      " (SELECT count(*) FROM branch_households h WHERE h.branch_id = b.id)"
      " FROM party_branches b WHERE b.area_code >= ?1 AND b.area_code < ?2 ORDER BY b.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  std::vector<Branch> out;
  while (s->Step()) out.push_back({s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->Int(5), s->Int(6)});
  return out;
}

// ---- employment ------------------------------------------------------------------

namespace {

constexpr std::string_view kWorkerSelect =
    "SELECT w.person_id, p.name, w.household_id, h.number, w.area_code, w.year, w.employed, COALESCE(w.place, ''),"
    " COALESCE(w.channel, ''), w.employer, w.months, w.income_fen, w.training, COALESCE(w.reason, ''),"
    " COALESCE(y.employment, '')"
    " FROM worker_years w JOIN persons p ON p.id = w.person_id JOIN households h ON h.id = w.household_id"
    " LEFT JOIN person_years y ON y.person_id = w.person_id AND y.year = w.year";

Worker ReadWorker(const store::Statement& s) {
  Worker w;
  w.person_id = s.Int(0);
  w.name = s.Text(1);
  w.household_id = s.Int(2);
  w.household_number = s.Text(3);
  w.area_code = s.Text(4);
  w.year = static_cast<int>(s.Int(5));
  w.employed = s.Int(6) == 1;
  w.place = s.Text(7);
  w.channel = s.Text(8);
  w.employer = s.Text(9);
  w.months = static_cast<int>(s.Int(10));
  w.income_fen = s.Int(11);
  w.training = s.Text(12);
  w.reason = s.Text(13);
  w.registry_employment = s.Text(14);
  return w;
}

void CheckWorker(std::vector<ErrorDetail>& problems, const WorkerInput& in) {
  CheckYear(problems, in.year);
  if (in.employed) {
    CheckTerm(problems, WorkPlaces(), in.place, "place");
    CheckTerm(problems, JobChannels(), in.channel, "channel");
    if (!in.reason.empty()) problems.push_back({"reason", "is only for a worker who is not employed"});
  } else {
    CheckTerm(problems, NotEmployedReasons(), in.reason, "reason");
    if (!in.place.empty()) problems.push_back({"place", "is only for an employed worker"});
    if (!in.channel.empty()) problems.push_back({"channel", "is only for an employed worker"});
  }
  if (in.months < 0 || in.months > 12) problems.push_back({"months", std::to_string(in.months) + " is not 0 to 12"});
  CheckNotNegative(problems, in.income_fen, "income");
  if (in.employer.size() > 400) problems.push_back({"employer", "is longer than 400 bytes"});
  if (in.training.size() > 400) problems.push_back({"training", "is longer than 400 bytes"});
}

}  // namespace

Worker IndustryService::RecordWorker(const Caller& caller, const WorkerInput& in) {
  std::vector<ErrorDetail> problems;
  CheckWorker(problems, in);
  ThrowIf(problems, "invalid worker situation");
  auto m = db_.Prepare(
      "SELECT m.household_id, h.village_code FROM memberships m JOIN households h ON h.id = m.household_id"
      " WHERE m.person_id = ? AND m.end_date IS NULL");
  m->BindInt(1, in.person_id);
  if (!m->Step()) {
    throw Error::InvalidArgument("no registered person " + std::to_string(in.person_id),
                                 {{"person_id", "no person " + std::to_string(in.person_id) + " in a household"}});
  }
  const int64_t household = m->Int(0);
  const std::string village = m->Text(1);
  m->Reset();  // no statement in progress when the transaction opens
  RequireIn(caller, true, village, "person/" + std::to_string(in.person_id));
  store::Transaction tx(db_);
  auto s = db_.Prepare(sql::kUpsertWorker);
  s->BindInt(1, in.person_id);
  s->BindInt(2, in.year);
  s->BindInt(3, household);
  s->BindText(4, village);
  s->BindInt(5, in.employed ? 1 : 0);
  s->BindOptionalText(6, in.employed ? std::optional(in.place) : std::nullopt);
  s->BindOptionalText(7, in.employed ? std::optional(in.channel) : std::nullopt);
  s->BindText(8, in.employer);
  s->BindInt(9, in.months);
  s->BindInt(10, in.income_fen);
  s->BindText(11, in.training);
  s->BindOptionalText(12, in.employed ? std::nullopt : std::optional(in.reason));
  s->BindText(13, caller.user_name);
  s->BindInt(14, clock_.NowSeconds());
  s->Run();
  Audit(db_, clock_, caller, "worker_record", "person/" + std::to_string(in.person_id), village,
        {{"year", in.year}, {"employed", in.employed}, {"place", in.place}, {"channel", in.channel},
         {"reason", in.reason}, {"income_fen", in.income_fen}});
  Worker w;
  {
    auto r = db_.Prepare(std::string(kWorkerSelect) + " WHERE w.person_id = ? AND w.year = ?");
    r->BindInt(1, in.person_id);
    r->BindInt(2, in.year);
    r->Step();
    w = ReadWorker(*r);
  }
  tx.Commit();
  return w;
}

WorkerPage IndustryService::ListWorkers(const Caller& caller, const WorkerFilter& f) {
  const std::string area = ReadArea(caller, f.area_code);
  std::vector<ErrorDetail> problems;
  CheckYear(problems, f.year);
  if (f.limit < 1 || f.limit > 1000) problems.push_back({"limit", "is not 1 to 1000"});
  if (f.offset < 0) problems.push_back({"offset", "must not be negative"});
  ThrowIf(problems, "invalid list");
  const std::string where =
      " WHERE w.area_code >= ?1 AND w.area_code < ?2 AND w.year = ?3 AND (?4 < 0 OR w.employed = ?4)";
  auto bind = [&](store::Statement& s) {
    s.BindText(1, area);
    s.BindText(2, SubtreeEnd(area));
    s.BindInt(3, f.year);
    s.BindInt(4, f.employed ? (*f.employed ? 1 : 0) : -1);
  };
  WorkerPage page;
  auto c = db_.Prepare("SELECT count(*) FROM worker_years w" + where);
  bind(*c);
  c->Step();
  page.total = c->Int(0);
  auto s = db_.Prepare(std::string(kWorkerSelect) + where + " ORDER BY w.area_code, w.household_id, w.person_id LIMIT " +
                       std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset));
  bind(*s);
  while (s->Step()) page.items.push_back(ReadWorker(*s));
  return page;
}

WelfarePost IndustryService::AddWelfarePost(const Caller& caller, const WelfarePostInput& in) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.name, "name");
  CheckTerm(problems, PostFunding(), in.funded_by, "funded_by");
  CheckNotNegative(problems, in.monthly_pay_fen, "monthly_pay");
  const std::string start = CheckDate(problems, in.start_date, "start_date", clock_.Today());
  const std::string end = in.end_date.empty() ? "" : CheckDate(problems, in.end_date, "end_date", std::nullopt);
  if (!end.empty() && !start.empty() && end < start) problems.push_back({"end_date", "is before start_date"});
  if (in.asset_id && in.funded_by != "asset_income") problems.push_back({"asset_id", "only for a post paid from asset income"});
  if (in.asset_id) {
    auto s = db_.Prepare("SELECT 1 FROM assets WHERE id = ? AND kind = " +
                         SqlWire(projects::AssetKinds(), projects::AssetKind::kProductive));
    s->BindInt(1, *in.asset_id);
    if (!s->Step()) problems.push_back({"asset_id", "no productive asset " + std::to_string(*in.asset_id)});
  }
  const std::string area = KnownArea(db_, problems, in.area_code);
  std::optional<int64_t> household;
  if (in.person_id) {
    auto m = db_.Prepare("SELECT m.household_id, h.village_code FROM memberships m JOIN households h"
                         " ON h.id = m.household_id WHERE m.person_id = ? AND m.end_date IS NULL");
    m->BindInt(1, *in.person_id);
    if (!m->Step()) problems.push_back({"person_id", "no person " + std::to_string(*in.person_id) + " in a household"});
    else if (!area.empty() && !AreaContains(area, m->Text(1))) problems.push_back({"person_id", "lives outside " + area});
    else household = m->Int(0);
  }
  ThrowIf(problems, "invalid welfare post");
  RequireIn(caller, true, area, "welfare_posts");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO welfare_posts (name, area_code, person_id, household_id, monthly_pay_fen, funded_by, asset_id,"
      " start_date, end_date, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, in.name);
  s->BindText(2, area);
  s->BindOptionalInt(3, in.person_id);
  s->BindOptionalInt(4, household);
  s->BindInt(5, in.monthly_pay_fen);
  s->BindText(6, in.funded_by);
  s->BindOptionalInt(7, in.asset_id);
  s->BindText(8, start);
  s->BindOptionalText(9, end.empty() ? std::nullopt : std::optional(end));
  s->BindText(10, caller.user_name);
  s->BindInt(11, clock_.NowSeconds());
  WelfarePost p{Returned(*s), in.name, area, in.person_id, household, "", in.monthly_pay_fen, in.funded_by,
                in.asset_id, start, end};
  Audit(db_, clock_, caller, "welfare_post_add", "welfare_post/" + std::to_string(p.id), area,
        {{"name", in.name}, {"person_id", in.person_id ? json(*in.person_id) : json(nullptr)},
         {"monthly_pay_fen", in.monthly_pay_fen}, {"funded_by", in.funded_by}});
  tx.Commit();
  return p;
}

std::vector<WelfarePost> IndustryService::ListWelfarePosts(const Caller& caller, const std::string& area_asked) {
  const std::string area = ReadArea(caller, area_asked);
  auto s = db_.Prepare(
      "SELECT w.id, w.name, w.area_code, w.person_id, w.household_id, COALESCE(p.name, ''), w.monthly_pay_fen,"
      " w.funded_by, w.asset_id, w.start_date, COALESCE(w.end_date, '')"
      " FROM welfare_posts w LEFT JOIN persons p ON p.id = w.person_id"
      " WHERE w.area_code >= ?1 AND w.area_code < ?2 ORDER BY w.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  std::vector<WelfarePost> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->Text(1), s->Text(2), s->OptionalInt(3), s->OptionalInt(4), s->Text(5), s->Int(6),
                   s->Text(7), s->OptionalInt(8), s->Text(9), s->Text(10)});
  }
  return out;
}

// ---- consumption assistance ----------------------------------------------------

Product IndustryService::AddProduct(const Caller& caller, const ProductInput& in) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.name, "name");
  CheckTerm(problems, SupplierKinds(), in.supplier_kind, "supplier_kind");
  const std::string certified = CheckDate(problems, in.certified_on, "certified_on", clock_.Today());
  if (in.category.size() > 400) problems.push_back({"category", "is longer than 400 bytes"});
  if (in.certificate_no.size() > 400) problems.push_back({"certificate_no", "is longer than 400 bytes"});
  std::string area;
  const auto supplier = ParseWire<SupplierKind>(kSupplierKinds, in.supplier_kind);
  if ((supplier == SupplierKind::kHousehold) != in.household_id.has_value()) {
    problems.push_back({"household_id", "is given exactly when the supplier is a household"});
  } else if (in.household_id) {
    area = VillageOf(*in.household_id, "household_id");
  }
  if ((supplier == SupplierKind::kEntity) != in.entity_id.has_value()) {
    problems.push_back({"entity_id", "is given exactly when the supplier is an entity"});
  } else if (in.entity_id) {
    auto s = db_.Prepare("SELECT area_code FROM entities WHERE id = ?");
    s->BindInt(1, *in.entity_id);
    if (!s->Step()) problems.push_back({"entity_id", "no entity " + std::to_string(*in.entity_id)});
    else area = s->Text(0);
  }
  if (supplier == SupplierKind::kVillage) {
    const auto a = NormalizeAreaCode(in.area_code);
    if (!a || a->size() != 12 || !registry::FindArea(db_, *a)) {
      problems.push_back({"area_code", "'" + in.area_code + "' is not a known village"});
    } else {
      area = *a;
    }
  }
  ThrowIf(problems, "invalid product");
  RequireIn(caller, true, area, "products");
  store::Transaction tx(db_);
  auto s = db_.Prepare(
      "INSERT INTO products (name, category, certificate_no, certified_on, supplier_kind, household_id, entity_id,"
      " area_code, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  s->BindText(1, in.name);
  s->BindText(2, in.category);
  s->BindText(3, in.certificate_no);
  s->BindText(4, certified);
  s->BindText(5, in.supplier_kind);
  s->BindOptionalInt(6, in.household_id);
  s->BindOptionalInt(7, in.entity_id);
  s->BindText(8, area);
  s->BindText(9, caller.user_name);
  s->BindInt(10, clock_.NowSeconds());
  Product p{Returned(*s), in.name, in.category, in.certificate_no, certified, in.supplier_kind, "", area,
            in.household_id, in.entity_id, 0};
  Audit(db_, clock_, caller, "product_add", "product/" + std::to_string(p.id), area,
        {{"name", in.name}, {"supplier_kind", in.supplier_kind}, {"area_code", area}});
  tx.Commit();
  return p;
}

std::vector<Product> IndustryService::ListProducts(const Caller& caller, const std::string& area_asked) {
  const std::string area = ReadArea(caller, area_asked);
  auto s = db_.Prepare(
      "SELECT p.id, p.name, p.category, p.certificate_no, p.certified_on, p.supplier_kind,"
      " COALESCE(h.number, e.name, a.name, p.area_code), p.area_code, p.household_id, p.entity_id,"
      " (SELECT COALESCE(sum(x.amount_fen), 0) FROM purchases x WHERE x.product_id = p.id), p.version"
      " FROM products p LEFT JOIN households h ON h.id = p.household_id LEFT JOIN entities e ON e.id = p.entity_id"
      " LEFT JOIN areas a ON a.code = p.area_code WHERE p.area_code >= ?1 AND p.area_code < ?2 ORDER BY p.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  std::vector<Product> out;
  while (s->Step()) {
    out.push_back({s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->Text(5), s->Text(6), s->Text(7),
                   s->OptionalInt(8), s->OptionalInt(9), s->Int(10), s->Int(11)});
  }
  return out;
}

Purchase IndustryService::RecordPurchase(const Caller& caller, const PurchaseInput& in) {
  std::vector<ErrorDetail> problems;
  const std::string date = CheckDate(problems, in.date, "date", clock_.Today());
  CheckTerm(problems, BuyerKinds(), in.buyer_kind, "buyer_kind");
  CheckTerm(problems, PurchaseChannels(), in.channel, "channel");
  CheckText(problems, in.buyer, "buyer");
  if (in.amount_fen <= 0) problems.push_back({"amount", "must be more than 0"});
  std::string area, product;
  {
    auto s = db_.Prepare("SELECT area_code, name, certified_on FROM products WHERE id = ?");
    s->BindInt(1, in.product_id);
    if (!s->Step()) {
      problems.push_back({"product_id", "no product " + std::to_string(in.product_id)});
    } else {
      area = s->Text(0);
      product = s->Text(1);
      if (!date.empty() && date < s->Text(2)) {
        problems.push_back({"date", date + " is before the product was certified (" + s->Text(2) + ")"});
      }
    }
  }
  ThrowIf(problems, "invalid purchase");
  RequireIn(caller, true, area, "purchases");
  store::Transaction tx(db_);
  auto s = db_.Prepare(sql::kInsertPurchase);
  s->BindText(1, date);
  s->BindText(2, in.buyer_kind);
  s->BindText(3, in.buyer);
  s->BindText(4, in.channel);
  s->BindInt(5, in.product_id);
  s->BindText(6, area);
  s->BindInt(7, in.amount_fen);
  s->BindText(8, caller.user_name);
  s->BindInt(9, clock_.NowSeconds());
  Purchase p{Returned(*s), date, in.buyer_kind, in.buyer, in.channel, in.product_id, product, area, in.amount_fen};
  Audit(db_, clock_, caller, "purchase_record", "purchase/" + std::to_string(p.id), area,
        {{"product_id", in.product_id}, {"date", date}, {"channel", in.channel}, {"amount_fen", in.amount_fen}});
  tx.Commit();
  return p;
}

PurchasePage IndustryService::ListPurchases(const Caller& caller, const PurchaseFilter& f) {
  const std::string area = ReadArea(caller, f.area_code);
  std::vector<ErrorDetail> problems;
  if (f.year) CheckYear(problems, *f.year);
  if (!f.buyer_kind.empty()) CheckTerm(problems, BuyerKinds(), f.buyer_kind, "buyer_kind");
  if (f.limit < 1 || f.limit > 1000) problems.push_back({"limit", "is not 1 to 1000"});
  if (f.offset < 0) problems.push_back({"offset", "must not be negative"});
  ThrowIf(problems, "invalid list");
  // The totals row always comes; the page's columns are NULL past the last page.
  auto s = db_.Prepare(
      "WITH f AS (SELECT x.id, x.date, x.buyer_kind, x.buyer, x.channel, x.product_id, p.name AS product, x.area_code,"
      " x.amount_fen FROM purchases x JOIN products p ON p.id = x.product_id"
      " WHERE x.area_code >= ?1 AND x.area_code < ?2 AND (?3 = 0 OR substr(x.date, 1, 4) = ?4)"
      " AND (?5 = 0 OR x.product_id = ?5) AND (?6 = '' OR x.buyer_kind = ?6)),"
      " t AS (SELECT count(*) AS n, COALESCE(sum(amount_fen), 0) AS fen FROM f)"
      " SELECT t.n, t.fen, g.id, g.date, g.buyer_kind, g.buyer, g.channel, g.product_id, g.product, g.area_code,"
      " g.amount_fen FROM t LEFT JOIN (SELECT * FROM f ORDER BY f.date DESC, f.id DESC LIMIT ?7 OFFSET ?8) g ON 1 = 1"
      " ORDER BY g.date DESC, g.id DESC");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  s->BindInt(3, f.year.value_or(0));
  s->BindText(4, std::to_string(f.year.value_or(0)));
  s->BindInt(5, f.product_id.value_or(0));
  s->BindText(6, f.buyer_kind);
  s->BindInt(7, f.limit);
  s->BindInt(8, f.offset);
  PurchasePage page;
  while (s->Step()) {
    page.total = s->Int(0);
    page.amount_fen = s->Int(1);
    if (s->IsNull(2)) continue;
    page.items.push_back({s->Int(2), s->Text(3), s->Text(4), s->Text(5), s->Text(6), s->Int(7), s->Text(8),
                          s->Text(9), s->Int(10)});
  }
  return page;
}

PurchaseTotals IndustryService::Totals(const Caller& caller, const std::string& area_asked, std::optional<int> year,
                                       const std::string& by) {
  const std::string area = ReadArea(caller, area_asked);
  std::vector<ErrorDetail> problems;
  if (year) CheckYear(problems, *year);
  if (by != "year" && by != "area" && by != "channel") problems.push_back({"by", "'" + by + "' is not year, area or channel"});
  ThrowIf(problems, "invalid totals");
  // area: the next level below the area asked (township below a county, village below a township).
  const size_t width = area.size() < 6 ? 6 : area.size() < 9 ? 9 : 12;
  std::string key = "substr(x.date, 1, 4)";
  if (by == "channel") key = "x.channel";
  if (by == "area") key = "substr(x.area_code, 1, " + std::to_string(width) + ")";
  const std::string where =
      " FROM purchases x WHERE x.area_code >= ?1 AND x.area_code < ?2 AND (?3 = 0 OR substr(x.date, 1, 4) = ?4)";
  auto bind = [&](store::Statement& s) {
    s.BindText(1, area);
    s.BindText(2, SubtreeEnd(area));
    s.BindInt(3, year.value_or(0));
    s.BindText(4, std::to_string(year.value_or(0)));
  };
  PurchaseTotals t{area, year, by, {}, {"total", "合计", 0, 0}};
  auto s = db_.Prepare("SELECT " + key + ", count(*), sum(x.amount_fen)" + where + " GROUP BY 1 ORDER BY 1");
  bind(*s);
  while (s->Step()) {
    PurchaseTotal row{s->Text(0), s->Text(0), s->Int(1), s->Int(2)};
    if (by == "channel") row.label = LabelOfWire(PurchaseChannels(), row.key);
    if (by == "area") {
      const auto a = registry::FindArea(db_, row.key);
      if (a) row.label = a->name;
    }
    t.total.purchases += row.purchases;
    t.total.amount_fen += row.amount_fen;
    t.rows.push_back(std::move(row));
  }
  return t;
}

// ---- small loans ---------------------------------------------------------------

namespace {

constexpr std::string_view kLoanSelect =
    "SELECT l.id, l.household_id, h.number, l.area_code, l.bank, l.amount_fen, l.issued_on, l.due_on, l.purpose,"
    " l.entity_id, l.interest_subsidy_fen,"
    " (SELECT COALESCE(sum(r.amount_fen), 0) FROM loan_repayments r WHERE r.loan_id = l.id), l.version"
    " FROM loans l JOIN households h ON h.id = l.household_id";

Loan ReadLoan(const store::Statement& s, const std::string& today) {
  Loan l{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Text(6), s.Text(7), s.Text(8),
         s.OptionalInt(9), s.Int(10), s.Int(11), false, s.Int(12)};
  l.overdue = l.due_on < today && l.repaid_fen < l.amount_fen;
  return l;
}

}  // namespace

Loan IndustryService::GetLoan(int64_t id) {
  auto s = db_.Prepare(std::string(kLoanSelect) + " WHERE l.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no loan " + std::to_string(id));
  return ReadLoan(*s, clock_.Today().ToString());
}

Loan IndustryService::AddLoan(const Caller& caller, const LoanInput& in) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.bank, "bank");
  CheckText(problems, in.purpose, "purpose");
  if (in.amount_fen <= 0) problems.push_back({"amount", "must be more than 0"});
  CheckNotNegative(problems, in.interest_subsidy_fen, "interest_subsidy");
  const std::string issued = CheckDate(problems, in.issued_on, "issued_on", std::nullopt);
  const std::string due = CheckDate(problems, in.due_on, "due_on", std::nullopt);
  if (!issued.empty() && !due.empty() && due <= issued) problems.push_back({"due_on", "is not after issued_on"});
  if (in.entity_id) {
    auto s = db_.Prepare("SELECT 1 FROM entities WHERE id = ?");
    s->BindInt(1, *in.entity_id);
    if (!s->Step()) problems.push_back({"entity_id", "no entity " + std::to_string(*in.entity_id)});
  }
  ThrowIf(problems, "invalid loan");
  const std::string village = VillageOf(in.household_id, "household_id");
  RequireIn(caller, true, village, "household/" + std::to_string(in.household_id));
  store::Transaction tx(db_);
  auto s = db_.Prepare(sql::kInsertLoan);
  s->BindInt(1, in.household_id);
  s->BindText(2, village);
  s->BindText(3, in.bank);
  s->BindInt(4, in.amount_fen);
  s->BindText(5, issued);
  s->BindText(6, due);
  s->BindText(7, in.purpose);
  s->BindOptionalInt(8, in.entity_id);
  s->BindInt(9, in.interest_subsidy_fen);
  s->BindText(10, caller.user_name);
  s->BindInt(11, clock_.NowSeconds());
  const int64_t id = Returned(*s);
  Audit(db_, clock_, caller, "loan_add", "loan/" + std::to_string(id), village,
        {{"household_id", in.household_id}, {"bank", in.bank}, {"amount_fen", in.amount_fen}, {"due_on", due}});
  Loan l = GetLoan(id);
  tx.Commit();
  return l;
}

Loan IndustryService::Repay(const Caller& caller, int64_t loan_id, const std::string& date_text, Fen amount) {
  const Loan before = GetLoan(loan_id);
  RequireIn(caller, true, before.area_code, "loan/" + std::to_string(loan_id));
  std::vector<ErrorDetail> problems;
  const std::string date = CheckDate(problems, date_text, "date", clock_.Today());
  if (amount <= 0) problems.push_back({"amount", "must be more than 0"});
  if (!date.empty() && date < before.issued_on) problems.push_back({"date", date + " is before the loan was issued"});
  ThrowIf(problems, "invalid repayment");
  store::Transaction tx(db_);
  const Loan now = GetLoan(loan_id);  // inside the transaction: what is owed now
  const Fen owed = now.amount_fen - now.repaid_fen;
  if (amount > owed) {
    throw Error::FailedPrecondition(fmt::format("repaying {} exceeds what loan {} still owes: {} of {}", Yuan(amount),
                                                loan_id, Yuan(owed), Yuan(now.amount_fen)),
                                    {{"amount", "more than the " + Yuan(owed) + " owed"}});
  }
  auto s = db_.Prepare(
      "INSERT INTO loan_repayments (loan_id, date, amount_fen, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)");
  s->BindInt(1, loan_id);
  s->BindText(2, date);
  s->BindInt(3, amount);
  s->BindText(4, caller.user_name);
  s->BindInt(5, clock_.NowSeconds());
  s->Run();
  Audit(db_, clock_, caller, "loan_repay", "loan/" + std::to_string(loan_id), now.area_code,
        {{"date", date}, {"amount_fen", amount}});
  Loan after = GetLoan(loan_id);
  tx.Commit();
  return after;
}

std::vector<Loan> IndustryService::ListLoans(const Caller& caller, const std::string& area_asked, bool overdue_only) {
  const std::string area = ReadArea(caller, area_asked);
  const std::string today = clock_.Today().ToString();
  auto s = db_.Prepare(std::string(kLoanSelect) + " WHERE l.area_code >= ?1 AND l.area_code < ?2" +
                       (overdue_only ? " AND l.due_on < ?3" : "") + " ORDER BY l.id");
  s->BindText(1, area);
  s->BindText(2, SubtreeEnd(area));
  if (overdue_only) s->BindText(3, today);
  std::vector<Loan> out;
  while (s->Step()) {
    Loan l = ReadLoan(*s, today);
    if (!overdue_only || l.overdue) out.push_back(std::move(l));
  }
  return out;
}

// ---- corrections ---------------------------------------------------------------

namespace {

// One UPDATE ... WHERE id = ? AND version = ? (or DELETE) changed no row: the
// record is gone or someone changed it since `version`.
void RequireOneRow(int64_t changed, const std::string& what, int64_t id, int64_t version) {
  if (changed == 1) return;
  throw Error::Conflict(what + " " + std::to_string(id) + " was changed by someone else since version " +
                        std::to_string(version) + "; reload it and try again");
}

// How many rows of each query name `id`; "" when none (the refusal's list otherwise).
std::string References(store::Connection& db, int64_t id,
                       std::initializer_list<std::pair<const char*, const char*>> queries) {
  std::string out;
  for (const auto& [label, sql] : queries) {
    auto s = db.Prepare(sql);
    s->BindInt(1, id);
    s->Step();
    if (const int64_t n = s->Int(0); n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + label;
  }
  return out;
}

void RefuseReferenced(const std::string& what, int64_t id, const std::string& references) {
  if (references.empty()) return;
  throw Error::FailedPrecondition(what + " " + std::to_string(id) + " is referred to by " + references +
                                  " and cannot be deleted");
}

}  // namespace

Entity IndustryService::GetEntity(int64_t id) {
  auto s = db_.Prepare(
      "SELECT e.id, e.name, e.kind, e.area_code, COALESCE(a.name, e.area_code), e.industry_id, e.version"
      " FROM entities e LEFT JOIN areas a ON a.code = e.area_code WHERE e.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no entity " + std::to_string(id));
  return {s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->OptionalInt(5), 0, 0, s->Int(6)};
}

Entity IndustryService::UpdateEntity(const Caller& caller, int64_t id, const EntityInput& in, int64_t version) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.name, "name");
  CheckTerm(problems, EntityKinds(), in.kind, "kind");
  const std::string area = KnownArea(db_, problems, in.area_code);
  if (in.industry_id) {
    auto s = db_.Prepare("SELECT 1 FROM industries WHERE id = ?");
    s->BindInt(1, *in.industry_id);
    if (!s->Step()) problems.push_back({"industry_id", "no industry " + std::to_string(*in.industry_id)});
  }
  ThrowIf(problems, "invalid entity");
  const Entity before = GetEntity(id);
  RequireIn(caller, true, before.area_code, "entity/" + std::to_string(id));
  RequireIn(caller, true, area, "entity/" + std::to_string(id));
  store::Transaction tx(db_);
  if (area != before.area_code) {
    const std::string products = References(db_, id, {{"products", "SELECT count(*) FROM products WHERE entity_id = ?"}});
    if (!products.empty()) {
      throw Error::FailedPrecondition("entity " + std::to_string(id) + " supplies " + products +
                                      "; its area cannot change");
    }
  }
  auto s = db_.Prepare(
      "UPDATE entities SET name = ?, kind = ?, area_code = ?, industry_id = ?, version = version + 1"
      " WHERE id = ? AND version = ?");
  s->BindText(1, in.name);
  s->BindText(2, in.kind);
  s->BindText(3, area);
  s->BindOptionalInt(4, in.industry_id);
  s->BindInt(5, id);
  s->BindInt(6, version);
  RequireOneRow(s->Run(), "entity", id, version);
  access::RecordChange(db_, clock_, caller, "industry.entity_update", "entity/" + std::to_string(id), area,
                       EntityJson(before), {{"name", in.name}, {"kind", in.kind}, {"area_code", area}});
  Entity after = GetEntity(id);
  tx.Commit();
  return after;
}

void IndustryService::DeleteEntity(const Caller& caller, int64_t id, int64_t version) {
  const Entity before = GetEntity(id);
  RequireIn(caller, true, before.area_code, "entity/" + std::to_string(id));
  store::Transaction tx(db_);
  RefuseReferenced("entity", id,
                   References(db_, id,
                              {{"links", "SELECT count(*) FROM entity_links WHERE entity_id = ?"},
                               {"branches", "SELECT count(*) FROM branch_entities WHERE entity_id = ?"},
                               {"products", "SELECT count(*) FROM products WHERE entity_id = ?"},
                               {"loans", "SELECT count(*) FROM loans WHERE entity_id = ?"}}));
  auto s = db_.Prepare("DELETE FROM entities WHERE id = ? AND version = ?");
  s->BindInt(1, id);
  s->BindInt(2, version);
  RequireOneRow(s->Run(), "entity", id, version);
  access::RecordChange(db_, clock_, caller, "industry.entity_delete", "entity/" + std::to_string(id),
                       before.area_code, EntityJson(before), nullptr);
  tx.Commit();
}

Product IndustryService::GetProduct(int64_t id) {
  auto s = db_.Prepare(
      "SELECT p.id, p.name, p.category, p.certificate_no, p.certified_on, p.supplier_kind,"
      " COALESCE(h.number, e.name, a.name, p.area_code), p.area_code, p.household_id, p.entity_id,"
      " (SELECT COALESCE(sum(x.amount_fen), 0) FROM purchases x WHERE x.product_id = p.id), p.version"
      " FROM products p LEFT JOIN households h ON h.id = p.household_id LEFT JOIN entities e ON e.id = p.entity_id"
      " LEFT JOIN areas a ON a.code = p.area_code WHERE p.id = ?");
  s->BindInt(1, id);
  if (!s->Step()) throw Error::NotFound("no product " + std::to_string(id));
  return {s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), s->Text(5), s->Text(6), s->Text(7),
          s->OptionalInt(8), s->OptionalInt(9), s->Int(10), s->Int(11)};
}

Product IndustryService::UpdateProduct(const Caller& caller, int64_t id, const ProductEdit& in, int64_t version) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.name, "name");
  const std::string certified = CheckDate(problems, in.certified_on, "certified_on", std::nullopt);
  if (in.category.size() > 400) problems.push_back({"category", "is longer than 400 bytes"});
  if (in.certificate_no.size() > 400) problems.push_back({"certificate_no", "is longer than 400 bytes"});
  ThrowIf(problems, "invalid product");
  const Product before = GetProduct(id);
  RequireIn(caller, true, before.area_code, "product/" + std::to_string(id));
  store::Transaction tx(db_);
  auto first = db_.Prepare("SELECT min(date) FROM purchases WHERE product_id = ?");
  first->BindInt(1, id);
  if (first->Step() && !first->IsNull(0) && certified > first->Text(0)) {
    throw Error::InvalidArgument("invalid product", {{"certified_on", certified + " is after the product's first purchase (" +
                                                                          first->Text(0) + ")"}});
  }
  first->Reset();
  auto s = db_.Prepare(
      "UPDATE products SET name = ?, category = ?, certificate_no = ?, certified_on = ?, version = version + 1"
      " WHERE id = ? AND version = ?");
  s->BindText(1, in.name);
  s->BindText(2, in.category);
  s->BindText(3, in.certificate_no);
  s->BindText(4, certified);
  s->BindInt(5, id);
  s->BindInt(6, version);
  RequireOneRow(s->Run(), "product", id, version);
  access::RecordChange(db_, clock_, caller, "industry.product_update", "product/" + std::to_string(id),
                       before.area_code, ProductJson(before),
                       {{"name", in.name}, {"category", in.category}, {"certificate_no", in.certificate_no},
                        {"certified_on", certified}});
  Product after = GetProduct(id);
  tx.Commit();
  return after;
}

void IndustryService::DeleteProduct(const Caller& caller, int64_t id, int64_t version) {
  const Product before = GetProduct(id);
  RequireIn(caller, true, before.area_code, "product/" + std::to_string(id));
  store::Transaction tx(db_);
  RefuseReferenced("product", id,
                   References(db_, id, {{"purchases", "SELECT count(*) FROM purchases WHERE product_id = ?"}}));
  auto s = db_.Prepare("DELETE FROM products WHERE id = ? AND version = ?");
  s->BindInt(1, id);
  s->BindInt(2, version);
  RequireOneRow(s->Run(), "product", id, version);
  access::RecordChange(db_, clock_, caller, "industry.product_delete", "product/" + std::to_string(id),
                       before.area_code, ProductJson(before), nullptr);
  tx.Commit();
}

Loan IndustryService::UpdateLoan(const Caller& caller, int64_t id, const LoanInput& in, int64_t version) {
  std::vector<ErrorDetail> problems;
  CheckText(problems, in.bank, "bank");
  CheckText(problems, in.purpose, "purpose");
  if (in.amount_fen <= 0) problems.push_back({"amount", "must be more than 0"});
  CheckNotNegative(problems, in.interest_subsidy_fen, "interest_subsidy");
  const std::string issued = CheckDate(problems, in.issued_on, "issued_on", std::nullopt);
  const std::string due = CheckDate(problems, in.due_on, "due_on", std::nullopt);
  if (!issued.empty() && !due.empty() && due <= issued) problems.push_back({"due_on", "is not after issued_on"});
  if (in.entity_id) {
    auto s = db_.Prepare("SELECT 1 FROM entities WHERE id = ?");
    s->BindInt(1, *in.entity_id);
    if (!s->Step()) problems.push_back({"entity_id", "no entity " + std::to_string(*in.entity_id)});
  }
  const Loan before = GetLoan(id);
  if (in.household_id != 0 && in.household_id != before.household_id) {
    problems.push_back({"household_id", "a loan's household does not change: delete the loan and record it again"});
  }
  ThrowIf(problems, "invalid loan");
  RequireIn(caller, true, before.area_code, "loan/" + std::to_string(id));
  store::Transaction tx(db_);
  const Loan now = GetLoan(id);  // inside the transaction: what is repaid now
  if (in.amount_fen < now.repaid_fen) {
    throw Error::FailedPrecondition(fmt::format("loan {} of {} is less than the {} repaid", id, Yuan(in.amount_fen),
                                                Yuan(now.repaid_fen)),
                                    {{"amount", "less than the " + Yuan(now.repaid_fen) + " repaid"}});
  }
  auto s = db_.Prepare(
      "UPDATE loans SET bank = ?, amount_fen = ?, issued_on = ?, due_on = ?, purpose = ?, entity_id = ?,"
      " interest_subsidy_fen = ?, version = version + 1 WHERE id = ? AND version = ?");
  s->BindText(1, in.bank);
  s->BindInt(2, in.amount_fen);
  s->BindText(3, issued);
  s->BindText(4, due);
  s->BindText(5, in.purpose);
  s->BindOptionalInt(6, in.entity_id);
  s->BindInt(7, in.interest_subsidy_fen);
  s->BindInt(8, id);
  s->BindInt(9, version);
  RequireOneRow(s->Run(), "loan", id, version);
  Loan after = GetLoan(id);
  access::RecordChange(db_, clock_, caller, "industry.loan_update", "loan/" + std::to_string(id), before.area_code,
                       LoanJson(before), LoanJson(after));
  tx.Commit();
  return after;
}

void IndustryService::DeleteLoan(const Caller& caller, int64_t id, int64_t version) {
  const Loan before = GetLoan(id);
  RequireIn(caller, true, before.area_code, "loan/" + std::to_string(id));
  store::Transaction tx(db_);
  RefuseReferenced("loan", id,
                   References(db_, id, {{"repayments", "SELECT count(*) FROM loan_repayments WHERE loan_id = ?"}}));
  auto s = db_.Prepare("DELETE FROM loans WHERE id = ? AND version = ?");
  s->BindInt(1, id);
  s->BindInt(2, version);
  RequireOneRow(s->Run(), "loan", id, version);
  access::RecordChange(db_, clock_, caller, "industry.loan_delete", "loan/" + std::to_string(id), before.area_code,
                       LoanJson(before), nullptr);
  tx.Commit();
}

// ---- one household -----------------------------------------------------------

HouseholdIndustry IndustryService::ForHousehold(const Caller& caller, int64_t household_id) {
  auto v = db_.Prepare("SELECT village_code FROM households WHERE id = ?");
  v->BindInt(1, household_id);
  if (!v->Step()) throw Error::NotFound("no household " + std::to_string(household_id));
  const std::string village = v->Text(0);
  v->Reset();
  {
    access::Audit audit(db_, clock_);
    access::Guard(audit, access::ActivePairingCheck(db_, clock_.Today()))
        .RequireRead(caller, Resource::kRegistry, {village, household_id, "household/" + std::to_string(household_id)});
  }
  HouseholdIndustry out;
  auto p = db_.Prepare(
      "SELECT i.name, h.year, h.mu_milli, h.income_fen, h.subsidy_fen FROM industry_households h"
      " JOIN industries i ON i.id = h.industry_id WHERE h.household_id = ? ORDER BY h.year, i.id");
  p->BindInt(1, household_id);
  while (p->Step()) out.plantings.push_back({p->Text(0), static_cast<int>(p->Int(1)), p->Int(2), p->Int(3), p->Int(4)});
  auto l = db_.Prepare(
      "SELECT e.id, e.name, l.link_kind, l.year, l.earned_fen FROM entity_links l JOIN entities e ON e.id = l.entity_id"
      " WHERE l.household_id = ? ORDER BY l.year, e.id, l.link_kind");
  l->BindInt(1, household_id);
  while (l->Step()) out.links.push_back({l->Int(0), l->Text(1), l->Text(2), static_cast<int>(l->Int(3)), l->Int(4)});
  auto w = db_.Prepare(std::string(kWorkerSelect) + " WHERE w.household_id = ? ORDER BY w.year, w.person_id");
  w->BindInt(1, household_id);
  while (w->Step()) out.jobs.push_back(ReadWorker(*w));
  const std::string today = clock_.Today().ToString();
  auto n = db_.Prepare(std::string(kLoanSelect) + " WHERE l.household_id = ? ORDER BY l.id");
  n->BindInt(1, household_id);
  while (n->Step()) out.loans.push_back(ReadLoan(*n, today));
  return out;
}

}  // namespace fupin::industry
