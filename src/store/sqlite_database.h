#pragma once
// The embedded SQLite store. Each connection runs with:
//   journal_mode=WAL     readers never block the writer
//   synchronous=FULL     a committed transaction survives power loss (WAL
//                        fsyncs once per commit; batch paths commit once)
//   foreign_keys=ON      references are enforced
//   busy_timeout=5000    a writer waits up to 5 s for another writer
// Transactions start with BEGIN IMMEDIATE so two writers never deadlock on a
// read-to-write upgrade.
#include <memory>
#include <string>

#include "store/database.h"

namespace fupin::store {

class SqliteDatabase final : public Database {
 public:
  // Checks that the file can be opened (and creates it if `create`).
  SqliteDatabase(std::string path, bool create);
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::unique_ptr<Connection> Connect() override;
  std::string description() const override { return path_; }

 private:
  std::string path_;
  bool create_;
};

}  // namespace fupin::store
