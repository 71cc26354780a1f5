#pragma once
// The PostgreSQL store, through libpq. Chosen by a URL
// `postgresql://user[:password]@host[:port]/db[?param=value...]` (or
// `postgres://`); the URL is passed to libpq unchanged, so every libpq
// connection parameter and PG* environment variable works.
//
// Statements: `?` and `?N` placeholders are rewritten to `$n` (not inside
// string literals, quoted identifiers, comments or dollar-quoted bodies).
// Integers are sent as int8, doubles as float8, BLOBs as binary bytea; text
// is sent untyped, so the server reads it as the type the SQL needs (as
// SQLite's column affinity would). A statement is parsed on each run until it
// runs a second time; then it is prepared on the server and reused.
//
// Rows: a statement's whole result is fetched when it runs and Step() walks
// it in memory. This keeps the Connection free for other statements while a
// read is being walked (services interleave reads and writes), at the cost of
// holding a result in memory: batch reads of a county (about 10^5 rows) fit
// easily; a national export should page with LIMIT/OFFSET or keyset.
//
// Transactions are READ COMMITTED; nested ones are savepoints. Lost updates
// are prevented by version columns (UPDATE ... WHERE version = ?), which READ
// COMMITTED re-checks after waiting for a concurrent writer.
//
// Errors (SQLSTATE): 23505 unique_violation -> kAlreadyExists; other class 23
// integrity violations (foreign key, check, not null, restrict) ->
// kFailedPrecondition; 40001 serialization_failure, 40P01 deadlock_detected
// and 55P03 lock_not_available -> TransientError (kConflict, retryable); the
// rest -> kInternal.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace fupin::store {

class PostgresDatabase final : public Database {
 public:
  // Connects once to check the URL, and fails with kInvalidArgument if not.
  explicit PostgresDatabase(std::string url);
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::unique_ptr<Connection> Connect() override;
  // The URL without its password.
  std::string description() const override;

 private:
  std::string url_;
};

// True for `postgresql://` and `postgres://` URLs.
bool IsPostgresUrl(std::string_view url);

// Rewrites SQLite-style placeholders to PostgreSQL's: each `?` becomes `$n`
// with n one more than the largest number used so far, `?N` becomes `$N`.
// Sets `parameters` to the largest number used, and `used[n-1]` to whether
// parameter n appears at all.
std::string RewritePlaceholders(std::string_view sql, int* parameters = nullptr, std::vector<bool>* used = nullptr);

}  // namespace fupin::store
