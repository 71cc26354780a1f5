#pragma once
// A columnar copy of the registry's facts for the analytics (issue 25): the
// narrow columns `report indicators` reads, built once from the database into
// a file (facts/columns.h) and memory-mapped by every later run until a record
// changes. It is a cache: keyed by the audit trail's data head, the counter the
// report snapshots use (access::Audit::DataHead), so a copy built before a
// change is never read after it (with a digest of that audit entry, which
// tells apart two databases at the same head); a missing, damaged or stale file is built
// again. Holds no rules: values are stored as read (dates as YYYYMMDD numbers,
// texts of a closed list as codes into a dictionary column), the services
// decide what they mean. Design and figures: docs/PERFORMANCE.md.
//
// Columns (name: element type, order):
//   areas, by code:           area.code / area.name (text), area.level (u8),
//                             area.parent (i32: index of the nearest ancestor present, -1 none)
//   households, by number:    household.id, household.area (i32: area index)
//   persons, indexed by id:   person.birth (i32 YYYYMMDD, -1 unreadable), person.death
//                             (i32, INT32_MAX none); ids without a person hold -1 / INT32_MAX
//   person_years, by year:    person_year.year (i16), .person (i32), .school (u8: 0 NULL,
//                             else 1 + index in person_year.school_dict), .medical (i8: -1 NULL, 0, 1)
//   household_years, by year: household_year.year (i16), .household (i32), .members (i32),
//                             .net_income (i64 fen: the four incomes less the production cost),
//                             .food, .clothing, .housing, .water (i8: -1 NULL, 0, 1)
//   household_events, by id:  event.household (i32), event.date (i32), event.year (i16),
//                             event.kind (u8: index in event.kind_dict)
//   memberships:              membership.household, .person, .start, .end (i32; end INT32_MAX open)
//   area_years with a rural population: area_year.area (i32 area index), .year (i16), .population (i64)
// A text column T is T.offsets (u32, count + 1) and T.bytes (char).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "facts/columns.h"
#include "store/database.h"

namespace fupin::facts {

// Dates as the copy and the indicators' arrays hold them: "YYYY-MM-DD" as the
// number YYYYMMDD, which orders as the text does; kNoDate for no date (an open
// end, no death).
inline constexpr int32_t kNoDate = std::numeric_limits<int32_t>::max();
int32_t DayNumber(std::string_view text);

// Grows `v` to hold index `i` (doubling, new places `fill`) and gives v[i].
template <typename T>
T& At(std::vector<T>& v, size_t i, T fill) {
  if (i >= v.size()) v.resize(std::max(i + 1, v.size() * 2), fill);
  return v[i];
}

// A text column: value i is bytes[offsets[i], offsets[i + 1]).
struct TextColumn {
  std::span<const uint32_t> offsets;
  std::span<const char> bytes;
  size_t size() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  std::string_view operator[](size_t i) const {
    return {bytes.data() + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i])};
  }
};

class Facts {
 public:
  explicit Facts(std::unique_ptr<MappedColumns> columns) : columns_(std::move(columns)) {}

  template <typename T>
  std::span<const T> Get(std::string_view name) const {
    return columns_->Get<T>(name);
  }
  TextColumn Text(std::string_view name) const;
  DataVersion data_version() const { return columns_->data_version(); }
  size_t file_size() const { return columns_->file_size(); }

 private:
  std::unique_ptr<MappedColumns> columns_;
};

// The data version of the database now: access::Audit::DataHead and a digest
// of that entry's hash (two primary-key reads).
DataVersion CurrentVersion(store::Connection& db);

// Writes the copy of the database's facts at `version` to `path`: one
// read of each table.
void Build(store::Connection& db, const std::string& path, DataVersion version);

// The copy at `path` for the database as it is now: mapped if it was built at
// the current data version and is intact, else built again first.
std::unique_ptr<Facts> OpenOrBuild(store::Connection& db, const std::string& path);

// The same for the threads of a process (the server's handlers and its jobs,
// or a command): one open-or-build at a time per path, so that two requests
// never build the same file at once (the second waits, then maps what the
// first wrote), and the mapping is handed out again while the data version
// holds (two primary-key reads instead of mapping and verifying the file).
// Another process building the same file at the same time is harmless: each
// writes a temporary file of its own and renames it over `path`.
std::shared_ptr<const Facts> OpenShared(store::Connection& db, const std::string& path);

// `from_copy(path)` when `path` is not "", else `from_tables()`; also the
// tables when the copy cannot be built or read back (Error::Internal: a
// read-only folder, a full disk), after telling `warn` why.
template <typename FromCopy, typename FromTables>
auto FromCopyOrTables(const std::string& path, FromCopy from_copy, FromTables from_tables,
                      const std::function<void(const std::string&)>& warn) {
  if (!path.empty()) {
    try {
      return from_copy(path);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kInternal) throw;
      warn("the facts copy " + path + " cannot be used (" + e.what() + "); reading the tables");
    }
  }
  return from_tables();
}

// Where the copy of a database lives by default: beside a SQLite file
// (`fupin.db` -> `fupin.db.facts`); "" for a database server (no copy unless
// a path is given).
std::string DefaultPath(const std::string& db_url);
// The copy that `--facts` names: "off" for none (""), no option for
// DefaultPath(db_url), else the file given (the CLI's and the server's option).
std::string PathOfOption(const std::optional<std::string>& option, const std::string& db_url);

}  // namespace fupin::facts
