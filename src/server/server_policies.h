#pragma once
// The policies the server applies: $FUPIN_POLICIES_DIR, else the shipped
// ones; loaded once per process (routes_policy.cc, routes_imports.cc).
#include <vector>

#include "policy/policy.h"

namespace fupin::server {

const std::vector<policy::Policy>& ServerPolicies();

}  // namespace fupin::server
