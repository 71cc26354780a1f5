#pragma once
// Safe housing, relocation and village infrastructure (住房安全、易地扶贫搬迁、
// 村级基础设施), issue 22: house inspections (鉴定) and renovations (危房改造),
// relocation sites and the households relocated with their follow-up, and each
// village's infrastructure per year. Migration ids 1200-1299.
#include <vector>

#include "store/database.h"

namespace fupin::housing {

std::vector<store::Migration> Migrations();

}  // namespace fupin::housing
