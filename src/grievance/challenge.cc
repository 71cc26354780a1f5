#include "grievance/challenge.h"

#include <random>

#include <fmt/format.h>

namespace fupin::grievance {
namespace {

std::string Mac(const access::PersonalDataProtector& keys, const std::string& expires, const std::string& nonce,
                const std::string& answer) {
  return keys.BlindIndex(expires + ":" + nonce + ":" + answer, "challenge");
}

}  // namespace

Challenge IssueChallenge(const access::PersonalDataProtector& keys, int64_t now) {
  std::random_device random;
  std::uniform_int_distribution<int> operand(2, 19);
  const int a = operand(random);
  const int b = operand(random);
  const std::string nonce = fmt::format("{:08x}{:08x}", random(), random());
  const int64_t expires = now + kChallengeSeconds;
  Challenge c;
  c.question = fmt::format("{} 加 {} 等于几？", a, b);
  c.expires_at = expires;
  c.token = std::to_string(expires) + "." + nonce + "." + Mac(keys, std::to_string(expires), nonce, std::to_string(a + b));
  return c;
}

std::string CheckChallenge(const access::PersonalDataProtector& keys, const std::string& token,
                           const std::string& answer, int64_t now) {
  const size_t first = token.find('.');
  const size_t second = first == std::string::npos ? std::string::npos : token.find('.', first + 1);
  if (second == std::string::npos) return "is not a challenge token; ask for a new question";
  const std::string expires = token.substr(0, first);
  const std::string nonce = token.substr(first + 1, second - first - 1);
  if (expires.empty() || expires.size() > 12 || expires.find_first_not_of("0123456789") != std::string::npos) {
    return "is not a challenge token; ask for a new question";
  }
  if (std::stoll(expires) < now) return "has expired; ask for a new question";
  std::string digits;
  for (char c : answer) {
    if (c != ' ') digits += c;
  }
  if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return "is not the answer to the question";
  }
  if (Mac(keys, expires, nonce, std::to_string(std::stoi(digits))) != token.substr(second + 1)) {
    return "is not the answer to the question";
  }
  return "";
}

}  // namespace fupin::grievance
