#pragma once
// Industry, employment, consumption assistance and small loans (产业就业与消费扶贫,
// issue 21): the county's industries and the households in each by year,
// business entities and their links to households, party branches on the
// industry chains, workers' situations by year, public-welfare posts,
// certified products and their purchases, small loans and their repayments.
// Migration ids 1100-1199.
#include <vector>

#include "store/database.h"

namespace fupin::industry {

std::vector<store::Migration> Migrations();

}  // namespace fupin::industry
