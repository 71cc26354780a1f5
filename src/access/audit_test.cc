#include "access/audit.h"

#include <gtest/gtest.h>

#include <map>

#include "access/crypto_util.h"
#include "access/record_packs.h"
#include "access/testing/fixture.h"

namespace fupin::access {
namespace {

using testing::CodeOf;
using testing::Filter;

class AuditTest : public testing::AccessFixture {
 protected:
  // Ten entries on households of two villages.
  void Fill() {
    Audit a = audit();
    for (int i = 1; i <= 10; ++i) {
      Advance(60);
      const std::string village = i % 2 ? "430424100201" : "430424101202";
      a.Record(Caller::LocalOperator(),
               AuditEvent{"household.update", "household/" + std::to_string(i % 3), village,
                          R"({"income":)" + std::to_string(i) + "}", R"({"income":)" + std::to_string(i + 1) + "}"});
    }
  }
  void DropTriggers() {
    if (conn_->dialect() == store::Dialect::kPostgres) {
      conn_->Execute(
          "DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_no_delete ON audit_log;"
          " DROP TRIGGER audit_head_forward_only ON audit_head;");
    } else {
      conn_->Execute(
          "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_head_forward_only;");
    }
  }
};

TEST_F(AuditTest, AnUntouchedChainVerifies) {
  EXPECT_TRUE(audit().Verify().ok);  // empty
  Fill();
  const AuditVerification v = audit().Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 10);
  EXPECT_EQ(audit().Head().first, 10);
}

// Issue 26 item 9: the digests an entry carries are in its hash (through the
// list's hash), and VerifyRecords names a row changed, added or removed
// behind the trail's back and a list that was altered.
TEST_F(AuditTest, RecordDigestsAreChainedAndRowsAreCheckedAgainstThem) {
  conn_->Execute(store::TranslateSql("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT, data {{blob}})",
                                     conn_->dialect()));
  const RecordTable things{"things", {"id"}, {"id", "name", "data"}, {"data"}};
  const std::vector<RecordTable> tables = {things};
  conn_->Execute("INSERT INTO things (id, name, data) VALUES (1, 'a', NULL), (2, '', NULL)");
  // NULL and "" differ.
  const auto first = DigestRows(*conn_, things);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].record, "things/1");
  EXPECT_NE(first[0].digest, first[1].digest);
  EXPECT_EQ(ChangedRecords(*conn_, tables).size(), 2u);
  AuditEvent e{"thing.add", "things", "", std::nullopt, std::nullopt};
  e.records = ChangedRecords(*conn_, tables);
  const int64_t id = audit().Record(Caller::LocalOperator(), e);
  EXPECT_TRUE(audit().Verify().ok);
  EXPECT_TRUE(ChangedRecords(*conn_, tables).empty());
  EXPECT_TRUE(VerifyRecords(*conn_, tables).ok());

  conn_->Execute("UPDATE things SET name = 'b' WHERE id = 1");
  conn_->Execute("DELETE FROM things WHERE id = 2");
  conn_->Execute("INSERT INTO things (id, name) VALUES (3, 'c')");
  RecordVerification v = VerifyRecords(*conn_, tables);
  ASSERT_EQ(v.mismatches.size(), 3u);
  EXPECT_EQ(v.mismatches[0].record, "things/1");
  EXPECT_EQ(v.mismatches[0].audit_id, id);
  EXPECT_EQ(v.mismatches[1].record, "things/2");
  EXPECT_NE(v.mismatches[1].problem.find("missing"), std::string::npos);
  EXPECT_EQ(v.mismatches[2].record, "things/3");
  EXPECT_FALSE(v.mismatches[2].audit_id.has_value());

  // The list itself, rewritten to match the edited row, no longer matches its entry.
  const auto now = DigestRows(*conn_, things, "id = 1");
  conn_->Execute(conn_->dialect() == store::Dialect::kPostgres ? "DROP TRIGGER audit_records_no_update ON audit_records"
                                                                : "DROP TRIGGER audit_records_no_update");
  auto edit = conn_->Prepare("UPDATE audit_records SET digest = ? WHERE record = 'things/1'");
  edit->BindText(1, now.at(0).digest);
  edit->Run();
  v = VerifyRecords(*conn_, tables);
  bool list_altered = false;
  for (const auto& m : v.mismatches) list_altered = list_altered || m.record == "audit/" + std::to_string(id);
  EXPECT_TRUE(list_altered);
  // And rewriting the entry's `records` field breaks the chain.
  DropTriggers();
  auto forge = conn_->Prepare("UPDATE audit_log SET records = ? WHERE id = ?");
  forge->BindText(1, RecordListHash({now.at(0)}));
  forge->BindInt(2, id);
  forge->Run();
  EXPECT_FALSE(audit().Verify().ok);
}

// The digests of a batch kept in packs (ChangedRecordPacks: the demo, the
// imports, the baseline, a key rotation): a row edited in the file is still
// named, with the entry that packed it; a later single write supersedes one
// row of a pack; a pack rewritten no longer matches its entry's hash.
TEST_F(AuditTest, PackedDigestsStillNameEachRowEditedInTheFile) {
  conn_->Execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)");
  conn_->Execute(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)"
      " INSERT INTO things (id, name) SELECT i, 'n' || i FROM n");
  const RecordTable things{"things", {"id"}, {"id", "name"}, {}};
  const std::vector<RecordTable> tables = {things};
  int64_t rows = 0;
  AuditEvent e{"thing.import", "things", "", std::nullopt, std::nullopt};
  const RecordPacks spooled = ChangedRecordPacks(*conn_, tables, &rows);
  EXPECT_EQ(rows, 2500);
  std::vector<RecordDigest> packs;  // read back from the spool
  spooled.ForEach([&packs](const RecordDigest& d) { packs.push_back(d); });
  ASSERT_EQ(packs.size(), 3u);  // 1,000 + 1,000 + 500 rows
  EXPECT_EQ(packs[0].record, "things/*1");
  // A pack holds the very digests of its rows.
  std::map<std::string, std::string> opened;
  for (const auto& pack : packs) {
    ForEachRecordOf(pack, [&opened](std::string record, std::string digest) { opened[record] = digest; });
  }
  const auto each = DigestRows(*conn_, things);
  ASSERT_EQ(opened.size(), each.size());
  for (const auto& d : each) EXPECT_EQ(opened[d.record], d.digest) << d.record;
  // The list hash taken as a stream is the one-buffer hash entries were written with before.
  std::vector<uint8_t> buffer;
  internal::AppendField(buffer, "fupin-records-v1");
  for (const auto& r : packs) {  // already in name order: things/*1, *2, *3
    internal::AppendField(buffer, r.record);
    internal::AppendField(buffer, r.digest);
  }
  EXPECT_EQ(RecordListHashOf(packs), internal::ToHex(internal::Blake2b256(buffer)));
  EXPECT_EQ(RecordListHash(packs), RecordListHashOf(packs));
  EXPECT_EQ(spooled.ListHash(), RecordListHashOf(packs));
  const int64_t id = RecordPacked(*conn_, clock_, Caller::LocalOperator(), e, spooled);
  EXPECT_EQ(conn_->QueryInt("SELECT count(*) FROM audit_records WHERE audit_id = " + std::to_string(id)).value_or(-1), 3);
  EXPECT_TRUE(audit().Verify().ok);
  RecordVerification v = VerifyRecords(*conn_, tables);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.rows, 2500);
  EXPECT_EQ(v.audited, 2500);
  EXPECT_TRUE(ChangedRecordPacks(*conn_, tables).empty());

  // A single write after the batch: its own digest supersedes the packed one.
  conn_->Execute("UPDATE things SET name = 'x' WHERE id = 7");
  AuditEvent single{"thing.update", "things/7", "", std::nullopt, std::nullopt};
  single.records = DigestRows(*conn_, things, "id = 7");
  audit().Record(Caller::LocalOperator(), single);
  EXPECT_TRUE(VerifyRecords(*conn_, tables).ok());

  // Edited in the file: named, with the batch's entry.
  const std::string before = DigestRows(*conn_, things, "id = 1234").at(0).digest;
  conn_->Execute("UPDATE things SET name = 'y' WHERE id = 1234");
  v = VerifyRecords(*conn_, tables);
  ASSERT_EQ(v.mismatches.size(), 1u);
  EXPECT_EQ(v.mismatches[0].record, "things/1234");
  EXPECT_EQ(v.mismatches[0].audit_id, id);
  EXPECT_NE(v.mismatches[0].problem.find("changed"), std::string::npos);

  // The pack rewritten to match the edit: the row passes, the entry's list does not.
  const std::string after = DigestRows(*conn_, things, "id = 1234").at(0).digest;
  const RecordDigest* pack = nullptr;
  for (const auto& p : packs) pack = p.digest.find(";1234=" + before) != std::string::npos ? &p : pack;
  ASSERT_NE(pack, nullptr);
  std::string text = pack->digest;
  text.replace(text.find(";1234=" + before) + 6, before.size(), after);
  conn_->Execute(conn_->dialect() == store::Dialect::kPostgres ? "DROP TRIGGER audit_records_no_update ON audit_records"
                                                                : "DROP TRIGGER audit_records_no_update");
  auto edit = conn_->Prepare("UPDATE audit_records SET digest = ? WHERE record = ?");
  edit->BindText(1, text);
  edit->BindText(2, pack->record);
  edit->Run();
  v = VerifyRecords(*conn_, tables);
  ASSERT_EQ(v.mismatches.size(), 1u);
  EXPECT_EQ(v.mismatches[0].record, "audit/" + std::to_string(id));
}

// Issue 25 (session 12): a batch's packs are spooled to a temporary file as
// they fill, not held in memory until the entry is written. The entry and
// audit_records come out as they did from the list: the same rows in the
// same order, and the list hash over the packs sorted by name ("*10" before
// "*2"), so entries written either way verify alike.
TEST_F(AuditTest, SpooledPacksAreWrittenAndHashedAsTheListWas) {
  conn_->Execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)");
  conn_->Execute(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12345)"
      " INSERT INTO things (id, name) SELECT i, 'n' || i FROM n");
  const RecordTable things{"things", {"id"}, {"id", "name"}, {}};
  const std::vector<RecordTable> tables = {things};
  AuditEvent e{"thing.import", "things", "", std::nullopt, std::nullopt};
  const RecordPacks spooled = ChangedRecordPacks(*conn_, tables);
  ASSERT_EQ(spooled.size(), 13u);
  std::vector<RecordDigest> held;
  spooled.ForEach([&held](const RecordDigest& d) { held.push_back(d); });
  ASSERT_EQ(held.size(), 13u);
  EXPECT_EQ(held[9].record, "things/*10");
  EXPECT_EQ(held[12].digest.size(), 345u * (5 + 1 + 32 + 1));  // "12345=<32 hex>;"
  EXPECT_EQ(spooled.ListHash(), RecordListHashOf(held));

  const int64_t id = RecordPacked(*conn_, clock_, Caller::LocalOperator(), e, spooled);
  std::map<std::string, std::string> stored;
  {
    auto s = conn_->Prepare("SELECT record, digest FROM audit_records WHERE audit_id = ?");
    s->BindInt(1, id);
    while (s->Step()) stored[s->Text(0)] = s->Text(1);
  }
  ASSERT_EQ(stored.size(), held.size());
  for (const auto& d : held) EXPECT_EQ(stored[d.record], d.digest) << d.record;
  auto entry = conn_->Prepare("SELECT records FROM audit_log WHERE id = ?");
  entry->BindInt(1, id);
  ASSERT_TRUE(entry->Step());
  EXPECT_EQ(entry->Text(0), RecordListHashOf(held));
  entry.reset();
  EXPECT_TRUE(audit().Verify().ok);
  const RecordVerification v = VerifyRecords(*conn_, tables);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.audited, 12345);

  // An entry carries a list or packs, never both.
  AuditEvent both{"thing.import", "things", "", std::nullopt, std::nullopt};
  conn_->Execute("UPDATE things SET name = 'x' WHERE id = 1");
  both.records = DigestRows(*conn_, things, "id = 1");
  EXPECT_ANY_THROW(RecordPacked(*conn_, clock_, Caller::LocalOperator(), both, ChangedRecordPacks(*conn_, tables)));
}

// A batch that fails after its packs were spooled leaves neither the entry
// nor a pack behind: they are written inside the entry's transaction.
TEST_F(AuditTest, ABatchThatFailsLeavesNoPacks) {
  conn_->Execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)");
  conn_->Execute(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)"
      " INSERT INTO things (id, name) SELECT i, 'n' || i FROM n");
  const RecordTable things{"things", {"id"}, {"id", "name"}, {}};
  const std::vector<RecordTable> tables = {things};
  const int64_t entries = conn_->QueryInt("SELECT count(*) FROM audit_log").value_or(-1);
  const int64_t packs = conn_->QueryInt("SELECT count(*) FROM audit_records").value_or(-1);
  {
    store::Transaction tx(*conn_);
    AuditEvent e{"thing.import", "things", "", std::nullopt, std::nullopt};
    RecordPacked(*conn_, clock_, Caller::LocalOperator(), e, ChangedRecordPacks(*conn_, tables));
    EXPECT_EQ(conn_->QueryInt("SELECT count(*) FROM audit_records").value_or(-1), packs + 3);
    // No commit: the batch fails after its entry.
  }
  EXPECT_EQ(conn_->QueryInt("SELECT count(*) FROM audit_records").value_or(-1), packs);
  EXPECT_EQ(conn_->QueryInt("SELECT count(*) FROM audit_log").value_or(-1), entries);
  EXPECT_EQ(ChangedRecordPacks(*conn_, tables).size(), 3u);
}

TEST_F(AuditTest, TriggersForbidUpdateAndDelete) {
  Fill();
  EXPECT_ANY_THROW(conn_->Execute("UPDATE audit_log SET actor_name = 'x' WHERE id = 3"));
  EXPECT_ANY_THROW(conn_->Execute("DELETE FROM audit_log WHERE id = 3"));
  EXPECT_ANY_THROW(conn_->Execute("UPDATE audit_head SET last_id = 5"));
  EXPECT_TRUE(audit().Verify().ok);
}

TEST_F(AuditTest, VerifyFindsAnEditedEntry) {
  Fill();
  DropTriggers();
  conn_->Execute(R"(UPDATE audit_log SET after = '{"income":999}' WHERE id = 4)");
  const AuditVerification v = audit().Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_id, 4);
  EXPECT_NE(v.problem.find("does not match its hash"), std::string::npos) << v.problem;
}

TEST_F(AuditTest, VerifyFindsAnEditedEntryWhoseHashWasRecomputed) {
  Fill();
  DropTriggers();
  // A forger who knows the scheme rewrites entry 4 with a correct hash: entry 5 no longer follows.
  auto s = conn_->Prepare("SELECT hash FROM audit_log WHERE id = 3");
  s->Step();
  const std::string prev = s->Text(0);
  s.reset();
  AuditEntry forged = audit().List(Caller::LocalOperator(), Filter("", 500)).entries[6];
  ASSERT_EQ(forged.id, 4);
  forged.actor_name = "somebody else";
  auto u = conn_->Prepare("UPDATE audit_log SET actor_name = ?, hash = ? WHERE id = 4");
  u->BindText(1, forged.actor_name);
  u->BindText(2, AuditEntryHash(prev, forged));
  u->Run();
  const AuditVerification v = audit().Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_id, 5);
}

TEST_F(AuditTest, VerifyFindsADeletedEntry) {
  Fill();
  DropTriggers();
  conn_->Execute("DELETE FROM audit_log WHERE id = 6");
  const AuditVerification v = audit().Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_id, 6);
  EXPECT_NE(v.problem.find("missing"), std::string::npos) << v.problem;
}

TEST_F(AuditTest, VerifyFindsEntriesCutOffTheEnd) {
  Fill();
  DropTriggers();
  conn_->Execute("DELETE FROM audit_log WHERE id >= 9");
  const AuditVerification v = audit().Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_id, 9);
}

TEST_F(AuditTest, VerifyFindsAnInsertedEntry) {
  Fill();
  DropTriggers();
  // Renumber to make room for an entry between 5 and 6, copying 5's hash.
  conn_->Execute("UPDATE audit_log SET id = id + 100 WHERE id > 5; UPDATE audit_log SET id = id - 99 WHERE id > 100;");
  conn_->Execute(
      "INSERT INTO audit_log (id, at, actor_id, actor_name, action, entity, area_code, before, after, hash) "
      "SELECT 6, at, actor_id, actor_name, 'household.delete', entity, area_code, after, NULL, hash "
      "FROM audit_log WHERE id = 5");
  const AuditVerification v = audit().Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_id, 6);
}

TEST_F(AuditTest, VerifyFindsAnEntryAppendedBehindItsBack) {
  Fill();
  // No trigger forbids INSERT; an entry with a correct hash but not written through Record.
  AuditEntry e;
  e.id = 11;
  e.at = clock_.NowSeconds();
  e.action = "household.delete";
  e.entity = "household/1";
  auto [id, hash] = audit().Head();
  e.hash = AuditEntryHash(hash, e);
  auto s = conn_->Prepare(
      "INSERT INTO audit_log (id, at, actor_id, actor_name, action, entity, area_code, hash) "
      "VALUES (?, ?, 0, '', ?, ?, '', ?)");
  s->BindInt(1, e.id);
  s->BindInt(2, e.at);
  s->BindText(3, e.action);
  s->BindText(4, e.entity);
  s->BindText(5, e.hash);
  s->Run();
  const AuditVerification v = audit().Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_id, 11);
  EXPECT_NE(v.problem.find("inserted"), std::string::npos) << v.problem;
}

TEST_F(AuditTest, ListFiltersPagesAndKeepsToTheAuditorsScope) {
  Fill();
  Audit a = audit();
  const AuditPage all = a.List(Caller::LocalOperator(), Filter("household/1", 2));
  EXPECT_EQ(all.total, 4);  // i = 1, 4, 7, 10
  ASSERT_EQ(all.entries.size(), 2u);
  EXPECT_EQ(all.entries[0].id, 10);  // newest first
  EXPECT_EQ(all.entries[1].id, 7);
  EXPECT_EQ(a.List(Caller::LocalOperator(), Filter("household/", 2)).total, 10);

  const Caller auditor{5, "shen", Role::kAuditor, "430424100"};
  const AuditPage mine = a.List(auditor, Filter("household/1"));
  EXPECT_EQ(mine.total, 2);  // 1 and 7 are in village 430424100201
  const Caller other_auditor{6, "wu", Role::kAuditor, "430424101"};
  EXPECT_EQ(a.List(other_auditor, Filter("household/1")).total, 2);  // 4 and 10

  const Caller county{7, "xian", Role::kCountyOffice, "430424"};
  EXPECT_EQ(CodeOf([&] { a.List(county, AuditFilter{}); }), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf([&] { a.List(auditor, Filter("", 0)); }), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(a.Verify().ok);  // the refusal was recorded in the chain
  EXPECT_EQ(CountAudit("access.denied"), 1);
}

TEST_F(AuditTest, ARecordRolledBackWithItsWriteLeavesTheChainIntact) {
  Fill();
  {
    store::Transaction tx(*conn_);
    audit().Record(Caller::LocalOperator(), AuditEvent{"household.update", "household/1", "430424100201", "{}", "{}"});
    // no commit: the write failed
  }
  audit().Record(Caller::LocalOperator(), AuditEvent{"household.update", "household/2", "430424100201", "{}", "{}"});
  EXPECT_TRUE(audit().Verify().ok);
  EXPECT_EQ(audit().Head().first, 11);
}

}  // namespace
}  // namespace fupin::access
