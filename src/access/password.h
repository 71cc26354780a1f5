#pragma once
// Password hashing with Argon2id (libsodium crypto_pwhash_str_alg,
// ALG_ARGON2ID13). The cost can be raised but never set below
// kMinPasswordCost (19 MiB, 2 passes, as OWASP recommends); tests get a cheap
// hasher only from the separate fupin_access_testing library
// (access/testing/weak_password_hasher.h), which production targets do not link.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace fupin::access {

struct PasswordCost {
  uint64_t opslimit = 2;              // passes
  size_t memlimit = 19u * 1024 * 1024;  // bytes
};
inline constexpr PasswordCost kMinPasswordCost{};

class PasswordHasher {
 public:
  // Throws kInvalidArgument if `cost` is below kMinPasswordCost.
  explicit PasswordHasher(PasswordCost cost = kMinPasswordCost);
  virtual ~PasswordHasher() = default;
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // A self-describing string ("$argon2id$v=19$m=...") with a random salt.
  virtual std::string Hash(std::string_view password) const;
  // Whether `password` matches `hash`. False (never a throw) for a malformed hash.
  virtual bool Verify(std::string_view hash, std::string_view password) const;
  // A hash of a fixed secret with this hasher's cost, made on the first call
  // and kept (thread-safe): a login with an unknown name verifies against it,
  // so that it costs one verification like a wrong password does. The
  // server has one hasher for the process, so the hash is made once.
  const std::string& DummyHash() const;
  // Whether `hash` was made with other parameters than this hasher's (then
  // the next successful login stores a new hash).
  bool NeedsRehash(std::string_view hash) const;

  const PasswordCost& cost() const { return cost_; }

 protected:
  struct Unchecked {};
  PasswordHasher(PasswordCost cost, Unchecked) : cost_(cost) {}

 private:
  PasswordCost cost_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;
};

// The rules a new password must meet: at least 8 characters (Unicode code
// points), at most 256 bytes, not all the same character, not the user name,
// and not a common password (IsCommonPassword). Returns the problem, or "" if
// it is acceptable.
std::string PasswordProblem(std::string_view password, std::string_view user_name);

// Whether `password` is on the list of common passwords compiled in from
// Debian's john-data (/usr/share/john/password.lst, about 3,500 entries),
// ignoring ASCII case ("Password1" is "password1").
bool IsCommonPassword(std::string_view password);

namespace internal {
// The list's text as shipped (generated common_passwords.cc).
std::string_view CommonPasswordListText();
}  // namespace internal

}  // namespace fupin::access
