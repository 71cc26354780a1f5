#pragma once
// Report snapshots (issue 12): the progress report of an area, year and date
// stored with the audit trail's data head it was computed at
// (access::Audit::DataHead: the last entry that changed records). Every write
// in fupin is recorded in the hash-chained audit trail, so an unchanged data
// head means the records the report counts are unchanged: the stored report
// is served as is. Logins, logouts, refusals and reads are audited too but do
// not move the data head. A changed head means recompute, store, serve -- except for province
// and nation reports (seconds at 10M persons), where a snapshot younger than
// `max_stale_seconds` is served flagged stale. Design: docs/REPORTS.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::reports {

// The reports module's migrations (ids 900-909): the report_snapshots table.
std::vector<store::Migration> Migrations();

inline constexpr int64_t kDefaultSnapshotMaxAgeSeconds = 24 * 60 * 60;

struct SnapshotOptions {
  // A province or nation snapshot stale by audit head is still served while
  // younger than this (0: never serve a stale one).
  int64_t max_stale_seconds = kDefaultSnapshotMaxAgeSeconds;
  // Recompute whatever is stored (?fresh=true). Only roles for which
  // MayForceFresh() holds; others get PermissionDenied.
  bool fresh = false;
};

// Administrators and county offices may force a recomputation (it costs
// seconds of CPU at province and nation level).
bool MayForceFresh(const Caller& caller);

// ProgressJson(ComputeProgress(...)) served from a snapshot when it is valid,
// plus "snapshot": {"computed_at" (ISO 8601 UTC), "audit_head_id", "stale",
// "source": "snapshot"|"computed"}. Access is checked exactly as
// ComputeProgress checks it before anything stored is served.
nlohmann::json ProgressJsonWithSnapshot(store::Connection& db, const Caller& caller, const std::string& area_code,
                                        int year, const std::optional<std::string>& as_of, const Clock& clock,
                                        const SnapshotOptions& options = {});

struct SnapshotRun {
  int64_t reports = 0;        // snapshots written
  double seconds = 0;         // wall time
  std::vector<std::string> levels;
};

// Precomputes (and replaces) the snapshots of every area of the given levels
// ("nation", "province", "city", "county", "township", "village") for `year`
// and `as_of`, as `caller` sees them. The nightly job.
SnapshotRun PrecomputeSnapshots(store::Connection& db, const Caller& caller, int year,
                                const std::optional<std::string>& as_of, const std::vector<std::string>& levels,
                                const Clock& clock);

}  // namespace fupin::reports
