// The JSON of industry records (the API's shapes and `--json` of the CLI):
// money in fen with `_yuan` beside it as text, areas planted in mu.
#include <nlohmann/json.hpp>

#include "core/money.h"
#include "industry/industry.h"

namespace fupin::industry {
namespace {

using nlohmann::json;

json Optional(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

void PutMoney(json& j, const std::string& key, Fen fen) {
  j[key + "_fen"] = fen;
  j[key + "_yuan"] = FormatYuan(fen);
}

// Thousandths as a decimal number (1700500 -> 1700.5).
double Decimal(int64_t milli) { return static_cast<double>(milli) / 1000.0; }

json Terms(std::span<const Term> terms) {
  json out = json::array();
  for (const Term& t : terms) out.push_back({{"code", t.wire}, {"label", t.zh}});
  return out;
}

}  // namespace

json IndustryJson(const Industry& x) {
  json j = {{"id", x.id},     {"code", x.code ? json(*x.code) : json(nullptr)}, {"name", x.name}, {"unit", x.unit},
            {"households", x.households}, {"mu", Decimal(x.mu_milli)}, {"output", x.output}};
  PutMoney(j, "income", x.income_fen);
  PutMoney(j, "subsidy", x.subsidy_fen);
  PutMoney(j, "income_per_mu", x.income_per_mu_fen());
  return j;
}

json EntityJson(const Entity& x) {
  json j = {{"id", x.id},         {"name", x.name}, {"kind", x.kind}, {"kind_label", LabelOfWire(EntityKinds(), x.kind)},
            {"area_code", x.area_code}, {"area_name", x.area_name}, {"industry_id", Optional(x.industry_id)},
            {"households", x.households}, {"version", x.version}};
  PutMoney(j, "earned", x.earned_fen);
  return j;
}

json BranchJson(const Branch& x) {
  return {{"id", x.id},
          {"name", x.name},
          {"kind", x.kind},
          {"kind_label", LabelOfWire(BranchKinds(), x.kind)},
          {"area_code", x.area_code},
          {"founded_on", x.founded_on},
          {"entities", x.entities},
          {"households", x.households}};
}

json WorkerJson(const Worker& x) {
  json j = {{"person_id", x.person_id},
            {"name", x.name},
            {"household_id", x.household_id},
            {"household_number", x.household_number},
            {"area_code", x.area_code},
            {"year", x.year},
            {"employed", x.employed},
            {"place", x.place.empty() ? json(nullptr) : json(x.place)},
            {"place_label", LabelOfWire(WorkPlaces(), x.place)},
            {"channel", x.channel.empty() ? json(nullptr) : json(x.channel)},
            {"channel_label", LabelOfWire(JobChannels(), x.channel)},
            {"employer", x.employer},
            {"months", x.months},
            {"training", x.training},
            {"reason", x.reason.empty() ? json(nullptr) : json(x.reason)},
            {"reason_label", LabelOfWire(NotEmployedReasons(), x.reason)},
            {"registry_employment", x.registry_employment}};
  PutMoney(j, "income", x.income_fen);
  return j;
}

json WelfarePostJson(const WelfarePost& x) {
  json j = {{"id", x.id},
            {"name", x.name},
            {"area_code", x.area_code},
            {"person_id", Optional(x.person_id)},
            {"household_id", Optional(x.household_id)},
            {"holder", x.holder},
            {"funded_by", x.funded_by},
            {"funded_by_label", LabelOfWire(PostFunding(), x.funded_by)},
            {"asset_id", Optional(x.asset_id)},
            {"start_date", x.start_date},
            {"end_date", x.end_date.empty() ? json(nullptr) : json(x.end_date)}};
  PutMoney(j, "monthly_pay", x.monthly_pay_fen);
  return j;
}

json ProductJson(const Product& x) {
  json j = {{"id", x.id},
            {"name", x.name},
            {"category", x.category},
            {"certificate_no", x.certificate_no},
            {"certified_on", x.certified_on},
            {"supplier_kind", x.supplier_kind},
            {"supplier_kind_label", LabelOfWire(SupplierKinds(), x.supplier_kind)},
            {"supplier", x.supplier},
            {"area_code", x.area_code},
            {"household_id", Optional(x.household_id)},
            {"entity_id", Optional(x.entity_id)},
            {"version", x.version}};
  PutMoney(j, "sold", x.sold_fen);
  return j;
}

json PurchaseJson(const Purchase& x) {
  json j = {{"id", x.id},
            {"date", x.date},
            {"buyer_kind", x.buyer_kind},
            {"buyer_kind_label", LabelOfWire(BuyerKinds(), x.buyer_kind)},
            {"buyer", x.buyer},
            {"channel", x.channel},
            {"channel_label", LabelOfWire(PurchaseChannels(), x.channel)},
            {"product_id", x.product_id},
            {"product", x.product},
            {"area_code", x.area_code}};
  PutMoney(j, "amount", x.amount_fen);
  return j;
}

json PurchaseTotalsJson(const PurchaseTotals& x) {
  auto row = [](const PurchaseTotal& r) {
    json j = {{"key", r.key}, {"label", r.label}, {"purchases", r.purchases}};
    PutMoney(j, "amount", r.amount_fen);
    return j;
  };
  json rows = json::array();
  for (const auto& r : x.rows) rows.push_back(row(r));
  return {{"area_code", x.area_code},
          {"year", x.year ? json(*x.year) : json(nullptr)},
          {"by", x.by},
          {"rows", rows},
          {"total", row(x.total)}};
}

json PurchasePageJson(const PurchasePage& x, int64_t limit, int64_t offset) {
  json items = json::array();
  for (const auto& p : x.items) items.push_back(PurchaseJson(p));
  json j = {{"items", items}, {"total", x.total}, {"limit", limit}, {"offset", offset}};
  PutMoney(j, "amount", x.amount_fen);
  return j;
}

json LoanJson(const Loan& x) {
  json j = {{"id", x.id},
            {"household_id", x.household_id},
            {"household_number", x.household_number},
            {"area_code", x.area_code},
            {"bank", x.bank},
            {"issued_on", x.issued_on},
            {"due_on", x.due_on},
            {"purpose", x.purpose},
            {"entity_id", Optional(x.entity_id)},
            {"overdue", x.overdue},
            {"version", x.version}};
  PutMoney(j, "amount", x.amount_fen);
  PutMoney(j, "interest_subsidy", x.interest_subsidy_fen);
  PutMoney(j, "repaid", x.repaid_fen);
  PutMoney(j, "owed", x.amount_fen - x.repaid_fen);
  return j;
}

json HouseholdIndustryJson(const HouseholdIndustry& x) {
  json plantings = json::array();
  for (const auto& p : x.plantings) {
    json j = {{"industry", p.industry}, {"year", p.year}, {"mu", Decimal(p.mu_milli)}};
    PutMoney(j, "income", p.income_fen);
    PutMoney(j, "subsidy", p.subsidy_fen);
    plantings.push_back(std::move(j));
  }
  json links = json::array();
  for (const auto& l : x.links) {
    json j = {{"entity_id", l.entity_id}, {"entity", l.entity}, {"link_kind", l.link_kind},
              {"link_kind_label", LabelOfWire(LinkKinds(), l.link_kind)}, {"year", l.year}};
    PutMoney(j, "earned", l.earned_fen);
    links.push_back(std::move(j));
  }
  json jobs = json::array();
  for (const auto& w : x.jobs) jobs.push_back(WorkerJson(w));
  json loans = json::array();
  for (const auto& l : x.loans) loans.push_back(LoanJson(l));
  return {{"plantings", plantings}, {"links", links}, {"jobs", jobs}, {"loans", loans}};
}

json TermsJson() {
  return {{"entity_kinds", Terms(EntityKinds())},         {"link_kinds", Terms(LinkKinds())},
          {"branch_kinds", Terms(BranchKinds())},         {"work_places", Terms(WorkPlaces())},
          {"job_channels", Terms(JobChannels())},         {"not_employed_reasons", Terms(NotEmployedReasons())},
          {"supplier_kinds", Terms(SupplierKinds())},     {"buyer_kinds", Terms(BuyerKinds())},
          {"purchase_channels", Terms(PurchaseChannels())}, {"post_funding", Terms(PostFunding())}};
}

}  // namespace fupin::industry
