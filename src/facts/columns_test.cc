#include "facts/columns.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace fupin::facts {
namespace {

constexpr DataVersion kVersion{17, 99};

class ColumnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("fupin_columns_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "f.facts").string();
    ColumnWriter w;
    w.Add("a", std::vector<int32_t>{1, -2, 3});
    w.Add("b", std::vector<int64_t>{1LL << 40});
    w.Add("empty", std::vector<int8_t>{});
    w.Add("c", std::vector<char>{'x', 'y'});
    w.Write(path_, kVersion);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Overwrites one byte at `offset` (from the end when negative).
  void Poke(std::streamoff offset) {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset, offset < 0 ? std::ios::end : std::ios::beg);
    const auto at = f.tellg();
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x5a));
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ColumnsTest, WhatIsWrittenIsReadBack) {
  auto m = MappedColumns::Open(path_, kVersion);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data_version(), kVersion);
  const auto a = m->Get<int32_t>("a");
  EXPECT_EQ(std::vector<int32_t>(a.begin(), a.end()), (std::vector<int32_t>{1, -2, 3}));
  EXPECT_EQ(m->Get<int64_t>("b")[0], 1LL << 40);
  EXPECT_TRUE(m->Get<int8_t>("empty").empty());
  EXPECT_EQ(m->Get<char>("c").size(), 2u);
  EXPECT_THROW((void)m->Get<int64_t>("a"), std::exception);  // another element size
  EXPECT_THROW((void)m->Get<int32_t>("nope"), std::exception);
}

TEST_F(ColumnsTest, AnotherDataVersionIsNotRead) {
  EXPECT_FALSE(MappedColumns::Open(path_, DataVersion{18, 99}));
  EXPECT_FALSE(MappedColumns::Open(path_, DataVersion{17, 98}));
  EXPECT_FALSE(MappedColumns::Open((dir_ / "missing").string(), kVersion));
}

TEST_F(ColumnsTest, AChangedByteInAColumnIsDetected) {
  Poke(-1);  // the last byte of column c
  EXPECT_FALSE(MappedColumns::Open(path_, kVersion));
}

TEST_F(ColumnsTest, AChangedHeaderOrDirectoryIsDetected) {
  Poke(0);  // the magic
  EXPECT_FALSE(MappedColumns::Open(path_, kVersion));
  Poke(0);
  ASSERT_TRUE(MappedColumns::Open(path_, kVersion));
  Poke(40 + 50);  // the element size of the first column, in the directory
  EXPECT_FALSE(MappedColumns::Open(path_, kVersion));
}

TEST_F(ColumnsTest, ATruncatedFileIsDetected) {
  const auto size = std::filesystem::file_size(path_);
  for (auto keep : {size - 1, size / 2, uintmax_t{40}, uintmax_t{10}, uintmax_t{0}}) {
    std::filesystem::resize_file(path_, keep);
    EXPECT_FALSE(MappedColumns::Open(path_, kVersion)) << keep;
  }
}

}  // namespace
}  // namespace fupin::facts
