#include "core/temp_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "core/error.h"

namespace fupin {
namespace {

// Sets TMPDIR for the scope of a test, and puts back what was there.
class ScopedTmpDir {
 public:
  explicit ScopedTmpDir(const std::string& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpDir() {
    if (old_) {
      setenv("TMPDIR", old_->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
  }
  ScopedTmpDir(const ScopedTmpDir&) = delete;
  ScopedTmpDir& operator=(const ScopedTmpDir&) = delete;

 private:
  std::optional<std::string> old_;
};

class TempFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("fupin_temp_file_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  size_t FilesIn() const {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir_), {}));
  }
  std::filesystem::path dir_;
};

TEST_F(TempFileTest, ANamedFileIsMadeInTmpdirAndRemovedAfterward) {
  const ScopedTmpDir tmp(dir_.string());
  std::string path;
  {
    const TempFile file(".xlsx");
    path = file.path();
    EXPECT_EQ(std::filesystem::path(path).parent_path(), dir_);
    EXPECT_EQ(std::filesystem::path(path).extension(), ".xlsx");
    std::ofstream(path, std::ios::binary) << "表格\n";
    EXPECT_EQ(file.Read(), "表格\n");
    EXPECT_EQ(FilesIn(), 1u);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  const TempFile empty;
  EXPECT_EQ(empty.Read(), "");
  std::filesystem::remove(empty.path());
  EXPECT_THROW(empty.Read(), Error);  // gone: an error, not ""
}

TEST_F(TempFileTest, TheFolderIsTmpdir) {
  const ScopedTmpDir tmp(dir_.string());
  EXPECT_EQ(std::filesystem::path(TempDirectory()), dir_);
}

TEST_F(TempFileTest, AnAnonymousFileIsInTmpdirWithoutAName) {
  const ScopedTmpDir tmp(dir_.string());
  UniqueFile file = AnonymousTempFile();
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(FilesIn(), 0u);  // no name left behind
  // Its descriptor's file lives on the folder's file system: the link /proc gives names the folder.
  const std::string link = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fileno(file.get())));
  EXPECT_EQ(link.rfind(dir_.string() + "/fupin-", 0), 0u) << link;
  ASSERT_GE(std::fputs("packs", file.get()), 0);
  std::rewind(file.get());
  char read[8] = {};
  ASSERT_NE(std::fgets(read, sizeof read, file.get()), nullptr);
  EXPECT_STREQ(read, "packs");
}

TEST_F(TempFileTest, AFolderThatCannotHoldFilesIsNamedInTheError) {
  const ScopedTmpDir tmp((dir_ / "missing").string());
  try {
    AnonymousTempFile();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fupin
