#include "registry/batch.h"

#include <gtest/gtest.h>

#include "access/personal_data.h"
#include "core/error.h"
#include "core/id_number.h"
#include "registry/households.h"
#include "registry/status.h"
#include "registry/testing.h"

namespace fupin::registry {
namespace {

std::string IdNumber(const std::string& birth, int sequence) {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", sequence);
  const std::string first17 = "430424" + birth + seq;
  return first17 + IdCheckCharacter(first17);
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override { f_.AddAreas(); }
  RegistryBatch Batch() { return RegistryBatch(f_.db(), access::CurrentProtector(), f_.clock().NowSeconds(), "batch"); }
  testing::RegistryFixture f_;
};

const std::vector<std::string> kHouseholdFields = {"village_code", "attribute", "main_cause"};
const std::vector<std::string> kPersonFields = {"name"};

TEST_F(BatchTest, HouseholdsAndPersonsAreStoredAsTheRegistryStoresThem) {
  store::Transaction tx(f_.db());
  auto batch = Batch();
  std::vector<NewHousehold> hs(2);
  hs[0].number = "B1";
  hs[0].identified_year = 2016;
  hs[0].identified_reason = "批量建档";
  hs[0].values = {std::string("430424100200"), std::string("dibao"), std::string("illness")};
  hs[1].number = "B2";  // never registered as poor: no event
  hs[1].values = {std::string("430424100201"), std::string("none"), std::string("none")};
  const auto households = batch.AddHouseholds(kHouseholdFields, hs);
  ASSERT_EQ(households.size(), 2u);
  const std::string number = IdNumber("19800101", 12);
  std::vector<NewPerson> ps = {{std::nullopt, number, std::nullopt, {std::string("王五")}}};
  const auto persons = batch.AddPersons(kPersonFields, ps);
  batch.OpenMemberships(std::vector<NewMembership>{{persons[0], households[0], "head", "2016-01-01", {}, {}}});
  tx.Commit();

  HouseholdRegistry reg(f_.db(), f_.clock());
  const Household h = reg.GetHousehold(f_.admin(), households[0]);
  EXPECT_EQ(h.number, "B1");
  EXPECT_EQ(h.attribute, "dibao");
  EXPECT_EQ(h.status, "poor");
  EXPECT_EQ(h.version, 1);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].kind, "identified");
  EXPECT_EQ(h.events[0].date, "2016-01-01");
  EXPECT_EQ(h.events[0].reason, "批量建档");
  EXPECT_EQ(h.events[0].actor, "batch");
  ASSERT_EQ(h.members.size(), 1u);
  EXPECT_EQ(h.members[0].id_number, MaskIdNumber(number));
  EXPECT_EQ(h.members[0].birth_date, "1980-01-01");
  EXPECT_EQ(h.members[0].sex, "female");  // read from the number: its 17th digit (2) is even
  EXPECT_EQ(reg.GetHousehold(f_.admin(), households[1]).status, "unregistered");
  // The ID number is found through the blind index, and stored only encrypted.
  const auto found = LookupPersonsByIdNumber(f_.db(), access::CurrentProtector(), std::vector<std::string>{number});
  ASSERT_TRUE(found[0].has_value());
  EXPECT_EQ(*found[0], persons[0]);
  auto s = f_.db().Prepare("SELECT count(*) FROM persons WHERE id_number_masked = ? AND id_number_index <> ?");
  s->BindText(1, MaskIdNumber(number));
  s->BindText(2, number);
  s->Step();
  EXPECT_EQ(s->Int(0), 1);
  EXPECT_EQ(PersonRegistry(f_.db(), f_.clock()).RevealIdNumber(f_.admin(), persons[0]), number);
}

TEST_F(BatchTest, UpdatesBumpTheVersionAndYearsAreReplacedInTheGivenFields) {
  const int64_t id = f_.AddHousehold("H1", "430424100200", 2014);
  auto batch = Batch();
  batch.UpdateHouseholds(std::vector<std::string>{"address"}, std::vector<RowUpdate>{{id, {std::string("东街1号")}}});
  batch.WriteHouseholdYears(std::vector<std::string>{"members", "transfer_income"},
                            std::vector<YearRow>{{id, 2016, std::nullopt, {int64_t{3}, int64_t{500000}}}}, true);
  batch.WriteHouseholdYears(std::vector<std::string>{"members", "wage_income"},
                            std::vector<YearRow>{{id, 2016, std::nullopt, {int64_t{3}, int64_t{600000}}}}, true);
  const Household h = HouseholdRegistry(f_.db(), f_.clock()).GetHousehold(f_.admin(), id);
  EXPECT_EQ(h.address, "东街1号");
  EXPECT_EQ(h.version, 2);
  ASSERT_EQ(h.years.size(), 1u);
  EXPECT_EQ(h.years[0].members, 3);
  EXPECT_EQ(h.years[0].transfer_income, 500000);  // kept: not in the second call's fields
  EXPECT_EQ(h.years[0].wage_income, 600000);
}

TEST_F(BatchTest, AFieldTheRegistryOwnsIsRefused) {
  auto batch = Batch();
  std::vector<NewHousehold> hs(1);
  hs[0].number = "X";
  hs[0].values = {int64_t{9}};
  EXPECT_THROW(batch.AddHouseholds(std::vector<std::string>{"version"}, hs), Error);
  EXPECT_THROW(batch.UpdatePersons(std::vector<std::string>{"id_number_index"},
                                   std::vector<RowUpdate>{{1, {std::string("x")}}}),
               Error);
}

TEST_F(BatchTest, StatusOnADateIsTheLatestEventUpToIt) {
  const int64_t a = f_.AddHousehold("A", "430424100200", 2014);
  const int64_t b = f_.AddHousehold("B", "430426100200", 2015);
  auto batch = Batch();
  batch.AppendEvents(std::vector<NewEvent>{{a, "exited", 2016, "2016-11-01", "", std::nullopt},
                                           {a, "returned", 2018, "2018-03-01", "", std::nullopt}});
  const auto in2016 = StatusesOn(f_.db(), "430424", YearEnd(2016));
  ASSERT_EQ(in2016.size(), 1u);  // B is in another county
  EXPECT_EQ(in2016.at(a).status, "exited");
  EXPECT_EQ(in2016.at(a).village_code, "430424100200");
  EXPECT_EQ(StatusesOn(f_.db(), "", "2018-12-31").at(a).status, "poor");
  EXPECT_EQ(StatusesOn(f_.db(), "", "2014-12-31").count(b), 0u);  // no event yet
  // The SQL form gives the same answers.
  auto s = f_.db().Prepare("SELECT " + StatusOnSql("?1", "?2") + ", " + StatusOnSql("?1"));
  s->BindInt(1, a);
  s->BindText(2, YearEnd(2016));
  ASSERT_TRUE(s->Step());
  EXPECT_EQ(s->Text(0), "exited");
  EXPECT_EQ(s->Text(1), "poor");
  s->Reset();
  s->BindInt(1, b);
  s->BindText(2, "2014-12-31");
  ASSERT_TRUE(s->Step());
  EXPECT_TRUE(s->IsNull(0));
}

}  // namespace
}  // namespace fupin::registry
