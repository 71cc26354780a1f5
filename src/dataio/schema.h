#pragma once
// Tables of the import and data-quality module: the record of each import run
// and the field-level changes it made (migration ids 800-899).
#include <vector>

#include "store/database.h"

namespace fupin::dataio {

std::vector<store::Migration> Migrations();

}  // namespace fupin::dataio
