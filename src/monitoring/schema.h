#pragma once
// Migrations of the monitoring module (防止返贫动态监测), ids 700-799.
#include <vector>

#include "store/database.h"

namespace fupin::monitoring {

std::vector<store::Migration> Migrations();

}  // namespace fupin::monitoring
