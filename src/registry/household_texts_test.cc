#include "registry/household_texts.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "registry/households.h"
#include "registry/registry_json.h"
#include "registry/testing.h"

namespace fupin::registry {
namespace {

using testing::VillageCadre;

// Counts the statements a read prepares; everything else goes to the wrapped connection.
class CountingConnection final : public store::Connection {
 public:
  explicit CountingConnection(std::unique_ptr<store::Connection> inner) : inner_(std::move(inner)) {}
  int prepared = 0;
  store::Dialect dialect() const override { return inner_->dialect(); }
  std::unique_ptr<store::Statement> Prepare(std::string_view sql) override {
    ++prepared;
    return inner_->Prepare(sql);
  }
  void Execute(std::string_view sql) override { inner_->Execute(sql); }
  void SetLockWait(std::chrono::milliseconds wait) override { inner_->SetLockWait(wait); }

 protected:
  void BeginLevel(int /*depth*/) override { open_.push_back(std::make_unique<store::Transaction>(*inner_)); }
  void CommitLevel(int /*depth*/) override {
    open_.back()->Commit();
    open_.pop_back();
  }
  void RollbackLevel(int /*depth*/) override { open_.pop_back(); }

 private:
  std::unique_ptr<store::Connection> inner_;
  std::vector<std::unique_ptr<store::Transaction>> open_;
};

class HouseholdTextsTest : public ::testing::Test {
 protected:
  void SetUp() override { f_.AddAreas(); }
  // What GET /households/{id} sent before texts were kept: read and written afresh.
  std::string Fresh(int64_t id) { return HouseholdJsonText(HouseholdRegistry(f_.db(), f_.clock()).GetHousehold(f_.admin(), id)); }
  testing::RegistryFixture f_;
};

// A repeated read is one primary-key read (the data head) instead of the
// household, its members, events and years.
TEST_F(HouseholdTextsTest, ARepeatedReadRunsOneStatement) {
  const int64_t id = f_.AddHousehold("H1", "430424100200");
  f_.AddPerson(id, "19800101", "head", "张三");
  CountingConnection counting(f_.database().Connect());
  HouseholdRegistry reg(counting, f_.clock());
  HouseholdTexts texts;
  const auto first = reg.GetHouseholdText(f_.admin(), id, texts);
  EXPECT_GE(counting.prepared, 5);
  EXPECT_EQ(first->json, Fresh(id));
  counting.prepared = 0;
  const auto again = reg.GetHouseholdText(f_.admin(), id, texts);
  EXPECT_EQ(counting.prepared, 1);
  EXPECT_EQ(again->json, first->json);
  EXPECT_EQ(again->version, first->version);
  EXPECT_EQ(again.get(), first.get()) << "the kept text itself, not a copy";
  EXPECT_EQ(texts.entries(), 1U);
}

// Any change of a record is seen by the next read: a member's name (which
// leaves the household's version as it was), a yearly fact, a change made on
// another connection (another process on the same database).
TEST_F(HouseholdTextsTest, TheReadAfterAChangeIsTheNewText) {
  const int64_t id = f_.AddHousehold("H1", "430424100200");
  const int64_t person = f_.AddPerson(id, "19800101", "head", "张三");
  HouseholdRegistry reg(f_.db(), f_.clock());
  HouseholdTexts texts;
  const auto before = reg.GetHouseholdText(f_.admin(), id, texts);
  ASSERT_NE(before->json.find("张三"), std::string::npos);

  PersonRegistry persons(f_.db(), f_.clock());
  PersonPatch rename;
  rename.name = "李四";
  persons.UpdatePerson(f_.admin(), person, persons.GetPerson(f_.admin(), person).version, rename);
  const auto renamed = reg.GetHouseholdText(f_.admin(), id, texts);
  EXPECT_EQ(renamed->version, before->version);
  EXPECT_NE(renamed->json.find("李四"), std::string::npos);
  EXPECT_EQ(renamed->json, Fresh(id));

  auto other = f_.database().Connect();
  HouseholdRegistry elsewhere(*other, f_.clock());
  HouseholdPatch patch;
  patch.address = "新地址 1 号";
  elsewhere.UpdateHousehold(f_.admin(), id, renamed->version, patch);
  const auto moved = reg.GetHouseholdText(f_.admin(), id, texts);
  EXPECT_EQ(moved->version, renamed->version + 1);
  EXPECT_NE(moved->json.find("新地址 1 号"), std::string::npos);
  EXPECT_EQ(moved->json, Fresh(id));

  HouseholdYear year;
  year.year = 2019;
  year.wage_income = 1234500;
  reg.SetHouseholdYear(f_.admin(), id, year);
  const auto facts = reg.GetHouseholdText(f_.admin(), id, texts);
  EXPECT_NE(facts->json.find("1234500"), std::string::npos);
  EXPECT_EQ(facts->json, Fresh(id));
}

// A text kept from one caller's read is never another's permission: a cadre
// of another village is refused (and the refusal audited) after the
// administrator's read, a cadre of the household's village gets the same text.
TEST_F(HouseholdTextsTest, EveryReadChecksTheCallersAccess) {
  const int64_t id = f_.AddHousehold("H1", "430424101200");
  f_.AddPerson(id, "19800101", "head", "张三");
  HouseholdRegistry reg(f_.db(), f_.clock());
  HouseholdTexts texts;
  const auto admin = reg.GetHouseholdText(f_.admin(), id, texts);
  const auto refusals = [&] { return *f_.db().QueryInt("SELECT count(*) FROM audit_log WHERE action = 'access.denied'"); };
  const int64_t refused_before = refusals();
  try {
    reg.GetHouseholdText(VillageCadre("430424100200"), id, texts);
    FAIL() << "a cadre of another village read the household";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(refusals(), refused_before + 1);
  EXPECT_EQ(reg.GetHouseholdText(VillageCadre("430424101200"), id, texts)->json, admin->json);
  // Unknown households stay unknown, and nothing is kept for them.
  EXPECT_THROW(reg.GetHouseholdText(f_.admin(), id + 1000, texts), Error);
  EXPECT_EQ(texts.entries(), 1U);
}

// The texts kept stay under the limit; a limit of 0 keeps none (every read
// reads the household); a text of another data head is dropped when found.
TEST(HouseholdTextsLimitTest, KeepsAtMostTheLimit) {
  HouseholdTexts texts(16 * 4096);
  for (int64_t id = 1; id <= 200; ++id) texts.Store(id, 7, "430424100200", {std::string(1000, 'x'), 1});
  EXPECT_LE(texts.bytes(), 16U * 4096U);
  EXPECT_GT(texts.entries(), 16U);
  EXPECT_LT(texts.entries(), 200U);
  texts.Store(500, 7, "430424100200", {"{}", 3});
  ASSERT_TRUE(texts.Find(500, 7));
  EXPECT_EQ(texts.Find(500, 7)->text->version, 3);
  EXPECT_FALSE(texts.Find(500, 8));
  EXPECT_FALSE(texts.Find(500, 7));  // dropped by the look-up at head 8

  HouseholdTexts none(0);
  none.Store(1, 7, "430424100200", {"{}", 1});
  EXPECT_FALSE(none.Find(1, 7));
  EXPECT_EQ(none.entries(), 0U);
}

}  // namespace
}  // namespace fupin::registry
