#include "io/encoding.h"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include "core/error.h"

namespace fupin::io {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct IconvCloser {
  void operator()(iconv_t cd) const { iconv_close(cd); }
};

// One iconv conversion; on an invalid sequence reports the input offset.
struct ConvertResult {
  std::string text;
  bool ok = true;
  size_t bad_offset = 0;
};

ConvertResult Convert(std::string_view in, const char* from, const char* to) {
  iconv_t raw = iconv_open(to, from);
  if (raw == reinterpret_cast<iconv_t>(-1)) {  // NOLINT(performance-no-int-to-ptr): iconv's documented failure value
    throw Error::Internal(std::string("iconv cannot convert from ") + from + " to " + to);
  }
  std::unique_ptr<std::remove_pointer_t<iconv_t>, IconvCloser> cd(raw);
  ConvertResult result;
  result.text.resize(in.size() * 2 + 16);
  // iconv takes non-const pointers but does not write through the input one.
  char* in_ptr = const_cast<char*>(in.data());
  size_t in_left = in.size();
  size_t out_used = 0;
  while (in_left > 0) {
    char* out_ptr = result.text.data() + out_used;
    size_t out_left = result.text.size() - out_used;
    const size_t rc = iconv(cd.get(), &in_ptr, &in_left, &out_ptr, &out_left);
    out_used = result.text.size() - out_left;
    if (rc != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      result.text.resize(result.text.size() * 2);
      continue;
    }
    // EILSEQ (invalid) or EINVAL (truncated at the end).
    result.ok = false;
    result.bad_offset = static_cast<size_t>(in_ptr - in.data());
    break;
  }
  result.text.resize(out_used);
  return result;
}

size_t LineAt(std::string_view bytes, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') ++line;
  }
  return line;
}

}  // namespace

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kUtf8Bom:
      return "utf-8-bom";
    case Encoding::kGb18030:
      return "gb18030";
  }
  return "unknown";
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t min = 0;  // smallest code point of this length (no overlong forms)
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char cc = p[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

Encoding DetectEncoding(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF") ||
      bytes.starts_with(std::string_view("\x00\x00\xFE\xFF", 4))) {
    throw Error::InvalidArgument(
        "the file is in UTF-16 or UTF-32 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or as .xlsx");
  }
  if (bytes.starts_with(kUtf8Bom) && IsValidUtf8(bytes.substr(3))) return Encoding::kUtf8Bom;
  if (IsValidUtf8(bytes)) return Encoding::kUtf8;
  return Encoding::kGb18030;
}

std::string ToUtf8(std::string_view bytes, Encoding encoding, std::string_view source) {
  switch (encoding) {
    case Encoding::kUtf8Bom:
      if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(3);
      return std::string(bytes);
    case Encoding::kUtf8:
      return std::string(bytes);
    case Encoding::kGb18030: {
      ConvertResult r = Convert(bytes, "GB18030", "UTF-8");
      if (!r.ok) {
        const std::string where = source.empty() ? std::string() : std::string(source) + ": ";
        const std::string path = (source.empty() ? std::string("line ") : std::string(source) + ", line ") +
                                 std::to_string(LineAt(bytes, r.bad_offset));
        const std::string problem = "byte " + std::to_string(r.bad_offset) +
                                    " is neither UTF-8 nor GBK/GB18030; save the file as \"CSV UTF-8\"";
        throw Error::InvalidArgument(where + "line " + std::to_string(LineAt(bytes, r.bad_offset)) + ": " + problem,
                                     {ErrorDetail{path, problem}});
      }
      return std::move(r.text);
    }
  }
  return std::string(bytes);
}

std::string Utf8ToGb18030(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) throw Error::InvalidArgument("text to convert to GB18030 is not valid UTF-8");
  ConvertResult r = Convert(utf8, "UTF-8", "GB18030");
  if (!r.ok) throw Error::InvalidArgument("text cannot be converted to GB18030");
  return std::move(r.text);
}

}  // namespace fupin::io
