#pragma once
// The second half of the industry demo (demo.cc): workers' situations,
// public-welfare posts, certified products and their purchases, small loans
// and their repayments. Inside the caller's transaction.
#include <cstdint>
#include <string>
#include <vector>

#include "industry/demo.h"
#include "projects/demo.h"

namespace fupin::industry {

void WritePeopleAndTrade(store::Connection& db, projects::DemoRandom& rng, const std::string& county,
                         const std::string& as_of, const std::vector<projects::DemoHousehold>& pool,
                         const DemoOptions& o, const std::string& actor, int64_t now, DemoIndustrySummary& summary);

}  // namespace fupin::industry
