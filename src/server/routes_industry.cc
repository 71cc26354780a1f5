// Industry, employment, consumption assistance and small loans (issue 21):
// industries and plantings, business entities and links, party branches,
// workers' situations, public-welfare posts, certified products, purchases
// and their totals, small loans and repayments, and what one household has.
// Handlers parse, call one IndustryService function and render with the
// module's JSON (the same as the CLI's --json).
#include "industry/industry.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

using nlohmann::json;

industry::IndustryService Service(ApiRequest& r) { return industry::IndustryService(r.connection(), *r.clock); }

std::optional<int> Year(const ApiRequest& r) {
  if (auto y = r.QueryInt("year")) return static_cast<int>(*y);
  return std::nullopt;
}

// The year asked, else this year (Beijing).
int YearOrThisYear(const ApiRequest& r) { return Year(r).value_or(r.clock->Today().year); }

std::string Area(const ApiRequest& r) { return r.Query("area").value_or(""); }

template <typename T, typename ToJson>
ApiResponse Items(const std::vector<T>& items, ToJson to_json) {
  json out = json::array();
  for (const auto& x : items) out.push_back(to_json(x));
  return ApiResponse::Ok({{"items", out}});
}

void AddIndustryAndEntityRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/industries", true,
                    [](ApiRequest& r) {
                      return Items(Service(r).ListIndustries(r.caller, Area(r), YearOrThisYear(r)), industry::IndustryJson);
                    },
                    "Industries with their households, mu, output, income and subsidies of a year in an area"});
  routes.push_back({"POST", "/api/v1/industries", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      const std::string name = b.String("name", true, 400).value_or("");
                      const std::string unit = b.String("unit", false, 40).value_or("斤");
                      const auto code = b.String("code", false, 40);
                      b.Finish();
                      return ApiResponse::Created(industry::IndustryJson(Service(r).AddIndustry(r.caller, name, unit, code)));
                    },
                    "Add an industry of the county"});
  routes.push_back({"POST", "/api/v1/industries/{id}/households", true,
                    [](ApiRequest& r) {
                      industry::PlantingInput in;
                      in.industry_id = r.PathId("id");
                      BodyReader b(r.body);
                      in.household_id = b.Int("household_id", true).value_or(0);
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.mu_milli = b.Milli("mu", true).value_or(0);
                      in.output = b.Int("output").value_or(0);
                      in.income_fen = b.Yuan("income").value_or(0);
                      in.subsidy_fen = b.Yuan("subsidy").value_or(0);
                      in.disbursement_id = b.Int("disbursement_id");
                      b.Finish();
                      Service(r).RecordPlanting(r.caller, in);
                      return ApiResponse::Created({{"industry_id", in.industry_id}, {"household_id", in.household_id},
                                                   {"year", in.year}});
                    },
                    "Record (or replace) a household's row of an industry in a year (mu, output, income, subsidy)"});
  routes.push_back({"GET", "/api/v1/industries/terms", true,
                    [](ApiRequest&) { return ApiResponse::Ok(industry::TermsJson()); },
                    "The vocabularies of industry, employment, consumption and loans with their Chinese labels"});
  routes.push_back({"GET", "/api/v1/entities", true,
                    [](ApiRequest& r) { return Items(Service(r).ListEntities(r.caller, Area(r), Year(r)), industry::EntityJson); },
                    "Business entities (新型经营主体) with their linked households and what they earned"});
  routes.push_back({"POST", "/api/v1/entities", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      industry::EntityInput in;
                      in.name = b.String("name", true, 400).value_or("");
                      in.kind = b.String("kind", true, 40).value_or("");
                      in.area_code = b.String("area_code", true, 20).value_or("");
                      in.industry_id = b.Int("industry_id");
                      b.Finish();
                      return ApiResponse::Created(industry::EntityJson(Service(r).AddEntity(r.caller, in)));
                    },
                    "Add a business entity: cooperative, enterprise, family farm or poverty workshop"});
  routes.push_back({"POST", "/api/v1/entities/{id}/links", true,
                    [](ApiRequest& r) {
                      industry::LinkInput in;
                      in.entity_id = r.PathId("id");
                      BodyReader b(r.body);
                      in.household_id = b.Int("household_id", true).value_or(0);
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.link_kind = b.String("link_kind", true, 40).value_or("");
                      in.earned_fen = b.Yuan("earned").value_or(0);
                      b.Finish();
                      Service(r).Link(r.caller, in);
                      return ApiResponse::Created({{"entity_id", in.entity_id}, {"household_id", in.household_id},
                                                   {"year", in.year}, {"link_kind", in.link_kind}});
                    },
                    "Record (or replace) how an entity is linked to a household in a year (利益联结) and what it earned"});
  routes.push_back({"GET", "/api/v1/branches", true,
                    [](ApiRequest& r) { return Items(Service(r).ListBranches(r.caller, Area(r)), industry::BranchJson); },
                    "Party branches on the industry chain with the entities and households they drive"});
  routes.push_back({"POST", "/api/v1/branches", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      industry::BranchInput in;
                      in.name = b.String("name", true, 400).value_or("");
                      in.kind = b.String("kind", true, 40).value_or("");
                      in.area_code = b.String("area_code", true, 20).value_or("");
                      in.founded_on = b.String("founded_on", false, 10).value_or("");
                      in.entity_ids = b.Ints("entity_ids").value_or(std::vector<int64_t>{});
                      in.household_ids = b.Ints("household_ids").value_or(std::vector<int64_t>{});
                      b.Finish();
                      return ApiResponse::Created(industry::BranchJson(Service(r).AddBranch(r.caller, in)));
                    },
                    "Add a party branch (new, joint with an enterprise, or a strengthened village branch)"});
}

void AddEmploymentRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/employment", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      industry::WorkerFilter f;
                      f.area_code = Area(r);
                      f.year = YearOrThisYear(r);
                      if (const auto e = r.Query("employed")) f.employed = *e == "true";
                      f.limit = p.limit;
                      f.offset = p.offset;
                      const auto page = Service(r).ListWorkers(r.caller, f);
                      json items = json::array();
                      for (const auto& w : page.items) items.push_back(industry::WorkerJson(w));
                      return ApiResponse::Ok(
                          {{"items", items}, {"total", page.total}, {"limit", p.limit}, {"offset", p.offset}});
                    },
                    "Workers' situations of a year by area; employed=false lists who is not employed and why"});
  routes.push_back({"POST", "/api/v1/employment", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      industry::WorkerInput in;
                      in.person_id = b.Int("person_id", true).value_or(0);
                      in.year = static_cast<int>(b.Int("year", true).value_or(0));
                      in.employed = b.Bool("employed", true).value_or(false);
                      in.place = b.String("place", false, 40).value_or("");
                      in.channel = b.String("channel", false, 40).value_or("");
                      in.employer = b.String("employer", false, 400).value_or("");
                      in.months = static_cast<int>(b.Int("months").value_or(0));
                      in.income_fen = b.Yuan("income").value_or(0);
                      in.training = b.String("training", false, 400).value_or("");
                      in.reason = b.String("reason", false, 40).value_or("");
                      b.Finish();
                      return ApiResponse::Created(industry::WorkerJson(Service(r).RecordWorker(r.caller, in)));
                    },
                    "Record (or replace) a registered worker's situation in a year"});
  routes.push_back({"GET", "/api/v1/welfare-posts", true,
                    [](ApiRequest& r) { return Items(Service(r).ListWelfarePosts(r.caller, Area(r)), industry::WelfarePostJson); },
                    "Public-welfare posts (公益性岗位) with their holders, pay and funding"});
  routes.push_back({"POST", "/api/v1/welfare-posts", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      industry::WelfarePostInput in;
                      in.name = b.String("name", true, 400).value_or("");
                      in.area_code = b.String("area_code", true, 20).value_or("");
                      in.person_id = b.Int("person_id");
                      in.monthly_pay_fen = b.Yuan("monthly_pay", true).value_or(0);
                      in.funded_by = b.String("funded_by", true, 40).value_or("");
                      in.asset_id = b.Int("asset_id");
                      in.start_date = b.String("start_date", false, 10).value_or("");
                      in.end_date = b.String("end_date", false, 10).value_or("");
                      b.Finish();
                      return ApiResponse::Created(industry::WelfarePostJson(Service(r).AddWelfarePost(r.caller, in)));
                    },
                    "Add a public-welfare post with its holder, monthly pay and what funds it"});
}

void AddConsumptionAndLoanRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/products", true,
                    [](ApiRequest& r) { return Items(Service(r).ListProducts(r.caller, Area(r)), industry::ProductJson); },
                    "Certified poverty-alleviation products (扶贫产品) with their suppliers and what they sold"});
  routes.push_back({"POST", "/api/v1/products", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      industry::ProductInput in;
                      in.name = b.String("name", true, 400).value_or("");
                      in.category = b.String("category", false, 400).value_or("");
                      in.certificate_no = b.String("certificate_no", false, 400).value_or("");
                      in.certified_on = b.String("certified_on", false, 10).value_or("");
                      in.supplier_kind = b.String("supplier_kind", true, 40).value_or("");
                      in.household_id = b.Int("household_id");
                      in.entity_id = b.Int("entity_id");
                      in.area_code = b.String("area_code", false, 20).value_or("");
                      b.Finish();
                      return ApiResponse::Created(industry::ProductJson(Service(r).AddProduct(r.caller, in)));
                    },
                    "Certify a product of a household, an entity or a village"});
  routes.push_back({"POST", "/api/v1/purchases", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      industry::PurchaseInput in;
                      in.date = b.String("date", false, 10).value_or("");
                      in.buyer_kind = b.String("buyer_kind", true, 40).value_or("");
                      in.buyer = b.String("buyer", true, 400).value_or("");
                      in.channel = b.String("channel", true, 40).value_or("");
                      in.product_id = b.Int("product_id", true).value_or(0);
                      in.amount_fen = b.Yuan("amount", true).value_or(0);
                      b.Finish();
                      return ApiResponse::Created(industry::PurchaseJson(Service(r).RecordPurchase(r.caller, in)));
                    },
                    "Record a purchase of a certified product (date, buyer, channel, amount in yuan)"});
  routes.push_back({"GET", "/api/v1/purchases/totals", true,
                    [](ApiRequest& r) {
                      const auto t = Service(r).Totals(r.caller, Area(r), Year(r), r.Query("by").value_or("year"));
                      return ApiResponse::Ok(industry::PurchaseTotalsJson(t));
                    },
                    "Purchases added up by year, area (the next level down) or channel"});
  routes.push_back({"GET", "/api/v1/loans", true,
                    [](ApiRequest& r) {
                      const bool overdue = r.Query("overdue").value_or("") == "true";
                      return Items(Service(r).ListLoans(r.caller, Area(r), overdue), industry::LoanJson);
                    },
                    "Small loans of an area with what is repaid and owed; overdue=true: only the overdue"});
  routes.push_back({"POST", "/api/v1/loans", true,
                    [](ApiRequest& r) {
                      BodyReader b(r.body);
                      industry::LoanInput in;
                      in.household_id = b.Int("household_id", true).value_or(0);
                      in.bank = b.String("bank", true, 400).value_or("");
                      in.amount_fen = b.Yuan("amount", true).value_or(0);
                      in.issued_on = b.String("issued_on", true, 10).value_or("");
                      in.due_on = b.String("due_on", true, 10).value_or("");
                      in.purpose = b.String("purpose", true, 400).value_or("");
                      in.entity_id = b.Int("entity_id");
                      in.interest_subsidy_fen = b.Yuan("interest_subsidy").value_or(0);
                      b.Finish();
                      return ApiResponse::Created(industry::LoanJson(Service(r).AddLoan(r.caller, in)));
                    },
                    "Record a small loan to a registered household"});
  routes.push_back({"POST", "/api/v1/loans/{id}/repayments", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      BodyReader b(r.body);
                      const std::string date = b.String("date", false, 10).value_or("");
                      const Fen amount = b.Yuan("amount", true).value_or(0);
                      b.Finish();
                      return ApiResponse::Created(industry::LoanJson(Service(r).Repay(r.caller, id, date, amount)));
                    },
                    "Record a repayment; refused beyond what the loan still owes"});
  routes.push_back({"GET", "/api/v1/households/{id}/industry", true,
                    [](ApiRequest& r) {
                      return ApiResponse::Ok(industry::HouseholdIndustryJson(Service(r).ForHousehold(r.caller, r.PathId("id"))));
                    },
                    "A household's industries, links to entities, members' jobs and loans"});
}

// Corrections: PUT takes the whole record as POST does, with If-Match the
// version read (409 when stale); DELETE takes If-Match too (204).
industry::EntityInput ReadEntity(ApiRequest& r) {
  BodyReader b(r.body);
  industry::EntityInput in;
  in.name = b.String("name", true, 400).value_or("");
  in.kind = b.String("kind", true, 40).value_or("");
  in.area_code = b.String("area_code", true, 20).value_or("");
  in.industry_id = b.Int("industry_id");
  b.Finish();
  return in;
}

industry::LoanInput ReadLoan(ApiRequest& r) {
  BodyReader b(r.body);
  industry::LoanInput in;
  in.household_id = b.Int("household_id").value_or(0);
  in.bank = b.String("bank", true, 400).value_or("");
  in.amount_fen = b.Yuan("amount", true).value_or(0);
  in.issued_on = b.String("issued_on", true, 10).value_or("");
  in.due_on = b.String("due_on", true, 10).value_or("");
  in.purpose = b.String("purpose", true, 400).value_or("");
  in.entity_id = b.Int("entity_id");
  in.interest_subsidy_fen = b.Yuan("interest_subsidy").value_or(0);
  b.Finish();
  return in;
}

industry::ProductEdit ReadProductEdit(ApiRequest& r) {
  BodyReader b(r.body);
  industry::ProductEdit in;
  in.name = b.String("name", true, 400).value_or("");
  in.category = b.String("category", false, 400).value_or("");
  in.certificate_no = b.String("certificate_no", false, 400).value_or("");
  in.certified_on = b.String("certified_on", true, 10).value_or("");
  b.Finish();
  return in;
}

ApiResponse Deleted() { return ApiResponse{204, nullptr, {}}; }

void AddPurchaseListRoute(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/purchases", true,
                    [](ApiRequest& r) {
                      const Paging p = ReadPaging(r);
                      industry::PurchaseFilter f;
                      f.area_code = Area(r);
                      f.year = Year(r);
                      f.product_id = r.QueryInt("product");
                      f.buyer_kind = r.Query("buyer_kind").value_or("");
                      f.limit = p.limit;
                      f.offset = p.offset;
                      return ApiResponse::Ok(industry::PurchasePageJson(Service(r).ListPurchases(r.caller, f), p.limit, p.offset));
                    },
                    "Purchases by area, year, product and buyer kind, newest first, paged, with the count and amount of all"});
}

void AddCorrectionRoutes(std::vector<Route>& routes) {
  routes.push_back({"PUT", "/api/v1/entities/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      const auto in = ReadEntity(r);
                      const auto x = Service(r).UpdateEntity(r.caller, id, in, r.RequiredVersion());
                      return ApiResponse::Versioned(industry::EntityJson(x), x.version);
                    },
                    "Correct an entity (name, kind, area, industry); If-Match the version read (409 if stale)"});
  routes.push_back({"DELETE", "/api/v1/entities/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      Service(r).DeleteEntity(r.caller, id, r.RequiredVersion());
                      return Deleted();
                    },
                    "Delete an entity nothing refers to (no links, branches, products or loans); If-Match"});
  routes.push_back({"PUT", "/api/v1/products/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      const auto in = ReadProductEdit(r);
                      const auto x = Service(r).UpdateProduct(r.caller, id, in, r.RequiredVersion());
                      return ApiResponse::Versioned(industry::ProductJson(x), x.version);
                    },
                    "Correct a product's name, category, certificate and day certified; If-Match (409 if stale)"});
  routes.push_back({"DELETE", "/api/v1/products/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      Service(r).DeleteProduct(r.caller, id, r.RequiredVersion());
                      return Deleted();
                    },
                    "Delete a product with no purchases; If-Match"});
  routes.push_back({"PUT", "/api/v1/loans/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      const auto in = ReadLoan(r);
                      const auto x = Service(r).UpdateLoan(r.caller, id, in, r.RequiredVersion());
                      return ApiResponse::Versioned(industry::LoanJson(x), x.version);
                    },
                    "Correct a loan (not its household; the amount not below what is repaid); If-Match (409 if stale)"});
  routes.push_back({"DELETE", "/api/v1/loans/{id}", true,
                    [](ApiRequest& r) {
                      const int64_t id = r.PathId("id");
                      Service(r).DeleteLoan(r.caller, id, r.RequiredVersion());
                      return Deleted();
                    },
                    "Delete a loan with no repayments (one with repayments is refused, saying so in Chinese); If-Match"});
}

}  // namespace

void AddIndustryRoutes(std::vector<Route>& routes) {
  AddIndustryAndEntityRoutes(routes);
  AddEmploymentRoutes(routes);
  AddConsumptionAndLoanRoutes(routes);
  AddPurchaseListRoute(routes);
  AddCorrectionRoutes(routes);
}

}  // namespace fupin::server
