#include "schema/all_migrations.h"

#include "access/schema.h"
#include "assessment/schema.h"
#include "assistance/schema.h"
#include "dataio/schema.h"
#include "industry/schema.h"
#include "grievance/schema.h"
#include "housing/schema.h"
#include "policy/schema.h"
#include "projects/schema.h"
#include "registry/schema.h"
#include "social/schema.h"
#include "monitoring/schema.h"
#include "reports/snapshot.h"

namespace fupin {

std::vector<store::Migration> AllMigrations() {
  std::vector<store::Migration> all;
  auto add = [&all](std::vector<store::Migration> more) {
    for (auto& m : more) all.push_back(std::move(m));
  };
  add(registry::Migrations());
  add(access::Migrations());
  add(assessment::Migrations());
  add(assistance::Migrations());
  add(social::Migrations());
  add(monitoring::Migrations());
  add(dataio::Migrations());
  add(policy::Migrations());
  add(projects::Migrations());
  add(reports::Migrations());
  add(industry::Migrations());
  add(grievance::Migrations());
  add(housing::Migrations());
  return all;
}

}  // namespace fupin
