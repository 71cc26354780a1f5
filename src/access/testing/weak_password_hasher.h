#pragma once
// A password hasher with libsodium's lowest Argon2id cost (1 pass, 8 KiB) so
// that tests which create many users stay fast. Only in fupin_access_testing;
// never link that library into a program.
#include <string>
#include <string_view>

#include "access/password.h"

namespace fupin::access::testing {

class WeakPasswordHasher : public PasswordHasher {
 public:
  WeakPasswordHasher();
};

// A WeakPasswordHasher that counts its hashes and verifications, so that a
// test can tell how much work a login did without looking at the clock.
class CountingPasswordHasher final : public WeakPasswordHasher {
 public:
  std::string Hash(std::string_view password) const override {
    ++hashes;
    return WeakPasswordHasher::Hash(password);
  }
  bool Verify(std::string_view hash, std::string_view password) const override {
    ++verifications;
    return WeakPasswordHasher::Verify(hash, password);
  }
  mutable int hashes = 0;
  mutable int verifications = 0;
};

}  // namespace fupin::access::testing
