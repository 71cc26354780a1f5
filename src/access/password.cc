#include "access/password.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "access/crypto_util.h"
#include "core/error.h"

namespace fupin::access {

PasswordHasher::PasswordHasher(PasswordCost cost) : cost_(cost) {
  if (cost.opslimit < kMinPasswordCost.opslimit || cost.memlimit < kMinPasswordCost.memlimit) {
    throw Error::InvalidArgument("password hashing cost below the minimum",
                                 {{"password_cost", "at least 2 passes and 19 MiB of memory"}});
  }
}

std::string PasswordHasher::Hash(std::string_view password) const {
  internal::EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.opslimit, cost_.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) const {
  internal::EnsureSodium();
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string h(hash);  // NUL-terminated copy
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

const std::string& PasswordHasher::DummyHash() const {
  std::call_once(dummy_once_, [this] { dummy_hash_ = Hash("fupin dummy password"); });
  return dummy_hash_;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
  internal::EnsureSodium();
  const std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), cost_.opslimit, cost_.memlimit) != 0;
}

namespace {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

// The compiled-in list, lower-cased, built on first use.
const std::unordered_set<std::string>& CommonPasswords() {
  static const std::unordered_set<std::string> kSet = [] {
    std::unordered_set<std::string> set;
    const std::string_view text = internal::CommonPasswordListText();
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty() && !line.starts_with("#!comment:")) set.insert(AsciiLower(line));
      start = end + 1;
    }
    return set;
  }();
  return kSet;
}

}  // namespace

bool IsCommonPassword(std::string_view password) { return CommonPasswords().contains(AsciiLower(password)); }

std::string PasswordProblem(std::string_view password, std::string_view user_name) {
  size_t code_points = 0;
  for (char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++code_points;
  }
  if (code_points < 8) return "must have at least 8 characters";
  if (password.size() > 256) return "must have at most 256 bytes";
  if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); })) {
    return "must not repeat a single character";
  }
  if (!user_name.empty() && AsciiLower(password) == AsciiLower(user_name)) return "must not be the user name";
  // Shown as it is by the web form, so in Chinese.
  if (IsCommonPassword(password)) return "是常见密码，很容易被猜中，请换一个不常见的密码";
  return "";
}

}  // namespace fupin::access
