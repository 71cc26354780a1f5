#pragma once
// The store: a Database opens Connections; a Connection prepares Statements
// (bound parameters only, `?` placeholders) and runs Transactions (RAII: a
// Transaction that is not committed rolls back when it goes out of scope).
//
// Services see only these interfaces, never SQLite or libpq types, so the
// backend is chosen by the database URL alone: a path or `sqlite:PATH` for
// the embedded SQLite store, `postgresql://user@host:port/db` (or
// `postgres://`) for a PostgreSQL server (store/postgres_database.h).
//
// Errors: every failure throws fupin::Error. A unique or foreign-key
// constraint failure is kAlreadyExists / kFailedPrecondition with the
// backend's message; a busy database, a serialisation failure or a deadlock
// is a TransientError (kConflict; running the transaction again may succeed,
// see RunInTransaction); anything else is kInternal.
//
// Threads: a Connection (and its Statements) is used by one thread at a time.
// Open one Connection per thread from the same Database.
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace fupin::store {

enum class Dialect { kSqlite, kPostgres };

// A failure that says nothing about the data: another writer held a lock too
// long, a serialisation failure, a deadlock. The transaction was rolled back
// (or must be); running it again from the start may succeed. Its code is
// kConflict, so adapters that do not retry report it as 409.
class TransientError : public Error {
 public:
  explicit TransientError(const std::string& message) : Error(ErrorCode::kConflict, message) {}
};

// One value of a bulk-inserted row.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string, std::vector<uint8_t>>;

// Appends many rows to one table: COPY FROM STDIN on PostgreSQL, one reused
// prepared INSERT on SQLite. Rows are checked by the database as they arrive
// (SQLite) or at Finish() (PostgreSQL): a failure throws like a Statement
// would, and the caller's Transaction rolls the whole batch back. Use it
// inside a Transaction. Destroying a writer without Finish() abandons the rows
// not yet sent (and on PostgreSQL the whole COPY).
class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  BulkWriter(const BulkWriter&) = delete;
  BulkWriter& operator=(const BulkWriter&) = delete;

  // One value per column, in the order the columns were given.
  virtual void Append(std::span<const Value> row) = 0;
  void Append(std::initializer_list<Value> row) { Append(std::span<const Value>(row.begin(), row.size())); }
  // Sends what is left and checks it. Returns the number of rows written.
  virtual int64_t Finish() = 0;

 protected:
  BulkWriter() = default;
};

class Statement {
 public:
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1 in the order of the `?` placeholders.
  virtual void BindNull(int index) = 0;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindBlob(int index, std::span<const uint8_t> value) = 0;
  void BindOptionalInt(int index, const std::optional<int64_t>& value) {
    value ? BindInt(index, *value) : BindNull(index);
  }
  void BindOptionalText(int index, const std::optional<std::string>& value) {
    value ? BindText(index, *value) : BindNull(index);
  }

  // Runs the statement up to its next row. Returns true while a row is
  // available, false when the statement is done.
  virtual bool Step() = 0;
  // Makes the statement ready to run again; bindings are cleared.
  virtual void Reset() = 0;

  // Columns of the current row, numbered from 0.
  virtual int ColumnCount() const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  // The same text without a copy: a view into the backend's buffer, valid
  // until the next Step(), Reset() or another column call of this statement.
  // For bulk reads that turn each value into something else at once.
  virtual std::string_view TextView(int column) const = 0;
  virtual std::vector<uint8_t> Blob(int column) const = 0;
  std::optional<int64_t> OptionalInt(int column) const {
    return IsNull(column) ? std::nullopt : std::optional<int64_t>(Int(column));
  }
  std::optional<std::string> OptionalText(int column) const {
    return IsNull(column) ? std::nullopt : std::optional<std::string>(Text(column));
  }

  // Runs a statement that returns no rows to completion and resets it.
  // Returns the number of rows changed.
  virtual int64_t Run() = 0;

 protected:
  Statement() = default;
};

class Connection;

// A transaction on one connection. Rolls back in its destructor unless
// Commit() was called. Transactions nest: an inner one is a savepoint.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit();

 private:
  Connection* connection_;
  bool done_ = false;
};

// Several reads of one connection in one snapshot: on SQLite a deferred
// transaction, so that they take the WAL's read lock once instead of once per
// statement (each lock a pair of fcntl calls: a tenth of a household read's
// CPU, docs/PERFORMANCE.md, "Household reads, session 14"). On PostgreSQL,
// and on a connection that is already in a transaction or snapshot, it does
// nothing: each statement reads what is committed when it runs, as without it.
//
// Contract: for reads. A Transaction begun inside ends the snapshot first
// (statements after it read what is committed when they run); a write
// statement outside a Transaction must not run inside one. End() ends it
// early; the destructor ends it.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& connection);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  void End() noexcept;

 private:
  Connection* connection_;
  bool began_ = false;
};

class Connection {
 public:
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Dialect dialect() const = 0;
  // Prepares one statement; throws with the backend's message if it is wrong.
  virtual std::unique_ptr<Statement> Prepare(std::string_view sql) = 0;
  // Runs one or more statements without parameters (schema changes).
  virtual void Execute(std::string_view sql) = 0;

  // How long a statement of this connection waits for a lock another
  // connection holds before it fails with TransientError (`wait` > 0):
  // SQLite's busy timeout (5 s when connected), PostgreSQL's lock_timeout
  // (none when connected: it waits as long as the lock is held). For work
  // that must not wait long and has somewhere else to go (the server's quick
  // routes on its I/O threads).
  virtual void SetLockWait(std::chrono::milliseconds wait) = 0;

  // A new connection to the same database, for a read on another thread at
  // the same time (the `Database` this one came from is often out of reach).
  // nullptr when this connection cannot have one (the default: a wrapper, an
  // in-memory SQLite database). The new connection sees only what is
  // committed: a caller inside a transaction must not expect it to see the
  // transaction's writes.
  virtual std::unique_ptr<Connection> OpenSibling() { return nullptr; }

  // Convenience for one-off reads: the first column of the first row, or
  // nullopt if there is no row or it is NULL.
  std::optional<int64_t> QueryInt(std::string_view sql);

  // A writer that appends rows to `table` (columns in the given order). The
  // table and column names are identifiers written by the program, never
  // user input. The default runs a reused prepared INSERT; PostgreSQL uses COPY.
  virtual std::unique_ptr<BulkWriter> BulkInsert(std::string_view table, std::span<const std::string> columns);

  // Nesting depth of open transactions (0: none).
  int transaction_depth() const { return depth_; }

 protected:
  Connection() = default;
  friend class Transaction;
  friend class ReadSnapshot;
  // Called by Transaction with the depth the new level will have (1: outermost).
  virtual void BeginLevel(int depth) = 0;
  virtual void CommitLevel(int depth) = 0;
  virtual void RollbackLevel(int depth) = 0;
  // Called by ReadSnapshot outside any transaction: true if a snapshot began
  // (then EndSnapshot is called once). The default begins none.
  virtual bool BeginSnapshot() { return false; }
  virtual void EndSnapshot() {}

 private:
  int depth_ = 0;
  bool in_snapshot_ = false;
};

// One numbered change to the schema. `sql` may hold several statements and
// the dialect tokens that TranslateSql() replaces.
struct Migration {
  int id = 0;
  std::string name;
  std::string sql;
};

struct OpenOptions {
  // Apply pending migrations on open (the default). Without it, a database
  // that is behind is refused.
  bool migrate = true;
  // Create the database when it does not exist.
  bool create = true;
};

class Database {
 public:
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Dialect dialect() const = 0;
  // A new connection to the same database.
  virtual std::unique_ptr<Connection> Connect() = 0;
  // Where the data lives, for messages ("fupin.db").
  virtual std::string description() const = 0;

 protected:
  Database() = default;
};

// Runs `fn` in a Transaction on `connection` and commits. If it fails with a
// TransientError (serialisation failure, deadlock, busy database) the
// transaction is rolled back and `fn` runs again from the start, up to
// `retries` more times; then the error is thrown. Any other error rolls back
// and is thrown at once. `fn` must do nothing outside the database that it
// cannot repeat. Inside an outer transaction there is nothing to retry (the
// outer one is already doomed), so `fn` runs once in a savepoint.
void RunInTransaction(Connection& connection, const std::function<void()>& fn, int retries = 3);

// Opens the database named by `url` (a file path, `sqlite:PATH`, or a
// `postgresql://` URL), applies
// the given migrations in order of id (those not applied yet), and returns it.
// Refuses (kFailedPrecondition) a database that has a migration this binary
// does not know: it was written by a newer fupin.
std::unique_ptr<Database> OpenDatabase(const std::string& url, std::span<const Migration> migrations,
                                       const OpenOptions& options = {});

// Replaces the dialect tokens of a migration's SQL:
//   {{pk}}        an auto-numbered 64-bit primary key column type
//   {{blob}}      a binary column type
//   {{now}}       the current UTC time as seconds since the epoch (an expression)
//   {{text_nocase}}  a text column type compared without case (SQLite: TEXT
//                 COLLATE NOCASE; PostgreSQL: CITEXT); LIKE works on both
//   {{sqlite}} ... {{end}}    text kept only for SQLite (e.g. a trigger body)
//   {{postgres}} ... {{end}}  text kept only for PostgreSQL
// For PostgreSQL, the word INTEGER outside string literals and comments
// becomes BIGINT: SQLite's INTEGER holds 64 bits (fen amounts, epoch
// seconds), PostgreSQL's holds 32.
std::string TranslateSql(std::string_view sql, Dialect dialect);

// Applies the migrations not yet recorded in schema_migrations, each in its own
// transaction. Exposed for tests; OpenDatabase calls it.
void ApplyMigrations(Connection& connection, std::span<const Migration> migrations);

// The ids recorded as applied, ascending.
std::vector<int> AppliedMigrations(Connection& connection);

}  // namespace fupin::store
