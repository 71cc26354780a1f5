#pragma once
// Set-based writes of the registry's tables (households, their events,
// persons, memberships and yearly facts), for imports and generators. Nobody
// else writes these tables: the importer (dataio) and the demo generator call
// these functions, the one-at-a-time services call the registry's classes.
//
// Contract: the caller has checked access and every value (vocabulary, ID
// numbers with CheckIdNumber, dates) and holds the transaction; a batch writes
// what it is given or throws (the caller's transaction then rolls back). What
// the registry alone knows how to do is done here and nowhere else: the ID
// number's ciphertext, blind index and masked form, sex and birth date read from
// the number, version 1 and the timestamps of a new row, the version bump of a
// changed row, and the 'identified' event of a household added with an
// identification year. Each function runs a fixed number of statements whatever
// the number of rows (Connection::BulkInsert: a reused prepared INSERT, COPY on
// PostgreSQL), never a query per row.
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "access/personal_data.h"
#include "store/database.h"

namespace fupin::registry {

// The columns a batch may set per row, besides those the registry fills itself.
// Households: village_code attribute main_cause other_causes address phone.
// Persons: name ethnicity education health disability_grade labour_ability phone death_date.
// Yearly facts: the columns of household_years / person_years but the key and updated_at.
// Any other name is refused (Error::Internal: a programming error, not user input).
// "phone" is given in clear and stored as access::kPhoneColumns (encrypted, blind
// index, masked), like ID numbers: callers never write those columns themselves.

struct NewHousehold {
  std::optional<int64_t> id;               // a generator's own id; unset: the store numbers it
  std::string number;                      // 户编号
  std::optional<int> identified_year;      // set: an 'identified' event is recorded
  std::optional<std::string> identified_date;  // default: 1 January of identified_year
  std::string identified_reason;           // the event's reason
  std::optional<int64_t> created_at;       // default: the batch's `now`
  std::vector<store::Value> values;        // one per field of the call, in its order
};

struct NewEvent {
  int64_t household_id = 0;
  std::string kind;        // identified, exited, returned, removed, deceased
  int year = 0;
  std::string date;        // YYYY-MM-DD
  std::string reason;
  std::optional<int64_t> recorded_at;  // default: the batch's `now`
};

struct NewPerson {
  std::optional<int64_t> id;           // a generator's own id; unset: the store numbers it
  std::string id_number;               // plain and valid (CheckIdNumber passed)
  std::optional<int64_t> created_at;   // default: the batch's `now`
  std::vector<store::Value> values;    // one per field of the call, in its order
};

struct NewMembership {
  int64_t person_id = 0;
  int64_t household_id = 0;
  std::string relation;
  std::string start_date;
  std::optional<std::string> end_date;
  std::optional<std::string> end_reason;
};

// A change to an existing row: the new values of the call's fields.
struct RowUpdate {
  int64_t id = 0;
  std::vector<store::Value> values;
};

// A yearly-facts row of a household or a person.
struct YearRow {
  int64_t owner_id = 0;   // household_id or person_id
  int64_t year = 0;
  std::optional<int64_t> updated_at;  // default: the batch's `now`
  std::vector<store::Value> values;   // one per field of the call, in its order
};

class RegistryBatch {
 public:
  // `now`: seconds since the epoch for the timestamps not given per row;
  // `actor`: the name written on the events ("local" for the command line).
  RegistryBatch(store::Connection& db, const access::PersonalDataProtector& protector, int64_t now,
                std::string actor);

  // Adds households and their 'identified' events. Returns the ids in the order
  // of `rows`. A duplicate number is refused by the store (UNIQUE).
  std::vector<int64_t> AddHouseholds(std::span<const std::string> fields, std::span<const NewHousehold> rows);

  // Appends events to the status history (the caller checked that each follows
  // from the status before it).
  void AppendEvents(std::span<const NewEvent> events);

  // Adds persons with their ID numbers encrypted, blind-indexed and masked.
  // Returns the ids in the order of `rows`.
  std::vector<int64_t> AddPersons(std::span<const std::string> fields, std::span<const NewPerson> rows);

  void OpenMemberships(std::span<const NewMembership> memberships);
  // Ends the open membership of each person on its date, with `reason`.
  void EndMemberships(std::span<const std::pair<int64_t, std::string>> person_dates, const std::string& reason);
  // Changes the relation in the open membership of each person.
  void ChangeRelations(std::span<const std::pair<int64_t, std::string>> person_relations);

  // Sets the fields of existing rows and bumps their version.
  void UpdateHouseholds(std::span<const std::string> fields, std::span<const RowUpdate> rows);
  void UpdatePersons(std::span<const std::string> fields, std::span<const RowUpdate> rows);

  // Yearly facts. `replace` false: the rows are new (a plain insert);
  // true: a row that exists for (owner, year) is replaced in the given fields
  // (the fields must still include what a new row needs: `members` for a household).
  void WriteHouseholdYears(std::span<const std::string> fields, std::span<const YearRow> rows, bool replace);
  void WritePersonYears(std::span<const std::string> fields, std::span<const YearRow> rows, bool replace);

  // Brings the village counts (registry/rollup.h) up to date for every village
  // this batch wrote into, set-based (a rebuild of all when many). Call it once,
  // after the last write and before the caller commits; the overview and the
  // incidence are wrong until it runs.
  void Finish();

 private:
  std::vector<int64_t> IdsByKey(const std::string& table, const std::string& key_column,
                                const std::vector<std::string>& keys, int64_t above);
  void Update(const std::string& table, std::span<const std::string> fields, std::span<const RowUpdate> rows);
  void WriteYears(const std::string& table, const std::string& owner, std::span<const std::string> fields,
                  std::span<const YearRow> rows, bool replace);

  store::Connection& db_;
  const access::PersonalDataProtector& protector_;
  int64_t now_;
  std::string actor_;
  // What Finish() refreshes: villages known, and the households and persons
  // whose villages it looks up.
  std::set<std::string> villages_;
  std::set<int64_t> households_;
  std::set<int64_t> persons_;
};

}  // namespace fupin::registry
