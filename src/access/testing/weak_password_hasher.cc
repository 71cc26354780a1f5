#include "access/testing/weak_password_hasher.h"

#include <sodium.h>

namespace fupin::access::testing {

WeakPasswordHasher::WeakPasswordHasher()
    : PasswordHasher(PasswordCost{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN},
                     Unchecked{}) {}

}  // namespace fupin::access::testing
