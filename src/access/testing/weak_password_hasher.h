#pragma once
// A password hasher with libsodium's lowest Argon2id cost (1 pass, 8 KiB) so
// that tests which create many users stay fast. Only in fupin_access_testing;
// never link that library into a program.
#include "access/password.h"

namespace fupin::access::testing {

class WeakPasswordHasher final : public PasswordHasher {
 public:
  WeakPasswordHasher();
};

}  // namespace fupin::access::testing
