#include "store/testing/test_databases.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "core/error.h"
#include "store/postgres_database.h"

namespace fupin::store::testing {

const char* BackendName(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgres"; }

std::optional<std::string> PostgresServerUrl() {
  const char* url = std::getenv("FUPIN_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

std::string WithDatabaseName(const std::string& url, const std::string& name) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  const std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  const std::string params = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + name + params;
}

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
  if (backend == Backend::kSqlite) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fupin-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw Error::Internal("cannot create a temporary folder");
    folder_ = tmpl;
    url_ = (std::filesystem::path(folder_) / "fupin.db").string();
    return;
  }
  const auto server = PostgresServerUrl();
  if (!server) throw Error::FailedPrecondition("FUPIN_TEST_PG_URL is not set");
  static std::atomic<int> counter{0};
  std::random_device random;
  name_ = "fupin_t_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" +
          std::to_string(random() % 1000000);
  PostgresDatabase admin(*server);
  admin.Connect()->Execute("CREATE DATABASE " + name_);
  url_ = WithDatabaseName(*server, name_);
}

TestDatabase::~TestDatabase() {
  try {
    if (backend_ == Backend::kSqlite) {
      std::filesystem::remove_all(folder_);
    } else if (auto server = PostgresServerUrl()) {
      PostgresDatabase admin(*server);
      admin.Connect()->Execute("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  } catch (...) {
    // Leave it: a throwaway server is deleted as a whole.
  }
}

}  // namespace fupin::store::testing
