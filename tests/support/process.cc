#include "support/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/id_number.h"

extern char** environ;

namespace fupin::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<char*> Argv(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string FupinBinary() {
  const char* env = std::getenv("FUPIN_BINARY");
  return env && *env ? env : FUPIN_TEST_BINARY;
}

std::string SourceDir() {
  const char* env = std::getenv("FUPIN_SOURCE_DIR");
  return env && *env ? env : FUPIN_TEST_SOURCE_DIR;
}

ProcessResult RunProcess(const std::string& binary, const std::vector<std::string>& args, const std::string& input) {
  TempDir io;
  const std::string in_path = io.File("in"), out_path = io.File("out"), err_path = io.File("err");
  WriteText(in_path, input);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  auto argv = Argv(binary, args);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary);
  int status = 0;
  waitpid(pid, &status, 0);
  return {ExitCode(status), Slurp(out_path), Slurp(err_path)};
}

ProcessResult RunFupin(const std::string& db, const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> all = {"--db", db};
  all.insert(all.end(), args.begin(), args.end());
  return RunProcess(FupinBinary(), all, input);
}

ProcessResult AddUser(const std::string& db, const std::string& name, const std::string& role, const std::string& area,
                      const std::string& password) {
  std::vector<std::string> args = {"user", "add", name, "--role", role};
  if (!area.empty()) {
    args.push_back("--area");
    args.push_back(area);
  }
  return RunFupin(db, args, password + "\n");
}

pid_t Start(const std::string& binary, const std::vector<std::string>& args) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  auto argv = Argv(binary, args);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary);
  return pid;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "fupin-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

void WriteAreaFixture(const std::string& dir, int townships, int villages_per_township) {
  WriteText(dir + "/provinces.csv", "code,name\n43,\"湖南省\"\n");
  WriteText(dir + "/cities.csv", "code,name,provinceCode\n4304,\"衡阳市\",43\n");
  WriteText(dir + "/areas.csv", "code,name,cityCode,provinceCode\n430424,\"衡东县\",4304,43\n");
  std::string streets = "code,name,areaCode,provinceCode,cityCode\n";
  std::string villages = "code,name,streetCode,provinceCode,cityCode,areaCode\n";
  char code[32];
  for (int t = 0; t < townships; ++t) {
    std::snprintf(code, sizeof code, "430424%03d", 100 + t);
    const std::string town = code;
    streets += town + ",\"镇" + std::to_string(t) + "\",430424,43,4304\n";
    for (int v = 0; v < villages_per_township; ++v) {
      std::snprintf(code, sizeof code, "%s%03d", town.c_str(), 200 + v % 800);
      std::string village = code;
      if (v >= 800) {
        // More than 800 villages: spill into the 001-199 community range.
        std::snprintf(code, sizeof code, "%s%03d", town.c_str(), 1 + (v - 800) % 199);
        village = code;
      }
      villages += village + ",\"村" + std::to_string(t) + "-" + std::to_string(v) + "\"," + town + ",43,4304,430424\n";
    }
  }
  WriteText(dir + "/streets.csv", streets);
  WriteText(dir + "/villages.csv", villages);
}

std::string MakeIdNumber(const std::string& first17) { return first17 + IdCheckCharacter(first17); }

}  // namespace fupin::testing
