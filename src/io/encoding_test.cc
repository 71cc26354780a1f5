#include "io/encoding.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace fupin::io {
namespace {

// "张三,衡东县" in GBK, written out byte by byte so the test does not depend
// on the converter it checks.
const std::string kGbkName = "\xD5\xC5\xC8\xFD,\xBA\xE2\xB6\xAB\xCF\xD8";

TEST(EncodingTest, ValidatesUtf8Strictly) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii, long enough for the fast path"));
  EXPECT_TRUE(IsValidUtf8("张三 衡东县 𠀀"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE5\xBC"));          // truncated
  EXPECT_FALSE(IsValidUtf8(kGbkName));
}

TEST(EncodingTest, DetectsUtf8BomAndGbk) {
  EXPECT_EQ(DetectEncoding("a,b\n"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("张三,1\n"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBF张三"), Encoding::kUtf8Bom);
  EXPECT_EQ(DetectEncoding(kGbkName), Encoding::kGb18030);
  EXPECT_STREQ(EncodingName(Encoding::kGb18030), "gb18030");
}

TEST(EncodingTest, RefusesUtf16WithAHint) {
  try {
    DetectEncoding(std::string("\xFF\xFE" "a\0", 4));
    FAIL() << "UTF-16 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("CSV UTF-8"), std::string::npos);
  }
}

TEST(EncodingTest, ConvertsGbkToUtf8AndBack) {
  EXPECT_EQ(ToUtf8(kGbkName, Encoding::kGb18030), "张三,衡东县");
  EXPECT_EQ(Utf8ToGb18030("张三,衡东县"), kGbkName);
  // A character outside GBK survives through GB18030's four-byte forms.
  EXPECT_EQ(ToUtf8(Utf8ToGb18030("𠀀€"), Encoding::kGb18030), "𠀀€");
  EXPECT_EQ(ToUtf8("\xEF\xBB\xBF" "a", Encoding::kUtf8Bom), "a");
}

TEST(EncodingTest, BadGbkNamesFileAndLine) {
  try {
    ToUtf8("a,b\n\xD5\xC5,\xFF\n", Encoding::kGb18030, "people.csv");
    FAIL() << "invalid bytes accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("people.csv"), std::string::npos) << what;
    EXPECT_NE(what.find("line 2"), std::string::npos) << what;
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].path, "people.csv, line 2");
  }
}

}  // namespace
}  // namespace fupin::io
