#pragma once
// The development half's backbone (项目库、扶贫资金、扶贫资产): projects with
// their steps and notices, fund sources, allocations, assignments to
// projects, disbursements, assets formed by projects, their yearly income and
// its distribution, photovoltaic stations. Migration ids 910-999 (900-909 are the report snapshots').
#include <vector>

#include "store/database.h"

namespace fupin::projects {

std::vector<store::Migration> Migrations();

}  // namespace fupin::projects
