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

}  // namespace fupin::projects
