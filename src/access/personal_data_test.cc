#include "access/personal_data.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "access/testing/fixture.h"

namespace fupin::access {
namespace {

using testing::CodeOf;

constexpr char kId[] = "43042419800101002X";

KeyRing OneKey() {
  KeyRing ring;
  ring.AddRandom();
  return ring;
}

TEST(PersonalDataTest, EncryptionRoundTripsWithAFreshNonceEachTime) {
  PersonalDataProtector p(OneKey());
  const auto a = p.Encrypt(kId);
  const auto b = p.Encrypt(kId);
  EXPECT_NE(a, b);
  EXPECT_EQ(p.Decrypt(a), kId);
  EXPECT_EQ(p.Decrypt(b), kId);
  EXPECT_EQ(PersonalDataProtector::KeyIdOf(a), 1u);
  // The plaintext does not appear in the blob.
  const std::string blob(a.begin(), a.end());
  EXPECT_EQ(blob.find("19800101"), std::string::npos);
  EXPECT_EQ(p.Decrypt(p.Encrypt("")), "");
}

TEST(PersonalDataTest, AWrongKeyOrAnAlteredValueFailsToDecrypt) {
  PersonalDataProtector p(OneKey());
  PersonalDataProtector other(OneKey());
  auto blob = p.Encrypt(kId);
  EXPECT_EQ(CodeOf([&] { other.Decrypt(blob); }), ErrorCode::kFailedPrecondition);
  blob.back() ^= 1;
  EXPECT_EQ(CodeOf([&] { p.Decrypt(blob); }), ErrorCode::kFailedPrecondition);
  auto relabelled = p.Encrypt(kId);
  relabelled[4] = 2;  // claims key 2
  EXPECT_EQ(CodeOf([&] { p.Decrypt(relabelled); }), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf([&] { p.Decrypt(std::vector<uint8_t>{1, 2, 3}); }), ErrorCode::kFailedPrecondition);
}

TEST(PersonalDataTest, BlindIndexIsEqualForEqualValuesAndKeyedAndPurposeBound) {
  const KeyRing ring = OneKey();
  PersonalDataProtector p(ring);
  PersonalDataProtector same(ring);
  PersonalDataProtector other(OneKey());
  EXPECT_EQ(p.BlindIndex(kId), same.BlindIndex(kId));
  EXPECT_EQ(p.BlindIndex(kId).size(), 64u);
  EXPECT_NE(p.BlindIndex(kId), p.BlindIndex("430424198001010038"));
  EXPECT_NE(p.BlindIndex(kId), other.BlindIndex(kId));
  EXPECT_NE(p.BlindIndex("13812345678", "phone"), p.BlindIndex("13812345678", "id_number"));
}

TEST(PersonalDataTest, KeyRingTextRoundTripsAndBadTextIsNamed) {
  KeyRing ring = OneKey();
  ring.AddRandom();
  const KeyRing back = KeyRing::Parse(ring.Serialize(), "test");
  EXPECT_EQ(back.ids(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(back.current_id(), 2u);
  EXPECT_EQ(*back.Find(1), *ring.Find(1));
  try {
    KeyRing::Parse("# keys\n1 abcd\n", "k.key");
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "k.key, line 2");
  }
  const std::string hex(64, 'a');
  EXPECT_EQ(KeyRing::ParseEnvironment(hex).current_id(), 1u);
  EXPECT_EQ(KeyRing::ParseEnvironment("1:" + hex + ",3:" + std::string(64, 'b')).current_id(), 3u);
  EXPECT_EQ(CodeOf([] { KeyRing::ParseEnvironment("xyz"); }), ErrorCode::kFailedPrecondition);
}

class KeyFileTest : public testing::AccessFixture {
 protected:
  KeyFileTest() { unsetenv("FUPIN_KEY"); }
};

TEST_F(KeyFileTest, InitCreatesAPrivateKeyFileAndNeverOverwritesIt) {
  const std::string path = DefaultKeyPath(Path("fupin.db"));
  EXPECT_EQ(path, Path("fupin.db.key"));
  CreateKeyFile(path);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const KeyRing ring = LoadKeys(path);
  EXPECT_EQ(ring.current_id(), 1u);
  EXPECT_EQ(CodeOf([&] { CreateKeyFile(path); }), ErrorCode::kAlreadyExists);
  EXPECT_EQ(*LoadKeys(path).Find(1), *ring.Find(1));

  chmod(path.c_str(), 0644);
  EXPECT_EQ(CodeOf([&] { LoadKeys(path); }), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf([&] { LoadKeys(Path("missing.key")); }), ErrorCode::kNotFound);
}

TEST_F(KeyFileTest, TheEnvironmentWinsOverTheFile) {
  const std::string hex(64, 'c');
  setenv("FUPIN_KEY", hex.c_str(), 1);
  const KeyRing ring = LoadKeys(Path("missing.key"));
  unsetenv("FUPIN_KEY");
  EXPECT_EQ(ring.current_id(), 1u);
  EXPECT_EQ((*ring.Find(1))[0], 0xCC);
}

TEST_F(KeyFileTest, RotationReencryptsEveryValueAndIndexInOneTransaction) {
  const std::string path = Path("fupin.db.key");
  CreateKeyFile(path);
  conn_->Execute(
      store::TranslateSql("CREATE TABLE people (id {{pk}}, id_number_enc {{blob}} NOT NULL, "
                          "id_number_index TEXT NOT NULL UNIQUE, phone_enc {{blob}})",
                          conn_->dialect()));
  const std::vector<std::string> ids = {kId, "430424198001010038", "430424200002020041"};
  {
    PersonalDataProtector p(LoadKeys(path));
    auto ins = conn_->Prepare("INSERT INTO people (id_number_enc, id_number_index, phone_enc) VALUES (?, ?, ?)");
    for (size_t i = 0; i < ids.size(); ++i) {
      ins->BindBlob(1, p.Encrypt(ids[i]));
      ins->BindText(2, p.BlindIndex(ids[i]));
      if (i == 0) {
        ins->BindBlob(3, p.Encrypt("13812345678"));
      } else {
        ins->BindNull(3);
      }
      ins->Run();
    }
  }
  EXPECT_EQ(AddKeyToFile(path), 2u);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  PersonalDataProtector p(LoadKeys(path));
  ASSERT_EQ(p.current_key_id(), 2u);
  const std::vector<EncryptedColumn> columns = {{"people", "id_number_enc", "id", "id_number_index", "id_number", ""},
                                                {"people", "phone_enc", "id", "", "", ""}};
  const RotationReport report = RotateColumns(*conn_, p, columns);
  EXPECT_EQ(report.values, 4);
  EXPECT_EQ(report.per_column.at("people.id_number_enc"), 3);
  EXPECT_EQ(report.per_column.at("people.phone_enc"), 1);

  auto rows = conn_->Prepare("SELECT id_number_enc, id_number_index, phone_enc FROM people ORDER BY id");
  for (size_t i = 0; rows->Step(); ++i) {
    const auto blob = rows->Blob(0);
    EXPECT_EQ(PersonalDataProtector::KeyIdOf(blob), 2u);
    EXPECT_EQ(p.Decrypt(blob), ids[i]);
    EXPECT_EQ(rows->Text(1), p.BlindIndex(ids[i]));
    if (i == 0) {
      EXPECT_EQ(p.Decrypt(rows->Blob(2)), "13812345678");
    }
  }
  rows.reset();
  // The new key alone now reads everything.
  KeyRing only_new;
  only_new.Add(2, *LoadKeys(path).Find(2));
  PersonalDataProtector fresh(only_new);
  auto one = conn_->Prepare("SELECT id_number_enc FROM people WHERE id_number_index = ?");
  one->BindText(1, fresh.BlindIndex("430424198001010038"));
  ASSERT_TRUE(one->Step());
  EXPECT_EQ(fresh.Decrypt(one->Blob(0)), "430424198001010038");
}

TEST_F(KeyFileTest, ARotationThatCannotDecryptChangesNothing) {
  conn_->Execute(store::TranslateSql("CREATE TABLE people (id {{pk}}, id_number_enc {{blob}})", conn_->dialect()));
  PersonalDataProtector a(OneKey());
  PersonalDataProtector b(OneKey());
  auto ins = conn_->Prepare("INSERT INTO people (id_number_enc) VALUES (?)");
  ins->BindBlob(1, a.Encrypt(kId));
  ins->Run();
  ins->BindBlob(1, b.Encrypt(kId));  // encrypted with a key the rotation lacks
  ins->Run();
  ins.reset();
  auto before = conn_->Prepare("SELECT id_number_enc FROM people WHERE id = 1");
  before->Step();
  const auto original = before->Blob(0);
  before.reset();
  const std::vector<EncryptedColumn> columns = {{"people", "id_number_enc", "id", "", "", ""}};
  EXPECT_EQ(CodeOf([&] { RotateColumns(*conn_, a, columns); }), ErrorCode::kFailedPrecondition);
  auto after = conn_->Prepare("SELECT id_number_enc FROM people WHERE id = 1");
  after->Step();
  EXPECT_EQ(after->Blob(0), original);
  const std::vector<EncryptedColumn> bad = {{"people; DROP TABLE x", "id_number_enc", "id", "", "", ""}};
  EXPECT_EQ(CodeOf([&] { RotateColumns(*conn_, a, bad); }), ErrorCode::kInvalidArgument);
}

TEST(MaskPhoneTest, KeepsTheFirstThreeAndLastFourDigits) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("+86 13812345678"), "+86 1******5678");
  EXPECT_EQ(MaskPhone("0734-1234567"), "073*-***4567");
  EXPECT_EQ(MaskPhone("12345"), "***45");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(PhoneIndexTest, TheSameNumberWrittenOtherwiseHasTheSameIndex) {
  EXPECT_EQ(NormalizePhone("138-1234 5678"), "13812345678");
  EXPECT_EQ(NormalizePhone("+86 138 1234 5678"), "13812345678");
  EXPECT_EQ(NormalizePhone("0086 13812345678"), "13812345678");
  EXPECT_EQ(NormalizePhone("0734-1234567"), "07341234567");
  EXPECT_EQ(NormalizePhone("8613812345678"), "8613812345678");  // no '+': not taken as a country code
  KeyRing keys;
  keys.AddRandom();
  const PersonalDataProtector p(keys);
  EXPECT_EQ(PhoneIndex(p, "+86 138-1234-5678"), PhoneIndex(p, "13812345678"));
  EXPECT_NE(PhoneIndex(p, "13812345678"), PhoneIndex(p, "13812345679"));
  // Not the ID-number index of the same digits.
  EXPECT_NE(PhoneIndex(p, "13812345678"), p.BlindIndex("13812345678"));
  const ProtectedPhone stored = ProtectPhone(p, "138-1234-5678");
  EXPECT_EQ(p.Decrypt(stored.encrypted), "138-1234-5678");
  EXPECT_EQ(stored.masked, "138-****-5678");
  EXPECT_EQ(stored.index, PhoneIndex(p, "13812345678"));
}

}  // namespace
}  // namespace fupin::access
