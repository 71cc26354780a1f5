#include "reports/snapshot.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/permissions.h"
#include "core/area_code.h"
#include "core/error.h"
#include "registry/areas.h"
#include "reports/progress.h"

namespace fupin::reports {

std::vector<store::Migration> Migrations() {
  return {{900, "reports: progress report snapshots keyed by audit head", R"sql(
-- One stored progress report per area ('' = nation), year, date and view (the
-- caller's read rights on the modules the report reads, e.g. 'a1s1m1'), with
-- the audit head it was computed at. Replaced on recomputation.
CREATE TABLE report_snapshots (
  area_code     TEXT NOT NULL,
  year          INTEGER NOT NULL,
  as_of         TEXT NOT NULL,
  view          TEXT NOT NULL,
  audit_head_id INTEGER NOT NULL,
  computed_at   INTEGER NOT NULL,   -- UTC seconds
  report_json   TEXT NOT NULL,
  PRIMARY KEY (area_code, year, as_of, view)
);
)sql"}};
}

bool MayForceFresh(const Caller& caller) {
  return access::Can(caller, access::Ability::kRefreshReports);
}

namespace {

// What the report's figures depend on besides the records: whether the caller
// reads each module the report reads for a whole area. Two callers with the
// same view who both cover the area get the same report (their scope only
// filters by area prefix, and the area lies inside it). "" means: no
// snapshot for this caller (a paired cadre sees only their own households).
std::string ViewOf(const Caller& caller) {
  if (access::ReadScopeFor(caller, access::Resource::kRegistry).paired_households_only) return "";
  std::string view;
  const std::pair<char, access::Resource> parts[] = {{'r', access::Resource::kRegistry},
                                                      {'e', access::Resource::kAssessment},
                                                      {'a', access::Resource::kAssistance},
                                                      {'s', access::Resource::kSocial},
                                                      {'m', access::Resource::kMonitoring},
                                                      {'p', access::Resource::kProjects}};
  for (const auto& [letter, resource] : parts) {
    const auto scope = access::ReadScopeFor(caller, resource);
    if (scope.paired_households_only) return "";
    view += letter;
    view += scope.allowed ? '1' : '0';
  }
  return view;
}

struct Key {
  std::string area;   // "" = nation
  std::string as_of;  // YYYY-MM-DD
  std::string view;
  bool expensive = false;  // province or nation
};

// The key, after the checks ComputeProgress makes before reading anything.
Key CheckedKey(const Caller& caller, const std::string& area_code, int year, const std::optional<std::string>& as_of) {
  Key k;
  const ReportRequest request = CheckReportRequest(caller, area_code, year, as_of);
  const bool nation = request.nation;
  k.area = request.area;
  k.as_of = request.as_of.ToString();
  k.view = ViewOf(caller);
  const auto level = LevelOfCode(k.area);
  k.expensive = nation || (level && *level == AreaLevel::kProvince);
  return k;
}

struct Stored {
  int64_t audit_head_id = 0;
  int64_t computed_at = 0;
  std::string report_json;
};

std::optional<Stored> Load(store::Connection& db, const Key& k, int year) {
  auto q = db.Prepare(
      "SELECT audit_head_id, computed_at, report_json FROM report_snapshots"
      " WHERE area_code = ? AND year = ? AND as_of = ? AND view = ?");
  q->BindText(1, k.area);
  q->BindInt(2, year);
  q->BindText(3, k.as_of);
  q->BindText(4, k.view);
  if (!q->Step()) return std::nullopt;
  return Stored{q->Int(0), q->Int(1), q->Text(2)};
}

// Replaces the snapshot. Not audited: it changes no record, and an audit
// entry would move the head it is keyed by.
void Save(store::Connection& db, const Key& k, int year, const Stored& s) {
  store::Transaction tx(db);
  auto del = db.Prepare("DELETE FROM report_snapshots WHERE area_code = ? AND year = ? AND as_of = ? AND view = ?");
  del->BindText(1, k.area);
  del->BindInt(2, year);
  del->BindText(3, k.as_of);
  del->BindText(4, k.view);
  del->Run();
  auto ins = db.Prepare(
      "INSERT INTO report_snapshots (area_code, year, as_of, view, audit_head_id, computed_at, report_json)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)");
  ins->BindText(1, k.area);
  ins->BindInt(2, year);
  ins->BindText(3, k.as_of);
  ins->BindText(4, k.view);
  ins->BindInt(5, s.audit_head_id);
  ins->BindInt(6, s.computed_at);
  ins->BindText(7, s.report_json);
  ins->Run();
  tx.Commit();
}

nlohmann::json SnapshotInfo(const Stored& s, bool stale, const char* source) {
  return {{"computed_at", FormatTimestamp(s.computed_at)},
          {"audit_head_id", s.audit_head_id},
          {"stale", stale},
          {"source", source}};
}

// Computes and stores. The head is read before computing: a write that
// commits during the computation moves the head past it, so the next read
// recomputes (never serves a report older than its head says).
Stored ComputeAndStore(store::Connection& db, const Caller& caller, const Key& k, int year, const Clock& clock) {
  Stored s;
  s.audit_head_id = access::Audit(db, clock).DataHead();
  s.computed_at = clock.NowSeconds();
  s.report_json = ProgressJson(ComputeProgress(db, caller, k.area, year, k.as_of)).dump();
  if (!k.view.empty()) {
    // A failure to store (e.g. a read-only replica) must not fail the read.
    try {
      Save(db, k, year, s);
    } catch (const Error&) {
    }
  }
  return s;
}

}  // namespace

nlohmann::json ProgressJsonWithSnapshot(store::Connection& db, const Caller& caller, const std::string& area_code,
                                        int year, const std::optional<std::string>& as_of, const Clock& clock,
                                        const SnapshotOptions& options) {
  const Key k = CheckedKey(caller, area_code, year, as_of);
  if (options.fresh && !MayForceFresh(caller)) {
    throw Error::PermissionDenied(std::string("a ") + RoleName(caller.role) +
                                  " may not force a recomputation (fresh=true): administrators and county offices may");
  }
  if (!k.view.empty() && !options.fresh) {
    if (auto stored = Load(db, k, year)) {
      const int64_t head = access::Audit(db, clock).DataHead();
      bool serve = stored->audit_head_id == head;
      const bool stale = !serve;
      if (stale && k.expensive && options.max_stale_seconds > 0 &&
          clock.NowSeconds() - stored->computed_at < options.max_stale_seconds) {
        serve = true;
      }
      if (serve) {
        auto j = nlohmann::json::parse(stored->report_json);
        j["snapshot"] = SnapshotInfo(*stored, stale, "snapshot");
        return j;
      }
    }
  }
  const Stored s = ComputeAndStore(db, caller, k, year, clock);
  auto j = nlohmann::json::parse(s.report_json);
  j["snapshot"] = SnapshotInfo(s, false, "computed");
  return j;
}

SnapshotRun PrecomputeSnapshots(store::Connection& db, const Caller& caller, int year,
                                const std::optional<std::string>& as_of, const std::vector<std::string>& levels,
                                const Clock& clock) {
  const auto start = std::chrono::steady_clock::now();
  SnapshotRun run;
  run.levels = levels;
  std::vector<std::string> areas;
  for (const auto& level : levels) {
    if (level == "nation") {
      if (caller.area_scope.empty()) areas.emplace_back();
      continue;
    }
    const auto parsed = ParseAreaLevel(level);
    if (!parsed) {
      throw Error::InvalidArgument("unknown level",
                                   {{"levels", "'" + level + "' is not nation, province, city, county, township or village"}});
    }
    auto q = db.Prepare("SELECT code FROM areas WHERE level = ? ORDER BY code");
    q->BindInt(1, static_cast<int64_t>(*parsed));
    while (q->Step()) {
      std::string code = q->Text(0);
      if (caller.CoversArea(code)) areas.push_back(std::move(code));
    }
  }
  for (const auto& area : areas) {
    const Key k = CheckedKey(caller, area, year, as_of);
    if (k.view.empty()) throw Error::PermissionDenied("snapshots are not kept for a paired cadre");
    ComputeAndStore(db, caller, k, year, clock);
    ++run.reports;
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace fupin::reports
