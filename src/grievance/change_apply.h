#pragma once
// Inside the grievance module: one change to the registry, read from its JSON
// form and carried out through the registry's write functions. Used twice:
// tried and rolled back when a request is proposed (the registry's own
// checks validate it and give the difference), and for real when it is
// approved.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/personal_data.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "grievance/changes.h"
#include "store/database.h"

namespace fupin::grievance::internal {

// The record a change is about, found before it is made.
struct ChangeTarget {
  std::string entity;  // household/12, person/5, household/new, person/new
  std::optional<int64_t> household_id;
  std::optional<int64_t> person_id;
  std::string area_code;  // the village ("" when the change names none that exists)
};

// What a change wrote, and the fields it compares.
struct Applied {
  std::string entity;  // the record written (household/13 for an addition)
  nlohmann::json before = nlohmann::json::object();
  nlohmann::json after = nlohmann::json::object();
};

// Finds the record of `change` (kind's fields, docs/CHANGES.md). Problems of
// the JSON shape go to `problems` with paths under "/change".
ChangeTarget ResolveTarget(store::Connection& db, ChangeKind kind, const nlohmann::json& change,
                           Problems& problems);

// Carries the change out as `as` through the registry. The registry's
// refusals of bad values are thrown with their paths under "/change".
Applied ApplyChange(store::Connection& db, const Clock& clock, const access::PersonalDataProtector& protector,
                    const Caller& as, ChangeKind kind, const nlohmann::json& change,
                    const std::string& reason);

// The record's state: "v<version>e<last event id>" for a household,
// "v<version>" for a person; "" for a new record.
std::string StateOf(store::Connection& db, const ChangeTarget& target);

}  // namespace fupin::grievance::internal
