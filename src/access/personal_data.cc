#include "access/personal_data.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "access/abilities.h"
#include "access/audit.h"
#include "access/crypto_util.h"
#include "access/record_packs.h"
#include "core/error.h"

namespace fupin::access {
namespace {

constexpr uint8_t kBlobVersion = 1;
constexpr size_t kHeaderBytes = 5;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "fupin-pd";
constexpr uint64_t kEncryptionSubkey = 1;
constexpr uint64_t kIndexSubkey = 2;

Error Undecryptable(std::string why) {
  return Error::FailedPrecondition("cannot decrypt a protected value: " + std::move(why));
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

uint32_t ParseKeyId(std::string_view text) {
  if (text.empty() || text.size() > 9) throw Error::InvalidArgument("bad key id");
  uint32_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') throw Error::InvalidArgument("bad key id");
    id = id * 10 + static_cast<uint32_t>(c - '0');
  }
  if (id == 0) throw Error::InvalidArgument("key ids start at 1");
  return id;
}

// Writes `text` to `path` with permissions 0600: a new file (O_EXCL) or,
// with `replace`, a temporary file renamed over it.
void WriteSecretFile(const std::string& path, const std::string& text, bool replace) {
  const std::string target = replace ? path + ".tmp" : path;
  if (replace) std::filesystem::remove(target);
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) throw Error::AlreadyExists("the key file " + target + " exists; it is not overwritten");
    throw Error::FailedPrecondition("cannot create the key file " + target + ": " + std::strerror(errno));
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw Error::FailedPrecondition("cannot write the key file " + target + ": " + std::strerror(errno));
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw Error::FailedPrecondition("cannot sync the key file " + target);
  if (replace && std::rename(target.c_str(), path.c_str()) != 0) {
    throw Error::FailedPrecondition("cannot replace the key file " + path + ": " + std::strerror(errno));
  }
}

KeyRing ReadKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error::NotFound("no key file at " + path + " and FUPIN_KEY is not set; run `fupin init` or set FUPIN_KEY");
  }
  if ((st.st_mode & 077) != 0) {
    throw Error::FailedPrecondition("the key file " + path +
                                    " is readable by group or others; run `chmod 600 " + path + "`");
  }
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  KeyRing ring = KeyRing::Parse(text, path);
  sodium_memzero(text.data(), text.size());
  return ring;
}

}  // namespace

KeyRing::~KeyRing() {
  for (auto& [id, key] : keys_) sodium_memzero(key.data(), key.size());
}

void KeyRing::Add(uint32_t id, std::span<const uint8_t> key) {
  if (id == 0) throw Error::InvalidArgument("key ids start at 1");
  if (key.size() != kMasterKeyBytes) throw Error::InvalidArgument("a key has 32 bytes (64 hex digits)");
  if (keys_.contains(id)) throw Error::InvalidArgument("key " + std::to_string(id) + " appears twice");
  std::array<uint8_t, kMasterKeyBytes> k{};
  std::copy(key.begin(), key.end(), k.begin());
  keys_.emplace(id, k);
  sodium_memzero(k.data(), k.size());
}

uint32_t KeyRing::AddRandom() {
  internal::EnsureSodium();
  const uint32_t id = keys_.empty() ? 1 : keys_.rbegin()->first + 1;
  std::array<uint8_t, kMasterKeyBytes> k{};
  crypto_kdf_keygen(k.data());
  Add(id, k);
  sodium_memzero(k.data(), k.size());
  return id;
}

uint32_t KeyRing::current_id() const {
  if (keys_.empty()) throw Error::FailedPrecondition("no personal-data key");
  return keys_.rbegin()->first;
}

std::vector<uint32_t> KeyRing::ids() const {
  std::vector<uint32_t> out;
  for (const auto& [id, key] : keys_) out.push_back(id);
  return out;
}

const std::array<uint8_t, kMasterKeyBytes>* KeyRing::Find(uint32_t id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

std::string KeyRing::Serialize() const {
  std::string out =
      "# fupin personal-data keys: keep secret and back up apart from the database.\n"
      "# Losing this file loses every encrypted ID number. One key a line: <id> <64 hex>; the highest id is "
      "current.\n";
  for (const auto& [id, key] : keys_) out += std::to_string(id) + " " + internal::ToHex(key) + "\n";
  return out;
}

KeyRing KeyRing::Parse(std::string_view text, std::string_view source_name) {
  KeyRing ring;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string line = Trim(text.substr(pos, end - pos));
    ++line_no;
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = std::string(source_name) + ", line " + std::to_string(line_no);
    const size_t space = line.find_first_of(" \t");
    try {
      if (space == std::string::npos) throw Error::InvalidArgument("expected <id> <64 hex>");
      const uint32_t id = ParseKeyId(line.substr(0, space));
      std::vector<uint8_t> key = internal::FromHex(Trim(line.substr(space + 1)));
      ring.Add(id, key);
      sodium_memzero(key.data(), key.size());
    } catch (const Error& e) {
      throw Error::FailedPrecondition("malformed key file", {{where, e.what()}});
    }
  }
  if (ring.empty()) throw Error::FailedPrecondition("the key file " + std::string(source_name) + " holds no key");
  return ring;
}

KeyRing KeyRing::ParseEnvironment(std::string_view value) {
  KeyRing ring;
  try {
    if (value.find(':') == std::string_view::npos) {
      std::vector<uint8_t> key = internal::FromHex(Trim(value));
      ring.Add(1, key);
      sodium_memzero(key.data(), key.size());
      return ring;
    }
    size_t pos = 0;
    while (pos <= value.size()) {
      const size_t end = std::min(value.find(',', pos), value.size());
      const std::string item = Trim(value.substr(pos, end - pos));
      pos = end + 1;
      if (item.empty()) continue;
      const size_t colon = item.find(':');
      if (colon == std::string::npos) throw Error::InvalidArgument("expected <id>:<64 hex>");
      std::vector<uint8_t> key = internal::FromHex(item.substr(colon + 1));
      ring.Add(ParseKeyId(item.substr(0, colon)), key);
      sodium_memzero(key.data(), key.size());
    }
  } catch (const Error& e) {
    throw Error::FailedPrecondition("FUPIN_KEY is malformed", {{"FUPIN_KEY", e.what()}});
  }
  if (ring.empty()) throw Error::FailedPrecondition("FUPIN_KEY holds no key");
  return ring;
}

std::string DefaultKeyPath(std::string_view database_path) { return std::string(database_path) + ".key"; }

void CreateKeyFile(const std::string& path) {
  KeyRing ring;
  ring.AddRandom();
  std::string text = ring.Serialize();
  WriteSecretFile(path, text, /*replace=*/false);
  sodium_memzero(text.data(), text.size());
}

KeyRing LoadKeys(const std::string& path) {
  if (const char* env = std::getenv("FUPIN_KEY"); env != nullptr && *env != '\0') {
    return KeyRing::ParseEnvironment(env);
  }
  return ReadKeyFile(path);
}

uint32_t AddKeyToFile(const std::string& path) {
  KeyRing ring = ReadKeyFile(path);
  const uint32_t id = ring.AddRandom();
  std::string text = ring.Serialize();
  WriteSecretFile(path, text, /*replace=*/true);
  sodium_memzero(text.data(), text.size());
  return id;
}

PersonalDataProtector::PersonalDataProtector(const KeyRing& keys) {
  internal::EnsureSodium();
  for (uint32_t id : keys.ids()) {
    const auto* master = keys.Find(id);
    Subkeys sub{};
    if (crypto_kdf_derive_from_key(sub.encryption.data(), sub.encryption.size(), kEncryptionSubkey, kKdfContext,
                                   master->data()) != 0 ||
        crypto_kdf_derive_from_key(sub.index.data(), sub.index.size(), kIndexSubkey, kKdfContext,
                                   master->data()) != 0) {
      throw Error::Internal("key derivation failed");
    }
    subkeys_.emplace(id, sub);
    sodium_memzero(&sub, sizeof sub);
  }
  current_id_ = keys.current_id();
}

PersonalDataProtector::~PersonalDataProtector() {
  for (auto& [id, sub] : subkeys_) sodium_memzero(&sub, sizeof sub);
}

std::vector<uint8_t> PersonalDataProtector::Encrypt(std::string_view plaintext) const {
  const Subkeys& key = subkeys_.at(current_id_);
  std::vector<uint8_t> blob(kHeaderBytes + kNonceBytes + plaintext.size() + kTagBytes);
  blob[0] = kBlobVersion;
  for (int i = 0; i < 4; ++i) blob[1 + static_cast<size_t>(i)] = static_cast<uint8_t>(current_id_ >> (24 - 8 * i));
  uint8_t* nonce = blob.data() + kHeaderBytes;
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(blob.data() + kHeaderBytes + kNonceBytes, &written,
                                             reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(),
                                             blob.data(), kHeaderBytes, nullptr, nonce, key.encryption.data());
  return blob;
}

uint32_t PersonalDataProtector::KeyIdOf(std::span<const uint8_t> blob) {
  if (blob.size() < kHeaderBytes + kNonceBytes + kTagBytes || blob[0] != kBlobVersion) {
    throw Undecryptable("not a protected value");
  }
  uint32_t id = 0;
  for (size_t i = 1; i < kHeaderBytes; ++i) id = (id << 8) | blob[i];
  return id;
}

std::string PersonalDataProtector::Decrypt(std::span<const uint8_t> blob) const {
  const uint32_t id = KeyIdOf(blob);
  auto it = subkeys_.find(id);
  if (it == subkeys_.end()) throw Undecryptable("it was encrypted with key " + std::to_string(id) + ", which is not loaded");
  const size_t body = blob.size() - kHeaderBytes - kNonceBytes;
  std::string out(body - kTagBytes, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(out.data()), &len, nullptr,
                                                 blob.data() + kHeaderBytes + kNonceBytes, body, blob.data(),
                                                 kHeaderBytes, blob.data() + kHeaderBytes,
                                                 it->second.encryption.data()) != 0) {
    throw Undecryptable("wrong key, or the value was damaged or altered");
  }
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string PersonalDataProtector::BlindIndex(std::string_view value, std::string_view purpose) const {
  std::vector<uint8_t> data;
  internal::AppendField(data, "fupin-blind-index-v1");
  internal::AppendField(data, purpose);
  internal::AppendField(data, value);
  std::string out = internal::ToHex(internal::Blake2b256(data, subkeys_.at(current_id_).index));
  sodium_memzero(data.data(), data.size());
  return out;
}

RotationReport RotateColumns(store::Connection& connection, const PersonalDataProtector& protector,
                             std::span<const EncryptedColumn> columns) {
  for (const EncryptedColumn& c : columns) {
    for (const std::string* name : {&c.table, &c.cipher_column, &c.key_column}) {
      if (!IsIdentifier(*name)) throw Error::InvalidArgument("not a plain SQL name: " + *name);
    }
    for (const std::string* name : {&c.index_column, &c.key_column2}) {
      if (!name->empty() && !IsIdentifier(*name)) throw Error::InvalidArgument("not a plain SQL name: " + *name);
    }
  }
  RotationReport report;
  store::Transaction tx(connection);
  for (const EncryptedColumn& c : columns) {
    struct Row {
      int64_t key;
      int64_t key2;
      std::vector<uint8_t> cipher;
      std::string index;
    };
    const bool two_keys = !c.key_column2.empty();
    std::vector<Row> rows;
    {
      auto read = connection.Prepare("SELECT " + c.key_column + ", " + (two_keys ? c.key_column2 : c.key_column) +
                                     ", " + c.cipher_column + " FROM " + c.table + " WHERE " + c.cipher_column +
                                     " IS NOT NULL");
      while (read->Step()) rows.push_back(Row{read->Int(0), read->Int(1), read->Blob(2), ""});
    }
    for (Row& row : rows) {
      std::string plain = protector.Decrypt(row.cipher);
      row.cipher = protector.Encrypt(plain);
      if (!c.index_column.empty()) {
        row.index = c.index_purpose == "phone" ? PhoneIndex(protector, plain) : protector.BlindIndex(plain, c.index_purpose);
      }
      sodium_memzero(plain.data(), plain.size());
    }
    std::string sql = "UPDATE " + c.table + " SET " + c.cipher_column + " = ?";
    if (!c.index_column.empty()) sql += ", " + c.index_column + " = ?";
    sql += " WHERE " + c.key_column + " = ?";
    if (two_keys) sql += " AND " + c.key_column2 + " = ?";
    auto write = connection.Prepare(sql);
    for (const Row& row : rows) {
      int i = 1;
      write->BindBlob(i++, row.cipher);
      if (!c.index_column.empty()) write->BindText(i++, row.index);
      write->BindInt(i++, row.key);
      if (two_keys) write->BindInt(i, row.key2);
      write->Run();
    }
    report.per_column[c.table + "." + c.cipher_column] = static_cast<int64_t>(rows.size());
    report.values += static_cast<int64_t>(rows.size());
  }
  tx.Commit();
  return report;
}

std::string MaskPhone(std::string_view phone) {
  size_t digits = 0;
  for (char c : phone) digits += (c >= '0' && c <= '9') ? 1 : 0;
  const size_t keep_front = digits >= 7 ? 3 : 0;
  const size_t keep_back = digits >= 7 ? 4 : std::min<size_t>(2, digits);
  std::string out(phone);
  size_t seen = 0;
  for (char& c : out) {
    if (c < '0' || c > '9') continue;
    if (seen >= keep_front && seen < digits - keep_back) c = '*';
    ++seen;
  }
  return out;
}

std::string NormalizePhone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  const bool plus = phone.find('+') != std::string_view::npos;
  if (plus && digits.size() > 2 && digits.compare(0, 2, "86") == 0) return digits.substr(2);
  if (digits.size() > 4 && digits.compare(0, 4, "0086") == 0) return digits.substr(4);
  return digits;
}

std::string PhoneIndex(const PersonalDataProtector& protector, std::string_view phone) {
  return protector.BlindIndex(NormalizePhone(phone), "phone");
}

ProtectedPhone ProtectPhone(const PersonalDataProtector& protector, std::string_view phone) {
  return {protector.Encrypt(phone), PhoneIndex(protector, phone), MaskPhone(phone)};
}

std::array<store::Value, 3> PhoneValues(const std::optional<std::string>& phone,
                                        const PersonalDataProtector* protector) {
  if (!phone) return {nullptr, nullptr, nullptr};
  ProtectedPhone p = ProtectPhone(protector ? *protector : CurrentProtector(), *phone);
  return {std::move(p.encrypted), std::move(p.index), std::move(p.masked)};
}

void BindPhone(store::Statement& statement, int first, const std::optional<std::string>& phone,
               const PersonalDataProtector* protector) {
  if (!phone) {
    for (int i = 0; i < 3; ++i) statement.BindNull(first + i);
    return;
  }
  const ProtectedPhone p = ProtectPhone(protector ? *protector : CurrentProtector(), *phone);
  statement.BindBlob(first, p.encrypted);
  statement.BindText(first + 1, p.index);
  statement.BindText(first + 2, p.masked);
}

int64_t EncryptPendingPhones(store::Connection& connection, const PersonalDataProtector& protector) {
  const std::string pending = "SELECT table_name FROM pending_phone_encryption ORDER BY table_name";
  if (!connection.QueryInt("SELECT 1 FROM pending_phone_encryption LIMIT 1").has_value()) return 0;
  std::vector<std::string> tables;
  int64_t values = 0;
  {
    store::Transaction tx(connection);
    // Read again under the write lock: two processes starting on one database
    // upgrade it once (PostgreSQL: the rows stay locked until commit).
    auto list = connection.Prepare(connection.dialect() == store::Dialect::kPostgres ? pending + " FOR UPDATE"
                                                                                      : pending);
    while (list->Step()) tables.push_back(list->Text(0));
    list.reset();
    if (tables.empty()) return 0;
    for (const std::string& table : tables) {
      if (!IsIdentifier(table)) throw Error::Internal("pending_phone_encryption names '" + table + "'");
      struct Row {
        int64_t id;
        std::string phone;
      };
      std::vector<Row> rows;
      {
        auto read = connection.Prepare("SELECT id, phone FROM " + table + " WHERE phone IS NOT NULL");
        while (read->Step()) rows.push_back({read->Int(0), read->Text(1)});
      }
      // Dropped first: PostgreSQL keeps a dropped column's values in a row
      // until the row is written again, which the UPDATE below then does.
      connection.Execute("ALTER TABLE " + table + " DROP COLUMN phone");
      auto write = connection.Prepare("UPDATE " + table +
                                      " SET phone_enc = ?1, phone_index = ?2, phone_masked = ?3 WHERE id = ?4");
      for (Row& row : rows) {
        BindPhone(*write, 1, row.phone, &protector);
        write->BindInt(4, row.id);
        write->Run();
        sodium_memzero(row.phone.data(), row.phone.size());
      }
      values += static_cast<int64_t>(rows.size());
      auto done = connection.Prepare("DELETE FROM pending_phone_encryption WHERE table_name = ?");
      done->BindText(1, table);
      done->Run();
    }
    tx.Commit();
  }
  if (connection.dialect() == store::Dialect::kSqlite) {
    // Rows grew and moved: the clear numbers may survive in free space of old
    // pages and in WAL frames until both are rewritten.
    connection.Execute("VACUUM");
    connection.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
  } else {
    // The old row versions hold the clear numbers until the table is rewritten.
    for (const std::string& table : tables) connection.Execute("VACUUM FULL " + table);
  }
  return values;
}

}  // namespace fupin::access

namespace fupin::access {
namespace {

std::shared_ptr<const PersonalDataProtector>& ProcessProtector() {
  static std::shared_ptr<const PersonalDataProtector> protector;
  return protector;
}

}  // namespace

void ConfigureProtector(std::shared_ptr<const PersonalDataProtector> protector) {
  ProcessProtector() = std::move(protector);
}

const PersonalDataProtector& CurrentProtector() {
  const auto& p = ProcessProtector();
  if (!p) throw Error::FailedPrecondition("no key is configured for personal data (see `fupin init`)");
  return *p;
}

std::shared_ptr<const PersonalDataProtector> OpenProtectorFor(const std::string& key_path, bool database_is_empty,
                                                             bool* created) {
  if (created) *created = false;
  const char* env = std::getenv("FUPIN_KEY");
  const bool have_env = env && *env;
  if (!have_env && !std::filesystem::exists(key_path)) {
    if (!database_is_empty) {
      throw Error::FailedPrecondition(
          "the key file " + key_path +
              " is missing: the database holds encrypted ID and phone numbers that only its key reads; a new key "
              "could not read them, so none is made",
          {{"key_file", "restore " + key_path + ", or name the right file with --key-file or FUPIN_KEY_FILE, or "
                        "give the keys in FUPIN_KEY"}});
    }
    CreateKeyFile(key_path);
    if (created) *created = true;
  }
  return std::make_shared<const PersonalDataProtector>(LoadKeys(key_path));
}

}  // namespace fupin::access

namespace fupin::access {

KeyRotation RotateKeys(store::Connection& connection, const Caller& caller, const Clock& clock,
                       const std::string& key_path, std::span<const EncryptedColumn> columns,
                       std::span<const RecordTable> covered, Progress& progress) {
  Audit audit(connection, clock);
  if (caller.role != Role::kAdministrator || !caller.area_scope.empty()) {
    // The keys encrypt the registry's ID numbers.
    Deny(audit, caller,
         {Access::kWrite, Resource::kRegistry, {"", std::nullopt, "keys"},
          "only an administrator of the whole nation rotates keys", std::nullopt});
  }
  KeyRotation result;
  result.key_id = AddKeyToFile(key_path);
  auto protector = std::make_shared<const PersonalDataProtector>(LoadKeys(key_path));
  store::Transaction tx(connection);
  {
    // Column by column inside the one transaction, to report each as it is done.
    ProgressStage stage(progress, "reencrypt", static_cast<int64_t>(columns.size()));
    for (size_t i = 0; i < columns.size(); ++i) {
      const RotationReport part = RotateColumns(connection, *protector, columns.subspan(i, 1));
      result.report.values += part.values;
      for (const auto& [column, count] : part.per_column) result.report.per_column[column] += count;
      stage.Advance();
    }
  }
  AuditEvent event{"keys.rotate", "keys", "", std::nullopt,
                   "{\"key_id\":" + std::to_string(result.key_id) +
                       ",\"values\":" + std::to_string(result.report.values) + "}"};
  RecordPacked(connection, clock, caller, event, ChangedRecordPacks(connection, covered));
  tx.Commit();
  ConfigureProtector(std::move(protector));
  return result;
}

}  // namespace fupin::access
