#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <cstring>

#include "core/error.h"

namespace fupin::store {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

[[noreturn]] void Fail(sqlite3* db, int rc, std::string_view what) {
  const std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  const int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) {
    const int extended = db ? sqlite3_extended_errcode(db) : rc;
    if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
      throw Error::AlreadyExists(message);
    }
    throw Error::FailedPrecondition(message);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw TransientError(message + " (the database is busy; try again)");
  }
  throw Error::Internal(message);
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, StmtHandle stmt) : db_(db), stmt_(std::move(stmt)) {}

  void BindNull(int i) override { Check(sqlite3_bind_null(stmt_.get(), i)); }
  void BindInt(int i, int64_t v) override { Check(sqlite3_bind_int64(stmt_.get(), i, v)); }
  void BindDouble(int i, double v) override { Check(sqlite3_bind_double(stmt_.get(), i, v)); }
  void BindText(int i, std::string_view v) override {
    Check(sqlite3_bind_text64(stmt_.get(), i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void BindBlob(int i, std::span<const uint8_t> v) override {
    // A zero-length blob must still be a blob, not NULL.
    static const uint8_t kEmpty = 0;
    Check(sqlite3_bind_blob64(stmt_.get(), i, v.empty() ? &kEmpty : v.data(), v.size(), SQLITE_TRANSIENT));
  }

  bool Step() override {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(stmt_.get());
    Fail(db_, rc, "SQL failed");
  }
  void Reset() override {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }
  int ColumnCount() const override { return sqlite3_column_count(stmt_.get()); }
  bool IsNull(int c) const override { return sqlite3_column_type(stmt_.get(), c) == SQLITE_NULL; }
  int64_t Int(int c) const override { return sqlite3_column_int64(stmt_.get(), c); }
  double Double(int c) const override { return sqlite3_column_double(stmt_.get(), c); }
  std::string Text(int c) const override {
    const auto* p = sqlite3_column_text(stmt_.get(), c);
    const int n = sqlite3_column_bytes(stmt_.get(), c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  std::vector<uint8_t> Blob(int c) const override {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_.get(), c));
    const int n = sqlite3_column_bytes(stmt_.get(), c);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
  }
  int64_t Run() override {
    while (Step()) {
    }
    const int64_t changes = sqlite3_changes64(db_);
    Reset();
    return changes;
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) Fail(db_, rc, "cannot bind a parameter");
  }
  sqlite3* db_;
  StmtHandle stmt_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(DbHandle db) : db_(std::move(db)) {}
  Dialect dialect() const override { return Dialect::kSqlite; }

  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) Fail(db_.get(), rc, "cannot prepare SQL");
    return std::make_unique<SqliteStatement>(db_.get(), StmtHandle(raw));
  }

  void Execute(std::string_view sql) override {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      const std::string what = message ? message : "SQL failed";
      sqlite3_free(message);
      Fail(nullptr, rc, what);
    }
  }

 protected:
  void BeginLevel(int depth) override {
    Execute(depth == 1 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp" + std::to_string(depth));
  }
  void CommitLevel(int depth) override {
    Execute(depth == 1 ? "COMMIT" : "RELEASE sp" + std::to_string(depth));
  }
  void RollbackLevel(int depth) override {
    if (depth == 1) {
      if (!sqlite3_get_autocommit(db_.get())) Execute("ROLLBACK");
    } else {
      Execute("ROLLBACK TO sp" + std::to_string(depth) + "; RELEASE sp" + std::to_string(depth));
    }
  }

 private:
  DbHandle db_;
};

DbHandle OpenHandle(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) {
    throw Error::InvalidArgument("cannot open database " + path + ": " +
                                 (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, bool create) : path_(std::move(path)), create_(create) {
  OpenHandle(path_, create_);
}

std::unique_ptr<Connection> SqliteDatabase::Connect() {
  auto connection = std::make_unique<SqliteConnection>(OpenHandle(path_, create_));
  connection->Execute(
      "PRAGMA busy_timeout=5000;"
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;"
      "PRAGMA cache_size=-65536;");
  return connection;
}

}  // namespace fupin::store
