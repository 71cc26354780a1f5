#pragma once
// Text encodings of files that county offices send: UTF-8 (with or without a
// byte order mark, as Excel's "CSV UTF-8" writes it) and GBK, which Chinese
// Excel and WPS write for plain "CSV". GB18030 is a superset of GBK and
// GB2312, so every GBK file is decoded as GB18030.
#include <cstddef>
#include <string>
#include <string_view>

namespace fupin::io {

enum class Encoding {
  kUtf8,      // valid UTF-8 without a byte order mark (plain ASCII included)
  kUtf8Bom,   // valid UTF-8 after the byte order mark EF BB BF
  kGb18030,   // anything that is not valid UTF-8
};

// Stable lower-case name: "utf-8", "utf-8-bom", "gb18030".
const char* EncodingName(Encoding encoding);

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF, no truncated sequence at the end).
bool IsValidUtf8(std::string_view text);

// Decides the encoding of a file's bytes: a UTF-8 byte order mark or valid
// UTF-8 means UTF-8; anything else is taken as GB18030. A UTF-16 or UTF-32
// byte order mark throws fupin::Error (invalid_argument) saying how to save
// the file instead. Never fails otherwise.
Encoding DetectEncoding(std::string_view bytes);

// Returns the text as UTF-8 without a byte order mark. For kGb18030 the bytes
// are converted with iconv; an invalid or truncated byte sequence throws
// fupin::Error (invalid_argument) naming the byte offset and line, prefixed by
// `source` (a file name) when it is not empty.
std::string ToUtf8(std::string_view bytes, Encoding encoding, std::string_view source = {});

// Converts UTF-8 text to GB18030 (for writing files that older software
// expects, and for tests). Throws fupin::Error on invalid UTF-8.
std::string Utf8ToGb18030(std::string_view utf8);

}  // namespace fupin::io
