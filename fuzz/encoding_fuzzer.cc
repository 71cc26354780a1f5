// libFuzzer target: the encoding detector and converters.
// Checks: valid UTF-8 passes through unchanged; whatever ToUtf8 returns is
// valid UTF-8; UTF-8 -> GB18030 -> UTF-8 gives the text back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "io/encoding.h"

using fupin::io::Encoding;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const Encoding encoding = fupin::io::DetectEncoding(bytes);
    const std::string utf8 = fupin::io::ToUtf8(bytes, encoding);
    if (!fupin::io::IsValidUtf8(utf8)) __builtin_trap();
    if (encoding == Encoding::kUtf8 && utf8 != bytes) __builtin_trap();
    if (encoding != Encoding::kGb18030) {
      const std::string gb = fupin::io::Utf8ToGb18030(utf8);
      if (fupin::io::ToUtf8(gb, Encoding::kGb18030) != utf8) __builtin_trap();
    }
  } catch (const fupin::Error&) {
  }
  return 0;
}
