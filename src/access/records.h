#pragma once
// Records covered by the audit trail (docs/ACCESS.md, "Records covered by the
// audit"). An audit entry that changes rows carries the digest of each row
// after the change: the list is kept in audit_records (one row per record,
// append-only) and the entry's `records` field is the hash of that list, so
// the hash chain covers it. VerifyRecords recomputes the digest of every
// current row and names the rows that no longer match their last audited
// digest: a row edited, inserted or deleted behind fupin's back.
//
// A digest is hex BLAKE2b-256 (first 16 bytes) over the length-prefixed table
// name and column values in a fixed order, NULL and "" told apart; integers
// as their decimal text, so SQLite and PostgreSQL give the same digest.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/caller.h"
#include "core/date.h"
#include "store/database.h"

namespace fupin::access {

// A table whose rows the audit covers. A row is named
// "<name>/<key values joined by '/'>" ("household_years/12/2019").
struct RecordTable {
  std::string name;                  // plain SQL identifier
  std::vector<std::string> key;      // the columns that name a row, integers
  std::vector<std::string> columns;  // every column, in a fixed order (the key included)
  std::vector<std::string> blobs;    // those of `columns` read as bytes
};

struct RecordDigest {
  std::string record;  // "households/12"
  std::string digest;  // hex, 32 characters
};

// The digests of the rows of `table` that `where` selects (SQL after WHERE,
// "" for all rows; its parameters bound by `bind`). One query.
std::vector<RecordDigest> DigestRows(store::Connection& connection, const RecordTable& table,
                                     const std::string& where = "",
                                     const std::function<void(store::Statement&)>& bind = {});

// The rows of `tables` whose digest differs from their last audited one (new
// or changed since), for a batch write to record in its audit entry: one read
// of each table and one of audit_records, no query per row.
std::vector<RecordDigest> ChangedRecords(store::Connection& connection, std::span<const RecordTable> tables);

// The hash of a record list as the audit entry's `records` field holds it
// (order-independent: the list is sorted by record first).
std::string RecordListHash(std::vector<RecordDigest> records);

struct RecordMismatch {
  std::string record;               // "persons/40"
  std::optional<int64_t> audit_id;  // the entry that audited it last (none: never audited)
  std::string problem;              // in English
};

struct RecordVerification {
  int64_t rows = 0;      // current rows digested
  int64_t audited = 0;   // records with an audited digest
  std::vector<RecordMismatch> mismatches;  // by record name
  bool ok() const { return mismatches.empty(); }
};

// Compares every row of `tables` with its last audited digest, and checks each
// audit entry's record list against the entry's `records` hash. A row changed
// or added behind fupin's back, a row deleted, or a list that was altered is
// a mismatch.
RecordVerification VerifyRecords(store::Connection& connection, std::span<const RecordTable> tables);

// The baseline of registry access migration 303: rows written before the audit
// covered them get one entry (`records.baseline`) carrying their digests. Runs
// once (the migration leaves a marker); returns the number of rows recorded.
int64_t RecordBaseline(store::Connection& connection, const Clock& clock, std::span<const RecordTable> tables);

}  // namespace fupin::access
