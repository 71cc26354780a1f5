#include "registry/testing.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "core/id_number.h"
#include "registry/batch.h"
#include "registry/households.h"
#include "access/personal_data.h"
#include "access/schema.h"
#include "registry/schema.h"

namespace fupin::registry::testing {

RegistryFixture::RegistryFixture(std::vector<store::Migration> extra) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "fupin-registry-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  auto migrations = Migrations();
  for (auto& m : access::Migrations()) migrations.push_back(std::move(m));
  for (auto& m : extra) migrations.push_back(std::move(m));
  // FUPIN_TEST_STORE=postgres (set by CTest for the "pg." copies of the
  // tests) runs the service on a fresh PostgreSQL database instead.
  const char* store = std::getenv("FUPIN_TEST_STORE");
  if (store != nullptr && std::string(store) == "postgres" && store::testing::PostgresServerUrl()) {
    pg_ = std::make_unique<store::testing::TestDatabase>(store::testing::Backend::kPostgres);
  }
  database_ = store::OpenDatabase(path(), migrations);
  // A throwaway key for the ID numbers of this fixture.
  access::KeyRing keys;
  keys.AddRandom();
  access::ConfigureProtector(std::make_shared<const access::PersonalDataProtector>(keys));
  connection_ = database_->Connect();
  access::EncryptPendingPhones(*connection_, access::CurrentProtector());
}

RegistryFixture::~RegistryFixture() {
  connection_.reset();
  database_.reset();
  pg_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void RegistryFixture::AddAreas() {
  db().Execute(
      "INSERT INTO areas (code, name, level, parent_code) VALUES"
      " ('43', '湖南省', 1, NULL), ('4304', '衡阳市', 2, '43'), ('430424', '衡东县', 3, '4304'),"
      " ('430424100', '洣水镇', 4, '430424'), ('430424101', '石湾镇', 4, '430424'),"
      " ('430424100200', '甲村', 5, '430424100'), ('430424100201', '乙村', 5, '430424100'),"
      " ('430424101200', '丙村', 5, '430424101'),"
      " ('430426', '祁东县', 3, '4304'), ('430426100', '洪桥街道', 4, '430426'),"
      " ('430426100200', '丁村', 5, '430426100')");
}

int64_t RegistryFixture::AddHousehold(const std::string& number, const std::string& village, int year) {
  HouseholdRegistry reg(db(), clock_);
  HouseholdInput in;
  in.number = number;
  in.village_code = village;
  in.identified_year = year;
  in.attribute = "general";
  in.main_cause = "illness";
  return reg.AddHousehold(admin_, in);
}

int64_t RegistryFixture::AddPerson(int64_t household_id, const std::string& birth, const std::string& relation,
                                   const std::string& name) {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", next_sequence_++ % 1000);
  const std::string first17 = "430424" + birth + seq;
  PersonRegistry reg(db(), clock_);
  PersonInput in;
  in.id_number = first17 + IdCheckCharacter(first17);
  in.name = name;
  in.household_id = household_id;
  in.relation = relation;
  in.start_date = birth.substr(0, 4) + "-" + birth.substr(4, 2) + "-" + birth.substr(6, 2);
  return reg.AddPerson(admin_, in).id;
}

void RegistryFixture::AddEvent(int64_t household_id, const std::string& kind, const std::string& date,
                               const std::string& reason) {
  RegistryBatch batch(db(), access::CurrentProtector(), 0, "test");
  const NewEvent event{household_id, kind, std::stoi(date.substr(0, 4)), date, reason, std::nullopt};
  batch.AppendEvents(std::span<const NewEvent>(&event, 1));
  batch.Finish();
}

}  // namespace fupin::registry::testing
