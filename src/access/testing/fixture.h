#pragma once
// A temporary SQLite database with the access migrations, a fixed clock and a
// cheap password hasher, for the access tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "access/accounts.h"
#include "access/audit.h"
#include "access/schema.h"
#include "access/testing/weak_password_hasher.h"
#include "core/date.h"
#include "core/error.h"
#include "store/database.h"
#include "store/testing/test_databases.h"

namespace fupin::access::testing {

class AccessFixture : public ::testing::Test {
 protected:
  AccessFixture() : clock_(Date{2020, 6, 1}, 1590969600) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fupin-access-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    // FUPIN_TEST_STORE=postgres (the "pg." copies of the tests): a fresh
    // PostgreSQL database instead of the file.
    const char* store = std::getenv("FUPIN_TEST_STORE");
    if (store != nullptr && std::string(store) == "postgres" && store::testing::PostgresServerUrl()) {
      pg_ = std::make_unique<store::testing::TestDatabase>(store::testing::Backend::kPostgres);
    }
    db_ = store::OpenDatabase(pg_ ? pg_->url() : Path("fupin.db"), Migrations());
    conn_ = db_->Connect();
  }
  ~AccessFixture() override {
    conn_.reset();
    db_.reset();
    pg_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Path(const std::string& name) const { return (std::filesystem::path(dir_) / name).string(); }
  void Advance(int64_t seconds) { clock_.Set(clock_.Today(), clock_.NowSeconds() + seconds); }
  Accounts accounts() { return Accounts(*conn_, clock_, hasher_); }
  Audit audit() { return Audit(*conn_, clock_); }

  // Adds a user as the local operator.
  User Add(const std::string& name, Role role, const std::string& area,
           const std::string& password = "correct horse") {
    return accounts().AddUser(Caller::LocalOperator(), NewUser{name, role, area}, password);
  }

  int64_t CountAudit(const std::string& action) {
    auto s = conn_->Prepare("SELECT count(*) FROM audit_log WHERE action = ?");
    s->BindText(1, action);
    s->Step();
    return s->Int(0);
  }

  std::string dir_;
  std::unique_ptr<store::testing::TestDatabase> pg_;
  FixedClock clock_;
  WeakPasswordHasher hasher_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Connection> conn_;
};

inline AuditFilter Filter(std::string entity, int64_t limit = 50) {
  AuditFilter f;
  f.entity = std::move(entity);
  f.limit = limit;
  return f;
}

// Runs `f` and returns the code of the fupin::Error it throws (fails the
// test if it throws nothing).
template <typename F>
ErrorCode CodeOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected a fupin::Error";
  return ErrorCode::kInternal;
}

}  // namespace fupin::access::testing
