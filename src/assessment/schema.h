#pragma once
// The assessment module's tables: policy parameters with their history, exit
// procedure steps and overrides, yearly results (households, villages,
// counties, measures), village facilities and county survey records.
// Migration ids 200-299.
#include <vector>

#include "store/database.h"

namespace fupin::assessment {

std::vector<store::Migration> Migrations();

}  // namespace fupin::assessment
