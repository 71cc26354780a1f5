#pragma once
// The registry's tables: areas and their yearly facts, households, persons,
// their memberships, status events and yearly facts. Migration ids 100-199.
#include <vector>

#include "store/database.h"

namespace fupin::registry {

std::vector<store::Migration> Migrations();

}  // namespace fupin::registry
