#pragma once
// Internal helpers over libsodium for the access module. Not part of the API.
#include <sodium.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::access::internal {

// Calls sodium_init() once; throws kInternal if libsodium cannot start.
void EnsureSodium();

std::string ToHex(std::span<const uint8_t> bytes);
// Throws kInvalidArgument if `hex` is not an even-length hex string.
std::vector<uint8_t> FromHex(std::string_view hex);

std::span<const uint8_t> Bytes(std::string_view text);

// BLAKE2b with a 32-byte output, keyed when `key` is not empty.
std::vector<uint8_t> Blake2b256(std::span<const uint8_t> data, std::span<const uint8_t> key = {});

// BLAKE2b-256 over fields fed one at a time, encoded as AppendField does: the
// same hash as Blake2b256 over the appended buffer, without the buffer.
class Blake2b256Stream {
 public:
  Blake2b256Stream();
  void AddField(std::string_view field);
  std::vector<uint8_t> Finish();

 private:
  crypto_generichash_state state_{};
};

// Appends `field` to `out` preceded by its length as 8 bytes big-endian, so
// that no two different field lists encode alike.
void AppendField(std::vector<uint8_t>& out, std::string_view field);

}  // namespace fupin::access::internal
