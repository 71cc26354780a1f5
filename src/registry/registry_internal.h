#pragma once
// Helpers shared by the registry's .cc files; not part of its interface.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "store/database.h"

namespace fupin::registry::internal {

// Access checks through the access module's Guard (refusals are audited).
// Call them before opening the write transaction.
void RequireRegistryRead(store::Connection& db, const Clock& clock, const Caller& caller,
                         const std::string& village_code, std::optional<int64_t> household_id,
                         const std::string& entity);
void RequireRegistryWrite(store::Connection& db, const Clock& clock, const Caller& caller,
                          const std::string& village_code, std::optional<int64_t> household_id,
                          const std::string& entity);

// The village code of a household; NotFound if it does not exist.
std::string HouseholdVillage(store::Connection& db, int64_t household_id);

// Whether `phone` looks like a phone number (digits, '-', '+', spaces; 7-20 characters).
bool IsPlausiblePhone(const std::string& phone);

// Sets the phone columns of row `id` of `table` (a fixed name, never user text).
void SetPhone(store::Connection& db, std::string_view table, int64_t id, const std::optional<std::string>& phone);
// The clear phone number of row `id` ("" when it has none).
std::string RevealPhone(store::Connection& db, std::string_view table, int64_t id);

}  // namespace fupin::registry::internal
