#pragma once
// Test support: the real `fupin serve` on a loopback port, and a JSON client.
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/process.h"

namespace fupin::testing {

class ServerProcess {
 public:
  // Starts `fupin --db DB serve --listen 127.0.0.1:0` and waits until it listens (HTTP or HTTPS).
  explicit ServerProcess(const std::string& db, const std::vector<std::string>& extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  // The server's process id (for a test that pauses it with SIGSTOP and SIGCONT).
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits; returns the exit code.
  int Stop();
  std::string Output() const;  // standard output so far
  std::string Log() const;     // standard error so far (the request log)

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

struct HttpResult {
  int status = 0;
  nlohmann::json body;  // null when the body is empty or not JSON
  std::string text;
  std::map<std::string, std::string> headers;
};

class ApiClient {
 public:
  explicit ApiClient(int port);
  ~ApiClient();

  // Logs in and keeps the token for later requests.
  HttpResult Login(const std::string& name, const std::string& password);
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }

  HttpResult Get(const std::string& path);
  HttpResult Post(const std::string& path, const nlohmann::json& body);
  HttpResult Put(const std::string& path, const nlohmann::json& body);
  HttpResult Patch(const std::string& path, const nlohmann::json& body, const std::string& if_match = "");
  HttpResult Delete(const std::string& path);
  // Any method with a raw body (for malformed requests).
  HttpResult Raw(const std::string& method, const std::string& path, const std::string& body,
                 const std::map<std::string, std::string>& headers = {});

 private:
  int port_;
  std::string token_;
};

}  // namespace fupin::testing
