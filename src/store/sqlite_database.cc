#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <unordered_map>

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

// The statements a connection has prepared, kept for reuse and keyed by
// their SQL text: preparing (parsing and planning) costs more than running
// a primary-key read, and the services prepare the same few dozen statements
// on every request. A statement in use is lent out (busy); preparing the
// same SQL again while it is lent (a nested read) gets a fresh statement that
// is finalised after use. SQLite re-prepares a kept statement by itself when
// the schema changes. Owned jointly by the connection and the statements it
// lent, so a statement that outlives its connection stays valid.
class StatementCache {
 public:
  // Beyond this many kept statements the idle ones are dropped: SQL built
  // with varying text (IN lists of many lengths) must not grow it unbounded.
  static constexpr size_t kMaxKept = 256;

  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool busy = false;
  };

  StatementCache() = default;
  ~StatementCache() {
    for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The kept idle statement for `sql`, now busy; nullptr if there is none.
  Entry* Lend(const std::string& sql) {
    auto it = entries_.find(sql);
    if (it == entries_.end() || it->second.busy) return nullptr;
    it->second.busy = true;
    return &it->second;
  }
  // Keeps a newly prepared statement (busy); nullptr if `sql` already has
  // one (lent out), in which case the caller owns `stmt`.
  Entry* Keep(const std::string& sql, sqlite3_stmt* stmt) {
    if (entries_.size() >= kMaxKept) DropIdle();
    auto [it, added] = entries_.try_emplace(sql);
    if (!added) return nullptr;
    it->second.stmt = stmt;
    it->second.busy = true;
    return &it->second;
  }
  // A lent statement comes back: ready to run again, no bindings held.
  static void Return(Entry* entry) {
    sqlite3_reset(entry->stmt);
    sqlite3_clear_bindings(entry->stmt);
    entry->busy = false;
  }

 private:
  void DropIdle() {
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.busy) {
        ++it;
      } else {
        sqlite3_finalize(it->second.stmt);
        it = entries_.erase(it);
      }
    }
  }
  // Node-based: an Entry* stays valid while other entries come and go.
  std::unordered_map<std::string, Entry> entries_;
};

class SqliteStatement final : public Statement {
 public:
  // A statement of its own (finalised when done).
  SqliteStatement(sqlite3* db, StmtHandle stmt) : db_(db), stmt_(std::move(stmt)) {}
  // A statement lent by `cache` (returned to it when done).
  SqliteStatement(sqlite3* db, std::shared_ptr<StatementCache> cache, StatementCache::Entry* entry)
      : db_(db), cache_(std::move(cache)), entry_(entry), stmt_(entry->stmt) {}
  ~SqliteStatement() override {
    if (entry_) {
      (void)stmt_.release();
      StatementCache::Return(entry_);
    }
  }

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
  std::string_view TextView(int c) const override {
    const auto* p = sqlite3_column_text(stmt_.get(), c);
    const int n = sqlite3_column_bytes(stmt_.get(), c);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string_view();
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
  std::shared_ptr<StatementCache> cache_;  // set for a lent statement
  StatementCache::Entry* entry_ = nullptr;
  StmtHandle stmt_;  // released, not finalised, for a lent statement
};

// A connection to the file at `path` with the settings above.
std::unique_ptr<Connection> ConnectFile(const std::string& path, bool create);

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(DbHandle db) : db_(std::move(db)), cache_(std::make_shared<StatementCache>()) {}
  Dialect dialect() const override { return Dialect::kSqlite; }

  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    std::string key(sql);
    if (StatementCache::Entry* entry = cache_->Lend(key)) {
      return std::make_unique<SqliteStatement>(db_.get(), cache_, entry);
    }
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    if (rc != SQLITE_OK) Fail(db_.get(), rc, "cannot prepare SQL");
    StmtHandle stmt(raw);
    // Only a statement that is the whole text (but blanks and semicolons) is
    // kept: the key must name it.
    bool whole = raw != nullptr && tail != nullptr;
    for (const char* p = tail; whole && p < sql.data() + sql.size(); ++p) {
      whole = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == ';';
    }
    if (whole) {
      if (StatementCache::Entry* entry = cache_->Keep(key, raw)) {
        (void)stmt.release();
        return std::make_unique<SqliteStatement>(db_.get(), cache_, entry);
      }
    }
    return std::make_unique<SqliteStatement>(db_.get(), std::move(stmt));
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

  std::unique_ptr<Connection> OpenSibling() override {
    // An in-memory or temporary database has no file name: another connection would be another database.
    const char* file = sqlite3_db_filename(db_.get(), "main");
    if (file == nullptr || *file == '\0') return nullptr;
    // Only beside a connection in WAL mode: a new connection sets WAL, which would change the
    // file's mode under one that turned it off (the demo's bulk load does).
    auto mode = Prepare("PRAGMA journal_mode");
    if (!mode->Step() || mode->Text(0) != "wal") return nullptr;
    return ConnectFile(file, false);
  }

  void SetLockWait(std::chrono::milliseconds wait) override {
    sqlite3_busy_timeout(db_.get(), static_cast<int>(std::max<int64_t>(1, wait.count())));
  }

 protected:
  void BeginLevel(int depth) override {
    Execute(depth == 1 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp" + std::to_string(depth));
  }
  void CommitLevel(int depth) override {
    Execute(depth == 1 ? "COMMIT" : "RELEASE sp" + std::to_string(depth));
  }
  // A deferred transaction: the WAL's read lock is taken at the first read
  // and held until EndSnapshot (prepared once, kept like any statement).
  bool BeginSnapshot() override {
    if (!sqlite3_get_autocommit(db_.get())) return false;
    Prepare("BEGIN DEFERRED")->Run();
    return true;
  }
  // A snapshot wrote nothing: if its COMMIT fails, it is rolled back, so the connection does not
  // stay in a transaction that every later snapshot would silently share.
  void EndSnapshot() override {
    if (sqlite3_get_autocommit(db_.get())) return;
    try {
      Prepare("COMMIT")->Run();
    } catch (...) {
      if (!sqlite3_get_autocommit(db_.get())) Execute("ROLLBACK");
      throw;
    }
  }
  void RollbackLevel(int depth) override {
    if (depth == 1) {
      if (!sqlite3_get_autocommit(db_.get())) Execute("ROLLBACK");
    } else {
      Execute("ROLLBACK TO sp" + std::to_string(depth) + "; RELEASE sp" + std::to_string(depth));
    }
  }

 private:
  // Declared after db_, so destroyed first: the kept statements are finalised
  // before the handle closes (or, if some are still lent, when the last returns;
  // sqlite3_close_v2 waits for them).
  DbHandle db_;
  std::shared_ptr<StatementCache> cache_;
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

// Process-wide settings, made before SQLite initialises (sqlite3_config is
// refused afterwards, harmlessly). Memory statistics take one global mutex
// on every allocation; Debian's SQLite is built without lookaside memory, so
// every small allocation of every connection went through that one mutex and
// the server's threads queued on it. fupin never reads the statistics.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

std::unique_ptr<Connection> ConnectFile(const std::string& path, bool create) {
  auto connection = std::make_unique<SqliteConnection>(OpenHandle(path, create));
  connection->Execute(
      "PRAGMA busy_timeout=5000;"
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY;"
      "PRAGMA cache_size=-65536;");
  return connection;
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, bool create) : path_(std::move(path)), create_(create) {
  ConfigureSqliteOnce();
  OpenHandle(path_, create_);
}

std::unique_ptr<Connection> SqliteDatabase::Connect() { return ConnectFile(path_, create_); }

}  // namespace fupin::store
