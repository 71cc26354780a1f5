#pragma once
// Demo data for projects, funds and assets: given a registry (the Hengdong
// scenario), records the county's industry projects, water works and
// photovoltaic stations 2014-2020 with their steps, notices, allocations,
// assignments, disbursements, assets, station income and dividends, so that
// the progress report computes the published figures from them
// (industry_projects_*, pv_*, water_*).
//
// Set-based: one read of the households' status and members, then every row
// written in one transaction with reused statements (nothing is left behind
// on failure), and one audit entry ("projects.demo") for the batch. The same
// seed on the same registry gives the same rows.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::projects {

// Works of one kind sharing an output (道路: 窄路加宽 603 km over 12
// projects): the output total split over the projects, each in a township.
struct DemoWorks {
  std::string kind;         // road, power, ...
  std::string name;         // project name stem: 窄路加宽工程
  std::string item;         // the output item: 窄路加宽
  std::string unit;         // km, 座
  int64_t total_milli = 0;  // thousandths of the unit
  int projects = 1;
  int64_t quantum = 1;      // parts are multiples of it (1000: whole bridges)
  std::string implementer;
};

struct DemoOptions {
  std::string county_code = "430424";
  std::string as_of = "2020-09-30";        // every date lies on or before it
  int industry_provincial = 7;             // 7个省级重点产业扶贫项目
  int industry_county = 16;                // 16个县级重点产业扶贫项目
  int64_t industry_households = 2986;      // 帮扶贫困户2986户
  int pv_joint = 3, pv_central = 2, pv_village = 1;  // 光伏电站
  int64_t pv_households = 7467;            // 惠及贫困户7467户
  int64_t pv_persons = 22850;              // 22850人
  int water_projects = 40;                 // 40处集中供水工程
  int64_t water_investment_yuan = 174660000;  // 投入1.7466亿元
  int64_t water_pipe_m = 328500;           // 主管网328.5公里
  int64_t water_beneficiaries = 399800;    // 受益人口39.98万人
  std::vector<DemoWorks> works;            // other works with their outputs (roads: the housing module's)
};

struct DemoProjectsSummary {
  int64_t projects = 0;
  int64_t allocations = 0;
  int64_t disbursements = 0;
  int64_t assets = 0;
  int64_t stations = 0;
  int64_t distributions = 0;
};

// Needs the county office or an administrator writing projects in the
// county. Refuses (failed_precondition) a county that already has projects,
// or whose registered households cannot make up the beneficiary targets.
DemoProjectsSummary GenerateDemo(store::Connection& db, uint64_t seed, const Caller& caller,
                                 const DemoOptions& options = {});

// Shared with the other development modules' demos (industry, issue 21).
// splitmix64: small, fixed, the same on every platform.
class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<size_t>(Next() % i)]);
  }

 private:
  uint64_t state_;
};

// A registered household with its village and its members on the as-of date.
struct DemoHousehold {
  int64_t id = 0;
  std::string village;
  int64_t persons = 0;
};
// The households of `county` registered (poor or exited) on `as_of`, by id, in two reads.
std::vector<DemoHousehold> RegisteredHouseholds(store::Connection& db, const std::string& county,
                                                const std::string& as_of);
// `count` households of `pool` whose persons add up to `persons` exactly (a
// random pick, then swaps); failed_precondition when there are none. Sorted by id.
std::vector<DemoHousehold> PickExactly(DemoRandom& rng, std::vector<DemoHousehold> pool, int64_t count,
                                       int64_t persons);

}  // namespace fupin::projects
