#pragma once
// Demo data for industry, employment, consumption assistance and small
// loans: given a registry (the Hengdong scenario), records the pepper and
// camellia growers of the report's year, business entities and their links,
// the party branches on the industry chains and the households they drive,
// every labour-force member's situation as a worker, public-welfare posts,
// certified products and their purchases 2018-2020, and small loans with
// their repayments, so that the progress report computes section 八 from them
// (pepper_*, camellia_*, branches_*, branch_*, consumption_purchases_yuan,
// labor_force, labor_employed).
//
// Set-based: a fixed number of reads, then every row written in one
// transaction through bulk writers, and one audit entry ("industry.demo").
// The same seed on the same registry gives the same rows.
#include <cstdint>
#include <string>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::industry {

struct DemoOptions {
  std::string county_code = "430424";
  std::string as_of = "2020-09-30";  // every date lies on or before it
  int64_t pepper_households = 751;   // 贫困户751户2623人种植1700多亩，每亩收益达7000元
  int64_t pepper_persons = 2623;
  int64_t pepper_mu = 1700;
  int64_t pepper_yuan_per_mu = 7000;
  int64_t camellia_mu = 11500;       // 油茶林11500亩，带动贫困户2600余户
  int64_t camellia_households = 2600;
  int64_t camellia_subsidy_yuan = 6524000;  // 奖补资金652.4万元
  int64_t camellia_yuan_per_household = 2900;  // 户均增收2900元
  int branches_new = 34, branches_joint = 21, branches_strengthened = 181;
  int64_t branch_households = 3200;  // 带动贫困户3200余户9650余人
  int64_t branch_persons = 9650;
  int64_t purchases_yuan = 81260000;  // 2019年以来8000余万元
  int64_t loans = 1200;
};

struct DemoIndustrySummary {
  int64_t plantings = 0, entities = 0, links = 0, branches = 0, workers = 0, welfare_posts = 0;
  int64_t products = 0, purchases = 0, loans = 0;
};

// Needs a caller who writes industry in the county. Refuses
// (failed_precondition) a county that already has industry records, or whose
// registered households cannot make up the targets.
DemoIndustrySummary GenerateDemo(store::Connection& db, uint64_t seed, const Caller& caller,
                                 const DemoOptions& options = {});

}  // namespace fupin::industry
