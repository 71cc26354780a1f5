#pragma once
// Text helpers for what people type (spreadsheet cells, command-line values).
// Each exists once, here; every import and module uses these.
#include <string>
#include <string_view>

namespace fupin {

// Without leading and trailing blanks: ASCII space, tab, CR, LF, the
// ideographic space (U+3000, 全角空格) and the no-break space (U+00A0).
std::string Trim(std::string_view text);

// ASCII letters in lower case; every other byte (UTF-8 Chinese) unchanged.
std::string Lower(std::string_view text);

// Full-width forms (U+FF01-U+FF5E: "０-９", "Ａ-Ｚ", "，", "．", "－", "／") as
// their ASCII characters and U+3000 as a space; the rest unchanged. Clerks'
// spreadsheets mix both widths.
std::string HalfWidth(std::string_view text);

}  // namespace fupin
