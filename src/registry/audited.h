#pragma once
// The registry's rows the audit trail covers (issue 26 item 9; access/records.h):
// households, persons, memberships, household events and the yearly facts.
// Every write of these tables records the digests of the rows it wrote in its
// audit entry; `fupin audit verify --records` compares them with the rows.
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/records.h"
#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::registry {

// The covered tables with every column, in a fixed order.
std::span<const access::RecordTable> AuditedTables();

// Rows of covered table `table` that `where` selects (SQL with ?1, ?2 ...
// bound to `params` in order).
struct RowSelection {
  std::string_view table;
  std::string where;
  std::vector<int64_t> params;
};
// The digests of the selected rows, as a write records them in its entry.
std::vector<access::RecordDigest> RowDigests(store::Connection& db, std::initializer_list<RowSelection> selections);

// For batch writes (the demo generator): one audit entry `action` whose
// record list holds every covered row that is new or changed since its last
// audited digest, in packs of rows (access::ChangedRecordPacks). Set-based:
// one read of each table and of the list.
void RecordBatchChanges(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
                        const std::string& entity, const std::string& area_code, const nlohmann::json& after);

}  // namespace fupin::registry
