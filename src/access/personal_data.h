#pragma once
// Protection of personal data at rest: ID numbers (and phone numbers, if a
// module chooses) are stored encrypted, with a keyed blind index for exact
// lookup and duplicate detection, and shown masked. See docs/PERSONAL_DATA.md.
//
// Keys. A key ring holds numbered 256-bit master keys; the highest number is
// the current one. From each master key two subkeys are derived
// (crypto_kdf): one encrypts, one computes blind indexes, so the two uses
// never share a key. Keys come from FUPIN_KEY in the environment if it is set
// ("<64 hex>" for key 1, or "<id>:<64 hex>,<id>:<64 hex>..."), otherwise from
// the key file (lines "<id> <64 hex>", '#' comments), which must not be
// readable by group or others.
//
// Ciphertext layout (a BLOB): version byte 1 | key id (4 bytes, big-endian) |
// 24-byte random nonce | XChaCha20-Poly1305 ciphertext and tag. The first 5
// bytes are authenticated as associated data, so the key id cannot be
// swapped.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "access/records.h"
#include "core/caller.h"
#include "core/date.h"
#include "core/progress.h"
#include "store/database.h"

namespace fupin::access {

inline constexpr size_t kMasterKeyBytes = 32;

class KeyRing {
 public:
  KeyRing() = default;
  KeyRing(const KeyRing& other) = default;
  KeyRing& operator=(const KeyRing& other) = default;
  ~KeyRing();  // wipes the keys from memory

  // Adds key `id` (>= 1). kInvalidArgument for a wrong size or a repeated id.
  void Add(uint32_t id, std::span<const uint8_t> key);
  // Adds a fresh random key numbered one above the highest and returns its id.
  uint32_t AddRandom();
  bool empty() const { return keys_.empty(); }
  uint32_t current_id() const;  // kFailedPrecondition when empty
  std::vector<uint32_t> ids() const;
  // nullptr when there is no key with that id.
  const std::array<uint8_t, kMasterKeyBytes>* Find(uint32_t id) const;

  // The key file's text form and back. Parse names the bad line in its error.
  std::string Serialize() const;
  static KeyRing Parse(std::string_view text, std::string_view source_name);
  // The FUPIN_KEY form.
  static KeyRing ParseEnvironment(std::string_view value);

 private:
  std::map<uint32_t, std::array<uint8_t, kMasterKeyBytes>> keys_;
};

// "<database path>.key".
std::string DefaultKeyPath(std::string_view database_path);

// Creates a key file with one fresh key (id 1), permissions 0600, refusing
// (kAlreadyExists) to overwrite an existing file. For `fupin init`.
void CreateKeyFile(const std::string& path);

// The keys to use: FUPIN_KEY if set, else the key file at `path`.
// kNotFound if neither exists; kFailedPrecondition if the file is readable by
// group or others, or is malformed.
KeyRing LoadKeys(const std::string& path);

// Adds a fresh key to the key file (keeping the old ones, which decrypt
// values not yet re-encrypted and old backups) and returns its id. The file
// is rewritten atomically with permissions 0600. For `fupin keys rotate`,
// followed by RotateColumns().
uint32_t AddKeyToFile(const std::string& path);

class PersonalDataProtector {
 public:
  explicit PersonalDataProtector(const KeyRing& keys);
  ~PersonalDataProtector();
  PersonalDataProtector(const PersonalDataProtector&) = delete;
  PersonalDataProtector& operator=(const PersonalDataProtector&) = delete;

  // Encrypts with the current key and a fresh random nonce: the same value
  // encrypts differently every time (use BlindIndex to compare).
  std::vector<uint8_t> Encrypt(std::string_view plaintext) const;
  // kFailedPrecondition if the blob is malformed, names a key the ring lacks,
  // or does not authenticate (wrong key, damaged or altered value).
  std::string Decrypt(std::span<const uint8_t> blob) const;
  // The key id a blob was encrypted with (kFailedPrecondition if malformed).
  static uint32_t KeyIdOf(std::span<const uint8_t> blob);

  // A keyed hash (hex, 64 characters) of `value` for exact lookup and unique
  // constraints. `purpose` separates kinds of values ("id_number", "phone"):
  // the same text gives different indexes for different purposes. Callers
  // normalise first (CheckIdNumber gives the canonical ID number text).
  std::string BlindIndex(std::string_view value, std::string_view purpose = "id_number") const;

  uint32_t current_key_id() const { return current_id_; }

 private:
  struct Subkeys {
    std::array<uint8_t, 32> encryption;
    std::array<uint8_t, 32> index;
  };
  std::map<uint32_t, Subkeys> subkeys_;
  uint32_t current_id_ = 0;
};

// One encrypted column to re-encrypt: `table`.`cipher_column` (BLOB,
// NULL allowed), rows named by `key_column`; when `index_column` is set it is
// recomputed with the current index key (with `index_purpose`); rows named by
// two columns (`key_column`, `key_column2`) when the table has no id. Names must be
// plain SQL identifiers ([a-z_][a-z0-9_]*), checked before use.
struct EncryptedColumn {
  std::string table;
  std::string cipher_column;
  std::string key_column = "id";
  std::string index_column;  // "" if the column has no blind index
  std::string index_purpose = "id_number";  // "phone": the index is PhoneIndex of the value
  std::string key_column2;   // "" or the second column of a two-column key (e.g. import_id, row_number)
};

struct RotationReport {
  int64_t values = 0;  // values re-encrypted over all columns
  std::map<std::string, int64_t> per_column;  // "persons.id_number_enc" -> count
};

// Re-encrypts every value of the given columns with the current key (and
// recomputes their blind indexes) in one transaction: all of it or, on any
// failure (a value that does not decrypt), none of it. Set-based: one read
// per column, then the writes.
RotationReport RotateColumns(store::Connection& connection, const PersonalDataProtector& protector,
                             std::span<const EncryptedColumn> columns);

// "138****5678": the first 3 and last 4 digits of a phone number kept; a
// shorter number keeps only its last 2; non-digits (spaces, '-', '+') are
// kept in place. "" stays "".
std::string MaskPhone(std::string_view phone);

// Phone numbers at rest (persons, households, cadres): stored in three
// columns `phone_enc` (Encrypt of the number as entered), `phone_index`
// (PhoneIndex, for exact search) and `phone_masked` (MaskPhone, for lists),
// all NULL when there is no number. Every write path — one row or a batch —
// takes the values from ProtectPhone, so they are made one way.
inline constexpr std::string_view kPhoneColumns = "phone_enc, phone_index, phone_masked";

// The digits of a phone number, without separators ('-', spaces) and without
// a leading "+86" / "0086" country code: "+86 138-1234-5678" -> "13812345678".
std::string NormalizePhone(std::string_view phone);
// BlindIndex(NormalizePhone(phone), "phone"): the same number written with or
// without separators has the same index.
std::string PhoneIndex(const PersonalDataProtector& protector, std::string_view phone);

struct ProtectedPhone {
  std::vector<uint8_t> encrypted;
  std::string index;
  std::string masked;
};
ProtectedPhone ProtectPhone(const PersonalDataProtector& protector, std::string_view phone);

// The three values of kPhoneColumns for `phone` (three NULLs for none), for a
// BulkInsert row or a staging table. `protector` nullptr: the process's
// (CurrentProtector), looked up only when there is a number.
std::array<store::Value, 3> PhoneValues(const std::optional<std::string>& phone,
                                        const PersonalDataProtector* protector = nullptr);
// Binds the three values of kPhoneColumns to parameters first, first+1, first+2.
void BindPhone(store::Statement& statement, int first, const std::optional<std::string>& phone,
               const PersonalDataProtector* protector = nullptr);

// The upgrade step of registry migration 152 and assistance migration 501,
// which SQL cannot do: encrypts the values of each clear `phone` column listed
// in pending_phone_encryption into kPhoneColumns, drops the clear column and
// empties the list, in one transaction (a value that fails leaves everything
// as it was). On SQLite it then rewrites the file (VACUUM) and empties the WAL,
// so no free page or old frame keeps a clear number. Returns the number of
// values encrypted; with nothing pending it returns 0 at once (one read).
int64_t EncryptPendingPhones(store::Connection& connection, const PersonalDataProtector& protector);

}  // namespace fupin::access

namespace fupin::access {

// The protector of this process. Personal data is protected with the keys of
// the database the process works on, so it is configured once at start-up
// (the CLI and `fupin serve` call OpenProtectorFor) and used by every service
// through CurrentProtector(); tests configure a throwaway key ring.
void ConfigureProtector(std::shared_ptr<const PersonalDataProtector> protector);
// kFailedPrecondition when none is configured.
const PersonalDataProtector& CurrentProtector();

// The keys for a database: FUPIN_KEY if set, else the key file at
// `key_path`. When neither exists and the database holds no protected value
// yet (`database_is_empty`), a new key file is created (0600) and `created`
// is set; when the database already holds values, a missing key is an error
// (a new key could neither read them nor detect duplicates).
std::shared_ptr<const PersonalDataProtector> OpenProtectorFor(const std::string& key_path, bool database_is_empty,
                                                             bool* created = nullptr);

}  // namespace fupin::access

namespace fupin::access {

struct KeyRotation {
  uint32_t key_id = 0;
  RotationReport report;
};

// `fupin keys rotate`: an administrator of the whole nation adds a fresh key to
// the key file, makes it the process's current key, and re-encrypts the given
// columns with it in one transaction; the rotation is audited.
// `covered`: the tables the audit covers (access/records.h); the rows whose
// ciphertexts changed are recorded with their new digests in the entry.
KeyRotation RotateKeys(store::Connection& connection, const Caller& caller, const Clock& clock,
                       const std::string& key_path, std::span<const EncryptedColumn> columns,
                       std::span<const RecordTable> covered = {}, Progress& progress = NoProgress());

}  // namespace fupin::access
