#include "core/csv.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace fupin {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text) {
  CsvReader reader(text);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  while (reader.Next(fields)) rows.push_back(fields);
  return rows;
}

TEST(CsvTest, ReadsPlainAndQuotedFields) {
  auto rows = ReadAll("\xEF\xBB\xBF" "code,name\r\n430424,\"衡东县\"\n1,\"a,\"\"b\"\"\nc\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"code", "name"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"430424", "衡东县"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"1", "a,\"b\"\nc"}));
}

TEST(CsvTest, KeepsEmptyFieldsAndSkipsEmptyLines) {
  auto rows = ReadAll("a,,c,\n\n\nx");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "", "c", ""}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x"}));
}

TEST(CsvTest, TracksLines) {
  CsvReader reader("a\n\"b\nb\"\nc\n");
  std::vector<std::string> f;
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(reader.record_line(), 1u);
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(reader.record_line(), 2u);
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(reader.record_line(), 4u);
}

TEST(CsvTest, RefusesBrokenQuotes) {
  EXPECT_THROW(ReadAll("a,\"b\n"), Error);
  EXPECT_THROW(ReadAll("a,b\"c\n"), Error);
  EXPECT_THROW(ReadAll("a,\"b\"c\n"), Error);
}

}  // namespace
}  // namespace fupin
