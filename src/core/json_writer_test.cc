#include "core/json_writer.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace fupin {
namespace {

TEST(JsonWriterTest, WritesCompactDocumentsWithCommasWhereTheyBelong) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a").Int(-9223372036854775807 - 1);
  w.Key("b").BeginArray().EndArray();
  w.Key("c").BeginArray().Int(1).BeginObject().EndObject().BeginObject().Key("x").Null().EndObject().Bool(true).EndArray();
  w.Key("d").OptionalString(std::nullopt).Key("e").OptionalInt(7).Key("f").OptionalBool(false);
  w.EndObject();
  EXPECT_EQ(w.Take(), R"({"a":-9223372036854775808,"b":[],"c":[1,{},{"x":null},true],"d":null,"e":7,"f":false})");
  // The writer starts again empty.
  w.BeginArray().String("x").EndArray();
  EXPECT_EQ(w.Take(), R"(["x"])");
}

TEST(JsonWriterTest, EscapesAsNlohmannDumpDoes) {
  JsonWriter w;
  w.String(std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f", 14) + std::string(1, '\0') + "户主 😀");
  EXPECT_EQ(w.Take(), "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\\u0000户主 😀\"");
}

TEST(JsonWriterTest, RefusesStringsThatAreNotUtf8) {
  for (const char* bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\xe6\x88"}) {
    JsonWriter w;
    EXPECT_THROW(w.String(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace fupin
