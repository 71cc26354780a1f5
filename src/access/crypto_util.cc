#include "access/crypto_util.h"

#include <sodium.h>

#include <array>

#include "core/error.h"

namespace fupin::access::internal {

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw Error::Internal("libsodium could not be initialised");
}

std::string ToHex(std::span<const uint8_t> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  size_t len = 0;
  const char* end = nullptr;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, &end) != 0 ||
      end != hex.data() + hex.size()) {
    throw Error::InvalidArgument("not a hex string");
  }
  out.resize(len);
  return out;
}

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::vector<uint8_t> Blake2b256(std::span<const uint8_t> data, std::span<const uint8_t> key) {
  EnsureSodium();
  std::vector<uint8_t> out(crypto_generichash_BYTES);
  if (crypto_generichash(out.data(), out.size(), data.data(), data.size(), key.empty() ? nullptr : key.data(),
                         key.size()) != 0) {
    throw Error::Internal("crypto_generichash failed");
  }
  return out;
}

Blake2b256Stream::Blake2b256Stream() {
  EnsureSodium();
  if (crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES) != 0) {
    throw Error::Internal("crypto_generichash_init failed");
  }
}

void Blake2b256Stream::AddField(std::string_view field) {
  const uint64_t n = field.size();
  std::array<uint8_t, 8> length{};
  for (size_t i = 0; i < length.size(); ++i) length[i] = static_cast<uint8_t>((n >> (56 - 8 * i)) & 0xFF);
  crypto_generichash_update(&state_, length.data(), length.size());
  crypto_generichash_update(&state_, reinterpret_cast<const uint8_t*>(field.data()), field.size());
}

std::vector<uint8_t> Blake2b256Stream::Finish() {
  std::vector<uint8_t> out(crypto_generichash_BYTES);
  if (crypto_generichash_final(&state_, out.data(), out.size()) != 0) throw Error::Internal("crypto_generichash_final failed");
  return out;
}

void AppendField(std::vector<uint8_t>& out, std::string_view field) {
  const uint64_t n = field.size();
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>((n >> shift) & 0xFF));
  out.insert(out.end(), field.begin(), field.end());
}

}  // namespace fupin::access::internal
