#include "core/temp_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/error.h"

namespace fupin {
namespace {

// A new file from the template <temp folder>/fupin-XXXXXX<suffix>: its
// descriptor, and its name in `path`.
int CreateUnique(const std::string& suffix, std::string& path) {
  const std::filesystem::path dir = TempDirectory();
  path = (dir / ("fupin-XXXXXX" + suffix)).string();
  const int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) {
    throw Error::Internal("cannot create a temporary file in " + dir.string() + ": " +
                          std::error_code(errno, std::generic_category()).message());
  }
  return fd;
}

}  // namespace

std::string TempDirectory() {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) {
    const char* tmpdir = std::getenv("TMPDIR");
    throw Error::Internal("no folder for temporary files (TMPDIR " + std::string(tmpdir ? tmpdir : "not set") +
                          "): " + ec.message());
  }
  return dir.string();
}

TempFile::TempFile(const std::string& suffix) { close(CreateUnique(suffix, path_)); }

TempFile::~TempFile() { std::remove(path_.c_str()); }

std::string TempFile::Read() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw Error::Internal("cannot read the temporary file " + path_);
  std::ostringstream bytes;
  bytes << in.rdbuf();  // an empty file sets failbit on `bytes` only: not an error
  if (in.bad()) throw Error::Internal("cannot read the temporary file " + path_);
  return bytes.str();
}

void FileCloser::operator()(std::FILE* f) const {
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): UniqueFile owns the FILE it closes here
  if (f != nullptr) std::fclose(f);
}

UniqueFile AnonymousTempFile() {
  std::string path;
  const int fd = CreateUnique("", path);
  unlink(path.c_str());
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): the UniqueFile owns the FILE from here
  UniqueFile file(fdopen(fd, "w+b"));
  if (!file) {
    close(fd);
    throw Error::Internal("cannot open a temporary file in " + path.substr(0, path.rfind('/')));
  }
  return file;
}

}  // namespace fupin
