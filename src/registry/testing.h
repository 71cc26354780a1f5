#pragma once
// Test helpers for services that stand on the registry: a temporary database
// with the registry's migrations and a small area tree, and shortcuts to add
// households and persons. Linked by tests only (library fupin_registry_testing).
#include <memory>
#include <string>
#include <vector>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"
#include "store/testing/test_databases.h"

namespace fupin::registry::testing {

// A village cadre (user 7, "cadre") of `village`.
inline Caller VillageCadre(const std::string& village) {
  Caller c;
  c.user_id = 7;
  c.user_name = "cadre";
  c.role = Role::kVillageCadre;
  c.area_scope = village;
  return c;
}

class RegistryFixture {
 public:
  // `extra` migrations (other modules') are applied after the registry's.
  explicit RegistryFixture(std::vector<store::Migration> extra = {});
  ~RegistryFixture();

  store::Connection& db() { return *connection_; }
  store::Database& database() { return *database_; }
  FixedClock& clock() { return clock_; }
  const Caller& admin() const { return admin_; }

  // Areas: province 43, city 4304, county 430424, townships 430424100 and
  // 430424101, villages 430424100200, 430424100201, 430424101200; and county
  // 430426 with township 430426100 and village 430426100200.
  void AddAreas();

  // Adds a registered household identified in `year` (1 January); returns its id.
  int64_t AddHousehold(const std::string& number, const std::string& village, int year = 2014);
  // Adds a person born on `birth` (YYYYMMDD) to a household; returns the person id.
  int64_t AddPerson(int64_t household_id, const std::string& birth_yyyymmdd, const std::string& relation = "other",
                    const std::string& name = "成员");

  // Appends an event (exited, returned, removed, deceased ...) to a
  // household's status history through the registry's batch writer, without
  // the procedure that normally precedes it (tests about what counts events,
  // not about the procedure). The year is the date's; actor "test", recorded at 0.
  void AddEvent(int64_t household_id, const std::string& kind, const std::string& date,
                const std::string& reason = "");
  // The database URL: a file in a temporary folder, or a PostgreSQL URL.
  std::string path() const { return pg_ ? pg_->url() : dir_ + "/fupin.db"; }

 private:
  std::string dir_;
  std::unique_ptr<store::testing::TestDatabase> pg_;
  FixedClock clock_{Date{2026, 11, 28}, 1795000000};
  Caller admin_ = Caller::LocalOperator();
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<store::Connection> connection_;
  int next_sequence_ = 1;
};

}  // namespace fupin::registry::testing
