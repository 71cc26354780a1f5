#include "store/database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "store/testing/faulty_connection.h"

namespace fupin::store {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fupin-store-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }

 private:
  std::string path_;
};

const std::vector<Migration> kV1 = {
    {1, "create things", "CREATE TABLE things (id {{pk}}, name TEXT NOT NULL UNIQUE);"},
};
const std::vector<Migration> kV2 = {
    kV1[0],
    {2, "add notes", "CREATE TABLE notes (id {{pk}}, thing_id INTEGER NOT NULL REFERENCES things(id));"},
};

int64_t Count(Connection& c, const std::string& table) { return *c.QueryInt("SELECT count(*) FROM " + table); }

TEST(DatabaseTest, AppliesMigrationsInOrderOnceAndRecordsThem) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  { auto db = OpenDatabase(path, kV1); }
  auto db = OpenDatabase(path, kV2);
  auto c = db->Connect();
  EXPECT_EQ(AppliedMigrations(*c), (std::vector<int>{1, 2}));
  // Opening again applies nothing new.
  ApplyMigrations(*c, kV2);
  EXPECT_EQ(AppliedMigrations(*c), (std::vector<int>{1, 2}));
}

TEST(DatabaseTest, RefusesADatabaseNewerThanTheBinary) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  { auto db = OpenDatabase(path, kV2); }
  try {
    OpenDatabase(path, kV1);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(std::string(e.what()).find("newer fupin"), std::string::npos) << e.what();
  }
}

TEST(DatabaseTest, BoundParametersRoundTrip) {
  TempDir dir;
  auto db = OpenDatabase(dir.File("a.db"), kV1);
  auto c = db->Connect();
  auto insert = c->Prepare("INSERT INTO things (name) VALUES (?) RETURNING id");
  insert->BindText(1, "it's \"quoted\"; DROP TABLE things; --");
  ASSERT_TRUE(insert->Step());
  const int64_t id = insert->Int(0);
  insert->Reset();
  auto read = c->Prepare("SELECT name FROM things WHERE id = ?");
  read->BindInt(1, id);
  ASSERT_TRUE(read->Step());
  EXPECT_EQ(read->Text(0), "it's \"quoted\"; DROP TABLE things; --");
}

TEST(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  auto db = OpenDatabase(dir.File("a.db"), kV1);
  auto c = db->Connect();
  {
    Transaction tx(*c);
    c->Execute("INSERT INTO things (name) VALUES ('a')");
  }
  EXPECT_EQ(Count(*c, "things"), 0);
  {
    Transaction tx(*c);
    c->Execute("INSERT INTO things (name) VALUES ('a')");
    {
      Transaction inner(*c);
      c->Execute("INSERT INTO things (name) VALUES ('b')");
    }  // inner rolled back alone
    tx.Commit();
  }
  EXPECT_EQ(Count(*c, "things"), 1);
  EXPECT_EQ(c->transaction_depth(), 0);
}

TEST(DatabaseTest, ConstraintFailuresHaveTheirOwnCodes) {
  TempDir dir;
  auto db = OpenDatabase(dir.File("a.db"), kV2);
  auto c = db->Connect();
  c->Execute("INSERT INTO things (name) VALUES ('a')");
  try {
    c->Execute("INSERT INTO things (name) VALUES ('a')");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
  }
  try {
    c->Execute("INSERT INTO notes (thing_id) VALUES (999)");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);  // foreign keys are on
  }
}

TEST(DatabaseTest, AFailureInTheMiddleOfABatchLeavesNoTrace) {
  TempDir dir;
  auto db = OpenDatabase(dir.File("a.db"), kV1);
  testing::FaultyConnection c(db->Connect());
  c.FailAfterWrites(500);
  auto insert_batch = [&] {
    Transaction tx(c);
    auto insert = c.Prepare("INSERT INTO things (name) VALUES (?)");
    for (int i = 0; i < 1000; ++i) {
      insert->BindText(1, "thing " + std::to_string(i));
      insert->Run();
    }
    tx.Commit();
  };
  EXPECT_THROW(insert_batch(), Error);
  EXPECT_EQ(c.writes(), 500);
  EXPECT_EQ(Count(c, "things"), 0);
  c.FailAfterWrites(-1);
  insert_batch();
  EXPECT_EQ(Count(c, "things"), 1000);
}

TEST(DatabaseTest, TranslatesDialectTokens) {
  EXPECT_EQ(TranslateSql("id {{pk}}, b {{blob}}", Dialect::kSqlite), "id INTEGER PRIMARY KEY, b BLOB");
  EXPECT_EQ(TranslateSql("b {{blob}}", Dialect::kPostgres), "b BYTEA");
}

}  // namespace
}  // namespace fupin::store
