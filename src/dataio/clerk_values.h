#pragma once
// Cell values as county clerks type them, read once for every import
// (docs/IMPORT_FORMATS.md, "What the readers accept"). Each reader takes the
// cell's text (trimmed or not) and returns the value, or nullopt when the text
// is not such a value; the caller words the problem. Full-width digits and
// punctuation ("２０１９", "，", "．") read as their ASCII forms everywhere.
//
// This is the bottom of the import framework: it depends on core and the
// registry's vocabularies only, so that every module's import (assistance,
// monitoring, policy, assessment, dataio) can use it without a cycle.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/money.h"
#include "registry/vocab.h"

namespace fupin::dataio {

// The text as the readers see it: trimmed, full-width forms made ASCII.
std::string ClerkText(std::string_view text);

// A whole number: "2019", "２０１９", "2019年", "1,234", "3人", "-5".
// A unit suffix (年 人 户 元 亩 个 次 岁) is dropped; thousands separators
// must group three digits.
std::optional<int64_t> ReadInteger(std::string_view text);

// An amount with at most two decimals, in hundredths (fen for yuan, 0.01 mu
// for areas): "1,234.50", "１２３４．５", "1234.5元", "-3". A unit suffix (元 亩) is
// dropped.
std::optional<int64_t> ReadHundredths(std::string_view text);

// Yes or no: 是 √ ✓ 有 1 Y yes true 对 → true; 否 × ✗ 无 0 N no false 不是 → false.
std::optional<bool> ReadYesNo(std::string_view text);

// A date: 2014-01-01, 2014-1-1, 2014/1/1, 2014.1.1, 20140101, 2014年1月1日.
std::optional<Date> ReadDate(std::string_view text);

// One term of a vocabulary: its English name, its Chinese label, or one part
// of a label that combines several ("免学" or "缓学" for "免学/缓学", "务农" for
// "自主创业/务农"). A part shared by two terms matches neither.
std::optional<std::string> ReadTerm(std::span<const registry::CodeTerm> terms, std::string_view text);

}  // namespace fupin::dataio
