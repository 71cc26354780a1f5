#include "store/database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/money.h"
#include "store/postgres_database.h"
#include "store/testing/faulty_connection.h"
#include "store/testing/test_databases.h"

namespace fupin::store {
namespace {

using testing::Backend;
using testing::TestDatabase;

const std::vector<Migration> kV1 = {
    {1, "create things", "CREATE TABLE things (id {{pk}}, name {{text_nocase}} NOT NULL UNIQUE);"},
};
const std::vector<Migration> kV2 = {
    kV1[0],
    {2, "add notes", "CREATE TABLE notes (id {{pk}}, thing_id INTEGER NOT NULL REFERENCES things(id),"
                     " amount INTEGER CHECK (amount >= 0), ratio REAL, data {{blob}});"},
};

int64_t Count(Connection& c, const std::string& table) { return *c.QueryInt("SELECT count(*) FROM " + table); }

// Every test here runs on SQLite and, when FUPIN_TEST_PG_URL is set, on PostgreSQL.
class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres && !testing::PostgresServerUrl()) {
      GTEST_SKIP() << "FUPIN_TEST_PG_URL is not set (scripts/with-postgres.sh starts a server)";
    }
    db_ = std::make_unique<TestDatabase>(GetParam());
  }
  const std::string& url() const { return db_->url(); }

  std::unique_ptr<TestDatabase> db_;
};

TEST_P(DatabaseTest, AppliesMigrationsInOrderOnceAndRecordsThem) {
  { auto db = OpenDatabase(url(), kV1); }
  auto db = OpenDatabase(url(), kV2);
  EXPECT_EQ(db->dialect(), GetParam() == Backend::kSqlite ? Dialect::kSqlite : Dialect::kPostgres);
  auto c = db->Connect();
  EXPECT_EQ(AppliedMigrations(*c), (std::vector<int>{1, 2}));
  // Opening again applies nothing new.
  ApplyMigrations(*c, kV2);
  EXPECT_EQ(AppliedMigrations(*c), (std::vector<int>{1, 2}));
}

TEST_P(DatabaseTest, RefusesADatabaseNewerThanTheBinary) {
  { auto db = OpenDatabase(url(), kV2); }
  try {
    OpenDatabase(url(), kV1);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(std::string(e.what()).find("newer fupin"), std::string::npos) << e.what();
  }
}

TEST_P(DatabaseTest, BoundParametersRoundTrip) {
  auto db = OpenDatabase(url(), kV2);
  auto c = db->Connect();
  auto insert = c->Prepare("INSERT INTO things (name) VALUES (?) RETURNING id");
  insert->BindText(1, "it's \"quoted\"; ? DROP TABLE things; --");
  ASSERT_TRUE(insert->Step());
  const int64_t id = insert->Int(0);
  insert->Reset();
  auto read = c->Prepare("SELECT name, '?' FROM things WHERE id = ?");
  read->BindInt(1, id);
  ASSERT_TRUE(read->Step());
  EXPECT_EQ(read->Text(0), "it's \"quoted\"; ? DROP TABLE things; --");
  EXPECT_EQ(read->Text(1), "?");
  EXPECT_FALSE(read->Step());

  // 64-bit integers (fen amounts, epoch seconds), doubles, NULLs and bytes.
  const std::vector<uint8_t> bytes = {0, 1, 2, 0xff, '\\', '\t', '\n', 0};
  auto note = c->Prepare("INSERT INTO notes (thing_id, amount, ratio, data) VALUES (?1, ?2, ?3, ?4)");
  note->BindInt(1, id);
  note->BindInt(2, 9'000'000'000'123);
  note->BindDouble(3, 0.125);
  note->BindBlob(4, bytes);
  EXPECT_EQ(note->Run(), 1);
  note->BindInt(1, id);
  note->BindNull(2);
  note->BindNull(3);
  note->BindBlob(4, {});
  EXPECT_EQ(note->Run(), 1);
  auto notes = c->Prepare("SELECT amount, ratio, data, amount + ? FROM notes WHERE thing_id = ? ORDER BY id");
  notes->BindInt(1, 1);
  notes->BindInt(2, id);
  ASSERT_TRUE(notes->Step());
  EXPECT_EQ(notes->Int(0), 9'000'000'000'123);
  EXPECT_DOUBLE_EQ(notes->Double(1), 0.125);
  EXPECT_EQ(notes->Blob(2), bytes);
  EXPECT_EQ(notes->Int(3), 9'000'000'000'124);
  ASSERT_TRUE(notes->Step());
  EXPECT_TRUE(notes->IsNull(0));
  EXPECT_EQ(notes->OptionalInt(1), std::nullopt);
  EXPECT_FALSE(notes->IsNull(2));
  EXPECT_TRUE(notes->Blob(2).empty());
  EXPECT_FALSE(notes->Step());
}

TEST_P(DatabaseTest, AStatementRunsManyTimesWithNewBindings) {
  auto db = OpenDatabase(url(), kV1);
  auto c = db->Connect();
  auto insert = c->Prepare("INSERT INTO things (name) VALUES (?)");
  for (int i = 0; i < 20; ++i) {
    insert->BindText(1, "thing " + std::to_string(i));
    EXPECT_EQ(insert->Run(), 1);
  }
  auto read = c->Prepare("SELECT count(*) FROM things WHERE name LIKE ?");
  for (int round = 0; round < 3; ++round) {
    read->BindText(1, "thing 1%");
    ASSERT_TRUE(read->Step());
    EXPECT_EQ(read->Int(0), 11);  // thing 1, thing 10 .. thing 19
    read->Reset();
  }
  // Case-insensitive names ({{text_nocase}}).
  EXPECT_THROW(c->Execute("INSERT INTO things (name) VALUES ('THING 1')"), Error);
}

// core/money.h PerCapitaSql rounds down on both stores, like PerCapita in C++.
TEST_P(DatabaseTest, PerCapitaSqlRoundsTowardMinusInfinity) {
  auto db = OpenDatabase(url(), kV1);
  auto c = db->Connect();
  for (const auto& [total, persons] : std::vector<std::pair<int64_t, int64_t>>{
           {-1000, 3}, {1000, 3}, {-999, 3}, {0, 2}, {-1, 7}, {123456789, 4}}) {
    auto s = c->Prepare("SELECT " + PerCapitaSql(std::to_string(total), std::to_string(persons)));
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->Int(0), PerCapita(total, persons)) << total << " / " << persons;
  }
  auto zero = c->Prepare("SELECT " + PerCapitaSql("5", "0"));
  ASSERT_TRUE(zero->Step());
  EXPECT_TRUE(zero->IsNull(0));
}

// A connection may keep the statements it prepared for reuse (SQLite does);
// whatever it keeps, each Prepare behaves as a new statement.
TEST_P(DatabaseTest, PreparingTheSameSqlAgainBehavesAsANewStatement) {
  auto db = OpenDatabase(url(), kV1);
  auto c = db->Connect();
  c->Execute("INSERT INTO things (name) VALUES ('a'); INSERT INTO things (name) VALUES ('b');"
             " INSERT INTO things (name) VALUES ('c')");
  const std::string all = "SELECT name FROM things ORDER BY id";
  // The same SQL prepared again while the first is half-way: two independent cursors.
  auto outer = c->Prepare(all);
  ASSERT_TRUE(outer->Step());
  EXPECT_EQ(outer->Text(0), "a");
  {
    auto inner = c->Prepare(all);
    std::string names;
    while (inner->Step()) names += inner->Text(0);
    EXPECT_EQ(names, "abc");
  }
  ASSERT_TRUE(outer->Step());
  EXPECT_EQ(outer->Text(0), "b");
  outer.reset();

  // Prepared again after use: from the first row, with no bindings left over.
  const std::string named = "SELECT count(*) FROM things WHERE name = ?";
  {
    auto s = c->Prepare(named);
    s->BindText(1, "a");
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->Int(0), 1);
  }
  {
    auto s = c->Prepare(named);  // parameter 1 unbound: NULL matches nothing
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->Int(0), 0);
  }
  {
    auto s = c->Prepare(all);
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->Text(0), "a");
  }

  // A statement dropped half-way does not keep an old view of the data:
  // a row another connection adds afterwards is seen by the same SQL.
  {
    auto s = c->Prepare(all);
    ASSERT_TRUE(s->Step());
  }
  db->Connect()->Execute("INSERT INTO things (name) VALUES ('d')");
  {
    auto s = c->Prepare("SELECT count(*) FROM things");
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->Int(0), 4);
    auto again = c->Prepare(all);
    std::string names;
    while (again->Step()) names += again->Text(0);
    EXPECT_EQ(names, "abcd");
  }

  // After a schema change the same SQL sees the new schema.
  {
    auto s = c->Prepare("SELECT * FROM things ORDER BY id");
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->ColumnCount(), 2);
  }
  c->Execute("ALTER TABLE things ADD COLUMN note TEXT");
  {
    auto s = c->Prepare("SELECT * FROM things ORDER BY id");
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->ColumnCount(), 3);
  }
  // Many different statements (more than any cache keeps) all still work.
  for (int i = 0; i < 600; ++i) {
    auto s = c->Prepare("SELECT " + std::to_string(i) + " + count(*) FROM things");
    ASSERT_TRUE(s->Step());
    EXPECT_EQ(s->Int(0), i + 4);
  }
  auto s = c->Prepare(all);
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(0), "a");
}

TEST_P(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  auto db = OpenDatabase(url(), kV1);
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

TEST_P(DatabaseTest, AFailedSavepointLeavesTheOuterTransactionUsable) {
  auto db = OpenDatabase(url(), kV1);
  auto c = db->Connect();
  Transaction tx(*c);
  c->Execute("INSERT INTO things (name) VALUES ('a')");
  try {
    Transaction inner(*c);
    c->Execute("INSERT INTO things (name) VALUES ('a')");
    inner.Commit();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
  }
  c->Execute("INSERT INTO things (name) VALUES ('b')");
  tx.Commit();
  EXPECT_EQ(Count(*c, "things"), 2);
}

TEST_P(DatabaseTest, ConstraintFailuresHaveTheirOwnCodes) {
  auto db = OpenDatabase(url(), kV2);
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
  try {
    c->Execute("INSERT INTO notes (thing_id, amount) VALUES (1, -1)");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);  // a check
  }
}

TEST_P(DatabaseTest, AFailureInTheMiddleOfABatchLeavesNoTrace) {
  auto db = OpenDatabase(url(), kV1);
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

TEST_P(DatabaseTest, BulkInsertWritesEveryRowOrNone) {
  auto db = OpenDatabase(url(), kV2);
  auto c = db->Connect();
  const std::vector<std::string> columns = {"id", "name"};
  {
    Transaction tx(*c);
    auto writer = c->BulkInsert("things", columns);
    for (int i = 1; i <= 2000; ++i) {
      writer->Append({int64_t{i}, "名称\t" + std::to_string(i) + "\\n\n"});
    }
    EXPECT_EQ(writer->Finish(), 2000);
    tx.Commit();
  }
  EXPECT_EQ(Count(*c, "things"), 2000);
  auto read = c->Prepare("SELECT name FROM things WHERE id = 7");
  ASSERT_TRUE(read->Step());
  EXPECT_EQ(read->Text(0), "名称\t7\\n\n");

  const std::vector<std::string> note_columns = {"thing_id", "amount", "ratio", "data"};
  {
    Transaction tx(*c);
    auto writer = c->BulkInsert("notes", note_columns);
    writer->Append({int64_t{1}, nullptr, 0.5, std::vector<uint8_t>{0, 9, 0xff}});
    EXPECT_EQ(writer->Finish(), 1);
    tx.Commit();
  }
  auto note = c->Prepare("SELECT amount, ratio, data FROM notes");
  ASSERT_TRUE(note->Step());
  EXPECT_TRUE(note->IsNull(0));
  EXPECT_DOUBLE_EQ(note->Double(1), 0.5);
  EXPECT_EQ(note->Blob(2), (std::vector<uint8_t>{0, 9, 0xff}));

  // A bad row (a duplicate name) fails the batch, and nothing of it stays.
  auto bad_batch = [&] {
    Transaction tx(*c);
    auto writer = c->BulkInsert("things", columns);
    writer->Append({int64_t{5001}, std::string("fresh")});
    writer->Append({int64_t{5002}, std::string("名称\t1\\n\n")});
    writer->Finish();
    tx.Commit();
  };
  EXPECT_THROW(bad_batch(), Error);
  EXPECT_EQ(Count(*c, "things"), 2000);
}

TEST_P(DatabaseTest, RunInTransactionRetriesTransientFailuresOnly) {
  auto db = OpenDatabase(url(), kV1);
  auto c = db->Connect();
  int attempts = 0;
  RunInTransaction(*c, [&] {
    ++attempts;
    c->Execute("INSERT INTO things (name) VALUES ('x" + std::to_string(attempts) + "')");
    if (attempts < 3) throw TransientError("simulated serialisation failure");
  });
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(Count(*c, "things"), 1);  // the failed attempts left nothing

  attempts = 0;
  EXPECT_THROW(RunInTransaction(*c, [&] {
                 ++attempts;
                 throw Error::Conflict("stale version");  // not transient: reported at once
               }),
               Error);
  EXPECT_EQ(attempts, 1);
  attempts = 0;
  EXPECT_THROW(RunInTransaction(
                   *c, [&] {
                     ++attempts;
                     throw TransientError("always");
                   },
                   2),
               TransientError);
  EXPECT_EQ(attempts, 3);
}

TEST_P(DatabaseTest, VersionColumnsStopLostUpdatesBetweenConnections) {
  auto db = OpenDatabase(url(), {{{1, "v", "CREATE TABLE v (id INTEGER PRIMARY KEY, n INTEGER, version INTEGER);"}}});
  auto a = db->Connect();
  auto b = db->Connect();
  a->Execute("INSERT INTO v VALUES (1, 0, 1)");
  // Both read version 1; a writes first; b's write must find the version moved.
  auto update_a = a->Prepare("UPDATE v SET n = ?, version = version + 1 WHERE id = 1 AND version = ?");
  auto update_b = b->Prepare("UPDATE v SET n = ?, version = version + 1 WHERE id = 1 AND version = ?");
  update_a->BindInt(1, 10);
  update_a->BindInt(2, 1);
  EXPECT_EQ(update_a->Run(), 1);
  update_b->BindInt(1, 20);
  update_b->BindInt(2, 1);
  EXPECT_EQ(update_b->Run(), 0);
  EXPECT_EQ(*a->QueryInt("SELECT n FROM v"), 10);
}

// A connection told to wait briefly for locks fails with TransientError
// while another connection holds the row it writes (where it would otherwise
// wait 5 s on SQLite and without end on PostgreSQL), and works again once
// the lock is gone.
TEST_P(DatabaseTest, AShortLockWaitEndsInATransientError) {
  auto db = OpenDatabase(url(), {{{1, "v", "CREATE TABLE v (id INTEGER PRIMARY KEY, n INTEGER);"}}});
  auto a = db->Connect();
  auto b = db->Connect();
  a->Execute("INSERT INTO v VALUES (1, 0)");
  b->SetLockWait(std::chrono::milliseconds(20));
  {
    Transaction holding(*a);
    a->Execute("UPDATE v SET n = 1 WHERE id = 1");
    EXPECT_THROW(b->Execute("UPDATE v SET n = 2 WHERE id = 1"), TransientError);
    EXPECT_EQ(*b->QueryInt("SELECT n FROM v"), 0);  // reads do not wait
    holding.Commit();
  }
  b->Execute("UPDATE v SET n = 2 WHERE id = 1");
  EXPECT_EQ(*a->QueryInt("SELECT n FROM v"), 2);
}

// A text column read without a copy holds what Text() gives, NULL and empty
// texts included, and a boolean reads as "1"/"0" as Text() gives it.
TEST_P(DatabaseTest, TextViewIsTextWithoutACopy) {
  auto db = OpenDatabase(url(), kV2);
  auto c = db->Connect();
  c->Execute("INSERT INTO things (name) VALUES ('海南 1'), ('')");
  auto read = c->Prepare("SELECT name, NULL, 1 = 1, 1 = 0 FROM things ORDER BY id");
  ASSERT_TRUE(read->Step());
  EXPECT_EQ(read->TextView(0), "海南 1");
  EXPECT_EQ(read->TextView(0), read->Text(0));
  EXPECT_EQ(read->TextView(1), read->Text(1));
  EXPECT_EQ(read->TextView(2), read->Text(2));
  EXPECT_EQ(read->TextView(3), read->Text(3));
  EXPECT_EQ(read->TextView(2), "1");
  ASSERT_TRUE(read->Step());
  EXPECT_EQ(read->TextView(0), "");
  EXPECT_FALSE(read->Step());
}

// A sibling is another connection to the same database: it sees what is
// committed, not what an open transaction of the first has written, and it
// can read while the first reads.
// store::ReadSnapshot: on SQLite the reads inside one see one snapshot (a row
// another connection commits meanwhile shows once it ends); a Transaction
// begun inside ends it first, and its write is kept; inside a transaction it
// does nothing. On PostgreSQL each statement reads what is committed, as
// without it.
TEST_P(DatabaseTest, AReadSnapshotHoldsItsReadsTogetherUntilAWriteOrItsEnd) {
  auto db = OpenDatabase(url(), kV2);
  auto reader = db->Connect();
  auto writer = db->Connect();
  const bool sqlite = reader->dialect() == Dialect::kSqlite;
  writer->Execute("INSERT INTO things (name) VALUES ('a')");
  {
    ReadSnapshot snapshot(*reader);
    EXPECT_EQ(Count(*reader, "things"), 1);
    writer->Execute("INSERT INTO things (name) VALUES ('b')");
    EXPECT_EQ(Count(*reader, "things"), sqlite ? 1 : 2);
    snapshot.End();
    EXPECT_EQ(Count(*reader, "things"), 2);
  }
  {
    ReadSnapshot snapshot(*reader);
    EXPECT_EQ(Count(*reader, "things"), 2);
    writer->Execute("INSERT INTO things (name) VALUES ('c')");
    {
      Transaction tx(*reader);
      EXPECT_EQ(Count(*reader, "things"), 3);
      reader->Execute("INSERT INTO things (name) VALUES ('d')");
      tx.Commit();
    }
    EXPECT_EQ(Count(*reader, "things"), 4);
  }
  EXPECT_EQ(reader->transaction_depth(), 0);
  EXPECT_EQ(Count(*writer, "things"), 4);
  {
    Transaction tx(*reader);
    ReadSnapshot snapshot(*reader);
    reader->Execute("INSERT INTO things (name) VALUES ('e')");
    snapshot.End();
    tx.Commit();
  }
  EXPECT_EQ(Count(*writer, "things"), 5);
}

TEST_P(DatabaseTest, ASiblingConnectionSeesTheSameCommittedDatabase) {
  auto db = OpenDatabase(url(), kV2);
  auto c = db->Connect();
  c->Execute("INSERT INTO things (name) VALUES ('a'), ('b')");
  std::unique_ptr<Connection> sibling = c->OpenSibling();
  ASSERT_NE(sibling, nullptr);
  EXPECT_EQ(sibling->dialect(), c->dialect());
  EXPECT_EQ(Count(*sibling, "things"), 2);
  {
    Transaction tx(*c);
    c->Execute("INSERT INTO things (name) VALUES ('c')");
    EXPECT_EQ(Count(*c, "things"), 3);
    EXPECT_EQ(Count(*sibling, "things"), 2);
    tx.Commit();
  }
  EXPECT_EQ(Count(*sibling, "things"), 3);
  int64_t read_there = 0;
  std::thread other([&] { read_there = Count(*sibling, "things"); });
  EXPECT_EQ(Count(*c, "things"), 3);
  other.join();
  EXPECT_EQ(read_there, 3);
  // A wrapper has no sibling of its own to give.
  testing::FaultyConnection faulty(db->Connect());
  EXPECT_EQ(faulty.OpenSibling(), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& p) { return std::string(testing::BackendName(p.param)); });

TEST(PostgresTest, DeadlocksAreTransientAndRetried) {
  if (!testing::PostgresServerUrl()) GTEST_SKIP() << "FUPIN_TEST_PG_URL is not set";
  TestDatabase tdb(Backend::kPostgres);
  auto db = OpenDatabase(tdb.url(), {{{1, "r", "CREATE TABLE r (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                                                "INSERT INTO r VALUES (1, 0), (2, 0);"}}});
  auto a = db->Connect();
  auto b = db->Connect();
  a->Execute("SET deadlock_timeout = '100ms'");
  b->Execute("SET deadlock_timeout = '100ms'");
  // a locks 1 then 2; b locks 2 then 1: one of them is chosen as the victim,
  // rolled back, and runs again; both increments land.
  auto work = [](Connection& c, int first, int second, std::atomic<int>& ready, int* attempts) {
    RunInTransaction(c, [&] {
      ++*attempts;
      c.Execute("UPDATE r SET n = n + 1 WHERE id = " + std::to_string(first));
      if (*attempts == 1) {
        ready.fetch_add(1);
        while (ready.load() < 2) std::this_thread::yield();
      }
      c.Execute("UPDATE r SET n = n + 1 WHERE id = " + std::to_string(second));
    });
  };
  std::atomic<int> ready{0};
  int attempts_a = 0;
  int attempts_b = 0;
  std::thread ta([&] { work(*a, 1, 2, ready, &attempts_a); });
  std::thread tb([&] { work(*b, 2, 1, ready, &attempts_b); });
  ta.join();
  tb.join();
  // One of them was a victim and ran again. (PostgreSQL may pick a victim
  // twice if the retry wins the first row back; the pause makes that rare.)
  EXPECT_GE(attempts_a + attempts_b, 3);
  EXPECT_LE(attempts_a + attempts_b, 2 + 3);
  EXPECT_EQ(*a->QueryInt("SELECT n FROM r WHERE id = 1"), 2);
  EXPECT_EQ(*a->QueryInt("SELECT n FROM r WHERE id = 2"), 2);
}

TEST(PostgresTest, RewritesPlaceholdersOutsideLiteralsAndComments) {
  int n = 0;
  EXPECT_EQ(RewritePlaceholders("SELECT ?, '?', \"a?\", ? -- ?\n FROM t WHERE x = ?", &n),
            "SELECT $1, '?', \"a?\", $2 -- ?\n FROM t WHERE x = $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(RewritePlaceholders("a = ?2 AND b = ?1 AND c = ?", &n), "a = $2 AND b = $1 AND c = $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(RewritePlaceholders("'it''s ?' || ? /* ? */ $$ ? $$", &n), "'it''s ?' || $1 /* ? */ $$ ? $$");
  EXPECT_EQ(n, 1);
}

TEST(TranslateSqlTest, TranslatesDialectTokens) {
  EXPECT_EQ(TranslateSql("id {{pk}}, b {{blob}}", Dialect::kSqlite), "id INTEGER PRIMARY KEY, b BLOB");
  EXPECT_EQ(TranslateSql("b {{blob}}", Dialect::kPostgres), "b BYTEA");
  // INTEGER is 64-bit on PostgreSQL too, except in literals and comments.
  EXPECT_EQ(TranslateSql("n INTEGER, s TEXT DEFAULT 'INTEGER' -- INTEGER", Dialect::kPostgres),
            "n BIGINT, s TEXT DEFAULT 'INTEGER' -- INTEGER");
  EXPECT_EQ(TranslateSql("n integer, m INTEGERS", Dialect::kSqlite), "n integer, m INTEGERS");
  // Sections for one dialect.
  const std::string both = "A;{{sqlite}}S;{{end}}{{postgres}}P;{{end}}B;";
  EXPECT_EQ(TranslateSql(both, Dialect::kSqlite), "A;S;B;");
  EXPECT_EQ(TranslateSql(both, Dialect::kPostgres), "A;P;B;");
  EXPECT_THROW(TranslateSql("{{bogus}}", Dialect::kSqlite), Error);
}

}  // namespace
}  // namespace fupin::store
