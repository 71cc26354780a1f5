// Industry, employment, consumption assistance and small loans on a small
// registry: what each record keeps, the refusals (which leave the database as
// it was, naming the field), who may do what, and the figures of the
// progress report following the records. Runs on SQLite and (pg. copy)
// PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/vocabulary_testing.h"
#include "industry/industry.h"
#include "industry/schema.h"
#include "monitoring/monitoring.h"
#include "monitoring/schema.h"
#include "projects/schema.h"
#include "registry/testing.h"

namespace fupin::industry {
namespace {

constexpr const char* kVillage = "430424100200";

std::vector<store::Migration> Schema() {
  auto all = projects::Migrations();
  for (auto& m : monitoring::Migrations()) all.push_back(std::move(m));  // 1101 adds monitoring rules
  for (auto& m : Migrations()) all.push_back(std::move(m));
  return all;
}

class IndustryTest : public ::testing::Test {
 protected:
  IndustryTest() : fx_(Schema()), svc_(fx_.db(), fx_.clock()) {
    fx_.AddAreas();
    county_ = As("县扶贫办", Role::kCountyOffice, "430424");
    township_ = As("乡镇干部", Role::kTownship, "430424100");
    auditor_ = As("审计", Role::kAuditor, "430424");
    donor_ = As("爱心人士", Role::kDonor, "430424");
    other_county_ = As("外县", Role::kCountyOffice, "430426");
    h1_ = fx_.AddHousehold("4304241002000001", kVillage);
    p1_ = fx_.AddPerson(h1_, "19800101");
    p2_ = fx_.AddPerson(h1_, "19820101");
    h2_ = fx_.AddHousehold("4304241002000002", kVillage);
    p3_ = fx_.AddPerson(h2_, "19700101");
  }

  Caller As(const std::string& name, Role role, const std::string& area) {
    auto s = fx_.db().Prepare(
        "INSERT INTO users (name, role, area_code, password_hash, password_changed_at, created_at, updated_at)"
        " VALUES (?, ?, ?, 'x', 0, 0, 0) RETURNING id");
    s->BindText(1, name);
    s->BindText(2, RoleName(role));
    s->BindText(3, area);
    s->Step();
    return Caller{s->Int(0), name, role, area};
  }

  int64_t Count(const std::string& table) { return *fx_.db().QueryInt("SELECT count(*) FROM " + table); }
  std::string Snapshot() {
    std::string out;
    for (const char* t : {"industries", "industry_households", "entities", "entity_links", "party_branches",
                          "branch_households", "worker_years", "welfare_posts", "products", "purchases", "loans",
                          "loan_repayments"}) {
      out += std::string(t) + "=" + std::to_string(Count(t)) + ";";
    }
    return out;
  }
  template <typename F>
  std::vector<ErrorDetail> Refused(F f, ErrorCode code = ErrorCode::kInvalidArgument) {
    const std::string before = Snapshot();
    try {
      f();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_EQ(Snapshot(), before);
      return e.details();
    }
    ADD_FAILURE() << "not refused";
    return {};
  }
  static bool Names(const std::vector<ErrorDetail>& details, const std::string& path) {
    return std::any_of(details.begin(), details.end(), [&](const ErrorDetail& d) { return d.path == path; });
  }

  int64_t Pepper() { return svc_.AddIndustry(county_, "三樟黄贡椒", "斤", "pepper").id; }

  registry::testing::RegistryFixture fx_;
  IndustryService svc_;
  Caller county_, township_, auditor_, donor_, other_county_;
  int64_t h1_ = 0, h2_ = 0, p1_ = 0, p2_ = 0, p3_ = 0;
};

TEST_F(IndustryTest, PlantingsAddUpByIndustryAndYear) {
  const int64_t pepper = Pepper();
  svc_.RecordPlanting(county_, {pepper, h1_, 2020, 2500, 600, 1750000, 20000, std::nullopt});
  svc_.RecordPlanting(county_, {pepper, h2_, 2020, 1500, 400, 1050000, 0, std::nullopt});
  svc_.RecordPlanting(county_, {pepper, h2_, 2019, 1000, 100, 500000, 0, std::nullopt});
  // Recording the same household and year again replaces the row.
  svc_.RecordPlanting(county_, {pepper, h1_, 2020, 2500, 600, 1750000, 30000, std::nullopt});
  const auto list = svc_.ListIndustries(township_, "", 2020);
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0].households, 2);
  EXPECT_EQ(list[0].mu_milli, 4000);
  EXPECT_EQ(list[0].subsidy_fen, 30000);
  EXPECT_EQ(list[0].income_per_mu_fen(), 700000);  // 7000 yuan a mu
  EXPECT_EQ(IndustryJson(list[0])["income_per_mu_yuan"], "7000.00");
}

TEST_F(IndustryTest, BadPlantingsAreRefusedWholeNamingEachField) {
  const int64_t pepper = Pepper();
  const auto details = Refused([&] {
    svc_.RecordPlanting(county_, {pepper + 7, h1_, 1999, -1, 0, -5, 0, int64_t{99}});
  });
  EXPECT_TRUE(Names(details, "industry_id"));
  EXPECT_TRUE(Names(details, "year"));
  EXPECT_TRUE(Names(details, "mu"));
  EXPECT_TRUE(Names(details, "income"));
  EXPECT_TRUE(Names(details, "disbursement_id"));
  Refused([&] { svc_.RecordPlanting(county_, {pepper, 9999, 2020, 1000, 0, 0, 0, std::nullopt}); });
}

TEST_F(IndustryTest, OnlyTheCountyOfficeWritesAndEachReadsItsOwnArea) {
  const int64_t pepper = Pepper();
  Refused([&] { svc_.RecordPlanting(township_, {pepper, h1_, 2020, 1000, 0, 0, 0, std::nullopt}); },
          ErrorCode::kPermissionDenied);
  Refused([&] { svc_.RecordPlanting(other_county_, {pepper, h1_, 2020, 1000, 0, 0, 0, std::nullopt}); },
          ErrorCode::kPermissionDenied);
  EXPECT_THROW(svc_.ListIndustries(donor_, "", 2020), Error);
  EXPECT_THROW(svc_.ListLoans(other_county_, "430424", false), Error);
  EXPECT_NO_THROW(svc_.ListLoans(auditor_, "", false));
  // Every change is audited.
  const int64_t before = Count("audit_log");
  svc_.RecordPlanting(county_, {pepper, h1_, 2020, 1000, 0, 0, 0, std::nullopt});
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'industry.planting_record'"), 1);
  EXPECT_GT(Count("audit_log"), before);
}

TEST_F(IndustryTest, WorkersAreEmployedSomewhereOrNotEmployedForAReason) {
  WorkerInput job{p1_, 2020, true, "outside", "job_fair", "广东某厂", 10, 4000000, "电工培训", ""};
  const Worker w = svc_.RecordWorker(county_, job);
  EXPECT_EQ(w.household_id, h1_);
  EXPECT_EQ(w.area_code, kVillage);
  svc_.RecordWorker(county_, {p3_, 2020, false, "", "", "", 0, 0, "", "illness"});
  const auto details = Refused([&] {
    svc_.RecordWorker(county_, {p2_, 2020, false, "county", "", "", 13, 0, "", "lazy"});
  });
  EXPECT_TRUE(Names(details, "reason"));
  EXPECT_TRUE(Names(details, "place"));
  EXPECT_TRUE(Names(details, "months"));
  Refused([&] { svc_.RecordWorker(county_, {p2_, 2020, true, "moon", "own", "", 0, 0, "", ""}); });
  WorkerFilter idle;
  idle.year = 2020;
  idle.employed = false;
  const auto page = svc_.ListWorkers(township_, idle);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0].person_id, p3_);
  EXPECT_EQ(WorkerJson(page.items[0])["reason_label"], "因病");
}

TEST_F(IndustryTest, RepaymentsBeyondWhatIsOwedAreRefusedWithBothFigures) {
  const Loan loan = svc_.AddLoan(county_, {h1_, "衡东县农村商业银行", 5000000, "2018-03-01", "2021-03-01", "发展种养业",
                                           std::nullopt, 100000});
  EXPECT_TRUE(loan.overdue);
  const Loan part = svc_.Repay(county_, loan.id, "2021-03-01", 3000000);
  EXPECT_EQ(part.repaid_fen, 3000000);
  try {
    svc_.Repay(county_, loan.id, "2021-04-01", 2000001);
    FAIL() << "not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(std::string(e.what()).find("20000.01 yuan"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("20000.00 yuan of 50000.00 yuan"), std::string::npos) << e.what();
  }
  EXPECT_EQ(svc_.ListLoans(township_, "", true).size(), 1U);
  svc_.Repay(county_, loan.id, "2021-04-01", 2000000);
  EXPECT_TRUE(svc_.ListLoans(township_, "", true).empty());
  const auto details = Refused([&] {
    svc_.AddLoan(county_, {h1_, "", 0, "2020-01-01", "2019-01-01", "x", std::nullopt, 0});
  });
  EXPECT_TRUE(Names(details, "bank"));
  EXPECT_TRUE(Names(details, "amount"));
  EXPECT_TRUE(Names(details, "due_on"));
}

TEST_F(IndustryTest, PurchasesAddUpByChannelAndNeedACertifiedProduct) {
  const Product pr = svc_.AddProduct(county_, {"黄贡椒", "农产品", "衡扶产认〔2019〕1号", "2019-01-10", "household", h1_,
                                               std::nullopt, ""});
  EXPECT_EQ(pr.area_code, kVillage);
  svc_.RecordPurchase(county_, {"2019-05-01", "union", "县总工会", "fair", pr.id, 1000000});
  svc_.RecordPurchase(county_, {"2020-05-01", "unit", "县直机关食堂", "canteen", pr.id, 250000});
  svc_.RecordPurchase(county_, {"2020-06-01", "cadre", "张三", "fair", pr.id, 50000});
  const auto details = Refused([&] {
    svc_.RecordPurchase(county_, {"2018-12-31", "alien", "", "fair", pr.id, 0});
  });
  EXPECT_TRUE(Names(details, "date"));
  EXPECT_TRUE(Names(details, "buyer_kind"));
  EXPECT_TRUE(Names(details, "buyer"));
  EXPECT_TRUE(Names(details, "amount"));
  const auto by_channel = svc_.Totals(auditor_, "", std::nullopt, "channel");
  ASSERT_EQ(by_channel.rows.size(), 2U);
  EXPECT_EQ(by_channel.rows[1].key, "fair");
  EXPECT_EQ(by_channel.rows[1].label, "展销会");
  EXPECT_EQ(by_channel.rows[1].amount_fen, 1050000);
  EXPECT_EQ(by_channel.total.amount_fen, 1300000);
  const auto in_2020 = svc_.Totals(auditor_, "430424", 2020, "area");
  ASSERT_EQ(in_2020.rows.size(), 1U);
  EXPECT_EQ(in_2020.rows[0].key, "430424100");
  EXPECT_EQ(in_2020.total.amount_fen, 300000);
}

TEST_F(IndustryTest, AHouseholdShowsItsLinksJobsAndLoans) {
  const int64_t pepper = Pepper();
  const Entity coop = svc_.AddEntity(county_, {"三樟黄贡椒合作社", "cooperative", "430424100", pepper});
  svc_.Link(county_, {coop.id, h1_, 2020, "shares", 120000});
  svc_.RecordPlanting(county_, {pepper, h1_, 2020, 1000, 0, 700000, 0, std::nullopt});
  svc_.RecordWorker(county_, {p1_, 2020, true, "county", "workshop", "扶贫车间", 12, 2400000, "", ""});
  svc_.AddLoan(county_, {h1_, "邮储银行", 5000000, "2019-01-01", "2022-01-01", "入股合作社", coop.id, 0});
  const auto x = svc_.ForHousehold(auditor_, h1_);
  ASSERT_EQ(x.links.size(), 1U);
  EXPECT_EQ(x.links[0].entity, "三樟黄贡椒合作社");
  ASSERT_EQ(x.jobs.size(), 1U);
  ASSERT_EQ(x.loans.size(), 1U);
  ASSERT_EQ(x.plantings.size(), 1U);
  const auto j = HouseholdIndustryJson(x);
  EXPECT_EQ(j["links"][0]["link_kind_label"], "入股分红");
  EXPECT_EQ(svc_.ListEntities(township_, "", 2020).at(0).earned_fen, 120000);
  EXPECT_THROW(svc_.ForHousehold(donor_, h1_), Error);
}

TEST_F(IndustryTest, BranchesDriveHouseholdsOfTheirOwnArea) {
  const Branch b = svc_.AddBranch(county_, {"黄贡椒产业链党支部", "new", "430424100", "2019-06-01", {}, {h1_, h2_, h1_}});
  EXPECT_EQ(b.households, 2);
  Refused([&] { svc_.AddBranch(county_, {"外村党支部", "strengthened", "430424100201", "2019-06-01", {}, {h1_}}); });
  EXPECT_EQ(svc_.ListBranches(auditor_, "").size(), 1U);
}

// The figures follow the records: one more grower, one more branch household,
// one worker's situation changed.
TEST_F(IndustryTest, FiguresMoveWithTheRecords) {
  const int64_t pepper = Pepper();
  svc_.RecordPlanting(county_, {pepper, h1_, 2020, 1000, 0, 700000, 0, std::nullopt});
  svc_.AddBranch(county_, {"党支部", "strengthened", kVillage, "2019-06-01", {}, {h2_}});
  svc_.RecordWorker(county_, {p1_, 2020, true, "county", "own", "", 12, 100, "", ""});
  svc_.RecordWorker(county_, {p2_, 2020, false, "", "", "", 0, 0, "", "caring"});
  auto f = ComputeFigures(fx_.db(), "430424", "2020-09-30");
  EXPECT_EQ(f.pepper_households, 1);
  EXPECT_EQ(f.pepper_persons, 2);
  EXPECT_EQ(f.pepper_mu_milli, 1000);
  EXPECT_EQ(f.branches_strengthened, 1);
  EXPECT_EQ(f.branch_households, 1);
  EXPECT_EQ(f.branch_persons, 1);
  EXPECT_EQ(f.workers_by_household[h1_].workers, 2);
  EXPECT_EQ(f.workers_by_household[h1_].employed, 1);

  svc_.RecordPlanting(county_, {pepper, h2_, 2020, 2000, 0, 1400000, 0, std::nullopt});
  svc_.RecordWorker(county_, {p2_, 2020, true, "province", "placement", "长沙", 6, 100, "", ""});
  f = ComputeFigures(fx_.db(), "430424", "2020-09-30");
  EXPECT_EQ(f.pepper_households, 2);
  EXPECT_EQ(f.pepper_persons, 3);
  EXPECT_EQ(f.pepper_mu_milli, 3000);
  EXPECT_EQ(f.workers_by_household[h1_].employed, 2);
  // A branch founded after the as-of date does not count yet.
  svc_.AddBranch(county_, {"新支部", "new", "430424100", "2020-10-01", {}, {h1_}});
  f = ComputeFigures(fx_.db(), "430424", "2020-09-30");
  EXPECT_EQ(f.branches_new, 0);
  EXPECT_EQ(f.branch_households, 1);
}

// The monitoring scan names the rule each industry signal fires: a job lost
// (worker records), a loan due in the year and not repaid, an entity that
// paid dividends last year and none this year.
TEST_F(IndustryTest, TheMonitoringScanFiresTheIndustrySignals) {
  const Entity coop = svc_.AddEntity(county_, {"合作社", "cooperative", "430424100", std::nullopt});
  svc_.Link(county_, {coop.id, h1_, 2020, "shares", 100000});
  svc_.Link(county_, {coop.id, h1_, 2021, "work", 50000});  // the entity reports 2021, without dividends
  svc_.RecordWorker(county_, {p3_, 2020, true, "county", "own", "", 12, 100, "", ""});
  svc_.RecordWorker(county_, {p3_, 2021, false, "", "", "", 0, 0, "", "no_jobs"});
  svc_.AddLoan(county_, {h2_, "农商行", 5000000, "2018-03-01", "2021-03-01", "发展种养业", std::nullopt, 0});
  const auto signals = ScanSignals(fx_.db(), "430424", 2021);
  EXPECT_EQ(signals.stopped_dividends.at(h1_), 1);
  EXPECT_EQ(signals.lost_jobs.at(h2_), 1);
  EXPECT_EQ(signals.overdue_loans.at(h2_).second, 5000000);
  const auto scan = monitoring::MonitoringService(fx_.db(), fx_.clock()).Scan(county_, 2021, "430424");
  std::map<int64_t, std::set<std::string>> rules;
  for (const auto& c : scan.candidates) {
    for (const auto& hit : c.hits) rules[c.household_id].insert(WireOf(monitoring::RiskRuleTerms(), hit.rule));
  }
  EXPECT_EQ(rules[h1_], (std::set<std::string>{"dividends_stopped"}));
  EXPECT_EQ(rules[h2_], (std::set<std::string>{"job_loss", "overdue_loan"}));
  // Repaid before the year's end: no longer a signal; nothing fires for 2022.
  const auto loans = svc_.ListLoans(county_, "", false);
  svc_.Repay(county_, loans.at(0).id, "2021-12-01", 5000000);
  EXPECT_TRUE(ScanSignals(fx_.db(), "430424", 2021).overdue_loans.empty());
  EXPECT_TRUE(monitoring::MonitoringService(fx_.db(), fx_.clock()).Scan(county_, 2022, "430424").candidates.empty());
}

}  // namespace
}  // namespace fupin::industry

namespace fupin::industry {
namespace {

// Corrections: optimistic versions, audited, refused where others refer to the record.
TEST_F(IndustryTest, EntitiesAreCorrectedAtTheirVersionAndDeletedOnlyWhenNothingRefersToThem) {
  const Entity coop = svc_.AddEntity(county_, {"合作社", "cooperative", "430424100", std::nullopt});
  EXPECT_EQ(coop.version, 1);
  const Entity fixed = svc_.UpdateEntity(county_, coop.id, {"三樟合作社", "enterprise", kVillage, std::nullopt}, 1);
  EXPECT_EQ(fixed.version, 2);
  EXPECT_EQ(fixed.name, "三樟合作社");
  EXPECT_EQ(fixed.area_code, kVillage);
  EXPECT_EQ(svc_.ListEntities(auditor_, "", std::nullopt).at(0).version, 2);
  // A stale version: conflict, nothing changed.
  Refused([&] { svc_.UpdateEntity(county_, coop.id, {"旧名", "cooperative", kVillage, std::nullopt}, 1); },
          ErrorCode::kConflict);
  Refused([&] { svc_.UpdateEntity(township_, coop.id, {"乡镇改", "cooperative", kVillage, std::nullopt}, 2); },
          ErrorCode::kPermissionDenied);
  EXPECT_TRUE(Names(Refused([&] { svc_.UpdateEntity(county_, coop.id, {"", "alien", "999", std::nullopt}, 2); }),
                    "kind"));
  // Referred to by a link: not deleted, the refusal counts what refers to it.
  svc_.Link(county_, {coop.id, h1_, 2020, "work", 0});
  try {
    svc_.DeleteEntity(county_, coop.id, 2);
    FAIL() << "not refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(std::string(e.what()), "entity " + std::to_string(coop.id) + " is referred to by 1 links and cannot be deleted");
  }
  const Entity spare = svc_.AddEntity(county_, {"家庭农场", "family_farm", kVillage, std::nullopt});
  Refused([&] { svc_.DeleteEntity(county_, spare.id, 2); }, ErrorCode::kConflict);
  svc_.DeleteEntity(county_, spare.id, 1);
  EXPECT_EQ(Count("entities"), 1);
  EXPECT_EQ(*fx_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action IN ('industry.entity_update',"
                               " 'industry.entity_delete')"),
            2);
}

TEST_F(IndustryTest, ALoanWithRepaymentsIsNotDeletedAndItsAmountStaysAboveWhatIsRepaid) {
  const Loan loan = svc_.AddLoan(county_, {h1_, "农商银行", 5000000, "2019-03-01", "2022-03-01", "发展种养业",
                                           std::nullopt, 0});
  const Loan fixed = svc_.UpdateLoan(county_, loan.id, {0, "邮储银行", 4000000, "2019-03-01", "2022-03-01", "养殖",
                                                        std::nullopt, 50000}, 1);
  EXPECT_EQ(fixed.version, 2);
  EXPECT_EQ(fixed.amount_fen, 4000000);
  EXPECT_EQ(fixed.bank, "邮储银行");
  EXPECT_TRUE(Names(Refused([&] {
    svc_.UpdateLoan(county_, loan.id, {h2_, "邮储银行", 4000000, "2019-03-01", "2022-03-01", "养殖", std::nullopt, 0}, 2);
  }), "household_id"));
  svc_.Repay(county_, loan.id, "2020-03-01", 1000000);
  Refused([&] {
    svc_.UpdateLoan(county_, loan.id, {0, "邮储银行", 999999, "2019-03-01", "2022-03-01", "养殖", std::nullopt, 0}, 2);
  }, ErrorCode::kFailedPrecondition);
  Refused([&] { svc_.DeleteLoan(county_, loan.id, 2); }, ErrorCode::kFailedPrecondition);
  const Loan other = svc_.AddLoan(county_, {h2_, "农商银行", 100000, "2019-03-01", "2020-03-01", "x", std::nullopt, 0});
  Refused([&] { svc_.DeleteLoan(township_, other.id, 1); }, ErrorCode::kPermissionDenied);
  svc_.DeleteLoan(county_, other.id, 1);
  EXPECT_EQ(Count("loans"), 1);
}

TEST_F(IndustryTest, PurchasesAreListedAPageAtATimeWithTheTotalOfAll) {
  const Product pr = svc_.AddProduct(county_, {"黄贡椒", "", "", "2019-01-10", "household", h1_, std::nullopt, ""});
  const Product oil = svc_.AddProduct(county_, {"茶油", "", "", "2019-01-10", "village", std::nullopt, std::nullopt,
                                                kVillage});
  svc_.RecordPurchase(county_, {"2019-05-01", "union", "县总工会", "fair", pr.id, 1000000});
  svc_.RecordPurchase(county_, {"2020-05-01", "unit", "县直机关食堂", "canteen", pr.id, 250000});
  svc_.RecordPurchase(county_, {"2020-06-01", "cadre", "张三", "fair", oil.id, 50000});
  svc_.RecordPurchase(county_, {"2020-07-01", "union", "乡工会", "ecommerce", oil.id, 7000});
  PurchaseFilter f;
  f.limit = 2;
  auto page = svc_.ListPurchases(auditor_, f);
  EXPECT_EQ(page.total, 4);
  EXPECT_EQ(page.amount_fen, 1307000);
  ASSERT_EQ(page.items.size(), 2U);
  EXPECT_EQ(page.items[0].date, "2020-07-01");  // newest first
  f.offset = 2;
  page = svc_.ListPurchases(auditor_, f);
  ASSERT_EQ(page.items.size(), 2U);
  EXPECT_EQ(page.items[1].date, "2019-05-01");
  f.offset = 10;  // past the last page: no rows, the totals still
  page = svc_.ListPurchases(auditor_, f);
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total, 4);
  f = PurchaseFilter{};
  f.year = 2020;
  f.buyer_kind = "union";
  page = svc_.ListPurchases(township_, f);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0].amount_fen, 7000);
  f = PurchaseFilter{};
  f.product_id = pr.id;
  EXPECT_EQ(svc_.ListPurchases(auditor_, f).amount_fen, 1250000);
  f.buyer_kind = "alien";
  EXPECT_THROW(svc_.ListPurchases(auditor_, f), Error);
  EXPECT_THROW(svc_.ListPurchases(donor_, PurchaseFilter{}), Error);
  // A product with purchases is not deleted; its correction cannot certify it after its first sale.
  Refused([&] { svc_.DeleteProduct(county_, pr.id, 1); }, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(Names(Refused([&] { svc_.UpdateProduct(county_, pr.id, {"黄贡椒", "", "", "2019-06-01"}, 1); }),
                    "certified_on"));
  EXPECT_EQ(svc_.UpdateProduct(county_, pr.id, {"三樟黄贡椒", "辣椒", "衡扶产认1号", "2019-01-01"}, 1).version, 2);
}

// Issue 19 item 4: the entity and link kinds named in the module's SQL are enums over their tables.
TEST(IndustryTermsTest, TheKindsNamedInSqlAreEnumsOverTheirTables) {
  fupin::testing::ExpectCompleteTable(EntityKinds(), EntityKind::kWorkshop);
  fupin::testing::ExpectCompleteTable(LinkKinds(), LinkKind::kTrusteeship);
  EXPECT_EQ(SqlWire(LinkKinds(), LinkKind::kShares), "'shares'");
  EXPECT_EQ(SqlWire(EntityKinds(), EntityKind::kEnterprise), "'enterprise'");
}

}  // namespace
}  // namespace fupin::industry
