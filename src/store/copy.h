#pragma once
// Copies every table of one database into another that has the same schema
// (the same migrations applied): `fupin migrate-store` moves a county from
// its SQLite file to a PostgreSQL server this way.
//
// - The source is read in one transaction (a consistent snapshot); the target
//   is written in one transaction: it gets all of it or none of it.
// - Tables are copied parents first (foreign keys), through
//   Connection::BulkInsert (COPY on PostgreSQL), with their ids unchanged;
//   PostgreSQL identity sequences are moved past the largest id afterwards.
// - The target must hold no data yet: rows that the migrations seed
//   (default parameters, the empty audit head) are replaced by the source's.
//   A target with any other rows is refused (kFailedPrecondition).
// - schema_migrations is not copied; both sides must have the same ids
//   applied (kFailedPrecondition otherwise).
// The source must be SQLite (the only direction needed so far).
#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.h"
#include "store/database.h"

namespace fupin::store {

struct TableCopy {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = 0;  // counted in the target after the copy
};

// Reports the stage "tables", one unit per table copied.
std::vector<TableCopy> CopyDatabase(Connection& from, Connection& to, Progress& progress = NoProgress());

// After rows were written with explicit ids (a copy, a generator): moves each
// identity sequence past the largest id, so that the next row the database
// numbers itself does not collide. PostgreSQL only; SQLite numbers from max(id).
void AdvanceIdentitySequences(Connection& connection);

}  // namespace fupin::store
