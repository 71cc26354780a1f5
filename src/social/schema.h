#pragma once
// The social-assistance tables (社会扶贫): donor profiles, the households
// enrolled on the platform, needs, pledges, dockings and feedback. Migration
// ids 600-699.
#include <vector>

#include "store/database.h"

namespace fupin::social {

std::vector<store::Migration> Migrations();

}  // namespace fupin::social
