#pragma once
// Temporary files, in one place: in the folder TMPDIR names (else /tmp), as
// std::filesystem::temp_directory_path gives it, so that an installation can
// put large spools (a national batch's audit packs, exports) on a disk with
// room. Both kinds are private to the process (mode 0600, unique names).
#include <cstdio>
#include <memory>
#include <string>

namespace fupin {

// A named temporary file (created empty), removed when this goes out of
// scope. `suffix` (".xlsx") ends the name. Throws Error::Internal naming the
// folder when it cannot be created.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix = "");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  // The file's whole content; Error::Internal naming it when it cannot be read.
  std::string Read() const;

 private:
  std::string path_;
};

// The folder temporary files go in (TMPDIR, else /tmp), for a library that
// makes its own (libxlsxwriter's `tmpdir` option). Throws Error::Internal
// naming TMPDIR when it is not a folder.
std::string TempDirectory();

struct FileCloser {
  void operator()(std::FILE* f) const;
};
using UniqueFile = std::unique_ptr<std::FILE, FileCloser>;

// An unnamed temporary file open for reading and writing: its name is
// removed at once, so it is gone when closed or when the process ends (as
// std::tmpfile, which ignores TMPDIR). Throws Error::Internal naming the
// folder when it cannot be created.
UniqueFile AnonymousTempFile();

}  // namespace fupin
