#pragma once
// Helpers shared by the registry's .cc files; not part of its interface.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "store/database.h"

namespace fupin::registry::internal {

// Collects the problems of one input and throws them together.
class Problems {
 public:
  void Add(std::string path, std::string problem) { items_.push_back({std::move(path), std::move(problem)}); }
  bool empty() const { return items_.empty(); }
  void ThrowIfAny(const std::string& what) const {
    if (items_.empty()) return;
    throw Error::InvalidArgument(what, items_);
  }

 private:
  std::vector<ErrorDetail> items_;
};

// Access checks through the access module's Guard (refusals are audited).
// Call them before opening the write transaction.
void RequireRegistryRead(store::Connection& db, const Clock& clock, const Caller& caller,
                         const std::string& village_code, std::optional<int64_t> household_id,
                         const std::string& entity);
void RequireRegistryWrite(store::Connection& db, const Clock& clock, const Caller& caller,
                          const std::string& village_code, std::optional<int64_t> household_id,
                          const std::string& entity);

// Appends to the audit trail inside the current transaction. `before` and
// `after` are JSON (null for none); ID and phone numbers in them must be masked.
void RecordAudit(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
                 const std::string& entity, const std::string& area_code, const nlohmann::json& before,
                 const nlohmann::json& after);

// The village code of a household; NotFound if it does not exist.
std::string HouseholdVillage(store::Connection& db, int64_t household_id);

// SQL expression mapping an event kind column to a status name.
std::string StatusCase(const std::string& kind_column);

// Whether `phone` looks like a phone number (digits, '-', '+', spaces; 7-20 characters).
bool IsPlausiblePhone(const std::string& phone);

}  // namespace fupin::registry::internal
