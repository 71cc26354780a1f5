#pragma once
// Helpers shared by the assistance module's .cc files; not its interface.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/area_code.h"
#include "access/audit.h"
#include "access/permissions.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/error.h"
#include "registry/vocab.h"
#include "store/database.h"

namespace fupin::assistance::internal {

// Access through the Guard (refusals audited), with the pairing check.
void Require(store::Connection& db, const Clock& clock, const Caller& caller, access::Access access,
             const std::string& area_code, std::optional<int64_t> household_id, const std::string& entity);


// A known area code (normalised), or a problem at `path`.
std::optional<std::string> CheckArea(store::Connection& db, const std::string& text, const std::string& path,
                                     Problems& problems);
// Validates YYYY-MM-DD into `problems`.
bool CheckDate(const std::string& text, const std::string& path, Problems& problems);

using ::fupin::SubtreeEnd;  // core/area_code.h


// " LIMIT n OFFSET m" of a list window ("" for every row: limit 0); a limit
// outside 0..1000 or a negative offset is refused (invalid_argument).
std::string WindowSql(int64_t limit, int64_t offset);
template <class W>
std::string WindowSql(const W& window) { return WindowSql(window.limit, window.offset); }

// `text` for LIKE '%text%' with its wildcards escaped (ESCAPE '\').
std::string ContainsPattern(const std::string& text);
// `text` for LIKE 'text%' (a code's prefix), wildcards escaped.
std::string PrefixPattern(const std::string& text);

// Whether the status counts as registered (identified and not removed).
inline bool IsRegistered(const std::string& status) {
  const auto state = registry::ParseStatus(status);
  return state == registry::HouseholdState::kPoor || state == registry::HouseholdState::kExited;
}

}  // namespace fupin::assistance::internal
