#pragma once
// Tables of the policy module (migrations 400-499): entitlement runs and the
// entitlements they stored, what changed between runs, the year parameters
// the policies read, and the rosters sector departments hand in.
#include <vector>

#include "store/database.h"

namespace fupin::policy {

std::vector<store::Migration> Migrations();

}  // namespace fupin::policy
