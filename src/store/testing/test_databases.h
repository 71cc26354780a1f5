#pragma once
// Databases for tests, on either backend:
//   kSqlite    a file in a fresh temporary folder, removed at the end
//   kPostgres  a fresh database on the server named by FUPIN_TEST_PG_URL
//              (scripts/with-postgres.sh starts one), dropped at the end
// Tests that run on both take the backend as a parameter and skip the
// PostgreSQL case when FUPIN_TEST_PG_URL is not set.
#include <optional>
#include <string>

namespace fupin::store::testing {

enum class Backend { kSqlite, kPostgres };

// "sqlite" or "postgres" (for test names).
const char* BackendName(Backend backend);

// FUPIN_TEST_PG_URL, or nullopt when it is unset or empty.
std::optional<std::string> PostgresServerUrl();

class TestDatabase {
 public:
  // Throws fupin::Error (failed precondition) for kPostgres without a server.
  explicit TestDatabase(Backend backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  // What OpenDatabase and `fupin --db` take.
  const std::string& url() const { return url_; }

 private:
  Backend backend_;
  std::string url_;
  std::string folder_;  // SQLite
  std::string name_;    // PostgreSQL database name
};

// Replaces the database name of a postgresql:// URL (keeping its parameters).
std::string WithDatabaseName(const std::string& url, const std::string& name);

}  // namespace fupin::store::testing
