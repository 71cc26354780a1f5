#pragma once
// Change requests (maker-checker), grievances and applications from households
// themselves (issue 23). Migration ids 1300-1399.
#include <vector>

#include "store/database.h"

namespace fupin::grievance {

std::vector<store::Migration> Migrations();

}  // namespace fupin::grievance
