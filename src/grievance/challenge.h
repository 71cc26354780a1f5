#pragma once
// The simple challenge of the public application form: an arithmetic
// question ("7 加 5 等于几？") with a stateless token, like the CSRF token:
// "<expires>.<nonce>.<mac>", the mac a keyed hash (the personal-data key's
// index subkey, purpose "challenge") of the expiry, the nonce and the answer.
// Any server process on the same database checks it; nothing is stored. It
// stops scripts that do not read the page, not a person: the rate limits of
// the route do the rest (docs/GRIEVANCES.md).
#include <cstdint>
#include <string>

#include "access/personal_data.h"

namespace fupin::grievance {

inline constexpr int64_t kChallengeSeconds = 15 * 60;

struct Challenge {
  std::string question;  // Chinese
  std::string token;
  int64_t expires_at = 0;  // UTC seconds
};

Challenge IssueChallenge(const access::PersonalDataProtector& keys, int64_t now);

// "" when `answer` answers the question of `token` before it expires, else
// the problem in English.
std::string CheckChallenge(const access::PersonalDataProtector& keys, const std::string& token,
                           const std::string& answer, int64_t now);

}  // namespace fupin::grievance
