#pragma once
// Migrations of the access module (ids 300-399): users, sessions and the
// append-only, hash-chained audit log.
#include <vector>

#include "store/database.h"

namespace fupin::access {

std::vector<store::Migration> Migrations();

}  // namespace fupin::access
