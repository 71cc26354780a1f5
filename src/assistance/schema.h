#pragma once
// The assistance module's tables (migrations 500-599).
#include <vector>

#include "store/database.h"

namespace fupin::assistance {

std::vector<store::Migration> Migrations();

}  // namespace fupin::assistance
