#include "core/text.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

TEST(TextTest, TrimRemovesAsciiFullWidthAndNoBreakBlanks) {
  EXPECT_EQ(Trim("  a b\t\r\n"), "a b");
  EXPECT_EQ(Trim("\xE3\x80\x80张三\xE3\x80\x80"), "张三");
  EXPECT_EQ(Trim("\xC2\xA0 x \xC2\xA0"), "x");
  EXPECT_EQ(Trim(" \xE3\x80\x80 "), "");
  EXPECT_EQ(Trim("中 文"), "中 文");
}

TEST(TextTest, LowerChangesOnlyAsciiLetters) {
  EXPECT_EQ(Lower("ABC-xyz 户主"), "abc-xyz 户主");
}

TEST(TextTest, HalfWidthTurnsFullWidthFormsIntoAscii) {
  EXPECT_EQ(HalfWidth("２０１９年"), "2019年");
  EXPECT_EQ(HalfWidth("１，２３４．５０"), "1,234.50");
  EXPECT_EQ(HalfWidth("２０１４／１／１"), "2014/1/1");
  EXPECT_EQ(HalfWidth("ＡＢｚ～"), "ABz~");
  EXPECT_EQ(HalfWidth("a" "\xE3\x80\x80" "b"), "a b");
  EXPECT_EQ(HalfWidth("免学/缓学"), "免学/缓学");  // CJK unchanged
}

}  // namespace
}  // namespace fupin
