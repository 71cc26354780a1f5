#pragma once
// Demo data for the social-assistance platform: given a registry (the
// Hengdong scenario, or any other), registers every household on the
// platform and generates donors, published needs, pledges, dockings and
// feedback so that ProgressFigures gives the published counts.
//
// Set-based: one read of the households' status history, then every row
// written in one transaction (nothing is left behind on failure), and one
// audit entry ("social.demo") for the whole batch. The same seed on the same
// registry gives the same rows.
//
// Demo donors have an access user each (role donor, national scope) that
// cannot log in: the account is disabled and its password hash is not a hash,
// so no password matches. An administrator enables one by resetting its
// password (fupin user password NAME) and enabling it.
#include <cstdint>
#include <string>

#include "core/caller.h"
#include "store/database.h"

namespace fupin::social {

struct DemoOptions {
  std::string area_code = "430424";   // the households of this area (any level)
  int64_t donors = 35540;             // 爱心人士注册35540人
  int64_t needs = 8414;               // 发布需求8414条 (all published)
  int64_t dockings = 37326;           // 对接成功37326次 (all confirmed)
  int64_t undelivered_pledges = 120;  // open pledges never delivered (the supervisors' list)
  std::string platform_start = "2017-08-01";  // the platform opened
  std::string as_of = "2020-09-30";           // every date lies on or before it
};

struct DemoSocialSummary {
  int64_t households_enrolled = 0;
  int64_t donors = 0;
  int64_t needs = 0;
  int64_t needs_open = 0;  // still open on as_of (amount not reached yet)
  int64_t pledges = 0;
  int64_t dockings = 0;
  int64_t feedback = 0;
};

// Needs an administrator or the county office writing social data in the
// area. Refuses (failed_precondition) an area that already has needs or no
// registered household; invalid options are invalid_argument.
DemoSocialSummary GenerateDemo(store::Connection& db, uint64_t seed, const Caller& caller,
                               const DemoOptions& options = {});

}  // namespace fupin::social
